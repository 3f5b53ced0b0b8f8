"""The Core Data/MOSIS worksheet: every MOCAP course enrollment a cycle (October or June) of a
school year must report, for the district's data clerk, and a check of a provider's enrollment
list against it.

The worksheet is not DESE's upload layout (that layout is in DESE's Core Data manual, not here):
the files say so on their first line. Which courses a cycle reports is `core/reporting.py`. The
program code (50: the provider supplies the teacher; 52: curriculum only, a district teacher) and
the delivery code (V or S) come from the course's catalog row (`courses.program_code`,
`courses.delivery`: the state list the course came from), 50 and V for a course typed in by hand.

The worksheet names students, so it needs ENROLLMENTS_RECORD (counselors and deciders; the
administrator sees the board's aggregates only). Each file written, and each check, is recorded
in the audit trail as a use (`trail.note_use`) with the students it lists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mocap_desktop.core import reporting
from mocap_desktop.core.access import ENROLLMENTS_RECORD, require
from mocap_desktop.core.enrollments import LABELS
from mocap_desktop.services.export import CsvWriter
from mocap_desktop.services.importing import (
    Field,
    ImportKind,
    ImportRefused,
    Problem,
    read_records,
    required_text,
)
from mocap_desktop.store import Store, trail

log = logging.getLogger(__name__)

__all__ = ["COLUMNS", "NOTICE", "ProviderCheck", "ReportError", "WorksheetRow", "check_provider_list",
           "export_worksheet", "worksheet", "write_worksheet"]


class ReportError(ValueError):
    """A report that cannot be made as asked (a cycle, a year, a file name); the message says why."""


NOTICE = ("Core Data/MOSIS worksheet for the district's data clerk — NOT DESE's upload file layout. "
          "Check each row, then enter or upload it as DESE's Core Data manual describes.")

COLUMNS = ("School year", "Cycle", "Building code", "Building", "MOSIS ID", "Local number", "Last name",
           "First name", "Grade", "Provider", "Course code", "Course title", "Term", "Program code",
           "Delivery code", "Status", "Enrolled on", "Exit date", "Exit", "Credits", "Request")

_SQL = """
    SELECT ce.id, ce.request_id, ce.code, ce.title, ce.provider_name, ce.credits, ce.status, ce.confirmed_on,
           ce.ended_on, ce.drop_window, r.reference, r.student_id,
           coalesce(nullif(r.start_date, ''), t.start) AS start, coalesce(t.name, r.start_term) AS term_name,
           s.mosis_id, s.local_number, s.last_name, s.first_name, s.grade, s.building_code,
           coalesce(b.name, '') AS building_name,
           coalesce(c.program_code, '') AS program_code, coalesce(c.delivery, '') AS delivery
    FROM course_enrollments ce
    JOIN requests r ON r.id = ce.request_id
    JOIN students s ON s.id = r.student_id
    JOIN terms t ON t.id = r.start_term
    JOIN request_courses rc ON rc.id = ce.request_course_id
    LEFT JOIN courses c ON c.id = rc.course_id
    LEFT JOIN buildings b ON b.code = s.building_code
    WHERE t.school_year = ? AND ce.confirmed_on IS NOT NULL
    ORDER BY s.building_code, s.last_name, s.first_name, s.id, ce.id
"""


@dataclass(frozen=True)
class WorksheetRow:
    enrollment_id: int
    student_id: int
    building_code: str
    building: str
    mosis_id: str
    local_number: str
    last_name: str
    first_name: str
    grade: str
    provider: str
    code: str
    title: str
    term: str
    program_code: str
    delivery: str
    status: str
    enrolled_on: date
    exit_date: date | None
    exit: str
    credits: float
    reference: str

    @property
    def status_label(self) -> str:
        return LABELS.get(self.status, self.status)

    def cells(self, year: int, cycle: str) -> list:
        return [reporting.school_year_label(year), cycle.capitalize(), self.building_code, self.building,
                self.mosis_id, self.local_number, self.last_name, self.first_name, self.grade, self.provider,
                self.code, self.title, self.term, self.program_code, self.delivery, self.status_label,
                self.enrolled_on, self.exit_date, self.exit, self.credits, self.reference]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _check_request(cycle: str, year: int) -> reporting.Period:
    if cycle not in reporting.CYCLES:
        raise ReportError(f"The cycle is october or june, not '{cycle}'.")
    try:
        reporting.check_year(year)
    except ValueError as err:
        raise ReportError(str(err)) from None
    return reporting.cycle_period(cycle, year)


def _rows(store: Store, cycle: str, year: int) -> list[WorksheetRow]:
    period = _check_request(cycle, year)
    out = []
    for r in store.conn.execute(_SQL, [year + 1]):  # terms.school_year is the year the school year ends
        (eid, _rid, code, title, provider, credits, status, confirmed, ended, window, reference, student_id,
         start, term, mosis, local, last, first, grade, building_code, building, program, delivery) = r
        shown = reporting.reported_status(status, _day(start), _day(confirmed), _day(ended), period)
        if shown is None:
            continue
        exit_ = ""
        if shown == "dropped":
            exit_ = f"Dropped {window or ''} the drop window".replace("  ", " ")
        elif shown in ("withdrawn", "completed"):
            exit_ = LABELS[shown]
        out.append(WorksheetRow(
            eid, student_id, building_code or "", building, mosis or "", local, last, first, grade, provider, code,
            title, term, program or reporting.DEFAULT_PROGRAM_CODE, delivery or reporting.DEFAULT_DELIVERY_CODE,
            shown, _day(confirmed), _day(ended) if shown != "enrolled" else None, exit_, float(credits),
            reference))
    return out


def worksheet(store: Store, cycle: str, year: int) -> list[WorksheetRow]:
    """The cycle's rows, by building then student. Needs ENROLLMENTS_RECORD."""
    require(store, ENROLLMENTS_RECORD)
    return _rows(store, cycle, year)


def _title(cycle: str, year: int) -> str:
    _check_request(cycle, year)
    period = reporting.cycle_period(cycle, year)
    return (f"{cycle.capitalize()} cycle, school year {reporting.school_year_label(year)} "
            f"({period.start.isoformat()} to {period.end.isoformat()})")


def write_worksheet(rows: list[WorksheetRow], cycle: str, year: int, path: Path) -> Path:
    """CSV (UTF-8 with BOM, for Excel) or .xlsx by the extension; the first line is `NOTICE`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ReportError(f"Write the worksheet to a .csv or .xlsx file, not '{path.suffix or path.name}'.")
    partial = path.with_name(path.name + ".partial")
    try:
        if suffix == ".csv":
            with open(partial, "w", encoding="utf-8-sig", newline="") as fh:
                writer = CsvWriter(fh)
                writer.writerow([NOTICE + " " + _title(cycle, year)])
                writer.writerow(COLUMNS)
                for row in rows:
                    cells = row.cells(year, cycle)
                    writer.writerow([c.isoformat() if isinstance(c, date) else c for c in cells])
        else:
            _write_xlsx(rows, cycle, year, partial)
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ReportError(f"Cannot write {path}: {err.strerror or err}.") from None
    return path


def _write_xlsx(rows: list[WorksheetRow], cycle: str, year: int, path: Path) -> None:
    """Written in openpyxl's write-only mode (a 10,000-row worksheet in well under 2 s); text that
    looks like a formula is stored as text (`services/export.py`)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from mocap_desktop.services.export import is_formula_like

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Core Data worksheet")
    widths = (9, 8, 9, 24, 12, 11, 16, 14, 6, 26, 11, 28, 12, 9, 9, 12, 11, 11, 26, 7, 16)
    from openpyxl.utils import get_column_letter

    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A3"

    def styled(value, **style):
        cell = WriteOnlyCell(ws, value=value)
        for key, v in style.items():
            setattr(cell, key, v)
        return cell

    def text(value):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    ws.append([styled(NOTICE + " " + _title(cycle, year), font=Font(bold=True, color="A4161A"))])
    bold = Font(bold=True)
    ws.append([styled(c, font=bold) for c in COLUMNS])
    for row in rows:
        ws.append([text(v) if is_formula_like(v) else v for v in row.cells(year, cycle)])
    about = wb.create_sheet("About")
    about.column_dimensions["A"].width = 110
    for line in (NOTICE, _title(cycle, year),
                 "Program code 50: the provider supplies the teacher; 52: curriculum only, a district teacher.",
                 "Delivery code V or S, as the state's course list gives it.",
                 "Status is as of the cycle's last day; withdrawals and drops within the cycle are included.",
                 "Courses the provider never confirmed (approved, sent, refused) are not MOCAP enrollments "
                 "and are left out."):
        about.append([line])
    wb.save(path)


def export_worksheet(store: Store, cycle: str, year: int, path: Path) -> tuple[Path, int]:
    """Write the cycle's worksheet to `path` (.csv or .xlsx); recorded in the audit trail as an
    export with the students it lists. Returns the path and the number of rows."""
    require(store, ENROLLMENTS_RECORD)
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise ReportError(f"Write the worksheet to a .csv or .xlsx file, not '{path.suffix or path.name}'.")
    rows = _rows(store, cycle, year)
    write_worksheet(rows, cycle, year, path)
    trail.note_use(store, "core_data_exported", detail={
        "file": path.name, "format": path.suffix.lower().lstrip("."), "cycle": cycle,
        "school_year": reporting.school_year_label(year), "rows": len(rows),
        "records": "Core Data worksheet: student, MOSIS ID, building, provider, course, program and "
                   "delivery codes, status, dates",
        "student_ids": sorted({r.student_id for r in rows})})
    log.info("Core Data worksheet written (%s %s, %d rows, %s)", cycle, year, len(rows), path.suffix.lower())
    return path, len(rows)


# --- a provider's enrollment list ---------------------------------------------------------------

class ProviderListKind(ImportKind):
    """A provider's list of the district's students enrolled with it: student and course."""

    key = "provider_list"
    label = "Provider enrollment list"
    noun = "enrollments"
    fields = (
        Field("student", "Student", True, ("Student ID", "Student Number", "Local Number", "MOSIS ID", "MOSIS",
                                           "State ID", "StudentID", "SIS ID"), required_text("student")),
        Field("code", "Course code", True, ("Course ID Code", "Course ID", "Course Code", "Course", "Code",
                                            "CourseID"), required_text("course code")),
        Field("provider", "Provider", False, ("Provider Name", "Vendor")),
        Field("name", "Student name", False, ("Name", "Student Name")),
    )


@dataclass
class ProviderCheck:
    """Students and courses on one side only. `only_on_provider`: (row of the file, student,
    course) the worksheet lacks: the usual reason the state's MOCAP office calls;
    `only_on_worksheet`: worksheet rows the provider's list lacks."""

    rows_read: int = 0
    only_on_provider: list[tuple[int, str, str]] = field(default_factory=list)
    only_on_worksheet: list[WorksheetRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    providers: tuple[str, ...] = ()

    @property
    def matches(self) -> bool:
        return not (self.only_on_provider or self.only_on_worksheet or self.problems)

    def lines(self) -> list[str]:
        out = [str(p) for p in self.problems]
        out += [f"row {row:,}: student {student}, course {code}: on the provider's list, not on the worksheet"
                for row, student, code in self.only_on_provider]
        out += [f"student {r.local_number} ({r.last_name}, {r.first_name}), course {r.code} ({r.provider}): "
                f"on the worksheet, not on the provider's list" for r in self.only_on_worksheet]
        return out

    def summary(self) -> str:
        who = f" ({', '.join(self.providers)})" if self.providers else ""
        return (f"provider's list{who}: rows read {self.rows_read:,} · only on the provider's list "
                f"{len(self.only_on_provider):,} · only on the worksheet {len(self.only_on_worksheet):,} · "
                f"rows with problems {len({p.row for p in self.problems}):,}")


def check_provider_list(store: Store, cycle: str, year: int, path: Path, provider: str = "") -> ProviderCheck:
    """Compare a provider's enrollment list (CSV or .xlsx: a student's local number or MOSIS ID
    and a course code) with the cycle's worksheet. The worksheet side is the rows of `provider`,
    else of the providers the file's provider column names, else every row. Rows that cannot be
    read are problems naming the row and column. Recorded in the audit trail. Needs
    ENROLLMENTS_RECORD; raises `ImportRefused` when the file cannot be read or lacks a column."""
    require(store, ENROLLMENTS_RECORD)
    rows = _rows(store, cycle, year)
    kind = ProviderListKind()
    result = ProviderCheck()
    result.rows_read, records, result.problems = read_records(kind, path)
    named = {r.values.get("provider", "").strip().lower() for r in records} - {""}
    if provider:
        named = {provider.strip().lower()}
    if named:
        rows = [r for r in rows if r.provider.lower() in named]
        result.providers = tuple(sorted({r.provider for r in rows}) or sorted(named))
    by_key = {}
    for r in rows:
        for ident in (r.local_number, r.mosis_id):
            if ident:
                by_key[(ident, r.code.upper())] = r
    seen: set[int] = set()
    for record in records:
        key = (record.values["student"].strip(), record.values["code"].strip().upper())
        found = by_key.get(key)
        if found is None:
            result.only_on_provider.append((record.row, key[0], record.values["code"].strip()))
        else:
            seen.add(found.enrollment_id)
    result.only_on_worksheet = [r for r in rows if r.enrollment_id not in seen]
    trail.note_use(store, "provider_list_checked", detail={
        "file": Path(path).name, "cycle": cycle, "school_year": reporting.school_year_label(year),
        "rows_read": result.rows_read, "only_on_provider": len(result.only_on_provider),
        "only_on_worksheet": len(result.only_on_worksheet),
        "student_ids": sorted({r.student_id for r in result.only_on_worksheet})})
    return result


__all__ += ["ImportRefused", "ProviderListKind"]
