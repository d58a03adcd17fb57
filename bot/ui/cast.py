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
from bot.i18n import Language
from bot.ui.formatting import fit_embed, line_pages

ACCENT = discord.Colour(0x9B59B6)
LINES_PER_PAGE = 15


def role_label(lang: Language, role: RoleKind) -> str:
    labels = {
        RoleKind.LEAD: lang.pgettext("credit role", "lead"),
        RoleKind.SUPPORT: lang.pgettext("credit role", "support"),
        RoleKind.CAMEO: lang.pgettext("credit role", "cameo"),
        RoleKind.DIRECTOR: lang.pgettext("credit role", "director"),
        RoleKind.WRITER: lang.pgettext("credit role", "writer"),
    }
    return labels[role]


def cast_line(lang: Language, credit: Credit, person: Person | None) -> str:
    name = person.name if person else credit.person_id
    role = role_label(lang, credit.role)
    if credit.character:
        return lang._(
            "**{name}** as {character} ({role})", name=name, character=credit.character, role=role
        )
    return lang._("**{name}**, {role}", name=name, role=role)


def render_cast_pages(
    lang: Language, drama: Drama, credits: Sequence[Credit], people: Mapping[str, Person]
) -> list[discord.Embed]:
    """Cast first (leads, support, cameos), then crew; paginated when long."""
    order = list(RoleKind)
    ordered = sorted(credits, key=lambda c: order.index(c.role))
    lines = [cast_line(lang, c, people.get(c.person_id)) for c in ordered] or [
        lang._("No cast listed yet.")
    ]
    title = lang._("Cast and crew of {title}", title=drama.title)
    return line_pages(
        title, lines, LINES_PER_PAGE, ACCENT, page_label=lang._("Page {number}/{total}")
    )


def render_person(
    lang: Language,
    person: Person,
    credits: Sequence[Credit],
    dramas: Mapping[str, Drama],
    today: date,
) -> discord.Embed:
    description = ""
    if person.aliases:
        names = lang.human_list(list(person.aliases), "or")
        description = lang._("Also written {names}.", names=names)
    embed = discord.Embed(
        title=clip(person.name, EMBED_TITLE_LIMIT),
        description=clip(description, EMBED_DESCRIPTION_LIMIT) or None,
        colour=ACCENT,
    )
    if person.born is not None:
        age = age_on(person.born, today)
        embed.add_field(
            name=lang._("Born"),
            value=lang._(
                "{date} (age {age})", date=lang.date(person.born, "long"), age=lang.number(age)
            ),
        )
    for credit in credits[: EMBED_FIELDS_LIMIT - 2]:
        drama = dramas.get(credit.drama_slug)
        title = drama.title if drama else credit.drama_slug
        role = role_label(lang, credit.role)
        if credit.character:
            name = lang._(
                "{title}: {character} ({role})", title=title, character=credit.character, role=role
            )
        else:
            name = lang._("{title}: {role}", title=title, role=role)
        embed.add_field(
            name=clip(name, EMBED_FIELD_NAME_LIMIT),
            value=clip(
                credit.description or lang._("No description yet."), EMBED_FIELD_VALUE_LIMIT
            ),
            inline=False,
        )
    if person.known_for:
        embed.add_field(
            name=lang._("Known for"),
            value=clip(", ".join(person.known_for), EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    return fit_embed(embed)


def no_person_found(lang: Language, typed: str, suggestions: Sequence[str]) -> str:
    text = lang._(
        "I couldn't find anyone called “{typed}” in the cast I know.", typed=clip(typed, 100)
    )
    if suggestions:
        names = lang.human_list([f"**{s}**" for s in suggestions], "or")
        text += " " + lang._("Did you mean {names}?", names=names)
    return text


def ambiguous_person(lang: Language, typed: str, names: Sequence[str]) -> str:
    return lang._(
        "“{typed}” could be {names}. Type a little more of the name.",
        typed=clip(typed, 100),
        names=lang.human_list([f"**{n}**" for n in names], "or"),
    )
