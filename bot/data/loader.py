"""YAML drama files -> validated :class:`DramaFile` objects, with ``file:line`` errors.

A file is accepted whole or rejected whole. Validation is the pydantic model of
:mod:`bot.data.model` (the same one TVmaze's answers fill); every problem is reported at
once, each as ``file:line: field: problem``, and nothing of the file reaches the store.
Duplicate keys, which YAML would silently resolve to the last one, are problems too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.data.cross_checks import cross_problems
from bot.data.model import DramaDocument, Loc
from bot.domain.models import DramaFile


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, at a line."""

    line: int
    message: str


class DataFileError(ValueError):
    """A data file's problems, one per line as ``file:line: field: what is wrong``.

    ``line`` and ``message`` are the first problem's; ``problems`` holds them all.
    """

    def __init__(self, file: Path, line: int, message: str, more: Sequence[Problem] = ()) -> None:
        self.file = file
        self.line = line
        self.message = message
        self.problems = (Problem(line, message), *more)
        super().__init__("\n".join(f"{file}:{p.line}: {p.message}" for p in self.problems))


def field_name(loc: Loc) -> str:
    """``schedule.weekdays[0]`` for ("schedule", "weekdays", 0)."""
    text = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc)
    return text.replace(".[", "[")


@dataclass
class _Document:
    """The parsed data plus its node tree, so any field can be traced to its line."""

    file: Path
    root: yaml.Node

    def line(self, path: Loc) -> int:
        node = self.root
        for step in path:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if k.value == step), None)
                if child is None:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    break
                child = node.value[step]
            else:
                break
            node = child
        return int(node.start_mark.line) + 1

    def problem(self, path: Loc, message: str) -> Problem:
        where = f"{field_name(path)}: " if path else ""
        return Problem(self.line(path), f"{where}{message}")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that records duplicate keys instead of keeping the last one."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[Problem] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value
            if key in seen:
                line = int(key_node.start_mark.line) + 1
                self.duplicates.append(Problem(line, f"{key}: duplicate key {key!r}"))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """``2024-13-01`` looks like a date but is none: a problem on its line, not a crash."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a valid date or time ({error})", node.start_mark
            ) from error


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def load_drama_file(file: Path) -> DramaFile:
    """Read, parse and validate one file (a plain file: not an overlay of a source)."""
    document = load_drama_document(file)
    if document.source is not None:
        raise DataFileError(
            file, 1, f"source: {document.source} needs the source; import it with fanbot add"
        )
    return document.to_drama_file()


def load_drama_document(file: Path) -> DramaDocument:
    """Read, parse and validate one file into the shared model."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(file, 1, f"cannot read: {error}") from error
    return parse_drama_document(text, file)


def parse_drama_text(text: str, file: Path) -> DramaFile:
    document = parse_drama_document(text, file)
    if document.source is not None:
        raise DataFileError(file, 1, f"source: {document.source} is an overlay of a source")
    return document.to_drama_file()


def parse_drama_document(text: str, file: Path) -> DramaDocument:
    try:
        loader = _StrictLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
            duplicates = loader.duplicates
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise DataFileError(file, line, f"YAML syntax: {error.problem or error}") from error
    except yaml.YAMLError as error:
        raise DataFileError(file, 1, f"YAML syntax: {error}") from error
    if root is None or not isinstance(data, dict):
        raise DataFileError(file, 1, "a drama file must be a mapping of keys (slug, title, ...)")
    doc = _Document(file, root)
    problems = list(duplicates)
    document: DramaDocument | None = None
    try:
        document = DramaDocument.model_validate(data)
    except ValidationError as error:
        problems += [doc.problem(*_explain(e)) for e in error.errors()]
    problems += [doc.problem(loc, message) for loc, message in cross_problems(data)]
    problems = _unique(problems)
    if problems or document is None:
        problems.sort(key=lambda p: p.line)
        first, *more = problems
        raise DataFileError(file, first.line, first.message, more)
    return document


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _explain(error: Any) -> tuple[Loc, str]:
    """A pydantic error as (where, what), in the words the format's README uses."""
    loc: Loc = tuple(p for p in error["loc"] if isinstance(p, int | str))
    kind = error["type"]
    if kind == "missing":
        return loc[:-1], f"missing key {loc[-1]!r}"
    if kind == "extra_forbidden":
        return loc, f"unknown key {loc[-1]!r}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        message = "must be lowercase letters, digits and hyphens (or tvmaze:ID for source)"
        if (loc and loc[-1] == "weekdays") or (len(loc) > 1 and loc[-2] == "weekdays"):
            message = f"unknown weekday {error['input']!r}; use mon..sun"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind == "string_too_long":
        message = f"is {len(str(error['input']))} characters; at most {error['ctx']['max_length']}"
    return loc, message[:1].lower() + message[1:]
