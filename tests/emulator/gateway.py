"""The websocket gateway: HELLO, heartbeats, IDENTIFY -> READY, RESUME with replay, faults.

discord.py does not decompress text frames, so ``compress=zlib-stream`` is ignored and every
payload is a JSON text frame. Each session keeps a log of its dispatches so a RESUME can replay
exactly the events the client missed after the sequence number it reports.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .state import Stamp

HELLO, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, ACK = 10, 1, 2, 6, 7, 9, 11
GUILDS, GUILD_MEMBERS, GUILD_PRESENCES = 1 << 0, 1 << 1, 1 << 8
GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT = 1 << 9, 1 << 12, 1 << 15
#: intents an app must enable in the developer portal (else IDENTIFY is closed with 4014)
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
DISALLOWED_INTENTS = 4014
INVALID_SHARD, SHARDING_REQUIRED = 4010, 4011
#: Discord refuses a connection that would hold more guilds than this (close 4011)
MAX_GUILDS_PER_SHARD = 2500
#: Discord's recommendation (GET /gateway/bot) is about one shard per this many guilds
GUILDS_PER_RECOMMENDED_SHARD = 1000
#: close codes after which Discord does not let the session resume
UNRESUMABLE_CLOSES = (4007, 4009)
GUILDS_EVENTS = frozenset(
    {
        "GUILD_CREATE",
        "GUILD_UPDATE",
        "GUILD_DELETE",
        "GUILD_ROLE_CREATE",
        "GUILD_ROLE_UPDATE",
        "GUILD_ROLE_DELETE",
        "CHANNEL_CREATE",
        "CHANNEL_UPDATE",
        "CHANNEL_DELETE",
        "THREAD_CREATE",
        "THREAD_UPDATE",
        "THREAD_DELETE",
        "THREAD_LIST_SYNC",
        "THREAD_MEMBER_UPDATE",
        "THREAD_MEMBERS_UPDATE",
        "STAGE_INSTANCE_CREATE",
        "STAGE_INSTANCE_UPDATE",
        "STAGE_INSTANCE_DELETE",
    }
)
MESSAGE_EVENTS = frozenset(
    {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"}
)
MEMBER_EVENTS = frozenset({"GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE"})
Shard = tuple[int, int]  # (shard_id, shard_count), as in IDENTIFY's "shard" field
ReadyBuilder = Callable[[str, "Shard | None"], tuple[dict[str, Any], list[dict[str, Any]]]]


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's routing: which shard receives a guild's events."""
    return (guild_id >> 22) % shard_count


def guild_of(event: str, data: Any) -> int | None:
    """The guild an event belongs to (None: a DM or a guild-less event, sent to shard 0)."""
    if not isinstance(data, dict):
        return None
    raw = data.get("id") if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE") else None
    raw = raw if raw is not None else data.get("guild_id")
    return int(raw) if raw is not None else None


def required_intent(event: str, data: Any) -> int:
    """The intent without which Discord does not send ``event`` (0: sent to every session)."""
    in_guild = isinstance(data, dict) and data.get("guild_id") is not None
    if event in MESSAGE_EVENTS or event == "CHANNEL_PINS_UPDATE":
        return GUILD_MESSAGES if in_guild else DIRECT_MESSAGES
    if event in GUILDS_EVENTS:
        return GUILDS
    if event in MEMBER_EVENTS:
        return GUILD_MEMBERS
    if event == "PRESENCE_UPDATE":
        return GUILD_PRESENCES
    return 0  # READY, RESUMED, INTERACTION_CREATE, APPLICATION_COMMAND_PERMISSIONS_UPDATE...


@dataclass
class Session:
    """One identified bot session; survives disconnects until invalidated or timed out."""

    id: str
    seq: int = 0
    log: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=5000))
    ws: web.WebSocketResponse | None = None
    token: str = ""
    intents: int = 0  # as sent in IDENTIFY
    bot_id: int = 0
    disconnected_at: float | None = None  # time.monotonic() of the last disconnect
    shard: Shard | None = None  # None: the session was identified without sharding

    def wants(self, event: str, data: Any) -> bool:
        """Whether the session's intents subscribe it to ``event``."""
        needed = required_intent(event, data)
        return not needed or bool(self.intents & needed)

    def routed_here(self, event: str, data: Any) -> bool:
        """Whether Discord routes ``event`` to this session's shard (DMs: shard 0 only)."""
        if self.shard is None:
            return True
        shard_id, count = self.shard
        guild_id = guild_of(event, data)
        return shard_id == (0 if guild_id is None else shard_of(guild_id, count))

    def detach(self) -> None:
        self.ws = None
        self.disconnected_at = time.monotonic()

    async def dispatch(self, event: str, data: Any) -> None:
        if not self.wants(event, data):
            return  # Discord never sends it: no frame, no sequence number
        if event == "MESSAGE_CREATE" and not self.intents & MESSAGE_CONTENT:
            data = without_content(data, self.bot_id)
        self.seq += 1
        frame = json.dumps({"op": 0, "t": event, "s": self.seq, "d": data})
        self.log.append((self.seq, frame))
        ws = self.ws
        if ws is not None and not ws.closed:
            try:
                await ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                self.detach()  # the client missed it; a RESUME replays it


def without_content(message: dict[str, Any], bot_id: int) -> dict[str, Any]:
    """What a bot without the MESSAGE_CONTENT intent gets: no content, embeds, attachments or
    components, except in DMs, in its own messages and in messages mentioning it."""
    author = str((message.get("author") or {}).get("id"))
    mentioned = f"<@{bot_id}>" in str(message.get("content")) or any(
        str(m.get("id")) == str(bot_id) for m in message.get("mentions") or []
    )
    if "guild_id" not in message or author == str(bot_id) or mentioned:
        return message
    return {**message, "content": "", "embeds": [], "attachments": [], "components": []}


def _shard_field(raw: Any) -> Shard | None:
    if raw is None:
        return None
    shard_id, count = raw
    return int(shard_id), int(count)


class Gateway:
    """Serves ``/gateway``; the driver supplies READY/GUILD_CREATE payloads and dispatches."""

    def __init__(
        self,
        build_ready: ReadyBuilder,
        heartbeat_interval_ms: int = 41250,
        session_timeout: float = 120.0,
    ) -> None:
        self.build_ready = build_ready
        self.heartbeat_interval_ms = heartbeat_interval_ms
        #: seconds a disconnected session stays resumable ("a few minutes" on Discord)
        self.session_timeout = session_timeout
        #: the developer portal's privileged-intent toggles (all of them, or none)
        self.privileged_intents_enabled = True
        self.sessions: dict[str, Session] = {}
        self._server_closed: set[web.WebSocketResponse] = set()  # sockets we closed
        self.bot_id = 0  # the driver sets it: messages mentioning the bot keep their content
        self.events: list[tuple[Stamp, str]] = []  # ("IDENTIFY", "RESUME", "RESUMED", ...)
        self._sockets: set[web.WebSocketResponse] = set()
        self._changed = asyncio.Event()
        #: identifies allowed at once, one per bucket ``shard_id % max_concurrency``
        self.max_concurrency = 1
        #: seconds between two identifies of one bucket; None (the default) enforces none,
        #: because tests restart bots within seconds. Discord's is 5 s: an identify too early
        #: is answered with op 9 (INVALID_SESSION, not resumable).
        self.identify_window: float | None = None
        self._identified_at: dict[int, float] = {}  # bucket -> time.monotonic()
        #: what GET /gateway/bot recommends (None: one shard per 1,000 guilds)
        self.recommended_shards: int | None = None
        #: (shard, READY time.monotonic()) of every identify that got READY
        self.identified: list[tuple[Shard | None, float]] = []

    def _note(self, what: str) -> None:
        self.events.append((Stamp(), what))
        self._changed.set()

    def count(self, what: str) -> int:
        return sum(1 for _, w in self.events if w == what)

    async def wait_for(self, what: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until ``what`` (e.g. "RESUMED", "READY") happened at least ``count`` times."""
        async with asyncio.timeout(timeout):
            while self.count(what) < count:
                self._changed.clear()
                await self._changed.wait()

    @property
    def connected(self) -> bool:
        return any(s.ws is not None and not s.ws.closed for s in self.sessions.values())

    def _expire_sessions(self) -> None:
        """Forget sessions disconnected for longer than ``session_timeout``."""
        now = time.monotonic()
        for sid, session in list(self.sessions.items()):
            gone = session.ws is None or session.ws.closed
            since = session.disconnected_at
            if gone and since is not None and now - since > self.session_timeout:
                del self.sessions[sid]
                self._note("SESSION_TIMEOUT")

    async def dispatch(self, event: str, data: Any) -> None:
        """Send an event to every session subscribed to it by its intents (queued in the log
        for disconnected ones)."""
        self._expire_sessions()
        for session in list(self.sessions.values()):
            if session.routed_here(event, data):
                await session.dispatch(event, data)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        self._sockets.add(ws)
        session: Session | None = None
        try:
            await ws.send_str(
                json.dumps(
                    {
                        "op": HELLO,
                        "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                        "s": None,
                        "t": None,
                    }
                )
            )
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op = payload.get("op")
                if op == HEARTBEAT:
                    await ws.send_str(json.dumps({"op": ACK, "d": None, "s": None, "t": None}))
                elif op == IDENTIFY:
                    session = await self._identify(ws, payload["d"])
                elif op == RESUME:
                    session = await self._resume(ws, payload["d"])
        finally:
            self._sockets.discard(ws)
            by_client = ws not in self._server_closed
            self._server_closed.discard(ws)
            if session is not None and session.ws is ws:
                if by_client and ws.close_code in (1000, 1001):
                    # a clean close by the client ends its session: it cannot resume
                    self.sessions.pop(session.id, None)
                    self._note(f"CLIENT_CLOSE:{ws.close_code}")
                else:
                    session.detach()
            self._note("DISCONNECT")
        return ws

    async def _close(self, ws: web.WebSocketResponse, code: int, message: bytes) -> None:
        self._server_closed.add(ws)
        await ws.close(code=code, message=message)

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        self._note("IDENTIFY")
        intents = int(data.get("intents") or 0)
        if intents & PRIVILEGED_INTENTS and not self.privileged_intents_enabled:
            self._note(f"CLOSE:{DISALLOWED_INTENTS}")
            await self._close(ws, DISALLOWED_INTENTS, b"Disallowed intent(s).")
            return None
        shard = _shard_field(data.get("shard"))
        if shard is not None and not 0 <= shard[0] < shard[1]:
            self._note(f"CLOSE:{INVALID_SHARD}")
            await self._close(ws, INVALID_SHARD, b"Invalid shard.")
            return None
        if self._identify_too_soon(shard):
            self._note("IDENTIFY_RATE_LIMITED")
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False, "s": None, "t": None}))
            return None
        session = Session(
            secrets.token_hex(16),
            token=str(data.get("token", "")),
            intents=intents,
            bot_id=self.bot_id,
            shard=shard,
        )
        ready, guild_creates = self.build_ready(session.id, shard)
        if len(guild_creates) > MAX_GUILDS_PER_SHARD:
            self._note(f"CLOSE:{SHARDING_REQUIRED}")
            await self._close(ws, SHARDING_REQUIRED, b"Sharding required.")
            return None
        self.sessions[session.id] = session
        session.ws = ws
        await session.dispatch("READY", ready)
        for guild in guild_creates:
            await session.dispatch("GUILD_CREATE", guild)
        self.identified.append((shard, time.monotonic()))
        self._note("READY")
        return session

    def _identify_too_soon(self, shard: Shard | None) -> bool:
        """Whether this identify's bucket already identified within ``identify_window``."""
        if self.identify_window is None:
            return False
        bucket = (shard[0] if shard else 0) % max(1, self.max_concurrency)
        now = time.monotonic()
        last = self._identified_at.get(bucket)
        if last is not None and now - last < self.identify_window:
            return True
        self._identified_at[bucket] = now
        return False

    def recommended_shard_count(self, guilds: int) -> int:
        if self.recommended_shards is not None:
            return self.recommended_shards
        return max(1, -(-guilds // GUILDS_PER_RECOMMENDED_SHARD))

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        self._note("RESUME")
        self._expire_sessions()
        session = self.sessions.get(str(data.get("session_id")))
        if session is None:
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False, "s": None, "t": None}))
            return None
        after = int(data.get("seq") or 0)
        missed = [frame for seq, frame in session.log if seq > after]
        session.ws, session.disconnected_at = ws, None
        for frame in missed:
            await ws.send_str(frame)
        self._note(f"REPLAYED:{len(missed)}")
        await session.dispatch("RESUMED", {"_trace": ["emulator"]})
        self._note("RESUMED")
        return session

    async def drop(self, code: int = 4000) -> None:
        """Close every socket like a network fault; sessions stay resumable, except after
        4007 (invalid seq) and 4009 (session timed out), which tell the client to start anew."""
        for session in self.sessions.values():
            session.detach()
        if code in UNRESUMABLE_CLOSES:
            self.sessions.clear()
        for ws in list(self._sockets):
            await self._close(ws, code, b"emulator drop")
        self._note("DROP")

    async def send_op(self, op: int, data: Any = None) -> None:
        """Send a raw opcode (7 reconnect, 9 invalid session) to every connected client."""
        if op == INVALID_SESSION and not data:
            self.sessions.clear()
        for ws in list(self._sockets):
            if not ws.closed:
                await ws.send_str(json.dumps({"op": op, "d": data, "s": None, "t": None}))

    async def close(self) -> None:
        for ws in list(self._sockets):
            await self._close(ws, 1001, b"emulator stopping")
        self._sockets.clear()
