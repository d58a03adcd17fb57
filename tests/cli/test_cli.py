"""``fanbot`` as an operator runs it: a real subprocess in a scratch folder."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store.migrations import all_migrations
from tests.builders import VALID_DRAMA, write_drama
from tests.store.test_database import a_real_database_with_rows, damage

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
    assert not (tmp_path / "var").exists()  # read from the data files: no database written


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


@pytest.fixture
def nowhere() -> Iterator[dict[str, str]]:
    """Discord URLs on a loopback port that refuses connections: nothing leaves the machine."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        port = closed.getsockname()[1]
        yield {
            "DISCORD_TOKEN": "x",
            "DISCORD_API_BASE_URL": f"http://127.0.0.1:{port}/api/v10",
            "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{port}/gateway",
        }


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_check_reports_a_database_that_is_not_sqlite_and_leaves_it_alone(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite")
    result = fanbot(tmp_path, "check", DISCORD_TOKEN="x", FANBOT_DATABASE=str(bogus))
    assert result.returncode == 2
    assert "not an SQLite database" in result.stderr
    assert "soundtrack-1.yaml: ok" in result.stdout  # every other check still ran
    assert bogus.read_text() == "not sqlite"


def test_run_refuses_a_database_that_is_not_sqlite_with_exit_2(
    tmp_path: Path, nowhere: dict[str, str]
) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite")
    result = fanbot(tmp_path, "run", FANBOT_DATABASE=str(bogus), **nowhere)
    assert result.returncode == 2
    assert one_line(result) == (
        f"fanbot: database error: {bogus} is not an SQLite database; refusing to touch it"
    )
    assert bogus.read_text() == "not sqlite"


def test_run_refuses_a_database_from_a_newer_bot_with_exit_2(
    tmp_path: Path, nowhere: dict[str, str]
) -> None:
    future = tmp_path / "future.sqlite3"
    latest = all_migrations()[-1].version
    with sqlite3.connect(future) as connection:
        connection.execute(f"PRAGMA user_version = {latest + 1}")
    connection.close()
    before = future.read_bytes()
    result = fanbot(tmp_path, "run", FANBOT_DATABASE=str(future), **nowhere)
    assert result.returncode == 2
    line = one_line(result)
    assert line.startswith(f"fanbot: database error: {future} has schema version {latest + 1}")
    assert "upgrade the bot" in line
    assert future.read_bytes() == before


@pytest.mark.parametrize("command", ["run", "check", "import"])
def test_a_damaged_database_exits_2_with_one_line_naming_the_file(
    tmp_path: Path, nowhere: dict[str, str], command: str
) -> None:
    path = tmp_path / "fanbot.sqlite3"
    damage(path, asyncio.run(a_real_database_with_rows(path)))
    before = path.read_bytes()
    args = [command, str(REPO / "data" / "dramas")] if command == "import" else [command]
    result = fanbot(tmp_path, *args, FANBOT_DATABASE=str(path), **nowhere)
    assert result.returncode == 2, result.stderr
    problem = [line for line in result.stderr.splitlines() if "damaged" in line]
    assert len(problem) == 1 and f"{path} is damaged (PRAGMA quick_check: " in problem[0]
    assert "Traceback" not in result.stderr
    if command != "check":
        assert one_line(result) == problem[0]
    assert path.read_bytes() == before


def test_check_neither_migrates_nor_writes_the_database(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        for migration in all_migrations()[:2]:
            connection.executescript(migration.sql)
        connection.execute("PRAGMA user_version = 2")
    connection.close()
    before = path.read_bytes()
    result = fanbot(tmp_path, "check", DISCORD_TOKEN="x", FANBOT_DATABASE=str(path))
    assert result.returncode == 0, result.stderr
    assert f"database {path}: ok (schema version 2; fanbot run migrates it to" in result.stdout
    assert path.read_bytes() == before
    missing = tmp_path / "none" / "fanbot.sqlite3"
    result = fanbot(tmp_path, "check", DISCORD_TOKEN="x", FANBOT_DATABASE=str(missing))
    assert result.returncode == 0, result.stderr
    assert not missing.parent.exists()
