"""``python -m bot`` does what ``fanbot`` does."""

from bot.cli import main

raise SystemExit(main())
