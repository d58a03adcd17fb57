"""Exactly once, whatever fails: Discord outages at air time, crashes past Discord's nonce
memory, deleted posts and missing permissions; and what admins see meanwhile.

Each test has a drama airing a few seconds from now and the real bot (discord.py) against
the emulator, which answers the failures Discord answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.announcements import (
    AnnouncementKind,
    Claim,
    DeliveryKey,
    DeliveryState,
    delivery_marker,
)
from bot.store import Store
from tests.e2e.airing import (
    eventually,
    in_seconds,
    posts,
    second_server,
    settled,
    subscribe,
    until,
)
from tests.e2e.conftest import FanbotRunner, Fans
from tests.emulator import Channel, DiscordEmulator, User

TITLE = "Episode 1 of Soon Drama is out now!"
EXEMPT = ("/interactions/", "/webhooks/")  # interaction responses: not paced, as on Discord


@pytest.fixture
def airs_at() -> datetime:
    return in_seconds(8)  # room to subscribe a few servers on a busy machine


async def servers(emulator: DiscordEmulator, runner: FanbotRunner, count: int) -> list[Channel]:
    """``count`` more servers that announce Soon Drama, each in its own channel."""
    channels = []
    for _ in range(count):
        _, channel, mod = await second_server(emulator, runner.bot)
        await subscribe(emulator, mod, channel)
        channels.append(channel)
    return channels


async def test_a_503_outage_at_air_time_posts_every_server_once_when_it_clears(
    runner: FanbotRunner, emulator: DiscordEmulator, airs_at: datetime
) -> None:
    channels = await servers(emulator, runner, 6)
    outage = (airs_at - datetime.now(UTC)).total_seconds() + 6
    emulator.fail_for(outage, 503, route_contains="/messages")

    assert await settled(runner.bot.store, 6) == [DeliveryState.SENT] * 6

    assert all(posts(emulator, c) == [TITLE] for c in channels)
    refused = emulator.refused_by_status.get(503, 0)
    assert refused >= 6  # every server met the outage
    # each refused post was retried (and counted); none was late enough to say so
    metrics = runner.bot.metrics
    assert metrics.value("fanbot_announcements_retried_total") == refused
    assert metrics.value("fanbot_announcements_sent_total") == 6
    assert metrics.value("fanbot_announcements_failed_total") == 0


async def test_a_429_storm_longer_than_discord_py_retries_still_posts_once(
    runner: FanbotRunner, emulator: DiscordEmulator, airs_at: datetime
) -> None:
    channels = await servers(emulator, runner, 3)
    storm = (airs_at - datetime.now(UTC)).total_seconds() + 5
    emulator.fail_for(storm, 429, route_contains="/messages", retry_after=0.2)

    assert await settled(runner.bot.store, 3) == [DeliveryState.SENT] * 3

    assert all(posts(emulator, c) == [TITLE] for c in channels)
    # every attempt went through the pacer, discord.py's own retries after a 429 included
    rest = [r for r in emulator.world.requests if not r.path.startswith(EXEMPT)]
    assert emulator.refused_by_status.get(429, 0) >= 3
    assert sum(runner.bot.pacer.granted.values()) >= len(rest)


async def test_announce_status_shows_a_post_being_retried(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    emulator.fail_for(600, 503, route_contains="/messages")
    store = runner.bot.store.announcements

    async def retrying() -> bool:
        return any(attempts >= 1 for _, attempts, _ in await store.in_flight(fans.guild.id))

    await eventually(retrying)
    status = await emulator.slash(admin, "/announce status")

    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["Retrying"].startswith("Soon Drama episode 1 (airing): Discord kept failing")
    emulator.stop_failing()
    await emulator.wait_for_message(fans.announcements, TITLE, timeout=30)


async def crashed_claim(runner: FanbotRunner, key: DeliveryKey) -> None:
    """A process that is gone (it never held the lock) claimed ``key`` and died."""
    store = await Store.open(runner.settings.database_path)
    try:
        assert await store.announcements.claim(key, datetime.now(UTC)) is Claim.NEW
    finally:
        await store.close()


async def after_air_time_with_a_crashed_claim(
    runner: FanbotRunner, fans: Fans, airs_at: datetime
) -> DeliveryKey:
    await runner.stop()
    await until(airs_at + timedelta(seconds=0.2))
    key = DeliveryKey(fans.guild.id, "soon", 1, AnnouncementKind.AIRING)
    await crashed_claim(runner, key)
    return key


def earlier_post(emulator: DiscordEmulator, channel: Channel, key: DeliveryKey) -> int:
    """The dead process's post, as the bot sends it (marker in the footer, the nonce)."""
    body = {"embeds": [{"title": TITLE, "footer": {"text": f"Soon · {delivery_marker(key)}"}}]}
    message = emulator.new_message(channel, body)
    emulator.remember_nonce(message, key.nonce)
    return message.id


async def test_a_post_that_landed_before_a_crash_is_found_after_discords_nonce_memory(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    key = await after_air_time_with_a_crashed_claim(runner, fans, airs_at)
    first_id = earlier_post(emulator, fans.announcements, key)
    emulator.forget_nonces()  # the bot was away longer than Discord remembers nonces

    bot = await runner.start()
    [state] = await settled(bot.store, 1)

    assert posts(emulator, fans.announcements) == [TITLE]
    assert state is DeliveryState.SENT
    assert await bot.store.announcements.deliveries() == [(key, DeliveryState.SENT, first_id)]


async def test_a_claim_whose_send_never_landed_is_posted_once_after_the_crash(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    await after_air_time_with_a_crashed_claim(runner, fans, airs_at)
    emulator.forget_nonces()

    bot = await runner.start()
    assert await settled(bot.store, 1) == [DeliveryState.SENT]

    assert posts(emulator, fans.announcements) == [TITLE]
    [message] = [m for m in emulator.messages_in(fans.announcements) if m.embeds]
    assert "Posted" not in message.embeds[0]["description"]  # not a minute late: no excuse


async def test_without_read_message_history_a_crashed_claim_is_posted_again(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    """The documented choice: a bot that cannot look errs on the side of speaking."""
    await subscribe(emulator, admin, fans.announcements)
    key = await after_air_time_with_a_crashed_claim(runner, fans, airs_at)
    earlier_post(emulator, fans.announcements, key)
    emulator.forget_nonces()
    emulator.set_bot_can_read_history(fans.announcements, False)

    bot = await runner.start()
    assert await settled(bot.store, 1) == [DeliveryState.SENT]

    assert posts(emulator, fans.announcements) == [TITLE, TITLE]


async def test_a_post_deleted_by_a_moderator_after_a_crash_is_not_posted_again(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    key = await after_air_time_with_a_crashed_claim(runner, fans, airs_at)
    first_id = earlier_post(emulator, fans.announcements, key)
    await emulator.delete_message(emulator.world.messages[first_id])

    bot = await runner.start()
    assert await settled(bot.store, 1) == [DeliveryState.SENT]

    assert posts(emulator, fans.announcements) == []


async def test_the_look_for_an_earlier_post_reads_past_a_busy_channels_first_pages(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    key = await after_air_time_with_a_crashed_claim(runner, fans, airs_at)
    for n in range(250):  # fans chatting at air time, before the post landed
        emulator.new_message(fans.announcements, {"content": f"omg episode 1 is out {n}"})
    first_id = earlier_post(emulator, fans.announcements, key)
    emulator.forget_nonces()

    bot = await runner.start()
    assert await settled(bot.store, 1) == [DeliveryState.SENT]

    assert posts(emulator, fans.announcements) == [TITLE]
    assert await bot.store.announcements.deliveries() == [(key, DeliveryState.SENT, first_id)]


async def test_a_404_that_is_not_unknown_channel_fails_the_post_but_ends_nothing(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    emulator.fail_for(
        (airs_at - datetime.now(UTC)).total_seconds() + 30, 404, route_contains="/messages"
    )

    assert await settled(runner.bot.store, 1) == [DeliveryState.FAILED]

    emulator.stop_failing()
    assert len(await runner.bot.store.announcements.subscriptions()) == 1
