"""What a fact search asks the full-text index, and how typos are fixed."""

from __future__ import annotations

from bot.domain.search import corrected_words, prefix_match_expression, query_words

VOCABULARY = ["vincenzo", "director", "directed", "han", "so", "hee", "park", "hyung", "sik"]


def test_words_are_lowercased_and_split_like_the_index_splits_them() -> None:
    assert query_words("Park Hyung-sik's VINCENZO!") == ["park", "hyung", "sik", "s", "vincenzo"]


def test_every_word_must_match_as_a_prefix() -> None:
    assert prefix_match_expression(["vincen", "kim"]) == '"vincen"* "kim"*'
    assert prefix_match_expression(["a", "b"], every_word=False) == '"a"* OR "b"*'
    assert prefix_match_expression([]) is None


def test_quotes_cannot_break_out_of_a_term() -> None:
    assert prefix_match_expression(['x"y']) == '"xy"*'


def test_typos_are_corrected_to_a_known_word_within_one_or_two_edits() -> None:
    assert corrected_words(["vincenso", "directer"], VOCABULARY) == ["vincenzo", "director"]
    assert corrected_words(["vincen"], VOCABULARY) == ["vincen"]  # a prefix stays as typed


def test_short_unknown_words_are_dropped_rather_than_guessed() -> None:
    assert corrected_words(["hann", "sohe"], VOCABULARY) == []
    assert corrected_words(["zzzzzzz"], VOCABULARY) == []
