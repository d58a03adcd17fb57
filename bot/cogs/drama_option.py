"""The ``drama`` option every feature shares: autocomplete and resolution rules.

Omitted, it means the server's default drama; with no default and exactly one drama in
the store, that one; otherwise the user is asked which (ephemerally).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands

from bot.domain.models import Drama
from bot.domain.text import CHOICE_NAME_LIMIT, CHOICES_LIMIT, clip
from bot.ui.dramas import unknown_drama, which_drama

if TYPE_CHECKING:
    from bot.client import FanBot


def fanbot(interaction: discord.Interaction) -> FanBot:
    return cast("FanBot", interaction.client)


async def drama_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Titles and aliases matching what is typed; values are slugs."""
    snapshot = fanbot(interaction).catalogue.snapshot
    choices: list[app_commands.Choice[str]] = []
    for match in snapshot.drama_names.complete(current, CHOICES_LIMIT):
        drama = snapshot.drama(match.key)
        if drama is None:
            continue
        label = drama.title if match.name == drama.title else f"{drama.title} ({match.name})"
        choices.append(app_commands.Choice(name=clip(label, CHOICE_NAME_LIMIT), value=drama.slug))
    return choices


async def resolve_drama(interaction: discord.Interaction, typed: str | None) -> Drama | None:
    """The drama meant, or None after telling the user (ephemerally) what to do."""
    bot = fanbot(interaction)
    snapshot = bot.catalogue.snapshot
    lang = await bot.reader_language(interaction)
    if typed:
        drama = snapshot.find_drama(typed)
        if drama is None:
            hints = [m.key for m in snapshot.drama_names.suggestions(typed)]
            titles = [d.title for d in (snapshot.drama(h) for h in hints) if d is not None]
            await interaction.response.send_message(
                unknown_drama(lang, typed, titles), ephemeral=True
            )
        return drama
    if interaction.guild_id is not None:
        default_slug = await bot.store.guilds.default_drama(interaction.guild_id)
        default = snapshot.drama(default_slug) if default_slug else None
        if default is not None:
            return default
    if len(snapshot.dramas) == 1:
        return snapshot.dramas[0]
    await interaction.response.send_message(
        which_drama(lang, snapshot.dramas),
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    return None
