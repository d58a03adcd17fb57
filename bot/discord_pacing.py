"""Keeping the bot's REST requests under Discord's global limit (50 requests/s).

discord.py honours a 429 by sleeping and retrying, but only five times: a burst of hundreds
of requests (an episode announced in many servers, hundreds of trivia games revealing at
once) can fail requests outright. Pacing them here makes a burst wait its turn instead.
Interaction responses go through another path (webhooks) and are not paced, as on Discord,
where they are exempt from the global limit.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import discord

GLOBAL_LIMIT_PER_SECOND = 50
PACE_PER_SECOND = 48.0
BURST = 2  # with the pace, never more than the limit in any one-second window


class RequestPacer:
    """A token bucket shared by every REST request of a client; first come, first served.

    ``clock`` (seconds, monotonic) and ``sleep`` are the real ones unless a test passes its own.
    """

    def __init__(
        self,
        per_second: float = PACE_PER_SECOND,
        burst: int = BURST,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = asyncio.Lock()  # asyncio.Lock wakes its waiters in arrival order

    async def acquire(self) -> None:
        async with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.per_second)
            self._updated = now
            if self._tokens < 1:
                await self._sleep((1 - self._tokens) / self.per_second)
                self._tokens = 1.0
                self._updated = self._clock()
            self._tokens -= 1


def pace_requests(client: discord.Client, pacer: RequestPacer | None = None) -> RequestPacer:
    """Route the client's REST requests through a pacer (the one place this is done)."""
    pacer = pacer or RequestPacer()
    http = client.http
    original: Callable[..., Awaitable[Any]] = http.request

    async def paced(route: Any, **kwargs: Any) -> Any:
        await pacer.acquire()
        return await original(route, **kwargs)

    setattr(http, "request", paced)  # noqa: B010 - discord.py has no hook for this
    return pacer
