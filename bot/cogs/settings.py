"""``/settings [language] [timezone]``: a server's language and clock (Manage Server)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FanBot
from bot.domain.locality import find_zone, zone_choices
from bot.domain.text import CHOICES_LIMIT
from bot.ui.clock import render_weekly_slot
from bot.ui.settings import (
    drama_zone_choice,
    language_set,
    render_settings,
    timezone_set,
    unknown_timezone,
)

FOLLOW_DISCORD = "auto"
DRAMA_ZONE = "drama"
LANGUAGE_CHOICES = [
    app_commands.Choice(name="Follow the server's language in Discord", value=FOLLOW_DISCORD),
    app_commands.Choice(name="English", value="en"),
    app_commands.Choice(name="Bahasa Indonesia", value="id"),
    app_commands.Choice(name="한국어", value="ko"),
]


class Settings(commands.Cog):
    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        lang = await self.bot.reader_language(interaction)
        choices = [app_commands.Choice(name=drama_zone_choice(lang), value=DRAMA_ZONE)]
        choices += [
            app_commands.Choice(name=z.label, value=z.name)
            for z in zone_choices(current, CHOICES_LIMIT - 1)
        ]
        return choices

    @app_commands.command(
        name="settings", description="This server's language and time zone (Manage Server)."
    )
    @app_commands.describe(
        language="The language of announcements and trivia in this server.",
        timezone="The time zone times are written in, e.g. Asia/Jakarta (WIB).",
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def settings(
        self,
        interaction: discord.Interaction,
        language: app_commands.Choice[str] | None = None,
        timezone: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        guild_id = interaction.guild_id
        if guild_id is None:
            return
        guilds, now_at = self.bot.store.guilds, self.bot.clock.now()
        zone: str | None = None
        if timezone is not None and timezone != DRAMA_ZONE:
            zone = find_zone(timezone)
            if zone is None:
                lang = await self.bot.reader_language(interaction)
                await interaction.response.send_message(
                    unknown_timezone(lang, timezone), ephemeral=True
                )
                return
        if language is None and timezone is None:
            lang = await self.bot.reader_language(interaction)
            current = await guilds.settings(guild_id)
            posts_in = (await self.bot.server_language(interaction)).code
            drama = self.bot.catalogue.snapshot.drama(current.default_drama or "")
            embed = render_settings(lang, current, posts_in, drama.title if drama else None)
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        lines = []
        if language is not None:
            code = None if language.value == FOLLOW_DISCORD else language.value
            await guilds.set_language(guild_id, code, now_at)
        if timezone is not None:
            await guilds.set_timezone(guild_id, zone, now_at)
        lang = await self.bot.reader_language(interaction)
        if language is not None:
            posts_in = (await self.bot.server_language(interaction)).code
            code = None if language.value == FOLLOW_DISCORD else language.value
            lines.append(language_set(lang, code, posts_in))
        if timezone is not None:
            snapshot = self.bot.catalogue.snapshot
            example = None
            if zone is not None and snapshot.dramas:
                example = render_weekly_slot(lang, snapshot.dramas[0].schedule)
            lines.append(timezone_set(lang, zone, example))
        await interaction.followup.send("\n".join(lines), ephemeral=True)


async def setup(bot: FanBot) -> None:
    await bot.add_cog(Settings(bot))
