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
from bot.data.importer import describe_result, import_files, overlays_in, validate_files
from bot.discord_urls import point_discord_at
from bot.domain.clock import SystemClock
from bot.domain.models import DramaFile
from bot.domain.schedule import build_episodes, episode_status, format_local
from bot.sources.following import SourceFollower
from bot.sources.tvmaze import TvmazeClient, TvmazeError
from bot.store import LockRefused, Store, StoreError
from bot.store.migrations import all_migrations

log = logging.getLogger("bot")

EXIT_OK, EXIT_PROBLEMS, EXIT_SETUP = 0, 1, 2

PRIVILEGED_INTENT_REFUSED = (
    "Discord refused the Message Content intent: enable it in the Developer Portal → your"
    " application → Bot → Privileged Gateway Intents, or set FANBOT_MESSAGE_CONTENT=false"
)
# Failures that mean "Discord is not reachable (yet)": waited out, never fatal at start.
UNREACHABLE = (aiohttp.ClientConnectionError, OSError, TimeoutError, discord.DiscordServerError)
LOCK_SCHEMA_VERSION = 7  # migrations/0007_instance_lock.sql
OWNERS_VERSION = 6  # migrations/0006_fact_owners.sql
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
        if command == "import":
            return asyncio.run(import_command(settings, arguments.paths))
        if command == "check":
            return asyncio.run(check_command(settings))
        if command == "add":
            return asyncio.run(add_command(settings, arguments.show))
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


async def add_command(settings: Settings, show: str) -> int:
    """``fanbot add QUERY`` / ``fanbot add tvmaze:ID``: import one TVmaze show into the
    database (a running bot picks it up within 5 minutes, with its announcement jobs)."""
    store = await Store.open(settings.database_path)
    client = TvmazeClient(settings.tvmaze_url)
    follower = SourceFollower(
        store.dramas, client, SystemClock(), lambda: overlays_in(settings.data_dir)
    )
    try:
        text = show.strip().removeprefix("tvmaze:")
        show_id = int(text) if text.isdecimal() else None
        if show_id is None:
            hits = await follower.search(show)
            if not hits:
                print(f"fanbot: TVmaze knows no show called {show!r}", file=sys.stderr)
                return EXIT_PROBLEMS
            show_id = hits[0].show_id
            print(f"found {hits[0].label} (tvmaze:{show_id})")
        imported = await follower.add(show_id)
    except TvmazeError as error:
        print(
            f"fanbot: could not add {show!r}: {error.reason}; nothing was changed", file=sys.stderr
        )
        return EXIT_PROBLEMS
    finally:
        await client.close()
        await store.close()
    drama = imported.drama_file.drama
    print(
        f"{drama.slug}: {drama.title} ({drama.platform}), {len(imported.episodes)} episodes,"
        f" {describe_result(imported.result)}; data: {drama.source_url} (TVmaze, CC BY-SA)"
    )
    return EXIT_OK


async def check_command(settings: Settings) -> int:
    """Report every problem at once; write nothing (the database is opened read-only)."""
    problems: list[str] = []
    database_unusable = False
    if not settings.token:
        problems.append("DISCORD_TOKEN: not set (needed by fanbot run)")
    if settings.database_path.exists() or settings.database_path.is_symlink():
        try:
            store = await Store.open(settings.database_path, read_only=True)
        except StoreError as error:
            problems.append(f"FANBOT_DATABASE: {error}")
            database_unusable = True
        else:
            try:
                version = await store.database.schema_version()
                holder = await store.lock.holder() if version >= LOCK_SCHEMA_VERSION else None
                unowned = await store.facts.unowned_count() if version >= OWNERS_VERSION else 0
            finally:
                await store.close()
            latest = all_migrations()[-1].version
            later = f"; fanbot run migrates it to {latest}" if version < latest else ""
            print(f"database {settings.database_path}: ok (schema version {version}{later})")
            if holder is not None:
                print(f"database {settings.database_path}: locked by {holder.describe()}")
            if unowned:
                print(
                    f"database {settings.database_path}: {unowned} community facts from before"
                    " facts had owners are seen by no server (see README, Community facts)"
                )
    else:
        print(f"database {settings.database_path}: not created yet (fanbot run creates it)")
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
    if database_unusable:  # `fanbot run` would exit 2 on it too
        return EXIT_SETUP
    return EXIT_PROBLEMS if problems else EXIT_OK


async def schedule_command(settings: Settings, slug: str | None, upcoming: bool) -> int:
    """The episode table of the data files (what every start imports); the database is
    neither opened nor written."""
    files: list[DramaFile] = []
    for _path, loaded in validate_files([settings.data_dir]):
        if isinstance(loaded, DramaFile):
            files.append(loaded)
        else:
            print(f"skipped {loaded}", file=sys.stderr)
    files = sorted(
        (f for f in files if slug is None or f.drama.slug == slug), key=lambda f: f.drama.title
    )
    if not files:
        print(
            f"no drama {slug!r} in {settings.data_dir}"
            if slug
            else f"no dramas in {settings.data_dir}",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    now_at = discord.utils.utcnow()
    for drama_file in files:
        drama = drama_file.drama
        print(f"{drama.title} ({drama.slug}), {drama.platform}, {drama.schedule.timezone}")
        print(f"  {'ep':>3}  {'UTC':<20} {'local':<22} status")
        for episode in build_episodes(drama.slug, drama.schedule, drama_file.episode_overrides):
            status = episode_status(episode, now_at)
            if upcoming and episode.airs_at <= now_at:
                continue
            utc_text = f"{episode.airs_at:%Y-%m-%d %H:%M} UTC"
            local_text = format_local(episode.airs_at, drama.schedule.timezone)
            print(f"  {episode.number:>3}  {utc_text:<20} {local_text:<22} {status.value}")
    return EXIT_OK
