"""Validate and import drama files: shared by ``fanbot import``, ``check`` and start-up."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.data.folder import drama_files_in
from bot.data.loader import DataFileError, load_drama_document
from bot.data.model import DramaDocument
from bot.domain.models import DramaFile, ImportResult, Person
from bot.store.dramas import DramaStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileOutcome:
    """One file's fate: imported (with counts) or rejected (with the reason)."""

    path: Path
    result: ImportResult | None = None
    error: DataFileError | None = None


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders become their ``*.yaml`` files."""
    files: list[Path] = []
    for path in paths:
        files.extend(drama_files_in(path) if path.is_dir() else [path])
    return files


def _person_line(path: Path, person_id: str) -> int:
    """The line of ``id: person_id`` in a file, for an error about that person."""
    pattern = re.compile(rf"^\s*(?:-\s*)?id:\s*['\"]?{re.escape(person_id)}['\"]?\s*$")
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 1)


def validate_files(paths: Iterable[Path]) -> list[tuple[Path, DramaFile | DataFileError]]:
    """Load each file; what an earlier file already defines otherwise is an error on the later.

    Slugs are unique; people are shared between dramas, so a person listed in two files
    must be listed the same way, or each start would overwrite the other file's version.
    """
    loaded: list[tuple[Path, DramaFile | DataFileError]] = []
    slugs: dict[str, Path] = {}
    people: dict[str, tuple[Person, Path]] = {}
    for path in expand_paths(paths):
        try:
            document = load_drama_document(path)
        except DataFileError as error:
            loaded.append((path, error))
            continue
        if document.source is not None:
            continue  # an overlay: applied when its source is imported (overlays_in)
        drama_file = document.to_drama_file()
        slug = drama_file.drama.slug
        if slug in slugs:
            message = f"slug: {slug!r} is already used by {slugs[slug]}"
            loaded.append((path, DataFileError(path, 1, message)))
            continue
        clash = next(
            (p for p in drama_file.people if p.id in people and people[p.id][0] != p), None
        )
        if clash is not None:
            message = (
                f"people: {clash.id!r} is defined differently in {people[clash.id][1]};"
                " list a shared person the same way in every file"
            )
            loaded.append((path, DataFileError(path, _person_line(path, clash.id), message)))
            continue
        slugs[slug] = path
        people.update({p.id: (p, path) for p in drama_file.people})
        loaded.append((path, drama_file))
    return loaded


def overlays_in(folder: Path) -> dict[str, DramaDocument]:
    """The folder's files that name a ``source``, by source ("tvmaze:62248"); a bad one is
    logged and left out (the drama then keeps the source's data alone)."""
    overlays: dict[str, DramaDocument] = {}
    for path in drama_files_in(folder):
        try:
            document = load_drama_document(path)
        except DataFileError as error:
            if "source: tvmaze:" in path.read_text(encoding="utf-8", errors="replace"):
                log.error("overlay rejected (the source's data is used alone): %s", error)
            continue
        if document.source is not None:
            overlays[document.source] = document
    return overlays


async def import_files(dramas: DramaStore, paths: Iterable[Path]) -> list[FileOutcome]:
    """Import every valid file (one transaction each); bad files are reported, not written."""
    outcomes: list[FileOutcome] = []
    for path, loaded in validate_files(paths):
        if isinstance(loaded, DataFileError):
            log.error("data file rejected: %s", loaded)
            outcomes.append(FileOutcome(path, error=loaded))
            continue
        result = await dramas.import_file(loaded)
        if result.changed:
            log.info("imported %s: %s", path, describe_result(result))
        outcomes.append(FileOutcome(path, result=result))
    return outcomes


def describe_result(result: ImportResult) -> str:
    return (
        f"{result.added} added, {result.updated} updated, {result.unchanged} unchanged,"
        f" {result.removed} removed"
    )
