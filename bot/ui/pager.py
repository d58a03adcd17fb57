"""Previous/Next pages for long answers, answered only for the person who asked.

Buttons are discord.py dynamic items: their ``custom_id`` names the page session, so a
click is routed even after a restart, when the session is gone, and gets a polite
"expired" answer instead of Discord's "interaction failed". Sessions live in a
:class:`PagerRegistry` owned by the bot and expire after ten minutes, when the buttons
are disabled.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.i18n import Language
from bot.ui.replies import respond

log = logging.getLogger(__name__)

PAGE_LIFETIME_SECONDS = 600.0


def not_yours(lang: Language) -> str:
    return lang._("This isn't your list. Run the command yourself to get your own.")


def expired(lang: Language) -> str:
    return lang._("This list has expired. Run the command again for a fresh one.")


@dataclass
class PageSession:
    owner_id: int
    pages: Sequence[discord.Embed]
    index: int = 0
    interaction: discord.Interaction | None = None
    expiry: asyncio.TimerHandle | None = field(default=None, repr=False)
    # The buttons' labels, in the asker's language.
    previous_label: str = "Previous"
    next_label: str = "Next"


class PagerRegistry:
    """Live page sessions of this process, by id."""

    def __init__(self, lifetime_seconds: float = PAGE_LIFETIME_SECONDS) -> None:
        self.lifetime_seconds = lifetime_seconds
        self._sessions: dict[str, PageSession] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def get(self, session_id: str) -> PageSession | None:
        return self._sessions.get(session_id)

    async def send(
        self,
        interaction: discord.Interaction,
        pages: Sequence[discord.Embed],
        lang: Language,
        *,
        ephemeral: bool = False,
    ) -> None:
        """Answer with the first page, and buttons when there is more than one."""
        if len(pages) <= 1:
            await respond(interaction, embed=pages[0], ephemeral=ephemeral)
            return
        session_id = secrets.token_hex(8)
        session = PageSession(
            owner_id=interaction.user.id,
            pages=pages,
            interaction=interaction,
            previous_label=lang.pgettext("page button", "Previous"),
            next_label=lang.pgettext("page button", "Next"),
        )
        self._sessions[session_id] = session
        try:
            await respond(
                interaction,
                embed=pages[0],
                view=page_buttons(session_id, session),
                ephemeral=ephemeral,
            )
        except BaseException:
            del self._sessions[session_id]  # nobody will ever click it
            raise
        loop = asyncio.get_running_loop()
        session.expiry = loop.call_later(self.lifetime_seconds, self._expire, session_id)

    def _expire(self, session_id: str) -> None:
        session = self._sessions.pop(session_id, None)
        if session is None or session.interaction is None:
            return
        task = asyncio.get_running_loop().create_task(
            _disable(session.interaction, session_id, session)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        """Forget every session and cancel pending edits (bot shutdown)."""
        for session in self._sessions.values():
            if session.expiry is not None:
                session.expiry.cancel()
        self._sessions.clear()
        for task in self._tasks:
            task.cancel()


async def _disable(interaction: discord.Interaction, session_id: str, session: PageSession) -> None:
    try:
        await interaction.edit_original_response(
            view=page_buttons(session_id, session, disabled=True)
        )
    except discord.HTTPException as error:
        log.info("could not disable expired page buttons: %s", error)


def page_buttons(
    session_id: str, session: PageSession, *, disabled: bool = False
) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    last = len(session.pages) - 1
    first, final = disabled or session.index == 0, disabled or session.index == last
    view.add_item(PageButton(session_id, "prev", first, session.previous_label))
    view.add_item(PageButton(session_id, "next", final, session.next_label))
    return view


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"pager:(?P<session>[0-9a-f]{16}):(?P<step>prev|next)",
):
    def __init__(
        self, session_id: str, step: str, disabled: bool = False, label: str | None = None
    ) -> None:
        # Rebuilt from a click's custom_id the label does not matter: the edit sends new ones.
        label = label or ("Previous" if step == "prev" else "Next")
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"pager:{session_id}:{step}",
                disabled=disabled,
            )
        )
        self.session_id = session_id
        self.step = step

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        return cls(match["session"], match["step"])

    async def callback(self, interaction: discord.Interaction) -> None:
        client: Any = interaction.client
        registry: PagerRegistry = client.pagers
        session = registry.get(self.session_id)
        lang: Language = client.catalogues.language(interaction.locale.value)
        if session is None:
            await interaction.response.send_message(expired(lang), ephemeral=True)
            return
        if interaction.user.id != session.owner_id:
            await interaction.response.send_message(not_yours(lang), ephemeral=True)
            return
        step = 1 if self.step == "next" else -1
        session.index = max(0, min(len(session.pages) - 1, session.index + step))
        await interaction.response.edit_message(
            embed=session.pages[session.index],
            view=page_buttons(self.session_id, session),
            allowed_mentions=discord.AllowedMentions.none(),
        )
