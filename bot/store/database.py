"""The process's one SQLite connection: opening safely, migrations, transactions.

Opening never harms a file it cannot use: a file that is not SQLite, or one written by a
newer version of the bot, is reported and left exactly as it was.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.domain.schedule import require_utc
from bot.store.migrations import Migration, all_migrations

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do."""


def instant_to_db(instant: datetime) -> str:
    """Aware datetime -> ISO UTC text that sorts in time order."""
    return require_utc(instant).isoformat(timespec="seconds")


def instant_from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def date_from_db(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _check_file_is_sqlite(path: Path) -> None:
    """Refuse, before SQLite touches it, a non-empty file without SQLite's header."""
    if not path.exists():
        return
    if not path.is_file():
        raise StoreError(f"{path} is not a file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from error
    if header and header != SQLITE_HEADER:
        raise StoreError(f"{path} is not an SQLite database; refusing to touch it")


class Database:
    """One aiosqlite connection with WAL, foreign keys and serialised write transactions."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        self._write_lock = asyncio.Lock()
        self.path = path
        self.generation = 0  # bumped by every committed transaction, for caches

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed) and migrate the database at ``path``."""
        _check_file_is_sqlite(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create folder {path.parent}: {error.strerror}") from error
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open {path}: {error}") from error
        connection.row_factory = sqlite3.Row
        database = cls(connection, path)
        try:
            await database._prepare()
        except BaseException:
            await connection.close()
            raise
        return database

    async def _prepare(self) -> None:
        migrations = all_migrations()
        latest = migrations[-1].version
        try:
            version = await self.scalar("PRAGMA user_version")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path} is not a usable SQLite database: {error}") from error
        if version > latest:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this bot's {latest}; "
                "upgrade the bot or use another FANBOT_DATABASE"
            )
        try:
            await self.scalar(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await self.scalar("PRAGMA foreign_keys = ON")
            await self.scalar("PRAGMA journal_mode = WAL")
            # In WAL mode a commit survives a killed process without an fsync per commit;
            # only a power loss can take the last commits (never corrupt the file).
            await self.scalar("PRAGMA synchronous = NORMAL")
            for migration in migrations[version:]:
                await self._apply(migration)
        except sqlite3.OperationalError as error:
            raise StoreError(f"cannot write {self.path}: {error}") from error

    async def _apply(self, migration: Migration) -> None:
        """One migration in one transaction, skipped if another process applied it first."""
        connection = self._connection
        await connection.execute("BEGIN IMMEDIATE")
        try:
            if await self.scalar("PRAGMA user_version") >= migration.version:
                await connection.execute("ROLLBACK")
                return
            log.info("applying migration %s to %s", migration.name, self.path)
            for statement in migration.statements:
                await connection.execute(statement)
            await connection.execute(f"PRAGMA user_version = {migration.version}")
        except BaseException:
            if connection.in_transaction:
                await connection.execute("ROLLBACK")
            raise
        await connection.execute("COMMIT")

    async def close(self) -> None:
        """Checkpoint and close; safe to call twice."""
        with suppress(ValueError):
            await self._connection.close()

    async def schema_version(self) -> int:
        return int(await self.scalar("PRAGMA user_version"))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any exception."""
        async with self._write_lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")
            self.generation += 1

    async def fetch_all(self, sql: str, parameters: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._connection.execute(sql, tuple(parameters)) as cursor:
            return list(await cursor.fetchall())

    async def fetch_one(self, sql: str, parameters: Iterable[Any] = ()) -> sqlite3.Row | None:
        async with self._connection.execute(sql, tuple(parameters)) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
            return row

    async def scalar(self, sql: str, parameters: Iterable[Any] = ()) -> Any:
        async with self._connection.execute(sql, tuple(parameters)) as cursor:
            row = await cursor.fetchone()
            return None if row is None else row[0]
