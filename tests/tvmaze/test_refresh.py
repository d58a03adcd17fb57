"""The periodic refresh: one /updates/shows call, then one call per show that changed; a bad
answer keeps the last good data and never ends the loop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.data.importer import overlays_in
from bot.data.model import DramaDocument
from bot.sources.following import SourceFollower
from bot.sources.tvmaze import TvmazeClient
from bot.store import Store
from tests.tvmaze.replay import TvmazeReplay
from tests.tvmaze.shows import ALCHEMY, alchemy

SHOW_PATH = f"/shows/{ALCHEMY}"
NOW = datetime(2022, 6, 1, tzinfo=UTC)


class SetClock:
    def now(self) -> datetime:
        return NOW


def weekly(count: int) -> list[datetime]:
    first = datetime(2022, 6, 18, 12, 15, tzinfo=UTC)
    return [first + timedelta(days=7 * n) for n in range(count)]


@pytest.fixture
async def replay() -> AsyncIterator[TvmazeReplay]:
    server = await TvmazeReplay().start()
    yield server
    await server.stop()


@pytest.fixture
async def follower(replay: TvmazeReplay, tmp_path: Path) -> AsyncIterator[SourceFollower]:
    store = await Store.open(tmp_path / "fanbot.sqlite3")
    client = TvmazeClient(replay.url)
    overlays: dict[str, DramaDocument] = {}
    yield SourceFollower(store.dramas, client, SetClock(), lambda: overlays)
    await client.close()
    await store.close()


async def test_an_unchanged_show_costs_only_the_updates_call(
    replay: TvmazeReplay, follower: SourceFollower
) -> None:
    show = alchemy(weekly(3))
    replay.answer(SHOW_PATH, show)
    await follower.add(ALCHEMY)
    replay.answer("/updates/shows", {str(ALCHEMY): show["updated"]}, cache=False)

    report = await follower.refresh_all()

    assert report.imported == () and report.failed == ()
    assert replay.calls(SHOW_PATH) == 1 and replay.calls("/updates/shows") == 1


async def test_a_changed_show_is_fetched_again(
    replay: TvmazeReplay, follower: SourceFollower
) -> None:
    show = alchemy(weekly(3))
    replay.answer(SHOW_PATH, show)
    await follower.add(ALCHEMY)
    replay.answer(SHOW_PATH, {**alchemy(weekly(4)), "updated": show["updated"] + 60})
    replay.answer("/updates/shows", {str(ALCHEMY): show["updated"] + 60}, cache=False)

    report = await follower.refresh_all()

    [imported] = report.imported
    assert len(imported.episodes) == 4 and replay.calls(SHOW_PATH) == 2


async def test_a_malformed_updates_answer_changes_nothing_and_raises_nothing(
    replay: TvmazeReplay, follower: SourceFollower
) -> None:
    replay.answer(SHOW_PATH, alchemy(weekly(3)))
    await follower.add(ALCHEMY)
    replay.answer("/updates/shows", {str(ALCHEMY): "garbage", "x": None}, cache=False)

    report = await follower.refresh_all()

    assert report.imported == () and replay.calls(SHOW_PATH) == 1


OVERLAY = """\
slug: aos
source: tvmaze:62248
schedule: {timezone: Asia/Seoul, time: "21:10", start: 2022-06-18, episodes: 1}
people:
  - {id: tvmaze-35563, name: Lee Jae-wook, aliases: [이재욱], born: 1998-05-10}
"""


async def test_a_hangul_name_a_file_gave_a_shared_person_survives_another_shows_import(
    replay: TvmazeReplay, tmp_path: Path
) -> None:
    (tmp_path / "aos.yaml").write_text(OVERLAY, encoding="utf-8")
    store = await Store.open(tmp_path / "fanbot.sqlite3")
    client = TvmazeClient(replay.url)
    try:
        follower = SourceFollower(store.dramas, client, SetClock(), lambda: overlays_in(tmp_path))
        replay.answer(SHOW_PATH, alchemy(weekly(2)))
        await follower.add(ALCHEMY)
        other = {**alchemy(weekly(2)), "id": 9426, "name": "Alchemy of Souls: Light and Shadow"}
        replay.answer("/shows/9426", other)

        await follower.add(9426)  # the same lead; no file speaks for this show

        [person] = [p for p in await store.dramas.people() if p.id == "tvmaze-35563"]
        assert "이재욱" in person.aliases
    finally:
        await client.close()
        await store.close()
