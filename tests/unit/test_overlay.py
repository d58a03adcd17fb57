"""A data file naming ``source: tvmaze:ID`` wins over TVmaze where it speaks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.data.importer import overlays_in, validate_files
from bot.data.overlay import merge_overlay
from bot.domain.schedule import build_episodes
from bot.sources.tvmaze_show import map_show
from tests.tvmaze.shows import alchemy

OVERLAY = """\
slug: aos
source: tvmaze:62248
aliases: [AoS]
schedule: {timezone: Asia/Seoul, time: "21:10", start: 2022-06-18, episodes: 1}
people:
  - {id: tvmaze-35563, name: Lee Jae-wook, aliases: [이재욱], born: 1998-05-10}
credits:
  - person: tvmaze-35563
    role: lead
    character: Jang Wook
    character_aliases: [장욱, Wook]
facts:
  - {text: The drama has two parts., source: tvN}
"""


def test_the_file_wins_where_it_speaks(tmp_path: Path) -> None:
    (tmp_path / "aos.yaml").write_text(OVERLAY, encoding="utf-8")
    overlay = overlays_in(tmp_path)["tvmaze:62248"]
    assert validate_files([tmp_path]) == []  # an overlay is not a drama file of its own
    first = datetime(2022, 6, 18, 12, 15, tzinfo=UTC)
    source = map_show(alchemy([first, first + timedelta(days=7)], untimed=frozenset({2}))).document
    merged = merge_overlay(source, overlay).to_drama_file()
    assert merged.drama.slug == "aos" and merged.drama.aliases[0] == "AoS"
    assert "환혼" in merged.drama.aliases and merged.drama.title == "Alchemy of Souls"
    person = next(p for p in merged.people if p.id == "tvmaze-35563")
    assert person.aliases == ("이재욱",)
    wook = next(c for c in merged.credits if c.person_id == "tvmaze-35563")
    assert wook.character_aliases == ("장욱", "Wook")
    assert len([c for c in merged.credits if c.person_id == "tvmaze-35563"]) == 1
    assert [f.text for f in merged.facts] == ["The drama has two parts."]
    episodes = build_episodes("aos", merged.drama.schedule, merged.episode_overrides)
    assert len(episodes) == 2 and all(e.time_known for e in episodes)
    assert episodes[0].airs_at == first  # the source's instant stays
    assert episodes[1].airs_at == datetime(2022, 6, 25, 12, 10, tzinfo=UTC)  # 21:10 KST
