"""The answers to refused commands and to bugs: polite, ephemeral, never a traceback."""

from __future__ import annotations

from discord import app_commands

from bot.i18n import Language
from bot.ui.formatting import permission_labels


def something_went_wrong(lang: Language) -> str:
    return lang._(
        "Sorry, something went wrong on my side. It has been logged for the person who runs me;"
        " please try again later."
    )


def permission_label(lang: Language, name: str) -> str:
    """Discord's own name for a permission, as its client shows it in that language."""
    labels = {
        "view_channel": lang.pgettext("permission", "View Channel"),
        "send_messages": lang.pgettext("permission", "Send Messages"),
        "embed_links": lang.pgettext("permission", "Embed Links"),
        "read_message_history": lang.pgettext("permission", "Read Message History"),
        "manage_guild": lang.pgettext("permission", "Manage Server"),
        "manage_messages": lang.pgettext("permission", "Manage Messages"),
        "administrator": lang.pgettext("permission", "Administrator"),
    }
    return labels.get(name) or permission_labels([name])[0]


def check_failure_message(lang: Language, error: app_commands.AppCommandError) -> str | None:
    """What to tell a user whose command was refused; None for a bug."""
    if isinstance(error, app_commands.MissingPermissions):
        names = ", ".join(permission_label(lang, n) for n in error.missing_permissions)
        return lang._("You need the **{names}** permission to use this command.", names=names)
    if isinstance(error, app_commands.NoPrivateMessage):
        return lang._("This command works in servers only, not in direct messages.")
    if isinstance(error, app_commands.CommandOnCooldown):
        return lang._(
            "Slow down a little: try again in {seconds} seconds.",
            seconds=f"{error.retry_after:.0f}",
        )
    if isinstance(error, app_commands.CheckFailure):
        return lang._("You can't use this command here.")
    return None
