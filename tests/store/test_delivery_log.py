"""The delivery log: claim, take over, retry, settle; what makes every post happen once.

A delivery is claimed before it is sent. Only a NEW or RESEND claimant posts; a live
process (holding its instance lock) keeps its claims, and only a gone one's are taken over.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.announcements import (
    AnnounceFailure,
    AnnouncementKind,
    Claim,
    DeliveryKey,
    DeliveryState,
    Trouble,
)
from bot.domain.delivery import Problem
from bot.store import Store
from bot.store.announcements import StoreBusy

NOW = datetime(2026, 12, 3, 7, tzinfo=UTC)
KEY = DeliveryKey(1001, "soundtrack-1", 2, AnnouncementKind.AIRING)
DM = DeliveryKey(77, "soundtrack-1", 2, AnnouncementKind.DIRECT)
TROUBLE = AnnounceFailure(Trouble.POST, Problem.DISCORD_ERROR, 503, "Service Unavailable", 5)


@pytest.fixture
async def other(tmp_path: Path, store: Store) -> AsyncIterator[Store]:
    """A second process on the same database file (its own connection and run id)."""
    opened = await Store.open(store.database.path)
    yield opened
    await opened.close()


async def test_the_first_claim_is_new_and_every_later_one_by_the_same_process_is_taken(
    store: Store,
) -> None:
    log = store.announcements
    assert await log.claim(KEY, NOW) is Claim.NEW
    assert await log.claim(KEY, NOW) is Claim.TAKEN
    assert await log.claim(DM, NOW) is Claim.NEW  # another target, kind or episode is its own


async def test_a_settled_delivery_is_taken_for_everyone(store: Store, other: Store) -> None:
    await store.announcements.claim(KEY, NOW)
    await store.announcements.settle(KEY, DeliveryState.SENT, NOW, channel_id=5, message_id=9)
    assert await store.announcements.claim(KEY, NOW) is Claim.TAKEN
    assert await other.announcements.claim(KEY, NOW) is Claim.TAKEN
    assert await store.announcements.deliveries() == [(KEY, DeliveryState.SENT, 9)]


async def test_a_live_process_keeps_its_claims_while_it_retries(store: Store, other: Store) -> None:
    await store.lock.acquire(NOW)
    assert await store.announcements.claim(KEY, NOW) is Claim.NEW
    assert await other.announcements.claim(KEY, NOW + timedelta(hours=1)) is Claim.TAKEN


async def test_a_claim_left_by_a_process_that_is_gone_is_taken_over_once(
    store: Store, other: Store, tmp_path: Path
) -> None:
    assert await other.announcements.claim(KEY, NOW) is Claim.NEW  # it holds no lock: gone
    assert await store.announcements.claim(KEY, NOW) is Claim.RESEND
    assert await store.announcements.claim(KEY, NOW) is Claim.TAKEN  # now it is ours
    third = await Store.open(store.database.path)
    try:
        await store.lock.acquire(NOW)  # we are alive: nobody takes it from us
        assert await third.announcements.claim(KEY, NOW) is Claim.TAKEN
    finally:
        await third.close()


async def test_attempts_count_transient_failures_and_show_what_went_wrong(store: Store) -> None:
    log = store.announcements
    await log.claim(KEY, NOW)
    assert await log.record_attempt(KEY, TROUBLE) == 1
    assert await log.record_attempt(KEY, TROUBLE) == 2
    assert await log.in_flight(KEY.target_id) == [(KEY, 2, TROUBLE)]
    await log.settle(KEY, DeliveryState.SENT, NOW, channel_id=5, message_id=9)
    assert await log.in_flight(KEY.target_id) == []


async def test_only_the_claimant_records_attempts(store: Store, other: Store) -> None:
    await store.announcements.claim(KEY, NOW)
    assert await other.announcements.record_attempt(KEY, TROUBLE) == 0


async def test_catch_up_reads_the_settled_deliveries_of_the_episodes_it_asks_about(
    store: Store,
) -> None:
    log = store.announcements
    reminder = DeliveryKey(1001, "soundtrack-1", 3, AnnouncementKind.REMINDER)
    old = DeliveryKey(1001, "soundtrack-1", 1, AnnouncementKind.AIRING)
    for key, state in [(KEY, DeliveryState.SENT), (reminder, DeliveryState.MISSED)]:
        await log.claim(key, NOW)
        await log.settle(key, state, NOW)
    await log.claim(old, NOW)
    await log.settle(old, DeliveryState.FAILED, NOW)
    await log.claim(DM, NOW)  # claimed, not settled: still owed

    settled = await log.settled_among([("soundtrack-1", 2), ("soundtrack-1", 3)])
    assert settled == {KEY, reminder}


async def test_a_database_locked_by_another_writer_is_busy_not_a_crash(
    store: Store, tmp_path: Path
) -> None:
    blocker = sqlite3.connect(store.database.path, timeout=0)
    blocker.execute("PRAGMA busy_timeout = 0")
    blocker.execute("BEGIN IMMEDIATE")
    try:
        await store.database.scalar("PRAGMA busy_timeout = 50")
        with pytest.raises(StoreBusy, match="is busy"):
            await store.announcements.claim(KEY, NOW)
    finally:
        blocker.rollback()
        blocker.close()
    assert await store.announcements.claim(KEY, NOW) is Claim.NEW  # nothing half-written
