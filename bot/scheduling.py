"""APScheduler jobs planned from the store: one per (drama, episode, kind, lead).

Jobs live in APScheduler's memory job store and are rebuilt from our own tables at start,
after imports and after settings change (fixed ids, replace_existing), so nothing is
pickled and a restart can never resurrect a stale job. What was posted lives in the
delivery log, which is what makes catch-up and exactly-once possible.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.domain.announcements import PlannedJob, plan_jobs

if TYPE_CHECKING:
    from bot.announcer import Announcer
    from bot.catalogue import Catalogue
    from bot.domain.clock import Clock
    from bot.store import Store

log = logging.getLogger(__name__)

REFRESH_JOB_ID = "refresh-catalogue"
REFRESH_EVERY = timedelta(minutes=5)


class AiringScheduler:
    """Owns the AsyncIOScheduler; ``replan`` makes its jobs match the store."""

    def __init__(
        self,
        store: Store,
        catalogue: Catalogue,
        announcer: Announcer,
        catchup: timedelta,
        clock: Clock,
    ) -> None:
        self._store = store
        self._clock = clock
        self._catalogue = catalogue
        self._announcer = announcer
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(catchup.total_seconds()) or 1,
            },
        )
        self._planned: dict[str, PlannedJob] = {}

    def start(self) -> None:
        """Start on the running loop (call from setup_hook)."""
        self._scheduler.start()
        self._scheduler.add_job(
            self.refresh,
            IntervalTrigger(seconds=REFRESH_EVERY.total_seconds(), timezone=UTC),
            id=REFRESH_JOB_ID,
            replace_existing=True,
        )

    def pause(self) -> None:
        """No new job starts (running ones go on); used first when the bot stops."""
        if self._scheduler.running:
            self._scheduler.pause()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    @property
    def planned(self) -> list[PlannedJob]:
        """The jobs planned now, soonest first."""
        return sorted(self._planned.values(), key=lambda j: (j.run_at, j.job_id))

    async def refresh(self) -> None:
        """Reload the catalogue and replan if a `fanbot import` changed it (one row read
        when nothing changed)."""
        if await self._catalogue.refresh():
            await self.replan()

    async def replan(self, now_at: datetime | None = None) -> list[PlannedJob]:
        """Make the scheduler's jobs exactly the planned ones."""
        now_at = now_at or self._clock.now()
        store = self._store.announcements
        wanted = {
            job.job_id: job
            for job in plan_jobs(
                self._catalogue.snapshot.episodes,
                await store.subscriptions(),
                await store.reminder_dramas(),
                now_at,
            )
        }
        for job_id in set(self._planned) - set(wanted):
            if self._planned[job_id].run_at <= now_at:
                continue  # due this very moment: let it fire (its claims keep it to once)
            if self._scheduler.get_job(job_id) is not None:
                self._scheduler.remove_job(job_id)
        for job_id, job in wanted.items():
            if self._planned.get(job_id) == job and self._scheduler.get_job(job_id):
                continue
            self._scheduler.add_job(
                self._announcer.run,
                DateTrigger(run_date=job.run_at, timezone=UTC),
                args=[job],
                id=job_id,
                replace_existing=True,
            )
        self._planned = wanted
        log.info("planned %d announcement jobs", len(wanted))
        return self.planned
