"""YAML drama files -> validated :class:`DramaFile` objects, with ``file:line`` errors.

A file is accepted whole or rejected whole: the first problem found is reported with the
line of the offending field, and nothing of the file reaches the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

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

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MAX_EPISODES = 500
MIN_WRONG_CHOICES = 3
# Data files may hold long texts: every answer clips them to Discord's limits.
DATA_FACT_LIMIT = 4000
SYNOPSIS_LIMIT = 20000

Path_ = tuple[str | int, ...]

TOP_KEYS = {
    "slug": True,
    "title": True,
    "aliases": False,
    "country": False,
    "platform": True,
    "genres": False,
    "synopsis": False,
    "schedule": True,
    "episodes": False,
    "people": False,
    "credits": False,
    "facts": False,
    "trivia": False,
}
SCHEDULE_KEYS = {
    "timezone": True,
    "weekdays": True,
    "time": True,
    "start": True,
    "episodes": True,
    "skip": False,
}
EPISODE_KEYS = {"number": True, "airs_at": False, "title": False}
PERSON_KEYS = {"id": True, "name": True, "aliases": False, "born": False, "known_for": False}
CREDIT_KEYS = {
    "person": True,
    "role": True,
    "character": False,
    "character_aliases": False,
    "description": False,
}
FACT_KEYS = {"text": True, "topic": False, "source": False}
TRIVIA_KEYS = {"question": True, "answer": True, "accept": False, "wrong": True}


class DataFileError(ValueError):
    """A data file problem, formatted as ``file:line: what is wrong``."""

    def __init__(self, file: Path, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass
class _Document:
    """The parsed data plus its node tree, so any field can be traced to its line."""

    file: Path
    root: yaml.Node

    def line(self, path: Path_) -> int:
        node = self.root
        for step in path:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if k.value == step), None)
                if child is None:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    break
                child = node.value[step]
            else:
                break
            node = child
        return int(node.start_mark.line) + 1

    def fail(self, path: Path_, message: str) -> DataFileError:
        field_name = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path)
        where = f"{field_name.replace('.[', '[')}: " if field_name else ""
        return DataFileError(self.file, self.line(path), f"{where}{message}")


def load_drama_file(file: Path) -> DramaFile:
    """Read, parse and validate one file."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(file, 1, f"cannot read: {error}") from error
    return parse_drama_text(text, file)


def parse_drama_text(text: str, file: Path) -> DramaFile:
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise DataFileError(file, line, f"YAML syntax: {error.problem or error}") from error
    except yaml.YAMLError as error:
        raise DataFileError(file, 1, f"YAML syntax: {error}") from error
    if root is None or not isinstance(data, dict):
        raise DataFileError(file, 1, "a drama file must be a mapping of keys (slug, title, ...)")
    doc = _Document(file, root)
    return _drama_file(doc, data)


def drama_files_in(folder: Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files of a folder, in name order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


# -- field readers ---------------------------------------------------------------------------


def _mapping(doc: _Document, value: Any, path: Path_, keys: Mapping[str, bool]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise doc.fail(path, "must be a mapping")
    for key in value:
        if key not in keys:
            raise doc.fail((*path, key), f"unknown key {key!r}; expected one of {sorted(keys)}")
    for key, required in keys.items():
        if required and value.get(key) is None:
            raise doc.fail(path, f"missing key {key!r}")
    return value


def _text(doc: _Document, value: Any, path: Path_, limit: int = 4000) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise doc.fail(path, "must be text")
    result = str(value).strip()
    if not result:
        raise doc.fail(path, "must not be empty")
    if len(result) > limit:
        raise doc.fail(path, f"is {len(result)} characters; at most {limit}")
    return result


def _optional_text(doc: _Document, value: Any, path: Path_, limit: int = 4000) -> str | None:
    return None if value is None else _text(doc, value, path, limit)


def _text_list(doc: _Document, value: Any, path: Path_) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise doc.fail(path, "must be a list")
    return tuple(_text(doc, item, (*path, i), 200) for i, item in enumerate(value))


def _list(doc: _Document, value: Any, path: Path_) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise doc.fail(path, "must be a list")
    return value


def _date(doc: _Document, value: Any, path: Path_) -> date:
    if isinstance(value, datetime):
        raise doc.fail(path, "must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise doc.fail(path, f"must be a date YYYY-MM-DD, got {value!r}") from None


def _instant(doc: _Document, value: Any, path: Path_) -> datetime:
    if isinstance(value, datetime):
        instant = value
    else:
        try:
            instant = datetime.fromisoformat(str(value))
        except ValueError:
            raise doc.fail(path, f"must be an ISO date-time with offset, got {value!r}") from None
    if instant.tzinfo is None:
        raise doc.fail(path, "needs a UTC offset, e.g. 2022-04-06T14:00:00+07:00")
    if instant.microsecond:
        raise doc.fail(path, "second precision only")
    return instant


def _positive_int(doc: _Document, value: Any, path: Path_, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise doc.fail(path, f"must be a whole number from 1 to {maximum}")
    return value


def _clock_times(doc: _Document, value: Any, path: Path_) -> tuple[time, ...]:
    items = value if isinstance(value, list) else [value]
    times: list[time] = []
    for i, item in enumerate(items):
        where = (*path, i) if isinstance(value, list) else path
        match = TIME_PATTERN.match(item) if isinstance(item, str) else None
        if match is None:
            raise doc.fail(where, f'must be a quoted 24-hour time like "14:00", got {item!r}')
        times.append(time(int(match[1]), int(match[2])))
    if not times or len(set(times)) != len(times):
        raise doc.fail(path, "must list one or more distinct times")
    return tuple(times)


# -- sections --------------------------------------------------------------------------------


def _entries(
    doc: _Document, value: Any, section: str, keys: Mapping[str, bool]
) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Each item of a list section, checked to be a mapping with the section's keys."""
    for i, item in enumerate(_list(doc, value, (section,))):
        path: Path_ = (section, i)
        yield path, _mapping(doc, item, path, keys)


def _schedule(doc: _Document, value: Any) -> WeeklySchedule:
    path: Path_ = ("schedule",)
    raw = _mapping(doc, value, path, SCHEDULE_KEYS)
    timezone = _text(doc, raw["timezone"], (*path, "timezone"), 64)
    try:
        zone(timezone)
    except ValueError as error:
        raise doc.fail((*path, "timezone"), str(error)) from None
    weekdays: list[int] = []
    for i, day in enumerate(_list(doc, raw["weekdays"], (*path, "weekdays"))):
        name = str(day).strip().lower()[:3]
        if name not in WEEKDAY_NAMES or not str(day).strip():
            raise doc.fail((*path, "weekdays", i), f"unknown weekday {day!r}; use mon..sun")
        weekdays.append(WEEKDAY_NAMES.index(name))
    if not weekdays:
        raise doc.fail((*path, "weekdays"), "must list at least one weekday")
    skipped = tuple(
        _date(doc, d, (*path, "skip", i)) for i, d in enumerate(_list(doc, raw.get("skip"), path))
    )
    return WeeklySchedule(
        timezone=timezone,
        weekdays=tuple(sorted(set(weekdays))),
        times=_clock_times(doc, raw["time"], (*path, "time")),
        start=_date(doc, raw["start"], (*path, "start")),
        episode_count=_positive_int(doc, raw["episodes"], (*path, "episodes"), MAX_EPISODES),
        skipped=skipped,
    )


def _episodes(doc: _Document, value: Any, count: int) -> tuple[EpisodeOverride, ...]:
    overrides: list[EpisodeOverride] = []
    seen: set[int] = set()
    for path, raw in _entries(doc, value, "episodes", EPISODE_KEYS):
        number = _positive_int(doc, raw["number"], (*path, "number"), count)
        if number in seen:
            raise doc.fail((*path, "number"), f"duplicate episode number {number}")
        seen.add(number)
        airs_at = raw.get("airs_at")
        overrides.append(
            EpisodeOverride(
                number=number,
                airs_at=None if airs_at is None else _instant(doc, airs_at, (*path, "airs_at")),
                title=_optional_text(doc, raw.get("title"), (*path, "title"), 200),
            )
        )
    return tuple(overrides)


def _people(doc: _Document, value: Any) -> tuple[Person, ...]:
    people: list[Person] = []
    seen: set[str] = set()
    for path, raw in _entries(doc, value, "people", PERSON_KEYS):
        person_id = _text(doc, raw["id"], (*path, "id"), 64)
        if not SLUG_PATTERN.match(person_id):
            raise doc.fail((*path, "id"), f"{person_id!r} must be lowercase letters, digits, -")
        if person_id in seen:
            raise doc.fail((*path, "id"), f"duplicate person id {person_id!r}")
        seen.add(person_id)
        born = raw.get("born")
        people.append(
            Person(
                id=person_id,
                name=_text(doc, raw["name"], (*path, "name"), 100),
                aliases=_text_list(doc, raw.get("aliases"), (*path, "aliases")),
                born=None if born is None else _date(doc, born, (*path, "born")),
                known_for=_text_list(doc, raw.get("known_for"), (*path, "known_for")),
            )
        )
    return tuple(people)


def _credits(doc: _Document, value: Any, slug: str, people: Sequence[Person]) -> tuple[Credit, ...]:
    person_ids = {p.id for p in people}
    credits: list[Credit] = []
    for path, raw in _entries(doc, value, "credits", CREDIT_KEYS):
        person_id = _text(doc, raw["person"], (*path, "person"), 64)
        if person_id not in person_ids:
            raise doc.fail((*path, "person"), f"unknown person id {person_id!r}; list it in people")
        role_text = _text(doc, raw["role"], (*path, "role"), 20).lower()
        try:
            role = RoleKind(role_text)
        except ValueError:
            kinds = ", ".join(k.value for k in RoleKind)
            raise doc.fail((*path, "role"), f"unknown role {role_text!r}; use {kinds}") from None
        credits.append(
            Credit(
                person_id=person_id,
                drama_slug=slug,
                role=role,
                character=_optional_text(doc, raw.get("character"), (*path, "character"), 100),
                character_aliases=_text_list(
                    doc, raw.get("character_aliases"), (*path, "character_aliases")
                ),
                description=_optional_text(doc, raw.get("description"), (*path, "description")),
            )
        )
    return tuple(credits)


def _facts(doc: _Document, value: Any) -> tuple[FactDraft, ...]:
    facts: list[FactDraft] = []
    seen: set[str] = set()
    for path, raw in _entries(doc, value, "facts", FACT_KEYS):
        text = _text(doc, raw["text"], (*path, "text"), DATA_FACT_LIMIT)
        if text in seen:
            raise doc.fail((*path, "text"), "duplicate fact")
        seen.add(text)
        facts.append(
            FactDraft(
                text=text,
                topic=_optional_text(doc, raw.get("topic"), (*path, "topic"), 40),
                source=_optional_text(doc, raw.get("source"), (*path, "source"), 300),
            )
        )
    return tuple(facts)


def _trivia(doc: _Document, value: Any, slug: str) -> tuple[TriviaQuestion, ...]:
    questions: list[TriviaQuestion] = []
    seen: set[str] = set()
    for path, raw in _entries(doc, value, "trivia", TRIVIA_KEYS):
        question = _text(doc, raw["question"], (*path, "question"), 250)
        if question in seen:
            raise doc.fail((*path, "question"), "duplicate question")
        seen.add(question)
        answer = _text(doc, raw["answer"], (*path, "answer"), 80)
        wrong = _text_list(doc, raw["wrong"], (*path, "wrong"))
        distinct = {w.casefold() for w in wrong} - {answer.casefold()}
        if len(distinct) < MIN_WRONG_CHOICES or len(distinct) != len(wrong):
            raise doc.fail(
                (*path, "wrong"),
                f"needs at least {MIN_WRONG_CHOICES} distinct wrong choices,"
                " none equal to the answer",
            )
        questions.append(
            TriviaQuestion(
                drama_slug=slug,
                question=question,
                answer=answer,
                accepted=_text_list(doc, raw.get("accept"), (*path, "accept")),
                wrong=wrong,
            )
        )
    return tuple(questions)


def _drama_file(doc: _Document, data: dict[str, Any]) -> DramaFile:
    raw = _mapping(doc, data, (), TOP_KEYS)
    slug = _text(doc, raw["slug"], ("slug",), 64)
    if not SLUG_PATTERN.match(slug):
        raise doc.fail(("slug",), f"{slug!r} must be lowercase letters, digits and hyphens")
    schedule = _schedule(doc, raw["schedule"])
    drama = Drama(
        slug=slug,
        title=_text(doc, raw["title"], ("title",), 100),
        aliases=_text_list(doc, raw.get("aliases"), ("aliases",)),
        country=_optional_text(doc, raw.get("country"), ("country",), 8) or "",
        platform=_text(doc, raw["platform"], ("platform",), 100),
        genres=_text_list(doc, raw.get("genres"), ("genres",)),
        synopsis=_optional_text(doc, raw.get("synopsis"), ("synopsis",), SYNOPSIS_LIMIT) or "",
        schedule=schedule,
    )
    people = _people(doc, raw.get("people"))
    return DramaFile(
        drama=drama,
        episode_overrides=_episodes(doc, raw.get("episodes"), schedule.episode_count),
        people=people,
        credits=_credits(doc, raw.get("credits"), slug, people),
        facts=_facts(doc, raw.get("facts")),
        trivia=_trivia(doc, raw.get("trivia"), slug),
    )
