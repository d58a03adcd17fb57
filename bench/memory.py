"""Memory and start-up: RSS after ready and time to ready, up to 10,000 servers (sharded).

The baseline and ours are started alternately on the same emulator set-up (A B A B ...), so
a noisy moment on the machine falls on both; each pair gives a ratio, and the table shows the
median ratio with its spread (lowest to highest). A start that fails is counted, not raised.
"""

from __future__ import annotations

import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.harness import bot_process, ratio
from tests.emulator import DiscordEmulator

# Large bots identify 16 shards at a time; 1 would add 5 s per shard to both bots alike.
MAX_CONCURRENCY = 16


@dataclass(frozen=True)
class StartupResult:
    label: str
    guilds: int
    ready_s: float
    rss_mb: float


@dataclass
class StartupComparison:
    """One size: the baseline's starts, and ours twice per pair (a first start on an empty
    database, which imports the data files, then a restart on the same database, which
    finds them unchanged: the everyday case)."""

    guilds: int
    shards: int
    baseline: list[StartupResult] = field(default_factory=list)
    first_start: list[StartupResult] = field(default_factory=list)
    restart: list[StartupResult] = field(default_factory=list)
    first_rss_ratios: list[float] = field(default_factory=list)
    restart_rss_ratios: list[float] = field(default_factory=list)
    first_ready_ratios: list[float] = field(default_factory=list)
    restart_ready_ratios: list[float] = field(default_factory=list)
    failed: int = 0

    @staticmethod
    def spread(values: list[float]) -> tuple[float, float, float]:
        if not values:
            return float("nan"), float("nan"), float("nan")
        return statistics.median(values), min(values), max(values)


async def measure(
    module: str, args: tuple[str, ...], guilds: int, label: str, starts: int = 1
) -> list[StartupResult]:
    """``starts`` starts of one bot, one after the other, on one database."""
    emu = await DiscordEmulator(rate_limits=False, max_concurrency=MAX_CONCURRENCY).start()
    try:
        for i in range(guilds):
            guild = emu.add_guild(f"Fans {i}")
            emu.add_channel(guild, "episodes")
        results = []
        with tempfile.TemporaryDirectory() as folder:
            for _ in range(starts):
                async with bot_process(emu, module, Path(folder), *args) as bot:
                    rss = psutil.Process(bot.process.pid).memory_info().rss
                    results.append(StartupResult(label, guilds, bot.ready_after, rss / 2**20))
        return results
    finally:
        await emu.stop()


async def compare(guilds: int, pairs: int) -> StartupComparison:
    shards = max(1, -(-guilds // 1000))
    result = StartupComparison(guilds, shards)
    for _ in range(pairs):
        try:
            (base,) = await measure("bench.baseline_bot", (), guilds, "baseline")
            first, again = await measure("bot", ("run",), guilds, "fanbot", starts=2)
        except (TimeoutError, RuntimeError, OSError) as error:
            print(f"start-up at {guilds} servers failed: {error!r}", flush=True)
            result.failed += 1
            continue
        result.baseline.append(base)
        result.first_start.append(first)
        result.restart.append(again)
        result.first_rss_ratios.append(ratio(first.rss_mb, base.rss_mb))
        result.restart_rss_ratios.append(ratio(again.rss_mb, base.rss_mb))
        result.first_ready_ratios.append(ratio(first.ready_s, base.ready_s))
        result.restart_ready_ratios.append(ratio(again.ready_s, base.ready_s))
    return result


async def run(
    sizes: tuple[int, ...] = (1, 1000, 10_000), pairs: int = 3
) -> list[StartupComparison]:
    return [await compare(guilds, pairs) for guilds in sizes]
