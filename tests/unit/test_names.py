"""How the bot recognises names however fans type them (bot.domain.names).

Score tiers (see the module docstring): exact 100, word group 95, prefix 85-90, typo < 85.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.answers import answer_matches
from bot.domain.names import NameIndex, NameMatch, name_key

PEOPLE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("park-hyung-sik", ("Park Hyung-sik", "Park Hyung Sik", "Hyungsik", "박형식")),
    ("han-so-hee", ("Han So-hee", "Han So Hee", "Sohee", "한소희")),
    ("kim-joo-heon", ("Kim Joo-heon", "Kim Ju-heon", "김주헌")),
    ("kim-hee-won", ("Kim Hee-won", "Kim Hee Won", "김희원")),
)

CHARACTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("han-seon-woo", ("Han Seon-woo", "Han Sun-woo", "Seonwoo", "한선우")),
    ("lee-eun-soo", ("Lee Eun-soo", "Lee Eunsoo", "Eun-soo", "이은수")),
    ("kang-woo-il", ("Kang Woo-il", "Woo-il", "강우일")),
)

INDEXES = {"people": NameIndex(PEOPLE), "characters": NameIndex(CHARACTERS)}


def tier(score: float) -> str:
    """Name the match tier a score belongs to."""
    if score == 100:
        return "exact"
    if score == 95:
        return "word group"
    if 85 <= score < 90:
        return "prefix"
    return "typo"


# ----------------------------------------------------------------------------- what fans type


@pytest.mark.parametrize(
    ("index", "typed", "finds", "how"),
    [
        # spacing, case and hyphens do not matter
        ("people", "Park Hyung Sik", "park-hyung-sik", "exact"),
        ("people", "park hyungsik", "park-hyung-sik", "exact"),
        ("people", "PARK HYUNG-SIK", "park-hyung-sik", "exact"),
        ("people", "hyungsik", "park-hyung-sik", "exact"),  # listed alias
        ("people", "Hee-won", "kim-hee-won", "word group"),  # given name only
        ("people", "박형식", "park-hyung-sik", "exact"),  # Hangul
        ("people", "형식", "park-hyung-sik", "word group"),  # Hangul given name
        ("people", "Han Sohee", "han-so-hee", "exact"),
        ("people", "han so hee", "han-so-hee", "exact"),
        ("people", "Han Sohe", "han-so-hee", "typo"),
        ("people", "Kim Ju Heon", "kim-joo-heon", "exact"),  # joo/ju + heon/hun folded
        ("people", "kim hee won", "kim-hee-won", "exact"),
        ("people", "Kim Hiwon", "kim-hee-won", "exact"),  # ee/i folded
        ("people", "hyunsik", "park-hyung-sik", "typo"),
        # romanization variants of the same character name
        ("characters", "Sun-woo", "han-seon-woo", "exact"),
        ("characters", "Seon Woo", "han-seon-woo", "exact"),
        ("characters", "seonwoo", "han-seon-woo", "exact"),
        ("characters", "sunwoo", "han-seon-woo", "exact"),
        ("characters", "Han Sunwu", "han-seon-woo", "exact"),
        ("characters", "Lee Eunsoo", "lee-eun-soo", "exact"),
        ("characters", "eun soo", "lee-eun-soo", "exact"),
        ("characters", "Lee Eun", "lee-eun-soo", "prefix"),  # "Eun-soo" is one word
        ("characters", "woo il", "kang-woo-il", "exact"),
        ("characters", "Kang", "kang-woo-il", "word group"),
    ],
)
def test_spellings_find_the_right_entity(index: str, typed: str, finds: str, how: str) -> None:
    top = INDEXES[index].search(typed)[0]
    assert (top.key, tier(top.score)) == (finds, how)


def test_result_reports_the_spelling_that_matched() -> None:
    people = INDEXES["people"]
    assert people.best("hyungsik") == NameMatch("park-hyung-sik", "Hyungsik", 100.0)
    assert people.best("박형식") == NameMatch("park-hyung-sik", "박형식", 100.0)
    # Several aliases share a key: the earlier one (the canonical name) is reported.
    assert people.best("park hyung sik") == NameMatch("park-hyung-sik", "Park Hyung-sik", 100.0)


def test_ambiguous_surname_lists_every_match_and_best_refuses_to_guess() -> None:
    people = INDEXES["people"]
    found = people.search("Kim")
    assert {match.key for match in found} == {"kim-joo-heon", "kim-hee-won"}
    assert found[0].score == found[1].score == 95.0
    # Equal scores: shorter name first, then earlier entry, so the order is stable.
    assert [match.name for match in found] == ["Kim Hee-won", "Kim Joo-heon"]
    assert people.best("Kim") is None  # caller should show the search() list instead
    assert people.best("Kim Hee-won") == NameMatch("kim-hee-won", "Kim Hee-won", 100.0)


@pytest.mark.parametrize("nonsense", ["zzzz", "", "   ", "!!!", "Vincenzo", "k"])
def test_nonsense_finds_nothing(nonsense: str) -> None:
    people = INDEXES["people"]
    assert people.search(nonsense) == []
    assert people.best(nonsense) is None


def test_search_returns_one_result_per_entity_best_first_within_limit() -> None:
    people = INDEXES["people"]
    found = people.search("Kim", limit=1)
    assert len(found) == 1
    # "Han So Hee" matches through three aliases; still one result.
    assert [match.key for match in people.search("han so hee")] == ["han-so-hee"]


# ------------------------------------------------------------------------------- did you mean


def test_near_miss_is_a_suggestion_not_a_confident_match() -> None:
    people = INDEXES["people"]
    assert people.search("Han Sooho") == []
    assert [match.key for match in people.suggestions("Han Sooho")] == ["han-so-hee"]


def test_suggestions_find_nothing_for_nonsense() -> None:
    assert INDEXES["people"].suggestions("zzzz") == []


# ------------------------------------------------------------------------------- autocomplete


def test_complete_puts_word_group_matches_first() -> None:
    assert INDEXES["people"].complete("han")[0].key == "han-so-hee"
    assert INDEXES["characters"].complete("han")[0].key == "han-seon-woo"


def test_complete_matches_prefix_of_any_word() -> None:
    assert [match.key for match in INDEXES["people"].complete("hyu")] == ["park-hyung-sik"]
    assert [match.key for match in INDEXES["characters"].complete("eun")] == ["lee-eun-soo"]


def test_complete_accepts_a_half_typed_hangul_syllable() -> None:
    # A Korean IME shows "바" on the way to "박".
    assert [match.name for match in INDEXES["people"].complete("바")] == ["박형식"]


def test_complete_with_empty_prefix_lists_entries_in_insertion_order() -> None:
    listed = INDEXES["people"].complete("", limit=3)
    assert [(match.key, match.name) for match in listed] == [
        ("park-hyung-sik", "Park Hyung-sik"),
        ("han-so-hee", "Han So-hee"),
        ("kim-joo-heon", "Kim Joo-heon"),
    ]


def test_complete_respects_limit_and_lists_each_entity_once() -> None:
    found = INDEXES["people"].complete("k")
    assert len({match.key for match in found}) == len(found)
    assert len(INDEXES["people"].complete("k", limit=1)) == 1


# -------------------------------------------------------------------------------- index build


def test_repeated_entity_keys_merge_their_names() -> None:
    index = NameIndex([("iu", ["IU"]), ("iu", ["Lee Ji-eun", "이지은"]), ("x", ["???"])])
    assert len(index) == 2  # names that normalise to nothing are ignored, entity kept
    assert index.best("Lee Jieun") == NameMatch("iu", "Lee Ji-eun", 100.0)
    assert index.best("IU") == NameMatch("iu", "IU", 100.0)


# ------------------------------------------------------------------------------ normalisation


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Park Hyung-sik", "park   hyung sik"),
        ("Crash Landing on You!", "crash-landing on you"),
        ("Ｐａｒｋ", "park"),  # fullwidth forms (NFKC)
        ("Café", "cafe"),  # accents on Latin letters
        ("Seon-woo", "Sun Woo"),  # eo -> u
        ("Joo", "Ju"),  # oo -> u
        ("Hee", "Hi"),  # ee -> i
        ("Shin", "Sin"),  # sh -> s
        ("Young", "Yeong"),  # ou -> u, eo -> u
        ("Eui-jin", "Ui-jin"),  # eui -> ui
        ("Yoon", "Yun"),
    ],
)
def test_name_key_treats_these_spellings_as_equal(one: str, other: str) -> None:
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Jae", "Je"),  # 재 / 제 are different syllables
        ("Yong", "Young"),  # 용 / 영
        ("Kang", "Gang"),  # consonant variants are left to typo matching
        ("Season 1", "Season 2"),
        ("박형식", "박형직"),
    ],
)
def test_name_key_keeps_these_apart(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


def test_name_key_does_not_romanize_or_fold_hangul() -> None:
    # Syllables are split into jamo internally (for prefix/typo matching) but never romanized.
    assert unicodedata.normalize("NFC", name_key("박 형-식")) == "박형식"
    assert name_key("서우") != name_key("수우")


# ----------------------------------------------------------------------------- trivia answers


@pytest.mark.parametrize(
    ("typed", "accepted", "counts", "why"),
    [
        ("Vincenzo", ["Vincenzo"], True, "exact"),
        ("vincenzo!", ["Vincenzo"], True, "case and punctuation ignored"),
        ("Vincenso", ["Vincenzo"], True, "one typo in eight letters"),
        ("Vincnzo", ["Vincenzo"], True, "one missing letter"),
        ("Vinsenso", ["Vincenzo"], False, "two typos in eight letters is too many"),
        ("4", ["4", "four"], True, "exact"),
        ("four", ["4"], True, "number words 0-20 equal their digits"),
        ("Four", ["4"], True, "number words are case-insensitive"),
        ("3", ["4", "four"], False, "numbers must match exactly"),
        ("1", ["4"], False, "no typo allowance for short answers"),
        ("Reply 1998", ["Reply 1988"], False, "a typo inside a number is a wrong number"),
        ("Park Hyungsik", ["Park Hyung-sik"], True, "spacing and hyphens ignored"),
        ("Han Sohee", ["Han So-hee"], True, "spacing and hyphens ignored"),
        ("Han Sohe", ["Han So-hee"], True, "one typo"),
        ("Kim Ju-heon", ["Kim Joo-heon"], True, "romanization variants"),
        ("Park", ["Park Hyung-sik"], False, "partial answers do not count"),
        ("Hyungsik", ["Park Hyung-sik", "Hyungsik"], True, "unless listed as accepted"),
        ("박형식", ["Park Hyung-sik", "박형식"], True, "Hangul answers if listed"),
        ("", ["Vincenzo"], False, "empty answer"),
        ("?!", ["?!"], False, "nothing left after normalisation"),
        ("Goblin", [], False, "no accepted answers"),
    ],
)
def test_answer_matches(typed: str, accepted: list[str], counts: bool, why: str) -> None:
    assert answer_matches(typed, accepted) is counts, why


# ------------------------------------------------------------------------------- properties

_ALIASES = [
    (index_name, entity, alias)
    for index_name, entries in (("people", PEOPLE), ("characters", CHARACTERS))
    for entity, aliases in entries
    for alias in aliases
]
_SEPARATORS = [" ", "  ", "-", "'", ".", "_", "·"]


@st.composite
def retyped_alias(draw: st.DrawFn) -> tuple[str, str, str]:
    """An alias re-typed with random case, fullwidth letters and stray separators."""
    index_name, entity, alias = draw(st.sampled_from(_ALIASES))
    chars: list[str] = []
    for char in alias:
        style = draw(st.sampled_from(["same", "upper", "lower", "fullwidth"]))
        if style == "upper":
            char = char.upper()
        elif style == "lower":
            char = char.lower()
        elif style == "fullwidth" and "!" <= char <= "~":
            char = chr(ord(char) + 0xFEE0)
        chars.append(char)
        if draw(st.booleans()):
            chars.append(draw(st.sampled_from(_SEPARATORS)))
    return index_name, entity, "".join(chars)


@given(retyped_alias())
def test_any_alias_however_typed_finds_its_entity_first(case: tuple[str, str, str]) -> None:
    index_name, entity, typed = case
    top = INDEXES[index_name].search(typed)[0]
    assert (top.key, top.score) == (entity, 100.0)


@given(st.text())
def test_name_key_is_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)


@given(st.text(max_size=30), st.integers(min_value=0, max_value=6))
def test_results_are_unique_sorted_and_bounded(query: str, limit: int) -> None:
    people = INDEXES["people"]
    for found in (people.search(query, limit), people.suggestions(query, limit)):
        assert len(found) <= limit
        assert len({match.key for match in found}) == len(found)
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
        assert all(0 <= match.score <= 100 for match in found)


def test_a_title_with_another_number_is_not_a_typo() -> None:
    index = NameIndex([("soundtrack-1", ["Soundtrack #1", "Soundtrack 1"])])
    assert index.best("Soundtrak") is not None
    assert index.best("Soundtrack #2") is None
    assert index.suggestions("Soundtrack 2") == []


def test_a_repeated_lookup_answers_the_same_even_after_the_caller_changed_its_list() -> None:
    people = NameIndex(PEOPLE)
    first = people.search("kim")
    first.clear()  # a caller's list is its own: the remembered answer is not touched

    assert people.search("kim") == NameIndex(PEOPLE).search("kim") != []
