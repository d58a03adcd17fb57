"""One trivia game as the sessions run it: its state beside the domain game, the ports it
talks through, and how its questions are drawn (a seed that replays them)."""

from __future__ import annotations

import asyncio
import functools
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import Any, Protocol

import discord

from bot.catalogue import CatalogueSnapshot
from bot.domain.models import Drama, Fact, TriviaQuestion
from bot.domain.schedule import weekly_slot
from bot.domain.trivia import (
    Phrasebook,
    Question,
    TriviaGame,
    curated_questions,
    generated_questions,
    pick_questions,
)
from bot.i18n import Language
from bot.ui.clock import render_weekly_slot

log = logging.getLogger(__name__)


def questions_for(
    snapshot: CatalogueSnapshot,
    drama: Drama,
    trivia: Sequence[TriviaQuestion],
    facts: Sequence[Fact],
    count: int,
    rng: Random,
    lang: Language | None = None,
) -> list[Question]:
    """The drama's curated and generated questions, ``count`` of them picked with ``rng``;
    the generated ones in ``lang`` (English by default; slots on the drama's own clock)."""
    words: Phrasebook | None = lang
    slot_text = weekly_slot
    if lang is not None:
        slot_text = functools.partial(render_weekly_slot, lang.with_timezone(None))
    pool = curated_questions(trivia, rng)
    pool += generated_questions(
        drama,
        episodes=snapshot.episodes_of(drama.slug),
        people=snapshot.people,
        credits=snapshot.credits,
        rng=rng,
        facts=facts,
        other_dramas=snapshot.dramas,
        words=words,
        slot_text=slot_text,
    )
    return pick_questions(pool, count, rng)


class GameMessenger(Protocol):
    """Where a game posts and edits its messages: discord.py's client, or a test's fake."""

    def get_partial_messageable(
        self, id: int, *, guild_id: int | None = None
    ) -> discord.PartialMessageable: ...


class GameLanguages(Protocol):
    """A game's language: its server's (``/settings language``, else the server's language
    in Discord, else English); a fan's for a private answer (a catalogue code for a Discord
    locale, None for English)."""

    async def for_server(self, guild_id: int | None, preferred: str | None = None) -> Language: ...

    def for_fan(self, code: str | None) -> Language: ...

    def code_for(self, locale: str | None) -> str | None: ...


@dataclass(eq=False)
class TriviaSession:
    """One running game: the domain state plus what Discord knows about it."""

    game_id: int
    game: TriviaGame
    drama_title: str
    lang: Language
    """What the channel reads: the server's language when the game started."""
    typed: bool = False
    message_id: int | None = None
    stopped_by: int | None = None
    players_before: int = 0
    """Players seen before the open question: with none, only the deadline closes it."""
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    @property
    def jump_url(self) -> str | None:
        if self.message_id is None:
            return None
        game = self.game
        return f"https://discord.com/channels/{game.guild_id}/{game.channel_id}/{self.message_id}"

    def should_close(self, now_at: datetime) -> bool:
        """The deadline passed, or everyone answered once players are known.

        On a game's first question everyone who has played so far is just whoever clicked
        first, so the first answer would end it: there only the deadline counts.
        """
        game = self.game
        closes_at = game.closes_at
        if closes_at is None:
            return False
        return now_at >= closes_at or (self.players_before > 0 and game.should_close(now_at))


def new_game_rng() -> tuple[int, Random]:
    """A fresh seed (logged, so a game can be replayed) and its Random."""
    seed = secrets.randbits(64)
    return seed, Random(seed)


async def edit_or_log(message: discord.PartialMessage, game: str, **changes: Any) -> None:
    """Edit a game's message; one that is gone or may no longer be edited is logged, not
    raised: the game (or the restart) goes on."""
    try:
        await message.edit(**changes)
    except discord.HTTPException as error:
        log.info(
            "%s: cannot edit message %s in channel %s: %s",
            game,
            message.id,
            message.channel.id,
            error,
        )
