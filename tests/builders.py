"""Builders for test data: a valid drama file, changed one field at a time."""

from __future__ import annotations

import textwrap
from pathlib import Path

VALID_DRAMA = """\
slug: test-drama
title: "Test Drama"
aliases: ["TD", "테스트"]
country: KR
platform: Disney+
genres: [romance]
synopsis: Two friends write a song.
schedule:
  timezone: Asia/Jakarta
  weekdays: [wed]
  time: "14:00"
  start: 2022-03-23
  episodes: 4
episodes:
  - number: 3
    airs_at: 2022-04-07T20:00:00+07:00
    title: The moved one
people:
  - id: lead-actor
    name: Lead Actor
    aliases: [Lead]
    born: 1990-05-01
    known_for: [Another Show]
  - id: the-director
    name: The Director
credits:
  - person: lead-actor
    role: lead
    character: Main Character
    character_aliases: [Main]
    description: The one in the middle.
  - person: the-director
    role: director
facts:
  - text: The drama has four episodes.
    topic: schedule
    source: Test
  - text: The lead actor likes songs.
    topic: cast
trivia:
  - question: How many episodes?
    answer: "4"
    accept: [four]
    wrong: ["2", "6", "8"]
"""


def drama_yaml(**replacements: str) -> str:
    """The valid file with ``old=new`` text replacements (keys use __ for spaces)."""
    text = VALID_DRAMA
    for old, new in replacements.items():
        old_text = old.replace("__", " ")
        assert old_text in text, old_text
        text = text.replace(old_text, new)
    return text


def write_drama(folder: Path, text: str = VALID_DRAMA, name: str = "test-drama.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
