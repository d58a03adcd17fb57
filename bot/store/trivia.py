"""Trivia games and per-question results; leaderboards and scores are sums over results.

Each closed question is written in one transaction, so a restart loses no point already won.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.schedule import require_utc
from bot.domain.trivia import QuestionResult
from bot.store.database import Database, instant_from_db, instant_to_db


class GameState(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"


class LeaderboardPeriod(StrEnum):
    ALL = "all"
    MONTH = "month"
    WEEK = "week"

    def since(self, now_at: datetime) -> datetime | None:
        """Start of the period in UTC: Monday 00:00 for a week, the 1st for a month."""
        midnight = require_utc(now_at).replace(hour=0, minute=0, second=0, microsecond=0)
        if self is LeaderboardPeriod.WEEK:
            return midnight - timedelta(days=midnight.weekday())
        if self is LeaderboardPeriod.MONTH:
            return midnight.replace(day=1)
        return None


@dataclass(frozen=True)
class GameRecord:
    id: int
    guild_id: int
    channel_id: int
    starter_id: int
    drama_slug: str
    question_count: int
    state: GameState
    message_id: int | None
    question_index: int | None
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    user_id: int
    points: int
    correct: int


@dataclass(frozen=True)
class PlayerTotals:
    user_id: int
    points: int
    games: int
    correct: int
    answered: int
    best_streak: int


class TriviaStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    # -- games ----------------------------------------------------------------------------

    async def create_game(
        self,
        *,
        guild_id: int,
        channel_id: int,
        starter_id: int,
        drama_slug: str,
        question_count: int,
        started_at: datetime,
    ) -> int:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO trivia_games (guild_id, channel_id, starter_id, drama_slug,"
                " question_count, state, started_at) VALUES (?, ?, ?, ?, ?, 'running', ?)",
                (
                    guild_id,
                    channel_id,
                    starter_id,
                    drama_slug,
                    question_count,
                    instant_to_db(started_at),
                ),
            )
            game_id = cursor.lastrowid
        assert game_id is not None
        return game_id

    async def set_current_message(self, game_id: int, question_index: int, message_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE trivia_games SET message_id = ?, question_index = ? WHERE id = ?",
                (message_id, question_index, game_id),
            )

    async def record_question(self, game_id: int, guild_id: int, result: QuestionResult) -> None:
        """Every answer to one closed question, in one transaction (idempotent)."""
        rows = [
            (
                game_id,
                result.index,
                guild_id,
                a.user_id,
                a.choice_index,
                a.points,
                int(a.correct),
                a.streak,
                instant_to_db(a.answered_at),
            )
            for a in result.answers
        ]
        if not rows:
            return
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT OR IGNORE INTO trivia_results (game_id, question_index, guild_id,"
                " user_id, choice_index, points, correct, streak, answered_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    async def end_game(self, game_id: int, state: GameState, ended_at: datetime) -> bool:
        """Settle a running game; False when it was not running any more."""
        if state is GameState.RUNNING:
            raise ValueError("a game ends in finished, stopped or interrupted")
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE trivia_games SET state = ?, ended_at = ?"
                " WHERE id = ? AND state = 'running'",
                (state.value, instant_to_db(ended_at), game_id),
            )
            return cursor.rowcount == 1

    async def game(self, game_id: int) -> GameRecord | None:
        row = await self._db.fetch_one("SELECT * FROM trivia_games WHERE id = ?", (game_id,))
        return None if row is None else _game(row)

    async def running_games(self) -> list[GameRecord]:
        rows = await self._db.fetch_all(
            "SELECT * FROM trivia_games WHERE state = 'running' ORDER BY id"
        )
        return [_game(row) for row in rows]

    # -- scores ---------------------------------------------------------------------------

    async def leaderboard(
        self,
        guild_id: int,
        since_at: datetime | None,
        limit: int = 10,
        asker_id: int | None = None,
    ) -> tuple[list[LeaderboardRow], LeaderboardRow | None]:
        """The server's best players since ``since_at`` (None: all time), ties sharing a rank,
        and the asker's own row, in one query."""
        rows = await self._db.fetch_all(
            f"SELECT * FROM ({_RANKED}) WHERE position <= ? OR user_id = ? ORDER BY position",
            (guild_id, _since(since_at), limit, asker_id),
        )
        board = [
            LeaderboardRow(r["rank"], r["user_id"], r["points"], r["correct"])
            for r in rows
            if r["position"] <= limit
        ]
        asker = next(
            (
                LeaderboardRow(r["rank"], r["user_id"], r["points"], r["correct"])
                for r in rows
                if r["user_id"] == asker_id
            ),
            None,
        )
        return board, asker

    async def rank_of(
        self, guild_id: int, user_id: int, since_at: datetime | None
    ) -> LeaderboardRow | None:
        row = await self._db.fetch_one(
            f"SELECT * FROM ({_RANKED}) WHERE user_id = ?",
            (guild_id, _since(since_at), user_id),
        )
        return (
            None
            if row is None
            else LeaderboardRow(row["rank"], row["user_id"], row["points"], row["correct"])
        )

    async def player_totals(self, guild_id: int, user_id: int) -> PlayerTotals:
        row = await self._db.fetch_one(
            "SELECT COALESCE(SUM(points), 0) AS points, COUNT(DISTINCT game_id) AS games,"
            " COALESCE(SUM(correct), 0) AS correct, COUNT(*) AS answered,"
            " COALESCE(MAX(streak), 0) AS best_streak"
            " FROM trivia_results WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        assert row is not None
        return PlayerTotals(
            user_id=user_id,
            points=row["points"],
            games=row["games"],
            correct=row["correct"],
            answered=row["answered"],
            best_streak=row["best_streak"],
        )

    # -- question material ----------------------------------------------------------------


_RANKED = (
    "SELECT user_id, SUM(points) AS points, SUM(correct) AS correct,"
    " RANK() OVER (ORDER BY SUM(points) DESC) AS rank,"
    " ROW_NUMBER() OVER (ORDER BY SUM(points) DESC, SUM(correct) DESC, user_id) AS position"
    " FROM trivia_results WHERE guild_id = ? AND answered_at >= ? GROUP BY user_id"
)


def _since(since_at: datetime | None) -> str:
    """Lower bound for answered_at; the empty string is before every stored instant."""
    return "" if since_at is None else instant_to_db(since_at)


def _game(row: sqlite3.Row) -> GameRecord:
    ended = row["ended_at"]
    return GameRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        starter_id=row["starter_id"],
        drama_slug=row["drama_slug"],
        question_count=row["question_count"],
        state=GameState(row["state"]),
        message_id=row["message_id"],
        question_index=row["question_index"],
        started_at=instant_from_db(row["started_at"]),
        ended_at=None if ended is None else instant_from_db(ended),
    )
