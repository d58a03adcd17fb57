"""Discord-style rate limits: fixed-window per-route buckets plus a global requests/s limit.

The headers and the 429 body mirror Discord's (discord.py retries a 429 only when it carries a
``Via`` header and a ``retry_after`` field; otherwise it assumes a Cloudflare ban).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field


def rate_limited(retry: float, scope: str) -> tuple[dict[str, object], dict[str, str]]:
    """Discord's 429: the body and the headers that make discord.py wait and retry."""
    is_global = scope == "global"
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(max(1, int(retry + 0.999))),
        "X-RateLimit-Scope": scope,
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {"message": "You are being rate limited.", "retry_after": retry, "global": is_global}
    return body, headers


@dataclass
class Bucket:
    limit: int
    per: float
    used: int = 0
    window_start: float = field(default_factory=time.monotonic)

    def roll(self, now: float) -> None:
        if now - self.window_start >= self.per:
            self.window_start, self.used = now, 0

    def reset_after(self, now: float) -> float:
        return max(0.0, self.window_start + self.per - now)


@dataclass
class Verdict:
    """Outcome of one request: headers to send and, when limited, the 429 body."""

    headers: dict[str, str]
    limited: dict[str, object] | None = None


class RateLimiter:
    """Per-(route, major parameter) buckets and one global window; all of it configurable."""

    def __init__(
        self,
        route_limit: int = 5,
        route_per: float = 5.0,
        global_limit: int | None = 50,
        global_per: float = 1.0,
        enabled: bool = True,
    ) -> None:
        self.enabled = enabled
        self.route_limit, self.route_per = route_limit, route_per
        self.global_limit, self.global_per = global_limit, global_per
        self.overrides: dict[str, tuple[int, float]] = {}
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._global = Bucket(global_limit or 0, global_per)
        self.hits: list[tuple[float, str, float, bool]] = []  # (when, route, retry_after, global)

    def set_route_limit(self, route: str, limit: int, per: float) -> None:
        """Tighten/loosen a route (``"POST /channels/{channel_id}/messages"``).

        Requests already made in the current window still count, so tightening below the
        current usage rate-limits the very next request (like a shared limit would).
        """
        self.overrides[route] = (limit, per)
        now = time.monotonic()
        for (r, _major), bucket in self._buckets.items():
            if r == route:
                bucket.limit, bucket.per, bucket.window_start = limit, per, now

    def set_global_limit(self, limit: int | None, per: float = 1.0) -> None:
        self.global_limit, self.global_per = limit, per
        self._global = Bucket(limit or 0, per)

    def check(self, route: str, major: str, exempt_global: bool = False) -> Verdict:
        """Count one request; say whether it is allowed and which headers it gets."""
        if not self.enabled:
            return Verdict({})
        now = time.monotonic()
        if self.global_limit and not exempt_global:
            g = self._global
            g.roll(now)
            if g.used >= g.limit:
                retry = round(g.reset_after(now), 3)
                self.hits.append((now, route, retry, True))
                body, headers = rate_limited(retry, scope="global")
                return Verdict(headers, body)
            g.used += 1
        key = (route, major)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= 4096:  # one per interaction token: drop the idle ones
                self._buckets = {
                    k: b for k, b in self._buckets.items() if now - b.window_start < b.per
                }
            limit, per = self.overrides.get(route, (self.route_limit, self.route_per))
            bucket = self._buckets[key] = Bucket(limit, per, window_start=now)
        bucket.roll(now)
        reset_after = bucket.reset_after(now)
        headers = {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": hashlib.md5(route.encode()).hexdigest()[:16],
        }
        if bucket.used >= bucket.limit:
            retry = round(reset_after, 3)
            self.hits.append((now, route, retry, False))
            body, limited_headers = rate_limited(retry, scope="user")
            headers.update({"X-RateLimit-Remaining": "0", **limited_headers})
            return Verdict(headers, body)
        bucket.used += 1
        headers["X-RateLimit-Remaining"] = str(bucket.limit - bucket.used)
        return Verdict(headers)
