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
