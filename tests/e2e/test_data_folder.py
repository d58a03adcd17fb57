"""Start-up imports the data folder only when it changed since its last clean import.

A restart with the same files costs one digest of their bytes (and never loads the parsers:
``tests/unit/test_lazy_parsers.py``); an edited file, a new one, or a file rejected last time
is read again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.conftest import FanbotRunner, fanbot_settings
from tests.emulator import DiscordEmulator

UNCHANGED = "unchanged since their last import"
IMPORTING = "importing the data files in"


def drama_file(folder: Path, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "quiet.yaml").write_text(
        f"""\
slug: quiet
title: "{title}"
platform: Netflix
schedule:
  timezone: Asia/Seoul
  weekdays: [sat]
  time: "21:00"
  start: 2030-01-05
  episodes: 12
""",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
async def quiet_runner(emulator: DiscordEmulator, tmp_path: Path) -> AsyncIterator[FanbotRunner]:
    """The bot (not started yet) with one drama file of its own."""
    folder = drama_file(tmp_path / "dramas", "Quiet Drama")
    runner = FanbotRunner(emulator, fanbot_settings(emulator, tmp_path, folder))
    yield runner
    await runner.stop()


async def test_a_restart_with_the_same_files_keeps_the_dramas_without_importing_them(
    quiet_runner: FanbotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    first = await quiet_runner.start()
    assert first.catalogue.snapshot.title_of("quiet") == "Quiet Drama"
    assert UNCHANGED not in caplog.text

    caplog.clear()
    again = await quiet_runner.restart()

    assert UNCHANGED in caplog.text
    assert IMPORTING not in caplog.text
    assert again.catalogue.snapshot.title_of("quiet") == "Quiet Drama"


async def test_a_file_edited_while_the_bot_was_stopped_is_imported_at_the_next_start(
    quiet_runner: FanbotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    await quiet_runner.start()
    await quiet_runner.stop()
    drama_file(quiet_runner.settings.data_dir, "Quiet Drama (Director's Cut)")

    caplog.set_level(logging.INFO)
    bot = await quiet_runner.start()

    assert IMPORTING in caplog.text
    assert bot.catalogue.snapshot.title_of("quiet") == "Quiet Drama (Director's Cut)"


async def test_a_rejected_file_is_reported_again_at_every_start_until_it_is_fixed(
    quiet_runner: FanbotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    broken = quiet_runner.settings.data_dir / "broken.yaml"
    broken.write_text("slug: broken\ntitle: [not, a, title]\n", encoding="utf-8")
    caplog.set_level(logging.INFO)
    await quiet_runner.start()
    assert "data file rejected" in caplog.text

    caplog.clear()
    bot = await quiet_runner.restart()

    assert "data file rejected" in caplog.text  # not hidden behind "unchanged"
    assert bot.catalogue.snapshot.title_of("quiet") == "Quiet Drama"  # the good file is still there
