"""Per-server settings chosen by admins in Discord."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Database, instant_to_db


class GuildSettingsStore:
    """Default dramas, read on nearly every command, are cached per process.

    A guild's interactions all reach the process that holds its shard, and that process
    makes its changes through here, so the cache stays true when shards are split.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._default_dramas: dict[int, str | None] = {}

    async def default_drama(self, guild_id: int) -> str | None:
        if guild_id not in self._default_dramas:
            value = await self._db.scalar(
                "SELECT default_drama FROM guild_settings WHERE guild_id = ?", (guild_id,)
            )
            self._default_dramas[guild_id] = None if value is None else str(value)
        return self._default_dramas[guild_id]

    async def set_default_drama(self, guild_id: int, slug: str | None, now_at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, default_drama, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET default_drama = excluded.default_drama,"
                " updated_at = excluded.updated_at",
                (guild_id, slug, instant_to_db(now_at)),
            )
        self._default_dramas[guild_id] = slug
