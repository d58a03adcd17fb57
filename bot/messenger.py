"""Posting to Discord for services: a narrow port, and its discord.py implementation.

The announcer needs three things from Discord: post a message (with a nonce), look in a
channel's recent history for its own post, and know whether it may read that history.
:class:`DiscordMessenger` does them with discord.py and turns every way they fail into a
:class:`~bot.domain.delivery.DeliveryFailed` whose problem says transient or permanent, so
the services above never see an HTTP status.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import aiohttp
import discord

from bot.domain.delivery import DeliveryFailed, Problem

log = logging.getLogger(__name__)

# One request that never answers must not hold a delivery forever.
REQUEST_TIMEOUT_SECONDS = 30.0
# Discord's error codes the bot tells apart.
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
CANNOT_DM = 50007


@dataclass(frozen=True)
class Destination:
    """A server's channel, or a fan's DMs."""

    guild_id: int | None = None
    channel_id: int | None = None
    user_id: int | None = None

    @classmethod
    def channel(cls, guild_id: int, channel_id: int) -> Destination:
        return cls(guild_id=guild_id, channel_id=channel_id)

    @classmethod
    def direct(cls, user_id: int) -> Destination:
        return cls(user_id=user_id)


@dataclass(frozen=True)
class OutgoingPost:
    """What to post: text and/or one embed, and who it may ping."""

    content: str | None = None
    embed: discord.Embed | None = None
    allowed_mentions: discord.AllowedMentions | None = None


class Messenger(Protocol):
    """What a service needs to speak in Discord."""

    async def post(self, to: Destination, post: OutgoingPost, *, nonce: str | None) -> int:
        """Post and return the message id; raise DeliveryFailed."""
        ...

    async def find_post(self, to: Destination, marker: str, after_at: datetime) -> int | None:
        """The id of the bot's own message after ``after_at`` that carries ``marker``."""
        ...

    def can_read_history(self, to: Destination) -> bool:
        """False when the bot knows it may not read the channel's history."""
        ...


def problem_of(error: BaseException) -> DeliveryFailed:
    """What a discord.py or network error means for a delivery."""
    if isinstance(error, discord.Forbidden):
        problem = Problem.DMS_CLOSED if error.code == CANNOT_DM else Problem.NO_PERMISSION
        return DeliveryFailed(problem, error.text, status=error.status)
    if isinstance(error, discord.NotFound):
        if error.code == UNKNOWN_MESSAGE:  # a nonce whose first post was since deleted
            return DeliveryFailed(Problem.DELETED, error.text, status=error.status)
        if error.code == UNKNOWN_CHANNEL:
            return DeliveryFailed(Problem.CHANNEL_GONE, error.text, status=error.status)
        # Another 404 (an unknown guild or user, a proxy's page) ends nothing.
        return DeliveryFailed(Problem.REJECTED, error.text, status=error.status)
    if isinstance(error, discord.DiscordServerError):
        return DeliveryFailed(Problem.DISCORD_ERROR, error.text, status=error.status)
    if isinstance(error, discord.HTTPException):
        if error.status == 429:
            return DeliveryFailed(Problem.RATE_LIMITED, error.text, status=429)
        return DeliveryFailed(Problem.REJECTED, error.text, status=error.status)
    return DeliveryFailed(Problem.UNREACHABLE, str(error) or type(error).__name__)


NETWORK_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)


class DiscordMessenger:
    """The Messenger of a running discord.py client."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def _messageable(self, to: Destination) -> discord.abc.Messageable:
        if to.user_id is not None:
            return await self._client.create_dm(discord.Object(to.user_id))
        assert to.channel_id is not None
        return self._client.get_partial_messageable(to.channel_id, guild_id=to.guild_id)

    async def post(self, to: Destination, post: OutgoingPost, *, nonce: str | None) -> int:
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                channel = await self._messageable(to)
                message = await channel.send(
                    content=post.content,
                    embed=post.embed,  # type: ignore[arg-type]  # None is accepted at run time
                    allowed_mentions=post.allowed_mentions or discord.AllowedMentions.none(),
                    nonce=nonce,  # type: ignore[arg-type]  # None: no nonce (its default)
                )
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            raise problem_of(error) from error
        return message.id

    async def find_post(self, to: Destination, marker: str, after_at: datetime) -> int | None:
        me = self._client.user
        if me is None:
            raise DeliveryFailed(Problem.UNREACHABLE, "not connected")
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                channel = await self._messageable(to)
                # Every message since ``after_at`` (a page of 100 a request), however busy the
                # channel: stopping early could miss the post and post it twice.
                async for message in channel.history(limit=None, after=after_at, oldest_first=True):
                    if message.author.id == me.id and marker in _visible_text(message):
                        return message.id
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            raise problem_of(error) from error
        return None

    def can_read_history(self, to: Destination) -> bool:
        if to.user_id is not None or to.guild_id is None:
            return True  # the bot reads its own DMs
        guild = self._client.get_guild(to.guild_id)
        channel = guild.get_channel(to.channel_id or 0) if guild else None
        if guild is None or channel is None:
            return True  # not in the cache: the look itself will tell
        return channel.permissions_for(guild.me).read_message_history


def _visible_text(message: discord.Message) -> str:
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
    return "\n".join(parts)
