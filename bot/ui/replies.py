"""Answering an interaction whether or not it was already answered (or deferred)."""

from __future__ import annotations

from typing import Any

import discord


async def respond(interaction: discord.Interaction, **kwargs: Any) -> None:
    """The initial response, or a follow-up once one was sent; mentions off by default."""
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)
