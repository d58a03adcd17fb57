"""Validate and import drama files: shared by ``fanbot import``, ``check`` and start-up."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.data.loader import DataFileError, drama_files_in, load_drama_file
from bot.domain.models import DramaFile, ImportResult
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


def validate_files(paths: Iterable[Path]) -> list[tuple[Path, DramaFile | DataFileError]]:
    """Load each file; a slug already used by an earlier file is an error on the later one."""
    loaded: list[tuple[Path, DramaFile | DataFileError]] = []
    slugs: dict[str, Path] = {}
    for path in expand_paths(paths):
        try:
            drama_file = load_drama_file(path)
        except DataFileError as error:
            loaded.append((path, error))
            continue
        slug = drama_file.drama.slug
        if slug in slugs:
            message = f"slug: {slug!r} is already used by {slugs[slug]}"
            loaded.append((path, DataFileError(path, 1, message)))
            continue
        slugs[slug] = path
        loaded.append((path, drama_file))
    return loaded


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
