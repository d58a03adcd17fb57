"""Turning what fans type into full-text queries, and fixing their typos.

The store runs the queries (SQLite FTS5 with bm25); this module decides what to ask:
every word whole, then every word as a prefix, then the words corrected against the
index's own vocabulary, and last any of the words, best ranked first.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12
MIN_CORRECTABLE = 5  # shorter words have too many one-letter neighbours to guess from


def query_words(query: str) -> list[str]:
    """Lowercased words of the query, as FTS5's unicode61 tokenizer would split them."""
    return text_words(query)[:MAX_QUERY_WORDS]


def match_expression(
    words: Sequence[str], *, prefix: bool = True, every_word: bool = True
) -> str | None:
    """``"vincen"* "kim"*``: each word (as a prefix), all of them (or any); None when empty."""
    if not words:
        return None
    joiner = " " if every_word else " OR "
    star = "*" if prefix else ""
    return joiner.join(f'"{w.replace(chr(34), "")}"{star}' for w in words)


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


BM25_K1 = 1.2
BM25_B = 0.75


def rank_by_relevance(
    words: Sequence[str], documents: Sequence[tuple[int, str]], *, prefix: bool = True
) -> list[int]:
    """Document ids, most relevant first (Okapi BM25 over the given documents; ties: newest).

    The store hands over a bounded window of full-text matches; ranking them here costs
    microseconds where SQLite's bm25() costs milliseconds per hundred rows.
    """
    tokenised = [(doc_id, text_words(text)) for doc_id, text in documents]
    if not tokenised:
        return []
    # Each document's distinct words once (a fact repeats many): a word's hits are looked up,
    # and prefixes are tried against the distinct words only.
    distinct = [Counter(tokens) for _, tokens in tokenised]

    def hits(word: str, bag: Counter[str]) -> int:
        if not prefix:
            return bag[word]
        return sum(n for token, n in bag.items() if token.startswith(word))

    average = sum(len(tokens) for _, tokens in tokenised) / len(tokenised) or 1.0
    counts = [[hits(word, bag) for bag in distinct] for word in set(words)]
    total = len(tokenised)
    idfs = []
    for per_doc in counts:
        having = sum(1 for c in per_doc if c)
        idfs.append(math.log(1 + (total - having + 0.5) / (having + 0.5)))
    scores: list[tuple[float, int]] = []
    for index, (doc_id, tokens) in enumerate(tokenised):
        norm = BM25_K1 * (1 - BM25_B + BM25_B * len(tokens) / average)
        score = 0.0
        for idf, per_doc in zip(idfs, counts, strict=True):
            frequency = per_doc[index]
            if frequency:
                score += idf * frequency * (BM25_K1 + 1) / (frequency + norm)
        scores.append((score, doc_id))
    scores.sort(key=lambda pair: (-pair[0], -pair[1]))
    return [doc_id for _, doc_id in scores]


def text_words(text: str) -> list[str]:
    """Every lowercased word of a text (query_words keeps only the first few)."""
    return [w.casefold() for w in WORD.findall(text)]
