"""How long a transient failure waits before the next try, and when the bot gives up."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.domain.delivery import DeliveryFailed, FailureKind, Problem, RetryPolicy

NOW = datetime(2026, 12, 3, 7, tzinfo=UTC)


def test_each_retry_waits_about_twice_as_long_up_to_the_cap() -> None:
    policy = RetryPolicy(base_seconds=1, cap_seconds=8)
    rng = random.Random(1)
    for attempt, step in [(1, 1), (2, 2), (3, 4), (4, 8), (5, 8), (20, 8)]:
        delays = [policy.delay(attempt, rng) for _ in range(200)]
        assert all(step / 2 <= d <= step for d in delays), attempt
        assert max(delays) - min(delays) > step / 4  # jitter spreads servers out


def test_no_retry_is_planned_past_the_deadline() -> None:
    policy = RetryPolicy(base_seconds=10, cap_seconds=10)
    rng = random.Random(2)
    assert policy.next_attempt_at(1, NOW, NOW + timedelta(seconds=10), rng) is not None
    assert policy.next_attempt_at(1, NOW, NOW + timedelta(seconds=4), rng) is None


def test_discord_trouble_is_transient_and_refusals_are_permanent() -> None:
    transient = [Problem.DISCORD_ERROR, Problem.RATE_LIMITED, Problem.UNREACHABLE]
    assert all(DeliveryFailed(p).kind is FailureKind.TRANSIENT for p in transient)
    assert DeliveryFailed(Problem.DATABASE_BUSY).kind is FailureKind.TRANSIENT
    permanent = [Problem.NO_PERMISSION, Problem.CHANNEL_GONE, Problem.DMS_CLOSED, Problem.REJECTED]
    assert all(DeliveryFailed(p).kind is FailureKind.PERMANENT for p in permanent)


def test_only_failures_after_which_the_post_may_exist_make_the_next_try_look_first() -> None:
    assert DeliveryFailed(Problem.DISCORD_ERROR).ambiguous  # a 5xx may have posted
    assert DeliveryFailed(Problem.UNREACHABLE).ambiguous  # so may a timeout
    assert not DeliveryFailed(Problem.RATE_LIMITED).ambiguous  # a 429 never posts
