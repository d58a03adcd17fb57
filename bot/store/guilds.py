"""Per-server settings chosen by admins in Discord."""

from __future__ import annotations

from datetime import datetime

from bot.domain.locality import ServerSettings
from bot.store.database import Database, instant_to_db


class GuildSettingsStore:
    """Default dramas, languages and time zones, read on nearly every command and every
    announcement, are cached per process.

    A guild's interactions all reach the process that holds its shard, and that process
    makes its changes through here, so the cache stays true when shards are split.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._default_dramas: dict[int, str | None] = {}
        self._locality: dict[int, tuple[str | None, str | None]] = {}
        self._complete = False  # every server's choices are cached: a miss is "none"

    async def load_all(self) -> None:
        """Every server's choices in one read (at start): an announcement to 10,000 servers
        then asks the database nothing per server, nor does a server's first command. Only
        servers that chose something are held."""
        rows = await self._db.fetch_all(
            "SELECT guild_id, default_drama, language, timezone FROM guild_settings"
            " WHERE default_drama IS NOT NULL OR language IS NOT NULL OR timezone IS NOT NULL"
        )
        for guild_id, default_drama, language, timezone in rows:
            if default_drama is not None:
                self._default_dramas[guild_id] = str(default_drama)
            if language is not None or timezone is not None:
                self._locality[guild_id] = _chosen(language, timezone)
        self._complete = True

    async def default_drama(self, guild_id: int) -> str | None:
        if self._complete:
            return self._default_dramas.get(guild_id)
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

    async def locality(self, guild_id: int) -> tuple[str | None, str | None]:
        """The server's chosen (language, timezone); None for what it did not choose."""
        if self._complete:
            return self._locality.get(guild_id, (None, None))
        if guild_id not in self._locality:
            row = await self._db.fetch_one(
                "SELECT language, timezone FROM guild_settings WHERE guild_id = ?", (guild_id,)
            )
            self._locality[guild_id] = (None, None) if row is None else _chosen(row[0], row[1])
        return self._locality[guild_id]

    async def settings(self, guild_id: int) -> ServerSettings:
        language, timezone = await self.locality(guild_id)
        return ServerSettings(await self.default_drama(guild_id), language, timezone)

    async def set_language(self, guild_id: int, language: str | None, now_at: datetime) -> None:
        await self._set("language", guild_id, language, now_at)
        self._locality[guild_id] = (language, (await self.locality(guild_id))[1])

    async def set_timezone(self, guild_id: int, timezone: str | None, now_at: datetime) -> None:
        await self._set("timezone", guild_id, timezone, now_at)
        self._locality[guild_id] = ((await self.locality(guild_id))[0], timezone)

    async def _set(self, column: str, guild_id: int, value: str | None, now_at: datetime) -> None:
        assert column in ("language", "timezone")
        async with self._db.transaction() as conn:
            await conn.execute(
                f"INSERT INTO guild_settings (guild_id, {column}, updated_at) VALUES (?, ?, ?)"
                f" ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column},"
                " updated_at = excluded.updated_at",
                (guild_id, value, instant_to_db(now_at)),
            )


def _chosen(language: object, timezone: object) -> tuple[str | None, str | None]:
    return (
        None if language is None else str(language),
        None if timezone is None else str(timezone),
    )
