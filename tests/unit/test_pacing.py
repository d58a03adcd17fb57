"""The request pacer never lets more than Discord's global limit through in any second.

The pacer runs on a fake clock here: its sleeps move the clock forward at once, so a burst of
hundreds of requests is checked second by second without the test waiting for any of it.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.discord_pacing import (
    BURST,
    GLOBAL_LIMIT_PER_SECOND,
    PACE_PER_SECOND,
    Lane,
    RequestPacer,
    bulk_requests,
)


class FakeTime:
    """A monotonic clock that only moves when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)  # let the other requests queue up, as a real sleep would

    def pacer(self, per_second: float = PACE_PER_SECOND, burst: float = BURST) -> RequestPacer:
        return RequestPacer(per_second, burst, clock=self.monotonic, sleep=self.sleep)


async def grant_times(pacer: RequestPacer, time: FakeTime, count: int) -> list[tuple[int, float]]:
    """Start ``count`` requests at once; each notes its number and when the pacer let it go."""
    granted: list[tuple[int, float]] = []

    async def request(number: int) -> None:
        await pacer.acquire()
        granted.append((number, time.now))

    await asyncio.gather(*(request(n) for n in range(count)))
    return granted


def busiest_second(stamps: list[float]) -> int:
    """The most requests let through in any one-second window [t, t + 1)."""
    return max(sum(1 for s in stamps if first <= s < first + 1) for first in stamps)


async def test_a_burst_of_300_requests_never_exceeds_the_global_limit_in_any_second() -> None:
    time = FakeTime()
    granted = await grant_times(time.pacer(), time, 300)

    stamps = [at for _, at in granted]
    assert len(stamps) == 300
    assert busiest_second(stamps) <= GLOBAL_LIMIT_PER_SECOND
    # Not slower than needed either: the burst goes at once, then one every 1/48 s.
    assert stamps[-1] - stamps[0] == pytest.approx((300 - BURST) / PACE_PER_SECOND)


class LateWakeups(FakeTime):
    """A busy event loop: every sleep wakes up 5 ms later than asked."""

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds + 0.005)


async def test_late_wake_ups_do_not_slow_the_pace_nor_break_the_limit() -> None:
    """Tokens accrue by the clock: the time a wake-up overshot is not lost (else 480 posts
    would take 480 x 25.8 ms instead of 480 x 20.8 ms, 40 posts/s instead of 48)."""
    time = LateWakeups()
    granted = await grant_times(time.pacer(), time, 480)

    stamps = [at for _, at in granted]
    assert busiest_second(stamps) <= GLOBAL_LIMIT_PER_SECOND
    # each wait is at most one late wake-up longer than the pace, never cumulatively
    assert stamps[-1] - stamps[0] <= (480 - BURST) / PACE_PER_SECOND + 0.005 * 2


async def test_requests_are_let_through_in_the_order_they_asked() -> None:
    time = FakeTime()
    granted = await grant_times(time.pacer(), time, 120)
    assert [number for number, _ in granted] == list(range(120))


async def test_the_first_requests_go_at_once_up_to_the_burst_then_wait_their_turn() -> None:
    time = FakeTime()
    granted = await grant_times(time.pacer(per_second=10.0, burst=3), time, 5)
    assert [at - 1000.0 for _, at in granted] == pytest.approx([0, 0, 0, 0.1, 0.2])


async def test_a_quiet_spell_saves_up_no_more_than_the_burst() -> None:
    time = FakeTime()
    pacer = time.pacer(per_second=10.0, burst=2)
    await grant_times(pacer, time, 2)
    time.now += 60.0  # a minute without requests: 600 tokens' worth, capped at 2
    after_the_pause = time.now

    granted = await grant_times(pacer, time, 3)

    assert [at - after_the_pause for _, at in granted] == pytest.approx([0, 0, 0.1])


async def test_interactive_requests_go_ahead_of_queued_bulk_requests() -> None:
    """A fan-out has queued 40 posts; a trivia question and a pager edit asked meanwhile are
    let through next, before every post still waiting, and the total stays paced."""
    time = FakeTime()
    gate, sleeping = asyncio.Event(), asyncio.Event()

    async def held_sleep(seconds: float) -> None:  # the first wait for a token holds
        sleeping.set()
        await gate.wait()
        await time.sleep(seconds)

    pacer = RequestPacer(burst=2, clock=time.monotonic, sleep=held_sleep)
    released: list[str] = []

    async def request(name: str) -> None:
        await pacer.acquire()
        released.append(name)

    async def fan_out() -> None:
        with bulk_requests():  # the tasks gather creates inherit the lane
            await asyncio.gather(*(request(f"post{n}") for n in range(40)))

    announcement = asyncio.create_task(fan_out())
    await sleeping.wait()  # the burst went; post2 waits for a token, the rest queue behind
    assert released == ["post0", "post1"] and pacer.waiting(Lane.BULK) == 38
    fans = [asyncio.create_task(request(name)) for name in ("question", "pager edit")]
    await asyncio.sleep(0)  # one turn of the loop: the two requests queue
    assert pacer.waiting(Lane.INTERACTIVE) == 2
    gate.set()
    await asyncio.gather(announcement, *fans)

    # post2 already had its turn; the fans' requests go next, ahead of the 37 still queued
    assert released[:5] == ["post0", "post1", "post2", "question", "pager edit"]
    assert released[5:] == [f"post{n}" for n in range(3, 40)]
    assert pacer.granted == {Lane.INTERACTIVE: 2, Lane.BULK: 40}
    assert time.now - 1000.0 == pytest.approx((42 - 2) / PACE_PER_SECOND)  # still paced


async def test_the_lane_follows_the_context_not_the_caller() -> None:
    """A task created inside ``bulk_requests`` stays bulk after the block; others are not."""
    time = FakeTime()
    pacer = time.pacer(per_second=1.0, burst=1)
    released: list[str] = []

    async def request(name: str) -> None:
        await pacer.acquire()
        released.append(name)

    await request("first")  # takes the only token
    with bulk_requests():
        bulk = asyncio.create_task(request("bulk"))
    interactive = asyncio.create_task(request("interactive"))
    await asyncio.gather(bulk, interactive)
    assert sorted(released) == ["bulk", "first", "interactive"]
    assert pacer.granted == {Lane.INTERACTIVE: 2, Lane.BULK: 1}
