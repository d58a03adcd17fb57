"""Facts: full-text search with prefixes and typo correction, community facts, random picks,
and who sees what: data-file facts are everyone's, a community fact only its server's."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.data.importer import import_files
from bot.domain.models import FactDraft
from bot.store import Store
from bot.store.facts import FactPage, RemoveOutcome
from bot.store.migrations import all_migrations

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)
SERVER_A = 1001
SERVER_B = 2002
DM = None


@pytest.fixture
async def soundtrack(store: Store) -> Store:
    await import_files(store.dramas, [REPO / "data" / "dramas"])
    return store


async def add(store: Store, text: str, guild_id: int, topic: str | None = "props") -> int:
    draft = FactDraft(text, topic, "a fan")
    fact = await store.facts.add("soundtrack-1", draft, guild_id=guild_id, added_by=42, now_at=NOW)
    return fact.id


@pytest.mark.parametrize("query", ["vincenzo", "Vincen", "VINCENZO director", "vincenso"])
async def test_search_finds_the_director_fact_however_it_is_typed(
    soundtrack: Store, query: str
) -> None:
    page = await soundtrack.facts.search(query, "soundtrack-1", limit=5, guild_id=SERVER_A)
    assert page.total >= 1
    assert "Vincenzo" in page.facts[0].text


async def test_search_pages_are_ranked_and_counted(soundtrack: Store) -> None:
    first = await soundtrack.facts.search("Han", None, limit=5, guild_id=SERVER_A)
    second = await soundtrack.facts.search("Han", None, limit=5, offset=5, guild_id=SERVER_A)
    assert first.total == second.total > 5
    assert not {f.id for f in first.facts} & {f.id for f in second.facts}


async def test_search_for_nonsense_finds_nothing(soundtrack: Store) -> None:
    page = await soundtrack.facts.search(
        "qqqzzz xylophone", "soundtrack-1", limit=5, guild_id=SERVER_A
    )
    assert page == FactPage(facts=(), total=0, more=False)


async def test_a_community_fact_is_searchable_and_removable(soundtrack: Store) -> None:
    fact = await soundtrack.facts.add(
        "soundtrack-1",
        FactDraft("The notebook on set was blue.", "props", "a fan"),
        guild_id=SERVER_A,
        added_by=42,
        now_at=NOW,
    )
    assert fact.added_by == 42 and fact.added_at == NOW and not fact.from_data_file
    found = await soundtrack.facts.search("notebook", None, 5, guild_id=SERVER_A)
    assert [f.id for f in found.facts] == [fact.id]
    removed = await soundtrack.facts.remove_community_fact(fact.id, guild_id=SERVER_A)
    assert removed is RemoveOutcome.REMOVED
    again = await soundtrack.facts.remove_community_fact(fact.id, guild_id=SERVER_A)
    assert again is RemoveOutcome.NOT_FOUND
    assert (await soundtrack.facts.search("notebook", None, 5, guild_id=SERVER_A)).total == 0


async def test_a_data_fact_cannot_be_removed_in_discord(soundtrack: Store) -> None:
    page = await soundtrack.facts.search("Vincenzo", None, 1, guild_id=SERVER_A)
    outcome = await soundtrack.facts.remove_community_fact(page.facts[0].id, guild_id=SERVER_A)
    assert outcome is RemoveOutcome.FROM_DATA_FILE


async def test_random_returns_the_only_fact_not_yet_shown(soundtrack: Store) -> None:
    every_id = [f.id for f in await soundtrack.facts.sample_of_drama("soundtrack-1", guild_id=DM)]
    assert len(every_id) == await soundtrack.facts.count("soundtrack-1", guild_id=DM) > 10
    for left in (every_id[0], every_id[len(every_id) // 2], every_id[-1]):
        shown = [i for i in every_id if i != left]
        fact = await soundtrack.facts.random("soundtrack-1", excluding=shown, guild_id=DM)
        assert fact is not None and fact.id == left


async def test_random_starts_over_when_every_fact_was_shown(soundtrack: Store) -> None:
    every_id = [f.id for f in await soundtrack.facts.sample_of_drama("soundtrack-1", guild_id=DM)]
    fact = await soundtrack.facts.random("soundtrack-1", excluding=every_id, guild_id=DM)
    assert fact is not None and fact.id in every_id


async def test_random_keeps_to_the_topic(soundtrack: Store) -> None:
    for _ in range(10):
        fact = await soundtrack.facts.random("soundtrack-1", topic="MUSIC", guild_id=SERVER_A)
        assert fact is not None and fact.topic == "music"
    assert await soundtrack.facts.random("soundtrack-1", topic="nope", guild_id=SERVER_A) is None


# -- each server's own facts ------------------------------------------------------------------


async def test_a_community_fact_is_seen_only_in_its_server(soundtrack: Store) -> None:
    facts = soundtrack.facts
    data_count = await facts.count("soundtrack-1", guild_id=DM)
    fact_id = await add(soundtrack, "The umbrella in episode two was borrowed.", SERVER_A)

    assert (await facts.search("umbrella", None, 5, guild_id=SERVER_A)).facts[0].id == fact_id
    assert (await facts.search("umbrella", None, 5, guild_id=SERVER_B)).total == 0
    assert (await facts.search("umbrella", None, 5, guild_id=DM)).total == 0
    assert await facts.get(fact_id, guild_id=SERVER_A) is not None
    assert await facts.get(fact_id, guild_id=SERVER_B) is None
    assert await facts.get(fact_id, guild_id=DM) is None
    assert await facts.count("soundtrack-1", guild_id=SERVER_A) == data_count + 1
    assert await facts.count("soundtrack-1", guild_id=SERVER_B) == data_count
    assert "props" in await facts.topics("soundtrack-1", guild_id=SERVER_A)
    assert "props" not in await facts.topics(guild_id=SERVER_B)
    assert "props" not in await facts.topics(guild_id=DM)
    in_a = {f.id for f in await facts.sample_of_drama("soundtrack-1", guild_id=SERVER_A)}
    in_b = {f.id for f in await facts.sample_of_drama("soundtrack-1", guild_id=SERVER_B)}
    assert fact_id in in_a and fact_id not in in_b and len(in_b) == data_count


async def test_random_in_another_server_never_picks_the_fact(soundtrack: Store) -> None:
    fact_id = await add(soundtrack, "The studio cat was called Melody.", SERVER_A, topic="pets")
    assert await soundtrack.facts.random("soundtrack-1", "pets", guild_id=SERVER_B) is None
    only = await soundtrack.facts.random("soundtrack-1", "pets", guild_id=SERVER_A)
    assert only is not None and only.id == fact_id
    every_data_id = [
        f.id for f in await soundtrack.facts.sample_of_drama("soundtrack-1", guild_id=SERVER_B)
    ]
    # with every data fact shown, server B starts over among data facts, never A's fact
    for _ in range(20):
        fact = await soundtrack.facts.random(
            "soundtrack-1", excluding=every_data_id, guild_id=SERVER_B
        )
        assert fact is not None and fact.id != fact_id


async def test_data_facts_are_seen_by_every_server_and_in_dms(soundtrack: Store) -> None:
    for guild_id in (SERVER_A, SERVER_B, DM):
        page = await soundtrack.facts.search("Vincenzo", None, 5, guild_id=guild_id)
        assert page.facts and page.facts[0].from_data_file


async def test_another_servers_fact_cannot_be_removed_and_reads_as_not_found(
    soundtrack: Store,
) -> None:
    fact_id = await add(soundtrack, "The rooftop scenes were shot in one night.", SERVER_A)
    outcome = await soundtrack.facts.remove_community_fact(fact_id, guild_id=SERVER_B)
    assert outcome is RemoveOutcome.NOT_FOUND
    missing = await soundtrack.facts.remove_community_fact(fact_id + 1000, guild_id=SERVER_B)
    assert missing is outcome  # the same answer as for an id that never existed
    assert await soundtrack.facts.get(fact_id, guild_id=SERVER_A) is not None


async def test_another_servers_words_do_not_steer_typo_correction(soundtrack: Store) -> None:
    # Server B's fact spells "vincenso": in server A that word must still be read as a typo
    # of the data facts' "Vincenzo", as if server B did not exist.
    await add(soundtrack, "Our club calls the director's last show vincenso.", SERVER_B)
    page = await soundtrack.facts.search("vincenso", None, 5, guild_id=SERVER_A)
    assert page.facts and all("Vincenzo" in f.text for f in page.facts)
    own = await soundtrack.facts.search("vincenso", None, 5, guild_id=SERVER_B)
    assert "vincenso" in own.facts[0].text


async def test_a_new_fact_is_part_of_its_servers_typo_vocabulary_at_once(
    soundtrack: Store,
) -> None:
    assert (await soundtrack.facts.search("marmalade", None, 5, guild_id=SERVER_A)).total == 0
    fact_id = await add(soundtrack, "Craft services served marmalade toast daily.", SERVER_A)
    page = await soundtrack.facts.search("marmelade", None, 5, guild_id=SERVER_A)
    assert [f.id for f in page.facts] == [fact_id]
    assert (await soundtrack.facts.search("marmelade", None, 5, guild_id=SERVER_B)).total == 0


async def test_facts_from_before_owners_are_kept_but_seen_and_removed_by_no_server(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    # a database as the version before migration 0006 left it, with one community fact
    with sqlite3.connect(path) as conn:
        for migration in all_migrations()[:5]:
            for statement in migration.statements:
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 5")
        conn.execute(
            "INSERT INTO dramas (slug, title, platform, schedule)"
            " VALUES ('soundtrack-1', 'Soundtrack #1', 'Disney+', '{}')"
        )
        conn.execute(
            "INSERT INTO facts (drama_id, text, topic, origin, added_by, added_at)"
            " SELECT id, 'The legacy fact about the piano.', 'music', 'community', 7, ?"
            " FROM dramas",
            (NOW.isoformat(),),
        )

    store = await Store.open(path)
    try:
        legacy_id = int(
            await store.database.scalar("SELECT id FROM facts WHERE text LIKE 'The legacy%'")
        )
        assert await store.facts.unowned_count() == 1
        for guild_id in (SERVER_A, SERVER_B, DM):
            assert await store.facts.get(legacy_id, guild_id=guild_id) is None
            assert (await store.facts.search("legacy", None, 5, guild_id=guild_id)).total == 0
        for guild_id in (SERVER_A, SERVER_B):
            outcome = await store.facts.remove_community_fact(legacy_id, guild_id=guild_id)
            assert outcome is RemoveOutcome.NOT_FOUND
        assert await store.facts.unowned_count() == 1
    finally:
        await store.close()


async def test_a_data_fact_cannot_be_given_a_server(soundtrack: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        async with soundtrack.database.transaction() as conn:
            await conn.execute("UPDATE facts SET guild_id = 1 WHERE origin = 'data'")


async def test_many_facts_are_added_at_once_to_one_server(soundtrack: Store) -> None:
    drafts = [
        FactDraft(f"The rooftop scene number {i} was shot at dawn.", "story", None)
        for i in range(50)
    ]
    added = await soundtrack.facts.add_many(
        "soundtrack-1", drafts, guild_id=SERVER_A, added_by=42, now_at=NOW
    )
    assert added == 50
    mine = await soundtrack.facts.search("rooftop dawn", None, limit=100, guild_id=SERVER_A)
    theirs = await soundtrack.facts.search("rooftop dawn", None, limit=100, guild_id=SERVER_B)
    assert mine.total == 50 and not mine.more
    assert theirs.total == 0
    assert "story" in await soundtrack.facts.topics("soundtrack-1", guild_id=SERVER_A)


async def test_a_fact_another_process_adds_joins_the_typo_vocabulary(
    soundtrack: Store, tmp_path: Path
) -> None:
    """The words are cached per server; a commit by another process (another connection to
    the same file) is noticed and the words are read again."""
    assert (await soundtrack.facts.search("saxaphone", None, 5, guild_id=SERVER_A)).total == 0
    other = await Store.open(tmp_path / "fanbot.sqlite3")
    try:
        fact_id = await add(other, "The gaffer played the saxophone every night.", SERVER_A)
    finally:
        await other.close()
    page = await soundtrack.facts.search("saxaphone", None, 5, guild_id=SERVER_A)
    assert [f.id for f in page.facts] == [fact_id]


async def test_a_removed_facts_words_no_longer_correct_typos(soundtrack: Store) -> None:
    fact_id = await add(soundtrack, "The boom operator hummed a lullaby.", SERVER_A)
    assert (await soundtrack.facts.search("lulaby", None, 5, guild_id=SERVER_A)).total == 1
    removed = await soundtrack.facts.remove_community_fact(fact_id, guild_id=SERVER_A)
    assert removed is RemoveOutcome.REMOVED
    assert (await soundtrack.facts.search("lulaby", None, 5, guild_id=SERVER_A)).total == 0
