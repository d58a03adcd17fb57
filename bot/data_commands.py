"""``fanbot import | add | check | schedule``: the commands that read drama files or TVmaze.

Apart from ``bot.cli`` so that ``fanbot run`` does not load the parsers (YAML, pydantic and
the TVmaze mapping) unless its data changed; see ``bot.sources.supply``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import discord

from bot.config import Settings
from bot.data.importer import describe_result, import_files, overlays_in, validate_files
from bot.domain.clock import SystemClock
from bot.domain.models import DramaFile
from bot.domain.schedule import build_episodes, episode_status, format_local
from bot.exit_status import EXIT_OK, EXIT_PROBLEMS, EXIT_SETUP
from bot.sources.following import SourceFollower
from bot.sources.tvmaze import TvmazeClient, TvmazeError
from bot.store import Store, StoreError
from bot.store.migrations import all_migrations

LOCK_SCHEMA_VERSION = 7  # migrations/0007_instance_lock.sql
OWNERS_VERSION = 6  # migrations/0006_fact_owners.sql


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
    """The episode table of the data files (what a start imports when they changed); the
    database is neither opened nor written."""
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
