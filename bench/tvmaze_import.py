"""Import time of a TVmaze show (mapping + validation + one SQLite transaction), 16 and 200
episodes, into a fresh database and again unchanged. ``python -m bench.tvmaze_import``"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.sources.tvmaze_show import map_show
from bot.store import Store
from tests.tvmaze.shows import alchemy


async def measure(episodes: int, rounds: int = 5) -> tuple[float, float]:
    first = datetime(2030, 1, 5, 12, 15, tzinfo=UTC)
    answer = alchemy([first + timedelta(days=3 * n) for n in range(episodes)])
    fresh, again = [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as folder:
            store = await Store.open(Path(folder) / "bench.sqlite3")
            try:
                for timings in (fresh, again):
                    started = time.perf_counter()
                    drama_file = map_show(answer).document.to_drama_file()
                    await store.dramas.import_file(drama_file, refreshed_at=datetime.now(UTC))
                    timings.append((time.perf_counter() - started) * 1000)
            finally:
                await store.close()
    return statistics.median(fresh), statistics.median(again)


async def main() -> None:
    for count in (16, 200):
        fresh, again = await measure(count)
        print(f"{count:>4} episodes: first import {fresh:.1f} ms, unchanged again {again:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
