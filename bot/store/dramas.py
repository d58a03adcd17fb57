"""Dramas, episodes, people, credits and trivia questions, as imported from data files."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, time

from bot.domain.models import (
    Credit,
    Drama,
    DramaFile,
    Episode,
    ImportResult,
    Person,
    RoleKind,
    TriviaQuestion,
    WeeklySchedule,
)
from bot.store.database import Database, date_from_db, instant_from_db, instant_to_db
from bot.store.drama_import import CATALOGUE_GENERATION, import_drama_file


def _schedule_from_db(text: str) -> WeeklySchedule:
    raw = json.loads(text)
    return WeeklySchedule(
        timezone=raw["timezone"],
        weekdays=tuple(raw["weekdays"]),
        times=tuple(time.fromisoformat(t) for t in raw["times"]),
        start=date_from_db(raw["start"]) or raw["start"],
        episode_count=raw["episodes"],
        skipped=tuple(d for d in (date_from_db(s) for s in raw["skip"]) if d is not None),
    )


@dataclass(frozen=True)
class SourcedDrama:
    """A drama imported from a source, as its last import left it."""

    slug: str
    source: str
    source_updated: int | None
    refreshed_at: datetime | None


class DramaStore:
    """Typed access to the imported catalogue."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def import_file(
        self,
        drama_file: DramaFile,
        *,
        source_updated: int | None = None,
        refreshed_at: datetime | None = None,
    ) -> ImportResult:
        """Upsert one validated file in one transaction; a re-import changes nothing."""
        return await import_drama_file(
            self._db, drama_file, source_updated=source_updated, refreshed_at=refreshed_at
        )

    # -- dramas from a source (TVmaze) ---------------------------------------------------

    async def sourced(self) -> list[SourcedDrama]:
        """Every drama that came from a source, with what its last import knew."""
        rows = await self._db.fetch_all(
            "SELECT slug, source, source_updated, refreshed_at FROM dramas"
            " WHERE source IS NOT NULL ORDER BY slug"
        )
        return [
            SourcedDrama(
                r["slug"],
                r["source"],
                r["source_updated"],
                None if r["refreshed_at"] is None else instant_from_db(r["refreshed_at"]),
            )
            for r in rows
        ]

    async def slug_of_source(self, source: str) -> str | None:
        row = await self._db.fetch_one("SELECT slug FROM dramas WHERE source = ?", (source,))
        return None if row is None else str(row["slug"])

    async def slug_taken(self, slug: str) -> bool:
        return await self._db.fetch_one("SELECT 1 FROM dramas WHERE slug = ?", (slug,)) is not None

    async def record_add(self, guild_id: int, slug: str, user_id: int, now_at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO source_adds (guild_id, drama_slug, added_by, added_at)"
                " VALUES (?, ?, ?, ?)",
                (guild_id, slug, user_id, instant_to_db(now_at)),
            )

    async def adds_since(self, guild_id: int, since_at: datetime) -> int:
        return int(
            await self._db.scalar(
                "SELECT count(*) FROM source_adds WHERE guild_id = ? AND added_at >= ?",
                (guild_id, instant_to_db(since_at)),
            )
        )

    # -- reads -----------------------------------------------------------------------------

    async def catalogue_generation(self) -> int:
        """A number every import that changes the catalogue bumps (0: never imported)."""
        value = await self._db.scalar(
            "SELECT value FROM bot_state WHERE key = ?", (CATALOGUE_GENERATION,)
        )
        return 0 if value is None else int(value)

    async def _drama_from_row(self, row: sqlite3.Row) -> Drama:
        aliases = await self._db.fetch_all(
            "SELECT alias FROM drama_aliases WHERE drama_id = ? ORDER BY position", (row["id"],)
        )
        return Drama(
            slug=row["slug"],
            title=row["title"],
            aliases=tuple(a["alias"] for a in aliases),
            country=row["country"],
            platform=row["platform"],
            genres=tuple(json.loads(row["genres"])),
            synopsis=row["synopsis"],
            schedule=_schedule_from_db(row["schedule"]),
            source=row["source"],
            source_url=row["source_url"],
            source_status=row["source_status"],
        )

    async def dramas(self) -> list[Drama]:
        """Every drama, by title."""
        rows = await self._db.fetch_all("SELECT * FROM dramas ORDER BY title COLLATE NOCASE")
        return [await self._drama_from_row(row) for row in rows]

    async def drama(self, slug: str) -> Drama | None:
        row = await self._db.fetch_one("SELECT * FROM dramas WHERE slug = ?", (slug,))
        return None if row is None else await self._drama_from_row(row)

    async def count_dramas(self) -> int:
        return int(await self._db.scalar("SELECT count(*) FROM dramas"))

    async def episodes(self, slug: str | None = None) -> list[Episode]:
        """Episodes of one drama (or all), in air order."""
        sql = (
            "SELECT d.slug, e.number, e.airs_at, e.title, e.time_known, e.season,"
            " e.season_number FROM episodes e"
            " JOIN dramas d ON d.id = e.drama_id"
        )
        params: tuple[str, ...] = ()
        if slug is not None:
            sql += " WHERE d.slug = ?"
            params = (slug,)
        rows = await self._db.fetch_all(sql + " ORDER BY e.airs_at, d.slug, e.number", params)
        return [
            Episode(
                r["slug"],
                r["number"],
                instant_from_db(r["airs_at"]),
                r["title"],
                time_known=bool(r["time_known"]),
                season=r["season"],
                season_number=r["season_number"],
            )
            for r in rows
        ]

    async def people(self) -> list[Person]:
        rows = await self._db.fetch_all("SELECT * FROM people ORDER BY name COLLATE NOCASE")
        aliases = await self._db.fetch_all(
            "SELECT person_id, alias FROM person_aliases ORDER BY person_id, position"
        )
        by_person: dict[int, list[str]] = {}
        for alias in aliases:
            by_person.setdefault(alias["person_id"], []).append(alias["alias"])
        return [
            Person(
                id=r["slug"],
                name=r["name"],
                aliases=tuple(by_person.get(r["id"], ())),
                born=date_from_db(r["born"]),
                known_for=tuple(json.loads(r["known_for"])),
            )
            for r in rows
        ]

    async def credits(self, slug: str | None = None) -> list[Credit]:
        """Credits of one drama (or all), in file order."""
        sql = (
            "SELECT c.id, d.slug AS drama, p.slug AS person, c.role, c.character, c.description"
            " FROM credits c JOIN dramas d ON d.id = c.drama_id JOIN people p ON p.id = c.person_id"
        )
        params: tuple[str, ...] = ()
        if slug is not None:
            sql += " WHERE d.slug = ?"
            params = (slug,)
        rows = await self._db.fetch_all(sql + " ORDER BY d.slug, c.position", params)
        aliases = await self._db.fetch_all(
            "SELECT credit_id, alias FROM character_aliases ORDER BY credit_id, position"
        )
        by_credit: dict[int, list[str]] = {}
        for alias in aliases:
            by_credit.setdefault(alias["credit_id"], []).append(alias["alias"])
        return [
            Credit(
                person_id=r["person"],
                drama_slug=r["drama"],
                role=RoleKind(r["role"]),
                character=r["character"],
                character_aliases=tuple(by_credit.get(r["id"], ())),
                description=r["description"],
            )
            for r in rows
        ]

    async def trivia_questions(self, slug: str) -> list[TriviaQuestion]:
        rows = await self._db.fetch_all(
            "SELECT q.* FROM trivia_questions q JOIN dramas d ON d.id = q.drama_id"
            " WHERE d.slug = ? ORDER BY q.position",
            (slug,),
        )
        return [
            TriviaQuestion(
                drama_slug=slug,
                question=r["question"],
                answer=r["answer"],
                accepted=tuple(json.loads(r["accepted"])),
                wrong=tuple(json.loads(r["wrong"])),
            )
            for r in rows
        ]
