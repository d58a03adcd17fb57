"""The process's SQLite connections: opening safely, migrations, transactions.

Opening never harms a file it cannot use: a file that is not SQLite, one that fails
``PRAGMA quick_check``, or one written by a newer version of the bot, is reported (one line
naming the file) and left exactly as it was.
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


def _check_file_is_sqlite(path: Path, *, must_exist: bool = False) -> None:
    """Refuse, before SQLite touches it, a non-empty file without SQLite's header."""
    if not path.exists():
        if must_exist:
            raise StoreError(f"{path} does not exist yet (fanbot run creates it)")
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
    """A writer connection (WAL, foreign keys, serialised write transactions) and a reader.

    ``fetch_all``/``fetch_one``/``scalar`` go to a second, read-only connection: under WAL
    it sees only committed rows, never what another coroutine's open transaction wrote.
    Reads inside ``transaction()`` use the connection it yields, and see its own writes.
    """

    def __init__(
        self, writer: aiosqlite.Connection | None, reader: aiosqlite.Connection, path: Path
    ) -> None:
        self._connection = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        self.path = path
        self.generation = 0  # bumped by every committed transaction, for caches

    @classmethod
    async def open(cls, path: Path, *, read_only: bool = False) -> Database:
        """Open (creating if needed), check and migrate the database at ``path``.

        ``read_only`` opens an existing file without writing anything to it: no migration,
        no creation (``fanbot check``).
        """
        _check_file_is_sqlite(path, must_exist=read_only)
        if not read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(f"cannot create folder {path.parent}: {error.strerror}") from error
        first = await _connect(path, read_only=read_only)
        try:
            await _check_integrity(first, path)
            _refuse_newer(path, await _scalar(first, "PRAGMA user_version"))
            if not read_only:
                await _prepare_writer(first, path)  # WAL before the reader opens
            reader = first if read_only else await _connect(path, read_only=True)
        except BaseException:
            await first.close()
            raise
        database = cls(None if read_only else first, reader, path)
        try:
            await database._migrate()
        except BaseException:
            await database.close()
            raise
        return database

    async def _migrate(self) -> None:
        if self._connection is None:
            return
        migrations = all_migrations()
        version = await _scalar(self._connection, "PRAGMA user_version")
        try:
            for migration in migrations[version:]:
                await self._apply(migration)
        except sqlite3.OperationalError as error:
            raise StoreError(f"cannot write {self.path}: {error}") from error
        except sqlite3.DatabaseError as error:
            raise _damaged(self.path, str(error)) from error

    @property
    def _writer(self) -> aiosqlite.Connection:
        if self._connection is None:
            raise StoreError(f"{self.path} was opened read-only")
        return self._connection

    async def _apply(self, migration: Migration) -> None:
        """One migration in one transaction, skipped if another process applied it first."""
        connection = self._writer
        await connection.execute("BEGIN IMMEDIATE")
        try:
            if await _scalar(connection, "PRAGMA user_version") >= migration.version:
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
            await self._reader.close()
        if self._connection is not None and self._connection is not self._reader:
            with suppress(ValueError):
                await self._connection.close()

    async def schema_version(self) -> int:
        return int(await self.scalar("PRAGMA user_version"))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any exception."""
        connection = self._writer
        async with self._write_lock:
            try:
                # Inside the try: a task cancelled while BEGIN waits on the busy timeout still
                # has it run in aiosqlite's thread, and the open transaction must be undone.
                await connection.execute("BEGIN IMMEDIATE")
                yield connection
            except BaseException:
                # Queued after the BEGIN, so it runs even when BEGIN has not run yet; "no
                # transaction is active" when BEGIN itself failed.
                with suppress(sqlite3.OperationalError):
                    await asyncio.shield(connection.execute("ROLLBACK"))
                raise
            await connection.execute("COMMIT")
            self.generation += 1

    async def outside_version(self) -> int:
        """A number that changes when another process commits to the database (SQLite's
        ``data_version`` on the writer, which this process's own commits leave alone): caches
        of what only this process changes stay valid while it holds still."""
        return int(await _scalar(self._connection or self._reader, "PRAGMA data_version"))

    async def fetch_all(self, sql: str, parameters: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Committed rows only (the reader connection)."""
        return await _fetch_all(self._reader, sql, parameters)

    async def fetch_one(self, sql: str, parameters: Iterable[Any] = ()) -> sqlite3.Row | None:
        """The first row of a query that returns one (a key's row, an aggregate)."""
        rows = await _fetch_all(self._reader, sql, parameters)
        return rows[0] if rows else None

    async def scalar(self, sql: str, parameters: Iterable[Any] = ()) -> Any:
        return await _scalar(self._reader, sql, parameters)


async def _fetch_all(
    connection: aiosqlite.Connection, sql: str, parameters: Iterable[Any] = ()
) -> list[sqlite3.Row]:
    """Execute, fetch and close in one trip to aiosqlite's thread: a cursor's execute,
    fetch and close are a trip each (about 0.1 ms apiece on the loop under load)."""
    return list(await connection.execute_fetchall(sql, tuple(parameters)))


async def _scalar(
    connection: aiosqlite.Connection, sql: str, parameters: Iterable[Any] = ()
) -> Any:
    rows = await _fetch_all(connection, sql, parameters)
    return rows[0][0] if rows else None


async def _connect(path: Path, *, read_only: bool = False) -> aiosqlite.Connection:
    try:
        if read_only:
            connection = await aiosqlite.connect(
                _read_only_uri(path), uri=True, isolation_level=None
            )
        else:
            connection = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(f"cannot open {path}: {error}") from error
    connection.row_factory = sqlite3.Row
    try:
        await _scalar(connection, f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await _scalar(connection, "PRAGMA foreign_keys = ON")
    except BaseException:
        await connection.close()
        raise
    return connection


def _refuse_newer(path: Path, version: int) -> None:
    latest = all_migrations()[-1].version
    if version > latest:
        raise StoreError(
            f"{path} has schema version {version}, newer than this bot's {latest}; "
            "upgrade the bot or use another FANBOT_DATABASE"
        )


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


async def _prepare_writer(connection: aiosqlite.Connection, path: Path) -> None:
    try:
        await _scalar(connection, "PRAGMA journal_mode = WAL")
        # In WAL mode a commit survives a killed process without an fsync per commit;
        # only a power loss can take the last commits (never corrupt the file).
        await _scalar(connection, "PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as error:
        raise StoreError(f"cannot write {path}: {error}") from error
    except sqlite3.DatabaseError as error:
        raise _damaged(path, str(error)) from error


async def _check_integrity(connection: aiosqlite.Connection, path: Path) -> None:
    """``PRAGMA quick_check`` before anything else reads or writes the file."""
    try:
        async with connection.execute("PRAGMA quick_check(1)") as cursor:
            row = await cursor.fetchone()
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise StoreError(f"cannot read {path}: {error}") from error
        raise _damaged(path, str(error)) from error
    except sqlite3.DatabaseError as error:
        raise _damaged(path, str(error)) from error
    verdict = "" if row is None else str(row[0])
    if verdict != "ok":
        raise _damaged(path, verdict or "no answer")


def _damaged(path: Path, problem: str) -> StoreError:
    lines = [line.strip() for line in problem.splitlines() if line.strip()]
    findings = [line for line in lines if not line.startswith("***")]  # "*** in database main"
    first_line = (findings or lines or ["unknown damage"])[0]
    return StoreError(
        f"{path} is damaged (PRAGMA quick_check: {first_line}); stop the bot, move the file"
        " away and restore a backup (or start with an empty database: the data files are"
        " imported again, community facts, settings and scores are lost)"
    )
