"""TVmaze's public API: one polite HTTP client.

One aiohttp session with timeouts and a User-Agent naming the bot; never more than 20 calls
in any 10 seconds (TVmaze allows "at least 20 calls every 10 seconds per IP"); a 429 is
waited out (its Retry-After, else 2 s doubling) and retried; answers are cached for as long
as their ``Cache-Control: max-age`` says (TVmaze's edge caches for up to an hour). Every
failure becomes a :class:`TvmazeError` whose ``reason`` is said to the admin as is.

The base URL is ``FANBOT_TVMAZE_URL`` (tests point it at a local replay server).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot import __version__

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.tvmaze.com"
USER_AGENT = f"DramaFanbot/{__version__} (self-hosted Discord bot for K-drama fan servers)"
CALLS_PER_WINDOW = 20
WINDOW_SECONDS = 10.0
MAX_ANSWER_BYTES = 8 * 1024 * 1024  # a 500-episode show with cast and crew is under 2 MB
TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5, sock_read=10)
RETRIES_429 = 3
FIRST_BACKOFF_SECONDS = 2.0
CACHE_ENTRIES = 256
SHOW_EMBEDS = (
    ("embed[]", "episodes"),
    ("embed[]", "cast"),
    ("embed[]", "crew"),
    ("embed[]", "akas"),
)
_MAX_AGE = re.compile(r"max-age=(\d+)")


class SourceProblem(StrEnum):
    """Why TVmaze gave no usable answer; ``bot.ui.sources`` words it for admins."""

    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    RATE_LIMITED = "rate limited"
    NOT_FOUND = "not found"
    TROUBLE = "trouble"  # 5xx
    REFUSED = "refused"  # another status
    TOO_LARGE = "too large"
    NOT_JSON = "not json"
    BAD_SHAPE = "bad shape"
    NO_NETWORK = "no network"
    NO_EPISODES = "no episodes"
    UNUSABLE = "unusable"
    OVERLAY_MISFIT = "overlay misfit"  # the data file over the show no longer fits it


class TvmazeError(Exception):
    """TVmaze could not give a usable answer. ``reason`` is for the operator's log and the
    shell; admins in Discord read ``problem`` as ``bot.ui.sources`` words it."""

    def __init__(
        self,
        reason: str,
        *,
        problem: SourceProblem = SourceProblem.BAD_SHAPE,
        status: int | None = None,
        subject: str = "",
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problem = problem
        self.status = status
        self.subject = subject  # the show's name, or the data file's source


class TvmazeNotFound(TvmazeError):
    pass


@dataclass(frozen=True)
class _Cached:
    expires: float
    data: Any


class RateWindow:
    """At most ``calls`` starts in any ``seconds``: a call waits for the oldest to age out."""

    def __init__(
        self,
        calls: int = CALLS_PER_WINDOW,
        seconds: float = WINDOW_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._calls = calls
        self._seconds = seconds
        self._monotonic = monotonic
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._monotonic()
                while self._starts and now - self._starts[0] >= self._seconds:
                    self._starts.popleft()
                if len(self._starts) < self._calls:
                    self._starts.append(now)
                    return
                await asyncio.sleep(self._seconds - (now - self._starts[0]))


class TvmazeClient:
    """The bot's one TVmaze client; ``close()`` it with the bot."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        window: RateWindow | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._window = window or RateWindow(monotonic=monotonic)
        self._monotonic = monotonic
        self._session: aiohttp.ClientSession | None = None
        self._cache: dict[str, _Cached] = {}
        self.calls = 0  # HTTP requests made (cache hits are not calls): measured in the README

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=TIMEOUT,
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                # One connection: TVmaze warns that many idle ones can get an IP blocked.
                connector=aiohttp.TCPConnector(limit=1),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- endpoints --------------------------------------------------------------------------

    async def search(self, query: str) -> Any:
        """``/search/shows?q=``: a list of ``{score, show}``."""
        return await self.get("/search/shows", [("q", query)])

    async def show(self, show_id: int, *, fresh: bool = False) -> Any:
        """``/shows/:id`` with episodes, cast, crew and akas embedded: one call for all."""
        return await self.get(f"/shows/{show_id}", list(SHOW_EMBEDS), fresh=fresh)

    async def updates(self, since: str) -> Any:
        """``/updates/shows?since=day|week|month``: ``{show id: updated stamp}``."""
        return await self.get("/updates/shows", [("since", since)])

    # -- one GET ----------------------------------------------------------------------------

    async def get(self, path: str, params: list[tuple[str, str]], *, fresh: bool = False) -> Any:
        url = f"{self.base_url}{path}" + (f"?{urlencode(params)}" if params else "")
        cached = self._cache.get(url)
        if cached is not None and not fresh and cached.expires > self._monotonic():
            return cached.data
        backoff = FIRST_BACKOFF_SECONDS
        for attempt in range(RETRIES_429 + 1):
            await self._window.acquire()
            self.calls += 1
            try:
                async with self._open().get(url, allow_redirects=True) as response:
                    if response.status == 429 and attempt < RETRIES_429:
                        wait = _retry_after(response.headers.get("Retry-After"), backoff)
                        log.warning("TVmaze answered 429 for %s; retrying in %.1f s", path, wait)
                        await asyncio.sleep(wait)
                        backoff *= 2
                        continue
                    data = await _answer(response)
                    headers = response.headers
                    self._remember(
                        url, data, headers.get("Cache-Control", ""), headers.get("Age", "")
                    )
                    return data
            except TimeoutError:
                raise TvmazeError(
                    "TVmaze did not answer in time", problem=SourceProblem.TIMEOUT
                ) from None
            except aiohttp.ClientError as error:
                raise TvmazeError(
                    f"TVmaze cannot be reached ({type(error).__name__})",
                    problem=SourceProblem.UNREACHABLE,
                ) from None
        raise TvmazeError(
            "TVmaze is refusing requests (429: too many)",
            problem=SourceProblem.RATE_LIMITED,
            status=429,
        )

    def _remember(self, url: str, data: Any, cache_control: str, age: str = "") -> None:
        """Keep an answer as long as it stays fresh: its max-age less the ``Age`` an edge
        cache already held it for."""
        match = _MAX_AGE.search(cache_control)
        if match is None or "no-store" in cache_control or "no-cache" in cache_control:
            return
        fresh_for = int(match[1]) - (int(age) if age.strip().isdigit() else 0)
        if fresh_for <= 0:
            return
        if len(self._cache) >= CACHE_ENTRIES:
            now = self._monotonic()
            self._cache = {k: v for k, v in self._cache.items() if v.expires > now}
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache.pop(next(iter(self._cache)))
        self._cache[url] = _Cached(self._monotonic() + fresh_for, data)


def _retry_after(header: str | None, default: float) -> float:
    try:
        return min(max(float(header or ""), 0.5), 60.0)
    except ValueError:
        return default


async def _answer(response: aiohttp.ClientResponse) -> Any:
    if response.status == 404:
        raise TvmazeNotFound("TVmaze has no such show", problem=SourceProblem.NOT_FOUND, status=404)
    if response.status == 429:
        raise TvmazeError(
            "TVmaze is refusing requests (429: too many)",
            problem=SourceProblem.RATE_LIMITED,
            status=429,
        )
    if response.status >= 500:
        raise TvmazeError(
            f"TVmaze is having trouble ({response.status})",
            problem=SourceProblem.TROUBLE,
            status=response.status,
        )
    if response.status != 200:
        raise TvmazeError(
            f"TVmaze answered {response.status}",
            problem=SourceProblem.REFUSED,
            status=response.status,
        )
    declared = response.content_length
    if declared is not None and declared > MAX_ANSWER_BYTES:
        raise TvmazeError("TVmaze's answer is too large", problem=SourceProblem.TOO_LARGE)
    body = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            raise TvmazeError("TVmaze's answer is too large", problem=SourceProblem.TOO_LARGE)
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TvmazeError(
            "TVmaze's answer is not valid JSON", problem=SourceProblem.NOT_JSON
        ) from None
