"""Appeals: to the Board of Education, then to the state (DESE), with their deadlines."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable

from mocap_desktop import core
from mocap_desktop.core import lifecycle
from mocap_desktop.core.access import APPEALS_RECORD, REQUESTS_READ, require
from mocap_desktop.core.lifecycle import ADMINISTRATOR
from mocap_desktop.services.requests import active_policy, add_event, now
from mocap_desktop.services.review.common import (
    format_day,
    parse_day,
    queue_decision_letter,
    request_row,
    ReviewError,
    student_of,
)
from mocap_desktop.store import Store, trail
from mocap_desktop.store.enrollments import track_approved_courses

log = logging.getLogger(__name__)


# --- appeals -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Document:
    """Where a paper of the appeal is kept (a folder, a file path, 'Board minutes 2026-12-14')."""

    label: str
    location: str


@dataclass(frozen=True)
class AppealForm:
    level: str
    filed_on: date
    hearing_on: date | None = None
    notes: str = ""
    documents: tuple[Document, ...] = ()


@dataclass(frozen=True)
class AppealDue:
    decision_due: date | None
    record_due: date | None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _days_after(day: date, days: int | None) -> date | None:
    return None if days is None else day + timedelta(days=days)


def appeal_due_dates(policy: core.Policy, level: str, filed_on: date) -> AppealDue:
    """Board: decides within `board_decision_calendar_days` calendar days. State: the district
    sends its record within `state_record_hours` hours (read as whole days after filing) and
    DESE decides within `state_decision_calendar_days` calendar days. A clock the district has
    switched off gives no date."""
    if level == "board":
        return AppealDue(_days_after(filed_on, policy.board_decision_calendar_days), None)
    if level == "state":
        hours = policy.state_record_hours
        return AppealDue(_days_after(filed_on, policy.state_decision_calendar_days),
                         _days_after(filed_on, None if hours is None else -(-hours // 24)))
    raise ReviewError(f"An appeal goes to the board or the state, not '{level}'.")


_APPEAL_STATUS = {"board": "board_appeal", "state": "state_appeal"}


def _documents_json(documents: Iterable[Document]) -> str:
    docs = [{"label": d.label.strip(), "location": d.location.strip()} for d in documents
            if d.label.strip() or d.location.strip()]
    return json.dumps(docs, ensure_ascii=False)


def record_appeal(store: Store, request_id: int, form: AppealForm, actor: str, role: str = ADMINISTRATOR,
                  at: str | None = None) -> int:
    """Record an appeal to the board (after a denial or partial approval) or to the state
    (after the board upheld it), with its deadlines from the policy. Returns the appeal's id.
    Needs APPEALS_RECORD."""
    require(store, APPEALS_RECORD)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    row = request_row(store, request_id)
    if form.level not in _APPEAL_STATUS:
        raise ReviewError(f"An appeal goes to the board or the state, not '{form.level}'.")
    new_status = _APPEAL_STATUS[form.level]
    lifecycle.check_transition(row["pathway"], row["status"], new_status, role)
    if form.filed_on is None:
        raise ReviewError("Enter the date the appeal was filed.")
    team = {"iep_team": "IEP team", "section_504_team": "Section 504 team"}.get(row["routing"])
    if team:
        raise ReviewError(f"The {team} made this decision: an appeal goes through the "
                          f"{'special-education' if row['routing'] == 'iep_team' else 'Section 504'} "
                          "process, not the Board of Education.")
    decided = store.query("SELECT max(decided_on) AS d FROM decisions WHERE request_id = ?", (request_id,))[0]["d"]
    if decided and form.filed_on < date.fromisoformat(decided):
        raise ReviewError(f"The appeal cannot be filed before the decision ({format_day(parse_day(decided))}).")
    if form.hearing_on is not None and form.hearing_on < form.filed_on:
        raise ReviewError("The hearing cannot be before the appeal was filed.")
    policy = active_policy(store)
    due = appeal_due_dates(policy, form.level, form.filed_on)
    stamp = at or now()
    with store.transaction() as db:
        appeal_id = db["appeals"].insert({
            "request_id": request_id, "level": form.level, "filed_on": form.filed_on.isoformat(),
            "hearing_on": form.hearing_on.isoformat() if form.hearing_on else None,
            "decision_due": _iso(due.decision_due),
            "record_due": _iso(due.record_due),
            "documents": _documents_json(form.documents), "notes": form.notes.strip(),
            "policy_id": policy.id, "policy_version": policy.version,
            "created_by": actor, "created_at": stamp, "updated_at": stamp,
        }).last_pk
        db.execute("UPDATE requests SET status = ?, updated_at = ? WHERE id = ?", [new_status, stamp, request_id])
        add_event(db, request_id, "appealed", actor, {
            "from": row["status"], "to": new_status, "level": form.level, "filed_on": form.filed_on.isoformat(),
            "hearing_on": form.hearing_on.isoformat() if form.hearing_on else None,
            "decision_due": _iso(due.decision_due),
            "record_due": _iso(due.record_due)}, stamp)
        trail.note(db, store, "appeal_recorded", student_id=row["student_id"], request_id=request_id, detail={
            "appeal_id": appeal_id, "level": form.level, "before": {"status": row["status"]},
            "after": {"status": new_status}, "filed_on": form.filed_on.isoformat(),
            "hearing_on": form.hearing_on.isoformat() if form.hearing_on else None,
            "decision_due": _iso(due.decision_due), "documents": len(json.loads(_documents_json(form.documents))),
            "notes_written": bool(form.notes.strip())})
    log.info("Appeal %s (%s) recorded on request %s", appeal_id, form.level, request_id)
    return appeal_id


def _appeal(store: Store, appeal_id: int) -> dict:
    rows = store.query("SELECT * FROM appeals WHERE id = ?", (appeal_id,))
    if not rows:
        raise ReviewError(f"No appeal with id {appeal_id}.")
    return rows[0]


def open_appeal(store: Store, request_id: int) -> dict | None:
    require(store, REQUESTS_READ)
    rows = store.query("SELECT * FROM appeals WHERE request_id = ? AND outcome IS NULL ORDER BY id DESC LIMIT 1",
                       (request_id,))
    return rows[0] if rows else None


def update_appeal(store: Store, appeal_id: int, actor: str, hearing_on: date | None = None,
                  documents: Iterable[Document] | None = None, notes: str | None = None,
                  at: str | None = None) -> None:
    """Set an appeal's hearing date, documents' locations or notes (APPEALS_RECORD)."""
    require(store, APPEALS_RECORD)
    actor = trail.acting_name(store, actor)
    appeal = _appeal(store, appeal_id)
    if hearing_on is not None and hearing_on < date.fromisoformat(appeal["filed_on"]):
        raise ReviewError("The hearing cannot be before the appeal was filed.")
    stamp = at or now()
    changes: dict[str, Any] = {"updated_at": stamp}
    if hearing_on is not None:
        changes["hearing_on"] = hearing_on.isoformat()
    if documents is not None:
        changes["documents"] = _documents_json(documents)
    if notes is not None:
        changes["notes"] = notes.strip()
    with store.transaction() as db:
        db["appeals"].update(appeal_id, changes)
        add_event(db, appeal["request_id"], "appeal_updated", actor,
                  {"level": appeal["level"], **{k: v for k, v in changes.items() if k in ("hearing_on",)},
                   "documents": len(json.loads(changes.get("documents", appeal["documents"])))}, stamp)
        before = {"hearing_on": appeal["hearing_on"], "documents": len(json.loads(appeal["documents"] or "[]"))}
        after = {"hearing_on": changes.get("hearing_on", appeal["hearing_on"]),
                 "documents": len(json.loads(changes.get("documents", appeal["documents"]) or "[]"))}
        trail.note(db, store, "appeal_updated", student_id=student_of(store, appeal["request_id"]),
                   request_id=appeal["request_id"], detail={
                       "appeal_id": appeal_id, **trail.changes(before, after),
                       "notes_changed": "notes" in changes and changes["notes"] != appeal["notes"]})


def record_state_record_sent(store: Store, appeal_id: int, sent_on: date, actor: str, at: str | None = None) -> None:
    """The district's record went to DESE (due within 72 hours of a state appeal). APPEALS_RECORD."""
    require(store, APPEALS_RECORD)
    actor = trail.acting_name(store, actor)
    appeal = _appeal(store, appeal_id)
    if appeal["level"] != "state":
        raise ReviewError("Only a state appeal has a record to send to DESE.")
    if sent_on < date.fromisoformat(appeal["filed_on"]):
        raise ReviewError("The record cannot be sent before the appeal was filed.")
    stamp = at or now()
    with store.transaction() as db:
        db["appeals"].update(appeal_id, {"record_sent_on": sent_on.isoformat(), "updated_at": stamp})
        add_event(db, appeal["request_id"], "record_sent", actor,
                  {"to": "DESE", "sent_on": sent_on.isoformat(), "record_due": appeal["record_due"]}, stamp)
        trail.note(db, store, "appeal_record_sent", student_id=student_of(store, appeal["request_id"]),
                   request_id=appeal["request_id"], detail={
                       "appeal_id": appeal_id, "before": {"record_sent_on": appeal["record_sent_on"]},
                       "after": {"record_sent_on": sent_on.isoformat()}, "recipient": "DESE",
                       "records": "The district's record of the appeal"})


def record_appeal_outcome(store: Store, appeal_id: int, outcome: str, outcome_on: date, actor: str,
                          role: str = ADMINISTRATOR, notes: str = "", documents: Iterable[Document] | None = None,
                          at: str | None = None, letter: bool = True) -> None:
    """The board's or the state's answer. Overturned: the denied courses are approved and the
    approval letter is queued. Needs APPEALS_RECORD."""
    require(store, APPEALS_RECORD)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    appeal = _appeal(store, appeal_id)
    if appeal["outcome"] is not None:
        raise ReviewError("This appeal already has an outcome.")
    if outcome not in ("upheld", "overturned"):
        raise ReviewError(f"An appeal is upheld or overturned, not '{outcome}'.")
    if outcome_on is None or outcome_on < date.fromisoformat(appeal["filed_on"]):
        raise ReviewError("The outcome date cannot be before the appeal was filed.")
    request_id = appeal["request_id"]
    row = request_row(store, request_id)
    new_status = f"{appeal['level']}_{outcome}"
    lifecycle.check_transition(row["pathway"], row["status"], new_status, role)
    stamp = at or now()
    changes: dict[str, Any] = {"outcome": outcome, "outcome_on": outcome_on.isoformat(), "updated_at": stamp}
    if notes.strip():
        changes["notes"] = (appeal["notes"] + "\n" + notes.strip()).strip()
    if documents is not None:
        changes["documents"] = _documents_json(documents)
    approved_now: list[str] = []
    with store.transaction() as db:
        db["appeals"].update(appeal_id, changes)
        if outcome == "overturned":
            approved_now = [r["code"] for r in store.query(
                "SELECT code FROM request_courses WHERE request_id = ? AND decision = 'denied' ORDER BY position",
                (request_id,))]
            db.execute("UPDATE request_courses SET decision = 'approved' WHERE request_id = ? AND decision = 'denied'",
                       [request_id])
            track_approved_courses(db, request_id, stamp)
        db.execute("UPDATE requests SET status = ?, updated_at = ? WHERE id = ?", [new_status, stamp, request_id])
        add_event(db, request_id, "appeal_decided", actor, {
            "from": row["status"], "to": new_status, "level": appeal["level"], "outcome": outcome,
            "outcome_on": outcome_on.isoformat(), "approved": approved_now}, stamp)
        trail.note(db, store, "appeal_outcome_recorded", student_id=row["student_id"], request_id=request_id,
                   detail={"appeal_id": appeal_id, "level": appeal["level"], "outcome": outcome,
                           "outcome_on": outcome_on.isoformat(), "before": {"status": row["status"]},
                           "after": {"status": new_status}, "approved": approved_now})
    log.info("Appeal %s on request %s: %s", appeal_id, request_id, outcome)
    if outcome == "overturned" and letter:
        queue_decision_letter(store, request_id, "approved", actor, at=stamp)
