"""The real TVmaze client against a local replay server, and the mapping onto the model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.schedule import build_episodes
from bot.sources.tvmaze import USER_AGENT, RateWindow, TvmazeClient, TvmazeError, TvmazeNotFound
from bot.sources.tvmaze_show import map_show, plain_text, search_hits
from tests.tvmaze.replay import TvmazeReplay
from tests.tvmaze.shows import ALCHEMY, alchemy, korean_show, search_answer

SHOW_PATH = f"/shows/{ALCHEMY}"


@pytest.fixture
async def replay() -> AsyncIterator[TvmazeReplay]:
    server = await TvmazeReplay().start()
    yield server
    await server.stop()


@pytest.fixture
async def client(replay: TvmazeReplay) -> AsyncIterator[TvmazeClient]:
    tvmaze = TvmazeClient(replay.url)
    yield tvmaze
    await tvmaze.close()


def weekly(count: int) -> list[datetime]:
    first = datetime(2022, 6, 18, 12, 15, tzinfo=UTC)
    return [first + timedelta(days=7 * n) for n in range(count)]


def test_a_korean_show_maps_onto_the_drama_model() -> None:
    mapped = map_show(alchemy(weekly(3)))
    drama_file = mapped.document.to_drama_file()
    drama = drama_file.drama
    assert (drama.slug, drama.title, drama.platform, drama.country) == (
        "alchemy-of-souls",
        "Alchemy of Souls",
        "tvN",
        "KR",
    )
    assert drama.schedule.timezone == "Asia/Seoul" and drama.schedule.weekdays == (5, 6)
    assert "환혼" in drama.aliases and drama.source == "tvmaze:62248"
    assert drama.source_url == "https://www.tvmaze.com/shows/62248/alchemy-of-souls"
    assert drama.synopsis.startswith("Set in a fictional country") and "<p>" not in drama.synopsis
    episodes = build_episodes(drama.slug, drama.schedule, drama_file.episode_overrides)
    assert [e.airs_at for e in episodes] == weekly(3) and all(e.time_known for e in episodes)
    names = {p.id: p for p in drama_file.people}
    assert (
        names["tvmaze-35563"].name == "Lee Jae-wook"
        and str(names["tvmaze-35563"].born) == "1998-05-10"
    )
    roles = [(c.person_id, c.role.value, c.character) for c in drama_file.credits]
    assert ("tvmaze-35563", "lead", "Jang Wook") in roles
    assert ("tvmaze-86811", "support", "Seo Yul") in roles
    assert ("tvmaze-90001", "director", None) in roles and ("tvmaze-90002", "writer", None) in roles


def test_a_streaming_episode_without_airtime_keeps_only_its_day() -> None:
    mapped = map_show(alchemy(weekly(2), timed=False))
    drama_file = mapped.document.to_drama_file()
    episodes = build_episodes("x", drama_file.drama.schedule, drama_file.episode_overrides)
    assert not any(e.time_known for e in episodes)
    assert [e.airs_at.date().isoformat() for e in episodes] == ["2022-06-18", "2022-06-25"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda s: s.update(network=None, webChannel=None), "no network or streaming service"),
        (lambda s: s["_embedded"].update(episodes=[]), "no dated episode"),
        (lambda s: s.update(name=None), "unexpected shape"),
    ],
)
def test_a_show_the_bot_cannot_follow_is_refused_with_the_reason(change, reason) -> None:  # type: ignore[no-untyped-def]
    show = alchemy(weekly(2))
    change(show)
    with pytest.raises(TvmazeError, match=reason):
        map_show(show)


def test_summary_html_becomes_plain_text() -> None:
    assert (
        plain_text("<p>One &amp; two<br />three</p><p><i>Four</i></p>")
        == "One & two\nthree\n\nFour"
    )


async def test_search_answers_labelled_choices_with_the_bots_user_agent(
    replay: TvmazeReplay, client: TvmazeClient
) -> None:
    replay.answer("/search/shows", search_answer(korean_show(), korean_show(9426)))
    hits = search_hits(await client.search("alchemy"))
    assert [h.label for h in hits] == [
        "Alchemy of Souls (tvN, 2022)",
        "Descendants of the Sun (KBS2, 2016)",
    ]
    assert replay.requests[0].user_agent == USER_AGENT and "DramaFanbot" in USER_AGENT
    assert replay.requests[0].query == "q=alchemy"


async def test_answers_are_cached_for_their_max_age_and_fresh_bypasses(
    replay: TvmazeReplay, client: TvmazeClient
) -> None:
    replay.answer(SHOW_PATH, alchemy(weekly(2)))
    await client.show(ALCHEMY)
    await client.show(ALCHEMY)
    assert replay.calls(SHOW_PATH) == 1
    await client.show(ALCHEMY, fresh=True)
    assert replay.calls(SHOW_PATH) == 2
    replay.answer("/updates/shows", {"1": 2}, cache=False)
    await client.updates("day")
    await client.updates("day")
    assert replay.calls("/updates") == 2


async def test_an_answer_an_edge_cache_held_for_its_whole_max_age_is_not_kept(
    replay: TvmazeReplay, client: TvmazeClient
) -> None:
    replay.answer(SHOW_PATH, alchemy(weekly(2)), age=3600)  # max-age=3600, already that old
    await client.show(ALCHEMY)
    await client.show(ALCHEMY)
    assert replay.calls(SHOW_PATH) == 2


async def test_a_429_is_waited_out_and_retried(replay: TvmazeReplay, client: TvmazeClient) -> None:
    replay.answer(SHOW_PATH, alchemy(weekly(2)))
    replay.fail(SHOW_PATH, 429, headers={"Retry-After": "0.5"})
    data = await client.show(ALCHEMY)
    assert data["id"] == ALCHEMY and replay.calls(SHOW_PATH) == 2


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (404, None, "no such show"),
        (503, None, r"having trouble \(503\)"),
        (200, b"{not json", "not valid JSON"),
    ],
)
async def test_bad_answers_become_one_reason(
    replay: TvmazeReplay, client: TvmazeClient, status: int, body: bytes | None, reason: str
) -> None:
    if body is not None:
        replay.answer_raw(SHOW_PATH, body)
    elif status != 404:
        replay.fail(SHOW_PATH, status)
    with pytest.raises(TvmazeError, match=reason) as caught:
        await client.show(ALCHEMY)
    assert isinstance(caught.value, TvmazeNotFound) == (status == 404)


async def test_a_huge_answer_is_refused(replay: TvmazeReplay, client: TvmazeClient) -> None:
    replay.answer_raw(SHOW_PATH, b"[" + b"1," * (5 * 1024 * 1024) + b"1]")
    with pytest.raises(TvmazeError, match="too large"):
        await client.show(ALCHEMY)


async def test_a_slow_tvmaze_times_out(
    replay: TvmazeReplay, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aiohttp

    from bot.sources import tvmaze

    monkeypatch.setattr(tvmaze, "TIMEOUT", aiohttp.ClientTimeout(total=0.3))
    replay.delay_seconds = 1.0
    slow = TvmazeClient(replay.url)
    try:
        with pytest.raises(TvmazeError, match="did not answer in time"):
            await slow.show(ALCHEMY)
    finally:
        await slow.close()


async def test_an_unreachable_tvmaze_is_one_reason() -> None:
    nowhere = TvmazeClient("http://127.0.0.1:9")
    try:
        with pytest.raises(TvmazeError, match="cannot be reached"):
            await nowhere.search("x")
    finally:
        await nowhere.close()


async def test_never_more_than_20_calls_in_10_seconds() -> None:
    now = [0.0]
    window = RateWindow(calls=20, seconds=10, monotonic=lambda: now[0])
    for _ in range(20):
        await window.acquire()
    import asyncio

    blocked = asyncio.create_task(window.acquire())
    await asyncio.sleep(0.01)
    assert not blocked.done()
    now[0] = 10.0
    await asyncio.wait_for(blocked, 11)
