"""The REST endpoints the emulator implements, each answering like Discord (errors included)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .rest import NO_CONTENT, Call, Router
from .rules import (
    DiscordError,
    add_error,
    check_autocomplete_choices,
    check_commands,
    check_message,
    check_modal,
    form_error,
)
from .state import (
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    Interaction,
    Message,
    Stamp,
)

if TYPE_CHECKING:
    from .driver import DiscordEmulator

LOADING = 1 << 7
EPHEMERAL = 1 << 6
UNKNOWN_INTERACTION = DiscordError(404, 10062, "Unknown interaction")
INVALID_RESPONSE_TYPE = "Interaction response type is invalid for this interaction"
#: the callback types Discord accepts per interaction type (PING, APPLICATION_COMMAND,
#: MESSAGE_COMPONENT, APPLICATION_COMMAND_AUTOCOMPLETE, MODAL_SUBMIT)
RESPONSE_TYPES = {1: {1}, 2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
KNOWN_RESPONSE_TYPES = {1, 4, 5, 6, 7, 8, 9, 10, 12}


def _invalid_response_type() -> DiscordError:
    return form_error(
        {
            "type": {
                "_errors": [
                    {"code": "INTERACTION_RESPONSE_TYPE_INVALID", "message": INVALID_RESPONSE_TYPE}
                ]
            }
        }
    )


# --- users, application, guilds, channels ------------------------------------------------------


async def get_me(call: Call) -> Any:
    return call.emu.bot.to_dict()


async def get_gateway_bot(call: Call) -> Any:
    """The gateway URL, the recommended shard count and the session start limits."""
    emu = call.emu
    return {
        "url": emu.gateway_url,
        "shards": emu.recommended_shards,
        "session_start_limit": {
            "total": 1000,
            "remaining": max(0, 1000 - emu.gateway.count("IDENTIFY")),
            "reset_after": 86_400_000,
            "max_concurrency": emu.max_concurrency,
        },
    }


async def get_application(call: Call) -> Any:
    emu = call.emu
    return {
        "id": str(emu.app_id),
        "name": emu.bot.name,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": 0,
        "owner": emu.owner.to_dict(),
        "team": None,
        "bot": emu.bot.to_dict(),
        "approximate_guild_count": len(emu.world.guilds),
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "tags": [],
        "integration_types_config": {},
    }


def channel_or_404(call: Call) -> Channel:
    channel = call.emu.world.channels.get(call.int_param("channel_id"))
    if channel is None or channel.deleted:
        raise DiscordError(404, 10003, "Unknown Channel")
    return channel


async def get_channel(call: Call) -> Any:
    return channel_or_404(call).to_dict(call.emu.world.users)


def guild_or_404(call: Call) -> Any:
    guild = call.emu.world.guilds.get(call.int_param("guild_id"))
    if guild is None:
        raise DiscordError(404, 10004, "Unknown Guild")
    return guild


async def get_guild(call: Call) -> Any:
    return call.emu.guild_payload(guild_or_404(call), full=False)


async def get_guild_channels(call: Call) -> Any:
    return [c.to_dict() for c in guild_or_404(call).channels.values() if not c.deleted]


async def get_guild_roles(call: Call) -> Any:
    return [r.to_dict() for r in guild_or_404(call).roles.values()]


async def get_member(call: Call) -> Any:
    member = guild_or_404(call).members.get(call.int_param("user_id"))
    if member is None:
        raise DiscordError(404, 10007, "Unknown Member")
    return member.to_dict(call.emu.world.users)


async def create_dm(call: Call) -> Any:
    world = call.emu.world
    uid = int((call.body or {}).get("recipient_id", 0))
    if uid not in world.users:
        raise DiscordError(400, 50033, "Invalid Recipients")
    cid = world.dm_channels.get(uid)
    if cid is None:
        cid = world.ids.next()
        world.channels[cid] = Channel(cid, "", type=1, recipient_id=uid)
        world.dm_channels[uid] = cid
    return world.channels[cid].to_dict(world.users)


# --- channel messages ---------------------------------------------------------------------------


def require_view(call: Call, channel: Channel) -> None:
    """A guild channel the bot cannot see answers 50001 before any other permission."""
    if channel.guild_id is None:
        return
    guild = call.emu.world.guilds[channel.guild_id]
    if not call.emu.world.permissions(guild, call.emu.bot.id, channel) & VIEW_CHANNEL:
        raise DiscordError(403, 50001, "Missing Access")


def message_or_404(call: Call, channel: Channel) -> Message:
    require_view(call, channel)
    msg = call.emu.world.messages.get(call.int_param("message_id"))
    if msg is None or msg.deleted or msg.channel_id != channel.id:
        raise DiscordError(404, 10008, "Unknown Message")
    return msg


async def create_message(call: Call) -> Any:
    emu, body = call.emu, call.body or {}
    channel = channel_or_404(call)
    if channel.type == 1:
        if emu.world.users[channel.recipient_id or 0].dms_closed:
            raise DiscordError(403, 50007, "Cannot send messages to this user")
    else:
        require_view(call, channel)
        guild = emu.world.guilds[channel.guild_id or 0]
        if not emu.world.permissions(guild, emu.bot.id, channel) & SEND_MESSAGES:
            raise DiscordError(403, 50013, "Missing Permissions")
    check_message(body, creating=True)
    nonce = body.get("nonce")
    if nonce is not None and body.get("enforce_nonce"):
        earlier = emu.remembered_nonce(emu.bot.id, str(nonce))
        if earlier is not None:
            # Discord returns the earlier message (of the same author, in any channel) instead
            # of creating a duplicate; if that one was deleted since, it does not recreate it.
            if earlier.deleted:
                raise DiscordError(404, 10008, "Unknown Message")
            return emu.message_payload(earlier)
    msg = emu.new_message(channel, body)
    if nonce is not None:
        emu.remember_nonce(msg, str(nonce))
    data = emu.message_payload(msg)
    await emu.dispatch_message_create(msg)
    return data


def _history_query(call: Call) -> tuple[int, str | None, int | None]:
    """``limit`` (1-100, default 50) and at most one of ``before``/``after``/``around``."""
    errors: dict[str, Any] = {}
    raw = call.query.get("limit", "50")
    limit = int(raw) if raw.lstrip("-").isdigit() else None
    if limit is None:
        add_error(errors, ["limit"], "NUMBER_TYPE_COERCE", f'Value "{raw}" is not int.')
    elif limit < 1:
        add_error(
            errors, ["limit"], "NUMBER_TYPE_MIN", "int value should be greater than or equal to 1."
        )
    elif limit > 100:
        add_error(
            errors, ["limit"], "NUMBER_TYPE_MAX", "int value should be less than or equal to 100."
        )
    given = [k for k in ("before", "after", "around") if k in call.query]
    anchor: int | None = None
    for key in given:
        if not call.query[key].isdigit():
            text = f'Value "{call.query[key]}" is not snowflake.'
            add_error(errors, [key], "NUMBER_TYPE_COERCE", text)
        else:
            anchor = int(call.query[key])
    if len(given) > 1:
        add_error(
            errors,
            [given[1]],
            "MESSAGE_HISTORY_ANCHOR_EXCLUSIVE",
            "before, after and around are mutually exclusive",
        )
    if errors:
        raise form_error(errors)
    return limit or 50, given[0] if given else None, anchor


async def list_messages(call: Call) -> Any:
    """Newest first, like Discord, whichever of ``before``/``after``/``around`` is given; a bot
    without READ_MESSAGE_HISTORY gets no messages (but 50001 if it cannot view the channel)."""
    emu, channel = call.emu, channel_or_404(call)
    require_view(call, channel)
    limit, mode, anchor = _history_query(call)
    if channel.guild_id is not None:
        guild = emu.world.guilds[channel.guild_id]
        if not emu.world.permissions(guild, emu.bot.id, channel) & READ_MESSAGE_HISTORY:
            return []
    msgs = sorted(
        (
            m
            for m in emu.world.messages.values()
            if m.channel_id == channel.id and not m.deleted and not m.ephemeral
        ),
        key=lambda m: m.id,
    )  # oldest first
    if mode == "before":
        picked = [m for m in msgs if m.id < (anchor or 0)][-limit:]
    elif mode == "after":
        picked = [m for m in msgs if m.id > (anchor or 0)][:limit]
    elif mode == "around":
        newer = [m for m in msgs if m.id >= (anchor or 0)][: limit - limit // 2]
        wanted = limit - len(newer)  # the rest are the messages just before
        older = [m for m in msgs if m.id < (anchor or 0)][-wanted:] if wanted else []
        picked = older + newer
    else:
        picked = msgs[-limit:]
    return [emu.message_payload(m) for m in reversed(picked)]


async def get_message(call: Call) -> Any:
    return call.emu.message_payload(message_or_404(call, channel_or_404(call)))


async def edit_message(call: Call) -> Any:
    msg = message_or_404(call, channel_or_404(call))
    if msg.author_id != call.emu.bot.id:
        raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
    return call.emu.edit(msg, call.body or {})


async def delete_message(call: Call) -> Any:
    msg = message_or_404(call, channel_or_404(call))
    msg.deleted = True
    call.emu.notify()
    return NO_CONTENT


async def typing(call: Call) -> Any:
    channel_or_404(call)
    return NO_CONTENT


# --- application commands -----------------------------------------------------------------------


def _scope(call: Call) -> int | None:
    if int(call.params["application_id"]) != call.emu.app_id:
        raise DiscordError(403, 50001, "Missing Access")
    return guild_or_404(call).id if "guild_id" in call.params else None


async def put_commands(call: Call) -> Any:
    scope, body = _scope(call), call.body
    if not isinstance(body, list):
        raise form_error({"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array"}]})
    check_commands(body, is_global=scope is None)
    world = call.emu.world
    old = world.commands.get(scope, {})
    new: dict[str, dict[str, Any]] = {}
    for cmd in body:
        key = f"{cmd.get('type') or 1}:{cmd['name']}"
        new[key] = call.emu.stored_command(cmd, scope, old.get(key))
    world.commands[scope] = new
    world.command_puts.append((Stamp(), scope, len(body)))
    call.emu.notify()
    return list(new.values())


async def get_commands(call: Call) -> Any:
    return list(call.emu.world.commands.get(_scope(call), {}).values())


async def post_command(call: Call) -> Any:
    scope, cmd = _scope(call), call.body or {}
    check_commands([cmd], is_global=scope is None, bulk=False)
    cmds = call.emu.world.commands.setdefault(scope, {})
    key = f"{cmd.get('type') or 1}:{cmd['name']}"
    ctype = cmd.get("type") or 1
    same_type = [k for k, c in cmds.items() if (c.get("type") or 1) == ctype and k != key]
    if len(same_type) >= (100 if ctype == 1 else 15):
        raise DiscordError(400, 30032, "Maximum number of application commands reached")
    cmds[key] = call.emu.stored_command(cmd, scope, cmds.get(key))
    return cmds[key]


# --- interactions -------------------------------------------------------------------------------


def _interaction(call: Call) -> Interaction:
    world = call.emu.world
    inter = world.interactions.get(call.int_param("interaction_id"))
    if inter is None or inter.token != call.params["interaction_token"]:
        raise UNKNOWN_INTERACTION
    return inter


async def interaction_callback(call: Call) -> Any:
    """The initial response: once, within the deadline, else 40060 / 10062 like Discord."""
    emu, inter, body = call.emu, _interaction(call), call.body or {}
    if inter.response_type is not None:
        raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
    if inter.failed == "deadline" or time.monotonic() > inter.deadline:
        emu.expire(inter)
        raise UNKNOWN_INTERACTION
    rtype, data = int(body.get("type", 0)), body.get("data") or {}
    try:
        message = _apply_callback(emu, inter, rtype, data)
    except DiscordError as err:
        if err.code == 50035 and err.errors and "type" not in err.errors:
            raise form_error({"data": err.errors}) from None
        raise
    inter.response_type, inter.responded, inter.response_body = rtype, call.received, body
    emu.world.responses.append((inter.responded, inter.id, rtype, body))
    inter.touch()
    emu.notify()
    resource: dict[str, Any] = {"type": rtype}
    if message is not None:
        resource["message"] = emu.message_payload(message)
    return {
        "interaction": {
            "id": str(inter.id),
            "type": inter.type,
            "activity_instance_id": None,
            "response_message_id": str(message.id) if message else None,
            "response_message_loading": rtype == 5,
            "response_message_ephemeral": bool(message and message.ephemeral),
        },
        "resource": resource,
    }


def _apply_callback(
    emu: DiscordEmulator, inter: Interaction, rtype: int, data: dict[str, Any]
) -> Message | None:
    channel = emu.world.channels[inter.channel_id]
    if rtype in KNOWN_RESPONSE_TYPES and rtype not in RESPONSE_TYPES.get(inter.type, set()):
        raise _invalid_response_type()
    if rtype == 1:
        return None
    if rtype in (4, 5):
        if rtype == 4:
            check_message(data, creating=True)
        flags = int(data.get("flags") or 0) & EPHEMERAL
        body: dict[str, Any] = data if rtype == 4 else {"content": "", "flags": LOADING}
        msg: Message = emu.new_message(
            channel, {**body, "flags": int(body.get("flags") or 0) | flags}, interaction=inter
        )
        inter.original_id = msg.id
        return msg
    if rtype in (6, 7):
        if inter.source_message_id is None:  # a modal opened by a slash command
            raise _invalid_response_type()
        msg = emu.world.messages[inter.source_message_id]
        if msg.deleted:  # a stale client clicked a button of a message deleted since
            raise DiscordError(404, 10008, "Unknown Message")
        inter.original_id = msg.id
        if rtype == 7:
            check_message(data, creating=False)
            emu.edit(msg, data)
        return msg if rtype == 7 else None
    if rtype == 8:
        check_autocomplete_choices(data)
        return None
    if rtype == 9:
        check_modal(data)
        return None
    raise form_error(
        {
            "type": {
                "_errors": [
                    {"code": "BASE_TYPE_CHOICES", "message": f"Value must be one of ... ({rtype})"}
                ]
            }
        }
    )


def _webhook_interaction(call: Call) -> Interaction:
    emu = call.emu
    inter = emu.by_token.get(call.params["webhook_token"])
    if inter is None or int(call.params["webhook_id"]) != emu.app_id:
        raise DiscordError(404, 10015, "Unknown Webhook")
    if time.monotonic() - inter.created.mono > emu.followup_window:
        raise DiscordError(401, 50027, "Invalid Webhook Token")
    if inter.response_type is None:
        raise DiscordError(404, 10015, "Unknown Webhook")
    return inter


def _webhook_message(call: Call, inter: Interaction) -> Message:
    """@original, or a message sent under this same interaction token (Discord answers 10008
    for any other message, even another interaction's reply in the same channel)."""
    mid = call.params.get("message_id", "@original")
    msg_id = inter.original_id if mid == "@original" else int(mid) if mid.isdigit() else None
    msg = call.emu.world.messages.get(msg_id or 0)
    if msg is None or msg.deleted:
        raise DiscordError(404, 10008, "Unknown Message")
    if msg.id != inter.original_id and msg.interaction_id != inter.id:
        raise DiscordError(404, 10008, "Unknown Message")
    return msg


async def followup(call: Call) -> Any:
    emu, inter, body = call.emu, _webhook_interaction(call), call.body or {}
    check_message(body, creating=True)
    original = emu.world.messages.get(inter.original_id or 0)
    if original is not None and original.flags & LOADING and not inter.followup_ids:
        msg = original  # like Discord: the first followup after a defer fills the "thinking"
        emu.edit(msg, {k: v for k, v in body.items() if k != "flags"})
    else:
        msg = emu.new_message(emu.world.channels[inter.channel_id], body, interaction=inter)
    inter.followup_ids.append(msg.id)
    inter.touch()
    wait = call.query.get("wait", "false").lower() in ("true", "1")
    return emu.message_payload(msg) if wait else NO_CONTENT


async def webhook_get(call: Call) -> Any:
    inter = _webhook_interaction(call)
    return call.emu.message_payload(_webhook_message(call, inter))


async def webhook_edit(call: Call) -> Any:
    inter = _webhook_interaction(call)
    msg = _webhook_message(call, inter)
    data = call.emu.edit(msg, call.body or {})
    inter.touch()
    return data


async def webhook_delete(call: Call) -> Any:
    inter = _webhook_interaction(call)
    _webhook_message(call, inter).deleted = True
    inter.touch()
    return NO_CONTENT


def build_router() -> Router:
    r = Router()
    app_cmds, guild_cmds = (
        "/applications/{application_id}/commands",
        "/applications/{application_id}/guilds/{guild_id}/commands",
    )
    wh = "/webhooks/{webhook_id}/{webhook_token}"
    for method, template, handler in [
        ("GET", "/users/@me", get_me),
        ("GET", "/gateway/bot", get_gateway_bot),
        ("GET", "/oauth2/applications/@me", get_application),
        ("GET", "/applications/@me", get_application),
        ("POST", "/users/@me/channels", create_dm),
        ("GET", "/guilds/{guild_id}", get_guild),
        ("GET", "/guilds/{guild_id}/channels", get_guild_channels),
        ("GET", "/guilds/{guild_id}/roles", get_guild_roles),
        ("GET", "/guilds/{guild_id}/members/{user_id}", get_member),
        ("GET", "/channels/{channel_id}", get_channel),
        ("POST", "/channels/{channel_id}/typing", typing),
        ("POST", "/channels/{channel_id}/messages", create_message),
        ("GET", "/channels/{channel_id}/messages", list_messages),
        ("GET", "/channels/{channel_id}/messages/{message_id}", get_message),
        ("PATCH", "/channels/{channel_id}/messages/{message_id}", edit_message),
        ("DELETE", "/channels/{channel_id}/messages/{message_id}", delete_message),
        ("PUT", app_cmds, put_commands),
        ("GET", app_cmds, get_commands),
        ("POST", app_cmds, post_command),
        ("PUT", guild_cmds, put_commands),
        ("GET", guild_cmds, get_commands),
        ("POST", guild_cmds, post_command),
        (
            "POST",
            "/interactions/{interaction_id}/{interaction_token}/callback",
            interaction_callback,
        ),
        ("POST", wh, followup),
        ("GET", wh + "/messages/@original", webhook_get),
        ("PATCH", wh + "/messages/@original", webhook_edit),
        ("DELETE", wh + "/messages/@original", webhook_delete),
        ("GET", wh + "/messages/{message_id}", webhook_get),
        ("PATCH", wh + "/messages/{message_id}", webhook_edit),
        ("DELETE", wh + "/messages/{message_id}", webhook_delete),
    ]:
        r.add(method, template, handler)
    return r
