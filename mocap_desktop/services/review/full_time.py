"""The full-time track: the district's input to the provider, the host district's answer, the
transfer and the records sent."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from mocap_desktop import core
from mocap_desktop.core import lifecycle
from mocap_desktop.core.access import REQUESTS_READ, REQUESTS_UPDATE, require
from mocap_desktop.core.lifecycle import COUNSELOR
from mocap_desktop.services.requests import add_event, district_code, now
from mocap_desktop.services.review.common import format_day, queue_decision_letter, request_row, ReviewError
from mocap_desktop.store import Store, trail

log = logging.getLogger(__name__)


# --- the full-time track ---------------------------------------------------------------------------

def _full_time(store: Store, request_id: int) -> dict:
    row = request_row(store, request_id)
    if row["pathway"] != "full_time":
        raise ReviewError("This step is for a full-time virtual program request.")
    return row


def _upsert_steps(db, request_id: int, values: dict[str, Any], stamp: str) -> None:
    db["full_time_steps"].upsert({"request_id": request_id, **values, "updated_at": stamp}, pk="request_id")


def full_time_steps(store: Store, request_id: int) -> dict | None:
    require(store, REQUESTS_READ)
    rows = store.query("SELECT * FROM full_time_steps WHERE request_id = ?", (request_id,))
    return rows[0] if rows else None


def record_input_sent(store: Store, request_id: int, sent_on: date, actor: str, summary: str = "",
                      role: str = COUNSELOR, at: str | None = None, letter: bool = True) -> None:
    """The district sent its input to the program (due within ten business days of the notice);
    the family's full-time letter is queued. Needs REQUESTS_UPDATE."""
    require(store, REQUESTS_UPDATE)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    row = _full_time(store, request_id)
    lifecycle.check_transition(row["pathway"], row["status"], "input_sent", role)
    if sent_on < date.fromisoformat(row["received"]):
        raise ReviewError("The input cannot be sent before the provider's notice was received.")
    stamp = at or now()
    with store.transaction() as db:
        _upsert_steps(db, request_id, {"input_sent_on": sent_on.isoformat(), "input_summary": summary.strip()}, stamp)
        db.execute("UPDATE requests SET status = 'input_sent', updated_at = ? WHERE id = ?", [stamp, request_id])
        add_event(db, request_id, "input_sent", actor, {
            "from": row["status"], "to": "input_sent", "sent_on": sent_on.isoformat(),
            "input_due": row["input_due"], "on_time": bool(row["input_due"]) and sent_on.isoformat() <= row["input_due"]},
            stamp)
        trail.note(db, store, "full_time_input_sent", student_id=row["student_id"], request_id=request_id, detail={
            "before": {"status": row["status"]},
            "after": {"status": "input_sent", "input_sent_on": sent_on.isoformat()},
            "input_due": row["input_due"], "recipient": "The virtual program's provider",
            "records": "The resident district's input on the full-time enrollment"})
    if letter:
        queue_decision_letter(store, request_id, "full_time", actor, at=stamp)


def record_host_answer(store: Store, request_id: int, accepted: bool, answered_on: date, actor: str,
                       note: str = "", role: str = COUNSELOR, at: str | None = None) -> None:
    """The host district accepted or declined the student (REQUESTS_UPDATE)."""
    require(store, REQUESTS_UPDATE)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    row = _full_time(store, request_id)
    new_status = "host_accepted" if accepted else "host_declined"
    lifecycle.check_transition(row["pathway"], row["status"], new_status, role)
    steps = full_time_steps(store, request_id) or {}
    if steps.get("input_sent_on") and answered_on < date.fromisoformat(steps["input_sent_on"]):
        raise ReviewError("The host's answer cannot come before the district sent its input.")
    stamp = at or now()
    with store.transaction() as db:
        _upsert_steps(db, request_id, {"host_answer": "accepted" if accepted else "declined",
                                       "host_answered_on": answered_on.isoformat(), "host_note": note.strip()}, stamp)
        db.execute("UPDATE requests SET status = ?, updated_at = ? WHERE id = ?", [new_status, stamp, request_id])
        add_event(db, request_id, "host_answered", actor, {
            "from": row["status"], "to": new_status, "answered_on": answered_on.isoformat()}, stamp)
        trail.note(db, store, "full_time_host_answered", student_id=row["student_id"], request_id=request_id,
                   detail={"before": {"status": row["status"], "host_answer": steps.get("host_answer")},
                           "after": {"status": new_status, "host_answer": "accepted" if accepted else "declined"},
                           "answered_on": answered_on.isoformat()})


def record_transfer(store: Store, request_id: int, unenrollment_date: date, actor: str,
                    records_sent_on: date | None = None, school_name: str = "", role: str = COUNSELOR,
                    at: str | None = None) -> int:
    """Move the student's enrollment to the host district: the current enrollment in this
    district ends on the unenrollment date and a full-time public enrollment in the host district
    starts the next day. Returns the new enrollment's id. Needs REQUESTS_UPDATE."""
    require(store, REQUESTS_UPDATE)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    row = _full_time(store, request_id)
    lifecycle.check_transition(row["pathway"], row["status"], "transferred", role)
    host = (row["host_district"] or "").strip()
    if not host:
        raise ReviewError("The request names no host district; add it before recording the transfer.")
    steps = full_time_steps(store, request_id) or {}
    if steps.get("host_answered_on") and unenrollment_date < date.fromisoformat(steps["host_answered_on"]):
        raise ReviewError("Do not unenroll the student before the host district accepted.")
    if records_sent_on is not None and records_sent_on < unenrollment_date - timedelta(days=30):
        raise ReviewError("The records-sent date is long before the unenrollment date; check it.")
    here = core.normalize_district(district_code(store))
    current = [e for e in store.query(
        "SELECT * FROM enrollments WHERE student_id = ? AND entry <= ? AND (exit IS NULL OR exit >= ?) "
        "ORDER BY entry DESC", (row["student_id"], unenrollment_date.isoformat(), unenrollment_date.isoformat()))
        if core.normalize_district(e["district_code"]) == here]
    if not current:
        raise ReviewError(f"The student has no enrollment in this district on {format_day(unenrollment_date)} "
                          "to end; check the unenrollment date.")
    enrollment = current[0]
    stamp = at or now()
    with store.transaction() as db:
        db.execute("UPDATE enrollments SET exit = ? WHERE id = ?", [unenrollment_date.isoformat(), enrollment["id"]])
        new_id = db["enrollments"].insert({
            "student_id": row["student_id"], "district_code": host,
            "school_name": school_name.strip() or "Full-time virtual program (host district)",
            "school_kind": "public", "state": "MO", "full_time": 1,
            "entry": (unenrollment_date + timedelta(days=1)).isoformat(), "exit": None}).last_pk
        _upsert_steps(db, request_id, {
            "unenrollment_date": unenrollment_date.isoformat(),
            "records_sent_on": records_sent_on.isoformat() if records_sent_on else None,
            "exited_enrollment_id": enrollment["id"], "host_enrollment_id": new_id}, stamp)
        db.execute("UPDATE requests SET status = 'transferred', updated_at = ? WHERE id = ?", [stamp, request_id])
        add_event(db, request_id, "transferred", actor, {
            "from": row["status"], "to": "transferred", "unenrollment_date": unenrollment_date.isoformat(),
            "records_sent_on": records_sent_on.isoformat() if records_sent_on else None,
            "host_district": host, "exited_enrollment": enrollment["id"], "host_enrollment": new_id}, stamp)
        trail.note(db, store, "full_time_transferred", student_id=row["student_id"], request_id=request_id, detail={
            "before": {"status": row["status"], f"enrollment {enrollment['id']} exit": enrollment["exit"]},
            "after": {"status": "transferred", f"enrollment {enrollment['id']} exit": unenrollment_date.isoformat()},
            "host_district": host, "host_enrollment": new_id,
            "records_sent_on": records_sent_on.isoformat() if records_sent_on else None})
    log.info("Request %s: enrollment %s ended, host enrollment %s added", request_id, enrollment["id"], new_id)
    return new_id


def record_records_sent(store: Store, request_id: int, sent_on: date, actor: str, at: str | None = None) -> None:
    """Records went to the host district after the transfer was recorded (REQUESTS_UPDATE)."""
    require(store, REQUESTS_UPDATE)
    actor = trail.acting_name(store, actor)
    row = _full_time(store, request_id)
    before = (full_time_steps(store, request_id) or {}).get("records_sent_on")
    stamp = at or now()
    with store.transaction() as db:
        _upsert_steps(db, request_id, {"records_sent_on": sent_on.isoformat()}, stamp)
        add_event(db, request_id, "records_sent", actor, {"sent_on": sent_on.isoformat()}, stamp)
        trail.note(db, store, "full_time_records_sent", student_id=row["student_id"], request_id=request_id,
                   detail={"before": {"records_sent_on": before}, "after": {"records_sent_on": sent_on.isoformat()},
                           "recipient": row["host_district"] or "The host district",
                           "records": "The student's education records, to the host district"})
