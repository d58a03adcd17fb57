"""Times as a server's clock shows them, in the reader's language."""

from __future__ import annotations

from datetime import datetime

from bot.domain.locality import slots_in_zone, zone_label
from bot.domain.models import WeeklySchedule
from bot.domain.schedule import WEEKDAY_PLURALS, local_time, weekly_slot
from bot.i18n import Language


def _zone_of(lang: Language, drama_zone: str) -> str:
    return lang.timezone or drama_zone


def render_weekly_slot(lang: Language, schedule: WeeklySchedule) -> str:
    """``Wednesdays 14:00 WIB``, ``Setiap Rabu pukul 14.00 WIB``, ``매주 수요일 16:00 KST``:
    the rule on the server's clock (the drama's own when the server chose none). Just the
    days (``Fridays``, ``Setiap Jumat``) when the source knows no time, and empty when it
    knows no day either."""
    if lang.is_english and lang.timezone is None:
        return weekly_slot(schedule)
    if not schedule.times:
        # Without a time the days cannot move to another zone: they stay the drama's.
        if not schedule.weekdays:
            return ""
        if lang.is_english:
            return " and ".join(WEEKDAY_PLURALS[d] for d in sorted(schedule.weekdays))
        days = lang.human_list([lang.weekday(d) for d in sorted(schedule.weekdays)])
        # TRANSLATORS: a weekly airing day whose time is not known, e.g. "Fridays".
        return lang.pgettext("weekly slot without a time", "{weekdays}", weekdays=days)
    slots = slots_in_zone(schedule, _zone_of(lang, schedule.timezone))
    by_time: dict[tuple[str, str], list[int]] = {}
    for slot in slots:
        by_time.setdefault((lang.clock(slot.wall), slot.zone_label), []).append(slot.weekday)
    parts = []
    for (clock, label), weekdays in by_time.items():
        if lang.is_english:
            days = " and ".join(WEEKDAY_PLURALS[d] for d in weekdays)
        else:
            days = lang.human_list([lang.weekday(d) for d in weekdays])
        # TRANSLATORS: a weekly airing slot, e.g. "Wednesdays 14:00 WIB".
        parts.append(lang._("{weekdays} {time} {zone}", weekdays=days, time=clock, zone=label))
    return "; ".join(parts)


def render_local_time(
    lang: Language, instant: datetime, drama_zone: str, *, with_date: bool = True
) -> str:
    """``2022-03-23 14:00 WIB`` in English; ``Rabu, 23 Maret 2022 14.00 WIB``;
    ``2022년 3월 23일 수요일 16:00 KST``: on the server's clock."""
    timezone = _zone_of(lang, drama_zone)
    local = local_time(instant, timezone)
    clock = f"{lang.clock(local)} {zone_label(timezone, local)}"
    if not with_date:
        return clock
    if lang.is_english:
        return f"{local:%Y-%m-%d} {clock}"
    return f"{lang.date(local.date())} {clock}"
