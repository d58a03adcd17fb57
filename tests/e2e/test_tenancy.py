"""Each server owns its community data: two servers on one bot, end to end.

A fact added with ``/fact add`` in one server is that server's: only its members find it with
``/fact search`` and ``/fact random``, only its trivia asks about it, and only its admins can
remove it. To another server it does not exist, not even as an id. Facts from the drama
files are everyone's.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.client import FanBot
from bot.domain.trivia.generated import MASK
from bot.trivia_session import TriviaSession
from tests.builders import write_drama
from tests.e2e.conftest import SHIPPED_DATA, Fans
from tests.emulator import Channel, DiscordEmulator, Guild, User

UMBRELLA = "The yellow umbrella in Test Drama was bought by the director herself."


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Soundtrack #1, and Test Drama, whose own facts never name it: the only "which drama
    is this fact about?" question it can have is about a community fact that does."""
    folder = tmp_path / "dramas"
    folder.mkdir()
    shutil.copy(SHIPPED_DATA / "soundtrack-1.yaml", folder)
    write_drama(folder)
    return folder


@dataclass
class Server:
    guild: Guild
    general: Channel
    admin: User
    member: User


@pytest.fixture
async def server_a(emulator: DiscordEmulator, fans: Fans) -> Server:
    admin = emulator.add_user("admin-a", guild=fans.guild, manage_guild=True)
    return Server(fans.guild, fans.general, admin, fans.alice)


@pytest.fixture
async def server_b(emulator: DiscordEmulator, fans: Fans) -> Server:
    guild = emulator.add_guild("Other Fans")
    general = next(iter(guild.channels.values()))
    admin = emulator.add_user("admin-b", guild=guild, manage_guild=True)
    member = emulator.add_user("bob", guild=guild)
    return Server(guild, general, admin, member)


async def add_fact(emulator: DiscordEmulator, server: Server, text: str, **options: str) -> int:
    added = await emulator.slash(server.admin, "/fact add", text=text, **options)
    assert not added.ephemeral and "for this server" in (added.content or ""), added.content
    return int(re.findall(r"#(\d+)", added.content or "")[0])


async def test_a_fact_added_in_one_server_is_found_only_there(
    fanbot: FanBot, emulator: DiscordEmulator, server_a: Server, server_b: Server
) -> None:
    fact_id = await add_fact(
        emulator, server_a, UMBRELLA, drama="test-drama", topic="props", source="a fan"
    )

    found = await emulator.slash(server_a.member, "/fact search", query="umbrella")
    assert f"**#{fact_id}**" in found.embeds[0]["description"]
    random = await emulator.slash(
        server_a.member, "/fact random", drama="test-drama", topic="props"
    )
    assert random.embeds[0]["title"] == f"Test Drama fact #{fact_id}"

    elsewhere = await emulator.slash(server_b.member, "/fact search", query="umbrella")
    assert elsewhere.ephemeral and (elsewhere.content or "").startswith("No fact matches")
    typo = await emulator.slash(server_b.member, "/fact search", query="umbrela")
    assert typo.ephemeral and (typo.content or "").startswith("No fact matches")
    no_topic = await emulator.slash(
        server_b.member, "/fact random", drama="test-drama", topic="props"
    )
    assert no_topic.ephemeral and "has the topic “props”" in (no_topic.content or "")
    for _ in range(5):  # Test Drama's two data facts, never server A's
        shown = await emulator.slash(server_b.member, "/fact random", drama="test-drama")
        assert shown.embeds[0]["title"] != f"Test Drama fact #{fact_id}"
    offered = await emulator.autocomplete(server_a.member, "/fact random", topic="")
    assert "props" in [c["value"] for c in offered]
    topics = await emulator.autocomplete(server_b.member, "/fact random", topic="")
    assert "props" not in [c["value"] for c in topics]
    assert emulator.errors == []


async def test_another_servers_admin_cannot_remove_a_fact_and_is_told_it_does_not_exist(
    fanbot: FanBot, emulator: DiscordEmulator, server_a: Server, server_b: Server
) -> None:
    fact_id = await add_fact(emulator, server_a, UMBRELLA, drama="test-drama")

    refused = await emulator.slash(server_b.admin, "/fact remove", id=fact_id)
    never_was = await emulator.slash(server_b.admin, "/fact remove", id=fact_id + 1000)
    assert refused.ephemeral
    assert refused.content == f"There is no fact **#{fact_id}** in this server. " + (
        "`/fact search` shows each fact's number."
    )
    assert never_was.content == (refused.content or "").replace(
        f"#{fact_id}", f"#{fact_id + 1000}"
    )  # the same answer as for an id that never existed: ids tell nothing
    still = await emulator.slash(server_a.member, "/fact search", query="umbrella")
    assert f"**#{fact_id}**" in still.embeds[0]["description"]

    removed = await emulator.slash(server_a.admin, "/fact remove", id=fact_id)
    assert removed.content == f"Removed fact **#{fact_id}**."
    assert emulator.errors == []


async def test_facts_from_the_drama_files_are_seen_in_every_server(
    fanbot: FanBot, emulator: DiscordEmulator, server_a: Server, server_b: Server
) -> None:
    for server in (server_a, server_b):
        found = await emulator.slash(server.member, "/fact search", query="vincenzo")
        assert "Vincenzo" in found.embeds[0]["description"]
        refused = await emulator.slash(server.admin, "/fact remove", id=found_id(found.embeds))
        assert refused.ephemeral and "comes back on the next import" in (refused.content or "")
    assert emulator.errors == []


def found_id(embeds: list[dict[str, object]]) -> int:
    return int(re.findall(r"\*\*#(\d+)\*\*", str(embeds[0]["description"]))[0])


def asked_texts(bot: FanBot, channel: Channel) -> list[str]:
    """Every question of the game running in ``channel`` (as the bot picked them)."""
    session = bot.trivia.in_channel(channel.id)
    assert isinstance(session, TriviaSession), "no game runs there"
    return [q.text for q in session.game.questions]


async def test_trivia_asks_about_a_community_fact_only_in_its_server(
    fanbot: FanBot, emulator: DiscordEmulator, server_a: Server, server_b: Server
) -> None:
    await add_fact(emulator, server_a, UMBRELLA, drama="test-drama")
    # As many questions as the drama has: every one it can ask is in the game.
    for server in (server_a, server_b):
        start = await emulator.slash(
            server.member, "/trivia start", drama="test-drama", questions=50, seconds=30
        )
        assert not start.ephemeral, start.content
        await emulator.wait_for_message(server.general, "Question 1/")

    in_a = [t for t in asked_texts(fanbot, server_a.general) if "umbrella" in t]
    assert in_a == [
        f'Which drama is this fact about? "The yellow umbrella in {MASK} was bought by the'
        ' director herself."'
    ]
    assert not [t for t in asked_texts(fanbot, server_b.general) if "umbrella" in t]

    for server in (server_a, server_b):
        await emulator.slash(server.member, "/trivia stop")
        await emulator.wait_for_message(server.general, "Game stopped ·")
    assert emulator.errors == []
