"""Airing announcements in real time: once, on time, in every server; and fans' DMs.

Each test writes a drama whose episodes air a few seconds from now (``airs_at`` with
seconds), so the real scheduler fires while the test watches the emulator.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.client import FanBot
from bot.domain.announcements import AnnouncementKind, Claim, DeliveryKey, DeliveryState, PlannedJob
from bot.store import Store
from tests.e2e.airing import (
    eventually,
    in_seconds,
    posts,
    second_server,
    settled,
    soon_drama,
    subscribe,
    until,
)
from tests.e2e.conftest import FanbotRunner, Fans, fanbot_settings
from tests.emulator import DiscordEmulator, User


async def test_an_episode_is_announced_once_in_every_subscribed_server_with_its_role_ping(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    ping = emulator.add_role(fans.guild, "Episode Ping")
    await subscribe(emulator, admin, fans.announcements, ping)
    _, other_channel, other_admin = await second_server(emulator, runner.bot)
    await subscribe(emulator, other_admin, other_channel)

    first = await emulator.wait_for_message(fans.announcements, "Episode 1", timeout=10)
    second = await emulator.wait_for_message(other_channel, "Episode 1", timeout=10)
    assert await settled(runner.bot.store, 2) == [DeliveryState.SENT] * 2  # nothing more comes

    assert posts(emulator, fans.announcements) == ["Episode 1 of Soon Drama is out now!"]
    assert posts(emulator, other_channel) == ["Episode 1 of Soon Drama is out now!"]
    description = first.embeds[0]["description"]
    assert "**Episode 1 of 2** on Netflix" in description
    assert f"<t:{int(airs_at.timestamp())}:F>" in description and "WIB" in description
    assert first.content == f"<@&{ping.id}>"
    assert first.allowed_mentions == {"parse": [], "roles": [ping.id]}
    assert second.content == "" and second.allowed_mentions == {"parse": []}
    posted_at = datetime.fromtimestamp(first.created.wall, UTC)
    assert airs_at <= posted_at < airs_at + timedelta(seconds=5)


async def test_a_server_whose_channel_refuses_is_recorded_and_others_still_get_theirs(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    _, other_channel, other_admin = await second_server(emulator, runner.bot)
    await subscribe(emulator, other_admin, other_channel)
    emulator.set_bot_can_send(fans.announcements, False)

    await emulator.wait_for_message(other_channel, "Episode 1", timeout=10)
    await emulator.wait_for_error(50013, timeout=5)
    await settled(runner.bot.store, 2)

    status = await emulator.slash(admin, "/announce status")
    failure = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}["Last failure"]
    assert f"missing Send Messages or Embed Links in <#{fans.announcements.id}>" in failure
    states = await runner.bot.store.announcements.deliveries(AnnouncementKind.AIRING)
    assert sorted(state for _, state, _ in states) == [DeliveryState.FAILED, DeliveryState.SENT]


async def test_a_restart_across_the_air_time_posts_one_catch_up_and_the_next_restart_none(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    await runner.stop()
    await until(airs_at + timedelta(seconds=0.5))

    first = await runner.start()
    await emulator.wait_for_message(fans.announcements, "Episode 1", timeout=10)
    await eventually(lambda: _settled_once(first))
    # the catch-up post is counted as sent, not as late (under a minute: no excuse needed)
    assert first.metrics.value("fanbot_announcements_sent_total") == 1
    assert first.metrics.value("fanbot_announcements_late_total") == 0
    bot = await runner.restart()
    await bot.announcer.drain(timeout=10)  # the second start's catch-up has finished

    assert posts(emulator, fans.announcements) == ["Episode 1 of Soon Drama is out now!"]
    assert bot.metrics.value("fanbot_announcements_sent_total") == 0  # nothing owed


async def _settled_once(bot: FanBot) -> bool:
    return bot.metrics.value("fanbot_announcements_sent_total") >= 1


async def test_overlapping_jobs_a_reimport_and_a_reconnect_never_post_twice(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    bot = runner.bot
    await bot.import_data([bot.settings.data_dir])
    await emulator.drop_gateway()
    emulator.delay_answers(0.5)  # the scheduled send is still in flight when the others run
    await until(airs_at)
    job = PlannedJob("soon", 1, AnnouncementKind.AIRING, airs_at)
    await asyncio.gather(bot.announcer.run(job), bot.announcer.run(job))
    await emulator.wait_for_message(fans.announcements, "Episode 1", timeout=10)

    assert await settled(bot.store, 1) == [DeliveryState.SENT]

    assert posts(emulator, fans.announcements) == ["Episode 1 of Soon Drama is out now!"]


async def test_a_bot_down_past_the_catch_up_window_posts_nothing_stale(
    emulator: DiscordEmulator, fans: Fans, admin: User, tmp_path: Path
) -> None:
    airs_at = in_seconds(4)
    data = soon_drama(tmp_path / "dramas", airs_at)
    settings = fanbot_settings(emulator, tmp_path, data, FANBOT_CATCHUP_MINUTES="0")
    runner = FanbotRunner(emulator, settings)
    await runner.start()
    try:
        await subscribe(emulator, admin, fans.announcements)
        await runner.stop()
        await until(airs_at + timedelta(seconds=1.5))
        bot = await runner.start()
        await bot.announcer.drain(timeout=10)  # its catch-up has finished
        assert posts(emulator, fans.announcements) == []
        [(_, state, _)] = await bot.store.announcements.deliveries(AnnouncementKind.AIRING)
        assert state is DeliveryState.MISSED
    finally:
        await runner.stop()


async def test_a_lead_time_posts_a_reminder_before_the_episode(
    emulator: DiscordEmulator, fans: Fans, admin: User, tmp_path: Path
) -> None:
    airs_at = in_seconds(62)
    data = soon_drama(tmp_path / "dramas", airs_at)
    runner = FanbotRunner(emulator, fanbot_settings(emulator, tmp_path, data))
    await runner.start()
    try:
        await subscribe(emulator, admin, fans.announcements)
        reply = await emulator.slash(admin, "/announce lead", minutes=1)
        assert reply.content == "I'll also post a reminder 1 minute before each airing."
        _, quiet_channel, quiet_admin = await second_server(emulator, runner.bot)
        await subscribe(emulator, quiet_admin, quiet_channel)  # no lead: no reminder
        reminder = await emulator.wait_for_message(fans.announcements, "airs soon", timeout=10)
        assert reminder.embeds[0]["title"] == "Episode 1 of Soon Drama airs soon"
        early = airs_at - datetime.fromtimestamp(reminder.created.wall, UTC)
        assert timedelta(seconds=55) <= early <= timedelta(seconds=65)
        kinds = [k.kind for k, _, _ in await runner.bot.store.announcements.deliveries()]
        assert kinds == [AnnouncementKind.REMINDER]
        assert posts(emulator, quiet_channel) == []
    finally:
        await runner.stop()


async def test_remind_me_sends_a_dm_at_air_time(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/remind me", drama="soon")
    assert reply.ephemeral and "I'll DM you" in (reply.content or "")
    assert "I'll message you here" in emulator.dm_messages(fans.alice)[0].content

    await emulator.wait_until(lambda: len(emulator.dm_messages(fans.alice)) == 2, timeout=10)
    assert (
        "Episode 1 of 2 of **Soon Drama** is out now" in emulator.dm_messages(fans.alice)[1].content
    )


async def test_a_fan_with_closed_dms_is_told_and_not_subscribed(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans
) -> None:
    shy = emulator.add_user("shy", guild=fans.guild, dms_closed=True)
    reply = await emulator.slash(shy, "/remind me", drama="soon")
    assert reply.ephemeral and "can't send you direct messages" in (reply.content or "")
    assert await runner.bot.store.announcements.reminder_users("soon") == {}


async def test_announce_channel_checks_the_bot_can_post_there(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    reply = await emulator.slash(admin, "/announce channel", channel=fans.muted, drama="soon")
    assert reply.ephemeral
    assert "I'm missing **Send Messages" in (reply.content or "")


async def test_announce_commands_are_for_server_managers(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans
) -> None:
    definition = next(c for c in emulator.commands() if c["name"] == "announce")
    assert int(definition["default_member_permissions"]) == 1 << 5  # Manage Server
    with pytest.raises(PermissionError):  # Discord does not even show it to her
        await emulator.slash(fans.alice, "/announce status")
    # A server's permission override can show it; the bot still checks.
    reply = await emulator.slash(fans.alice, "/announce status", bypass_client=True)
    assert reply.ephemeral and "Manage Server" in (reply.content or "")


async def test_announce_test_posts_a_sample_and_status_shows_the_next_one(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    reply = await emulator.slash(admin, "/announce test")
    assert reply.ephemeral and "Posted a sample" in (reply.content or "")
    sample = await emulator.wait_for_message(fans.announcements, "Test: episode 1")
    assert sample.embeds[0]["title"].startswith("Test: episode 1")

    status = await emulator.slash(admin, "/announce status")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["Next announcement"] == f"<t:{int(airs_at.timestamp())}:R>"
    assert f"**Soon Drama** in <#{fans.announcements.id}>" in status.embeds[0]["description"]


async def test_next_and_episodes_show_times_as_discord_timestamps_and_wib(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, airs_at: datetime
) -> None:
    upcoming = await emulator.slash(fans.alice, "/next", drama="soon")
    assert upcoming.embeds[0]["title"] == "Next: episode 1 of Soon Drama"
    assert f"<t:{int(airs_at.timestamp())}:R>" in upcoming.embeds[0]["description"]
    listing = await emulator.slash(fans.alice, "/episodes", drama="soon")
    lines = listing.embeds[0]["description"].splitlines()
    assert lines[0].endswith("WIB · upcoming")
    assert len(lines) == 2


async def test_next_for_a_finished_drama_says_when_it_ended(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/next")
    assert reply.embeds[0]["title"] == "Soundtrack #1 has finished"
    assert "all 4 episodes have aired" in reply.embeds[0]["description"]


async def test_a_fan_whose_dms_close_later_is_unsubscribed_and_told_once(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans
) -> None:
    await emulator.slash(fans.alice, "/remind me", drama="soon")
    fans.alice.dms_closed = True
    await emulator.wait_for_error(50007, timeout=10)
    bot = runner.bot

    async def unsubscribed() -> bool:
        return await bot.store.announcements.reminder_users("soon") == {}

    await eventually(unsubscribed)

    first = await emulator.slash(fans.alice, "/remind off", drama="soon")
    second = await emulator.slash(fans.alice, "/remind off", drama="soon")
    assert "stopped your reminders earlier because your DMs were closed" in (first.content or "")
    assert "DMs were closed" not in (second.content or "")


async def test_announce_off_stops_the_posts(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    reply = await emulator.slash(admin, "/announce off", drama="soon")
    assert reply.content == "Stopped announcing **Soon Drama**."
    again = await emulator.slash(admin, "/announce off")
    assert again.content == "Nothing was being announced."
    assert runner.bot.airing.planned == []
    await until(airs_at + timedelta(seconds=1))
    assert posts(emulator, fans.announcements) == []


async def test_role_and_lead_can_be_turned_off(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    ping = emulator.add_role(fans.guild, "Episode Ping")
    await subscribe(emulator, admin, fans.announcements, ping)
    off = await emulator.slash(admin, "/announce role")
    assert off.content == "Announcements will not ping any role."
    lead = await emulator.slash(admin, "/announce lead", minutes=0)
    assert lead.content == "No reminder before airings."
    post = await emulator.wait_for_message(fans.announcements, "Episode 1", timeout=10)
    assert post.content == "" and post.allowed_mentions == {"parse": []}


async def test_remind_off_means_no_dm(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, airs_at: datetime
) -> None:
    await emulator.slash(fans.alice, "/remind me", drama="soon")
    off = await emulator.slash(fans.alice, "/remind off", drama="soon")
    assert off.ephemeral and off.content == "No more DMs for **Soon Drama**."
    assert runner.bot.airing.planned == []
    await until(airs_at + timedelta(seconds=1))
    assert len(emulator.dm_messages(fans.alice)) == 1  # only the confirmation


async def test_a_post_sent_just_before_a_crash_is_not_posted_again(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    """The dead process claimed the delivery and Discord got the post, but the log never
    heard back: the next start resends with the same nonce and Discord returns the first."""
    await subscribe(emulator, admin, fans.announcements)
    settings = runner.settings
    await runner.stop()
    await until(airs_at + timedelta(seconds=0.2))
    key = DeliveryKey(fans.guild.id, "soon", 1, AnnouncementKind.AIRING)
    store = await Store.open(settings.database_path)  # the crashed run, with its own run id
    try:
        assert await store.announcements.claim(key, datetime.now(UTC)) is Claim.NEW
    finally:
        await store.close()
    title = {"title": "Episode 1 of Soon Drama is out now!"}
    earlier = emulator.new_message(fans.announcements, {"embeds": [title]})
    emulator.remember_nonce(earlier, key.nonce)

    bot = await runner.start()
    await settled(bot.store, 1)

    assert posts(emulator, fans.announcements) == ["Episode 1 of Soon Drama is out now!"]
    [(_, state, message_id)] = await bot.store.announcements.deliveries(AnnouncementKind.AIRING)
    assert state is DeliveryState.SENT and message_id == earlier.id


async def test_a_long_season_is_listed_a_page_at_a_time(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    first = in_seconds(3600)
    data = soon_drama(tmp_path / "dramas", *(first + timedelta(days=7 * n) for n in range(45)))
    runner = FanbotRunner(emulator, fanbot_settings(emulator, tmp_path, data))
    await runner.start()
    try:
        listing = await emulator.slash(fans.alice, "/episodes", drama="soon")
        assert listing.embeds[0]["footer"]["text"] == "Page 1/3"
        assert listing.embeds[0]["description"].count("· upcoming") == 20
        assert listing.message is not None
        await emulator.click(listing.message, "Next", fans.alice)
        assert listing.message.embeds[0]["description"].startswith("**21.**")
    finally:
        await runner.stop()
