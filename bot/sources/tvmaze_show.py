"""TVmaze's answers mapped onto the drama model the YAML files fill (:class:`DramaDocument`).

Pure: JSON in, a validated document out, or :class:`TvmazeError` saying what is missing.
The answer shapes are TVmaze's (``/shows/:id?embed[]=episodes&embed[]=cast&embed[]=crew
&embed[]=akas``, ``/search/shows``); fields the bot does not use are ignored.

- Times: an episode's instant is its ``airstamp``; when ``airtime`` is empty the airstamp is
  a placeholder, so the episode keeps only its ``airdate`` ("time not announced").
- Episodes are numbered 1, 2, 3... in air order across seasons (the bot's key); the season
  and TVmaze's number are kept. Specials (no number) and episodes with no date are left out.
- People get the id ``tvmaze-<person id>``: the same person in two dramas is one person.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.data.model import DramaDocument
from bot.sources.tvmaze import SourceProblem, TvmazeError

DEFAULT_ZONE_BY_LANGUAGE = {"Korean": ("KR", "Asia/Seoul"), "Japanese": ("JP", "Asia/Tokyo")}
LEADS = 2  # TVmaze lists cast by importance: the first two are the leads
DIRECTOR_TYPES = {"Director"}
WRITER_TYPES = {"Writer", "Screenwriter", "Screenplay", "Written by"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Country(_Loose):
    name: str | None = None
    code: str | None = None
    timezone: str | None = None


class Channel(_Loose):
    id: int
    name: str
    country: Country | None = None


class Slot(_Loose):
    time: str = ""
    days: list[str] = []


class EpisodeAnswer(_Loose):
    id: int
    name: str | None = None
    season: int | None = None
    number: int | None = None
    airdate: str | None = None
    airtime: str | None = None
    airstamp: str | None = None


class PersonAnswer(_Loose):
    id: int
    name: str
    birthday: str | None = None


class CharacterAnswer(_Loose):
    name: str | None = None


class CastAnswer(_Loose):
    person: PersonAnswer
    character: CharacterAnswer | None = None
    self: bool = False


class CrewAnswer(_Loose):
    type: str
    person: PersonAnswer


class AkaAnswer(_Loose):
    name: str


class Embedded(_Loose):
    episodes: list[EpisodeAnswer] = []
    cast: list[CastAnswer] = []
    crew: list[CrewAnswer] = []
    akas: list[AkaAnswer] = []


class ShowAnswer(_Loose):
    id: int
    url: str | None = None
    name: str
    language: str | None = None
    genres: list[str] = []
    status: str | None = None
    premiered: str | None = None
    schedule: Slot = Slot()
    network: Channel | None = None
    webChannel: Channel | None = None
    summary: str | None = None
    updated: int | None = None
    embedded: Embedded = Embedded()

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @classmethod
    def parse(cls, data: Any) -> ShowAnswer:
        if isinstance(data, dict) and "_embedded" in data:
            data = {**data, "embedded": data["_embedded"]}
        try:
            return cls.model_validate(data)
        except ValidationError:
            raise TvmazeError("TVmaze's answer has an unexpected shape") from None


@dataclass(frozen=True)
class ShowHit:
    """One search result, as an autocomplete choice shows it."""

    show_id: int
    name: str
    channel: str | None
    year: int | None

    @property
    def label(self) -> str:
        """``Alchemy of Souls (tvN, 2022)``."""
        details = [d for d in (self.channel, str(self.year) if self.year else None) if d]
        return f"{self.name} ({', '.join(details)})" if details else self.name


@dataclass(frozen=True)
class MappedShow:
    document: DramaDocument
    updated: int | None


def search_hits(data: Any) -> list[ShowHit]:
    """``/search/shows`` results; malformed rows are skipped, a malformed answer refused."""
    if not isinstance(data, list):
        raise TvmazeError("TVmaze's answer has an unexpected shape")
    hits: list[ShowHit] = []
    for row in data:
        show = row.get("show") if isinstance(row, dict) else None
        try:
            parsed = ShowAnswer.model_validate(show)
        except ValidationError:
            continue
        channel = parsed.network or parsed.webChannel
        hits.append(
            ShowHit(parsed.id, parsed.name, channel.name if channel else None, _year(parsed))
        )
    return hits


def _year(show: ShowAnswer) -> int | None:
    try:
        return date.fromisoformat(show.premiered).year if show.premiered else None
    except ValueError:
        return None


def plain_text(summary: str | None) -> str:
    """TVmaze's HTML summary as plain text: paragraphs and line breaks kept, tags dropped."""
    if not summary:
        return ""
    text = re.sub(r"(?i)<br\s*/?>", "\n", summary)
    text = re.sub(r"(?i)</p\s*>", "\n\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def slugify(name: str) -> str:
    ascii_only = name.encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_only))[:60].strip("-")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _instant(text: str | None) -> datetime | None:
    try:
        instant = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return instant.replace(microsecond=0) if instant and instant.tzinfo else None


def map_show(data: Any, slug: str | None = None) -> MappedShow:
    """The show's answer as a drama document, or TvmazeError saying why it cannot be one."""
    show = ShowAnswer.parse(data)
    channel = show.network or show.webChannel
    if channel is None:
        raise TvmazeError(
            f"TVmaze lists no network or streaming service for {show.name}",
            problem=SourceProblem.NO_NETWORK,
            subject=show.name,
        )
    country = channel.country
    code, timezone = (country.code, country.timezone) if country else (None, None)
    if not timezone:
        code, timezone = DEFAULT_ZONE_BY_LANGUAGE.get(show.language or "", (code, "UTC"))
    episodes = _episodes(show)
    if not episodes:
        raise TvmazeError(
            f"TVmaze lists no dated episode of {show.name} yet",
            problem=SourceProblem.NO_EPISODES,
            subject=show.name,
        )
    days = [WEEKDAYS.index(d) for d in show.schedule.days if d in WEEKDAYS]
    has_time = bool(re.fullmatch(r"\d\d:\d\d", show.schedule.time or ""))
    first_day = min((e.get("airs_on") or e["airs_at"].date()) for e in episodes)
    people: dict[str, dict[str, Any]] = {}
    credits: list[dict[str, Any]] = []
    for position, member in enumerate(show.embedded.cast):
        person_id = _person(people, member.person)
        role = "lead" if position < LEADS else "support"
        character = member.character.name if member.character and not member.self else None
        credits.append({"person": person_id, "role": role, "character": character})
    seen_crew: set[tuple[str, str]] = set()
    for crew in show.embedded.crew:
        job = "director" if crew.type in DIRECTOR_TYPES else None
        job = "writer" if crew.type in WRITER_TYPES else job
        if job is None:
            continue
        person_id = _person(people, crew.person)
        if (person_id, job) not in seen_crew:
            seen_crew.add((person_id, job))
            credits.append({"person": person_id, "role": job})
    aliases = list(dict.fromkeys(a.name.strip() for a in show.embedded.akas if a.name.strip()))
    document = {
        "slug": slug or slugify(show.name) or f"tvmaze-{show.id}",
        "source": f"tvmaze:{show.id}",
        "source_url": show.url,
        "status": show.status,
        "title": show.name[:100],
        "aliases": [a[:200] for a in aliases if a != show.name],
        "country": (code or "")[:8] or None,
        "platform": channel.name[:100],
        "genres": show.genres,
        "synopsis": plain_text(show.summary)[:20000] or None,
        "schedule": {
            "timezone": timezone,
            "weekdays": [WEEKDAYS[d].lower()[:3] for d in sorted(set(days))] if has_time else [],
            "time": [show.schedule.time] if has_time and days else [],
            "start": first_day,
            "episodes": len(episodes),
        },
        "episodes": episodes,
        "people": list(people.values()),
        "credits": credits,
    }
    try:
        return MappedShow(DramaDocument.model_validate(document), show.updated)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise TvmazeError(
            f"TVmaze's answer for {show.name} is unusable ({where})",
            problem=SourceProblem.UNUSABLE,
            subject=show.name,
        ) from None


def _person(people: dict[str, dict[str, Any]], person: PersonAnswer) -> str:
    person_id = f"tvmaze-{person.id}"
    if person_id not in people:
        born = _day(person.birthday)
        people[person_id] = {"id": person_id, "name": person.name[:100], "born": born}
    return person_id


def _episodes(show: ShowAnswer) -> list[dict[str, Any]]:
    """Numbered, dated episodes in air order, numbered 1.. across seasons."""
    rows: list[tuple[tuple[int, int], dict[str, Any]]] = []
    for episode in show.embedded.episodes:
        if episode.number is None:
            continue  # a special
        day = _day(episode.airdate)
        instant = _instant(episode.airstamp)
        if day is None:
            continue  # not dated yet
        entry: dict[str, Any] = {
            "title": (episode.name or "").strip()[:200] or None,
            "season": episode.season,
            "season_number": episode.number,
        }
        if episode.airtime and instant is not None:
            entry["airs_at"] = instant
        else:
            entry["airs_on"] = day
        rows.append(((episode.season or 0, episode.number), entry))
    rows.sort(key=lambda row: row[0])
    return [{"number": n, **entry} for n, (_, entry) in enumerate(rows, 1)][:500]
