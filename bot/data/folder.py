"""The data folder as files and bytes: which files it holds, and a digest of them.

Nothing here parses YAML or loads pydantic, so start-up can tell whether the folder changed
since its last import without paying for the parsers (about 10 MB resident once loaded).
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from bot import __version__

BOT = Path(__file__).resolve().parents[1]
# The code that turns a file into rows: a change to any of it re-imports unchanged files.
IMPORT_CODE = (
    "data/loader.py",
    "data/model.py",
    "data/cross_checks.py",
    "data/overlay.py",
    "data/importer.py",
    "domain/models.py",
    "domain/schedule.py",
    "store/drama_import.py",
)


def drama_files_in(folder: Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files of a folder, in name order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def folder_digest(folder: Path, schema_version: int) -> str | None:
    """The files' names and bytes, the code that imports them, the database schema, the
    bot's and tzdata's versions; None when the code cannot be read (an install without
    sources): the folder is then imported at every start, as if changed."""
    digest = hashlib.sha256(f"{__version__}\0{schema_version}\0{_tzdata_version()}".encode())
    try:
        for name in IMPORT_CODE:
            _add(digest, name, (BOT / name).read_bytes())
    except OSError:
        return None
    for path in drama_files_in(folder):
        _add(digest, path.name, path.read_bytes())
    return digest.hexdigest()


def _add(digest: hashlib._Hash, name: str, content: bytes) -> None:
    """Length-prefixed, so no two different folders run together into the same bytes."""
    for part in (name.encode(), content):
        digest.update(len(part).to_bytes(8, "big") + part)


def _tzdata_version() -> str:
    """Episode instants depend on the zone rules they were computed with."""
    try:
        return metadata.version("tzdata")
    except metadata.PackageNotFoundError:
        return "system"
