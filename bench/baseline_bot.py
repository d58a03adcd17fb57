"""The baseline: a bare discord.py bot answering a constant string to ``/ping`` and to a
click on a ``ping:<n>`` button (so that each of our interactions, slash command or button
click, is compared with the same kind of interaction in discord.py alone).

Run as its own process, exactly like ``fanbot run``, so both are measured the same way:
``python -m bench.baseline_bot`` with DISCORD_TOKEN, DISCORD_API_BASE_URL and
DISCORD_GATEWAY_URL in the environment.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
from typing import Any

import discord
from discord import app_commands

from bot.discord_urls import point_discord_at


class PingButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"ping:(?P<n>\d+)"):
    """Any ``ping:<n>`` button, answered with a constant ephemeral reply."""

    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label="Ping", custom_id=f"ping:{n}"))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PingButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)


class BaselineBot(discord.AutoShardedClient):
    """Sharded like ours (Discord's recommended count), so it can hold 10,000 servers."""

    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # the same intents as ours (without message content)
        super().__init__(intents=intents)
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ping", description="Answers pong.")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

    async def setup_hook(self) -> None:
        self.add_dynamic_items(PingButton)
        await self.tree.sync()

    async def launch_shards(self) -> None:
        # discord.py would take the gateway URL from /gateway/bot; keep the configured one,
        # as ours does.
        self.shard_count, _, _ = await self.http.get_bot_gateway()
        await super().launch_shards()

    async def on_ready(self) -> None:
        logging.getLogger("baseline").info("ready as %s", self.user)


async def main() -> None:
    logging.basicConfig(level=os.environ.get("FANBOT_LOG_LEVEL", "INFO"))
    point_discord_at(os.environ["DISCORD_API_BASE_URL"], os.environ["DISCORD_GATEWAY_URL"])
    bot = BaselineBot()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(os.environ["DISCORD_TOKEN"]))
        await stop.wait()
        await bot.close()
        await runner


if __name__ == "__main__":
    asyncio.run(main())
