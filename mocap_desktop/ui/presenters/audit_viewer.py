"""The administrator's audit viewer: filters, entries paged from SQL newest first, the detail of
one entry, CSV export, a student's record of disclosures and the integrity check.

The view is passive: it shows `AuditLine`s (plain strings) and forwards what the user asks for.
Every read goes through `services.audit_report`, which refuses anyone without AUDIT_READ.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from mocap_desktop.core.access import AccessDenied
from mocap_desktop.core.messages import count_of
from mocap_desktop.services import audit_report as reports
from mocap_desktop.services.audit_report import AuditEntry, AuditFilter, AuditReportError
from mocap_desktop.store import Store, StoreError
from mocap_desktop.ui.presenters.display import Choice, format_when

log = logging.getLogger(__name__)

PAGE = 200
COLUMNS: tuple[tuple[str, str], ...] = (
    ("when", "When"), ("person", "Person"), ("role", "Role"), ("action", "Action"), ("student", "Student"),
    ("request", "Request"), ("detail", "Detail"),
)
DETAIL_CELL = 90
PROBLEMS = (AccessDenied, AuditReportError, StoreError)


@dataclass(frozen=True)
class FilterChoices:
    people: tuple[Choice, ...]
    actions: tuple[Choice, ...]


@dataclass(frozen=True)
class AuditLine:
    entry_id: int
    cells: tuple[str, ...]
    student_id: int | None
    tooltip: str

    @property
    def accessible(self) -> str:
        return f"Entry {self.entry_id}: " + ", ".join(
            f"{label} {value}" for (_, label), value in zip(COLUMNS, self.cells) if value)


@dataclass(frozen=True)
class EntryDetail:
    entry_id: int
    heading: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DisclosureSheet:
    """A student's record of disclosures as the screen shows it."""

    student_id: int
    title: str
    facts: tuple[tuple[str, str], ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str


Fetch = Callable[[], tuple[list[AuditLine], bool]]


class AuditViewerView(Protocol):
    def show_filters(self, choices: FilterChoices, selected: AuditFilter) -> None: ...
    def show_student_filter(self, label: str) -> None:
        """The student the entries are limited to ("" for every student)."""
    def show_entries(self, lines: list[AuditLine], has_more: bool, fetch: Fetch) -> None:
        """The newest lines; `fetch()` gives the next older page and whether more remain."""
    def show_summary(self, text: str, problem: bool = False) -> None: ...
    def show_detail(self, detail: EntryDetail | None) -> None: ...
    def show_integrity(self, ok: bool, text: str) -> None: ...
    def choose_student(self, choices: list[Choice]) -> str | None:
        """Several students match: the one chosen (its value), or None."""
    def ask_save_path(self, title: str, suggested: Path, kinds: str) -> Path | None: ...
    def show_disclosure_report(self, sheet: DisclosureSheet) -> None: ...
    def show_message(self, title: str, text: str) -> None: ...
    def show_error(self, title: str, text: str) -> None: ...


def _summary_of(detail: dict) -> str:
    text = "; ".join(f"{label.lower()}: {value}" for label, value in reports.describe_detail(detail))
    return text if len(text) <= DETAIL_CELL else text[:DETAIL_CELL - 1] + "…"


def line_for(entry: AuditEntry) -> AuditLine:
    cells = (format_when(entry.at), entry.person_label, entry.role_label, entry.action_label, entry.student_label,
             entry.request_reference or (f"request {entry.request_id}" if entry.request_id else ""),
             _summary_of(entry.detail))
    return AuditLine(entry.id, cells, entry.student_id, f"Entry {entry.id} · {entry.at} · {entry.action}")


def detail_for(entry: AuditEntry, heading: str | None = None) -> EntryDetail:
    fields: list[tuple[str, str]] = [
        ("When", f"{format_when(entry.at)} ({entry.at})"),
        ("Person", entry.person_label), ("Role", entry.role_label),
        ("Action", f"{entry.action_label} ({entry.action})"),
    ]
    if entry.student_id is not None:
        fields.append(("Student", entry.student_label))
    if entry.request_id is not None:
        fields.append(("Request", entry.request_reference or str(entry.request_id)))
    detail = dict(entry.detail)
    filters = detail.get("filters")
    if isinstance(filters, dict) and entry.student_id is not None and filters.get("student_id") == entry.student_id:
        detail["filters"] = {**{k: v for k, v in filters.items() if k != "student_id"}, "student": entry.student_label}
    fields += reports.describe_detail(detail)
    fields += [("Entry", str(entry.id)), ("Hash", entry.hash), ("Previous hash", entry.prev_hash)]
    return EntryDetail(entry.id, heading or f"Entry {entry.id}: {entry.action_label}", tuple(fields))


def _entries(n: int) -> str:
    return count_of(n, "entry", "entries")


class AuditViewerPresenter:
    def __init__(self, view: AuditViewerView, store: Store, today: Callable[[], date] = date.today,
                 export_folder: Path | None = None, page: int = PAGE):
        self.view = view
        self.store = store
        self.today = today
        self.export_folder = export_folder or Path.home()
        self.page = page
        self.filter = AuditFilter()
        self.student_label = ""
        self.selected: AuditEntry | None = None
        self._next_before: int | None = None
        self._generation = 0

    # --- intent from the view ------------------------------------------------------------------
    def start(self) -> None:
        self.refresh_choices()
        self.view.show_student_filter("")
        self.view.show_integrity(True, "")
        self.refresh()

    def refresh_choices(self) -> None:
        try:
            people = reports.people_in_trail(self.store)
            actions = reports.actions(self.store)
        except PROBLEMS as err:
            self.view.show_summary(str(err), problem=True)
            return
        self.view.show_filters(FilterChoices(
            (Choice("", "Everyone"), *(Choice(p.login, p.label) for p in people)),
            (Choice("", "Every action"), *(Choice(a, reports.action_label(a)) for a in actions))),
            self.filter)

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        try:
            total = reports.count_entries(self.store, self.filter)
            page = reports.audit_page(self.store, self.filter, self.page)
        except PROBLEMS as err:
            self._next_before = None
            self.view.show_entries([], False, lambda: ([], False))
            self.view.show_summary(str(err), problem=True)
            return
        self._next_before = page.next_before
        self.view.show_entries([line_for(e) for e in page.entries], page.next_before is not None,
                               lambda: self._more(generation))
        self.view.show_summary(self._summary(total))
        if self.selected is not None and not any(e.id == self.selected.id for e in page.entries):
            self.entry_selected(None)

    def _more(self, generation: int) -> tuple[list[AuditLine], bool]:
        """The next older page of the current result (stale after a filter change)."""
        if generation != self._generation or self._next_before is None:
            return [], False
        try:
            page = reports.audit_page(self.store, self.filter, self.page, self._next_before)
        except PROBLEMS as err:
            self.view.show_summary(str(err), problem=True)
            return [], False
        self._next_before = page.next_before
        return [line_for(e) for e in page.entries], page.next_before is not None

    def _set_filter(self, **changes) -> None:
        new = replace(self.filter, **changes)
        if new != self.filter:
            self.filter = new
            self.refresh()

    def person_changed(self, login: str) -> None:
        self._set_filter(person=login or "")

    def action_changed(self, action: str) -> None:
        self._set_filter(action=action or "")

    def dates_changed(self, date_from: date | None, date_to: date | None) -> None:
        self._set_filter(date_from=date_from, date_to=date_to)

    def student_search_requested(self, text: str) -> None:
        text = text.strip()
        if not text:
            self.student_cleared()
            return
        try:
            found = reports.find_students(self.store, text)
        except PROBLEMS as err:
            self.view.show_summary(str(err), problem=True)
            return
        if not found:
            self.view.show_summary(f"No student matches '{text}'. Enter a student number or a name.", problem=True)
            return
        if len(found) == 1:
            chosen = found[0]
        else:
            value = self.view.choose_student([Choice(str(c.id), c.label) for c in found])
            chosen = next((c for c in found if str(c.id) == value), None)
            if chosen is None:
                return
        self.student_label = chosen.label
        self.view.show_student_filter(chosen.label)
        self._set_filter(student_id=chosen.id)

    def student_cleared(self) -> None:
        self.student_label = ""
        self.view.show_student_filter("")
        self._set_filter(student_id=None)

    def clear_filters(self) -> None:
        self.student_label = ""
        self.view.show_student_filter("")
        self.filter = AuditFilter()
        self.view.show_filters(self._current_choices(), self.filter)
        self.refresh()

    def _current_choices(self) -> FilterChoices:
        try:
            people = reports.people_in_trail(self.store)
            actions = reports.actions(self.store)
        except PROBLEMS:
            return FilterChoices((Choice("", "Everyone"),), (Choice("", "Every action"),))
        return FilterChoices((Choice("", "Everyone"), *(Choice(p.login, p.label) for p in people)),
                             (Choice("", "Every action"), *(Choice(a, reports.action_label(a)) for a in actions)))

    def entry_selected(self, entry_id: int | None) -> None:
        if entry_id is None:
            self.selected = None
            self.view.show_detail(None)
            return
        try:
            entry = reports.audit_entry(self.store, entry_id)
        except PROBLEMS as err:
            self.view.show_summary(str(err), problem=True)
            return
        self.selected = entry
        self.view.show_detail(detail_for(entry) if entry else None)

    def verify_requested(self) -> None:
        try:
            result = reports.verify(self.store)
        except PROBLEMS as err:
            self.view.show_integrity(False, str(err))
            return
        checked = f"checked {format_when(datetime.now().isoformat(timespec='seconds'))}"
        if result.ok:
            self.view.show_integrity(True, f"Intact: all {_entries(result.entries)} "
                                           f"follow one another unchanged ({checked}).")
            return
        log.warning("Audit trail check failed at entry %s", result.first_broken)
        self.view.show_integrity(False, f"Broken at entry {result.first_broken}: {result.reason}. "
                                        f"The entries before it are intact ({checked}).")
        try:
            entry = reports.audit_entry(self.store, result.first_broken)
        except PROBLEMS:
            entry = None
        if entry is not None:
            self.selected = entry
            self.view.show_detail(detail_for(entry, f"Entry {entry.id} — where the chain breaks"))

    def export_requested(self) -> None:
        suggested = self.export_folder / f"mocap-audit-{self.today().isoformat()}.csv"
        path = self.view.ask_save_path("Export the audit trail", suggested, "CSV (*.csv)")
        if path is None:
            return
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")
        try:
            count = reports.export_audit_csv(self.store, path, filters=self.filter)
        except PROBLEMS as err:
            self.view.show_error("Export failed", str(err))
            return
        self.export_folder = path.parent
        self.view.show_message("Audit trail exported",
                               f"{_entries(count)} written to\n{path}")
        self.refresh_choices()
        self.refresh()

    def report_student(self) -> int | None:
        """The student a disclosure report would be for: the student filter, else the selected
        entry's student."""
        if self.filter.student_id is not None:
            return self.filter.student_id
        if self.selected is not None and self.selected.student_id is not None:
            return self.selected.student_id
        return None

    def disclosure_report_requested(self) -> None:
        student_id = self.report_student()
        if student_id is None:
            self.view.show_error("Disclosure report",
                                 "Choose the student first: enter a student number or name in the Student "
                                 "filter, or select an entry about that student.")
            return
        try:
            report = reports.disclosure_report(self.store, student_id)
        except PROBLEMS as err:
            self.view.show_error("Disclosure report", str(err))
            return
        self.view.show_disclosure_report(DisclosureSheet(
            student_id, report.title,
            (("Student", report.student_name), ("Student number", report.student_number),
             ("Disclosures", str(len(report.lines)))),
            reports.DISCLOSURE_COLUMNS,
            tuple((format_when(line.at), *line.cells()[1:]) for line in report.lines),
            "No disclosures are recorded for this student."))
        self.refresh_choices()
        self.refresh()

    def disclosure_save_requested(self, student_id: int, kind: str) -> None:
        kind = kind.lower().lstrip(".")
        if kind not in ("csv", "pdf"):
            raise ValueError(f"unknown report format {kind!r}")
        label = "CSV (*.csv)" if kind == "csv" else "PDF (*.pdf)"
        suggested = self.export_folder / f"disclosures-{self.today().isoformat()}.{kind}"
        path = self.view.ask_save_path("Save the record of disclosures", suggested, label)
        if path is None:
            return
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
        try:
            report = reports.save_disclosure_report(self.store, student_id, path)
        except PROBLEMS as err:
            self.view.show_error("The report was not saved", str(err))
            return
        self.export_folder = path.parent
        self.view.show_message("Disclosure report saved",
                               f"{count_of(len(report.lines), 'disclosure')} written to\n{path}")
        self.refresh_choices()
        self.refresh()

    # --- wording -----------------------------------------------------------------------------------
    def _summary(self, total: int) -> str:
        what = _entries(total)
        parts = []
        if self.filter.person:
            parts.append(f"by {self.filter.person}")
        if self.filter.action:
            parts.append(reports.action_label(self.filter.action).lower())
        if self.filter.student_id is not None:
            parts.append(f"about {self.student_label or 'the chosen student'}")
        if self.filter.date_from or self.filter.date_to:
            start = f"{self.filter.date_from:%b} {self.filter.date_from.day}, {self.filter.date_from.year}" \
                if self.filter.date_from else "the start"
            end = f"{self.filter.date_to:%b} {self.filter.date_to.day}, {self.filter.date_to.year}" \
                if self.filter.date_to else "today"
            parts.append(f"from {start} to {end}")
        return f"{what}" + (f" ({'; '.join(parts)})" if parts else "") + ", newest first"
