"""Which announcement jobs exist at a given instant, and what a late start owes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.data.loader import load_drama_file
from bot.domain.announcements import (
    AnnouncementKind,
    DeliveryKey,
    PlannedJob,
    Subscription,
    catch_up,
    plan_jobs,
)
from bot.domain.schedule import build_episodes

REPO = Path(__file__).resolve().parents[2]
SOUNDTRACK = load_drama_file(REPO / "data" / "dramas" / "soundtrack-1.yaml")
EPISODES = build_episodes("soundtrack-1", SOUNDTRACK.drama.schedule)
LONG_AGO = datetime(2022, 1, 1, tzinfo=UTC)


def subscription(guild_id: int, lead: int = 0, created_at: datetime = LONG_AGO) -> Subscription:
    return Subscription(guild_id, "soundtrack-1", 100 + guild_id, None, lead, created_at)


def test_each_future_episode_gets_one_airing_job_whatever_the_number_of_servers() -> None:
    jobs = plan_jobs(EPISODES, [subscription(1), subscription(2)], [], LONG_AGO)
    assert [(j.episode_number, j.kind) for j in jobs] == [
        (n, AnnouncementKind.AIRING) for n in (1, 2, 3, 4)
    ]
    assert jobs[0].run_at == datetime(2022, 3, 23, 7, tzinfo=UTC)  # 14:00 WIB


def test_aired_episodes_have_no_job() -> None:
    jobs = plan_jobs(EPISODES, [subscription(1)], [], datetime(2022, 4, 1, tzinfo=UTC))
    assert [j.episode_number for j in jobs] == [3, 4]


def test_no_subscription_no_job() -> None:
    assert plan_jobs(EPISODES, [], [], LONG_AGO) == []


def test_each_distinct_lead_time_gets_its_own_reminder_job() -> None:
    subs = [subscription(1, lead=30), subscription(2, lead=30), subscription(3, lead=60)]
    jobs = [j for j in plan_jobs(EPISODES[:1], subs, [], LONG_AGO) if j.kind == "reminder"]
    assert [(j.lead_minutes, j.run_at.strftime("%H:%M")) for j in jobs] == [
        (60, "06:00"),
        (30, "06:30"),
    ]


def test_fans_dm_reminders_have_their_own_job_at_air_time() -> None:
    jobs = plan_jobs(EPISODES[:1], [], ["soundtrack-1"], LONG_AGO)
    assert jobs == [PlannedJob("soundtrack-1", 1, AnnouncementKind.DIRECT, EPISODES[0].airs_at)]


def test_job_ids_are_stable_so_replanning_replaces_instead_of_duplicating() -> None:
    first = plan_jobs(EPISODES, [subscription(1)], [], LONG_AGO)
    again = plan_jobs(EPISODES, [subscription(1), subscription(2)], [], LONG_AGO)
    assert [j.job_id for j in first] == [j.job_id for j in again]


def test_new_york_jobs_fire_at_21_local_on_both_sides_of_the_dst_change() -> None:
    river = load_drama_file(REPO / "tests" / "e2e" / "dramas" / "long-river.yaml")
    episodes = build_episodes("long-river", river.drama.schedule)
    subs = [Subscription(1, "long-river", 5, None, 0, LONG_AGO)]
    jobs = plan_jobs(episodes, subs, [], LONG_AGO)
    local = [j.run_at.astimezone(ZoneInfo("America/New_York")) for j in jobs]
    assert [t.strftime("%Y-%m-%d %H:%M %Z") for t in local] == [
        "2024-03-03 21:00 EST",
        "2024-03-10 21:00 EDT",
    ]
    assert [j.run_at.hour for j in jobs] == [2, 1]  # UTC moves, the local time does not


def test_catch_up_posts_within_the_window_and_records_older_misses() -> None:
    now_at = EPISODES[1].airs_at + timedelta(minutes=12)
    owed = catch_up(EPISODES, [subscription(1)], set(), now_at, timedelta(minutes=30))
    assert [e.number for _, e in owed.post] == [2]
    assert [e.number for _, e in owed.missed] == [1]


def test_catch_up_owes_nothing_already_settled_or_before_the_subscription() -> None:
    now_at = EPISODES[1].airs_at + timedelta(minutes=5)
    settled = {(1, "soundtrack-1", 2)}
    owed = catch_up(EPISODES, [subscription(1)], settled, now_at, timedelta(minutes=30))
    assert owed.post == ()
    late_subscriber = subscription(2, created_at=EPISODES[1].airs_at + timedelta(minutes=1))
    owed = catch_up(EPISODES, [late_subscriber], set(), now_at, timedelta(minutes=30))
    assert owed.post == () and owed.missed == ()


def test_the_nonce_is_stable_and_fits_discord() -> None:
    key = DeliveryKey(123456789012345678, "soundtrack-1", 2, AnnouncementKind.AIRING)
    same = DeliveryKey(123456789012345678, "soundtrack-1", 2, AnnouncementKind.AIRING)
    other = DeliveryKey(123456789012345678, "soundtrack-1", 3, AnnouncementKind.AIRING)
    assert key.nonce == same.nonce != other.nonce
    assert len(key.nonce) <= 25
