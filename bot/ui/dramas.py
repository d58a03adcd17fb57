"""What ``/drama`` shows, and the shared "which drama?" answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.domain.models import AiringStatus, Credit, Drama, Episode, Person, RoleKind
from bot.domain.schedule import drama_status, format_local, next_airing, weekly_slot
from bot.domain.text import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    MESSAGE_LIMIT,
    clip,
)
from bot.ui.formatting import discord_timestamp, fit_embed, human_list

ATTRIBUTION = "TVmaze, CC BY-SA"

ACCENT = discord.Colour(0xE91E63)
STATUS_LABELS = {
    AiringStatus.UPCOMING: "upcoming",
    AiringStatus.AIRING: "airing",
    AiringStatus.FINISHED: "finished",
}


def which_drama(dramas: Sequence[Drama]) -> str:
    """Asked when no drama was given, the server has no default and there are several."""
    if not dramas:
        return "I don't know any drama yet. Ask the bot's operator to add a drama file."
    titles = human_list([f"**{d.title}**" for d in dramas], "or")
    return clip(
        f"Which drama? Pick one in the `drama` option: {titles}. "
        "Admins can set a default with `/drama default`.",
        MESSAGE_LIMIT,
    )


def unknown_drama(typed: str, suggestions: Sequence[str]) -> str:
    text = f"I don't know a drama called “{clip(typed, 100)}”."
    if suggestions:
        text += f" Did you mean {human_list([f'**{s}**' for s in suggestions], 'or')}?"
    return text


def render_drama_list(
    dramas: Sequence[Drama], episodes: Sequence[Episode], now_at: datetime
) -> discord.Embed:
    lines = []
    for drama in dramas:
        own = [e for e in episodes if e.drama_slug == drama.slug]
        status = STATUS_LABELS[drama_status(own, now_at)]
        lines.append(f"**{drama.title}**: {drama.platform}, {len(own)} episodes, {status}")
    description = "\n".join(lines) or "No dramas yet."
    return discord.Embed(
        title="Dramas I follow",
        description=clip(description, EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )


def _names(people: dict[str, Person], credits: Sequence[Credit], role: RoleKind) -> str:
    return human_list([people[c.person_id].name for c in credits if c.role is role])


def render_drama_info(
    drama: Drama,
    episodes: Sequence[Episode],
    credits: Sequence[Credit],
    people: Sequence[Person],
    now_at: datetime,
) -> discord.Embed:
    by_id = {p.id: p for p in people}
    embed = discord.Embed(
        title=clip(drama.title, EMBED_TITLE_LIMIT),
        description=clip(drama.synopsis or "No synopsis yet.", EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    if drama.aliases:
        embed.add_field(
            name="Also known as",
            value=clip(", ".join(drama.aliases), EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    embed.add_field(name="Platform", value=clip(drama.platform, EMBED_FIELD_VALUE_LIMIT))
    if episodes:
        premiere = min(e.airs_at for e in episodes)
        embed.add_field(name="Premiere", value=discord_timestamp(premiere, "D"))
    status = STATUS_LABELS[drama_status(episodes, now_at)]
    embed.add_field(name="Episodes", value=f"{len(episodes)} ({status})")
    slot = weekly_slot(drama.schedule) or "no regular slot"
    timed = [e for e in episodes if e.time_known]  # no invented time is shown as real
    upcoming = next_airing(timed, now_at)
    reference = upcoming or (timed[0] if timed else None)
    when = f"{slot}" if reference is None else f"{slot}\n{discord_timestamp(reference.airs_at)}"
    if upcoming is not None:
        when += f" (next: episode {upcoming.number})"
    embed.add_field(name="Weekly slot", value=when, inline=False)
    for label, role in (("Director", RoleKind.DIRECTOR), ("Writer", RoleKind.WRITER)):
        names = _names(by_id, credits, role)
        if names:
            embed.add_field(name=label, value=clip(names, EMBED_FIELD_VALUE_LIMIT))
    leads = [
        f"{by_id[c.person_id].name} as {c.character}" if c.character else by_id[c.person_id].name
        for c in credits
        if c.role is RoleKind.LEAD
    ]
    if leads:
        embed.add_field(
            name="Leads", value=clip("\n".join(leads), EMBED_FIELD_VALUE_LIMIT), inline=False
        )
    if drama.source_url:
        embed.add_field(
            name="Source",
            value=clip(f"[TVmaze]({drama.source_url}) ({ATTRIBUTION})", EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    if episodes and drama.schedule.times:
        local = format_local(episodes[0].airs_at, drama.schedule.timezone, with_date=False)
        embed.set_footer(text=f"Times in {drama.schedule.timezone} ({local} slot)")
    return fit_embed(embed)


def default_set(drama: Drama) -> str:
    return f"**{drama.title}** is now this server's default drama for every command."
