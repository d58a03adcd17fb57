"""A local Discord API v10 emulator (REST + gateway) for end-to-end tests and benchmarks.

Usage: ``emu = await DiscordEmulator().start()``, ``restore = emu.point_discord()``, start a
discord.py bot as usual, then act as users (``emu.slash``, ``emu.click``, ``emu.autocomplete``)
and assert on what they see (:class:`Reply`) and on everything recorded (``emu.errors``...).
"""

from .actions import CommandNotFound, Reply
from .driver import DiscordEmulator
from .rules import DiscordError, SpecValidator
from .state import Channel, Guild, Interaction, Message, RecordedError, Role, User

__all__ = [
    "Channel",
    "CommandNotFound",
    "DiscordEmulator",
    "DiscordError",
    "Guild",
    "Interaction",
    "Message",
    "RecordedError",
    "Reply",
    "Role",
    "SpecValidator",
    "User",
]
