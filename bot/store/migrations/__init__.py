"""Numbered schema migrations: ``NNNN_name.sql``, applied in order, one transaction each."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def statements(self) -> list[str]:
        """The script split into complete statements (trigger bodies stay whole), so they can
        run inside a transaction the caller controls; ``executescript`` would commit it."""
        statements: list[str] = []
        pending = ""
        for line in self.sql.splitlines(keepends=True):
            if not pending and (not line.strip() or line.lstrip().startswith("--")):
                continue
            pending += line
            if sqlite3.complete_statement(pending):
                statements.append(pending.strip())
                pending = ""
        if pending.strip():
            raise ValueError(f"{self.name}: incomplete last statement: {pending.strip()[:60]}")
        return statements


def all_migrations() -> list[Migration]:
    """Every migration shipped with the package, by version; versions are 1, 2, 3... ."""
    found: list[Migration] = []
    for entry in resources.files(__package__).iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    expected = list(range(1, len(found) + 1))
    if [m.version for m in found] != expected:
        raise RuntimeError(f"migrations must be numbered 1..N without gaps: {found}")
    return found
