"""Settings from the environment or a ``.env`` file, checked once at start.

Every problem names the variable, so an operator can fix it from one line of output.
The token is kept out of ``repr`` so it can never reach a log.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

DEFAULT_DATABASE = "var/fanbot.sqlite3"
DEFAULT_DATA_DIR = "data/dramas"
DEFAULT_CATCHUP_MINUTES = 30
MAX_CATCHUP_MINUTES = 24 * 60
DEFAULT_LOCK_LEASE_SECONDS = 30
LOCK_LEASE_BOUNDS = (3, 3600)
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: "²" and "٣" are digits to str.isdigit()
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
DEFAULT_TVMAZE_URL = "https://api.tvmaze.com"
DEFAULT_ADDS_PER_DAY = 5
ADDS_PER_DAY_BOUNDS = (0, 1000)
DEFAULT_REFRESH_HOURS = 6
REFRESH_HOURS_BOUNDS = (1, 168)
SHARD_BOUNDS = (1, 4096)
PORT_BOUNDS = (0, 65535)  # 0: any free port
DEFAULT_METRICS_HOST = "127.0.0.1"


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: str | None = field(repr=False)
    database_path: Path
    data_dir: Path
    dev_guild_id: int | None
    log_level: str
    api_base_url: str | None
    gateway_url: str | None
    catchup_minutes: int
    message_content_intent: bool
    # How long a silent bot keeps the database's instance lock before another may take it.
    lock_lease: timedelta = timedelta(seconds=DEFAULT_LOCK_LEASE_SECONDS)
    # TVmaze: where it is, whether admins may add dramas from Discord, how many a server may
    # add a day, and how often followed dramas are refreshed.
    tvmaze_url: str = DEFAULT_TVMAZE_URL
    discord_adds: bool = True
    adds_per_day: int = DEFAULT_ADDS_PER_DAY
    refresh_every: timedelta = timedelta(hours=DEFAULT_REFRESH_HOURS)
    # Gateway shards run by this process; None: as many as Discord recommends.
    shards: int | None = None
    # Where Prometheus scrapes the bot's metrics; None: they are logged once a minute instead.
    metrics_port: int | None = None
    metrics_host: str = DEFAULT_METRICS_HOST

    def require_token(self) -> str:
        """The token, or a ConfigError for commands that log in."""
        if not self.token:
            raise ConfigError("DISCORD_TOKEN", "is required to run the bot (see .env.example)")
        return self.token


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a ``.env`` file: ``KEY=value`` lines, ``#`` comments, optional quotes."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "=" not in stripped:
            continue
        key, _, value = stripped.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def _optional_int(env: Mapping[str, str], variable: str) -> int | None:
    raw = env.get(variable, "").strip()
    if not raw:
        return None
    if not _DIGITS.fullmatch(raw):
        raise ConfigError(variable, f"must be a numeric Discord id, got {raw!r}")
    return int(raw)


def _bounded_int(
    env: Mapping[str, str], variable: str, default: int, bounds: tuple[int, int], unit: str
) -> int:
    """A whole number of ``unit`` within ``bounds`` (inclusive), or ``default`` when unset."""
    raw = env.get(variable, "").strip()
    if not raw:
        return default
    if not _DIGITS.fullmatch(raw):
        raise ConfigError(variable, f"must be a whole number of {unit}, got {raw!r}")
    value = int(raw)
    low, high = bounds
    if not low <= value <= high:
        raise ConfigError(variable, f"must be between {low} and {high} {unit}, got {value}")
    return value


def _url(env: Mapping[str, str], variable: str, default: str) -> str:
    raw = env.get(variable, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", raw):
        raise ConfigError(variable, f"must be an http(s) URL, got {raw!r}")
    return raw.rstrip("/")


def _optional_bounded(
    env: Mapping[str, str], variable: str, bounds: tuple[int, int], what: str
) -> int | None:
    if not env.get(variable, "").strip():
        return None
    return _bounded_int(env, variable, 0, bounds, what)


def _flag(env: Mapping[str, str], variable: str, default: bool = False) -> bool:
    raw = env.get(variable, "").strip().lower()
    if not raw:
        return default
    if raw in ("0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(variable, f"must be true or false, got {raw!r}")


def load_settings(environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
    """Build Settings from ``environ`` (default: os.environ) over a ``.env`` file.

    Real environment variables win over the file, as with docker and systemd.
    """
    env: dict[str, str] = read_dotenv(dotenv if dotenv is not None else Path(".env"))
    env.update(os.environ if environ is None else environ)
    log_level = env.get("FANBOT_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in LOG_LEVELS:
        raise ConfigError(
            "FANBOT_LOG_LEVEL", f"unknown level {log_level!r}; use one of {', '.join(LOG_LEVELS)}"
        )
    return Settings(
        token=env.get("DISCORD_TOKEN", "").strip() or None,
        database_path=Path(env.get("FANBOT_DATABASE", "").strip() or DEFAULT_DATABASE),
        data_dir=Path(env.get("FANBOT_DATA_DIR", "").strip() or DEFAULT_DATA_DIR),
        dev_guild_id=_optional_int(env, "FANBOT_DEV_GUILD"),
        log_level=log_level,
        api_base_url=env.get("DISCORD_API_BASE_URL", "").strip() or None,
        gateway_url=env.get("DISCORD_GATEWAY_URL", "").strip() or None,
        catchup_minutes=_bounded_int(
            env,
            "FANBOT_CATCHUP_MINUTES",
            DEFAULT_CATCHUP_MINUTES,
            (0, MAX_CATCHUP_MINUTES),
            "minutes",
        ),
        message_content_intent=_flag(env, "FANBOT_MESSAGE_CONTENT"),
        lock_lease=timedelta(
            seconds=_bounded_int(
                env,
                "FANBOT_LOCK_LEASE_SECONDS",
                DEFAULT_LOCK_LEASE_SECONDS,
                LOCK_LEASE_BOUNDS,
                "seconds",
            )
        ),
        tvmaze_url=_url(env, "FANBOT_TVMAZE_URL", DEFAULT_TVMAZE_URL),
        discord_adds=_flag(env, "FANBOT_DISCORD_ADDS", default=True),
        adds_per_day=_bounded_int(
            env, "FANBOT_ADDS_PER_DAY", DEFAULT_ADDS_PER_DAY, ADDS_PER_DAY_BOUNDS, "dramas"
        ),
        refresh_every=timedelta(
            hours=_bounded_int(
                env, "FANBOT_REFRESH_HOURS", DEFAULT_REFRESH_HOURS, REFRESH_HOURS_BOUNDS, "hours"
            )
        ),
        shards=_optional_bounded(env, "FANBOT_SHARDS", SHARD_BOUNDS, "shards"),
        metrics_port=_optional_bounded(
            env, "FANBOT_METRICS_PORT", PORT_BOUNDS, "(a TCP port number)"
        ),
        metrics_host=env.get("FANBOT_METRICS_HOST", "").strip() or DEFAULT_METRICS_HOST,
    )


def configure_logging(level: str) -> None:
    """One handler on the root logger so discord.py's records are not swallowed."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    for name in ("discord.client", "discord.shard"):  # one client, or shards in one process
        discord_log = logging.getLogger(name)
        if not any(isinstance(f, QuietDiscordClient) for f in discord_log.filters):
            discord_log.addFilter(QuietDiscordClient())


CLIENT_RECONNECT = "Attempting a reconnect in %.2fs"
SHARD_RECONNECT = "Attempting a reconnect for shard ID %s in %.2fs"
RECONNECT_MESSAGES = (CLIENT_RECONNECT, SHARD_RECONNECT)


class QuietDiscordClient(logging.Filter):
    """Operator-facing discord.client records: no voice warnings (the bot has no voice),
    and each gateway reconnect in one line instead of a full traceback (a network outage
    would otherwise be dozens of lines a minute)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.endswith("voice will NOT be supported"):
            return False
        if record.msg in RECONNECT_MESSAGES and record.exc_info:
            error = record.exc_info[1]
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            args = record.args if isinstance(record.args, tuple) else ()
            if record.msg == SHARD_RECONNECT:
                record.msg = "gateway connection of shard %s failed (%s); reconnecting in %.0f s"
                record.args = (*args[:1], reason, *args[1:])
            else:
                record.msg = "gateway connection failed (%s); reconnecting in %.0f s"
                record.args = (reason, *args)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True
