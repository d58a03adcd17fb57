"""Where the bot's dramas come from: its data folder, and the shows it follows on TVmaze.

Reading either takes YAML, pydantic and the TVmaze mapping, about 10 MB resident once
loaded, so they load on first use: start-up imports the folder only when its digest differs
from the one its last clean import recorded, and the follower is built the first time a show
is searched, added or refreshed. A bot restarted with its folder unchanged and no followed
show never loads them.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.data.folder import folder_digest
from bot.domain.clock import Clock
from bot.sources.reports import Imported, RefreshReport
from bot.sources.tvmaze import TvmazeClient, TvmazeError
from bot.store.bot_state import BotStateStore
from bot.store.dramas import DramaStore

if TYPE_CHECKING:
    from bot.data.importer import FileOutcome
    from bot.sources.following import SourceFollower

log = logging.getLogger(__name__)

DATA_FOLDER_DIGEST = "data-folder-digest"


@dataclass(frozen=True)
class FolderImport:
    """A start's import of a changed data folder, not yet recorded as done."""

    outcomes: list[FileOutcome]
    digest: str | None


class DramaSupply:
    """The data folder's imports and the TVmaze follower, each loaded when first needed."""

    def __init__(
        self,
        dramas: DramaStore,
        state: BotStateStore,
        tvmaze: TvmazeClient,
        clock: Clock,
        data_dir: Path,
        schema_version: int,
    ) -> None:
        self._dramas = dramas
        self._state = state
        self._tvmaze = tvmaze
        self._clock = clock
        self._data_dir = data_dir
        self._schema_version = schema_version  # an import after a migration may write more
        self._follower: SourceFollower | None = None

    async def import_files(self, paths: Iterable[Path]) -> list[FileOutcome]:
        """Validate and import drama files (one transaction each); bad ones are reported."""
        await asyncio.to_thread(_load_parsers)
        from bot.data.importer import import_files

        return await import_files(self._dramas, paths)

    async def import_folder_if_changed(self) -> FolderImport | None:
        """The data folder, unless it is as its last clean import read it (then None).

        The digest is recorded by :meth:`settle_folder` once the import is clean and the
        overlays are applied, so a rejected file, or an overlay TVmaze could not take yet, is
        read (and reported) again at the next start."""
        digest = await asyncio.to_thread(folder_digest, self._data_dir, self._schema_version)
        if digest is not None and digest == await self._state.get(DATA_FOLDER_DIGEST):
            log.info("data files in %s unchanged since their last import", self._data_dir)
            return None
        log.info("importing the data files in %s (changed since their last import)", self._data_dir)
        return FolderImport(await self.import_files([self._data_dir]), digest)

    async def settle_folder(
        self, folder: FolderImport, refresh_one: Callable[[str, str], Awaitable[Imported]]
    ) -> None:
        """After importing a changed folder: apply its overlays to the followed dramas, then
        record the digest if everything went in."""
        applied = await self._reapply_overlays(refresh_one)
        clean = not any(outcome.error for outcome in folder.outcomes)
        if applied and clean and folder.digest is not None:
            await self._state.put(DATA_FOLDER_DIGEST, folder.digest, self._clock.now())

    async def follower(self) -> SourceFollower:
        """The TVmaze follower, built on first use: its modules (pydantic and the mapping,
        a few hundred milliseconds of imports) load in a thread while the loop goes on."""
        if self._follower is None:
            await asyncio.to_thread(_load_parsers)
            from bot.data.importer import overlays_in
            from bot.sources.following import SourceFollower

            folder = self._data_dir
            self._follower = SourceFollower(
                self._dramas, self._tvmaze, self._clock, overlays=lambda: overlays_in(folder)
            )
        return self._follower

    async def refresh_all(self) -> RefreshReport:
        """Every followed show TVmaze says changed; with none followed, nothing is loaded."""
        if not await self._dramas.sourced():
            return RefreshReport(0, (), ())
        return await (await self.follower()).refresh_all()

    async def _reapply_overlays(
        self, refresh_one: Callable[[str, str], Awaitable[Imported]]
    ) -> bool:
        """Import again each followed drama a data file overlays (one TVmaze call each), so
        an edited file wins now, not at the show's next change; False if one failed."""
        sourced = await self._dramas.sourced()
        if not sourced:
            return True
        await asyncio.to_thread(_load_parsers)
        from bot.data.importer import overlays_in

        overlays = await asyncio.to_thread(overlays_in, self._data_dir)
        slugs = {d.source: d.slug for d in sourced}
        applied = True
        for source in sorted(overlays):
            slug = slugs.get(source)
            if slug is None:
                continue
            try:
                await refresh_one(slug, source)
            except TvmazeError as error:
                log.warning("data file over %s not applied yet: %s", source, error.reason)
                applied = False
        return applied


def _load_parsers() -> None:
    """Import the data files' and TVmaze's parsers (run in a thread: once loaded, the
    imports inside the methods above are dictionary lookups)."""
    for module in ("bot.data.importer", "bot.sources.following"):
        importlib.import_module(module)


async def refresh_forever(
    refresh: Callable[[], Awaitable[RefreshReport]], every: timedelta
) -> None:
    """The periodic refresh: a failure of any kind is logged and waits for the next turn;
    only cancelling (the bot closing) ends the loop."""
    while True:
        await asyncio.sleep(every.total_seconds())
        try:
            report = await refresh()
        except Exception as error:
            log.warning("TVmaze refresh failed (will retry next time): %s", error)
            continue
        log.info(
            "TVmaze refresh: %d followed, %d re-imported, %d failed",
            report.checked,
            len(report.imported),
            len(report.failed),
        )
