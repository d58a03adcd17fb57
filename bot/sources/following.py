"""Dramas followed from TVmaze: adding one, and keeping them up to date.

``SourceFollower`` takes narrow ports: the drama store, a TVmaze client, the data files'
overlays and a clock. Each show is imported in one transaction, or not at all: a failed
fetch, a malformed answer or a show the model refuses leaves the last good data as it was.

Cost in TVmaze calls: an add is one call (``/shows/:id`` with everything embedded); a
refresh is one ``/updates/shows`` call plus one per show TVmaze says changed since the last
import; ``/drama refresh`` of one drama is one call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, Protocol

from pydantic import ValidationError

from bot.data.model import DramaDocument
from bot.data.overlay import merge_overlay
from bot.domain.announcements import EpisodeMoved
from bot.domain.clock import Clock
from bot.domain.models import Episode
from bot.domain.schedule import build_episodes
from bot.sources.reports import Imported, RefreshReport
from bot.sources.tvmaze import SourceProblem, TvmazeError
from bot.sources.tvmaze_show import ShowHit, map_show, search_hits
from bot.store.dramas import DramaStore

log = logging.getLogger(__name__)

SOURCE_PREFIX = "tvmaze:"


class ShowSource(Protocol):
    """What the follower asks TVmaze (the real client, or a test's)."""

    async def search(self, query: str) -> Any: ...

    async def show(self, show_id: int, *, fresh: bool = False) -> Any: ...

    async def updates(self, since: str) -> Any: ...


def show_id_of(source: str) -> int:
    return int(source.removeprefix(SOURCE_PREFIX))


class SourceFollower:
    def __init__(
        self,
        dramas: DramaStore,
        client: ShowSource,
        clock: Clock,
        overlays: Callable[[], dict[str, DramaDocument]],
    ) -> None:
        self._dramas = dramas
        self._client = client
        self._clock = clock
        self._overlays = overlays

    async def search(self, query: str) -> list[ShowHit]:
        return search_hits(await self._client.search(query))

    async def add(self, show_id: int) -> Imported:
        """Fetch and import one show (fresh, not cached). Raises TvmazeError."""
        return await self._import(show_id, fresh=True)

    async def refresh_one(self, slug: str, source: str) -> Imported:
        return await self._import(show_id_of(source), fresh=True, slug=slug)

    async def refresh_all(self) -> RefreshReport:
        """One /updates/shows call, then one call per show that changed since its import."""
        sourced = await self._dramas.sourced()
        if not sourced:
            return RefreshReport(0, (), ())
        now_at = self._clock.now()
        oldest = min((d.refreshed_at or now_at - timedelta(days=365)) for d in sourced)
        since = "day" if now_at - oldest < timedelta(hours=20) else "week"
        if now_at - oldest > timedelta(days=6):
            since = "month"
        try:
            stamps = await self._client.updates(since)
            if not isinstance(stamps, dict):
                raise TvmazeError("TVmaze's answer has an unexpected shape")
        except TvmazeError as error:
            log.warning("TVmaze refresh skipped: /updates/shows failed: %s", error.reason)
            return RefreshReport(len(sourced), (), tuple((d.slug, error.reason) for d in sourced))
        imported: list[Imported] = []
        failed: list[tuple[str, str]] = []
        for drama in sourced:
            stamp = stamps.get(str(show_id_of(drama.source)))
            if not isinstance(stamp, int) or isinstance(stamp, bool):
                continue  # not listed (or not a stamp TVmaze would send): nothing to do
            if drama.source_updated is not None and stamp <= drama.source_updated:
                continue  # unchanged: costs no call
            try:
                # Changed since its import: our cached answer is the old one.
                show_id = show_id_of(drama.source)
                imported.append(await self._import(show_id, fresh=True, slug=drama.slug))
            except TvmazeError as error:
                log.warning("refresh of %s kept its last data: %s", drama.slug, error.reason)
                failed.append((drama.slug, error.reason))
        return RefreshReport(len(sourced), tuple(imported), tuple(failed))

    async def _import(
        self, show_id: int, *, fresh: bool = False, slug: str | None = None
    ) -> Imported:
        source = f"{SOURCE_PREFIX}{show_id}"
        data = await self._client.show(show_id, fresh=fresh)
        slug = slug or await self._dramas.slug_of_source(source)
        mapped = map_show(data, slug)
        document = mapped.document
        overlay = self._overlays().get(source)
        if overlay is not None:
            try:
                document = merge_overlay(document, overlay)
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                raise TvmazeError(
                    f"the data file for {source} no longer fits TVmaze's data"
                    f" ({where}: {first['msg']})",
                    problem=SourceProblem.OVERLAY_MISFIT,
                    subject=source,
                ) from error
        if slug is None:
            document = document.model_copy(
                update={"slug": await self._free_slug(document.slug, show_id)}
            )
        elif document.slug != slug:
            # Subscriptions, reminders and scores name the drama by its slug: a followed
            # drama keeps it (a file's slug counts when the show is first added).
            log.warning(
                "the data file for %s names it %r; it is followed as %r, which it keeps",
                source,
                document.slug,
                slug,
            )
            document = document.model_copy(update={"slug": slug})
        drama_file = document.to_drama_file()
        before = {e.number: e for e in await self._dramas.episodes(document.slug)}
        result = await self._dramas.import_file(
            drama_file, source_updated=mapped.updated, refreshed_at=self._clock.now()
        )
        episodes = build_episodes(
            drama_file.drama.slug, drama_file.drama.schedule, drama_file.episode_overrides
        )
        return Imported(drama_file, result, moved_episodes(before, episodes), tuple(episodes))

    async def _free_slug(self, slug: str, show_id: int) -> str:
        return f"{slug}-{show_id}" if await self._dramas.slug_taken(slug) else slug


def moved_episodes(
    before: dict[int, Episode], after: Sequence[Episode]
) -> tuple[EpisodeMoved, ...]:
    """Episodes present before and after whose known time changed."""
    moved = []
    for episode in after:
        old = before.get(episode.number)
        if (
            old is not None
            and old.time_known
            and episode.time_known
            and old.airs_at != episode.airs_at
        ):
            moved.append(
                EpisodeMoved(episode.drama_slug, episode.number, old.airs_at, episode.airs_at)
            )
    return tuple(moved)
