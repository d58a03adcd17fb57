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

from bot.domain.models import Episode
from bot.domain.schedule import require_utc


class AnnouncementKind(StrEnum):
    AIRING = "airing"  # "Episode 2 is out now!" in the server's channel
    REMINDER = "reminder"  # "Episode 2 airs in 30 minutes" (the server's lead time)
    DIRECT = "direct"  # a fan's own DM at airing time


class DeliveryState(StrEnum):
    CLAIMED = "claimed"  # a sender owns it; resent with the same nonce after a crash
    SENT = "sent"
    FAILED = "failed"
    MISSED = "missed"  # the bot was down past the catch-up window


@dataclass(frozen=True)
class AnnounceSettings:
    """A server's announcement choices, and what last went wrong."""

    role_id: int | None = None
    lead_minutes: int = 0
    last_failure: str | None = None
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

    @property
    def nonce(self) -> str:
        """Discord's message nonce (at most 25 characters) that makes a resend a no-op."""
        text = f"{self.target_id}/{self.drama_slug}/{self.episode_number}/{self.kind.value}"
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


@dataclass(frozen=True)
class CatchUp:
    """What a start-up owes for episodes that aired while the bot was away."""

    post: tuple[tuple[Subscription, Episode], ...]
    missed: tuple[tuple[Subscription, Episode], ...]


def catch_up(
    episodes: Iterable[Episode],
    subscriptions: Sequence[Subscription],
    settled: set[tuple[int, str, int]],
    now_at: datetime,
    window: timedelta,
) -> CatchUp:
    """Airing posts not yet settled: post when aired within ``window``, else record a miss.

    ``settled`` holds (guild, drama, episode) already sent, failed or missed. Episodes
    that aired before a subscription existed are never owed.
    """
    now_at = require_utc(now_at)
    post: list[tuple[Subscription, Episode]] = []
    missed: list[tuple[Subscription, Episode]] = []
    by_drama: dict[str, list[Episode]] = {}
    for episode in episodes:
        by_drama.setdefault(episode.drama_slug, []).append(episode)
    for subscription in subscriptions:
        for episode in by_drama.get(subscription.drama_slug, ()):
            if not subscription.created_at <= episode.airs_at <= now_at:
                continue
            if (subscription.guild_id, episode.drama_slug, episode.number) in settled:
                continue
            late = now_at - episode.airs_at
            (post if late <= window else missed).append((subscription, episode))
    return CatchUp(tuple(post), tuple(missed))
