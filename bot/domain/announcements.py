"""Which announcements exist, when they run, and what a late start still owes.

Pure planning: given episodes, subscriptions and what was already sent, decide the jobs
(one per drama, episode, kind and reminder lead) and the catch-up posts. The scheduler
runs the jobs; the store's announcement log makes each post happen once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.delivery import DeliveryFailed, Problem
from bot.domain.models import Episode
from bot.domain.schedule import require_utc


class AnnouncementKind(StrEnum):
    AIRING = "airing"  # "Episode 2 is out now!" in the server's channel
    REMINDER = "reminder"  # "Episode 2 airs in 30 minutes" (the server's lead time)
    DIRECT = "direct"  # a fan's own DM at airing time
    MOVED = "moved"  # "Episode 5 moved to ..." in the server's channel (variant: new instant)


class DeliveryState(StrEnum):
    CLAIMED = "claimed"  # a sender owns it; resent with the same nonce after a crash
    SENT = "sent"
    FAILED = "failed"
    MISSED = "missed"  # the bot was down past the catch-up window


class Trouble(StrEnum):
    """What went wrong with a server's announcements, as /announce status tells it."""

    POST = "post"  # a post failed (``problem`` says why)
    CHANNEL_DELETED = "channel deleted"  # its subscriptions there ended (``dramas``)
    ROLE_DELETED = "role deleted"  # the announcement role is gone: no ping
    LEGACY = "legacy"  # recorded as English text by an older version (``text``)


@dataclass(frozen=True)
class AnnounceFailure:
    """A failure kept as data, so each admin reads it in their own language."""

    trouble: Trouble
    problem: Problem | None = None
    status: int | None = None
    detail: str = ""
    channel_id: int | None = None
    attempts: int = 0  # how many tries, when the post was given up
    window_closed: bool = False
    dramas: tuple[str, ...] = ()  # titles
    text: str = ""

    @classmethod
    def of(cls, failure: DeliveryFailed, channel_id: int | None = None) -> AnnounceFailure:
        return cls(Trouble.POST, failure.problem, failure.status, failure.detail[:300], channel_id)


@dataclass(frozen=True)
class AnnounceSettings:
    """A server's announcement choices, and what last went wrong."""

    role_id: int | None = None
    lead_minutes: int = 0
    last_failure: AnnounceFailure | None = None
    last_failure_at: datetime | None = None


@dataclass(frozen=True)
class Subscription:
    """A server announcing one drama in one channel."""

    guild_id: int
    drama_slug: str
    channel_id: int
    role_id: int | None
    lead_minutes: int
    created_at: datetime


@dataclass(frozen=True)
class PlannedJob:
    """One scheduler job: at ``run_at``, announce ``kind`` for an episode."""

    drama_slug: str
    episode_number: int
    kind: AnnouncementKind
    run_at: datetime
    lead_minutes: int = 0

    @property
    def job_id(self) -> str:
        return f"{self.kind.value}:{self.drama_slug}:{self.episode_number}:{self.lead_minutes}"


@dataclass(frozen=True)
class DeliveryKey:
    """What must happen exactly once: (target, episode, kind)."""

    target_id: int  # guild id, or user id for direct reminders
    drama_slug: str
    episode_number: int
    kind: AnnouncementKind
    variant: str = ""  # for MOVED: the new instant, so each new time is told once

    @property
    def nonce(self) -> str:
        """Discord's message nonce (at most 25 characters) that makes a resend a no-op."""
        text = f"{self.target_id}/{self.drama_slug}/{self.episode_number}/{self.kind.value}"
        if self.variant:
            text += f"/{self.variant}"
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def plan_jobs(
    episodes: Iterable[Episode],
    subscriptions: Sequence[Subscription],
    direct_dramas: Iterable[str],
    now_at: datetime,
) -> list[PlannedJob]:
    """Every future job: airing posts, each distinct reminder lead, and fans' DMs."""
    now_at = require_utc(now_at)
    direct = set(direct_dramas)
    leads: dict[str, set[int]] = {}
    subscribed: set[str] = set()
    for subscription in subscriptions:
        subscribed.add(subscription.drama_slug)
        if subscription.lead_minutes > 0:
            leads.setdefault(subscription.drama_slug, set()).add(subscription.lead_minutes)
    jobs: list[PlannedJob] = []
    for episode in episodes:
        if not episode.time_known:  # "time not announced": never at an invented time
            continue
        slug, number = episode.drama_slug, episode.number
        if slug in subscribed and episode.airs_at > now_at:
            jobs.append(PlannedJob(slug, number, AnnouncementKind.AIRING, episode.airs_at))
        if slug in direct and episode.airs_at > now_at:
            jobs.append(PlannedJob(slug, number, AnnouncementKind.DIRECT, episode.airs_at))
        for lead in sorted(leads.get(slug, ())):
            run_at = episode.airs_at - timedelta(minutes=lead)
            if run_at > now_at:
                jobs.append(PlannedJob(slug, number, AnnouncementKind.REMINDER, run_at, lead))
    return sorted(jobs, key=lambda j: (j.run_at, j.job_id))


class Claim(StrEnum):
    """What claiming a delivery in the log gave this process."""

    NEW = "new"  # nobody had it: send
    RESEND = "resend"  # claimed by a process that is gone: look for its post, else send
    TAKEN = "taken"  # settled, or owned by a live process (this one or another)


class LateReason(StrEnum):
    """Why a post comes a minute or more after its time, as the post itself says."""

    OFFLINE = "offline"  # the bot was not running at air time (a catch-up after a start)
    MOVED = "moved"  # the episode's time was changed to an instant already past
    DISCORD_TROUBLE = "discord trouble"  # Discord failed and the post was retried
    QUEUED = "queued"  # many servers at once: it waited its turn under the rate limit


LATE_AFTER = timedelta(minutes=1)


def late_reason(
    due_at: datetime, sent_at: datetime, *, cause: LateReason | None, retried: bool
) -> LateReason | None:
    """The real reason a post is late, or None when it is on time. ``cause`` is what made
    the post owed late (a start-up's or an import's catch-up), None for a job's post."""
    if sent_at - due_at < LATE_AFTER:
        return None
    if cause is not None:
        return cause
    if retried:
        return LateReason.DISCORD_TROUBLE
    return LateReason.QUEUED


def delivery_marker(key: DeliveryKey) -> str:
    """A short tag the post carries, so the bot can recognise its own post in the channel."""
    return f"ref {key.nonce[:12]}"


@dataclass(frozen=True)
class ReminderSubscription:
    """A fan's own DM reminder for one drama."""

    user_id: int
    drama_slug: str
    created_at: datetime
    language: str | None = None  # a catalogue code for the DMs; None: English


@dataclass(frozen=True)
class Owed:
    """One delivery a start-up still owes: what, to whom, and when it was due."""

    key: DeliveryKey
    due_at: datetime
    subscription: Subscription | None = None  # None for a fan's DM


@dataclass(frozen=True)
class CatchUp:
    """What a start-up owes for what fell due while the bot was away."""

    post: tuple[Owed, ...]
    missed: tuple[Owed, ...]


def _owed_to_servers(
    episodes: Sequence[Episode], subscription: Subscription, now_at: datetime, window: timedelta
) -> Iterable[tuple[Owed, bool]]:
    for episode in episodes:
        airing = DeliveryKey(
            subscription.guild_id, episode.drama_slug, episode.number, AnnouncementKind.AIRING
        )
        if subscription.created_at <= episode.airs_at <= now_at:
            yield Owed(airing, episode.airs_at, subscription), now_at - episode.airs_at <= window
        if subscription.lead_minutes <= 0:
            continue
        reminder_at = episode.airs_at - timedelta(minutes=subscription.lead_minutes)
        if subscription.created_at <= reminder_at <= now_at:
            key = DeliveryKey(
                subscription.guild_id, episode.drama_slug, episode.number, AnnouncementKind.REMINDER
            )
            # "Airs in 30 minutes" is only worth posting before the episode airs.
            worth_it = now_at < episode.airs_at and now_at - reminder_at <= window
            yield Owed(key, reminder_at, subscription), worth_it


def catch_up(
    episodes: Iterable[Episode],
    subscriptions: Sequence[Subscription],
    reminders: Sequence[ReminderSubscription],
    settled: set[DeliveryKey],
    now_at: datetime,
    window: timedelta,
) -> CatchUp:
    """Deliveries due by ``now_at`` and not settled: post those due within ``window`` (a
    reminder only while its episode has not aired yet), record the others as missed.

    ``settled`` holds the keys already sent, failed or missed. Nothing due before its
    subscription existed is ever owed. Callers pass only recent episodes: what fell due
    long before the window was settled by an earlier start.
    """
    now_at = require_utc(now_at)
    by_drama: dict[str, list[Episode]] = {}
    for episode in episodes:
        if not episode.time_known:
            continue
        by_drama.setdefault(episode.drama_slug, []).append(episode)
    owed: list[tuple[Owed, bool]] = []
    for subscription in subscriptions:
        owed += _owed_to_servers(
            by_drama.get(subscription.drama_slug, ()), subscription, now_at, window
        )
    for reminder in reminders:
        for episode in by_drama.get(reminder.drama_slug, ()):
            if reminder.created_at <= episode.airs_at <= now_at:
                key = DeliveryKey(
                    reminder.user_id, episode.drama_slug, episode.number, AnnouncementKind.DIRECT
                )
                owed.append((Owed(key, episode.airs_at), now_at - episode.airs_at <= window))
    pending = [(o, post) for o, post in owed if o.key not in settled]
    return CatchUp(
        tuple(o for o, post in pending if post), tuple(o for o, post in pending if not post)
    )


def next_announcement(
    episodes: Iterable[Episode], subscriptions: Sequence[Subscription], now_at: datetime
) -> datetime | None:
    """When the next post of these (one server's) subscriptions is due: airing or reminder."""
    jobs = plan_jobs(episodes, subscriptions, (), now_at)
    return jobs[0].run_at if jobs else None


@dataclass(frozen=True)
class EpisodeMoved:
    """An episode whose known instant changed when its source was refreshed."""

    drama_slug: str
    episode_number: int
    old_at: datetime
    new_at: datetime

    def notice_key(self, guild_id: int) -> DeliveryKey:
        """Told once per (server, episode, new time): the new instant is the key's variant."""
        return DeliveryKey(
            guild_id,
            self.drama_slug,
            self.episode_number,
            AnnouncementKind.MOVED,
            require_utc(self.new_at).isoformat(),
        )


def job_still_due(job: PlannedJob, episode: Episode) -> bool:
    """False when the episode moved since the job was planned (its new job announces it),
    or its time is no longer known (it is then announced at no invented time)."""
    if not episode.time_known:
        return False
    if job.kind is AnnouncementKind.REMINDER:
        return episode.airs_at - timedelta(minutes=job.lead_minutes) == job.run_at
    return episode.airs_at == job.run_at
