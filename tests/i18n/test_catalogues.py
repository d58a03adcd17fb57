"""The catalogues are complete: every message the code shows has an Indonesian and a Korean
translation with the same placeholders, and the template is what ``pybabel extract`` finds."""

from __future__ import annotations

import gettext
import io
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import Catalogues

REPO = Path(__file__).resolve().parents[2]
LOCALES = REPO / "bot" / "locales"
LANGUAGES = ("id", "ko")
EXTRACT = [
    "-F", "babel.cfg", "-k", "_", "-k", "ngettext:1,2", "-k", "pgettext:1c,2",
    "--add-comments=TRANSLATORS:", "--no-location", "--sort-output",
]  # fmt: skip


def _read(path: Path) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _key(message_id: str | tuple[str, ...], context: str | None) -> tuple[str | None, str]:
    return context, message_id if isinstance(message_id, str) else message_id[0]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    out = tmp_path_factory.mktemp("pot") / "fanbot.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "extract", *EXTRACT, "-o", str(out), "."],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    return _read(out)


def test_the_template_holds_every_message_the_code_shows(extracted: Catalog) -> None:
    shipped = _read(LOCALES / "fanbot.pot")
    found = {_key(m.id, m.context) for m in extracted if m.id}
    listed = {_key(m.id, m.context) for m in shipped if m.id}
    assert found - listed == set(), "run pybabel extract (README: Adding a language)"
    assert listed - found == set(), "messages no longer in the code: run pybabel extract"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(
    extracted: Catalog, code: str
) -> None:
    catalog = _read(LOCALES / code / "LC_MESSAGES" / "fanbot.po")
    problems = []
    for message in extracted:
        if not message.id:
            continue
        translated = catalog.get(message.id, message.context)
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [] if translated is None else translated.string
        strings = [strings] if isinstance(strings, str) else list(strings)
        if translated is None or not all(strings) or translated.fuzzy:
            problems.append(f"untranslated: {message.id!r}")
            continue
        wanted = set().union(*(_fields(s) for s in sources))
        for text in strings:
            if _fields(text) != wanted:
                got = sorted(_fields(text))
                problems.append(f"placeholders {got} != {sorted(wanted)}: {text!r}")
    assert not problems, problems


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_compiled_catalogue_is_its_po_file_compiled(code: str) -> None:
    """The bot reads the .mo files; after editing a .po, run
    ``pybabel compile -D fanbot -d bot/locales`` (README, Adding a language)."""
    folder = LOCALES / code / "LC_MESSAGES"
    compiled = io.BytesIO()
    write_mo(compiled, _read(folder / "fanbot.po"), use_fuzzy=False)
    compiled.seek(0)
    with (folder / "fanbot.mo").open("rb") as committed:
        shipped = gettext.GNUTranslations(committed)
    assert shipped._catalog == gettext.GNUTranslations(compiled)._catalog, (  # type: ignore[attr-defined]
        f"{folder / 'fanbot.mo'} is out of date: run pybabel compile -D fanbot -d bot/locales"
    )


def test_the_bot_loads_every_catalogue() -> None:
    catalogues = Catalogues.load()
    assert catalogues.codes == sorted(LANGUAGES)
    assert catalogues.language("id")._("Time zone") == "Zona waktu"
    assert catalogues.language("ko")._("Time zone") == "시간대"
    assert catalogues.language("fr").code == "en"


def test_dates_numbers_and_weekdays_the_local_way() -> None:
    from datetime import date, time

    catalogues = Catalogues.load()
    indonesian, korean = catalogues.language("id"), catalogues.language("ko")
    assert indonesian.date(date(2022, 3, 23)) == "Rabu, 23 Maret 2022"
    assert korean.date(date(2022, 3, 23)) == "2022년 3월 23일 수요일"
    assert indonesian.clock(time(14, 0)) == "14.00"
    assert korean.clock(time(16, 0)) == "16:00"
    assert indonesian.number(100000) == "100.000"
    assert korean.weekday(2) == "수요일"
    assert catalogues.english().human_list(["a", "b", "c"], "or") == "a, b or c"


def test_small_numbers_are_the_plain_digits_in_every_locale_babel_knows() -> None:
    """Why ``Language.number`` may skip Babel below 100 (a language added later included)."""
    from babel import localedata
    from babel.numbers import format_decimal

    for code in localedata.locale_identifiers():
        assert all(format_decimal(n, locale=code) == str(n) for n in (0, 7, 42, 99)), code
