"""FanBot: the discord.py client as ``fanbot run`` builds it (and as the tests do).

``setup_hook`` opens the store, imports the data folder, loads the cogs and syncs the
command tree only when its definitions changed since the last sync, so restarts do not
spend Discord's daily command-create limit.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.data.importer import import_files
from bot.store import Store

log = logging.getLogger(__name__)

COG_EXTENSIONS = ("bot.cogs.about",)


def bot_intents(settings: Settings) -> discord.Intents:
    """Guild events only; message content only when the operator enabled it."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.message_content = settings.message_content_intent
    intents.guild_messages = settings.message_content_intent
    return intents


def command_tree_hash(definitions: list[dict[str, Any]]) -> str:
    """A stable digest of command payloads: equal trees, equal hashes."""
    canonical = json.dumps(
        sorted(definitions, key=lambda d: str(d.get("name"))), sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class FanBot(commands.Bot):
    """The bot process: store, cogs, command sync, clean shutdown."""

    def __init__(self, settings: Settings, *, force_sync: bool = False, **options: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(settings),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.force_sync = force_sync
        self.started_monotonic = time.monotonic()
        self._store: Store | None = None
        self.tree.error(self.on_app_command_error)

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is opened in setup_hook")
        return self._store

    async def setup_hook(self) -> None:
        self._store = await Store.open(self.settings.database_path)
        await import_files(self.store.dramas, [self.settings.data_dir])
        for extension in COG_EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands(force=self.force_sync)

    def _sync_scope(self) -> discord.Object | None:
        guild_id = self.settings.dev_guild_id
        if guild_id is None:
            return None
        guild = discord.Object(guild_id)
        self.tree.copy_global_to(guild=guild)
        return guild

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the tree when its hash changed (or when forced); True when it synced."""
        guild = self._sync_scope()
        definitions = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        digest = command_tree_hash(definitions)
        key = f"command-hash:{guild.id if guild else 'global'}:{self.application_id}"
        if not force and await self.store.bot_state.get(key) == digest:
            log.info("application commands unchanged; not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        await self.store.bot_state.put(key, digest, discord.utils.utcnow())
        log.info("synced %d application commands (%s)", len(synced), key)
        return True

    async def on_ready(self) -> None:
        log.info("ready as %s in %d guilds", self.user, len(self.guilds))

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """The one place bugs land: log the traceback, tell the user politely."""
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error(
            "command /%s failed in guild %s channel %s for user %s",
            command,
            interaction.guild_id,
            interaction.channel_id,
            interaction.user.id,
            exc_info=error,
        )
        text = "Sorry, something went wrong on my side. The server admins can find it in my logs."
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the user about the error in /%s", command)

    async def close(self) -> None:
        """Gateway closed first, then the store: nothing writes after it is closed."""
        await super().close()
        if self._store is not None:
            await self._store.close()
            self._store = None
