"""The bot starts against the emulator, syncs only when needed, and answers /about."""

from __future__ import annotations

import asyncio
import re
import time
from importlib.metadata import version

from bot import __version__
from bot.client import FanBot
from tests.e2e.conftest import FanbotRunner, Fans
from tests.emulator import DiscordEmulator


async def test_the_bot_starts_syncs_valid_commands_and_answers_about(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    assert emulator.command_puts == 1
    names = {c["name"] for c in emulator.commands()}
    assert {"about", "drama", "fact", "cast"} <= names
    assert not emulator.errors, emulator.errors

    up_before = time.monotonic() - fanbot.started_monotonic
    reply = await emulator.slash(fans.alice, "/about", in_channel=fans.general)
    up_after = time.monotonic() - fanbot.started_monotonic

    assert reply.failed is None
    [embed] = reply.embeds
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Dramas"] == "1"
    assert fields["Servers"] == "1"
    assert fields["Version"] == __version__ == version("drama-fanbot")
    # Started seconds ago, so "<minutes>m <seconds>s", as long as the bot has been up.
    uptime = re.fullmatch(r"(\d+)m (\d|[1-5]\d)s", fields["Uptime"])
    assert uptime, fields["Uptime"]
    shown = int(uptime[1]) * 60 + int(uptime[2])
    assert int(up_before) <= shown <= up_after
    assert "ms" in fields["Gateway latency"] or fields["Gateway latency"] == "measuring…"
    assert not emulator.unknown_routes


async def test_a_restart_does_not_sync_unchanged_commands_but_fanbot_sync_does(
    fanbot_runner: FanbotRunner, emulator: DiscordEmulator
) -> None:
    await fanbot_runner.start()
    await fanbot_runner.restart()
    assert emulator.command_puts == 1

    assert await fanbot_runner.bot.sync_commands(force=True)
    assert emulator.command_puts == 2


async def test_after_the_gateway_drops_the_bot_resumes_and_answers_again(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    await emulator.drop_gateway()
    await emulator.gateway.wait_for("RESUMED")
    await asyncio.wait_for(fanbot.wait_until_ready(), 5)

    reply = await emulator.slash(fans.alice, "/about", in_channel=fans.general)

    assert reply.failed is None and reply.embeds
