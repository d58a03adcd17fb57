"""Small named values the bot keeps about itself (e.g. the last synced command hash)."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Database, instant_to_db


class BotStateStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def get(self, key: str) -> str | None:
        value = await self._db.scalar("SELECT value FROM bot_state WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def put(self, key: str, value: str, now_at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (key, value, instant_to_db(now_at)),
            )
