"""The review queue's use cases: what is due when, decisions, appeals and the full-time track.

Shared by the queue and detail screens, the decision and appeal dialogs, the demo seed and the
command line. Every write checks first and writes nothing when the check fails: a status move
through `core.lifecycle.check_transition`, a decision through the rules core (R12-R15,
`core.check_decision`).

Who may do what (core.access): reading the queue, a request, its findings and timeline, and the
exports need REQUESTS_READ; status moves and the full-time track REQUESTS_UPDATE; decisions
REQUESTS_DECIDE; appeals APPEALS_RECORD. With a person signed in, the lifecycle role and the
name the timeline records are theirs, whatever the caller passes. Every change is recorded in
the audit trail (before and after), and so are a request opened and an export.

Dates are `date`; `today` always comes in as an argument so tests and the benchmark can pin it.
Logs name requests by id, never students by name or ID.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from mocap_desktop import core
from mocap_desktop.core import lifecycle
from mocap_desktop.core.access import (
    APPEALS_RECORD, REQUESTS_DECIDE, REQUESTS_READ, REQUESTS_UPDATE, require, user_of,
)
from mocap_desktop.core.lifecycle import ADMINISTRATOR, COUNSELOR, DECIDER, LABELS, TransitionRefused
from mocap_desktop.core.messages import LANGUAGE_LABELS, LETTER_KIND_LABELS, ROLE_NAMES, format_credits
from mocap_desktop.services.export import CsvWriter, xlsx_append
from mocap_desktop.services.requests import (
    RequestError, active_policy, add_event, district_calendar, district_code, now, student_for_rules,
)
from mocap_desktop.store import Store, trail

log = logging.getLogger(__name__)

__all__ = [
    "URGENT_BUSINESS_DAYS", "QueueFilter", "QueueRow", "QueueCounts", "QueueResult", "queue", "queue_notice",
    "export_rows", "DecisionForm", "DecisionRefused", "check_decision_form", "record_decision",
    "AppealForm", "Document", "appeal_due_dates", "record_appeal", "record_appeal_outcome",
    "record_state_record_sent", "record_input_sent", "record_host_answer", "record_transfer",
    "start_review", "withdraw", "close_request", "queue_decision_letter", "request_detail",
    "ReviewError", "TransitionRefused", "RequestError",
]

URGENT_BUSINESS_DAYS = 2
"""Due within this many business days (or today) is shown amber; past due is red."""

PATHWAY_LABELS = {"part_time": "Part-time courses", "full_time": "Full-time program"}
PATHWAY_SHORT = {"part_time": "Part-time", "full_time": "Full-time"}
ROUTING_LABELS = {"building_review": "Building", "iep_team": "IEP team", "section_504_team": "504 team",
                  "provider": "Provider"}
DUE_KIND_LABELS = {
    "decision": "Decision due", "deemed_approval": "Deemed approved on", "input": "District input due",
    "board_decision": "Board decision due", "state_record": "Record to DESE due",
    "state_decision": "DESE decision expected",
}
DECIDER_ROLES = ("principal", "designee", "superintendent", "iep_team", "section_504_team", "counselor")
APPEAL_LEVELS = {"board": "Board of Education", "state": "State (DESE)"}


class ReviewError(ValueError):
    """A review action that cannot be recorded as asked; the message says what to fix."""


def parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def credits_text(credits: str | Decimal) -> str:
    """'1 credit', '0.5 credits', '2 credits'."""
    text = format_credits(credits) if not isinstance(credits, str) else credits
    return f"{text} credit{'' if text == '1' else 's'}"


def format_day(day: date | None) -> str:
    """`Dec 1, 2026`: short and unambiguous in an American office."""
    return f"{day:%b} {day.day}, {day.year}" if day else "—"


# --- search folding ---------------------------------------------------------------------------

_SPECIAL = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss",
                          "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "'": "", "’": ""})
_SPLIT = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case without accents: 'Nguyễn' -> 'nguyen', 'Łukasz' -> 'lukasz'."""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=65536)
def _tokens(haystack: str) -> tuple[str, ...]:
    return tuple(w for w in _SPLIT.split(fold(haystack)) if w)


@lru_cache(maxsize=65536)
def _spaced(haystack: str) -> str:
    """' word word word': each folded word after a space, so a prefix test is one substring test."""
    return "".join(" " + t for t in _tokens(haystack))


def _matches(haystack: str | None, query: str) -> int:
    """1 when every word of `query` (already folded, each after a space) starts a word of
    `haystack` (SQLite function)."""
    spaced = _spaced(haystack or "")
    return int(all(w in spaced for w in query.split("\x1f")))


@lru_cache(maxsize=4096)
def _sort_fold(text: str | None) -> str:
    return fold(text or "")


def _functions(store: Store) -> None:
    """Register the queue's SQL functions once per connection."""
    conn = store.conn
    if getattr(store, "_review_functions", None) is conn:
        return
    conn.create_function("mocap_match", 2, _matches, deterministic=True)
    conn.create_function("mocap_fold", 1, _sort_fold, deterministic=True)
    store._review_functions = conn  # type: ignore[attr-defined]


# --- the queue --------------------------------------------------------------------------------

OPEN, AWAITING, DECIDED, ALL, CLOSED = "", "awaiting", "decided", "all", "closed"
SORT_KEYS = ("student", "pathway", "courses", "building", "received", "due", "days_left", "routing", "status")


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows. `status`: `""` open requests (the office or an appeal owes a step;
    `awaiting` is the same), `decided` (the decision stands, not yet closed), `all`, `closed`
    (closed or withdrawn), or one status."""

    status: str = OPEN
    building: str = ""
    pathway: str = ""
    routing: str = ""
    overdue: bool = False
    search: str = ""
    sort: str = "due"
    descending: bool = False


@dataclass(frozen=True)
class QueueRow:
    request_id: int
    reference: str
    student_id: int
    student: str
    grade: str
    pathway: str
    courses: str
    building_code: str
    building: str
    received: date
    due: date | None
    due_kind: str
    days_left: int | None
    routing: str
    status: str

    @property
    def urgency(self) -> str:
        return urgency(self.days_left)

    @property
    def status_label(self) -> str:
        return LABELS.get(self.status, self.status)

    @property
    def routing_label(self) -> str:
        return ROUTING_LABELS.get(self.routing, self.routing)

    @property
    def pathway_label(self) -> str:
        return PATHWAY_LABELS.get(self.pathway, self.pathway)

    @property
    def days_left_text(self) -> str:
        return days_left_text(self.days_left)

    @property
    def due_kind_label(self) -> str:
        return DUE_KIND_LABELS.get(self.due_kind, "")


def urgency(days_left: int | None) -> str:
    """`overdue` (red), `soon` (amber: due today or within two business days) or `""`."""
    if days_left is None:
        return ""
    if days_left < 0:
        return "overdue"
    return "soon" if days_left <= URGENT_BUSINESS_DAYS else ""


def days_left_text(days_left: int | None) -> str:
    """Words that say what the colour says, so the colour is never the only sign."""
    if days_left is None:
        return "—"
    if days_left < 0:
        n = -days_left
        return f"Overdue by {n} day{'s' if n != 1 else ''}"
    if days_left == 0:
        return "Due today"
    text = f"{days_left} day{'s' if days_left != 1 else ''} left"
    return f"Soon: {text}" if days_left <= URGENT_BUSINESS_DAYS else text


@dataclass(frozen=True)
class QueueCounts:
    """How many requests each filter choice would show, the other filters staying as they are."""

    shown: int
    overdue: int
    soon: int
    status: dict[str, int] = field(default_factory=dict)
    building: dict[str, int] = field(default_factory=dict)
    pathway: dict[str, int] = field(default_factory=dict)
    routing: dict[str, int] = field(default_factory=dict)
    scope: dict[str, int] = field(default_factory=dict)
    open_overdue: int = 0
    open_soon: int = 0
    """Open requests past due or due soon, whatever the filters (but within the search)."""


@dataclass(frozen=True)
class QueueResult:
    rows: list[QueueRow]
    counts: QueueCounts
    today: date


_DUE_SQL = """
    CASE
      WHEN r.status IN ('submitted','in_review') THEN
        CASE WHEN r.decision_due IS NULL THEN r.deemed_approved_on
             WHEN r.deemed_approved_on IS NULL OR r.decision_due <= r.deemed_approved_on THEN r.decision_due
             ELSE r.deemed_approved_on END
      WHEN r.status = 'notice_received' THEN r.input_due
      WHEN r.status IN ('board_appeal','state_appeal') THEN
        CASE WHEN a.record_due IS NOT NULL AND a.record_sent_on IS NULL THEN a.record_due ELSE a.decision_due END
    END"""
_DUE_KIND_SQL = """
    CASE
      WHEN r.status IN ('submitted','in_review') THEN
        CASE WHEN r.decision_due IS NOT NULL AND (r.deemed_approved_on IS NULL
                  OR r.decision_due <= r.deemed_approved_on) THEN 'decision'
             WHEN r.deemed_approved_on IS NOT NULL THEN 'deemed_approval' ELSE '' END
      WHEN r.status = 'notice_received' THEN 'input'
      WHEN r.status IN ('board_appeal','state_appeal') AND a.id IS NOT NULL THEN
        CASE WHEN a.level = 'board' THEN 'board_decision'
             WHEN a.record_sent_on IS NULL THEN 'state_record' ELSE 'state_decision' END
      ELSE ''
    END"""
_APPEAL_JOIN = """
    LEFT JOIN appeals a ON r.status IN ('board_appeal','state_appeal')
         AND a.id = (SELECT max(x.id) FROM appeals x WHERE x.request_id = r.id AND x.outcome IS NULL)"""
# What filtering, counting and sorting need, for every request in scope: narrow on purpose (the
# covering index `requests_queue` and primary-key lookups), so 5,000 requests sort in milliseconds.
_BASE_SQL = f"""
    SELECT r.id, r.reference, r.pathway, r.status, r.routing, r.received,
           s.last_name, s.first_name, s.preferred_name, s.middle_name, s.local_number, s.mosis_id,
           COALESCE(s.building_code, '') AS building_code, {_DUE_SQL} AS due
    FROM requests r INDEXED BY requests_queue
    JOIN students s ON s.id = r.student_id{_APPEAL_JOIN}"""
# Everything a row shows, for one page of ids.
_ROWS_SQL = f"""
    SELECT r.id, r.reference, r.student_id, r.pathway, r.status, r.routing, r.received,
           s.last_name, s.first_name, s.preferred_name, s.grade, COALESCE(s.building_code, ''),
           COALESCE(b.name, s.building_code, ''), {_DUE_SQL}, {_DUE_KIND_SQL},
           (SELECT group_concat(code, ', ') FROM (SELECT code FROM request_courses
                                                  WHERE request_id = r.id ORDER BY position))
    FROM requests r
    JOIN students s ON s.id = r.student_id
    LEFT JOIN buildings b ON b.code = s.building_code{_APPEAL_JOIN}
    WHERE r.id IN (SELECT value FROM json_each(?))"""
_SEARCH_SQL = ("mocap_match(q.last_name || ' ' || q.first_name || ' ' || q.preferred_name || ' ' || "
               "q.middle_name || ' ' || q.local_number || ' ' || COALESCE(q.mosis_id, '') || ' ' || "
               "q.reference, ?)")
_COURSES_SQL = ("(SELECT group_concat(code, ', ') FROM (SELECT code FROM request_courses "
                "WHERE request_id = q.id ORDER BY position))")
_BUILDING_SQL = "(SELECT name FROM buildings WHERE code = q.building_code)"
_ORDER = {
    "student": "mocap_fold(q.last_name || ' ' || q.first_name) {d}",
    "pathway": "q.pathway {d}",
    "courses": _COURSES_SQL + " {d}",
    "building": _BUILDING_SQL + " {d}",
    "received": "q.received {d}",
    "due": "q.due IS NULL, q.due {d}, q.received {d}",
    "days_left": "q.due IS NULL, q.due {d}, q.received {d}",
    "routing": "q.routing {d}",
    "status": "q.status {d}",
}


def _scope_sql(status: str) -> tuple[str, list[Any]]:
    closed = sorted(lifecycle.CLOSED)
    if status == OPEN:
        return f"q.status NOT IN ({','.join('?' * len(closed))})", closed
    if status == AWAITING:
        awaiting = sorted(lifecycle.AWAITING_ACTION)
        return f"q.status IN ({','.join('?' * len(awaiting))})", awaiting
    if status == ALL:
        return "1", []
    if status == CLOSED:
        return f"q.status IN ({','.join('?' * len(closed))})", closed
    return "q.status = ?", [status]


def soon_limit(calendar: core.Calendar, today: date) -> date:
    """Due before this day means at most `URGENT_BUSINESS_DAYS` business days left."""
    return calendar.add_business_days(today, URGENT_BUSINESS_DAYS + 1)


@dataclass(frozen=True)
class QueueIds:
    """The requests a filter selects, as ids in display order, and the counts for every choice."""

    ids: list[int]
    counts: QueueCounts
    today: date


def queue_ids(store: Store, flt: QueueFilter = QueueFilter(), today: date | None = None) -> QueueIds:
    """What a filter change costs: one query that searches and sorts every request and returns
    the few columns the filters look at; the filters and their counts then need no second pass."""
    require(store, REQUESTS_READ)
    today = today or date.today()
    if flt.sort not in SORT_KEYS:
        raise ReviewError(f"Cannot sort the queue by '{flt.sort}'.")
    _functions(store)
    calendar = district_calendar(store)
    search = "\x1f".join(" " + w for w in _tokens(flt.search))
    direction = "DESC" if flt.descending else "ASC"
    order = _ORDER[flt.sort].format(d=direction)
    sql = (f"WITH q AS ({_BASE_SQL}) SELECT q.id, q.status, q.building_code, q.pathway, q.routing, "
           "CASE WHEN q.due < ? THEN 2 WHEN q.due < ? THEN 1 ELSE 0 END "
           f"FROM q {'WHERE ' + _SEARCH_SQL if search else ''} ORDER BY {order}, q.id {direction}")
    params: list[Any] = [today.isoformat(), soon_limit(calendar, today).isoformat()] + ([search] if search else [])
    rows = store.conn.execute(sql, params).fetchall()
    statuses = {r[1] for r in rows}
    in_scope = {s for s in statuses if _in_scope(s, flt.status)}
    building, pathway, routing, overdue = flt.building, flt.pathway, flt.routing, flt.overdue
    ids = [r[0] for r in rows if r[1] in in_scope and (not building or r[2] == building)
           and (not pathway or r[3] == pathway) and (not routing or r[4] == routing) and (not overdue or r[5] == 2)]
    groups = Counter(r[1:] for r in rows)
    return QueueIds(ids, _counts(flt, groups, len(ids)), today)


def load_rows(store: Store, ids: list[int], today: date | None = None) -> list[QueueRow]:
    """The rows for these request ids, in the order given (a page of the queue, or all of it)."""
    require(store, REQUESTS_READ)
    today = today or date.today()
    if not ids:
        return []
    calendar = district_calendar(store)
    left: dict[str, int] = {}

    def days_to(due: str) -> int:
        if due not in left:
            left[due] = calendar.business_days_between(today, date.fromisoformat(due))
        return left[due]

    found = {}
    for r in store.conn.execute(_ROWS_SQL, [json.dumps(ids)]):
        found[r[0]] = QueueRow(
            request_id=r[0], reference=r[1], student_id=r[2], pathway=r[3], status=r[4], routing=r[5],
            received=date.fromisoformat(r[6]), student=_display_name(r[7], r[8], r[9]), grade=r[10],
            building_code=r[11], building=r[12], due=date.fromisoformat(r[13]) if r[13] else None,
            due_kind=r[14] or "", days_left=days_to(r[13]) if r[13] else None, courses=r[15] or "")
    return [found[i] for i in ids if i in found]


def queue(store: Store, flt: QueueFilter = QueueFilter(), today: date | None = None) -> QueueResult:
    """The whole queue a filter selects, rows loaded (for the command line and exports)."""
    selected = queue_ids(store, flt, today)
    return QueueResult(load_rows(store, selected.ids, selected.today), selected.counts, selected.today)


def _display_name(last: str, first: str, preferred: str = "") -> str:
    return f"{last}, {first}" + (f" ({preferred})" if preferred and preferred != first else "")


def _in_scope(status: str, scope: str) -> bool:
    if scope in (OPEN, AWAITING):
        return status in lifecycle.AWAITING_ACTION
    if scope == DECIDED:
        return status not in lifecycle.AWAITING_ACTION and status not in lifecycle.CLOSED
    if scope == CLOSED:
        return status in lifecycle.CLOSED
    return scope == ALL or status == scope


def _keeper(flt: QueueFilter):
    """keep(row, skip): does a (…, status, building, pathway, routing, urgency) row pass every
    filter but `skip`? (Skipping one gives that filter's counts.)"""
    def keep(row, skip: str) -> bool:
        status, building, pathway, routing, urg = row[-5:]
        return ((skip == "status" or _in_scope(status, flt.status))
                and (skip == "building" or not flt.building or building == flt.building)
                and (skip == "pathway" or not flt.pathway or pathway == flt.pathway)
                and (skip == "routing" or not flt.routing or routing == flt.routing)
                and (skip == "overdue" or not flt.overdue or urg == 2))
    return keep


def _counts(flt: QueueFilter, groups: Counter, shown: int) -> QueueCounts:
    """Facet counts from (status, building, pathway, routing, urgency) groups."""
    keep = _keeper(flt)
    in_scope = _in_scope

    def facet(index: int, skip: str) -> dict[str, int]:
        c: Counter[str] = Counter()
        for g, n in groups.items():
            if keep(g, skip):
                c[g[index]] += n
        return dict(c)

    status_counts = facet(0, "status")
    scope_counts = {scope: sum(n for s, n in status_counts.items() if in_scope(s, scope))
                    for scope in (OPEN, AWAITING, DECIDED, ALL, CLOSED)}
    overdue = sum(n for g, n in groups.items() if keep(g, "overdue") and g[4] == 2)
    soon_n = sum(n for g, n in groups.items() if keep(g, "overdue") and g[4] == 1)
    open_overdue = sum(n for g, n in groups.items() if g[0] not in lifecycle.CLOSED and g[4] == 2)
    open_soon = sum(n for g, n in groups.items() if g[0] not in lifecycle.CLOSED and g[4] == 1)
    return QueueCounts(shown=shown, overdue=overdue, soon=soon_n, status=status_counts,
                       building=facet(1, "building"), pathway=facet(2, "pathway"),
                       routing=facet(3, "routing"), scope=scope_counts, open_overdue=open_overdue,
                       open_soon=open_soon)


@dataclass(frozen=True)
class Notice:
    overdue: int
    soon: int

    @property
    def text(self) -> str:
        parts = []
        if self.overdue:
            parts.append(f"{self.overdue} request{'s are' if self.overdue != 1 else ' is'} overdue")
        if self.soon:
            parts.append(f"{self.soon} {'are' if self.soon != 1 else 'is'} due within "
                         f"{URGENT_BUSINESS_DAYS} business days")
        return ("; ".join(parts) + ".") if parts else ""


def queue_notice(store: Store, today: date | None = None) -> Notice | None:
    """Open requests past due or due within two business days; None when there are none."""
    require(store, REQUESTS_READ)
    today = today or date.today()
    calendar = district_calendar(store)
    sql = (f"WITH q AS ({_BASE_SQL}) SELECT "
           "sum(q.due < ?), sum(q.due >= ? AND q.due < ?) FROM q WHERE q.status NOT IN ('closed','withdrawn')")
    overdue, soon = store.conn.execute(
        sql, [today.isoformat(), today.isoformat(), soon_limit(calendar, today).isoformat()]).fetchone()
    notice = Notice(overdue or 0, soon or 0)
    return notice if notice.overdue or notice.soon else None


EXPORT_COLUMNS = ("Reference", "Student", "Grade", "Pathway", "Courses", "Building", "Received",
                  "Due date", "Due for", "Business days left", "Urgency", "Routing", "Status")


def _export_record(row: QueueRow) -> list[Any]:
    return [row.reference, row.student, row.grade, row.pathway_label, row.courses, row.building,
            row.received.isoformat(), row.due.isoformat() if row.due else "", row.due_kind_label,
            "" if row.days_left is None else row.days_left,
            {"overdue": "Overdue", "soon": "Due soon"}.get(row.urgency, ""), row.routing_label, row.status_label]


def export_rows(rows: Iterable[QueueRow], path: Path) -> Path:
    """Write the queue as shown to CSV (UTF-8 with BOM, for Excel) or .xlsx, by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ReviewError(f"Export to a .csv or .xlsx file, not '{path.suffix or path.name}'.")
    rows = list(rows)
    partial = path.with_name(path.name + ".partial")
    try:
        if suffix == ".csv":
            with open(partial, "w", encoding="utf-8-sig", newline="") as fh:
                writer = CsvWriter(fh)
                writer.writerow(EXPORT_COLUMNS)
                writer.writerows(_export_record(r) for r in rows)
        else:
            _write_xlsx(rows, partial)
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ReviewError(f"Cannot write {path}: {err.strerror or err}.") from None
    log.info("Queue exported (%d rows, %s)", len(rows), suffix)
    return path


def export_queue(store: Store, rows: Iterable[QueueRow], path: Path) -> Path:
    """`export_rows` for a person: needs REQUESTS_READ, and the export (a copy of these students'
    records leaving the app) is recorded in the audit trail with their ids."""
    require(store, REQUESTS_READ)
    rows = list(rows)
    path = export_rows(rows, path)
    with store.transaction() as db:
        trail.note(db, store, "queue_exported", detail={
            "file": Path(path).name, "format": Path(path).suffix.lower().lstrip("."), "rows": len(rows),
            "records": "Review queue rows: reference, student, grade, courses, building, dates, status",
            "request_ids": [r.request_id for r in rows],
            "student_ids": sorted({r.student_id for r in rows})})
    return path


def _write_xlsx(rows: list[QueueRow], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Review queue"
    ws.append(EXPORT_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    fills = {"overdue": PatternFill("solid", fgColor="F8D7DA"), "soon": PatternFill("solid", fgColor="FFF0C2")}
    for row in rows:
        record = _export_record(row)
        record[6] = row.received
        record[7] = row.due
        xlsx_append(ws, record)
        fill = fills.get(row.urgency)
        if fill:
            for cell in ws[ws.max_row]:
                cell.fill = fill
        for column in (7, 8):
            ws.cell(ws.max_row, column).number_format = "yyyy-mm-dd"
    widths = (16, 28, 6, 18, 30, 28, 12, 12, 22, 10, 10, 10, 22)
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, n).column_letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.save(path)


# --- a stored request as the rules and the screens see it ----------------------------------------

@dataclass(frozen=True)
class CourseLine:
    position: int
    code: str
    title: str
    provider: str
    credits: Decimal
    fte: str | None
    decision: str | None


def _student_of(store: Store, request_id: int) -> int | None:
    row = store.conn.execute("SELECT student_id FROM requests WHERE id = ?", (request_id,)).fetchone()
    return row[0] if row else None


def _request_row(store: Store, request_id: int) -> dict:
    rows = store.query("SELECT * FROM requests WHERE id = ?", (request_id,))
    if not rows:
        raise RequestError(f"No request with id {request_id}.")
    return rows[0]


def _courses(store: Store, request_id: int) -> list[CourseLine]:
    return [CourseLine(r["position"], r["code"], r["title"], r["provider_name"], Decimal(str(r["credits"])),
                       r["fte"], r["decision"])
            for r in store.query("SELECT * FROM request_courses WHERE request_id = ? ORDER BY position",
                                 (request_id,))]


def stored_request(store: Store, row: dict, courses: list[CourseLine]) -> core.Request:
    waiver = None
    if row["waiver_documented"] is not None:
        waiver = core.MedicalWaiver(bool(row["waiver_documented"]), parse_day(row["waiver_document_date"]),
                                    row["waiver_verified_by"])
    return core.Request(
        id=row["reference"], pathway=row["pathway"], start_term=row["start_term"],
        received=date.fromisoformat(row["received"]), in_person_credits=Decimal(str(row["in_person_credits"])),
        courses=tuple(core.Course(c.code, c.credits) for c in courses), medical_waiver=waiver)


def evaluate_today(store: Store, request_id: int, lang: str = "en",
                   decision: core.Decision | None = None) -> tuple[core.Evaluation, core.Policy]:
    """The request evaluated now: today's student record under the district's active policy."""
    require(store, REQUESTS_READ)
    row = _request_row(store, request_id)
    policy = active_policy(store)
    evaluation = core.evaluate(student_for_rules(store, row["student_id"]),
                               stored_request(store, row, _courses(store, request_id)),
                               district_calendar(store), district_code(store), policy, decision, lang=lang)
    return evaluation, policy


# --- decisions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionForm:
    """What the decision dialog collects. `courses` maps each course code to `approved` or `denied`."""

    courses: dict[str, str]
    decided_by_role: str
    decided_by_name: str = ""
    reasons: tuple[str, ...] = ()
    explanation: str = ""
    in_person_options_considered: bool = False
    decided_on: date | None = None

    @property
    def approved(self) -> list[str]:
        return [c for c, d in self.courses.items() if d == "approved"]

    @property
    def denied(self) -> list[str]:
        return [c for c, d in self.courses.items() if d == "denied"]

    @property
    def outcome(self) -> str:
        """`approve`, `deny` or `partial` (some of each)."""
        if self.approved and self.denied:
            return "partial"
        return "approve" if self.approved else "deny"

    @property
    def status(self) -> str:
        return {"approve": "approved", "deny": "denied", "partial": "partially_approved"}[self.outcome]


@dataclass(frozen=True)
class DecisionCheckResult:
    """R12-R15 on a whole decision (a partial approval is checked as an approval of its approved
    courses and a denial of its denied ones), and what else the form lacks."""

    findings: tuple[core.Finding, ...]
    missing: tuple[str, ...]
    policy_id: str
    policy_version: str

    @property
    def valid(self) -> bool:
        return not self.missing and all(f.outcome != "fail" for f in self.findings)

    @property
    def problems(self) -> tuple[str, ...]:
        return self.missing + tuple(f.message for f in self.findings if f.outcome == "fail")

    def finding(self, rule: str) -> core.Finding:
        return next(f for f in self.findings if f.rule == rule)


class DecisionRefused(ReviewError):
    def __init__(self, check: DecisionCheckResult):
        super().__init__("The decision was not saved: " + " ".join(check.problems))
        self.check = check


_RANK = {"fail": 4, "warn": 3, "pass": 2, "waived": 1, "not_applicable": 0}


def _merge(checks: list[core.DecisionCheck]) -> tuple[core.Finding, ...]:
    if len(checks) == 1:
        return checks[0].findings
    merged = []
    for findings in zip(*(c.findings for c in checks)):
        fails = [f for f in findings if f.outcome == "fail"]
        if len(fails) > 1:  # both halves fail the same rule: say each thing once
            messages = list(dict.fromkeys(f.message for f in fails))
            merged.append(core.Finding(fails[0].rule, "fail", " ".join(messages), fails[0].citation))
        else:
            merged.append(max(findings, key=lambda f: _RANK[f.outcome]))
    return tuple(merged)


def check_decision_form(store: Store, request_id: int, form: DecisionForm, lang: str = "en") -> DecisionCheckResult:
    """Check a decision with the rules core, as the dialog does on every change and as
    `record_decision` does before it writes."""
    require(store, REQUESTS_READ)
    evaluation, policy = evaluate_today(store, request_id, lang)
    courses = [c.code for c in _courses(store, request_id)]
    missing = []
    undecided = [c for c in courses if form.courses.get(c) not in ("approved", "denied")]
    if undecided:
        missing.append(f"Choose approve or deny for every course (still open: {', '.join(undecided)}).")
    unknown = [c for c in form.courses if c not in courses]
    if unknown:
        missing.append(f"These courses are not part of the request: {', '.join(unknown)}.")
    if form.decided_by_role not in DECIDER_ROLES:
        missing.append("Choose who made the decision.")
    elif not form.decided_by_name.strip():
        missing.append("Enter the name of the person who decided (or who chaired the team).")
    if form.decided_on is None:
        missing.append("Enter the date of the decision.")
    else:
        received = date.fromisoformat(_request_row(store, request_id)["received"])
        if form.decided_on < received:
            missing.append(f"The decision date cannot be before the request was received ({format_day(received)}).")
    role = form.decided_by_role
    checks = []
    approved, denied = [c for c in courses if form.courses.get(c) == "approved"], \
        [c for c in courses if form.courses.get(c) == "denied"]
    approve = core.Decision("approve", role, (), "", form.in_person_options_considered)
    deny = core.Decision("deny", role, tuple(form.reasons), form.explanation, form.in_person_options_considered)
    if courses and not approved and not denied:  # nothing chosen yet: no choice breaks a rule
        both = [core.check_decision(d, evaluation, policy, lang=lang) for d in (approve, deny)]
        findings = tuple(min(pair, key=lambda f: _RANK[f.outcome]) for pair in zip(*(c.findings for c in both)))
        return DecisionCheckResult(findings, tuple(missing), policy.id, policy.version)
    if approved or evaluation.pathway == "full_time" and not denied:
        checks.append(core.check_decision(approve, evaluation, policy, lang=lang))
    if denied or not checks:
        checks.append(core.check_decision(deny, evaluation, policy, lang=lang))
    return DecisionCheckResult(_merge(checks), tuple(missing), policy.id, policy.version)


def record_decision(store: Store, request_id: int, form: DecisionForm, actor: str, role: str = DECIDER,
                    at: str | None = None, letter: bool = True) -> int:
    """Check, then write the decision, the per-course outcomes and the new status in one
    transaction, then queue the matching parent letter. Returns the decision's id.

    Raises `DecisionRefused` (with the rules' messages) or `TransitionRefused`; either way
    nothing is written. Needs REQUESTS_DECIDE.
    """
    require(store, REQUESTS_DECIDE)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    row = _request_row(store, request_id)
    check = check_decision_form(store, request_id, form)
    if not check.valid:
        raise DecisionRefused(check)
    new_status = form.status
    lifecycle.check_transition(row["pathway"], row["status"], new_status, role)
    stamp = at or now()
    reasons = list(form.reasons) if form.denied else []
    explanation = form.explanation.strip()
    with store.transaction() as db:
        decision_id = db["decisions"].insert({
            "request_id": request_id, "outcome": form.outcome,
            "reasons": json.dumps(reasons), "explanation": explanation,
            "decided_by_role": form.decided_by_role, "decided_by_name": form.decided_by_name.strip(),
            "in_person_options_considered": int(form.in_person_options_considered),
            "decided_on": form.decided_on.isoformat(), "policy_id": check.policy_id,
            "policy_version": check.policy_version,
            "findings": json.dumps([{"rule": f.rule, "outcome": f.outcome, "message": f.message}
                                    for f in check.findings], ensure_ascii=False),
            "recorded_by": actor, "recorded_at": stamp,
        }).last_pk
        for code, outcome in form.courses.items():
            db.execute("UPDATE request_courses SET decision = ? WHERE request_id = ? AND code = ?",
                       [outcome, request_id, code])
        db.execute("UPDATE requests SET status = ?, updated_at = ? WHERE id = ?", [new_status, stamp, request_id])
        add_event(db, request_id, "decided", actor, {
            "from": row["status"], "to": new_status, "outcome": form.outcome,
            "decided_by_role": form.decided_by_role, "decided_by": form.decided_by_name.strip(),
            "decided_on": form.decided_on.isoformat(), "approved": form.approved, "denied": form.denied,
            "reasons": reasons, "policy": f"{check.policy_id} {check.policy_version}"}, stamp)
        trail.note(db, store, "decision_recorded", student_id=row["student_id"], request_id=request_id, detail={
            "decision_id": decision_id, "before": {"status": row["status"]}, "after": {"status": new_status},
            "outcome": form.outcome, "approved": form.approved, "denied": form.denied, "reasons": reasons,
            "decided_by_role": form.decided_by_role, "decided_on": form.decided_on.isoformat(),
            "explanation_written": bool(explanation),
            "in_person_options_considered": bool(form.in_person_options_considered),
            "policy": f"{check.policy_id} {check.policy_version}"})
    log.info("Decision %s recorded on request %s (%s)", decision_id, request_id, form.outcome)
    if letter:
        queue_decision_letter(store, request_id, new_status, actor, at=stamp)
    return decision_id


def latest_decision(store: Store, request_id: int) -> dict | None:
    require(store, REQUESTS_READ)
    rows = store.query("SELECT * FROM decisions WHERE request_id = ? ORDER BY id DESC LIMIT 1", (request_id,))
    if not rows:
        return None
    d = rows[0]
    d["reasons"] = json.loads(d["reasons"])
    d["findings"] = json.loads(d["findings"])
    return d


# --- parent letters ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LetterOutcome:
    queued: bool
    kind: str
    message: str = ""


def queue_decision_letter(store: Store, request_id: int, kind: str, actor: str,
                          at: str | None = None) -> LetterOutcome:
    """Queue the parent letter that goes with a decision or a step of the full-time track
    (`approved`, `partially_approved`, `denied`, `full_time`) for the print center.

    The decision stands whether or not the letter can be made; when it cannot (no mailing
    address, say) the timeline says why, so the office can fix the record and queue it again.
    """
    from mocap_desktop.services import letters  # here: the renderer loads only when a letter is made

    try:
        letters.queue_request_letter(store, request_id, kind, actor=actor)
    except Exception as err:  # noqa: BLE001 - a letter problem must not undo a decision
        message = str(err) or type(err).__name__
        with store.transaction() as db:
            add_event(db, request_id, "letter_not_queued", actor, {"kind": kind, "problem": message}, at)
        log.warning("Letter %s for request %s not queued: %s", kind, request_id, type(err).__name__)
        return LetterOutcome(False, kind, message)
    return LetterOutcome(True, kind)


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
    row = _request_row(store, request_id)
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
        trail.note(db, store, "appeal_updated", student_id=_student_of(store, appeal["request_id"]),
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
        trail.note(db, store, "appeal_record_sent", student_id=_student_of(store, appeal["request_id"]),
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
    row = _request_row(store, request_id)
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


# --- the full-time track ---------------------------------------------------------------------------

def _full_time(store: Store, request_id: int) -> dict:
    row = _request_row(store, request_id)
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


# --- other moves -----------------------------------------------------------------------------------

def _move(store: Store, request_id: int, new_status: str, role: str, actor: str, kind: str,
          detail: dict[str, Any] | None = None, at: str | None = None) -> None:
    require(store, REQUESTS_UPDATE)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    row = _request_row(store, request_id)
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
    row = _request_row(store, request_id)
    if viewed:
        with store.transaction() as db:
            trail.note(db, store, "request_viewed", student_id=row["student_id"], request_id=request_id)
    student = store.query("SELECT s.*, b.name AS building_name FROM students s "
                          "LEFT JOIN buildings b ON b.code = s.building_code WHERE s.id = ?", (row["student_id"],))[0]
    courses = _courses(store, request_id)
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
        request_id=request_id, reference=row["reference"], status=row["status"], pathway=row["pathway"],
        routing=row["routing"], student_id=row["student_id"],
        student=_display_name(student["last_name"], student["first_name"], student["preferred_name"]),
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


# --- the appeal packet ---------------------------------------------------------------------------

def _findings_block(snapshot: FindingsSnapshot):
    from mocap_desktop.letters.packet import FindingRow, FindingsBlock

    policy = f"{snapshot.policy_id} {snapshot.policy_version}".strip() or "—"
    return FindingsBlock(snapshot.label, policy, snapshot.eligible if snapshot.findings else None,
                         tuple(FindingRow(f.rule, f.name, f.outcome, f.message) for f in snapshot.findings))


def packet_data(store: Store, request_id: int, today: date | None = None, prepared_by: str = ""):
    """The appeal packet's content for one request (see `letters.packet.PacketData`); REQUESTS_READ."""
    from mocap_desktop.letters.packet import FindingRow, PacketData
    from mocap_desktop.store.district import DistrictRepo

    require(store, REQUESTS_READ)
    today = today or date.today()
    detail = request_detail(store, request_id, today, viewed=False)
    profile = DistrictRepo(store).profile()
    district_lines = ()
    if profile:
        district_lines = tuple(x for x in (profile.address1, f"{profile.city}, {profile.state} {profile.zip}".strip(", "),
                                           profile.phone) if x.strip())
    student_facts = (("Student", detail.student), ("Grade", detail.grade), ("Building", detail.building),
                     ("Local number", detail.local_number),
                     ("Plans and activities", ", ".join(detail.flags) or "None recorded"))
    request_facts = [("Pathway", PATHWAY_LABELS.get(detail.pathway, detail.pathway)),
                     ("Status", detail.status_label), ("Start term", detail.start_term),
                     ("Received", detail.received.isoformat()),
                     ("Who decides", ROUTING_LABELS.get(detail.routing, detail.routing))]
    if detail.pathway == "part_time":
        request_facts += [("In-person credits", format_credits(detail.in_person_credits)),
                          ("District pays for", credits_text(detail.district_obligated_credits))]
        if detail.can_decide and detail.deemed_approved_on:
            request_facts.append(("Deemed approved on", detail.deemed_approved_on.isoformat()))
    else:
        request_facts += [("Provider", detail.provider or "—"), ("Host district", detail.host_district or "—")]
    request_facts += [("Medical/psychological waiver", detail.waiver),
                      ("Letters go to", f"{detail.letter_to} ({detail.letter_language})" if detail.letter_to else "—"),
                      ("Entered by", detail.created_by)]
    courses = tuple((c.code, c.title, c.provider, format_credits(c.credits),
                     {"within": "within", "beyond": "beyond"}.get(c.fte or "", "—"),
                     (c.decision or "not decided").capitalize()) for c in detail.courses)
    decision_facts: tuple = ()
    reasons: tuple = ()
    explanation = ""
    checks: tuple = ()
    d = detail.decision
    if d:
        decision_facts = (
            ("Outcome", {"approve": "Approved", "deny": "Denied", "partial": "Partially approved"}[d["outcome"]]),
            ("Decided on", d["decided_on"]),
            ("Decided by", f"{d['decided_by_name']} — {ROLE_NAMES['en'].get(d['decided_by_role'], d['decided_by_role'])}"),
            ("In-person options considered", "Yes" if d["in_person_options_considered"] else "No"),
            ("Policy", f"{d['policy_id']} {d['policy_version']}"),
            ("Recorded by", f"{d['recorded_by']} at {d['recorded_at'].replace('T', ' ')}"))
        reasons = tuple((code, reason_meaning(code, "en")) for code in d["reasons"])
        explanation = d["explanation"]
        checks = tuple(FindingRow(f["rule"], core.rule_name(f["rule"]), f["outcome"], f["message"])
                       for f in d["findings"])
    appeals = []
    for a in detail.appeals:
        pairs = [("Level", APPEAL_LEVELS[a.level]), ("Filed", a.filed_on.isoformat()),
                 ("Hearing", a.hearing_on.isoformat() if a.hearing_on else "—"),
                 ("Decision due", a.decision_due.isoformat() if a.decision_due else "—")]
        if a.level == "state":
            pairs += [("District record due", a.record_due.isoformat() if a.record_due else "—"),
                      ("Record sent", a.record_sent_on.isoformat() if a.record_sent_on else "not yet")]
        pairs += [("Outcome", f"{a.outcome} on {a.outcome_on.isoformat()}" if a.outcome else "pending")]
        pairs += [(doc.label or "Document", doc.location) for doc in a.documents]
        if a.notes:
            pairs.append(("Notes", a.notes))
        pairs.append(("Deadlines from policy", a.policy))
        appeals.append(tuple(pairs))
    letters = tuple((str(x.get("kind", "")).replace("_", " "), str(x.get("language", "")),
                     str(x.get("created_at", "") or "").replace("T", " "),
                     str(x.get("printed_at", "") or "—").replace("T", " ")) for x in detail.letters)
    return PacketData(
        district_name=profile.name if profile else "", reference=detail.reference, student=detail.student,
        generated_on=today, prepared_by=prepared_by, district_lines=district_lines,
        student_facts=student_facts, request_facts=tuple(request_facts), courses=courses,
        submitted=_findings_block(detail.submitted), today=_findings_block(detail.today),
        decision_facts=decision_facts, reasons=reasons, explanation=explanation, decision_checks=checks,
        appeals=tuple(appeals), letters=letters,
        timeline=tuple((e.at, e.actor, e.text) for e in detail.timeline))


def export_appeal_packet(store: Store, request_id: int, path: Path, actor: str, today: date | None = None) -> Path:
    """Write the appeal packet PDF (nothing half-written on failure) and note it in the timeline
    and, as an export of the student's records, in the audit trail. Needs REQUESTS_READ."""
    from mocap_desktop.letters.packet import render_packet

    require(store, REQUESTS_READ)
    actor = trail.acting_name(store, actor)
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ReviewError("The appeal packet is a PDF: choose a file name ending in .pdf.")
    data = packet_data(store, request_id, today, prepared_by=actor)
    partial = path.with_name(path.name + ".partial")
    try:
        render_packet(data, partial)
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ReviewError(f"Cannot write {path}: {err.strerror or err}.") from None
    with store.transaction() as db:
        add_event(db, request_id, "packet_exported", actor, {"file": path.name})
        trail.note(db, store, "appeal_packet_exported", student_id=_student_of(store, request_id),
                   request_id=request_id, detail={
                       "file": path.name, "records": "Appeal packet: the request, findings, decision, "
                       "appeals, letters and timeline"})
    log.info("Appeal packet written for request %s", request_id)
    return path
