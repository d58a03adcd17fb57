"""Keeping the bot's REST requests under Discord's global limit (50 requests/s), fans first.

discord.py honours a 429 by sleeping and retrying, but only five times: a burst of hundreds
of requests (an episode announced in many servers, hundreds of trivia games revealing at
once) can fail requests outright. Pacing them here makes a burst wait its turn instead.
Interaction responses (callbacks and followups, under ``/interactions/`` and ``/webhooks/``)
are not paced: on Discord they are exempt from the global limit.

Two lanes share the one bucket. Requests made under :func:`bulk_requests` (announcement
fan-outs and catch-ups) wait in the bulk lane; every other request (a trivia question or
reveal, a pager edit, ``/announce test``) is interactive and goes ahead of every bulk request
still waiting, so a fan never waits behind thousands of queued posts. The lane is a context
variable: it flows into the tasks created under it (``asyncio.gather`` of the deliveries).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from types import SimpleNamespace

import aiohttp
import discord
from discord.http import Route

GLOBAL_LIMIT_PER_SECOND = 50
PACE_PER_SECOND = 48.0
# The bucket holds 1.5 tokens: at most 49 requests leave in any second, so the requests of
# one second may reach Discord spread over up to 1.03 s (a busy loop on either side, the
# network) and still make no 51st in any second there; and a wake-up up to 10 ms late (a
# busy loop, the timer's rounding) is still credited, so the pace holds.
BURST = 1.5
# Interaction callbacks and followups (webhooks under the interaction's token) are exempt.
EXEMPT_PATHS = ("/interactions/", "/webhooks/")


class Lane(enum.Enum):
    INTERACTIVE = "interactive"  # someone is waiting for it
    BULK = "bulk"  # announcements: may wait behind interactive requests


# A context variable, not state: each task sees the lane of the context it was created in.
REQUEST_LANE: ContextVar[Lane] = ContextVar("fanbot_request_lane", default=Lane.INTERACTIVE)


@contextlib.contextmanager
def bulk_requests() -> Iterator[None]:
    """Requests made inside (and in tasks created inside) wait in the bulk lane."""
    token = REQUEST_LANE.set(Lane.BULK)
    try:
        yield
    finally:
        REQUEST_LANE.reset(token)


class RequestPacer:
    """A token bucket shared by every REST request of a client: interactive requests first,
    each lane first come, first served.

    ``clock`` (seconds, monotonic) and ``sleep`` are the real ones unless a test passes its own.
    """

    def __init__(
        self,
        per_second: float = PACE_PER_SECOND,
        burst: float = BURST,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = burst
        self._updated = clock()
        self._waiting: dict[Lane, deque[object]] = {lane: deque() for lane in Lane}
        self._granting = False  # a request is taking (or waiting for) a token
        self._changed = asyncio.Event()  # replaced at each change; waiters then look again
        self.granted: dict[Lane, int] = dict.fromkeys(Lane, 0)

    def waiting(self, lane: Lane) -> int:
        return len(self._waiting[lane])

    def _next(self) -> object | None:
        for lane in Lane:  # INTERACTIVE before BULK
            if self._waiting[lane]:
                return self._waiting[lane][0]
        return None

    def _signal(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def acquire(self, lane: Lane | None = None) -> None:
        """Wait for this request's turn (its lane, by default the context's) and a token."""
        lane = lane or REQUEST_LANE.get()
        ticket = object()
        queue = self._waiting[lane]
        queue.append(ticket)
        try:
            while self._granting or self._next() is not ticket:
                await self._changed.wait()
            self._granting = True
            try:
                await self._take_token()
            finally:
                self._granting = False
            self.granted[lane] += 1
        finally:
            queue.remove(ticket)  # the head, unless cancelled while waiting
            self._signal()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.per_second)
        self._updated = now

    async def _take_token(self) -> None:
        self._refill()
        if self._tokens < 1:
            await self._sleep((1 - self._tokens) / self.per_second)
            # Tokens accrue by the clock, not by the wake-up: a sleep that overshot (a busy
            # loop, the timer's millisecond rounding: about 2 ms a request here) is credited,
            # capped at the burst, so the pace holds at ``per_second`` instead of drifting to
            # 44/s. A wake-up a hair early still counts as the token it waited for.
            self._refill()
            self._tokens = max(self._tokens, 1.0)
        self._tokens -= 1


def counts_toward_the_global_limit(url: str) -> bool:
    """A REST request to Discord's API, other than an interaction's (exempt on Discord):
    not the gateway's socket, nor another site."""
    base = Route.BASE
    if not url.startswith(base):
        return False
    return not url[len(base) :].startswith(EXEMPT_PATHS)


def pace_requests(client: discord.Client, pacer: RequestPacer | None = None) -> RequestPacer:
    """Route the client's REST requests through a pacer (the one place this is done).

    Each HTTP attempt waits for its token, as aiohttp starts it (a trace hook, set before the
    client logs in and opens its session): discord.py's own retries after a 429 or a 5xx
    are paced too, rather than sent at once by every request that met the same 429, each
    drawing the next one. The lane is the calling task's, as the hook runs in it."""
    pacer = pacer or RequestPacer()
    http = client.http
    trace: aiohttp.TraceConfig = http.http_trace or aiohttp.TraceConfig()

    async def paced(
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        if counts_toward_the_global_limit(str(params.url)):
            await pacer.acquire()

    trace.on_request_start.append(paced)
    http.http_trace = trace
    return pacer
