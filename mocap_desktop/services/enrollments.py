"""Tracked enrollments: each approved course of a request, sent to the provider, enrolled or
refused, then dropped, withdrawn or completed (the moves and what they need:
`core/enrollments.py`).

Recording a move, by hand or from a provider's file of outcomes, needs ENROLLMENTS_RECORD
(counselors and deciders). Each move is written in one transaction with a timeline event on
the request and an audit entry (before and after); a file of outcomes is all or nothing.
Logs name requests and tracked courses by id, never students.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from mocap_desktop.core import enrollments as rules
from mocap_desktop.core.access import ENROLLMENTS_RECORD, require
from mocap_desktop.core.lifecycle import COUNSELOR
from mocap_desktop.services.importing import (
    Field,
    FieldError,
    ImportKind,
    ParseContext,
    Plan,
    Problem,
    Record,
    Report,
    check_rows,
    parse_date,
    read_table,
    refuse_missing,
    required_text,
    resolve_mapping,
)
from mocap_desktop.services.requests import add_event, now
from mocap_desktop.store import Store, trail
from mocap_desktop.store.enrollments import DROP_WINDOW_SETTING, TRACKED_SQL

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class TrackedCourse:
    id: int
    request_id: int
    student_id: int
    code: str
    title: str
    provider: str
    credits: Decimal
    term: str
    status: str
    row: dict
    rules: rules.Tracked

    @property
    def status_label(self) -> str:
        return rules.LABELS.get(self.status, self.status)

    @property
    def transcript(self) -> str:
        return rules.transcript_line(self.title, self.code, self.provider, self.term, self.status,
                                     grade=self.row["final_grade"], credits_earned=self.row["credits_earned"],
                                     drop_window=self.row["drop_window"] or "")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _course(store: Store, row: dict) -> TrackedCourse:
    window = row["drop_window_days"]
    if window is None:
        window = int(store.setting(DROP_WINDOW_SETTING) or rules.DEFAULT_DROP_WINDOW_DAYS)
    since = max((d for d in (_day(row[k]) for k in ("sent_on", "confirmed_on", "refused_on", "ended_on")) if d),
                default=None)
    credits = Decimal(str(row["credits"]))
    return TrackedCourse(row["id"], row["request_id"], row["student_id"], row["code"], row["title"],
                         row["provider_name"], credits, row["term_name"], row["status"], row,
                         rules.Tracked(row["status"], credits, _day(row["start"]), int(window), since))


def tracked_courses(store: Store, request_id: int) -> tuple[TrackedCourse, ...]:
    """The request's tracked courses, in the order they were approved. Needs ENROLLMENTS_RECORD."""
    require(store, ENROLLMENTS_RECORD)
    return tuple(_course(store, r) for r in store.query(TRACKED_SQL + " WHERE ce.request_id = ? ORDER BY ce.id",
                                                          (request_id,)))


def all_tracked_courses(store: Store) -> tuple[TrackedCourse, ...]:
    """Every tracked course of every request. Needs ENROLLMENTS_RECORD."""
    require(store, ENROLLMENTS_RECORD)
    return tuple(_course(store, r) for r in store.query(TRACKED_SQL + " ORDER BY ce.id"))


def tracked_course(store: Store, enrollment_id: int) -> TrackedCourse:
    require(store, ENROLLMENTS_RECORD)
    rows = store.query(TRACKED_SQL + " WHERE ce.id = ?", (enrollment_id,))
    if not rows:
        raise rules.TransitionRefused(f"No tracked course with id {enrollment_id}.")
    return _course(store, rows[0])


def _write(db, store: Store, course: TrackedCourse, fields: dict, actor: str, stamp: str, source: str) -> None:
    db["course_enrollments"].update(course.id, {**fields, "updated_at": stamp})
    add_event(db, course.request_id, "enrollment_moved", actor, {
        "code": course.code, "from": course.status, "to": fields["status"], "source": source,
        **{k: v for k, v in fields.items() if k != "status" and v not in (None, "")}}, stamp)
    trail.note(db, store, "enrollment_recorded", student_id=course.student_id, request_id=course.request_id,
               detail={"enrollment_id": course.id, "code": course.code, "source": source,
                       **trail.changes(course.row, fields)})


def record_move(store: Store, enrollment_id: int, move: rules.Move, actor: str, role: str = COUNSELOR,
                at: str | None = None) -> None:
    """Check the move with the rules core, then write it. Raises `TransitionRefused` (nothing
    written) with a sentence for the user. Needs ENROLLMENTS_RECORD."""
    require(store, ENROLLMENTS_RECORD)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    course = tracked_course(store, enrollment_id)
    fields = rules.check_move(course.rules, move, role)
    stamp = at or now()
    with store.transaction() as db:
        _write(db, store, course, fields, actor, stamp, "entered")
    log.info("Tracked course %s of request %s: %s → %s", course.id, course.request_id, course.status,
             fields["status"])


# --- a provider's file of outcomes ------------------------------------------------------------------

OUTCOME_STATUSES = {"enrolled": "enrolled", "active": "enrolled", "confirmed": "enrolled",
                    "dropped": "dropped", "drop": "dropped", "withdrawn": "withdrawn", "withdrew": "withdrawn",
                    "completed": "completed", "complete": "completed", "passed": "completed",
                    "failed": "completed"}


def _status(value: str, ctx: ParseContext) -> str:
    status = OUTCOME_STATUSES.get(value.strip().lower())
    if status is None:
        raise FieldError(f'status "{value}" is not enrolled, dropped, withdrawn or completed')
    return status


def _date(value: str, ctx: ParseContext) -> date:
    iso = parse_date(value, ctx)
    if iso is None:
        raise FieldError("a date is required here")
    return date.fromisoformat(iso)


def _column_of(message: str, columns: dict[str, str]) -> str:
    """The column a refused move is about: the credits, the grade, the date, else the status."""
    text = message.lower()
    key = "credits" if "credit" in text else "grade" if "grade" in text else "on" if "date" in text else "status"
    return columns.get(key, columns["status"])


class OutcomesKind(ImportKind):
    """A provider's file: one row per student and course with its status, date, grade and credits."""

    key = "outcomes"
    label = "Course outcomes"
    noun = "course outcomes"
    audit_action = "outcomes_imported"
    fields = (
        Field("student", "Student", True, ("Student ID", "Student Number", "Local Number", "MOSIS ID", "MOSIS",
                                           "State ID", "StudentID", "SIS ID"), required_text("student")),
        Field("code", "Course code", True, ("Course ID Code", "Course ID", "Course Code", "Course", "Code",
                                            "CourseID"), required_text("course code")),
        Field("status", "Status", True, ("Enrollment Status", "Outcome", "Course Status", "State"), _status),
        Field("on", "Date", True, ("Status Date", "Effective Date", "As Of", "Date of Status", "End Date"), _date),
        Field("grade", "Grade", False, ("Final Grade", "Letter Grade", "Mark")),
        Field("credits", "Credits", False, ("Credits Earned", "Credit", "Earned Credits", "Credits Awarded")),
    )

    role = COUNSELOR

    def plan(self, store: Store, records: list[Record], mapped: set[str], columns: dict[str, str]) -> Plan:
        plan = Plan(work=[])
        seen: dict[int, int] = {}
        for record in records:
            v = record.values
            rows = store.query(
                TRACKED_SQL + " JOIN students s ON s.id = r.student_id WHERE (s.local_number = ? OR s.mosis_id = ?)"
                " AND upper(ce.code) = upper(?) ORDER BY ce.id DESC", (v["student"], v["student"], v["code"]))
            if not rows:
                plan.problems.append(Problem(record.row, columns["code"],
                                             f"no approved course {v['code']} is tracked for student {v['student']}"))
                continue
            course = _course(store, rows[0])
            if course.id in seen:
                plan.problems.append(Problem(record.row, columns["code"],
                                             f"this course is already on row {seen[course.id]:,}"))
                continue
            seen[course.id] = record.row
            move = rules.Move(v["status"], v["on"], grade=v.get("grade", ""), credits=v.get("credits") or None)
            if course.status == move.status and course.status in rules.CLOSED | {"enrolled"}:
                plan.unchanged += 1
                continue
            try:
                fields = rules.check_move(course.rules, move, self.role)
            except rules.TransitionRefused as err:
                plan.problems.append(Problem(record.row, _column_of(str(err), columns), str(err)))
                continue
            plan.updated += 1
            plan.work.append((course, fields))
        return plan


def import_outcomes(store: Store, path: Path, dry_run: bool = False) -> Report:
    """Read a provider's file of outcomes (CSV or .xlsx) through the import engine and record
    every row's move in one transaction, or none when any row has a problem (each named by
    row and column). A dry run checks everything and writes nothing. Needs ENROLLMENTS_RECORD.

    Raises `ImportRefused` when the file cannot be read or lacks a required column."""
    require(store, ENROLLMENTS_RECORD)
    kind = OutcomesKind()
    kind.role = trail.lifecycle_role(store, COUNSELOR)
    table = read_table(Path(path), kind.key)
    refuse_missing(kind, table, resolve_mapping(kind, table.headers))
    mapping = resolve_mapping(kind, table.headers, samples=[cells for _, cells in table.preview(50)])
    refuse_missing(kind, table, mapping)
    report = Report(kind.key, kind.noun, Path(path), table.format, dry_run=dry_run)
    report.rows_read, records, problems = check_rows(kind, table, mapping.columns, warnings=report.warnings)
    plan = kind.plan(store, records, set(mapping.columns), mapping.columns)
    report.problems = sorted(problems + plan.problems, key=lambda p: (p.row, p.column))
    report.updated, report.unchanged = plan.updated, plan.unchanged
    if dry_run or report.problems:
        return report
    actor, stamp = trail.acting_name(store, "Provider file"), now()
    with store.transaction() as db:
        for course, fields in plan.work:
            _write(db, store, course, fields, actor, stamp, f"file {report.path.name}")
        trail.note(db, store, kind.audit_action, detail={
            "kind": kind.key, "file": report.path.name, "format": report.format, "rows_read": report.rows_read,
            "updated": report.updated, "unchanged": report.unchanged})
    report.written = True
    log.info("Outcomes file: %s courses moved, %s unchanged", report.updated, report.unchanged)
    return report
