"""Several shards in one process, against the emulator's sharded gateway.

Discord routes a server's events to shard ``(guild_id >> 22) % shard_count``, sends DMs to
shard 0, refuses a connection holding more than 2,500 servers (close 4011) and lets
``max_concurrency`` shards identify per 5 s. The bot takes Discord's recommended count (or
``FANBOT_SHARDS``), sees every server on the right shard and answers in all of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.client import FanBot
from tests.e2e.conftest import SHIPPED_DATA, Fans, fanbot_settings
from tests.emulator import DiscordEmulator
from tests.emulator.baseline import RunningBot, start_bot
from tests.emulator.gateway import MAX_GUILDS_PER_SHARD, shard_of


async def _start(
    emulator: DiscordEmulator, tmp_path: Path, *, window: float = 5.0, **env: str
) -> RunningBot:
    bot = FanBot(fanbot_settings(emulator, tmp_path, SHIPPED_DATA, **env), guild_ready_timeout=0.1)
    bot.identify_pacer.window = window
    return await start_bot(bot, emulator, timeout=30)


def _shards_identified(emulator: DiscordEmulator) -> list[tuple[int, int] | None]:
    return [shard for shard, _ in emulator.gateway.identified]


async def test_the_bot_runs_the_recommended_shards_and_answers_on_each(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    guilds = [fans.guild, *(emulator.add_guild(f"Fans {i}") for i in range(8))]
    members = [emulator.add_user(f"fan{i}", guild=g) for i, g in enumerate(guilds)]
    emulator.recommended_shards = 3
    emulator.max_concurrency = 16  # no waiting between identifies here
    running = await _start(emulator, tmp_path)
    try:
        bot = running.bot
        assert isinstance(bot, FanBot)
        assert bot.shard_count == 3
        assert sorted(s for s in _shards_identified(emulator) if s) == [(0, 3), (1, 3), (2, 3)]
        assert {g.id for g in bot.guilds} == {g.id for g in guilds}
        for guild in bot.guilds:
            assert guild.shard_id == shard_of(guild.id, 3)
        assert {shard_of(g.id, 3) for g in guilds} == {0, 1, 2}  # every shard has servers
        for guild, member in zip(guilds, members, strict=True):
            reply = await emulator.slash(
                member, "/about", in_channel=next(iter(guild.channels.values()))
            )
            assert reply.failed is None, (guild.id, reply.failed)
        late = emulator.add_guild("Joined later")  # GUILD_CREATE on its own shard only
        newcomer = emulator.add_user("newcomer", guild=late)
        reply = await emulator.slash(
            newcomer, "/about", in_channel=next(iter(late.channels.values()))
        )
        assert reply.failed is None
        # GUILD_CREATE went down the same shard's socket before the interaction
        joined = bot.get_guild(late.id)
        assert joined is not None and joined.shard_id == shard_of(late.id, 3)
        assert not emulator.errors, emulator.errors
    finally:
        await running.stop()


async def test_fanbot_shards_overrides_the_recommendation(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    emulator.recommended_shards = 1
    emulator.max_concurrency = 16
    running = await _start(emulator, tmp_path, FANBOT_SHARDS="2")
    try:
        assert running.bot.shard_count == 2
        assert sorted(s for s in _shards_identified(emulator) if s) == [(0, 2), (1, 2)]
        reply = await emulator.slash(fans.alice, "/about", in_channel=fans.general)
        assert reply.failed is None
    finally:
        await running.stop()


async def test_identifies_wait_for_their_bucket_and_none_is_refused(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    emulator.recommended_shards = 4
    emulator.max_concurrency = 2  # buckets {0, 2} and {1, 3}
    emulator.identify_window = 0.4  # Discord's is 5 s
    # The bot waits a little longer than the emulator demands, as it must on a real network:
    # the emulator measures arrivals, and one identify may travel slower than the next.
    running = await _start(emulator, tmp_path, window=0.7)
    try:
        assert emulator.gateway.count("IDENTIFY_RATE_LIMITED") == 0
        ready_at = {shard: at for shard, at in emulator.gateway.identified if shard}
        assert len(ready_at) == 4
        for first, second in (((0, 4), (2, 4)), ((1, 4), (3, 4))):
            assert ready_at[second] - ready_at[first] >= 0.4 - 0.05  # the emulator's own rule
    finally:
        await running.stop()


async def test_the_emulator_refuses_an_identify_that_comes_too_early(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    """A bot that does not wait its bucket's turn is told to identify again (op 9)."""
    emulator.recommended_shards = 2
    emulator.max_concurrency = 1
    emulator.identify_window = 0.4
    running = await _start(emulator, tmp_path, window=0.0)  # the bot does not pace
    try:
        assert emulator.gateway.count("IDENTIFY_RATE_LIMITED") >= 1
        assert len(running.bot.guilds) == 1  # it got there by identifying again
    finally:
        await running.stop()


@pytest.mark.timeout(120)
async def test_a_shard_over_2500_servers_is_refused_and_the_recommendation_fits(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    for i in range(MAX_GUILDS_PER_SHARD):
        emulator.add_guild(f"Fans {i}")
    with pytest.raises(RuntimeError, match="stopped before ready"):
        await _start(emulator, tmp_path / "one", FANBOT_SHARDS="1")
    assert emulator.gateway.count("CLOSE:4011") == 1

    emulator.max_concurrency = 16
    assert emulator.recommended_shards == 3  # 2,501 servers, one shard per 1,000
    running = await _start(emulator, tmp_path / "recommended")
    try:
        assert running.bot.shard_count == 3
        assert len(running.bot.guilds) == MAX_GUILDS_PER_SHARD + 1
    finally:
        await running.stop()


def _shard_saw(emulator: DiscordEmulator, needle: str) -> set[int]:
    """The shards whose sessions were sent a frame containing ``needle``."""
    return {
        session.shard[0]
        for session in emulator.gateway.sessions.values()
        if session.shard is not None and any(needle in frame for _, frame in session.log)
    }


async def test_a_command_in_a_dm_reaches_shard_0_and_is_answered(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path
) -> None:
    """Discord sends DMs (and commands run in them) to shard 0 only, whichever shard the
    fan's server is on; the bot answers there with the facts every server shares."""
    guilds = [fans.guild, *(emulator.add_guild(f"Fans {i}") for i in range(8))]
    emulator.recommended_shards = 3
    emulator.max_concurrency = 16
    away = next(g for g in guilds if shard_of(g.id, 3) != 0)
    fan = emulator.add_user("far-away fan", guild=away)
    running = await _start(emulator, tmp_path)
    try:
        dm = emulator.dm_channel(fan)
        reply = await emulator.slash(fan, "/fact search", in_channel=dm, query="vincenzo")
        assert reply.failed is None, reply.failed
        assert reply.embeds and "Vincenzo" in str(reply.embeds[0])
        assert _shard_saw(emulator, f'"id": "{reply.interaction.id}"') == {0}
        # the same fan's command in their server goes down that server's shard
        channel = next(iter(away.channels.values()))
        there = await emulator.slash(fan, "/fact search", in_channel=channel, query="vincenzo")
        assert there.failed is None
        assert _shard_saw(emulator, f'"id": "{there.interaction.id}"') == {shard_of(away.id, 3)}
    finally:
        await running.stop()
