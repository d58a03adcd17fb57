"""``/drama list|info|default``: the dramas this bot follows."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FanBot
from bot.cogs.drama_option import drama_autocomplete, resolve_drama
from bot.ui.dramas import default_set, render_drama_info, render_drama_list


class Dramas(commands.GroupCog, group_name="drama", group_description="The dramas I follow."):
    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    @app_commands.command(name="list", description="Every drama I follow, with its status.")
    async def list_dramas(self, interaction: discord.Interaction) -> None:
        snapshot = self.bot.catalogue.snapshot
        lang = await self.bot.reader_language(interaction)
        embed = render_drama_list(lang, snapshot.dramas, snapshot.episodes, self.bot.clock.now())
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="info", description="Everything about one drama.")
    @app_commands.describe(drama="Which drama (default: this server's).")
    @app_commands.autocomplete(drama=drama_autocomplete)
    async def info(self, interaction: discord.Interaction, drama: str | None = None) -> None:
        found = await resolve_drama(interaction, drama)
        if found is None:
            return
        snapshot = self.bot.catalogue.snapshot
        embed = render_drama_info(
            await self.bot.reader_language(interaction),
            found,
            snapshot.episodes_of(found.slug),
            snapshot.credits_of(found.slug),
            snapshot.people,
            self.bot.clock.now(),
        )
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="default", description="Set the drama commands use by default.")
    @app_commands.describe(drama="The drama this server follows most.")
    @app_commands.autocomplete(drama=drama_autocomplete)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def default(self, interaction: discord.Interaction, drama: str) -> None:
        found = await resolve_drama(interaction, drama)
        if found is None or interaction.guild_id is None:
            return
        await interaction.response.defer(thinking=True)  # a write may wait on SQLite's lock
        await self.bot.store.guilds.set_default_drama(
            interaction.guild_id, found.slug, self.bot.clock.now()
        )
        lang = await self.bot.reader_language(interaction)
        await interaction.followup.send(default_set(lang, found))


async def setup(bot: FanBot) -> None:
    await bot.add_cog(Dramas(bot))
