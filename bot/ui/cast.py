"""What ``/cast`` shows: the cast list and one person's card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import discord

from bot.domain.models import Credit, Drama, Person, RoleKind
from bot.domain.schedule import age_on
from bot.domain.text import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_NAME_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FIELDS_LIMIT,
    EMBED_TITLE_LIMIT,
    clip,
)
from bot.ui.formatting import fit_embed, human_list, line_pages

ACCENT = discord.Colour(0x9B59B6)
LINES_PER_PAGE = 15
ROLE_LABELS = {
    RoleKind.LEAD: "lead",
    RoleKind.SUPPORT: "support",
    RoleKind.CAMEO: "cameo",
    RoleKind.DIRECTOR: "director",
    RoleKind.WRITER: "writer",
}


def cast_line(credit: Credit, person: Person | None) -> str:
    name = person.name if person else credit.person_id
    if credit.character:
        return f"**{name}** as {credit.character} ({ROLE_LABELS[credit.role]})"
    return f"**{name}**, {ROLE_LABELS[credit.role]}"


def render_cast_pages(
    drama: Drama, credits: Sequence[Credit], people: Mapping[str, Person]
) -> list[discord.Embed]:
    """Cast first (leads, support, cameos), then crew; paginated when long."""
    order = list(RoleKind)
    ordered = sorted(credits, key=lambda c: order.index(c.role))
    lines = [cast_line(c, people.get(c.person_id)) for c in ordered] or ["No cast listed yet."]
    return line_pages(f"Cast and crew of {drama.title}", lines, LINES_PER_PAGE, ACCENT)


def render_person(
    person: Person, credits: Sequence[Credit], dramas: Mapping[str, Drama], today: date
) -> discord.Embed:
    description = ""
    if person.aliases:
        description = f"Also written {human_list(list(person.aliases), 'or')}."
    embed = discord.Embed(
        title=clip(person.name, EMBED_TITLE_LIMIT),
        description=clip(description, EMBED_DESCRIPTION_LIMIT) or None,
        colour=ACCENT,
    )
    if person.born is not None:
        embed.add_field(
            name="Born",
            value=f"{person.born:%B} {person.born.day}, {person.born.year}"
            f" (age {age_on(person.born, today)})",
        )
    for credit in credits[: EMBED_FIELDS_LIMIT - 2]:
        drama = dramas.get(credit.drama_slug)
        title = drama.title if drama else credit.drama_slug
        role = ROLE_LABELS[credit.role]
        name = f"{title}: {credit.character} ({role})" if credit.character else f"{title}: {role}"
        embed.add_field(
            name=clip(name, EMBED_FIELD_NAME_LIMIT),
            value=clip(credit.description or "No description yet.", EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    if person.known_for:
        embed.add_field(
            name="Known for",
            value=clip(", ".join(person.known_for), EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    return fit_embed(embed)


def no_person_found(typed: str, suggestions: Sequence[str]) -> str:
    text = f"I couldn't find anyone called “{clip(typed, 100)}” in the cast I know."
    if suggestions:
        text += f" Did you mean {human_list([f'**{s}**' for s in suggestions], 'or')}?"
    return text


def ambiguous_person(typed: str, names: Sequence[str]) -> str:
    return (
        f"“{clip(typed, 100)}” could be {human_list([f'**{n}**' for n in names], 'or')}."
        " Type a little more of the name."
    )
