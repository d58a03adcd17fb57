"""``/episodes`` and ``/next``: when episodes air, in every fan's own time."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FanBot
from bot.cogs.drama_option import drama_autocomplete, resolve_drama
from bot.domain.schedule import next_airing
from bot.ui.announcements import render_episode_pages, render_next


class Episodes(commands.Cog):
    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    @app_commands.command(name="episodes", description="Every episode and when it airs.")
    @app_commands.describe(drama="Which drama (default: this server's).")
    @app_commands.autocomplete(drama=drama_autocomplete)
    async def episodes(self, interaction: discord.Interaction, drama: str | None = None) -> None:
        found = await resolve_drama(interaction, drama)
        if found is None:
            return
        episodes = self.bot.catalogue.snapshot.episodes_of(found.slug)
        lang = await self.bot.reader_language(interaction)
        pages = render_episode_pages(lang, found, episodes, self.bot.clock.now())
        await self.bot.pagers.send(interaction, pages, lang)

    @app_commands.command(name="next", description="The next episode, with a countdown.")
    @app_commands.describe(drama="Which drama (default: this server's).")
    @app_commands.autocomplete(drama=drama_autocomplete)
    async def next_episode(
        self, interaction: discord.Interaction, drama: str | None = None
    ) -> None:
        found = await resolve_drama(interaction, drama)
        if found is None:
            return
        episodes = self.bot.catalogue.snapshot.episodes_of(found.slug)
        upcoming = next_airing(episodes, self.bot.clock.now())
        lang = await self.bot.reader_language(interaction)
        embed = render_next(lang, found, upcoming, episodes)
        await interaction.response.send_message(embed=embed)


async def setup(bot: FanBot) -> None:
    await bot.add_cog(Episodes(bot))
