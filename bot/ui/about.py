"""The ``/about`` embed."""

from __future__ import annotations

import math

import discord

ACCENT = discord.Colour(0xE91E63)


def format_duration(seconds: float) -> str:
    """``3d 4h 5m`` / ``4h 5m`` / ``5m 6s``: short and readable."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes}m"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {secs}s"


def render_about(
    *,
    version: str,
    uptime_seconds: float,
    latency_seconds: float,
    drama_count: int,
    guild_count: int,
) -> discord.Embed:
    latency = (
        "measuring…" if not math.isfinite(latency_seconds) else f"{latency_seconds * 1000:.0f} ms"
    )
    embed = discord.Embed(
        title="Drama Fanbot",
        description="Facts, cast, episode announcements and trivia for K-drama fan servers.",
        colour=ACCENT,
    )
    embed.add_field(name="Version", value=version)
    embed.add_field(name="Uptime", value=format_duration(uptime_seconds))
    embed.add_field(name="Gateway latency", value=latency)
    embed.add_field(name="Dramas", value=str(drama_count))
    embed.add_field(name="Servers", value=str(guild_count))
    return embed
