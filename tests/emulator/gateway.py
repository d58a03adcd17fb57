"""The websocket gateway: HELLO, heartbeats, IDENTIFY -> READY, RESUME with replay, faults.

discord.py does not decompress text frames, so ``compress=zlib-stream`` is ignored and every
payload is a JSON text frame. Each session keeps a log of its dispatches so a RESUME can replay
exactly the events the client missed after the sequence number it reports.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .state import Stamp

HELLO, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, ACK = 10, 1, 2, 6, 7, 9, 11
MESSAGE_CONTENT = 1 << 15
ReadyBuilder = Callable[[str], tuple[dict[str, Any], list[dict[str, Any]]]]


@dataclass
class Session:
    """One identified bot session; survives disconnects until invalidated."""

    id: str
    seq: int = 0
    log: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=5000))
    ws: web.WebSocketResponse | None = None
    token: str = ""
    intents: int = 0  # as sent in IDENTIFY
    bot_id: int = 0

    async def dispatch(self, event: str, data: Any) -> None:
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
                self.ws = None  # the client missed it; a RESUME replays it


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


class Gateway:
    """Serves ``/gateway``; the driver supplies READY/GUILD_CREATE payloads and dispatches."""

    def __init__(self, build_ready: ReadyBuilder, heartbeat_interval_ms: int = 41250) -> None:
        self.build_ready = build_ready
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, Session] = {}
        self.bot_id = 0  # the driver sets it: messages mentioning the bot keep their content
        self.events: list[tuple[Stamp, str]] = []  # ("IDENTIFY", "RESUME", "RESUMED", ...)
        self._sockets: set[web.WebSocketResponse] = set()
        self._changed = asyncio.Event()

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

    async def dispatch(self, event: str, data: Any) -> None:
        """Send an event to every session (queued in the log for disconnected ones)."""
        for session in list(self.sessions.values()):
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
            if session is not None and session.ws is ws:
                session.ws = None
            self._note("DISCONNECT")
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session:
        self._note("IDENTIFY")
        session = Session(
            secrets.token_hex(16),
            token=str(data.get("token", "")),
            intents=int(data.get("intents") or 0),
            bot_id=self.bot_id,
        )
        self.sessions[session.id] = session
        ready, guild_creates = self.build_ready(session.id)
        session.ws = ws
        await session.dispatch("READY", ready)
        for guild in guild_creates:
            await session.dispatch("GUILD_CREATE", guild)
        self._note("READY")
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        self._note("RESUME")
        session = self.sessions.get(str(data.get("session_id")))
        if session is None:
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False, "s": None, "t": None}))
            return None
        after = int(data.get("seq") or 0)
        missed = [frame for seq, frame in session.log if seq > after]
        session.ws = ws
        for frame in missed:
            await ws.send_str(frame)
        self._note(f"REPLAYED:{len(missed)}")
        await session.dispatch("RESUMED", {"_trace": ["emulator"]})
        self._note("RESUMED")
        return session

    async def drop(self, code: int = 4000) -> None:
        """Close every socket like a network fault; sessions stay resumable."""
        for session in self.sessions.values():
            session.ws = None
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"emulator drop")
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
            await ws.close(code=1001, message=b"emulator stopping")
        self._sockets.clear()
