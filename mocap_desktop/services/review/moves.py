"""Status moves that are not decisions: review started, withdrawn, closed."""

from __future__ import annotations

from typing import Any

from mocap_desktop.core import lifecycle
from mocap_desktop.core.access import REQUESTS_UPDATE, require
from mocap_desktop.core.lifecycle import COUNSELOR
from mocap_desktop.services.requests import add_event, now
from mocap_desktop.services.review.common import request_row
from mocap_desktop.store import Store, trail


# --- other moves -----------------------------------------------------------------------------------

def _move(store: Store, request_id: int, new_status: str, role: str, actor: str, kind: str,
          detail: dict[str, Any] | None = None, at: str | None = None) -> None:
    require(store, REQUESTS_UPDATE)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    row = request_row(store, request_id)
    lifecycle.check_transition(row["pathway"], row["status"], new_status, role)
    stamp = at or now()
    with store.transaction() as db:
        db.execute("UPDATE requests SET status = ?, updated_at = ? WHERE id = ?", [new_status, stamp, request_id])
        add_event(db, request_id, kind, actor, {"from": row["status"], "to": new_status, **(detail or {})}, stamp)
        trail.note(db, store, "status_changed", student_id=row["student_id"], request_id=request_id,
                   detail={"before": {"status": row["status"]}, "after": {"status": new_status},
                           **({"reason_given": bool((detail or {}).get("reason"))} if kind == "withdrawn" else {})})


def start_review(store: Store, request_id: int, actor: str, role: str = COUNSELOR, at: str | None = None) -> None:
    _move(store, request_id, "in_review", role, actor, "status_changed", at=at)


def withdraw(store: Store, request_id: int, actor: str, reason: str = "", role: str = COUNSELOR,
             at: str | None = None) -> None:
    _move(store, request_id, "withdrawn", role, actor, "withdrawn", {"reason": reason.strip()}, at)


def close_request(store: Store, request_id: int, actor: str, role: str = COUNSELOR, at: str | None = None) -> None:
    _move(store, request_id, "closed", role, actor, "closed", at=at)
