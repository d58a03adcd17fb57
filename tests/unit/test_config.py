"""Settings: defaults, .env files, and one clear line per mistake."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, QuietDiscordClient, load_settings


def test_defaults_need_nothing_but_the_token_to_run(tmp_path: Path) -> None:
    settings = load_settings({}, dotenv=tmp_path / "missing.env")
    assert settings.database_path == Path("var/fanbot.sqlite3")
    assert settings.data_dir == Path("data/dramas")
    assert settings.dev_guild_id is None and settings.log_level == "INFO"
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        settings.require_token()


def test_a_dotenv_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\nDISCORD_TOKEN='from-file'\nFANBOT_LOG_LEVEL=debug\nexport FANBOT_DEV_GUILD=7\n"
    )
    settings = load_settings({"FANBOT_LOG_LEVEL": "warning"}, dotenv=dotenv)
    assert settings.require_token() == "from-file"
    assert settings.log_level == "WARNING"
    assert settings.dev_guild_id == 7


def test_the_token_never_appears_in_repr(tmp_path: Path) -> None:
    settings = load_settings({"DISCORD_TOKEN": "s3cr3t-token"}, dotenv=tmp_path / "none")
    assert "s3cr3t" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FANBOT_DEV_GUILD", "my-server", "numeric Discord id"),
        ("FANBOT_LOG_LEVEL", "LOUD", "unknown level 'LOUD'"),
        ("FANBOT_CATCHUP_MINUTES", "soon", "whole number"),
    ],
)
def test_a_bad_value_names_its_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value}, dotenv=tmp_path / "none")
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FANBOT_CATCHUP_MINUTES", "²", "whole number of minutes, got '²'"),
        ("FANBOT_CATCHUP_MINUTES", "٣", "whole number of minutes"),
        ("FANBOT_CATCHUP_MINUTES", "-5", "whole number of minutes"),
        ("FANBOT_CATCHUP_MINUTES", "1441", "between 0 and 1440 minutes, got 1441"),
        ("FANBOT_DEV_GUILD", "²", "numeric Discord id"),
        ("FANBOT_LOCK_LEASE_SECONDS", "1", "between 3 and 3600 seconds, got 1"),
        ("FANBOT_LOCK_LEASE_SECONDS", "soon", "whole number of seconds"),
    ],
)
def test_numbers_must_be_ascii_digits_within_their_bounds(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value}, dotenv=tmp_path / "none")
    assert caught.value.variable == variable
    assert message in str(caught.value)


def test_bounds_are_inclusive_and_the_lock_lease_defaults_to_30_seconds(tmp_path: Path) -> None:
    none = tmp_path / "none"
    assert load_settings({"FANBOT_CATCHUP_MINUTES": "0"}, dotenv=none).catchup_minutes == 0
    assert load_settings({"FANBOT_CATCHUP_MINUTES": "1440"}, dotenv=none).catchup_minutes == 1440
    assert load_settings({}, dotenv=none).lock_lease == timedelta(seconds=30)
    lease = load_settings({"FANBOT_LOCK_LEASE_SECONDS": "3"}, dotenv=none).lock_lease
    assert lease == timedelta(seconds=3)


def test_a_shards_reconnect_is_logged_in_one_line_too() -> None:
    try:
        raise ConnectionRefusedError("Connect call failed")
    except ConnectionRefusedError:
        reconnect = logging.LogRecord(
            "discord.shard",
            logging.ERROR,
            "shard.py",
            166,
            "Attempting a reconnect for shard ID %s in %.2fs",
            (3, 3.92),
            sys.exc_info(),
        )
    assert QuietDiscordClient().filter(reconnect)
    assert reconnect.getMessage() == (
        "gateway connection of shard 3 failed (ConnectionRefusedError: Connect call failed);"
        " reconnecting in 4 s"
    )
    assert reconnect.exc_info is None


def test_a_gateway_reconnect_is_logged_in_one_line_and_voice_warnings_are_dropped() -> None:
    quiet = QuietDiscordClient()
    try:
        raise ConnectionResetError("Connection lost")
    except ConnectionResetError:
        reconnect = logging.LogRecord(
            "discord.client",
            logging.ERROR,
            "client.py",
            781,
            "Attempting a reconnect in %.2fs",
            (8.04,),
            sys.exc_info(),
        )
    assert quiet.filter(reconnect)
    assert reconnect.getMessage() == (
        "gateway connection failed (ConnectionResetError: Connection lost); reconnecting in 8 s"
    )
    assert reconnect.exc_info is None and reconnect.levelname == "WARNING"
    voice = logging.LogRecord(
        "discord.client",
        logging.WARNING,
        "client.py",
        1,
        "PyNaCl is not installed, voice will NOT be supported",
        (),
        None,
    )
    assert not quiet.filter(voice)
