"""Posting announcements: exactly once per (server or fan, episode, kind), whatever fails.

Every delivery takes one path: claim its row in the delivery log, post, settle. Only the
claimant posts, and a live process keeps its claims. A claim left by a process that is gone
(killed mid fan-out, or stopped while retrying) is taken over by the next one, which first
*looks* for the post in the channel (the bot's own messages carrying the delivery's marker)
and settles without posting when the first send landed; the message nonce covers a send
still in flight. So nothing depends on how long Discord remembers a nonce.

Transient failures (5xx, 429 storms, timeouts, the database busy) are retried with backoff
and jitter until the catch-up window closes; permanent ones (no permission, channel gone,
DMs closed) are settled at once and shown in ``/announce status``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.catalogue import Catalogue
from bot.discord_pacing import bulk_requests
from bot.domain.announcements import (
    AnnounceFailure,
    AnnouncementKind,
    Claim,
    DeliveryKey,
    DeliveryState,
    EpisodeMoved,
    LateReason,
    Owed,
    PlannedJob,
    Subscription,
    Trouble,
    catch_up,
    delivery_marker,
    job_still_due,
    late_reason,
)
from bot.domain.clock import Clock
from bot.domain.delivery import DeliveryFailed, FailureKind, Problem, RetryPolicy
from bot.domain.models import Drama, Episode
from bot.i18n import Language
from bot.i18n.servers import EnglishPosts
from bot.messenger import Destination, Messenger, OutgoingPost
from bot.metrics import BotMetrics
from bot.store.announcements import AnnouncementStore, StoreBusy
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

FAN_OUT_CONCURRENCY = 64
# How long a stopping bot lets announcements in flight finish (Docker kills after 10 s).
# What is cut off stays claimed and is taken over, looked for and resent by the next start.
DRAIN_SECONDS = 7.0
# The look for an earlier post starts this long before the delivery was due.
LOOK_BACK = timedelta(minutes=5)
# Catch-up reads episodes that fell due this far back (older ones were settled before) and
# reminders up to a day ahead (the longest lead).
CATCH_UP_HORIZON = timedelta(days=7)
LONGEST_LEAD = timedelta(days=1)
# Retries woken by a post that went through spread over up to this long.
WAKE_SPREAD_SECONDS = 2.0


@dataclass(frozen=True)
class Delivery:
    """One post to make once: its key, when it was due, where, and how to render it."""

    key: DeliveryKey
    due_at: datetime
    to: Destination
    render: Callable[[Lateness | None], OutgoingPost]
    # Why a post that is not its job's could be late: the bot was offline (a start-up's
    # catch-up), or the episode moved into the past (an import's); None for a job's post.
    cause: LateReason | None = None


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
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._slots = asyncio.Semaphore(FAN_OUT_CONCURRENCY)
        self._running: set[asyncio.Task[object]] = set()
        # Set (and replaced) by a post that goes through: Discord answers again, so every
        # delivery waiting out its backoff tries now instead of trickling back for a minute.
        self._recovered = asyncio.Event()

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
        results = await asyncio.gather(*sends, return_exceptions=True)
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

    async def _deliver(self, delivery: Delivery) -> None:
        deadline_at = delivery.due_at + self._window
        attempts = 0
        claimed = False
        look_first = False
        while True:
            failure: DeliveryFailed
            found: int | None = None
            try:
                async with self._slots:
                    if not claimed:
                        claim = await self._store.claim(delivery.key, self._clock.now())
                        if claim is Claim.TAKEN:
                            return
                        claimed, look_first = True, claim is Claim.RESEND
                    elif not await self._store.still_ours(delivery.key, self._clock.now()):
                        log.warning("%s: taken over by another bot; stopping", delivery.key)
                        return
                    if look_first:
                        found = await self._earlier_post(delivery)
                    if found is None:
                        late = self._lateness(delivery, attempts)
                        post = delivery.render(late)
                        message_id = await self._messenger.post(
                            delivery.to, post, nonce=delivery.key.nonce
                        )
            except DeliveryFailed as error:
                failure = error
            except StoreBusy as error:
                failure = DeliveryFailed(Problem.DATABASE_BUSY, str(error))
            else:
                if found is not None:
                    log.info(
                        "%s: found the earlier post %s; not posting again", delivery.key, found
                    )
                    await self._settle(delivery, DeliveryState.SENT, deadline_at, message_id=found)
                    return
                self._recovered.set()
                self._recovered = asyncio.Event()
                self._metrics.announcements_sent.inc()
                if late is not None:
                    self._metrics.announcements_late.inc()
                await self._settle(delivery, DeliveryState.SENT, deadline_at, message_id=message_id)
                return
            if failure.problem is Problem.DELETED:  # posted, then removed in the server
                log.info("%s: the earlier post was deleted; not posting again", delivery.key)
                error_text = str(failure)
                await self._settle(delivery, DeliveryState.SENT, deadline_at, error=error_text)
                return
            if failure.kind is FailureKind.PERMANENT:
                await self._fail(delivery, failure, attempts + 1, deadline_at)
                return
            attempts += 1
            look_first = look_first or failure.ambiguous
            retry_at = self._retry.next_attempt_at(
                attempts, self._clock.now(), deadline_at, self._rng
            )
            if retry_at is None:
                await self._fail(delivery, failure, attempts, deadline_at, window_closed=True)
                return
            log.warning(
                "%s to %s failed (attempt %d: %s); retrying at %s",
                _describe(delivery.key),
                delivery.to,
                attempts,
                failure,
                retry_at.isoformat(timespec="seconds"),
            )
            self._metrics.announcements_retried.inc()
            if claimed:
                await self._record_attempt(delivery, failure)
            # A 429 is Discord asking this bot to slow down: it waits its full backoff.
            await self._wait_to_retry(retry_at, wake=failure.problem is not Problem.RATE_LIMITED)

    async def _wait_to_retry(self, retry_at: datetime, *, wake: bool) -> None:
        """Until ``retry_at``, or (``wake``) soon after another post goes through: then
        Discord answers again, and waiting out a minute's backoff would only make it late.
        The wake-up is spread over a moment so the waiting servers do not return together."""
        recovered = self._recovered
        delay = max(0.0, (retry_at - self._clock.now()).total_seconds())
        if not wake:
            await asyncio.sleep(delay)
            return
        try:
            await asyncio.wait_for(recovered.wait(), delay)
        except TimeoutError:
            return
        await asyncio.sleep(self._rng.uniform(0, min(delay, WAKE_SPREAD_SECONDS)))

    async def _earlier_post(self, delivery: Delivery) -> int | None:
        """The id of the bot's earlier post of this delivery in the channel, if it is there."""
        if not self._messenger.can_read_history(delivery.to):
            log.warning(
                "%s: cannot read the history of %s to check for an earlier post; posting"
                " (a duplicate is possible if the first send landed)",
                _describe(delivery.key),
                delivery.to,
            )
            return None
        return await self._messenger.find_post(
            delivery.to, delivery_marker(delivery.key), delivery.due_at - LOOK_BACK
        )

    def _lateness(self, delivery: Delivery, attempts: int) -> Lateness | None:
        now_at = self._clock.now()
        reason = late_reason(delivery.due_at, now_at, cause=delivery.cause, retried=attempts > 0)
        if reason is None:
            return None
        return Lateness(reason, (now_at - delivery.due_at).total_seconds())

    async def _record_attempt(self, delivery: Delivery, failure: DeliveryFailed) -> None:
        # Only what /announce status shows meanwhile: a busy database does not stop the retry.
        with contextlib.suppress(StoreBusy):
            await self._store.record_attempt(
                delivery.key, AnnounceFailure.of(failure, delivery.to.channel_id)
            )

    async def _settle(
        self,
        delivery: Delivery,
        state: DeliveryState,
        deadline_at: datetime,
        *,
        message_id: int | None = None,
        error: str | None = None,
    ) -> None:
        """Write the outcome, waiting out a busy database until the deadline; after that the
        claim stays, and the next start finds the post by its marker."""
        attempts = 0
        while True:
            try:
                await self._store.settle(
                    delivery.key,
                    state,
                    self._clock.now(),
                    channel_id=delivery.to.channel_id,
                    message_id=message_id,
                    error=error,
                )
                return
            except StoreBusy as busy:
                attempts += 1
                retry_at = self._retry.next_attempt_at(
                    attempts, self._clock.now(), deadline_at, self._rng
                )
                if retry_at is None:
                    log.error("%s: could not record %s: %s", delivery.key, state.value, busy)
                    return
                log.warning("%s: %s; recording it again at %s", delivery.key, busy, retry_at)
                await asyncio.sleep((retry_at - self._clock.now()).total_seconds())

    async def _fail(
        self,
        delivery: Delivery,
        failure: DeliveryFailed,
        attempts: int,
        deadline_at: datetime,
        *,
        window_closed: bool = False,
    ) -> None:
        key, to = delivery.key, delivery.to
        record = replace(
            AnnounceFailure.of(failure, to.channel_id),
            attempts=attempts,
            window_closed=window_closed,
        )
        reason = f"{failure}" + (f"; gave up after {attempts} tries" if window_closed else "")
        log.warning("%s to %s failed for good: %s", _describe(key), to, reason)
        self._metrics.announcements_failed.inc()
        await self._settle(delivery, DeliveryState.FAILED, deadline_at, error=reason)
        now_at = self._clock.now()
        try:
            if to.user_id is not None:
                if failure.problem is Problem.DMS_CLOSED:
                    await self._store.close_dms(to.user_id, now_at)
                return
            assert to.guild_id is not None and to.channel_id is not None
            if failure.problem is Problem.CHANNEL_GONE:
                ended = await self._store.end_in_channel(to.channel_id)
                titles = [self._catalogue.snapshot.title_of(s.drama_slug) for s in ended]
                if titles:
                    gone = AnnounceFailure(Trouble.CHANNEL_DELETED, dramas=tuple(titles))
                    await self._store.record_failure(to.guild_id, gone, now_at)
                return
            await self._store.record_failure(to.guild_id, record, now_at)
        except StoreBusy as busy:
            log.warning("could not record the failure of %s: %s", key, busy)

    async def post_test(self, to: Destination, drama: Drama, role_id: int | None) -> None:
        """A sample now, for /announce test, in the server's language: not logged (it may be
        sent any number of times), and it shows the role's ping without notifying anyone."""
        lang = await self._languages.for_server(to.guild_id)
        episodes = self._catalogue.snapshot.episodes_of(drama.slug)
        now_at = self._clock.now()
        sample = next((e for e in episodes if e.airs_at > now_at), episodes[-1])
        embed = render_airing(lang, drama, sample, len(episodes), test=True)
        await self._messenger.post(to, OutgoingPost(role_ping(role_id), embed), nonce=None)


def _describe(key: DeliveryKey) -> str:
    return f"{key.kind.value} of {key.drama_slug} episode {key.episode_number}"
