"""A data file over a followed show, at start: applied by the start that finds the folder
changed, and tried again by every next start until TVmaze lets it be applied."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.sources.supply import DramaSupply
from bot.sources.tvmaze import TvmazeClient
from bot.store import Store
from tests.tvmaze.replay import TvmazeReplay
from tests.tvmaze.shows import ALCHEMY, alchemy
from tests.tvmaze.test_refresh import SHOW_PATH, SetClock, weekly


def overlay(slug: str) -> str:
    """A file over the show that keeps its slug and gives its platform."""
    return (
        f"slug: {slug}\nsource: tvmaze:{ALCHEMY}\nplatform: Netflix\n"
        'schedule: {timezone: Asia/Seoul, time: "21:10", start: 2022-06-18, episodes: 1}\n'
    )


@pytest.fixture
async def replay() -> AsyncIterator[TvmazeReplay]:
    server = await TvmazeReplay().start()
    yield server
    await server.stop()


@dataclass
class Bot:
    """A bot's database, TVmaze client and data folder, kept across its starts."""

    store: Store
    client: TvmazeClient
    folder: Path

    async def start(self) -> DramaSupply:
        version = await self.store.database.schema_version()
        return DramaSupply(
            self.store.dramas, self.store.bot_state, self.client, SetClock(), self.folder, version
        )

    async def apply_at_start(self) -> bool:
        """What ``setup_hook`` does with the folder; whether it was imported (changed)."""
        supply = await self.start()
        folder_import = await supply.import_folder_if_changed()
        if folder_import is None:
            return False
        follower = await supply.follower()
        await supply.settle_folder(folder_import, follower.refresh_one)
        return True


@pytest.fixture
async def bot(replay: TvmazeReplay, tmp_path: Path) -> AsyncIterator[Bot]:
    """The bot, following Alchemy of Souls since before any data file spoke of it."""
    store = await Store.open(tmp_path / "fanbot.sqlite3")
    client = TvmazeClient(replay.url)
    (tmp_path / "dramas").mkdir()
    running = Bot(store, client, tmp_path / "dramas")
    replay.answer(SHOW_PATH, alchemy(weekly(2)), cache=False)
    await (await (await running.start()).follower()).add(ALCHEMY)
    yield running
    await client.close()
    await store.close()


async def followed_slug(bot: Bot) -> str:
    [drama] = await bot.store.dramas.dramas()
    return drama.slug


async def test_an_overlay_tvmaze_could_not_take_is_applied_by_a_later_start(
    replay: TvmazeReplay, bot: Bot
) -> None:
    (bot.folder / "aos.yaml").write_text(overlay(await followed_slug(bot)), encoding="utf-8")

    replay.fail(SHOW_PATH, 503)  # TVmaze is down during the next start
    assert await bot.apply_at_start()
    assert await bot.apply_at_start()  # tried again

    [drama] = await bot.store.dramas.dramas()
    assert drama.platform == "Netflix"  # what the file says
    assert not await bot.apply_at_start()  # now settled


async def test_a_file_giving_a_followed_drama_another_slug_applies_and_keeps_the_slug(
    bot: Bot,
) -> None:
    slug = await followed_slug(bot)
    (bot.folder / "aos.yaml").write_text(overlay("aos"), encoding="utf-8")

    assert await bot.apply_at_start()

    [drama] = await bot.store.dramas.dramas()
    assert (drama.slug, drama.platform) == (slug, "Netflix")
