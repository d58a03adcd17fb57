"""A data file over a source: ``source: tvmaze:ID`` in a YAML file, and what it says wins.

Pure: two documents of the one model in, one out. The file may add or override aliases,
Hangul names (people's aliases), character aliases, credits, facts and trivia, episode
titles and times, and the drama's fields; it may give the drama's usual time, which then
times the episodes the source knows only by their day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.data.model import DramaDocument
from bot.domain.schedule import zone


def merge_overlay(source: DramaDocument, overlay: DramaDocument) -> DramaDocument:
    """``source`` with ``overlay`` over it (the file's slug is kept when it gives one)."""
    base = source.model_dump(exclude_none=True)
    over = overlay.model_dump(exclude_none=True, exclude_unset=True)
    merged: dict[str, Any] = {**base}
    for key in ("slug", "title", "country", "platform", "synopsis", "status", "genres"):
        if key in over:
            merged[key] = over[key]
    merged["aliases"] = list(dict.fromkeys([*over.get("aliases", []), *base.get("aliases", [])]))
    merged["aliases"] = [a for a in merged["aliases"] if a != merged["title"]]
    if "schedule" in over:
        merged["schedule"] = _schedule(base["schedule"], over["schedule"])
        merged["episodes"] = _timed(base.get("episodes", []), merged["schedule"])
    merged["episodes"] = _by_key(merged.get("episodes", []), over.get("episodes", []), "number")
    merged["people"] = _by_key(base.get("people", []), over.get("people", []), "id")
    merged["credits"] = _credits(base.get("credits", []), over.get("credits", []))
    for key in ("facts", "trivia"):
        if key in over:
            merged[key] = over[key]
    return DramaDocument.model_validate(merged)


def _schedule(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    schedule = {**base, **{k: v for k, v in over.items() if k != "episodes"}}
    schedule["episodes"] = base["episodes"]  # the source knows how many there are
    return schedule


def _timed(episodes: list[dict[str, Any]], schedule: dict[str, Any]) -> list[dict[str, Any]]:
    """Episodes known only by their day get the file's usual time."""
    times = schedule.get("time") or []
    times = [times] if isinstance(times, str) else times
    if not times:
        return episodes
    tz = zone(schedule["timezone"])
    hours, minutes = (int(part) for part in times[0].split(":"))
    result = []
    for episode in episodes:
        day = episode.get("airs_on")
        if day is not None:
            episode = {k: v for k, v in episode.items() if k != "airs_on"}
            local = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=tz)
            episode["airs_at"] = local
        result.append(episode)
    return result


def _by_key(
    base: list[dict[str, Any]], over: list[dict[str, Any]], key: str
) -> list[dict[str, Any]]:
    """Items of ``over`` replace (field by field) those of ``base`` with the same key."""
    merged = {item[key]: dict(item) for item in base}
    for item in over:
        if item[key] in merged and "airs_at" in item:
            merged[item[key]].pop("airs_on", None)
        merged[item[key]] = {**merged.get(item[key], {}), **item}
    return list(merged.values())


def _credits(base: list[dict[str, Any]], over: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A file's credit replaces the source's credit of that person in that kind of role."""
    merged = [dict(c) for c in base]
    for credit in over:
        cast = credit["role"] in ("lead", "support", "cameo")
        same = next(
            (
                c
                for c in merged
                if c["person"] == credit["person"]
                and (c["role"] == credit["role"] or (cast and c["role"] in ("lead", "support")))
            ),
            None,
        )
        if same is None:
            merged.append(dict(credit))
        else:
            same.update(credit)
    return merged
