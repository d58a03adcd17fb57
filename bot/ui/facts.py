"""What ``/fact`` shows: single facts, search result pages and the short answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.domain.models import Drama, Fact
from bot.domain.text import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    clip,
)
from bot.ui.formatting import discord_timestamp, human_list

ACCENT = discord.Colour(0x3498DB)
FACTS_PER_PAGE = 5
MAX_RESULTS = 50
FACT_IN_LIST_LIMIT = 600


def _origin(fact: Fact) -> str:
    parts = [p for p in (fact.topic, fact.source) if p]
    if not fact.from_data_file and fact.added_by is not None:
        added = f"added by <@{fact.added_by}>"
        if fact.added_at is not None:
            added += f" {discord_timestamp(fact.added_at, 'R')}"
        parts.append(added)
    return " · ".join(parts)


def render_fact(fact: Fact, drama: Drama | None) -> discord.Embed:
    title = f"{drama.title} fact #{fact.id}" if drama else f"Fact #{fact.id}"
    origin = _origin(fact)
    body = fact.text if not origin else f"{fact.text}\n\n*{origin}*"
    embed = discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=clip(body, EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    return embed


def render_fact_pages(
    facts: Sequence[Fact],
    total: int,
    query: str,
    dramas: Mapping[str, Drama],
    more: bool = False,
) -> list[discord.Embed]:
    """Search results, FACTS_PER_PAGE to a page, each page saying where it is."""
    pages: list[discord.Embed] = []
    page_count = max(1, -(-len(facts) // FACTS_PER_PAGE))
    for page_number in range(page_count):
        chunk = facts[page_number * FACTS_PER_PAGE : (page_number + 1) * FACTS_PER_PAGE]
        lines = []
        for fact in chunk:
            drama = dramas.get(fact.drama_slug)
            origin = _origin(fact)
            where = f" ({drama.title})" if drama and len(dramas) > 1 else ""
            line = f"**#{fact.id}**{where} {clip(fact.text, FACT_IN_LIST_LIMIT)}"
            lines.append(f"{line}\n*{origin}*" if origin else line)
        embed = discord.Embed(
            title=clip(f"Facts matching “{query}”", EMBED_TITLE_LIMIT),
            description=clip("\n\n".join(lines), EMBED_DESCRIPTION_LIMIT),
            colour=ACCENT,
        )
        found = f"{total}+" if more else str(total)
        shown = f"{len(facts)} best of {found}" if more or total > len(facts) else f"{total} found"
        embed.set_footer(
            text=clip(f"Page {page_number + 1}/{page_count} · {shown}", EMBED_FOOTER_LIMIT)
        )
        pages.append(embed)
    return pages


def no_fact_found(query: str, suggestions: Sequence[str]) -> str:
    text = f"No fact matches “{clip(query, 100)}”."
    if suggestions:
        text += f" Did you mean {human_list([f'**{s}**' for s in suggestions], 'or')}?"
    else:
        text += " Try fewer or shorter words."
    return text


def no_fact_for(drama: Drama, topic: str | None) -> str:
    if topic:
        return f"No **{drama.title}** fact has the topic “{clip(topic, 40)}” yet."
    return f"I don't know any **{drama.title}** fact yet. Admins can add one with `/fact add`."


def fact_added(fact: Fact, drama: Drama) -> str:
    return (
        f"Added fact **#{fact.id}** to **{drama.title}** for this server."
        f" Remove it with `/fact remove {fact.id}`."
    )


def fact_removed(fact_id: int) -> str:
    return f"Removed fact **#{fact_id}**."


def fact_not_found(fact_id: int) -> str:
    """Also the answer for another server's fact: its id tells nothing about it."""
    return (
        f"There is no fact **#{fact_id}** in this server. `/fact search` shows each fact's number."
    )


def fact_from_data_file(fact_id: int) -> str:
    return (
        f"Fact **#{fact_id}** comes from the bot's drama data file, so removing it here would"
        " not last: it comes back on the next import. Ask the bot's operator to edit the file."
    )
