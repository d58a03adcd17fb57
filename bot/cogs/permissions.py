"""What the bot needs to post in a channel, checked before it promises to."""

from __future__ import annotations

import discord

POSTING_PERMISSIONS = ("view_channel", "send_messages", "embed_links")
# Announcing also reads the channel's history: after a crash the bot looks there for its
# own post before posting again.
ANNOUNCING_PERMISSIONS = (*POSTING_PERMISSIONS, "read_message_history")


def missing_to_post(
    allowed: discord.Permissions, needed: tuple[str, ...] = POSTING_PERMISSIONS
) -> list[str]:
    """Names of the ``needed`` permissions ``allowed`` lacks (discord.py attribute names)."""
    return [name for name in needed if not getattr(allowed, name)]
