"""Facts: full-text search with prefixes and typo correction, community facts, random picks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.data.importer import import_files
from bot.domain.models import FactDraft
from bot.store import Store
from bot.store.facts import RemoveOutcome

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)


@pytest.fixture
async def soundtrack(store: Store) -> Store:
    await import_files(store.dramas, [REPO / "data" / "dramas"])
    return store


@pytest.mark.parametrize("query", ["vincenzo", "Vincen", "VINCENZO director", "vincenso"])
async def test_search_finds_the_director_fact_however_it_is_typed(
    soundtrack: Store, query: str
) -> None:
    page = await soundtrack.facts.search(query, "soundtrack-1", limit=5)
    assert page.total >= 1
    assert "Vincenzo" in page.facts[0].text


async def test_search_pages_are_ranked_and_counted(soundtrack: Store) -> None:
    first = await soundtrack.facts.search("Han", None, limit=5)
    second = await soundtrack.facts.search("Han", None, limit=5, offset=5)
    assert first.total == second.total > 5
    assert not {f.id for f in first.facts} & {f.id for f in second.facts}


async def test_search_for_nonsense_finds_nothing(soundtrack: Store) -> None:
    page = await soundtrack.facts.search("qqqzzz xylophone", "soundtrack-1", limit=5)
    assert page == type(page)((), 0)


async def test_a_community_fact_is_searchable_and_removable(soundtrack: Store) -> None:
    fact = await soundtrack.facts.add(
        "soundtrack-1", FactDraft("The notebook on set was blue.", "props", "a fan"), 42, NOW
    )
    assert fact.added_by == 42 and fact.added_at == NOW and not fact.from_data_file
    assert (await soundtrack.facts.search("notebook", None, 5)).facts[0].id == fact.id
    assert await soundtrack.facts.remove_community_fact(fact.id) is RemoveOutcome.REMOVED
    assert await soundtrack.facts.remove_community_fact(fact.id) is RemoveOutcome.NOT_FOUND
    assert (await soundtrack.facts.search("notebook", None, 5)).total == 0


async def test_a_data_fact_cannot_be_removed_in_discord(soundtrack: Store) -> None:
    page = await soundtrack.facts.search("Vincenzo", None, 1)
    outcome = await soundtrack.facts.remove_community_fact(page.facts[0].id)
    assert outcome is RemoveOutcome.FROM_DATA_FILE


async def test_random_avoids_excluded_facts_while_others_remain(soundtrack: Store) -> None:
    facts = (await soundtrack.facts.search("Vincenzo", None, 50)).facts
    assert facts
    total = await soundtrack.facts.count("soundtrack-1")
    everything = (await soundtrack.facts.search("Soundtrack", None, 100)).facts
    seen = [f.id for f in everything][: total - 1]
    remaining = await soundtrack.facts.random("soundtrack-1", excluding=seen)
    assert remaining is not None and remaining.id not in seen
    topic = await soundtrack.facts.random("soundtrack-1", topic="music")
    assert topic is not None and topic.topic == "music"
