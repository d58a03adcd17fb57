"""The drama data format, validated by pydantic: what a YAML file and a TVmaze answer both fill.

``DramaDocument`` is the one model. The YAML loader validates a parsed file with it (every
problem at once, each traced to its line); the TVmaze mapping builds one from the API's
answers; a data file naming ``source: tvmaze:ID`` is an overlay validated by the same model
and merged over the source's document (:mod:`bot.data.overlay`). ``to_drama_file`` turns a
valid document into the domain's :class:`DramaFile`, the unit of import.

``data/drama.schema.json`` is generated from this model (``python -m bot.data.model``).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from datetime import time as wall_time
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from bot.domain.models import (
    Credit,
    Drama,
    DramaFile,
    EpisodeOverride,
    FactDraft,
    Person,
    RoleKind,
    TriviaQuestion,
    WeeklySchedule,
)
from bot.domain.schedule import WEEKDAY_NAMES, zone

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SOURCE_PATTERN = r"^tvmaze:[0-9]+$"
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# mon..sun or Monday..Sunday (ECMA-262 syntax, so editors can check it too).
WEEKDAY_PATTERN = (
    r"^(?:[Mm]on(?:day)?|[Tt]ue(?:sday)?|[Ww]ed(?:nesday)?|[Tt]hu(?:rsday)?|[Ff]ri(?:day)?"
    r"|[Ss]at(?:urday)?|[Ss]un(?:day)?)$"
)
TIME_SCHEMA_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
MAX_EPISODES = 500
MIN_WRONG_CHOICES = 3
# Data files may hold long texts: every answer clips them to Discord's limits.
DATA_FACT_LIMIT = 4000
SYNOPSIS_LIMIT = 20000
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "data" / "drama.schema.json"

Loc = tuple[str | int, ...]


def _as_text(value: Any) -> Any:
    """Numbers a fan typed unquoted (a title ``1987``) are text; booleans never are."""
    if isinstance(value, bool):
        raise ValueError("must be text")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    raise ValueError("must be text")


Text8 = Annotated[str, Field(min_length=1, max_length=8), BeforeValidator(_as_text)]
Text40 = Annotated[str, Field(min_length=1, max_length=40), BeforeValidator(_as_text)]
Text80 = Annotated[str, Field(min_length=1, max_length=80), BeforeValidator(_as_text)]
Text100 = Annotated[str, Field(min_length=1, max_length=100), BeforeValidator(_as_text)]
Text200 = Annotated[str, Field(min_length=1, max_length=200), BeforeValidator(_as_text)]
Text250 = Annotated[str, Field(min_length=1, max_length=250), BeforeValidator(_as_text)]
Text300 = Annotated[str, Field(min_length=1, max_length=300), BeforeValidator(_as_text)]
Text4000 = Annotated[str, Field(min_length=1, max_length=4000), BeforeValidator(_as_text)]
Text20000 = Annotated[str, Field(min_length=1, max_length=20000), BeforeValidator(_as_text)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=64), BeforeValidator(_as_text)]
Names = list[Text200]


def _no_datetime(value: Any) -> Any:
    if isinstance(value, datetime):
        raise ValueError("must be a date (YYYY-MM-DD), not a date and time")
    return value


Day = Annotated[date, BeforeValidator(_no_datetime)]


ClockTime = Annotated[str, Field(pattern=TIME_SCHEMA_PATTERN)]


def _weekday(value: Any) -> Any:
    if not isinstance(value, str) or not re.match(WEEKDAY_PATTERN, value.strip()):
        raise ValueError(f"unknown weekday {value!r}; use mon..sun")
    return value.strip()


Weekday = Annotated[str, Field(pattern=WEEKDAY_PATTERN), BeforeValidator(_weekday)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ScheduleModel(_Strict):
    """The weekly rule that generates the episodes, in the drama's local wall time."""

    timezone: Annotated[str, Field(description="IANA time zone, e.g. Asia/Seoul")]
    weekdays: list[Weekday] = Field(
        default_factory=list, description="mon..sun; empty when the source knows no weekday"
    )
    time: Annotated[
        ClockTime | list[ClockTime],
        Field(description='"14:00" (quoted), or a list for two episodes a day; [] if unknown'),
    ] = Field(default_factory=list)
    start: Day
    episodes: Annotated[int, Field(ge=1, le=MAX_EPISODES, strict=True)]
    skip: list[Day] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)  # ValueError "unknown time zone 'X'"
        return value

    @field_validator("time", mode="before")
    @classmethod
    def _clock_times(cls, value: Any) -> Any:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, str) or not TIME_PATTERN.match(item):
                raise ValueError(f'must be a quoted 24-hour time like "14:00", got {item!r}')
        if len(set(items)) != len(items):
            raise ValueError("must list distinct times")
        return value

    def weekday_numbers(self) -> tuple[int, ...]:
        return tuple(sorted({WEEKDAY_NAMES.index(d.lower()[:3]) for d in self.weekdays}))

    def clock_times(self) -> tuple[wall_time, ...]:
        items = self.time if isinstance(self.time, list) else [self.time]
        return tuple(wall_time.fromisoformat(t) for t in items)


def _aware(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"must be an ISO date-time with offset, got {value!r}") from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2022-04-06T14:00:00+07:00")
        if value.microsecond:
            raise ValueError("second precision only")
    return value


class EpisodeModel(_Strict):
    """Titles and exceptions to the rule; or, with no rule, every episode listed."""

    number: Annotated[int, Field(ge=1, le=MAX_EPISODES, strict=True)]
    airs_at: Annotated[
        datetime | None,
        BeforeValidator(_aware),
        Field(description="instant with its UTC offset; moves the episode"),
    ] = None
    airs_on: Annotated[
        Day | None, Field(description="the day only: shown as 'time not announced'")
    ] = None
    title: Text200 | None = None
    season: Annotated[int, Field(ge=0, strict=True)] | None = None
    season_number: Annotated[int, Field(ge=0, strict=True)] | None = None


class PersonModel(_Strict):
    id: Slug
    name: Text100
    aliases: Names = Field(default_factory=list)
    born: Day | None = None
    known_for: Names = Field(default_factory=list)


class CreditModel(_Strict):
    person: Slug
    role: Annotated[str, Field(description="lead, support, cameo, director or writer")]
    character: Text100 | None = None
    character_aliases: Names = Field(default_factory=list)
    description: Text4000 | None = None

    @field_validator("role", mode="before")
    @classmethod
    def _known_role(cls, value: Any) -> Any:
        text = str(value).strip().lower()
        if text not in {k.value for k in RoleKind}:
            kinds = ", ".join(k.value for k in RoleKind)
            raise ValueError(f"unknown role {text!r}; use {kinds}")
        return text


class FactModel(_Strict):
    text: Text4000
    topic: Text40 | None = None
    source: Text300 | None = None


class TriviaModel(_Strict):
    question: Text250
    answer: Text80
    accept: Names = Field(default_factory=list)
    wrong: Names

    @field_validator("wrong")
    @classmethod
    def _distinct_wrong(cls, value: list[str], info: ValidationInfo) -> list[str]:
        answer = str(info.data.get("answer", "")).casefold()
        distinct = {w.casefold() for w in value} - {answer}
        if len(distinct) < MIN_WRONG_CHOICES or len(distinct) != len(value):
            raise ValueError(
                f"needs at least {MIN_WRONG_CHOICES} distinct wrong choices,"
                " none equal to the answer"
            )
        return value


class DramaDocument(_Strict):
    """One drama, whatever its source. With ``source``, the file is an overlay: title,
    platform and schedule come from the source unless the file gives them."""

    model_config = ConfigDict(
        json_schema_extra={
            # Without a source, a file says everything itself.
            "if": {"not": {"required": ["source"]}},
            "then": {"required": ["title", "platform", "schedule"]},
        }
    )

    slug: Slug
    source: Annotated[
        str | None, Field(pattern=SOURCE_PATTERN, description="tvmaze:ID: data from TVmaze")
    ] = None
    source_url: Text200 | None = None
    status: Annotated[Text40 | None, Field(description="the source's status: Running, Ended")] = (
        None
    )
    title: Text100 | None = None
    aliases: Names = Field(default_factory=list)
    country: Text8 | None = None
    platform: Text100 | None = None
    genres: Names = Field(default_factory=list)
    synopsis: Text20000 | None = None
    schedule: ScheduleModel | None = None
    episodes: list[EpisodeModel] = Field(default_factory=list)
    people: list[PersonModel] = Field(default_factory=list)
    credits: list[CreditModel] = Field(default_factory=list)
    facts: list[FactModel] = Field(default_factory=list)
    trivia: list[TriviaModel] = Field(default_factory=list)

    def to_drama_file(self) -> DramaFile:
        """The domain's view of a complete, valid document."""
        assert self.title and self.platform and self.schedule, "an overlay is merged first"
        schedule = self.schedule
        drama = Drama(
            slug=self.slug,
            title=self.title,
            aliases=tuple(self.aliases),
            country=self.country or "",
            platform=self.platform,
            genres=tuple(self.genres),
            synopsis=self.synopsis or "",
            schedule=WeeklySchedule(
                timezone=schedule.timezone,
                weekdays=schedule.weekday_numbers(),
                times=schedule.clock_times(),
                start=schedule.start,
                episode_count=schedule.episodes,
                skipped=tuple(schedule.skip),
            ),
            source=self.source,
            source_url=self.source_url,
            source_status=self.status,
        )
        return DramaFile(
            drama=drama,
            episode_overrides=tuple(
                EpisodeOverride(
                    number=e.number,
                    airs_at=e.airs_at,
                    title=e.title,
                    airs_on=e.airs_on,
                    season=e.season,
                    season_number=e.season_number,
                )
                for e in self.episodes
            ),
            people=tuple(
                Person(p.id, p.name, tuple(p.aliases), p.born, tuple(p.known_for))
                for p in self.people
            ),
            credits=tuple(
                Credit(
                    person_id=c.person,
                    drama_slug=self.slug,
                    role=RoleKind(c.role),
                    character=c.character,
                    character_aliases=tuple(c.character_aliases),
                    description=c.description,
                )
                for c in self.credits
            ),
            facts=tuple(FactDraft(f.text, f.topic, f.source) for f in self.facts),
            trivia=tuple(
                TriviaQuestion(self.slug, q.question, q.answer, tuple(q.accept), tuple(q.wrong))
                for q in self.trivia
            ),
        )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the data format, for editors (data/drama.schema.json)."""
    schema = DramaDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://github.com/drama-fanbot/drama-fanbot/data/drama.schema.json"
    schema["title"] = "Drama Fanbot drama file"
    return schema


def write_json_schema(path: Path = SCHEMA_PATH) -> None:
    path.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    write_json_schema()
