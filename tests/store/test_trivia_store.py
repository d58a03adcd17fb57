"""Trivia games and results on a real SQLite file: periods, ranks, totals, restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.trivia import PlayerAnswer, Question, QuestionKind, QuestionResult, QuestionSource
from bot.store import Store
from bot.store.trivia import GameState, LeaderboardPeriod

GUILD = 1
OTHER_GUILD = 2
ALICE, BOB, CARA = 101, 102, 103
WEDNESDAY = datetime(2024, 5, 15, 13, 30, tzinfo=UTC)
QUESTION = Question(
    text="Who directed Soundtrack #1?",
    choices=("Kim Hee-won", "Shin Won-ho", "Lee Eung-bok", "Ahn Pan-seok"),
    correct_index=0,
    accepted=(),
    source=QuestionSource.CURATED,
    drama_slug="soundtrack-1",
    kind=QuestionKind.CURATED,
)


def result(index: int, *answers: tuple[int, int, int, datetime]) -> QuestionResult:
    """(user, points, streak, answered_at) per answer; 0 points means a wrong answer."""
    return QuestionResult(
        index=index,
        question=QUESTION,
        answers=tuple(
            PlayerAnswer(user, 0 if points else 1, points > 0, points, streak, at)
            for user, points, streak, at in answers
        ),
        choice_counts=(0, 0, 0, 0),
        closed_at=max(a[3] for a in answers),
        closed_early=False,
    )


async def new_game(store: Store, guild_id: int = GUILD, at: datetime = WEDNESDAY) -> int:
    return await store.trivia.create_game(
        guild_id=guild_id,
        channel_id=10,
        starter_id=ALICE,
        drama_slug="soundtrack-1",
        question_count=3,
        started_at=at,
    )


@pytest.mark.parametrize(
    ("now_at", "week", "month"),
    [
        (WEDNESDAY, datetime(2024, 5, 13, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC)),
        (
            datetime(2024, 5, 13, 0, 0, tzinfo=UTC),
            datetime(2024, 5, 13, tzinfo=UTC),
            datetime(2024, 5, 1, tzinfo=UTC),
        ),
        (
            datetime(2024, 6, 2, 23, 59, 59, tzinfo=UTC),
            datetime(2024, 5, 27, tzinfo=UTC),
            datetime(2024, 6, 1, tzinfo=UTC),
        ),
    ],
)
def test_periods_start_monday_and_the_first_at_midnight_utc(
    now_at: datetime, week: datetime, month: datetime
) -> None:
    assert LeaderboardPeriod.WEEK.since(now_at) == week
    assert LeaderboardPeriod.MONTH.since(now_at) == month
    assert LeaderboardPeriod.ALL.since(now_at) is None


async def test_leaderboard_sums_points_answered_within_the_period(store: Store) -> None:
    game = await new_game(store)
    last_month = datetime(2024, 4, 20, 12, tzinfo=UTC)
    last_week = datetime(2024, 5, 8, 12, tzinfo=UTC)
    await store.trivia.record_question(game, GUILD, result(0, (ALICE, 15, 1, last_month)))
    await store.trivia.record_question(
        game, GUILD, result(1, (ALICE, 12, 2, last_week), (BOB, 14, 1, last_week))
    )
    await store.trivia.record_question(
        game, GUILD, result(2, (BOB, 11, 2, WEDNESDAY), (ALICE, 0, 0, WEDNESDAY))
    )

    def board(period: LeaderboardPeriod) -> list[tuple[int, int, int]]:
        return [(r.rank, r.user_id, r.points) for r in rows[period]]

    rows = {
        p: (await store.trivia.leaderboard(GUILD, p.since(WEDNESDAY)))[0] for p in LeaderboardPeriod
    }
    assert board(LeaderboardPeriod.ALL) == [(1, ALICE, 27), (2, BOB, 25)]
    assert board(LeaderboardPeriod.MONTH) == [(1, BOB, 25), (2, ALICE, 12)]
    assert board(LeaderboardPeriod.WEEK) == [(1, BOB, 11), (2, ALICE, 0)]


async def test_leaderboard_is_per_server_and_ties_share_a_rank(store: Store) -> None:
    here, there = await new_game(store), await new_game(store, OTHER_GUILD)
    await store.trivia.record_question(
        here,
        GUILD,
        result(0, (ALICE, 14, 1, WEDNESDAY), (BOB, 14, 1, WEDNESDAY), (CARA, 10, 1, WEDNESDAY)),
    )
    await store.trivia.record_question(there, OTHER_GUILD, result(0, (CARA, 15, 1, WEDNESDAY)))
    rows, _ = await store.trivia.leaderboard(GUILD, None)
    assert [(r.rank, r.points) for r in rows] == [(1, 14), (1, 14), (3, 10)]
    cara = await store.trivia.rank_of(GUILD, CARA, None)
    assert cara is not None and (cara.rank, cara.points) == (3, 10)
    assert await store.trivia.rank_of(OTHER_GUILD, ALICE, None) is None
    top, asker = await store.trivia.leaderboard(GUILD, None, limit=2, asker_id=CARA)
    assert len(top) == 2
    assert asker is not None and (asker.rank, asker.user_id) == (3, CARA)


async def test_score_counts_points_games_correct_answers_and_best_streak(store: Store) -> None:
    first, second = await new_game(store), await new_game(store)
    at = WEDNESDAY
    await store.trivia.record_question(first, GUILD, result(0, (ALICE, 15, 1, at)))
    await store.trivia.record_question(first, GUILD, result(1, (ALICE, 13, 2, at)))
    await store.trivia.record_question(first, GUILD, result(2, (ALICE, 11, 3, at)))
    await store.trivia.record_question(second, GUILD, result(0, (ALICE, 0, 0, at)))
    await store.trivia.record_question(second, GUILD, result(1, (ALICE, 10, 1, at)))
    totals = await store.trivia.player_totals(GUILD, ALICE)
    assert (totals.points, totals.games, totals.correct, totals.answered) == (49, 2, 4, 5)
    assert totals.best_streak == 3
    nobody = await store.trivia.player_totals(GUILD, BOB)
    assert (nobody.points, nobody.games, nobody.answered, nobody.best_streak) == (0, 0, 0, 0)


async def test_recording_a_question_twice_counts_it_once(store: Store) -> None:
    game = await new_game(store)
    closed = result(0, (ALICE, 15, 1, WEDNESDAY))
    await store.trivia.record_question(game, GUILD, closed)
    await store.trivia.record_question(game, GUILD, closed)
    assert (await store.trivia.player_totals(GUILD, ALICE)).points == 15


async def test_running_games_and_their_points_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "fanbot.sqlite3"
    store = await Store.open(path)
    game = await new_game(store)
    await store.trivia.set_current_message(game, 1, 555)
    await store.trivia.record_question(game, GUILD, result(0, (ALICE, 15, 1, WEDNESDAY)))
    await store.close()

    store = await Store.open(path)
    try:
        [running] = await store.trivia.running_games()
        assert (running.id, running.message_id, running.question_index) == (game, 555, 1)
        assert running.state is GameState.RUNNING
        assert (await store.trivia.player_totals(GUILD, ALICE)).points == 15
        ended_at = WEDNESDAY + timedelta(hours=1)
        assert await store.trivia.end_game(game, GameState.INTERRUPTED, ended_at)
        assert not await store.trivia.end_game(game, GameState.FINISHED, ended_at)
        assert await store.trivia.running_games() == []
        record = await store.trivia.game(game)
        assert record is not None and record.state is GameState.INTERRUPTED
        assert record.ended_at == ended_at
    finally:
        await store.close()
