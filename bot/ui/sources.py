"""What ``/drama add``, ``/drama refresh`` and the "episode moved" notice say."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.domain.models import Credit, Drama, Episode, Person
from bot.domain.schedule import local_time, next_airing
from bot.domain.text import EMBED_DESCRIPTION_LIMIT, EMBED_TITLE_LIMIT, MESSAGE_LIMIT, clip
from bot.i18n import Language
from bot.sources.tvmaze import SourceProblem, TvmazeError
from bot.ui.clock import render_local_time
from bot.ui.formatting import discord_timestamp

ACCENT = discord.Colour(0xE91E63)
# TVmaze's name and its licence: the same in every language.
ATTRIBUTION = "TVmaze, CC BY-SA"


def adds_disabled(lang: Language) -> str:
    return lang._("Adding dramas from Discord is turned off on this bot. Ask its operator.")


def adds_capped(lang: Language, limit: int) -> str:
    if limit == 0:
        return adds_disabled(lang)
    return lang.ngettext(
        "This server has added {count} drama today, the most allowed a day. Try tomorrow.",
        "This server has added {count} dramas today, the most allowed a day. Try tomorrow.",
        limit,
    )


def source_problem(lang: Language, error: TvmazeError) -> str:
    """What went wrong with TVmaze, in words for the admin who asked."""
    problem = error.problem
    if problem is SourceProblem.TIMEOUT:
        words = lang._("TVmaze did not answer in time")
    elif problem is SourceProblem.UNREACHABLE:
        words = lang._("TVmaze cannot be reached")
    elif problem is SourceProblem.RATE_LIMITED:
        words = lang._("TVmaze is refusing requests (too many)")
    elif problem is SourceProblem.NOT_FOUND:
        words = lang._("TVmaze has no such show")
    elif problem is SourceProblem.TROUBLE:
        words = lang._("TVmaze is having trouble ({status})", status=error.status or 500)
    elif problem is SourceProblem.REFUSED:
        words = lang._("TVmaze refused the request ({status})", status=error.status or 400)
    elif problem is SourceProblem.NO_NETWORK:
        words = lang._("TVmaze lists no network or streaming service for it")
    elif problem is SourceProblem.NO_EPISODES:
        words = lang._("TVmaze lists no dated episode of it yet")
    elif problem is SourceProblem.OVERLAY_MISFIT:
        words = lang._("the bot operator's data file for it no longer fits TVmaze's data")
    else:  # too large, not JSON, an unexpected shape, unusable
        words = lang._("TVmaze's answer could not be used")
    return words


def source_failed(lang: Language, error: TvmazeError) -> str:
    return clip(
        lang._(
            "I couldn't add that drama: {reason}. Nothing was changed; try again later.",
            reason=source_problem(lang, error),
        ),
        MESSAGE_LIMIT,
    )


def nothing_found(lang: Language, query: str) -> str:
    return lang._(
        "TVmaze knows no show called “{query}”. Pick one from the suggestions.",
        query=clip(query, 100),
    )


def when_text(lang: Language, drama: Drama, episode: Episode) -> str:
    """``<t:…:F> (21:15 KST)``, or the day and "time not announced"."""
    if not episode.time_known:
        day = local_time(episode.airs_at, drama.schedule.timezone).date()
        written = f"{day:%Y-%m-%d}" if lang.is_english else lang.date(day)
        return lang._("{date}, time not announced", date=written)
    local = render_local_time(lang, episode.airs_at, drama.schedule.timezone, with_date=False)
    return f"{discord_timestamp(episode.airs_at)} ({local})"


def added(
    lang: Language,
    drama: Drama,
    episodes: Sequence[Episode],
    credits: Sequence[Credit],
    people: Sequence[Person],
    now_at: datetime,
    *,
    refreshed: bool = False,
) -> str:
    """What the import found: episodes, next airing, cast."""
    by_id = {p.id: p for p in people}
    cast = [by_id[c.person_id].name for c in credits if c.role.is_cast and c.person_id in by_id]
    upcoming = next_airing([e for e in episodes if e.time_known], now_at)
    fields = {"title": drama.title, "platform": drama.platform}
    if refreshed:
        found = lang.ngettext(
            "Refreshed **{title}** ({platform}) from TVmaze: {count} episode.",
            "Refreshed **{title}** ({platform}) from TVmaze: {count} episodes.",
            len(episodes),
            **fields,
        )
    else:
        found = lang.ngettext(
            "Added **{title}** ({platform}) from TVmaze: {count} episode.",
            "Added **{title}** ({platform}) from TVmaze: {count} episodes.",
            len(episodes),
            **fields,
        )
    lines = [
        found,
        lang._(
            "Next: episode {number}, {when}.",
            number=lang.number(upcoming.number),
            when=when_text(lang, drama, upcoming),
        )
        if upcoming
        else lang._("No upcoming episode with a known time."),
    ]
    unknown = sum(1 for e in episodes if not e.time_known and e.airs_at > now_at)
    if unknown:
        lines.append(
            lang.ngettext(
                "{count} upcoming episode has a date but no time yet: not announced.",
                "{count} upcoming episodes have a date but no time yet: not announced.",
                unknown,
            )
        )
    if cast:
        names = lang.human_list(cast[:6])
        lines.append(
            lang._("Cast: {names} and more.", names=names)
            if len(cast) > 6
            else lang._("Cast: {names}.", names=names)
        )
    if not refreshed:
        lines.append(
            lang._("Announce it with `/announce channel`; set it as default with `/drama default`.")
        )
    lines.append(
        lang._("Data: <{url}> ({attribution})", url=drama.source_url, attribution=ATTRIBUTION)
        if drama.source_url
        else ATTRIBUTION
    )
    return clip("\n".join(lines), MESSAGE_LIMIT)


def not_from_source(lang: Language, drama: Drama) -> str:
    return lang._(
        "**{title}** comes from a data file, not from TVmaze: nothing to refresh.",
        title=drama.title,
    )


def refreshed_none(lang: Language) -> str:
    return lang._(
        "This server announces no drama from TVmaze yet: add one with `/drama add` and announce"
        " it with `/announce channel`, or name one: `/drama refresh <drama>`."
    )


def refresh_failed(lang: Language, drama: Drama, error: TvmazeError) -> str:
    return clip(
        lang._(
            "**{title}**: I couldn't refresh it: {reason}. It keeps its last schedule;"
            " try again later.",
            title=drama.title,
            reason=source_problem(lang, error),
        ),
        MESSAGE_LIMIT,
    )


def refresh_answers(answers: Sequence[str]) -> str:
    return clip("\n\n".join(answers), MESSAGE_LIMIT)


def changes_set(lang: Language, on: bool) -> str:
    if on:
        return lang._("I'll post a short notice here when an episode's time moves.")
    return lang._("I won't post notices when an episode's time moves.")


def render_moved(lang: Language, drama: Drama, episode: Episode, *, marker: str) -> discord.Embed:
    """ "Episode 5 moved to <t:…:F>", in the channel that announces the drama."""
    local = render_local_time(lang, episode.airs_at, drama.schedule.timezone)
    number = lang.number(episode.number)
    embed = discord.Embed(
        title=clip(
            lang._("{title}: episode {number} moved", title=drama.title, number=number),
            EMBED_TITLE_LIMIT,
        ),
        description=clip(
            lang._(
                "Episode {number} moved to {when} ({local}).",
                number=number,
                when=discord_timestamp(episode.airs_at),
                local=local,
            ),
            EMBED_DESCRIPTION_LIMIT,
        ),
        colour=ACCENT,
    )
    embed.set_footer(text=f"{ATTRIBUTION} · {marker}")
    return embed
