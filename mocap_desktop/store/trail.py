"""Writing the audit trail from the places that read and change student data.

Who acts is the person signed in to the store (`store.user`), else the system itself (set-up,
migrations, the demo seed). A change is recorded as `{"before": {...}, "after": {...}}` holding
only the fields that changed; the viewer reads that as "old → new". Student names never go into
an entry's detail (ids do): a changed name field is listed under `names_changed` without its
values. `note` gives one entry, `note_many` a batch (an import's per-student changes), to the
transaction that makes the change; the write seam appends them to the trail when it commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from mocap_desktop.core.access import LIFECYCLE_ROLE, SYSTEM, user_of
from mocap_desktop.store import audit
from mocap_desktop.store.errors import DiskFullError

__all__ = ["NAME_FIELDS", "acting_login", "acting_name", "actor", "changes", "lifecycle_role", "note", "note_many",
           "note_use"]

# A student's name fields: a change to one is recorded without its values.
NAME_FIELDS = frozenset({"last_name", "first_name", "middle_name", "preferred_name"})


def actor(store) -> tuple[str, str]:
    """(sign-in name, role) of whoever acts on `store`."""
    user = user_of(store)
    return user.login, user.role


def acting_name(store, given: str = "") -> str:
    """The name a timeline or a letter records: the signed-in person's, else what the caller
    says (the system's own callers: the demo seed, tests, a script)."""
    user = user_of(store)
    return given if user.role == SYSTEM.role else user.name


def acting_login(store, given: str = "") -> str:
    """Who a record names as the staff member (a letter's `created_by`, a disclosure's
    `staff`): the signed-in person's sign-in name, which reports resolve to "Name (login)";
    else what the caller says."""
    user = user_of(store)
    return given if user.role == SYSTEM.role else user.login


def lifecycle_role(store, given: str) -> str:
    """The lifecycle role of a status move: the signed-in person's (so a caller cannot choose
    a role it does not have), else `given`."""
    user = user_of(store)
    if user.role == SYSTEM.role:
        return given
    return LIFECYCLE_ROLE.get(user.role, user.role)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def changes(before: Mapping[str, Any], after: Mapping[str, Any],
            fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The fields of `after` (or `fields`) whose value differs from `before`, as
    {"before": {...}, "after": {...}}; name fields as {"names_changed": [...]}. Empty when
    nothing changed."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    names: list[str] = []
    for key in (fields if fields is not None else after.keys()):
        was, now = _plain(before.get(key)), _plain(after.get(key))
        if was == now:
            continue
        if key in NAME_FIELDS:
            names.append(key)
            continue
        old[key], new[key] = was, now
    out: dict[str, Any] = {}
    if old:
        out["before"], out["after"] = old, new
    if names:
        out["names_changed"] = names
    return out


def note(db, store, action: str, *, student_id: int | None = None, request_id: int | None = None,
         detail: dict[str, Any] | None = None) -> None:
    """One entry by whoever acts on `store`, inside the caller's transaction (`db`)."""
    login, role = actor(store)
    audit.record(db, login, role, action, student_id=student_id, request_id=request_id, detail=detail)


def note_use(store, action: str, *, student_id: int | None = None, request_id: int | None = None,
             detail: dict[str, Any] | None = None) -> None:
    """One entry for a use of the data that changes nothing else (a record opened, an export, a
    backup, a new password), in its own transaction with any entries kept before; while the
    database cannot be written (read-only, a full disk), kept and written once it can be
    (`audit.defer`), so looking a student up still works."""
    login, role = actor(store)
    if not store.read_only_reason:
        try:
            with store.transaction() as db:
                audit.record_deferred(db, store.deferred)
                audit.record(db, login, role, action, student_id=student_id, request_id=request_id, detail=detail)
            store.deferred.clear()
            return
        except DiskFullError:  # the disk filled up since sign-in: keep it like a read-only one
            pass
    audit.defer(store, login, role, action, detail, student_id=student_id, request_id=request_id)


def note_many(db, store, action: str,
              entries: Iterable[tuple[int | None, int | None, dict[str, Any] | None]]) -> int:
    """Many entries of one action at once: (student_id, request_id, detail) each, with one
    time stamp. Returns how many there are."""
    login, role = actor(store)
    stamp = datetime.now().isoformat(timespec="seconds")
    rows = [audit.entry(login, role, action, student_id=student_id, request_id=request_id, detail=detail, at=stamp)
            for student_id, request_id, detail in entries]
    audit.add(db, rows)
    return len(rows)
