"""Fact search in the store at 100,000 generated facts: p50 and p99 of the store-side time."""

from __future__ import annotations

import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import REPO, Summary
from bot.data.importer import import_files
from bot.domain.models import FactDraft
from bot.store import Store

WORDS = [
    "lyricist",
    "photographer",
    "producer",
    "song",
    "friend",
    "unrequited",
    "love",
    "director",
    "episode",
    "camera",
    "studio",
    "melody",
    "chorus",
    "rooftop",
    "rain",
    "umbrella",
    "piano",
    "guitar",
    "notebook",
    "coffee",
    "train",
    "station",
    "summer",
    "winter",
    "festival",
    "concert",
    "stage",
    "interview",
    "press",
    "conference",
    "script",
    "scene",
    "actor",
    "actress",
]
GUILD_ID = 1  # the server whose community facts are searched
NAMES = ["Han So-hee", "Park Hyung-sik", "Kim Joo-heon", "Kim Hee-won", "Lee Eun-soo"]
QUERIES = [
    "vincenzo",
    "Han",
    "photographer",
    "unrequited love",
    "piano rooftop",
    "vincenso",
    "Park Hyung-sik",
    "directer",
    "song",
    "qqqzzz nothing",
]


@dataclass(frozen=True)
class SearchResult:
    facts: int
    summary: Summary


async def fill(store: Store, facts: int, guild_id: int = GUILD_ID) -> None:
    """The shipped dramas, and ``facts`` generated community facts of ``guild_id``."""
    rng = random.Random(7)
    await import_files(store.dramas, [REPO / "data" / "dramas"])
    drafts = [
        FactDraft(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 25)))
            + f" {rng.choice(NAMES)}.",
            rng.choice(["music", "cast", "story", "production"]),
            None,
        )
        for _ in range(facts)
    ]
    await store.facts.add_many(
        "soundtrack-1", drafts, guild_id=guild_id, added_by=1, now_at=datetime.now(UTC)
    )


async def run(facts: int = 100_000, rounds: int = 30) -> SearchResult:
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.sqlite3")
        try:
            await fill(store, facts)
            timings = []
            for _ in range(rounds):
                for query in QUERIES:
                    started = time.perf_counter()
                    await store.facts.search(query, None, limit=50, guild_id=GUILD_ID)
                    timings.append(time.perf_counter() - started)
        finally:
            await store.close()
    return SearchResult(facts, Summary.of(timings))
