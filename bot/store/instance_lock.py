"""One bot per database: a lease on a scope, held by one running process.

Callers depend on the :class:`InstanceLock` protocol only. Today there is one scope,
``"bot"``, and the SQLite implementation below. Several processes each owning a slice of
Discord's shards (on PostgreSQL) will each hold a lease on their own scope (``"shards:0-3"``)
through another implementation of the same protocol; the callers do not change.

Take-over rule (:meth:`SqliteInstanceLock.acquire`): the holder's lease may be taken when

- its heartbeat is older than the lease (it stopped renewing: dead, frozen, or on another
  host that went away), or
- it runs on this host and its pid is not alive (killed with SIGKILL: taken over at once),
  or its pid is this process's own under another run id (a restarted container, where the
  bot is pid 1 every time: the old holder cannot be alive, this pid is us).

A pid that is alive is trusted as the holder, even if the pid was reused by another program
after the holder died: such a lock is then taken over only when its lease runs out. That
errs on the safe side (a short wait, never two bots) and needs no process start times.

Acquire and take-over are one ``BEGIN IMMEDIATE`` transaction whose write compares the
run id it read (compare-and-swap), so two processes starting at once cannot both win.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import aiosqlite

from bot.domain.clock import Clock
from bot.domain.schedule import require_utc
from bot.store.database import Database, StoreError, instant_from_db, instant_to_db

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(seconds=30)
_SELECT_HOLDER = "SELECT run_id, pid, host, since_at, heartbeat_at FROM instance_locks"


@dataclass(frozen=True)
class LockHolder:
    """Who holds a scope's lease."""

    run_id: str
    pid: int
    host: str
    since_at: datetime
    heartbeat_at: datetime

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host} since {self.since_at:%Y-%m-%d %H:%M} UTC"


class LockRefused(Exception):
    """Another live process holds the lease; the message names it."""

    def __init__(self, holder: LockHolder, where: str = "this database") -> None:
        super().__init__(f"another bot is running on {where}: {holder.describe()}")
        self.holder = holder
        self.where = where


class InstanceLock(Protocol):
    """What the bot needs from its single-instance lease, whatever backs it."""

    @property
    def run_id(self) -> str:
        """This process's run id: the lease's owner, also written into delivery claims."""
        ...

    async def acquire(self, now_at: datetime) -> None:
        """Take the lease (or take over a dead holder's); LockRefused if a live one holds it."""
        ...

    async def renew(self, now_at: datetime) -> bool:
        """Push the heartbeat; False when the lease is no longer ours (we lost it)."""
        ...

    async def release(self) -> None:
        """Give the lease up if it is still ours; safe to call when not held."""
        ...


def pid_is_alive(pid: int) -> bool:
    """True unless ``pid`` is certainly gone from this host (a zombie counts as gone)."""
    if pid <= 0:
        return True  # not a real pid: let the lease decide
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    try:  # Linux: a killed process its parent has not reaped yet is a zombie
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


class SqliteInstanceLock:
    """The lease as a row of ``instance_locks`` in the bot's SQLite database."""

    def __init__(
        self,
        database: Database,
        run_id: str,
        scope: str = "bot",
        lease: timedelta = DEFAULT_LEASE,
        *,
        pid: int | None = None,
        host: str | None = None,
    ) -> None:
        if lease <= timedelta(0):
            raise ValueError("the lease must be positive")
        self._database = database
        self._run_id = run_id
        self.scope = scope
        self.lease = lease
        self.pid = os.getpid() if pid is None else pid
        self.host = socket.gethostname() if host is None else host

    @property
    def run_id(self) -> str:
        return self._run_id

    @property
    def heartbeat_interval(self) -> timedelta:
        """How often to renew: three beats per lease, so one late beat loses nothing."""
        return self.lease / 3

    async def acquire(self, now_at: datetime) -> None:
        now_text = instant_to_db(require_utc(now_at))
        where = str(self._database.path)
        async with self._database.transaction() as conn:
            holder = await _holder(conn, self.scope)
            if holder is None:
                await conn.execute(
                    "INSERT INTO instance_locks (scope, run_id, pid, host, since_at, heartbeat_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (self.scope, self._run_id, self.pid, self.host, now_text, now_text),
                )
                return
            if holder.run_id != self._run_id and not self._may_take_over(holder, now_at):
                raise LockRefused(holder, where)
            cursor = await conn.execute(
                "UPDATE instance_locks SET run_id = ?, pid = ?, host = ?, since_at = ?,"
                " heartbeat_at = ? WHERE scope = ? AND run_id = ?",
                (
                    self._run_id,
                    self.pid,
                    self.host,
                    instant_to_db(holder.since_at) if holder.run_id == self._run_id else now_text,
                    now_text,
                    self.scope,
                    holder.run_id,
                ),
            )
            if cursor.rowcount != 1:  # the compare-and-swap lost (not under BEGIN IMMEDIATE)
                raise LockRefused(await _holder(conn, self.scope) or holder, where)

    def _may_take_over(self, holder: LockHolder, now_at: datetime) -> bool:
        if holder.heartbeat_at < now_at - self.lease:
            return True
        if holder.host != self.host:
            return False
        # Our own pid on our host, under another run id: the holder was this pid before a
        # restart (a container's bot is pid 1 every time), so it is gone.
        return holder.pid == self.pid or not pid_is_alive(holder.pid)

    async def renew(self, now_at: datetime) -> bool:
        async with self._database.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE instance_locks SET heartbeat_at = ? WHERE scope = ? AND run_id = ?",
                (instant_to_db(require_utc(now_at)), self.scope, self._run_id),
            )
            return cursor.rowcount == 1

    async def release(self) -> None:
        async with self._database.transaction() as conn:
            await conn.execute(
                "DELETE FROM instance_locks WHERE scope = ? AND run_id = ?",
                (self.scope, self._run_id),
            )

    async def holder(self) -> LockHolder | None:
        """Who holds the scope now (for status and tests)."""
        row = await self._database.fetch_one(f"{_SELECT_HOLDER} WHERE scope = ?", (self.scope,))
        return None if row is None else _holder_from_row(row)


def _holder_from_row(row: sqlite3.Row) -> LockHolder:
    return LockHolder(
        run_id=row["run_id"],
        pid=int(row["pid"]),
        host=row["host"],
        since_at=instant_from_db(row["since_at"]),
        heartbeat_at=instant_from_db(row["heartbeat_at"]),
    )


async def _holder(conn: aiosqlite.Connection, scope: str) -> LockHolder | None:
    cursor = await conn.execute(f"{_SELECT_HOLDER} WHERE scope = ?", (scope,))
    row = await cursor.fetchone()
    return None if row is None else _holder_from_row(row)


async def keep_lease(
    lock: InstanceLock, interval: timedelta, clock: Clock, on_lost: Callable[[], None]
) -> None:
    """Renew the lease every ``interval``; a busy database only delays a renewal, a lease
    found taken calls ``on_lost`` once and ends the renewals."""
    while True:
        await asyncio.sleep(interval.total_seconds())
        try:
            held = await lock.renew(clock.now())
        except (sqlite3.Error, StoreError) as error:  # e.g. locked by a long import
            log.warning("could not renew the instance lock (will retry): %s", error)
            continue
        if not held:
            on_lost()
            return
