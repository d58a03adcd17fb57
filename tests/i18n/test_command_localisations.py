"""Every localised command name and description keeps Discord's rules.

discord.py checks only the default names; one bad translation makes Discord refuse the
whole sync (``CommandSyncFailure``), so every command is checked here in every locale.
"""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest

from bot.i18n import Catalogues
from bot.i18n.commands import CatalogueTranslator, offline_command_tree
from bot.ui.settings import LANGUAGE_NAMES

NAME = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
COMMAND_BUDGET = 8000


async def translated_payloads() -> list[dict[str, Any]]:
    built = await offline_command_tree()
    translator = CatalogueTranslator(Catalogues.load())
    return [await c.get_translated_payload(built, translator) for c in built.get_commands()]


@pytest.fixture(scope="module")
def payloads() -> list[dict[str, Any]]:
    import asyncio

    return asyncio.run(translated_payloads())


def _walk(node: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    found = [(path, node)]
    for option in node.get("options", []):
        found += _walk(option, f"{path} {option['name']}")
    return found


def _localised_names(node: dict[str, Any], locale: str) -> str:
    return (node.get("name_localizations") or {}).get(locale, node["name"])


def test_every_command_option_and_choice_has_indonesian_and_korean(
    payloads: list[dict[str, Any]],
) -> None:
    missing = []
    for command in payloads:
        for path, node in _walk(command, command["name"]):
            for locale in ("id", "ko"):
                if locale not in (node.get("description_localizations") or {}):
                    missing.append(f"/{path} description in {locale}")
                for choice in node.get("choices", []):
                    if choice["name"] in LANGUAGE_NAMES.values():
                        continue  # each language by its own name, in every language
                    if locale not in (choice.get("name_localizations") or {}):
                        missing.append(f"/{path} choice {choice['name']} in {locale}")
    assert not missing, missing


@pytest.mark.parametrize("locale", [loc.value for loc in discord.Locale])
def test_localised_names_follow_discords_rules(payloads: list[dict[str, Any]], locale: str) -> None:
    problems = []
    for command in payloads:
        for path, node in _walk(command, command["name"]):
            name = _localised_names(node, locale)
            if not NAME.match(name) or name != name.lower():
                problems.append(f"/{path}: {name!r}")
            description = (node.get("description_localizations") or {}).get(locale, "")
            if description and not 1 <= len(description) <= 100:
                problems.append(f"/{path}: description of {len(description)} characters")
            siblings = [_localised_names(o, locale) for o in node.get("options", [])]
            if len(set(siblings)) != len(siblings):
                problems.append(f"/{path}: options share a name in {locale}: {siblings}")
            defaults = {o["name"] for o in node.get("options", [])}
            for option in node.get("options", []):
                localised = _localised_names(option, locale)
                if localised != option["name"] and localised in defaults:
                    problems.append(f"/{path}: {localised!r} is another option's name")
            for choice in node.get("choices", []):
                label = (choice.get("name_localizations") or {}).get(locale, choice["name"])
                if not 1 <= len(label) <= 100:
                    problems.append(f"/{path}: choice {label!r}")
    assert not problems, problems


def _longest(node: dict[str, Any], key: str) -> int:
    values = [node.get(key, ""), *(node.get(f"{key}_localizations") or {}).values()]
    return max(len(v) for v in values)


def _size(node: dict[str, Any]) -> int:
    """Discord counts the longest localisation of each name, description and choice."""
    total = _longest(node, "name") + _longest(node, "description")
    for choice in node.get("choices", []):
        total += _longest(choice, "name") + len(str(choice["value"]))
    return total + sum(_size(o) for o in node.get("options", []))


def test_every_command_fits_discords_8000_characters(payloads: list[dict[str, Any]]) -> None:
    sizes = {c["name"]: _size(c) for c in payloads}
    assert max(sizes.values()) <= COMMAND_BUDGET, sizes


def test_the_fans_see_their_own_words(payloads: list[dict[str, Any]]) -> None:
    by_name = {c["name"]: c for c in payloads}
    assert by_name["trivia"]["name_localizations"] == {"id": "kuis", "ko": "퀴즈"}
    assert by_name["settings"]["name_localizations"]["ko"] == "설정"
    assert "Kelola Server" in by_name["settings"]["description_localizations"]["id"]
    assert "en-US" not in by_name["trivia"]["name_localizations"]
