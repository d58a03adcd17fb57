"""What ``/drama`` shows, and the shared "which drama?" answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.domain.models import AiringStatus, Credit, Drama, Episode, Person, RoleKind
from bot.domain.schedule import drama_status, next_airing
from bot.domain.text import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    MESSAGE_LIMIT,
    clip,
)
from bot.i18n import Language
from bot.ui.clock import render_local_time, render_weekly_slot
from bot.ui.formatting import discord_timestamp, fit_embed

ATTRIBUTION = "TVmaze, CC BY-SA"

ACCENT = discord.Colour(0xE91E63)


def status_label(lang: Language, status: AiringStatus) -> str:
    if status is AiringStatus.UPCOMING:
        return lang.pgettext("drama status", "upcoming")
    if status is AiringStatus.AIRING:
        return lang.pgettext("drama status", "airing")
    return lang.pgettext("drama status", "finished")


def which_drama(lang: Language, dramas: Sequence[Drama]) -> str:
    """Asked when no drama was given, the server has no default and there are several."""
    if not dramas:
        return lang._("I don't know any drama yet. Ask the bot's operator to add a drama file.")
    titles = lang.human_list([f"**{d.title}**" for d in dramas], "or")
    return clip(
        lang._(
            "Which drama? Pick one in the `drama` option: {titles}."
            " Admins can set a default with `/drama default`.",
            titles=titles,
        ),
        MESSAGE_LIMIT,
    )


def unknown_drama(lang: Language, typed: str, suggestions: Sequence[str]) -> str:
    text = lang._("I don't know a drama called “{typed}”.", typed=clip(typed, 100))
    if suggestions:
        names = lang.human_list([f"**{s}**" for s in suggestions], "or")
        text += " " + lang._("Did you mean {names}?", names=names)
    return text


def render_drama_list(
    lang: Language, dramas: Sequence[Drama], episodes: Sequence[Episode], now_at: datetime
) -> discord.Embed:
    lines = []
    for drama in dramas:
        own = [e for e in episodes if e.drama_slug == drama.slug]
        status = status_label(lang, drama_status(own, now_at))
        count = lang.ngettext("{count} episode", "{count} episodes", len(own))
        lines.append(f"**{drama.title}**: {drama.platform}, {count}, {status}")
    description = "\n".join(lines) or lang._("No dramas yet.")
    return discord.Embed(
        title=lang._("Dramas I follow"),
        description=clip(description, EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )


def _names(
    lang: Language, people: dict[str, Person], credits: Sequence[Credit], role: RoleKind
) -> str:
    return lang.human_list([people[c.person_id].name for c in credits if c.role is role])


def render_drama_info(
    lang: Language,
    drama: Drama,
    episodes: Sequence[Episode],
    credits: Sequence[Credit],
    people: Sequence[Person],
    now_at: datetime,
) -> discord.Embed:
    by_id = {p.id: p for p in people}
    embed = discord.Embed(
        title=clip(drama.title, EMBED_TITLE_LIMIT),
        description=clip(drama.synopsis or lang._("No synopsis yet."), EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    if drama.aliases:
        embed.add_field(
            name=lang._("Also known as"),
            value=clip(", ".join(drama.aliases), EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    embed.add_field(name=lang._("Platform"), value=clip(drama.platform, EMBED_FIELD_VALUE_LIMIT))
    if episodes:
        premiere = min(e.airs_at for e in episodes)
        value = discord_timestamp(premiere, "D")
        if not lang.is_english:
            local = render_local_time(lang, premiere, drama.schedule.timezone)
            value += f"\n{local}"
        embed.add_field(name=lang._("Premiere"), value=value)
    status = status_label(lang, drama_status(episodes, now_at))
    embed.add_field(name=lang._("Episodes"), value=f"{lang.number(len(episodes))} ({status})")
    slot = render_weekly_slot(lang, drama.schedule) or lang._("no regular slot")
    timed = [e for e in episodes if e.time_known]  # no invented time is shown as real
    upcoming = next_airing(timed, now_at)
    reference = upcoming or (timed[0] if timed else None)
    when = f"{slot}" if reference is None else f"{slot}\n{discord_timestamp(reference.airs_at)}"
    if upcoming is not None:
        when += " " + lang._("(next: episode {number})", number=upcoming.number)
    embed.add_field(name=lang._("Weekly slot"), value=when, inline=False)
    for label, role in (
        (lang._("Director"), RoleKind.DIRECTOR),
        (lang._("Writer"), RoleKind.WRITER),
    ):
        names = _names(lang, by_id, credits, role)
        if names:
            embed.add_field(name=label, value=clip(names, EMBED_FIELD_VALUE_LIMIT))
    leads = [
        lang._("{name} as {character}", name=by_id[c.person_id].name, character=c.character)
        if c.character
        else by_id[c.person_id].name
        for c in credits
        if c.role is RoleKind.LEAD
    ]
    if leads:
        embed.add_field(
            name=lang._("Leads"),
            value=clip("\n".join(leads), EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    if drama.source_url:
        embed.add_field(
            name=lang._("Source"),
            value=clip(f"[TVmaze]({drama.source_url}) ({ATTRIBUTION})", EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    if episodes and drama.schedule.times:
        zone = lang.timezone or drama.schedule.timezone
        local = render_local_time(lang, episodes[0].airs_at, drama.schedule.timezone,
                                  with_date=False)  # fmt: skip
        embed.set_footer(text=lang._("Times in {zone} ({local} slot)", zone=zone, local=local))
    return fit_embed(embed)


def default_set(lang: Language, drama: Drama) -> str:
    return lang._(
        "**{title}** is now this server's default drama for every command.", title=drama.title
    )
