"""``/drama list|info|default|add|refresh``: the dramas this bot follows."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FanBot
from bot.cogs.drama_option import drama_autocomplete, resolve_drama
from bot.domain.text import CHOICE_NAME_LIMIT, CHOICES_LIMIT, clip
from bot.i18n import Language
from bot.sources.reports import Imported
from bot.sources.tvmaze import TvmazeError
from bot.ui.dramas import default_set, render_drama_info, render_drama_list
from bot.ui.sources import (
    added,
    adds_capped,
    adds_disabled,
    not_from_source,
    nothing_found,
    refresh_answers,
    refresh_failed,
    refreshed_none,
    source_failed,
)

log = logging.getLogger(__name__)
# Autocomplete must answer within Discord's 3 s: a slow TVmaze yields no choices instead.
SEARCH_SECONDS = 2.0


class Dramas(commands.GroupCog, group_name="drama", group_description="The dramas I follow."):
    def __init__(self, bot: FanBot) -> None:
        self.bot = bot
        self._adding: dict[int, asyncio.Lock] = {}  # per server: one /drama add at a time

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

    async def show_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """TVmaze's search as the admin types: "Alchemy of Souls (tvN, 2022)"."""
        if len(current.strip()) < 2:
            return []
        try:
            hits = await asyncio.wait_for(
                (await self.bot.supply.follower()).search(current), SEARCH_SECONDS
            )
        except (TvmazeError, TimeoutError) as error:
            log.info("TVmaze search for %r failed: %s", current, error)
            return []
        return [
            app_commands.Choice(name=clip(h.label, CHOICE_NAME_LIMIT), value=str(h.show_id))
            for h in hits[:CHOICES_LIMIT]
        ]

    @app_commands.command(name="add", description="Follow a drama from TVmaze.")
    @app_commands.describe(show="Start typing its title; pick it from the list.")
    @app_commands.autocomplete(show=show_autocomplete)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(self, interaction: discord.Interaction, show: str) -> None:
        settings = self.bot.settings
        guild_id = interaction.guild_id
        assert guild_id is not None
        lang = await self.bot.reader_language(interaction)
        if not settings.discord_adds:
            await interaction.response.send_message(adds_disabled(lang), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # before any network
        # One add at a time per server, so two admins at once cannot both pass the cap.
        async with self._adding.setdefault(guild_id, asyncio.Lock()):
            await self._add(interaction, lang, guild_id, show)

    async def _add(
        self, interaction: discord.Interaction, lang: Language, guild_id: int, show: str
    ) -> None:
        settings = self.bot.settings
        now_at = self.bot.clock.now()
        dramas = self.bot.store.dramas
        if await dramas.adds_since(guild_id, now_at - timedelta(days=1)) >= settings.adds_per_day:
            await interaction.followup.send(
                adds_capped(lang, settings.adds_per_day), ephemeral=True
            )
            return
        try:
            show_id = await self._show_id(show)
            if show_id is None:
                await interaction.followup.send(nothing_found(lang, show), ephemeral=True)
                return
            imported = await self.bot.add_from_source(show_id)
        except TvmazeError as error:
            log.info("/drama add %r in guild %s failed: %s", show, guild_id, error.reason)
            await interaction.followup.send(source_failed(lang, error), ephemeral=True)
            return
        slug = imported.drama_file.drama.slug
        await dramas.record_add(guild_id, slug, interaction.user.id, now_at)
        await interaction.followup.send(self._found(lang, imported), ephemeral=True)

    async def _show_id(self, typed: str) -> int | None:
        """The autocomplete's value (a TVmaze id), ``tvmaze:ID``, or TVmaze's best match."""
        text = typed.strip().removeprefix("tvmaze:")
        if text.isdecimal():
            return int(text)
        hits = await (await self.bot.supply.follower()).search(typed)
        return hits[0].show_id if hits else None

    def _found(self, lang: Language, imported: Imported, *, refreshed: bool = False) -> str:
        snapshot = self.bot.catalogue.snapshot
        drama = snapshot.drama(imported.drama_file.drama.slug) or imported.drama_file.drama
        return added(
            lang,
            drama,
            snapshot.episodes_of(drama.slug),
            snapshot.credits_of(drama.slug),
            snapshot.people,
            self.bot.clock.now(),
            refreshed=refreshed,
        )

    @app_commands.command(name="refresh", description="Fetch a TVmaze drama's schedule now.")
    @app_commands.describe(drama="Which drama (default: every TVmaze drama this server announces).")
    @app_commands.autocomplete(drama=drama_autocomplete)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def refresh(self, interaction: discord.Interaction, drama: str | None = None) -> None:
        snapshot = self.bot.catalogue.snapshot
        lang = await self.bot.reader_language(interaction)
        found = snapshot.find_drama(drama) if drama else None
        if drama and found is None:
            await resolve_drama(interaction, drama)  # answers "I don't know..."
            return
        if found is not None and found.source is None:
            await interaction.response.send_message(not_from_source(lang, found), ephemeral=True)
            return
        if found is not None:
            targets = [found]
        else:  # this server's own: one admin must not spend every server's TVmaze budget
            assert interaction.guild_id is not None
            mine = await self.bot.store.announcements.subscriptions(guild_id=interaction.guild_id)
            announced = {s.drama_slug for s in mine}
            targets = [d for d in snapshot.dramas if d.source and d.slug in announced]
        if not targets:
            await interaction.response.send_message(refreshed_none(lang), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        answers = []
        for target in targets:
            assert target.source is not None
            try:
                imported = await self.bot.refresh_source(target.slug, target.source)
            except TvmazeError as error:
                log.warning("/drama refresh of %s failed: %s", target.slug, error.reason)
                answers.append(refresh_failed(lang, target, error))
                continue
            answers.append(self._found(lang, imported, refreshed=True))
        await interaction.followup.send(refresh_answers(answers), ephemeral=True)


async def setup(bot: FanBot) -> None:
    await bot.add_cog(Dramas(bot))
