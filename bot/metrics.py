"""The bot measures itself: announcements, interactions and how long the event loop stalls.

One :class:`BotMetrics` per bot, handed to the services that count (no module-level
registry: its own ``CollectorRegistry``). With ``FANBOT_METRICS_PORT`` set, Prometheus
scrapes them over HTTP (on 127.0.0.1 unless ``FANBOT_METRICS_HOST`` says otherwise);
without it, one INFO line a minute sums them up.

Interaction latency is from the instant in the interaction's id (when Discord created it) to
the bot's initial response leaving: it includes the gateway's delivery, as a fan sees it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from wsgiref.simple_server import WSGIServer

import discord
from discord.webhook.async_ import AsyncWebhookAdapter, async_context
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

LOOP_PROBE_SECONDS = 0.05  # how often the lag monitor wakes up
REPORT_EVERY_SECONDS = 60.0
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0)
# How late each probe woke up: fine below 100 ms, where the 50 ms goal sits.
LAG_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5)


class BotMetrics:
    """The counters, a latency histogram and the loop-lag gauge, in one registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.announcements_sent = Counter(
            "fanbot_announcements_sent", "Announcements posted (each delivery once).", registry=r
        )
        self.announcements_failed = Counter(
            "fanbot_announcements_failed", "Deliveries settled as failed for good.", registry=r
        )
        self.announcements_retried = Counter(
            "fanbot_announcements_retried", "Attempts that failed and were retried.", registry=r
        )
        self.announcements_late = Counter(
            "fanbot_announcements_late", "Posts marked late (caught up or retried).", registry=r
        )
        self.interactions_answered = Counter(
            "fanbot_interactions_answered", "Initial interaction responses sent.", registry=r
        )
        self.interaction_latency = Histogram(
            "fanbot_interaction_latency_seconds",
            "From the interaction's creation to the bot's initial response.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.loop_stall = Gauge(
            "fanbot_event_loop_longest_stall_seconds",
            "The longest event-loop stall in the last full minute.",
            registry=r,
        )
        self.loop_lag = Histogram(
            "fanbot_event_loop_lag_seconds",
            "How late each loop probe woke up (a stall holds every probe it spans).",
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.requests_waiting = Gauge(
            "fanbot_rest_requests_waiting",
            "REST requests waiting for the global rate limit, per lane.",
            ["lane"],
            registry=r,
        )
        self._stall_this_minute = 0.0
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- what the services report -----------------------------------------------------------

    def interaction_answered(self, interaction_id: int, now_at: datetime | None = None) -> None:
        created_at = discord.utils.snowflake_time(interaction_id)
        seconds = ((now_at or datetime.now(UTC)) - created_at).total_seconds()
        self.interactions_answered.inc()
        self.interaction_latency.observe(max(0.0, seconds))

    def value(self, name: str, **labels: str) -> float:
        """A sample's current value (0 when absent), e.g. ``fanbot_announcements_sent_total``."""
        return self.registry.get_sample_value(name, labels) or 0.0

    def watch_lane(self, lane: str, waiting: Callable[[], int]) -> None:
        self.requests_waiting.labels(lane=lane).set_function(lambda: float(waiting()))

    # -- the loop-lag monitor and the minute report ------------------------------------------

    def note_stall(self, seconds: float) -> None:
        self.loop_lag.observe(seconds)
        self._stall_this_minute = max(self._stall_this_minute, seconds)

    def end_minute(self) -> float:
        """Publish the minute's longest stall and start a new minute; returns it."""
        longest, self._stall_this_minute = self._stall_this_minute, 0.0
        self.loop_stall.set(longest)
        return longest

    async def watch_loop(
        self,
        *,
        report: bool,
        probe: float = LOOP_PROBE_SECONDS,
        every: float = REPORT_EVERY_SECONDS,
    ) -> None:
        """Wake every ``probe`` seconds: any delay past it is a stall (some callback held the
        loop). Each ``every`` seconds, publish the longest and (``report``) log a summary."""
        minute_started = time.perf_counter()
        while True:
            before = time.perf_counter()
            await asyncio.sleep(probe)
            after = time.perf_counter()
            self.note_stall(max(0.0, after - before - probe))
            if after - minute_started >= every:
                minute_started = after
                longest = self.end_minute()
                if report:
                    log.info("%s", self.summary(longest))

    def summary(self, longest_stall: float) -> str:
        count = self.value("fanbot_interaction_latency_seconds_count")
        total = self.value("fanbot_interaction_latency_seconds_sum")
        mean_ms = total / count * 1000 if count else 0.0
        return (
            f"metrics: announcements sent {self.value('fanbot_announcements_sent_total'):.0f},"
            f" failed {self.value('fanbot_announcements_failed_total'):.0f},"
            f" retried {self.value('fanbot_announcements_retried_total'):.0f},"
            f" late {self.value('fanbot_announcements_late_total'):.0f};"
            f" interactions answered {count:.0f} (mean {mean_ms:.1f} ms);"
            f" longest loop stall this minute {longest_stall * 1000:.1f} ms"
        )

    # -- the Prometheus endpoint -------------------------------------------------------------

    def serve(self, port: int, host: str) -> int:
        """Serve /metrics on ``host:port`` (0: any free port) in a thread; returns the port."""
        self._server, self._thread = start_http_server(port, addr=host, registry=self.registry)
        bound = int(self._server.server_port)
        log.info("serving metrics on http://%s:%d/metrics", host, bound)
        return bound

    def stop_serving(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


class MeasuringWebhookAdapter(AsyncWebhookAdapter):
    """discord.py's adapter for interaction responses, counting each initial response."""

    def __init__(self, metrics: BotMetrics) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._metrics = metrics

    def create_interaction_response(self, interaction_id: int, token: str, **kwargs: Any) -> Any:
        request = super().create_interaction_response(interaction_id, token, **kwargs)
        return self._measured(interaction_id, request)

    async def _measured(self, interaction_id: int, request: Any) -> Any:
        result = await request
        self._metrics.interaction_answered(interaction_id)
        return result


def measure_interactions(metrics: BotMetrics) -> None:
    """In the current context (and the tasks created in it), interaction responses are
    counted: discord.py reads its webhook adapter from a context variable."""
    async_context.set(MeasuringWebhookAdapter(metrics))
