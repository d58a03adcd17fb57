"""The bot's own metrics, scraped over real HTTP on 127.0.0.1 as Prometheus would."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.client import FanBot
from bot.data.importer import import_files
from bot.domain.announcements import DeliveryState
from bot.store import Store
from tests.e2e.airing import in_seconds, second_server, settled, soon_drama, subscribe
from tests.e2e.conftest import Fans, fanbot_settings
from tests.emulator import DiscordEmulator, User
from tests.emulator.baseline import start_bot


async def scrape(port: int) -> dict[str, float]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        assert response.status == 200
        text = await response.text()
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return samples


async def test_metrics_count_interactions_and_announcements_over_http(
    emulator: DiscordEmulator, fans: Fans, admin: User, tmp_path: Path
) -> None:
    airs_at = in_seconds(6)
    data = soon_drama(tmp_path / "dramas", airs_at, airs_at + timedelta(days=7))
    settings = fanbot_settings(emulator, tmp_path, data, FANBOT_METRICS_PORT="0")
    assert settings.metrics_host == "127.0.0.1"
    running = await start_bot(FanBot(settings, guild_ready_timeout=0.1), emulator)
    try:
        bot = running.bot
        assert isinstance(bot, FanBot) and bot.metrics_port
        await subscribe(emulator, admin, fans.announcements)
        _, other_channel, other_admin = await second_server(emulator, bot)
        await subscribe(emulator, other_admin, other_channel)
        emulator.set_bot_can_send(other_channel, False)  # one server's channel refuses
        reply = await emulator.slash(fans.alice, "/about", in_channel=fans.general)
        assert reply.failed is None
        states = await settled(bot.store, 2)
        assert sorted(s.value for s in states) == sorted(
            [DeliveryState.SENT.value, DeliveryState.FAILED.value]
        )

        samples = await scrape(bot.metrics_port)
    finally:
        await running.stop()

    # /announce channel twice (+ their replies) and /about: every initial response counted
    assert samples["fanbot_interactions_answered_total"] >= 3
    assert (
        samples["fanbot_interaction_latency_seconds_count"]
        == (samples["fanbot_interactions_answered_total"])
    )
    assert samples["fanbot_interaction_latency_seconds_bucket{le=+Inf}"] >= 3
    assert samples["fanbot_announcements_sent_total"] == 1
    assert samples["fanbot_announcements_failed_total"] == 1
    assert samples["fanbot_announcements_retried_total"] == 0
    assert samples["fanbot_announcements_late_total"] == 0
    assert "fanbot_event_loop_longest_stall_seconds" in samples
    # every 50 ms probe's lag, in buckets a scraper can diff between two scrapes
    probes = samples["fanbot_event_loop_lag_seconds_count"]
    assert probes >= 1
    assert samples["fanbot_event_loop_lag_seconds_bucket{le=0.05}"] <= probes
    assert samples["fanbot_rest_requests_waiting{lane=bulk}"] == 0
    assert samples["fanbot_rest_requests_waiting{lane=interactive}"] == 0


async def test_without_a_port_nothing_listens_and_the_minute_is_summed_up_in_the_log(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    settings = fanbot_settings(emulator, tmp_path, tmp_path / "no-dramas")
    assert settings.metrics_port is None
    running = await start_bot(FanBot(settings, guild_ready_timeout=0.1), emulator)
    try:
        bot = running.bot
        assert isinstance(bot, FanBot) and bot.metrics_port is None
        await emulator.slash(fans.alice, "/about", in_channel=fans.general)
        line = bot.metrics.summary(bot.metrics.end_minute())
    finally:
        await running.stop()
    assert "interactions answered 1" in line and "announcements sent 0" in line
    assert "longest loop stall this minute" in line


async def test_a_catch_up_post_minutes_late_is_counted_late(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    """The bot was offline when the episode aired three minutes ago (within the catch-up
    window): its start posts it, says why it is late, and counts it sent and late."""
    aired_at = in_seconds(-180)
    data = soon_drama(tmp_path / "dramas", aired_at, aired_at + timedelta(days=7))
    settings = fanbot_settings(emulator, tmp_path, data)
    store = await Store.open(settings.database_path)
    try:
        await import_files(store.dramas, [data])
        subscribed_at = aired_at - timedelta(hours=1)
        await store.announcements.subscribe(
            fans.guild.id, "soon", fans.announcements.id, subscribed_at
        )
    finally:
        await store.close()
    running = await start_bot(FanBot(settings, guild_ready_timeout=0.1), emulator)
    try:
        bot = running.bot
        assert isinstance(bot, FanBot)
        post = await emulator.wait_for_message(fans.announcements, "Episode 1", timeout=15)
        assert await settled(bot.store, 1) == [DeliveryState.SENT]
        sent = bot.metrics.value("fanbot_announcements_sent_total")
        late = bot.metrics.value("fanbot_announcements_late_total")
        retried = bot.metrics.value("fanbot_announcements_retried_total")
    finally:
        await running.stop()
    assert "Posted" in post.embeds[0]["description"]  # the fans are told why it is late
    assert (sent, late, retried) == (1, 1, 0)
