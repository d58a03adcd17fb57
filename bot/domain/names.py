"""Forgiving name matching for people, characters and dramas (trivia answers: ``answers``).

Fans type the same name many ways: ``Park Hyung-sik``, ``park hyungsik``, ``hyungsik``,
``박형식``; ``Seon-woo`` / ``Sun Woo``; ``Lee Eunsoo`` / ``eun soo``; plus typos. Everything here
works on a *comparison key* (:func:`name_key`) so that spacing, case, punctuation and the common
Korean romanization variants stop mattering, and then layers on word-group, prefix and fuzzy
matching (rapidfuzz) for partial names and typos.

Matching tiers, best first (the score says which tier a match came from):

===========  =========  ==========================================================
tier         score      meaning
===========  =========  ==========================================================
exact        100        the query key equals the key of one of the entity's names
word group   95         the query equals a run of whole words of a name
                        (``hyungsik`` in ``Park Hyung-sik``, ``kim`` in ``Kim Hee-won``)
prefix       85 .. 90   the query key starts a name key or word-group key
                        (closer to 90 the more of the key it covers)
fuzzy        < 85       rapidfuzz ``fuzz.ratio`` of the keys, scaled by 0.85 so a typo
                        never outranks a real exact/group/prefix hit
===========  =========  ==========================================================

Pure domain code: no Discord, no SQL, no I/O, no module-level mutable state.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

__all__ = ["NameIndex", "NameMatch", "name_key", "name_words", "typo_budget"]

# --------------------------------------------------------------------------- scores & thresholds

EXACT_SCORE = 100.0
GROUP_SCORE = 95.0
PREFIX_BASE = 85.0
PREFIX_SPAN = 5.0
FUZZY_WEIGHT = 0.85
"""Fuzzy ratios are multiplied by this so they always rank below prefix hits (< 85)."""

SEARCH_FUZZY_CUTOFF = 80.0
"""Raw ``fuzz.ratio`` a typo needs to count as a confident match (one slip in ~7 letters)."""
SUGGEST_FUZZY_CUTOFF = 60.0
"""Raw ``fuzz.ratio`` for "did you mean" suggestions: loose on purpose, shown only as hints."""

MEMO_SIZE = 1024  # answers an index remembers before it starts over (a few hundred KB at most)
MEMO_LIMIT = 5  # only lookups of up to this many matches are remembered


@dataclass(frozen=True, slots=True)
class _Mode:
    """How permissive one lookup flavour is (search vs suggestions vs autocomplete)."""

    prefix_min: int  # shortest query key allowed to prefix-match (0 disables prefixes)
    fuzzy_min: int  # shortest query key allowed to fuzzy-match (0 disables fuzzy)
    fuzzy_cutoff: float  # raw fuzz.ratio needed
    typo_budget: bool  # also require Levenshtein distance <= typo_budget(len(matched key))


# Short keys are excluded from prefix/fuzzy in search: "han" should not typo-match "hana". The
# edit budget stops a longer query from "typo-matching" a short word group ("Han Sooho" is two
# insertions away from the group "Han So" of "Han So Hee": a suggestion, not a confident hit).
_SEARCH = _Mode(prefix_min=4, fuzzy_min=4, fuzzy_cutoff=SEARCH_FUZZY_CUTOFF, typo_budget=True)
_SUGGEST = _Mode(prefix_min=2, fuzzy_min=3, fuzzy_cutoff=SUGGEST_FUZZY_CUTOFF, typo_budget=False)
_COMPLETE = _Mode(prefix_min=1, fuzzy_min=4, fuzzy_cutoff=SEARCH_FUZZY_CUTOFF, typo_budget=True)

# ------------------------------------------------------------------------------- normalisation

_HANGUL_FIRST = "\uac00"
_HANGUL_LAST = "\ud7a3"

# Romanization variants of the same Korean sound, folded to one spelling. Applied in this order,
# repeatedly until nothing changes (so name_key is idempotent), to ASCII letters only.
#   sh -> s    Shin / Sin, Shi-eun / Si-eun
#   eui -> ui  Eui-jin / Ui-jin
#   eo -> u    Seon-woo / Sun-woo, Jeong / Jung, Hyeon / Hyun, Yeong / Young (after ou -> u)
#   oo -> u    Joo / Ju, Soo / Su, Woo / Wu, Yoon / Yun
#   ou -> u    Young / Yung, Joung / Jung
#   ee -> i    Hee / Hi, Lee / Li
# Deliberately NOT folded: ae/e (재 and 제 are different syllables), yo/yu and yeo/yo (용 ≠ 영),
# consonant voicing (k/g, p/b, ch/j) and l/r -- those differ by one letter and are left to fuzzy
# matching rather than risking two different people collapsing onto one exact key.
_ROMANIZATION_FOLDS: tuple[tuple[str, str], ...] = (
    ("sh", "s"),
    ("eui", "ui"),
    ("eo", "u"),
    ("oo", "u"),
    ("ou", "u"),
    ("ee", "i"),
)

# Characters that keep a word together ("Hyung-sik", "Woo'il") rather than splitting it.
_JOINERS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212'\u2018\u2019\u02bc")

# Single words that are never useful on their own as a word-group match ("on" in a title).
# fmt: off
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "at", "be", "for", "i", "in", "is", "it", "me", "my", "of", "on",
    "or", "the", "to", "with", "you", "your",
})
# fmt: on

# Two-syllable Korean surnames, so "남궁민" splits as 남궁 + 민 rather than 남 + 궁민.
_COMPOUND_SURNAMES = frozenset({"남궁", "독고", "동방", "사공", "서문", "선우", "제갈", "황보"})

_MAX_GROUP_WORDS = 6
"""Word groups longer than this are not indexed (keeps long titles from exploding the index)."""

_DIGITS = re.compile(r"\d+")


def typo_budget(length: int) -> int:
    """Edits forgiven in a key of this length: none for short keys like "4" or "kim"."""
    if length <= 4:
        return 0
    return 1 if length <= 8 else 2


def _fold_latin(text: str) -> str:
    """Collapse romanization variants; loop to a fixpoint so folding twice changes nothing."""
    while True:
        folded = text
        for variant, canonical in _ROMANIZATION_FOLDS:
            folded = folded.replace(variant, canonical)
        if folded == text:
            return folded
        text = folded


def _nfkc_casefold(text: str) -> str:
    """NFKC + casefold + NFKC again: casefold can produce text that is not NFKC-normal."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def name_key(text: str) -> str:
    """Return the comparison key for a name: equal keys mean "the same spelling" to fans.

    NFKC + casefold; keeps only letters and digits (spaces, hyphens, apostrophes and punctuation
    vanish); strips accents from Latin letters (``é`` -> ``e``); folds Korean romanization
    variants in Latin text (see ``_ROMANIZATION_FOLDS``). Hangul is never romanized or folded; its
    syllables are split into jamo (``박`` -> ``ᄇ ᅡ ᆨ``) so a half-typed syllable in autocomplete
    is still a prefix and a one-jamo typo is a small fuzzy distance.
    """
    kept: list[str] = []
    for char in _nfkc_casefold(text):
        if char.isascii():
            if char.isalnum():
                kept.append(char)
        elif _HANGUL_FIRST <= char <= _HANGUL_LAST:
            kept.append(unicodedata.normalize("NFD", char))
        elif char.isalnum():
            base = unicodedata.normalize("NFD", char)[0]
            kept.append(base if base.isascii() and base.isalnum() else char)
    return _fold_latin("".join(kept))


def name_words(text: str) -> list[str]:
    """Split a name into words on spaces and punctuation, keeping hyphenated parts together."""
    words: list[str] = []
    current: list[str] = []
    for char in _nfkc_casefold(text):
        if char.isalnum() or char in _JOINERS or unicodedata.category(char).startswith("M"):
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _is_hangul(word: str) -> bool:
    return bool(word) and all(_HANGUL_FIRST <= char <= _HANGUL_LAST for char in word)


def _group_keys(text: str, full_key: str) -> set[str]:
    """Keys of every run of whole words in ``text`` (except the whole name itself).

    This is what lets ``hyungsik`` find ``Park Hyung-sik`` and ``eun soo`` find ``Lee Eun-soo``.
    A single Hangul name like ``박형식`` also contributes its surname and given name.
    """
    words = name_words(text)
    keys: set[str] = set()
    for start in range(len(words)):
        for stop in range(start + 1, min(len(words), start + _MAX_GROUP_WORDS) + 1):
            if stop - start == 1 and words[start] in _STOPWORDS:
                continue
            keys.add(name_key(" ".join(words[start:stop])))
    if len(words) == 1 and _is_hangul(words[0]) and len(words[0]) in (3, 4):
        word = words[0]
        split = 2 if len(word) == 4 and word[:2] in _COMPOUND_SURNAMES else 1
        if len(word) - split == 2:
            keys.update((name_key(word[:split]), name_key(word[split:])))
    keys.discard(full_key)
    keys.discard("")
    return keys


# ------------------------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class NameMatch:
    """One matched entity: which entity, through which spelling, and how confidently."""

    key: str
    """Id of the entity (person id, credit id as str, slug...) as given to :class:`NameIndex`."""
    name: str
    """The alias that matched, in its original spelling (useful for "did you mean ...?")."""
    score: float
    """0..100; see the module docstring for which range means which match tier."""


class _Posting(NamedTuple):
    """Where a key occurs: entity position, alias position, and whether it is the whole alias."""

    entity: int
    alias: int
    whole: bool


# -------------------------------------------------------------------------------------- index


class NameIndex:
    """Immutable lookup structure over many entities' names, built once and queried often.

    All keys are precomputed at construction, so a lookup is one dict probe, one bisect for
    prefixes and one vectorised rapidfuzz pass for typos.
    """

    __slots__ = ("_entities", "_keys", "_memo", "_postings", "_sorted_keys")

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        """Index ``(entity key, names)`` pairs; names are the canonical name first, then aliases.

        A repeated entity key merges its names into the first occurrence. Names whose key is
        empty (pure punctuation) are ignored.
        """
        position: dict[str, int] = {}
        names_by_entity: list[list[str]] = []
        ids: list[str] = []
        for entity_key, names in entries:
            if entity_key not in position:
                position[entity_key] = len(ids)
                ids.append(entity_key)
                names_by_entity.append([])
            bucket = names_by_entity[position[entity_key]]
            bucket.extend(name for name in names if name not in bucket and name_key(name))

        postings: dict[str, list[_Posting]] = {}
        for entity, names in enumerate(names_by_entity):
            for alias, name in enumerate(names):
                full = name_key(name)
                postings.setdefault(full, []).append(_Posting(entity, alias, whole=True))
                for group in _group_keys(name, full):
                    postings.setdefault(group, []).append(_Posting(entity, alias, whole=False))

        self._entities: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
            (entity_id, tuple(names)) for entity_id, names in zip(ids, names_by_entity, strict=True)
        )
        self._postings: Mapping[str, tuple[_Posting, ...]] = {
            key: tuple(found) for key, found in postings.items()
        }
        self._sorted_keys: tuple[str, ...] = tuple(sorted(self._postings))
        self._keys: tuple[str, ...] = tuple(self._postings)
        self._memo: dict[tuple[str, _Mode, int], tuple[NameMatch, ...]] = {}

    def __len__(self) -> int:
        """Number of distinct entities."""
        return len(self._entities)

    # ------------------------------------------------------------------------------ public API

    def search(self, query: str, limit: int = 5) -> list[NameMatch]:
        """Confident matches, best first, one per entity; ``[]`` when nothing is close enough.

        Confident means: exact key, whole word group, a prefix of at least 4 letters, or a typo
        with ``fuzz.ratio >= 80`` that is also within 1 edit (keys of 5-8 chars) or 2 edits
        (longer keys). Equal scores (e.g. ``Kim`` matching two Kims) are all returned,
        shorter name first, then earlier entry.
        """
        return self._rank(name_key(query), _SEARCH, limit)

    def best(self, query: str) -> NameMatch | None:
        """The single match to act on, or ``None`` if there is none *or it is ambiguous*.

        Ambiguous means two entities tie for the top score (``Kim`` -> two Kims): the bot should
        then list ``search()`` results instead of silently picking one.
        """
        found = self._rank(name_key(query), _SEARCH, 2)
        if not found or (len(found) > 1 and found[1].score == found[0].score):
            return None
        return found[0]

    def suggestions(self, query: str, limit: int = 3) -> list[NameMatch]:
        """Looser "did you mean ...?" candidates for when :meth:`search` found nothing."""
        return self._rank(name_key(query), _SUGGEST, limit)

    def complete(self, prefix: str, limit: int = 25) -> list[NameMatch]:
        """Autocomplete choices for a partially typed name (Discord allows up to 25).

        Exact and word-group hits first, then prefixes of names or of any word group, then typos.
        An empty prefix lists the first entities in insertion order with their canonical name.
        """
        key = name_key(prefix)
        if not key:
            listed = (
                NameMatch(key=entity_id, name=names[0], score=0.0)
                for entity_id, names in self._entities
                if names
            )
            return list(islice(listed, max(limit, 0)))
        return self._rank(key, _COMPLETE, limit)

    # ------------------------------------------------------------------------------ internals

    def _rank(self, query: str, mode: _Mode, limit: int) -> list[NameMatch]:
        """``_ranked``, remembered: the index never changes and fans type the same few names
        (and autocomplete the same prefixes) over and over; the typo tier alone costs tens of
        microseconds per call."""
        if limit > MEMO_LIMIT:  # autocomplete's 25: many prefixes, long answers
            return self._ranked(query, mode, limit)
        memo_key = (query, mode, limit)
        found = self._memo.get(memo_key)
        if found is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            found = self._memo[memo_key] = tuple(self._ranked(query, mode, limit))
        return list(found)

    def _ranked(self, query: str, mode: _Mode, limit: int) -> list[NameMatch]:
        """Collect candidates from every tier, keep each entity's best, and order them."""
        if not query or limit <= 0:
            return []
        best: dict[int, tuple[float, int]] = {}

        def offer(key: str, whole_score: float, group_score: float) -> None:
            for entity, alias, whole in self._postings[key]:
                value = whole_score if whole else group_score
                current = best.get(entity)
                if current is None or (-value, alias) < (-current[0], current[1]):
                    best[entity] = (value, alias)

        if query in self._postings:
            offer(query, EXACT_SCORE, GROUP_SCORE)

        if mode.prefix_min and len(query) >= mode.prefix_min:
            keys = self._sorted_keys
            for i in range(bisect_left(keys, query), len(keys)):
                key = keys[i]
                if not key.startswith(query):
                    break
                if key != query:
                    score = PREFIX_BASE + PREFIX_SPAN * len(query) / len(key)
                    offer(key, score, score)

        if mode.fuzzy_min and len(query) >= mode.fuzzy_min:
            query_digits = _DIGITS.findall(query)
            for key, ratio, _ in process.extract(
                query,
                self._keys,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=mode.fuzzy_cutoff,
                limit=max(limit * 8, 40),
            ):
                if _DIGITS.findall(key) != query_digits:
                    continue  # "Soundtrack 2" is another title, not a typo of "Soundtrack 1"
                if mode.typo_budget:
                    budget = typo_budget(len(key))
                    if Levenshtein.distance(query, key, score_cutoff=budget) > budget:
                        continue
                # Exact and prefix hits already scored higher; offer() keeps each entity's best.
                offer(key, ratio * FUZZY_WEIGHT, ratio * FUZZY_WEIGHT)

        def order(item: tuple[int, tuple[float, int]]) -> tuple[float, int, int]:
            entity, (score, alias) = item
            return (-score, len(self._entities[entity][1][alias]), entity)

        ranked = sorted(best.items(), key=order)[:limit]
        return [
            NameMatch(
                key=self._entities[entity][0],
                name=self._entities[entity][1][alias],
                score=round(score, 2),
            )
            for entity, (score, alias) in ranked
        ]
