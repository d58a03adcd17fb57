"""A ``pybabel extract`` method for the slash commands' strings (see ``babel.cfg``).

Command names, descriptions, options and choices are written in the cogs' decorators, not
in ``_()`` calls, so the Python extractor cannot see them. This method builds the command
tree as the bot does (offline) and yields each string with the context the translator looks
it up under, and where it is used as a comment for translators.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from bot.i18n.commands import command_strings, offline_command_tree


def extract_commands(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """Babel's extractor protocol: (line, function, message(s), comments)."""
    tree = asyncio.run(offline_command_tree())
    for string in command_strings(tree.get_commands()):
        if string.context is None:
            yield 0, "_", string.message, [string.where]
        else:
            yield 0, "pgettext", (string.context, string.message), [string.where]
