"""Fixtures for end-to-end tests against the local Discord emulator (tests/emulator)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from discord.ext import commands

from tests.emulator import Channel, DiscordEmulator, Guild, User
from tests.emulator.baseline import RunningBot, make_baseline_bot, start_bot


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    """A started emulator; on teardown it is stopped and must leave no task behind."""
    before = asyncio.all_tasks()
    emu = await DiscordEmulator().start()
    try:
        yield emu
    finally:
        await emu.stop()
        current = asyncio.current_task()
        pending = {t for t in asyncio.all_tasks() - before if t is not current}
        if pending:  # tasks being cancelled (e.g. by the bot's close) get a moment to finish
            await asyncio.wait(pending, timeout=1.0)
        leftover = [t for t in pending if not t.done()]
        for task in leftover:
            task.cancel()
        assert not leftover, f"tasks left running after the test: {leftover}"


@dataclass
class Fans:
    """The little world most e2e tests need."""

    guild: Guild
    general: Channel
    announcements: Channel
    muted: Channel
    alice: User


@pytest.fixture
def fans(emulator: DiscordEmulator) -> Fans:
    guild = emulator.add_guild("Soundtrack Fans")
    general = next(iter(guild.channels.values()))
    announcements = emulator.add_channel(guild, "announcements", bot_can_send=True)
    muted = emulator.add_channel(guild, "read-only", bot_can_send=False)
    alice = emulator.add_user("alice", guild=guild)
    return Fans(guild, general, announcements, muted, alice)


@pytest.fixture
async def baseline(emulator: DiscordEmulator, fans: Fans) -> AsyncIterator[RunningBot]:
    """The bare baseline bot, connected and ready (commands not synced yet)."""
    running = await start_bot(make_baseline_bot(slow_seconds=0.6), emulator)
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def synced_bot(baseline: RunningBot) -> commands.Bot:
    """The baseline bot with its command tree synced, as after a first start."""
    bot = baseline.bot
    assert isinstance(bot, commands.Bot)
    await bot.tree.sync()
    return bot
