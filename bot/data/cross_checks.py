"""What no single field of a drama file can know (references, duplicates, the schedule's
coverage), checked on the parsed YAML so it is reported together with the fields' own
problems."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.data.model import MAX_EPISODES, Loc


def _items(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(section)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _duplicates(
    data: dict[str, Any], section: str, key: str, what: str
) -> Iterator[tuple[Loc, str]]:
    seen: set[str] = set()
    for i, item in _items(data, section):
        value = item.get(key)
        if isinstance(value, str) and value.strip() in seen:
            yield (section, i, key), f"duplicate {what}"
        if isinstance(value, str):
            seen.add(value.strip())


def cross_problems(data: Any) -> Iterator[tuple[Loc, str]]:
    """What no single field can know: references, duplicates, the rule's coverage.

    Read from the parsed data, not the model, so they are reported together with the
    fields' own problems (a file with a bad weekday and an unknown person hears of both).
    """
    if not isinstance(data, dict):
        return
    if data.get("source") is None:
        for key in ("title", "platform", "schedule"):
            if data.get(key) is None:
                yield (), f"missing key {key!r}"
    schedule = data.get("schedule") if isinstance(data.get("schedule"), dict) else {}
    assert isinstance(schedule, dict)
    declared = schedule.get("episodes")
    count = declared if isinstance(declared, int) and 1 <= declared <= MAX_EPISODES else None
    seen: set[int] = set()
    timed: set[int] = set()
    for i, episode in _items(data, "episodes"):
        number = episode.get("number")
        if not isinstance(number, int) or isinstance(number, bool):
            continue
        if count is not None and number > count:
            yield ("episodes", i, "number"), f"must be a whole number from 1 to {count}"
        if number in seen:
            yield ("episodes", i, "number"), f"duplicate episode number {number}"
        seen.add(number)
        if episode.get("airs_at") is not None and episode.get("airs_on") is not None:
            yield ("episodes", i), "give airs_at or airs_on, not both"
        if episode.get("airs_at") is not None or episode.get("airs_on") is not None:
            timed.add(number)
    has_rule = bool(schedule.get("weekdays")) and bool(schedule.get("time"))
    overlay = data.get("source") is not None  # the source lists the episodes
    covered = timed == set(range(1, (count or 0) + 1))
    if schedule and count is not None and not has_rule and not overlay and not covered:
        yield ("schedule",), "needs weekdays and time, or airs_at (or airs_on) for every episode"
    people: set[str] = set()
    for i, person in _items(data, "people"):
        person_id = person.get("id")
        if isinstance(person_id, str) and person_id in people:
            yield ("people", i, "id"), f"duplicate person id {person_id!r}"
        if isinstance(person_id, str):
            people.add(person_id)
    for i, credit in _items(data, "credits"):
        person_id = credit.get("person")
        if isinstance(person_id, str) and person_id not in people:
            yield ("credits", i, "person"), f"unknown person id {person_id!r}; list it in people"
    yield from _duplicates(data, "facts", "text", "fact")
    yield from _duplicates(data, "trivia", "question", "question")
