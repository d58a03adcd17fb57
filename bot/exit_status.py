"""``fanbot``'s exit status, shared by every command (see ``bot.cli``)."""

EXIT_OK, EXIT_PROBLEMS, EXIT_SETUP = 0, 1, 2
