"""Announcement rows and domain values, both ways: subscriptions, delivery keys, and the
structured failures kept as JSON (older rows held English text)."""

from __future__ import annotations

import json
import sqlite3

from bot.domain.announcements import (
    AnnounceFailure,
    AnnouncementKind,
    DeliveryKey,
    Subscription,
    Trouble,
)
from bot.domain.delivery import Problem
from bot.store.database import instant_from_db


def subscription_from_row(row: sqlite3.Row) -> Subscription:
    return Subscription(
        guild_id=row["guild_id"],
        drama_slug=row["drama_slug"],
        channel_id=row["channel_id"],
        role_id=row["announce_role_id"],
        lead_minutes=row["announce_lead_minutes"] or 0,
        created_at=instant_from_db(row["created_at"]),
    )


def key_values(key: DeliveryKey) -> tuple[int, str, int, str, str]:
    return (key.target_id, key.drama_slug, key.episode_number, key.kind.value, key.variant)


def key_from_row(row: sqlite3.Row) -> DeliveryKey:
    return DeliveryKey(
        row["target_id"],
        row["drama_slug"],
        row["episode_number"],
        AnnouncementKind(row["kind"]),
        row["variant"],
    )


def failure_to_db(failure: AnnounceFailure) -> str:
    data = {
        "trouble": failure.trouble.value,
        "problem": failure.problem.value if failure.problem else None,
        "status": failure.status,
        "detail": failure.detail,
        "channel_id": failure.channel_id,
        "attempts": failure.attempts,
        "window_closed": failure.window_closed,
        "dramas": list(failure.dramas),
    }
    return json.dumps(data, ensure_ascii=False)


def failure_from_db(text: str | None) -> AnnounceFailure | None:
    """JSON as written since failures are data; older rows hold English text."""
    if text is None:
        return None
    try:
        data = json.loads(text)
        problem = data.get("problem")
        return AnnounceFailure(
            Trouble(data["trouble"]),
            None if problem is None else Problem(problem),
            data.get("status"),
            data.get("detail") or "",
            data.get("channel_id"),
            int(data.get("attempts") or 0),
            bool(data.get("window_closed")),
            tuple(data.get("dramas") or ()),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return AnnounceFailure(Trouble.LEGACY, text=text)
