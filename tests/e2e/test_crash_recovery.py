"""A real `fanbot run` killed with SIGKILL in the middle of a fan-out, and started again after
Discord has forgotten the message nonces: every server gets the episode exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.data.importer import import_files
from bot.domain.announcements import AnnouncementKind, DeliveryState
from bot.store import Store
from tests.e2e.airing import in_seconds, posts, settled, soon_drama
from tests.e2e.conftest import Fans
from tests.e2e.test_process import fanbot_process, finish, operator_env
from tests.emulator import Channel, DiscordEmulator

SERVERS = 40


async def subscribed_servers(
    emulator: DiscordEmulator, database: Path, data: Path, count: int
) -> list[Channel]:
    """``count`` servers announcing Soon Drama, set up in the store before the bot starts."""
    store = await Store.open(database)
    try:
        await import_files(store.dramas, [data])
        channels = []
        for n in range(count):
            guild = emulator.add_guild(f"Fans {n}")
            channel = emulator.add_channel(guild, "episodes")
            await store.announcements.subscribe(
                guild.id, "soon", channel.id, datetime.now(UTC) - timedelta(hours=1)
            )
            channels.append(channel)
        return channels
    finally:
        await store.close()


async def test_sigkill_mid_fan_out_and_back_after_the_nonce_window_posts_each_server_once(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    airs_at = in_seconds(6)
    data = soon_drama(tmp_path / "dramas", airs_at)
    env = {**operator_env(emulator, tmp_path), "FANBOT_DATA_DIR": str(data)}
    database = Path(env["FANBOT_DATABASE"])
    channels = await subscribed_servers(emulator, database, data, SERVERS)
    # Each post lands at once but is answered late: a kill leaves posts nobody recorded.
    emulator.delay_answers(0.5)

    killed = await fanbot_process(tmp_path, env, "run")
    await emulator.wait_until(lambda: sum(len(posts(emulator, c)) for c in channels) >= 10, 30)
    killed.kill()
    await killed.wait()
    landed = sum(len(posts(emulator, c)) for c in channels)
    emulator.delay_answers(0)
    emulator.forget_nonces()  # back after Discord's nonce memory: only a look can dedupe

    restarted = await fanbot_process(tmp_path, env, "run")
    store = await Store.open(database)
    try:
        states = await settled(store, SERVERS, AnnouncementKind.AIRING, timeout=60)
    finally:
        await store.close()
    restarted.terminate()
    log = await finish(restarted)

    assert 10 <= landed < SERVERS  # the kill really was mid fan-out
    assert states == [DeliveryState.SENT] * SERVERS, log
    assert [len(posts(emulator, c)) for c in channels] == [1] * SERVERS  # 0 duplicates, 0 misses
    assert "found the earlier post" in log  # some were settled by looking, not by posting
