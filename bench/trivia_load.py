"""Trivia under load: many games at once, every player clicking every question.

Measured: how long each ``/trivia start`` takes to settle (the deferral, then the follow-up
with the game; Discord allows 15 minutes), click-to-acknowledge latency (emulator dispatch ->
the bot's initial callback) and lost answers (clicks not acknowledged "Locked in"; must be 0).
Discord's global limit of 50 requests/s applies to the bot's posts and edits, as on Discord.
A start that fails or never settles is counted, not raised.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.harness import Summary, bot_process
from tests.emulator import DiscordEmulator, Reply
from tests.emulator.state import Channel, Message, User


@dataclass(frozen=True)
class TriviaLoadResult:
    games: int
    players: int
    clicks: int
    summary: Summary
    lost: int
    rate_limited: int
    starts: Summary
    starts_failed: int


def _question(emu: DiscordEmulator, channel: Channel, number: int) -> Message | None:
    for message in reversed(emu.messages_in(channel)):
        title = message.embeds[0].get("title", "") if message.embeds else ""
        if title.startswith(f"Question {number}/") and message.components:
            return message
    return None


async def _play(
    emu: DiscordEmulator, channel: Channel, players: list[User], questions: int, rng: random.Random
) -> list[Reply]:
    replies: list[Reply] = []
    for number in range(1, questions + 1):
        await emu.wait_until(
            lambda n=number: _question(emu, channel, n) is not None,  # type: ignore[misc]
            timeout=120,
        )
        message = _question(emu, channel, number)
        assert message is not None
        clicks = [emu.click(message, rng.choice("ABCD"), player) for player in players]
        replies.extend(await asyncio.gather(*clicks))
    return replies


START_WAIT = 60.0  # seconds a start may take to settle before it counts as failed


async def _start(
    emu: DiscordEmulator, host: User, channel: Channel, questions: int
) -> float | None:
    """Seconds from ``/trivia start`` to its settled answer; None when it failed."""
    began = time.perf_counter()
    try:
        reply = await emu.slash(
            host,
            "/trivia start",
            in_channel=channel,
            timeout=START_WAIT,
            questions=questions,
            seconds=30,
        )
    except TimeoutError:
        return None
    return None if reply.failed else time.perf_counter() - began


async def run(games: int = 200, players: int = 5, questions: int = 3) -> TriviaLoadResult:
    emu = await DiscordEmulator().start()
    rng = random.Random(3)
    try:
        guild = emu.add_guild("Trivia Night")
        channels = [emu.add_channel(guild, f"trivia-{i}") for i in range(games)]
        teams = [
            [emu.add_user(f"p{g}-{p}", guild=guild) for p in range(players)] for g in range(games)
        ]
        with tempfile.TemporaryDirectory() as folder:
            async with bot_process(emu, "bot", Path(folder), "run"):
                starts = await asyncio.gather(
                    *(
                        _start(emu, team[0], channel, questions)
                        for team, channel in zip(teams, channels, strict=True)
                    )
                )
                plays = [
                    _play(emu, channel, team, questions, rng)
                    for team, channel, took in zip(teams, channels, starts, strict=True)
                    if took is not None
                ]
                replies = [r for batch in await asyncio.gather(*plays) for r in batch]
        latencies = [r.latency for r in replies if r.latency is not None]
        lost = sum(1 for r in replies if r.failed or "Locked in" not in (r.content or ""))
        rate_limited = sum(1 for e in emu.errors if e.status == 429)
    finally:
        await emu.stop()
    settled = [took for took in starts if took is not None]
    return TriviaLoadResult(
        games,
        players,
        len(replies),
        Summary.of(latencies),
        lost,
        rate_limited,
        Summary.of(settled),
        len(starts) - len(settled),
    )
