"""Server settings are read once at start and then answered from memory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.data.importer import import_files
from bot.store import Store
from tests.builders import write_drama

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
CHOSE, SILENT = 111, 222


async def test_a_restarted_store_answers_every_servers_choices_from_one_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fanbot.sqlite3"
    first = await Store.open(path)
    try:
        await import_files(first.dramas, [write_drama(tmp_path / "dramas")])
        await first.guilds.set_language(CHOSE, "ko", NOW)
        await first.guilds.set_timezone(CHOSE, "Asia/Seoul", NOW)
        await first.guilds.set_default_drama(CHOSE, "test-drama", NOW)
    finally:
        await first.close()

    store = await Store.open(path)
    try:
        await store.guilds.load_all()
        await store.database.close()  # from here on nothing may be read from the file

        assert await store.guilds.locality(CHOSE) == ("ko", "Asia/Seoul")
        assert await store.guilds.default_drama(CHOSE) == "test-drama"
        assert await store.guilds.locality(SILENT) == (None, None)
        assert await store.guilds.default_drama(SILENT) is None
    finally:
        await store.close()


async def test_a_choice_made_after_the_start_is_answered_at_once(store: Store) -> None:
    await store.guilds.load_all()

    await store.guilds.set_timezone(SILENT, "Asia/Jakarta", NOW)
    await store.guilds.set_language(SILENT, "id", NOW)

    assert await store.guilds.locality(SILENT) == ("id", "Asia/Jakarta")
