"""Every announcement, reminder and ``/announce``, ``/episodes``, ``/next``, ``/remind`` text.

Posts nobody asked for (announcements, reminders, the ``/announce test`` sample) take the
server's :class:`Language`; answers take the fan's. The failure reasons stored for
``/announce status`` are still written in English (see ``failure_reason``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import discord

from bot.domain.announcements import (
    AnnounceFailure,
    AnnouncementKind,
    AnnounceSettings,
    DeliveryKey,
    LateReason,
    Subscription,
    Trouble,
)
from bot.domain.delivery import Problem
from bot.domain.models import AiringStatus, Drama, Episode
from bot.domain.schedule import episode_status, local_time
from bot.domain.text import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    clip,
)
from bot.i18n import Language
from bot.ui.about import format_duration
from bot.ui.clock import render_local_time, render_weekly_slot
from bot.ui.errors import permission_label
from bot.ui.formatting import discord_timestamp, fit_embed, line_pages

ACCENT = discord.Colour(0xF1C40F)
EPISODES_PER_PAGE = 20


def status_word(lang: Language, status: AiringStatus) -> str:
    if status is AiringStatus.UPCOMING:
        return lang.pgettext("episode status", "upcoming")
    if status is AiringStatus.AIRING:
        return lang.pgettext("episode status", "airing now")
    return lang.pgettext("episode status", "aired")


def kind_word(lang: Language, kind: AnnouncementKind) -> str:
    if kind is AnnouncementKind.AIRING:
        return lang.pgettext("announcement kind", "airing")
    if kind is AnnouncementKind.REMINDER:
        return lang.pgettext("announcement kind", "reminder")
    if kind is AnnouncementKind.DIRECT:
        return lang.pgettext("announcement kind", "DM")
    return lang.pgettext("announcement kind", "time change")


def _episode_line(lang: Language, episode: Episode, count: int) -> str:
    line = lang._(
        "Episode {number} of {count}", number=lang.number(episode.number), count=lang.number(count)
    )
    return f"{line} “{episode.title}”" if episode.title else line


def late_words(lang: Language, reason: LateReason) -> str:
    if reason is LateReason.OFFLINE:
        return lang._("I was offline at air time")
    if reason is LateReason.MOVED:
        return lang._("the episode's time was changed after it had passed")
    if reason is LateReason.DISCORD_TROUBLE:
        return lang._("Discord was having trouble at air time")
    return lang._("many servers were being told at once")


@dataclass(frozen=True)
class Lateness:
    """How late a post comes, and why (see ``bot.domain.announcements.late_reason``)."""

    reason: LateReason
    seconds: float


def late_line(lang: Language, lateness: Lateness) -> str:
    return lang._(
        "Posted {duration} late: {reason}.",
        duration=format_duration(lang, lateness.seconds),
        reason=late_words(lang, lateness.reason),
    )


def _with_marker(text: str, marker: str | None) -> str:
    return f"{text} · {marker}" if marker else text


def _local_clock(lang: Language, drama: Drama, episode: Episode) -> str:
    return render_local_time(lang, episode.airs_at, drama.schedule.timezone, with_date=False)


def render_airing(
    lang: Language,
    drama: Drama,
    episode: Episode,
    count: int,
    *,
    late: Lateness | None = None,
    marker: str | None = None,
    test: bool = False,
) -> discord.Embed:
    """The announcement at air time, saying why when it comes late."""
    number = lang.number(episode.number)
    if test:
        title = lang._(
            "Test: episode {number} of {title} is out now!", number=number, title=drama.title
        )
    else:
        title = lang._("Episode {number} of {title} is out now!", number=number, title=drama.title)
    lines = [
        lang._(
            "**{episode}** on {platform}",
            episode=_episode_line(lang, episode, count),
            platform=drama.platform,
        )
    ]
    if late is not None and not test:
        lines.append(late_line(lang, late))
    lines.append(
        lang._(
            "Air time: {when} ({local})",
            when=discord_timestamp(episode.airs_at),
            local=_local_clock(lang, drama, episode),
        )
    )
    if test:
        lines.append(
            lang._(
                "This is a sample posted by `/announce test`; real ones look the same"
                " (and really ping the role)."
            )
        )
    embed = discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    slot = render_weekly_slot(lang, drama.schedule)
    footer = lang._("{title} airs {slot}", title=drama.title, slot=slot) if slot else drama.title
    embed.set_footer(text=_with_marker(footer, marker))
    return embed


def render_reminder(
    lang: Language, drama: Drama, episode: Episode, count: int, *, marker: str | None = None
) -> discord.Embed:
    title = lang._(
        "Episode {number} of {title} airs soon",
        number=lang.number(episode.number),
        title=drama.title,
    )
    embed = discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=lang._(
            "**{episode}** airs {countdown} on {platform} ({time}, {local}).",
            episode=_episode_line(lang, episode, count),
            countdown=discord_timestamp(episode.airs_at, "R"),
            platform=drama.platform,
            time=discord_timestamp(episode.airs_at, "t"),
            local=_local_clock(lang, drama, episode),
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


def _episode_row(lang: Language, drama: Drama, episode: Episode, now_at: datetime) -> str:
    number = f"**{lang.number(episode.number)}.**"
    if episode.time_known:
        local = render_local_time(lang, episode.airs_at, drama.schedule.timezone)
        when = f"{discord_timestamp(episode.airs_at)} · {local}"
    else:
        day = local_time(episode.airs_at, drama.schedule.timezone).date()
        written = f"{day:%Y-%m-%d}" if lang.is_english else lang.date(day)
        when = f"{written} · {lang._('time not announced')}"
    row = f"{number} {when} · {status_word(lang, episode_status(episode, now_at))}"
    return row + (f" · “{clip(episode.title, 80)}”" if episode.title else "")


def render_episode_pages(
    lang: Language, drama: Drama, episodes: Sequence[Episode], now_at: datetime
) -> list[discord.Embed]:
    """Every episode with its time and status, EPISODES_PER_PAGE to a page."""
    lines = [_episode_row(lang, drama, e, now_at) for e in episodes] or [lang._("No episodes yet.")]
    return line_pages(
        lang._("Episodes of {title}", title=drama.title),
        lines,
        EPISODES_PER_PAGE,
        ACCENT,
        page_label=lang._("Page {number}/{total}"),
    )


def render_next(
    lang: Language, drama: Drama, upcoming: Episode | None, episodes: Sequence[Episode]
) -> discord.Embed:
    if upcoming is None:
        last = max(episodes, key=lambda e: e.airs_at) if episodes else None
        description = (
            lang.ngettext(
                "{title} has finished: its {count} episode has aired, {ago} ({day}).",
                "{title} has finished: all {count} episodes have aired, the last one {ago}"
                " ({day}).",
                len(episodes),
                title=drama.title,
                ago=discord_timestamp(last.airs_at, "R"),
                day=discord_timestamp(last.airs_at, "D"),
            )
            if last
            else lang._("{title} has no episodes yet.", title=drama.title)
        )
        title = lang._("{title} has finished", title=drama.title)
    else:
        number = lang.number(upcoming.number)
        title = lang._("Next: episode {number} of {title}", number=number, title=drama.title)
        if upcoming.time_known:
            description = lang._(
                "Airs {countdown}, on {when} ({local}) on {platform}.",
                countdown=discord_timestamp(upcoming.airs_at, "R"),
                when=discord_timestamp(upcoming.airs_at),
                local=render_local_time(lang, upcoming.airs_at, drama.schedule.timezone),
                platform=drama.platform,
            )
        else:
            day = local_time(upcoming.airs_at, drama.schedule.timezone).date()
            description = lang._(
                "Airs on {day} on {platform} (time not announced, so it will not be announced).",
                day=f"{day:%Y-%m-%d}" if lang.is_english else lang.date(day),
                platform=drama.platform,
            )
    return discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=clip(description, EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )


def missing_permissions(lang: Language, channel_id: int, missing: Sequence[str]) -> str:
    names = ", ".join(permission_label(lang, name) for name in missing)
    return lang._(
        "I can't announce in {channel}: I'm missing **{names}** there."
        " Give me those permissions in the channel settings, then run this again.",
        channel=f"<#{channel_id}>",
        names=names,
    )


def now_announcing(lang: Language, drama: Drama, channel_id: int) -> str:
    slot = render_weekly_slot(lang, drama.schedule)
    fields = {"title": drama.title, "channel": f"<#{channel_id}>"}
    if not slot:
        return lang._(
            "I'll announce every episode of **{title}** in {channel} the moment it airs.", **fields
        )
    return lang._(
        "I'll announce every episode of **{title}** in {channel} the moment it airs ({slot}).",
        slot=slot,
        **fields,
    )


def role_set(lang: Language, role_id: int | None) -> str:
    if role_id is None:
        return lang._("Announcements will not ping any role.")
    return lang._("Announcements will ping {role}.", role=f"<@&{role_id}>")


def role_refused(lang: Language, role: discord.Role) -> str:
    if role.is_default():
        return lang._(
            "I won't ping @everyone: pick a role fans can take, such as an Episode Ping role."
        )
    return lang._(
        "{role} is managed by an integration (a bot's or the booster role),"
        " so fans can't join or leave it. Pick a role fans can take.",
        role=f"<@&{role.id}>",
    )


def role_not_pingable(lang: Language) -> str:
    return lang._(
        "Heads-up: that role isn't mentionable and I lack **Mention @everyone, @here, and All"
        " Roles**, so the ping won't notify anyone. Make the role mentionable in Server"
        " Settings → Roles, or give me that permission."
    )


def lead_set(lang: Language, minutes: int) -> str:
    if minutes == 0:
        return lang._("No reminder before airings.")
    return lang.ngettext(
        "I'll also post a reminder {count} minute before each airing.",
        "I'll also post a reminder {count} minutes before each airing.",
        minutes,
    )


def stopped(lang: Language, drama: Drama | None, count: int) -> str:
    if count == 0:
        if drama:
            return lang._("This server wasn't announcing that.")
        return lang._("Nothing was being announced.")
    if drama:
        return lang._("Stopped announcing **{title}**.", title=drama.title)
    return lang._("Stopped all announcements.")


def render_status(
    lang: Language,
    subscriptions: Sequence[Subscription],
    dramas: Mapping[str, Drama],
    settings: AnnounceSettings,
    next_at: datetime | None,
    retrying: Sequence[tuple[DeliveryKey, int, AnnounceFailure | None]] = (),
) -> discord.Embed:
    def title_of(slug: str) -> str:
        return dramas[slug].title if slug in dramas else slug

    lines = [
        lang._(
            "**{title}** in {channel}",
            title=title_of(s.drama_slug),
            channel=f"<#{s.channel_id}>",
        )
        for s in subscriptions
    ] or [lang._("Nothing yet. Start with `/announce channel`.")]
    embed = discord.Embed(
        title=lang._("Announcements in this server"),
        description=clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    embed.add_field(name=lang._("Ping"), value=role_ping(settings.role_id) or lang._("nobody"))
    embed.add_field(
        name=lang._("Reminder"),
        value=lang._("{minutes} min before", minutes=lang.number(settings.lead_minutes))
        if settings.lead_minutes
        else lang.pgettext("setting", "off"),
    )
    embed.add_field(
        name=lang._("Next announcement"),
        value=discord_timestamp(next_at, "R") if next_at else lang._("none planned"),
    )
    if retrying:
        pending = [
            lang._(
                "{title} episode {number} ({kind}): {state}",
                title=title_of(k.drama_slug),
                number=lang.number(k.episode_number),
                kind=kind_word(lang, k.kind),
                state=lang._(
                    "{error}, try {attempt}",
                    error=render_failure(lang, replace(error, channel_id=None)),
                    attempt=attempts + 1,
                )
                if attempts and error is not None
                else lang._("being posted"),
            )
            for k, attempts, error in retrying
        ]
        embed.add_field(
            name=lang._("Retrying"),
            value=clip("\n".join(pending), EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    if settings.last_failure:
        when = (
            f" ({discord_timestamp(settings.last_failure_at, 'R')})"
            if settings.last_failure_at
            else ""
        )
        failure = clip(
            f"{render_failure(lang, settings.last_failure)}{when}", EMBED_FIELD_VALUE_LIMIT
        )
        embed.add_field(name=lang._("Last failure"), value=failure, inline=False)
    return fit_embed(embed)


def problem_words(lang: Language, problem: Problem) -> str:
    """Why a post failed, in words an admin can act on."""
    words = {
        Problem.NO_PERMISSION: lang._("missing Send Messages or Embed Links"),
        Problem.CHANNEL_GONE: lang._("the channel was deleted"),
        Problem.DMS_CLOSED: lang._("the fan's DMs are closed"),
        Problem.DISCORD_ERROR: lang._("Discord kept failing"),
        Problem.RATE_LIMITED: lang._("Discord kept rate-limiting me"),
        Problem.UNREACHABLE: lang._("Discord could not be reached"),
        Problem.DATABASE_BUSY: lang._("my database was busy"),
        Problem.REJECTED: lang._("Discord refused the message"),
        Problem.DELETED: lang._("the post was deleted"),
    }
    return words[problem]


def render_failure(lang: Language, failure: AnnounceFailure) -> str:
    """What /announce status says went wrong (kept as data, so in the reader's language)."""
    if failure.trouble is Trouble.LEGACY:
        return failure.text
    if failure.trouble is Trouble.CHANNEL_DELETED:
        return lang._(
            "the channel was deleted; stopped announcing {dramas}",
            dramas=lang.human_list(failure.dramas),
        )
    if failure.trouble is Trouble.ROLE_DELETED:
        return lang._("the announcement role was deleted; announcements ping nobody now")
    assert failure.problem is not None
    reason = problem_words(lang, failure.problem)
    quiet = (Problem.NO_PERMISSION, Problem.CHANNEL_GONE, Problem.DMS_CLOSED)
    if failure.problem not in quiet:
        status = f"{failure.status}: " if failure.status else ""
        reason += f" ({clip(status + (failure.detail or '-'), 200)})"
    if failure.window_closed:
        reason = lang.ngettext(
            "{reason}; gave up after {count} try when the catch-up window closed",
            "{reason}; gave up after {count} tries when the catch-up window closed",
            failure.attempts,
            reason=reason,
        )
    if failure.channel_id is not None:
        reason = lang._("{reason} in {channel}", reason=reason, channel=f"<#{failure.channel_id}>")
    return reason


def nothing_to_test(lang: Language) -> str:
    return lang._("Set a channel first with `/announce channel`.")


def test_posted(lang: Language, channel_id: int) -> str:
    return lang._("Posted a sample announcement in {channel}.", channel=f"<#{channel_id}>")


def test_failed(lang: Language, channel_id: int, reason: str) -> str:
    # TRANSLATORS: {reason} is Discord's problem, in English, e.g. "missing Send Messages".
    return lang._(
        "I couldn't post in {channel}: {reason}. Check my permissions there.",
        channel=f"<#{channel_id}>",
        reason=reason,
    )


def remind_on(lang: Language, drama: Drama) -> str:
    return lang._(
        "I'll DM you when each episode of **{title}** airs. `/remind off` stops it.",
        title=drama.title,
    )


def remind_confirmation_dm(lang: Language, drama: Drama) -> str:
    slot = render_weekly_slot(lang, drama.schedule)
    if not slot:
        return lang._(
            "Hi! I'll message you here when each episode of **{title}** airs.", title=drama.title
        )
    return lang._(
        "Hi! I'll message you here when each episode of **{title}** airs ({slot}).",
        title=drama.title,
        slot=slot,
    )


def remind_off(lang: Language, drama: Drama, was_on: bool) -> str:
    if not was_on:
        return lang._("You had no reminder for **{title}**.", title=drama.title)
    return lang._("No more DMs for **{title}**.", title=drama.title)


def dms_closed(lang: Language) -> str:
    return lang._(
        "I can't send you direct messages: your privacy settings block DMs from this server."
        " Allow them, then run `/remind me` again."
    )


def dms_were_closed(lang: Language) -> str:
    return lang._("Note: I stopped your reminders earlier because your DMs were closed.")


def render_direct_reminder(
    lang: Language, drama: Drama, episode: Episode, count: int, *, marker: str | None = None
) -> str:
    text = lang._(
        "Episode {number} of {count} of **{title}** is out now on {platform}! ({countdown})",
        number=lang.number(episode.number),
        count=lang.number(count),
        title=drama.title,
        platform=drama.platform,
        countdown=discord_timestamp(episode.airs_at, "R"),
    )
    return f"{text}\n-# {marker}" if marker else text
