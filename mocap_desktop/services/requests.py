"""MOCAP requests: the rules core's inputs read from the database, evaluation, submission and
status changes. Shared by the wizard, the review queue, the demo seed and the command line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mocap_desktop import core
from mocap_desktop.core import lifecycle
from mocap_desktop.core.access import REQUESTS_CREATE, REQUESTS_UPDATE, require
from mocap_desktop.services.rules import load_default_policy
from mocap_desktop.store import Store, sync, trail
from mocap_desktop.store.district import DistrictRepo


class RequestError(ValueError):
    """A request that cannot be stored as asked; the message names the field."""


@dataclass(frozen=True)
class DraftCourse:
    code: str
    credits: Decimal
    title: str = ""
    provider_name: str = ""
    course_id: int | None = None


@dataclass
class RequestDraft:
    """What the wizard collects. Dates are `date`, credits `Decimal`."""

    student_id: int
    pathway: str
    start_term: str
    received: date
    in_person_credits: Decimal = Decimal("0")
    courses: list[DraftCourse] = field(default_factory=list)
    waiver: core.MedicalWaiver | None = None
    provider_id: int | None = None
    host_district: str = ""
    family_reasons: list[str] = field(default_factory=list)
    letter_guardian_id: int | None = None
    letter_language: str = "en"
    start_date: date | None = None  # the first day of the courses (part-time), inside the start term
    mosis_id: str = ""  # entered for a student whose record has none; saved with the request


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def active_policy(store: Store) -> core.Policy:
    """The district's active policy profile, else the default shipped in resources."""
    rows = store.query("SELECT body FROM policy_profiles WHERE active = 1 ORDER BY effective_date DESC LIMIT 1")
    return core.load_policy(json.loads(rows[0]["body"])) if rows else load_default_policy()


def district_calendar(store: Store) -> core.Calendar:
    """The district's terms and closed days (read again only after the database changed)."""
    def read() -> core.Calendar:
        data = DistrictRepo(store).calendar()
        return core.Calendar.of(
            (core.Term(t.id, date.fromisoformat(t.start), date.fromisoformat(t.end)) for t in data.terms),
            (date.fromisoformat(d) for d in data.closed_days),
            (date.fromisoformat(d) for d in data.no_school_days),
        )
    return store.unchanged("district calendar", read)


def district_code(store: Store) -> str:
    profile = DistrictRepo(store).profile()
    if profile is None:
        raise RequestError("The district profile is not set up yet (county-district code).")
    return profile.code


def student_for_rules(store: Store, student_id: int) -> core.Student:
    rows = store.query("SELECT * FROM students WHERE id = ?", (student_id,))
    if not rows:
        raise RequestError(f"No student with id {student_id}.")
    s = rows[0]
    enrollments = tuple(
        core.Enrollment(
            district=e["district_code"], school_kind=e["school_kind"], state=e["state"],
            full_time=bool(e["full_time"]), entry=date.fromisoformat(e["entry"]),
            exit=date.fromisoformat(e["exit"]) if e["exit"] else None,
        )
        for e in store.query("SELECT * FROM enrollments WHERE student_id = ? ORDER BY entry", (student_id,))
    )
    return core.Student(
        birth_date=date.fromisoformat(s["birth_date"]) if s["birth_date"] else None, grade=s["grade"],
        resides_in_missouri=bool(s["resides_in_missouri"]), iep=bool(s["iep"]),
        section_504=bool(s["section_504"]), mshsaa_activities=bool(s["mshsaa_activities"]),
        active_virtual_courses=s["active_virtual_courses"], enrollments=enrollments,
        mosis_id=s["mosis_id"],
    )


def _core_request(draft: RequestDraft, request_id: str = "draft") -> core.Request:
    return core.Request(
        id=request_id, pathway=draft.pathway, start_term=draft.start_term, received=draft.received,
        in_person_credits=Decimal(draft.in_person_credits),
        courses=tuple(core.Course(c.code, Decimal(c.credits)) for c in draft.courses),
        medical_waiver=draft.waiver,
    )


def check_mosis_id(store: Store, mosis_id: str, student_id: int) -> str:
    """A MOSIS ID typed for `student_id`: ten digits, no other student's. Returns the digits."""
    digits = mosis_id.replace(" ", "")
    if not digits:
        raise RequestError("The student's record has no MOSIS ID: enter it (ten digits). The "
                           "provider needs it to enroll the student.")
    if not digits.isdigit() or len(digits) != 10:
        raise RequestError(f'MOSIS ID "{mosis_id}" must be exactly ten digits.')
    other = store.query("SELECT local_number FROM students WHERE mosis_id = ? AND id != ?", (digits, student_id))
    if other:
        raise RequestError(f"MOSIS ID {digits} belongs to the student with local number "
                           f"{other[0]['local_number']}: check the number.")
    return digits


def validate_draft(store: Store, draft: RequestDraft) -> None:
    """Refuse what the rules cannot evaluate, naming the field."""
    if draft.pathway not in core.model.PATHWAYS:
        raise RequestError(f"pathway: '{draft.pathway}' is neither part-time nor full-time.")
    calendar = district_calendar(store)
    try:
        calendar.term(draft.start_term)
    except KeyError:
        raise RequestError(f"start term: '{draft.start_term}' is not in the district calendar.") from None
    if calendar.prior_term(draft.start_term) is None:
        raise RequestError(f"start term: '{draft.start_term}' is the first term of the calendar; "
                           "add the term before it so the prior-semester rule can be checked.")
    if Decimal(draft.in_person_credits) < 0:
        raise RequestError("in-person credits: cannot be negative.")
    for n, course in enumerate(draft.courses, start=1):
        if Decimal(course.credits) < 0:
            raise RequestError(f"course {n} ({course.code}): credits cannot be negative.")
    if draft.pathway == "part_time" and not draft.courses:
        raise RequestError("courses: a part-time request needs at least one course.")
    codes = [c.code for c in draft.courses]
    if len(set(codes)) != len(codes):
        raise RequestError("courses: the same course is listed twice.")


def evaluate_draft(store: Store, draft: RequestDraft, lang: str = "en",
                   decision: core.Decision | None = None) -> core.Evaluation:
    """The rules on the wizard's answers (needs REQUESTS_CREATE: it reads the student's record)."""
    require(store, REQUESTS_CREATE)
    validate_draft(store, draft)
    return core.evaluate(student_for_rules(store, draft.student_id), _core_request(draft),
                         district_calendar(store), district_code(store), active_policy(store),
                         decision, lang=lang)


def add_event(db, request_id: int, kind: str, actor: str, detail: dict[str, Any] | None = None,
              at: str | None = None) -> None:
    db["request_events"].insert({"request_id": request_id, "at": at or now(), "actor": actor,
                                 "kind": kind, "detail": json.dumps(detail or {}, ensure_ascii=False)})


def submit_request(store: Store, draft: RequestDraft, actor: str, at: str | None = None) -> int:
    """Evaluate and store a request with a snapshot of its findings. Returns its id.

    Needs REQUESTS_CREATE; recorded in the audit trail (`request_submitted`)."""
    require(store, REQUESTS_CREATE)
    actor = trail.acting_name(store, actor)
    evaluation = evaluate_draft(store, draft)
    snapshot = core.evaluation_to_dict(evaluation)
    stamp = at or now()
    fte = {c.code: c.fte for c in evaluation.courses}
    mosis_id = check_mosis_id(store, draft.mosis_id, draft.student_id) if draft.mosis_id else ""
    with store.transaction() as db:
        if mosis_id:  # typed in the wizard for a record without one
            db.execute("UPDATE students SET mosis_id = ? WHERE id = ? AND COALESCE(mosis_id, '') = ''",
                       [mosis_id, draft.student_id])
        table = db["requests"]
        table.insert({
            "reference": f"pending-{stamp}-{draft.student_id}",
            "student_id": draft.student_id, "pathway": draft.pathway,
            "status": lifecycle.INITIAL[draft.pathway], "start_term": draft.start_term,
            "received": draft.received.isoformat(), "in_person_credits": float(draft.in_person_credits),
            "routing": evaluation.routing, "eligible": int(evaluation.eligible),
            "decision_due": snapshot["decision_due"], "input_due": snapshot["input_due"],
            "deemed_approved_on": snapshot["deemed_approved_on"],
            "policy_id": evaluation.policy_id, "policy_version": evaluation.policy_version,
            "evaluation": json.dumps(snapshot, ensure_ascii=False),
            "waiver_documented": None if draft.waiver is None else int(draft.waiver.documented),
            "waiver_document_date": draft.waiver.document_date.isoformat()
            if draft.waiver and draft.waiver.document_date else None,
            "waiver_verified_by": draft.waiver.verified_by_role if draft.waiver else None,
            "provider_id": draft.provider_id, "host_district": draft.host_district,
            "family_reasons": json.dumps(draft.family_reasons, ensure_ascii=False),
            "letter_guardian_id": draft.letter_guardian_id, "letter_language": draft.letter_language,
            "start_date": draft.start_date.isoformat() if draft.start_date else None,
            "created_by": actor, "created_at": stamp, "updated_at": stamp,
        })
        request_id = table.last_pk
        reference = request_reference(db.conn, draft.received.year, request_id)
        db.execute("UPDATE requests SET reference = ? WHERE id = ?", [reference, request_id])
        db["request_courses"].insert_all(
            {"request_id": request_id, "course_id": c.course_id, "position": n, "code": c.code,
             "title": c.title, "provider_name": c.provider_name, "credits": float(c.credits),
             "fte": fte.get(c.code)}
            for n, c in enumerate(draft.courses, start=1)
        )
        add_event(db, request_id, "created", actor, {"pathway": draft.pathway}, stamp)
        add_event(db, request_id, "evaluated", actor,
                  {"eligible": evaluation.eligible, "policy": f"{evaluation.policy_id} {evaluation.policy_version}"},
                  stamp)
        trail.note(db, store, "request_submitted", student_id=draft.student_id, request_id=request_id, detail={
            "reference": reference, "pathway": draft.pathway,
            "start_term": draft.start_term, "courses": [c.code for c in draft.courses],
            "status": lifecycle.INITIAL[draft.pathway], "routing": evaluation.routing,
            "eligible": evaluation.eligible, **({"mosis_id_entered": True} if mosis_id else {})})
    return request_id


def request_reference(conn, year: int, request_id: int) -> str:
    """MOCAP-2026-0057; on a PC in district mode with its number, MOCAP-2026-03-0057, so two
    offices never give two requests one reference."""
    pc = sync.pc_number(conn)
    return f"MOCAP-{year}-{request_id:04d}" if pc is None else f"MOCAP-{year}-{pc:02d}-{request_id:04d}"


@dataclass(frozen=True)
class OpenRequest:
    """A request of the student that is not withdrawn or closed: what the wizard shows so a
    duplicate is caught."""

    id: int
    reference: str
    pathway: str
    status: str
    start_term: str
    received: str
    courses: tuple[str, ...]  # "ENG10A English 10 A (Launch)"


def open_requests_for(store: Store, student_id: int) -> list[OpenRequest]:
    require(store, REQUESTS_CREATE)
    rows = store.query(
        "SELECT id, reference, pathway, status, start_term, received FROM requests "
        "WHERE student_id = ? AND status NOT IN ('closed', 'withdrawn') ORDER BY received DESC, id DESC",
        (student_id,))
    out = []
    for r in rows:
        courses = tuple(
            f"{c['code']} {c['title']}" + (f" ({c['provider_name']})" if c["provider_name"] else "")
            for c in store.query("SELECT code, title, provider_name FROM request_courses "
                                 "WHERE request_id = ? ORDER BY position", (r["id"],)))
        out.append(OpenRequest(r["id"], r["reference"], r["pathway"], r["status"], r["start_term"],
                               r["received"], courses))
    return out


def requested_courses(store: Store, student_id: int, start_term: str) -> dict[str, tuple[str, str, str]]:
    """Courses already asked for this student and term, in a request not withdrawn and not
    denied for that course: code case-folded → (request reference, status, provider name)."""
    require(store, REQUESTS_CREATE)
    rows = store.query(
        "SELECT c.code, c.provider_name, r.reference, r.status FROM request_courses c "
        "JOIN requests r ON r.id = c.request_id WHERE r.student_id = ? AND r.start_term = ? "
        "AND r.status != 'withdrawn' AND (c.decision IS NULL OR c.decision != 'denied') "
        "ORDER BY r.id", (student_id, start_term))
    return {r["code"].casefold(): (r["reference"], r["status"], r["provider_name"]) for r in rows}


def change_status(store: Store, request_id: int, new_status: str, role: str, actor: str,
                  detail: dict[str, Any] | None = None, at: str | None = None) -> None:
    """Move a request along its lifecycle; an invalid move raises `TransitionRefused`, unwritten.

    Needs REQUESTS_UPDATE; a signed-in person moves it in their own lifecycle role."""
    require(store, REQUESTS_UPDATE)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    rows = store.query("SELECT student_id, pathway, status FROM requests WHERE id = ?", (request_id,))
    if not rows:
        raise RequestError(f"No request with id {request_id}.")
    lifecycle.check_transition(rows[0]["pathway"], rows[0]["status"], new_status, role)
    stamp = at or now()
    with store.transaction() as db:
        db.execute("UPDATE requests SET status = ?, updated_at = ? WHERE id = ?",
                   [new_status, stamp, request_id])
        kind = "withdrawn" if new_status == "withdrawn" else "status_changed"
        add_event(db, request_id, kind, actor,
                  {"from": rows[0]["status"], "to": new_status, **(detail or {})}, stamp)
        trail.note(db, store, "status_changed", student_id=rows[0]["student_id"], request_id=request_id,
                   detail={"before": {"status": rows[0]["status"]}, "after": {"status": new_status}})
