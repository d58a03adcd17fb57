"""One language to write in: its catalogue, CLDR formats (Babel), and the clock to show."""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

import babel
from babel.dates import format_date, format_skeleton, get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal

ENGLISH_CODE = "en"
DOMAIN = "fanbot"
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"

#: Discord's locale codes (``interaction.locale``) to the catalogues' language codes.
DISCORD_LOCALES = {"id": "id", "ko": "ko", "en-US": ENGLISH_CODE, "en-GB": ENGLISH_CODE}

DateWidth = Literal["full", "long", "medium", "short"]


@dataclass(frozen=True)
class Language:
    """How to write for one reader: words from the catalogue, dates and numbers from CLDR,
    and the server's clock (``timezone``; None: each drama's own zone).

    ``_``, ``ngettext`` and ``pgettext`` are the names ``pybabel extract`` looks for; their
    ``{placeholders}`` are filled from keyword arguments after translation (called without
    any, the text comes back as it is, e.g. a pattern a caller fills in later).
    """

    code: str
    translations: gettext.NullTranslations
    timezone: str | None = None

    @property
    def locale(self) -> babel.Locale:
        return babel.Locale.parse(self.code)

    @property
    def is_english(self) -> bool:
        return self.code == ENGLISH_CODE

    def with_timezone(self, timezone: str | None) -> Language:
        return replace(self, timezone=timezone)

    def _(self, message: str, /, **fields: object) -> str:
        text = self.translations.gettext(message)
        return text.format(**fields) if fields else text

    def ngettext(self, singular: str, plural: str, n: int, /, **fields: object) -> str:
        """Plural forms by the language's rule; ``{count}`` is ``n`` written the local way."""
        fields.setdefault("count", self.number(n))
        return self.translations.ngettext(singular, plural, n).format(**fields)

    def pgettext(self, context: str, message: str, /, **fields: object) -> str:
        text = self.translations.pgettext(context, message)
        return text.format(**fields) if fields else text

    def lookup(self, message: str, context: str | None = None) -> str | None:
        """The catalogue's translation, or None when it has none (for the command translator)."""
        if context is None:
            found = self.translations.gettext(message)
        else:
            found = self.translations.pgettext(context, message)
        return None if found == message else found

    # -- CLDR formats ---------------------------------------------------------------------

    def number(self, n: int) -> str:
        # Below 100 every CLDR locale writes the plain digits (Babel formats in Latin digits
        # and groups from 1,000, Toki Pona from 100): the common case skips Babel's 10 µs.
        if 0 <= n < 100:
            return str(n)
        return format_decimal(n, locale=self.code)

    def date(self, day: date, width: DateWidth = "full") -> str:
        """``Wednesday, March 23, 2022``, ``Rabu, 23 Maret 2022``, ``2022년 3월 23일 수요일``."""
        return format_date(day, width, locale=self.code)

    def clock(self, wall: time | datetime) -> str:
        """24-hour wall time the local way: ``14:00``, ``14.00``, ``14:00``."""
        moment = wall if isinstance(wall, time) else wall.time()
        return format_skeleton("Hm", moment, locale=self.code)

    def weekday(self, index: int) -> str:
        """Monday = 0, as ``date.weekday()``: ``Rabu``, ``수요일``."""
        return str(get_day_names("wide", locale=self.code)[index])

    def human_list(self, items: Sequence[str], style: Literal["and", "or"] = "and") -> str:
        """``a, b and c`` (English as the bot always wrote it), ``a, b, dan c``, ``a, b 및 c``."""
        if len(items) <= 1:
            return "".join(items)
        if self.is_english:
            return f"{', '.join(items[:-1])} {style} {items[-1]}"
        return format_list(list(items), "standard" if style == "and" else "or", locale=self.code)


class Catalogues:
    """Every catalogue in ``bot/locales``, read once at start from its compiled ``.mo`` file
    (committed beside the ``.po``; ``tests/i18n`` fails when one is out of date): reading
    them takes the standard library alone, where compiling the ``.po`` files at each start
    took Babel's message tools and about a megabyte that stayed resident."""

    def __init__(self, translations: dict[str, gettext.NullTranslations]) -> None:
        self._translations = dict(translations)
        self._english = gettext.NullTranslations()

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR) -> Catalogues:
        found: dict[str, gettext.NullTranslations] = {}
        for mo_path in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
            with mo_path.open("rb") as mo_file:
                found[mo_path.parent.parent.name] = gettext.GNUTranslations(mo_file)
        return cls(found)

    @property
    def codes(self) -> list[str]:
        """The languages with a catalogue (English, the source, has none)."""
        return sorted(self._translations)

    def has(self, code: str) -> bool:
        return code in self._translations

    def language(self, discord_locale: str | None, timezone: str | None = None) -> Language:
        """The language for a Discord locale (``id``, ``ko``, ``en-US``); English when there
        is no catalogue for it."""
        code = self.code_for(discord_locale)
        if code is None:
            return self.english(timezone)
        return Language(code, self._translations[code], timezone)

    def code_for(self, discord_locale: str | None) -> str | None:
        """Our language code for a Discord locale, or None when we have no catalogue."""
        if discord_locale is None:
            return None
        code = DISCORD_LOCALES.get(discord_locale, discord_locale)
        return code if code in self._translations else None

    def english(self, timezone: str | None = None) -> Language:
        return Language(ENGLISH_CODE, self._english, timezone)
