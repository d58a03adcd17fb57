"""``DiscordEmulator``: the server plus the test-facing API that reads like a user's session."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.discord_urls import point_discord_at

from . import payloads
from .actions import (
    Reply,
    build_command_data,
    check_clickable,
    find_button,
    find_command,
    modal_submit_data,
)
from .endpoints import LOADING, build_router
from .gateway import INVALID_SESSION, RECONNECT, Gateway
from .ratelimit import RateLimiter
from .rest import RestApi
from .rules import DiscordError, SpecValidator, check_message
from .state import (
    ADMINISTRATOR,
    DEFAULT_EVERYONE,
    MANAGE_GUILD,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    Guild,
    Interaction,
    Member,
    Message,
    Overwrite,
    RecordedError,
    RecordedRequest,
    Role,
    Stamp,
    User,
    World,
)

_SPEC = SpecValidator()  # shared: validators are cached per (path, method) across emulators


class DiscordEmulator:
    """A local Discord (REST + gateway) for an unmodified discord.py client.

    Tune the rules with the constructor (each is also an attribute settable at any time):
    ``interaction_deadline`` (3 s on Discord), ``followup_window`` (15 min of followups and
    edits), ``nonce_window_seconds`` (how long ``enforce_nonce`` remembers a nonce; Discord
    says "a few minutes"), ``session_resume_timeout`` (how long a disconnected gateway session
    stays resumable; also "a few minutes"), ``privileged_intents_enabled`` (the developer
    portal's toggles), ``rate_limits`` (False disables all limits), ``route_limit``/``route_per``
    (default bucket), ``global_limit`` (requests/s, None for none), ``heartbeat_interval_ms``.
    """

    def __init__(
        self,
        *,
        interaction_deadline: float = 3.0,
        followup_window: float = 15 * 60.0,
        nonce_window_seconds: float = 300.0,
        session_resume_timeout: float = 120.0,
        privileged_intents_enabled: bool = True,
        rate_limits: bool = True,
        route_limit: int = 5,
        route_per: float = 5.0,
        global_limit: int | None = 50,
        heartbeat_interval_ms: int = 41250,
        max_concurrency: int = 1,
        identify_window: float | None = None,
        recommended_shards: int | None = None,
        token: str = "emulator-token",
        bot_name: str = "Drama Fanbot",
    ) -> None:
        self.world = World()
        self.spec = _SPEC
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.followup_window = followup_window
        self.nonce_window_seconds = nonce_window_seconds
        self._nonce_horizon = float("-inf")  # messages created before it are forgotten
        self._nonces: dict[tuple[int, str], Message] = {}  # (author, nonce): newest message
        self.limiter = RateLimiter(route_limit, route_per, global_limit, enabled=rate_limits)
        self.gateway = Gateway(self._ready_payloads, heartbeat_interval_ms, session_resume_timeout)
        self.gateway.privileged_intents_enabled = privileged_intents_enabled
        self.gateway.max_concurrency = max_concurrency
        self.gateway.identify_window = identify_window
        self.gateway.recommended_shards = recommended_shards
        self.rest = RestApi(self, build_router())
        self.bot = self._new_user(bot_name, bot=True)
        self.app_id = self.bot.id
        self.gateway.bot_id = self.bot.id
        self.owner = self._new_user("owner")
        self.by_token: dict[str, Interaction] = {}
        self._changed = asyncio.Event()
        self._timers: list[asyncio.TimerHandle] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> DiscordEmulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def session_resume_timeout(self) -> float:
        """Seconds a disconnected gateway session can still RESUME (then op 9, re-identify)."""
        return self.gateway.session_timeout

    @session_resume_timeout.setter
    def session_resume_timeout(self, seconds: float) -> None:
        self.gateway.session_timeout = seconds

    @property
    def privileged_intents_enabled(self) -> bool:
        """The developer portal's privileged-intent toggles; when False, an IDENTIFY asking
        for GUILD_MEMBERS, GUILD_PRESENCES or MESSAGE_CONTENT is closed with 4014."""
        return self.gateway.privileged_intents_enabled

    @privileged_intents_enabled.setter
    def privileged_intents_enabled(self, enabled: bool) -> None:
        self.gateway.privileged_intents_enabled = enabled

    @property
    def max_concurrency(self) -> int:
        """Identifies allowed per ``identify_window``, in buckets ``shard_id % max_concurrency``
        (1 for most bots on Discord; 16 and more for very large ones)."""
        return self.gateway.max_concurrency

    @max_concurrency.setter
    def max_concurrency(self, value: int) -> None:
        self.gateway.max_concurrency = value

    @property
    def identify_window(self) -> float | None:
        """Seconds between two identifies of one bucket (Discord: 5); None enforces none."""
        return self.gateway.identify_window

    @identify_window.setter
    def identify_window(self, seconds: float | None) -> None:
        self.gateway.identify_window = seconds

    @property
    def recommended_shards(self) -> int:
        """What GET /gateway/bot recommends: one shard per 1,000 guilds unless set."""
        return self.gateway.recommended_shard_count(len(self.world.guilds))

    @recommended_shards.setter
    def recommended_shards(self, count: int | None) -> None:
        self.gateway.recommended_shards = count

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def point_discord(self) -> Callable[[], None]:
        """Aim discord.py at this emulator; call the returned function to undo."""
        return point_discord_at(self.api_base_url, self.gateway_url)

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # --- building the world ---------------------------------------------------------------------

    def _new_user(self, name: str, bot: bool = False, dms_closed: bool = False) -> User:
        user = User(self.world.ids.next(), name, bot=bot, dms_closed=dms_closed)
        self.world.users[user.id] = user
        return user

    def add_guild(self, name: str) -> Guild:
        """A guild with @everyone, a #general channel, its owner and the bot as members."""
        gid = self.world.ids.past()
        guild = Guild(gid, name, owner_id=self.owner.id)
        guild.roles[gid] = Role(gid, gid, "@everyone", DEFAULT_EVERYONE, position=0)
        for uid in (self.owner.id, self.bot.id):
            guild.members[uid] = Member(uid, gid)
        self.world.guilds[gid] = guild
        self.add_channel(guild, "general")
        self._dispatch_soon("GUILD_CREATE", lambda: self.guild_payload(guild))
        return guild

    def add_channel(self, guild: Guild, name: str, *, bot_can_send: bool = True) -> Channel:
        cid = self.world.ids.next()
        channel = Channel(cid, name, guild_id=guild.id, position=len(guild.channels))
        if not bot_can_send:
            channel.overwrites.append(Overwrite(self.bot.id, 1, deny=SEND_MESSAGES))
        guild.channels[cid] = channel
        self.world.channels[cid] = channel
        self._dispatch_soon("CHANNEL_CREATE", channel.to_dict)
        return channel

    def set_bot_can_send(self, channel: Channel, allowed: bool) -> None:
        """An admin changes the channel's overwrite for the bot (CHANNEL_UPDATE is sent)."""
        self._set_bot_denied(channel, SEND_MESSAGES, not allowed)

    def set_bot_can_view(self, channel: Channel, allowed: bool) -> None:
        """An admin hides the channel from the bot, or shows it again (CHANNEL_UPDATE)."""
        self._set_bot_denied(channel, VIEW_CHANNEL, not allowed)

    def set_bot_can_read_history(self, channel: Channel, allowed: bool) -> None:
        """An admin denies the bot Read Message History there, or lifts the denial
        (CHANNEL_UPDATE); without it the bot's GET messages answers an empty list."""
        self._set_bot_denied(channel, READ_MESSAGE_HISTORY, not allowed)

    def _set_bot_denied(self, channel: Channel, permission: int, denied: bool) -> None:
        old = next((o for o in channel.overwrites if o.id == self.bot.id), None)
        deny = ((old.deny if old else 0) & ~permission) | (permission if denied else 0)
        channel.overwrites = [o for o in channel.overwrites if o.id != self.bot.id]
        if deny or (old and old.allow):
            channel.overwrites.append(
                Overwrite(self.bot.id, 1, allow=old.allow if old else 0, deny=deny)
            )
        self._dispatch_soon("CHANNEL_UPDATE", channel.to_dict)

    def dm_channel(self, user: User) -> Channel:
        """The DM channel between the bot and ``user`` (opened now if neither opened it), to
        run commands in as the user would."""
        world = self.world
        channel_id = world.dm_channels.get(user.id)
        if channel_id is None:
            channel_id = world.ids.next()
            world.channels[channel_id] = Channel(channel_id, "", type=1, recipient_id=user.id)
            world.dm_channels[user.id] = channel_id
        return world.channels[channel_id]

    def dm_messages(self, user: User) -> list[Message]:
        """Direct messages the bot sent to ``user``."""
        channel_id = self.world.dm_channels.get(user.id)
        return [m for m in self.world.messages.values() if m.channel_id == channel_id]

    def delete_channel(self, channel: Channel) -> None:
        channel.deleted = True
        if channel.guild_id:
            self.world.guilds[channel.guild_id].channels.pop(channel.id, None)
        self._dispatch_soon("CHANNEL_DELETE", channel.to_dict)

    def delete_role(self, role: Role) -> None:
        """An admin deletes the role (GUILD_ROLE_DELETE)."""
        guild = self.world.guilds[role.guild_id]
        guild.roles.pop(role.id, None)
        for member in guild.members.values():
            if role.id in member.role_ids:
                member.role_ids.remove(role.id)
        self._dispatch_soon(
            "GUILD_ROLE_DELETE", lambda: {"guild_id": str(guild.id), "role_id": str(role.id)}
        )

    def remove_bot_from(self, guild: Guild) -> None:
        """The bot is kicked from (or leaves) the server: GUILD_DELETE without unavailable."""
        self.world.guilds.pop(guild.id, None)
        self._dispatch_soon("GUILD_DELETE", lambda: {"id": str(guild.id)})

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        role = Role(self.world.ids.next(), guild.id, name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        self._dispatch_soon(
            "GUILD_ROLE_CREATE", lambda: {"guild_id": str(guild.id), "role": role.to_dict()}
        )
        return role

    def add_user(
        self,
        name: str,
        *,
        guild: Guild | None = None,
        permissions: int = 0,
        admin: bool = False,
        manage_guild: bool = False,
        roles: tuple[Role, ...] = (),
        dms_closed: bool = False,
    ) -> User:
        """A user; with ``guild`` also a member, holding ``roles`` and extra permissions."""
        user = self._new_user(name, dms_closed=dms_closed)
        if guild is not None:
            member = Member(user.id, guild.id, [r.id for r in roles])
            extra = (
                permissions
                | (ADMINISTRATOR if admin else 0)
                | (MANAGE_GUILD if manage_guild else 0)
            )
            if extra:
                member.role_ids.append(self.add_role(guild, f"{name}-perms", extra).id)
            guild.members[user.id] = member
        return user

    def _dispatch_soon(self, event: str, build: Callable[[], Any]) -> None:
        """Tell a connected bot about a change made after it identified."""
        if self.gateway.sessions:
            task = asyncio.get_running_loop().create_task(self.gateway.dispatch(event, build()))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    # --- payloads -------------------------------------------------------------------------------

    def guild_payload(self, guild: Guild, full: bool = True) -> dict[str, Any]:
        return payloads.guild_payload(self, guild, full)

    def _ready_payloads(
        self, session_id: str, shard: tuple[int, int] | None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return payloads.ready_payloads(self, session_id, shard)

    def message_payload(self, msg: Message) -> dict[str, Any]:
        return msg.to_dict(self.world.users, self.app_id)

    def stored_command(
        self, cmd: dict[str, Any], scope: int | None, old: dict[str, Any] | None
    ) -> dict[str, Any]:
        return payloads.stored_command(self, cmd, scope, old)

    # --- messages -------------------------------------------------------------------------------

    def new_message(
        self, channel: Channel, body: dict[str, Any], interaction: Interaction | None = None
    ) -> Message:
        msg = Message(
            self.world.ids.next(),
            channel.id,
            self.bot.id,
            channel.guild_id,
            interaction_id=interaction.id if interaction else None,
            webhook_id=self.app_id if interaction else None,
        )
        msg.apply(body)
        msg.history[0].at = msg.created
        channel.last_message_id = msg.id
        self.world.messages[msg.id] = msg
        self.notify()
        return msg

    def edit(self, msg: Message, body: dict[str, Any]) -> dict[str, Any]:
        check_message(body, creating=False)
        after = {
            key: body[key] if key in body else getattr(msg, key)
            for key in ("content", "embeds", "components", "attachments")
        }
        after["content"] = str(after["content"] or "").strip()  # whitespace is no content
        if not any(after.values()):
            raise DiscordError(400, 50006, "Cannot send an empty message")
        msg.apply(body)
        msg.flags &= ~LOADING
        msg.edited = Stamp()
        self.notify()
        return self.message_payload(msg)

    def remembered_nonce(self, author_id: int, nonce: str) -> Message | None:
        """The message (deleted or not) ``author_id`` created with ``nonce`` within the last
        ``nonce_window_seconds``, as Discord's ``enforce_nonce`` remembers it."""
        msg = self._nonces.get((author_id, nonce))
        if msg is None:
            return None
        created = msg.created.mono
        if time.monotonic() - created > self.nonce_window_seconds:
            return None
        return None if created <= self._nonce_horizon else msg

    def remember_nonce(self, msg: Message, nonce: str) -> None:
        """A message created with ``nonce``; looked up by ``remembered_nonce`` in O(1) (a
        scan of every message made a 10,000-server fan-out quadratic here)."""
        msg.nonce = nonce
        self._nonces[(msg.author_id, nonce)] = msg

    def forget_nonces(self) -> None:
        """Discord's nonce memory has passed for every message sent so far: a resend with
        ``enforce_nonce`` now creates a new message."""
        self._nonce_horizon = time.monotonic()

    async def dispatch_message_create(self, msg: Message) -> None:
        """MESSAGE_CREATE as the gateway sends it: the message plus ``channel_type`` and,
        in a guild, the author's ``member`` (without ``user``)."""
        data = self.message_payload(msg)
        channel = self.world.channels[msg.channel_id]
        data["channel_type"] = channel.type
        guild = self.world.guilds.get(msg.guild_id or 0)
        if guild is not None and msg.author_id in guild.members:
            member = guild.members[msg.author_id].to_dict(self.world.users)
            member.pop("user")
            data["member"] = member
        await self.gateway.dispatch("MESSAGE_CREATE", data)

    async def delete_message(self, message: Message) -> None:
        """A user or moderator deletes ``message`` (the bot gets MESSAGE_DELETE)."""
        message.deleted = True
        self.notify()
        data = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if message.guild_id:
            data["guild_id"] = str(message.guild_id)
        await self.gateway.dispatch("MESSAGE_DELETE", data)

    def messages_in(self, channel: Channel) -> list[Message]:
        """Messages in a channel, oldest first (ephemeral ones included, flagged)."""
        return [
            m for m in self.world.messages.values() if m.channel_id == channel.id and not m.deleted
        ]

    async def wait_for_message(
        self,
        channel: Channel,
        contains: str = "",
        timeout: float = 5.0,
        where: Callable[[Message], bool] | None = None,
    ) -> Message:
        """The newest message in ``channel`` containing ``contains`` (in content or embeds)."""
        async with asyncio.timeout(timeout):
            while True:
                changed = self._changed
                for msg in reversed(self.messages_in(channel)):
                    text = msg.content + " ".join(str(e) for e in msg.embeds)
                    if contains in text and (where is None or where(msg)):
                        return msg
                await changed.wait()

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``condition()`` holds, re-checked whenever the emulator's state changes."""
        async with asyncio.timeout(timeout):
            while True:
                changed = self._changed
                if condition():
                    return
                await changed.wait()

    # --- users acting ---------------------------------------------------------------------------

    def _default_channel(self, user: User) -> Channel:
        for guild in self.world.guilds.values():
            if user.id in guild.members:
                return next(c for c in guild.channels.values() if not c.deleted)
        raise LookupError(f"{user.name} is in no guild; pass channel=")

    async def _interact(
        self,
        user: User,
        itype: int,
        channel: Channel | None,
        data: dict[str, Any],
        message: Message | None = None,
        locale: str | None = None,
        guild_locale: str | None = None,
    ) -> Interaction:
        channel = channel or self._default_channel(user)
        inter = Interaction(
            self.world.ids.next(),
            secrets.token_urlsafe(48),
            itype,
            user.id,
            channel.id,
            channel.guild_id,
            data,
            deadline=time.monotonic() + self.interaction_deadline,
            source_message_id=message.id if message else None,
            locale=locale or user.locale,
            guild_locale=guild_locale,
        )
        self.world.interactions[inter.id] = inter
        self.by_token[inter.token] = inter
        loop = asyncio.get_running_loop()
        self._timers.append(loop.call_later(self.interaction_deadline, self.expire, inter))
        if len(self._timers) > 256:
            self._timers = [t for t in self._timers if not t.cancelled()][-256:]
        payload = payloads.interaction_payload(self, inter, message)
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return inter

    def expire(self, inter: Interaction) -> None:
        """The deadline passed: unanswered means the user sees "This interaction failed"."""
        if inter.response_type is None and inter.failed is None:
            inter.failed = "deadline"
            inter.touch()
            self.notify()

    async def slash(
        self,
        user: User,
        path: str,
        /,
        *,
        in_channel: Channel | None = None,
        timeout: float | None = None,
        bypass_client: bool = False,
        locale: str | None = None,
        guild_locale: str | None = None,
        **options: Any,
    ) -> Reply:
        """Run ``/command [group] [sub]`` with options, as ``user`` would in ``in_channel``.

        The channel it is typed in is ``in_channel`` (default: the user's guild's first), so
        that a command may have an option named ``channel``. Like the Discord client, it
        refuses a command hidden from the member by ``default_member_permissions`` and option
        values outside their bounds; ``bypass_client=True`` sends it anyway (a server's
        permission override, or a client that does not check).

        ``locale`` is the language of the user's client (default ``user.locale``),
        ``guild_locale`` the server's (default its ``preferred_locale``); like Discord, the
        interaction carries the default (English) names whatever the language.
        """
        channel = in_channel or self._default_channel(user)
        if not bypass_client:
            self._check_command_visible(user, path, channel)
        data = build_command_data(
            self, path, channel.guild_id, options, client_checks=not bypass_client
        )
        inter = await self._interact(
            user, 2, channel, data, locale=locale, guild_locale=guild_locale
        )
        return await Reply(self, inter).wait(timeout or self.interaction_deadline + 2)

    async def say(self, user: User, channel: Channel, content: str) -> Message:
        """``user`` writes ``content`` in ``channel``; the bot gets MESSAGE_CREATE."""
        msg = Message(self.world.ids.next(), channel.id, user.id, channel.guild_id)
        msg.apply({"content": content})
        channel.last_message_id = msg.id
        self.world.messages[msg.id] = msg
        self.notify()
        await self.dispatch_message_create(msg)
        return msg

    def _check_command_visible(self, user: User, path: str, channel: Channel) -> None:
        """Discord hides a command whose ``default_member_permissions`` the member lacks;
        ``bypass_client=True`` stands for an admin's per-role override in server settings."""
        guild = self.world.guilds.get(channel.guild_id or 0)
        cmd = find_command(self, path, channel.guild_id)
        needed = cmd.get("default_member_permissions")
        if guild is None or needed is None:
            return
        perms = self.world.permissions(guild, user.id)
        # "0": nobody but administrators (and the owner), unless an override says otherwise
        hidden = not perms & ADMINISTRATOR if int(needed) == 0 else int(needed) & ~perms
        if hidden:
            raise PermissionError(f"Discord does not show {path.split()[0]} to {user.name}")

    async def autocomplete(
        self,
        user: User,
        path: str,
        *,
        in_channel: Channel | None = None,
        focused: str | None = None,
        timeout: float | None = None,
        locale: str | None = None,
        guild_locale: str | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """The choices the bot offers while ``user`` types; ``focused`` defaults to the last."""
        channel = in_channel or self._default_channel(user)
        focused = focused or (list(options)[-1] if options else None)
        data = build_command_data(self, path, channel.guild_id, options, focused=focused)
        data["type"] = 1
        inter = await self._interact(
            user, 4, channel, data, locale=locale, guild_locale=guild_locale
        )
        reply = await Reply(self, inter).wait(timeout or self.interaction_deadline + 2)
        if reply.failed:
            raise AssertionError(f"autocomplete failed: {reply.failed}")
        return reply.choices

    async def click(
        self,
        message: Message,
        label: str | None,
        user: User,
        *,
        custom_id: str | None = None,
        timeout: float | None = None,
        stale: bool = False,
        locale: str | None = None,
    ) -> Reply:
        """Press the button labelled ``label`` (or with ``custom_id``) on ``message``.

        A disabled button, a deleted message or another user's ephemeral message cannot be
        clicked (:class:`LookupError`) unless ``stale``: a client that has not refreshed yet
        still shows the old button, and Discord dispatches its click.
        """
        button = find_button(message, label, custom_id)
        if not stale:
            check_clickable(self, message, button, user)
        channel = self.world.channels[message.channel_id]
        data = {"custom_id": button["custom_id"], "component_type": button.get("type", 2)}
        inter = await self._interact(user, 3, channel, data, message=message, locale=locale)
        return await Reply(self, inter).wait(timeout or self.interaction_deadline + 2)

    async def submit_modal(
        self, reply: Reply, user: User, timeout: float | None = None, **values: str
    ) -> Reply:
        """Fill in and submit the modal ``reply`` opened (inputs by custom_id or label)."""
        if reply.modal is None:
            raise LookupError("that interaction did not open a modal")
        source = self.world.messages.get(reply.interaction.source_message_id or 0)
        channel = self.world.channels[reply.interaction.channel_id]
        inter = await self._interact(
            user, 5, channel, modal_submit_data(reply.modal, values), message=source
        )
        return await Reply(self, inter).wait(timeout or self.interaction_deadline + 2)

    # --- faults and observations ----------------------------------------------------------------

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the bot's websocket like a network fault (resumable)."""
        await self.gateway.drop(code)

    async def send_reconnect(self) -> None:
        await self.gateway.send_op(RECONNECT)

    async def invalidate_session(self, resumable: bool = False) -> None:
        await self.gateway.send_op(INVALID_SESSION, resumable)

    def set_route_limit(self, route: str, limit: int, per: float) -> None:
        """Tighten a bucket, e.g. ``("POST /channels/{channel_id}/messages", 1, 0.3)``."""
        self.limiter.set_route_limit(route, limit, per)

    def fail_next(self, count: int, status: int = 500, retry_after: float = 0.1) -> None:
        """The next ``count`` requests fail with ``status``; a 429 is shaped like Discord's
        (``Via`` header, ``retry_after`` body) so discord.py retries it after ``retry_after``."""
        faults = self.rest.faults
        faults.fail_count, faults.fail_status, faults.retry_after = count, status, retry_after

    def fail_for(
        self,
        seconds: float,
        status: int = 503,
        *,
        route_contains: str | None = None,
        retry_after: float = 1.0,
    ) -> None:
        """An outage: for ``seconds``, every REST request whose path (after ``/api/v10``)
        contains ``route_contains`` (every one if None) answers ``status``, except requests
        under an interaction token (callbacks, followups, ``@original``), which keep working.
        A 429 is Discord-shaped (``Via``, ``retry_after``, ``X-RateLimit-Scope``); a 5xx has a
        Discord-like body. Refused requests are in ``refused_requests``."""
        faults = self.rest.faults
        faults.window_until = time.monotonic() + seconds
        faults.window_status, faults.window_route = status, route_contains
        faults.window_retry_after = retry_after

    def stop_failing(self) -> None:
        """End a ``fail_for`` outage (and cancel pending ``fail_next`` failures) now."""
        faults = self.rest.faults
        faults.window_until, faults.fail_count = 0.0, 0

    @property
    def refused_requests(self) -> list[RecordedRequest]:
        """Every request answered with an injected failure (``fail_next``, ``fail_for``)."""
        return self.world.refused_requests

    @property
    def refused_by_status(self) -> dict[int, int]:
        """How many requests the injected failures refused, per status."""
        return dict(Counter(r.status for r in self.world.refused_requests))

    def delay_responses(self, seconds: float) -> None:
        self.rest.faults.delay = seconds

    def delay_answers(self, seconds: float) -> None:
        """Carry requests out at once but answer them ``seconds`` later: a client killed
        meanwhile has posted without hearing so (0 turns it off)."""
        self.rest.faults.delay_after = seconds

    @property
    def errors(self) -> list[RecordedError]:
        return self.world.errors

    @property
    def unknown_routes(self) -> list[tuple[str, str]]:
        return self.world.unknown_routes

    @property
    def interactions(self) -> list[Interaction]:
        return list(self.world.interactions.values())

    @property
    def command_puts(self) -> int:
        """How many bulk overwrites (PUT commands) the bot made: 0 after a no-op restart."""
        return len(self.world.command_puts)

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        return list(self.world.commands.get(guild.id if guild else None, {}).values())

    async def wait_for_error(self, code: int, timeout: float = 5.0) -> RecordedError:
        async with asyncio.timeout(timeout):
            while True:
                changed = self._changed
                for err in self.world.errors:
                    if err.code == code:
                        return err
                await changed.wait()
