"""FanBot: the discord.py client as ``fanbot run`` builds it (and as the tests do).

``setup_hook`` opens the store, imports the data folder, loads the cogs and syncs the
command tree only when its definitions changed since the last sync, so restarts do not
spend Discord's daily command-create limit.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import time
from collections.abc import Coroutine
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.announcer import DRAIN_SECONDS, Announcer
from bot.catalogue import Catalogue
from bot.command_tree import answer_command_error, sync_command_tree
from bot.config import Settings
from bot.discord_pacing import Lane, pace_requests
from bot.domain.clock import Clock, SystemClock
from bot.i18n import Catalogues, Language
from bot.i18n.commands import CatalogueTranslator
from bot.i18n.servers import ServerLanguages
from bot.messenger import NETWORK_ERRORS, DiscordMessenger
from bot.metrics import BotMetrics, measure_interactions
from bot.scheduling import AiringScheduler
from bot.sharding import IdentifyPacer
from bot.sources.reports import Imported, RefreshReport
from bot.sources.supply import DramaSupply, refresh_forever
from bot.sources.tvmaze import TvmazeClient
from bot.store import Store, StoreError
from bot.store.instance_lock import keep_lease
from bot.trivia_sessions import TriviaSessions
from bot.ui.pager import PageButton, PagerRegistry

if TYPE_CHECKING:
    from bot.data.importer import FileOutcome

log = logging.getLogger(__name__)

COG_EXTENSIONS = (
    "bot.cogs.about",
    "bot.cogs.dramas",
    "bot.cogs.facts",
    "bot.cogs.cast",
    "bot.cogs.episodes",
    "bot.cogs.announce",
    "bot.cogs.remind",
    "bot.cogs.trivia",
    "bot.cogs.settings",
)


def bot_intents(settings: Settings) -> discord.Intents:
    """Guild events only; message content only when the operator enabled it."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.message_content = settings.message_content_intent
    intents.guild_messages = settings.message_content_intent
    return intents


class FanBot(commands.AutoShardedBot):
    """The bot process: store, cogs, command sync, clean shutdown; every shard in one process
    (``FANBOT_SHARDS``, else Discord's recommended count)."""

    def __init__(self, settings: Settings, *, sync_only: bool = False, **options: Any) -> None:
        if settings.shards is not None:
            options.setdefault("shard_count", settings.shards)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(settings),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.sync_only = sync_only
        self.started_monotonic = time.monotonic()
        self._store: Store | None = None
        self._catalogue: Catalogue | None = None
        self._airing: AiringScheduler | None = None
        self._background: set[asyncio.Task[None]] = set()
        self.lost_lock = False  # another bot took the database's lock over: we stopped
        self._stopping: asyncio.Task[None] | None = None
        self.pagers = PagerRegistry()
        self.clock: Clock = SystemClock()
        self._announcer: Announcer | None = None
        self._trivia: TriviaSessions | None = None
        self.tvmaze = TvmazeClient(settings.tvmaze_url)
        self._supply: DramaSupply | None = None
        self.catalogues = Catalogues.load()
        self._languages: ServerLanguages | None = None
        self.tree.error(self.on_app_command_error)
        self.pacer = pace_requests(self)
        self.metrics = BotMetrics()
        for lane in Lane:
            self.metrics.watch_lane(lane.value, functools.partial(self.pacer.waiting, lane))
        self.metrics_port: int | None = None  # where /metrics is served, once it is
        # Tests against the emulator shorten its window (Discord's is 5 s).
        self.identify_pacer = IdentifyPacer()

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is opened in setup_hook")
        return self._store

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            raise RuntimeError("the catalogue is loaded in setup_hook")
        return self._catalogue

    @property
    def languages(self) -> ServerLanguages:
        if self._languages is None:
            raise RuntimeError("the languages are set up in setup_hook")
        return self._languages

    async def reader_language(self, interaction: discord.Interaction) -> Language:
        """The language of an answer to ``interaction``: the fan's own."""
        return await self.languages.for_reader(interaction.locale.value, interaction.guild_id)

    async def server_language(self, interaction: discord.Interaction) -> Language:
        """The language of a post in ``interaction``'s server that everyone reads."""
        preferred = interaction.guild_locale.value if interaction.guild_locale else None
        return await self.languages.for_server(interaction.guild_id, preferred)

    def _preferred_locale(self, guild_id: int) -> str | None:
        guild = self.get_guild(guild_id)
        return None if guild is None else guild.preferred_locale.value

    @property
    def announcer(self) -> Announcer:
        if self._announcer is None:
            raise RuntimeError("the announcer is built in setup_hook")
        return self._announcer

    @property
    def trivia(self) -> TriviaSessions:
        if self._trivia is None:
            raise RuntimeError("the trivia sessions are built in setup_hook")
        return self._trivia

    @property
    def supply(self) -> DramaSupply:
        if self._supply is None:
            raise RuntimeError("the drama supply is built in setup_hook")
        return self._supply

    @property
    def airing(self) -> AiringScheduler:
        if self._airing is None:
            raise RuntimeError("the scheduler is started in setup_hook")
        return self._airing

    async def login(self, token: str) -> None:
        """Open the store and take its lock before contacting Discord: a second bot on the
        database, or a damaged file, fails at once, network or not."""
        await self._open_store()
        await super().login(token)

    async def _open_store(self) -> Store:
        if self._store is None:
            path, lease = self.settings.database_path, self.settings.lock_lease
            self._store = await Store.open(path, lock_lease=lease)
            if not self.sync_only:  # `fanbot sync` may run beside the bot
                try:
                    await self._store.lock.acquire(self.clock.now())
                except sqlite3.OperationalError as error:  # e.g. a long `fanbot import`
                    raise StoreError(
                        f"{path} is busy ({error}): another program is writing to it;"
                        " start the bot again when it is done"
                    ) from error
                self.run_in_background(
                    keep_lease(self._store.lock, lease / 3, self.clock, self._lost_lock)
                )
        return self._store

    def _lost_lock(self) -> None:
        """Another bot took the database's lock over (this one stalled past its lease)."""
        log.error(
            "another bot took over %s (this one stalled past its %d s lease); stopping",
            self.settings.database_path,
            self.settings.lock_lease.total_seconds(),
        )
        self.lost_lock = True
        self._stopping = asyncio.create_task(self.close())  # close cancels the renewals

    async def wait_closed(self) -> None:
        """Wait for a close the bot started itself (after losing its lock) to finish."""
        if self._stopping is not None:
            await self._stopping

    async def launch_shards(self) -> None:
        """Ask Discord how many shards (unless configured) and how many may identify at once,
        then launch them on the configured gateway."""
        recommended, _, limits = await self.http.get_bot_gateway()
        self.identify_pacer.max_concurrency = max(1, int(limits.get("max_concurrency", 1)))
        if self.shard_count is None:
            self.shard_count = recommended
        log.info(
            "connecting %d shard(s), %d identifying at a time",
            self.shard_count,
            self.identify_pacer.max_concurrency,
        )
        await super().launch_shards()

    async def connect(self, *, reconnect: bool = True) -> None:
        """Connect every shard; interaction responses made from here on are counted."""
        measure_interactions(self.metrics)
        await super().connect(reconnect=reconnect)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait for this shard's identify bucket (first identifies and re-identifies alike)."""
        await self.identify_pacer.wait_turn(shard_id)

    async def setup_hook(self) -> None:
        self._store = await self._open_store()
        self._catalogue = Catalogue(self._store)
        await self._store.guilds.load_all()
        self._languages = ServerLanguages(
            self.catalogues, self._store.guilds, self._preferred_locale
        )
        await self.tree.set_translator(CatalogueTranslator(self.catalogues))
        self._announcer = Announcer(
            self._store.announcements,
            self._catalogue,
            DiscordMessenger(self),
            self.clock,
            catchup_window=timedelta(minutes=self.settings.catchup_minutes),
            metrics=self.metrics,
            languages=self._languages,
        )
        self._supply = DramaSupply(
            self._store.dramas,
            self._store.bot_state,
            self.tvmaze,
            self.clock,
            self.settings.data_dir,
            await self._store.database.schema_version(),
        )
        folder_import = await self._supply.import_folder_if_changed()
        await self._catalogue.refresh()
        self._trivia = TriviaSessions(
            trivia=self._store.trivia,
            dramas=self._store.dramas,
            facts=self._store.facts,
            catalogue=self._catalogue,
            messenger=self,
            clock=self.clock,
            languages=self._languages,
        )
        self.add_dynamic_items(PageButton, self._trivia.answer_button)
        for extension in COG_EXTENSIONS:
            await self.load_extension(extension)
        if self.sync_only:
            await self.sync_commands(force=True)
            return
        try:
            await self.sync_commands()
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            # The commands Discord already has keep working; the next start syncs again.
            log.warning("could not sync slash commands (%s); the next start tries again", error)
        port = self.settings.metrics_port
        if port is not None:
            self.metrics_port = self.metrics.serve(port, self.settings.metrics_host)
        self.run_in_background(self.metrics.watch_loop(report=port is None))
        catchup = timedelta(minutes=self.settings.catchup_minutes)
        self._airing = AiringScheduler(
            self._store, self._catalogue, self.announcer, catchup, self.clock
        )
        self._airing.start()
        await self._airing.replan()
        self.run_in_background(self.announcer.catch_up(at_start=True))
        self.run_in_background(refresh_forever(self.refresh_sources, self.settings.refresh_every))
        if folder_import is not None:  # a data file over a TVmaze drama may have changed
            settling = self.supply.settle_folder(folder_import, self.refresh_source)
            if await self.store.dramas.sourced():  # TVmaze calls: in the background
                self.run_in_background(settling)
            else:
                await settling
        interrupted = await self.trivia.running_in_store()
        if interrupted:
            self.run_in_background(self.trivia.settle_interrupted(interrupted))

    def run_in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """A task the bot owns: logged if it fails, cancelled on close."""
        task = asyncio.create_task(work)
        self._background.add(task)

        def finished(done: asyncio.Task[None]) -> None:
            self._background.discard(done)
            if not done.cancelled() and done.exception() is not None:
                log.error("background task failed", exc_info=done.exception())

        task.add_done_callback(finished)

    async def import_data(self, paths: list[Path]) -> list[FileOutcome]:
        """Import drama files, then refresh everything planned from them."""
        outcomes = await self.supply.import_files(paths)
        await self.catalogue.refresh()
        if self._airing is not None:
            await self._airing.replan()
            # An episode moved to an instant already past is owed now, not never.
            self.run_in_background(self.announcer.catch_up(at_start=False))
        return outcomes

    async def add_from_source(self, show_id: int) -> Imported:
        """Import one TVmaze show (raises TvmazeError), then plan its announcements."""
        imported = await (await self.supply.follower()).add(show_id)
        await self._after_source_import([imported])
        return imported

    async def refresh_source(self, slug: str, source: str) -> Imported:
        """``/drama refresh <drama>``: fetch it now (raises TvmazeError)."""
        imported = await (await self.supply.follower()).refresh_one(slug, source)
        await self._after_source_import([imported])
        return imported

    async def refresh_sources(self) -> RefreshReport:
        """Every followed show that TVmaze says changed; failures keep their last data."""
        report = await self.supply.refresh_all()
        await self._after_source_import(list(report.imported))
        return report

    async def _after_source_import(self, imported: list[Imported]) -> None:
        """Catalogue, then jobs (a moved episode's old job is dropped; its due job, if any,
        skips itself: job_still_due), then the notices of moved episodes."""
        if not imported:
            return
        await self.catalogue.refresh()
        if self._airing is None:
            return
        await self._airing.replan()
        self.run_in_background(self.announcer.catch_up(at_start=False))
        moved = [m for i in imported for m in i.moved]
        if moved:
            silenced = await self.store.announcements.guilds_without_changes()
            self.run_in_background(self.announcer.notify_moved(moved, silenced))

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the tree when its hash changed (or when forced); True when it synced."""
        return await sync_command_tree(
            self.tree,
            self.store.bot_state,
            self.clock,
            application_id=self.application_id,
            dev_guild_id=self.settings.dev_guild_id,
            force=force,
        )

    async def on_ready(self) -> None:
        log.info("ready as %s in %d guilds", self.user, len(self.guilds))

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """The one place errors land: refusals answered, bugs logged with context."""
        try:
            lang = await self.reader_language(interaction)
        except Exception:  # the store itself may be what failed: answer in English
            lang = self.catalogues.english()
        await answer_command_error(interaction, error, lang)

    async def close(self) -> None:
        """Stop taking work, let announcements in flight finish their sends, then close the
        gateway and HTTP, and the store last: nothing writes after it is closed."""
        self.pagers.close()
        if self._airing is not None:
            self._airing.pause()
        if self._announcer is not None:  # a bot that lost its lock must not send on
            await self._announcer.drain(0 if self.lost_lock else DRAIN_SECONDS)
        if self._trivia is not None:
            await self._trivia.close()
        if self._airing is not None:
            self._airing.shutdown()
        await super().close()
        for task in list(self._background):  # the TVmaze refresh among them, before its client
            task.cancel()
        if self._background:
            await asyncio.wait(self._background, timeout=5)
        await self.tvmaze.close()
        await asyncio.to_thread(self.metrics.stop_serving)  # joins its server thread
        if self._store is not None:
            try:
                await self._store.lock.release()
            except sqlite3.Error as error:  # the lease then simply runs out
                log.warning("could not release the instance lock: %s", error)
            await self._store.close()
            self._store = None
