"""What the bot needs to post in a channel, checked before it promises to."""

from __future__ import annotations

import discord

POSTING_PERMISSIONS = ("view_channel", "send_messages", "embed_links")


def missing_to_post(allowed: discord.Permissions) -> list[str]:
    """Names of the posting permissions ``allowed`` lacks (discord.py attribute names)."""
    return [name for name in POSTING_PERMISSIONS if not getattr(allowed, name)]
