"""/drama, /fact and /cast as fans use them, end to end through the emulator."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.client import FanBot
from tests.e2e.conftest import SHIPPED_DATA, FanbotRunner, Fans
from tests.emulator import DiscordEmulator, User

TIMESTAMP = re.compile(r"<t:(\d+):F>")


@pytest.fixture
async def bob(emulator: DiscordEmulator, fans: Fans) -> User:
    return emulator.add_user("bob", guild=fans.guild)


def field_values(embed: dict[str, object]) -> dict[str, str]:
    fields = embed.get("fields") or []
    assert isinstance(fields, list)
    return {f["name"]: f["value"] for f in fields}


# -- /drama -----------------------------------------------------------------------------------


async def test_drama_list_shows_platform_episodes_and_status(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/drama list")
    description = reply.embeds[0]["description"]
    assert "**Soundtrack #1**: Disney+, 4 episodes, finished" in description


async def test_drama_info_shows_the_weekly_slot_in_wib_and_as_a_timestamp(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/drama info")
    [embed] = reply.embeds
    fields = field_values(embed)
    assert embed["title"] == "Soundtrack #1"
    assert fields["Platform"] == "Disney+"
    assert fields["Episodes"] == "4 (finished)"
    assert fields["Weekly slot"].startswith("Wednesdays 14:00 WIB")
    [stamp] = TIMESTAMP.findall(fields["Weekly slot"])
    assert datetime.fromtimestamp(int(stamp), UTC) == datetime(2022, 3, 23, 7, tzinfo=UTC)
    assert fields["Director"] == "Kim Hee-won"
    assert "Han So-hee as Lee Eun-soo" in fields["Leads"]
    assert "Park Hyung-sik as Han Seon-woo" in fields["Leads"]
    assert "Soundtrack#1" in fields["Also known as"]


@pytest.mark.parametrize("typed", ["Soundtrack#1", "soundtrack 1", "사운드트랙 #1", "soundtrack-1"])
async def test_drama_info_understands_aliases(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, typed: str
) -> None:
    reply = await emulator.slash(fans.alice, "/drama info", drama=typed)
    assert reply.embeds[0]["title"] == "Soundtrack #1"


async def test_an_unknown_drama_gets_a_private_answer_with_a_suggestion(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/drama info", drama="Saundtrek")
    assert reply.ephemeral
    assert "Did you mean **Soundtrack #1**?" in (reply.content or "")


async def test_drama_autocomplete_offers_titles_for_aliases(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    choices = await emulator.autocomplete(fans.alice, "/drama info", drama="사운드")
    assert choices[0]["value"] == "soundtrack-1"
    assert choices[0]["name"].startswith("Soundtrack #1")


async def test_drama_default_needs_manage_server(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/drama default", drama="soundtrack-1")
    assert reply.ephemeral
    assert reply.content == "You need the **Manage Server** permission to use this command."
    # Discord cannot hide one subcommand: /drama stays visible to every member, everywhere,
    # and /drama default is checked when used (README, Commands).
    definition = next(c for c in emulator.commands() if c["name"] == "drama")
    assert definition["default_member_permissions"] is None
    assert definition["contexts"] is None


# -- /fact ------------------------------------------------------------------------------------


async def test_fact_random_shows_topic_and_source_and_goes_round_before_repeating(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    cast_facts = await fanbot.store.facts.count("soundtrack-1", "cast", guild_id=fans.guild.id)
    assert cast_facts >= 5  # data/dramas/soundtrack-1.yaml has several cast facts
    titles = []
    for _ in range(cast_facts):
        reply = await emulator.slash(fans.alice, "/fact random", topic="cast")
        [embed] = reply.embeds
        assert embed["title"].startswith("Soundtrack #1 fact #")
        assert "cast · " in embed["description"]
        titles.append(embed["title"])
    assert len(set(titles)) == cast_facts  # every cast fact shown before any repeats

    next_round = await emulator.slash(fans.alice, "/fact random", topic="cast")
    [embed] = next_round.embeds
    assert embed["title"] in titles and not next_round.ephemeral


async def test_fact_random_with_an_unknown_topic_answers_privately(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/fact random", topic="spaceships")
    assert reply.ephemeral and "spaceships" in (reply.content or "")


@pytest.mark.parametrize("query", ["vincenzo", "Vincen", "vincenso", "VINCENZO director"])
async def test_fact_search_finds_facts_however_they_are_typed(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, query: str
) -> None:
    reply = await emulator.slash(fans.alice, "/fact search", query=query)
    [embed] = reply.embeds
    first_fact = embed["description"].split("\n\n")[0]
    assert "Vincenzo" in first_fact
    assert embed["footer"]["text"].startswith("Page 1/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("hyungsik", "Park Hyung-sik"), ("Sunwoo", "Han Seon-woo"), ("eunsoo", "Eun-soo")],
)
async def test_fact_search_understands_names_as_fans_type_them(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, query: str, expected: str
) -> None:
    reply = await emulator.slash(fans.alice, "/fact search", query=query)
    assert reply.embeds, reply.content
    assert expected in reply.embeds[0]["description"].split("\n\n")[0]


async def test_fact_search_with_nothing_found_suggests_names(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/fact search", query="Hann Sohie")
    assert reply.ephemeral and reply.embeds == []
    assert "Did you mean **Han So-hee**" in (reply.content or "")


async def test_fact_search_shows_five_facts_a_page(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/fact search", query="Han")
    [embed] = reply.embeds
    footer = re.match(r"Page 1/(\d+) · ", embed["footer"]["text"])
    assert footer is not None and int(footer.group(1)) >= 2, embed["footer"]
    assert embed["description"].count("**#") == 5


async def test_fact_search_pages_belong_to_the_asker(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, bob: User
) -> None:
    reply = await emulator.slash(fans.alice, "/fact search", query="Han")
    assert reply.message is not None
    first_page = reply.embeds[0]["description"]
    assert reply.embeds[0]["footer"]["text"].startswith("Page 1/")

    stranger = await emulator.click(reply.message, "Next", bob)
    assert stranger.ephemeral
    assert stranger.content == "This isn't your list. Run the command yourself to get your own."

    turned = await emulator.click(reply.message, "Next", fans.alice)
    assert turned.failed is None
    assert reply.message.embeds[0]["footer"]["text"].startswith("Page 2/")
    assert reply.message.embeds[0]["description"] != first_page

    back = await emulator.click(reply.message, "Previous", fans.alice)
    assert back.failed is None
    assert reply.message.embeds[0]["description"] == first_page


async def test_page_buttons_are_disabled_when_the_list_expires(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    fanbot.pagers.lifetime_seconds = 0.2
    reply = await emulator.slash(fans.alice, "/fact search", query="Han")
    message = reply.message
    assert message is not None

    def buttons_disabled() -> bool:
        buttons = [c for row in message.components for c in row["components"]]
        return all(b.get("disabled") for b in buttons)

    await emulator.wait_until(buttons_disabled, timeout=5)
    with pytest.raises(LookupError, match="disabled"):
        await emulator.click(message, "Next", fans.alice)
    late = await emulator.click(message, "Next", fans.alice, stale=True)  # not refreshed yet
    assert late.ephemeral and "expired" in (late.content or "")


async def test_an_old_page_button_after_a_restart_says_expired_instead_of_failing(
    fanbot_runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans
) -> None:
    await fanbot_runner.start()
    reply = await emulator.slash(fans.alice, "/fact search", query="Han")
    assert reply.message is not None
    await fanbot_runner.restart()

    click = await emulator.click(reply.message, "Next", fans.alice)

    assert click.failed is None
    assert click.ephemeral
    assert click.content == "This list has expired. Run the command again for a fresh one."


async def test_fact_add_and_remove_by_an_admin_without_pinging_anyone(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    text = "@everyone The notebook on set was a blue Moleskine."
    added = await emulator.slash(
        admin, "/fact add", text=text, source="a fan on set", topic="Props"
    )
    assert added.message is not None and not added.ephemeral
    fact_id = int(re.findall(r"#(\d+)", added.content or "")[0])
    assert added.message.allowed_mentions == {"parse": []}

    found = await emulator.slash(fans.alice, "/fact search", query="moleskine")
    assert found.message is not None and found.message.allowed_mentions == {"parse": []}
    description = found.embeds[0]["description"]
    assert f"**#{fact_id}**" in description and f"added by <@{admin.id}>" in description
    assert "props · a fan on set" in description

    removed = await emulator.slash(admin, "/fact remove", id=fact_id)
    assert removed.content == f"Removed fact **#{fact_id}**."
    again = await emulator.slash(admin, "/fact remove", id=fact_id)
    assert again.ephemeral and "There is no fact" in (again.content or "")


async def test_facts_from_the_data_file_cannot_be_removed_in_discord(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    page = await fanbot.store.facts.search("Vincenzo", None, 1, guild_id=fans.guild.id)
    reply = await emulator.slash(admin, "/fact remove", id=page.facts[0].id)
    assert reply.ephemeral and "comes back on the next import" in (reply.content or "")
    assert await fanbot.store.facts.get(page.facts[0].id, guild_id=fans.guild.id) is not None


async def test_fact_add_is_refused_to_members_without_manage_server(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    before = await fanbot.store.facts.count("soundtrack-1", guild_id=fans.guild.id)
    reply = await emulator.slash(fans.alice, "/fact add", text="A fact nobody may add here.")
    assert reply.ephemeral and "Manage Server" in (reply.content or "")
    assert await fanbot.store.facts.count("soundtrack-1", guild_id=fans.guild.id) == before


# -- /cast ------------------------------------------------------------------------------------


async def test_cast_list_shows_actor_as_character_with_role(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/cast list")
    lines = reply.embeds[0]["description"].splitlines()
    assert "**Han So-hee** as Lee Eun-soo (lead)" in lines
    assert "**Park Hyung-sik** as Han Seon-woo (lead)" in lines
    assert "**Kim Joo-heon** as Kang Woo-il (support)" in lines
    assert "**Kim Hee-won**, director" in lines


@pytest.mark.parametrize(
    ("typed", "person"),
    [
        ("Park Hyung Sik", "Park Hyung-sik"),
        ("park hyungsik", "Park Hyung-sik"),
        ("hyungsik", "Park Hyung-sik"),
        ("박형식", "Park Hyung-sik"),
        ("Sun-woo", "Park Hyung-sik"),
        ("Seon Woo", "Park Hyung-sik"),
        ("seonwoo", "Park Hyung-sik"),
        ("Lee Eunsoo", "Han So-hee"),
        ("eun soo", "Han So-hee"),
        ("Han Sohee", "Han So-hee"),
        ("kang woo il", "Kim Joo-heon"),
    ],
)
async def test_cast_who_finds_people_however_fans_type_them(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, typed: str, person: str
) -> None:
    reply = await emulator.slash(fans.alice, "/cast who", name=typed)
    assert reply.embeds, reply.content
    assert reply.embeds[0]["title"] == person


async def test_cast_who_counts_the_age_by_the_date_where_the_drama_airs(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/cast who", name="Park Hyung-sik")
    fields = field_values(reply.embeds[0])
    # Born 1991-11-16; a year older from midnight on November 16 in Jakarta, where his drama
    # airs (not at midnight UTC, seven hours later).
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    age = today.year - 1991 - (1 if (today.month, today.day) < (11, 16) else 0)
    assert fields["Born"] == f"November 16, 1991 (age {age})"
    assert "Happiness" in fields["Known for"]
    assert "photographer" in fields["Soundtrack #1: Han Seon-woo (lead)"]


async def test_cast_who_with_an_ambiguous_name_lists_the_candidates(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/cast who", name="Kim")
    assert reply.ephemeral
    assert "**Kim Hee-won**" in (reply.content or "") and "**Kim Joo-heon**" in (
        reply.content or ""
    )


async def test_cast_who_with_no_match_offers_did_you_mean(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/cast who", name="Han Sooho")
    assert reply.ephemeral and reply.embeds == []
    assert "Did you mean **Han So-hee**" in (reply.content or "")
    nothing = await emulator.slash(fans.alice, "/cast who", name="zzzz")
    assert nothing.ephemeral and "couldn't find anyone" in (nothing.content or "")


async def test_cast_who_autocompletes_characters_with_their_actor(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    choices = await emulator.autocomplete(fans.alice, "/cast who", name="sunw")
    assert choices[0] == {"name": "Han Seon-woo (Park Hyung-sik)", "value": "park-hyung-sik"}


# -- several dramas, long texts -----------------------------------------------------------------


@pytest.fixture
def two_dramas(tmp_path: Path) -> Path:
    folder = tmp_path / "dramas"
    folder.mkdir()
    shutil.copy(SHIPPED_DATA / "soundtrack-1.yaml", folder)
    text = (Path(__file__).parent / "dramas" / "long-river.yaml").read_text()
    synopsis = " ".join(["The river keeps flowing past the town."] * 150)
    fact = "The river scene was filmed in one take " + "and it went on " * 70 + "until dawn."
    text = text.replace("  PLACEHOLDER", f"  {synopsis}").replace(
        "text: PLACEHOLDER", f"text: {fact}"
    )
    (folder / "long-river.yaml").write_text(text)
    return folder


@pytest.fixture
async def multi_bot(
    emulator: DiscordEmulator, fans: Fans, tmp_path: Path, two_dramas: Path
) -> FanBot:
    from tests.e2e.conftest import fanbot_settings

    runner = FanbotRunner(emulator, fanbot_settings(emulator, tmp_path, two_dramas))
    bot = await runner.start()
    yield bot
    await runner.stop()


async def test_with_two_dramas_and_no_default_the_bot_asks_which(
    multi_bot: FanBot, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    reply = await emulator.slash(fans.alice, "/drama info")
    assert reply.ephemeral
    assert "Which drama?" in (reply.content or "")
    assert "**Soundtrack #1**" in (reply.content or "")
    assert "**The Long River**" in (reply.content or "")

    set_default = await emulator.slash(admin, "/drama default", drama="Long River")
    assert "**The Long River** is now this server's default" in (set_default.content or "")
    info = await emulator.slash(fans.alice, "/drama info")
    assert info.embeds[0]["title"] == "The Long River"


async def test_long_synopses_and_facts_are_cut_cleanly_to_discord_limits(
    multi_bot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    info = await emulator.slash(fans.alice, "/drama info", drama="long-river")
    assert info.failed is None
    description = info.embeds[0]["description"]
    assert len(description) <= 4096 and description.endswith("…")
    fact = await emulator.slash(fans.alice, "/fact random", drama="long-river")
    assert fact.failed is None and fact.embeds
    assert not emulator.errors


async def test_drama_info_in_new_york_shows_the_local_slot(
    multi_bot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    info = await emulator.slash(fans.alice, "/drama info", drama="long-river")
    fields = field_values(info.embeds[0])
    # The run straddles 2024-03-10, when New York moves from EST to EDT; the drama ended, so
    # the timestamp is its premiere, 2024-03-03 21:00 EST.
    premiere = int(datetime(2024, 3, 4, 2, tzinfo=UTC).timestamp())
    assert fields["Weekly slot"] == f"Sundays 21:00 EST/EDT\n<t:{premiere}:F>"
