"""The emulator enforces Discord's rules on an unmodified discord.py bot (the baseline bot)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands
from discord.http import Route

from tests.e2e.conftest import Fans
from tests.emulator import DiscordEmulator
from tests.emulator.baseline import BaselineBot, RunningBot

pytestmark = pytest.mark.timeout(20)
MESSAGES = "POST /channels/{channel_id}/messages"


async def raw_post(
    emu: DiscordEmulator, path: str, body: object
) -> tuple[int, str, dict[str, Any]]:
    """POST outside discord.py: status, exact Content-Type and the JSON body."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            emu.api_base_url + path, json=body, headers={"Authorization": "Bot " + emu.token}
        ) as resp,
    ):
        return resp.status, resp.headers.get("Content-Type", ""), await resp.json()


async def test_bot_reaches_ready_and_its_synced_commands_pass_validation(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    bot = baseline.bot
    assert bot.is_ready() and bot.user is not None and bot.user.id == emulator.bot.id
    assert [g.id for g in bot.guilds] == [fans.guild.id]

    assert isinstance(bot, commands.Bot)
    synced = await bot.tree.sync()
    first_ids = {c.name: c.id for c in synced}
    assert set(first_ids) == {"ping", "slow", "long", "echo", "pages", "pick", "rate"}
    assert emulator.command_puts == 1
    again = await bot.tree.sync()
    assert {c.name: c.id for c in again} == first_ids  # ids are kept across overwrites
    assert emulator.errors == [] and emulator.unknown_routes == []


@pytest.mark.parametrize(
    ("definition", "where"),
    [
        ({"name": "Ping", "description": "uppercase", "type": 1}, "name"),
        ({"name": "quiz", "description": "x" * 101, "type": 1}, "description"),
        (
            {
                "name": "pick",
                "description": "too many choices",
                "type": 1,
                "options": [
                    {
                        "name": "n",
                        "description": "d",
                        "type": 4,
                        "choices": [{"name": str(i), "value": i} for i in range(26)],
                    }
                ],
            },
            "options",
        ),
        (
            {
                "name": "order",
                "description": "required after optional",
                "type": 1,
                "options": [
                    {"name": "a", "description": "d", "type": 3},
                    {"name": "b", "description": "d", "type": 3, "required": True},
                ],
            },
            "options",
        ),
        (
            {
                "name": "deep",
                "description": "group in a group",
                "type": 1,
                "options": [
                    {
                        "name": "g",
                        "description": "d",
                        "type": 2,
                        "options": [{"name": "h", "description": "d", "type": 2}],
                    }
                ],
            },
            "options",
        ),
    ],
)
async def test_invalid_command_definition_is_refused_with_50035(
    emulator: DiscordEmulator, baseline: RunningBot, definition: dict[str, Any], where: str
) -> None:
    with pytest.raises(discord.HTTPException) as refused:
        await baseline.bot.http.bulk_upsert_global_commands(emulator.app_id, [definition])
    assert refused.value.status == 400 and refused.value.code == 50035
    errors = emulator.errors[-1].errors
    assert errors is not None and where in errors["0"]
    assert emulator.command_puts == 0


async def test_ping_answers_pong_within_the_deadline(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/ping", in_channel=fans.announcements)
    assert reply.failed is None
    assert reply.content == "pong" and not reply.ephemeral
    assert reply.latency is not None and reply.latency < emulator.interaction_deadline


async def test_slash_options_autocomplete_and_buttons_reach_the_bot(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    echo = await emulator.slash(fans.alice, "/echo", text="annyeong")
    assert echo.content == "annyeong" and echo.ephemeral

    choices = await emulator.autocomplete(fans.alice, "/pick", drama="s")
    assert [c["name"] for c in choices] == ["Signal", "Stranger", "Sunwoo"]
    picked = await emulator.slash(fans.alice, "/pick", drama="Signal")
    assert picked.response_type == 5 and picked.content == "You picked Signal"

    pages = await emulator.slash(fans.alice, "/pages")
    assert pages.message is not None and pages.content == "Page 1"
    turned = await emulator.click(pages.message, "Next", fans.alice)
    assert turned.response_type == 7 and turned.content == "Page 2"
    assert len(pages.message.history) == 2

    modal = await emulator.slash(fans.alice, "/rate")
    assert modal.modal is not None and modal.modal["title"] == "Rate a drama"
    rated = await emulator.submit_modal(modal, fans.alice, Score="9")
    assert rated.content == "Rated 9/10" and rated.ephemeral
    assert [t for _, _, t, _ in emulator.world.responses] == [4, 8, 5, 4, 7, 9, 4]
    assert emulator.errors == []


async def test_overlong_message_is_refused_with_50035_and_recorded(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/long")
    assert reply.failed is not None and reply.failed.startswith("rejected: 50035")
    error = emulator.errors[-1]
    assert (error.status, error.code) == (400, 50035) and error.errors is not None
    assert error.errors["data"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"

    channel = synced_bot.get_channel(fans.announcements.id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send("y" * 2001)
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert emulator.messages_in(fans.announcements) == []


async def test_empty_message_is_refused_with_50006(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=fans.general.id)
    with pytest.raises(discord.HTTPException) as refused:
        await baseline.bot.http.request(route, json={"content": ""})
    assert (refused.value.status, refused.value.code) == (400, 50006)
    assert refused.value.text == "Cannot send an empty message"


async def test_late_response_fails_the_interaction_and_its_callback_gets_10062(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    emulator.interaction_deadline = 0.3  # the slow command answers after 0.6 s
    reply = await emulator.slash(fans.alice, "/slow")
    assert reply.failed == "deadline" and reply.message is None
    late = await emulator.wait_for_error(10062, timeout=3)
    assert late.status == 404 and late.message == "Unknown interaction"


async def test_second_initial_response_gets_40060(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    await emulator.slash(fans.alice, "/ping")
    inter = emulator.interactions[-1]
    status, ctype, body = await raw_post(
        emulator,
        f"/interactions/{inter.id}/{inter.token}/callback",
        {"type": 4, "data": {"content": "again"}},
    )
    assert ctype == "application/json"
    assert (status, body["code"]) == (400, 40060)


async def test_429_is_honoured_and_the_request_succeeds_after_retry_after(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    channel = baseline.bot.get_channel(fans.general.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("first")  # discord.py learns the bucket: 5 per 5 s
    emulator.set_route_limit(MESSAGES, limit=1, per=0.3)
    start = time.monotonic()
    await channel.send("second")
    assert time.monotonic() - start >= 0.25
    assert [e.status for e in emulator.errors] == [429]
    assert [m.content for m in emulator.messages_in(fans.general)] == ["first", "second"]


async def test_bot_resumes_after_a_dropped_gateway_and_answers_again(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    await emulator.drop_gateway()
    reply = await emulator.slash(fans.alice, "/ping")  # dispatched while disconnected
    assert reply.content == "pong"
    await emulator.gateway.wait_for("RESUMED")
    assert emulator.gateway.count("IDENTIFY") == 1
    replayed = [w for _, w in emulator.gateway.events if w.startswith("REPLAYED:")]
    assert replayed and replayed[0] != "REPLAYED:0"  # the missed interaction came on resume
    assert (await emulator.slash(fans.alice, "/ping")).content == "pong"


async def test_missing_send_messages_gives_50013_and_a_deleted_channel_10003(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    bot = baseline.bot
    muted = bot.get_channel(fans.muted.id)
    assert isinstance(muted, discord.TextChannel)
    with pytest.raises(discord.Forbidden) as forbidden:
        await muted.send("hello?")
    assert forbidden.value.code == 50013

    emulator.delete_channel(fans.announcements)
    with pytest.raises(discord.NotFound) as gone:
        await bot.get_partial_messageable(fans.announcements.id).send("anyone?")
    assert gone.value.code == 10003


async def test_dm_to_a_user_with_closed_dms_gives_50007(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    shy = emulator.add_user("shy", guild=fans.guild, dms_closed=True)
    dm = await baseline.bot.http.start_private_message(shy.id)
    with pytest.raises(discord.Forbidden) as forbidden:
        await baseline.bot.get_partial_messageable(int(dm["id"])).send("hi")
    assert forbidden.value.code == 50007


async def test_body_breaking_the_openapi_schema_gets_50035(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=fans.general.id)
    with pytest.raises(discord.HTTPException) as refused:
        await baseline.bot.http.request(route, json={"content": "ok", "embeds": [{"title": 5}]})
    assert (refused.value.status, refused.value.code) == (400, 50035)

    status, ctype, body = await raw_post(
        emulator, f"/channels/{fans.general.id}/messages", {"content": 123, "tts": "yes"}
    )
    assert (status, ctype, body["code"], body["message"]) == (
        400,
        "application/json",
        50035,
        "Invalid Form Body",
    )
    assert set(body["errors"]) == {"content", "tts"}


async def test_unknown_route_is_404_and_recorded(emulator: DiscordEmulator) -> None:
    status, _, body = await raw_post(emulator, "/not/a/route", {})
    assert (status, body) == (404, {"message": "404: Not Found", "code": 0})
    assert emulator.unknown_routes == [("POST", "/not/a/route")]


async def test_server_errors_are_retried_by_discord_py(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    channel = baseline.bot.get_channel(fans.general.id)
    assert isinstance(channel, discord.TextChannel)
    emulator.fail_next(1, status=502)
    await channel.send("after a 502")  # discord.py sleeps 1 s, then retries
    assert [e.status for e in emulator.errors] == [502]
    assert emulator.messages_in(fans.general)[-1].content == "after a 502"


async def test_reconnect_request_resumes_and_an_invalid_session_reidentifies(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    await emulator.send_reconnect()
    await emulator.gateway.wait_for("RESUMED")
    assert isinstance(synced_bot, BaselineBot)
    synced_bot.reidentify_delay = 0.0  # discord.py waits 5 s before identifying again
    await emulator.invalidate_session()
    await emulator.gateway.wait_for("READY", count=2)
    assert emulator.gateway.count("IDENTIFY") == 2
    assert (await emulator.slash(fans.alice, "/ping")).content == "pong"


async def test_global_rate_limit_is_honoured(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    emulator.limiter.set_global_limit(3, per=0.5)
    channels = [baseline.bot.get_channel(c.id) for c in (fans.general, fans.announcements)]
    sends = [
        c.send(f"burst {i}")
        for c in channels
        if isinstance(c, discord.TextChannel)
        for i in range(3)
    ]
    await asyncio.gather(*sends)
    assert any(is_global for *_, is_global in emulator.limiter.hits)
    assert len(emulator.messages_in(fans.general) + emulator.messages_in(fans.announcements)) == 6
