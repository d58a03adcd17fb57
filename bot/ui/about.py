"""The ``/about`` embed."""

from __future__ import annotations

import math

import discord

from bot.i18n import Language

ACCENT = discord.Colour(0xE91E63)


def format_duration(lang: Language, seconds: float) -> str:
    """``3d 4h 5m`` / ``4h 5m`` / ``5m 6s``: short and readable."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return lang.pgettext(
            "duration", "{days}d {hours}h {minutes}m", days=days, hours=hours, minutes=minutes
        )
    if hours:
        return lang.pgettext("duration", "{hours}h {minutes}m", hours=hours, minutes=minutes)
    return lang.pgettext("duration", "{minutes}m {seconds}s", minutes=minutes, seconds=secs)


def render_about(
    lang: Language,
    *,
    version: str,
    uptime_seconds: float,
    latency_seconds: float,
    drama_count: int,
    guild_count: int,
) -> discord.Embed:
    latency = (
        lang._("measuring…")
        if not math.isfinite(latency_seconds)
        else lang._("{milliseconds} ms", milliseconds=lang.number(round(latency_seconds * 1000)))
    )
    embed = discord.Embed(
        title="Drama Fanbot",
        description=lang._(
            "Facts, cast, episode announcements and trivia for K-drama fan servers."
        ),
        colour=ACCENT,
    )
    embed.add_field(name=lang._("Version"), value=version)
    embed.add_field(name=lang._("Uptime"), value=format_duration(lang, uptime_seconds))
    embed.add_field(name=lang._("Gateway latency"), value=latency)
    embed.add_field(name=lang._("Dramas"), value=lang.number(drama_count))
    embed.add_field(name=lang._("Servers"), value=lang.number(guild_count))
    return embed
