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
    BASE_POINTS,
    LETTERS,
    MAX_SPEED_BONUS,
    AnswerOutcome,
    PlayerScore,
    Question,
    QuestionResult,
)
from bot.i18n import Catalogues, Language
from bot.store.trivia import LeaderboardPeriod, LeaderboardRow, PlayerTotals
from bot.ui.errors import permission_label
from bot.ui.formatting import discord_timestamp

ACCENT = discord.Colour(0x9B59B6)
RIGHT = discord.Colour(0x2ECC71)
ENDED = discord.Colour(0x95A5A6)
CHOICE_LIMIT = 300
QUESTION_LIMIT = 1500
SCOREBOARD_LINES = 20
WINNER_LINES = 15

# -- short answers -----------------------------------------------------------------------------
# Answers to one fan (a click, a refusal, /trivia leaderboard and score) are in that fan's
# Discord language; what the whole channel reads (the start and stop notices, questions,
# reveals, scoreboards) in the game's: the server's language when the game started.


def already_answered(lang: Language) -> str:
    return lang._("You already answered this question.")


def too_late(lang: Language) -> str:
    return lang._("Too late: this question is closed.")


def game_ended(lang: Language) -> str:
    return lang._("This game has ended.")


def interrupted(lang: Language) -> str:
    return lang._("This game ended when the bot restarted.")


def restarting(lang: Language) -> str:
    return lang._("I'm restarting right now: start the game again in a minute.")


def no_game_here(lang: Language) -> str:
    return lang._("No trivia game is running in this channel.")


def only_starter_stops(lang: Language) -> str:
    return lang._(
        "Only the player who started this game, or someone with **{permission}**, can stop it.",
        permission=lang.pgettext("permission", "Manage Messages"),
    )


def locked_in(lang: Language, choice_index: int) -> str:
    return lang._("Locked in: {letter}", letter=LETTERS[choice_index])


def answer_reply(lang: Language, outcome: AnswerOutcome | None, choice_index: int) -> str:
    """The ephemeral answer to a click on an answer button."""
    if outcome is None:
        return game_ended(lang)
    if outcome is AnswerOutcome.LOCKED_IN:
        return locked_in(lang, choice_index)
    if outcome is AnswerOutcome.ALREADY_ANSWERED:
        return already_answered(lang)
    return too_late(lang)


def already_running(lang: Language, jump_url: str | None) -> str:
    if jump_url:
        return lang._(
            "A trivia game is already running in this channel: {link} Try again when it ends.",
            link=jump_url,
        )
    return lang._("A trivia game is already running in this channel. Try again when it ends.")


def no_questions(lang: Language, title: str) -> str:
    return lang._("I don't know enough about **{title}** to ask trivia questions yet.", title=title)


def cannot_post(lang: Language, missing: Sequence[str]) -> str:
    names = ", ".join(f"**{permission_label(lang, name)}**" for name in missing)
    return lang._(
        "I can't run a game here: I need the {names} permission in this channel.", names=names
    )


def game_starting(
    lang: Language, starter_id: int, title: str, count: int, seconds: int, typed: bool
) -> str:
    how = lang._("type your answer (or its letter)") if typed else lang._("click A, B, C or D")
    questions = lang.ngettext("{count} question", "{count} questions", count)
    each = lang.ngettext("{count} second each", "{count} seconds each", seconds)
    return clip(
        lang._(
            "🎬 {starter} started **{title}** trivia: {questions}, {each}. Anyone can play:"
            " {how}; your first answer counts. First question coming up!",
            starter=f"<@{starter_id}>",
            title=title,
            questions=questions,
            each=each,
            how=how,
        ),
        MESSAGE_LIMIT,
    )


def game_stopped_by(lang: Language, user_id: int) -> str:
    return lang._("⏹️ {user} stopped the trivia game. Final scores coming up.", user=f"<@{user_id}>")


# -- questions and reveals ---------------------------------------------------------------------


def _title(lang: Language, number: int, total: int, drama_title: str) -> str:
    return clip(
        lang._(
            "Question {number}/{total} · {title}",
            number=lang.number(number),
            total=lang.number(total),
            title=drama_title,
        ),
        EMBED_TITLE_LIMIT,
    )


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
    lang: Language,
    question: Question,
    number: int,
    total: int,
    drama_title: str,
    closes_at: datetime,
    typed: bool = False,
) -> discord.Embed:
    """A question as the channel sees it; the text was written in the game's language when
    the game was made (curated questions are the data's own words)."""
    body = "\n".join(
        [
            clip(question.text, QUESTION_LIMIT),
            "",
            *_choice_lines(question, mark_correct=False),
            "",
            lang._("⏳ Closes {when}", when=discord_timestamp(closes_at, "R")),
        ]
    )
    how = lang._("Type the answer or its letter") if typed else lang._("Click a letter")
    footer = lang._(
        "{how}: your first answer counts. {points} points, up to {bonus} more for speed.",
        how=how,
        points=lang.number(BASE_POINTS),
        bonus=lang.number(MAX_SPEED_BONUS),
    )
    embed = discord.Embed(
        title=_title(lang, number, total, drama_title),
        description=clip(body, EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    embed.set_footer(text=clip(footer, EMBED_FOOTER_LIMIT))
    return embed


def _winner_line(lang: Language, user_id: int, points: int, streak: int) -> str:
    line = f"<@{user_id}> +{points}"
    if streak >= 2:
        line += " · " + lang._("streak {count} 🔥", count=lang.number(streak))
    return line


def render_reveal(
    lang: Language, result: QuestionResult, total: int, drama_title: str
) -> discord.Embed:
    question = result.question
    answer = clip(question.answer, CHOICE_LIMIT)
    body = "\n".join(
        [
            clip(question.text, QUESTION_LIMIT),
            "",
            *_choice_lines(question, mark_correct=True),
            "",
            lang._(
                "The answer was **{letter}**: **{answer}**.", letter=question.letter, answer=answer
            ),
        ]
    )
    embed = discord.Embed(
        title=_title(lang, result.number, total, drama_title),
        description=clip(body, EMBED_DESCRIPTION_LIMIT),
        colour=RIGHT,
    )
    winners = result.winners
    if winners:
        lines = [_winner_line(lang, w.user_id, w.points, w.streak) for w in winners[:WINNER_LINES]]
        if len(winners) > WINNER_LINES:
            lines.append(
                lang._("…and {count} more", count=lang.number(len(winners) - WINNER_LINES))
            )
        got_it = "\n".join(lines)
    else:
        got_it = lang._("Nobody got it this time.")
    embed.add_field(
        name=lang._("Got it"), value=clip(got_it, EMBED_FIELD_VALUE_LIMIT), inline=False
    )
    counts = " · ".join(f"{LETTERS[i]} {n}" for i, n in enumerate(result.choice_counts))
    answered = lang.ngettext("{count} answer", "{count} answers", len(result.answers))
    embed.set_footer(text=f"{answered}: {counts}")
    return embed


def render_stopped_question(
    lang: Language, question: Question, number: int, total: int, drama_title: str
) -> discord.Embed:
    stopped = lang._("Game stopped")
    body = "\n".join([clip(question.text, QUESTION_LIMIT), "", f"⏹️ **{stopped}**"])
    return discord.Embed(
        title=_title(lang, number, total, drama_title),
        description=clip(body, EMBED_DESCRIPTION_LIMIT),
        colour=ENDED,
    )


def render_scoreboard(
    lang: Language, scores: Sequence[PlayerScore], drama_title: str, asked: int, stopped: bool
) -> discord.Embed:
    """The game's last message: everyone's points, best first."""
    if stopped:
        title = lang._("Game stopped · {title} trivia", title=drama_title)
    else:
        title = lang._("Game over · {title} trivia", title=drama_title)
    lines = []
    for rank, score in enumerate(scores[:SCOREBOARD_LINES], 1):
        medal = {1: "🥇", 2: "🥈", 3: "🥉"}.get(rank, f"**{rank}.**")
        lines.append(
            lang._(
                "{medal} {player}: **{points}** points ({correct}/{asked} right,"
                " best streak {streak})",
                medal=medal,
                player=f"<@{score.user_id}>",
                points=lang.number(score.points),
                correct=lang.number(score.correct),
                asked=lang.number(asked),
                streak=lang.number(score.best_streak),
            )
        )
    if len(scores) > SCOREBOARD_LINES:
        lines.append(
            lang.ngettext(
                "…and {count} more player",
                "…and {count} more players",
                len(scores) - SCOREBOARD_LINES,
            )
        )
    if not lines:
        lines = [lang._("Nobody answered. Maybe next time!")]
    embed = discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT),
        description=clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=ENDED if stopped else RIGHT,
    )
    embed.set_footer(text=lang._("Scores count toward /trivia leaderboard."))
    return embed


# -- leaderboard and score ---------------------------------------------------------------------


def period_name(lang: Language, period: LeaderboardPeriod) -> str:
    names = {
        LeaderboardPeriod.ALL: lang.pgettext("leaderboard period", "all time"),
        LeaderboardPeriod.MONTH: lang.pgettext("leaderboard period", "this month"),
        LeaderboardPeriod.WEEK: lang.pgettext("leaderboard period", "this week"),
    }
    return names[period]


def render_leaderboard(
    lang: Language,
    rows: Sequence[LeaderboardRow],
    period: LeaderboardPeriod,
    asker_id: int,
    asker: LeaderboardRow | None,
) -> discord.Embed:
    lines = [
        lang._(
            "**{rank}.** {player}: **{points}** points ({correct} right)",
            rank=lang.number(row.rank),
            player=f"<@{row.user_id}>",
            points=lang.number(row.points),
            correct=lang.number(row.correct),
        )
        for row in rows
    ]
    if not lines:
        lines = [lang._("Nobody has played trivia here in this period yet. Try /trivia start!")]
    embed = discord.Embed(
        title=lang._("Trivia leaderboard · {period}", period=period_name(lang, period)),
        description=clip("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=ACCENT,
    )
    if asker is None:
        yours = lang._(
            "{player} has no trivia answers in this period yet.", player=f"<@{asker_id}>"
        )
    else:
        yours = lang._(
            "{player} is **#{rank}** with **{points}** points.",
            player=f"<@{asker_id}>",
            rank=lang.number(asker.rank),
            points=lang.number(asker.points),
        )
    embed.add_field(name=lang._("Your rank"), value=yours, inline=False)
    return embed


def render_score(
    lang: Language, totals: PlayerTotals, rank: LeaderboardRow | None
) -> discord.Embed:
    embed = discord.Embed(title=lang._("Trivia score"), colour=ACCENT)
    player = f"<@{totals.user_id}>"
    if totals.answered == 0:
        embed.description = lang._(
            "{player} hasn't played trivia in this server yet.", player=player
        )
        return embed
    if rank is None:
        embed.description = player
    else:
        embed.description = lang._(
            "{player}, rank **#{rank}** all time", player=player, rank=lang.number(rank.rank)
        )
    embed.add_field(name=lang._("Points"), value=lang.number(totals.points))
    embed.add_field(name=lang._("Games"), value=lang.number(totals.games))
    embed.add_field(
        name=lang._("Correct answers"),
        value=lang._(
            "{correct} of {answered}",
            correct=lang.number(totals.correct),
            answered=lang.number(totals.answered),
        ),
    )
    embed.add_field(name=lang._("Best streak"), value=lang.number(totals.best_streak))
    return embed


# -- buttons -----------------------------------------------------------------------------------


class AnswerSink(Protocol):
    """What a click is handed to: the process's running games."""

    def answer(
        self, game_id: int, question_index: int, choice_index: int, user_id: int
    ) -> AnswerOutcome | None: ...

    def reader_language(self, locale: str) -> Language:
        """The clicking fan's language (their Discord's), for the private answer."""
        ...


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
        if sink is None:
            lang = Catalogues({}).english()
        else:
            outcome = sink.answer(
                self.game_id, self.question_index, self.choice_index, interaction.user.id
            )
            lang = sink.reader_language(interaction.locale.value)
        await interaction.response.send_message(
            answer_reply(lang, outcome, self.choice_index), ephemeral=True
        )


def answer_button_for(sink: AnswerSink) -> type[AnswerButton]:
    """The answer button class whose clicks ``sink`` answers. discord.py routes a click by
    ``custom_id`` to the class registered with the client (``add_dynamic_items``) or, once a
    view was sent, to the class of that view's buttons: send only views of this class."""

    class RoutedAnswerButton(AnswerButton, template=ANSWER_TEMPLATE):
        pass

    RoutedAnswerButton.sink = sink
    return RoutedAnswerButton
