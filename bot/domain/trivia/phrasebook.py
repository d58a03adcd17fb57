"""The words a generated question is written in: the game's language, English by default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.domain.models import WeeklySchedule


class Phrasebook(Protocol):
    """How the game's language writes a question frame: ``bot.i18n.Language`` is one (its
    ``_`` calls are what ``pybabel extract`` collects), :class:`EnglishFrames` the default."""

    def _(self, message: str, /, **fields: object) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /, **fields: object) -> str: ...


class EnglishFrames:
    """The frames as written here (English, the catalogues' source)."""

    def _(self, message: str, /, **fields: object) -> str:
        return message.format(**fields) if fields else message

    def ngettext(self, singular: str, plural: str, n: int, /, **fields: object) -> str:
        fields.setdefault("count", n)
        return (singular if n == 1 else plural).format(**fields)


SlotWriter = Callable[[WeeklySchedule], str]
"""A weekly slot in the game's language (``weekly_slot``: ``Wednesdays 14:00 WIB``)."""
