"""Fans whose Discord speaks Bahasa Indonesia or 한국어 get the bot in their language, on
their server's clock; everyone else keeps English."""

from __future__ import annotations

import pytest

from bot.client import FanBot
from tests.e2e.conftest import Fans
from tests.e2e.test_dramas_facts_cast import field_values
from tests.emulator import DiscordEmulator, User


@pytest.fixture
async def admin(emulator: DiscordEmulator, fans: Fans) -> User:
    return emulator.add_user("mod", guild=fans.guild, manage_guild=True)


def _by_name(emulator: DiscordEmulator) -> dict[str, dict[str, object]]:
    return {c["name"]: c for c in emulator.commands()}


async def test_the_command_list_reads_in_indonesian_and_korean(
    fanbot: FanBot, emulator: DiscordEmulator
) -> None:
    commands = _by_name(emulator)
    assert commands["trivia"]["name_localizations"] == {"id": "kuis", "ko": "퀴즈"}
    assert commands["drama"]["description_localizations"] == {
        "id": "Drama yang saya ikuti.",
        "ko": "봇이 챙기는 드라마",
    }
    [info] = [o for o in commands["drama"]["options"] if o["name"] == "info"]  # type: ignore[attr-defined, index]
    [drama] = info["options"]
    assert drama["description_localizations"]["id"] == "Drama yang mana (bawaan: drama server ini)."
    assert drama["description_localizations"]["ko"] == "드라마 선택 (기본: 이 서버의 드라마)"
    assert "Kelola Server" in commands["settings"]["description_localizations"]["id"]  # type: ignore[index]
    assert "서버 관리" in commands["settings"]["description_localizations"]["ko"]  # type: ignore[index]


async def test_drama_info_for_an_indonesian_fan_in_a_wib_server(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    await emulator.slash(admin, "/settings", timezone="WIB")
    reply = await emulator.slash(fans.alice, "/drama info", locale="id")
    [embed] = reply.embeds
    fields = field_values(embed)
    assert embed["title"] == "Soundtrack #1"  # drama data stays as written
    assert fields["Platform"] == "Disney+"
    assert fields["Episode"] == "4 (tamat)"
    assert fields["Jadwal mingguan"].startswith("Setiap Rabu pukul 14.00 WIB\n<t:")
    assert "Rabu, 23 Maret 2022 14.00 WIB" in fields["Tayang perdana"]
    assert fields["Sutradara"] == "Kim Hee-won"
    assert "Park Hyung-sik sebagai Han Seon-woo" in fields["Pemeran utama"]


async def test_drama_info_for_a_korean_fan_in_a_kst_server(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    await emulator.slash(admin, "/settings", timezone="Asia/Seoul")
    reply = await emulator.slash(fans.alice, "/drama info", locale="ko")
    [embed] = reply.embeds
    fields = field_values(embed)
    assert fields["회차"] == "4 (종영)"
    assert fields["방송 시간"].startswith("매주 수요일 16:00 KST\n<t:")
    assert "2022년 3월 23일 수요일 16:00 KST" in fields["첫 방송"]
    assert "박형식" not in fields["주연"]  # names as the data writes them
    assert "Park Hyung-sik: Han Seon-woo 역" in fields["주연"]


async def test_english_stays_as_it_was_on_the_dramas_own_clock(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/drama info", locale="en-GB")
    fields = field_values(reply.embeds[0])
    assert fields["Weekly slot"].startswith("Wednesdays 14:00 WIB")
    assert fields["Episodes"] == "4 (finished)"


async def test_a_locale_without_a_catalogue_gets_english(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/drama list", locale="fr")
    assert "Disney+, 4 episodes, finished" in reply.embeds[0]["description"]


async def test_cast_who_in_indonesian_and_korean(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    indonesian = await emulator.slash(fans.alice, "/cast who", locale="id", name="seonwoo")
    fields = field_values(indonesian.embeds[0])
    assert fields["Lahir"].startswith("16 November 1991 (usia ")
    assert any(name.startswith("Soundtrack #1: Han Seon-woo (pemeran utama)") for name in fields)
    korean = await emulator.slash(fans.alice, "/cast who", locale="ko", name="박형식")
    fields = field_values(korean.embeds[0])
    assert fields["출생"].startswith("1991년 11월 16일 (만 ")
    assert "대표작" in fields


async def test_errors_and_did_you_mean_follow_the_fan(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/drama info", locale="id", drama="Saundtrek")
    assert reply.ephemeral
    assert reply.content.startswith("Saya tidak mengenal drama berjudul “Saundtrek”.")
    assert "Mungkin maksudmu **Soundtrack #1**?" in reply.content
    refused = await emulator.slash(
        fans.alice, "/drama default", locale="ko", drama="soundtrack-1", bypass_client=True
    )
    assert refused.content == "이 명령어를 쓰려면 **서버 관리** 권한이 필요합니다."


async def test_settings_shows_and_sets_the_servers_language_and_clock(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    shown = await emulator.slash(admin, "/settings", locale="id")
    fields = field_values(shown.embeds[0])
    assert fields["Bahasa pesan"] == "English (dari bahasa server di Discord)"
    assert fields["Zona waktu"] == "zona waktu masing-masing drama"
    choices = await emulator.autocomplete(admin, "/settings", timezone="kst")
    assert {"name": "Asia/Seoul (KST)", "value": "Asia/Seoul"} in choices
    done = await emulator.slash(admin, "/settings", locale="ko", language="ko", timezone="KST")
    assert "이제 이 서버의 알림과 퀴즈 언어는 한국어입니다." in done.content
    assert "매주 수요일 16:00 KST" in done.content
    shown = await emulator.slash(admin, "/settings")
    fields = field_values(shown.embeds[0])
    assert fields["Language of posts"] == "한국어"
    assert fields["Time zone"] == "Asia/Seoul"


async def test_next_and_episodes_in_indonesian_and_korean(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    indonesian = await emulator.slash(fans.alice, "/next", locale="id")
    assert indonesian.embeds[0]["title"] == "Soundtrack #1 sudah tamat"
    assert indonesian.embeds[0]["description"].startswith(
        "Soundtrack #1 sudah tamat: semua 4 episode sudah tayang, yang terakhir <t:"
    )
    await emulator.slash(admin, "/settings", timezone="KST")
    korean = await emulator.slash(fans.alice, "/episodes", locale="ko")
    [embed] = korean.embeds
    assert embed["title"] == "Soundtrack #1 회차"
    first = embed["description"].split("\n")[0]
    assert first.startswith("**1.** <t:") and "2022년 3월 23일 수요일 16:00 KST · 방송됨" in first


async def test_fact_search_and_its_pages_in_indonesian_and_korean(
    fanbot: FanBot, emulator: DiscordEmulator, fans: Fans
) -> None:
    bob = emulator.add_user("bob", guild=fans.guild)
    reply = await emulator.slash(fans.alice, "/fact search", locale="id", query="Han")
    assert reply.message is not None
    [embed] = reply.embeds
    assert embed["title"] == "Fakta yang cocok dengan “Han”"
    assert embed["footer"]["text"].startswith("Halaman 1/")
    stranger = await emulator.click(reply.message, "Berikutnya", bob, locale="ko")
    assert stranger.content == "다른 사람의 목록입니다. 명령어를 직접 실행해 내 목록을 받아 보세요."
    turned = await emulator.click(reply.message, "Berikutnya", fans.alice, locale="id")
    assert turned.failed is None
    assert reply.message.embeds[0]["footer"]["text"].startswith("Halaman 2/")
    labels = [c["label"] for row in reply.message.components for c in row["components"]]
    assert labels == ["Sebelumnya", "Berikutnya"]
    missing = await emulator.slash(fans.alice, "/fact search", locale="ko", query="Hann Sohie")
    assert missing.content.startswith("“Hann Sohie”에 맞는 사실이 없습니다. 혹시 **Han So-hee**")
