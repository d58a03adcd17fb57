"""``/about``: version, uptime, gateway latency and how many dramas the bot knows."""

from __future__ import annotations

import time

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.client import FanBot
from bot.ui.about import render_about


class About(commands.Cog):
    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="about",
        description="What this bot is, how long it has run and how fast it answers.",
    )
    async def about(self, interaction: discord.Interaction) -> None:
        embed = render_about(
            await self.bot.reader_language(interaction),
            version=__version__,
            uptime_seconds=time.monotonic() - self.bot.started_monotonic,
            latency_seconds=self.bot.latency,
            drama_count=await self.bot.store.dramas.count_dramas(),
            guild_count=len(self.bot.guilds),
        )
        await interaction.response.send_message(embed=embed)


async def setup(bot: FanBot) -> None:
    await bot.add_cog(About(bot))
