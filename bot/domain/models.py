"""The bot's vocabulary: frozen dataclasses shared by every layer.

Instants are aware UTC datetimes and end in ``_at``; local wall times exist only when
shown to a person (see :mod:`bot.domain.schedule`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum


class RoleKind(StrEnum):
    """What a person does in a drama."""

    LEAD = "lead"
    SUPPORT = "support"
    CAMEO = "cameo"
    DIRECTOR = "director"
    WRITER = "writer"

    @property
    def is_cast(self) -> bool:
        return self in (RoleKind.LEAD, RoleKind.SUPPORT, RoleKind.CAMEO)


class AiringStatus(StrEnum):
    UPCOMING = "upcoming"
    AIRING = "airing"
    FINISHED = "finished"


@dataclass(frozen=True)
class WeeklySchedule:
    """A weekly slot rule: ``times`` on each of ``weekdays`` (0 = Monday) from ``start``.

    ``skipped`` dates produce no episode (a skipped week pushes later episodes back). A
    drama whose source knows no regular slot (a streaming release) has no ``times`` (and
    may have no ``weekdays``): its episodes are all listed explicitly.
    """

    timezone: str
    weekdays: tuple[int, ...]
    times: tuple[time, ...]
    start: date
    episode_count: int
    skipped: tuple[date, ...] = ()

    @property
    def has_rule(self) -> bool:
        """True when the rule generates episodes (a weekday and a time)."""
        return bool(self.weekdays and self.times)


@dataclass(frozen=True)
class Drama:
    slug: str
    title: str
    aliases: tuple[str, ...]
    country: str
    platform: str
    genres: tuple[str, ...]
    synopsis: str
    schedule: WeeklySchedule
    # Where the data comes from besides a data file: "tvmaze:62248", and the page to credit.
    source: str | None = None
    source_url: str | None = None
    source_status: str | None = None  # the source's word: "Running", "Ended"...

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling a fan may type for this drama."""
        return (self.title, *self.aliases)


@dataclass(frozen=True)
class EpisodeOverride:
    """An episode's title, and optionally an explicit instant that moves it.

    ``airs_on`` is a day without a known time ("time not announced"): the episode is listed
    on that day and never announced at an invented time.
    """

    number: int
    airs_at: datetime | None
    title: str | None
    airs_on: date | None = None
    season: int | None = None
    season_number: int | None = None


@dataclass(frozen=True)
class Episode:
    drama_slug: str
    number: int
    airs_at: datetime
    title: str | None = None
    # False: only the day is known (airs_at is then noon of that day in the drama's zone,
    # for ordering); such an episode is shown as its date and never announced.
    time_known: bool = True
    season: int | None = None
    season_number: int | None = None


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    aliases: tuple[str, ...]
    born: date | None
    known_for: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Credit:
    person_id: str
    drama_slug: str
    role: RoleKind
    character: str | None
    character_aliases: tuple[str, ...]
    description: str | None


@dataclass(frozen=True)
class FactDraft:
    """A fact before it has an id: from a data file or typed by an admin."""

    text: str
    topic: str | None
    source: str | None


@dataclass(frozen=True)
class Fact:
    id: int
    drama_slug: str
    text: str
    topic: str | None
    source: str | None
    added_by: int | None
    added_at: datetime | None
    from_data_file: bool


@dataclass(frozen=True)
class TriviaQuestion:
    drama_slug: str
    question: str
    answer: str
    accepted: tuple[str, ...]
    wrong: tuple[str, ...]


@dataclass(frozen=True)
class DramaFile:
    """Everything one data file says, validated: the unit of import."""

    drama: Drama
    episode_overrides: tuple[EpisodeOverride, ...]
    people: tuple[Person, ...]
    credits: tuple[Credit, ...]
    facts: tuple[FactDraft, ...]
    trivia: tuple[TriviaQuestion, ...]


@dataclass(frozen=True)
class ImportResult:
    """What an import did to one file's rows."""

    slug: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)
