"""`fanbot run` and `fanbot sync` as an operator runs them: real processes, real signals."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sqlite3
import sys
from collections.abc import Iterator
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


async def read_stderr_until(process: asyncio.subprocess.Process, text: str) -> list[str]:
    """The process's log lines up to and including the first one containing ``text``."""
    assert process.stderr is not None
    lines: list[str] = []
    async with asyncio.timeout(30):
        while not lines or text not in lines[-1]:
            line = await process.stderr.readline()
            assert line, f"exited before logging {text!r}: {lines}"
            lines.append(line.decode().rstrip("\n"))
    return lines


async def finish(process: asyncio.subprocess.Process) -> str:
    """Wait for the process to exit; all of its stderr not read yet."""
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    return stderr.decode()


@pytest.fixture
def refusing_port() -> Iterator[socket.socket]:
    """A loopback port bound but not listening: every connection to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock


def pointed_at(env: dict[str, str], port: int) -> dict[str, str]:
    return {
        **env,
        "DISCORD_API_BASE_URL": f"http://127.0.0.1:{port}/api/v10",
        "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{port}/gateway",
    }


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
    # logged by discord.py as it starts to log in, after the signal handlers are installed
    await read_stderr_until(process, "logging in using static token")
    process.send_signal(signal.SIGTERM)
    log = await finish(process)
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert emulator.gateway.count("READY") == 0


async def test_a_second_fanbot_run_on_the_same_database_is_refused_and_the_first_keeps_answering(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    env = operator_env(emulator, tmp_path)
    first = await fanbot_process(tmp_path, env, "run")
    await emulator.gateway.wait_for("READY")

    second = await fanbot_process(tmp_path, env, "run")
    log = await finish(second)
    assert second.returncode == 2, log
    lines = log.strip().splitlines()
    assert len(lines) == 1, log
    database = env["FANBOT_DATABASE"]
    assert re.fullmatch(
        rf"fanbot: another bot is running on {re.escape(database)}: pid {first.pid}"
        rf" on {re.escape(socket.gethostname())} since \d{{4}}-\d\d-\d\d \d\d:\d\d UTC",
        lines[0],
    ), lines[0]
    assert emulator.gateway.count("IDENTIFY") == 1  # the second never reached Discord

    reply = await emulator.slash(fans.alice, "/about", in_channel=fans.general)
    assert reply.failed is None
    first.send_signal(signal.SIGTERM)
    log = await finish(first)
    assert first.returncode == 0, log


async def test_the_lock_of_a_bot_killed_with_sigkill_is_taken_over_at_once(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    # An hour's lease: only "its pid is dead on this host" can explain a take-over.
    env = {**operator_env(emulator, tmp_path), "FANBOT_LOCK_LEASE_SECONDS": "3600"}
    killed = await fanbot_process(tmp_path, env, "run")
    await emulator.gateway.wait_for("READY")
    killed.kill()
    await killed.wait()

    process = await fanbot_process(tmp_path, env, "run")
    await emulator.gateway.wait_for("READY", count=2, timeout=20)
    reply = await emulator.slash(fans.alice, "/about", in_channel=fans.general)
    assert reply.failed is None
    process.send_signal(signal.SIGTERM)
    log = await finish(process)
    assert process.returncode == 0, log
    assert "another bot is running" not in log


async def test_fanbot_run_waits_for_an_unreachable_discord_and_stops_cleanly(
    emulator: DiscordEmulator, tmp_path: Path, refusing_port: socket.socket
) -> None:
    port = refusing_port.getsockname()[1]
    env = pointed_at(operator_env(emulator, tmp_path), port)
    process = await fanbot_process(tmp_path, env, "run")
    lines = await read_stderr_until(process, "cannot reach Discord")
    assert re.search(
        rf"WARNING bot: cannot reach Discord at http://127.0.0.1:{port}/api/v10:"
        r" Connection refused; retrying in [1-2] s$",
        lines[-1],
    ), lines[-1]
    process.send_signal(signal.SIGTERM)
    log = await finish(process)
    assert process.returncode == 0, log
    assert "Traceback" not in log and "stopped" in log


async def test_fanbot_run_connects_when_discord_comes_back(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path, refusing_port: socket.socket
) -> None:
    port = refusing_port.getsockname()[1]
    process = await fanbot_process(
        tmp_path, pointed_at(operator_env(emulator, tmp_path), port), "run"
    )
    await read_stderr_until(process, "cannot reach Discord")

    writers: list[asyncio.StreamWriter] = []

    async def forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", emulator.port)
        writers.extend((writer, upstream_writer))

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except ConnectionError:
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    refusing_port.listen()  # the network is back: the same port now leads to Discord
    server = await asyncio.start_server(forward, sock=refusing_port)
    try:
        await emulator.gateway.wait_for("READY", timeout=20)
        reply = await emulator.slash(fans.alice, "/about", in_channel=fans.general)
        assert reply.failed is None
        process.send_signal(signal.SIGTERM)
        log = await finish(process)
        assert process.returncode == 0, log
        assert "Traceback" not in log
    finally:
        server.close()
        for writer in writers:
            writer.close()
        await server.wait_closed()


async def test_a_privileged_intent_not_enabled_in_the_portal_is_one_line_and_exit_2(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    emulator.privileged_intents_enabled = False
    env = {**operator_env(emulator, tmp_path), "FANBOT_MESSAGE_CONTENT": "true"}
    process = await fanbot_process(tmp_path, env, "run")
    log = await finish(process)
    assert process.returncode == 2, log
    assert log.strip().splitlines()[-1] == (
        "fanbot: Discord refused the Message Content intent: enable it in the Developer"
        " Portal → your application → Bot → Privileged Gateway Intents, or set"
        " FANBOT_MESSAGE_CONTENT=false"
    )
    assert "Traceback" not in log


async def test_a_bot_whose_lock_was_taken_over_stops_with_exit_2(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    env = {**operator_env(emulator, tmp_path), "FANBOT_LOCK_LEASE_SECONDS": "3"}
    process = await fanbot_process(tmp_path, env, "run")
    await emulator.gateway.wait_for("READY")
    # What another bot does when this one stalled past its lease: the lease becomes its own.
    with sqlite3.connect(env["FANBOT_DATABASE"]) as connection:
        taken = connection.execute(
            "UPDATE instance_locks SET run_id = 'the-other-bot', pid = 1 WHERE scope = 'bot'"
        )
        assert taken.rowcount == 1
    connection.close()

    log = await finish(process)  # the next heartbeat (1 s) finds the lease gone
    assert process.returncode == 2, log
    assert "another bot took over" in log and "Traceback" not in log
    assert log.strip().splitlines()[-1] == (
        f"fanbot: another bot took over {env['FANBOT_DATABASE']}; this one stopped"
    )
    with sqlite3.connect(env["FANBOT_DATABASE"]) as connection:
        holder = connection.execute("SELECT run_id FROM instance_locks").fetchall()
    connection.close()
    assert holder == [("the-other-bot",)]  # stopping did not release the other's lease
