"""Whether a typed trivia answer counts: names compared the forgiving way of ``names``, number
words equal to their digits, a small typo forgiven, numbers exact.

Pure domain code: no Discord, no SQL, no I/O, no module-level mutable state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rapidfuzz.distance import Levenshtein

from bot.domain.names import name_key, name_words, typo_budget

__all__ = ["answer_matches"]

# fmt: off
_NUMBER_WORDS: Mapping[str, str] = MappingProxyType({
    word: str(value)
    for value, word in enumerate((
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty",
    ))
})
# fmt: on

_DIGITS = re.compile(r"\d+")


def _answer_key(text: str) -> str:
    """name_key, but small number words become digits first so "four" equals "4"."""
    return name_key(" ".join(_NUMBER_WORDS.get(word, word) for word in name_words(text)))


def answer_matches(typed: str, accepted: Iterable[str]) -> bool:
    """Whether a typed trivia answer counts as one of the accepted answers.

    Same normalisation as :func:`name_key` (so ``Park Hyungsik`` == ``Park Hyung-sik``), number
    words zero..twenty equal their digits, and a small typo is forgiven: up to 1 edit for keys of
    5-8 characters, 2 from 9 on, none for 4 or fewer (``1`` never matches ``4``). Numbers must
    match exactly (``Reply 1988`` is not ``Reply 1998``). Partial answers do not count
    (``Park`` is not ``Park Hyung-sik``): list short forms like ``Hyungsik`` in ``accepted``.
    """
    guess = _answer_key(typed)
    return any(_keys_match(guess, _answer_key(answer)) for answer in accepted)


@dataclass(frozen=True, slots=True)
class AnswerText:
    """A text's normal forms, computed once when it is compared with many others (choosing
    wrong answers compares every candidate with every blocked one)."""

    key: str  # name_key
    answer_key: str  # name_key with number words as digits

    @classmethod
    def of(cls, text: str) -> AnswerText:
        return cls(name_key(text), _answer_key(text))


def same_answer(a: AnswerText, b: AnswerText) -> bool:
    """Whether two texts would read (or type-match) as the same answer."""
    return (
        a.key == b.key
        or _keys_match(a.answer_key, b.answer_key)
        or _keys_match(b.answer_key, a.answer_key)
    )


def _keys_match(guess: str, target: str) -> bool:
    """A typed key against an accepted one (the typo budget is the accepted one's)."""
    if not guess or not target:
        return False
    if guess == target:
        return True
    if _DIGITS.findall(guess) != _DIGITS.findall(target):
        return False
    budget = typo_budget(len(target))
    return bool(budget) and Levenshtein.distance(guess, target, score_cutoff=budget) <= budget
