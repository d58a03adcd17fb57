"""One delivery, exactly once: claim its row in the delivery log, post, settle.

Only the claimant posts, and a live process keeps its claims. A claim left by a process that
is gone is taken over by the next one, which first *looks* for the post in the channel (the
bot's own messages carrying the delivery's marker) and settles without posting when the
first send landed; the message nonce covers a send still in flight. So nothing depends on
how long Discord remembers a nonce.

Transient failures (5xx, 429 storms, timeouts, the database busy) are retried with backoff
and jitter until the catch-up window closes; permanent ones (no permission, channel gone,
DMs closed) are settled at once and shown in ``/announce status``. :mod:`bot.announcer`
decides what is owed; this module only delivers it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.catalogue import Catalogue
from bot.domain.announcements import (
    AnnounceFailure,
    Claim,
    DeliveryKey,
    DeliveryState,
    LateReason,
    Trouble,
    delivery_marker,
    late_reason,
)
from bot.domain.clock import Clock
from bot.domain.delivery import DeliveryFailed, FailureKind, Problem, RetryPolicy
from bot.messenger import Destination, Messenger, OutgoingPost
from bot.metrics import BotMetrics
from bot.store.announcements import AnnouncementStore, StoreBusy
from bot.ui.announcements import Lateness

log = logging.getLogger(__name__)

FAN_OUT_CONCURRENCY = 64
# The look for an earlier post starts this long before the delivery was due.
LOOK_BACK = timedelta(minutes=5)
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


class DeliveryRunner:
    """Delivers :class:`Delivery` values: store, messenger and clock, and the retry policy."""

    def __init__(
        self,
        store: AnnouncementStore,
        catalogue: Catalogue,
        messenger: Messenger,
        clock: Clock,
        *,
        window: timedelta,
        retry: RetryPolicy,
        rng: random.Random,
        metrics: BotMetrics,
    ) -> None:
        self._store = store
        self._catalogue = catalogue  # titles for "stopped announcing …"
        self._messenger = messenger
        self._clock = clock
        self._window = window
        self._retry = retry
        self._rng = rng
        self._metrics = metrics
        self._slots = asyncio.Semaphore(FAN_OUT_CONCURRENCY)
        # Set (and replaced) by a post that goes through: Discord answers again, so every
        # delivery waiting out its backoff tries now instead of trickling back for a minute.
        self._recovered = asyncio.Event()

    async def deliver(self, delivery: Delivery) -> None:
        """Claim, (look,) post, settle: the one path every post takes."""
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


def _describe(key: DeliveryKey) -> str:
    return f"{key.kind.value} of {key.drama_slug} episode {key.episode_number}"
