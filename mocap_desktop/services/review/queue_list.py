"""The review queue: every open request with what is due when, its filters, counts and search,
the notice of what is overdue, and the export."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable

from mocap_desktop import core
from mocap_desktop.core import lifecycle
from mocap_desktop.core.access import REQUESTS_READ, require
from mocap_desktop.core.lifecycle import LABELS
from mocap_desktop.services.export import CsvWriter, xlsx_append
from mocap_desktop.services.requests import district_calendar
from mocap_desktop.services.review.common import (
    DUE_KIND_LABELS,
    PATHWAY_LABELS,
    ROUTING_LABELS,
    display_name,
    ReviewError,
)
from mocap_desktop.store import Store, trail
from mocap_desktop.store.search_keys import fold, words

log = logging.getLogger(__name__)


URGENT_BUSINESS_DAYS = 2
"""Due within this many business days (or today) is shown amber; past due is red."""


# --- search and sort: the store's folding (`store.search_keys.fold`) --------------------------------

@lru_cache(maxsize=65536)
def _tokens(haystack: str) -> tuple[str, ...]:
    return tuple(words(haystack))


@lru_cache(maxsize=65536)
def _spaced(haystack: str) -> str:
    """' word word word': each folded word after a space, so a prefix test is one substring test."""
    return "".join(" " + t for t in _tokens(haystack))


def _matches(haystack: str | None, query: str) -> int:
    """1 when every word of `query` (already folded, each after a space) starts a word of
    `haystack`."""
    spaced = _spaced(haystack or "")
    return int(all(w in spaced for w in query.split("\x1f")))


@lru_cache(maxsize=65536)
def _sort_fold(text: str | None) -> str:
    return fold(text or "")


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
# What the queue's search looks through (`_matches`): names, numbers and the reference.
_HAYSTACK_SQL = ("q.last_name || ' ' || q.first_name || ' ' || q.preferred_name || ' ' || "
                 "q.middle_name || ' ' || q.local_number || ' ' || COALESCE(q.mosis_id, '') || ' ' || q.reference")
# A row of the queue's one read: (id, status, building code, pathway, routing, urgency, haystack,
# last name, first name, received, due), the last four for the sorts alone.
_ID, _STATUS, _BUILDING, _PATHWAY, _ROUTING = range(5)
_LAST, _FIRST, _RECEIVED, _DUE = range(7, 11)


def _nulls_first(value):
    """A sort key that puts None before every value, as SQL does (and after them, reversed)."""
    return (value is not None, "" if value is None else value)


def _sorted(store: Store, rows: list[tuple], sort: str, descending: bool) -> list[tuple]:
    """The rows in the order of a column, the request id breaking ties, both in the direction
    asked; a request with no due date last either way. Sorted here from the one read, not in
    SQL: a first sort by a new column costs a sort of the rows, not the whole query again."""
    if sort in ("due", "days_left"):
        ordered = sorted(rows, key=lambda r: (r[_DUE] or "", _nulls_first(r[_RECEIVED]), r[_ID]),
                         reverse=descending)
        ordered.sort(key=lambda r: r[_DUE] is None)  # stable: each part keeps its order
        return ordered
    if sort == "student":
        def value(r):
            return _sort_fold(None if r[_LAST] is None or r[_FIRST] is None else f"{r[_LAST]} {r[_FIRST]}")
    elif sort == "courses":
        lines = store.conn.execute("SELECT request_id, code FROM request_courses WHERE code IS NOT NULL "
                                   "ORDER BY request_id, position")
        courses = {rid: ", ".join(code for _, code in group) for rid, group in groupby(lines, itemgetter(0))}

        def value(r):
            return _nulls_first(courses.get(r[_ID]))
    elif sort == "building":
        names = dict(store.conn.execute("SELECT code, name FROM buildings").fetchall())

        def value(r):
            return _nulls_first(names.get(r[_BUILDING]))
    else:
        column = {"pathway": _PATHWAY, "received": _RECEIVED, "routing": _ROUTING, "status": _STATUS}[sort]

        def value(r):
            return _nulls_first(r[column])
    return sorted(rows, key=lambda r: (value(r), r[_ID]), reverse=descending)


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
    """What a filter change costs: one query that returns the few columns of every request the
    filters, the search and the sorts look at, sorted here; the filters and their counts then
    need no second pass. The rows, each order of them, and what this person sees of them with
    this search, are kept until the database changes (`Store.unchanged`), so a change of search,
    status, building, pathway, routing, "overdue" or sort reads nothing again."""
    user = require(store, REQUESTS_READ)
    today = today or date.today()
    if flt.sort not in SORT_KEYS:
        raise ReviewError(f"Cannot sort the queue by '{flt.sort}'.")
    calendar = district_calendar(store)
    search = "\x1f".join(" " + w for w in _tokens(flt.search))
    sql = (f"WITH q AS ({_BASE_SQL}) SELECT q.id, q.status, q.building_code, q.pathway, q.routing, "
           f"CASE WHEN q.due < ? THEN 2 WHEN q.due < ? THEN 1 ELSE 0 END, {_HAYSTACK_SQL}, "
           "q.last_name, q.first_name, q.received, q.due FROM q")
    params = (today.isoformat(), soon_limit(calendar, today).isoformat())
    read = store.unchanged(("queue rows", sql, params), lambda: store.conn.execute(sql, params).fetchall())
    order = (flt.sort, flt.descending)
    rows = store.unchanged(("queue order", sql, params, order), lambda: _sorted(store, read, *order))
    scope = user.buildings

    def seen() -> tuple[list[tuple], Counter]:
        """The rows this person sees with this search, and their (status, building, pathway,
        routing, urgency) groups: the same for every filter, so read once for all of them."""
        found = rows
        if scope:  # a person limited to some buildings sees only their requests
            found = [r for r in found if r[2] in scope]
        if search:
            found = [r for r in found if _matches(r[6], search)]
        return found, Counter(r[1:6] for r in found)

    found, groups = store.unchanged(("queue seen", sql, params, order, scope, search), seen)
    in_scope = {g[0] for g in groups if _in_scope(g[0], flt.status)}
    building, pathway, routing, overdue = flt.building, flt.pathway, flt.routing, flt.overdue
    ids = [r[0] for r in found if r[1] in in_scope and (not building or r[2] == building)
           and (not pathway or r[3] == pathway) and (not routing or r[4] == routing) and (not overdue or r[5] == 2)]
    return QueueIds(ids, _counts(flt, groups, len(ids)), today)


def load_rows(store: Store, ids: list[int], today: date | None = None) -> list[QueueRow]:
    """The rows for these request ids, in the order given (a page of the queue, or all of it)."""
    require(store, REQUESTS_READ)
    today = today or date.today()
    if not ids:
        return []
    # Rows loaded once until the database changes: a filter turned on and off again, or the
    # next page of a sort, reads only what it has not shown yet.
    found: dict[int, QueueRow] = store.unchanged(("queue lines", today), dict)
    missing = [i for i in ids if i not in found]
    if not missing:
        return [found[i] for i in ids]
    calendar = district_calendar(store)
    left: dict[str, int] = {}

    def days_to(due: str) -> int:
        if due not in left:
            left[due] = calendar.business_days_between(today, date.fromisoformat(due))
        return left[due]

    for r in store.conn.execute(_ROWS_SQL, [json.dumps(missing)]):
        found[r[0]] = QueueRow(
            request_id=r[0], reference=r[1], student_id=r[2], pathway=r[3], status=r[4], routing=r[5],
            received=date.fromisoformat(r[6]), student=display_name(r[7], r[8], r[9]), grade=r[10],
            building_code=r[11], building=r[12], due=date.fromisoformat(r[13]) if r[13] else None,
            due_kind=r[14] or "", days_left=days_to(r[13]) if r[13] else None, courses=r[15] or "")
    return [found[i] for i in ids if i in found]


def queue(store: Store, flt: QueueFilter = QueueFilter(), today: date | None = None) -> QueueResult:
    """The whole queue a filter selects, rows loaded (for the command line and exports)."""
    selected = queue_ids(store, flt, today)
    return QueueResult(load_rows(store, selected.ids, selected.today), selected.counts, selected.today)


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
    trail.note_use(store, "queue_exported", detail={
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
