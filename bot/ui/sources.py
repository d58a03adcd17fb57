"""What ``/drama add``, ``/drama refresh`` and the "episode moved" notice say."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.domain.models import Credit, Drama, Episode, Person
from bot.domain.schedule import format_local, local_time, next_airing
from bot.domain.text import EMBED_DESCRIPTION_LIMIT, EMBED_TITLE_LIMIT, MESSAGE_LIMIT, clip
from bot.sources.tvmaze import SourceProblem, TvmazeError
from bot.ui.formatting import discord_timestamp, human_list

ACCENT = discord.Colour(0xE91E63)
ATTRIBUTION = "TVmaze, CC BY-SA"
TIME_NOT_ANNOUNCED = "time not announced"


def adds_disabled() -> str:
    return "Adding dramas from Discord is turned off on this bot. Ask its operator."


def adds_capped(limit: int) -> str:
    if limit == 0:
        return adds_disabled()
    return f"This server has added {limit} dramas today, the most allowed a day. Try tomorrow."


PROBLEM_WORDS = {
    SourceProblem.TIMEOUT: "TVmaze did not answer in time",
    SourceProblem.UNREACHABLE: "TVmaze cannot be reached",
    SourceProblem.RATE_LIMITED: "TVmaze is refusing requests (429: too many)",
    SourceProblem.NOT_FOUND: "TVmaze has no such show",
    SourceProblem.TROUBLE: "TVmaze is having trouble",
    SourceProblem.REFUSED: "TVmaze refused the request",
    SourceProblem.TOO_LARGE: "TVmaze's answer is too large",
    SourceProblem.NOT_JSON: "TVmaze's answer is not valid JSON",
    SourceProblem.BAD_SHAPE: "TVmaze's answer has an unexpected shape",
    SourceProblem.NO_NETWORK: "TVmaze lists no network or streaming service for it",
    SourceProblem.NO_EPISODES: "TVmaze lists no dated episode of it yet",
    SourceProblem.UNUSABLE: "TVmaze's answer for it is unusable",
    SourceProblem.OVERLAY_MISFIT: (
        "the bot operator's data file for it no longer fits TVmaze's data"
    ),
}


def source_problem(error: TvmazeError) -> str:
    """What went wrong with TVmaze, in words for the admin who asked."""
    words = PROBLEM_WORDS[error.problem]
    return f"{words} ({error.status})" if error.status and error.status not in (404, 429) else words


def source_failed(error: TvmazeError) -> str:
    return clip(
        f"I couldn't add that drama: {source_problem(error)}. Nothing was changed;"
        " try again later.",
        MESSAGE_LIMIT,
    )


def nothing_found(query: str) -> str:
    return f"TVmaze knows no show called “{clip(query, 100)}”. Pick one from the suggestions."


def when_text(drama: Drama, episode: Episode) -> str:
    """``<t:…:F> (21:15 KST)``, or the day and "time not announced"."""
    if not episode.time_known:
        day = local_time(episode.airs_at, drama.schedule.timezone).date()
        return f"{day:%Y-%m-%d}, {TIME_NOT_ANNOUNCED}"
    local = format_local(episode.airs_at, drama.schedule.timezone, with_date=False)
    return f"{discord_timestamp(episode.airs_at)} ({local})"


def added(
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
    verb = "Refreshed" if refreshed else "Added"
    lines = [
        f"{verb} **{drama.title}** ({drama.platform}) from TVmaze: {len(episodes)}"
        + (" episode." if len(episodes) == 1 else " episodes."),
        f"Next: episode {upcoming.number}, {when_text(drama, upcoming)}."
        if upcoming
        else "No upcoming episode with a known time.",
    ]
    unknown = sum(1 for e in episodes if not e.time_known and e.airs_at > now_at)
    if unknown:
        lines.append(
            "1 upcoming episode has a date but no time yet: not announced."
            if unknown == 1
            else f"{unknown} upcoming episodes have a date but no time yet: not announced."
        )
    if cast:
        lines.append(f"Cast: {human_list(cast[:6])}" + (" and more." if len(cast) > 6 else "."))
    if not refreshed:
        lines.append(
            "Announce it with `/announce channel`; set it as default with `/drama default`."
        )
    lines.append(f"Data: <{drama.source_url}> ({ATTRIBUTION})" if drama.source_url else ATTRIBUTION)
    return clip("\n".join(lines), MESSAGE_LIMIT)


def not_from_source(drama: Drama) -> str:
    return f"**{drama.title}** comes from a data file, not from TVmaze: nothing to refresh."


def refreshed_none() -> str:
    return (
        "This server announces no drama from TVmaze yet: add one with `/drama add`, announce it"
        " with `/announce channel`, or name one: `/drama refresh <drama>`."
    )


def refresh_failed(drama: Drama, error: TvmazeError) -> str:
    return clip(
        f"**{drama.title}**: I couldn't refresh it: {source_problem(error)}. It keeps its last"
        " schedule; try again later.",
        MESSAGE_LIMIT,
    )


def refresh_answers(answers: Sequence[str]) -> str:
    return clip("\n\n".join(answers), MESSAGE_LIMIT)


def changes_set(on: bool) -> str:
    if on:
        return "I'll post a short notice here when an episode's time moves."
    return "I won't post notices when an episode's time moves."


def render_moved(drama: Drama, episode: Episode, *, marker: str) -> discord.Embed:
    """ "Episode 5 moved to <t:…:F>", in the channel that announces the drama."""
    local = format_local(episode.airs_at, drama.schedule.timezone)
    embed = discord.Embed(
        title=clip(f"{drama.title}: episode {episode.number} moved", EMBED_TITLE_LIMIT),
        description=clip(
            f"Episode {episode.number} moved to {discord_timestamp(episode.airs_at)} ({local}).",
            EMBED_DESCRIPTION_LIMIT,
        ),
        colour=ACCENT,
    )
    embed.set_footer(text=f"{ATTRIBUTION} · {marker}")
    return embed
