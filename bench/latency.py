"""Interaction latency: emulator dispatch of INTERACTION_CREATE -> initial callback received.

Ours (``fanbot run``) against the baseline (bare discord.py, a constant answer to ``/ping``
and to a button click: each of ours is compared with the same kind of interaction), each as
its own process on its own emulator, both running for the whole benchmark. They are
measured interleaved: in each round every load is run on one bot then the other (the order
swapped each round: A B, B A, ...), so a noisy moment on the machine falls on both alike.
Each round gives a p50 and a p99 ratio per load; the table shows their median and spread
(lowest to highest), with p50/p99 of all rounds' samples pooled. Failures are counted.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import Summary, bot_process, ratio
from tests.emulator import DiscordEmulator, Reply
from tests.emulator.state import Channel, Guild, Message, User


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


def _open_question(scene: Scene) -> Message | None:
    """The newest trivia message whose buttons are enabled (between two questions: none)."""
    assert scene.trivia_channel is not None
    for message in reversed(scene.emu.messages_in(scene.trivia_channel)):
        buttons = [b for row in message.components for b in row.get("components", [])]
        if any(not b.get("disabled") for b in buttons):
            return message
    return None


async def trivia_click(scene: Scene, user: User) -> Reply:
    """A click on the open trivia question (answered: locked in, already answered or late).
    Between two questions (every 120 s) it waits for the next one to be posted first: a
    click on a closed question's disabled buttons is no interaction at all."""
    if _open_question(scene) is None:
        await scene.emu.wait_until(lambda: _open_question(scene) is not None, timeout=30)
    message = _open_question(scene)
    assert message is not None
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


async def ping_click(scene: Scene, user: User) -> Reply:
    """The baseline's button: a click on a message of the baseline bot with a ``ping:1``
    button (created in the emulator, as if the bot had posted it)."""
    assert scene.trivia_channel is not None
    message = next(m for m in scene.emu.messages_in(scene.trivia_channel) if m.components)
    return await scene.emu.click(message, "Ping", user)


def ping_button_message(scene: Scene) -> None:
    scene.trivia_channel = scene.emu.add_channel(scene.guild, "buttons")
    button = {"type": 2, "style": 1, "label": "Ping", "custom_id": "ping:1"}
    scene.emu.new_message(
        scene.trivia_channel,
        {"content": "ping?", "components": [{"type": 1, "components": [button]}]},
    )


# The baseline answers each of our interactions with the same kind of interaction, at no
# cost: a slash command with /ping, a button click with its ping button.
BASELINE_ACTIONS: dict[str, Action] = {
    name: ping_click if action is trivia_click else slash("/ping")
    for name, action in FANBOT_ACTIONS.items()
}


@dataclass
class Comparison:
    """One load (an action one at a time, or the mix at a rate), both bots, every round."""

    action: str  # ours; the baseline answers the same kind of interaction (BASELINE_ACTIONS)
    rate: float  # 0: one at a time
    baseline: Summary = field(default_factory=lambda: Summary.of([]))
    fanbot: Summary = field(default_factory=lambda: Summary.of([]))
    baseline_failed: int = 0
    fanbot_failed: int = 0
    p50_ratios: list[float] = field(default_factory=list)  # one per round
    p99_ratios: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)  # why, as the emulator saw it


def spread(values: list[float]) -> tuple[float, float, float]:
    """Median, lowest and highest; NaN when empty."""
    if not values:
        return float("nan"), float("nan"), float("nan")
    return statistics.median(values), min(values), max(values)


FAILURES: Counter[str] = Counter()  # of the load being measured; moved into its Comparison


def _outcome(reply: Reply | BaseException) -> float | None:
    if isinstance(reply, BaseException):
        FAILURES[type(reply).__name__] += 1
        return None
    if reply.failed or reply.latency is None:
        FAILURES[reply.failed or "no initial response"] += 1
        return None
    return reply.latency


async def _sequential(scene: Scene, action: Action, count: int) -> tuple[list[float], int]:
    latencies, failed = [], 0
    for i in range(count):
        try:
            value = _outcome(await action(scene, scene.users[i % len(scene.users)]))
        except Exception as error:  # counted, never raised: the figures stay visible
            value = _outcome(error)
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
    latencies = [v for v in map(_outcome, replies) if v is not None]
    return latencies, len(replies) - len(latencies)


def _scene(emu: DiscordEmulator) -> Scene:
    guild = emu.add_guild("Bench Fans")
    channel = next(iter(guild.channels.values()))
    return Scene(emu, guild, channel, [emu.add_user(f"fan{i}", guild=guild) for i in range(50)])


async def run(
    sequential_count: int = 100,
    rates: tuple[float, ...] = (50, 100, 200),
    seconds: float = 5,
    rounds: int = 5,
) -> list[Comparison]:
    loads = [Comparison(name, 0) for name in FANBOT_ACTIONS]
    loads += [Comparison("mix", rate) for rate in rates]
    samples: dict[tuple[int, str], list[float]] = {}
    async with AsyncExitStack() as stack:
        scenes: dict[str, Scene] = {}
        for label, module, args in (
            ("baseline", "bench.baseline_bot", ()),
            ("fanbot", "bot", ("run",)),
        ):
            emu = await DiscordEmulator(rate_limits=False).start()
            stack.push_async_callback(emu.stop)
            scenes[label] = _scene(emu)
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            await stack.enter_async_context(bot_process(emu, module, folder, *args))
        await start_trivia(scenes["fanbot"])
        ping_button_message(scenes["baseline"])
        for label, actions in (("fanbot", FANBOT_ACTIONS), ("baseline", BASELINE_ACTIONS)):
            for action in actions.values():  # warm-up
                await _sequential(scenes[label], action, 5)

        async def measure(label: str, load: Comparison) -> tuple[list[float], int]:
            scene = scenes[label]
            actions = BASELINE_ACTIONS if label == "baseline" else FANBOT_ACTIONS
            if load.rate == 0:
                return await _sequential(scene, actions[load.action], sequential_count)
            return await _paced(scene, list(actions.values()), load.rate, seconds)

        for round_number in range(rounds):
            order = ("baseline", "fanbot") if round_number % 2 == 0 else ("fanbot", "baseline")
            for index, load in enumerate(loads):
                this_round: dict[str, Summary] = {}
                for label in order:
                    latencies, failed = await measure(label, load)
                    samples.setdefault((index, label), []).extend(latencies)
                    this_round[label] = Summary.of(latencies)
                    if label == "baseline":
                        load.baseline_failed += failed
                    else:
                        load.fanbot_failed += failed
                    for why, count in FAILURES.items():
                        key = f"{label}: {why}"
                        load.failures[key] = load.failures.get(key, 0) + count
                    FAILURES.clear()
                base, ours = this_round["baseline"], this_round["fanbot"]
                load.p50_ratios.append(ratio(ours.p50_ms, base.p50_ms))
                load.p99_ratios.append(ratio(ours.p99_ms, base.p99_ms))
            print(f"latency: round {round_number + 1} of {rounds} done", flush=True)
    for index, load in enumerate(loads):
        load.baseline = Summary.of(samples.get((index, "baseline"), []))
        load.fanbot = Summary.of(samples.get((index, "fanbot"), []))
    return loads
