"""REST plumbing: routing by spec path template, faults, rate limits, validation, recording.

Responses are built from bytes with ``Content-Type: application/json`` exactly, because
discord.py parses JSON only for that exact header (aiohttp's ``json_response`` appends a
charset and discord.py would then see a string).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .ratelimit import rate_limited
from .rules import DiscordError, trimmed_for_checks
from .state import RecordedError, RecordedRequest, Stamp

if TYPE_CHECKING:
    from .driver import DiscordEmulator

Handler = Callable[["Call"], Awaitable[Any]]
NO_CONTENT = object()
#: Discord's major parameters: a bucket is per route *and* these (a webhook per id + token, so
#: each interaction's followups have their own buckets).
MAJOR = ("channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id")


@dataclass
class Call:
    """One request as the handlers see it."""

    emu: DiscordEmulator
    request: web.Request
    params: dict[str, str]
    body: Any
    query: dict[str, str]
    received: Stamp  # when the request arrived, before the emulator's own checks

    def int_param(self, name: str) -> int:
        value = self.params[name]
        if not value.isdigit():
            raise DiscordError(404, 0, "404: Not Found")
        return int(value)


@dataclass
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"


class Router:
    """Matches ``METHOD /path`` to a handler; templates are the OpenAPI spec's paths."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Route]] = {}

    def add(self, method: str, template: str, handler: Handler) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template.replace(".", r"\."))
        route = Route(method, template, re.compile(f"^{regex}$"), handler)
        self.routes.setdefault(method, []).append(route)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes.get(method, ()):
            m = route.pattern.match(path)
            if m:
                return route, m.groupdict()
        return None


def json_bytes(status: int, data: Any, headers: dict[str, str] | None = None) -> web.Response:
    hdrs = dict(headers or {})
    if data is NO_CONTENT:
        return web.Response(status=204, headers=hdrs)
    hdrs["Content-Type"] = "application/json"
    return web.Response(status=status, body=json.dumps(data).encode(), headers=hdrs)


@dataclass
class Failure:
    """An injected refusal: the status and, for a 429, its ``retry_after``."""

    status: int
    retry_after: float


class Faults:
    """Failures on demand: the next N requests, or every request for a while (except those
    under an interaction token), fail with a status; responses can be delayed."""

    def __init__(self) -> None:
        self.fail_count = 0
        self.fail_status = 500
        self.retry_after = 0.1  # of an injected 429
        self.delay = 0.0
        self.delay_after = 0.0  # after a request was carried out: it landed, the answer is late
        self.window_until = 0.0  # time.monotonic() until which ``window_status`` is answered
        self.window_status = 503
        self.window_route: str | None = None
        self.window_retry_after = 1.0

    def take_failure(self, path: str, under_interaction_token: bool) -> Failure | None:
        if self.fail_count > 0:
            self.fail_count -= 1
            return Failure(self.fail_status, self.retry_after)
        if (
            time.monotonic() < self.window_until
            and not under_interaction_token
            and (self.window_route is None or self.window_route in path)
        ):
            return Failure(self.window_status, self.window_retry_after)
        return None


def failure_body(status: int) -> dict[str, Any]:
    """What Discord's edge answers for a 5xx: a message naming the status, code 0."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return {"message": f"{status}: {phrase}", "code": 0}


class RestApi:
    """The ``/api/v10/...`` catch-all: every request is routed, limited, checked, recorded."""

    def __init__(self, emu: DiscordEmulator, router: Router) -> None:
        self.emu = emu
        self.router = router
        self.faults = Faults()

    async def handle(self, request: web.Request) -> web.Response:
        start = time.monotonic()
        method, path = request.method, "/" + request.match_info["tail"]
        found = self.router.match(method, path)
        route = found[0] if found else None
        response = await self._respond(request, method, path, found)
        self.emu.world.requests.append(
            RecordedRequest(
                Stamp(),
                method,
                path,
                route.key if route else None,
                response.status,
                time.monotonic() - start,
            )
        )
        return response

    async def _respond(
        self,
        request: web.Request,
        method: str,
        path: str,
        found: tuple[Route, dict[str, str]] | None,
    ) -> web.Response:
        world = self.emu.world
        if self.faults.delay > 0:
            await asyncio.sleep(self.faults.delay)
        # Interaction callbacks, followups and @original edits: exempt from the global limit
        # and from ``fail_for`` outages.
        under_token = found is not None and (
            found[0].template.startswith("/interactions/")
            or found[1].get("webhook_token", "") in self.emu.by_token
        )
        failure = self.faults.take_failure(path, under_token)
        if failure is not None:
            world.refused_requests.append(
                RecordedRequest(
                    Stamp(), method, path, found[0].key if found else None, failure.status
                )
            )
            if failure.status == 429:
                limited, headers = rate_limited(failure.retry_after, scope="user")
                self._record(method, path, 429, 0, str(limited["message"]))
                return json_bytes(429, limited, headers)
            refusal = failure_body(failure.status)
            self._record(method, path, failure.status, 0, refusal["message"])
            return json_bytes(failure.status, refusal)
        if found is None:
            world.unknown_routes.append((method, path))
            self._record(method, path, 404, 0, "404: Not Found")
            return json_bytes(404, {"message": "404: Not Found", "code": 0})
        route, params = found
        major = ":".join(params.get(k, "") for k in MAJOR)
        exempt = under_token
        verdict = self.emu.limiter.check(route.key, major, exempt_global=exempt)
        if verdict.limited is not None:
            self._record(method, path, 429, 0, "You are being rate limited.")
            return json_bytes(429, verdict.limited, verdict.headers)
        body: Any = None
        received = Stamp()
        try:
            body = await self._read_body(request)
            if isinstance(body, dict | list):
                self.emu.spec.check(route.template, method, trimmed_for_checks(body))
            call = Call(self.emu, request, params, body, dict(request.query), received)
            data = await route.handler(call)
        except DiscordError as err:
            self._blame_interaction(params, err)
            self._record(method, path, err.status, err.code, err.message, err.errors, body)
            return json_bytes(err.status, err.body(), verdict.headers)
        if self.faults.delay_after > 0:
            await asyncio.sleep(self.faults.delay_after)
        return json_bytes(200, data, verdict.headers)

    async def _read_body(self, request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        ctype = request.content_type
        if ctype == "application/json":
            raw = await request.read()
            try:
                return json.loads(raw) if raw else None
            except ValueError:
                raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None
        if ctype.startswith("multipart/"):
            form = await request.post()
            body: dict[str, Any] = json.loads(str(form.get("payload_json") or "{}"))
            files = [v for k, v in form.items() if k.startswith("files[")]
            if files and not body.get("attachments"):
                body["attachments"] = [
                    {"id": str(i), "filename": getattr(f, "filename", "f")}
                    for i, f in enumerate(files)
                ]
            return body
        return None

    def _blame_interaction(self, params: dict[str, str], err: DiscordError) -> None:
        """A refused initial response leaves its interaction unanswered: tell its waiters."""
        iid = params.get("interaction_id", "")
        inter = self.emu.world.interactions.get(int(iid)) if iid.isdigit() else None
        if inter is not None and inter.response_type is None and err.code != 10062:
            if err not in inter.rejections:
                inter.rejections.append(err)
            inter.touch()

    def _record(
        self,
        method: str,
        path: str,
        status: int,
        code: int,
        message: str,
        errors: dict[str, Any] | None = None,
        body: Any = None,
    ) -> None:
        self.emu.world.errors.append(
            RecordedError(Stamp(), method, path, status, code, message, errors, body)
        )
        self.emu.notify()
