"""One request on the detail screen: its findings then and now, its timeline, appeals and letters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from mocap_desktop import core
from mocap_desktop.core import enrollments, lifecycle
from mocap_desktop.core.access import REQUESTS_READ, require, user_of
from mocap_desktop.core.lifecycle import LABELS
from mocap_desktop.core.messages import LANGUAGE_LABELS, LETTER_KIND_LABELS, ROLE_NAMES, format_credits
from mocap_desktop.services.requests import RequestError, active_policy
from mocap_desktop.services.review.appeals import Document
from mocap_desktop.services.review.common import (
    APPEAL_LEVELS,
    PATHWAY_LABELS,
    CourseLine,
    display_name,
    evaluate_today,
    format_day,
    parse_day,
    request_courses,
    request_row,
)
from mocap_desktop.services.review.decisions import latest_decision
from mocap_desktop.services.review.full_time import full_time_steps
from mocap_desktop.services.review.queue_list import ALL, queue, QueueFilter, urgency
from mocap_desktop.store import Store, trail


# --- the detail screen ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FindingLine:
    rule: str
    name: str
    outcome: str
    message: str


@dataclass(frozen=True)
class FindingsSnapshot:
    label: str
    policy_id: str
    policy_version: str
    eligible: bool
    findings: tuple[FindingLine, ...]


@dataclass(frozen=True)
class TimelineEntry:
    at: str
    actor: str
    kind: str
    text: str


@dataclass(frozen=True)
class AppealInfo:
    id: int
    level: str
    filed_on: date
    hearing_on: date | None
    decision_due: date | None
    record_due: date | None
    record_sent_on: date | None
    outcome: str | None
    outcome_on: date | None
    documents: tuple[Document, ...]
    notes: str
    policy: str


@dataclass(frozen=True)
class RequestDetail:
    request_id: int
    reference: str
    status: str
    pathway: str
    routing: str
    student_id: int
    student: str
    grade: str
    building: str
    birth_date: date | None  # None: not on record
    local_number: str
    flags: tuple[str, ...]
    start_term: str  # the term's name ("Spring 2027"), as the district calendar calls it
    start_date: str
    received: date
    in_person_credits: Decimal
    courses: tuple[CourseLine, ...]
    district_obligated_credits: str
    waiver: str
    provider: str
    host_district: str
    family_reasons: tuple[str, ...]
    letter_to: str
    letter_language: str
    created_by: str
    due: date | None
    due_kind: str
    days_left: int | None
    deemed_approved_on: date | None
    submitted: FindingsSnapshot
    today: FindingsSnapshot
    decision: dict | None
    appeals: tuple[AppealInfo, ...]
    full_time: dict | None
    enrollments: tuple[dict, ...]
    timeline: tuple[TimelineEntry, ...]
    letters: tuple[dict, ...]
    next_statuses: tuple[str, ...]
    duplicate_of: tuple[str, ...] = ()  # "MOCAP-2026-02-0003 (Submitted): CHEMA" — asked for earlier

    @property
    def status_label(self) -> str:
        return LABELS.get(self.status, self.status)

    @property
    def urgency(self) -> str:
        return urgency(self.days_left)

    @property
    def can_decide(self) -> bool:
        return self.pathway == "part_time" and self.status in ("submitted", "in_review")

    @property
    def can_appeal(self) -> bool:
        return "board_appeal" in self.next_statuses or "state_appeal" in self.next_statuses

    @property
    def open_appeal(self) -> AppealInfo | None:
        return next((a for a in reversed(self.appeals) if a.outcome is None), None)


OUTCOME_WORDS = {"pass": "Pass", "fail": "Fail", "waived": "Waived", "warn": "Note", "not_applicable": "n/a"}


def _snapshot_lines(findings: Iterable[dict], lang: str = "en") -> tuple[FindingLine, ...]:
    return tuple(FindingLine(f["rule"], core.rule_name(f["rule"], lang), f["outcome"], f["message"]) for f in findings)


def _day(value: str | None) -> str:
    """An ISO date from an event's detail as the screens write it (Dec 6, 2026)."""
    try:
        return format_day(parse_day(value[:10])) if value else ""
    except ValueError:
        return str(value)


def _describe(kind: str, d: dict) -> str:
    label = lambda s: LABELS.get(s, s).lower()  # noqa: E731
    if kind == "created":
        return f"Request created ({PATHWAY_LABELS.get(d.get('pathway'), d.get('pathway', '')).lower()})."
    if kind == "evaluated":
        return (f"Rules checked under policy {d.get('policy', '')}: "
                f"{'eligible' if d.get('eligible') else 'not eligible'}.")
    if kind == "decided":
        who = ROLE_NAMES["en"].get(d.get("decided_by_role", ""), d.get("decided_by_role", ""))
        name = f" ({d['decided_by']})" if d.get("decided_by") else ""
        text = f"Decided: {label(d.get('to', ''))} by {who}{name} on {_day(d.get('decided_on'))}."
        if d.get("approved"):
            text += f" Approved: {', '.join(d['approved'])}."
        if d.get("denied"):
            text += f" Denied: {', '.join(d['denied'])} (reasons: {', '.join(d.get('reasons', []))})."
        return text
    if kind == "appealed":
        level = APPEAL_LEVELS.get(d.get("level"), d.get("level", ""))
        text = f"Appealed to the {level} on {_day(d.get('filed_on'))}"
        text += f"; decision due {_day(d['decision_due'])}." if d.get("decision_due") else "."
        if d.get("record_due"):
            text += f" District record to DESE due {_day(d['record_due'])}."
        if d.get("hearing_on"):
            text += f" Hearing {_day(d['hearing_on'])}."
        return text
    if kind == "appeal_decided":
        level = APPEAL_LEVELS.get(d.get("level"), d.get("level", ""))
        text = f"{level}: {d.get('outcome', '')} on {_day(d.get('outcome_on'))}."
        if d.get("approved"):
            text += f" Now approved: {', '.join(d['approved'])}."
        return text
    if kind == "appeal_updated":
        return "Appeal record updated" + (f": hearing {_day(d['hearing_on'])}." if d.get("hearing_on") else ".")
    if kind == "record_sent":
        return f"District record sent to DESE on {_day(d.get('sent_on'))} (due {_day(d.get('record_due'))})."
    if kind == "input_sent":
        on_time = "on time" if d.get("on_time") else "late"
        return f"District input sent to the program on {_day(d.get('sent_on'))} ({on_time}; due {_day(d.get('input_due'))})."
    if kind == "host_answered":
        return f"Host district {'accepted' if d.get('to') == 'host_accepted' else 'declined'} on {_day(d.get('answered_on'))}."
    if kind == "transferred":
        text = (f"Transferred to host district {d.get('host_district', '')}: enrollment here ends "
                f"{_day(d.get('unenrollment_date'))}.")
        if d.get("records_sent_on"):
            text += f" Records sent {_day(d['records_sent_on'])}."
        return text
    if kind == "records_sent":
        return f"Records sent to the host district on {_day(d.get('sent_on'))}."
    if kind == "withdrawn":
        return "Withdrawn" + (f": {d['reason']}" if d.get("reason") else ".")
    if kind == "closed":
        return "Closed."
    if kind == "letter_queued":
        return f"Parent letter queued: {LETTER_KIND_LABELS.get(d.get('kind'), str(d.get('kind', ''))).lower()}" + \
            (f" ({LANGUAGE_LABELS.get(d['language'], d['language'])})." if d.get("language") else ".")
    if kind == "letter_not_queued":
        return f"Parent letter ({str(d.get('kind', '')).replace('_', ' ')}) not queued: {d.get('problem', '')}"
    if kind in ("letter_printed", "printed"):
        return f"Parent letter printed: {str(d.get('kind', '')).replace('_', ' ')}."
    if kind == "packet_exported":
        return f"Appeal packet exported ({d.get('file', '')})."
    if kind == "provider_packet_saved":
        return (f"Provider packet for {d.get('provider', '')} saved "
                f"({', '.join(d.get('codes', []))}; {d.get('file', '')}).")
    if kind == "enrollment_moved":
        to = d.get("to", "")
        text = f"{d.get('code', '')}: {enrollments.LABELS.get(to, to).lower()}"
        on = d.get("sent_on") or d.get("confirmed_on") or d.get("refused_on") or d.get("ended_on")
        text += f" on {_day(on)}" if on else ""
        extra = [enrollments.SEND_METHODS.get(d.get("sent_method"), "").lower(), d.get("refused_reason", ""),
                 f"{d['drop_window']} the drop window" if d.get("drop_window") else "", d.get("final_grade", ""),
                 f"{format_credits(d['credits_earned'])} credit{'s' if d['credits_earned'] > 1 else ''}"
                 if d.get("credits_earned") is not None else ""]
        extra = [x for x in extra if x]
        return text + (f" ({', '.join(extra)})." if extra else ".")
    if kind == "status_changed":
        return f"Status: {label(d.get('from', ''))} → {label(d.get('to', ''))}."
    return kind.replace("_", " ").capitalize() + "."


def timeline(store: Store, request_id: int) -> tuple[TimelineEntry, ...]:
    """Every event of the request in the order it was recorded, with who and when."""
    require(store, REQUESTS_READ)
    return tuple(TimelineEntry(e["at"], e["actor"], e["kind"], _describe(e["kind"], json.loads(e["detail"] or "{}")))
                 for e in store.query("SELECT * FROM request_events WHERE request_id = ? ORDER BY id",
                                      (request_id,)))


def _letters(store: Store, request_id: int) -> tuple[dict, ...]:
    """Letters the print center holds for the request, when the letters tables exist."""
    tables = {r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "letters" not in tables:
        return ()
    columns = {r["name"] for r in store.query("PRAGMA table_info(letters)")}
    if "request_id" not in columns:
        return ()
    return tuple(store.query("SELECT * FROM letters WHERE request_id = ? ORDER BY id", (request_id,)))


def request_detail(store: Store, request_id: int, today: date | None = None, lang: str = "en",
                   viewed: bool = True) -> RequestDetail:
    """Everything about one request: what the wizard captured, findings then and now, the
    decision, appeals, the full-time steps, enrollments, timeline and letters.

    Needs REQUESTS_READ; opening it is recorded in the audit trail (`request_viewed`) unless
    `viewed` is False (a caller that records its own use, such as the appeal packet)."""
    require(store, REQUESTS_READ)
    today = today or date.today()
    row = request_row(store, request_id)
    if viewed:
        trail.note_use(store, "request_viewed", student_id=row["student_id"], request_id=request_id)
    student = store.query("SELECT s.*, b.name AS building_name FROM students s "
                          "LEFT JOIN buildings b ON b.code = s.building_code WHERE s.id = ?", (row["student_id"],))[0]
    courses = request_courses(store, request_id)
    snapshot = json.loads(row["evaluation"])
    submitted = FindingsSnapshot("At submission", row["policy_id"], row["policy_version"], bool(row["eligible"]),
                                 _snapshot_lines(snapshot["findings"]))
    try:
        now_eval, _ = evaluate_today(store, request_id, lang)
        today_snap = FindingsSnapshot("Today", now_eval.policy_id, now_eval.policy_version, now_eval.eligible,
                                      _snapshot_lines([{"rule": f.rule, "outcome": f.outcome, "message": f.message}
                                                       for f in now_eval.findings], lang))
    except (ValueError, RequestError) as err:
        today_snap = FindingsSnapshot(f"Today (cannot evaluate: {err})", "", "", False, ())
    queue_row = next((r for r in queue(store, QueueFilter(status=ALL, search=row["reference"]), today).rows
                      if r.request_id == request_id), None)
    provider = ""
    if row["provider_id"]:
        p = store.query("SELECT name FROM providers WHERE id = ?", (row["provider_id"],))
        provider = p[0]["name"] if p else ""
    guardian = ""
    if row["letter_guardian_id"]:
        g = store.query("SELECT name, relationship FROM guardians WHERE id = ?", (row["letter_guardian_id"],))
        if g:
            guardian = g[0]["name"] + (f" ({g[0]['relationship']})" if g[0]["relationship"] else "")
    waiver = "None"
    if row["waiver_documented"] is not None:
        waiver = ("Medical/psychological condition documented" if row["waiver_documented"] else "Not documented")
        if row["waiver_document_date"]:
            waiver += f" on {row['waiver_document_date']}"
        if row["waiver_verified_by"]:
            waiver += f", verified by {row['waiver_verified_by']}"
    flags = tuple(label for key, label in (("iep", "IEP"), ("section_504", "Section 504 plan"),
                                             ("mshsaa_activities", "MSHSAA activities"),
                                             ("english_learner", "English learner")) if student[key])
    appeals = tuple(
        AppealInfo(a["id"], a["level"], date.fromisoformat(a["filed_on"]), parse_day(a["hearing_on"]),
                   parse_day(a["decision_due"]), parse_day(a["record_due"]), parse_day(a["record_sent_on"]),
                   a["outcome"], parse_day(a["outcome_on"]),
                   tuple(Document(x["label"], x["location"]) for x in json.loads(a["documents"])), a["notes"],
                   f"{a['policy_id']} {a['policy_version']}")
        for a in store.query("SELECT * FROM appeals WHERE request_id = ? ORDER BY id", (request_id,)))
    enrollments = tuple(store.query("SELECT * FROM enrollments WHERE student_id = ? ORDER BY entry, id",
                                    (row["student_id"],)))
    term = store.query("SELECT name FROM terms WHERE id = ?", (row["start_term"],))
    return RequestDetail(
        duplicate_of=duplicate_of(store, request_id),
        request_id=request_id, reference=row["reference"], status=row["status"], pathway=row["pathway"],
        routing=row["routing"], student_id=row["student_id"],
        student=display_name(student["last_name"], student["first_name"], student["preferred_name"]),
        grade=student["grade"], building=student["building_name"] or student["building_code"] or "",
        birth_date=date.fromisoformat(student["birth_date"]) if student["birth_date"] else None,
        local_number=student["local_number"], flags=flags,
        start_term=term[0]["name"] if term else row["start_term"], start_date=row.get("start_date") or "",
        received=date.fromisoformat(row["received"]),
        in_person_credits=Decimal(str(row["in_person_credits"])), courses=tuple(courses),
        district_obligated_credits=format_credits(snapshot.get("district_obligated_credits", 0)),
        waiver=waiver, provider=provider, host_district=row["host_district"] or "",
        family_reasons=tuple(json.loads(row["family_reasons"] or "[]")), letter_to=guardian,
        letter_language={"en": "English", "es": "Spanish"}.get(row["letter_language"], row["letter_language"]),
        created_by=row["created_by"],
        due=queue_row.due if queue_row else None, due_kind=queue_row.due_kind if queue_row else "",
        days_left=queue_row.days_left if queue_row else None, deemed_approved_on=parse_day(row["deemed_approved_on"]),
        submitted=submitted, today=today_snap, decision=latest_decision(store, request_id), appeals=appeals,
        full_time=full_time_steps(store, request_id), enrollments=enrollments,
        timeline=timeline(store, request_id), letters=_letters(store, request_id),
        next_statuses=lifecycle.allowed_next(row["pathway"], row["status"]),
    )


def duplicate_of(store: Store, request_id: int) -> tuple[str, ...]:
    """The student's requests for the same term made before this one that ask for one of its
    courses (not withdrawn, the course not denied): what the wizard stops on one PC, and what two
    offices working offline can still both send (district mode flags the later one)."""
    rows = store.query(
        "SELECT o.reference, o.status, group_concat(oc.code, ', ') AS codes FROM requests r "
        "JOIN request_courses rc ON rc.request_id = r.id "
        "JOIN requests o ON o.student_id = r.student_id AND o.start_term = r.start_term AND o.id != r.id "
        "  AND o.status != 'withdrawn' AND (o.created_at < r.created_at "
        "       OR (o.created_at = r.created_at AND o.reference < r.reference)) "
        "JOIN request_courses oc ON oc.request_id = o.id AND lower(oc.code) = lower(rc.code) "
        "  AND (oc.decision IS NULL OR oc.decision != 'denied') "
        "WHERE r.id = ? GROUP BY o.id ORDER BY o.created_at, o.reference", (request_id,))
    return tuple(f"{r['reference']} ({LABELS.get(r['status'], r['status'])}): {r['codes']}" for r in rows)


def reason_choices(store: Store, lang: str = "en") -> list[tuple[str, str, bool]]:
    """(code, plain meaning, allowed) for the decision dialog: the policy's allowed reasons, then
    the ones the law rules out, so the dialog can say why they cannot be used."""
    policy = active_policy(store)
    out = []
    for code in policy.allowed_denial_reasons:
        out.append((code, reason_meaning(code, lang), True))
    for code in policy.disallowed_denial_reasons:
        out.append((code, reason_meaning(code, lang), False))
    return out


def reason_meaning(code: str, lang: str) -> str:
    try:
        return core.reason_text(code, lang)
    except KeyError:
        return code.replace("_", " ").capitalize()


def current_actor(store: Store) -> str:
    """Who the timeline says acted: the signed-in person's name; without a sign-in (scripts,
    tests) the name set for this computer (setting `staff_name`), else the computer account's."""
    user = user_of(store)
    if user.role != "system":
        return user.name
    name = store.setting("staff_name")
    if name:
        return name
    import getpass

    try:
        return getpass.getuser() or "Office staff"
    except (KeyError, OSError):
        return "Office staff"
