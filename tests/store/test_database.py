"""Opening the database: WAL, migrations, and never harming a file it cannot use."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.store import Store, StoreError
from bot.store.database import Database
from bot.store.migrations import all_migrations

LATEST = all_migrations()[-1].version


async def test_a_new_database_is_created_with_wal_and_the_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "bot.sqlite3"
    store = await Store.open(path)
    try:
        assert await store.database.schema_version() == LATEST
        assert await store.database.scalar("PRAGMA journal_mode") == "wal"
        assert await store.database.scalar("PRAGMA foreign_keys") == 1
    finally:
        await store.close()
    assert path.is_file()


@pytest.mark.parametrize("version", range(1, LATEST))
async def test_an_older_database_is_migrated_and_keeps_its_rows(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        for migration in all_migrations()[:version]:
            connection.executescript(migration.sql)
        connection.execute(
            "INSERT INTO dramas (slug, title, platform, schedule) VALUES ('x', 'X', 'TV', '{}')"
        )
        connection.execute(f"PRAGMA user_version = {version}")
    connection.close()
    store = await Store.open(path)
    try:
        assert await store.database.schema_version() == LATEST
        assert await store.database.scalar("SELECT title FROM dramas WHERE slug = 'x'") == "X"
    finally:
        await store.close()


async def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    content = b"These are my notes, not a database.\n" * 100
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not an SQLite database"):
        await Store.open(path)
    assert path.read_bytes() == content
    assert not (tmp_path / "notes.sqlite3-wal").exists()


async def test_a_database_from_a_newer_bot_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {LATEST + 5}")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer than this bot"):
        await Store.open(path)
    assert path.read_bytes() == before


async def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create folder"):
        await Store.open(blocker / "sub" / "bot.sqlite3")


async def test_a_failed_transaction_writes_nothing(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "t.sqlite3")
    try:
        with pytest.raises(RuntimeError):
            async with database.transaction() as conn:
                await conn.execute(
                    "INSERT INTO dramas (slug, title, platform, schedule)"
                    " VALUES ('y', 'Y', 'TV', '{}')"
                )
                raise RuntimeError("half way")
        assert await database.scalar("SELECT count(*) FROM dramas") == 0
    finally:
        await database.close()


async def test_two_processes_opening_a_new_database_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    first, second = await asyncio.gather(Database.open(path), Database.open(path))
    try:
        assert await first.schema_version() == await second.schema_version() == LATEST
    finally:
        await first.close()
        await second.close()


async def test_a_read_during_an_open_transaction_sees_only_committed_rows(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "t.sqlite3")
    count = "SELECT count(*) FROM dramas"
    try:
        async with database.transaction() as conn:
            await conn.execute(
                "INSERT INTO dramas (slug, title, platform, schedule) VALUES ('y', 'Y', 'TV', '{}')"
            )
            # another coroutine reading now must not see the uncommitted row
            assert await asyncio.create_task(database.scalar(count)) == 0
            assert await database.fetch_all("SELECT slug FROM dramas") == []
            assert await database.fetch_one("SELECT slug FROM dramas") is None
            # the transaction itself sees its own write
            cursor = await conn.execute(count)
            assert (await cursor.fetchone())[0] == 1
        assert await database.scalar(count) == 1
    finally:
        await database.close()


def damage(path: Path, page: int) -> None:
    """Overwrite one page in the middle of a real database file with garbage."""
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with path.open("r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(bytes([0x5A]) * page_size)


async def a_real_database_with_rows(path: Path) -> int:
    """A migrated database with facts over many pages; returns the root page of facts."""
    store = await Store.open(path)
    try:
        async with store.database.transaction() as conn:
            await conn.execute(
                "INSERT INTO dramas (slug, title, platform, schedule) VALUES ('x', 'X', 'TV', '{}')"
            )
        root = await store.database.scalar(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'dramas'"
        )
    finally:
        await store.close()
    return int(root)


async def test_a_damaged_database_is_refused_naming_the_file_and_left_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fanbot.sqlite3"
    damage(path, await a_real_database_with_rows(path))
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        await Store.open(path)
    message = str(refused.value)
    assert message.startswith(f"{path} is damaged (PRAGMA quick_check: ")
    assert "restore a backup" in message and "\n" not in message
    assert path.read_bytes() == before
    with pytest.raises(StoreError, match="is damaged"):
        await Store.open(path, read_only=True)


async def test_opening_read_only_writes_nothing_not_even_a_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        for migration in all_migrations()[:3]:
            connection.executescript(migration.sql)
        connection.execute("PRAGMA user_version = 3")
    connection.close()
    before = path.read_bytes()
    store = await Store.open(path, read_only=True)
    try:
        assert await store.database.schema_version() == 3
        with pytest.raises(StoreError, match="read-only"):
            async with store.database.transaction():
                pass
    finally:
        await store.close()
    assert path.read_bytes() == before
    with pytest.raises(StoreError, match="does not exist yet"):
        await Store.open(tmp_path / "missing.sqlite3", read_only=True)
    assert not (tmp_path / "missing.sqlite3").exists()
