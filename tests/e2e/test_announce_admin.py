"""What an admin sets with /announce, and what the bot does when the server changes under it:
roles that cannot ping, another server's plans, deleted channels and roles, leaving."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.e2e.airing import eventually, in_seconds, second_server, subscribe
from tests.e2e.conftest import FanbotRunner, Fans
from tests.emulator import DiscordEmulator, User


@pytest.fixture
def airs_at() -> datetime:
    return in_seconds(3600)


def fields(reply_embed: dict[str, object]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in reply_embed["fields"]}  # type: ignore[attr-defined]


async def test_announce_role_refuses_everyone_and_managed_roles(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    everyone = fans.guild.roles[fans.guild.id]
    booster = emulator.add_role(fans.guild, "Server Booster")
    booster.managed = True

    refused_everyone = await emulator.slash(admin, "/announce role", role=everyone)
    refused_managed = await emulator.slash(admin, "/announce role", role=booster)

    assert refused_everyone.ephemeral and "won't ping @everyone" in (refused_everyone.content or "")
    assert refused_managed.ephemeral and "managed by an integration" in (
        refused_managed.content or ""
    )
    assert (await runner.bot.store.announcements.settings(fans.guild.id)).role_id is None


async def test_announce_role_warns_when_the_ping_would_notify_nobody(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    quiet = emulator.add_role(fans.guild, "Quiet Ping")
    quiet.mentionable = False

    reply = await emulator.slash(admin, "/announce role", role=quiet)

    assert reply.ephemeral
    assert (reply.content or "").startswith(f"Announcements will ping <@&{quiet.id}>.")
    assert "won't notify anyone" in (reply.content or "")


async def test_announce_status_shows_this_servers_next_announcement_not_another_servers(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    _, other_channel, other_admin = await second_server(emulator, runner.bot)
    await subscribe(emulator, other_admin, other_channel)
    await emulator.slash(other_admin, "/announce lead", minutes=30)

    mine = await emulator.slash(admin, "/announce status")
    theirs = await emulator.slash(other_admin, "/announce status")

    assert fields(mine.embeds[0])["Next announcement"] == "none planned"
    reminder_at = airs_at - timedelta(minutes=30)
    assert fields(theirs.embeds[0])["Next announcement"] == f"<t:{int(reminder_at.timestamp())}:R>"


async def test_a_deleted_channel_ends_its_announcements_and_status_says_so(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    store = runner.bot.store.announcements

    emulator.delete_channel(fans.announcements)

    async def ended() -> bool:
        return await store.subscriptions(guild_id=fans.guild.id) == []

    await eventually(ended)
    status = await emulator.slash(admin, "/announce status")
    assert (
        "the channel was deleted; stopped announcing Soon Drama"
        in fields(status.embeds[0])["Last failure"]
    )


async def test_a_deleted_role_stops_the_ping_and_status_says_so(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    ping = emulator.add_role(fans.guild, "Episode Ping")
    await subscribe(emulator, admin, fans.announcements, ping)
    store = runner.bot.store.announcements

    emulator.delete_role(ping)

    async def cleared() -> bool:
        return (await store.settings(fans.guild.id)).role_id is None

    await eventually(cleared)
    status = fields((await emulator.slash(admin, "/announce status")).embeds[0])
    assert status["Ping"] == "nobody"
    assert "announcement role was deleted" in status["Last failure"]


async def test_leaving_a_server_ends_its_announcements(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    store = runner.bot.store.announcements

    emulator.remove_bot_from(fans.guild)

    async def ended() -> bool:  # the subscriptions, then the jobs planned from them
        return await store.subscriptions() == [] and runner.bot.airing.planned == []

    await eventually(ended)  # nothing left to announce there


async def test_a_server_that_removed_the_bot_while_it_was_down_is_forgotten_at_start(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    await subscribe(emulator, admin, fans.announcements)
    await runner.stop()

    emulator.remove_bot_from(fans.guild)
    bot = await runner.start()

    async def ended() -> bool:
        return await bot.store.announcements.subscriptions() == []

    await eventually(ended)


async def test_a_role_deleted_while_the_bot_was_down_is_no_longer_pinged(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    ping = emulator.add_role(fans.guild, "Episode Ping")
    await subscribe(emulator, admin, fans.announcements, ping)
    await runner.stop()

    emulator.delete_role(ping)
    bot = await runner.start()

    async def cleared() -> bool:
        return (await bot.store.announcements.settings(fans.guild.id)).role_id is None

    await eventually(cleared)
    status = fields((await emulator.slash(admin, "/announce status")).embeds[0])
    assert "announcement role was deleted" in status["Last failure"]
