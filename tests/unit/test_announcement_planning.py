"""Which announcement jobs exist at a given instant, and what a late start owes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.data.loader import load_drama_file
from bot.domain.announcements import (
    AnnouncementKind,
    DeliveryKey,
    LateReason,
    PlannedJob,
    ReminderSubscription,
    Subscription,
    catch_up,
    delivery_marker,
    job_still_due,
    late_reason,
    next_announcement,
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


WINDOW = timedelta(minutes=30)


def airing(guild_id: int, number: int) -> DeliveryKey:
    return DeliveryKey(guild_id, "soundtrack-1", number, AnnouncementKind.AIRING)


def test_catch_up_posts_within_the_window_and_records_older_misses() -> None:
    now_at = EPISODES[1].airs_at + timedelta(minutes=12)
    owed = catch_up(EPISODES, [subscription(1)], [], set(), now_at, WINDOW)
    assert [o.key for o in owed.post] == [airing(1, 2)]
    assert [o.key for o in owed.missed] == [airing(1, 1)]
    assert owed.post[0].due_at == EPISODES[1].airs_at


def test_catch_up_owes_nothing_already_settled_or_before_the_subscription() -> None:
    now_at = EPISODES[1].airs_at + timedelta(minutes=5)
    settled = {airing(1, 1), airing(1, 2)}
    owed = catch_up(EPISODES, [subscription(1)], [], settled, now_at, WINDOW)
    assert owed.post == () and owed.missed == ()
    late_subscriber = subscription(2, created_at=EPISODES[1].airs_at + timedelta(minutes=1))
    owed = catch_up(EPISODES, [late_subscriber], [], set(), now_at, WINDOW)
    assert owed.post == () and owed.missed == ()


def test_catch_up_posts_a_missed_reminder_only_while_the_episode_has_not_aired() -> None:
    episode = EPISODES[1]
    sub = subscription(1, lead=30, created_at=EPISODES[0].airs_at + timedelta(minutes=1))
    reminder = DeliveryKey(1, "soundtrack-1", 2, AnnouncementKind.REMINDER)

    before_air = catch_up(
        [episode], [sub], [], set(), episode.airs_at - timedelta(minutes=10), WINDOW
    )
    assert [o.key for o in before_air.post] == [reminder]
    assert before_air.post[0].due_at == episode.airs_at - timedelta(minutes=30)

    after_air = catch_up(
        [episode], [sub], [], set(), episode.airs_at + timedelta(minutes=1), WINDOW
    )
    assert [o.key for o in after_air.post] == [airing(1, 2)]
    assert [o.key for o in after_air.missed] == [reminder]


def test_catch_up_owes_fans_their_dm_within_the_window() -> None:
    episode = EPISODES[1]
    fan = ReminderSubscription(77, "soundtrack-1", LONG_AGO)
    dm = DeliveryKey(77, "soundtrack-1", 2, AnnouncementKind.DIRECT)
    soon_after = catch_up(
        [episode], [], [fan], set(), episode.airs_at + timedelta(minutes=29), WINDOW
    )
    assert [(o.key, o.subscription) for o in soon_after.post] == [(dm, None)]
    too_late = catch_up(
        [episode], [], [fan], set(), episode.airs_at + timedelta(minutes=31), WINDOW
    )
    assert too_late.post == () and [o.key for o in too_late.missed] == [dm]
    settled = catch_up([episode], [], [fan], {dm}, episode.airs_at, WINDOW)
    assert settled.post == ()


def test_a_server_hears_of_its_own_next_announcement_not_another_servers() -> None:
    now_at = EPISODES[1].airs_at - timedelta(hours=1)
    assert next_announcement(EPISODES, [subscription(1)], now_at) == EPISODES[1].airs_at
    with_lead = subscription(1, lead=30)
    reminder_at = EPISODES[1].airs_at - timedelta(minutes=30)
    assert next_announcement(EPISODES, [with_lead], now_at) == reminder_at
    assert next_announcement(EPISODES, [], now_at) is None


def test_a_job_for_an_episode_that_moved_is_no_longer_due() -> None:
    episode = EPISODES[1]
    job = PlannedJob("soundtrack-1", 2, AnnouncementKind.AIRING, episode.airs_at)
    assert job_still_due(job, episode)
    moved = replace(episode, airs_at=episode.airs_at + timedelta(hours=2))
    assert not job_still_due(job, moved)
    lead = PlannedJob(
        "soundtrack-1", 2, AnnouncementKind.REMINDER, episode.airs_at - timedelta(minutes=30), 30
    )
    assert job_still_due(lead, episode) and not job_still_due(lead, moved)


def test_late_posts_say_why_and_punctual_ones_say_nothing() -> None:
    due_at = EPISODES[0].airs_at
    on_time = due_at + timedelta(seconds=59)
    late = due_at + timedelta(minutes=5)
    offline, moved = LateReason.OFFLINE, LateReason.MOVED
    assert late_reason(due_at, on_time, cause=offline, retried=True) is None
    assert late_reason(due_at, late, cause=offline, retried=False) is LateReason.OFFLINE
    assert late_reason(due_at, late, cause=moved, retried=True) is LateReason.MOVED
    assert late_reason(due_at, late, cause=None, retried=True) is LateReason.DISCORD_TROUBLE
    assert late_reason(due_at, late, cause=None, retried=False) is LateReason.QUEUED


def test_each_delivery_has_its_own_marker() -> None:
    assert delivery_marker(airing(1, 2)) != delivery_marker(airing(1, 3))
    assert delivery_marker(airing(1, 2)) == f"ref {airing(1, 2).nonce[:12]}"


def test_the_nonce_is_stable_and_fits_discord() -> None:
    key = DeliveryKey(123456789012345678, "soundtrack-1", 2, AnnouncementKind.AIRING)
    same = DeliveryKey(123456789012345678, "soundtrack-1", 2, AnnouncementKind.AIRING)
    other = DeliveryKey(123456789012345678, "soundtrack-1", 3, AnnouncementKind.AIRING)
    assert key.nonce == same.nonce != other.nonce
    assert len(key.nonce) <= 25
