"""`fanbot run` and `fanbot sync` as an operator runs them: real processes, real signals."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import SHIPPED_DATA, Fans
from tests.emulator import DiscordEmulator


def operator_env(emulator: DiscordEmulator, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FANBOT_", "DISCORD_"))}
    env.update(
        DISCORD_TOKEN=emulator.token,
        FANBOT_DATABASE=str(folder / "fanbot.sqlite3"),
        FANBOT_DATA_DIR=str(SHIPPED_DATA),
        DISCORD_API_BASE_URL=emulator.api_base_url,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
    )
    return env


async def fanbot_process(
    folder: Path, env: dict[str, str], *args: str
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_fanbot_sync_forces_a_sync_each_time(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    env = operator_env(emulator, tmp_path)
    for expected_puts in (1, 2):
        process = await fanbot_process(tmp_path, env, "sync")
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
        assert emulator.command_puts == expected_puts


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_fanbot_run_stops_cleanly_on_a_signal(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path, signum: signal.Signals
) -> None:
    process = await fanbot_process(tmp_path, operator_env(emulator, tmp_path), "run")
    await emulator.gateway.wait_for("READY")
    reply = await emulator.slash(fans.alice, "/about", in_channel=fans.general)
    assert reply.failed is None

    process.send_signal(signum)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)

    log = stderr.decode()
    assert process.returncode == 0, log
    assert "stop signal received" in log and "stopped" in log
    assert "Traceback" not in log
    assert "DISCORD_TOKEN" not in log and emulator.token not in log


async def test_fanbot_run_stopped_while_starting_up_exits_cleanly(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    emulator.delay_responses(0.5)  # a slow Discord: the signal lands during start-up
    process = await fanbot_process(tmp_path, operator_env(emulator, tmp_path), "run")
    await asyncio.sleep(1.5)
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)

    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert emulator.gateway.count("READY") == 0
