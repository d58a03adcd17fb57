"""Small text pieces every feature uses: Discord timestamps and safe lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

import discord

from bot.domain.schedule import require_utc
from bot.domain.text import EMBED_DESCRIPTION_LIMIT, EMBED_TITLE_LIMIT, EMBED_TOTAL_LIMIT, clip

TimestampStyle = Literal["f", "F", "d", "D", "t", "T", "R"]


def discord_timestamp(instant: datetime, style: TimestampStyle = "F") -> str:
    """``<t:1648018800:F>``: Discord shows it in each reader's own time zone."""
    return f"<t:{int(require_utc(instant).timestamp())}:{style}>"


def human_list(items: Sequence[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


PERMISSION_LABELS = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "manage_guild": "Manage Server",
    "manage_messages": "Manage Messages",
    "administrator": "Administrator",
}


def permission_labels(names: Sequence[str]) -> list[str]:
    """Discord's own names for permissions (``send_messages`` -> ``Send Messages``)."""
    return [PERMISSION_LABELS.get(n, n.replace("_", " ").title()) for n in names]


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Make an embed fit Discord's 6,000-character total: the description is shortened
    first, then fields are dropped from the end."""
    excess = len(embed) - EMBED_TOTAL_LIMIT
    if excess > 0 and embed.description:
        keep = max(len(embed.description) - excess, 200)
        embed.description = clip(embed.description, keep)
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed


def line_pages(
    title: str,
    lines: Sequence[str],
    per_page: int,
    colour: discord.Colour,
    page_label: str = "Page {number}/{total}",
) -> list[discord.Embed]:
    """One embed per ``per_page`` lines, each saying which page it is when there are several
    (``page_label``, translated by the caller, with ``{number}`` and ``{total}``)."""
    chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, 1):
        page = discord.Embed(
            title=clip(title, EMBED_TITLE_LIMIT),
            description=clip("\n".join(chunk), EMBED_DESCRIPTION_LIMIT) or None,
            colour=colour,
        )
        if len(chunks) > 1:
            page.set_footer(text=page_label.format(number=number, total=len(chunks)))
        pages.append(page)
    return pages
