"""Every announcement, reminder and ``/announce``, ``/episodes``, ``/next``, ``/remind`` text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import discord

from bot.domain.announcements import AnnounceSettings, DeliveryKey, LateReason, Subscription
from bot.domain.delivery import DeliveryFailed, Problem
from bot.domain.models import AiringStatus, Drama, Episode
from bot.domain.schedule import episode_status, format_local, local_time, weekly_slot
from bot.domain.text import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    clip,
)
from bot.ui.about import format_duration
from bot.ui.formatting import discord_timestamp, fit_embed, line_pages, permission_labels

ACCENT = discord.Colour(0xF1C40F)
EPISODES_PER_PAGE = 20
STATUS_WORDS = {
    AiringStatus.UPCOMING: "upcoming",
    AiringStatus.AIRING: "airing now",
    AiringStatus.FINISHED: "aired",
}


def _episode_line(drama: Drama, episode: Episode, count: int) -> str:
    title = f" “{episode.title}”" if episode.title else ""
    return f"Episode {episode.number} of {count}{title}"


LATE_WORDS = {
    LateReason.OFFLINE: "I was offline at air time",
    LateReason.MOVED: "the episode's time was changed after it had passed",
    LateReason.DISCORD_TROUBLE: "Discord was having trouble at air time",
    LateReason.QUEUED: "many servers were being told at once",
}


@dataclass(frozen=True)
class Lateness:
    """How late a post comes, and why (see ``bot.domain.announcements.late_reason``)."""

    reason: LateReason
    seconds: float


def late_line(lateness: Lateness) -> str:
    return f"Posted {format_duration(lateness.seconds)} late: {LATE_WORDS[lateness.reason]}."


def _with_marker(text: str, marker: str | None) -> str:
    return f"{text} · {marker}" if marker else text


def render_airing(
    drama: Drama,
    episode: Episode,
    count: int,
    *,
    late: Lateness | None = None,
    marker: str | None = None,
    test: bool = False,
) -> discord.Embed:
    """The announcement at air time, saying why when it comes late."""
    title = f"Episode {episode.number} of {drama.title} is out now!"
    if test:
        title = f"Test: episode {episode.number} of {drama.title} is out now!"
    lines = [f"**{_episode_line(drama, episode, count)}** on {drama.platform}"]
    if late is not None and not test:
        lines.append(late_line(late))
    lines.append(
        f"Air time: {discord_timestamp(episode.airs_at)}"
        f" ({format_local(episode.airs_at, drama.schedule.timezone, with_date=False)})"
    )
    if test:
        lines.append(
            "This is a sample posted by `/announce test`; real ones look the same"
            " (and really ping the role)."
        )
    embed = discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    embed.set_footer(text=_with_marker(f"{drama.title} airs {weekly_slot(drama.schedule)}", marker))
    return embed


def render_reminder(
    drama: Drama, episode: Episode, count: int, *, marker: str | None = None
) -> discord.Embed:
    embed = discord.Embed(
        title=clip(f"Episode {episode.number} of {drama.title} airs soon", EMBED_TITLE_LIMIT),
        description=(
            f"**{_episode_line(drama, episode, count)}** airs"
            f" {discord_timestamp(episode.airs_at, 'R')} on {drama.platform}"
            f" ({discord_timestamp(episode.airs_at, 't')},"
            f" {format_local(episode.airs_at, drama.schedule.timezone, with_date=False)})."
        ),
        colour=ACCENT,
    )
    if marker:
        embed.set_footer(text=marker)
    return embed


def announcement_mentions(role_id: int | None) -> discord.AllowedMentions:
    """Only the configured role may be pinged; nothing else in the message can ping."""
    if role_id is None:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=False, users=False, replied_user=False, roles=[discord.Object(role_id)]
    )


def role_ping(role_id: int | None) -> str | None:
    return None if role_id is None else f"<@&{role_id}>"


def render_episode_pages(
    drama: Drama, episodes: Sequence[Episode], now_at: datetime
) -> list[discord.Embed]:
    """Every episode with its time and status, EPISODES_PER_PAGE to a page."""
    lines = [
        (
            f"**{e.number}.** {discord_timestamp(e.airs_at)}"
            f" · {format_local(e.airs_at, drama.schedule.timezone)}"
            if e.time_known
            else f"**{e.number}.** {local_time(e.airs_at, drama.schedule.timezone):%Y-%m-%d}"
            " · time not announced"
        )
        + f" · {STATUS_WORDS[episode_status(e, now_at)]}"
        + (f" · “{clip(e.title, 80)}”" if e.title else "")
        for e in episodes
    ] or ["No episodes yet."]
    return line_pages(f"Episodes of {drama.title}", lines, EPISODES_PER_PAGE, ACCENT)


def render_next(
    drama: Drama, upcoming: Episode | None, episodes: Sequence[Episode]
) -> discord.Embed:
    if upcoming is None:
        last = max(episodes, key=lambda e: e.airs_at) if episodes else None
        description = (
            f"{drama.title} has finished: all {len(episodes)} episodes have aired,"
            f" the last one {discord_timestamp(last.airs_at, 'R')}"
            f" ({discord_timestamp(last.airs_at, 'D')})."
            if last
            else f"{drama.title} has no episodes yet."
        )
        title = f"{drama.title} has finished"
    else:
        title = f"Next: episode {upcoming.number} of {drama.title}"
        description = (
            f"Airs {discord_timestamp(upcoming.airs_at, 'R')}, on"
            f" {discord_timestamp(upcoming.airs_at)}"
            f" ({format_local(upcoming.airs_at, drama.schedule.timezone)}) on {drama.platform}."
            if upcoming.time_known
            else f"Airs on {local_time(upcoming.airs_at, drama.schedule.timezone):%Y-%m-%d}"
            f" on {drama.platform} (time not announced, so it will not be announced)."
        )
    return discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=clip(description, EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )


def missing_permissions(channel_id: int, missing: Sequence[str]) -> str:
    names = ", ".join(permission_labels(missing))
    return (
        f"I can't announce in <#{channel_id}>: I'm missing **{names}** there."
        " Give me those permissions in the channel settings, then run this again."
    )


def now_announcing(drama: Drama, channel_id: int) -> str:
    return (
        f"I'll announce every episode of **{drama.title}** in <#{channel_id}> the moment it"
        f" airs ({weekly_slot(drama.schedule)})."
    )


def role_set(role_id: int | None) -> str:
    if role_id is None:
        return "Announcements will not ping any role."
    return f"Announcements will ping <@&{role_id}>."


def role_refused(role: discord.Role) -> str:
    if role.is_default():
        return "I won't ping @everyone: pick a role fans can take, such as an Episode Ping role."
    return (
        f"<@&{role.id}> is managed by an integration (a bot's or the booster role),"
        " so fans can't join or leave it. Pick a role fans can take."
    )


def role_not_pingable() -> str:
    return (
        "Heads-up: that role isn't mentionable and I lack **Mention @everyone, @here, and All"
        " Roles**, so the ping won't notify anyone. Make the role mentionable in Server"
        " Settings → Roles, or give me that permission."
    )


def lead_set(minutes: int) -> str:
    if minutes == 0:
        return "No reminder before airings."
    unit = "minute" if minutes == 1 else "minutes"
    return f"I'll also post a reminder {minutes} {unit} before each airing."


def stopped(drama: Drama | None, count: int) -> str:
    if count == 0:
        return "This server wasn't announcing that." if drama else "Nothing was being announced."
    return f"Stopped announcing **{drama.title}**." if drama else "Stopped all announcements."


def render_status(
    subscriptions: Sequence[Subscription],
    dramas: Mapping[str, Drama],
    settings: AnnounceSettings,
    next_at: datetime | None,
    retrying: Sequence[tuple[DeliveryKey, int, str | None]] = (),
) -> discord.Embed:
    lines = [
        f"**{dramas[s.drama_slug].title if s.drama_slug in dramas else s.drama_slug}**"
        f" in <#{s.channel_id}>"
        for s in subscriptions
    ] or ["Nothing yet. Start with `/announce channel`."]
    embed = discord.Embed(
        title="Announcements in this server",
        description=clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    embed.add_field(name="Ping", value=role_ping(settings.role_id) or "nobody")
    embed.add_field(
        name="Reminder",
        value=f"{settings.lead_minutes} min before" if settings.lead_minutes else "off",
    )
    embed.add_field(
        name="Next announcement",
        value=discord_timestamp(next_at, "R") if next_at else "none planned",
    )
    if retrying:
        pending = [
            f"{dramas[k.drama_slug].title if k.drama_slug in dramas else k.drama_slug}"
            f" episode {k.episode_number} ({k.kind.value}): "
            + (f"{error}, try {attempts + 1}" if attempts else "being posted")
            for k, attempts, error in retrying
        ]
        embed.add_field(
            name="Retrying",
            value=clip("\n".join(pending), EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    if settings.last_failure:
        when = (
            f" ({discord_timestamp(settings.last_failure_at, 'R')})"
            if settings.last_failure_at
            else ""
        )
        failure = clip(f"{settings.last_failure}{when}", EMBED_FIELD_VALUE_LIMIT)
        embed.add_field(name="Last failure", value=failure, inline=False)
    return fit_embed(embed)


PROBLEM_WORDS = {
    Problem.NO_PERMISSION: "missing Send Messages or Embed Links",
    Problem.CHANNEL_GONE: "the channel was deleted",
    Problem.DMS_CLOSED: "the fan's DMs are closed",
    Problem.DISCORD_ERROR: "Discord kept failing",
    Problem.RATE_LIMITED: "Discord kept rate-limiting me",
    Problem.UNREACHABLE: "Discord could not be reached",
    Problem.DATABASE_BUSY: "my database was busy",
    Problem.REJECTED: "Discord refused the message",
    Problem.DELETED: "the post was deleted",
}


def failure_reason(failure: DeliveryFailed) -> str:
    """What an admin should read in /announce status about a failed post."""
    words = PROBLEM_WORDS[failure.problem]
    status = f"{failure.status}: " if failure.status else ""
    if failure.problem in (Problem.NO_PERMISSION, Problem.CHANNEL_GONE, Problem.DMS_CLOSED):
        return words
    return f"{words} ({clip(status + (failure.detail or 'no detail'), 200)})"


def gave_up(reason: str, attempts: int) -> str:
    tries = "try" if attempts == 1 else "tries"
    return f"{reason}; gave up after {attempts} {tries} when the catch-up window closed"


def channel_deleted(drama_titles: Sequence[str]) -> str:
    return f"the channel was deleted; stopped announcing {', '.join(drama_titles)}"


def role_deleted() -> str:
    return "the announcement role was deleted; announcements ping nobody now"


def delivery_failure(channel_id: int, reason: str) -> str:
    return f"{reason} in <#{channel_id}>"


def nothing_to_test() -> str:
    return "Set a channel first with `/announce channel`."


def test_posted(channel_id: int) -> str:
    return f"Posted a sample announcement in <#{channel_id}>."


def test_failed(channel_id: int, reason: str) -> str:
    return f"I couldn't post in <#{channel_id}>: {reason}. Check my permissions there."


def remind_on(drama: Drama) -> str:
    return f"I'll DM you when each episode of **{drama.title}** airs. `/remind off` stops it."


def remind_confirmation_dm(drama: Drama) -> str:
    return (
        f"Hi! I'll message you here when each episode of **{drama.title}** airs"
        f" ({weekly_slot(drama.schedule)})."
    )


def remind_off(drama: Drama, was_on: bool) -> str:
    if not was_on:
        return f"You had no reminder for **{drama.title}**."
    return f"No more DMs for **{drama.title}**."


def dms_closed() -> str:
    return (
        "I can't send you direct messages: your privacy settings block DMs from this server."
        " Allow them, then run `/remind me` again."
    )


def dms_were_closed() -> str:
    return "Note: I stopped your reminders earlier because your DMs were closed."


def render_direct_reminder(
    drama: Drama, episode: Episode, count: int, *, marker: str | None = None
) -> str:
    text = (
        f"Episode {episode.number} of {count} of **{drama.title}** is out now on"
        f" {drama.platform}! ({discord_timestamp(episode.airs_at, 'R')})"
    )
    return f"{text}\n-# {marker}" if marker else text
