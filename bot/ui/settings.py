"""What ``/settings`` shows and answers."""

from __future__ import annotations

import discord

from bot.domain.locality import ServerSettings
from bot.i18n import Language

ACCENT = discord.Colour(0x607D8B)
#: Each language by its own name: a fan looks for their language as they write it.
LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia", "ko": "한국어"}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def render_settings(
    lang: Language, settings: ServerSettings, posts_in: str, default_title: str | None
) -> discord.Embed:
    """The server's settings; ``posts_in``: the language its posts are written in now."""
    embed = discord.Embed(title=lang._("This server's settings"), colour=ACCENT)
    if settings.language is None:
        language = lang._(
            "{language} (from the server's language in Discord)", language=language_name(posts_in)
        )
    else:
        language = language_name(settings.language)
    embed.add_field(name=lang._("Language of posts"), value=language, inline=False)
    zone = settings.timezone or lang._("each drama's own time zone")
    embed.add_field(name=lang._("Time zone"), value=zone, inline=False)
    embed.add_field(
        name=lang._("Default drama"),
        value=f"**{default_title}**" if default_title else lang._("none"),
        inline=False,
    )
    embed.set_footer(
        text=lang._(
            "Answers to a command follow each fan's Discord language;"
            " announcements and trivia use the server's."
        )
    )
    return embed


def language_set(lang: Language, code: str | None, posts_in: str) -> str:
    if code is None:
        return lang._(
            "Posts in this server now follow its language in Discord: {language}.",
            language=language_name(posts_in),
        )
    return lang._(
        "Announcements and trivia in this server are now in {language}.",
        language=language_name(code),
    )


def timezone_set(lang: Language, timezone: str | None, example: str | None) -> str:
    if timezone is None:
        return lang._("Times are now written in each drama's own time zone.")
    text = lang._("Times in this server are now written in **{zone}**.", zone=timezone)
    if example:
        text += " " + lang._("For example: {example}.", example=example)
    return text


def unknown_timezone(lang: Language, typed: str) -> str:
    return lang._(
        "I don't know a time zone called “{typed}”. Pick one from the list, e.g. Asia/Jakarta"
        " (WIB) or Asia/Seoul (KST).",
        typed=typed[:100],
    )


def drama_zone_choice(lang: Language) -> str:
    return lang._("Each drama's own time zone")
