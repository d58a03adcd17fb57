"""The JSON shapes Discord sends: READY, GUILD_CREATE, INTERACTION_CREATE, stored commands.

Every field a real payload has is present, because discord.py indexes some of them directly
(an INTERACTION_CREATE without ``attachment_size_limit`` kills the client with a KeyError).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .state import Guild, Interaction, Message, iso

if TYPE_CHECKING:
    from .driver import DiscordEmulator


def guild_payload(emu: DiscordEmulator, guild: Guild, full: bool = True) -> dict[str, Any]:
    users = emu.world.users
    data: dict[str, Any] = {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [r.to_dict() for r in guild.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.preferred_locale,
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "max_members": 500000,
    }
    if full:
        bot_member = guild.members[emu.bot.id]
        data.update(
            {
                "joined_at": iso(bot_member.joined.wall),
                "large": False,
                "unavailable": False,
                "member_count": len(guild.members),
                "voice_states": [],
                "threads": [],
                "members": [bot_member.to_dict(users)],
                "presences": [],
                "stage_instances": [],
                "channels": [c.to_dict() for c in guild.channels.values() if not c.deleted],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
                "lazy": True,
            }
        )
    return data


def ready_payloads(
    emu: DiscordEmulator, session_id: str, shard: tuple[int, int] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """READY and the GUILD_CREATEs of the guilds routed to ``shard`` (all without sharding)."""
    guilds = [
        g for g in emu.world.guilds.values() if shard is None or (g.id >> 22) % shard[1] == shard[0]
    ]
    ready = {
        "v": 10,
        "user": emu.bot.to_dict(),
        "session_id": session_id,
        "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
        "resume_gateway_url": emu.gateway_url,
        "session_type": "normal",
        "application": {"id": str(emu.app_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
        "_trace": ["emulator"],
    }
    if shard is not None:
        ready["shard"] = list(shard)
    return ready, [guild_payload(emu, g) for g in guilds]


def stored_command(
    emu: DiscordEmulator, cmd: dict[str, Any], scope: int | None, old: dict[str, Any] | None
) -> dict[str, Any]:
    """A definition as Discord stores it; an unchanged name keeps its id."""
    return {
        "id": old["id"] if old else str(emu.world.ids.next()),
        "application_id": str(emu.app_id),
        "version": str(emu.world.ids.next()),
        "type": cmd.get("type") or 1,
        "name": cmd["name"],
        "description": cmd.get("description") or "",
        "options": cmd.get("options") or [],
        "default_member_permissions": (
            None
            if cmd.get("default_member_permissions") is None
            else str(cmd["default_member_permissions"])
        ),
        "dm_permission": cmd.get("dm_permission", True),
        "nsfw": cmd.get("nsfw", False),
        "contexts": cmd.get("contexts"),
        "integration_types": cmd.get("integration_types") or [0],
        "name_localizations": cmd.get("name_localizations"),
        "description_localizations": cmd.get("description_localizations"),
        **({"guild_id": str(scope)} if scope else {}),
    }


def interaction_payload(
    emu: DiscordEmulator, inter: Interaction, message: Message | None
) -> dict[str, Any]:
    world = emu.world
    channel, user = world.channels[inter.channel_id], world.users[inter.user_id]
    data: dict[str, Any] = {
        "id": str(inter.id),
        "application_id": str(emu.app_id),
        "type": inter.type,
        "data": inter.data,
        "channel_id": str(channel.id),
        "token": inter.token,
        "version": 1,
        "locale": inter.locale,
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if message is not None:
        data["message"] = message.to_dict(emu.world.users, emu.app_id)
    guild = world.guilds.get(inter.guild_id or 0)
    if guild is None:
        data.update(
            {
                "user": user.to_dict(),
                "context": 1,
                "app_permissions": "0",
                "channel": channel.to_dict(world.users),
                "authorizing_integration_owners": {"1": str(user.id)},
            }
        )
        return data
    perms = world.permissions(guild, user.id, channel)
    data.update(
        {
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
            "channel": {**channel.to_dict(), "permissions": str(perms)},
            "member": guild.members[user.id].to_dict(world.users, permissions=perms),
            "app_permissions": str(world.permissions(guild, emu.bot.id, channel)),
            "guild_locale": inter.guild_locale or guild.preferred_locale,
            "context": 0,
            "authorizing_integration_owners": {"0": str(guild.id)},
        }
    )
    return data
