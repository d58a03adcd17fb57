"""A local TVmaze: an aiohttp server on 127.0.0.1 answering recorded-shape bodies.

Tests set what each path answers (``answer``), make it fail (``fail``), slow (``delay``)
and read what the bot asked (``requests``). The bot's real client talks to it through
``FANBOT_TVMAZE_URL``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MAX_AGE = {"Cache-Control": "public, max-age=3600"}  # as TVmaze (FlexGet cassette)


@dataclass
class Seen:
    path: str
    query: str
    user_agent: str


@dataclass
class Canned:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class TvmazeReplay:
    def __init__(self) -> None:
        self._answers: dict[str, Canned] = {}
        self._failures: dict[str, list[Canned]] = {}
        self.requests: list[Seen] = []
        self.delay_seconds = 0.0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> TvmazeReplay:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def answer(
        self, path: str, data: Any, *, status: int = 200, cache: bool = True, age: int = 0
    ) -> None:
        """``age``: seconds an edge cache had held the answer already (the ``Age`` header)."""
        headers = {"Content-Type": "application/json; charset=UTF-8", **(MAX_AGE if cache else {})}
        if age:
            headers["Age"] = str(age)
        self._answers[path] = Canned(status, json.dumps(data).encode(), headers)

    def answer_raw(self, path: str, body: bytes, *, status: int = 200) -> None:
        self._answers[path] = Canned(status, body, {"Content-Type": "application/json"})

    def fail(
        self, path: str, status: int, times: int = 1, headers: dict[str, str] | None = None
    ) -> None:
        self._failures.setdefault(path, []).extend(
            Canned(status, b"", headers or {}) for _ in range(times)
        )

    def calls(self, path_prefix: str = "") -> int:
        return sum(1 for r in self.requests if r.path.startswith(path_prefix))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            Seen(request.path, request.query_string, request.headers.get("User-Agent", ""))
        )
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        failures = self._failures.get(request.path)
        canned = failures.pop(0) if failures else self._answers.get(request.path)
        if canned is None:  # TVmaze: 404 with an empty body (FlexGet cassette)
            return web.Response(status=404, body=b"")
        return web.Response(status=canned.status, body=canned.body, headers=canned.headers)
