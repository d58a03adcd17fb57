"""``/cast list|who``: who plays whom, found however the name is typed."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FanBot
from bot.cogs.drama_option import drama_autocomplete, resolve_drama
from bot.domain.schedule import today_in
from bot.domain.text import CHOICE_NAME_LIMIT, CHOICES_LIMIT, clip
from bot.ui.cast import ambiguous_person, no_person_found, render_cast_pages, render_person


class Cast(commands.GroupCog, group_name="cast", group_description="Cast and crew."):
    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        snapshot = self.bot.catalogue.snapshot
        matches = snapshot.person_names.complete(current, CHOICES_LIMIT)
        matches += snapshot.character_names.complete(current, CHOICES_LIMIT)
        matches.sort(key=lambda m: -m.score)
        choices: list[app_commands.Choice[str]] = []
        seen: set[str] = set()
        for match in matches:
            label = clip(snapshot.display_name(match), CHOICE_NAME_LIMIT)
            if label not in seen:
                seen.add(label)
                choices.append(app_commands.Choice(name=label, value=snapshot.person_id_of(match)))
        return choices[:CHOICES_LIMIT]

    @app_commands.command(name="list", description="Cast and crew of a drama.")
    @app_commands.describe(drama="Which drama (default: this server's).")
    @app_commands.autocomplete(drama=drama_autocomplete)
    async def list_cast(self, interaction: discord.Interaction, drama: str | None = None) -> None:
        found = await resolve_drama(interaction, drama)
        if found is None:
            return
        snapshot = self.bot.catalogue.snapshot
        people = snapshot.people_by_id
        lang = await self.bot.reader_language(interaction)
        pages = render_cast_pages(lang, found, snapshot.credits_of(found.slug), people)
        await self.bot.pagers.send(interaction, pages, lang)

    @app_commands.command(name="who", description="Who someone is and whom they play.")
    @app_commands.describe(name="An actor, director, writer or character, however you spell it.")
    @app_commands.autocomplete(name=name_autocomplete)
    async def who(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]
    ) -> None:
        snapshot = self.bot.catalogue.snapshot
        lang = await self.bot.reader_language(interaction)
        person = snapshot.find_person(name)
        if person is None:
            matches = snapshot.person_and_character_matches(name)
            if matches:
                names = list(dict.fromkeys(snapshot.display_name(m) for m in matches))
                await interaction.response.send_message(
                    ambiguous_person(lang, name, names[:5]), ephemeral=True
                )
            else:
                hints = snapshot.person_suggestions(name)
                await interaction.response.send_message(
                    no_person_found(lang, name, hints), ephemeral=True
                )
            return
        dramas = snapshot.by_slug
        credits = snapshot.credits_for_person(person.id)
        # Ages turn over at midnight where the person's drama airs, not at midnight UTC.
        zone_name = next(
            (dramas[c.drama_slug].schedule.timezone for c in credits if c.drama_slug in dramas),
            "UTC",
        )
        today = today_in(self.bot.clock.now(), zone_name)
        embed = render_person(lang, person, credits, dramas, today)
        await interaction.response.send_message(embed=embed)


async def setup(bot: FanBot) -> None:
    await bot.add_cog(Cast(bot))
