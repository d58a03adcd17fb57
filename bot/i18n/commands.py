"""Slash commands in each fan's language: discord.py's Translator over our catalogues.

``tree.sync()`` asks :class:`CatalogueTranslator` for every command, group, option and choice
string in each of Discord's locales; the answers become ``name_localizations`` and
``description_localizations``. Names are looked up under a message context (``command name``,
``option name``) so that a name and a sentence with the same English never share a
translation; descriptions and choice names are looked up as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Location

from bot.i18n.language import Catalogues

AnyCommand = app_commands.Command[Any, Any, Any] | app_commands.Group | app_commands.ContextMenu

COMMAND_NAME = "command name"
OPTION_NAME = "option name"

NAME_CONTEXTS = {
    Location.command_name: COMMAND_NAME,
    Location.group_name: COMMAND_NAME,
    Location.parameter_name: OPTION_NAME,
}


class CatalogueTranslator(app_commands.Translator):
    """Translations for the locales we have a catalogue for; None (Discord shows the
    English default) for every other locale and for strings a catalogue lacks."""

    def __init__(self, catalogues: Catalogues) -> None:
        self._catalogues = catalogues

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        code = self._catalogues.code_for(locale.value)
        if code is None:
            return None
        language = self._catalogues.language(locale.value)
        return language.lookup(string.message, NAME_CONTEXTS.get(context.location))


@dataclass(frozen=True)
class CommandString:
    """One string of the command tree a catalogue must translate."""

    context: str | None
    message: str
    where: str  # e.g. "/drama info option drama"


def command_strings(
    commands: Iterable[AnyCommand],
) -> Iterator[CommandString]:
    """Every name, description and choice name of ``commands`` and what they contain."""
    for command in commands:
        if isinstance(command, app_commands.ContextMenu):
            yield CommandString(COMMAND_NAME, command.name, command.name)
            continue
        where = f"/{command.qualified_name}"
        yield CommandString(COMMAND_NAME, command.name, where)
        yield CommandString(None, command.description, where)
        if isinstance(command, app_commands.Group):
            yield from command_strings(command.commands)
            continue
        for parameter in command.parameters:
            at = f"{where} option {parameter.name}"
            yield CommandString(OPTION_NAME, parameter.display_name, at)
            yield CommandString(None, parameter.description, at)
            for choice in parameter.choices:
                yield CommandString(None, choice.name, f"{at} choice {choice.value}")


async def offline_command_tree() -> app_commands.CommandTree[Any]:
    """The bot's whole command tree, built without Discord or a database: every option that
    some configuration offers is present (``FANBOT_MESSAGE_CONTENT=true`` adds ``mode``)."""
    from pathlib import Path

    from bot.client import COG_EXTENSIONS, FanBot
    from bot.config import load_settings

    settings = load_settings(
        {"DISCORD_TOKEN": "offline", "FANBOT_MESSAGE_CONTENT": "true"},
        dotenv=Path("/nonexistent/.env"),
    )
    bot = FanBot(settings)
    for extension in COG_EXTENSIONS:
        await bot.load_extension(extension)
    return bot.tree
