"""Fixtures for end-to-end tests against the local Discord emulator (tests/emulator)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from discord.ext import commands

from bot.client import FanBot
from bot.config import Settings, load_settings
from tests.e2e.airing import in_seconds, soon_drama
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


# -- Drama Fanbot itself, built as `fanbot run` builds it ------------------------------------

REPO = Path(__file__).resolve().parents[2]
SHIPPED_DATA = REPO / "data" / "dramas"


@dataclass
class FanbotRunner:
    """Starts and restarts the real bot against the emulator, on one database."""

    emulator: DiscordEmulator
    settings: Settings
    running: RunningBot | None = None

    @property
    def bot(self) -> FanBot:
        assert self.running is not None, "the bot is not running"
        bot = self.running.bot
        assert isinstance(bot, FanBot)
        return bot

    async def start(self) -> FanBot:
        bot = FanBot(self.settings, guild_ready_timeout=0.1)
        self.running = await start_bot(bot, self.emulator)
        return bot

    async def stop(self) -> None:
        if self.running is not None:
            await self.running.stop()
            self.running = None

    async def restart(self) -> FanBot:
        await self.stop()
        return await self.start()


def fanbot_settings(
    emulator: DiscordEmulator, folder: Path, data_dir: Path, **env: str
) -> Settings:
    """Settings as `fanbot run` would read them from an operator's environment."""
    return load_settings(
        {
            "DISCORD_TOKEN": emulator.token,
            "FANBOT_DATABASE": str(folder / "var" / "fanbot.sqlite3"),
            "FANBOT_DATA_DIR": str(data_dir),
            "DISCORD_API_BASE_URL": emulator.api_base_url,
            "DISCORD_GATEWAY_URL": emulator.gateway_url,
            **env,
        },
        dotenv=folder / "no.env",
    )


@pytest.fixture
def data_dir() -> Path:
    """The drama files the bot imports; override in a module for test dramas."""
    return SHIPPED_DATA


@pytest.fixture
async def fanbot_runner(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path, data_dir: Path
) -> AsyncIterator[FanbotRunner]:
    runner = FanbotRunner(emulator, fanbot_settings(emulator, tmp_path, data_dir))
    try:
        yield runner
    finally:
        await runner.stop()


@pytest.fixture
async def fanbot(fanbot_runner: FanbotRunner) -> FanBot:
    """Drama Fanbot, started, ready and with its commands synced."""
    return await fanbot_runner.start()


# -- announcements: a drama airing seconds from now, and a server admin ----------------------


@pytest.fixture
def airs_at() -> datetime:
    """When the test drama's first episode airs; a module overrides it for more lead time."""
    return in_seconds(6)  # room for start-up and the slash commands on a busy machine


@pytest.fixture
async def admin(emulator: DiscordEmulator, fans: Fans) -> User:
    """A member of the fans' server with Manage Server."""
    return emulator.add_user("mod", guild=fans.guild, manage_guild=True)


@pytest.fixture
async def runner(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path, airs_at: datetime
) -> AsyncIterator[FanbotRunner]:
    """The bot, started, with "Soon Drama" airing at ``airs_at`` and a week later."""
    data = soon_drama(tmp_path / "dramas", airs_at, airs_at + timedelta(days=7))
    runner = FanbotRunner(emulator, fanbot_settings(emulator, tmp_path, data))
    await runner.start()
    yield runner
    await runner.stop()
