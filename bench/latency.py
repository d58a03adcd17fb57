"""Interaction latency: emulator dispatch of INTERACTION_CREATE -> initial callback received.

Ours (``fanbot run``) against the baseline (bare discord.py, constant answer to ``/ping``),
each as its own process on the same emulator, one at a time and at steady rates.
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
from tests.emulator import DiscordEmulator, Reply
from tests.emulator.state import Channel, Guild, User


@dataclass
class Scene:
    """Where the interactions happen: a guild, a channel, fans, and a running trivia game."""

    emu: DiscordEmulator
    guild: Guild
    channel: Channel
    users: list[User]
    trivia_channel: Channel | None = None


Action = Callable[[Scene, User], Awaitable[Reply]]


def slash(path: str, **options: Any) -> Action:
    async def act(scene: Scene, user: User) -> Reply:
        return await scene.emu.slash(user, path, in_channel=scene.channel, **options)

    return act


async def trivia_click(scene: Scene, user: User) -> Reply:
    """A click on the open trivia question (answered: locked in, already answered or late)."""
    assert scene.trivia_channel is not None
    message = next(m for m in reversed(scene.emu.messages_in(scene.trivia_channel)) if m.components)
    return await scene.emu.click(message, "A", user)


async def start_trivia(scene: Scene) -> None:
    scene.trivia_channel = scene.emu.add_channel(scene.guild, "trivia")
    await asyncio.sleep(0.2)
    await scene.emu.slash(
        scene.users[0],
        "/trivia start",
        in_channel=scene.trivia_channel,
        questions=50,
        seconds=120,
    )
    await scene.emu.wait_until(
        lambda: any(m.components for m in scene.emu.messages_in(scene.trivia_channel)),
        timeout=10,
    )


FANBOT_ACTIONS: dict[str, Action] = {
    "/fact search": slash("/fact search", query="vincenzo"),
    "/cast who": slash("/cast who", name="seonwoo"),
    "/next": slash("/next"),
    "/trivia leaderboard": slash("/trivia leaderboard"),
    "trivia click": trivia_click,
}
BASELINE_ACTIONS: dict[str, Action] = {"/ping": slash("/ping")}


@dataclass(frozen=True)
class LatencyResult:
    bot: str
    action: str
    rate: float  # 0: one at a time
    summary: Summary
    failed: int


def _latency(reply: Reply) -> float | None:
    return None if reply.failed else reply.latency


async def _sequential(scene: Scene, action: Action, count: int) -> tuple[list[float], int]:
    latencies, failed = [], 0
    for i in range(count):
        value = _latency(await action(scene, scene.users[i % len(scene.users)]))
        if value is None:
            failed += 1
        else:
            latencies.append(value)
    return latencies, failed


async def _paced(
    scene: Scene, actions: list[Action], rate: float, seconds: float
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
        user = scene.users[i % len(scene.users)]
        tasks.append(asyncio.create_task(action(scene, user)))
    replies = await asyncio.gather(*tasks, return_exceptions=True)
    latencies, failed = [], 0
    for reply in replies:
        value = None if isinstance(reply, BaseException) else _latency(reply)
        if value is None:
            failed += 1
        else:
            latencies.append(value)
    return latencies, failed


async def measure_bot(
    label: str,
    module: str,
    args: tuple[str, ...],
    actions: dict[str, Action],
    *,
    sequential_count: int,
    rates: tuple[float, ...],
    seconds: float,
    prepare: Callable[[Scene], Awaitable[None]] | None = None,
) -> list[LatencyResult]:
    emu = await DiscordEmulator(rate_limits=False).start()
    results: list[LatencyResult] = []
    try:
        guild = emu.add_guild("Bench Fans")
        scene = Scene(
            emu,
            guild,
            next(iter(guild.channels.values())),
            [emu.add_user(f"fan{i}", guild=guild) for i in range(50)],
        )
        with tempfile.TemporaryDirectory() as folder:
            async with bot_process(emu, module, Path(folder), *args):
                if prepare is not None:
                    await prepare(scene)
                for action in actions.values():  # warm-up
                    await _sequential(scene, action, 5)
                for name, action in actions.items():
                    latencies, failed = await _sequential(scene, action, sequential_count)
                    results.append(LatencyResult(label, name, 0, Summary.of(latencies), failed))
                for rate in rates:
                    latencies, failed = await _paced(scene, list(actions.values()), rate, seconds)
                    results.append(LatencyResult(label, "mix", rate, Summary.of(latencies), failed))
    finally:
        await emu.stop()
    return results


async def run(
    sequential_count: int = 200, rates: tuple[float, ...] = (50, 100, 200), seconds: float = 10
) -> list[LatencyResult]:
    baseline = await measure_bot(
        "baseline",
        "bench.baseline_bot",
        (),
        BASELINE_ACTIONS,
        sequential_count=sequential_count,
        rates=rates,
        seconds=seconds,
    )
    ours = await measure_bot(
        "fanbot",
        "bot",
        ("run",),
        FANBOT_ACTIONS,
        prepare=start_trivia,
        sequential_count=sequential_count,
        rates=rates,
        seconds=seconds,
    )
    return baseline + ours
