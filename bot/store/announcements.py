"""Announcement subscriptions, server settings, fans' DM reminders and the delivery log.

The delivery log is what makes every post happen once: a sender first *claims* its
(target, episode, kind) row; only the claimant posts, and it settles the row after.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime

import aiosqlite

from bot.domain.announcements import (
    AnnounceFailure,
    AnnouncementKind,
    AnnounceSettings,
    Claim,
    DeliveryKey,
    DeliveryState,
    ReminderSubscription,
    Subscription,
)
from bot.store.announcement_rows import (
    failure_from_db,
    failure_to_db,
    key_from_row,
    key_values,
    subscription_from_row,
)
from bot.store.database import Database, StoreError, instant_from_db, instant_to_db


class StoreBusy(StoreError):
    """Another process held the database past the busy timeout: worth trying again."""


class AnnouncementStore:
    def __init__(self, database: Database, run_id: str) -> None:
        self._db = database
        self._run_id = run_id

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction whose "database is locked" is a StoreBusy, not a crash."""
        try:
            async with self._db.transaction() as conn:
                yield conn
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StoreBusy(f"{self._db.path} is busy: {error}") from error
            raise

    # -- server settings ------------------------------------------------------------------

    async def _upsert_setting(
        self, guild_id: int, column: str, value: object, now_at: datetime
    ) -> None:
        async with self._writing() as conn:
            await conn.execute(
                f"INSERT INTO guild_settings (guild_id, {column}, updated_at) VALUES (?, ?, ?)"
                f" ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column},"
                " updated_at = excluded.updated_at",
                (guild_id, value, instant_to_db(now_at)),
            )

    async def set_role(self, guild_id: int, role_id: int | None, now_at: datetime) -> None:
        await self._upsert_setting(guild_id, "announce_role_id", role_id, now_at)

    async def set_lead(self, guild_id: int, minutes: int, now_at: datetime) -> None:
        await self._upsert_setting(guild_id, "announce_lead_minutes", minutes, now_at)

    async def set_changes(self, guild_id: int, on: bool, now_at: datetime) -> None:
        """``/announce changes on|off``: the "episode moved" notices."""
        await self._upsert_setting(guild_id, "announce_changes", int(on), now_at)

    async def guilds_without_changes(self) -> set[int]:
        rows = await self._db.fetch_all(
            "SELECT guild_id FROM guild_settings WHERE announce_changes = 0"
        )
        return {int(r["guild_id"]) for r in rows}

    async def settings(self, guild_id: int) -> AnnounceSettings:
        row = await self._db.fetch_one(
            "SELECT announce_role_id, announce_lead_minutes, last_failure, last_failure_at"
            " FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return AnnounceSettings()
        failed_at = row["last_failure_at"]
        return AnnounceSettings(
            role_id=row["announce_role_id"],
            lead_minutes=row["announce_lead_minutes"] or 0,
            last_failure=failure_from_db(row["last_failure"]),
            last_failure_at=None if failed_at is None else instant_from_db(failed_at),
        )

    async def record_failure(
        self, guild_id: int, failure: AnnounceFailure | None, now_at: datetime
    ) -> None:
        """The last failure shown by /announce status (None clears it)."""
        text = None if failure is None else failure_to_db(failure)
        async with self._writing() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, last_failure, last_failure_at, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
                " last_failure = excluded.last_failure,"
                " last_failure_at = excluded.last_failure_at",
                (
                    guild_id,
                    text,
                    None if text is None else instant_to_db(now_at),
                    instant_to_db(now_at),
                ),
            )

    # -- subscriptions --------------------------------------------------------------------

    async def subscribe(
        self, guild_id: int, drama_slug: str, channel_id: int, now_at: datetime
    ) -> None:
        """Announce the drama in the channel from now on (a new channel keeps the start)."""
        async with self._writing() as conn:
            await conn.execute(
                "INSERT INTO announce_subscriptions (guild_id, drama_slug, channel_id, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, drama_slug)"
                " DO UPDATE SET channel_id = excluded.channel_id",
                (guild_id, drama_slug, channel_id, instant_to_db(now_at)),
            )

    async def unsubscribe(self, guild_id: int, drama_slug: str | None) -> int:
        """Stop one drama (or every drama); returns how many subscriptions ended."""
        async with self._writing() as conn:
            if drama_slug is None:
                cursor = await conn.execute(
                    "DELETE FROM announce_subscriptions WHERE guild_id = ?", (guild_id,)
                )
            else:
                cursor = await conn.execute(
                    "DELETE FROM announce_subscriptions WHERE guild_id = ? AND drama_slug = ?",
                    (guild_id, drama_slug),
                )
            return int(cursor.rowcount)

    async def subscriptions(
        self, *, drama_slug: str | None = None, guild_id: int | None = None
    ) -> list[Subscription]:
        sql = (
            "SELECT s.*, g.announce_role_id, g.announce_lead_minutes"
            " FROM announce_subscriptions s LEFT JOIN guild_settings g USING (guild_id)"
            " WHERE (? IS NULL OR s.drama_slug = ?) AND (? IS NULL OR s.guild_id = ?)"
            " ORDER BY s.guild_id, s.drama_slug"
        )
        rows = await self._db.fetch_all(sql, (drama_slug, drama_slug, guild_id, guild_id))
        return [subscription_from_row(row) for row in rows]

    async def end_in_channel(self, channel_id: int) -> list[Subscription]:
        """The channel is gone: end what was announced there; returns what ended."""
        ended = [s for s in await self.subscriptions() if s.channel_id == channel_id]
        async with self._writing() as conn:
            await conn.execute(
                "DELETE FROM announce_subscriptions WHERE channel_id = ?", (channel_id,)
            )
        return ended

    async def announce_roles(self) -> dict[int, int]:
        """Every server's announcement role: {guild id: role id}."""
        rows = await self._db.fetch_all(
            "SELECT guild_id, announce_role_id FROM guild_settings"
            " WHERE announce_role_id IS NOT NULL"
        )
        return {row[0]: row[1] for row in rows}

    async def clear_role(self, guild_id: int, role_id: int, now_at: datetime) -> bool:
        """The role was deleted: stop pinging it; True when it was the announcement role."""
        async with self._writing() as conn:
            cursor = await conn.execute(
                "UPDATE guild_settings SET announce_role_id = NULL, updated_at = ?"
                " WHERE guild_id = ? AND announce_role_id = ?",
                (instant_to_db(now_at), guild_id, role_id),
            )
            return cursor.rowcount == 1

    # -- fans' DM reminders ---------------------------------------------------------------

    async def add_reminder(
        self, user_id: int, drama_slug: str, now_at: datetime, language: str | None = None
    ) -> bool:
        """Subscribe (True), or only update the language of an existing subscription."""
        async with self._writing() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO reminder_subscriptions"
                " (user_id, drama_slug, created_at, language) VALUES (?, ?, ?, ?)",
                (user_id, drama_slug, instant_to_db(now_at), language),
            )
            added = cursor.rowcount == 1
            if not added:
                await conn.execute(
                    "UPDATE reminder_subscriptions SET language = ?"
                    " WHERE user_id = ? AND drama_slug = ?",
                    (language, user_id, drama_slug),
                )
            await conn.execute("DELETE FROM closed_dms WHERE user_id = ?", (user_id,))
            return added

    async def remove_reminder(self, user_id: int, drama_slug: str) -> bool:
        async with self._writing() as conn:
            cursor = await conn.execute(
                "DELETE FROM reminder_subscriptions WHERE user_id = ? AND drama_slug = ?",
                (user_id, drama_slug),
            )
            return cursor.rowcount == 1

    async def reminder_users(self, drama_slug: str) -> dict[int, str | None]:
        """The fans reminded of ``drama_slug``, each with the language of their DMs."""
        rows = await self._db.fetch_all(
            "SELECT user_id, language FROM reminder_subscriptions WHERE drama_slug = ?"
            " ORDER BY user_id",
            (drama_slug,),
        )
        return {row[0]: row[1] for row in rows}

    async def reminder_subscriptions(self) -> list[ReminderSubscription]:
        rows = await self._db.fetch_all(
            "SELECT user_id, drama_slug, created_at, language FROM reminder_subscriptions"
        )
        return [
            ReminderSubscription(
                r["user_id"], r["drama_slug"], instant_from_db(r["created_at"]), r["language"]
            )
            for r in rows
        ]

    async def reminder_dramas(self) -> list[str]:
        rows = await self._db.fetch_all("SELECT DISTINCT drama_slug FROM reminder_subscriptions")
        return [row[0] for row in rows]

    async def close_dms(self, user_id: int, now_at: datetime) -> None:
        """The fan's DMs are closed: unsubscribe everything and remember to tell them."""
        async with self._writing() as conn:
            await conn.execute("DELETE FROM reminder_subscriptions WHERE user_id = ?", (user_id,))
            await conn.execute(
                "INSERT OR REPLACE INTO closed_dms (user_id, noticed_at) VALUES (?, ?)",
                (user_id, instant_to_db(now_at)),
            )

    async def take_closed_dm_notice(self, user_id: int) -> bool:
        """True once after the fan was unsubscribed for closed DMs."""
        async with self._writing() as conn:
            cursor = await conn.execute("DELETE FROM closed_dms WHERE user_id = ?", (user_id,))
            return cursor.rowcount == 1

    # -- the delivery log -----------------------------------------------------------------

    async def claim(self, key: DeliveryKey, now_at: datetime) -> Claim:
        """Claim a delivery; only a NEW or RESEND claimant may post.

        A claim is taken over (RESEND) only from a process that holds no instance lock any
        more: a live process, this one or another, keeps its claims while it retries.
        """
        async with self._writing() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO deliveries (target_id, drama_slug, episode_number, kind,"
                " variant, state, claimed_at, claimed_by) VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?)",
                (*key_values(key), instant_to_db(now_at), self._run_id),
            )
            if cursor.rowcount == 1:
                return Claim.NEW
            cursor = await conn.execute(
                "UPDATE deliveries SET claimed_by = ?, claimed_at = ? WHERE target_id = ?"
                " AND drama_slug = ? AND episode_number = ? AND kind = ? AND variant = ?"
                " AND state = 'claimed'"
                " AND claimed_by != ? AND claimed_by NOT IN (SELECT run_id FROM instance_locks)",
                (self._run_id, instant_to_db(now_at), *key_values(key), self._run_id),
            )
            return Claim.RESEND if cursor.rowcount == 1 else Claim.TAKEN

    async def still_ours(self, key: DeliveryKey, now_at: datetime) -> bool:
        """Before a retry: is the claim still this process's? (Another bot took it over when
        this one lost its instance lock.) Refreshes the claim's time."""
        async with self._writing() as conn:
            cursor = await conn.execute(
                "UPDATE deliveries SET claimed_at = ? WHERE target_id = ? AND drama_slug = ?"
                " AND episode_number = ? AND kind = ? AND variant = ? AND state = 'claimed'"
                " AND claimed_by = ?",
                (instant_to_db(now_at), *key_values(key), self._run_id),
            )
            return cursor.rowcount == 1

    async def record_attempt(self, key: DeliveryKey, failure: AnnounceFailure) -> int:
        """A transient failure of this process's claim; returns the attempts so far."""
        async with self._writing() as conn:
            cursor = await conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = ?"
                " WHERE target_id = ? AND drama_slug = ? AND episode_number = ? AND kind = ?"
                " AND variant = ? AND state = 'claimed' AND claimed_by = ? RETURNING attempts",
                (failure_to_db(failure), *key_values(key), self._run_id),
            )
            row = await cursor.fetchone()
            return 0 if row is None else int(row[0])

    async def settle(
        self,
        key: DeliveryKey,
        state: DeliveryState,
        now_at: datetime,
        *,
        channel_id: int | None = None,
        message_id: int | None = None,
        error: str | None = None,
    ) -> None:
        async with self._writing() as conn:
            cursor = await conn.execute(
                "INSERT INTO deliveries (target_id, drama_slug, episode_number, kind, variant,"
                " state, claimed_at, claimed_by, settled_at, channel_id, message_id, error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (target_id, drama_slug, episode_number, kind, variant) DO UPDATE SET"
                " state = excluded.state, settled_at = excluded.settled_at,"
                " channel_id = excluded.channel_id, message_id = excluded.message_id,"
                " error = excluded.error"
                # Only the claimant settles: not a bot whose claim was taken over.
                " WHERE deliveries.state = 'claimed'"
                " AND deliveries.claimed_by = excluded.claimed_by",
                (
                    *key_values(key),
                    state.value,
                    instant_to_db(now_at),
                    self._run_id,
                    instant_to_db(now_at),
                    channel_id,
                    message_id,
                    error,
                ),
            )
            if cursor.rowcount == 0:
                return  # taken over: the new claimant settles it
            if state is DeliveryState.SENT and key.kind is not AnnouncementKind.DIRECT:
                # A post that went through makes an older failure stale in /announce status.
                await conn.execute(
                    "UPDATE guild_settings SET last_failure = NULL, last_failure_at = NULL"
                    " WHERE guild_id = ? AND last_failure IS NOT NULL",
                    (key.target_id,),
                )

    async def settled_among(self, episodes: Iterable[tuple[str, int]]) -> set[DeliveryKey]:
        """Settled deliveries (every kind) of these (drama, episode) pairs: what catch-up
        must not owe again. One query per drama, over its episodes' number range."""
        numbers: dict[str, list[int]] = {}
        for slug, number in episodes:
            numbers.setdefault(slug, []).append(number)
        settled: set[DeliveryKey] = set()
        for slug, wanted in numbers.items():
            rows = await self._db.fetch_all(
                "SELECT target_id, drama_slug, episode_number, kind, variant FROM deliveries"
                " WHERE drama_slug = ? AND episode_number BETWEEN ? AND ? AND state != 'claimed'",
                (slug, min(wanted), max(wanted)),
            )
            settled.update(key_from_row(row) for row in rows)
        return settled

    async def orphaned_claims(self, kind: AnnouncementKind) -> list[DeliveryKey]:
        """Claims of ``kind`` left by processes that are gone (no instance lock)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM deliveries WHERE state = 'claimed' AND kind = ? AND claimed_by != ?"
            " AND claimed_by NOT IN (SELECT run_id FROM instance_locks)",
            (kind.value, self._run_id),
        )
        return [key_from_row(r) for r in rows]

    async def in_flight(
        self, guild_id: int
    ) -> list[tuple[DeliveryKey, int, AnnounceFailure | None]]:
        """This server's deliveries not settled yet: key, attempts and the last error."""
        rows = await self._db.fetch_all(
            "SELECT * FROM deliveries WHERE state = 'claimed' AND target_id = ?"
            " AND kind != 'direct'"
            " AND (claimed_by = ? OR claimed_by IN (SELECT run_id FROM instance_locks))"
            " ORDER BY claimed_at",
            (guild_id, self._run_id),
        )
        return [(key_from_row(r), r["attempts"], failure_from_db(r["last_error"])) for r in rows]

    async def deliveries(
        self, key_kind: AnnouncementKind | None = None
    ) -> list[tuple[DeliveryKey, DeliveryState, int | None]]:
        """The log, for status and tests: key, state and message id."""
        rows = await self._db.fetch_all(
            "SELECT * FROM deliveries WHERE (? IS NULL OR kind = ?) ORDER BY claimed_at, target_id",
            (key_kind, key_kind),
        )
        return [(key_from_row(r), DeliveryState(r["state"]), r["message_id"]) for r in rows]
