"""Trivia games (bot.domain.trivia): questions from the data, scoring, and one game's flow.

Scoring: a right answer is 10 points plus a speed bonus of 0..5 (5 when answered instantly,
0 at the deadline); a wrong or missed answer is 0 and ends the player's streak.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.data.folder import drama_files_in
from bot.data.loader import load_drama_file, parse_drama_text
from bot.domain.answers import answer_matches
from bot.domain.models import Drama, DramaFile, Episode, Person
from bot.domain.names import name_key
from bot.domain.schedule import build_episodes
from bot.domain.trivia import (
    BASE_POINTS,
    AnswerOutcome,
    Question,
    QuestionKind,
    QuestionSource,
    TriviaGame,
    curated_questions,
    generated_questions,
    occupation,
    pick_questions,
    speed_bonus,
)
from bot.domain.trivia.decoys import ACTOR_DECOYS
from bot.domain.trivia.generated import MASK
from tests.builders import VALID_DRAMA

DATA = Path(__file__).resolve().parents[2] / "data" / "dramas"
SEEDS = range(8)
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

ALICE, BOB, CAROL = 1, 2, 3


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# ------------------------------------------------------------------------------ data helpers


@cache
def data_files() -> tuple[DramaFile, ...]:
    return tuple(load_drama_file(path) for path in drama_files_in(DATA))


@cache
def builder_drama() -> DramaFile:
    """The small builder drama: one character, one director, a second drama to mix with."""
    return parse_drama_text(VALID_DRAMA, Path("test-drama.yaml"))


def episodes_of(file: DramaFile) -> list[Episode]:
    return build_episodes(file.drama.slug, file.drama.schedule, file.episode_overrides)


def questions_for(
    file: DramaFile, files: tuple[DramaFile, ...], seed: int
) -> tuple[list[Question], list[Question]]:
    """(curated, generated) questions for one drama, knowing every drama in ``files``."""
    rng = Random(seed)
    curated = curated_questions(file.trivia, rng)
    generated = generated_questions(
        file.drama,
        episodes=episodes_of(file),
        people=[p for f in files for p in f.people],
        credits=[c for f in files for c in f.credits],
        rng=rng,
        facts=file.facts,
        other_dramas=[f.drama for f in files if f is not file],
    )
    return curated, generated


def soundtrack(seed: int = 0) -> list[Question]:
    file = next(f for f in data_files() if f.drama.slug == "soundtrack-1")
    return questions_for(file, (file,), seed)[1]


def find(questions: list[Question], kind: QuestionKind, contains: str = "") -> Question:
    found = [q for q in questions if q.kind is kind and contains in q.text]
    assert len(found) == 1, [q.text for q in questions if q.kind is kind]
    return found[0]


def assert_well_formed(question: Question) -> None:
    """Four choices, distinct by name_key; exactly the correct one matches the answers."""
    assert len(question.choices) == 4
    assert len({name_key(c) for c in question.choices}) == 4, question.choices
    matching = [i for i, c in enumerate(question.choices) if answer_matches(c, question.answers)]
    assert matching == [question.correct_index], (question.text, question.choices)
    assert question.answer == question.choices[question.correct_index]


# ------------------------------------------------------------------------- question content


def test_the_data_folder_has_drama_files() -> None:
    assert data_files(), DATA


@pytest.mark.parametrize("seed", SEEDS)
def test_every_question_from_every_data_file_has_four_distinct_choices_one_correct(
    seed: int,
) -> None:
    files = data_files()
    for file in files:
        curated, generated = questions_for(file, files, seed)
        assert generated
        for question in (*curated, *generated):
            assert_well_formed(question)
        by_text = {t.question: t for t in file.trivia}
        for question in curated:
            assert question.source is QuestionSource.CURATED
            assert question.answer == by_text[question.text].answer
        assert all(q.source is QuestionSource.GENERATED for q in generated)


@pytest.mark.parametrize("seed", SEEDS)
def test_mixing_two_dramas_still_gives_well_formed_questions(seed: int) -> None:
    files = (*data_files(), builder_drama())
    for file in files:
        curated, generated = questions_for(file, files, seed)
        for question in (*curated, *generated):
            assert_well_formed(question)


def test_every_curated_question_of_the_data_survives() -> None:
    for file in data_files():
        assert len(curated_questions(file.trivia, Random(0))) == len(file.trivia)


@pytest.mark.parametrize("seed", SEEDS)
def test_soundtrack_who_plays_lee_eun_soo_is_han_so_hee(seed: int) -> None:
    question = find(soundtrack(seed), QuestionKind.WHO_PLAYS, "Lee Eun-soo")
    assert question.text == "Who plays Lee Eun-soo in Soundtrack #1?"
    assert question.answer == "Han So-hee"
    others = set(question.choices) - {"Han So-hee"}
    assert others & {"Park Hyung-sik", "Kim Joo-heon"}, "co-stars are the most plausible"


def test_soundtrack_which_character_park_hyung_sik_plays_is_han_seon_woo() -> None:
    question = find(soundtrack(), QuestionKind.CHARACTER_OF, "Park Hyung-sik")
    assert question.answer == "Han Seon-woo"
    assert "Han Sun-woo" in question.accepted


def test_soundtrack_was_directed_by_kim_hee_won_and_written_by_ban_ji_woon() -> None:
    questions = soundtrack()
    assert find(questions, QuestionKind.DIRECTOR).answer == "Kim Hee-won"
    assert find(questions, QuestionKind.WRITER).answer == "Ahn Sae-bom"


def test_soundtrack_has_four_episodes() -> None:
    question = find(soundtrack(), QuestionKind.EPISODE_COUNT)
    assert question.text == "How many episodes does Soundtrack #1 have?"
    assert question.answer == "4"


def test_soundtrack_airs_wednesdays_14_00_wib_and_wrong_slots_look_alike() -> None:
    question = find(soundtrack(), QuestionKind.TIME_SLOT)
    assert question.answer == "Wednesdays 14:00 WIB"
    for choice in question.choices:
        day, clock, zone = choice.split(" ")
        assert day.endswith("days") and zone == "WIB" and len(clock) == 5


def test_jobs_come_from_plain_credit_descriptions() -> None:
    jobs = {q.text: q.answer for q in soundtrack() if q.kind is QuestionKind.JOB}
    assert jobs == {
        "What is Lee Eun-soo's job in Soundtrack #1?": "Lyricist",
        "What is Han Seon-woo's job in Soundtrack #1?": "Photographer",
        "What is Kang Woo-il's job in Soundtrack #1?": "Composer",
    }


@pytest.mark.parametrize(
    ("description", "job"),
    [
        ("A lyricist who admires producer Kang Woo-il.", "Lyricist"),
        ("A rising, popular photographer of few words who loves her.", "Photographer"),
        ("A producer whose work the lyricist admires.", "Producer"),
        ("The one in the middle.", None),
        ("A lyricist and producer.", None),
        ("A friend who is a doctor.", None),
        (None, None),
    ],
)
def test_a_job_is_read_only_when_the_description_states_exactly_one(
    description: str | None, job: str | None
) -> None:
    assert occupation(description) == job


def test_a_drama_with_one_character_fills_wrong_choices_from_decoys() -> None:
    file = builder_drama()
    question = find(questions_for(file, (file,), 0)[1], QuestionKind.WHO_PLAYS)
    assert question.answer == "Lead Actor"
    assert set(question.choices) - {"Lead Actor"} <= set(ACTOR_DECOYS)


def test_a_decoy_is_never_a_spelling_of_the_answer() -> None:
    """Song Kang plays a character here; the decoy pool's "Song Kang" must not appear."""
    drama = builder_drama().drama
    song_kang = Person("song-kang", "Song Kang", ("Kang Song",), None, ())
    credit = builder_drama().credits[0]
    credit = type(credit)("song-kang", drama.slug, credit.role, "Hero", (), None)
    for seed in SEEDS:
        questions = generated_questions(
            drama, episodes=[], people=[song_kang], credits=[credit], rng=Random(seed)
        )
        question = find(questions, QuestionKind.WHO_PLAYS)
        assert [name_key(c) for c in question.choices].count(name_key("Song Kang")) == 1
        assert_well_formed(question)


def test_which_drama_questions_need_several_dramas_and_hide_the_title() -> None:
    alone = soundtrack()
    assert not [q for q in alone if q.kind is QuestionKind.FACT_DRAMA]
    files = (*data_files(), builder_drama())
    soundtrack_file = next(f for f in files if f.drama.slug == "soundtrack-1")
    generated = questions_for(soundtrack_file, files, 3)[1]
    facts = [q for q in generated if q.kind is QuestionKind.FACT_DRAMA]
    assert 1 <= len(facts) <= 5
    for question in facts:
        assert question.answer == "Soundtrack #1"
        assert "Test Drama" in question.choices
        quoted = question.text.split('"', 1)[1].casefold()
        assert not [name for name in soundtrack_file.drama.names if name.casefold() in quoted]
    assert all(MASK in q.text for q in facts), "only facts that name the drama are asked"
    character = find(generated, QuestionKind.CHARACTER_DRAMA, "Lee Eun-soo")
    assert character.answer == "Soundtrack #1"


def test_episodes_of_other_dramas_are_ignored_and_none_means_the_schedule() -> None:
    drama: Drama = builder_drama().drama
    foreign = [Episode("elsewhere", n, T0) for n in range(1, 17)]
    question = find(
        generated_questions(drama, episodes=foreign, people=[], credits=[], rng=Random(0)),
        QuestionKind.EPISODE_COUNT,
    )
    assert question.answer == str(drama.schedule.episode_count)


# -------------------------------------------------------------------------------- selection


def pool(seed: int = 0) -> list[Question]:
    files = data_files()
    return [q for f in files for part in questions_for(f, files, seed) for q in part]


@given(count=st.integers(min_value=0, max_value=80), seed=st.integers(0, 2**32))
def test_pick_questions_never_repeats_a_question(count: int, seed: int) -> None:
    questions = pool()
    picked = pick_questions(questions, count, Random(seed))
    texts = [q.text.casefold() for q in picked]
    assert len(texts) == len(set(texts))
    assert len(picked) == min(count, len({q.text.casefold() for q in questions}))


def test_pick_questions_prefers_different_answers() -> None:
    picked = pick_questions(pool(), 10, Random(1))
    answers = [name_key(q.answer) for q in picked]
    assert len(answers) == len(set(answers))


def test_choices_are_shuffled_so_the_correct_letter_varies_across_seeds() -> None:
    letters = {find(soundtrack(seed), QuestionKind.DIRECTOR).letter for seed in range(20)}
    assert len(letters) >= 3
    curated_letters = {
        curated_questions(data_files()[0].trivia, Random(seed))[0].letter for seed in range(20)
    }
    assert len(curated_letters) >= 3


def test_the_same_seed_gives_the_same_game_and_another_seed_another() -> None:
    game = pick_questions(pool(5), 10, Random(9))
    assert len(game) == 10
    assert pick_questions(pool(5), 10, Random(9)) == game
    assert pick_questions(pool(5), 10, Random(10)) != game


# ---------------------------------------------------------------------------------- scoring


def test_speed_bonus_is_5_when_instant_0_at_the_deadline_and_rounds_down() -> None:
    assert speed_bonus(at(0), at(0), at(20)) == 5
    assert speed_bonus(at(20), at(0), at(20)) == 0
    assert speed_bonus(at(10), at(0), at(20)) == 2  # 2.5 rounded down
    assert speed_bonus(at(3.99), at(0), at(20)) == 4
    assert speed_bonus(at(4), at(0), at(20)) == 4


def test_speed_bonus_clamps_clicks_outside_the_window() -> None:
    assert speed_bonus(at(-1), at(0), at(20)) == 5
    assert speed_bonus(at(25), at(0), at(20)) == 0


@given(st.floats(min_value=0, max_value=20), st.floats(min_value=0, max_value=20))
def test_speed_bonus_never_grows_when_answering_later(a: float, b: float) -> None:
    early, late = sorted((a, b))
    assert 0 <= speed_bonus(at(late), at(0), at(20)) <= speed_bonus(at(early), at(0), at(20)) <= 5


def test_speed_bonus_refuses_naive_instants() -> None:
    with pytest.raises(ValueError, match="naive"):
        speed_bonus(datetime(2024, 1, 1), at(0), at(20))


# ------------------------------------------------------------------------------------- game


def director_question(text: str = "Who directed Soundtrack #1?") -> Question:
    """A hand-made question whose correct letter is known: B."""
    return Question(
        text=text,
        choices=("Shin Won-ho", "Kim Hee-won", "Ban Ji-woon", "Lee Eung-bok"),
        correct_index=1,
        accepted=("Kim Hee Won",),
        source=QuestionSource.CURATED,
        drama_slug="soundtrack-1",
        kind=QuestionKind.CURATED,
    )


RIGHT, WRONG = 1, 0


def game(count: int = 3, seconds: int = 20) -> TriviaGame:
    questions = [director_question(f"Question {i}?") for i in range(count)]
    return TriviaGame(
        channel_id=10,
        guild_id=20,
        starter_id=ALICE,
        questions=questions,
        seconds=seconds,
        started_at=T0,
    )


def test_an_instant_right_answer_scores_15_at_the_deadline_10_and_a_wrong_one_0() -> None:
    g = game()
    g.open_next(at(0))
    assert g.answer(ALICE, RIGHT, at(0)) is AnswerOutcome.LOCKED_IN
    assert g.answer(BOB, RIGHT, at(20)) is AnswerOutcome.LOCKED_IN
    assert g.answer(CAROL, WRONG, at(1)) is AnswerOutcome.LOCKED_IN
    result = g.close_current(at(20))
    assert result.awarded == {ALICE: 15, CAROL: 0, BOB: 10}
    assert [a.user_id for a in result.winners] == [ALICE, BOB]
    assert result.choice_counts == (1, 2, 0, 0)
    assert result.correct_choice == "Kim Hee-won"
    assert not result.closed_early


def test_streaks_count_up_reset_on_a_wrong_or_missed_answer_and_the_best_is_kept() -> None:
    g = game(count=6)
    plan = [RIGHT, RIGHT, RIGHT, WRONG, RIGHT, None]  # None: Alice misses the question
    streaks = []
    for choice in plan:
        g.open_next(at(0))
        g.answer(BOB, WRONG, at(1))
        if choice is not None:
            g.answer(ALICE, choice, at(1))
        g.close_current(at(20))
        score = g.player(ALICE)
        assert score is not None
        streaks.append(score.streak)
    assert streaks == [1, 2, 3, 0, 1, 0]
    final = g.player(ALICE)
    assert final is not None
    assert (final.best_streak, final.correct, final.answered) == (3, 4, 5)


def test_the_reveal_shows_each_winners_streak() -> None:
    g = game()
    for _ in range(2):
        g.open_next(at(0))
        g.answer(ALICE, RIGHT, at(2))
        result = g.close_current(at(20))
    assert [(a.user_id, a.points, a.streak) for a in result.winners] == [(ALICE, 14, 2)]


def test_the_first_click_counts_and_a_second_is_already_answered() -> None:
    g = game()
    g.open_next(at(0))
    assert g.answer(ALICE, WRONG, at(1)) is AnswerOutcome.LOCKED_IN
    assert g.answer(ALICE, RIGHT, at(2)) is AnswerOutcome.ALREADY_ANSWERED
    assert g.answered(ALICE) == WRONG
    assert g.close_current(at(20)).awarded == {ALICE: 0}


def test_a_click_after_the_reveal_or_past_the_deadline_is_too_late() -> None:
    g = game()
    g.open_next(at(0))
    assert g.answer(ALICE, RIGHT, at(20.5)) is AnswerOutcome.TOO_LATE
    g.close_current(at(21))
    assert g.answer(BOB, RIGHT, at(21)) is AnswerOutcome.TOO_LATE


def test_a_click_on_an_old_questions_buttons_is_too_late_not_an_answer_to_the_new_one() -> None:
    g = game()
    g.open_next(at(0))
    g.close_current(at(20))
    g.open_next(at(21))
    assert g.current_index == 1
    assert g.answer(ALICE, RIGHT, at(22), question_index=0) is AnswerOutcome.TOO_LATE
    assert g.answer(ALICE, RIGHT, at(22), question_index=1) is AnswerOutcome.LOCKED_IN


def test_before_the_first_question_there_is_no_question() -> None:
    g = game()
    assert g.current_question is None and g.current_index is None
    assert g.answer(ALICE, RIGHT, at(0)) is AnswerOutcome.NO_QUESTION


def test_a_question_closes_early_once_everyone_who_played_so_far_answered() -> None:
    g = game()
    g.open_next(at(0))
    assert not g.everyone_answered(), "nobody has answered yet"
    g.answer(ALICE, RIGHT, at(1))
    assert g.everyone_answered() and g.should_close(at(1))
    g.answer(BOB, WRONG, at(2))
    assert g.close_current(at(2)).closed_early

    g.open_next(at(3))
    g.answer(ALICE, RIGHT, at(4))
    assert not g.everyone_answered(), "Bob played before and has not answered"
    assert not g.should_close(at(4))
    assert g.should_close(at(23)), "the deadline closes it anyway"
    g.answer(BOB, RIGHT, at(5))
    assert g.everyone_answered()


def test_the_game_runs_through_its_questions_and_then_is_finished() -> None:
    g = game(count=2)
    assert g.open_next(at(0)) is not None
    assert g.closes_at == at(20) and g.seconds_left(at(0.5)) == 20
    with pytest.raises(RuntimeError):
        g.open_next(at(1))
    g.close_current(at(20))
    assert not g.is_finished
    g.open_next(at(21))
    g.close_current(at(41))
    assert g.is_finished
    assert g.open_next(at(42)) is None
    assert len(g.results) == 2
    with pytest.raises(RuntimeError):
        g.close_current(at(43))


def test_stop_ends_the_game_and_abandons_the_open_question_unscored() -> None:
    g = game()
    g.open_next(at(0))
    g.answer(ALICE, RIGHT, at(1))
    g.stop()
    assert g.is_finished and g.is_stopped and not g.is_open
    assert g.open_next(at(2)) is None
    assert g.answer(BOB, RIGHT, at(2)) is AnswerOutcome.TOO_LATE
    assert [s.points for s in g.scoreboard()] == [0]


def test_the_scoreboard_orders_by_points_then_by_who_reached_the_score_first() -> None:
    g = game(count=2)
    g.open_next(at(0))
    g.answer(CAROL, WRONG, at(1))
    g.answer(BOB, RIGHT, at(10))  # 12 points
    g.answer(ALICE, RIGHT, at(12))  # 12 points, but later
    g.close_current(at(20))
    g.open_next(at(21))
    g.close_current(at(41))
    board = g.scoreboard()
    assert [(s.user_id, s.points) for s in board] == [(BOB, 12), (ALICE, 12), (CAROL, 0)]
    assert [(s.correct, s.answered) for s in board] == [(1, 1), (1, 1), (0, 1)]


def test_a_game_refuses_bad_settings() -> None:
    with pytest.raises(ValueError):
        game(seconds=4)
    with pytest.raises(ValueError):
        TriviaGame(channel_id=1, guild_id=1, starter_id=1, questions=[], seconds=20, started_at=T0)
    with pytest.raises(ValueError):
        game().answer(ALICE, 4, at(0))


def test_a_question_refuses_duplicate_choices() -> None:
    with pytest.raises(ValueError, match="distinct"):
        Question(
            text="?",
            choices=("Han Seon-woo", "Han Sun-woo", "Kang Woo-il", "Lee Eun-soo"),
            correct_index=0,
            accepted=(),
            source=QuestionSource.GENERATED,
            drama_slug="x",
            kind=QuestionKind.CHARACTER_OF,
        )


@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from([ALICE, BOB, CAROL]), st.integers(0, 3)), max_size=5),
        min_size=1,
        max_size=6,
    )
)
def test_scores_add_up_and_streaks_never_pass_the_best(
    rounds: list[list[tuple[int, int]]],
) -> None:
    g = game(count=len(rounds))
    total = 0
    for clicks in rounds:
        g.open_next(at(0))
        for offset, (user, choice) in enumerate(clicks):
            g.answer(user, choice, at(offset))
        total += sum(g.close_current(at(20)).awarded.values())
    board = g.scoreboard()
    assert sum(s.points for s in board) == total
    assert [s.points for s in board] == sorted((s.points for s in board), reverse=True)
    for score in board:
        assert score.streak <= score.best_streak <= score.correct <= score.answered
        assert score.points >= BASE_POINTS * score.correct


# ---------------------------------------------------------------------------- typed answers


def typed_game(question: Question) -> TriviaGame:
    g = TriviaGame(channel_id=1, guild_id=1, starter_id=ALICE, questions=[question], started_at=T0)
    g.open_next(at(0))
    return g


def test_typed_han_sohee_is_accepted_for_han_so_hee() -> None:
    g = typed_game(find(soundtrack(), QuestionKind.WHO_PLAYS, "Lee Eun-soo"))
    assert g.typed_answer(ALICE, "han sohee", at(1)) is AnswerOutcome.LOCKED_IN
    assert g.close_current(at(20)).awarded == {ALICE: 14}


@pytest.mark.parametrize("typed", ["4", "four", "Four", "4 episodes"])
def test_typed_4_and_four_are_accepted_for_4_episodes(typed: str) -> None:
    for question in (
        find(soundtrack(), QuestionKind.EPISODE_COUNT),
        next(q for q in curated_questions(data_files()[0].trivia, Random(0)) if q.answer == "4"),
    ):
        g = typed_game(question)
        assert g.typed_choice(typed) == question.correct_index


def test_typing_a_wrong_choice_or_its_letter_locks_it_in_and_chat_is_ignored() -> None:
    g = typed_game(director_question())
    assert g.typed_answer(ALICE, "what a hard one", at(1)) is AnswerOutcome.NOT_AN_ANSWER
    assert g.typed_answer(ALICE, "ban ji woon", at(2)) is AnswerOutcome.LOCKED_IN
    assert g.typed_answer(ALICE, "Kim Hee-won", at(3)) is AnswerOutcome.ALREADY_ANSWERED
    assert g.typed_answer(BOB, "d", at(4)) is AnswerOutcome.LOCKED_IN
    result = g.close_current(at(20))
    assert {a.user_id: a.choice_index for a in result.answers} == {ALICE: 2, BOB: 3}
    assert g.typed_answer(CAROL, "Kim Hee-won", at(21)) is AnswerOutcome.TOO_LATE


# ------------------------------------------------------------------- in the game's language


def soundtrack_in(code: str) -> list[Question]:
    """Soundtrack #1's generated questions written in a catalogue's language."""
    from bot.i18n import Catalogues
    from bot.ui.clock import render_weekly_slot

    lang = Catalogues.load().language(code)
    file = next(f for f in data_files() if f.drama.slug == "soundtrack-1")
    rng = Random(0)
    curated_questions(file.trivia, rng)  # as soundtrack() draws them: the same game
    return generated_questions(
        file.drama,
        episodes=episodes_of(file),
        people=file.people,
        credits=file.credits,
        rng=rng,
        facts=file.facts,
        words=lang,
        slot_text=lambda schedule: render_weekly_slot(lang, schedule),
    )


def test_generated_questions_in_indonesian_keep_the_datas_names() -> None:
    questions = soundtrack_in("id")
    who = find(questions, QuestionKind.WHO_PLAYS, "Lee Eun-soo")
    assert who.text == "Siapa pemeran Lee Eun-soo di Soundtrack #1?"
    assert who.answer == "Han So-hee"
    count = find(questions, QuestionKind.EPISODE_COUNT)
    assert count.text == "Berapa jumlah episode Soundtrack #1?"
    assert "4 episode" in count.accepted
    slot = find(questions, QuestionKind.TIME_SLOT)
    assert slot.answer == "Setiap Rabu pukul 14.00 WIB"
    assert all(choice.startswith("Setiap ") for choice in slot.choices)
    assert "Wednesdays 14:00 WIB" in slot.accepted  # a typed English answer still counts
    for question in questions:
        assert_well_formed(question)


def test_generated_questions_in_korean_and_the_same_game_as_in_english() -> None:
    korean, english = soundtrack_in("ko"), soundtrack()
    director = find(korean, QuestionKind.DIRECTOR)
    assert director.text == "Soundtrack #1의 연출은 누가 맡았나요?"
    assert find(korean, QuestionKind.TIME_SLOT).answer == "매주 수요일 14:00 WIB"
    # The language changes the words, not the game: same kinds, answers and letters.
    assert [(q.kind, q.correct_index) for q in korean] == [
        (q.kind, q.correct_index) for q in english
    ]
    assert [q.answer for q in korean if q.kind is not QuestionKind.TIME_SLOT] == [
        q.answer for q in english if q.kind is not QuestionKind.TIME_SLOT
    ]
