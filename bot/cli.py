"""``fanbot``: run | import | check | schedule | sync.

Exit status: 0 all well, 1 a problem with data or Discord, 2 a configuration or database
problem the operator must fix first (one line naming it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import discord

from bot.client import FanBot
from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.data.importer import describe_result, import_files, validate_files
from bot.discord_urls import point_discord_at
from bot.domain.models import DramaFile
from bot.domain.schedule import episode_status, format_local
from bot.store import Store, StoreError

log = logging.getLogger("bot")

EXIT_OK, EXIT_PROBLEMS, EXIT_SETUP = 0, 1, 2


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
        if command == "import":
            return asyncio.run(import_command(settings, arguments.paths))
        if command == "check":
            return asyncio.run(check_command(settings))
        return asyncio.run(schedule_command(settings, arguments.drama, arguments.upcoming))
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
            runner = asyncio.create_task(bot.start(token))
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
    except discord.LoginFailure:
        print("fanbot: Discord refused DISCORD_TOKEN (login failed)", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        restore_urls()
    log.info("stopped")
    return EXIT_OK


async def import_command(settings: Settings, paths: Sequence[Path]) -> int:
    store = await Store.open(settings.database_path)
    try:
        outcomes = await import_files(store.dramas, paths)
    finally:
        await store.close()
    if not outcomes:
        print("no drama files found", file=sys.stderr)
        return EXIT_PROBLEMS
    for outcome in outcomes:
        if outcome.result is not None:
            print(f"{outcome.path}: {outcome.result.slug}: {describe_result(outcome.result)}")
        else:
            print(f"rejected {outcome.error}", file=sys.stderr)
    return EXIT_PROBLEMS if any(o.error for o in outcomes) else EXIT_OK


async def check_command(settings: Settings) -> int:
    """Report every problem at once; touch nothing but the schema migration."""
    problems: list[str] = []
    if not settings.token:
        problems.append("DISCORD_TOKEN: not set (needed by fanbot run)")
    try:
        store = await Store.open(settings.database_path)
    except StoreError as error:
        problems.append(f"FANBOT_DATABASE: {error}")
    else:
        version = await store.database.schema_version()
        await store.close()
        print(f"database {settings.database_path}: ok (schema version {version})")
    if not settings.data_dir.is_dir():
        problems.append(f"FANBOT_DATA_DIR: {settings.data_dir} is not a folder")
    for path, loaded in validate_files([settings.data_dir]):
        if isinstance(loaded, DramaFile):
            print(
                f"{path}: ok ({loaded.drama.title}, {loaded.drama.schedule.episode_count}"
                f" episodes, {len(loaded.facts)} facts, {len(loaded.trivia)} trivia)"
            )
        else:
            problems.append(str(loaded))
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return EXIT_PROBLEMS if problems else EXIT_OK


async def schedule_command(settings: Settings, slug: str | None, upcoming: bool) -> int:
    store = await Store.open(settings.database_path)
    try:
        await import_files(store.dramas, [settings.data_dir])
        dramas = [d for d in await store.dramas.dramas() if slug is None or d.slug == slug]
        if not dramas:
            print(
                f"no drama {slug!r} in the store" if slug else "no dramas in the store",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        now_at = discord.utils.utcnow()
        for drama in dramas:
            print(f"{drama.title} ({drama.slug}), {drama.platform}, {drama.schedule.timezone}")
            print(f"  {'ep':>3}  {'UTC':<20} {'local':<22} status")
            for episode in await store.dramas.episodes(drama.slug):
                status = episode_status(episode, now_at)
                if upcoming and episode.airs_at <= now_at:
                    continue
                utc_text = f"{episode.airs_at:%Y-%m-%d %H:%M} UTC"
                local_text = format_local(episode.airs_at, drama.schedule.timezone)
                print(f"  {episode.number:>3}  {utc_text:<20} {local_text:<22} {status.value}")
    finally:
        with contextlib.suppress(Exception):
            await store.close()
    return EXIT_OK
