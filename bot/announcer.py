"""Posting announcements: exactly once per (server, episode, kind), concurrently.

Each delivery is claimed in the store before it is sent; the claim's key also gives
Discord a message nonce, so a resend after a crash between "sent" and "recorded" is
answered with the first message instead of a duplicate. One server's failure is
recorded for ``/announce status`` and stops nobody else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.domain.announcements import (
    AnnouncementKind,
    DeliveryKey,
    DeliveryState,
    PlannedJob,
    Subscription,
    catch_up,
)
from bot.domain.models import Drama, Episode
from bot.store.announcements import Claim
from bot.ui.announcements import (
    delivery_failure,
    failure_reason,
    render_airing,
    render_direct_reminder,
    render_reminder,
    role_ping,
)

if TYPE_CHECKING:
    from bot.client import FanBot

log = logging.getLogger(__name__)

FAN_OUT_CONCURRENCY = 64
# How long a stopping bot lets announcements in flight finish (Docker kills after 10 s).
# What is cut off stays claimed and is resent, with the same nonce, by the next start.
DRAIN_SECONDS = 7.0
# What can go wrong on the way to Discord, besides an HTTP error answer.
NETWORK_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)


def announcement_mentions(role_id: int | None) -> discord.AllowedMentions:
    """Only the configured role may be pinged; nothing else in the message can ping."""
    if role_id is None:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=False, users=False, replied_user=False, roles=[discord.Object(role_id)]
    )


class Announcer:
    """Runs planned jobs and start-up catch-ups against the store and Discord."""

    def __init__(self, bot: FanBot) -> None:
        self.bot = bot
        self._semaphore = asyncio.Semaphore(FAN_OUT_CONCURRENCY)
        self._running: set[asyncio.Task[object]] = set()

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

    def _episode(self, slug: str, number: int) -> tuple[Drama, Episode, int] | None:
        snapshot = self.bot.catalogue.snapshot
        drama = snapshot.drama(slug)
        episodes = snapshot.episodes_of(slug)
        episode = next((e for e in episodes if e.number == number), None)
        if drama is None or episode is None:
            return None
        return drama, episode, len(episodes)

    def _track(self) -> None:
        """Count the current task as running work, which close() lets finish."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def run(self, job: PlannedJob) -> None:
        """One scheduler job: announce to every server (or fan) concerned, concurrently."""
        self._track()
        found = self._episode(job.drama_slug, job.episode_number)
        if found is None:
            log.warning("job %s: episode no longer exists; nothing to announce", job.job_id)
            return
        drama, episode, count = found
        if job.kind is AnnouncementKind.DIRECT:
            users = await self.bot.store.announcements.reminder_users(drama.slug)
            await self._fan_out([self._direct(user_id, drama, episode, count) for user_id in users])
            return
        subscriptions = await self.bot.store.announcements.subscriptions(drama_slug=drama.slug)
        if job.kind is AnnouncementKind.REMINDER:
            subscriptions = [s for s in subscriptions if s.lead_minutes == job.lead_minutes]
        await self._fan_out(
            [self._to_server(s, drama, episode, count, job.kind) for s in subscriptions]
        )

    async def catch_up(self, now_at: datetime) -> None:
        """Post what aired while the bot was away (within the window); record older misses."""
        self._track()
        store = self.bot.store.announcements
        window = timedelta(minutes=self.bot.settings.catchup_minutes)
        owed = catch_up(
            self.bot.catalogue.snapshot.episodes,
            await store.subscriptions(),
            await store.settled_airings(),
            now_at,
            window,
        )
        for subscription, episode in owed.missed:
            key = DeliveryKey(
                subscription.guild_id, episode.drama_slug, episode.number, AnnouncementKind.AIRING
            )
            log.warning(
                "guild %s missed episode %s of %s (aired %s, beyond the catch-up window)",
                subscription.guild_id,
                episode.number,
                episode.drama_slug,
                episode.airs_at,
            )
            await store.settle(key, DeliveryState.MISSED, now_at, error="bot was offline")
        sends = []
        for subscription, episode in owed.post:
            found = self._episode(episode.drama_slug, episode.number)
            if found is not None:
                drama, current, count = found
                sends.append(
                    self._to_server(subscription, drama, current, count, AnnouncementKind.AIRING)
                )
        await self._fan_out(sends)

    async def _fan_out(self, sends: Sequence[Awaitable[None]]) -> None:
        async def limited(send: Awaitable[None]) -> None:
            async with self._semaphore:
                await send

        results = await asyncio.gather(*(limited(s) for s in sends), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                log.error("an announcement failed unexpectedly", exc_info=result)

    async def _claimed(
        self, key: DeliveryKey, send: Callable[[], Awaitable[int | None]], channel_id: int | None
    ) -> None:
        """Claim, send, settle: the one path every delivery takes."""
        store = self.bot.store.announcements
        now_at = discord.utils.utcnow()
        claim = await store.claim(key, now_at)
        if claim is Claim.TAKEN:
            return
        try:
            message_id = await send()
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            reason = failure_reason(error)
            log.warning(
                "%s for %s episode %s failed in guild/user %s channel %s: %s",
                key.kind.value,
                key.drama_slug,
                key.episode_number,
                key.target_id,
                channel_id,
                error,
            )
            await store.settle(
                key,
                DeliveryState.FAILED,
                discord.utils.utcnow(),
                channel_id=channel_id,
                error=reason,
            )
            if key.kind is not AnnouncementKind.DIRECT and channel_id is not None:
                await store.record_failure(
                    key.target_id, delivery_failure(channel_id, reason), discord.utils.utcnow()
                )
            elif isinstance(error, discord.Forbidden):  # the fan's DMs are closed
                await store.close_dms(key.target_id, discord.utils.utcnow())
            return
        await store.settle(
            key,
            DeliveryState.SENT,
            discord.utils.utcnow(),
            channel_id=channel_id,
            message_id=message_id,
        )

    async def _to_server(
        self,
        subscription: Subscription,
        drama: Drama,
        episode: Episode,
        count: int,
        kind: AnnouncementKind,
    ) -> None:
        key = DeliveryKey(subscription.guild_id, drama.slug, episode.number, kind)
        channel = self.bot.get_partial_messageable(
            subscription.channel_id, guild_id=subscription.guild_id
        )

        async def send() -> int:
            if kind is AnnouncementKind.REMINDER:
                embed = render_reminder(drama, episode, count)
            else:
                embed = render_airing(drama, episode, count, discord.utils.utcnow())
            message = await channel.send(
                content=role_ping(subscription.role_id),
                embed=embed,
                allowed_mentions=announcement_mentions(subscription.role_id),
                nonce=key.nonce,
            )
            return message.id

        await self._claimed(key, send, subscription.channel_id)

    async def _direct(self, user_id: int, drama: Drama, episode: Episode, count: int) -> None:
        key = DeliveryKey(user_id, drama.slug, episode.number, AnnouncementKind.DIRECT)

        async def send() -> int:
            dm = await self.bot.create_dm(discord.Object(user_id))
            message = await dm.send(
                render_direct_reminder(drama, episode, count),
                allowed_mentions=discord.AllowedMentions.none(),
                nonce=key.nonce,
            )
            return message.id

        await self._claimed(key, send, None)

    async def post_test(
        self, channel_id: int, guild_id: int, drama: Drama, role_id: int | None
    ) -> None:
        """A sample now, for /announce test (not logged: it may be sent any number of times)."""
        snapshot = self.bot.catalogue.snapshot
        episodes = snapshot.episodes_of(drama.slug)
        now_at = discord.utils.utcnow()
        sample = next((e for e in episodes if e.airs_at > now_at), episodes[-1])
        channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
        await channel.send(
            content=role_ping(role_id),
            embed=render_airing(drama, sample, len(episodes), now_at, test=True),
            allowed_mentions=announcement_mentions(role_id),
        )
