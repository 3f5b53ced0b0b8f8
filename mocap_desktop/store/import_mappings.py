"""Column mappings the office saved for an import kind ("PowerSchool export", …)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from mocap_desktop.store.db import Store


@dataclass(frozen=True)
class SavedMapping:
    kind: str
    name: str
    columns: dict[str, str | None]  # field key → header text in the file; None: not in the file
    saved_at: str


class ImportMappingRepo:
    def __init__(self, store: Store):
        self.store = store

    def save(self, kind: str, name: str, columns: dict[str, str | None]) -> None:
        row = {"kind": kind, "name": name.strip(), "columns": json.dumps(columns, ensure_ascii=False),
               "saved_at": datetime.now().isoformat(timespec="seconds")}
        with self.store.transaction() as db:
            db["import_mappings"].upsert(row, pk=("kind", "name"))

    def get(self, kind: str, name: str) -> SavedMapping | None:
        rows = self.store.query("SELECT * FROM import_mappings WHERE kind = ? AND name = ?",
                                (kind, name.strip()))
        return self._mapping(rows[0]) if rows else None

    def all(self, kind: str) -> list[SavedMapping]:
        rows = self.store.query(
            "SELECT * FROM import_mappings WHERE kind = ? ORDER BY saved_at DESC, name", (kind,))
        return [self._mapping(r) for r in rows]

    def delete(self, kind: str, name: str) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM import_mappings WHERE kind = ? AND name = ?", (kind, name))

    @staticmethod
    def _mapping(row: dict) -> SavedMapping:
        return SavedMapping(row["kind"], row["name"], json.loads(row["columns"]), row["saved_at"])
