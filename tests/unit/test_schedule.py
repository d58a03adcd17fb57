"""Episode instants from weekly rules, in the drama's zone, out in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.models import AiringStatus, Episode, EpisodeOverride, WeeklySchedule
from bot.domain.schedule import (
    age_on,
    build_episodes,
    drama_status,
    episode_instants,
    episode_status,
    episodes_airing_at,
    format_local,
    next_airing,
    today_in,
    weekly_slot,
)

SOUNDTRACK = WeeklySchedule(
    timezone="Asia/Jakarta",
    weekdays=(2,),
    times=(time(14, 0),),
    start=date(2022, 3, 23),
    episode_count=4,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_soundtrack_airs_wednesdays_at_14_wib_which_is_7_utc() -> None:
    assert episode_instants(SOUNDTRACK) == {
        1: utc(2022, 3, 23, 7),
        2: utc(2022, 3, 30, 7),
        3: utc(2022, 4, 6, 7),
        4: utc(2022, 4, 13, 7),
    }


def test_an_override_moves_only_that_episode() -> None:
    moved = EpisodeOverride(3, datetime(2022, 4, 7, 20, tzinfo=ZoneInfo("Asia/Jakarta")), "Late")
    instants = episode_instants(SOUNDTRACK, [moved])
    assert instants[3] == utc(2022, 4, 7, 13)
    assert instants[4] == utc(2022, 4, 13, 7)


def test_a_skipped_week_pushes_later_episodes_back() -> None:
    schedule = WeeklySchedule(**{**SOUNDTRACK.__dict__, "skipped": (date(2022, 3, 30),)})
    instants = episode_instants(schedule)
    assert instants[2] == utc(2022, 4, 6, 7)
    assert instants[4] == utc(2022, 4, 20, 7)


def test_two_weekdays_and_two_slots_a_day() -> None:
    schedule = WeeklySchedule(
        timezone="Asia/Seoul",
        weekdays=(4, 5),
        times=(time(21, 0), time(22, 10)),
        start=date(2024, 1, 5),
        episode_count=6,
    )
    instants = episode_instants(schedule)
    seoul = ZoneInfo("Asia/Seoul")
    assert [i.astimezone(seoul).strftime("%a %H:%M") for i in instants.values()] == [
        "Fri 21:00",
        "Fri 22:10",
        "Sat 21:00",
        "Sat 22:10",
        "Fri 21:00",
        "Fri 22:10",
    ]
    assert weekly_slot(schedule) == "Fridays and Saturdays 21:00, 22:10 KST"


def test_new_york_keeps_its_local_time_across_the_dst_change() -> None:
    schedule = WeeklySchedule(
        timezone="America/New_York",
        weekdays=(6,),
        times=(time(21, 0),),
        start=date(2024, 3, 3),
        episode_count=2,
    )
    first, second = episode_instants(schedule).values()
    assert first == utc(2024, 3, 4, 2)  # EST, UTC-5
    assert second == utc(2024, 3, 11, 1)  # EDT, UTC-4
    assert format_local(second, "America/New_York") == "2024-03-10 21:00 EDT"


def sundays_in_new_york(at: time, start: date, episodes: int) -> WeeklySchedule:
    return WeeklySchedule(
        timezone="America/New_York",
        weekdays=(6,),
        times=(at,),
        start=start,
        episode_count=episodes,
    )


def test_a_slot_inside_the_spring_forward_gap_airs_an_hour_later_on_the_wall_clock() -> None:
    # 2024-03-10 02:30 never happens in New York: clocks jump from 02:00 EST to 03:00 EDT.
    # The wall time is read with the offset before the jump (EST), so it lands at 03:30 EDT.
    schedule = sundays_in_new_york(time(2, 30), date(2024, 3, 10), 2)
    gap_night, week_after = episode_instants(schedule).values()
    assert gap_night == utc(2024, 3, 10, 7, 30)
    assert format_local(gap_night, "America/New_York") == "2024-03-10 03:30 EDT"
    assert week_after == utc(2024, 3, 17, 6, 30)  # back to 02:30, now EDT
    assert format_local(week_after, "America/New_York") == "2024-03-17 02:30 EDT"


def test_a_slot_in_the_fall_back_hour_airs_at_its_first_occurrence() -> None:
    # 2024-11-03 01:30 happens twice in New York (EDT, then EST): the first one is meant.
    schedule = sundays_in_new_york(time(1, 30), date(2024, 11, 3), 2)
    fold_night, week_after = episode_instants(schedule).values()
    assert fold_night == utc(2024, 11, 3, 5, 30)  # 01:30 EDT, UTC-4; not 06:30 (EST)
    assert format_local(fold_night, "America/New_York") == "2024-11-03 01:30 EDT"
    assert week_after == utc(2024, 11, 10, 6, 30)  # 01:30 EST, UTC-5
    assert format_local(week_after, "America/New_York") == "2024-11-10 01:30 EST"


def test_weekly_slot_reads_as_fans_say_it() -> None:
    assert weekly_slot(SOUNDTRACK) == "Wednesdays 14:00 WIB"


def test_weekly_slot_names_the_zone_that_holds_while_the_drama_airs() -> None:
    summer = sundays_in_new_york(time(21, 0), date(2024, 6, 2), 8)
    winter = sundays_in_new_york(time(21, 0), date(2024, 1, 7), 8)
    assert weekly_slot(summer) == "Sundays 21:00 EDT"
    assert weekly_slot(winter) == "Sundays 21:00 EST"


def test_weekly_slot_of_a_run_across_a_clock_change_names_both_abbreviations_in_order() -> None:
    spring = sundays_in_new_york(time(21, 0), date(2024, 3, 3), 2)  # EST, then EDT
    autumn = sundays_in_new_york(time(21, 0), date(2024, 10, 27), 2)  # EDT, then EST
    assert weekly_slot(spring) == "Sundays 21:00 EST/EDT"
    assert weekly_slot(autumn) == "Sundays 21:00 EDT/EST"


def test_next_airing_and_what_airs_at_an_instant() -> None:
    episodes = build_episodes("soundtrack-1", SOUNDTRACK)
    assert next_airing(episodes, utc(2022, 3, 23, 7)) == episodes[1]
    assert next_airing(episodes, utc(2022, 3, 22)) == episodes[0]
    assert next_airing(episodes, utc(2023, 1, 1)) is None
    assert episodes_airing_at(episodes, utc(2022, 4, 6, 7)) == [episodes[2]]


def test_statuses_upcoming_airing_finished() -> None:
    episodes = build_episodes("soundtrack-1", SOUNDTRACK)
    assert drama_status(episodes, utc(2022, 3, 1)) is AiringStatus.UPCOMING
    assert drama_status(episodes, utc(2022, 3, 31)) is AiringStatus.AIRING
    assert drama_status(episodes, utc(2022, 5, 1)) is AiringStatus.FINISHED
    assert episode_status(episodes[0], utc(2022, 3, 23, 7, 30)) is AiringStatus.AIRING


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        next_airing([], datetime(2022, 1, 1))


def test_ages_are_computed_on_the_day_asked() -> None:
    born = date(1991, 11, 16)
    assert age_on(born, date(2022, 3, 23)) == 30
    assert age_on(born, date(2026, 11, 15)) == 34
    assert age_on(born, date(2026, 11, 16)) == 35


def test_a_birthday_begins_at_midnight_in_the_given_zone_not_in_utc() -> None:
    eve_in_utc = utc(2026, 11, 15, 17)  # 17:00 UTC is already midnight in Jakarta (UTC+7)
    assert today_in(eve_in_utc, "UTC") == date(2026, 11, 15)
    assert today_in(eve_in_utc, "Asia/Jakarta") == date(2026, 11, 16)
    assert today_in(utc(2026, 11, 15, 16, 59), "Asia/Jakarta") == date(2026, 11, 15)


@given(
    weekdays=st.sets(st.integers(0, 6), min_size=1),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    start=st.dates(date(2000, 1, 1), date(2040, 1, 1)),
    count=st.integers(1, 60),
    zone_name=st.sampled_from(["Asia/Jakarta", "Asia/Seoul", "America/New_York", "Europe/Paris"]),
)
def test_every_generated_instant_is_on_a_listed_weekday_at_the_listed_local_time(
    weekdays: set[int], hour: int, minute: int, start: date, count: int, zone_name: str
) -> None:
    schedule = WeeklySchedule(
        timezone=zone_name,
        weekdays=tuple(sorted(weekdays)),
        times=(time(hour, minute),),
        start=start,
        episode_count=count,
    )
    instants = episode_instants(schedule)
    assert sorted(instants) == list(range(1, count + 1))
    ordered = [instants[n] for n in sorted(instants)]
    assert ordered == sorted(ordered)
    for instant in ordered:
        assert instant.tzinfo is UTC
        local = instant.astimezone(ZoneInfo(zone_name))
        assert local.weekday() in weekdays
        # A local time inside a DST gap is shifted by the gap, never by more.
        wall = datetime.combine(local.date(), time(hour, minute))
        assert abs(local.replace(tzinfo=None) - wall) <= timedelta(hours=1)


def test_episodes_carry_titles_from_overrides() -> None:
    episodes = build_episodes("x", SOUNDTRACK, [EpisodeOverride(2, None, "Second")])
    assert episodes[1] == Episode("x", 2, utc(2022, 3, 30, 7), "Second")
