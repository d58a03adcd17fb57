"""Posts nobody asked for are written in the server's language, on its clock: announcements,
the ``/announce test`` sample and reminders; a fan's DM reminders in the language they used
for ``/remind me``. The ``ref …`` marker (what a restart looks for) is the same in every
language."""

from __future__ import annotations

from datetime import datetime

from bot.domain.announcements import DeliveryState
from tests.e2e.airing import posts, second_server, settled
from tests.e2e.conftest import FanbotRunner, Fans
from tests.emulator import DiscordEmulator, User


async def test_an_announcement_in_an_indonesian_and_a_korean_server(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User, airs_at: datetime
) -> None:
    await emulator.slash(admin, "/settings", language="id", timezone="WIB")
    reply = await emulator.slash(
        admin, "/announce channel", locale="id", channel=fans.announcements, drama="soon"
    )
    assert reply.content.startswith("Saya akan mengumumkan setiap episode **Soon Drama**")
    _, korean_channel, korean_admin = await second_server(emulator, runner.bot)
    await emulator.slash(korean_admin, "/settings", language="ko", timezone="KST")
    await emulator.slash(
        korean_admin, "/announce channel", channel=korean_channel, drama="soon"
    )  # answered in the admin's English; the posts are the server's Korean

    indonesian = await emulator.wait_for_message(fans.announcements, "Soon Drama", timeout=10)
    korean = await emulator.wait_for_message(korean_channel, "Soon Drama", timeout=10)
    assert await settled(runner.bot.store, 2) == [DeliveryState.SENT] * 2

    assert posts(emulator, fans.announcements) == ["Episode 1 Soon Drama sudah tayang!"]
    description = indonesian.embeds[0]["description"]
    assert "**Episode 1 dari 2** di Netflix" in description
    assert f"Jam tayang: <t:{int(airs_at.timestamp())}:F> (" in description
    assert " WIB)" in description
    assert indonesian.embeds[0]["footer"]["text"].startswith(
        "Soon Drama · Setiap Rabu pukul 14.00 WIB"
    )

    assert posts(emulator, korean_channel) == ["Soon Drama 1회 방송 시작!"]
    description = korean.embeds[0]["description"]
    assert "**2부작 중 1회** · Netflix" in description
    assert "방송 시간: <t:" in description and " KST)" in description
    footer = korean.embeds[0]["footer"]["text"]
    assert footer.startswith("Soon Drama · 매주 수요일 16:00 KST 방송 · ref ")
    # The marker a restart looks for does not depend on the language.
    assert indonesian.embeds[0]["footer"]["text"].split(" · ")[-1].startswith("ref ")


async def test_the_announce_test_sample_is_in_the_servers_language(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans, admin: User
) -> None:
    await emulator.slash(admin, "/settings", language="ko")
    await emulator.slash(admin, "/announce channel", channel=fans.announcements, drama="soon")

    reply = await emulator.slash(admin, "/announce test", locale="id")

    assert reply.content == f"Contoh pengumuman sudah dikirim di <#{fans.announcements.id}>."
    sample = emulator.messages_in(fans.announcements)[-1]
    assert sample.embeds[0]["title"].startswith("테스트: Soon Drama ")
    assert "`/방송알림 테스트`로 올린 예시입니다." in sample.embeds[0]["description"]


async def test_a_dm_reminder_follows_the_language_the_fan_used(
    runner: FanbotRunner, emulator: DiscordEmulator, fans: Fans
) -> None:
    reply = await emulator.slash(fans.alice, "/remind me", locale="ko", drama="soon")
    assert reply.ephemeral and reply.content.startswith("**Soon Drama** 새 회차가 방송될 때마다")
    assert emulator.dm_messages(fans.alice)[0].content.startswith("안녕하세요!")

    await emulator.wait_until(lambda: len(emulator.dm_messages(fans.alice)) == 2, timeout=10)
    reminder = emulator.dm_messages(fans.alice)[1].content
    assert reminder.startswith("**Soon Drama** 2부작 중 1회가 Netflix에서 방송을 시작했습니다!")
    assert "\n-# ref " in reminder
