"""All SQL lives here: every other layer calls typed methods that return domain objects."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.store.announcements import AnnouncementStore
from bot.store.bot_state import BotStateStore
from bot.store.database import Database, StoreError
from bot.store.dramas import DramaStore
from bot.store.facts import FactStore
from bot.store.guilds import GuildSettingsStore
from bot.store.instance_lock import DEFAULT_LEASE, LockRefused, SqliteInstanceLock
from bot.store.trivia import TriviaStore


@dataclass(frozen=True)
class Store:
    """The open database and one repository per aggregate."""

    database: Database
    dramas: DramaStore
    bot_state: BotStateStore
    facts: FactStore
    guilds: GuildSettingsStore
    announcements: AnnouncementStore
    trivia: TriviaStore
    lock: SqliteInstanceLock  # the run id of its lease is the one delivery claims carry

    @classmethod
    async def open(
        cls, path: Path, *, read_only: bool = False, lock_lease: timedelta = DEFAULT_LEASE
    ) -> Store:
        """Open the database; ``read_only`` writes nothing (no migration, no lock taken).

        Opening does not take the instance lock: ``fanbot run`` does (``store.lock``).
        """
        database = await Database.open(path, read_only=read_only)
        run_id = secrets.token_hex(8)
        return cls(
            database=database,
            dramas=DramaStore(database),
            bot_state=BotStateStore(database),
            facts=FactStore(database),
            guilds=GuildSettingsStore(database),
            announcements=AnnouncementStore(database, run_id=run_id),
            trivia=TriviaStore(database),
            lock=SqliteInstanceLock(database, run_id, lease=lock_lease),
        )

    async def close(self) -> None:
        await self.database.close()


__all__ = ["Database", "LockRefused", "Store", "StoreError"]
