"""``/announce``: where and how this server hears about new episodes (Manage Server)."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FanBot
from bot.cogs.drama_option import drama_autocomplete, resolve_drama
from bot.cogs.permissions import ANNOUNCING_PERMISSIONS, missing_to_post
from bot.domain.announcements import AnnounceFailure, Trouble, next_announcement
from bot.domain.delivery import DeliveryFailed
from bot.messenger import Destination
from bot.ui.announcements import (
    lead_set,
    missing_permissions,
    nothing_to_test,
    now_announcing,
    problem_words,
    render_status,
    role_not_pingable,
    role_refused,
    role_set,
    stopped,
    test_failed,
    test_posted,
)
from bot.ui.sources import changes_set

MAX_LEAD_MINUTES = 24 * 60

log = logging.getLogger(__name__)


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class Announce(
    commands.GroupCog, group_name="announce", group_description="Episode announcements."
):
    """Settings are answered privately: configuring the bot should not post in the channel."""

    def __init__(self, bot: FanBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Discord hides the group from members; a changed override is still checked here."""
        permissions = interaction.permissions
        if not (permissions.manage_guild or permissions.administrator):
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @app_commands.command(name="channel", description="Announce a drama's episodes here.")
    @app_commands.describe(channel="Where to post.", drama="Which drama (default: this server's).")
    @app_commands.autocomplete(drama=drama_autocomplete)
    async def channel(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        drama: str | None = None,
    ) -> None:
        found = await resolve_drama(interaction, drama)
        if found is None or interaction.guild is None:
            return
        lang = await self.bot.reader_language(interaction)
        target = interaction.guild.get_channel(channel.id)
        me = interaction.guild.me
        if isinstance(target, discord.abc.GuildChannel) and me is not None:
            missing = missing_to_post(target.permissions_for(me), ANNOUNCING_PERMISSIONS)
            if missing:
                await interaction.response.send_message(
                    missing_permissions(lang, channel.id, missing), ephemeral=True
                )
                return
        await interaction.response.defer(ephemeral=True, thinking=True)  # writes may wait
        await self.bot.store.announcements.subscribe(
            interaction.guild.id, found.slug, channel.id, self.bot.clock.now()
        )
        await self.bot.store.announcements.record_failure(
            interaction.guild.id, None, self.bot.clock.now()
        )
        await self.bot.airing.replan()
        await interaction.followup.send(now_announcing(lang, found, channel.id), ephemeral=True)

    @app_commands.command(name="role", description="The role announcements ping (none to stop).")
    @app_commands.describe(role="The role to ping; leave empty for no ping.")
    async def role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        assert interaction.guild is not None
        lang = await self.bot.reader_language(interaction)
        if role is not None and (role.is_default() or role.managed):
            await interaction.response.send_message(role_refused(lang, role), ephemeral=True)
            return
        role_id = role.id if role else None
        await interaction.response.defer(ephemeral=True, thinking=True)  # a write may wait
        await self.bot.store.announcements.set_role(
            interaction.guild.id, role_id, self.bot.clock.now()
        )
        me = interaction.guild.me
        can_ping = role is None or role.mentionable or me.guild_permissions.mention_everyone
        text = role_set(lang, role_id)
        if not can_ping:
            text += f"\n{role_not_pingable(lang)}"
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(name="lead", description="Also remind this many minutes before.")
    @app_commands.describe(minutes="Minutes before each airing (0 turns reminders off).")
    async def lead(
        self,
        interaction: discord.Interaction,
        minutes: app_commands.Range[int, 0, MAX_LEAD_MINUTES],
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)  # a write may wait
        await self.bot.store.announcements.set_lead(
            interaction.guild_id, minutes, self.bot.clock.now()
        )
        await self.bot.airing.replan()
        lang = await self.bot.reader_language(interaction)
        await interaction.followup.send(lead_set(lang, minutes), ephemeral=True)

    @app_commands.command(name="changes", description="Notices when an episode's time moves.")
    @app_commands.describe(setting="on: post a notice when an episode moves; off: don't.")
    async def changes(
        self, interaction: discord.Interaction, setting: Literal["on", "off"]
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)  # a write may wait
        on = setting == "on"
        await self.bot.store.announcements.set_changes(
            interaction.guild_id, on, self.bot.clock.now()
        )
        lang = await self.bot.reader_language(interaction)
        await interaction.followup.send(changes_set(lang, on), ephemeral=True)

    @app_commands.command(name="off", description="Stop announcing a drama (or all).")
    @app_commands.describe(drama="Which drama; leave empty to stop everything.")
    @app_commands.autocomplete(drama=drama_autocomplete)
    async def off(self, interaction: discord.Interaction, drama: str | None = None) -> None:
        assert interaction.guild_id is not None
        found = None
        if drama:
            found = await resolve_drama(interaction, drama)
            if found is None:
                return
        await interaction.response.defer(ephemeral=True, thinking=True)  # a write may wait
        count = await self.bot.store.announcements.unsubscribe(
            interaction.guild_id, found.slug if found else None
        )
        await self.bot.airing.replan()
        lang = await self.bot.reader_language(interaction)
        await interaction.followup.send(stopped(lang, found, count), ephemeral=True)

    @app_commands.command(name="status", description="What this server announces, and where.")
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        store = self.bot.store.announcements
        subscriptions = await store.subscriptions(guild_id=interaction.guild_id)
        settings = await store.settings(interaction.guild_id)
        snapshot = self.bot.catalogue.snapshot
        next_at = next_announcement(snapshot.episodes, subscriptions, self.bot.clock.now())
        dramas = snapshot.by_slug
        retrying = await store.in_flight(interaction.guild_id)
        lang = await self.bot.reader_language(interaction)
        embed = render_status(lang, subscriptions, dramas, settings, next_at, retrying)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="test", description="Post a sample announcement now.")
    async def test(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        lang = await self.bot.reader_language(interaction)
        store = self.bot.store.announcements
        subscriptions = await store.subscriptions(guild_id=interaction.guild_id)
        if not subscriptions:
            await interaction.response.send_message(nothing_to_test(lang), ephemeral=True)
            return
        first = subscriptions[0]
        drama = self.bot.catalogue.snapshot.drama(first.drama_slug)
        if drama is None:
            await interaction.response.send_message(nothing_to_test(lang), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        to = Destination.channel(interaction.guild_id, first.channel_id)
        try:
            await self.bot.announcer.post_test(to, drama, first.role_id)
        except DeliveryFailed as error:
            await interaction.followup.send(
                test_failed(lang, first.channel_id, problem_words(lang, error.problem)),
                ephemeral=True,
            )
            return
        await interaction.followup.send(test_posted(lang, first.channel_id), ephemeral=True)

    # -- what a server removes ends or flags what used it --------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """What changed while the bot was away: servers it was removed from end their
        subscriptions; deleted announcement roles stop being pinged (and are flagged)."""
        store = self.bot.store.announcements
        present = {guild.id: guild for guild in self.bot.guilds}
        gone = {s.guild_id for s in await store.subscriptions()} - set(present)
        for guild_id in sorted(gone):
            count = await store.unsubscribe(guild_id, None)
            log.info("no longer in guild %s: ended %d announcement subscriptions", guild_id, count)
        for guild_id, role_id in (await store.announce_roles()).items():
            guild = present.get(guild_id)
            if guild is not None and not guild.unavailable and guild.get_role(role_id) is None:
                await self._forget_role(guild_id, role_id)
        if gone:
            await self.bot.airing.replan()

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """The bot left (or was removed from) a server: stop announcing there."""
        count = await self.bot.store.announcements.unsubscribe(guild.id, None)
        log.info("left guild %s: ended %d announcement subscriptions", guild.id, count)
        await self.bot.airing.replan()

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        store = self.bot.store.announcements
        ended = await store.end_in_channel(channel.id)
        if not ended:
            return
        titles = [self.bot.catalogue.snapshot.title_of(s.drama_slug) for s in ended]
        gone = AnnounceFailure(Trouble.CHANNEL_DELETED, dramas=tuple(titles))
        await store.record_failure(channel.guild.id, gone, self.bot.clock.now())
        log.info("channel %s deleted in guild %s: ended %s", channel.id, channel.guild.id, titles)
        await self.bot.airing.replan()

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await self._forget_role(role.guild.id, role.id)

    async def _forget_role(self, guild_id: int, role_id: int) -> None:
        store = self.bot.store.announcements
        if await store.clear_role(guild_id, role_id, self.bot.clock.now()):
            gone = AnnounceFailure(Trouble.ROLE_DELETED)
            await store.record_failure(guild_id, gone, self.bot.clock.now())
            log.info("announcement role %s deleted in guild %s", role_id, guild_id)


async def setup(bot: FanBot) -> None:
    await bot.add_cog(Announce(bot))
