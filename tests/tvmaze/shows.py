"""TVmaze answers for tests, built from the recordings in ``recordings/`` (copied from
../shared/tvmaze-recordings, CC BY-SA TVmaze data): the real objects, with values rewritten.

- the show object: Alchemy of Souls (62248, tvN) from the Korean excerpt (2025 shape);
- each episode: the recorded 2021 /schedule/web episode row's keys (``type``, ``airtime ""``
  for a streaming release), numbers, dates and airstamps rewritten;
- cast: the current /shows/:id/cast shape (guesswhotv 2023), people and characters renamed;
- crew and akas: no recording exists; their shape is TVmaze's documented one
  (``{"type", "person"}`` and ``{"name", "country"}``), the person object as in the cast.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).parent / "recordings"
ALCHEMY = 62248


def _recording(name: str) -> Any:
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))["response"]


def korean_show(show_id: int = ALCHEMY) -> dict[str, Any]:
    shows = _recording("shows_id__korean-dramas-excerpt__unnamed-repo-2025.json")
    show: dict[str, Any] = copy.deepcopy(next(s for s in shows if s["id"] == show_id))
    return show


def _episode_row() -> dict[str, Any]:
    rows = _recording("schedule_web__date=2021-02-04__jarri-wk.json")
    row = {k: v for k, v in rows[0].items() if k != "_embedded"}
    return copy.deepcopy(row)


def episode(
    show: dict[str, Any], number: int, airs_at: datetime, *, season: int = 1, timed: bool = True
) -> dict[str, Any]:
    """One episode row; ``timed=False`` is a streaming release: airtime "", airstamp noon UTC."""
    row = _episode_row()
    episode_id = show["id"] * 1000 + season * 100 + number
    local = airs_at.astimezone(UTC) + timedelta(hours=9)  # tvN: Asia/Seoul, no DST
    row.update(
        id=episode_id,
        url=f"https://www.tvmaze.com/episodes/{episode_id}/{show['name'].lower().replace(' ', '-')}"
        f"-{season}x{number:02d}-episode-{number}",
        name=f"Episode {number}",
        season=season,
        number=number,
        airdate=local.date().isoformat(),
        airtime=f"{local:%H:%M}" if timed else "",
        airstamp=(
            airs_at.astimezone(UTC).isoformat()
            if timed
            else datetime.combine(local.date(), datetime.min.time(), UTC)
            .replace(hour=12)
            .isoformat()
        ),
        runtime=80,
    )
    row["_links"]["self"]["href"] = f"https://api.tvmaze.com/episodes/{episode_id}"
    return row


def cast(*people: tuple[int, str, str | None, str]) -> list[dict[str, Any]]:
    """Cast rows in the current shape: (person id, name, birthday, character)."""
    template = _recording("shows_id_cast__succession__guesswhotv-2023.json")[0]
    rows = []
    for person_id, name, birthday, character in people:
        row = copy.deepcopy(template)
        row["person"].update(
            id=person_id,
            url=f"https://www.tvmaze.com/people/{person_id}/{name.lower().replace(' ', '-')}",
            name=name,
            birthday=birthday,
            country={"name": "Korea, Republic of", "code": "KR", "timezone": "Asia/Seoul"},
        )
        row["person"]["_links"]["self"]["href"] = f"https://api.tvmaze.com/people/{person_id}"
        row["character"].update(id=person_id * 10, name=character)
        rows.append(row)
    return rows


def crew(*people: tuple[str, int, str]) -> list[dict[str, Any]]:
    """Crew rows (type, person id, name), the person object as in the cast."""
    template = cast((0, "x", None, "x"))[0]["person"]
    rows = []
    for kind, person_id, name in people:
        person = copy.deepcopy(template)
        person.update(id=person_id, name=name, birthday=None)
        rows.append({"type": kind, "person": person})
    return rows


ALCHEMY_CAST = cast(
    (35563, "Lee Jae-wook", "1998-05-10", "Jang Wook"),
    (37032, "Jung So-min", "1989-03-16", "Moo Deok"),
    (86811, "Hwang Min-hyun", "1995-08-09", "Seo Yul"),
)
ALCHEMY_CREW = crew(("Director", 90001, "Park Joon-hwa"), ("Writer", 90002, "Hong Jung-eun"))
ALCHEMY_AKAS = [
    {
        "name": "환혼",
        "country": {"name": "Korea, Republic of", "code": "KR", "timezone": "Asia/Seoul"},
    },
    {"name": "還魂", "country": None},
]


def alchemy(
    airs: list[datetime], *, timed: bool = True, untimed: frozenset[int] = frozenset()
) -> dict[str, Any]:
    """/shows/62248?embed[]=episodes&embed[]=cast&embed[]=crew&embed[]=akas; episodes in
    ``untimed`` (numbers) are streaming releases with no airtime."""
    show = korean_show()
    show["status"] = "Running"
    show["_embedded"] = {
        "episodes": [
            episode(show, n, at, timed=timed and n not in untimed) for n, at in enumerate(airs, 1)
        ],
        "cast": copy.deepcopy(ALCHEMY_CAST),
        "crew": copy.deepcopy(ALCHEMY_CREW),
        "akas": copy.deepcopy(ALCHEMY_AKAS),
    }
    return show


def search_answer(*shows: dict[str, Any]) -> list[dict[str, Any]]:
    """/search/shows: {score, show} rows, shows without _embedded."""
    return [
        {"score": round(0.9 - i * 0.1, 3), "show": {k: v for k, v in s.items() if k != "_embedded"}}
        for i, s in enumerate(shows)
    ]
