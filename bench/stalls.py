"""The longest event-loop stall during each command, at 100,000 community facts.

The bot (``fanbot run``, its own process) holds 100,000 generated community facts of the
benchmark's server. Its loop-lag monitor wakes every 50 ms and records how late it woke in
``fanbot_event_loop_lag_seconds`` (a histogram); the benchmark scrapes it over
``FANBOT_METRICS_PORT`` before and after running each command a few times, one at a time,
so the highest bucket that grew bounds the longest stall during that command. An idle spell
gives the floor the machine itself adds (timer rounding, the other processes on its cores).
Failures are counted, never asserted.
"""

from __future__ import annotations

import asyncio
import math
import socket
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bench.harness import Summary, bot_process
from bench.search import fill
from bot.store import Store
from tests.emulator import DiscordEmulator, Reply
from tests.emulator.state import Channel, Guild, User

LAG = "fanbot_event_loop_lag_seconds"
SETTLE_SECONDS = 0.2  # let the probe spanning the command's end report before scraping


@dataclass(frozen=True)
class StallResult:
    command: str
    runs: int
    failed: int
    longest_ms: float  # the upper bound of the highest lag bucket that grew (inf: above all)
    above_ms: float  # ... and the bucket below it: the longest stall is in (above, longest]
    probes: int
    probes_over_50ms: int
    latency: Summary  # dispatch to the initial response, as the emulator saw it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _lag_buckets(session: aiohttp.ClientSession, port: int) -> dict[float, float]:
    async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
        text = await response.text()
    buckets: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == f"{LAG}_bucket":
                buckets[float(sample.labels["le"])] = sample.value
    return buckets


def _bounds(before: dict[float, float], after: dict[float, float]) -> tuple[float, float, int, int]:
    grew = {le: after[le] - before.get(le, 0.0) for le in after}
    edges = sorted(grew)
    total = grew.get(math.inf, 0.0)
    longest, above = 0.0, 0.0
    for low, high in zip([0.0, *edges], edges, strict=False):
        if grew[high] >= total:  # every probe is at or under this edge
            longest, above = high, low
            break
    over = total - grew.get(0.05, 0.0)
    return longest * 1000, above * 1000, int(total), int(over)


@dataclass
class Bench:
    emu: DiscordEmulator
    guild: Guild
    channel: Channel
    fan: User
    admin: User
    games: int = 0

    async def trivia_start(self) -> Reply:
        """A game in a channel of its own, run until its first question, then stopped."""
        self.games += 1
        channel = self.emu.add_channel(self.guild, f"trivia-{self.games}")
        await asyncio.sleep(0.3)  # CHANNEL_CREATE reaches the bot (not measured: idle)
        reply = await self.emu.slash(
            self.fan, "/trivia start", in_channel=channel, questions=10, seconds=60
        )
        if reply.failed is None:
            await self.emu.wait_until(
                lambda: any(m.components for m in self.emu.messages_in(channel)), timeout=15
            )
            await self.emu.slash(self.fan, "/trivia stop", in_channel=channel)
        return reply

    async def fact_add(self) -> Reply:
        self.games += 1
        return await self.emu.slash(
            self.admin,
            "/fact add",
            in_channel=self.channel,
            text=f"The benchmark's fact number {self.games} mentions a photographer.",
            topic="bench",
        )

    async def autocomplete(self) -> Reply | None:
        await self.emu.autocomplete(self.fan, "/fact random", in_channel=self.channel, topic="mu")
        return None

    def slash(self, path: str, **options: object) -> Callable[[], Awaitable[Reply]]:
        return lambda: self.emu.slash(self.fan, path, in_channel=self.channel, **options)


async def run(facts: int = 100_000, runs: int = 10) -> list[StallResult]:
    emu = await DiscordEmulator(rate_limits=False).start()
    results: list[StallResult] = []
    try:
        guild = emu.add_guild("Stall Fans")
        channel = next(iter(guild.channels.values()))
        bench = Bench(
            emu,
            guild,
            channel,
            emu.add_user("fan", guild=guild),
            emu.add_user("mod", guild=guild, manage_guild=True),
        )
        commands: list[tuple[str, int, Callable[[], Awaitable[Reply | None]]]] = [
            (
                "/fact search (a word in many facts)",
                runs,
                bench.slash("/fact search", query="photographer"),
            ),
            ("/fact search (a typo)", runs, bench.slash("/fact search", query="photografer")),
            ("/fact search (nothing found)", runs, bench.slash("/fact search", query="qqqzzz")),
            ("/fact random", runs, bench.slash("/fact random")),
            ("/fact random topic autocomplete", runs, bench.autocomplete),
            ("/fact add", runs, bench.fact_add),
            (
                "/fact search (a typo, after an add)",
                runs,
                bench.slash("/fact search", query="photografer"),
            ),
            ("/next", runs, bench.slash("/next")),
            ("/cast who", runs, bench.slash("/cast who", name="seonwoo")),
            ("/trivia leaderboard", runs, bench.slash("/trivia leaderboard")),
            ("/trivia start (10 questions, then stop)", max(3, runs // 2), bench.trivia_start),
        ]
        port = _free_port()
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            store = await Store.open(folder / "fanbot.sqlite3")
            try:
                await fill(store, facts, guild_id=guild.id)
            finally:
                await store.close()
            async with (
                bot_process(emu, "bot", folder, "run", FANBOT_METRICS_PORT=str(port)),
                aiohttp.ClientSession() as session,
            ):
                await asyncio.sleep(2)  # start-up's own work is not any command's
                before = await _lag_buckets(session, port)
                await asyncio.sleep(5)
                after = await _lag_buckets(session, port)
                longest, above, probes, over = _bounds(before, after)
                results.append(
                    StallResult("idle, 5 s", 0, 0, longest, above, probes, over, Summary.of([]))
                )
                for label, count, command in commands:
                    before = await _lag_buckets(session, port)
                    latencies: list[float] = []
                    failed = 0
                    for _ in range(count):
                        try:
                            reply = await command()
                        except Exception:  # counted, never raised
                            failed += 1
                            continue
                        if reply is None:
                            continue
                        if reply.failed or reply.latency is None:
                            failed += 1
                        else:
                            latencies.append(reply.latency)
                    await asyncio.sleep(SETTLE_SECONDS)
                    after = await _lag_buckets(session, port)
                    longest, above, probes, over = _bounds(before, after)
                    results.append(
                        StallResult(
                            label,
                            count,
                            failed,
                            longest,
                            above,
                            probes,
                            over,
                            Summary.of(latencies),
                        )
                    )
                    print(f"stalls: {label}: longest <= {longest:.0f} ms", flush=True)
    finally:
        await emu.stop()
    return results
