"""The audit trail: append-only, each entry chained to the one before by a SHA-256 hash.

Every sign-in, record opened, change (before and after), decision, letter, import, export and
backup is one row. Triggers refuse UPDATE and DELETE; an entry edited or deleted behind the
app's back (plain SQL with the triggers dropped) breaks the chain, and `verify` names the first
entry that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mocap_desktop.store.db import ChangeSet, Store
from mocap_desktop.store.errors import StoreError

GENESIS = "0" * 64
FIELDS = ("at", "actor", "role", "action", "student_id", "request_id", "detail")


def _digest(prev: str, entry: dict[str, Any]) -> str:
    body = json.dumps({k: entry[k] for k in FIELDS}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    first_broken: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def entry(actor: str, role: str, action: str, *, student_id: int | None = None,
          request_id: int | None = None, detail: dict[str, Any] | None = None,
          at: str | None = None) -> dict[str, Any]:
    """One entry's fields (its hash comes when it is written)."""
    return {
        "at": at or datetime.now().isoformat(timespec="seconds"), "actor": actor, "role": role,
        "action": action, "student_id": student_id, "request_id": request_id,
        "detail": json.dumps(detail or {}, sort_keys=True, ensure_ascii=False),
    }


def add(db, entries: list[dict[str, Any]]) -> None:
    """Give entries to the transaction `db` is in (`Store.transaction()`); `write` appends them
    to the trail when it commits."""
    changes: ChangeSet | None = getattr(db, "changes", None)
    if changes is None:
        raise StoreError("An audit entry is written only inside Store.transaction().")
    changes.notes.extend(entries)


def record(db, actor: str, role: str, action: str, *, student_id: int | None = None,
           request_id: int | None = None, detail: dict[str, Any] | None = None,
           at: str | None = None) -> None:
    """One entry, inside the transaction that makes the change it records."""
    add(db, [entry(actor, role, action, student_id=student_id, request_id=request_id, detail=detail, at=at)])


def write(db, changes: ChangeSet) -> None:
    """The audit trail's part of every commit (a write-seam subscriber): the transaction's
    entries, in order, each chained to the one before."""
    if not changes.notes:
        return
    last = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[0] if last else GENESIS
    rows = []
    for item in changes.notes:
        digest = _digest(prev, item)
        rows.append((*(item[k] for k in FIELDS), prev, digest))
        prev = digest
    db.conn.executemany(
        f"INSERT INTO audit_log ({', '.join(FIELDS)}, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def defer(store, actor: str, role: str, action: str, detail: dict[str, Any] | None = None, *,
          student_id: int | None = None, request_id: int | None = None) -> None:
    """An entry for a database open read-only: kept on the store (and by the session in the key
    file) and recorded, with the time it happened, once the database can be written."""
    store.deferred.append({"at": datetime.now().isoformat(timespec="seconds"), "actor": actor, "role": role,
                           "action": action, "student_id": student_id, "request_id": request_id,
                           "detail": detail or {}})


def record_deferred(db, entries: list[dict]) -> None:
    """Append entries kept by `defer`, oldest first."""
    for e in entries:
        record(db, e["actor"], e["role"], e["action"], student_id=e.get("student_id"),
               request_id=e.get("request_id"), detail=e.get("detail"), at=e["at"])


def verify(store: Store) -> VerifyResult:
    """Walk the chain from the start; the first entry whose hash or link is wrong is reported."""
    rows = store.db.query(f"SELECT id, {', '.join(FIELDS)}, prev_hash, hash FROM audit_log ORDER BY id")
    issued = store.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    return verify_entries(rows, issued[0] if issued else None)


def verify_entries(rows, issued: int | None = None) -> VerifyResult:
    """The same walk over entries from anywhere (a copy of a PC's trail on the district server);
    `issued`: the last id handed out, when known (an entry deleted from the end)."""
    prev, count, expected_id = GENESIS, 0, None
    for row in rows:
        count += 1
        if expected_id is not None and row["id"] != expected_id:
            return VerifyResult(count, expected_id, f"entry {expected_id} is missing (deleted)")
        if row["prev_hash"] != prev:
            return VerifyResult(count, row["id"], f"entry {row['id']} does not follow the entry before it")
        if _digest(prev, row) != row["hash"]:
            return VerifyResult(count, row["id"], f"entry {row['id']} was changed after it was written")
        prev, expected_id = row["hash"], row["id"] + 1
    if issued and expected_id is not None and issued >= expected_id:
        return VerifyResult(count, expected_id, f"entry {expected_id} is missing (deleted)")
    return VerifyResult(count, None)

