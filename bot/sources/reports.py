"""What an import from TVmaze did: read by the client, the cogs and the CLI without
loading the parsers behind it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.announcements import EpisodeMoved
from bot.domain.models import DramaFile, Episode, ImportResult


@dataclass(frozen=True)
class Imported:
    """One show imported: its file, what changed, and which episodes moved."""

    drama_file: DramaFile
    result: ImportResult
    moved: tuple[EpisodeMoved, ...]
    episodes: tuple[Episode, ...]


@dataclass(frozen=True)
class RefreshReport:
    checked: int
    imported: tuple[Imported, ...]
    failed: tuple[tuple[str, str], ...]  # (slug, reason)
