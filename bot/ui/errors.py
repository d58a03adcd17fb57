"""The answers to refused commands and to bugs: polite, ephemeral, never a traceback."""

from __future__ import annotations

from discord import app_commands

from bot.ui.formatting import permission_labels

SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side. It has been logged for the person who runs me;"
    " please try again later."
)


def check_failure_message(error: app_commands.AppCommandError) -> str | None:
    """What to tell a user whose command was refused; None for a bug."""
    if isinstance(error, app_commands.MissingPermissions):
        names = ", ".join(permission_labels(error.missing_permissions))
        return f"You need the **{names}** permission to use this command."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in servers only, not in direct messages."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None
