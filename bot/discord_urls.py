"""The one place that points discord.py at another REST base or gateway.

discord.py has no public option for either URL: REST routes are built from the class
attribute ``discord.http.Route.BASE`` and the gateway from
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (never fetched from ``/gateway/bot``).
Both are process-wide, so :func:`point_discord_at` returns a function that restores them.
"""

from __future__ import annotations

from collections.abc import Callable

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


def point_discord_at(api_base_url: str | None, gateway_url: str | None) -> Callable[[], None]:
    """Aim discord.py's REST and gateway at the given URLs; return the undo."""
    previous_base = Route.BASE
    previous_gateway = DiscordWebSocket.DEFAULT_GATEWAY
    if api_base_url:
        Route.BASE = api_base_url.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def restore() -> None:
        Route.BASE = previous_base
        DiscordWebSocket.DEFAULT_GATEWAY = previous_gateway

    return restore
