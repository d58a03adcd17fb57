"""Trivia: questions (:mod:`.questions`) and the game state machine (:mod:`.game`)."""

from bot.domain.trivia.game import TriviaGame
from bot.domain.trivia.generated import generated_questions, occupation
from bot.domain.trivia.phrasebook import EnglishFrames, Phrasebook
from bot.domain.trivia.questions import (
    BASE_POINTS,
    CHOICE_COUNT,
    DEFAULT_QUESTIONS,
    DEFAULT_SECONDS,
    LETTERS,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MAX_SPEED_BONUS,
    MIN_QUESTIONS,
    MIN_SECONDS,
    Question,
    QuestionKind,
    QuestionSource,
    curated_questions,
    pick_questions,
)
from bot.domain.trivia.scoring import (
    AnswerOutcome,
    PlayerAnswer,
    PlayerScore,
    QuestionResult,
    speed_bonus,
)

__all__ = [
    "BASE_POINTS",
    "CHOICE_COUNT",
    "DEFAULT_QUESTIONS",
    "DEFAULT_SECONDS",
    "LETTERS",
    "MAX_QUESTIONS",
    "MAX_SECONDS",
    "MAX_SPEED_BONUS",
    "MIN_QUESTIONS",
    "MIN_SECONDS",
    "AnswerOutcome",
    "EnglishFrames",
    "Phrasebook",
    "PlayerAnswer",
    "PlayerScore",
    "Question",
    "QuestionKind",
    "QuestionResult",
    "QuestionSource",
    "TriviaGame",
    "curated_questions",
    "generated_questions",
    "occupation",
    "pick_questions",
    "speed_bonus",
]
