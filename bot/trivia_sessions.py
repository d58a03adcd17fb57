"""Running trivia games: one asyncio task per game, owned by the bot's :class:`TriviaSessions`.

A game's task is the only thing that talks to Discord about that game: it posts each question,
waits for the deadline (or for everyone to answer), writes the question's results in one
transaction, edits the message to reveal the answer, and posts the scoreboard at the end.
Clicks and typed answers only change the in-memory :class:`TriviaGame` and wake the task.
Per question that is one post and one edit, whatever the number of players.

On close the tasks are cancelled; the games stay ``running`` in the store, and the next start
marks them ``interrupted`` and edits their last message to say so (which also covers a crash).

The sessions are handed what they use (DESIGN.md, narrow ports): the trivia, drama and fact
stores, the catalogue, a :class:`GameMessenger` (discord.py's client is one), a clock, and
:class:`GameLanguages`: a game is played in its server's language as it was when the game
started (its questions are generated in it); a click's private answer is in the fan's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import discord

from bot.catalogue import Catalogue
from bot.domain.clock import Clock
from bot.domain.models import Drama
from bot.domain.trivia import (
    AnswerOutcome,
    Question,
    TriviaGame,
)
from bot.i18n import Language
from bot.i18n.servers import EnglishPosts
from bot.store.dramas import DramaStore
from bot.store.facts import FactStore
from bot.store.trivia import GameRecord, GameState, TriviaStore
from bot.trivia_session import (
    GameLanguages,
    GameMessenger,
    TriviaSession,
    edit_or_log,
    new_game_rng,
    questions_for,
)
from bot.ui.trivia import (
    AnswerButton,
    answer_button_for,
    answer_buttons,
    interrupted,
    render_question,
    render_reveal,
    render_scoreboard,
    render_stopped_question,
)

log = logging.getLogger(__name__)

CLOSE_TIMEOUT_SECONDS = 5.0
STOPPED_BY_BOT = 0  # ``stopped_by`` when the game could not go on (no permission, an error)


class TriviaSessions:
    """Every game this process runs, by channel and by game id."""

    def __init__(
        self,
        *,
        trivia: TriviaStore,
        dramas: DramaStore,
        facts: FactStore,
        catalogue: Catalogue,
        messenger: GameMessenger,
        clock: Clock,
        languages: GameLanguages | None = None,
    ) -> None:
        self._languages: GameLanguages = languages or EnglishPosts()
        self._store = trivia
        self._dramas = dramas
        self._facts = facts
        self._catalogue = catalogue
        self._messenger = messenger
        self.clock = clock
        self.answer_button: type[AnswerButton] = answer_button_for(self)
        """The answer buttons' class, routing clicks here (register it with the client)."""
        self._by_channel: dict[int, TriviaSession] = {}
        self._by_game: dict[int, TriviaSession] = {}
        self._starting: set[int] = set()
        self.closing = False

    def __len__(self) -> int:
        return len(self._by_game)

    def in_channel(self, channel_id: int) -> TriviaSession | None:
        return self._by_channel.get(channel_id)

    def get(self, game_id: int) -> TriviaSession | None:
        return self._by_game.get(game_id)

    # -- starting -----------------------------------------------------------------------

    def reserve(self, channel_id: int) -> bool:
        """Claim the channel while a game is being prepared; False if taken or shutting down."""
        if self.closing or channel_id in self._by_channel or channel_id in self._starting:
            return False
        self._starting.add(channel_id)
        return True

    def release(self, channel_id: int) -> None:
        self._starting.discard(channel_id)

    async def game_language(self, guild_id: int, preferred: str | None = None) -> Language:
        """The language a new game in this server is played in (``preferred``: the
        ``guild_locale`` the start carried)."""
        return await self._languages.for_server(guild_id, preferred)

    def reader_language(self, locale: str) -> Language:
        """A fan's language (their Discord locale), for a private answer to a click."""
        return self._languages.for_fan(self._languages.code_for(locale))

    async def questions(
        self, drama: Drama, *, guild_id: int, count: int, lang: Language | None = None
    ) -> tuple[int, list[Question]]:
        """A new game's questions and the seed that replays them.

        They come from the drama's curated trivia, the catalogue, and a bounded random sample
        of the facts this server sees (data facts and its own), so neither the time nor another
        server's facts depend on anyone else. Generating runs off the event loop, in
        ``lang`` (the game's language; English by default).
        """
        seed, rng = new_game_rng()
        trivia = await self._dramas.trivia_questions(drama.slug)
        facts = await self._facts.sample_of_drama(drama.slug, guild_id=guild_id)
        snapshot = self._catalogue.snapshot
        picked = await asyncio.to_thread(
            questions_for, snapshot, drama, trivia, facts, count, rng, lang
        )
        return seed, picked

    async def create(
        self,
        *,
        guild_id: int,
        channel_id: int,
        starter_id: int,
        drama: Drama,
        questions: Sequence[Question],
        seconds: int,
        typed: bool,
        lang: Language | None = None,
    ) -> TriviaSession:
        """Record the game and register it (call :meth:`launch` once the start is answered)."""
        now_at = self.clock.now()
        game_id = await self._store.create_game(
            guild_id=guild_id,
            channel_id=channel_id,
            starter_id=starter_id,
            drama_slug=drama.slug,
            question_count=len(questions),
            started_at=now_at,
        )
        game = TriviaGame(
            channel_id=channel_id,
            guild_id=guild_id,
            starter_id=starter_id,
            questions=questions,
            seconds=seconds,
            started_at=now_at,
        )
        session = TriviaSession(
            game_id, game, drama.title, lang or self._languages.for_fan(None), typed=typed
        )
        self._by_channel[channel_id] = session
        self._by_game[game_id] = session
        return session

    def launch(self, session: TriviaSession) -> None:
        task = asyncio.create_task(self._run(session), name=f"trivia-game-{session.game_id}")
        session.task = task

        def finished(done: asyncio.Task[None]) -> None:
            self._forget(session)
            if not done.cancelled() and done.exception() is not None:
                log.error(
                    "trivia game %s in channel %s failed",
                    session.game_id,
                    session.game.channel_id,
                    exc_info=done.exception(),
                )

        task.add_done_callback(finished)

    def _forget(self, session: TriviaSession) -> None:
        if self._by_game.get(session.game_id) is session:
            del self._by_game[session.game_id]
        if self._by_channel.get(session.game.channel_id) is session:
            del self._by_channel[session.game.channel_id]

    # -- players ------------------------------------------------------------------------

    def answer(
        self, game_id: int, question_index: int, choice_index: int, user_id: int
    ) -> AnswerOutcome | None:
        """A button click, now; None when the game no longer runs."""
        session = self._by_game.get(game_id)
        if session is None or session.stopped_by is not None or session.typed:
            return None
        outcome = session.game.answer(
            user_id, choice_index, self.clock.now(), question_index=question_index
        )
        if outcome is AnswerOutcome.LOCKED_IN:
            session.wake.set()
        return outcome

    def typed_answer(self, channel_id: int, user_id: int, text: str) -> AnswerOutcome | None:
        """A message, now, in a channel with a typed-answer game; None when there is none."""
        session = self._by_channel.get(channel_id)
        if session is None or not session.typed or session.stopped_by is not None:
            return None
        outcome = session.game.typed_answer(user_id, text, self.clock.now())
        if outcome is AnswerOutcome.LOCKED_IN:
            session.wake.set()
        return outcome

    def request_stop(self, session: TriviaSession, user_id: int) -> None:
        """Ask the game's task to stop; it edits the open question and posts the scores."""
        if session.stopped_by is None:
            session.stopped_by = user_id
            session.wake.set()

    # -- the game's task ----------------------------------------------------------------

    def _channel(self, game: TriviaGame) -> discord.PartialMessageable:
        return self._messenger.get_partial_messageable(game.channel_id, guild_id=game.guild_id)

    async def _run(self, session: TriviaSession) -> None:
        """Play the game; whatever goes wrong, players still get an ending and the scores."""
        try:
            await self._play(session)
        except Exception:
            log.exception(
                "trivia game %s in guild %s channel %s broke off; ending it",
                session.game_id,
                session.game.guild_id,
                session.game.channel_id,
            )
            if session.stopped_by is None:
                session.stopped_by = STOPPED_BY_BOT
        await self._finish(session)

    async def _play(self, session: TriviaSession) -> None:
        game = session.game
        total = len(game.questions)
        channel = self._channel(game)
        store = self._store
        while session.stopped_by is None:
            question = game.open_next(self.clock.now())
            if question is None:
                break
            index = game.current_index
            assert index is not None and game.closes_at is not None
            session.players_before = len(game.scoreboard())
            embed = render_question(
                session.lang,
                question,
                index + 1,
                total,
                session.drama_title,
                game.closes_at,
                session.typed,
            )
            view = None if session.typed else self._buttons(session.game_id, index)
            try:
                if view is None:
                    message = await channel.send(embed=embed)
                else:
                    message = await channel.send(embed=embed, view=view)
            except discord.HTTPException as error:
                log.warning(
                    "trivia game %s: cannot post in guild %s channel %s: %s; ending it",
                    session.game_id,
                    game.guild_id,
                    game.channel_id,
                    error,
                )
                session.stopped_by = STOPPED_BY_BOT
                session.message_id = None  # the open question was never posted
                return
            await store.set_current_message(session.game_id, index, message.id)
            session.message_id = message.id
            await self._wait_for_close(session)
            if session.stopped_by is not None:
                break
            result = game.close_current(self.clock.now())
            await store.record_question(session.game_id, game.guild_id, result)
            reveal = render_reveal(session.lang, result, total, session.drama_title)
            await self._edit(
                session,
                embed=reveal,
                view=None
                if session.typed
                else self._buttons(
                    session.game_id, index, disabled=True, correct_index=question.correct_index
                ),
            )

    async def _wait_for_close(self, session: TriviaSession) -> None:
        loop = asyncio.get_running_loop()
        while session.stopped_by is None:
            session.wake.clear()
            now_at = self.clock.now()
            if session.should_close(now_at):
                return
            closes_at = session.game.closes_at
            assert closes_at is not None
            left = (closes_at - now_at).total_seconds()
            deadline = loop.time() + max(left, 0.0) + 0.01
            try:
                async with asyncio.timeout_at(deadline):
                    await session.wake.wait()
            except TimeoutError:
                pass

    async def _finish(self, session: TriviaSession) -> None:
        game = session.game
        stopped = session.stopped_by is not None
        open_question = game.current_question
        index = game.current_index
        if stopped:
            game.stop()
        state = GameState.STOPPED if stopped else GameState.FINISHED
        await self._store.end_game(session.game_id, state, self.clock.now())
        if stopped and open_question is not None and index is not None:
            buttons = self._buttons(session.game_id, index, disabled=True)
            await self._edit(
                session,
                embed=render_stopped_question(
                    session.lang, open_question, index + 1, len(game.questions), session.drama_title
                ),
                view=None if session.typed else buttons,
            )
        asked = len(game.results)
        board = render_scoreboard(
            session.lang, game.scoreboard(), session.drama_title, asked, stopped
        )
        try:
            await self._channel(game).send(embed=board)
        except discord.HTTPException as error:
            log.warning(
                "trivia game %s: cannot post the scoreboard in guild %s channel %s: %s",
                session.game_id,
                game.guild_id,
                game.channel_id,
                error,
            )

    def _buttons(
        self,
        game_id: int,
        question_index: int,
        *,
        disabled: bool = False,
        correct_index: int | None = None,
    ) -> discord.ui.View:
        """Answer buttons of this process's class: a sent view registers its buttons' class
        with discord.py, so every view must route clicks here."""
        return answer_buttons(
            game_id,
            question_index,
            disabled=disabled,
            correct_index=correct_index,
            button=self.answer_button,
        )

    async def _edit(
        self, session: TriviaSession, *, embed: discord.Embed, view: discord.ui.View | None
    ) -> None:
        if session.message_id is None:
            return
        message = self._channel(session.game).get_partial_message(session.message_id)
        await edit_or_log(message, f"trivia game {session.game_id}", embed=embed, view=view)

    # -- restarts -----------------------------------------------------------------------

    async def running_in_store(self) -> list[GameRecord]:
        """Games the store says are running but this process does not run: interrupted."""
        records = await self._store.running_games()
        return [r for r in records if r.id not in self._by_game]

    async def settle_interrupted(self, records: Sequence[GameRecord]) -> None:
        """Mark games of an earlier run interrupted and say so on their last message."""
        for record in records:
            ended = await self._store.end_game(record.id, GameState.INTERRUPTED, self.clock.now())
            if not ended or record.message_id is None:
                continue
            channel = self._messenger.get_partial_messageable(
                record.channel_id, guild_id=record.guild_id
            )
            index = record.question_index or 0
            lang = await self._languages.for_server(record.guild_id)
            await edit_or_log(
                channel.get_partial_message(record.message_id),
                f"interrupted trivia game {record.id}",
                content=interrupted(lang),
                view=self._buttons(record.id, index, disabled=True),
            )
            log.info("trivia game %s in channel %s was interrupted", record.id, record.channel_id)

    async def close(self) -> None:
        """Cancel every game (bot shutdown); their store rows stay ``running``."""
        self.closing = True
        tasks = [s.task for s in self._by_game.values() if s.task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=CLOSE_TIMEOUT_SECONDS)
        self._by_game.clear()
        self._by_channel.clear()
