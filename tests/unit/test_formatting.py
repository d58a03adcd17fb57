"""Embeds always fit Discord's limits, however long the data is."""

from __future__ import annotations

import discord

from bot.domain.text import EMBED_TOTAL_LIMIT
from bot.i18n import Catalogues
from bot.ui.about import format_duration
from bot.ui.formatting import fit_embed, human_list, permission_labels


def test_an_overfull_embed_is_shortened_to_discords_total() -> None:
    embed = discord.Embed(title="Card", description="word " * 900)
    for i in range(25):
        embed.add_field(name=f"Field {i}", value="x" * 1024)
    fitted = fit_embed(embed)
    assert len(fitted) <= EMBED_TOTAL_LIMIT
    assert fitted.title == "Card" and fitted.fields[0].name == "Field 0"


def test_an_embed_that_fits_is_left_alone() -> None:
    embed = discord.Embed(title="Small", description="Short.")
    assert fit_embed(embed).description == "Short."


def test_lists_and_permission_names_read_naturally() -> None:
    assert human_list(["a", "b", "c"], "or") == "a, b or c"
    assert permission_labels(["send_messages", "manage_guild"]) == [
        "Send Messages",
        "Manage Server",
    ]


def test_durations_read_in_the_two_largest_useful_units() -> None:
    english = Catalogues({}).english()
    assert format_duration(english, 0) == "0m 0s"
    assert format_duration(english, 59.9) == "0m 59s"
    assert format_duration(english, 61) == "1m 1s"
    assert format_duration(english, 3 * 3600 + 5 * 60 + 7) == "3h 5m"
    assert format_duration(english, 2 * 86400 + 4 * 3600 + 5 * 60 + 7) == "2d 4h 5m"
    assert format_duration(english, -5) == "0m 0s"  # a clock step never shows a negative uptime


def test_durations_in_indonesian_and_korean() -> None:
    catalogues = Catalogues.load()
    assert format_duration(catalogues.language("id"), 3 * 3600 + 5 * 60) == "3 jam 5 menit"
    assert format_duration(catalogues.language("ko"), 5 * 60 + 6) == "5분 6초"
