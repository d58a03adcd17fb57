"""In-memory Discord world of the emulator: guilds, channels, roles, members, messages.

Everything the bot does is recorded with both clocks (``time.monotonic`` for ordering and
latency, wall time for humans) so tests and benchmarks can assert on what happened and when.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
READ_MESSAGE_HISTORY = 1 << 16
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ALL_PERMISSIONS = (1 << 51) - 1
#: @everyone's defaults in a new guild (view, send, read history, embed, attach, reactions...)
DEFAULT_EVERYONE = (
    1 << 6 | VIEW_CHANNEL | SEND_MESSAGES | 1 << 14 | 1 << 15 | READ_MESSAGE_HISTORY | 1 << 31
)


class Snowflakes:
    """Generates real-looking, strictly increasing snowflakes (discord.py derives dates)."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        # Servers are older than the bot's session: their ids start a year back, one
        # millisecond apart, so ``(guild_id >> 22) % shard_count`` spreads them as on Discord.
        self._past_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS - 365 * 86_400_000
        self._past = itertools.count()

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)

    def past(self) -> int:
        """A unique snowflake from a year ago (a server created before the bot connected)."""
        return ((self._past_ms + next(self._past)) << 22) | (next(self._counter) & 0x3FFFFF)


def iso(wall: float) -> str:
    """Discord's timestamp format."""
    return datetime.fromtimestamp(wall, UTC).isoformat()


@dataclass
class Stamp:
    """When something happened, on both clocks."""

    mono: float = field(default_factory=time.monotonic)
    wall: float = field(default_factory=time.time)


@dataclass
class User:
    id: int
    name: str
    bot: bool = False
    dms_closed: bool = False
    locale: str = "en-US"  # the language of the user's Discord client (interaction.locale)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "primary_guild": None,
            "collectibles": None,
        }


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 1
    managed: bool = False
    mentionable: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
            "description": None,
        }


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass
class Channel:
    id: int
    name: str
    type: int = 0  # 0 text, 1 DM
    guild_id: int | None = None
    position: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    recipient_id: int | None = None
    deleted: bool = False
    last_message_id: int | None = None

    def to_dict(self, users: dict[int, User] | None = None) -> dict[str, Any]:
        if self.type == 1:
            rec = users[self.recipient_id].to_dict() if users and self.recipient_id else None
            return {
                "id": str(self.id),
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [rec] if rec else [],
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "parent_id": None,
            "nsfw": False,
            "topic": None,
            "rate_limit_per_user": 0,
            "flags": 0,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "permission_overwrites": [o.to_dict() for o in self.overwrites],
        }


@dataclass
class Member:
    user_id: int
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined: Stamp = field(default_factory=Stamp)

    def to_dict(self, users: dict[int, User], permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user": users[self.user_id].to_dict(),
            "roles": [str(r) for r in self.role_ids],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "flags": 0,
            "deaf": False,
            "mute": False,
            "pending": False,
            "joined_at": iso(self.joined.wall),
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    # A Community server's language (guild_locale); Discord says en-US for every other one.
    preferred_locale: str = "en-US"

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]


@dataclass
class Edit:
    """One version of a message: what the bot set and when."""

    at: Stamp
    payload: dict[str, Any]


_EMPTY: dict[str, Any] = {
    "content": str,
    "embeds": list,
    "components": list,
    "flags": int,
    "allowed_mentions": lambda: None,
    "attachments": list,
}


@dataclass
class Message:
    id: int
    channel_id: int
    author_id: int
    guild_id: int | None
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    interaction_id: int | None = None
    webhook_id: int | None = None
    nonce: str | None = None
    created: Stamp = field(default_factory=Stamp)
    edited: Stamp | None = None
    history: list[Edit] = field(default_factory=list)
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    def apply(self, payload: dict[str, Any]) -> None:
        """Apply a create/edit body, keeping the previous versions in ``history``."""
        for key, empty in _EMPTY.items():
            if key in payload:
                value = payload[key]
                if key == "flags":
                    value = int(value or 0) | (self.flags & 64)
                setattr(self, key, empty() if value is None else value)
        self.history.append(Edit(Stamp(), dict(payload)))

    def to_dict(self, users: dict[int, User], app_id: int) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            **({"guild_id": str(self.guild_id)} if self.guild_id else {}),
            "author": users[self.author_id].to_dict(),
            "content": self.content,
            "timestamp": iso(self.created.wall),
            "edited_timestamp": iso(self.edited.wall) if self.edited else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": 20 if self.interaction_id else 0,
            "flags": self.flags,
            **({"nonce": self.nonce} if self.nonce is not None else {}),
            **(
                {"webhook_id": str(self.webhook_id), "application_id": str(app_id)}
                if self.webhook_id
                else {}
            ),
        }


@dataclass
class Interaction:
    """One interaction the emulator dispatched and everything the bot answered to it."""

    id: int
    token: str
    type: int
    user_id: int
    channel_id: int
    guild_id: int | None
    data: dict[str, Any]
    deadline: float
    created: Stamp = field(default_factory=Stamp)
    response_type: int | None = None
    responded: Stamp | None = None
    response_body: dict[str, Any] | None = None
    failed: str | None = None  # "deadline" or a rejected response's error message
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    source_message_id: int | None = None
    locale: str = "en-US"
    guild_locale: str | None = None
    rejections: list[Any] = field(default_factory=list)  # DiscordErrors its responses got
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def touch(self) -> None:
        """Wake whoever waits on this interaction (waiters grab ``changed`` before checking)."""
        self.changed.set()
        self.changed = asyncio.Event()


@dataclass
class RecordedError:
    at: Stamp
    method: str
    path: str
    status: int
    code: int
    message: str
    errors: dict[str, Any] | None = None
    body: Any = None


@dataclass
class RecordedRequest:
    at: Stamp
    method: str
    path: str
    route: str | None
    status: int
    duration: float = 0.0


@dataclass
class World:
    """All state, plus the indexes the REST handlers need."""

    ids: Snowflakes = field(default_factory=Snowflakes)
    users: dict[int, User] = field(default_factory=dict)
    guilds: dict[int, Guild] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    interactions: dict[int, Interaction] = field(default_factory=dict)
    commands: dict[int | None, dict[str, dict[str, Any]]] = field(default_factory=dict)
    command_puts: list[tuple[Stamp, int | None, int]] = field(default_factory=list)
    #: every accepted initial response in order: (when, interaction id, type, body)
    responses: list[tuple[Stamp, int, int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RecordedError] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    #: requests answered with an injected failure (``fail_next``/``fail_for``)
    refused_requests: list[RecordedRequest] = field(default_factory=list)
    unknown_routes: list[tuple[str, str]] = field(default_factory=list)
    dm_channels: dict[int, int] = field(default_factory=dict)

    def permissions(self, guild: Guild, user_id: int, channel: Channel | None = None) -> int:
        """Discord's permission algorithm: base from roles, then channel overwrites."""
        if guild.owner_id == user_id:
            return ALL_PERMISSIONS
        member = guild.members.get(user_id)
        perms = guild.everyone.permissions
        role_ids = member.role_ids if member else []
        for rid in role_ids:
            if rid in guild.roles:
                perms |= guild.roles[rid].permissions
        if perms & ADMINISTRATOR:
            return ALL_PERMISSIONS
        if channel is None:
            return perms
        ows = {o.id: o for o in channel.overwrites}
        if guild.id in ows:
            perms = (perms & ~ows[guild.id].deny) | ows[guild.id].allow
        allow = deny = 0
        for rid in role_ids:
            if rid in ows:
                allow |= ows[rid].allow
                deny |= ows[rid].deny
        perms = (perms & ~deny) | allow
        if user_id in ows:
            perms = (perms & ~ows[user_id].deny) | ows[user_id].allow
        return perms
