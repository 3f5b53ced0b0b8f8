"""Unfinished requests: the wizard's state saved as JSON in the `drafts` table (migration 0006).

The wizard saves on every page change, each save its own committed transaction, so a draft
survives the window being closed, the app being killed or the computer losing power between
pages. The next start offers the newest draft back; Cancel asks whether to keep or discard
it; submitting the request deletes it in the same transaction that stores the request.

Drafts hold a student's record in the making: every function but `count_drafts` needs
REQUESTS_CREATE (the wizard's people).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mocap_desktop.core.access import REQUESTS_CREATE, require
from mocap_desktop.store import Store

__all__ = ["SavedDraft", "save_draft", "load_draft", "list_drafts", "discard_draft", "count_drafts"]


@dataclass(frozen=True)
class SavedDraft:
    id: int
    kind: str
    student_id: int | None
    page: str
    body: dict[str, Any]
    created_by: str
    created_at: str
    updated_at: str
    student_label: str = ""  # "Peña, José (grade 10)" for the offer to resume; "" without a student


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def save_draft(store: Store, body: dict[str, Any], *, draft_id: int | None = None, page: str = "",
               student_id: int | None = None, actor: str = "", kind: str = "request") -> int:
    """Write the draft (a new one when `draft_id` is None or was discarded meanwhile). Returns its id."""
    require(store, REQUESTS_CREATE)
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)
    stamp = _now()
    with store.transaction() as db:
        if draft_id is not None:
            cursor = db.execute(
                "UPDATE drafts SET body = ?, page = ?, student_id = ?, updated_at = ? WHERE id = ?",
                [text, page, student_id, stamp, draft_id])
            if cursor.rowcount:
                return draft_id
        cursor = db.execute(
            "INSERT INTO drafts (kind, student_id, page, body, created_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [kind, student_id, page, text, actor, stamp, stamp])
        return cursor.lastrowid


_SELECT = (
    "SELECT d.id, d.kind, d.student_id, d.page, d.body, d.created_by, d.created_at, d.updated_at, "
    "CASE WHEN s.id IS NULL THEN '' ELSE s.last_name || ', ' || "
    "CASE WHEN s.preferred_name != '' THEN s.preferred_name ELSE s.first_name END "
    "|| ' (grade ' || s.grade || ')' END "
    "FROM drafts d LEFT JOIN students s ON s.id = d.student_id"
)


def _draft(row: tuple) -> SavedDraft:
    values = list(row)
    try:
        values[4] = json.loads(values[4])
    except json.JSONDecodeError:
        values[4] = {}
    return SavedDraft(*values)


def load_draft(store: Store, draft_id: int) -> SavedDraft | None:
    require(store, REQUESTS_CREATE)
    row = store.conn.execute(f"{_SELECT} WHERE d.id = ?", (draft_id,)).fetchone()
    return _draft(row) if row else None


def list_drafts(store: Store, kind: str = "request", limit: int = 20) -> list[SavedDraft]:
    """Saved drafts, newest first."""
    require(store, REQUESTS_CREATE)
    return [_draft(r) for r in store.conn.execute(
        f"{_SELECT} WHERE d.kind = ? ORDER BY d.updated_at DESC, d.id DESC LIMIT ?", (kind, limit))]


def count_drafts(store: Store, kind: str = "request") -> int:
    return store.conn.execute("SELECT count(*) FROM drafts WHERE kind = ?", (kind,)).fetchone()[0]


def discard_draft(store: Store, draft_id: int) -> None:
    require(store, REQUESTS_CREATE)
    with store.transaction() as db:
        db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])
