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
from bot.i18n import Language
from bot.ui.formatting import discord_timestamp

ACCENT = discord.Colour(0x3498DB)
FACTS_PER_PAGE = 5
MAX_RESULTS = 50
FACT_IN_LIST_LIMIT = 600


def _origin(lang: Language, fact: Fact) -> str:
    parts = [p for p in (fact.topic, fact.source) if p]
    if not fact.from_data_file and fact.added_by is not None:
        by = f"<@{fact.added_by}>"
        if fact.added_at is not None:
            added = lang._(
                "added by {user} {ago}", user=by, ago=discord_timestamp(fact.added_at, "R")
            )
        else:
            added = lang._("added by {user}", user=by)
        parts.append(added)
    return " · ".join(parts)


def render_fact(lang: Language, fact: Fact, drama: Drama | None) -> discord.Embed:
    number = f"#{fact.id}"
    if drama:
        title = lang._("{title} fact {number}", title=drama.title, number=number)
    else:
        title = lang._("Fact {number}", number=number)
    origin = _origin(lang, fact)
    body = fact.text if not origin else f"{fact.text}\n\n*{origin}*"
    embed = discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=clip(body, EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    return embed


def render_fact_pages(
    lang: Language,
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
            origin = _origin(lang, fact)
            where = f" ({drama.title})" if drama and len(dramas) > 1 else ""
            line = f"**#{fact.id}**{where} {clip(fact.text, FACT_IN_LIST_LIMIT)}"
            lines.append(f"{line}\n*{origin}*" if origin else line)
        embed = discord.Embed(
            title=clip(lang._("Facts matching “{query}”", query=query), EMBED_TITLE_LIMIT),
            description=clip("\n\n".join(lines), EMBED_DESCRIPTION_LIMIT),
            colour=ACCENT,
        )
        if more:
            shown = lang._(
                "{shown} best of {total}+",
                shown=lang.number(len(facts)),
                total=lang.number(total),
            )
        elif total > len(facts):
            shown = lang._(
                "{shown} best of {total}", shown=lang.number(len(facts)), total=lang.number(total)
            )
        else:
            shown = lang.ngettext("{count} found", "{count} found", total)
        page = lang._("Page {number}/{total}", number=page_number + 1, total=page_count)
        embed.set_footer(text=clip(f"{page} · {shown}", EMBED_FOOTER_LIMIT))
        pages.append(embed)
    return pages


def no_fact_found(lang: Language, query: str, suggestions: Sequence[str]) -> str:
    text = lang._("No fact matches “{query}”.", query=clip(query, 100))
    if suggestions:
        names = lang.human_list([f"**{s}**" for s in suggestions], "or")
        text += " " + lang._("Did you mean {names}?", names=names)
    else:
        text += " " + lang._("Try fewer or shorter words.")
    return text


def no_fact_for(lang: Language, drama: Drama, topic: str | None) -> str:
    if topic:
        return lang._(
            "No **{title}** fact has the topic “{topic}” yet.",
            title=drama.title,
            topic=clip(topic, 40),
        )
    return lang._(
        "I don't know any **{title}** fact yet. Admins can add one with `/fact add`.",
        title=drama.title,
    )


def fact_added(lang: Language, fact: Fact, drama: Drama) -> str:
    return lang._(
        "Added fact **#{id}** to **{title}** for this server. Remove it with `/fact remove {id}`.",
        id=fact.id,
        title=drama.title,
    )


def fact_removed(lang: Language, fact_id: int) -> str:
    return lang._("Removed fact **#{id}**.", id=fact_id)


def fact_not_found(lang: Language, fact_id: int) -> str:
    """Also the answer for another server's fact: its id tells nothing about it."""
    return lang._(
        "There is no fact **#{id}** in this server. `/fact search` shows each fact's number.",
        id=fact_id,
    )


def fact_from_data_file(lang: Language, fact_id: int) -> str:
    return lang._(
        "Fact **#{id}** comes from the bot's drama data file, so removing it here would"
        " not last: it comes back on the next import. Ask the bot's operator to edit the file.",
        id=fact_id,
    )
