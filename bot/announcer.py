"""Posting announcements: what is owed to whom, when; :mod:`bot.delivering` posts each once.

Jobs (airings, lead reminders, fans' DMs), start-up and import catch-ups and "episode moved"
notices become :class:`~bot.delivering.Delivery` values, each rendered in its server's (or
fan's) language; the delivery runner claims, looks, posts, retries and settles them.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Coroutine, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.catalogue import Catalogue
from bot.delivering import Delivery, DeliveryRunner
from bot.discord_pacing import bulk_requests
from bot.domain.announcements import (
    AnnouncementKind,
    Claim,
    DeliveryKey,
    DeliveryState,
    EpisodeMoved,
    LateReason,
    Owed,
    PlannedJob,
    Subscription,
    catch_up,
    delivery_marker,
    job_still_due,
)
from bot.domain.clock import Clock
from bot.domain.delivery import RetryPolicy
from bot.domain.models import Drama, Episode
from bot.i18n import Language
from bot.i18n.servers import EnglishPosts
from bot.messenger import Destination, Messenger, OutgoingPost
from bot.metrics import BotMetrics
from bot.store.announcements import AnnouncementStore
from bot.ui.announcements import (
    Lateness,
    announcement_mentions,
    render_airing,
    render_direct_reminder,
    render_reminder,
    role_ping,
)
from bot.ui.sources import render_moved

log = logging.getLogger(__name__)

# How long a stopping bot lets announcements in flight finish (Docker kills after 10 s).
# What is cut off stays claimed and is taken over, looked for and resent by the next start.
DRAIN_SECONDS = 7.0
FAN_OUT_SLICE = 256  # deliveries started before the loop gets a turn
# Catch-up reads episodes that fell due this far back (older ones were settled before) and
# reminders up to a day ahead (the longest lead).
CATCH_UP_HORIZON = timedelta(days=7)
LONGEST_LEAD = timedelta(days=1)


class PostLanguages(Protocol):
    """The language each post is written in: a server's (``/settings language``, else its
    preferred locale, else English, on its ``/settings timezone`` clock), or for a DM the
    language the fan used when they ran ``/remind me``."""

    async def for_server(self, guild_id: int | None, preferred: str | None = None) -> Language: ...

    def for_fan(self, code: str | None) -> Language: ...


class Announcer:
    """Runs planned jobs and start-up catch-ups: store, catalogue, messenger and clock.

    Each post's language is looked up before its :class:`Delivery` is built (its ``render``
    closes over it); the claim -> post -> settle path and the ``ref …`` marker know nothing
    of languages."""

    def __init__(
        self,
        store: AnnouncementStore,
        catalogue: Catalogue,
        messenger: Messenger,
        clock: Clock,
        *,
        catchup_window: timedelta,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        metrics: BotMetrics | None = None,
        languages: PostLanguages | None = None,
    ) -> None:
        self._metrics = metrics or BotMetrics()
        self._languages: PostLanguages = languages or EnglishPosts()
        self._store = store
        self._catalogue = catalogue
        self._messenger = messenger
        self._clock = clock
        self._window = catchup_window
        self._running: set[asyncio.Task[object]] = set()
        self._deliver = DeliveryRunner(
            store,
            catalogue,
            messenger,
            clock,
            window=catchup_window,
            retry=retry or RetryPolicy(),
            rng=rng or random.Random(),
            metrics=self._metrics,
        ).deliver

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Let running jobs finish their sends (each is claimed, so none repeats), then stop."""
        running = [t for t in self._running if not t.done()]
        if not running:
            return
        _, pending = await asyncio.wait(running, timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1)

    def _track(self) -> None:
        """Count the current task as running work, which close() lets finish."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    def _episode(self, slug: str, number: int) -> tuple[Drama, Episode, int] | None:
        snapshot = self._catalogue.snapshot
        drama = snapshot.drama(slug)
        episodes = snapshot.episodes_of(slug)
        episode = next((e for e in episodes if e.number == number), None)
        if drama is None or episode is None:
            return None
        return drama, episode, len(episodes)

    async def run(self, job: PlannedJob) -> None:
        """One scheduler job: announce to every server (or fan) concerned, concurrently; its
        requests wait behind interactive ones (bulk lane)."""
        with bulk_requests():
            await self._run(job)

    async def _run(self, job: PlannedJob) -> None:
        self._track()
        found = self._episode(job.drama_slug, job.episode_number)
        if found is None:
            log.warning("job %s: episode no longer exists; nothing to announce", job.job_id)
            return
        drama, episode, count = found
        if not job_still_due(job, episode):
            log.info(
                "job %s: the episode moved to %s; not announcing now", job.job_id, episode.airs_at
            )
            return
        if job.kind is AnnouncementKind.DIRECT:
            users = await self._store.reminder_users(drama.slug)
            await self._fan_out(
                [
                    self._direct(user_id, language, drama, episode, count, job.run_at)
                    for user_id, language in users.items()
                ]
            )
            return
        subscriptions = await self._store.subscriptions(drama_slug=drama.slug)
        if job.kind is AnnouncementKind.REMINDER:
            subscriptions = [s for s in subscriptions if s.lead_minutes == job.lead_minutes]
        await self._fan_out(
            [self._to_server(s, drama, episode, count, job.kind, job.run_at) for s in subscriptions]
        )

    async def notify_moved(self, moved: Sequence[EpisodeMoved], silenced: set[int]) -> None:
        """ "Episode 5 moved to ...": once per (server, episode, new time), through the same
        claim -> post -> settle path as announcements, to servers announcing the drama that
        did not turn the notices off. An episode moved into the past is not worth a notice.
        Bulk requests, like the jobs'."""
        with bulk_requests():
            await self._notify_moved(moved, silenced)

    async def _notify_moved(self, moved: Sequence[EpisodeMoved], silenced: set[int]) -> None:
        self._track()
        now_at = self._clock.now()
        sends: list[Awaitable[None]] = []
        for change in moved:
            found = self._episode(change.drama_slug, change.episode_number)
            if found is None or change.new_at <= now_at:
                continue
            drama, episode, _ = found
            for subscription in await self._store.subscriptions(drama_slug=drama.slug):
                if subscription.guild_id not in silenced:
                    key = change.notice_key(subscription.guild_id)
                    sends.append(self._moved_notice(subscription, drama, episode, key, now_at))
        await self._fan_out(sends)

    async def _moved_notice(
        self,
        subscription: Subscription,
        drama: Drama,
        episode: Episode,
        key: DeliveryKey,
        due_at: datetime,
    ) -> None:
        marker = delivery_marker(key)
        lang = await self._languages.for_server(subscription.guild_id)

        def render(late: Lateness | None) -> OutgoingPost:
            return OutgoingPost(embed=render_moved(lang, drama, episode, marker=marker))

        to = Destination.channel(subscription.guild_id, subscription.channel_id)
        await self._deliver(Delivery(key, due_at, to, render))

    async def _unfinished_notices(self, now_at: datetime) -> list[Awaitable[None]]:
        """Move notices a process that is gone claimed and did not settle, still true now."""
        sends: list[Awaitable[None]] = []
        subscriptions = {(s.guild_id, s.drama_slug): s for s in await self._store.subscriptions()}
        silenced = await self._store.guilds_without_changes()
        for key in await self._store.orphaned_claims(AnnouncementKind.MOVED):
            if key.target_id in silenced:
                continue
            found = self._episode(key.drama_slug, key.episode_number)
            subscription = subscriptions.get((key.target_id, key.drama_slug))
            if found is None or subscription is None:
                continue
            drama, episode, _ = found
            still_true = episode.airs_at.isoformat() == key.variant and episode.airs_at > now_at
            if still_true:
                sends.append(self._moved_notice(subscription, drama, episode, key, now_at))
        return sends

    async def catch_up(self, *, at_start: bool) -> None:
        """Post what fell due and was not posted (within the window), record older misses,
        and finish what a process that is gone left claimed: airings, reminders, DMs and
        move notices. Bulk requests, like the jobs'.

        At start that is what fell due while the bot was away; after an import, episodes
        moved to an instant already past."""
        with bulk_requests():
            await self._catch_up(at_start)

    async def _catch_up(self, at_start: bool) -> None:
        self._track()
        cause = LateReason.OFFLINE if at_start else LateReason.MOVED
        now_at = self._clock.now()
        recent = [
            e
            for e in self._catalogue.snapshot.episodes
            if now_at - CATCH_UP_HORIZON - self._window <= e.airs_at <= now_at + LONGEST_LEAD
        ]
        reminders = await self._store.reminder_subscriptions()
        languages = {(r.user_id, r.drama_slug): r.language for r in reminders}
        owed = catch_up(
            recent,
            await self._store.subscriptions(),
            reminders,
            await self._store.settled_among((e.drama_slug, e.number) for e in recent),
            now_at,
            self._window,
        )
        for miss in owed.missed:
            log.warning(
                "%s for %s episode %s to %s was due %s, beyond the catch-up window: not posted",
                miss.key.kind.value,
                miss.key.drama_slug,
                miss.key.episode_number,
                miss.key.target_id,
                miss.due_at,
            )
            # Claimed first, so a live process's delivery (still retrying) is left alone.
            if await self._store.claim(miss.key, now_at) is not Claim.TAKEN:
                await self._store.settle(
                    miss.key, DeliveryState.MISSED, now_at, error="bot was offline"
                )
        deliveries = [
            d
            for d in (self._owed_delivery(o, cause, languages) for o in owed.post)
            if d is not None
        ]
        await self._fan_out(deliveries + await self._unfinished_notices(now_at))

    def _owed_delivery(
        self,
        owed: Owed,
        cause: LateReason,
        languages: Mapping[tuple[int, str], str | None],
    ) -> Awaitable[None] | None:
        found = self._episode(owed.key.drama_slug, owed.key.episode_number)
        if found is None:
            return None
        drama, episode, count = found
        if owed.subscription is None:
            user_id = owed.key.target_id
            language = languages.get((user_id, drama.slug))
            return self._direct(user_id, language, drama, episode, count, owed.due_at, cause)
        return self._to_server(
            owed.subscription, drama, episode, count, owed.key.kind, owed.due_at, cause
        )

    async def _fan_out(self, sends: Sequence[Awaitable[None]]) -> None:
        """Each send its own task (one waiting out a retry holds no other up), started a
        slice at a time: between slices the loop answers the first posts' database and HTTP
        replies, and fans' interactions, instead of after 10,000 task starts."""
        tasks: list[asyncio.Future[None]] = []
        try:
            for send in sends:
                if tasks and len(tasks) % FAN_OUT_SLICE == 0:
                    await asyncio.sleep(0)
                tasks.append(asyncio.ensure_future(send))
        except BaseException:  # cancelled while starting: stop what started, drop the rest
            for task in tasks:
                task.cancel()
            for send in sends[len(tasks) :]:
                if isinstance(send, Coroutine):
                    send.close()
            await asyncio.gather(*tasks, return_exceptions=True)  # let them unwind first
            raise
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                log.error("an announcement failed unexpectedly", exc_info=result)

    async def _to_server(
        self,
        subscription: Subscription,
        drama: Drama,
        episode: Episode,
        count: int,
        kind: AnnouncementKind,
        due_at: datetime,
        cause: LateReason | None = None,
    ) -> None:
        key = DeliveryKey(subscription.guild_id, drama.slug, episode.number, kind)
        marker = delivery_marker(key)
        lang = await self._languages.for_server(subscription.guild_id)

        def render(late: Lateness | None) -> OutgoingPost:
            if kind is AnnouncementKind.REMINDER:
                embed = render_reminder(lang, drama, episode, count, marker=marker)
            else:
                embed = render_airing(lang, drama, episode, count, late=late, marker=marker)
            return OutgoingPost(
                role_ping(subscription.role_id), embed, announcement_mentions(subscription.role_id)
            )

        to = Destination.channel(subscription.guild_id, subscription.channel_id)
        await self._deliver(Delivery(key, due_at, to, render, cause))

    def _direct(
        self,
        user_id: int,
        language: str | None,
        drama: Drama,
        episode: Episode,
        count: int,
        due_at: datetime,
        cause: LateReason | None = None,
    ) -> Awaitable[None]:
        key = DeliveryKey(user_id, drama.slug, episode.number, AnnouncementKind.DIRECT)
        marker = delivery_marker(key)
        lang = self._languages.for_fan(language)

        def render(late: Lateness | None) -> OutgoingPost:
            return OutgoingPost(render_direct_reminder(lang, drama, episode, count, marker=marker))

        return self._deliver(Delivery(key, due_at, Destination.direct(user_id), render, cause))

    # -- one delivery: claim, (look,) post, settle ----------------------------------------

    async def post_test(self, to: Destination, drama: Drama, role_id: int | None) -> None:
        """A sample now, for /announce test, in the server's language: not logged (it may be
        sent any number of times), and it shows the role's ping without notifying anyone."""
        lang = await self._languages.for_server(to.guild_id)
        episodes = self._catalogue.snapshot.episodes_of(drama.slug)
        now_at = self._clock.now()
        sample = next((e for e in episodes if e.airs_at > now_at), episodes[-1])
        embed = render_airing(lang, drama, sample, len(episodes), test=True)
        await self._messenger.post(to, OutgoingPost(role_ping(role_id), embed), nonce=None)
