"""All SQL lives here: every other layer calls typed methods that return domain objects."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.store.announcements import AnnouncementStore
from bot.store.bot_state import BotStateStore
from bot.store.database import Database, StoreError
from bot.store.dramas import DramaStore
from bot.store.facts import FactStore
from bot.store.guilds import GuildSettingsStore
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

    @classmethod
    async def open(cls, path: Path) -> Store:
        database = await Database.open(path)
        return cls(
            database=database,
            dramas=DramaStore(database),
            bot_state=BotStateStore(database),
            facts=FactStore(database),
            guilds=GuildSettingsStore(database),
            announcements=AnnouncementStore(database, run_id=secrets.token_hex(8)),
            trivia=TriviaStore(database),
        )

    async def close(self) -> None:
        await self.database.close()


__all__ = ["Database", "Store", "StoreError"]
