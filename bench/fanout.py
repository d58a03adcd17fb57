"""Announcement fan-out: 10,000 servers subscribed to one drama, one episode airing, while a
trivia game runs in another server and fans use commands there.

The emulator enforces Discord's global limit (50 requests/s). Measured: time from the air
instant to the first and the last post, posts per second as a share of the limit (and per
second over time, for the plot), duplicates and misses; during the fan-out, how late each
trivia question is posted after it fell due (the previous one's close), and the latency of
interactions sent at a steady rate. Failures are counted, never asserted.
"""

from __future__ import annotations

import asyncio
import gc
import math
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import REPO, Summary, bot_process
from bot.data.importer import import_files
from bot.store import Store
from tests.e2e.airing import soon_drama
from tests.emulator import DiscordEmulator, Reply
from tests.emulator.state import Channel, Message

GLOBAL_LIMIT = 50
MAX_CONCURRENCY = 16
TRIVIA_SECONDS = 5  # the shortest answer window: a question falls due every 5 s
TRIVIA_QUESTIONS = 6
INTERACTIONS_PER_SECOND = 10


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
    question_delays_s: list[float] = field(default_factory=list)  # posted minus due
    trivia_failed: int = 0
    interactions: Summary = field(default_factory=lambda: Summary.of([]))
    interactions_failed: int = 0
    per_second: list[int] = field(default_factory=list)  # posts in each second after air


async def _prepare(folder: Path, airs_at: datetime, targets: list[tuple[int, int]]) -> Path:
    """The bot's data and database as admins would have set them up."""
    data = soon_drama(folder / "dramas", airs_at)
    shutil.copy(REPO / "data" / "dramas" / "soundtrack-1.yaml", data)  # for the trivia game
    store = await Store.open(folder / "fanbot.sqlite3")
    try:
        await import_files(store.dramas, [data])
        created_at = datetime.now(UTC)
        for guild_id, channel_id in targets:
            await store.announcements.subscribe(guild_id, "soon", channel_id, created_at)
    finally:
        await store.close()
    return data


def posts_by_channel(emu: DiscordEmulator) -> dict[int, list[Message]]:
    """Every channel's messages, in one pass over the emulator's messages: asking each of
    10,000 channels (``messages_in`` reads them all each time) held the emulator's loop for
    seconds, so requests reached it in bunches and met the global limit."""
    found: dict[int, list[Message]] = {}
    for message in emu.world.messages.values():
        if not message.deleted:
            found.setdefault(message.channel_id, []).append(message)
    return found


def _questions(emu: DiscordEmulator, channel: Channel) -> list[Message]:
    return [
        m
        for m in emu.messages_in(channel)
        if m.embeds and str(m.embeds[0].get("title", "")).startswith("Question ")
    ]


async def _interactions(
    emu: DiscordEmulator, channel: Channel, seconds: float
) -> tuple[list[float], int]:
    """``/fact search`` at a steady rate in the trivia server while the fan-out runs."""
    user = emu.add_user("searcher", guild=emu.world.guilds[channel.guild_id or 0])
    tasks: list[asyncio.Task[Reply]] = []
    start = time.perf_counter()
    for i in range(int(seconds * INTERACTIONS_PER_SECOND)):
        delay = start + i / INTERACTIONS_PER_SECOND - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(
            asyncio.create_task(
                emu.slash(user, "/fact search", in_channel=channel, query="vincenzo")
            )
        )
    replies = await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [
        r.latency
        for r in replies
        if isinstance(r, Reply) and r.failed is None and r.latency is not None
    ]
    return latencies, len(replies) - len(latencies)


async def run(guilds: int = 10_000, lead_seconds: float = 60.0) -> FanOutResult:
    emu = await DiscordEmulator(global_limit=GLOBAL_LIMIT, max_concurrency=MAX_CONCURRENCY).start()
    try:
        channels = []
        for i in range(guilds):
            guild = emu.add_guild(f"Fans {i}")
            channels.append(emu.add_channel(guild, "episodes"))
        night = emu.add_guild("Trivia Night")
        trivia = emu.add_channel(night, "trivia")
        host = emu.add_user("host", guild=night)
        # The emulator stands in for Discord, which does not pause: its garbage collector
        # (full passes over 10,000 servers and their messages) held this loop 100-200 ms
        # every few seconds, so requests reached the global limit in bunches and met 429s
        # that Discord would not send. It is off for the run (the run makes little garbage).
        gc.freeze()
        gc.disable()
        airs_at = (datetime.now(UTC) + timedelta(seconds=lead_seconds)).replace(microsecond=0)
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            data = await _prepare(folder, airs_at, [(c.guild_id or 0, c.id) for c in channels])
            async with bot_process(emu, "bot", folder, "run", FANBOT_DATA_DIR=str(data)) as bot:
                if datetime.now(UTC) >= airs_at:
                    raise RuntimeError("the bot was not ready before the air time; raise lead")
                await asyncio.sleep((airs_at - datetime.now(UTC)).total_seconds() + 3)
                # the fan-out is under way: a game starts elsewhere, and fans use commands
                started = await emu.slash(
                    host,
                    "/trivia start",
                    in_channel=trivia,
                    drama="Soundtrack #1",
                    questions=TRIVIA_QUESTIONS,
                    seconds=TRIVIA_SECONDS,
                )
                game_seconds = TRIVIA_QUESTIONS * (TRIVIA_SECONDS + 1) + 5
                latencies, interactions_failed = await _interactions(emu, trivia, game_seconds)
                deadline = airs_at + timedelta(seconds=guilds / GLOBAL_LIMIT * 3 + 30)
                wanted = {c.id for c in channels}
                while datetime.now(UTC) < deadline:
                    if wanted <= set(posts_by_channel(emu)):
                        break
                    await asyncio.sleep(0.5)
                await asyncio.sleep(2)  # anything late would be a duplicate
        by_channel = posts_by_channel(emu)
        counts = [len(by_channel.get(c.id, [])) for c in channels]
        rate_limited = sum(1 for e in emu.errors if e.status == 429)
        times = sorted(m.created.wall for c in channels for m in by_channel.get(c.id, []))
        questions = _questions(emu, trivia)
    finally:
        await emu.stop()
        gc.enable()
        gc.unfreeze()
    air = airs_at.timestamp()
    # The limit is counted in whole-second windows, so the rate is too.
    windows = math.ceil(times[-1] - times[0]) if len(times) > 1 else 1
    rate = len(times) / max(windows, 1)
    per_second = [0] * (math.ceil(times[-1] - air) + 1 if times else 0)
    for at in times:
        per_second[max(0, int(at - air))] += 1
    # Question 1 is due when /trivia start answers; each next one when the previous closes.
    due = [started.interaction.created.wall] if started.failed is None else []
    due += [q.created.wall + TRIVIA_SECONDS for q in questions[:-1]]
    delays = [q.created.wall - d for q, d in zip(questions, due, strict=False)]
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
        question_delays_s=delays,
        trivia_failed=TRIVIA_QUESTIONS - len(questions) + (started.failed is not None),
        interactions=Summary.of(latencies),
        interactions_failed=interactions_failed,
        per_second=per_second,
    )
