"""Interaction latency: emulator dispatch of INTERACTION_CREATE -> initial callback received.

Ours (``fanbot run``) against the baseline (bare discord.py, constant answer), each as its own
process on the same emulator, one at a time and at a steady rate.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import Summary, bot_process
from tests.emulator import DiscordEmulator, Reply, User
from tests.emulator.state import Channel

Action = Callable[[DiscordEmulator, User, Channel], Awaitable[Reply]]


def slash(path: str, **options: Any) -> Action:
    async def act(emu: DiscordEmulator, user: User, channel: Channel) -> Reply:
        return await emu.slash(user, path, in_channel=channel, **options)

    return act


FANBOT_ACTIONS: dict[str, Action] = {
    "/fact search": slash("/fact search", query="vincenzo"),
    "/cast who": slash("/cast who", name="seonwoo"),
    "/next": slash("/next"),
    "/trivia leaderboard": slash("/trivia leaderboard"),
}
BASELINE_ACTIONS: dict[str, Action] = {"/ping": slash("/ping")}


@dataclass(frozen=True)
class LatencyResult:
    label: str
    load: str
    summary: Summary
    failed: int


def _latency(reply: Reply) -> float | None:
    inter = reply.interaction
    if inter.responded is None:
        return None
    return inter.responded.mono - inter.created.mono


async def _sequential(
    emu: DiscordEmulator, user: User, channel: Channel, action: Action, count: int
) -> tuple[list[float], int]:
    latencies, failed = [], 0
    for _ in range(count):
        reply = await action(emu, user, channel)
        value = _latency(reply)
        if reply.failed or value is None:
            failed += 1
        else:
            latencies.append(value)
    return latencies, failed


async def _paced(
    emu: DiscordEmulator,
    users: list[User],
    channel: Channel,
    actions: list[Action],
    rate: float,
    seconds: float,
) -> tuple[list[float], int]:
    """``rate`` interactions per second for ``seconds``, round-robin over actions and users."""
    total = int(rate * seconds)
    start = time.perf_counter()
    tasks = []
    for i in range(total):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        action = actions[i % len(actions)]
        tasks.append(asyncio.create_task(action(emu, users[i % len(users)], channel)))
    replies = await asyncio.gather(*tasks, return_exceptions=True)
    latencies, failed = [], 0
    for reply in replies:
        if isinstance(reply, BaseException) or reply.failed or _latency(reply) is None:
            failed += 1
        else:
            latencies.append(_latency(reply) or 0.0)
    return latencies, failed


async def measure_bot(
    module: str,
    args: tuple[str, ...],
    actions: dict[str, Action],
    *,
    sequential_count: int,
    rate: float,
    seconds: float,
    label: str,
) -> list[LatencyResult]:
    emu = await DiscordEmulator(rate_limits=False).start()
    results: list[LatencyResult] = []
    try:
        guild = emu.add_guild("Bench Fans")
        channel = next(iter(guild.channels.values()))
        users = [emu.add_user(f"fan{i}", guild=guild) for i in range(20)]
        with tempfile.TemporaryDirectory() as folder:
            async with bot_process(emu, module, Path(folder), *args):
                for action in actions.values():  # warm-up
                    await _sequential(emu, users[0], channel, action, 5)
                for name, action in actions.items():
                    latencies, failed = await _sequential(
                        emu, users[0], channel, action, sequential_count
                    )
                    results.append(
                        LatencyResult(
                            f"{label} {name}", "one at a time", Summary.of(latencies), failed
                        )
                    )
                latencies, failed = await _paced(
                    emu, users, channel, list(actions.values()), rate, seconds
                )
                results.append(
                    LatencyResult(
                        f"{label} mix",
                        f"{rate:.0f}/s for {seconds:.0f}s",
                        Summary.of(latencies),
                        failed,
                    )
                )
    finally:
        await emu.stop()
    return results


async def run(
    sequential_count: int = 200, rate: float = 200, seconds: float = 10
) -> list[LatencyResult]:
    baseline = await measure_bot(
        "bench.baseline_bot",
        (),
        BASELINE_ACTIONS,
        label="baseline",
        sequential_count=sequential_count,
        rate=rate,
        seconds=seconds,
    )
    ours = await measure_bot(
        "bot",
        ("run",),
        FANBOT_ACTIONS,
        label="fanbot",
        sequential_count=sequential_count,
        rate=rate,
        seconds=seconds,
    )
    return baseline + ours
