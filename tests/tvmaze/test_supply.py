"""A data file over a followed show, at start: applied by the start that finds the folder
changed, and tried again by every next start until TVmaze lets it be applied."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sources.supply import DramaSupply
from bot.sources.tvmaze import TvmazeClient
from bot.store import Store
from tests.tvmaze.replay import TvmazeReplay
from tests.tvmaze.shows import ALCHEMY, alchemy
from tests.tvmaze.test_refresh import SHOW_PATH, SetClock, weekly


def overlay(slug: str) -> str:
    """A file over the show that keeps its slug and gives its platform."""
    return (
        f"slug: {slug}\nsource: tvmaze:{ALCHEMY}\nplatform: Netflix\n"
        'schedule: {timezone: Asia/Seoul, time: "21:10", start: 2022-06-18, episodes: 1}\n'
    )


@pytest.fixture
async def replay() -> AsyncIterator[TvmazeReplay]:
    server = await TvmazeReplay().start()
    yield server
    await server.stop()


async def a_start(store: Store, client: TvmazeClient, folder: Path) -> DramaSupply:
    version = await store.database.schema_version()
    return DramaSupply(store.dramas, store.bot_state, client, SetClock(), folder, version)


async def apply_at_start(supply: DramaSupply) -> bool:
    """What ``setup_hook`` does with the folder; whether it was imported (changed)."""
    folder_import = await supply.import_folder_if_changed()
    if folder_import is None:
        return False
    follower = await supply.follower()
    await supply.settle_folder(folder_import, follower.refresh_one)
    return True


async def test_an_overlay_tvmaze_could_not_take_is_applied_by_a_later_start(
    replay: TvmazeReplay, tmp_path: Path
) -> None:
    store = await Store.open(tmp_path / "fanbot.sqlite3")
    client = TvmazeClient(replay.url)
    folder = tmp_path / "dramas"
    folder.mkdir()
    try:
        replay.answer(SHOW_PATH, alchemy(weekly(2)), cache=False)
        first = await a_start(store, client, folder)
        followed = await (await first.follower()).add(ALCHEMY)  # before the file existed
        slug = followed.drama_file.drama.slug
        (folder / "aos.yaml").write_text(overlay(slug), encoding="utf-8")

        replay.fail(SHOW_PATH, 503)  # TVmaze is down during the next start
        assert await apply_at_start(await a_start(store, client, folder))
        assert await apply_at_start(await a_start(store, client, folder))  # tried again

        [drama] = await store.dramas.dramas()
        assert drama.platform == "Netflix"  # what the file says
        assert not await apply_at_start(await a_start(store, client, folder))  # now settled
    finally:
        await client.close()
        await store.close()


async def test_a_file_giving_a_followed_drama_another_slug_applies_and_keeps_the_slug(
    replay: TvmazeReplay, tmp_path: Path
) -> None:
    store = await Store.open(tmp_path / "fanbot.sqlite3")
    client = TvmazeClient(replay.url)
    folder = tmp_path / "dramas"
    folder.mkdir()
    try:
        replay.answer(SHOW_PATH, alchemy(weekly(2)), cache=False)
        supply = await a_start(store, client, folder)
        followed = await (await supply.follower()).add(ALCHEMY)
        slug = followed.drama_file.drama.slug
        (folder / "aos.yaml").write_text(overlay("aos"), encoding="utf-8")

        assert await apply_at_start(await a_start(store, client, folder))

        [drama] = await store.dramas.dramas()
        assert (drama.slug, drama.platform) == (slug, "Netflix")
    finally:
        await client.close()
        await store.close()
