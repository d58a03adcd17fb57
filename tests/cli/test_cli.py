"""``fanbot`` as an operator runs it: a real subprocess in a scratch folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import VALID_DRAMA, write_drama

REPO = Path(__file__).resolve().parents[2]


def fanbot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FANBOT_", "DISCORD_"))}
    environment.update({"FANBOT_DATA_DIR": str(REPO / "data" / "dramas"), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_schedule_shows_soundtrack_in_utc_and_wib(tmp_path: Path) -> None:
    result = fanbot(tmp_path, "schedule", "--drama", "soundtrack-1")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert [row[:7] for row in rows] == [
        ["1", "2022-03-23", "07:00", "UTC", "2022-03-23", "14:00", "WIB"],
        ["2", "2022-03-30", "07:00", "UTC", "2022-03-30", "14:00", "WIB"],
        ["3", "2022-04-06", "07:00", "UTC", "2022-04-06", "14:00", "WIB"],
        ["4", "2022-04-13", "07:00", "UTC", "2022-04-13", "14:00", "WIB"],
    ]
    assert (tmp_path / "var" / "fanbot.sqlite3").is_file()


def test_schedule_upcoming_of_a_finished_drama_lists_no_episode(tmp_path: Path) -> None:
    result = fanbot(tmp_path, "schedule", "--upcoming")
    assert result.returncode == 0
    assert "2022-03-23" not in result.stdout


def test_import_prints_counts_and_a_second_import_changes_nothing(tmp_path: Path) -> None:
    path = write_drama(tmp_path / "in")
    first = fanbot(tmp_path, "import", str(path))
    assert first.returncode == 0, first.stderr
    assert "test-drama:" in first.stdout and "0 unchanged" in first.stdout
    second = fanbot(tmp_path, "import", str(path))
    assert "0 added, 0 updated" in second.stdout and "0 removed" in second.stdout


def test_import_of_a_bad_file_names_file_and_line_and_exits_1(tmp_path: Path) -> None:
    path = write_drama(tmp_path, VALID_DRAMA.replace("wed", "someday"))
    result = fanbot(tmp_path, "import", str(path))
    assert result.returncode == 1
    assert f"{path}:10: schedule.weekdays[0]: unknown weekday 'someday'" in result.stderr


def test_check_passes_with_a_token_and_the_shipped_data(tmp_path: Path) -> None:
    result = fanbot(tmp_path, "check", DISCORD_TOKEN="not-a-real-token")
    assert result.returncode == 0, result.stderr
    assert "soundtrack-1.yaml: ok" in result.stdout


def test_check_lists_every_problem(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_drama(data, VALID_DRAMA.replace("Asia/Jakarta", "Mars/Base"))
    result = fanbot(tmp_path, "check", FANBOT_DATA_DIR=str(data))
    assert result.returncode == 1
    assert "DISCORD_TOKEN" in result.stderr
    assert "unknown time zone 'Mars/Base'" in result.stderr


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": "x", "FANBOT_DEV_GUILD": "abc"}, "FANBOT_DEV_GUILD"),
        ({"DISCORD_TOKEN": "x", "FANBOT_LOG_LEVEL": "chatty"}, "FANBOT_LOG_LEVEL"),
    ],
)
def test_run_with_bad_configuration_exits_2_with_one_line(
    tmp_path: Path, env: dict[str, str], variable: str
) -> None:
    result = fanbot(tmp_path, "run", **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0]


def test_run_refuses_a_database_that_is_not_sqlite(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite")
    result = fanbot(tmp_path, "check", DISCORD_TOKEN="x", FANBOT_DATABASE=str(bogus))
    assert result.returncode == 1
    assert "not an SQLite database" in result.stderr
    assert bogus.read_text() == "not sqlite"
