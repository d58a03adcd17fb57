"""What a user does (slash command, autocomplete, button click) and what they see back.

Slash data is built from the command tree the bot synced, the way the Discord client would:
the command id, the subcommand group/subcommand from the path, option types and resolved
users/channels/roles. A :class:`Reply` follows deferrals to the message the user ends up seeing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .state import Channel, Interaction, Message, Role, User

if TYPE_CHECKING:
    from .driver import DiscordEmulator

LOADING = 1 << 7


class CommandNotFound(LookupError):
    """The path names no synced command (did the bot sync its tree?)."""


def find_command(emu: DiscordEmulator, path: str, guild_id: int | None) -> dict[str, Any]:
    name = path.lstrip("/").split()[0]
    for scope in (guild_id, None):
        cmd = emu.world.commands.get(scope, {}).get(f"1:{name}")
        if cmd is not None:
            return cmd
    raise CommandNotFound(f"no synced chat-input command {name!r}")


def build_command_data(
    emu: DiscordEmulator,
    path: str,
    guild_id: int | None,
    values: dict[str, Any],
    focused: str | None = None,
    client_checks: bool = True,
) -> dict[str, Any]:
    """The ``data`` of an APPLICATION_COMMAND (or autocomplete) interaction."""
    cmd = find_command(emu, path, guild_id)
    parts = path.lstrip("/").split()
    data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1}
    if cmd.get("guild_id"):
        data["guild_id"] = cmd["guild_id"]
    container, defs = data, cmd.get("options") or []
    for part in parts[1:]:
        sub = next((o for o in defs if o["name"] == part and o["type"] in (1, 2)), None)
        if sub is None:
            raise CommandNotFound(f"{path!r}: no subcommand {part!r}")
        node: dict[str, Any] = {"name": part, "type": sub["type"], "options": []}
        container.setdefault("options", []).append(node)
        container, defs = node, sub.get("options") or []
    if any(o["type"] in (1, 2) for o in defs):
        raise CommandNotFound(f"{path!r} needs a subcommand")
    resolved: dict[str, dict[str, Any]] = {}
    options = container.setdefault("options", [])
    for name, value in values.items():
        spec = next((o for o in defs if o["name"] == name), None)
        if spec is None:
            raise ValueError(f"{path!r} has no option {name!r}")
        option = {
            "name": name,
            "type": spec["type"],
            "value": _option_value(
                emu, spec, value, resolved, guild_id, client_checks and name != focused
            ),
        }
        if name == focused:
            option["focused"] = True
            option["value"] = str(value)
        options.append(option)
    missing = [o["name"] for o in defs if o.get("required") and o["name"] not in values]
    if missing and focused is None:
        raise ValueError(f"{path!r} misses required options {missing}")
    if resolved:
        data["resolved"] = resolved
    return data


def _option_value(
    emu: DiscordEmulator,
    spec: dict[str, Any],
    value: Any,
    resolved: dict[str, dict[str, Any]],
    guild_id: int | None,
    client_checks: bool = True,
) -> Any:
    otype = spec["type"]
    if otype == 3:
        value = str(value)
    elif otype == 4:
        value = int(value)
    elif otype == 10:
        value = float(value)
    elif otype == 5:
        value = bool(value)
    elif otype in (6, 7, 8, 9):
        obj = value
        if isinstance(obj, User):
            resolved.setdefault("users", {})[str(obj.id)] = obj.to_dict()
            guild = emu.world.guilds.get(guild_id or 0)
            if guild and obj.id in guild.members:
                member = guild.members[obj.id].to_dict(emu.world.users)
                member.pop("user")
                member["permissions"] = str(emu.world.permissions(guild, obj.id))
                resolved.setdefault("members", {})[str(obj.id)] = member
        elif isinstance(obj, Channel):
            resolved.setdefault("channels", {})[str(obj.id)] = {
                "id": str(obj.id),
                "name": obj.name,
                "type": obj.type,
                "permissions": str((1 << 51) - 1),
                "guild_id": str(obj.guild_id),
            }
        elif isinstance(obj, Role):
            resolved.setdefault("roles", {})[str(obj.id)] = obj.to_dict()
        value = str(getattr(obj, "id", obj))
    choices = spec.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise ValueError(f"{value!r} is not a choice of {spec['name']!r}")
    if client_checks:
        check_option_bounds(spec, value)
    return value


def check_option_bounds(spec: dict[str, Any], value: Any) -> None:
    """What the Discord client itself refuses to send: out of min/max value or length."""
    name = spec["name"]
    if spec["type"] in (4, 10):
        low, high = spec.get("min_value"), spec.get("max_value")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(f"the Discord client refuses {name}={value!r} ({low}..{high})")
    if spec["type"] == 3:
        low, high = spec.get("min_length"), spec.get("max_length")
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            raise ValueError(f"the Discord client refuses {name} of length {len(value)}")


def find_button(message: Message, label: str | None, custom_id: str | None) -> dict[str, Any]:
    """A button (or any component with that custom_id) of a message, searched recursively."""
    stack = list(message.components)
    while stack:
        comp = stack.pop(0)
        if comp.get("type") == 2 and (
            (comp.get("label") == label and label is not None)
            or (custom_id is not None and comp.get("custom_id") == custom_id)
        ):
            return comp
        if custom_id is not None and comp.get("custom_id") == custom_id:
            return comp
        stack.extend(comp.get("components") or [])
        if comp.get("accessory"):
            stack.append(comp["accessory"])
    raise LookupError(f"no button {label or custom_id!r} on message {message.id}")


def check_clickable(
    emu: DiscordEmulator, message: Message, button: dict[str, Any], user: User
) -> None:
    """What an up-to-date client lets ``user`` click; raise :class:`LookupError` otherwise."""
    what = f"button {button.get('label') or button.get('custom_id')!r} on message {message.id}"
    if message.deleted:
        raise LookupError(f"{what}: the message was deleted (pass stale=True for an old client)")
    if message.ephemeral:
        inter = emu.world.interactions.get(message.interaction_id or 0)
        if inter is None or inter.user_id != user.id:
            raise LookupError(f"{what}: the message is ephemeral, {user.name} cannot see it")
    if button.get("disabled"):
        raise LookupError(f"{what} is disabled (pass stale=True for a client not refreshed yet)")


def modal_submit_data(modal: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """MODAL_SUBMIT data mirroring the modal's layout (rows or labels); inputs are matched
    by custom_id or by label."""

    def fill(node: dict[str, Any], label: str | None) -> dict[str, Any]:
        if node.get("type") == 4:
            key = node["custom_id"] if node["custom_id"] in values else (node.get("label") or label)
            return {
                "type": 4,
                "id": node.get("id", 0),
                "custom_id": node["custom_id"],
                "value": values.get(str(key), node.get("value") or ""),
            }
        out: dict[str, Any] = {"type": node.get("type"), "id": node.get("id", 0)}
        if "components" in node:
            out["components"] = [fill(c, label) for c in node["components"]]
        if "component" in node:
            out["component"] = fill(node["component"], node.get("label"))
        return out

    return {
        "custom_id": modal["custom_id"],
        "components": [fill(c, None) for c in modal.get("components") or []],
    }


@dataclass
class Reply:
    """What the user sees after an interaction, following deferrals; also how it failed."""

    emu: DiscordEmulator
    interaction: Interaction

    @property
    def response_type(self) -> int | None:
        return self.interaction.response_type

    @property
    def failed(self) -> str | None:
        """``"deadline"`` ("This interaction failed"), ``"rejected: <code> <message>"``, None."""
        inter = self.interaction
        if inter.response_type is None and inter.rejections:
            err = inter.rejections[-1]
            return f"rejected: {err.code} {err.message}"
        return inter.failed

    @property
    def message(self) -> Message | None:
        inter = self.interaction
        mid = inter.original_id or (inter.followup_ids[0] if inter.followup_ids else None)
        return self.emu.world.messages.get(mid) if mid else None

    @property
    def followups(self) -> list[Message]:
        return [self.emu.world.messages[m] for m in self.interaction.followup_ids]

    @property
    def content(self) -> str | None:
        return self.message.content if self.message else None

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components if self.message else []

    @property
    def ephemeral(self) -> bool:
        return bool(self.message and self.message.ephemeral)

    @property
    def choices(self) -> list[dict[str, Any]]:
        body = self.interaction.response_body or {}
        return list((body.get("data") or {}).get("choices") or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        body = self.interaction.response_body or {}
        return body.get("data") if body.get("type") == 9 else None

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the initial response."""
        inter = self.interaction
        return inter.responded.mono - inter.created.mono if inter.responded else None

    def settled(self) -> bool:
        """Whether the user sees a final state (not "thinking..." any more)."""
        inter = self.interaction
        if self.failed is not None:
            return True
        rtype = inter.response_type
        if rtype is None:
            return False
        if rtype in (5, 6):
            if inter.followup_ids:
                return True
            msg = self.emu.world.messages.get(inter.original_id or 0)
            if msg is None or msg.deleted:
                return True
            if rtype == 5:
                return not msg.flags & LOADING
            return bool(msg.edited and inter.responded and msg.edited.mono >= inter.responded.mono)
        return True

    async def wait(self, timeout: float, update_grace: float = 0.5) -> Reply:
        """Wait until settled; a deferred update (6) that never edits settles after a grace."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            changed = self.interaction.changed
            if self.settled():
                return self
            remaining = end - loop.time()
            if self.response_type == 6:
                grace_end = (
                    self.interaction.responded.mono if self.interaction.responded else 0
                ) + update_grace
                remaining = min(remaining, grace_end - time.monotonic())
                if remaining <= 0:
                    return self
            if remaining <= 0:
                raise TimeoutError(
                    f"interaction {self.interaction.data.get('name')!r} not "
                    f"settled within {timeout}s (response type "
                    f"{self.response_type})"
                )
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                continue
