"""What a fact search asks the full-text index, and how typos are fixed."""

from __future__ import annotations

from bot.domain.search import (
    corrected_words,
    match_expression,
    query_words,
    rank_by_relevance,
)

VOCABULARY = ["vincenzo", "director", "directed", "han", "so", "hee", "park", "hyung", "sik"]


def test_words_are_lowercased_and_split_like_the_index_splits_them() -> None:
    assert query_words("Park Hyung-sik's VINCENZO!") == ["park", "hyung", "sik", "s", "vincenzo"]


def test_every_word_must_match_as_a_prefix() -> None:
    assert match_expression(["vincen", "kim"]) == '"vincen"* "kim"*'
    assert match_expression(["a", "b"], every_word=False) == '"a"* OR "b"*'
    assert match_expression(["vincenzo"], prefix=False) == '"vincenzo"'
    assert match_expression([]) is None


def test_quotes_cannot_break_out_of_a_term() -> None:
    assert match_expression(['x"y']) == '"xy"*'


def test_typos_are_corrected_to_a_known_word_within_one_or_two_edits() -> None:
    assert corrected_words(["vincenso", "directer"], VOCABULARY) == ["vincenzo", "director"]
    assert corrected_words(["vincen"], VOCABULARY) == ["vincen"]  # a prefix stays as typed


def test_short_unknown_words_are_dropped_rather_than_guessed() -> None:
    assert corrected_words(["hann", "sohe"], VOCABULARY) == []
    assert corrected_words(["zzzzzzz"], VOCABULARY) == []


def test_relevance_puts_documents_with_more_and_rarer_hits_first() -> None:
    documents = [
        (1, "A song about rain."),
        (2, "Vincenzo director Vincenzo again, a Vincenzo story."),
        (3, "The director of Vincenzo."),
        (4, "A very long text about many other things and also the director."),
    ]
    order = rank_by_relevance(["vincenzo", "director"], documents, prefix=False)
    assert order[:2] == [2, 3]
    assert order[-1] == 1


def test_relevance_ties_go_to_the_newest() -> None:
    assert rank_by_relevance(["x"], [(1, "x"), (2, "x")]) == [2, 1]


def test_prefixes_count_as_hits_only_in_prefix_mode() -> None:
    documents = [(1, "directed"), (2, "nothing")]
    assert rank_by_relevance(["direct"], documents, prefix=True)[0] == 1
    assert rank_by_relevance(["direct"], documents, prefix=False) == [2, 1]
