"""Turning what fans type into full-text queries, and fixing their typos.

The store runs the queries (SQLite FTS5 with bm25); this module decides what to ask:
first every word as a prefix, then the words corrected against the index's own
vocabulary, and last any of the words, best ranked first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12
MIN_CORRECTABLE = 5  # shorter words have too many one-letter neighbours to guess from


def query_words(query: str) -> list[str]:
    """Lowercased words of the query, as FTS5's unicode61 tokenizer would split them."""
    return [w.casefold() for w in WORD.findall(query)][:MAX_QUERY_WORDS]


def prefix_match_expression(words: Sequence[str], *, every_word: bool = True) -> str | None:
    """``"vincen"* "kim"*``: each word as a prefix, all of them (or any); None when empty."""
    if not words:
        return None
    joiner = " " if every_word else " OR "
    return joiner.join(f'"{w.replace(chr(34), "")}"*' for w in words)


def typo_budget(word: str) -> int:
    """Edits a typo may have: one up to eight letters, two beyond."""
    return 1 if len(word) <= 8 else 2


def corrected_words(words: Sequence[str], vocabulary: Iterable[str]) -> list[str]:
    """Words the index knows, typos replaced by the closest term, the rest dropped."""
    terms = list(vocabulary)
    corrected: list[str] = []
    for word in words:
        if any(term.startswith(word) for term in terms):
            corrected.append(word)
            continue
        if len(word) < MIN_CORRECTABLE:
            continue
        budget = typo_budget(word)
        best = process.extractOne(word, terms, scorer=Levenshtein.distance, score_cutoff=budget)
        if best is not None:
            corrected.append(str(best[0]))
    return corrected
