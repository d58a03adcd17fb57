"""Memory and start-up: RSS after ready and time to ready with 1, 100 and 1,000 servers."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.harness import bot_process
from tests.emulator import DiscordEmulator


@dataclass(frozen=True)
class StartupResult:
    label: str
    guilds: int
    ready_s: float
    rss_mb: float


async def measure(module: str, args: tuple[str, ...], guilds: int, label: str) -> StartupResult:
    emu = await DiscordEmulator(rate_limits=False).start()
    try:
        for i in range(guilds):
            guild = emu.add_guild(f"Fans {i}")
            emu.add_channel(guild, "episodes")
        with tempfile.TemporaryDirectory() as folder:
            async with bot_process(emu, module, Path(folder), *args) as bot:
                rss = psutil.Process(bot.process.pid).memory_info().rss
                return StartupResult(label, guilds, bot.ready_after, rss / 2**20)
    finally:
        await emu.stop()


async def run(sizes: tuple[int, ...] = (1, 100, 1000)) -> list[StartupResult]:
    results = []
    for guilds in sizes:
        results.append(await measure("bench.baseline_bot", (), guilds, "baseline"))
        results.append(await measure("bot", ("run",), guilds, "fanbot"))
    return results
