"""``/remind me|off``: a fan's own DM when an episode airs."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FanBot
from bot.cogs.drama_option import drama_autocomplete, resolve_drama
from bot.i18n import Language
from bot.ui.announcements import (
    dms_closed,
    dms_were_closed,
    remind_confirmation_dm,
    remind_off,
    remind_on,
)


class Remind(commands.GroupCog, group_name="remind", group_description="Your own DM reminders."):
    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    async def _with_notice(self, lang: Language, user_id: int, text: str) -> str:
        if await self.bot.store.announcements.take_closed_dm_notice(user_id):
            return f"{dms_were_closed(lang)}\n{text}"
        return text

    @app_commands.command(name="me", description="DM me when each episode airs.")
    @app_commands.describe(drama="Which drama (default: this server's).")
    @app_commands.autocomplete(drama=drama_autocomplete)
    async def me(self, interaction: discord.Interaction, drama: str | None = None) -> None:
        found = await resolve_drama(interaction, drama)
        if found is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        lang = await self.bot.reader_language(interaction)
        try:
            await interaction.user.send(remind_confirmation_dm(lang, found))
        except discord.Forbidden:
            await interaction.followup.send(dms_closed(lang), ephemeral=True)
            return
        notice = await self._with_notice(lang, interaction.user.id, remind_on(lang, found))
        # The DMs are written in the language the fan uses now (see bot.announcer).
        language = self.bot.languages.code_for(interaction.locale.value)
        await self.bot.store.announcements.add_reminder(
            interaction.user.id, found.slug, self.bot.clock.now(), language
        )
        await self.bot.airing.replan()
        await interaction.followup.send(notice, ephemeral=True)

    @app_commands.command(name="off", description="Stop my DM reminders for a drama.")
    @app_commands.describe(drama="Which drama (default: this server's).")
    @app_commands.autocomplete(drama=drama_autocomplete)
    async def off(self, interaction: discord.Interaction, drama: str | None = None) -> None:
        found = await resolve_drama(interaction, drama)
        if found is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # a write follows
        was_on = await self.bot.store.announcements.remove_reminder(interaction.user.id, found.slug)
        await self.bot.airing.replan()
        lang = await self.bot.reader_language(interaction)
        text = await self._with_notice(lang, interaction.user.id, remind_off(lang, found, was_on))
        await interaction.followup.send(text, ephemeral=True)


async def setup(bot: FanBot) -> None:
    await bot.add_cog(Remind(bot))
