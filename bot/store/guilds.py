"""Per-server settings chosen by admins in Discord."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Database, instant_to_db


class GuildSettingsStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def default_drama(self, guild_id: int) -> str | None:
        value = await self._db.scalar(
            "SELECT default_drama FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return None if value is None else str(value)

    async def set_default_drama(self, guild_id: int, slug: str | None, now_at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, default_drama, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET default_drama = excluded.default_drama,"
                " updated_at = excluded.updated_at",
                (guild_id, slug, instant_to_db(now_at)),
            )
