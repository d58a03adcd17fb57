"""Trivia scoring: points for a right answer and its speed, and what a closed question and a
player's totals look like (frozen values a game hands out).

Every instant is an aware datetime passed in by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.schedule import require_utc
from bot.domain.trivia.questions import MAX_SPEED_BONUS, Question

# --------------------------------------------------------------------------------- scoring


def speed_bonus(answered_at: datetime, opened_at: datetime, closes_at: datetime) -> int:
    """0..5 extra points, linear in the time left, rounded down (exact: no float drift)."""
    answered_at, opened_at, closes_at = map(require_utc, (answered_at, opened_at, closes_at))
    total = closes_at - opened_at
    if total <= timedelta(0):
        raise ValueError("closes_at must be after opened_at")
    left = min(max(closes_at - answered_at, timedelta(0)), total)
    return (left * MAX_SPEED_BONUS) // total


class AnswerOutcome(StrEnum):
    """What a click (or typed message) did; the cog turns it into an ephemeral reply."""

    LOCKED_IN = "locked_in"
    ALREADY_ANSWERED = "already_answered"
    TOO_LATE = "too_late"
    NO_QUESTION = "no_question"
    NOT_AN_ANSWER = "not_an_answer"
    """Typed mode only: the message is chat, not a guess; ignore it."""


@dataclass(frozen=True)
class PlayerAnswer:
    """One player's answer to one closed question."""

    user_id: int
    choice_index: int
    correct: bool
    points: int
    streak: int
    """The player's streak after this question (0 after a wrong answer)."""
    answered_at: datetime


@dataclass(frozen=True)
class QuestionResult:
    """Everything the reveal message shows."""

    index: int
    question: Question
    answers: tuple[PlayerAnswer, ...]
    """In answer order, fastest first."""
    choice_counts: tuple[int, int, int, int]
    closed_at: datetime
    closed_early: bool
    """True when everyone answered before the deadline."""

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def correct_index(self) -> int:
        return self.question.correct_index

    @property
    def correct_choice(self) -> str:
        return self.question.answer

    @property
    def winners(self) -> tuple[PlayerAnswer, ...]:
        return tuple(a for a in self.answers if a.correct)

    @property
    def awarded(self) -> dict[int, int]:
        """Points each answering player won on this question (0 for a wrong answer)."""
        return {a.user_id: a.points for a in self.answers}


@dataclass(frozen=True)
class PlayerScore:
    user_id: int
    points: int
    correct: int
    answered: int
    streak: int
    best_streak: int
