"""Settings: defaults, .env files, and one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


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
