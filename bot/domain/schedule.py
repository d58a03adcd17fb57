"""Episode instants from a weekly rule, and the questions fans ask about them.

The one place that knows time zones: rules are written in the drama's local wall time
(zoneinfo), everything else is an aware UTC datetime.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.models import AiringStatus, Episode, EpisodeOverride, WeeklySchedule

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_PLURALS = (
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)
# Abbreviations fans know; zoneinfo's own ("+07") is used for other zones.
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
# How long an episode counts as "airing now" after its instant.
AIRING_WINDOW = timedelta(hours=1, minutes=10)


def zone(name: str) -> ZoneInfo:
    """The IANA zone, or ValueError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def require_utc(instant: datetime) -> datetime:
    """Refuse naive datetimes, normalise aware ones to UTC."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("naive datetime: every instant must be timezone-aware")
    return instant.astimezone(UTC)


def episode_instants(
    schedule: WeeklySchedule, overrides: Iterable[EpisodeOverride] = ()
) -> dict[int, datetime]:
    """Air instant (UTC) of every episode number: the rule, then explicit moves."""
    tz = zone(schedule.timezone)
    instants: dict[int, datetime] = {}
    skipped = set(schedule.skipped)
    times = sorted(schedule.times)
    day = schedule.start
    number = 1
    while schedule.has_rule and number <= schedule.episode_count:
        if day.weekday() in schedule.weekdays and day not in skipped:
            for slot in times:
                if number > schedule.episode_count:
                    break
                local = datetime.combine(day, slot, tzinfo=tz)
                instants[number] = local.astimezone(UTC)
                number += 1
        day += timedelta(days=1)
    for override in overrides:
        if override.airs_at is not None:
            instants[override.number] = require_utc(override.airs_at)
        elif override.airs_on is not None:
            instants[override.number] = day_placeholder(override.airs_on, schedule.timezone)
    return instants


def day_placeholder(day: date, timezone: str) -> datetime:
    """The instant that orders an episode known only by its day: noon there, in UTC."""
    return datetime.combine(day, time(12), tzinfo=zone(timezone)).astimezone(UTC)


def build_episodes(
    drama_slug: str, schedule: WeeklySchedule, overrides: Sequence[EpisodeOverride] = ()
) -> list[Episode]:
    """The drama's episodes in number order, titled where the file titles them."""
    by_number = {o.number: o for o in overrides}
    instants = episode_instants(schedule, overrides)
    episodes = []
    for number in sorted(instants):
        override = by_number.get(number)
        episodes.append(
            Episode(
                drama_slug,
                number,
                instants[number],
                override.title if override else None,
                time_known=not (
                    override is not None and override.airs_at is None and override.airs_on
                ),
                season=override.season if override else None,
                season_number=override.season_number if override else None,
            )
        )
    return episodes


def next_airing(episodes: Iterable[Episode], after_at: datetime) -> Episode | None:
    """The first episode airing strictly after ``after_at``."""
    after_at = require_utc(after_at)
    upcoming = [e for e in episodes if e.airs_at > after_at]
    return min(upcoming, key=lambda e: (e.airs_at, e.number), default=None)


def episodes_airing_at(episodes: Iterable[Episode], at: datetime) -> list[Episode]:
    """Episodes whose air instant is exactly ``at`` (two may share one)."""
    at = require_utc(at)
    return sorted((e for e in episodes if e.airs_at == at), key=lambda e: e.number)


def episode_status(episode: Episode, now_at: datetime) -> AiringStatus:
    """Upcoming before its instant, airing for AIRING_WINDOW, finished after."""
    now_at = require_utc(now_at)
    if now_at < episode.airs_at:
        return AiringStatus.UPCOMING
    if now_at < episode.airs_at + AIRING_WINDOW:
        return AiringStatus.AIRING
    return AiringStatus.FINISHED


def drama_status(episodes: Sequence[Episode], now_at: datetime) -> AiringStatus:
    """Upcoming before the premiere, finished once the last episode's window closed."""
    if not episodes:
        return AiringStatus.UPCOMING
    now_at = require_utc(now_at)
    first = min(e.airs_at for e in episodes)
    last = max(episodes, key=lambda e: e.airs_at)
    if now_at < first:
        return AiringStatus.UPCOMING
    if episode_status(last, now_at) is AiringStatus.FINISHED:
        return AiringStatus.FINISHED
    return AiringStatus.AIRING


def local_time(instant: datetime, timezone: str) -> datetime:
    """The wall time in the drama's zone, for display only."""
    return require_utc(instant).astimezone(zone(timezone))


def zone_abbreviation(local: datetime, timezone: str) -> str:
    return ZONE_ABBREVIATIONS.get(timezone) or local.tzname() or timezone


def format_local(instant: datetime, timezone: str, with_date: bool = True) -> str:
    """``2022-03-23 14:00 WIB`` (or ``14:00 WIB``) in the drama's zone."""
    local = local_time(instant, timezone)
    clock = f"{local:%H:%M} {zone_abbreviation(local, timezone)}"
    return f"{local:%Y-%m-%d} {clock}" if with_date else clock


def slot_zone_label(schedule: WeeklySchedule) -> str:
    """The zone as the run's episodes name it: ``EDT``, or ``EST/EDT`` for a run across a change.

    The rule keeps its wall time while the zone's offset changes, so one abbreviation would be
    wrong for part of the run. One word (no space): trivia strips it as the last word.
    """
    if schedule.timezone in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[schedule.timezone]
    tz = zone(schedule.timezone)
    walls = [i.astimezone(tz) for i in episode_instants(schedule).values()]
    if not walls and not schedule.times:
        noon = datetime.combine(schedule.start, time(12), tzinfo=tz)
        return zone_abbreviation(noon, schedule.timezone)
    if not walls:  # no episode yet: the zone as it is on the start date
        walls = [datetime.combine(schedule.start, min(schedule.times), tzinfo=tz)]
    names = dict.fromkeys(zone_abbreviation(local, schedule.timezone) for local in walls)
    return "/".join(names)


def weekly_slot(schedule: WeeklySchedule) -> str:
    """``Wednesdays 14:00 WIB``: the rule as a fan says it (just ``Fridays`` when the source
    knows no time, and empty when it knows no day either)."""
    days = " and ".join(WEEKDAY_PLURALS[d] for d in sorted(schedule.weekdays))
    if not schedule.times:
        return days
    clocks = ", ".join(f"{t:%H:%M}" for t in sorted(schedule.times))
    return f"{days} {clocks} {slot_zone_label(schedule)}"


def age_on(born: date, today: date) -> int:
    """Whole years since ``born``: ages are computed when asked, never stored."""
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    return today.year - born.year - (0 if had_birthday else 1)


def today_in(now_at: datetime, timezone: str) -> date:
    """The calendar day in ``timezone`` at ``now_at``: a birthday starts at local midnight."""
    return local_time(now_at, timezone).date()
