"""A bare discord.py bot and the helpers that run any bot against the emulator.

The e2e tests use it to check the emulator itself; bench/ reuses it as the baseline bot (what a
minimal discord.py bot costs) next to the real one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.ext import commands

from .driver import DiscordEmulator


class BaselineBot(commands.Bot):
    """A plain ``commands.Bot``; only the wait before a *re*-identify is configurable."""

    reidentify_delay = 5.0  # discord.py's default; tests of invalid sessions shorten it

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not initial:
            await asyncio.sleep(self.reidentify_delay)

    async def close(self) -> None:
        # discord.py gives an ephemeral message's view a 15-minute timeout task that would
        # outlive the bot (the e2e fixtures refuse leftover tasks).
        for view in list(self._connection._view_store._synced_message_views.values()):
            view.stop()
        await super().close()


def make_baseline_bot(
    *, slow_seconds: float = 1.0, guild_ready_timeout: float = 0.1
) -> BaselineBot:
    """``/ping`` -> "pong", ``/slow`` answers after ``slow_seconds``, ``/long`` is 2001 chars."""
    bot = BaselineBot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        guild_ready_timeout=guild_ready_timeout,
        help_command=None,
    )

    @bot.tree.command(name="ping", description="Answers pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @bot.tree.command(name="slow", description="Answers after a while (too late on purpose)")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(slow_seconds)
        await interaction.response.send_message("finally")

    @bot.tree.command(name="long", description="Sends a message over the 2000 character limit")
    async def long(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("x" * 2001)

    @bot.tree.command(name="echo", description="Repeats what you say")
    @app_commands.describe(text="What to repeat")
    async def echo(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True)

    @bot.tree.command(name="pages", description="A message with a Next button")
    @app_commands.describe(private="Only you see the pages")
    async def pages(interaction: discord.Interaction, private: bool = False) -> None:
        await interaction.response.send_message("Page 1", view=_Pager(), ephemeral=private)

    @bot.tree.command(name="pick", description="Autocompletes a drama")
    async def pick(interaction: discord.Interaction, drama: str) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send(f"You picked {drama}")

    @pick.autocomplete("drama")
    async def pick_drama(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        titles = ("Vincenzo", "Signal", "Stranger", "Sunwoo")
        return [
            app_commands.Choice(name=t, value=t) for t in titles if current.lower() in t.lower()
        ]

    @bot.tree.command(name="rate", description="Opens a modal to rate a drama")
    async def rate(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(_RateModal())

    @bot.tree.error
    async def on_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        bot.dispatch("emulated_command_error", interaction, error)  # keep logs quiet

    return bot


class _Pager(discord.ui.View):
    """One "Next" button that edits the message in place (callback type 7)."""

    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.page = 1

    @discord.ui.button(label="Next", custom_id="baseline:next")
    async def next_page(
        self, interaction: discord.Interaction, _: discord.ui.Button[_Pager]
    ) -> None:
        self.page += 1
        await interaction.response.edit_message(content=f"Page {self.page}", view=self)


class _RateModal(discord.ui.Modal, title="Rate a drama"):
    score: discord.ui.TextInput[_RateModal] = discord.ui.TextInput(label="Score", max_length=2)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Rated {self.score.value}/10", ephemeral=True)


@dataclass
class RunningBot:
    """A bot connected to an emulator; ``stop()`` closes it and restores discord.py's URLs."""

    bot: discord.Client
    task: asyncio.Task[None]
    restore: Callable[[], None]

    async def stop(self, timeout: float = 5.0) -> None:
        """Close the bot and wait for its connect task; a crash of that task (or a task that
        does not end) is raised here rather than hidden behind a passing test."""
        try:
            await self.bot.close()
            done, _ = await asyncio.wait({self.task}, timeout=timeout)
            if not done:
                self.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.task
                raise TimeoutError(f"the bot's connect task did not end within {timeout}s")
            crash = None if self.task.cancelled() else self.task.exception()
            if crash is not None:
                raise RuntimeError(f"the bot crashed: {crash!r}") from crash
        finally:
            self.restore()


async def start_bot(
    bot: discord.Client, emu: DiscordEmulator, *, timeout: float = 10.0
) -> RunningBot:
    """Point discord.py at ``emu``, log in, connect in a task and wait until ready."""
    restore = emu.point_discord()
    try:
        await bot.login(emu.token)
        task = asyncio.create_task(bot.connect(), name="emulated-bot-connect")
        running = RunningBot(bot, task, restore)
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if task in done and not task.cancelled() and task.exception() is not None:
                with contextlib.suppress(RuntimeError):  # the same crash, raised below
                    await running.stop()
                raise RuntimeError("bot stopped before ready") from task.exception()
            await running.stop()
            raise TimeoutError(f"bot not ready within {timeout}s")
        return running
    except BaseException:
        restore()
        raise


@contextlib.asynccontextmanager
async def running_bot(bot: discord.Client, emu: DiscordEmulator) -> AsyncIterator[RunningBot]:
    """``async with running_bot(bot, emu):`` for a bot that is ready inside the block."""
    running = await start_bot(bot, emu)
    try:
        yield running
    finally:
        await running.stop()
