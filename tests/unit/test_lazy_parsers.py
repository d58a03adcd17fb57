"""``fanbot run`` does not load the data files' parsers until it has something to parse.

YAML, pydantic and the TVmaze mapping cost about 10 MB resident: a bot restarted with its
data folder unchanged and no followed show never needs them (``bot.sources.supply``).
"""

from __future__ import annotations

import subprocess
import sys

from bot.client import COG_EXTENSIONS

PARSERS = ("pydantic", "yaml", "bot.data.model", "bot.data.loader", "bot.sources.following")


def test_the_bot_and_its_cogs_import_without_the_parsers() -> None:
    modules = ", ".join(repr(m) for m in ("bot.cli", "bot.client", *COG_EXTENSIONS))
    probe = (
        "import importlib, sys\n"
        f"for name in ({modules},):\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in {PARSERS!r} if m in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == "[]"
