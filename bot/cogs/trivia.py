"""``/trivia start|stop|leaderboard|score``: community trivia, one game per channel."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FanBot
from bot.cogs.drama_option import drama_autocomplete, resolve_drama
from bot.cogs.permissions import missing_to_post
from bot.domain.trivia import (
    DEFAULT_QUESTIONS,
    DEFAULT_SECONDS,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_QUESTIONS,
    MIN_SECONDS,
)
from bot.store.trivia import LeaderboardPeriod
from bot.ui.trivia import (
    already_running,
    cannot_post,
    game_starting,
    game_stopped_by,
    no_game_here,
    no_questions,
    only_starter_stops,
    render_leaderboard,
    render_score,
    restarting,
)

log = logging.getLogger(__name__)

MODE_CHOICES = [
    app_commands.Choice(name="Buttons", value="buttons"),
    app_commands.Choice(name="Typed answers", value="typed"),
]


@app_commands.guild_only()
class Trivia(commands.GroupCog, group_name="trivia", group_description="Drama trivia games."):
    def __init__(self, bot: FanBot) -> None:
        self.bot = bot
        group = self.app_command
        assert group is not None  # a GroupCog always has its group
        group.add_command(self._start_command(bot.settings.message_content_intent))

    def _start_command(self, typed_offered: bool) -> app_commands.Command[Any, Any, None]:
        """``/trivia start``; its ``mode`` option exists only when typed answers can be read,
        that is when the operator enabled the message content intent."""
        descriptions = {
            "drama": "Which drama (default: this server's).",
            "questions": f"How many questions ({MIN_QUESTIONS}-{MAX_QUESTIONS}, default 10).",
            "seconds": f"Seconds per question ({MIN_SECONDS}-{MAX_SECONDS}, default 20).",
        }

        async def start(
            interaction: discord.Interaction,
            drama: str | None = None,
            questions: app_commands.Range[int, MIN_QUESTIONS, MAX_QUESTIONS] = DEFAULT_QUESTIONS,
            seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] = DEFAULT_SECONDS,
        ) -> None:
            await self.start_game(interaction, drama, questions, seconds, typed=False)

        async def start_with_mode(
            interaction: discord.Interaction,
            drama: str | None = None,
            questions: app_commands.Range[int, MIN_QUESTIONS, MAX_QUESTIONS] = DEFAULT_QUESTIONS,
            seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] = DEFAULT_SECONDS,
            mode: str = "buttons",
        ) -> None:
            await self.start_game(interaction, drama, questions, seconds, typed=mode == "typed")

        callback: Any = start
        if typed_offered:
            descriptions["mode"] = "Answer with buttons (default) or by typing in the channel."
            callback = app_commands.choices(mode=MODE_CHOICES)(start_with_mode)
        callback = app_commands.describe(**descriptions)(callback)
        callback = app_commands.autocomplete(drama=drama_autocomplete)(callback)
        return app_commands.Command(
            name="start", description="Start a trivia game in this channel.", callback=callback
        )

    async def start_game(
        self,
        interaction: discord.Interaction,
        drama: str | None,
        questions: int,
        seconds: int,
        *,
        typed: bool,
    ) -> None:
        """Refusals that need no data are answered privately at once; then the interaction
        is deferred before any work that grows with the data (reading the questions and
        facts, generating, writing the game), so the start never misses Discord's deadline.

        Refusals are the starter's (their language); the game and its start notice are the
        channel's (the server's language)."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        channel_id = interaction.channel_id
        sessions = self.bot.trivia
        reader = await self.bot.reader_language(interaction)
        running = sessions.in_channel(channel_id)
        if running is not None:
            await interaction.response.send_message(
                already_running(reader, running.jump_url), ephemeral=True
            )
            return
        missing = missing_to_post(interaction.app_permissions)
        if missing:
            await interaction.response.send_message(cannot_post(reader, missing), ephemeral=True)
            return
        if sessions.closing:
            await interaction.response.send_message(restarting(reader), ephemeral=True)
            return
        found = await resolve_drama(interaction, drama)  # in memory, or one small read
        if found is None:
            return
        if not sessions.reserve(channel_id):
            running = sessions.in_channel(channel_id)
            await interaction.response.send_message(
                already_running(reader, running.jump_url if running else None), ephemeral=True
            )
            return
        try:
            await interaction.response.defer(thinking=True)
            preferred = interaction.guild_locale.value if interaction.guild_locale else None
            lang = await sessions.game_language(interaction.guild_id, preferred)
            seed, picked = await sessions.questions(
                found, guild_id=interaction.guild_id, count=questions, lang=lang
            )
            if not picked:
                await self._refuse_after_defer(interaction, no_questions(reader, found.title))
                return
            session = await sessions.create(
                guild_id=interaction.guild_id,
                channel_id=channel_id,
                starter_id=interaction.user.id,
                drama=found,
                questions=picked,
                seconds=seconds,
                typed=typed,
                lang=lang,
            )
        finally:
            sessions.release(channel_id)
        log.info(
            "trivia game %s started in guild %s channel %s (seed %d)",
            session.game_id,
            interaction.guild_id,
            channel_id,
            seed,
        )
        try:
            await interaction.followup.send(
                game_starting(
                    session.lang, interaction.user.id, found.title, len(picked), seconds, typed
                )
            )
        finally:
            sessions.launch(session)

    async def _refuse_after_defer(self, interaction: discord.Interaction, text: str) -> None:
        """A private answer once the public "thinking…" is up: it goes, the answer stays
        visible only to the user (a follow-up would take the thinking message's place)."""
        try:
            await interaction.delete_original_response()
        except discord.HTTPException as error:
            log.info("could not delete the thinking message of %s: %s", interaction.id, error)
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(name="stop", description="Stop the trivia game in this channel.")
    async def stop(self, interaction: discord.Interaction) -> None:
        session = self.bot.trivia.in_channel(interaction.channel_id or 0)
        if session is None or session.stopped_by is not None:
            reader = await self.bot.reader_language(interaction)
            await interaction.response.send_message(no_game_here(reader), ephemeral=True)
            return
        is_starter = interaction.user.id == session.game.starter_id
        if not (is_starter or interaction.permissions.manage_messages):
            reader = await self.bot.reader_language(interaction)
            await interaction.response.send_message(only_starter_stops(reader), ephemeral=True)
            return
        self.bot.trivia.request_stop(session, interaction.user.id)
        # Everyone in the channel reads it: the game's language.
        await interaction.response.send_message(game_stopped_by(session.lang, interaction.user.id))

    @app_commands.command(name="leaderboard", description="This server's best trivia players.")
    @app_commands.describe(period="All time (default), this month or this week.")
    @app_commands.choices(
        period=[
            app_commands.Choice(name="All time", value=LeaderboardPeriod.ALL.value),
            app_commands.Choice(name="This month", value=LeaderboardPeriod.MONTH.value),
            app_commands.Choice(name="This week", value=LeaderboardPeriod.WEEK.value),
        ]
    )
    async def leaderboard(
        self, interaction: discord.Interaction, period: str = LeaderboardPeriod.ALL.value
    ) -> None:
        assert interaction.guild_id is not None
        chosen = LeaderboardPeriod(period)
        since_at = chosen.since(self.bot.trivia.clock.now())
        store = self.bot.store.trivia
        rows, own = await store.leaderboard(
            interaction.guild_id, since_at, asker_id=interaction.user.id
        )
        lang = await self.bot.reader_language(interaction)
        embed = render_leaderboard(lang, rows, chosen, interaction.user.id, own)
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="score", description="A player's trivia points in this server.")
    @app_commands.describe(user="Whose score (default: yours).")
    async def score(
        self, interaction: discord.Interaction, user: discord.User | None = None
    ) -> None:
        assert interaction.guild_id is not None
        player_id = (user or interaction.user).id
        store = self.bot.store.trivia
        totals = await store.player_totals(interaction.guild_id, player_id)
        rank = await store.rank_of(interaction.guild_id, player_id, None)
        lang = await self.bot.reader_language(interaction)
        await interaction.response.send_message(embed=render_score(lang, totals, rank))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Typed-answer games: a message in their channel may be a guess."""
        if message.author.bot or message.guild is None or not message.content:
            return
        self.bot.trivia.typed_answer(message.channel.id, message.author.id, message.content)


async def setup(bot: FanBot) -> None:
    await bot.add_cog(Trivia(bot))
