"""The slash-command tree: synced with Discord only when it changed, and its errors answered.

Syncing only when the tree's hash (with every translation) changed keeps restarts off
Discord's daily command-create limit. Every app-command error lands in one place: a refusal
is answered privately, a bug is logged with its context and the user told something went
wrong, never the traceback.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands

from bot.domain.clock import Clock
from bot.i18n import Language
from bot.store.bot_state import BotStateStore
from bot.ui.errors import check_failure_message, something_went_wrong
from bot.ui.replies import respond

log = logging.getLogger(__name__)


def command_tree_hash(definitions: list[dict[str, Any]]) -> str:
    """A stable digest of command payloads: equal trees, equal hashes."""
    canonical = json.dumps(
        sorted(definitions, key=lambda d: str(d.get("name"))), sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def sync_command_tree(
    tree: app_commands.CommandTree[Any],
    state: BotStateStore,
    clock: Clock,
    *,
    application_id: int | None,
    dev_guild_id: int | None,
    force: bool = False,
) -> bool:
    """Sync the tree when its hash changed (or when forced); True when it synced. With a
    development guild the global commands are copied there (they appear at once)."""
    guild = None
    if dev_guild_id is not None:
        guild = discord.Object(dev_guild_id)
        tree.copy_global_to(guild=guild)
    translator = tree.translator
    definitions = [
        await c.get_translated_payload(tree, translator)
        if translator is not None
        else c.to_dict(tree)
        for c in tree.get_commands(guild=guild)
    ]
    digest = command_tree_hash(definitions)
    key = f"command-hash:{guild.id if guild else 'global'}:{application_id}"
    if not force and await state.get(key) == digest:
        log.info("application commands unchanged; not syncing")
        return False
    synced = await tree.sync(guild=guild)
    await state.put(key, digest, clock.now())
    log.info("synced %d application commands (%s)", len(synced), key)
    return True


async def answer_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError, lang: Language
) -> None:
    """Refusals answered with their reason; bugs logged with context and answered politely."""
    command = interaction.command.qualified_name if interaction.command else "?"
    refusal = check_failure_message(lang, error)
    if refusal is not None:
        log.info(
            "refused /%s for user %s in guild %s: %s",
            command,
            interaction.user.id,
            interaction.guild_id,
            error,
        )
        await _tell(interaction, refusal)
        return
    log.error(
        "command /%s failed in guild %s channel %s for user %s",
        command,
        interaction.guild_id,
        interaction.channel_id,
        interaction.user.id,
        exc_info=error,
    )
    await _tell(interaction, something_went_wrong(lang))


async def _tell(interaction: discord.Interaction, text: str) -> None:
    try:
        await respond(interaction, content=text, ephemeral=True)
    except discord.HTTPException as error:
        log.warning("could not answer interaction %s: %s", interaction.id, error)
