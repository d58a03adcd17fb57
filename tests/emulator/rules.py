"""Discord's rules for request bodies: the OpenAPI schema plus the limits the spec leaves out.

Every check returns Discord's own error shape so the bot sees exactly what Discord would send:
``{"code": 50035, "message": "Invalid Form Body", "errors": {"content": {"_errors": [...]}}}``.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from jsonschema import Draft202012Validator
from jsonschema import _keywords as kw
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).with_name("spec") / "openapi.json"
SPEC_URI = "urn:discord:openapi"
INVALID_FORM_BODY = "Invalid Form Body"
Errors = dict[str, Any]


class DiscordError(Exception):
    """A refusal Discord would send: HTTP status, JSON error code, message, field errors."""

    def __init__(self, status: int, code: int, message: str, errors: Errors | None = None):
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data


def add_error(errors: Errors, path: Sequence[str | int], code: str, message: str) -> None:
    """Nest an error under ``path`` the way Discord does (``{"a": {"0": {"_errors": []}}}``)."""
    node = errors
    for part in path:
        node = node.setdefault(str(part), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def form_error(errors: Errors) -> DiscordError:
    return DiscordError(400, 50035, INVALID_FORM_BODY, errors)


# --- OpenAPI validation -------------------------------------------------------------------------


def _is_int_string(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value[1:] if value[:1] == "-" else value
    return text.isdigit() and text.isascii()


def _is_integer(checker: Any, value: Any) -> bool:
    """Spec convention: integers may come as strings that parse as integers."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or _is_int_string(value)


def _int_strings(fn: Any) -> Any:
    """``enum``/``const`` of integers accept integer strings too (a component type "1")."""

    def wrapper(validator: Any, expected: Any, instance: Any, schema: Any) -> Any:
        allowed = expected if isinstance(expected, list) else [expected]
        if _is_int_string(instance) and any(
            isinstance(v, int) and not isinstance(v, bool) for v in allowed
        ):
            instance = int(instance)
        return fn(validator, expected, instance, schema)

    return wrapper


def _numeric(fn: Any) -> Any:
    """Apply a numeric keyword to integer strings too (e.g. permissions' maximum)."""

    def wrapper(validator: Any, bound: Any, instance: Any, schema: Any) -> Any:
        if _is_int_string(instance):
            instance = int(instance)
        return fn(validator, bound, instance, schema)

    return wrapper


_TYPES = Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
DiscordValidator = jsonschema.validators.extend(
    Draft202012Validator,
    validators={
        "minimum": _numeric(kw.minimum),
        "maximum": _numeric(kw.maximum),
        "exclusiveMinimum": _numeric(kw.exclusiveMinimum),
        "exclusiveMaximum": _numeric(kw.exclusiveMaximum),
        "enum": _int_strings(kw.enum),
        "const": _int_strings(kw.const),
        # Integer strings make e.g. a nonce "123" match both its string and integer branches;
        # the spec's unions are meant as disjoint, so one matching branch is enough.
        "oneOf": kw.anyOf,
    },
    type_checker=_TYPES,
)


def _relax_snowflakes(node: Any) -> Any:
    """Spec convention: a snowflake (string) may also be sent as a JSON integer."""
    if isinstance(node, dict):
        if node.get("format") == "snowflake" and node.get("type") == "string":
            return {"anyOf": [dict(node), {"type": "integer", "minimum": 0}]}
        return {k: _relax_snowflakes(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_relax_snowflakes(v) for v in node]
    return node


_CODES = {
    "maxLength": ("BASE_TYPE_MAX_LENGTH", "Must be {v} or fewer in length."),
    "minLength": ("BASE_TYPE_MIN_LENGTH", "Must be {v} or more in length."),
    "maxItems": ("BASE_TYPE_MAX_LENGTH", "Must be {v} or fewer in length."),
    "minItems": ("BASE_TYPE_MIN_LENGTH", "Must be {v} or more in length."),
    "required": ("BASE_TYPE_REQUIRED", "This field is required"),
    "maximum": ("NUMBER_TYPE_MAX", "int value should be less than or equal to {v}."),
    "minimum": ("NUMBER_TYPE_MIN", "int value should be greater than or equal to {v}."),
}


class SpecValidator:
    """Validates bodies against Discord's OpenAPI request schemas, one cached validator each."""

    def __init__(self, spec_path: Path = SPEC_PATH) -> None:
        self._spec_path = spec_path
        self._spec: dict[str, Any] | None = None
        self._registry: Registry | None = None
        self._cache: dict[tuple[str, str], Any] = {}

    def _load(self) -> dict[str, Any]:
        if self._spec is None:
            raw = json.loads(self._spec_path.read_text())
            raw["components"] = _relax_snowflakes(raw["components"])
            self._spec = raw
            resource = Resource.from_contents(raw, default_specification=DRAFT202012)
            self._registry = Registry().with_resource(SPEC_URI, resource)
        return self._spec

    @property
    def templates(self) -> list[str]:
        return list(self._load()["paths"])

    def validator_for(self, template: str, method: str) -> Any:
        """The validator for a route's JSON body, or None if the spec defines none."""
        key = (template, method.lower())
        if key in self._cache:
            return self._cache[key]
        spec = self._load()
        op = spec["paths"].get(template, {}).get(key[1], {})
        content = op.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        validator = None
        if schema is not None:
            schema = _relax_snowflakes(copy.deepcopy(schema))
            # Internal refs ("#/components/...") must resolve against the spec document.
            schema = _rebase_refs(schema)
            validator = DiscordValidator(schema, registry=self._registry)
        self._cache[key] = validator
        return validator

    def check(self, template: str, method: str, body: Any) -> None:
        """Raise a 50035 :class:`DiscordError` if ``body`` breaks the schema."""
        validator = self.validator_for(template, method)
        if validator is None:
            return
        errors: Errors = {}
        for err in _leaf_errors(validator.iter_errors(body)):
            code, text = _CODES.get(err.validator, ("BASE_TYPE_INVALID", "{m}"))
            path = list(err.absolute_path)
            if err.validator == "required":
                missing = str(err.message).split("'")[1] if "'" in err.message else "?"
                path.append(missing)
            add_error(errors, path, code, text.format(v=err.validator_value, m=err.message))
        if errors:
            raise form_error(errors)


def _rebase_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _rebase_refs(v) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            out["$ref"] = SPEC_URI + ref
        return out
    if isinstance(node, list):
        return [_rebase_refs(v) for v in node]
    return node


def _leaf_errors(errors: Iterable[Any], limit: int = 10) -> list[Any]:
    """The most specific error of each failure (anyOf/oneOf would otherwise say little)."""
    out = []
    for err in errors:
        out.extend(_refine(err))
        if len(out) >= limit:
            break
    return out[:limit]


def _refine(err: Any) -> list[Any]:
    """For a union, blame the branch the body meant: its ``type`` matched, fewest errors."""
    if not err.context:
        return [err]
    branches: dict[Any, list[Any]] = {}
    for sub in err.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def score(subs: list[Any]) -> tuple[int, int]:
        wrong_kind = any(
            list(s.relative_path) == ["type"] or (s.validator == "type" and not s.relative_path)
            for s in subs
        )
        return (int(wrong_kind), len(subs))

    best = min(branches.values(), key=score)
    return [leaf for sub in best for leaf in _refine(sub)]


# --- Rules the spec leaves out ------------------------------------------------------------------


#: Discord's locales (the spec's AvailableLocalesEnum), the only keys of ``*_localizations``
LOCALES = frozenset(
    (  # noqa: SIM905
        "ar bg cs da de el en-GB en-US es-419 es-ES fi fr he hi hr hu id it ja ko lt nl no pl "
        "pt-BR ro ru sv-SE th tr uk vi zh-CN zh-TW"
    ).split()
)
#: option types that may have ``choices`` or ``autocomplete`` (STRING, INTEGER, NUMBER)
CHOICE_TYPES = (3, 4, 10)
COMMAND_SIZE_LIMIT = 8000
CONTEXT_MENU_LIMIT = 15  # USER and MESSAGE commands, each, per scope


def _script(c: str, prefixes: tuple[str, ...] = ("DEVANAGARI ", "THAI ")) -> bool:
    """Whether ``c`` is of the Devanagari or Thai script (their combining marks included)."""
    return unicodedata.name(c, "").startswith(prefixes)


def _valid_name(name: str, lowercase: bool) -> bool:
    """Discord's ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`` (and lowercase for
    chat-input commands and options)."""
    if not 1 <= len(name) <= 32:
        return False
    if not all(c in "-_'" or unicodedata.category(c)[0] in "LN" or _script(c) for c in name):
        return False
    return not lowercase or name == name.lower()


def _check_text(errors: Errors, path: list[Any], value: Any, lo: int, hi: int) -> None:
    text = value or ""
    if len(text) < lo:
        add_error(errors, path, "BASE_TYPE_MIN_LENGTH", f"Must be {lo} or more in length.")
    elif len(text) > hi:
        add_error(errors, path, "BASE_TYPE_MAX_LENGTH", f"Must be {hi} or fewer in length.")


def _check_name(errors: Errors, path: list[Any], name: Any, kind: str) -> None:
    """A name by its kind: "chat" (chat-input command or option), "menu" (USER/MESSAGE
    command, 1-32 of anything), "choice" (1-100)."""
    if kind == "chat":
        if not _valid_name(str(name or ""), lowercase=True):
            add_error(errors, path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    else:
        _check_text(errors, path, name, 1, 32 if kind == "menu" else 100)


def _check_localizations(
    errors: Errors, path: list[Any], item: dict[str, Any], kind: str, described: bool = True
) -> None:
    """``name_localizations`` / ``description_localizations``: keys are Discord locales, values
    follow the rules of ``name`` / ``description``."""
    fields = [("name_localizations", kind)]
    if described:
        fields.append(("description_localizations", "description"))
    for key, rule in fields:
        table = item.get(key)
        if not isinstance(table, dict):
            continue
        for locale, value in table.items():
            here = [*path, key, locale]
            if locale not in LOCALES:
                add_error(
                    errors,
                    here,
                    "ENUM_TYPE_COERCE",
                    f'Value "{locale}" is not a valid enum value.',
                )
            elif rule == "description":
                _check_text(errors, here, value, 1, 100)
            else:
                _check_name(errors, here, value, rule)


def command_size(cmd: dict[str, Any]) -> int:
    """Characters Discord counts toward the 8000 limit: names, descriptions and choice
    values of the command, its options (subcommands and groups included) and choices."""

    def size(node: dict[str, Any]) -> int:
        total = len(str(node.get("name") or "")) + len(str(node.get("description") or ""))
        for choice in node.get("choices") or []:
            total += len(str(choice.get("name") or "")) + len(str(choice.get("value", "")))
        return total + sum(size(o) for o in node.get("options") or [])

    return size(cmd)


def _check_options(
    errors: Errors, path: list[Any], options: list[dict[str, Any]], depth: int
) -> None:
    if len(options) > 25:
        add_error(errors, path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    kinds = {o.get("type") in (1, 2) for o in options}
    if len(kinds) > 1:
        add_error(
            errors,
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive "
            "to all other types",
        )
    seen_optional, names = False, set()
    for i, opt in enumerate(options):
        here = [*path, i]
        otype, name = opt.get("type"), str(opt.get("name", ""))
        _check_name(errors, [*here, "name"], name, "chat")
        _check_localizations(errors, here, opt, "chat")
        if name in names:
            add_error(
                errors,
                [*here, "name"],
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option name already exists",
            )
        names.add(name)
        _check_text(errors, [*here, "description"], opt.get("description"), 1, 100)
        if (otype == 2 and depth > 0) or (otype == 1 and depth > 1):
            add_error(
                errors,
                [*here, "type"],
                "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                "Sub-commands cannot be nested this deep",
            )
        if otype == 2:
            subs = opt.get("options") or []
            if any(s.get("type") != 1 for s in subs):
                add_error(
                    errors,
                    [*here, "options"],
                    "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                    "A sub-command group may only contain sub-commands",
                )
        if otype in (1, 2):
            _check_options(errors, [*here, "options"], opt.get("options") or [], depth + 1)
            continue
        if opt.get("required"):
            if seen_optional:
                add_error(
                    errors,
                    [*here, "required"],
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = opt.get("choices") or []
        if choices and otype not in CHOICE_TYPES:
            add_error(
                errors,
                [*here, "choices"],
                "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
                "Choices are only allowed on STRING, INTEGER and NUMBER options",
            )
        if opt.get("autocomplete"):
            if otype not in CHOICE_TYPES:
                add_error(
                    errors,
                    [*here, "autocomplete"],
                    "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID",
                    "Autocomplete is only allowed on STRING, INTEGER and NUMBER options",
                )
            if choices:
                add_error(
                    errors,
                    [*here, "autocomplete"],
                    "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES_EXCLUSIVE",
                    "Autocomplete cannot be set to true if choices are present",
                )
        if len(choices) > 25:
            add_error(
                errors, [*here, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        for j, ch in enumerate(choices):
            _check_text(errors, [*here, "choices", j, "name"], ch.get("name"), 1, 100)
            _check_localizations(errors, [*here, "choices", j], ch, "choice", described=False)
            if isinstance(ch.get("value"), str):
                _check_text(errors, [*here, "choices", j, "value"], ch["value"], 1, 100)


def check_command(errors: Errors, path: list[Any], cmd: dict[str, Any]) -> None:
    """Name, description, options, localizations, nesting and size of one definition."""
    ctype = cmd.get("type") or 1
    name = str(cmd.get("name", ""))
    if ctype == 1:
        _check_name(errors, [*path, "name"], name, "chat")
        _check_text(errors, [*path, "description"], cmd.get("description"), 1, 100)
        _check_localizations(errors, path, cmd, "chat")
        _check_options(errors, [*path, "options"], cmd.get("options") or [], 0)
    else:
        _check_name(errors, [*path, "name"], name, "menu")
        _check_localizations(errors, path, cmd, "menu", described=False)
        if cmd.get("description"):
            add_error(
                errors,
                [*path, "description"],
                "APPLICATION_COMMAND_INVALID_DESCRIPTION",
                "Context menu commands cannot have a description",
            )
        if cmd.get("options"):
            add_error(
                errors,
                [*path, "options"],
                "APPLICATION_COMMAND_OPTIONS_INVALID",
                "Options can only be set for CHAT_INPUT commands",
            )
    if command_size(cmd) > COMMAND_SIZE_LIMIT:
        add_error(
            errors,
            path,
            "APPLICATION_COMMAND_TOO_LARGE",
            f"Command exceeds maximum size ({COMMAND_SIZE_LIMIT})",
        )


def check_commands(cmds: list[dict[str, Any]], is_global: bool, bulk: bool = True) -> None:
    """A bulk overwrite (or, ``bulk=False``, one POSTed definition, whose errors are not
    nested under an index): each definition, duplicates, and the per-type limits."""
    errors: Errors = {}
    seen: set[tuple[int, str]] = set()
    for i, cmd in enumerate(cmds):
        here: list[Any] = [i] if bulk else []
        check_command(errors, here, cmd)
        key = (cmd.get("type") or 1, str(cmd.get("name")))
        if key in seen:
            add_error(
                errors,
                [*here, "name"],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique ({key[1]})",
            )
        seen.add(key)
    if sum(1 for c in cmds if (c.get("type") or 1) == 1) > 100:
        add_error(errors, [], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    for ctype, kind in ((2, "USER"), (3, "MESSAGE")):
        if sum(1 for c in cmds if c.get("type") == ctype) > CONTEXT_MENU_LIMIT:
            add_error(
                errors,
                [],
                "APPLICATION_COMMANDS_TOO_MANY",
                f"Maximum number of {kind} commands reached ({CONTEXT_MENU_LIMIT})",
            )
    if errors:
        raise form_error(errors)


EMBED_LIMITS = {"title": 256, "description": 4096}


def _trimmed(value: Any) -> str:
    """Text as Discord counts it: leading and trailing whitespace are trimmed first."""
    return str(value or "").strip()


def trimmed_for_checks(body: Any) -> Any:
    """A copy of a message body (or of a callback's ``data``) with content and embed texts
    trimmed, for the schema's length checks: Discord trims before it counts."""
    if not isinstance(body, dict):
        return body
    out = dict(body)
    if isinstance(out.get("data"), dict):
        out["data"] = trimmed_for_checks(out["data"])
    if isinstance(out.get("content"), str):
        out["content"] = out["content"].strip()
    if isinstance(out.get("embeds"), list):
        out["embeds"] = [_trimmed_embed(e) if isinstance(e, dict) else e for e in out["embeds"]]
    return out


def _trimmed_embed(embed: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: v.strip() if isinstance(v, str) and k in EMBED_LIMITS else v for k, v in embed.items()
    }
    if isinstance(out.get("fields"), list):
        out["fields"] = [
            {
                k: v.strip() if isinstance(v, str) and k in ("name", "value") else v
                for k, v in f.items()
            }
            if isinstance(f, dict)
            else f
            for f in out["fields"]
        ]
    for part, key in (("footer", "text"), ("author", "name")):
        if isinstance(out.get(part), dict) and isinstance(out[part].get(key), str):
            out[part] = {**out[part], key: out[part][key].strip()}
    return out


def _embed_chars(errors: Errors, path: list[Any], embed: dict[str, Any]) -> int:
    total = 0
    for key, hi in EMBED_LIMITS.items():
        text = _trimmed(embed.get(key))
        total += len(text)
        if len(text) > hi:
            _check_text(errors, [*path, key], text, 0, hi)
    fields = embed.get("fields") or []
    if len(fields) > 25:
        add_error(
            errors, [*path, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
        )
    for i, fld in enumerate(fields):
        name, value = _trimmed(fld.get("name")), _trimmed(fld.get("value"))
        _check_text(errors, [*path, "fields", i, "name"], name, 1, 256)
        _check_text(errors, [*path, "fields", i, "value"], value, 1, 1024)
        total += len(name) + len(value)
    for part, key, hi in (("footer", "text", 2048), ("author", "name", 256)):
        text = _trimmed((embed.get(part) or {}).get(key))
        total += len(text)
        if len(text) > hi:
            _check_text(errors, [*path, part, key], text, 0, hi)
    return total


def _children(node: dict[str, Any]) -> list[tuple[list[Any], dict[str, Any]]]:
    """A component's children with their relative paths (rows, containers, labels, sections)."""
    out: list[tuple[list[Any], dict[str, Any]]] = [
        (["components", i], c) for i, c in enumerate(node.get("components") or [])
    ]
    for key in ("component", "accessory"):
        if isinstance(node.get(key), dict):
            out.append(([key], node[key]))
    return out


def check_unique_ids(errors: Errors, comps: list[dict[str, Any]], top: list[Any]) -> None:
    """``custom_id`` and ``id`` must be unique among all components of one message or modal."""
    custom_ids: set[str] = set()
    ids: set[int] = set()

    def walk(node: dict[str, Any], path: list[Any]) -> None:
        custom_id = node.get("custom_id")
        if custom_id is not None:
            if str(custom_id) in custom_ids:
                add_error(
                    errors,
                    [*path, "custom_id"],
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            custom_ids.add(str(custom_id))
        cid = node.get("id")
        if cid not in (None, 0, "0"):
            if int(cid) in ids:
                add_error(
                    errors, [*path, "id"], "COMPONENT_ID_DUPLICATED", "Component id is duplicated"
                )
            ids.add(int(cid))
        for rel, child in _children(node):
            walk(child, [*path, *rel])

    for i, comp in enumerate(comps):
        if isinstance(comp, dict):
            walk(comp, [*top, i])


def _check_components(errors: Errors, comps: list[dict[str, Any]], v2: bool) -> None:
    if not v2 and len(comps) > 5:
        add_error(errors, ["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")

    def walk(node: dict[str, Any], path: list[Any]) -> None:
        if len(str(node.get("custom_id") or "")) > 100:
            _check_text(errors, [*path, "custom_id"], node["custom_id"], 0, 100)
        if len(str(node.get("label") or "")) > 80:
            _check_text(errors, [*path, "label"], node["label"], 0, 80)
        children = node.get("components") or []
        if node.get("type") == 1:
            buttons = sum(1 for c in children if c.get("type") == 2)
            if len(children) > 5 or (buttons != len(children) and len(children) > 1):
                add_error(
                    errors,
                    [*path, "components"],
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 5 or fewer in length.",
                )
        for rel, child in _children(node):
            walk(child, [*path, *rel])

    for i, comp in enumerate(comps):
        walk(comp, ["components", i])
    check_unique_ids(errors, comps, ["components"])


def check_modal(data: dict[str, Any]) -> None:
    """A modal's inputs: custom_id and id unique, like a message's components."""
    errors: Errors = {}
    check_unique_ids(errors, data.get("components") or [], ["components"])
    if errors:
        raise form_error(errors)


def check_autocomplete_choices(data: dict[str, Any]) -> None:
    """An autocomplete result: at most 25 choices, string values of at most 100 characters."""
    errors: Errors = {}
    choices = data.get("choices") or []
    if len(choices) > 25:
        add_error(errors, ["choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        value = choice.get("value") if isinstance(choice, dict) else None
        if isinstance(value, str) and len(value) > 100:
            _check_text(errors, ["choices", i, "value"], value, 1, 100)
    if errors:
        raise form_error(errors)


def check_message(body: dict[str, Any], creating: bool) -> None:
    """Message limits; an empty new message answers 50006 like Discord."""
    errors: Errors = {}
    content = _trimmed(body.get("content"))  # "   " is empty, like Discord trims it
    if len(content) > 2000:
        _check_text(errors, ["content"], content, 0, 2000)
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        add_error(errors, ["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = sum(_embed_chars(errors, ["embeds", i], e) for i, e in enumerate(embeds))
    if total > 6000:
        add_error(
            errors, ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
        )
    v2 = bool(int(body.get("flags") or 0) & (1 << 15))
    _check_components(errors, body.get("components") or [], v2)
    mentions = body.get("allowed_mentions")
    if isinstance(mentions, dict):
        for kind in ("roles", "users"):
            if kind in (mentions.get("parse") or []) and mentions.get(kind):
                add_error(
                    errors,
                    ["allowed_mentions"],
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )
    if errors:
        raise form_error(errors)
    if creating and not (
        content
        or embeds
        or body.get("components")
        or body.get("attachments")
        or body.get("sticker_ids")
        or body.get("poll")
    ):
        raise DiscordError(400, 50006, "Cannot send an empty message")
