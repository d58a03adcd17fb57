"""``fanbot add`` from the shell, against a local TVmaze replay."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from tests.tvmaze.replay import TvmazeReplay
from tests.tvmaze.shows import ALCHEMY, alchemy, korean_show, search_answer


@pytest.fixture
async def replay() -> AsyncIterator[TvmazeReplay]:
    server = await TvmazeReplay().start()
    first = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    server.answer(f"/shows/{ALCHEMY}", alchemy([first, first + timedelta(days=7)]))
    server.answer("/search/shows", search_answer(korean_show()))
    yield server
    await server.stop()


async def fanbot_add(tmp_path: Path, replay: TvmazeReplay, *args: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "FANBOT_DATABASE": str(tmp_path / "db.sqlite3"),
        "FANBOT_DATA_DIR": str(tmp_path / "none"),
        "FANBOT_TVMAZE_URL": replay.url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "add",
        *args,
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("query", ["alchemy of souls", f"tvmaze:{ALCHEMY}"])
async def test_fanbot_add_imports_a_show_by_title_or_id(
    tmp_path: Path, replay: TvmazeReplay, query: str
) -> None:
    code, out, err = await fanbot_add(tmp_path, replay, query)
    assert code == 0, err
    assert "alchemy-of-souls: Alchemy of Souls (tvN), 2 episodes" in out
    assert "TVmaze, CC BY-SA" in out
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        assert len(await store.dramas.episodes("alchemy-of-souls")) == 2
    finally:
        await store.close()


async def test_fanbot_add_of_an_unknown_id_says_why_and_exits_1(
    tmp_path: Path, replay: TvmazeReplay
) -> None:
    code, _, err = await fanbot_add(tmp_path, replay, "tvmaze:1")
    assert code == 1 and "TVmaze has no such show; nothing was changed" in err
