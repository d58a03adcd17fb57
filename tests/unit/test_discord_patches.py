"""The three places the bot reaches inside discord.py still exist and still work.

discord.py has no public hook for any of them, so an upgrade could rename one silently:
``HTTPClient.request`` (wrapped per client by ``bot/discord_pacing.py``), ``Route.BASE`` and
``DiscordWebSocket.DEFAULT_GATEWAY`` (both set by ``bot/discord_urls.py``). These tests use a
real ``discord.Client`` against a tiny local stand-in for Discord on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field

import discord
import pytest
import yarl
from aiohttp import WSMsgType, web
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route

from bot.discord_pacing import RequestPacer, counts_toward_the_global_limit, pace_requests
from bot.discord_urls import point_discord_at

BOT_USER = {"id": "100", "username": "fanbot", "discriminator": "0", "avatar": None, "bot": True}


def as_discord_json(payload: object) -> web.Response:
    """discord.py decodes a body only when the type is exactly ``application/json``."""
    body = json.dumps(payload).encode()
    return web.Response(body=body, headers={"Content-Type": "application/json"})


@dataclass
class LocalDiscord:
    """Answers ``GET /users/@me`` and ``GET /channels/{id}``; greets gateway connections."""

    url: str = ""
    requests: list[str] = field(default_factory=list)
    gateway_queries: list[dict[str, str]] = field(default_factory=list)
    identified: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def api_base_url(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"{self.url.replace('http', 'ws', 1)}/gateway"

    async def wait_for_requests(self, count: int) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: len(self.requests) >= count), 5)

    async def _note(self, request: web.Request) -> None:
        async with self.changed:
            self.requests.append(request.path)
            self.changed.notify_all()

    async def me(self, request: web.Request) -> web.Response:
        await self._note(request)
        return as_discord_json(BOT_USER)

    async def channel(self, request: web.Request) -> web.Response:
        await self._note(request)
        return as_discord_json({"id": request.match_info["channel_id"]})

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        self.gateway_queries.append(dict(request.query))
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        async for message in socket:
            if message.type is WSMsgType.TEXT and json.loads(message.data)["op"] == 2:
                self.identified.set()
        return socket


@pytest.fixture
async def local_discord() -> AsyncIterator[LocalDiscord]:
    stand_in = LocalDiscord()
    app = web.Application()
    app.router.add_get("/api/v10/users/@me", stand_in.me)
    app.router.add_get("/api/v10/channels/{channel_id}", stand_in.channel)
    app.router.add_get("/gateway", stand_in.gateway)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    stand_in.url = f"http://127.0.0.1:{port}"
    restore = point_discord_at(stand_in.api_base_url, stand_in.gateway_url)
    try:
        yield stand_in
    finally:
        restore()
        await runner.cleanup()


@pytest.fixture
async def client() -> AsyncIterator[discord.Client]:
    bot = discord.Client(intents=discord.Intents.none())
    try:
        yield bot
    finally:
        await bot.close()


def frozen_clock() -> float:
    """Time stands still: no token comes back on its own."""
    return 0.0


class HeldSleep:
    """A pacer sleep that holds every waiting request until the test releases them."""

    def __init__(self) -> None:
        self.holding = asyncio.Event()
        self.released = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.holding.set()
        await self.released.wait()


def test_discord_py_still_has_the_attributes_the_bot_patches() -> None:
    assert inspect.iscoroutinefunction(HTTPClient.request)
    assert list(inspect.signature(HTTPClient.request).parameters)[:2] == ["self", "route"]
    assert isinstance(Route.BASE, str) and Route.BASE.startswith("https://discord.com/api/v")
    assert isinstance(DiscordWebSocket.DEFAULT_GATEWAY, yarl.URL)


def test_routes_are_built_on_the_pointed_base_until_restored() -> None:
    original = Route.BASE
    restore = point_discord_at("http://127.0.0.1:9/api/v10/", None)
    try:
        assert Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
    finally:
        restore()
    assert original == Route.BASE
    assert Route("GET", "/users/@me").url == f"{original}/users/@me"


async def test_rest_requests_reach_the_pointed_base_url(
    local_discord: LocalDiscord, client: discord.Client
) -> None:
    me = await client.http.static_login("token")
    channel = await client.http.request(Route("GET", "/channels/{channel_id}", channel_id=7))

    assert me["username"] == "fanbot" and channel == {"id": "7"}
    assert local_discord.requests == ["/api/v10/users/@me", "/api/v10/channels/7"]


async def test_the_gateway_connects_to_the_pointed_url(
    local_discord: LocalDiscord, client: discord.Client
) -> None:
    await client.http.static_login("token")

    socket = await asyncio.wait_for(DiscordWebSocket.from_client(client, initial=True), 5)
    try:
        await asyncio.wait_for(local_discord.identified.wait(), 5)
    finally:
        await socket.close(code=1000)

    [query] = local_discord.gateway_queries
    assert query["v"] == "10" and query["encoding"] == "json"


async def test_paced_requests_wait_in_the_pacer_before_reaching_discord(
    local_discord: LocalDiscord, client: discord.Client
) -> None:
    held = HeldSleep()
    pace_requests(client, RequestPacer(48.0, 2, clock=frozen_clock, sleep=held))
    await client.http.static_login("token")  # login is paced too: one of the two tokens

    def get_channel(number: int) -> Awaitable[dict[str, str]]:
        return client.http.request(Route("GET", "/channels/{channel_id}", channel_id=number))

    requests = [asyncio.ensure_future(get_channel(n)) for n in (1, 2, 3)]
    await local_discord.wait_for_requests(2)
    await asyncio.wait_for(held.holding.wait(), 5)

    assert local_discord.requests == ["/api/v10/users/@me", "/api/v10/channels/1"]
    held.released.set()
    answers = await asyncio.wait_for(asyncio.gather(*requests), 5)
    assert answers == [{"id": "1"}, {"id": "2"}, {"id": "3"}]
    assert sorted(local_discord.requests[2:]) == ["/api/v10/channels/2", "/api/v10/channels/3"]


def test_only_rest_requests_outside_interactions_count_toward_the_global_limit() -> None:
    restore = point_discord_at("http://127.0.0.1:9/api/v10/", None)
    try:
        base = "http://127.0.0.1:9/api/v10"
        assert counts_toward_the_global_limit(f"{base}/channels/7/messages")
        assert counts_toward_the_global_limit(f"{base}/users/@me")
        assert not counts_toward_the_global_limit(f"{base}/interactions/1/token/callback")
        assert not counts_toward_the_global_limit(f"{base}/webhooks/1/token/messages/@original")
        assert not counts_toward_the_global_limit("ws://127.0.0.1:9/gateway?v=10")
        assert not counts_toward_the_global_limit("https://api.tvmaze.com/shows/1")
    finally:
        restore()
