"""Shared pieces of the benchmarks: an emulator, a bot process on it, and statistics.

Bots run as separate processes (as in production), the emulator in the benchmark's own.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.emulator import DiscordEmulator

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"


@dataclass(frozen=True)
class Summary:
    """Median and p99 of a sample, in milliseconds."""

    count: int
    p50_ms: float
    p99_ms: float
    max_ms: float = float("nan")

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Summary:
        if not seconds:
            return cls(0, float("nan"), float("nan"))
        ordered = sorted(seconds)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        return cls(len(ordered), statistics.median(ordered) * 1000, p99 * 1000, ordered[-1] * 1000)


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    started: float
    ready_after: float = 0.0
    reader: asyncio.Task[None] | None = None

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self.reader is not None:
            await self.reader


async def _watch_log(process: asyncio.subprocess.Process, ready: asyncio.Event) -> None:
    """Read the bot's log (so its pipe never fills) and notice its on_ready line."""
    assert process.stderr is not None
    async for line in process.stderr:
        if b"ready as" in line:
            ready.set()


def bot_environment(emulator: DiscordEmulator, folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FANBOT_", "DISCORD_"))}
    env.update(
        DISCORD_TOKEN=emulator.token,
        DISCORD_API_BASE_URL=emulator.api_base_url,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        FANBOT_DATABASE=str(folder / "fanbot.sqlite3"),
        FANBOT_DATA_DIR=str(REPO / "data" / "dramas"),
        FANBOT_LOG_LEVEL="INFO",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


@asynccontextmanager
async def bot_process(
    emulator: DiscordEmulator, module: str, folder: Path, *args: str, **extra: str
) -> AsyncIterator[BotProcess]:
    """Start ``python -m module args`` against the emulator; yield once on_ready ran."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        cwd=REPO,
        env=bot_environment(emulator, folder, **extra),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    ready = asyncio.Event()
    bot = BotProcess(process, started, reader=asyncio.create_task(_watch_log(process, ready)))
    try:
        await asyncio.wait_for(ready.wait(), 180)
        bot.ready_after = time.perf_counter() - started
        yield bot
    finally:
        await bot.stop()


def ratio(ours: float, baseline: float) -> float:
    return ours / baseline if baseline else float("nan")
