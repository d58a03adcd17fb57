"""Facts: imported ones (read-only here) and community ones added in Discord.

A community fact belongs to the server it was added in. Every read takes the asking server
(``guild_id``; None in DMs) and sees the data-file facts, shared by all, plus that server's own
community facts: never another server's, and never those whose server is unknown (added before
facts had owners). Only the owning server can remove a community fact; to any other, its id
does not exist.

Search is SQLite FTS5: whole words first (cheap), then prefixes; when nothing matches, the
words are corrected against the index's vocabulary, and then any may match. The matches
are ranked by BM25 in the domain layer (:func:`bot.domain.search.rank_by_relevance`).
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Sequence
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
from bot.store.fact_words import FactWords

FACT_COLUMNS = "f.id, d.slug, f.text, f.topic, f.source, f.origin, f.added_by, f.added_at"

# What one server may see: the shared data facts and its own community facts. Written so that
# SQLite serves each half from its partial index (migration 0006).
VISIBLE_IN_GUILD = "(f.origin = 'data' OR (f.origin = 'community' AND f.guild_id = ?))"
VISIBLE_IN_DM = "f.origin = 'data'"

# Trivia builds its "which drama is this fact from?" questions from at most this many facts,
# a random sample drawn by SQLite: the cost of a game start does not grow with the data.
TRIVIA_FACT_SAMPLE = 300
TOPIC_CACHE_SIZE = 4096  # (server or shared, drama) pairs whose topics are kept in memory


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


@dataclass(frozen=True)
class _Scope:
    """Which facts a search looks in: one drama's or all, as one server sees them."""

    drama_slug: str | None
    guild_id: int | None


def visible_to(guild_id: int | None) -> tuple[str, list[object]]:
    """The SQL condition (on ``facts f``) for the facts a server sees, and its parameters."""
    if guild_id is None:
        return VISIBLE_IN_DM, []
    return VISIBLE_IN_GUILD, [guild_id]


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
        self._words = FactWords(database)  # the typo vocabularies
        # Topics per (owner, drama) for autocomplete, read once each: this process makes the
        # community facts' changes (forgotten then), an import the data facts' ones
        # (forget_topics, from the catalogue's refresh).
        self._topics: OrderedDict[tuple[int | None, str | None], tuple[str, ...]] = OrderedDict()

    def forget_topics(self) -> None:
        self._topics.clear()

    async def add(
        self, drama_slug: str, draft: FactDraft, *, guild_id: int, added_by: int, now_at: datetime
    ) -> Fact:
        """Store a community fact of ``guild_id``; returns it with its new id."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO facts"
                " (drama_id, text, topic, source, origin, guild_id, added_by, added_at)"
                " SELECT id, ?, ?, ?, 'community', ?, ?, ? FROM dramas WHERE slug = ?",
                (
                    draft.text,
                    draft.topic,
                    draft.source,
                    guild_id,
                    added_by,
                    instant_to_db(now_at),
                    drama_slug,
                ),
            )
            if cursor.rowcount != 1:
                raise LookupError(f"no drama {drama_slug!r}")
            fact_id = int(cursor.lastrowid or 0)
        self._words.wrote(guild_id)
        self._topics.clear()
        await self._words.learn(guild_id, fact_id, draft)
        fact = await self.get(fact_id, guild_id=guild_id)
        assert fact is not None
        return fact

    async def add_many(
        self,
        drama_slug: str,
        drafts: Iterable[FactDraft],
        *,
        guild_id: int,
        added_by: int,
        now_at: datetime,
    ) -> int:
        """Store many community facts of ``guild_id`` in one transaction (benchmarks fill a
        server with 100,000 this way); returns how many."""
        rows = [
            (d.text, d.topic, d.source, guild_id, added_by, instant_to_db(now_at), drama_slug)
            for d in drafts
        ]
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO facts"
                " (drama_id, text, topic, source, origin, guild_id, added_by, added_at)"
                " SELECT id, ?, ?, ?, 'community', ?, ?, ? FROM dramas WHERE slug = ?",
                rows,
            )
        self._words.wrote(guild_id)
        self._topics.clear()
        return len(rows)

    async def get(self, fact_id: int, *, guild_id: int | None) -> Fact | None:
        """The fact, if the server (None: a DM) may see it."""
        visible, params = visible_to(guild_id)
        row = await self._db.fetch_one(
            f"SELECT {FACT_COLUMNS} FROM facts f JOIN dramas d ON d.id = f.drama_id"
            f" WHERE f.id = ? AND {visible}",
            (fact_id, *params),
        )
        return None if row is None else _fact(row)

    async def sample_of_drama(
        self, drama_slug: str, *, guild_id: int | None, limit: int = TRIVIA_FACT_SAMPLE
    ) -> list[Fact]:
        """At most ``limit`` facts of the drama the server sees, picked at random by SQLite
        (trivia asks which drama a fact is from)."""
        visible, params = visible_to(guild_id)
        rows = await self._db.fetch_all(
            f"SELECT {FACT_COLUMNS} FROM facts f JOIN dramas d ON d.id = f.drama_id"
            f" WHERE d.slug = ? AND {visible} ORDER BY random() LIMIT ?",
            (drama_slug, *params, limit),
        )
        return sorted((_fact(row) for row in rows), key=lambda fact: fact.id)

    async def remove_community_fact(self, fact_id: int, *, guild_id: int) -> RemoveOutcome:
        """Only this server's community facts can go: data facts would come back on the next
        import, and another server's fact (or one whose server is unknown) is not found."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT origin, guild_id FROM facts WHERE id = ?", (fact_id,)
            )
            row = await cursor.fetchone()
            if row is None:
                return RemoveOutcome.NOT_FOUND
            if row["origin"] == "data":
                return RemoveOutcome.FROM_DATA_FILE
            if row["guild_id"] != guild_id:
                return RemoveOutcome.NOT_FOUND
            await conn.execute("DELETE FROM facts WHERE id = ?", (fact_id,))
        self._words.wrote(guild_id)
        self._topics.clear()
        return RemoveOutcome.REMOVED

    async def random(
        self,
        drama_slug: str,
        topic: str | None = None,
        excluding: Sequence[int] = (),
        *,
        guild_id: int | None,
    ) -> Fact | None:
        """A random fact of the drama (and topic) the server sees, avoiding ``excluding``
        while others remain."""
        visible, visible_params = visible_to(guild_id)
        # Only ids are drawn (from the indexes); the one row is read after.
        sql = (
            "SELECT f.id FROM facts f JOIN dramas d ON d.id = f.drama_id"
            f" WHERE d.slug = ? AND {visible}"
        )
        params: list[object] = [drama_slug, *visible_params]
        if topic:
            sql += " AND f.topic = ? COLLATE NOCASE"
            params.append(topic)
        picked = None
        if excluding:
            picked = await self._db.scalar(
                sql + f" AND f.id NOT IN ({','.join('?' * len(excluding))})"
                " ORDER BY random() LIMIT 1",
                [*params, *excluding],
            )
        if picked is None:
            picked = await self._db.scalar(sql + " ORDER BY random() LIMIT 1", params)
        return None if picked is None else await self.get(int(picked), guild_id=guild_id)

    async def count(
        self, drama_slug: str, topic: str | None = None, *, guild_id: int | None
    ) -> int:
        """How many facts of the drama (and topic) the server sees."""
        visible, visible_params = visible_to(guild_id)
        sql = (
            "SELECT count(*) FROM facts f JOIN dramas d ON d.id = f.drama_id"
            f" WHERE d.slug = ? AND {visible}"
        )
        params: list[object] = [drama_slug, *visible_params]
        if topic:
            sql += " AND f.topic = ? COLLATE NOCASE"
            params.append(topic)
        return int(await self._db.scalar(sql, params))

    async def unowned_count(self) -> int:
        """Community facts whose server is unknown (added before facts had owners): kept,
        but seen by no server and removable by none."""
        return int(
            await self._db.scalar(
                "SELECT count(*) FROM facts WHERE origin = 'community' AND guild_id IS NULL"
            )
        )

    async def topics(self, drama_slug: str | None = None, *, guild_id: int | None) -> list[str]:
        """The topics of the facts the server sees (of one drama, or of all), from memory
        after the first time."""
        shared = await self._topics_of(None, drama_slug)
        if guild_id is None:
            return list(shared)
        return sorted({*shared, *await self._topics_of(guild_id, drama_slug)})

    async def _topics_of(self, guild_id: int | None, drama_slug: str | None) -> tuple[str, ...]:
        """The data facts' topics (``guild_id`` None) or one server's own facts' topics."""
        key = (guild_id, drama_slug)
        cached = self._topics.get(key)
        if cached is not None:
            self._topics.move_to_end(key)
            return cached
        params: list[object] = []
        if guild_id is None:
            condition = "f.origin = 'data'"
        else:
            condition, params = "f.origin = 'community' AND f.guild_id = ?", [guild_id]
        select = f"SELECT DISTINCT f.topic FROM facts f WHERE {condition} AND f.topic IS NOT NULL"
        if drama_slug:
            select += " AND f.drama_id IN (SELECT id FROM dramas WHERE slug = ?)"
            params.append(drama_slug)
        rows = await self._db.fetch_all(select + " ORDER BY 1", params)
        topics = tuple(row[0] for row in rows)
        self._topics[key] = topics
        while len(self._topics) > TOPIC_CACHE_SIZE:
            self._topics.popitem(last=False)
        return topics

    async def search(
        self,
        query: str,
        drama_slug: str | None,
        limit: int,
        offset: int = 0,
        *,
        guild_id: int | None,
    ) -> FactPage:
        """Best-ranked facts the server sees: whole words, else prefixes, else typos fixed
        (against the words of those same facts; whole words, else prefixes), else any word."""
        words = query_words(query)
        if not words:
            return FactPage((), 0)
        scope = _Scope(drama_slug, guild_id)
        for prefix in (False, True):
            expression = match_expression(words, prefix=prefix)
            page = await self._match(expression, words, scope, limit, offset, prefix=prefix)
            if page.total:
                return page
        fixed = corrected_words(words, await self._words.vocabulary(guild_id))
        if fixed != words:
            # Whole words first here too: a corrected word is one the facts have, and a
            # prefix query on a common word reads its whole posting list (3 ms at 100,000).
            for prefix in (False, True):
                expression = match_expression(fixed, prefix=prefix)
                page = await self._match(expression, fixed, scope, limit, offset, prefix=prefix)
                if page.total:
                    break
        if page.total or len(fixed) < 2:
            return page
        any_word = match_expression(fixed, every_word=False)
        return await self._match(any_word, fixed, scope, limit, offset, prefix=True)

    async def _match(
        self,
        expression: str | None,
        words: Sequence[str],
        scope: _Scope,
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
        visible, visible_params = visible_to(scope.guild_id)
        sql += f" AND {visible}"
        params: list[object] = [expression, *visible_params]
        if scope.drama_slug:
            sql += " AND d.slug = ?"
            params.append(scope.drama_slug)
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
