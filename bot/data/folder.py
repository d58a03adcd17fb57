"""The data folder as files and bytes: which files it holds, and a digest of them.

Nothing here parses YAML or loads pydantic, so start-up can tell whether the folder changed
since its last import without paying for the parsers (about 10 MB resident once loaded).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot import __version__

# A change to how files are read re-imports them, even if the files are the same.
_READERS = ("loader.py", "model.py", "overlay.py", "importer.py")


def drama_files_in(folder: Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files of a folder, in name order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def folder_digest(folder: Path) -> str:
    """The files' names and bytes, the code that reads them and the bot's version."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for reader in _READERS:
        digest.update((here / reader).read_bytes())
    for path in drama_files_in(folder):
        digest.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
