"""Which language a server's posts are written in, and on which clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.i18n.language import Catalogues, Language


class LocalitySettings(Protocol):
    """The part of the guild settings store this needs."""

    async def locality(self, guild_id: int) -> tuple[str | None, str | None]: ...


class ServerLanguages:
    """``/settings language``, else the server's preferred locale (Discord's
    ``guild_locale``, set in Community servers), else English; and ``/settings timezone``."""

    def __init__(
        self,
        catalogues: Catalogues,
        settings: LocalitySettings,
        preferred_locale: Callable[[int], str | None],
    ) -> None:
        self._catalogues = catalogues
        self._settings = settings
        self._preferred_locale = preferred_locale

    async def for_server(self, guild_id: int | None, preferred: str | None = None) -> Language:
        """``preferred``: the ``guild_locale`` an interaction carried, when there is one."""
        if guild_id is None:
            return self._catalogues.english()
        chosen, timezone = await self._settings.locality(guild_id)
        for candidate in (chosen, preferred, self._preferred_locale(guild_id)):
            if self._catalogues.code_for(candidate) is not None:
                return self._catalogues.language(candidate, timezone)
        return self._catalogues.english(timezone)

    def for_fan(self, code: str | None) -> Language:
        """A DM to a fan: the language they used when they asked for it (a catalogue code
        saved then; None: English)."""
        return self._catalogues.language(code)

    def code_for(self, locale: str | None) -> str | None:
        """The catalogue code to save for a fan's Discord locale (None: English)."""
        return self._catalogues.code_for(locale)

    async def for_reader(self, locale: str | None, guild_id: int | None) -> Language:
        """A fan's answer: their client's language, on their server's clock."""
        timezone = None if guild_id is None else (await self._settings.locality(guild_id))[1]
        return self._catalogues.language(locale, timezone)


class EnglishPosts:
    """Every post in English on each drama's clock: for an announcer built without a
    server's settings (tests, tools)."""

    def __init__(self) -> None:
        self._catalogues = Catalogues({})

    async def for_server(self, guild_id: int | None, preferred: str | None = None) -> Language:
        return self._catalogues.english()

    def for_fan(self, code: str | None) -> Language:
        return self._catalogues.english()

    def code_for(self, locale: str | None) -> str | None:
        return None
