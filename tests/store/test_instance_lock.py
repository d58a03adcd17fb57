"""One bot per database: the instance lock on a real SQLite file, as two processes see it."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.database import Database
from bot.store.instance_lock import (
    InstanceLock,
    LockHolder,
    LockRefused,
    SqliteInstanceLock,
    pid_is_alive,
)

START_AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)
# A process that is alive and is not this one: the test runner's parent.
ANOTHER_LIVE_PID = os.getppid()


@pytest.fixture
async def databases(tmp_path: Path) -> AsyncIterator[tuple[Database, Database]]:
    """Two connections to one file, as two bot processes would hold them."""
    path = tmp_path / "fanbot.sqlite3"
    first = await Database.open(path)
    second = await Database.open(path)
    yield first, second
    await first.close()
    await second.close()


def a_dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


async def test_the_first_bot_takes_the_lock_and_is_named_as_its_holder(
    databases: tuple[Database, Database],
) -> None:
    lock = SqliteInstanceLock(databases[0], "run-a")
    await lock.acquire(START_AT)
    assert await lock.holder() == LockHolder(
        "run-a", os.getpid(), socket.gethostname(), START_AT, START_AT
    )


async def test_a_second_bot_is_refused_with_the_running_one_named(
    databases: tuple[Database, Database],
) -> None:
    first, second = databases
    await SqliteInstanceLock(first, "run-a", pid=os.getpid(), host="host-x").acquire(START_AT)
    with pytest.raises(LockRefused) as refused:
        await SqliteInstanceLock(second, "run-b").acquire(START_AT + timedelta(seconds=5))
    assert str(refused.value) == (
        f"another bot is running on {second.path}: pid {os.getpid()} on host-x"
        " since 2026-12-03 10:00 UTC"
    )
    assert refused.value.holder.run_id == "run-a"


async def test_renewing_keeps_the_lease_alive_past_its_first_term(
    databases: tuple[Database, Database],
) -> None:
    first, second = databases
    lock = SqliteInstanceLock(first, "run-a", lease=LEASE, pid=ANOTHER_LIVE_PID)
    await lock.acquire(START_AT)
    for beat in range(1, 7):  # 60 s of heartbeats every 10 s
        assert await lock.renew(START_AT + beat * LEASE / 3)
    with pytest.raises(LockRefused):
        await SqliteInstanceLock(second, "run-b", lease=LEASE).acquire(START_AT + 2 * LEASE)
    holder = await lock.holder()
    assert holder is not None
    assert holder.since_at == START_AT and holder.heartbeat_at == START_AT + 2 * LEASE


async def test_a_lease_not_renewed_for_longer_than_the_lease_is_taken_over(
    databases: tuple[Database, Database],
) -> None:
    first, second = databases
    stalled = SqliteInstanceLock(first, "run-a", lease=LEASE, host="other-host")
    await stalled.acquire(START_AT)
    newcomer = SqliteInstanceLock(second, "run-b", lease=LEASE)
    with pytest.raises(LockRefused):  # exactly one lease old: still held
        await newcomer.acquire(START_AT + LEASE)
    await newcomer.acquire(START_AT + LEASE + timedelta(seconds=1))
    holder = await newcomer.holder()
    assert holder is not None and holder.run_id == "run-b"
    assert holder.since_at == START_AT + LEASE + timedelta(seconds=1)
    # The stalled bot learns at its next heartbeat that it lost the lock.
    assert not await stalled.renew(START_AT + LEASE + timedelta(seconds=2))


async def test_a_lock_of_a_dead_process_on_this_host_is_taken_over_at_once(
    databases: tuple[Database, Database],
) -> None:
    first, second = databases
    killed = SqliteInstanceLock(first, "run-a", pid=a_dead_pid())
    await killed.acquire(START_AT)
    newcomer = SqliteInstanceLock(second, "run-b")
    await newcomer.acquire(START_AT + timedelta(seconds=1))
    holder = await newcomer.holder()
    assert holder is not None and holder.run_id == "run-b" and holder.pid == os.getpid()


async def test_a_dead_pid_on_another_host_is_not_trusted_until_its_lease_ends(
    databases: tuple[Database, Database],
) -> None:
    first, second = databases
    await SqliteInstanceLock(first, "run-a", pid=a_dead_pid(), host="elsewhere").acquire(START_AT)
    with pytest.raises(LockRefused):
        await SqliteInstanceLock(second, "run-b").acquire(START_AT + timedelta(seconds=1))


def test_a_zombie_counts_as_dead() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped
        assert not pid_is_alive(process.pid)
    finally:
        process.wait()
    assert pid_is_alive(os.getpid())


async def test_a_released_lock_is_free_and_a_lost_one_is_not_released_from_its_new_holder(
    databases: tuple[Database, Database],
) -> None:
    first, second = databases
    lock_a = SqliteInstanceLock(first, "run-a", lease=LEASE)
    await lock_a.acquire(START_AT)
    await lock_a.release()
    assert await lock_a.holder() is None

    lock_b = SqliteInstanceLock(second, "run-b", lease=LEASE)
    await lock_b.acquire(START_AT + timedelta(seconds=1))
    await lock_a.release()  # not ours any more: leaves run-b's lease alone
    holder = await lock_b.holder()
    assert holder is not None and holder.run_id == "run-b"
    await lock_b.release()
    await lock_b.release()  # twice is harmless


async def test_a_lock_held_by_our_own_pid_under_another_run_is_a_restart_and_taken_over(
    databases: tuple[Database, Database],
) -> None:
    """A container's bot is pid 1 at every start: a lock left by pid 1 before the restart
    cannot belong to a live process, since pid 1 is this one."""
    first, second = databases
    await SqliteInstanceLock(first, "before-restart", lease=LEASE).acquire(START_AT)
    restarted = SqliteInstanceLock(second, "after-restart", lease=LEASE)
    await restarted.acquire(START_AT + timedelta(seconds=1))
    holder = await restarted.holder()
    assert holder is not None and holder.run_id == "after-restart"


async def test_two_bots_starting_at_once_cannot_both_win(tmp_path: Path) -> None:
    path = tmp_path / "fanbot.sqlite3"
    await (await Database.open(path)).close()
    databases = [await Database.open(path) for _ in range(6)]
    try:
        # Six processes, each on a host of its own: none can look at another's pid.
        locks = [
            SqliteInstanceLock(db, f"run-{i}", host=f"host-{i}") for i, db in enumerate(databases)
        ]
        outcomes = await asyncio.gather(
            *(lock.acquire(START_AT) for lock in locks), return_exceptions=True
        )
        winners = [
            lock.run_id for lock, outcome in zip(locks, outcomes, strict=True) if not outcome
        ]
        assert len(winners) == 1
        assert all(isinstance(o, LockRefused) for o in outcomes if o is not None)
        holder = await locks[0].holder()
        assert holder is not None and holder.run_id == winners[0]
    finally:
        for database in databases:
            await database.close()


async def test_the_store_lock_carries_the_run_id_of_the_delivery_claims(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "fanbot.sqlite3", lock_lease=timedelta(seconds=5))
    try:
        lock: InstanceLock = store.lock
        assert lock.run_id == store.announcements._run_id
        assert store.lock.lease == timedelta(seconds=5)
        assert store.lock.heartbeat_interval < store.lock.lease / 2
    finally:
        await store.close()
