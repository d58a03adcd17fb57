"""Turning what fans type into full-text queries, and fixing their typos.

The store runs the queries (SQLite FTS5 with bm25); this module decides what to ask:
first every word as a prefix, then the words corrected against the index's own
vocabulary, and last any of the words, best ranked first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12
TYPO_CUTOFF = 75.0


def query_words(query: str) -> list[str]:
    """Lowercased words of the query, as FTS5's unicode61 tokenizer would split them."""
    return [w.casefold() for w in WORD.findall(query)][:MAX_QUERY_WORDS]


def prefix_match_expression(words: Sequence[str], *, every_word: bool = True) -> str | None:
    """``"vincen"* "kim"*``: each word as a prefix, all of them (or any); None when empty."""
    if not words:
        return None
    joiner = " " if every_word else " OR "
    return joiner.join(f'"{w.replace(chr(34), "")}"*' for w in words)


def corrected_words(words: Sequence[str], vocabulary: Iterable[str]) -> list[str]:
    """Each word replaced by its closest vocabulary term (typos), or dropped when none is close."""
    terms = list(vocabulary)
    known = set(terms)
    corrected: list[str] = []
    for word in words:
        if word in known or any(t.startswith(word) for t in terms if len(word) >= 3):
            corrected.append(word)
            continue
        best = process.extractOne(word, terms, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        if best is not None:
            corrected.append(str(best[0]))
    return corrected
