"""Dramas, episodes, people, credits and trivia questions: imported from data files.

An import is the file's truth for these rows: it upserts what the file says and removes
what it no longer says, in one transaction. Community rows (facts added in Discord,
settings, scores) are never touched by an import.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import time
from typing import Any

import aiosqlite

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
from bot.domain.schedule import build_episodes
from bot.store.database import Database, date_from_db, instant_from_db, instant_to_db


def _schedule_to_db(schedule: WeeklySchedule) -> str:
    return json.dumps(
        {
            "timezone": schedule.timezone,
            "weekdays": list(schedule.weekdays),
            "times": [f"{t:%H:%M}" for t in schedule.times],
            "start": schedule.start.isoformat(),
            "episodes": schedule.episode_count,
            "skip": [d.isoformat() for d in schedule.skipped],
        },
        sort_keys=True,
    )


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


class _Tally:
    """Counts rows added, updated, unchanged and removed during one import."""

    def __init__(self) -> None:
        self.added = self.updated = self.unchanged = self.removed = 0

    def count(self, before: Any, after: Any) -> None:
        if before is None:
            self.added += 1
        elif before == after:
            self.unchanged += 1
        else:
            self.updated += 1

    def result(self, slug: str) -> ImportResult:
        return ImportResult(slug, self.added, self.updated, self.unchanged, self.removed)


async def _replace_aliases(
    conn: aiosqlite.Connection, table: str, owner: str, owner_id: int, aliases: Sequence[str]
) -> None:
    await conn.execute(f"DELETE FROM {table} WHERE {owner} = ?", (owner_id,))
    await conn.executemany(
        f"INSERT INTO {table} ({owner}, position, alias) VALUES (?, ?, ?)",
        [(owner_id, i, alias) for i, alias in enumerate(aliases)],
    )


async def _aliases(conn: aiosqlite.Connection, table: str, owner: str, owner_id: int) -> list[str]:
    cursor = await conn.execute(
        f"SELECT alias FROM {table} WHERE {owner} = ? ORDER BY position", (owner_id,)
    )
    return [row[0] for row in await cursor.fetchall()]


class DramaStore:
    """Typed access to the imported catalogue."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # -- import ----------------------------------------------------------------------------

    async def import_file(self, drama_file: DramaFile) -> ImportResult:
        """Upsert one validated file in one transaction; a re-import changes nothing."""
        tally = _Tally()
        async with self._db.transaction() as conn:
            drama_id = await self._upsert_drama(conn, drama_file.drama, tally)
            await self._sync_episodes(conn, drama_id, drama_file, tally)
            person_ids = {
                p.id: await self._upsert_person(conn, p, tally) for p in drama_file.people
            }
            await self._sync_credits(conn, drama_id, drama_file.credits, person_ids, tally)
            await self._sync_data_facts(conn, drama_id, drama_file, tally)
            await self._sync_trivia(conn, drama_id, drama_file.trivia, tally)
        return tally.result(drama_file.drama.slug)

    async def _upsert_drama(self, conn: aiosqlite.Connection, drama: Drama, tally: _Tally) -> int:
        row = (
            drama.title,
            drama.country,
            drama.platform,
            json.dumps(list(drama.genres)),
            drama.synopsis,
            _schedule_to_db(drama.schedule),
        )
        cursor = await conn.execute(
            "SELECT id, title, country, platform, genres, synopsis, schedule FROM dramas"
            " WHERE slug = ?",
            (drama.slug,),
        )
        existing = await cursor.fetchone()
        if existing is None:
            cursor = await conn.execute(
                "INSERT INTO dramas (slug, title, country, platform, genres, synopsis, schedule)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (drama.slug, *row),
            )
            drama_id = int(cursor.lastrowid or 0)
            before = None
        else:
            drama_id = int(existing[0])
            before = (
                tuple(existing[1:]),
                await _aliases(conn, "drama_aliases", "drama_id", drama_id),
            )
            if tuple(existing[1:]) != row:
                await conn.execute(
                    "UPDATE dramas SET title = ?, country = ?, platform = ?, genres = ?,"
                    " synopsis = ?, schedule = ? WHERE id = ?",
                    (*row, drama_id),
                )
        after = (row, list(drama.aliases))
        if before is None or before[1] != after[1]:
            await _replace_aliases(conn, "drama_aliases", "drama_id", drama_id, drama.aliases)
        tally.count(before, after)
        return drama_id

    async def _sync_episodes(
        self, conn: aiosqlite.Connection, drama_id: int, drama_file: DramaFile, tally: _Tally
    ) -> None:
        episodes = build_episodes(
            drama_file.drama.slug, drama_file.drama.schedule, drama_file.episode_overrides
        )
        cursor = await conn.execute(
            "SELECT number, airs_at, title FROM episodes WHERE drama_id = ?", (drama_id,)
        )
        existing = {row[0]: (row[1], row[2]) for row in await cursor.fetchall()}
        for episode in episodes:
            after = (instant_to_db(episode.airs_at), episode.title)
            before = existing.pop(episode.number, None)
            tally.count(before, after)
            if before != after:
                await conn.execute(
                    "INSERT INTO episodes (drama_id, number, airs_at, title) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (drama_id, number)"
                    " DO UPDATE SET airs_at = excluded.airs_at, title = excluded.title",
                    (drama_id, episode.number, *after),
                )
        for number in existing:
            await conn.execute(
                "DELETE FROM episodes WHERE drama_id = ? AND number = ?", (drama_id, number)
            )
            tally.removed += 1

    async def _upsert_person(
        self, conn: aiosqlite.Connection, person: Person, tally: _Tally
    ) -> int:
        row = (
            person.name,
            None if person.born is None else person.born.isoformat(),
            json.dumps(list(person.known_for)),
        )
        cursor = await conn.execute(
            "SELECT id, name, born, known_for FROM people WHERE slug = ?", (person.id,)
        )
        existing = await cursor.fetchone()
        if existing is None:
            cursor = await conn.execute(
                "INSERT INTO people (slug, name, born, known_for) VALUES (?, ?, ?, ?)",
                (person.id, *row),
            )
            person_id = int(cursor.lastrowid or 0)
            before = None
        else:
            person_id = int(existing[0])
            before = (
                tuple(existing[1:]),
                await _aliases(conn, "person_aliases", "person_id", person_id),
            )
            if tuple(existing[1:]) != row:
                await conn.execute(
                    "UPDATE people SET name = ?, born = ?, known_for = ? WHERE id = ?",
                    (*row, person_id),
                )
        after = (row, list(person.aliases))
        if before is None or before[1] != after[1]:
            await _replace_aliases(conn, "person_aliases", "person_id", person_id, person.aliases)
        tally.count(before, after)
        return person_id

    async def _sync_credits(
        self,
        conn: aiosqlite.Connection,
        drama_id: int,
        credits: Sequence[Credit],
        person_ids: dict[str, int],
        tally: _Tally,
    ) -> None:
        cursor = await conn.execute(
            "SELECT id, position, person_id, role, character, description FROM credits"
            " WHERE drama_id = ? ORDER BY position",
            (drama_id,),
        )
        existing = {row[1]: row for row in await cursor.fetchall()}
        for position, credit in enumerate(credits):
            row = (
                person_ids[credit.person_id],
                credit.role.value,
                credit.character,
                credit.description,
            )
            old = existing.pop(position, None)
            if old is None:
                cursor = await conn.execute(
                    "INSERT INTO credits (drama_id, position, person_id, role, character,"
                    " description) VALUES (?, ?, ?, ?, ?, ?)",
                    (drama_id, position, *row),
                )
                credit_id = int(cursor.lastrowid or 0)
                before = None
            else:
                credit_id = int(old[0])
                aliases = await _aliases(conn, "character_aliases", "credit_id", credit_id)
                before = (tuple(old[2:]), aliases)
                if tuple(old[2:]) != row:
                    await conn.execute(
                        "UPDATE credits SET person_id = ?, role = ?, character = ?,"
                        " description = ? WHERE id = ?",
                        (*row, credit_id),
                    )
            after = (row, list(credit.character_aliases))
            if before is None or before[1] != after[1]:
                await _replace_aliases(
                    conn, "character_aliases", "credit_id", credit_id, credit.character_aliases
                )
            tally.count(before, after)
        for old in existing.values():
            await conn.execute("DELETE FROM credits WHERE id = ?", (old[0],))
            tally.removed += 1

    async def _sync_data_facts(
        self, conn: aiosqlite.Connection, drama_id: int, drama_file: DramaFile, tally: _Tally
    ) -> None:
        cursor = await conn.execute(
            "SELECT id, text, topic, source FROM facts WHERE drama_id = ? AND origin = 'data'",
            (drama_id,),
        )
        existing = {row[1]: row for row in await cursor.fetchall()}
        for fact in drama_file.facts:
            old = existing.pop(fact.text, None)
            after = (fact.topic, fact.source)
            before = None if old is None else (old[2], old[3])
            tally.count(before, after)
            if old is None:
                await conn.execute(
                    "INSERT INTO facts (drama_id, text, topic, source, origin)"
                    " VALUES (?, ?, ?, ?, 'data')",
                    (drama_id, fact.text, fact.topic, fact.source),
                )
            elif before != after:
                await conn.execute(
                    "UPDATE facts SET topic = ?, source = ? WHERE id = ?", (*after, old[0])
                )
        for old in existing.values():
            await conn.execute("DELETE FROM facts WHERE id = ?", (old[0],))
            tally.removed += 1

    async def _sync_trivia(
        self,
        conn: aiosqlite.Connection,
        drama_id: int,
        questions: Sequence[TriviaQuestion],
        tally: _Tally,
    ) -> None:
        cursor = await conn.execute(
            "SELECT question, position, answer, accepted, wrong FROM trivia_questions"
            " WHERE drama_id = ?",
            (drama_id,),
        )
        existing = {row[0]: tuple(row[1:]) for row in await cursor.fetchall()}
        for position, question in enumerate(questions):
            after = (
                position,
                question.answer,
                json.dumps(list(question.accepted)),
                json.dumps(list(question.wrong)),
            )
            before = existing.pop(question.question, None)
            tally.count(before, after)
            if before != after:
                await conn.execute(
                    "INSERT INTO trivia_questions (drama_id, question, position, answer,"
                    " accepted, wrong) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (drama_id, question) DO UPDATE SET position = excluded.position,"
                    " answer = excluded.answer, accepted = excluded.accepted,"
                    " wrong = excluded.wrong",
                    (drama_id, question.question, *after),
                )
        for question_text in existing:
            await conn.execute(
                "DELETE FROM trivia_questions WHERE drama_id = ? AND question = ?",
                (drama_id, question_text),
            )
            tally.removed += 1

    # -- reads -----------------------------------------------------------------------------

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
            "SELECT d.slug, e.number, e.airs_at, e.title FROM episodes e"
            " JOIN dramas d ON d.id = e.drama_id"
        )
        params: tuple[str, ...] = ()
        if slug is not None:
            sql += " WHERE d.slug = ?"
            params = (slug,)
        rows = await self._db.fetch_all(sql + " ORDER BY e.airs_at, d.slug, e.number", params)
        return [
            Episode(r["slug"], r["number"], instant_from_db(r["airs_at"]), r["title"]) for r in rows
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
