"""The emulator enforces Discord's rules on an unmodified discord.py bot (the baseline bot)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands
from discord.http import Route

from tests.e2e.conftest import Fans
from tests.emulator import DiscordEmulator
from tests.emulator.actions import check_option_bounds
from tests.emulator.baseline import BaselineBot, RunningBot, make_baseline_bot, start_bot
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


# == fidelity fixes (research/emulator-fidelity.md) ============================================


async def raw_request(
    emu: DiscordEmulator, method: str, path: str, body: object = None
) -> tuple[int, dict[str, str], Any]:
    """A request outside discord.py: status, headers and the JSON body (None for 204)."""
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method,
            emu.api_base_url + path,
            json=body,
            headers={"Authorization": "Bot " + emu.token},
        ) as resp,
    ):
        data = await resp.json() if resp.status != 204 else None
        return resp.status, dict(resp.headers), data


class RawGateway:
    """A bare gateway client: what exactly reaches a session with the given intents."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, http: aiohttp.ClientSession) -> None:
        self.ws, self.http = ws, http
        self.dispatches: list[tuple[str, Any]] = []
        self.session_id = ""

    @classmethod
    async def open(cls, emu: DiscordEmulator) -> RawGateway:
        http = aiohttp.ClientSession()
        ws = await http.ws_connect(emu.gateway_url)
        hello = await ws.receive_json(timeout=3)
        assert hello["op"] == 10
        return cls(ws, http)

    async def identify(self, emu: DiscordEmulator, intents: int) -> None:
        await self.ws.send_json({"op": 2, "d": {"token": emu.token, "intents": intents}})
        ready = await self.until("READY")
        self.session_id = ready["session_id"]

    async def until(self, event: str) -> Any:
        """Collect dispatches up to ``event``; its data."""
        while True:
            frame = await self.ws.receive_json(timeout=3)
            if frame["op"] == 0:
                self.dispatches.append((frame["t"], frame["d"]))
                if frame["t"] == event:
                    return frame["d"]

    def received(self, event: str) -> list[Any]:
        return [d for t, d in self.dispatches if t == event]

    async def close(self, code: int = 1000) -> None:
        await self.ws.close(code=code)
        await self.http.close()


async def _marker(emu: DiscordEmulator, fans: Fans) -> None:
    """An INTERACTION_CREATE (it needs no intent): whatever was sent before it has arrived."""
    await _unanswered(emu, fans, 2)


# -- gateway intents (A1, A21) --------------------------------------------------------------------


async def test_a_session_gets_only_the_events_of_the_intents_it_identified_with(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    none, guilds_only = await RawGateway.open(emulator), await RawGateway.open(emulator)
    messages = await RawGateway.open(emulator)
    try:
        await none.identify(emulator, 0)
        await guilds_only.identify(emulator, 1 << 0)
        await messages.identify(emulator, 1 << 0 | 1 << 9)
        await emulator.say(fans.alice, fans.general, "hello")
        await _marker(emulator, fans)
        for client in (none, guilds_only, messages):
            await client.until("INTERACTION_CREATE")
        assert none.received("GUILD_CREATE") == []  # GUILDS (1 << 0)
        assert len(guilds_only.received("GUILD_CREATE")) == 1
        assert guilds_only.received("MESSAGE_CREATE") == []  # GUILD_MESSAGES (1 << 9)
        assert [m["author"]["id"] for m in messages.received("MESSAGE_CREATE")] == [
            str(fans.alice.id)
        ]
    finally:
        for client in (none, guilds_only, messages):
            await client.close()


async def test_dm_messages_need_the_direct_messages_intent_not_guild_messages(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    guild_messages, direct = await RawGateway.open(emulator), await RawGateway.open(emulator)
    try:
        await guild_messages.identify(emulator, 1 << 0 | 1 << 9)
        await direct.identify(emulator, 1 << 0 | 1 << 12)
        status, _, dm = await raw_request(
            emulator, "POST", "/users/@me/channels", {"recipient_id": str(fans.alice.id)}
        )
        assert status == 200
        status, _, _ = await raw_request(
            emulator, "POST", f"/channels/{dm['id']}/messages", {"content": "a DM"}
        )
        assert status == 200
        await _marker(emulator, fans)
        for client in (guild_messages, direct):
            await client.until("INTERACTION_CREATE")
        assert guild_messages.received("MESSAGE_CREATE") == []
        assert [m["content"] for m in direct.received("MESSAGE_CREATE")] == ["a DM"]
    finally:
        await guild_messages.close()
        await direct.close()


async def test_a_privileged_intent_not_enabled_in_the_portal_stops_discord_py_with_4014(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    emulator.privileged_intents_enabled = False
    intents = discord.Intents.default()
    intents.message_content = True
    bot = BaselineBot(command_prefix=commands.when_mentioned, intents=intents)
    with pytest.raises(RuntimeError, match="before ready") as failed:
        await start_bot(bot, emulator)
    assert isinstance(failed.value.__cause__, discord.PrivilegedIntentsRequired)
    assert emulator.gateway.count("CLOSE:4014") == 1 and emulator.gateway.count("READY") == 0

    emulator.privileged_intents_enabled = True  # the operator enables it in the portal
    running = await start_bot(make_baseline_bot(), emulator)  # default intents: none privileged
    await running.stop()


# -- gateway sessions (A23) -----------------------------------------------------------------------


async def test_a_client_closing_with_1000_ends_its_session_and_cannot_resume(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    first = await RawGateway.open(emulator)
    await first.identify(emulator, 1 << 0)
    await first.close(1000)
    await emulator.gateway.wait_for("CLIENT_CLOSE:1000")
    second = await RawGateway.open(emulator)
    try:
        await second.ws.send_json(
            {"op": 6, "d": {"token": emulator.token, "session_id": first.session_id, "seq": 1}}
        )
        invalid = await second.ws.receive_json(timeout=3)
        assert (invalid["op"], invalid["d"]) == (9, False)
    finally:
        await second.close()


@pytest.mark.parametrize("code", [4007, 4009])
async def test_a_drop_with_4007_or_4009_is_not_resumable_and_discord_py_identifies_anew(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans, code: int
) -> None:
    assert isinstance(synced_bot, BaselineBot)
    synced_bot.reidentify_delay = 0.0
    await emulator.drop_gateway(code)
    await emulator.gateway.wait_for("READY", count=2)
    assert emulator.gateway.count("RESUMED") == 0 and emulator.gateway.count("IDENTIFY") == 2
    assert (await emulator.slash(fans.alice, "/ping")).content == "pong"


async def test_a_session_disconnected_longer_than_the_resume_timeout_cannot_resume(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    assert isinstance(synced_bot, BaselineBot)
    synced_bot.reidentify_delay = 0.0
    emulator.session_resume_timeout = 0.0  # every disconnected session has timed out
    await emulator.drop_gateway()  # 4000: resumable, if it had not timed out
    await emulator.gateway.wait_for("READY", count=2)
    assert emulator.gateway.count("SESSION_TIMEOUT") == 1
    assert emulator.gateway.count("RESUMED") == 0


# -- components (A2) ------------------------------------------------------------------------------

_GO = {"type": 2, "style": 1, "label": "Go", "custom_id": "go"}


@pytest.mark.parametrize(
    ("rows", "where", "code"),
    [
        pytest.param(
            [{"type": 1, "components": [_GO, {**_GO, "label": "Again"}]}],
            ["components", "0", "components", "1", "custom_id"],
            "COMPONENT_CUSTOM_ID_DUPLICATED",
            id="same-row",
        ),
        pytest.param(
            [{"type": 1, "components": [_GO]}, {"type": 1, "components": [_GO]}],
            ["components", "1", "components", "0", "custom_id"],
            "COMPONENT_CUSTOM_ID_DUPLICATED",
            id="across-rows",
        ),
        pytest.param(
            [{"type": 1, "id": 7, "components": [{**_GO, "id": 7}]}],
            ["components", "0", "components", "0", "id"],
            "COMPONENT_ID_DUPLICATED",
            id="same-id",
        ),
    ],
)
async def test_components_of_one_message_must_not_share_a_custom_id_or_an_id(
    emulator: DiscordEmulator, fans: Fans, rows: list[Any], where: list[str], code: str
) -> None:
    status, _, body = await raw_request(
        emulator,
        "POST",
        f"/channels/{fans.general.id}/messages",
        {"content": "pick", "components": rows},
    )
    assert (status, body["code"]) == (400, 50035)
    node = body["errors"]
    for key in where:
        node = node[key]
    assert node["_errors"][0]["code"] == code
    assert emulator.messages_in(fans.general) == []


async def test_a_callback_or_a_modal_with_duplicate_custom_ids_is_refused_under_data(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    inter = await _unanswered(emulator, fans, 2)
    callback = f"/interactions/{inter.id}/{inter.token}/callback"
    row = {"type": 1, "components": [_GO, {**_GO, "label": "Again"}]}
    status, _, body = await raw_request(
        emulator, "POST", callback, {"type": 4, "data": {"content": "x", "components": [row]}}
    )
    assert (status, body["code"]) == (400, 50035)
    dup = body["errors"]["data"]["components"]["0"]["components"]["1"]["custom_id"]
    assert dup["_errors"][0]["code"] == "COMPONENT_CUSTOM_ID_DUPLICATED"

    text = {"type": 4, "custom_id": "s", "label": "Score", "style": 1}
    modal = {
        "custom_id": "m",
        "title": "Rate",
        "components": [{"type": 1, "components": [text]}, {"type": 1, "components": [text]}],
    }
    status, _, body = await raw_request(emulator, "POST", callback, {"type": 9, "data": modal})
    assert (status, body["code"]) == (400, 50035)
    dup = body["errors"]["data"]["components"]["1"]["components"]["0"]["custom_id"]
    assert dup["_errors"][0]["code"] == "COMPONENT_CUSTOM_ID_DUPLICATED"
    assert inter.response_type is None  # still open for a corrected answer


# -- trimmed text (A4, R2) ------------------------------------------------------------------------


async def test_whitespace_only_content_is_an_empty_message_and_a_blank_field_is_refused(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    path = f"/channels/{fans.general.id}/messages"
    status, _, body = await raw_request(emulator, "POST", path, {"content": "  \n "})
    assert (status, body["code"]) == (400, 50006)

    blank = {"title": "Soundtrack #1", "fields": [{"name": "Platform", "value": "  "}]}
    status, _, body = await raw_request(emulator, "POST", path, {"embeds": [blank]})
    assert (status, body["code"]) == (400, 50035)
    value = body["errors"]["embeds"]["0"]["fields"]["0"]["value"]
    assert value["_errors"][0]["code"] == "BASE_TYPE_MIN_LENGTH"


async def test_embed_limits_count_text_without_its_surrounding_whitespace(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    path = f"/channels/{fans.general.id}/messages"
    embed = {"title": "t" * 256 + "\n", "description": " " + "d" * 4096 + " "}
    status, _, body = await raw_request(emulator, "POST", path, {"embeds": [embed]})
    assert status == 200, body
    status, _, body = await raw_request(emulator, "POST", path, {"content": "c" * 2000 + "\n\n"})
    assert status == 200, body


# -- enforce_nonce (A5, A6) -----------------------------------------------------------------------


async def _send_with_nonce(
    emu: DiscordEmulator, channel_id: int, content: str, nonce: str
) -> tuple[int, Any]:
    status, _, body = await raw_request(
        emu,
        "POST",
        f"/channels/{channel_id}/messages",
        {"content": content, "nonce": nonce, "enforce_nonce": True},
    )
    return status, body


async def test_enforce_nonce_whose_message_was_deleted_answers_10008_and_recreates_nothing(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    status, first = await _send_with_nonce(emulator, fans.general.id, "Episode 2", "ep2")
    assert status == 200 and first["nonce"] == "ep2"
    [message] = emulator.messages_in(fans.general)
    await emulator.delete_message(message)  # a moderator deletes the announcement
    status, body = await _send_with_nonce(emulator, fans.general.id, "Episode 2", "ep2")
    assert (status, body["code"], body["message"]) == (404, 10008, "Unknown Message")
    assert emulator.messages_in(fans.general) == []

    emulator.forget_nonces()  # the nonce memory has passed
    status, body = await _send_with_nonce(emulator, fans.general.id, "Episode 2", "ep2")
    assert status == 200 and body["id"] != first["id"]


async def test_enforce_nonce_dedupes_per_author_across_channels_within_the_window(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    status, first = await _send_with_nonce(emulator, fans.general.id, "Episode 3", "ep3")
    assert status == 200
    status, again = await _send_with_nonce(emulator, fans.announcements.id, "Episode 3", "ep3")
    assert status == 200 and again["id"] == first["id"]  # the earlier message, in #general
    assert again["channel_id"] == str(fans.general.id)
    assert emulator.messages_in(fans.announcements) == []

    emulator.nonce_window_seconds = 0.0  # the window has passed for everything sent so far
    status, later = await _send_with_nonce(emulator, fans.announcements.id, "Episode 3", "ep3")
    assert status == 200 and later["channel_id"] == str(fans.announcements.id)


# -- interaction responses (A7, A9) ---------------------------------------------------------------


async def test_an_autocomplete_choice_string_value_over_100_characters_is_refused(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    inter = await _unanswered(emulator, fans, 4)
    status, _, body = await raw_request(
        emulator,
        "POST",
        f"/interactions/{inter.id}/{inter.token}/callback",
        {"type": 8, "data": {"choices": [{"name": "Vincenzo", "value": "v" * 101}]}},
    )
    assert (status, body["code"]) == (400, 50035)
    value = body["errors"]["data"]["choices"]["0"]["value"]
    assert value["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"


async def test_an_interaction_token_reaches_only_the_messages_sent_under_it(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    first = await emulator.slash(fans.alice, "/ping")
    second = await emulator.slash(fans.alice, "/ping")
    assert first.message is not None and second.message is not None
    hook = f"/webhooks/{emulator.app_id}/{second.interaction.token}/messages"
    channel_message = emulator.new_message(fans.general, {"content": "someone else's"})
    for other in (first.message, channel_message):
        for method, body in (("GET", None), ("PATCH", {"content": "hijacked"}), ("DELETE", None)):
            status, _, answer = await raw_request(emulator, method, f"{hook}/{other.id}", body)
            assert (status, answer["code"]) == (404, 10008), (method, other.content)
    assert first.content == "pong" and not first.message.deleted

    status, _, edited = await raw_request(
        emulator, "PATCH", f"{hook}/{second.message.id}", {"content": "pong!"}
    )
    assert status == 200 and edited["content"] == "pong!"


# -- command definitions (A15, A16, A18, R1) ------------------------------------------------------


def _option(**extra: Any) -> dict[str, Any]:
    return {"name": "drama", "description": "Which drama", "type": 3, **extra}


def _command(**extra: Any) -> dict[str, Any]:
    return {"name": "quiz", "description": "A quiz", "type": 1, **extra}


@pytest.mark.parametrize(
    ("definition", "code"),
    [
        pytest.param(
            _command(options=[_option(autocomplete=True, choices=[{"name": "A", "value": "a"}])]),
            "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES_EXCLUSIVE",
            id="autocomplete-and-choices",
        ),
        pytest.param(
            _command(options=[_option(type=6, autocomplete=True)]),
            "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID",
            id="autocomplete-on-a-user-option",
        ),
        pytest.param(
            _command(options=[_option(type=5, choices=[{"name": "yes", "value": True}])]),
            "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
            id="choices-on-a-boolean",
        ),
        pytest.param(
            {"name": "Report", "type": 2, "options": [_option()]},
            "APPLICATION_COMMAND_OPTIONS_INVALID",
            id="options-on-a-user-command",
        ),
        pytest.param(
            _command(name_localizations={"xx-XX": "kuis"}),
            "ENUM_TYPE_COERCE",
            id="unknown-locale",
        ),
        pytest.param(
            _command(name_localizations={"id": "Kuis Drama"}),
            "APPLICATION_COMMAND_INVALID_NAME",
            id="localized-name-breaking-the-name-rules",
        ),
        pytest.param(
            _command(description_localizations={"ko": "퀴즈" * 51}),
            "BASE_TYPE_MAX_LENGTH",
            id="localized-description-over-100",
        ),
        pytest.param(
            _command(options=[_option(name_localizations={"ko": "드라마 이름"})]),
            "APPLICATION_COMMAND_INVALID_NAME",
            id="localized-option-name-with-a-space",
        ),
    ],
)
async def test_command_definitions_discord_refuses_are_refused_with_50035(
    emulator: DiscordEmulator, baseline: RunningBot, definition: dict[str, Any], code: str
) -> None:
    with pytest.raises(discord.HTTPException) as refused:
        await baseline.bot.http.bulk_upsert_global_commands(emulator.app_id, [definition])
    assert (refused.value.status, refused.value.code) == (400, 50035)
    errors = emulator.errors[-1].errors
    assert errors is not None and code in str(errors["0"])
    assert emulator.command_puts == 0


async def test_a_command_over_8000_characters_is_refused_as_too_large(
    emulator: DiscordEmulator, baseline: RunningBot
) -> None:
    choices = [{"name": f"{i:02}" + "n" * 98, "value": f"{i:02}" + "v" * 98} for i in range(25)]
    big = _command(
        options=[_option(name=f"o{i}", description="d" * 100, choices=choices) for i in range(2)]
    )
    with pytest.raises(discord.HTTPException) as refused:
        await baseline.bot.http.bulk_upsert_global_commands(emulator.app_id, [big])
    assert refused.value.code == 50035
    errors = emulator.errors[-1].errors
    assert errors is not None
    assert errors["0"]["_errors"] == [
        {"code": "APPLICATION_COMMAND_TOO_LARGE", "message": "Command exceeds maximum size (8000)"}
    ]
    small = _command(options=[_option(description="d" * 100, choices=choices)])  # ~5 100 chars
    await baseline.bot.http.bulk_upsert_global_commands(emulator.app_id, [small])


async def test_at_most_15_user_and_15_message_commands(
    emulator: DiscordEmulator, baseline: RunningBot
) -> None:
    users = [{"name": f"User action {i}", "type": 2} for i in range(15)]
    messages = [{"name": f"Message action {i}", "type": 3} for i in range(15)]
    await baseline.bot.http.bulk_upsert_global_commands(emulator.app_id, users + messages)
    with pytest.raises(discord.HTTPException) as refused:
        await baseline.bot.http.bulk_upsert_global_commands(
            emulator.app_id, [*users, {"name": "One too many", "type": 2}]
        )
    assert refused.value.code == 50035
    assert emulator.command_puts == 1


async def test_command_names_follow_discords_regex_with_apostrophes_devanagari_and_thai(
    emulator: DiscordEmulator, baseline: RunningBot
) -> None:
    names = ["don't", "नमस्ते", "สวัสดี", "드라마", "episode-2_guide"]
    localized = _command(
        name_localizations={"hi": "नमस्ते", "th": "สวัสดี", "ko": "퀴즈"},
        description_localizations={"id": "Kuis drama", "ko": "드라마 퀴즈"},
    )
    definitions = [_command(name=n) for n in names] + [localized]
    stored = await baseline.bot.http.bulk_upsert_global_commands(emulator.app_id, definitions)
    assert [c["name"] for c in stored] == [*names, "quiz"]


async def test_default_member_permissions_0_shows_a_command_to_administrators_only(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    @app_commands.command(name="purge", description="Deletes the bot's messages")
    @app_commands.default_permissions()  # "0"
    async def purge(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("purged", ephemeral=True)

    synced_bot.tree.add_command(purge)
    await synced_bot.tree.sync()
    [stored] = [c for c in emulator.commands() if c["name"] == "purge"]
    assert stored["default_member_permissions"] == "0"
    moderator = emulator.add_user("mod", guild=fans.guild, manage_guild=True, permissions=1 << 13)
    with pytest.raises(PermissionError):
        await emulator.slash(moderator, "/purge")
    admin = emulator.add_user("admin", guild=fans.guild, admin=True)
    assert (await emulator.slash(admin, "/purge")).content == "purged"


# -- message history (R4, A24) --------------------------------------------------------------------


async def test_message_history_honours_before_after_around_and_limit_newest_first(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    sent = [await emulator.say(fans.alice, fans.general, f"m{i}") for i in range(6)]
    ids = [m.id for m in sent]
    base = f"/channels/{fans.general.id}/messages"
    emulator.set_route_limit("GET /channels/{channel_id}/messages", 50, 1.0)  # raw: no retry

    async def page(query: str) -> list[str]:
        status, _, body = await raw_request(emulator, "GET", f"{base}?{query}")
        assert status == 200, body
        return [m["content"] for m in body]

    assert await page("limit=2") == ["m5", "m4"]
    assert await page(f"before={ids[3]}") == ["m2", "m1", "m0"]
    assert await page(f"before={ids[0]}") == []
    assert await page(f"after={ids[1]}&limit=2") == ["m3", "m2"]  # right after, newest first
    assert await page(f"around={ids[3]}&limit=3") == ["m4", "m3", "m2"]
    assert len(await page("")) == 6  # default 50
    for bad in ("limit=0", "limit=101", f"before={ids[3]}&after={ids[1]}"):
        status, _, body = await raw_request(emulator, "GET", f"{base}?{bad}")
        assert (status, body["code"]) == (400, 50035), bad


async def test_discord_py_history_pages_through_more_than_100_messages(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    for i in range(120):
        await emulator.say(fans.alice, fans.general, f"line {i}")
    channel = baseline.bot.get_channel(fans.general.id)
    assert isinstance(channel, discord.TextChannel)
    newest_first = [m.content async for m in channel.history(limit=None)]
    assert newest_first == [f"line {i}" for i in reversed(range(120))]
    oldest_first = [m.content async for m in channel.history(limit=None, oldest_first=True)]
    assert oldest_first == [f"line {i}" for i in range(120)]


async def test_without_read_message_history_the_bot_gets_no_messages_and_unseen_is_50001(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    await emulator.say(fans.alice, fans.general, "before the overwrite")
    path = f"/channels/{fans.general.id}/messages"
    emulator.set_bot_can_read_history(fans.general, False)
    assert (await raw_request(emulator, "GET", path))[::2] == (200, [])
    emulator.set_bot_can_view(fans.general, False)
    status, _, body = await raw_request(emulator, "GET", path)
    assert (status, body["code"]) == (403, 50001)
    emulator.set_bot_can_view(fans.general, True)
    emulator.set_bot_can_read_history(fans.general, True)
    status, _, body = await raw_request(emulator, "GET", path)
    assert status == 200 and [m["content"] for m in body] == ["before the overwrite"]


# -- MESSAGE_CREATE shape (R5) --------------------------------------------------------------------


async def test_message_create_carries_the_authors_member_the_channel_type_and_the_nonce(
    emulator: DiscordEmulator, baseline: RunningBot, fans: Fans
) -> None:
    bot = baseline.bot
    received = asyncio.ensure_future(bot.wait_for("message", timeout=3))
    await emulator.say(fans.alice, fans.general, "hi")
    message = await received
    assert isinstance(message.author, discord.Member)  # not cached, built from `member`
    [session] = emulator.gateway.sessions.values()
    created = json.loads(session.log[-1][1])["d"]
    assert created["channel_type"] == 0 and "user" not in created["member"]

    channel = bot.get_channel(fans.general.id)
    assert isinstance(channel, discord.TextChannel)
    own = asyncio.ensure_future(bot.wait_for("message", check=lambda m: m.author == bot.user))
    await channel.send("announcement", nonce="ep4")
    assert (await asyncio.wait_for(own, 3)).nonce == "ep4"


# -- outages (fail_for) ---------------------------------------------------------------------------


async def test_an_outage_refuses_rest_but_interaction_responses_keep_working(
    emulator: DiscordEmulator, synced_bot: commands.Bot, fans: Fans
) -> None:
    emulator.fail_for(60, route_contains="/channels/")
    path = f"/channels/{fans.general.id}/messages"
    status, _, body = await raw_request(emulator, "POST", path, {"content": "during"})
    assert (status, body) == (503, {"message": "503: Service Unavailable", "code": 0})
    assert (await raw_request(emulator, "GET", "/users/@me"))[0] == 200  # not matched
    assert (await emulator.slash(fans.alice, "/ping")).content == "pong"  # callback: exempt
    assert emulator.refused_by_status == {503: 1}
    assert [r.route for r in emulator.refused_requests] == [MESSAGES]

    emulator.stop_failing()
    assert (await raw_request(emulator, "POST", path, {"content": "after"}))[0] == 200


async def test_a_429_outage_is_discord_shaped(emulator: DiscordEmulator, fans: Fans) -> None:
    emulator.fail_for(60, 429, retry_after=2.5)
    status, headers, body = await raw_request(emulator, "GET", f"/channels/{fans.general.id}")
    assert status == 429 and body["retry_after"] == 2.5 and body["global"] is False
    assert headers["Via"] and headers["X-RateLimit-Scope"] == "user"
    assert emulator.refused_by_status == {429: 1}


# -- the harness ----------------------------------------------------------------------------------


async def test_a_crash_of_the_bots_connect_task_surfaces_when_it_is_stopped(
    emulator: DiscordEmulator, fans: Fans
) -> None:
    running = await start_bot(make_baseline_bot(), emulator)
    await emulator.drop_gateway(4004)  # authentication failed: discord.py gives up and raises
    await asyncio.wait({running.task}, timeout=5)
    with pytest.raises(RuntimeError, match="crashed"):
        await running.stop()
