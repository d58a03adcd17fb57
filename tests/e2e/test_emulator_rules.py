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
from tests.emulator.actions import check_option_bounds
from tests.emulator.baseline import BaselineBot, RunningBot
from tests.emulator.state import Interaction

pytestmark = pytest.mark.timeout(20)
MESSAGES = "POST /channels/{channel_id}/messages"


async def raw_post(
    emu: DiscordEmulator, path: str, body: object, method: str = "POST"
) -> tuple[int, str, dict[str, Any]]:
    """A request outside discord.py: status, exact Content-Type and the JSON body."""
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method,
            emu.api_base_url + path,
            json=body,
            headers={"Authorization": "Bot " + emu.token},
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


# -- clicking as a Discord client can ----------------------------------------------------------


async def test_a_disabled_button_or_a_deleted_message_cannot_be_clicked_unless_stale(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    pages = await emulator.slash(fans.alice, "/pages")
    message = pages.message
    assert message is not None
    [row] = message.components
    disabled_row = {**row, "components": [{**row["components"][0], "disabled": True}]}
    edit = Route(
        "PATCH",
        "/channels/{channel_id}/messages/{message_id}",
        channel_id=message.channel_id,
        message_id=message.id,
    )
    await synced_bot.http.request(edit, json={"components": [disabled_row]})
    with pytest.raises(LookupError, match="disabled"):
        await emulator.click(message, "Next", fans.alice)
    stale = await emulator.click(message, "Next", fans.alice, stale=True)
    assert stale.response_type == 7 and stale.content == "Page 2"  # Discord still dispatches

    await synced_bot.http.delete_message(message.channel_id, message.id)
    with pytest.raises(LookupError, match="deleted"):
        await emulator.click(message, "Next", fans.alice, custom_id="baseline:next")
    gone = await emulator.click(message, "Next", fans.alice, stale=True)
    assert gone.failed == "rejected: 10008 Unknown Message"


async def test_only_its_owner_can_click_an_ephemeral_message(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    bob = emulator.add_user("bob", guild=fans.guild)
    pages = await emulator.slash(fans.alice, "/pages", private=True)
    assert pages.ephemeral and pages.message is not None
    with pytest.raises(LookupError, match="ephemeral"):
        await emulator.click(pages.message, "Next", bob)
    turned = await emulator.click(pages.message, "Next", fans.alice)
    assert turned.content == "Page 2" and turned.ephemeral


# -- interaction responses -----------------------------------------------------------------------


async def _unanswered(emu: DiscordEmulator, fans: Fans, itype: int) -> Interaction:
    """An interaction the baseline bot does not answer (its command or custom_id is unknown)."""
    data: dict[str, Any] = {"id": "1", "name": "nothing", "type": 1}
    if itype in (3, 5):
        data = {"custom_id": "nothing", "component_type": 2, "components": []}
    source = emu.new_message(fans.general, {"content": "with buttons"}) if itype == 3 else None
    return await emu._interact(fans.alice, itype, fans.general, data, message=source)


@pytest.mark.parametrize(
    ("itype", "rtype", "accepted"),
    [
        *[(2, 8, False), (2, 6, False), (4, 4, False), (4, 9, False), (3, 8, False)],
        *[(5, 9, False), (2, 9, True), (3, 6, True), (4, 8, True), (5, 5, True)],
    ],
)
async def test_the_response_type_must_fit_the_interaction_type(
    emulator: DiscordEmulator,
    baseline: RunningBot,
    fans: Fans,
    itype: int,
    rtype: int,
    accepted: bool,
) -> None:
    inter = await _unanswered(emulator, fans, itype)
    data: dict[str, Any] = {"choices": []} if rtype == 8 else {}
    if rtype == 9:
        data = {"custom_id": "m", "title": "T", "components": []}
        data["components"] = [
            {"type": 1, "components": [{"type": 4, "custom_id": "s", "label": "S", "style": 1}]}
        ]
    status, _, body = await raw_post(
        emulator, f"/interactions/{inter.id}/{inter.token}/callback", {"type": rtype, "data": data}
    )
    if accepted:
        assert status == 200, body
        return
    assert (status, body["code"]) == (400, 50035)
    assert body["errors"]["type"]["_errors"][0]["code"] == "INTERACTION_RESPONSE_TYPE_INVALID"
    assert inter.response_type is None


# -- messages ------------------------------------------------------------------------------------


async def test_an_edit_that_leaves_the_message_empty_is_refused_with_50006(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    channel = baseline.bot.get_channel(fans.general.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("hello")
    with pytest.raises(discord.HTTPException) as refused:
        await sent.edit(content="")
    assert (refused.value.status, refused.value.code) == (400, 50006)
    await sent.edit(content="", embed=discord.Embed(title="t"))
    assert emulator.messages_in(fans.general)[-1].content == ""
    with pytest.raises(discord.HTTPException) as again:
        await sent.edit(embeds=[])
    assert again.value.code == 50006


@pytest.mark.parametrize("kind", ["roles", "users"])
async def test_allowed_mentions_parse_and_ids_of_one_kind_are_exclusive(
    emulator: DiscordEmulator, fans: Fans, kind: str
) -> None:
    mentions = {"parse": [kind], kind: ["1234567890"]}
    status, _, body = await raw_post(
        emulator,
        f"/channels/{fans.general.id}/messages",
        {"content": "hi", "allowed_mentions": mentions},
    )
    assert (status, body["code"]) == (400, 50035)
    [error] = body["errors"]["allowed_mentions"]["_errors"]
    assert error["code"] == "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"
    fine = {"parse": ["users" if kind == "roles" else "roles"], kind: ["1234567890"]}
    status, _, _ = await raw_post(
        emulator,
        f"/channels/{fans.general.id}/messages",
        {"content": "hi", "allowed_mentions": fine},
    )
    assert status == 200


async def test_integer_enums_accept_integer_strings(emulator: DiscordEmulator, fans: Fans) -> None:
    button = {"type": "2", "style": "1", "label": "Go", "custom_id": "go"}
    path = f"/channels/{fans.general.id}/messages"
    ok = await raw_post(
        emulator, path, {"content": "a", "components": [{"type": "1", "components": [button]}]}
    )
    assert ok[0] == 200, ok[2]
    bad = await raw_post(emulator, path, {"content": "a", "components": [{"type": "x"}]})
    assert (bad[0], bad[2]["code"]) == (400, 50035)


async def test_a_hidden_channel_gives_50001_before_send_messages_gives_50013(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    emulator.set_bot_can_view(fans.muted, False)  # it also denies Send Messages
    messageable = baseline.bot.get_partial_messageable(fans.muted.id)
    with pytest.raises(discord.Forbidden) as hidden:
        await messageable.send("hello?")
    assert (hidden.value.status, hidden.value.code, hidden.value.text) == (
        403,
        50001,
        "Missing Access",
    )
    emulator.set_bot_can_view(fans.muted, True)
    with pytest.raises(discord.Forbidden) as muted:
        await messageable.send("hello?")
    assert muted.value.code == 50013


# -- rate limits and faults ----------------------------------------------------------------------


async def test_interaction_webhooks_are_exempt_from_the_global_rate_limit(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    await emulator.slash(fans.alice, "/ping")
    inter = emulator.interactions[-1]
    emulator.limiter.set_global_limit(1, per=5.0)
    hook = f"/webhooks/{emulator.app_id}/{inter.token}"
    for i in range(3):
        status, _, body = await raw_post(emulator, hook + "?wait=true", {"content": f"more {i}"})
        assert status == 200, body
    status, _, body = await raw_post(
        emulator, hook + "/messages/@original", {"content": "pong!"}, method="PATCH"
    )
    assert status == 200, body
    channel_path = f"/channels/{fans.general.id}/messages"
    assert (await raw_post(emulator, channel_path, {"content": "one"}))[0] == 200
    status, _, body = await raw_post(emulator, channel_path, {"content": "two"})
    assert status == 429 and body["global"] is True


async def test_an_injected_429_is_discord_shaped_and_retried(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    channel = baseline.bot.get_channel(fans.general.id)
    assert isinstance(channel, discord.TextChannel)
    emulator.fail_next(1, status=429, retry_after=0.2)
    start = time.monotonic()
    await channel.send("after a 429")  # a bare 429 would be raised as a Cloudflare ban
    assert time.monotonic() - start >= 0.15
    assert [e.status for e in emulator.errors] == [429]
    assert emulator.messages_in(fans.general)[-1].content == "after a 429"


# -- gateway intents -----------------------------------------------------------------------------


async def test_without_the_message_content_intent_messages_arrive_without_content(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    bot = baseline.bot
    [session] = emulator.gateway.sessions.values()
    assert session.intents == discord.Intents.default().value
    assert not session.intents & discord.Intents(message_content=True).value

    received = asyncio.ensure_future(bot.wait_for("message", timeout=3))
    await emulator.say(fans.alice, fans.general, "the finale was great")
    message = await received
    assert message.content == "" and message.author.id == fans.alice.id

    received = asyncio.ensure_future(bot.wait_for("message", timeout=3))
    await emulator.say(fans.alice, fans.general, f"<@{emulator.bot.id}> hello")
    assert (await received).content == f"<@{emulator.bot.id}> hello"  # it mentions the bot


def test_the_client_refuses_option_values_out_of_bounds() -> None:
    ranged = {"name": "n", "type": 4, "min_value": 1, "max_value": 50}
    with pytest.raises(ValueError, match="refuses"):
        check_option_bounds(ranged, 51)
    check_option_bounds(ranged, 50)
    with pytest.raises(ValueError, match="length"):
        check_option_bounds({"name": "t", "type": 3, "max_length": 3}, "four")
