"""Building blocks of the announcement tests: a drama airing seconds from now, a server
that announces it, and what its channel shows."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.client import FanBot
from bot.domain.announcements import AnnouncementKind, DeliveryState
from bot.store import Store
from tests.emulator import Channel, DiscordEmulator, Guild, Role, User


def soon_drama(folder: Path, *airs_at: datetime) -> Path:
    """A drama file whose episodes air at the given instants."""
    folder.mkdir(parents=True, exist_ok=True)
    episodes = "\n".join(
        f"  - number: {n}\n    airs_at: {at.isoformat(timespec='seconds')}"
        for n, at in enumerate(airs_at, 1)
    )
    (folder / "soon.yaml").write_text(
        f"""\
slug: soon
title: "Soon Drama"
platform: Netflix
schedule:
  timezone: Asia/Jakarta
  weekdays: [wed]
  time: "14:00"
  start: 2030-01-01
  episodes: {len(airs_at)}
episodes:
{episodes}
""",
        encoding="utf-8",
    )
    return folder


def in_seconds(seconds: float) -> datetime:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).replace(microsecond=0)


async def subscribe(
    emulator: DiscordEmulator, admin: User, channel: Channel, role: Role | None = None
) -> None:
    reply = await emulator.slash(admin, "/announce channel", channel=channel, drama="soon")
    assert reply.ephemeral and (reply.content or "").startswith("I'll announce"), reply.content
    if role is not None:
        set_role = await emulator.slash(admin, "/announce role", role=role)
        assert set_role.content == f"Announcements will ping <@&{role.id}>.", set_role.content


async def second_server(emulator: DiscordEmulator, bot: FanBot) -> tuple[Guild, Channel, User]:
    """Another server joins; returns once the bot has its GUILD_CREATE."""
    guild = emulator.add_guild("Second Fans")
    channel = emulator.add_channel(guild, "episodes")
    admin = emulator.add_user("second-mod", guild=guild, manage_guild=True)
    await eventually(lambda: bot.get_channel(channel.id) is not None, timeout=5)
    return guild, channel, admin


def posts(emulator: DiscordEmulator, channel: Channel) -> list[str]:
    return [
        m.embeds[0]["title"] for m in emulator.messages_in(channel) if m.embeds and not m.ephemeral
    ]


async def eventually(check: Callable[[], bool | Awaitable[bool]], timeout: float = 30) -> None:
    """Wait until ``check()`` holds, for state that has no events (the store, the bot's
    caches and sessions): polls every 20 ms, fails with the check when time runs out."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                held = check()
                if await held if inspect.isawaitable(held) else held:
                    return
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"still false after {timeout} s: {check}") from None


async def until(instant: datetime) -> None:
    """Wait for a moment on the real clock (an air time to pass)."""
    await asyncio.sleep(max(0.0, (instant - datetime.now(UTC)).total_seconds()))


async def settled(
    store: Store, count: int, kind: AnnouncementKind = AnnouncementKind.AIRING, timeout: float = 30
) -> list[DeliveryState]:
    """Wait until ``count`` deliveries of ``kind`` are settled in the log; their states.

    The log is written after Discord answers, so this polls the store."""
    states: list[DeliveryState] = []

    async def enough() -> bool:
        rows = await store.announcements.deliveries(kind)
        states[:] = [state for _, state, _ in rows if state is not DeliveryState.CLAIMED]
        return len(states) >= count

    await eventually(enough, timeout)
    return states
