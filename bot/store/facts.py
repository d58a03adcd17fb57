"""Facts: imported ones (read-only here) and community ones added in Discord.

Search is SQLite FTS5: whole words first (cheap), then prefixes; when nothing matches, the
words are corrected against the index's vocabulary, and then any may match. The matches
are ranked by BM25 in the domain layer (:func:`bot.domain.search.rank_by_relevance`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.models import Fact, FactDraft
from bot.domain.search import (
    corrected_words,
    match_expression,
    query_words,
    rank_by_relevance,
)
from bot.store.database import Database, instant_from_db, instant_to_db

FACT_COLUMNS = "f.id, d.slug, f.text, f.topic, f.source, f.origin, f.added_by, f.added_at"


# Search ranks at most this many matches, the newest: a word found in thousands of facts
# needs more words, not a deeper ranking. Pages never go past it.
RANK_WINDOW = 100


class RemoveOutcome(StrEnum):
    REMOVED = "removed"
    NOT_FOUND = "not found"
    FROM_DATA_FILE = "from a data file"


@dataclass(frozen=True)
class FactPage:
    """One page of search results and how many there are in all."""

    facts: tuple[Fact, ...]
    total: int
    more: bool = False  # more than ``total`` (RANK_WINDOW) facts match


def _fact(row: sqlite3.Row) -> Fact:
    return Fact(
        id=row["id"],
        drama_slug=row["slug"],
        text=row["text"],
        topic=row["topic"],
        source=row["source"],
        added_by=row["added_by"],
        added_at=None if row["added_at"] is None else instant_from_db(row["added_at"]),
        from_data_file=row["origin"] == "data",
    )


class FactStore:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._vocabulary_cache: tuple[tuple[int, int], list[str]] | None = None

    async def add(self, drama_slug: str, draft: FactDraft, added_by: int, now_at: datetime) -> Fact:
        """Store a community fact; returns it with its new id."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO facts (drama_id, text, topic, source, origin, added_by, added_at)"
                " SELECT id, ?, ?, ?, 'community', ?, ? FROM dramas WHERE slug = ?",
                (
                    draft.text,
                    draft.topic,
                    draft.source,
                    added_by,
                    instant_to_db(now_at),
                    drama_slug,
                ),
            )
            if cursor.rowcount != 1:
                raise LookupError(f"no drama {drama_slug!r}")
            fact_id = int(cursor.lastrowid or 0)
        fact = await self.get(fact_id)
        assert fact is not None
        return fact

    async def get(self, fact_id: int) -> Fact | None:
        row = await self._db.fetch_one(
            f"SELECT {FACT_COLUMNS} FROM facts f JOIN dramas d ON d.id = f.drama_id WHERE f.id = ?",
            (fact_id,),
        )
        return None if row is None else _fact(row)

    async def of_drama(self, drama_slug: str) -> list[Fact]:
        """Every fact of the drama, oldest first (trivia asks which drama a fact is from)."""
        rows = await self._db.fetch_all(
            f"SELECT {FACT_COLUMNS} FROM facts f JOIN dramas d ON d.id = f.drama_id"
            " WHERE d.slug = ? ORDER BY f.id",
            (drama_slug,),
        )
        return [_fact(row) for row in rows]

    async def remove_community_fact(self, fact_id: int) -> RemoveOutcome:
        """Only community facts can go: data facts would come back on the next import."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute("SELECT origin FROM facts WHERE id = ?", (fact_id,))
            row = await cursor.fetchone()
            if row is None:
                return RemoveOutcome.NOT_FOUND
            if row[0] == "data":
                return RemoveOutcome.FROM_DATA_FILE
            await conn.execute("DELETE FROM facts WHERE id = ?", (fact_id,))
        return RemoveOutcome.REMOVED

    async def random(
        self, drama_slug: str, topic: str | None = None, excluding: Sequence[int] = ()
    ) -> Fact | None:
        """A random fact of the drama (and topic), avoiding ``excluding`` while others remain."""
        sql = (
            f"SELECT {FACT_COLUMNS} FROM facts f JOIN dramas d ON d.id = f.drama_id"
            " WHERE d.slug = ?"
        )
        params: list[object] = [drama_slug]
        if topic:
            sql += " AND f.topic = ? COLLATE NOCASE"
            params.append(topic)
        if excluding:
            fresh = await self._db.fetch_one(
                sql + f" AND f.id NOT IN ({','.join('?' * len(excluding))})"
                " ORDER BY random() LIMIT 1",
                [*params, *excluding],
            )
            if fresh is not None:
                return _fact(fresh)
        row = await self._db.fetch_one(sql + " ORDER BY random() LIMIT 1", params)
        return None if row is None else _fact(row)

    async def count(self, drama_slug: str, topic: str | None = None) -> int:
        sql = "SELECT count(*) FROM facts f JOIN dramas d ON d.id = f.drama_id WHERE d.slug = ?"
        params: list[object] = [drama_slug]
        if topic:
            sql += " AND f.topic = ? COLLATE NOCASE"
            params.append(topic)
        return int(await self._db.scalar(sql, params))

    async def topics(self, drama_slug: str | None = None) -> list[str]:
        sql = (
            "SELECT DISTINCT f.topic FROM facts f JOIN dramas d ON d.id = f.drama_id"
            " WHERE f.topic IS NOT NULL"
        )
        params: list[object] = []
        if drama_slug:
            sql += " AND d.slug = ?"
            params.append(drama_slug)
        rows = await self._db.fetch_all(sql + " ORDER BY f.topic", params)
        return [row[0] for row in rows]

    async def search(
        self, query: str, drama_slug: str | None, limit: int, offset: int = 0
    ) -> FactPage:
        """Best-ranked facts: whole words, else prefixes, else typos fixed, else any word."""
        words = query_words(query)
        if not words:
            return FactPage((), 0)
        for prefix in (False, True):
            expression = match_expression(words, prefix=prefix)
            page = await self._match(expression, words, drama_slug, limit, offset, prefix=prefix)
            if page.total:
                return page
        fixed = corrected_words(words, await self._vocabulary())
        if fixed != words:
            page = await self._match(
                match_expression(fixed), fixed, drama_slug, limit, offset, prefix=True
            )
        if page.total or len(fixed) < 2:
            return page
        any_word = match_expression(fixed, every_word=False)
        return await self._match(any_word, fixed, drama_slug, limit, offset, prefix=True)

    async def _vocabulary(self) -> list[str]:
        """The index's words, cached until the facts change (here or in another process)."""
        version = (self._db.generation, await self._db.scalar("PRAGMA data_version"))
        if self._vocabulary_cache is None or self._vocabulary_cache[0] != version:
            rows = await self._db.fetch_all("SELECT term FROM facts_vocab")
            self._vocabulary_cache = (version, [row[0] for row in rows])
        return self._vocabulary_cache[1]

    async def _match(
        self,
        expression: str | None,
        words: Sequence[str],
        drama_slug: str | None,
        limit: int,
        offset: int,
        *,
        prefix: bool,
    ) -> FactPage:
        if expression is None:
            return FactPage((), 0)
        sql = (
            f"SELECT {FACT_COLUMNS} FROM facts_fts JOIN facts f ON f.id = facts_fts.rowid"
            " JOIN dramas d ON d.id = f.drama_id WHERE facts_fts MATCH ?"
        )
        params: list[object] = [expression]
        if drama_slug:
            sql += " AND d.slug = ?"
            params.append(drama_slug)
        # The newest matches only: cheap even for a word found in every fact.
        rows = await self._db.fetch_all(
            sql + f" ORDER BY facts_fts.rowid DESC LIMIT {RANK_WINDOW + 1}", params
        )
        if not rows:
            return FactPage((), 0)
        window = {row["id"]: _fact(row) for row in rows[:RANK_WINDOW]}
        order = rank_by_relevance(
            words, [(i, f"{f.text} {f.topic or ''}") for i, f in window.items()], prefix=prefix
        )
        facts = tuple(window[i] for i in order[offset : offset + limit])
        return FactPage(facts, len(window), len(rows) > RANK_WINDOW)
