"""The announcer on its ports: a real store (SQLite file), a recording messenger and a clock
the test sets, so retries, give-ups, late reasons and take-overs are exact and fast.

The messenger here stands for Discord at the port the announcer uses (``bot.messenger``);
the end-to-end tests (tests/e2e/test_delivery_faults.py) drive the real discord.py client.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.announcer import Announcer
from bot.catalogue import Catalogue
from bot.data.importer import import_files
from bot.domain.announcements import (
    AnnouncementKind,
    Claim,
    DeliveryKey,
    DeliveryState,
    PlannedJob,
)
from bot.domain.delivery import DeliveryFailed, Problem, RetryPolicy
from bot.i18n import Catalogues
from bot.messenger import Destination, OutgoingPost
from bot.store import Store
from bot.ui.announcements import render_failure
from tests.e2e.airing import soon_drama

GUILD, CHANNEL = 1001, 2002
AIRS_AT = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
KEY = DeliveryKey(GUILD, "soon", 1, AnnouncementKind.AIRING)
CATALOGUES = Catalogues.load()


@dataclass
class SetClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


@dataclass
class RecordingMessenger:
    """Discord as the announcer sees it: posts recorded, failures scripted in order."""

    failures: list[Problem] = field(default_factory=list)
    posts: list[tuple[Destination, OutgoingPost]] = field(default_factory=list)
    looks: int = 0
    earlier: int | None = None  # the id the look finds, if any

    async def post(self, to: Destination, post: OutgoingPost, *, nonce: str | None) -> int:
        if self.failures:
            raise DeliveryFailed(self.failures.pop(0), "scripted")
        self.posts.append((to, post))
        return 9000 + len(self.posts)

    async def find_post(self, to: Destination, marker: str, after_at: datetime) -> int | None:
        self.looks += 1
        return self.earlier

    def can_read_history(self, to: Destination) -> bool:
        return True


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "fanbot.sqlite3")
    await opened.lock.acquire(AIRS_AT)
    await import_files(opened.dramas, [soon_drama(tmp_path / "dramas", AIRS_AT)])
    await opened.announcements.subscribe(GUILD, "soon", CHANNEL, AIRS_AT - timedelta(days=1))
    yield opened
    await opened.close()


async def announcer(
    store: Store, messenger: RecordingMessenger, now_at: datetime, window_minutes: int = 30
) -> Announcer:
    catalogue = Catalogue(store)
    await catalogue.refresh()
    return Announcer(
        store.announcements,
        catalogue,
        messenger,
        SetClock(now_at),
        catchup_window=timedelta(minutes=window_minutes),
        retry=RetryPolicy(base_seconds=0.01, cap_seconds=0.02),
    )


async def last_failure(store: Store, language: str | None = None) -> str:
    """What /announce status shows as the last failure, in that language."""
    failure = (await store.announcements.settings(GUILD)).last_failure
    assert failure is not None
    return render_failure(CATALOGUES.language(language), failure)


def description(messenger: RecordingMessenger) -> str:
    [(_, post)] = messenger.posts
    assert post.embed is not None
    return post.embed.description or ""


async def test_a_catch_up_at_start_says_the_bot_was_offline(store: Store) -> None:
    messenger = RecordingMessenger()
    bot = await announcer(store, messenger, AIRS_AT + timedelta(minutes=5))

    await bot.catch_up(at_start=True)

    assert "Posted 5m 0s late: I was offline at air time." in description(messenger)
    assert await store.announcements.deliveries() == [(KEY, DeliveryState.SENT, 9001)]


async def test_a_catch_up_after_an_import_says_the_episode_moved_not_that_the_bot_was_away(
    store: Store,
) -> None:
    messenger = RecordingMessenger()
    bot = await announcer(store, messenger, AIRS_AT + timedelta(minutes=2))

    await bot.catch_up(at_start=False)

    assert "late: the episode's time was changed after it had passed" in description(messenger)


async def test_a_punctual_post_makes_no_excuse(store: Store) -> None:
    messenger = RecordingMessenger()
    bot = await announcer(store, messenger, AIRS_AT + timedelta(seconds=30))

    await bot.catch_up(at_start=True)

    assert "late" not in description(messenger)


async def test_5xx_answers_are_retried_and_each_retry_looks_for_a_post_that_may_have_landed(
    store: Store,
) -> None:
    messenger = RecordingMessenger(failures=[Problem.DISCORD_ERROR, Problem.DISCORD_ERROR])
    bot = await announcer(store, messenger, AIRS_AT)

    await bot.catch_up(at_start=True)

    assert len(messenger.posts) == 1 and messenger.looks == 2
    assert await store.announcements.deliveries() == [(KEY, DeliveryState.SENT, 9001)]


async def test_a_429_is_retried_without_looking_since_it_never_posts(store: Store) -> None:
    messenger = RecordingMessenger(failures=[Problem.RATE_LIMITED])
    bot = await announcer(store, messenger, AIRS_AT)

    await bot.catch_up(at_start=True)

    assert len(messenger.posts) == 1 and messenger.looks == 0


async def test_retries_give_up_when_the_catch_up_window_closes(store: Store) -> None:
    messenger = RecordingMessenger(failures=[Problem.DISCORD_ERROR] * 100)
    bot = await announcer(store, messenger, AIRS_AT, window_minutes=0)

    await bot.catch_up(at_start=True)

    assert messenger.posts == []
    assert await store.announcements.deliveries() == [(KEY, DeliveryState.FAILED, None)]
    failure = await last_failure(store)
    assert "Discord kept failing" in failure and "gave up after 1 try" in failure


async def test_missing_permissions_fail_at_once_and_show_in_the_status(store: Store) -> None:
    messenger = RecordingMessenger(failures=[Problem.NO_PERMISSION])
    bot = await announcer(store, messenger, AIRS_AT)

    await bot.catch_up(at_start=True)

    assert await store.announcements.deliveries() == [(KEY, DeliveryState.FAILED, None)]
    assert await last_failure(store) == f"missing Send Messages or Embed Links in <#{CHANNEL}>"


async def test_a_failure_is_kept_as_data_and_read_in_each_admins_language(
    store: Store,
) -> None:
    messenger = RecordingMessenger(failures=[Problem.NO_PERMISSION])
    bot = await announcer(store, messenger, AIRS_AT)

    await bot.catch_up(at_start=True)

    assert await last_failure(store, "en-US") != await last_failure(store, "id")
    assert f"<#{CHANNEL}>" in await last_failure(store, "ko")


async def test_a_deleted_channel_ends_what_was_announced_there(store: Store) -> None:
    messenger = RecordingMessenger(failures=[Problem.CHANNEL_GONE])
    bot = await announcer(store, messenger, AIRS_AT)

    await bot.catch_up(at_start=True)

    assert await store.announcements.subscriptions() == []
    assert await last_failure(store) == "the channel was deleted; stopped announcing Soon Drama"


async def test_a_claim_left_by_a_gone_process_is_settled_by_the_post_found_in_the_channel(
    store: Store, tmp_path: Path
) -> None:
    gone = await Store.open(store.database.path)  # never took the lock: a dead process
    try:
        assert await gone.announcements.claim(KEY, AIRS_AT) is Claim.NEW
    finally:
        await gone.close()
    messenger = RecordingMessenger(earlier=4242)
    bot = await announcer(store, messenger, AIRS_AT + timedelta(minutes=10))

    await bot.catch_up(at_start=True)

    assert messenger.posts == [] and messenger.looks == 1
    assert await store.announcements.deliveries() == [(KEY, DeliveryState.SENT, 4242)]


async def test_a_delivery_another_live_bot_holds_is_left_to_it(
    store: Store, tmp_path: Path
) -> None:
    other = await Store.open(store.database.path)
    try:
        await store.lock.release()
        await other.lock.acquire(AIRS_AT)  # the other bot holds the lock and the claim
        assert await other.announcements.claim(KEY, AIRS_AT) is Claim.NEW
        messenger = RecordingMessenger()
        bot = await announcer(store, messenger, AIRS_AT + timedelta(minutes=1))

        await bot.catch_up(at_start=True)

        assert messenger.posts == [] and messenger.looks == 0
    finally:
        await other.close()


async def test_a_move_notice_cut_off_by_a_crash_is_finished_by_the_next_start(
    store: Store,
) -> None:
    notice = DeliveryKey(GUILD, "soon", 1, AnnouncementKind.MOVED, AIRS_AT.isoformat())
    gone = await Store.open(store.database.path)
    try:
        assert await gone.announcements.claim(notice, AIRS_AT - timedelta(hours=2)) is Claim.NEW
    finally:
        await gone.close()
    messenger = RecordingMessenger()
    bot = await announcer(store, messenger, AIRS_AT - timedelta(hours=1))

    await bot.catch_up(at_start=True)

    [(to, post)] = messenger.posts
    assert to == Destination.channel(GUILD, CHANNEL) and post.embed is not None
    assert "moved" in (post.embed.title or "") + (post.embed.description or "")
    assert await store.announcements.deliveries() == [(notice, DeliveryState.SENT, 9001)]


@dataclass
class HeldMessenger(RecordingMessenger):
    """Posts that wait for ``release`` (a slow Discord): deliveries stay in flight."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    posting: asyncio.Event = field(default_factory=asyncio.Event)  # a post has begun

    async def post(self, to: Destination, post: OutgoingPost, *, nonce: str | None) -> int:
        self.posting.set()
        await self.release.wait()
        return await super().post(to, post, nonce=nonce)


async def many_servers(store: Store, count: int) -> None:
    for n in range(count):
        await store.announcements.subscribe(
            GUILD + 1 + n, "soon", CHANNEL + 1 + n, AIRS_AT - timedelta(days=1)
        )


async def test_a_fan_out_started_a_slice_at_a_time_still_reaches_every_server(
    store: Store,
) -> None:
    await many_servers(store, 599)  # 600 with the fixture's: three slices
    messenger = HeldMessenger()
    messenger.release.set()
    job = PlannedJob("soon", 1, AnnouncementKind.AIRING, AIRS_AT)

    await (await announcer(store, messenger, AIRS_AT)).run(job)

    channels = [to.channel_id for to, _ in messenger.posts]
    assert len(channels) == len(set(channels)) == 600


async def test_a_fan_out_cancelled_mid_way_leaves_no_delivery_running(
    store: Store,
) -> None:
    await many_servers(store, 599)
    messenger = HeldMessenger()
    job = PlannedJob("soon", 1, AnnouncementKind.AIRING, AIRS_AT)
    running = asyncio.create_task((await announcer(store, messenger, AIRS_AT)).run(job))
    await messenger.posting.wait()  # deliveries in flight, others waiting for a slot

    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running

    assert asyncio.all_tasks() == {asyncio.current_task()}  # every started one unwound
    assert messenger.posts == []
