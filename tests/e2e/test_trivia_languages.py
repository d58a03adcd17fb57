"""A whole trivia game in an Indonesian and in a Korean server: what the channel reads (the
start and stop notices, questions, countdown, reveals, scoreboard) and the generated questions
are in the server's language; a click's private answer and /trivia score in the fan's own.
Curated questions and the drama's names stay as the data has them."""

from __future__ import annotations

import pytest

from bot.client import FanBot
from bot.domain.trivia import LETTERS, QuestionSource
from tests.e2e.conftest import Fans
from tests.e2e.test_trivia import (
    REVEAL_TIMEOUT,
    SECONDS,
    buttons,
    description,
    eventually,
    field,
    letters,
    revealed,
    session_in,
)
from tests.emulator import DiscordEmulator, User
from tests.emulator.state import Message

ENGLISH_FRAMES = ("Who ", "Which ", "What ", "How many ", "When ")


@pytest.fixture
async def bob(emulator: DiscordEmulator, fans: Fans) -> User:
    return emulator.add_user("bob", guild=fans.guild)


async def question_titled(
    emulator: DiscordEmulator, bot: FanBot, fans: Fans, title: str
) -> Message:
    message = await emulator.wait_for_message(fans.general, title, timeout=REVEAL_TIMEOUT)
    session = session_in(bot, fans)
    await eventually(lambda: session.message_id == message.id)
    return message


def assert_generated_in_the_servers_language(bot: FanBot, fans: Fans) -> None:
    for asked in session_in(bot, fans).game.questions:
        if asked.source is QuestionSource.GENERATED:
            assert not asked.text.startswith(ENGLISH_FRAMES), asked.text


async def test_a_trivia_game_in_an_indonesian_server(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, admin: User, bob: User
) -> None:
    await emulator.slash(admin, "/settings", language="id")
    alice = fans.alice
    start = await emulator.slash(alice, "/trivia start", locale="id", questions=2, seconds=SECONDS)
    assert not start.ephemeral
    content = start.content or ""
    assert content.startswith(f"🎬 <@{alice.id}> memulai kuis **Soundtrack #1**")
    assert "2 pertanyaan, masing-masing 5 detik" in content
    assert "klik A, B, C, atau D" in content

    first = await question_titled(emulator, fanbot, fans, "Pertanyaan 1/2 · Soundtrack #1")
    assert_generated_in_the_servers_language(fanbot, fans)
    assert [b["label"] for b in buttons(first)] == list(LETTERS)
    assert "⏳ Ditutup <t:" in description(first)
    assert first.embeds[0]["footer"]["text"].startswith(
        "Klik salah satu huruf: jawaban pertamamu yang dihitung. 10 poin"
    )
    right, wrong = letters(session_in(fanbot, fans))
    locked = await emulator.click(first, right, alice, locale="id")
    assert locked.ephemeral and locked.content == f"Jawaban terkunci: {right}"
    # A fan whose Discord is in English gets the private answers in English.
    assert (await emulator.click(first, wrong, bob)).content == f"Locked in: {wrong}"
    again = await emulator.click(first, right, bob, locale="id")
    assert again.content == "Kamu sudah menjawab pertanyaan ini."

    await emulator.wait_until(lambda: revealed(first), timeout=REVEAL_TIMEOUT)
    assert f"Jawabannya **{right}**: **" in description(first)
    assert f"<@{alice.id}> +" in field(first.embeds[0], "Yang benar")
    assert first.embeds[0]["footer"]["text"].startswith("2 jawaban: A ")

    second = await question_titled(emulator, fanbot, fans, "Pertanyaan 2/2")
    stop = await emulator.slash(alice, "/trivia stop", locale="ko")
    assert not stop.ephemeral  # everyone reads it: the server's language, not alice's
    assert stop.content == (
        f"⏹️ <@{alice.id}> menghentikan permainan kuis. Skor akhir segera menyusul."
    )
    board = await emulator.wait_for_message(fans.general, "Permainan dihentikan · Kuis")
    await emulator.wait_until(lambda: revealed(second), timeout=2)
    assert "⏹️ **Permainan dihentikan**" in description(second)
    assert f"<@{alice.id}>: **" in description(board)
    assert "poin (1/1 benar, beruntun terbaik 1)" in description(board)
    assert board.embeds[0]["footer"]["text"] == "Skor dihitung untuk /kuis peringkat."

    score = await emulator.slash(alice, "/trivia score", locale="id")
    [embed] = score.embeds
    assert embed["title"] == "Skor kuis"
    assert field(embed, "Jawaban benar") == "1 dari 1"
    assert int(field(embed, "Poin")) >= 10
    top = await emulator.slash(bob, "/trivia leaderboard", period="week")  # bob's English
    assert top.embeds[0]["title"] == "Trivia leaderboard · this week"
    assert emulator.errors == []


async def test_a_trivia_game_in_a_korean_server(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, bob: User
) -> None:
    """No /settings language: the server's language in Discord (a Community server's)."""
    alice = fans.alice
    start = await emulator.slash(
        alice, "/trivia start", locale="en-US", guild_locale="ko", questions=1, seconds=SECONDS
    )
    content = start.content or ""
    assert content.startswith(f"🎬 <@{alice.id}>님이 **Soundtrack #1** 퀴즈를 시작했습니다")
    assert "1문제, 문제당 5초" in content

    first = await question_titled(emulator, fanbot, fans, "문제 1/1 · Soundtrack #1")
    assert_generated_in_the_servers_language(fanbot, fans)
    assert "⏳ 마감 <t:" in description(first)
    right, wrong = letters(session_in(fanbot, fans))
    assert (await emulator.click(first, right, alice, locale="ko")).content == (
        f"답 제출 완료: {right}"
    )
    assert (await emulator.click(first, wrong, bob, locale="ko")).content == (
        f"답 제출 완료: {wrong}"
    )

    await emulator.wait_until(lambda: revealed(first), timeout=REVEAL_TIMEOUT)
    assert f"정답은 **{right}**: **" in description(first)
    got_it = field(first.embeds[0], "정답자")
    assert f"<@{alice.id}> +" in got_it and f"<@{bob.id}>" not in got_it
    assert first.embeds[0]["footer"]["text"].startswith("답변 2개: A ")

    board = await emulator.wait_for_message(fans.general, "게임 종료 · Soundtrack #1 퀴즈")
    lines = description(board).splitlines()
    assert lines[0].startswith(f"🥇 <@{alice.id}>: **")
    assert lines[0].endswith("점 (1문제 중 1개 정답, 최고 1연속)")
    assert lines[1] == f"🥈 <@{bob.id}>: **0**점 (1문제 중 0개 정답, 최고 0연속)"
    assert board.embeds[0]["footer"]["text"] == "점수는 `/퀴즈 순위`에 반영됩니다."

    top = await emulator.slash(bob, "/trivia leaderboard", locale="ko")
    [embed] = top.embeds
    assert embed["title"] == "퀴즈 순위 · 전체 기간"
    assert str(embed["description"]).startswith(f"**1.** <@{alice.id}>: **")
    assert f"<@{bob.id}>님은 **0**점으로 **2위**입니다." == field(embed, "내 순위")
    score = await emulator.slash(bob, "/trivia score", user=alice)  # bob's English
    assert field(score.embeds[0], "Correct answers") == "1 of 1"
    assert emulator.errors == []
