"""Four-choice trivia questions: the shape, curated ones from data files, and picking a game's.

Pure domain code: no Discord, no SQL, no I/O, no module-level mutable state. Every random
choice goes through an injected :class:`random.Random`, so a seed replays a game exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from random import Random

from bot.domain.answers import AnswerText, same_answer
from bot.domain.models import (
    TriviaQuestion,
)
from bot.domain.names import name_key

LETTERS = "ABCD"
CHOICE_COUNT = len(LETTERS)
WRONG_COUNT = CHOICE_COUNT - 1

BASE_POINTS = 10
MAX_SPEED_BONUS = 5

MIN_QUESTIONS, DEFAULT_QUESTIONS, MAX_QUESTIONS = 1, 10, 50
MIN_SECONDS, DEFAULT_SECONDS, MAX_SECONDS = 5, 20, 120


# ---------------------------------------------------------------------------------- values


class QuestionSource(StrEnum):
    CURATED = "curated"
    GENERATED = "generated"


class QuestionKind(StrEnum):
    """What a question asks, so the cog or a test can tell generated questions apart."""

    CURATED = "curated"
    WHO_PLAYS = "who_plays"
    CHARACTER_OF = "character_of"
    JOB = "job"
    DIRECTOR = "director"
    WRITER = "writer"
    EPISODE_COUNT = "episode_count"
    TIME_SLOT = "time_slot"
    FACT_DRAMA = "fact_drama"
    CHARACTER_DRAMA = "character_drama"


@dataclass(frozen=True)
class Question:
    """One four-choice question; validated so a broken one can never reach a channel."""

    text: str
    choices: tuple[str, str, str, str]
    correct_index: int
    accepted: tuple[str, ...]
    """Extra spellings a typed answer may use (the correct choice itself always counts)."""
    source: QuestionSource
    drama_slug: str
    kind: QuestionKind

    def __post_init__(self) -> None:
        if len(self.choices) != CHOICE_COUNT:
            raise ValueError(f"a question needs exactly {CHOICE_COUNT} choices")
        if not 0 <= self.correct_index < CHOICE_COUNT:
            raise ValueError("correct_index out of range")
        keys = [name_key(choice) for choice in self.choices]
        if not all(keys) or len(set(keys)) != CHOICE_COUNT:
            raise ValueError(f"choices must be distinct names: {self.choices!r}")

    @property
    def answer(self) -> str:
        return self.choices[self.correct_index]

    @property
    def letter(self) -> str:
        """The correct button letter, for the reveal."""
        return LETTERS[self.correct_index]

    @property
    def answers(self) -> tuple[str, ...]:
        """Everything a typed answer is compared with: the correct choice, then accepted."""
        return (self.answer, *self.accepted)


def pick_wrong(
    answer: str,
    avoid: Iterable[str],
    tiers: Sequence[Iterable[str]],
    rng: Random,
    mentioned_in: str = "",
) -> list[str] | None:
    """Three wrong choices, most plausible tier first, or None when there are not enough.

    A candidate is refused when it equals (by name_key or typo distance) the answer, anything
    in ``avoid`` (accepted spellings, other correct answers) or an already chosen one, or when
    it appears in ``mentioned_in`` (the question text would then hint at it).
    """
    blocked = [AnswerText.of(text) for text in (answer, *avoid)]  # and each one chosen
    mentioned = name_key(mentioned_in)
    chosen: list[str] = []
    for tier in tiers:
        options = list(dict.fromkeys(tier))  # dedupe, keep order (sets would be hash-ordered)
        rng.shuffle(options)
        for option in options:
            if len(chosen) == WRONG_COUNT:
                return chosen
            form = AnswerText.of(option)
            if not form.key or (mentioned and form.key in mentioned):
                continue
            if any(same_answer(form, other) for other in blocked):
                continue
            chosen.append(option)
            blocked.append(form)
    return chosen if len(chosen) == WRONG_COUNT else None


def build_question(
    *,
    text: str,
    answer: str,
    wrong: Sequence[str],
    accepted: Iterable[str],
    rng: Random,
    source: QuestionSource,
    drama_slug: str,
    kind: QuestionKind,
) -> Question:
    """Shuffle the choices so the correct letter is not predictable."""
    choices = [answer, *wrong]
    rng.shuffle(choices)
    extra = tuple(dict.fromkeys(a for a in accepted if a != answer))
    return Question(
        text=text,
        choices=(choices[0], choices[1], choices[2], choices[3]),
        correct_index=choices.index(answer),
        accepted=extra,
        source=source,
        drama_slug=drama_slug,
        kind=kind,
    )


# ---------------------------------------------------------------------------- curated pool


def curated_questions(trivia: Sequence[TriviaQuestion], rng: Random) -> list[Question]:
    """The data files' hand-written questions, three of their wrong answers each, shuffled.

    A question is skipped when fewer than three wrong answers survive the duplicate check
    (e.g. a wrong answer that is only a romanization variant of the right one).
    """
    questions: list[Question] = []
    for item in trivia:
        wrong = pick_wrong(item.answer, item.accepted, [item.wrong], rng)
        if wrong is None:
            continue
        questions.append(
            build_question(
                text=item.question,
                answer=item.answer,
                wrong=wrong,
                accepted=item.accepted,
                rng=rng,
                source=QuestionSource.CURATED,
                drama_slug=item.drama_slug,
                kind=QuestionKind.CURATED,
            )
        )
    return questions


# ------------------------------------------------------------------------------- selection


def _text_key(text: str) -> str:
    return " ".join(text.casefold().split())


def pick_questions(pool: Sequence[Question], count: int, rng: Random) -> list[Question]:
    """Up to ``count`` questions in random order, never the same text twice.

    Questions with an answer not yet picked go first, so the curated "Who directed X?" and the
    generated one about the same person rarely both appear; repeats of an answer only fill up
    a game that would otherwise be short.
    """
    shuffled = list(pool)
    rng.shuffle(shuffled)
    texts: set[str] = set()
    answers: set[str] = set()
    first: list[Question] = []
    for question in shuffled:
        text, answer = _text_key(question.text), name_key(question.answer)
        if text not in texts and answer not in answers and len(first) < count:
            texts.add(text)
            answers.add(answer)
            first.append(question)
    rest: list[Question] = []
    for question in shuffled:
        text = _text_key(question.text)
        if text not in texts and len(first) + len(rest) < count:
            texts.add(text)
            rest.append(question)
    picked = first + rest
    rng.shuffle(picked)
    return picked
