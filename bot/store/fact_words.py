"""The typo vocabularies of fact search: the data facts' words, and each server's own.

Each is kept with a fingerprint of the facts it was built from (their count and newest id)
and rebuilt only when that moved. A server's words are checked against its facts (a count
over all of them: 16 ms at 100,000) only when they may have changed: this process wrote that
server's facts (its count of writes moved) or another process committed (the outside
version)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import Iterable

from bot.domain.models import FactDraft
from bot.domain.search import text_words
from bot.store.database import Database


class FactWords:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._shared_words: tuple[tuple[object, ...], frozenset[str]] | None = None
        self._guild_words: dict[int, tuple[tuple[object, ...], frozenset[str]]] = {}
        self._guild_writes: Counter[int] = Counter()
        self._guild_checked: dict[int, tuple[int, int]] = {}

    def wrote(self, guild_id: int) -> None:
        """This process changed the server's facts: its words are checked at the next use."""
        self._guild_writes[guild_id] += 1

    async def vocabulary(self, guild_id: int | None) -> frozenset[str]:
        """The words of the facts the server sees: another server's facts never steer the
        typo correction. Each half is rebuilt only when its facts changed."""
        shared, self._shared_words = await self._words_of(
            "f.origin = 'data'",
            [],
            self._shared_words,
            # an import may change a data fact's topic or source in place
            ", total(length(f.text) + length(coalesce(f.topic, ''))"
            " + length(coalesce(f.source, '')))",
        )
        if guild_id is None:
            return shared
        seen = (await self._db.outside_version(), self._guild_writes[guild_id])
        cached = self._guild_words.get(guild_id)
        if cached is not None and self._guild_checked.get(guild_id) == seen:
            return shared | cached[1]
        own, self._guild_words[guild_id] = await self._words_of(
            "f.origin = 'community' AND f.guild_id = ?", [guild_id], cached
        )
        self._guild_checked[guild_id] = seen
        return shared | own

    async def learn(self, guild_id: int, fact_id: int, draft: FactDraft) -> None:
        """A fact this process just added joins its server's cached words at once, if they
        were up to date before it: rebuilding them reads every fact of the server (about a
        second at 100,000), which a typo search would otherwise wait for after each add."""
        cached = self._guild_words.get(guild_id)
        checked = self._guild_checked.get(guild_id)
        writes = self._guild_writes[guild_id]
        if cached is None or checked is None or checked[1] != writes - 1:
            return
        outside = await self._db.outside_version()
        if outside != checked[0] or self._guild_writes[guild_id] != writes:
            return  # someone else wrote meanwhile: the next search checks the count
        (count, newest), words = cached
        if not isinstance(count, int) or not isinstance(newest, int | None):
            return
        added = {
            w for part in (draft.text, draft.topic, draft.source) if part for w in text_words(part)
        }
        self._guild_words[guild_id] = ((count + 1, max(newest or 0, fact_id)), words | added)
        self._guild_checked[guild_id] = (outside, writes)

    async def _words_of(
        self,
        condition: str,
        params: list[object],
        cached: tuple[tuple[object, ...], frozenset[str]] | None,
        extra_fingerprint: str = "",
    ) -> tuple[frozenset[str], tuple[tuple[object, ...], frozenset[str]]]:
        """The words of the facts matching ``condition``, unless ``cached`` is still theirs:
        the same number of facts, the same newest id (and ``extra_fingerprint``)."""
        fingerprint = await self._db.fetch_one(
            f"SELECT count(*), max(f.id){extra_fingerprint} FROM facts f WHERE {condition}",
            params,
        )
        assert fingerprint is not None
        key = tuple(fingerprint)
        if cached is not None and cached[0] == key:
            return cached[1], cached
        rows = await self._db.fetch_all(
            f"SELECT f.text, f.topic, f.source FROM facts f WHERE {condition}", params
        )
        words = await asyncio.to_thread(_vocabulary_of, rows)
        return words, (key, words)


def _vocabulary_of(rows: Iterable[sqlite3.Row]) -> frozenset[str]:
    """The words of facts as the index splits them (text, topic and source)."""
    words: set[str] = set()
    for row in rows:
        for column in ("text", "topic", "source"):
            if row[column]:
                words.update(text_words(row[column]))
    return frozenset(words)
