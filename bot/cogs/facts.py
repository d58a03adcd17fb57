"""``/fact random|search|add|remove``: what fans love to share.

Each server sees the data-file facts and its own community facts (in DMs: data facts only);
the store enforces it, every call here passes the interaction's ``guild_id``.
"""

from __future__ import annotations

from collections import OrderedDict, deque

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FanBot
from bot.cogs.drama_option import drama_autocomplete, resolve_drama
from bot.domain.models import Drama, FactDraft
from bot.domain.text import CHOICES_LIMIT, FACT_TEXT_LIMIT
from bot.store.facts import RemoveOutcome
from bot.ui.facts import (
    MAX_RESULTS,
    fact_added,
    fact_from_data_file,
    fact_not_found,
    fact_removed,
    no_fact_for,
    no_fact_found,
    render_fact,
    render_fact_pages,
)

RECENT_CHANNELS = 1000


class Facts(commands.GroupCog, group_name="fact", group_description="Facts about the dramas."):
    def __init__(self, bot: FanBot) -> None:
        self.bot = bot
        # Facts already shown per channel, so /fact random goes round before repeating.
        self._shown: OrderedDict[int, deque[int]] = OrderedDict()

    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        drama = interaction.namespace.drama
        found = self.bot.catalogue.snapshot.drama(drama) if isinstance(drama, str) else None
        topics = await self.bot.store.facts.topics(
            found.slug if found else None, guild_id=interaction.guild_id
        )
        wanted = current.casefold().strip()
        return [app_commands.Choice(name=t, value=t) for t in topics if wanted in t.casefold()][
            :CHOICES_LIMIT
        ]

    def _recent(self, channel_id: int) -> deque[int]:
        recent = self._shown.pop(channel_id, None) or deque(maxlen=500)
        self._shown[channel_id] = recent
        while len(self._shown) > RECENT_CHANNELS:
            self._shown.popitem(last=False)
        return recent

    @app_commands.command(name="random", description="A random fact.")
    @app_commands.describe(drama="Which drama (default: this server's).", topic="Only this topic.")
    @app_commands.autocomplete(drama=drama_autocomplete, topic=topic_autocomplete)
    async def random(
        self,
        interaction: discord.Interaction,
        drama: str | None = None,
        topic: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        found = await resolve_drama(interaction, drama)
        if found is None:
            return
        lang = await self.bot.reader_language(interaction)
        recent = self._recent(interaction.channel_id or 0)
        fact = await self.bot.store.facts.random(
            found.slug, topic, excluding=list(recent), guild_id=interaction.guild_id
        )
        if fact is None:
            await interaction.response.send_message(no_fact_for(lang, found, topic), ephemeral=True)
            return
        if fact.id in recent:  # every fact was shown: start a new round
            recent.clear()
        recent.append(fact.id)
        await interaction.response.send_message(embed=render_fact(lang, fact, found))

    @app_commands.command(name="search", description="Find facts by words, names or titles.")
    @app_commands.describe(query="Words to look for.", drama="Only this drama.")
    @app_commands.autocomplete(drama=drama_autocomplete)
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 100],
        drama: str | None = None,
    ) -> None:
        scope: Drama | None = None
        if drama:
            scope = await resolve_drama(interaction, drama)
            if scope is None:
                return
        elif interaction.guild_id is not None:
            default_slug = await self.bot.store.guilds.default_drama(interaction.guild_id)
            scope = self.bot.catalogue.snapshot.drama(default_slug) if default_slug else None
        slug = scope.slug if scope else None
        lang = await self.bot.reader_language(interaction)
        snapshot = self.bot.catalogue.snapshot
        facts = self.bot.store.facts
        page = await facts.search(query, slug, MAX_RESULTS, guild_id=interaction.guild_id)
        proper = None if page.facts else snapshot.canonical_name(query)
        if proper is not None:
            page = await facts.search(proper, slug, MAX_RESULTS, guild_id=interaction.guild_id)
        if not page.facts:
            hints = snapshot.person_suggestions(query)
            await interaction.response.send_message(
                no_fact_found(lang, query, hints), ephemeral=True
            )
            return
        dramas = snapshot.by_slug
        pages = render_fact_pages(lang, page.facts, page.total, query, dramas, page.more)
        await self.bot.pagers.send(interaction, pages, lang)

    @app_commands.command(name="add", description="Add a fact for this server (Manage Server).")
    @app_commands.describe(
        text="The fact, as one clear sentence.",
        drama="Which drama (default: this server's).",
        source="Where it comes from (an article, an interview...).",
        topic="A one-word topic, e.g. music or casting.",
    )
    @app_commands.autocomplete(drama=drama_autocomplete, topic=topic_autocomplete)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 10, FACT_TEXT_LIMIT],
        drama: str | None = None,
        source: app_commands.Range[str, 1, 300] | None = None,
        topic: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        found = await resolve_drama(interaction, drama)
        if found is None:
            return
        lang = await self.bot.reader_language(interaction)
        draft = FactDraft(text.strip(), topic.strip().lower() if topic else None, source)
        assert interaction.guild_id is not None  # guild_only
        await interaction.response.defer(thinking=True)  # a write may wait on SQLite's lock
        fact = await self.bot.store.facts.add(
            found.slug,
            draft,
            guild_id=interaction.guild_id,
            added_by=interaction.user.id,
            now_at=self.bot.clock.now(),
        )
        await interaction.followup.send(fact_added(lang, fact, found))

    @app_commands.command(
        name="remove", description="Remove a fact added in this server (Manage Server)."
    )
    @app_commands.describe(id="The fact's number, as /fact search shows it.")
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1]
    ) -> None:
        assert interaction.guild_id is not None  # guild_only
        lang = await self.bot.reader_language(interaction)
        # Another server's fact is "not found" here: its id tells nothing about it.
        fact = await self.bot.store.facts.get(id, guild_id=interaction.guild_id)
        if fact is None:
            await interaction.response.send_message(fact_not_found(lang, id), ephemeral=True)
            return
        if fact.from_data_file:
            await interaction.response.send_message(fact_from_data_file(lang, id), ephemeral=True)
            return
        await interaction.response.defer(thinking=True)  # a write may wait on SQLite's lock
        outcome = await self.bot.store.facts.remove_community_fact(
            id, guild_id=interaction.guild_id
        )
        if outcome is RemoveOutcome.REMOVED:
            await interaction.followup.send(fact_removed(lang, id))
        else:  # removed meanwhile by someone else
            await interaction.followup.send(fact_not_found(lang, id))


async def setup(bot: FanBot) -> None:
    await bot.add_cog(Facts(bot))
