"""One trivia game's flow: the state machine a cog drives (its scores: ``scoring``).

The cog owns one :class:`TriviaGame` per channel and drives it::

    question = game.open_next(now)          # post it with buttons A-D and a countdown
    game.answer(user, index, now, question_index=game.current_index)   # each click
    if game.should_close(now): result = game.close_current(now)        # reveal
    ...                                     # until open_next() returns None
    game.scoreboard()                       # final message

Every instant is an aware datetime passed in by the caller (normalised to UTC).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.answers import answer_matches
from bot.domain.names import name_key
from bot.domain.schedule import require_utc
from bot.domain.trivia.questions import (
    BASE_POINTS,
    CHOICE_COUNT,
    DEFAULT_SECONDS,
    LETTERS,
    MAX_SECONDS,
    MIN_SECONDS,
    Question,
)
from bot.domain.trivia.scoring import (
    AnswerOutcome,
    PlayerAnswer,
    PlayerScore,
    QuestionResult,
    speed_bonus,
)


@dataclass
class _Player:
    """Mutable running totals, private to one game."""

    user_id: int
    order: int
    points: int = 0
    correct: int = 0
    answered: int = 0
    streak: int = 0
    best_streak: int = 0
    scored_at: datetime | None = None

    def snapshot(self) -> PlayerScore:
        return PlayerScore(
            self.user_id, self.points, self.correct, self.answered, self.streak, self.best_streak
        )


@dataclass(frozen=True)
class _Locked:
    choice_index: int
    answered_at: datetime


# ------------------------------------------------------------------------------------ game


class TriviaGame:
    """One game in one channel: which question is open, who answered what, the scores.

    Not thread-safe and not meant to be: the cog calls it from the event loop only. Calls in
    the wrong state (opening while a question is open, closing when none is) are bugs in the
    caller and raise RuntimeError; player actions never raise for timing reasons, they return
    an :class:`AnswerOutcome`.
    """

    def __init__(
        self,
        *,
        channel_id: int,
        guild_id: int,
        starter_id: int,
        questions: Sequence[Question],
        seconds: int = DEFAULT_SECONDS,
        started_at: datetime,
    ) -> None:
        if not questions:
            raise ValueError("a game needs at least one question")
        if not MIN_SECONDS <= seconds <= MAX_SECONDS:
            raise ValueError(f"seconds must be {MIN_SECONDS}..{MAX_SECONDS}, got {seconds}")
        self.channel_id = channel_id
        self.guild_id = guild_id
        self.starter_id = starter_id
        self.seconds = seconds
        self.started_at = require_utc(started_at)
        self.questions: tuple[Question, ...] = tuple(questions)
        self._index = -1
        self._open = False
        self._stopped = False
        self._opened_at: datetime | None = None
        self._closes_at: datetime | None = None
        self._locked: dict[int, _Locked] = {}
        self._players: dict[int, _Player] = {}
        self._results: list[QuestionResult] = []

    # -- state ---------------------------------------------------------------------------

    @property
    def current_index(self) -> int | None:
        """Index of the open (or last closed) question; None before the first."""
        return None if self._index < 0 else self._index

    @property
    def current_question(self) -> Question | None:
        """The open question, or None between questions and after the end."""
        return self.questions[self._index] if self._open else None

    @property
    def opened_at(self) -> datetime | None:
        return self._opened_at if self._open else None

    @property
    def closes_at(self) -> datetime | None:
        return self._closes_at if self._open else None

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def is_stopped(self) -> bool:
        return self._stopped

    @property
    def is_finished(self) -> bool:
        """Stopped, or the last question has been closed."""
        last = len(self.questions) - 1
        return self._stopped or (not self._open and self._index >= last)

    @property
    def results(self) -> tuple[QuestionResult, ...]:
        return tuple(self._results)

    @property
    def answer_count(self) -> int:
        """Answers locked in for the open question (for a live "3 answered" counter)."""
        return len(self._locked) if self._open else 0

    def seconds_left(self, now_at: datetime) -> int:
        """Whole seconds until the open question closes, rounded up; 0 when none is open."""
        if not self._open or self._closes_at is None:
            return 0
        left = (self._closes_at - require_utc(now_at)).total_seconds()
        return max(0, math.ceil(left))

    # -- flow ----------------------------------------------------------------------------

    def open_next(self, now_at: datetime) -> Question | None:
        """Open the next question for ``seconds``; None once the game is over."""
        now_at = require_utc(now_at)
        if self._open:
            raise RuntimeError("close the current question before opening the next")
        if self.is_finished:
            return None
        self._index += 1
        self._open = True
        self._opened_at = now_at
        self._closes_at = now_at + timedelta(seconds=self.seconds)
        self._locked = {}
        return self.questions[self._index]

    def _gate(self, question_index: int | None) -> AnswerOutcome | None:
        """Why no answer can count now (wrong question, none open), or None if one can.

        The deadline is checked by the caller, after "already answered", so a player who
        locked in hears that rather than "too late".
        """
        if question_index is not None and question_index < self._index:
            return AnswerOutcome.TOO_LATE
        if question_index is not None and question_index > self._index:
            return AnswerOutcome.NO_QUESTION
        if self._index < 0:
            return AnswerOutcome.NO_QUESTION
        if not self._open or self._closes_at is None:
            return AnswerOutcome.TOO_LATE
        return None

    def answer(
        self,
        user_id: int,
        choice_index: int,
        now_at: datetime,
        *,
        question_index: int | None = None,
    ) -> AnswerOutcome:
        """Lock in a button click; the first click of each player counts, later ones do not.

        Pass the index the clicked message was posted for as ``question_index`` so a click on
        an old question's buttons is TOO_LATE rather than an answer to the current one.
        A click exactly at the deadline still counts (for 10 points).
        """
        if not 0 <= choice_index < CHOICE_COUNT:
            raise ValueError(f"choice_index must be 0..{CHOICE_COUNT - 1}")
        now_at = require_utc(now_at)
        refused = self._gate(question_index)
        if refused is not None:
            return refused
        if user_id in self._locked:
            return AnswerOutcome.ALREADY_ANSWERED
        assert self._closes_at is not None
        if now_at > self._closes_at:
            return AnswerOutcome.TOO_LATE
        self._locked[user_id] = _Locked(choice_index, now_at)
        if user_id not in self._players:
            self._players[user_id] = _Player(user_id, order=len(self._players))
        return AnswerOutcome.LOCKED_IN

    def typed_choice(self, text: str) -> int | None:
        """Which choice a typed message means: a right answer, a wrong choice, or A-D.

        A right answer is matched forgivingly (names.answer_matches against the correct
        choice and its accepted spellings); a wrong choice only by exact name_key, so chat
        that merely resembles an option is not taken as a guess.
        """
        question = self.current_question
        if question is None:
            return None
        if answer_matches(text, question.answers):
            return question.correct_index
        key = name_key(text)
        for index, choice in enumerate(question.choices):
            if key and key == name_key(choice):
                return index
        letter = text.strip().upper()
        if len(letter) == 1 and letter in LETTERS:
            return LETTERS.index(letter)
        return None

    def typed_answer(
        self,
        user_id: int,
        text: str,
        now_at: datetime,
        *,
        question_index: int | None = None,
    ) -> AnswerOutcome:
        """Typed-answer mode: like :meth:`answer`; messages that are no guess are ignored."""
        now_at = require_utc(now_at)
        refused = self._gate(question_index)
        if refused is not None:
            return refused
        choice = self.typed_choice(text)
        if choice is None:
            return AnswerOutcome.NOT_AN_ANSWER
        return self.answer(user_id, choice, now_at, question_index=question_index)

    def answered(self, user_id: int) -> int | None:
        """The choice a player locked in on the open question, if any."""
        locked = self._locked.get(user_id) if self._open else None
        return None if locked is None else locked.choice_index

    def everyone_answered(self) -> bool:
        """Everyone who has played so far answered the open one (and someone did)."""
        if not self._open or not self._locked:
            return False
        return all(user_id in self._locked for user_id in self._players)

    def should_close(self, now_at: datetime) -> bool:
        """Deadline reached or everyone answered: time to reveal."""
        if not self._open or self._closes_at is None:
            return False
        return require_utc(now_at) >= self._closes_at or self.everyone_answered()

    def close_current(self, now_at: datetime) -> QuestionResult:
        """Reveal the open question: award points, update streaks, report who got it.

        Players seen earlier in the game who did not answer lose their streak.
        """
        now_at = require_utc(now_at)
        if not self._open or self._opened_at is None or self._closes_at is None:
            raise RuntimeError("no question is open")
        question = self.questions[self._index]
        ordered = sorted(self._locked.items(), key=lambda item: item[1].answered_at)
        answers: list[PlayerAnswer] = []
        counts = [0] * CHOICE_COUNT
        for user_id, locked in ordered:
            player = self._players[user_id]
            counts[locked.choice_index] += 1
            player.answered += 1
            correct = locked.choice_index == question.correct_index
            points = 0
            if correct:
                bonus = speed_bonus(locked.answered_at, self._opened_at, self._closes_at)
                points = BASE_POINTS + bonus
                player.points += points
                player.correct += 1
                player.streak += 1
                player.best_streak = max(player.best_streak, player.streak)
                player.scored_at = locked.answered_at
            else:
                player.streak = 0
            answers.append(
                PlayerAnswer(
                    user_id, locked.choice_index, correct, points, player.streak, locked.answered_at
                )
            )
        for user_id, player in self._players.items():
            if user_id not in self._locked:
                player.streak = 0
        result = QuestionResult(
            index=self._index,
            question=question,
            answers=tuple(answers),
            choice_counts=(counts[0], counts[1], counts[2], counts[3]),
            closed_at=now_at,
            closed_early=now_at < self._closes_at,
        )
        self._results.append(result)
        self._open = False
        self._locked = {}
        return result

    def stop(self) -> None:
        """End the game now; an open question is abandoned unscored.

        Call close_current() first if the open question should still be revealed and scored.
        """
        self._stopped = True
        self._open = False
        self._locked = {}

    # -- scores --------------------------------------------------------------------------

    def player(self, user_id: int) -> PlayerScore | None:
        found = self._players.get(user_id)
        return None if found is None else found.snapshot()

    def scoreboard(self) -> list[PlayerScore]:
        """Points high to low; a tie goes to whoever reached that score first."""

        def rank(player: _Player) -> tuple[int, bool, datetime, int]:
            reached = player.scored_at or self.started_at
            return (-player.points, player.scored_at is None, reached, player.order)

        return [player.snapshot() for player in sorted(self._players.values(), key=rank)]
