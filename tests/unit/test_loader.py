"""A drama file is accepted whole or rejected with ``file:line: what is wrong``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.data.importer import validate_files
from bot.data.loader import DataFileError, load_drama_file, parse_drama_text
from bot.domain.models import RoleKind
from tests.builders import VALID_DRAMA, drama_yaml, write_drama

REPO = Path(__file__).resolve().parents[2]


def error_for(text: str) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        parse_drama_text(text, Path("bad.yaml"))
    return caught.value


def test_the_valid_file_loads_every_section() -> None:
    loaded = parse_drama_text(VALID_DRAMA, Path("ok.yaml"))
    assert loaded.drama.title == "Test Drama"
    assert loaded.drama.schedule.weekdays == (2,)
    assert loaded.episode_overrides[0].airs_at == datetime(2022, 4, 7, 13, tzinfo=UTC)
    assert [c.role for c in loaded.credits] == [RoleKind.LEAD, RoleKind.DIRECTOR]
    assert loaded.trivia[0].accepted == ("four",)


def line_of(text: str, marker: str) -> int:
    """1-based line of the first line containing ``marker`` (1 for the whole document)."""
    if not marker:
        return 1
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        ("slug: test-drama", "slug: [oops", "title:", "YAML syntax"),
        ('title: "Test Drama"\n', "", "", "missing key 'title'"),
        ("Asia/Jakarta", "Asia/Atlantis", "Atlantis", "unknown time zone 'Asia/Atlantis'"),
        ("weekdays: [wed]", "weekdays: [wensday]", "wensday", "unknown weekday 'wensday'"),
        ('time: "14:00"', "time: 14:00", "time: 14:00", "quoted 24-hour time"),
        ("person: the-director", "person: nobody", "nobody", "unknown person id 'nobody'"),
        ("role: director", "role: producer", "producer", "unknown role 'producer'"),
        ('wrong: ["2", "6", "8"]', 'wrong: ["2", "6"]', "wrong:", "at least 3 distinct wrong"),
        ('wrong: ["2", "6", "8"]', 'wrong: ["2", "6", "4"]', "wrong:", "none equal to the answer"),
        ("  - number: 3\n", "  - number: 9\n", "number: 9", "from 1 to 4"),
        ("+07:00", "", "airs_at", "UTC offset"),
        ("synopsis:", "synopsys:", "synopsys", "unknown key 'synopsys'"),
    ],
)
def test_a_bad_file_names_the_line_and_the_field(
    old: str, new: str, marker: str, message: str
) -> None:
    text = VALID_DRAMA.replace(old, new, 1)
    error = error_for(text)
    assert message in error.message
    expected_line = line_of(text, marker)
    assert error.line == expected_line
    assert str(error).startswith(f"bad.yaml:{expected_line}: ")


def test_a_duplicate_episode_number_is_refused() -> None:
    text = drama_yaml(**{"    title: The moved one\n": "    title: The moved one\n  - number: 3\n"})
    error = error_for(text)
    assert "duplicate episode number 3" in error.message
    assert error.line == 18


def test_a_duplicate_person_id_points_at_the_second_one() -> None:
    text = VALID_DRAMA.replace("  - id: the-director", "  - id: lead-actor")
    error = error_for(text)
    assert "duplicate person id 'lead-actor'" in error.message
    occurrences = [n for n, line in enumerate(text.splitlines(), 1) if "id: lead-actor" in line]
    assert error.line == occurrences[1]


def test_a_slug_used_by_two_files_is_an_error_on_the_second(tmp_path: Path) -> None:
    write_drama(tmp_path, name="a.yaml")
    write_drama(tmp_path, name="b.yaml")
    (_, ok), (second, problem) = validate_files([tmp_path])
    assert not isinstance(ok, DataFileError)
    assert isinstance(problem, DataFileError)
    assert "already used by" in str(problem) and second.name == "b.yaml"


def test_the_shipped_soundtrack_file_is_complete() -> None:
    loaded = load_drama_file(REPO / "data" / "dramas" / "soundtrack-1.yaml")
    assert loaded.drama.slug == "soundtrack-1"
    assert loaded.drama.platform == "Disney+"
    assert loaded.drama.schedule.episode_count == 4
    assert len(loaded.facts) >= 20
    assert len(loaded.trivia) >= 20
    assert all(fact.source for fact in loaded.facts)
    assert not any("year-old" in fact.text for fact in loaded.facts)
    names = {p.id: p for p in loaded.people}
    assert str(names["han-so-hee"].born) == "1994-11-18"
    assert str(names["park-hyung-sik"].born) == "1991-11-16"
    characters = {c.character: c.person_id for c in loaded.credits if c.character}
    assert characters == {
        "Lee Eun-soo": "han-so-hee",
        "Han Seon-woo": "park-hyung-sik",
        "Kang Woo-il": "kim-joo-heon",
    }
    director = next(c for c in loaded.credits if c.role is RoleKind.DIRECTOR)
    assert director.person_id == "kim-hee-won"


def test_a_person_shared_by_two_files_must_be_listed_the_same_way(tmp_path: Path) -> None:
    write_drama(tmp_path, name="a.yaml")
    second = VALID_DRAMA.replace("test-drama", "other-drama").replace(
        "known_for: [Another Show]", "known_for: [A Different Show]"
    )
    same_person = VALID_DRAMA.replace("test-drama", "third-drama")
    write_drama(tmp_path, second, name="b.yaml")
    write_drama(tmp_path, same_person, name="c.yaml")
    (_, first), (_, problem), (_, third) = validate_files([tmp_path])
    assert not isinstance(first, DataFileError) and not isinstance(third, DataFileError)
    assert isinstance(problem, DataFileError)
    assert "'lead-actor' is defined differently" in problem.message
    assert problem.line == line_of(second, "id: lead-actor")


def test_every_problem_of_a_file_is_reported_at_once_each_with_its_line() -> None:
    text = drama_yaml(
        **{
            "weekdays: [wed]": "weekdays: [wedding]",
            "person: the-director": "person: nobody",
            "synopsis:": "synopsys:",
        }
    )
    error = error_for(text)
    lines = str(error).splitlines()
    assert len(lines) == 3, lines
    assert f"bad.yaml:{line_of(text, 'synopsys')}: synopsys: unknown key 'synopsys'" in lines
    assert any(
        line.startswith(f"bad.yaml:{line_of(text, 'wedding')}: schedule.weekdays")
        and "unknown weekday 'wedding'" in line
        for line in lines
    )
    assert f"bad.yaml:{line_of(text, 'nobody')}: credits[1].person: unknown person id" in (
        "\n".join(lines)
    )


def test_a_duplicate_key_is_refused_instead_of_keeping_the_last() -> None:
    text = VALID_DRAMA.replace('title: "Test Drama"\n', 'title: "Test Drama"\ntitle: "Other"\n')
    error = error_for(text)
    assert error.line == line_of(text, 'title: "Other"')
    assert "title: duplicate key 'title'" in error.message


def test_a_date_that_does_not_exist_is_a_problem_on_its_line_not_a_crash() -> None:
    text = VALID_DRAMA.replace("start: 2022-03-23", "start: 2022-13-01")
    error = error_for(text)
    assert error.line == line_of(text, "start: 2022-13-01")
    assert "'2022-13-01' is not a valid date" in error.message


@pytest.mark.parametrize("day", ["wedding", "wensday", "w", "8"])
def test_an_unknown_weekday_is_refused(day: str) -> None:
    error = error_for(VALID_DRAMA.replace("weekdays: [wed]", f"weekdays: [{day}]"))
    assert "unknown weekday" in error.message


def test_full_weekday_names_are_accepted() -> None:
    loaded = parse_drama_text(
        VALID_DRAMA.replace("weekdays: [wed]", "weekdays: [Wednesday]"), Path("ok.yaml")
    )
    assert loaded.drama.schedule.weekdays == (2,)


def test_an_episode_known_only_by_its_day_has_no_announced_time() -> None:
    text = VALID_DRAMA.replace(
        "    airs_at: 2022-04-07T20:00:00+07:00\n", "    airs_on: 2022-04-07\n"
    )
    loaded = parse_drama_text(text, Path("ok.yaml"))
    from bot.domain.schedule import build_episodes

    episodes = build_episodes("test-drama", loaded.drama.schedule, loaded.episode_overrides)
    third = next(e for e in episodes if e.number == 3)
    assert not third.time_known and third.airs_at.date().isoformat() == "2022-04-07"
    assert all(e.time_known for e in episodes if e.number != 3)


def test_the_shipped_soundtrack_file_tells_the_checked_truth() -> None:
    """../shared/research/soundtrack-1-data-check.md: writer, director, Kang Woo-il's job."""
    path = REPO / "data" / "dramas" / "soundtrack-1.yaml"
    loaded = load_drama_file(path)
    writer = next(c for c in loaded.credits if c.role is RoleKind.WRITER)
    people = {p.id: p for p in loaded.people}
    assert people[writer.person_id].name == "Ahn Sae-bom"
    assert "안새봄" in people[writer.person_id].aliases
    assert "Ban Ji" not in path.read_text(encoding="utf-8")
    assert "Chae Yoon" not in path.read_text(encoding="utf-8")
    director_facts = [f.text for f in loaded.facts if "Kim Hee-won" in f.text]
    assert director_facts and not any(" he " in f" {t} " for t in director_facts)
    kang = next(c for c in loaded.credits if c.character == "Kang Woo-il")
    assert kang.description is not None and "composer" in kang.description
    job = next(q for q in loaded.trivia if q.question == "What is Kang Woo-il's job?")
    assert job.answer == "Composer" and "작곡가" in job.accepted
    assert not any("producer Kang" in f.text for f in loaded.facts)
    assert {"Soundtrack No. 1", "Why Did You Come to My House?"} <= set(loaded.drama.aliases)
    assert all(f.source for f in loaded.facts)
