"""``fanbot``: run | import | check | schedule | sync.

Exit status: 0 all well (or stopped by SIGTERM/SIGINT), 1 a problem with data or Discord
(a rejected token, a rejected data file), 2 a problem the operator must fix first, in one
line naming it: configuration, a damaged or too new database, another bot already running
on the database, a privileged intent not enabled in the Developer Portal.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import os
import random
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import discord

from bot.client import FanBot
from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.discord_urls import point_discord_at
from bot.exit_status import EXIT_OK, EXIT_PROBLEMS, EXIT_SETUP
from bot.store import LockRefused, StoreError

log = logging.getLogger("bot")

PRIVILEGED_INTENT_REFUSED = (
    "Discord refused the Message Content intent: enable it in the Developer Portal → your"
    " application → Bot → Privileged Gateway Intents, or set FANBOT_MESSAGE_CONTENT=false"
)
# Failures that mean "Discord is not reachable (yet)": waited out, never fatal at start.
UNREACHABLE = (aiohttp.ClientConnectionError, OSError, TimeoutError, discord.DiscordServerError)
FIRST_RETRY_SECONDS = 2.0
MAX_RETRY_SECONDS = 300.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fanbot", description="Drama Fanbot for Discord.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start the bot (the default)")
    importer = commands.add_parser("import", help="validate and import drama files")
    importer.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    commands.add_parser("check", help="check configuration, database and data files")
    schedule = commands.add_parser("schedule", help="print the episode table")
    schedule.add_argument("--drama", metavar="SLUG", help="only this drama")
    schedule.add_argument("--upcoming", action="store_true", help="only episodes not aired yet")
    commands.add_parser("sync", help="sync slash commands with Discord now")
    adder = commands.add_parser("add", help="follow a drama from TVmaze")
    adder.add_argument("show", metavar="QUERY", help="a title, or tvmaze:ID")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    command = arguments.command or "run"
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        if command == "run":
            return asyncio.run(run_bot(settings))
        if command == "sync":
            return asyncio.run(run_bot(settings, sync_only=True))
        from bot import data_commands  # the parsers: not loaded by `fanbot run`

        if command == "import":
            return asyncio.run(data_commands.import_command(settings, arguments.paths))
        if command == "check":
            return asyncio.run(data_commands.check_command(settings))
        if command == "add":
            return asyncio.run(data_commands.add_command(settings, arguments.show))
        return asyncio.run(
            data_commands.schedule_command(settings, arguments.drama, arguments.upcoming)
        )
    except ConfigError as error:
        print(f"fanbot: configuration error: {error}", file=sys.stderr)
        return EXIT_SETUP
    except StoreError as error:
        print(f"fanbot: database error: {error}", file=sys.stderr)
        return EXIT_SETUP


async def run_bot(settings: Settings, *, sync_only: bool = False) -> int:
    """Run until SIGTERM/SIGINT (or just sync, for ``fanbot sync``), then close cleanly."""
    token = settings.require_token()
    restore_urls = point_discord_at(settings.api_base_url, settings.gateway_url)
    bot = FanBot(settings, sync_only=sync_only)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with bot:
            if sync_only:
                await bot.login(token)
                return EXIT_OK
            runner = asyncio.create_task(_log_in_and_connect(bot, token))
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set():
                log.info("stop signal received; closing the gateway, scheduler and database")
                if not bot.is_ready():  # still starting up: stop setup_hook where it is
                    runner.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await runner
                await bot.close()
            stopper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
            if bot.lost_lock:
                await bot.wait_closed()
                print(
                    f"fanbot: another bot took over {settings.database_path}; this one stopped",
                    file=sys.stderr,
                )
                return EXIT_SETUP
    except discord.LoginFailure:
        print("fanbot: Discord refused DISCORD_TOKEN (login failed)", file=sys.stderr)
        return EXIT_PROBLEMS
    except discord.PrivilegedIntentsRequired:
        print(f"fanbot: {PRIVILEGED_INTENT_REFUSED}", file=sys.stderr)
        return EXIT_SETUP
    except LockRefused as refused:
        print(f"fanbot: {refused}", file=sys.stderr)
        return EXIT_SETUP
    except (StoreError, ConfigError):
        raise  # one line each, from main()
    except Exception as error:  # a bug, or Discord failing in a way not handled above
        log.debug("the bot stopped on an unexpected error", exc_info=error)
        print(
            f"fanbot: stopped by an unexpected error: {type(error).__name__}: {error}"
            " (FANBOT_LOG_LEVEL=DEBUG logs the traceback)",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        restore_urls()
    log.info("stopped")
    return EXIT_OK


async def _log_in_and_connect(bot: FanBot, token: str) -> None:
    """``bot.start``, waiting out an unreachable Discord (systemd starts bots before the
    network): one log line per failed attempt, then exponential backoff with jitter."""
    for attempt in itertools.count():
        try:
            await bot.login(token)
            break
        except UNREACHABLE as error:
            if bot.application is not None:  # it failed later, in setup_hook: not ours
                raise
            delay = retry_delay(attempt)
            log.warning(
                "cannot reach Discord at %s: %s; retrying in %.0f s",
                discord.http.Route.BASE,
                unreachable_reason(error),
                delay,
            )
            await bot.http.close()  # a fresh HTTP session (and connector) for the next try
            bot.http.connector = discord.utils.MISSING
            await asyncio.sleep(delay)
    await bot.connect()


def retry_delay(attempt: int) -> float:
    """Seconds before retry ``attempt`` (0-based): doubling from 2 s, capped at 5 minutes,
    with jitter (a random half to all of it) so bots restarted together spread out."""
    ceiling = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2.0 ** min(attempt, 16))
    return random.uniform(ceiling / 2, ceiling)


def unreachable_reason(error: BaseException) -> str:
    if isinstance(error, discord.DiscordServerError):
        return f"Discord answered {error.status} {error.response.reason}"
    if isinstance(error, TimeoutError):
        return "timed out"
    cause = getattr(error, "os_error", error)
    if isinstance(cause, socket.gaierror):
        return f"cannot resolve the host ({cause.strerror})"
    if isinstance(cause, OSError) and cause.errno:
        return os.strerror(cause.errno)
    return str(error) or type(error).__name__
