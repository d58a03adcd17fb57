"""A server's own language and clock: its settings, the zones fans name, slots in its zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import available_timezones

from bot.domain.models import WeeklySchedule
from bot.domain.schedule import ZONE_ABBREVIATIONS, zone

#: The zones fans of these dramas name by their common abbreviation (zoneinfo only knows
#: some of them: Asia/Jakarta is "WIB" to everyone but writes "+07").
COMMON_ZONES: dict[str, str] = {
    **ZONE_ABBREVIATIONS,
    "Asia/Seoul": "KST",
    "Asia/Tokyo": "JST",
    "Asia/Manila": "PHT",
    "Asia/Singapore": "SGT",
    "Asia/Kuala_Lumpur": "MYT",
    "Asia/Bangkok": "ICT",
    "Asia/Ho_Chi_Minh": "ICT",
    "Asia/Hong_Kong": "HKT",
    "Asia/Taipei": "CST",
    "Asia/Shanghai": "CST",
    "Asia/Kolkata": "IST",
    "UTC": "UTC",
}


@dataclass(frozen=True)
class ServerSettings:
    """What a server's admins chose; None where they chose nothing."""

    default_drama: str | None = None
    language: str | None = None  # a catalogue code: en, id, ko
    timezone: str | None = None  # an IANA zone


@dataclass(frozen=True)
class ZoneChoice:
    name: str  # IANA
    label: str  # "Asia/Jakarta (WIB)"


def zone_label(timezone: str, local: datetime) -> str:
    """``WIB``, ``KST``, ``EDT``: the abbreviation fans use for ``timezone`` at ``local``."""
    return COMMON_ZONES.get(timezone) or local.tzname() or timezone


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return True


def find_zone(typed: str) -> str | None:
    """The IANA zone meant by ``typed``: a name (any case) or a common abbreviation."""
    wanted = typed.strip().casefold()
    for name, label in COMMON_ZONES.items():
        if wanted in (name.casefold(), label.casefold()):
            return name
    for name in available_timezones():
        if name.casefold() == wanted:
            return name
    return None


def zone_choices(typed: str, limit: int) -> list[ZoneChoice]:
    """Autocomplete: the common zones first, then every IANA zone containing ``typed``."""
    wanted = typed.strip().casefold()
    found: list[ZoneChoice] = []
    for name, label in COMMON_ZONES.items():
        if not wanted or wanted in name.casefold() or wanted == label.casefold():
            found.append(ZoneChoice(name, f"{name} ({label})"))
    if wanted:
        common = set(COMMON_ZONES)
        found += [
            ZoneChoice(name, name)
            for name in sorted(available_timezones())
            if wanted in name.casefold() and name not in common
        ]
    return found[:limit]


@dataclass(frozen=True)
class LocalSlot:
    """One weekly airing as a server's clock shows it."""

    weekday: int  # 0 = Monday
    wall: time
    zone_label: str


def slots_in_zone(schedule: WeeklySchedule, timezone: str) -> list[LocalSlot]:
    """The rule's (weekday, time) pairs on ``timezone``'s clock, as in the run's first week:
    Wednesdays 14:00 in Asia/Jakarta are Wednesdays 16:00 in Asia/Seoul."""
    source, target = zone(schedule.timezone), zone(timezone)
    slots: dict[tuple[int, time], LocalSlot] = {}
    for weekday in sorted(schedule.weekdays):
        day = schedule.start + timedelta(days=(weekday - schedule.start.weekday()) % 7)
        for wall in sorted(schedule.times):
            local = datetime.combine(day, wall, tzinfo=source).astimezone(target)
            key = (local.weekday(), local.time())
            slots.setdefault(key, LocalSlot(key[0], key[1], zone_label(timezone, local)))
    return sorted(slots.values(), key=lambda s: (s.weekday, s.wall))
