"""Importing one validated drama file: the file's truth for its rows, in one transaction.

It upserts what the file says and removes what it no longer says; community rows (facts
added in Discord, settings, scores) are never touched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.domain.models import (
    Credit,
    Drama,
    DramaFile,
    ImportResult,
    Person,
    TriviaQuestion,
    WeeklySchedule,
)
from bot.domain.schedule import build_episodes
from bot.store.database import Database, date_from_db, instant_to_db


def schedule_to_db(schedule: WeeklySchedule) -> str:
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


async def import_drama_file(
    database: Database,
    drama_file: DramaFile,
    *,
    source_updated: int | None = None,
    refreshed_at: datetime | None = None,
) -> ImportResult:
    """Upsert one validated file in one transaction; a re-import changes nothing.

    A drama from a source also records, in the same transaction, the source's ``updated``
    stamp and when it was fetched: what a refresh compares to skip unchanged shows."""
    tally = _Tally()
    async with database.transaction() as conn:
        drama_id = await _upsert_drama(conn, drama_file.drama, tally)
        if refreshed_at is not None:
            await conn.execute(
                "UPDATE dramas SET source_updated = ?, refreshed_at = ? WHERE id = ?",
                (source_updated, instant_to_db(refreshed_at), drama_id),
            )
        await _sync_episodes(conn, drama_id, drama_file, tally)
        # A source knows no Hangul names or aliases: what a file gave a person it shares with
        # another drama (an overlay) is kept, not wiped by this show's import.
        merge = refreshed_at is not None
        person_ids = {
            p.id: await _upsert_person(conn, p, tally, keep_known=merge) for p in drama_file.people
        }
        await _sync_credits(conn, drama_id, drama_file.credits, person_ids, tally)
        await _sync_data_facts(conn, drama_id, drama_file, tally)
        await _sync_trivia(conn, drama_id, drama_file.trivia, tally)
        if tally.added or tally.updated or tally.removed:
            await _bump_catalogue_generation(conn)
    return tally.result(drama_file.drama.slug)


CATALOGUE_GENERATION = "catalogue-generation"


async def _bump_catalogue_generation(conn: aiosqlite.Connection) -> None:
    """Tell every reader (this bot's periodic refresh too) that the catalogue changed."""
    await conn.execute(
        "INSERT INTO bot_state (key, value, updated_at) VALUES (?, '1', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1,"
        " updated_at = excluded.updated_at",
        (CATALOGUE_GENERATION, instant_to_db(datetime.now(UTC))),
    )


async def _upsert_drama(conn: aiosqlite.Connection, drama: Drama, tally: _Tally) -> int:
    row = (
        drama.title,
        drama.country,
        drama.platform,
        json.dumps(list(drama.genres)),
        drama.synopsis,
        schedule_to_db(drama.schedule),
        drama.source,
        drama.source_url,
        drama.source_status,
    )
    cursor = await conn.execute(
        "SELECT id, title, country, platform, genres, synopsis, schedule, source, source_url,"
        " source_status FROM dramas WHERE slug = ?",
        (drama.slug,),
    )
    existing = await cursor.fetchone()
    if existing is None:
        cursor = await conn.execute(
            "INSERT INTO dramas (slug, title, country, platform, genres, synopsis, schedule,"
            " source, source_url, source_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                " synopsis = ?, schedule = ?, source = ?, source_url = ?, source_status = ?"
                " WHERE id = ?",
                (*row, drama_id),
            )
    after = (row, list(drama.aliases))
    if before is None or before[1] != after[1]:
        await _replace_aliases(conn, "drama_aliases", "drama_id", drama_id, drama.aliases)
    tally.count(before, after)
    return drama_id


async def _sync_episodes(
    conn: aiosqlite.Connection, drama_id: int, drama_file: DramaFile, tally: _Tally
) -> None:
    episodes = build_episodes(
        drama_file.drama.slug, drama_file.drama.schedule, drama_file.episode_overrides
    )
    cursor = await conn.execute(
        "SELECT number, airs_at, title, time_known, season, season_number FROM episodes"
        " WHERE drama_id = ?",
        (drama_id,),
    )
    existing = {row[0]: tuple(row[1:]) for row in await cursor.fetchall()}
    for episode in episodes:
        after = (
            instant_to_db(episode.airs_at),
            episode.title,
            int(episode.time_known),
            episode.season,
            episode.season_number,
        )
        before = existing.pop(episode.number, None)
        tally.count(before, after)
        if before != after:
            await conn.execute(
                "INSERT INTO episodes (drama_id, number, airs_at, title, time_known, season,"
                " season_number) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (drama_id, number)"
                " DO UPDATE SET airs_at = excluded.airs_at, title = excluded.title,"
                " time_known = excluded.time_known, season = excluded.season,"
                " season_number = excluded.season_number",
                (drama_id, episode.number, *after),
            )
    for number in existing:
        await conn.execute(
            "DELETE FROM episodes WHERE drama_id = ? AND number = ?", (drama_id, number)
        )
        tally.removed += 1


async def _upsert_person(
    conn: aiosqlite.Connection, person: Person, tally: _Tally, *, keep_known: bool = False
) -> int:
    cursor = await conn.execute(
        "SELECT id, name, born, known_for FROM people WHERE slug = ?", (person.id,)
    )
    existing = await cursor.fetchone()
    if keep_known and existing is not None:
        known = await _aliases(conn, "person_aliases", "person_id", int(existing[0]))
        person = replace(
            person,
            aliases=(*known, *(a for a in person.aliases if a not in known)),
            born=person.born or date_from_db(existing[2]),
        )
    row = (
        person.name,
        None if person.born is None else person.born.isoformat(),
        json.dumps(list(person.known_for)),
    )
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
    conn: aiosqlite.Connection, drama_id: int, drama_file: DramaFile, tally: _Tally
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
