"""Announcement fan-out: 1,000 servers subscribed to one drama, one episode airing.

The emulator enforces Discord's global limit (50 requests/s). Measured: time from the air
instant to the first and the last post, posts per second as a share of the limit, and
duplicates and misses (both must be 0).
"""

from __future__ import annotations

import asyncio
import math
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import bot_process
from bot.data.importer import import_files
from bot.store import Store
from tests.e2e.airing import soon_drama
from tests.emulator import DiscordEmulator

GLOBAL_LIMIT = 50

@dataclass(frozen=True)
class FanOutResult:
    guilds: int
    first_post_s: float
    last_post_s: float
    posts_per_second: float
    share_of_limit: float
    duplicates: int
    misses: int
    rate_limited: int
    ready_s: float


async def _prepare(folder: Path, airs_at: datetime, targets: list[tuple[int, int]]) -> None:
    """The bot's data and database as an admin would have set them up."""
    data = soon_drama(folder / "dramas", airs_at)
    store = await Store.open(folder / "fanbot.sqlite3")
    try:
        await import_files(store.dramas, [data])
        created_at = datetime.now(UTC)
        for guild_id, channel_id in targets:
            await store.announcements.subscribe(guild_id, "soon", channel_id, created_at)
    finally:
        await store.close()


async def run(guilds: int = 1000, lead_seconds: float = 30.0) -> FanOutResult:
    emu = await DiscordEmulator(global_limit=GLOBAL_LIMIT).start()
    try:
        channels = []
        for i in range(guilds):
            guild = emu.add_guild(f"Fans {i}")
            channels.append(emu.add_channel(guild, "episodes"))
        airs_at = (datetime.now(UTC) + timedelta(seconds=lead_seconds)).replace(microsecond=0)
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            await _prepare(folder, airs_at, [(c.guild_id or 0, c.id) for c in channels])
            async with bot_process(
                emu, "bot", folder, "run", FANBOT_DATA_DIR=str(folder / "dramas")
            ) as bot:
                if datetime.now(UTC) >= airs_at:
                    raise RuntimeError("the bot was not ready before the air time; raise lead")
                deadline = airs_at + timedelta(seconds=guilds / GLOBAL_LIMIT * 3 + 30)
                while datetime.now(UTC) < deadline:
                    if all(emu.messages_in(c) for c in channels):
                        break
                    await asyncio.sleep(0.2)
                await asyncio.sleep(2)  # anything late would be a duplicate
        counts = [len(emu.messages_in(c)) for c in channels]
        rate_limited = sum(1 for e in emu.errors if e.status == 429)
        times = sorted(m.created.wall for c in channels for m in emu.messages_in(c))
    finally:
        await emu.stop()
    air = airs_at.timestamp()
    # The limit is counted in whole-second windows, so the rate is too.
    windows = math.ceil(times[-1] - times[0]) if len(times) > 1 else 1
    rate = len(times) / max(windows, 1)
    return FanOutResult(
        guilds=guilds,
        first_post_s=times[0] - air if times else float("nan"),
        last_post_s=times[-1] - air if times else float("nan"),
        posts_per_second=rate,
        share_of_limit=rate / GLOBAL_LIMIT,
        duplicates=sum(n - 1 for n in counts if n > 1),
        misses=sum(1 for n in counts if n == 0),
        rate_limited=rate_limited,
        ready_s=bot.ready_after,
    )
