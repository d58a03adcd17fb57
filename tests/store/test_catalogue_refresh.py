"""The catalogue in memory: lookups by key, rebuilt only when an import changed something,
and topics for autocomplete kept in memory but never stale."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.catalogue import Catalogue, credit_key
from bot.data.importer import import_files
from bot.domain.models import FactDraft
from bot.store import Store
from tests.builders import drama_yaml, write_drama

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)
SERVER = 1001


async def test_the_periodic_refresh_rebuilds_only_after_an_import_changed_the_catalogue(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "dramas"
    write_drama(folder)
    await import_files(store.dramas, [folder])
    catalogue = Catalogue(store)
    assert await catalogue.refresh() is True  # the first build
    assert await catalogue.refresh() is False  # nothing changed: one row read, no rebuild

    await import_files(store.dramas, [folder])  # the same file again changes nothing
    assert await catalogue.refresh() is False

    write_drama(folder, drama_yaml(Two__friends="Three friends"))
    other = await Store.open(store.database.path)  # `fanbot import` beside the bot
    try:
        await import_files(other.dramas, [folder])
    finally:
        await other.close()
    assert await catalogue.refresh() is True
    drama = catalogue.snapshot.drama("test-drama")
    assert drama is not None and drama.synopsis == "Three friends write a song."
    assert catalogue.rebuilds == 2


async def test_lookups_by_key_agree_with_the_catalogue_lists(store: Store) -> None:
    await import_files(store.dramas, [REPO / "data" / "dramas"])
    catalogue = Catalogue(store)
    await catalogue.refresh()
    snapshot = catalogue.snapshot
    for drama in snapshot.dramas:
        assert snapshot.drama(drama.slug) is drama
        assert snapshot.episodes_of(drama.slug) == [
            e for e in snapshot.episodes if e.drama_slug == drama.slug
        ]
        assert snapshot.credits_of(drama.slug) == [
            c for c in snapshot.credits if c.drama_slug == drama.slug
        ]
    for person in snapshot.people:
        assert snapshot.person(person.id) is person
        assert snapshot.credits_for_person(person.id) == [
            c for c in snapshot.credits if c.person_id == person.id
        ]
    for credit in snapshot.credits:
        assert snapshot.credit(credit_key(credit)) is credit
    assert snapshot.drama("no-such-drama") is None and snapshot.episodes_of("nope") == []


async def test_topics_follow_community_facts_and_imports(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "dramas"
    write_drama(folder)
    await import_files(store.dramas, [folder])
    catalogue = Catalogue(store)
    await catalogue.refresh()
    facts = store.facts
    assert await facts.topics("test-drama", guild_id=SERVER) == ["cast", "schedule"]

    draft = FactDraft("The props were borrowed.", "props", "a fan")
    fact = await facts.add("test-drama", draft, guild_id=SERVER, added_by=42, now_at=NOW)
    assert await facts.topics("test-drama", guild_id=SERVER) == ["cast", "props", "schedule"]
    assert await facts.topics("test-drama", guild_id=None) == ["cast", "schedule"]
    await facts.remove_community_fact(fact.id, guild_id=SERVER)
    assert await facts.topics("test-drama", guild_id=SERVER) == ["cast", "schedule"]

    write_drama(folder, drama_yaml(**{"topic: cast": "topic: music"}))
    await import_files(store.dramas, [folder])
    await catalogue.refresh()
    assert await facts.topics("test-drama", guild_id=SERVER) == ["music", "schedule"]
