"""Shards in one process: how many, and identifies spaced as Discord requires.

Discord routes a server's events to shard ``(guild_id >> 22) % shard_count`` and refuses a
connection holding more than 2,500 servers (close 4011). The count is the operator's
``FANBOT_SHARDS``, else what ``GET /gateway/bot`` recommends. Identifies are allowed
``max_concurrency`` at a time per 5 s, in buckets ``shard_id % max_concurrency``; one that comes
too early is refused, so :class:`IdentifyPacer` waits for its bucket's turn.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

IDENTIFY_WINDOW_SECONDS = 5.0  # Discord's: one identify per bucket per 5 s


class IdentifyPacer:
    """Waits before each identify until its bucket's last one is ``window`` seconds old.

    ``clock`` (monotonic seconds) and ``sleep`` are the real ones unless a test passes its own.
    """

    def __init__(
        self,
        max_concurrency: int = 1,
        window: float = IDENTIFY_WINDOW_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._last: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def bucket(self, shard_id: int | None) -> int:
        return (shard_id or 0) % self.max_concurrency

    async def wait_turn(self, shard_id: int | None) -> None:
        """Return when shard ``shard_id`` may identify (and count that identify as done)."""
        bucket = self.bucket(shard_id)
        lock = self._locks.setdefault(bucket, asyncio.Lock())
        async with lock:
            last = self._last.get(bucket)
            if last is not None:
                wait = last + self.window - self._clock()
                if wait > 0:
                    await self._sleep(wait)
            self._last[bucket] = self._clock()
