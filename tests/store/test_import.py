"""Importing drama files: idempotent, one transaction per file, community rows untouched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.data.importer import import_files
from bot.store import Store
from tests.builders import VALID_DRAMA, write_drama


async def test_import_then_reimport_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_drama(tmp_path / "data")
    [first] = await import_files(store.dramas, [path])
    assert first.result is not None and first.result.added > 0
    [second] = await import_files(store.dramas, [path])
    assert second.result is not None
    assert (second.result.added, second.result.updated, second.result.removed) == (0, 0, 0)
    assert second.result.unchanged == first.result.added
    assert await store.database.scalar("SELECT count(*) FROM facts") == 2
    assert await store.database.scalar("SELECT count(*) FROM episodes") == 4


async def test_imported_rows_come_back_as_domain_objects(store: Store, tmp_path: Path) -> None:
    await import_files(store.dramas, [write_drama(tmp_path)])
    drama = await store.dramas.drama("test-drama")
    assert drama is not None and drama.aliases == ("TD", "테스트")
    episodes = await store.dramas.episodes("test-drama")
    assert [e.airs_at for e in episodes][2] == datetime(2022, 4, 7, 13, tzinfo=UTC)
    assert episodes[2].title == "The moved one"
    [lead, director] = await store.dramas.credits("test-drama")
    assert lead.character_aliases == ("Main",)
    assert director.character is None
    people = {p.id: p for p in await store.dramas.people()}
    assert people["lead-actor"].aliases == ("Lead",)
    [question] = await store.dramas.trivia_questions("test-drama")
    assert question.wrong == ("2", "6", "8")


async def test_an_edited_file_updates_and_removes_what_it_no_longer_says(
    store: Store, tmp_path: Path
) -> None:
    path = write_drama(tmp_path)
    await import_files(store.dramas, [path])
    edited = VALID_DRAMA.replace("2022-04-07T20:00:00+07:00", "2022-04-08T20:00:00+07:00")
    edited = edited.replace("  - text: The lead actor likes songs.\n    topic: cast\n", "")
    path.write_text(edited, encoding="utf-8")
    [outcome] = await import_files(store.dramas, [path])
    assert outcome.result is not None
    assert (outcome.result.updated, outcome.result.removed) == (1, 1)
    episodes = await store.dramas.episodes("test-drama")
    assert episodes[2].airs_at == datetime(2022, 4, 8, 13, tzinfo=UTC)


async def test_community_facts_survive_a_reimport(store: Store, tmp_path: Path) -> None:
    path = write_drama(tmp_path)
    await import_files(store.dramas, [path])
    async with store.database.transaction() as conn:
        await conn.execute(
            "INSERT INTO facts (drama_id, text, origin, added_by, added_at)"
            " SELECT id, 'Fans love it.', 'community', 42, '2026-01-01T00:00:00+00:00'"
            " FROM dramas"
        )
    path.write_text(VALID_DRAMA.replace("The drama has four", "The show has four"), "utf-8")
    await import_files(store.dramas, [path])
    texts = {row[0] for row in await store.database.fetch_all("SELECT text FROM facts")}
    assert texts == {"Fans love it.", "The show has four episodes.", "The lead actor likes songs."}


async def test_a_bad_file_writes_nothing_and_a_good_one_beside_it_imports(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    write_drama(folder, VALID_DRAMA.replace("role: director", "role: producer"), "bad.yaml")
    write_drama(folder, VALID_DRAMA.replace("test-drama", "good-drama"), "good.yaml")
    bad, good = await import_files(store.dramas, [folder])
    assert bad.error is not None and "unknown role" in str(bad.error)
    assert good.result is not None
    assert [d.slug for d in await store.dramas.dramas()] == ["good-drama"]
    assert await store.database.scalar("SELECT count(*) FROM people") == 2
