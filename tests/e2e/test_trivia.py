"""/trivia end to end: games in real time (5-second questions), stops, restarts and scores.

The right answer of the open question is read from the running bot's game state, as a player
who knows the show would know it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.client import FanBot
from bot.domain.trivia import LETTERS
from bot.trivia_session import TriviaSession
from tests.e2e.airing import eventually
from tests.e2e.conftest import SHIPPED_DATA, FanbotRunner, Fans, fanbot_settings
from tests.emulator import DiscordEmulator, User
from tests.emulator.state import Message

MANAGE_MESSAGES = 1 << 13
SECONDS = 5
REVEAL_TIMEOUT = SECONDS + 4


@pytest.fixture
async def bob(emulator: DiscordEmulator, fans: Fans) -> User:
    return emulator.add_user("bob", guild=fans.guild)


@pytest.fixture
async def cara(emulator: DiscordEmulator, fans: Fans) -> User:
    return emulator.add_user("cara", guild=fans.guild)


@pytest.fixture
async def mod(emulator: DiscordEmulator, fans: Fans) -> User:
    return emulator.add_user("mod", guild=fans.guild, permissions=MANAGE_MESSAGES)


def session_in(bot: FanBot, fans: Fans) -> TriviaSession:
    session = bot.trivia.in_channel(fans.general.id)
    assert session is not None, "no game runs in #general"
    return session


def letters(session: TriviaSession) -> tuple[str, str]:
    """The right letter of the open question and a wrong one."""
    question = session.game.current_question
    assert question is not None
    right = question.correct_index
    return LETTERS[right], LETTERS[(right + 1) % len(LETTERS)]


def buttons(message: Message) -> list[dict[str, object]]:
    return [b for row in message.components for b in row["components"]]


def revealed(message: Message) -> bool:
    return bool(message.components) and all(b.get("disabled") for b in buttons(message))


def description(message: Message) -> str:
    return str(message.embeds[0]["description"])


async def question(
    emulator: DiscordEmulator, bot: FanBot, fans: Fans, number: int, total: int
) -> Message:
    """The question's message, once the bot has recorded it as the game's current one."""
    message = await emulator.wait_for_message(
        fans.general, f"Question {number}/{total}", timeout=REVEAL_TIMEOUT
    )
    session = session_in(bot, fans)
    await eventually(lambda: session.message_id == message.id, timeout=2)
    return message


def points_of(board: Message, user: User) -> int:
    found = re.search(rf"<@{user.id}>: \*\*(\d+)\*\* points", description(board))
    assert found, description(board)
    return int(found[1])


def field(reply_embed: dict[str, object], name: str) -> str:
    fields = reply_embed.get("fields") or []
    assert isinstance(fields, list)
    return str(next(f["value"] for f in fields if f["name"] == name))


async def test_a_two_question_game_locks_answers_reveals_and_ends_with_the_scores(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, bob: User, cara: User
) -> None:
    alice = fans.alice
    start = await emulator.slash(alice, "/trivia start", questions=2, seconds=SECONDS)
    assert not start.ephemeral
    assert "2 questions, 5 seconds each" in (start.content or "")

    first = await question(emulator, fanbot, fans, 1, 2)
    assert [b["label"] for b in buttons(first)] == list(LETTERS)
    assert re.search(r"Closes <t:\d+:R>", description(first))
    right, wrong = letters(session_in(fanbot, fans))
    assert (await emulator.click(first, right, alice)).content == f"Locked in: {right}"
    assert (await emulator.click(first, wrong, bob)).content == f"Locked in: {wrong}"
    locked = await emulator.click(first, right, cara)
    assert locked.ephemeral and locked.content == f"Locked in: {right}"
    again = await emulator.click(first, wrong, cara)
    assert again.ephemeral and again.content == "You already answered this question."

    await emulator.wait_until(lambda: revealed(first), timeout=REVEAL_TIMEOUT)
    correct = next(b for b in buttons(first) if b["label"] == right)
    assert correct["style"] == 3  # green: the right answer marked
    assert f"The answer was **{right}**" in description(first)
    got_it = field(first.embeds[0], "Got it")
    assert f"<@{alice.id}> +" in got_it and f"<@{cara.id}> +" in got_it
    assert f"<@{bob.id}>" not in got_it
    late = await emulator.click(first, right, bob, stale=True)  # buttons disabled by the reveal
    assert late.ephemeral and late.content == "Too late: this question is closed."

    second = await question(emulator, fanbot, fans, 2, 2)
    right, wrong = letters(session_in(fanbot, fans))
    for user, letter in ((alice, right), (bob, right), (cara, wrong)):
        assert (await emulator.click(second, letter, user)).content == f"Locked in: {letter}"
    # everyone who played has answered: revealed before the deadline
    await emulator.wait_until(lambda: revealed(second), timeout=2)

    board = await emulator.wait_for_message(fans.general, "Game over")
    assert description(board).index(f"<@{alice.id}>") < description(board).index(f"<@{bob.id}>")
    alice_points = points_of(board, alice)
    assert 20 <= alice_points <= 30
    assert "(2/2 right, best streak 2)" in description(board)
    await eventually(lambda: fanbot.trivia.in_channel(fans.general.id) is None, timeout=2)

    score = await emulator.slash(bob, "/trivia score", user=alice)
    [embed] = score.embeds
    assert field(embed, "Points") == str(alice_points)
    assert field(embed, "Games") == "1"
    assert field(embed, "Correct answers") == "2 of 2"
    assert field(embed, "Best streak") == "2"

    top = await emulator.slash(cara, "/trivia leaderboard", period="week")
    [embed] = top.embeds
    assert embed["title"] == "Trivia leaderboard · this week"
    first_line = str(embed["description"]).splitlines()[0]
    assert first_line == f"**1.** <@{alice.id}>: **{alice_points}** points (2 right)"
    assert f"<@{cara.id}> is **#" in field(embed, "Your rank")
    assert emulator.errors == []


async def test_only_the_starter_or_a_moderator_stops_a_game_and_scores_are_kept(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, bob: User
) -> None:
    alice = fans.alice
    await emulator.slash(alice, "/trivia start", questions=3, seconds=SECONDS)
    first = await question(emulator, fanbot, fans, 1, 3)
    second_start = await emulator.slash(bob, "/trivia start")
    assert second_start.ephemeral
    assert "already running in this channel" in (second_start.content or "")
    assert f"/{fans.general.id}/{first.id}" in (second_start.content or "")

    right, _ = letters(session_in(fanbot, fans))
    await emulator.click(first, right, alice)
    await emulator.wait_until(lambda: revealed(first), timeout=REVEAL_TIMEOUT)
    second = await question(emulator, fanbot, fans, 2, 3)

    refused = await emulator.slash(bob, "/trivia stop")
    assert refused.ephemeral and "Only the player who started" in (refused.content or "")
    stop = await emulator.slash(alice, "/trivia stop")
    assert not stop.ephemeral and "stopped the trivia game" in (stop.content or "")

    board = await emulator.wait_for_message(fans.general, "Game stopped ·")
    await emulator.wait_until(lambda: revealed(second), timeout=2)
    assert "Game stopped" in description(second)
    won = points_of(board, alice)
    assert won >= 10
    score = await emulator.slash(alice, "/trivia score")
    assert field(score.embeds[0], "Points") == str(won)
    gone = await emulator.slash(alice, "/trivia stop")
    assert gone.ephemeral and gone.content == "No trivia game is running in this channel."
    assert emulator.errors == []


async def test_someone_with_manage_messages_can_stop_anyones_game(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, mod: User
) -> None:
    await emulator.slash(fans.alice, "/trivia start", questions=1, seconds=SECONDS)
    await question(emulator, fanbot, fans, 1, 1)
    stop = await emulator.slash(mod, "/trivia stop")
    assert not stop.ephemeral
    board = await emulator.wait_for_message(fans.general, "Game stopped ·")
    assert "Nobody answered" in description(board)
    assert emulator.errors == []


async def test_a_restart_keeps_won_points_and_ends_the_interrupted_game_politely(
    fanbot_runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, bob: User
) -> None:
    bot = await fanbot_runner.start()
    alice = fans.alice
    await emulator.slash(alice, "/trivia start", questions=3, seconds=SECONDS)
    first = await question(emulator, bot, fans, 1, 3)
    right, _ = letters(session_in(bot, fans))
    await emulator.click(first, right, alice)
    await emulator.wait_until(lambda: revealed(first), timeout=REVEAL_TIMEOUT)
    second = await question(emulator, bot, fans, 2, 3)
    session = session_in(bot, fans)
    won = session.game.player(alice.id)
    assert won is not None and won.points >= 10

    bot = await fanbot_runner.restart()
    await emulator.wait_until(
        lambda: second.content == "This game ended when the bot restarted.", timeout=5
    )
    assert revealed(second)
    assert bot.trivia.in_channel(fans.general.id) is None
    record = await bot.store.trivia.game(session.game_id)
    assert record is not None and record.state == "interrupted"

    click = await emulator.click(second, "A", bob, stale=True)  # disabled when it ended
    assert click.failed is None
    assert click.ephemeral and click.content == "This game has ended."
    score = await emulator.slash(alice, "/trivia score")
    assert field(score.embeds[0], "Points") == str(won.points)
    assert field(score.embeds[0], "Games") == "1"

    again = await emulator.slash(alice, "/trivia start", questions=1, seconds=SECONDS)
    assert not again.ephemeral
    assert emulator.errors == []


async def test_typed_answers_are_offered_only_with_the_message_content_intent(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    trivia = next(c for c in emulator.commands() if c["name"] == "trivia")
    start = next(o for o in trivia["options"] if o["name"] == "start")
    assert [o["name"] for o in start["options"]] == ["drama", "questions", "seconds"]
    with pytest.raises(ValueError, match="mode"):
        await emulator.slash(fans.alice, "/trivia start", mode="typed")
    assert fanbot.trivia.in_channel(fans.general.id) is None


async def test_typed_answers_score_when_the_operator_enabled_message_content(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path, bob: User
) -> None:
    settings = fanbot_settings(emulator, tmp_path, SHIPPED_DATA, FANBOT_MESSAGE_CONTENT="true")
    runner = FanbotRunner(emulator, settings)
    bot = await runner.start()
    alice = fans.alice
    try:
        start = await emulator.slash(
            alice, "/trivia start", questions=1, seconds=SECONDS, mode="typed"
        )
        assert not start.ephemeral and "type your answer" in (start.content or "")
        first = await question(emulator, bot, fans, 1, 1)
        assert first.components == []
        asked = session_in(bot, fans).game.current_question
        assert asked is not None
        await emulator.say(bob, fans.general, "good luck everyone")  # chat, not a guess
        await emulator.say(alice, fans.general, asked.answer.lower())

        await emulator.wait_until(
            lambda: "The answer was" in description(first), timeout=REVEAL_TIMEOUT
        )
        got_it = field(first.embeds[0], "Got it")
        assert f"<@{alice.id}> +" in got_it and f"<@{bob.id}>" not in got_it
        assert str(first.embeds[0]["footer"]["text"]).startswith("1 answer:")  # bob's chat
        board = await emulator.wait_for_message(fans.general, "Game over")
        won = points_of(board, alice)
        assert won >= 10
        assert f"<@{bob.id}>" not in description(board)

        alice_score = await emulator.slash(bob, "/trivia score", user=alice)
        assert field(alice_score.embeds[0], "Points") == str(won)
        assert field(alice_score.embeds[0], "Correct answers") == "1 of 1"
        bob_score = await emulator.slash(bob, "/trivia score")
        assert "hasn't played trivia in this server yet" in str(bob_score.embeds[0]["description"])
    finally:
        await runner.stop()
    assert emulator.errors == []
