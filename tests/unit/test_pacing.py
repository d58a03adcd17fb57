"""The request pacer never lets more than Discord's global limit through in any second."""

from __future__ import annotations

import asyncio
import time

from bot.discord_pacing import GLOBAL_LIMIT_PER_SECOND, RequestPacer


async def test_a_burst_is_spread_under_the_global_limit() -> None:
    pacer = RequestPacer(per_second=200.0, burst=2)  # a fast pace keeps the test short
    stamps: list[float] = []

    async def request() -> None:
        await pacer.acquire()
        stamps.append(time.monotonic())

    await asyncio.gather(*(request() for _ in range(60)))
    assert len(stamps) == 60
    # No window of 1/4 s holds more than the pace allows plus the burst.
    for first in stamps:
        in_window = [s for s in stamps if first <= s < first + 0.25]
        assert len(in_window) <= 200 * 0.25 + 2


def test_the_default_pace_stays_under_discords_limit() -> None:
    pacer = RequestPacer()
    assert pacer.per_second + pacer.burst <= GLOBAL_LIMIT_PER_SECOND
