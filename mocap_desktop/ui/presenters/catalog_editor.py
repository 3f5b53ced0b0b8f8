"""The course catalog editor: find a course, add one the state's list lacks, correct one, take
one out of use, and import the state's combined list (a dry run first, then the real import).
No Qt: the view is a Protocol of plain data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

from mocap_desktop.core.access import AccessDenied
from mocap_desktop.core.messages import format_credits
from mocap_desktop.services.catalog import check_course, import_catalog
from mocap_desktop.services.importing import ImportRefused
from mocap_desktop.store import Store, StoreError
from mocap_desktop.store.catalog import CatalogRepo, CourseInput, CourseRow

PARTS = (("A", "Semester A (first semester)"), ("B", "Semester B (second semester)"),
         ("S", "One semester (no A/B)"), ("FY", "Full year (FY)"))
PROGRAMS = (("50", "50 — with instruction (provider's teacher)"), ("52", "52 — curriculum only (district's teacher)"))
DELIVERIES = (("V", "V — virtual"), ("S", "S — supplemental"))


@dataclass(frozen=True)
class CatalogRow:
    id: int
    code: str
    title: str
    provider: str
    credits: str
    term: str
    grades: str
    program: str
    price: str
    active: bool


@dataclass
class CourseForm:
    """The editor's fields, as typed."""

    provider: str = ""
    code: str = ""
    title: str = ""
    subject: str = ""
    grade_low: str = ""
    grade_high: str = ""
    credits: str = "0.5"
    part: str = "S"  # A, B, S (semester without A/B) or FY
    price: str = ""
    program_code: str = "50"
    delivery: str = "V"
    active: bool = True
    course_id: int | None = None


@dataclass(frozen=True)
class ImportPreview:
    file: str
    summary: str
    problems: list[str]
    notes: list[str]
    can_import: bool
    bad_rows: int


class CatalogEditorView(Protocol):
    def show_providers(self, names: list[str]) -> None: ...
    def show_courses(self, rows: list[CatalogRow], total: int) -> None: ...
    def show_form(self, form: CourseForm) -> None: ...
    def show_field_errors(self, errors: dict[str, str]) -> None: ...
    def show_status(self, text: str) -> None: ...
    def ask_import_file(self) -> tuple[Path, str | None] | None: ...  # (file, program 50/52 or None)
    def confirm_import(self, preview: ImportPreview) -> bool: ...
    def show_error(self, title: str, text: str) -> None: ...


def _row(c: CourseRow) -> CatalogRow:
    return CatalogRow(c.id, c.code, c.title, c.provider_name, format_credits(Decimal(str(c.credits))),
                      c.term_label, c.grades, c.program_code,
                      "" if c.price is None else f"${c.price:,.2f}", c.active)


def form_of(c: CourseRow) -> CourseForm:
    part = c.segment if c.segment in ("A", "B", "FY") else ("FY" if c.length == "year" else "S")
    return CourseForm(c.provider_name, c.code, c.title, c.subject, c.grade_low, c.grade_high,
                      format_credits(Decimal(str(c.credits))), part,
                      "" if c.price is None else f"{c.price:.2f}", c.program_code, c.delivery, c.active, c.id)


class CatalogEditorPresenter:
    def __init__(self, view: CatalogEditorView, store: Store):
        self.view = view
        self.store = store
        self.repo = CatalogRepo(store)
        self.query = ""
        self.include_inactive = True
        self.current: CourseForm = CourseForm()

    def start(self) -> None:
        self.view.show_providers([p.name for p in self.repo.providers()])
        self.search("")
        self.new_course()

    def search(self, text: str) -> None:
        self.query = text
        rows = self.repo.search(text, limit=200, active_only=not self.include_inactive)
        self.view.show_courses([_row(c) for c in rows], self.repo.count())

    def select(self, course_id: int) -> None:
        course = self.repo.course(course_id)
        if course is not None:
            self.current = form_of(course)
            self.view.show_field_errors({})
            self.view.show_form(self.current)

    def new_course(self) -> None:
        self.current = CourseForm()
        self.view.show_field_errors({})
        self.view.show_form(self.current)

    def save(self, form: CourseForm) -> int | None:
        """Check and store the form; problems go next to their fields. Returns the course id."""
        errors: dict[str, str] = {}
        try:
            credits = Decimal(form.credits.strip().replace(",", ".") or "x")
        except InvalidOperation:
            errors["credits"] = "Credits must be a number, such as 0.5."
            credits = Decimal(0)
        price = None
        if form.price.strip():
            try:
                price = float(form.price.replace("$", "").replace(",", "").strip())
            except ValueError:
                errors["price"] = "The price must be an amount, such as 370.00 (or blank)."
        length = "year" if form.part == "FY" else "semester"
        course = CourseInput(
            provider_name=form.provider.strip(), code=form.code.strip(), title=form.title.strip(),
            credits=float(credits), length=length, segment="" if form.part == "S" else form.part,
            subject=form.subject.strip(), grade_low=form.grade_low.strip().upper(),
            grade_high=form.grade_high.strip().upper(), price=price, program_code=form.program_code,
            delivery=form.delivery, active=form.active, source="entered by hand")
        for problem in check_course(course):
            if not (problem.field == "credits" and "credits" in errors):
                errors.setdefault(problem.field, problem.message)
        if errors:
            self.view.show_field_errors(errors)
            return None
        try:
            course_id = self.repo.save_course(course, form.course_id)
        except ValueError as err:
            self.view.show_field_errors({"code": str(err)})
            return None
        except (StoreError, AccessDenied) as err:
            self.view.show_error("The course was not saved", str(err))
            return None
        self.view.show_field_errors({})
        self.view.show_status(f"{'Added' if form.course_id is None else 'Saved'} {course.code} "
                              f"{course.title} ({course.provider_name}).")
        self.view.show_providers([p.name for p in self.repo.providers()])
        self.search(self.query)
        self.select(course_id)
        return course_id

    def set_active(self, course_id: int, active: bool) -> None:
        self.repo.set_active(course_id, active)
        course = self.repo.course(course_id)
        if course is not None:
            self.view.show_status(f"{course.code} {course.title} is {'back in use' if active else 'out of use'}: "
                                  f"{'it can' if active else 'it can no longer'} be added to new requests.")
        self.search(self.query)
        self.select(course_id)

    def import_requested(self) -> bool:
        """Ask for the file, show a dry run, and import when the counselor confirms."""
        chosen = self.view.ask_import_file()
        if chosen is None:
            return False
        path, program = chosen
        try:
            dry = import_catalog(self.store, path, dry_run=True, program_code=program)
        except ImportRefused as err:
            self.view.show_error("The file cannot be imported", str(err))
            return False
        preview = ImportPreview(path.name, dry.summary(), [str(p) for p in dry.problems[:200]], dry.notes,
                                bool(dry.added or dry.updated), dry.rejected)
        if not self.view.confirm_import(preview):
            self.view.show_status("Import cancelled: nothing was written.")
            return False
        try:
            report = import_catalog(self.store, path, program_code=program, skip_invalid=True)
        except (ImportRefused, StoreError) as err:
            self.view.show_error("The import failed; nothing was written", str(err))
            return False
        self.view.show_status(f"Imported {path.name}: {report.summary()}")
        self.view.show_providers([p.name for p in self.repo.providers()])
        self.search(self.query)
        return True
