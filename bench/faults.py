"""Exactly once under faults: kills at random moments of a fan-out, and a 5xx storm.

Both runs announce one episode to many servers with the emulator enforcing the global limit
(50 requests/s), the bot as its own process (``fanbot run``):

- **kills**: each post lands at once but is answered 0.3 s late, so a kill leaves posts the
  log never heard of; the bot is killed with SIGKILL at random moments of the fan-out and
  started again after Discord has forgotten the nonces (the emulator's nonce memory is
  cleared), as after a long outage. Only the bot's look at the channel can dedupe then.
- **storm**: every message post answers 503 from the air instant for ``storm_seconds``.

Counted, never asserted: duplicates, misses, 429s from the global limit, refused requests,
and when the last server got its post.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.fanout import GLOBAL_LIMIT, _prepare, posts_by_channel
from bench.harness import bot_process
from bot.domain.announcements import DeliveryState
from bot.store import Store
from tests.emulator import Channel, DiscordEmulator

ANSWER_DELAY_SECONDS = 0.3


@dataclass(frozen=True)
class FaultResult:
    scenario: str
    guilds: int
    kills: int
    duplicates: int
    misses: int
    rate_limited: int  # 429s from the global limit (the bot paces itself under it)
    refused: int  # requests answered with an injected failure
    last_post_s: float  # after the air instant
    settled_sent: int


def _posted(emu: DiscordEmulator, channels: list[Channel]) -> int:
    by_channel = posts_by_channel(emu)
    return sum(1 for c in channels if c.id in by_channel)


async def _sent(database: Path) -> int:
    store = await Store.open(database, read_only=True)
    try:
        return sum(
            1 for _, s, _ in await store.announcements.deliveries() if s is DeliveryState.SENT
        )
    finally:
        await store.close()


async def _world(guilds: int) -> tuple[DiscordEmulator, list[Channel]]:
    emu = await DiscordEmulator(global_limit=GLOBAL_LIMIT).start()
    channels = []
    for i in range(guilds):
        guild = emu.add_guild(f"Fans {i}")
        channels.append(emu.add_channel(guild, "episodes"))
    return emu, channels


def _result(
    scenario: str,
    emu: DiscordEmulator,
    channels: list[Channel],
    airs_at: datetime,
    kills: int,
    sent: int,
) -> FaultResult:
    by_channel = posts_by_channel(emu)
    counts = [len(by_channel.get(c.id, [])) for c in channels]
    injected = sum(emu.refused_by_status.values())
    limited = sum(1 for e in emu.errors if e.status == 429) - emu.refused_by_status.get(429, 0)
    times = [m.created.wall for c in channels for m in by_channel.get(c.id, [])]
    return FaultResult(
        scenario=scenario,
        guilds=len(channels),
        kills=kills,
        duplicates=sum(n - 1 for n in counts if n > 1),
        misses=sum(1 for n in counts if n == 0),
        rate_limited=limited,
        refused=injected,
        last_post_s=max(times) - airs_at.timestamp() if times else float("nan"),
        settled_sent=sent,
    )


async def _until_all_sent(database: Path, guilds: int, timeout: float) -> int:
    deadline = asyncio.get_running_loop().time() + timeout
    sent = 0
    while asyncio.get_running_loop().time() < deadline:
        sent = await _sent(database)
        if sent >= guilds:
            break
        await asyncio.sleep(0.5)
    return sent


async def run_kills(guilds: int = 300, kills: int = 3, seed: int = 7) -> FaultResult:
    rng = random.Random(seed)
    emu, channels = await _world(guilds)
    try:
        airs_at = (datetime.now(UTC) + timedelta(seconds=25)).replace(microsecond=0)
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            database = folder / "fanbot.sqlite3"
            data = str(folder / "dramas")
            await _prepare(folder, airs_at, [(c.guild_id or 0, c.id) for c in channels])
            emu.delay_answers(ANSWER_DELAY_SECONDS)
            # Kill points: shares of the servers posted so far, one per life but the last.
            marks = sorted(rng.uniform(0.1, 0.9) for _ in range(kills))
            done = 0
            for mark in marks:
                async with bot_process(emu, "bot", folder, "run", FANBOT_DATA_DIR=data) as bot:
                    target = max(done + 1, int(mark * guilds))
                    await emu.wait_until(lambda t=target: _posted(emu, channels) >= t, 180)
                    await asyncio.sleep(rng.uniform(0, 0.3))  # a random instant after it
                    bot.process.kill()
                    await bot.process.wait()
                done = _posted(emu, channels)
                emu.forget_nonces()
            emu.delay_answers(0)
            async with bot_process(emu, "bot", folder, "run", FANBOT_DATA_DIR=data):
                sent = await _until_all_sent(database, guilds, guilds / GLOBAL_LIMIT * 3 + 60)
        return _result("kills", emu, channels, airs_at, kills, sent)
    finally:
        await emu.stop()


async def run_storm(guilds: int = 300, storm_seconds: float = 40.0) -> FaultResult:
    emu, channels = await _world(guilds)
    try:
        airs_at = (datetime.now(UTC) + timedelta(seconds=25)).replace(microsecond=0)
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            await _prepare(folder, airs_at, [(c.guild_id or 0, c.id) for c in channels])
            data = str(folder / "dramas")
            async with bot_process(emu, "bot", folder, "run", FANBOT_DATA_DIR=data):
                await asyncio.sleep(max(0.0, (airs_at - datetime.now(UTC)).total_seconds()))
                emu.fail_for(storm_seconds, 503, route_contains="/messages")
                sent = await _until_all_sent(
                    folder / "fanbot.sqlite3",
                    guilds,
                    storm_seconds + guilds / GLOBAL_LIMIT * 3 + 90,
                )
        return _result("503 storm", emu, channels, airs_at, 0, sent)
    finally:
        await emu.stop()
