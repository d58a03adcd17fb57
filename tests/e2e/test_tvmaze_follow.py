"""A new admin follows a drama from TVmaze: /drama add, /announce channel, the episode is
announced once at its time; TVmaze moves it, /drama refresh, it is announced at the new time
only, after a notice. The real bot and its real HTTP client, against the Discord emulator and
a local TVmaze replaying recorded-shape answers (tests/tvmaze)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.announcements import AnnouncementKind, DeliveryState
from tests.e2e.airing import in_seconds, posts, settled, until
from tests.e2e.conftest import FanbotRunner, Fans, fanbot_settings
from tests.emulator import DiscordEmulator, User
from tests.tvmaze.replay import TvmazeReplay
from tests.tvmaze.shows import ALCHEMY, alchemy, korean_show, search_answer

SHOW_PATH = f"/shows/{ALCHEMY}"
SLUG = "alchemy-of-souls"
TITLE = "Episode 2 of Alchemy of Souls is out now!"


@pytest.fixture
async def tvmaze() -> AsyncIterator[TvmazeReplay]:
    server = await TvmazeReplay().start()
    server.answer("/search/shows", search_answer(korean_show(), korean_show(9426)))
    yield server
    await server.stop()


@pytest.fixture
async def follower(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path, tvmaze: TvmazeReplay
) -> AsyncIterator[FanbotRunner]:
    """The bot with no data file at all: everything comes from TVmaze."""
    empty = tmp_path / "dramas"
    empty.mkdir()
    settings = fanbot_settings(emulator, tmp_path, empty, FANBOT_TVMAZE_URL=tvmaze.url)
    runner = FanbotRunner(emulator, settings)
    await runner.start()
    yield runner
    await runner.stop()


def schedule(second_at: datetime) -> list[datetime]:
    return [second_at - timedelta(days=7), second_at, second_at + timedelta(days=7)]


async def add_and_announce(emulator: DiscordEmulator, admin: User, fans: Fans) -> str:
    choices = await emulator.autocomplete(admin, "/drama add", show="alch")
    assert choices[0] == {"name": "Alchemy of Souls (tvN, 2022)", "value": str(ALCHEMY)}
    reply = await emulator.slash(admin, "/drama add", show=choices[0]["value"])
    assert reply.ephemeral, reply.content
    text = reply.content or ""
    subscribed = await emulator.slash(
        admin, "/announce channel", channel=fans.announcements, drama=SLUG
    )
    assert (subscribed.content or "").startswith("I'll announce"), subscribed.content
    return text


async def test_a_drama_added_from_tvmaze_is_announced_once_at_its_time(
    follower: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, tvmaze: TvmazeReplay
) -> None:
    airs_at = in_seconds(8)
    tvmaze.answer(SHOW_PATH, alchemy(schedule(airs_at), untimed=frozenset({3})))
    calls_before = tvmaze.calls(SHOW_PATH)

    found = await add_and_announce(emulator, admin, fans)

    assert "Added **Alchemy of Souls** (tvN) from TVmaze: 3 episodes." in found
    assert f"Next: episode 2, <t:{int(airs_at.timestamp())}:F> (" in found
    assert "Cast: Lee Jae-wook, Jung So-min and Hwang Min-hyun." in found
    assert "1 upcoming episode has a date but no time yet" in found
    assert "TVmaze, CC BY-SA" in found
    assert tvmaze.calls(SHOW_PATH) - calls_before == 1  # an add costs one call
    info = await emulator.slash(fans.alice, "/drama info", drama="환혼")
    fields = {f["name"]: f["value"] for f in info.embeds[0]["fields"]}
    assert "tvmaze.com/shows/62248" in fields["Source"] and "CC BY-SA" in fields["Source"]
    episodes = await emulator.slash(fans.alice, "/episodes", drama=SLUG)
    assert "time not announced" in episodes.embeds[0]["description"]
    cast = await emulator.slash(fans.alice, "/cast who", name="jang wook")
    assert "Lee Jae-wook" in (cast.content or "") + str(cast.embeds)

    first = await emulator.wait_for_message(fans.announcements, "Episode 2", timeout=20)
    assert await settled(follower.bot.store, 1) == [DeliveryState.SENT]
    assert posts(emulator, fans.announcements) == [TITLE]
    posted_at = datetime.fromtimestamp(first.created.wall, UTC)
    assert airs_at <= posted_at < airs_at + timedelta(seconds=5)


async def test_an_episode_moved_at_tvmaze_is_announced_at_its_new_time_only_after_a_notice(
    follower: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, tvmaze: TvmazeReplay
) -> None:
    old_at = in_seconds(10)
    new_at = old_at + timedelta(seconds=8)
    tvmaze.answer(SHOW_PATH, alchemy(schedule(old_at)))
    await add_and_announce(emulator, admin, fans)

    tvmaze.answer(SHOW_PATH, alchemy([*schedule(old_at)[:1], new_at, old_at + timedelta(days=7)]))
    calls_before = tvmaze.calls(SHOW_PATH)
    refreshed = await emulator.slash(admin, "/drama refresh", drama=SLUG)
    assert refreshed.ephemeral and "Refreshed **Alchemy of Souls**" in (refreshed.content or "")
    assert tvmaze.calls(SHOW_PATH) - calls_before == 1

    notice = await emulator.wait_for_message(fans.announcements, "moved", timeout=10)
    assert notice.embeds[0]["description"].startswith(
        f"Episode 2 moved to <t:{int(new_at.timestamp())}:F>"
    )
    await until(old_at + timedelta(seconds=1.5))
    assert TITLE not in posts(emulator, fans.announcements)  # not at the old time
    post = await emulator.wait_for_message(fans.announcements, "is out now", timeout=20)
    posted_at = datetime.fromtimestamp(post.created.wall, UTC)
    assert new_at <= posted_at < new_at + timedelta(seconds=5)
    assert f"<t:{int(new_at.timestamp())}:F>" in post.embeds[0]["description"]
    await settled(follower.bot.store, 1)
    assert posts(emulator, fans.announcements) == ["Alchemy of Souls: episode 2 moved", TITLE]
    moved = await follower.bot.store.announcements.deliveries(AnnouncementKind.MOVED)
    assert [state for _, state, _ in moved] == [DeliveryState.SENT]

    # The same answer again changes nothing and tells nobody twice.
    await emulator.slash(admin, "/drama refresh", drama=SLUG)
    assert posts(emulator, fans.announcements) == ["Alchemy of Souls: episode 2 moved", TITLE]


async def test_announce_changes_off_silences_the_notice(
    follower: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, tvmaze: TvmazeReplay
) -> None:
    old_at = in_seconds(120)
    tvmaze.answer(SHOW_PATH, alchemy(schedule(old_at)))
    await add_and_announce(emulator, admin, fans)
    off = await emulator.slash(admin, "/announce changes", setting="off")
    assert off.content == "I won't post notices when an episode's time moves."
    tvmaze.answer(SHOW_PATH, alchemy([old_at - timedelta(days=7), old_at + timedelta(hours=1)]))
    await emulator.slash(admin, "/drama refresh", drama=SLUG)
    jobs = [j for j in follower.bot.airing.planned if j.drama_slug == SLUG]
    assert [j.run_at for j in jobs] == [old_at + timedelta(hours=1)]  # ep 3 removed, ep 2 moved
    assert posts(emulator, fans.announcements) == []


@pytest.mark.parametrize(
    ("break_tvmaze", "reason"),
    [
        (lambda t: t.fail(SHOW_PATH, 503), "TVmaze is having trouble (503)"),
        (lambda t: t.fail(SHOW_PATH, 404), "TVmaze has no such show"),
        (lambda t: t.answer_raw(SHOW_PATH, b"<html>oops"), "answer could not be used"),
        (
            lambda t: t.answer(SHOW_PATH, {**alchemy(schedule(in_seconds(60))), "network": None}),
            "no network or streaming service",
        ),
    ],
)
async def test_a_bad_tvmaze_answer_is_a_polite_private_answer_and_writes_nothing(
    follower: FanbotRunner,
    emulator: DiscordEmulator,
    admin: User,
    tvmaze: TvmazeReplay,
    break_tvmaze,  # type: ignore[no-untyped-def]
    reason: str,
) -> None:
    break_tvmaze(tvmaze)
    reply = await emulator.slash(admin, "/drama add", show=str(ALCHEMY))
    assert reply.ephemeral
    assert (reply.content or "").startswith("I couldn't add that drama: ")
    assert reason in (reply.content or "") and "Nothing was changed" in (reply.content or "")
    assert await follower.bot.store.dramas.count_dramas() == 0


async def test_a_failed_refresh_keeps_the_last_good_data(
    follower: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, tvmaze: TvmazeReplay
) -> None:
    airs_at = in_seconds(300)
    tvmaze.answer(SHOW_PATH, alchemy(schedule(airs_at)))
    await add_and_announce(emulator, admin, fans)
    tvmaze.answer_raw(SHOW_PATH, b'{"id": 62248, "name": null}')
    reply = await emulator.slash(admin, "/drama refresh", drama=SLUG)
    assert "answer could not be used" in (reply.content or "")
    episodes = await follower.bot.store.dramas.episodes(SLUG)
    assert [e.airs_at for e in episodes] == schedule(airs_at)


async def test_adding_can_be_turned_off_and_is_capped_per_server_per_day(
    emulator: DiscordEmulator, fans: Fans, admin: User, tmp_path: Path, tvmaze: TvmazeReplay
) -> None:
    tvmaze.answer(SHOW_PATH, alchemy(schedule(in_seconds(300))))
    empty = tmp_path / "dramas"
    empty.mkdir()
    for env, expected in (
        ({"FANBOT_DISCORD_ADDS": "false"}, "Adding dramas from Discord is turned off"),
        ({"FANBOT_ADDS_PER_DAY": "1"}, "the most allowed a day"),
    ):
        settings = fanbot_settings(emulator, tmp_path, empty, FANBOT_TVMAZE_URL=tvmaze.url, **env)
        runner = FanbotRunner(emulator, settings)
        await runner.start()
        try:
            if "FANBOT_ADDS_PER_DAY" in env:
                first = await emulator.slash(admin, "/drama add", show=str(ALCHEMY))
                assert "Added" in (first.content or "")
            reply = await emulator.slash(admin, "/drama add", show=str(ALCHEMY))
            assert reply.ephemeral and expected in (reply.content or ""), reply.content
        finally:
            await runner.stop()


async def test_trivia_about_an_added_drama_is_made_from_its_cast(
    follower: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, tvmaze: TvmazeReplay
) -> None:
    tvmaze.answer(SHOW_PATH, alchemy(schedule(in_seconds(3600))))
    await add_and_announce(emulator, admin, fans)

    start = await emulator.slash(fans.alice, "/trivia start", drama=SLUG, questions=2, seconds=5)

    assert not start.ephemeral and "**Alchemy of Souls** trivia" in (start.content or ""), start
    # The drama has no curated trivia and no facts: its questions are generated from the
    # cast, crew and episodes TVmaze gave.
    first = await emulator.wait_for_message(fans.general, "Question 1", timeout=15)
    assert [b["label"] for row in first.components for b in row["components"]] == list("ABCD")
    await emulator.slash(fans.alice, "/trivia stop")
