"""Fans first, through the emulator: during an announcement fan-out, what a fan is waiting
for (``/announce test``, a trivia question) is let out ahead of the posts still queued.

Not timed: the order of the requests as the emulator recorded them (message ids grow in the
order the posts arrived), against the bulk queue the bot's pacer held when the fan asked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.data.importer import import_files
from bot.discord_pacing import Lane
from bot.store import Store
from tests.e2e.airing import in_seconds, soon_drama
from tests.e2e.conftest import SHIPPED_DATA, FanbotRunner, Fans, fanbot_settings
from tests.emulator import Channel, DiscordEmulator, Message, User

SERVERS = 300  # about 6 s of posts at the pacer's 48/s


async def _fan_out_runner(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> tuple[FanbotRunner, list[Channel]]:
    """The bot, with SERVERS servers (and the fans') announcing Soon Drama, airing soon."""
    airs_at = in_seconds(8)
    data = soon_drama(tmp_path / "dramas", airs_at, airs_at + timedelta(days=7))
    for name in ("soundtrack-1.yaml",):
        (data / name).write_bytes((SHIPPED_DATA / name).read_bytes())
    channels = [
        emulator.add_channel(emulator.add_guild(f"Fans {i}"), "episodes") for i in range(SERVERS)
    ]
    settings = fanbot_settings(emulator, tmp_path, data)
    store = await Store.open(settings.database_path)
    try:
        await import_files(store.dramas, [data])
        now = datetime.now(UTC)
        for channel in [fans.announcements, *channels]:
            await store.announcements.subscribe(channel.guild_id or 0, "soon", channel.id, now)
    finally:
        await store.close()
    runner = FanbotRunner(emulator, settings)
    await runner.start()
    return runner, channels


def _announcements(emulator: DiscordEmulator, channels: list[Channel]) -> list[Message]:
    return [m for c in channels for m in emulator.messages_in(c)]


@pytest.mark.timeout(90)
async def test_a_trivia_question_and_announce_test_go_ahead_of_queued_posts(
    emulator: DiscordEmulator, fans: Fans, admin: User, tmp_path: Path
) -> None:
    trivia = emulator.add_channel(fans.guild, "trivia")
    runner, channels = await _fan_out_runner(emulator, fans, tmp_path)
    try:
        bot = runner.bot
        # The fan-out is under way: many posts are queued in the bulk lane.
        await emulator.wait_until(lambda: bot.pacer.waiting(Lane.BULK) >= 20, timeout=30)
        queued_at_trivia = bot.pacer.waiting(Lane.BULK)
        posted_at_trivia = len(_announcements(emulator, channels))
        started = await emulator.slash(
            fans.alice, "/trivia start", in_channel=trivia, drama="Soundtrack #1", questions=2
        )
        assert started.failed is None, started.failed
        question = await emulator.wait_for_message(trivia, "Question 1", timeout=20)

        await emulator.wait_until(lambda: bot.pacer.waiting(Lane.BULK) >= 10, timeout=20)
        queued_at_test = bot.pacer.waiting(Lane.BULK)
        posted_at_test = len(_announcements(emulator, channels))
        reply = await emulator.slash(admin, "/announce test", in_channel=fans.general)
        assert reply.failed is None, reply.failed
        sample = await emulator.wait_for_message(fans.announcements, "Test: episode", timeout=20)

        await emulator.wait_until(
            lambda: all(emulator.messages_in(c) for c in channels), timeout=60
        )
    finally:
        await runner.stop()

    posted = _announcements(emulator, channels)
    # First come, first served would have let every post already queued out first.
    ahead_of_question = sum(1 for m in posted if m.id < question.id)
    assert ahead_of_question - posted_at_trivia < queued_at_trivia
    ahead_of_sample = sum(1 for m in posted if m.id < sample.id)
    assert ahead_of_sample - posted_at_test < queued_at_test
    # and the fan-out itself completes: once each, none refused
    assert all(len(emulator.messages_in(c)) == 1 for c in channels)
    assert not [e for e in emulator.errors if e.status == 429]
