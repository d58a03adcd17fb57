"""What ``/trivia`` shows: questions, reveals, scoreboards, and every short answer.

All of trivia's user-facing text lives here. Answer buttons are discord.py dynamic items whose
``custom_id`` is ``trivia:<game id>:<question index>:<letter>``, so a click is routed even
after a restart, when the game is gone, and gets "This game has ended." instead of Discord's
"This interaction failed". :func:`answer_button_for` binds the class to the running games that
answer its clicks; the unbound :class:`AnswerButton` knows no game.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol

import discord

from bot.domain.text import (
    BUTTON_LABEL_LIMIT,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    MESSAGE_LIMIT,
    clip,
)
from bot.domain.trivia import (
    LETTERS,
    MAX_SPEED_BONUS,
    AnswerOutcome,
    PlayerScore,
    Question,
    QuestionResult,
)
from bot.store.trivia import LeaderboardPeriod, LeaderboardRow, PlayerTotals
from bot.ui.formatting import discord_timestamp, permission_labels

ACCENT = discord.Colour(0x9B59B6)
RIGHT = discord.Colour(0x2ECC71)
ENDED = discord.Colour(0x95A5A6)
CHOICE_LIMIT = 300
QUESTION_LIMIT = 1500
SCOREBOARD_LINES = 20
WINNER_LINES = 15

# -- short answers -----------------------------------------------------------------------------

ALREADY_ANSWERED = "You already answered this question."
TOO_LATE = "Too late: this question is closed."
GAME_ENDED = "This game has ended."
INTERRUPTED = "This game ended when the bot restarted."
RESTARTING = "I'm restarting right now: start the game again in a minute."
NO_GAME_HERE = "No trivia game is running in this channel."
ONLY_STARTER_STOPS = (
    "Only the player who started this game, or someone with **Manage Messages**, can stop it."
)
GAME_STOPPED = "Game stopped"


def locked_in(choice_index: int) -> str:
    return f"Locked in: {LETTERS[choice_index]}"


def answer_reply(outcome: AnswerOutcome | None, choice_index: int) -> str:
    """The ephemeral answer to a click on an answer button."""
    if outcome is None:
        return GAME_ENDED
    if outcome is AnswerOutcome.LOCKED_IN:
        return locked_in(choice_index)
    if outcome is AnswerOutcome.ALREADY_ANSWERED:
        return ALREADY_ANSWERED
    return TOO_LATE


def already_running(jump_url: str | None) -> str:
    where = f": {jump_url}" if jump_url else "."
    return f"A trivia game is already running in this channel{where} Try again when it ends."


def no_questions(title: str) -> str:
    return f"I don't know enough about **{title}** to ask trivia questions yet."


def cannot_post(missing: Sequence[str]) -> str:
    names = ", ".join(f"**{name}**" for name in permission_labels(missing))
    return f"I can't run a game here: I need the {names} permission in this channel."


def game_starting(starter_id: int, title: str, count: int, seconds: int, typed: bool) -> str:
    how = "type your answer (or its letter)" if typed else "click A, B, C or D"
    return clip(
        f"🎬 <@{starter_id}> started **{title}** trivia: {count} question"
        f"{'s' if count != 1 else ''}, {seconds} seconds each. Anyone can play: {how}; "
        f"your first answer counts. First question coming up!",
        MESSAGE_LIMIT,
    )


def game_stopped_by(user_id: int) -> str:
    return f"⏹️ <@{user_id}> stopped the trivia game. Final scores coming up."


# -- questions and reveals ---------------------------------------------------------------------


def _title(number: int, total: int, drama_title: str) -> str:
    return clip(f"Question {number}/{total} · {drama_title}", EMBED_TITLE_LIMIT)


def _choice_lines(question: Question, mark_correct: bool) -> list[str]:
    lines = []
    for index, choice in enumerate(question.choices):
        text = clip(choice, CHOICE_LIMIT)
        if mark_correct and index == question.correct_index:
            lines.append(f"✅ **{LETTERS[index]}** **{text}**")
        elif mark_correct:
            lines.append(f"▫️ **{LETTERS[index]}** {text}")
        else:
            lines.append(f"**{LETTERS[index]}** {text}")
    return lines


def render_question(
    question: Question,
    number: int,
    total: int,
    drama_title: str,
    closes_at: datetime,
    typed: bool = False,
) -> discord.Embed:
    body = "\n".join(
        [
            clip(question.text, QUESTION_LIMIT),
            "",
            *_choice_lines(question, mark_correct=False),
            "",
            f"⏳ Closes {discord_timestamp(closes_at, 'R')}",
        ]
    )
    how = "Type the answer or its letter" if typed else "Click a letter"
    footer = f"{how}: your first answer counts. 10 points, up to {MAX_SPEED_BONUS} more for speed."
    embed = discord.Embed(
        title=_title(number, total, drama_title),
        description=clip(body, EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    embed.set_footer(text=clip(footer, EMBED_FOOTER_LIMIT))
    return embed


def _winner_line(user_id: int, points: int, streak: int) -> str:
    fire = f" · streak {streak} 🔥" if streak >= 2 else ""
    return f"<@{user_id}> +{points}{fire}"


def render_reveal(result: QuestionResult, total: int, drama_title: str) -> discord.Embed:
    question = result.question
    answer = clip(question.answer, CHOICE_LIMIT)
    body = "\n".join(
        [
            clip(question.text, QUESTION_LIMIT),
            "",
            *_choice_lines(question, mark_correct=True),
            "",
            f"The answer was **{question.letter}**: **{answer}**.",
        ]
    )
    embed = discord.Embed(
        title=_title(result.number, total, drama_title),
        description=clip(body, EMBED_DESCRIPTION_LIMIT),
        colour=RIGHT,
    )
    winners = result.winners
    if winners:
        lines = [_winner_line(w.user_id, w.points, w.streak) for w in winners[:WINNER_LINES]]
        if len(winners) > WINNER_LINES:
            lines.append(f"…and {len(winners) - WINNER_LINES} more")
        got_it = "\n".join(lines)
    else:
        got_it = "Nobody got it this time."
    embed.add_field(name="Got it", value=clip(got_it, EMBED_FIELD_VALUE_LIMIT), inline=False)
    counts = " · ".join(f"{LETTERS[i]} {n}" for i, n in enumerate(result.choice_counts))
    answered = len(result.answers)
    embed.set_footer(text=f"{answered} answer{'s' if answered != 1 else ''}: {counts}")
    return embed


def render_stopped_question(
    question: Question, number: int, total: int, drama_title: str
) -> discord.Embed:
    body = "\n".join([clip(question.text, QUESTION_LIMIT), "", f"⏹️ **{GAME_STOPPED}**"])
    return discord.Embed(
        title=_title(number, total, drama_title),
        description=clip(body, EMBED_DESCRIPTION_LIMIT),
        colour=ENDED,
    )


def render_scoreboard(
    scores: Sequence[PlayerScore], drama_title: str, asked: int, stopped: bool
) -> discord.Embed:
    """The game's last message: everyone's points, best first."""
    title = f"{'Game stopped' if stopped else 'Game over'} · {drama_title} trivia"
    lines = []
    for rank, score in enumerate(scores[:SCOREBOARD_LINES], 1):
        medal = {1: "🥇", 2: "🥈", 3: "🥉"}.get(rank, f"**{rank}.**")
        lines.append(
            f"{medal} <@{score.user_id}>: **{score.points}** points"
            f" ({score.correct}/{asked} right, best streak {score.best_streak})"
        )
    if len(scores) > SCOREBOARD_LINES:
        lines.append(f"…and {len(scores) - SCOREBOARD_LINES} more players")
    if not lines:
        lines = ["Nobody answered. Maybe next time!"]
    embed = discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=ENDED if stopped else RIGHT,
    )
    embed.set_footer(text="Scores count toward /trivia leaderboard.")
    return embed


# -- leaderboard and score ---------------------------------------------------------------------

PERIOD_NAMES = {
    LeaderboardPeriod.ALL: "all time",
    LeaderboardPeriod.MONTH: "this month",
    LeaderboardPeriod.WEEK: "this week",
}


def render_leaderboard(
    rows: Sequence[LeaderboardRow],
    period: LeaderboardPeriod,
    asker_id: int,
    asker: LeaderboardRow | None,
) -> discord.Embed:
    lines = [
        f"**{row.rank}.** <@{row.user_id}>: **{row.points}** points ({row.correct} right)"
        for row in rows
    ]
    if not lines:
        lines = ["Nobody has played trivia here in this period yet. Try /trivia start!"]
    embed = discord.Embed(
        title=f"Trivia leaderboard · {PERIOD_NAMES[period]}",
        description=clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    if asker is None:
        yours = f"<@{asker_id}> has no trivia answers in this period yet."
    else:
        yours = f"<@{asker_id}> is **#{asker.rank}** with **{asker.points}** points."
    embed.add_field(name="Your rank", value=yours, inline=False)
    return embed


def render_score(totals: PlayerTotals, rank: LeaderboardRow | None) -> discord.Embed:
    embed = discord.Embed(title="Trivia score", colour=ACCENT)
    if totals.answered == 0:
        embed.description = f"<@{totals.user_id}> hasn't played trivia in this server yet."
        return embed
    where = f", rank **#{rank.rank}** all time" if rank is not None else ""
    embed.description = f"<@{totals.user_id}>{where}"
    embed.add_field(name="Points", value=str(totals.points))
    embed.add_field(name="Games", value=str(totals.games))
    embed.add_field(name="Correct answers", value=f"{totals.correct} of {totals.answered}")
    embed.add_field(name="Best streak", value=str(totals.best_streak))
    return embed


# -- buttons -----------------------------------------------------------------------------------


class AnswerSink(Protocol):
    """What a click is handed to: the process's running games."""

    def answer(
        self, game_id: int, question_index: int, choice_index: int, user_id: int
    ) -> AnswerOutcome | None: ...


ANSWER_TEMPLATE = r"trivia:(?P<game>[0-9]{1,19}):(?P<question>[0-9]{1,3}):(?P<choice>[A-D])"


def answer_buttons(
    game_id: int,
    question_index: int,
    *,
    disabled: bool = False,
    correct_index: int | None = None,
    button: type[AnswerButton] | None = None,
) -> discord.ui.View:
    """Buttons A-D (of the ``button`` class); after the reveal disabled, the right one green."""
    button_class = button or AnswerButton
    view = discord.ui.View(timeout=None)
    for index in range(len(LETTERS)):
        style = (
            discord.ButtonStyle.success
            if index == correct_index
            else discord.ButtonStyle.secondary
            if disabled
            else discord.ButtonStyle.primary
        )
        view.add_item(button_class(game_id, question_index, index, style, disabled))
    return view


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=ANSWER_TEMPLATE
):
    sink: ClassVar[AnswerSink | None] = None
    """Where clicks go; None (this class) answers every click "This game has ended"."""

    def __init__(
        self,
        game_id: int,
        question_index: int,
        choice_index: int,
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
        disabled: bool = False,
    ) -> None:
        letter = LETTERS[choice_index]
        super().__init__(
            discord.ui.Button(
                label=clip(letter, BUTTON_LABEL_LIMIT),
                style=style,
                custom_id=f"trivia:{game_id}:{question_index}:{letter}",
                disabled=disabled,
            )
        )
        self.game_id = game_id
        self.question_index = question_index
        self.choice_index = choice_index

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnswerButton:
        return cls(int(match["game"]), int(match["question"]), LETTERS.index(match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        sink = type(self).sink
        outcome = None
        if sink is not None:
            outcome = sink.answer(
                self.game_id, self.question_index, self.choice_index, interaction.user.id
            )
        await interaction.response.send_message(
            answer_reply(outcome, self.choice_index), ephemeral=True
        )


def answer_button_for(sink: AnswerSink) -> type[AnswerButton]:
    """The answer button class whose clicks ``sink`` answers. discord.py routes a click by
    ``custom_id`` to the class registered with the client (``add_dynamic_items``) or, once a
    view was sent, to the class of that view's buttons: send only views of this class."""

    class RoutedAnswerButton(AnswerButton, template=ANSWER_TEMPLATE):
        pass

    RoutedAnswerButton.sink = sink
    return RoutedAnswerButton
