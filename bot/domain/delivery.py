"""How a delivery goes wrong and what the bot does about it: the retry policy.

A failure is *permanent* when sending again cannot help (no permission, the channel is gone,
the fan's DMs are closed) and *transient* when it may (Discord's 5xx, a 429 beyond
discord.py's own retries, a timeout, the database busy). Transient failures are retried
with exponential backoff and jitter until the catch-up window closes; after that a post
would be stale, so the delivery is settled as failed with the last reason.

A failure is also *ambiguous* when the post may have landed although the answer never came
(a 5xx, a timeout, a dropped connection): the next attempt then looks for the earlier post
before sending, so no dedupe depends on how long Discord remembers a nonce.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class FailureKind(StrEnum):
    TRANSIENT = "transient"  # try again later
    PERMANENT = "permanent"  # settle as failed now


class Problem(StrEnum):
    """Why a delivery failed, in words an admin can act on (rendered by ``bot.ui``)."""

    NO_PERMISSION = "no permission"
    CHANNEL_GONE = "channel gone"
    DMS_CLOSED = "dms closed"
    DISCORD_ERROR = "discord error"  # 5xx
    RATE_LIMITED = "rate limited"  # 429 after discord.py's retries
    UNREACHABLE = "unreachable"  # timeout, connection refused or reset
    DATABASE_BUSY = "database busy"
    REJECTED = "rejected"  # another 4xx: the message itself was refused
    DELETED = "deleted"  # Discord knows the nonce: the first post landed, then was deleted


TRANSIENT_PROBLEMS = frozenset(
    {Problem.DISCORD_ERROR, Problem.RATE_LIMITED, Problem.UNREACHABLE, Problem.DATABASE_BUSY}
)
# The request may have reached Discord and posted even though no answer came back.
AMBIGUOUS_PROBLEMS = frozenset({Problem.DISCORD_ERROR, Problem.UNREACHABLE})


class DeliveryFailed(Exception):
    """Raised by a messenger when a send (or a look at history) did not succeed."""

    def __init__(self, problem: Problem, detail: str = "", *, status: int | None = None) -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
        self.detail = detail
        self.status = status

    @property
    def kind(self) -> FailureKind:
        transient = self.problem in TRANSIENT_PROBLEMS
        return FailureKind.TRANSIENT if transient else FailureKind.PERMANENT

    @property
    def ambiguous(self) -> bool:
        return self.problem in AMBIGUOUS_PROBLEMS


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter: attempt n waits about base * 2**(n-1), at most cap."""

    base_seconds: float = 1.0
    cap_seconds: float = 60.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` >= 1 failed so far).

        "Equal jitter": half the step is fixed, half random, so servers retrying after the
        same outage spread out instead of returning together, yet none retries at once.
        """
        step = min(self.cap_seconds, self.base_seconds * 2.0 ** max(attempt - 1, 0))
        return step / 2 + rng.uniform(0, step / 2)

    def next_attempt_at(
        self, attempt: int, now_at: datetime, deadline_at: datetime, rng: random.Random
    ) -> datetime | None:
        """When to try again, or None when that would be past the deadline."""
        retry_at = now_at + timedelta(seconds=self.delay(attempt, rng))
        return retry_at if retry_at <= deadline_at else None
