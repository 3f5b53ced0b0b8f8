"""Student lookup: type-ahead search, paged results, and the detail a counselor reads.

The presenter speaks plain Python to its view. Results come a page at a time from SQL
through a `ResultPager`, which the view's list model asks for more rows as the user
scrolls: the whole roster is never loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from mocap_desktop.store import Store, StoreError
from mocap_desktop.ui.presenters.display import format_day
from mocap_desktop.store.students import Cursor, StudentDetail, StudentRepo, StudentRow, one_line_address

PAGE_SIZE = 50

try:  # the request lifecycle's own wording, when the rules core has it
    from mocap_desktop.core.lifecycle import LABELS as STATUS_LABELS
except ImportError:  # pragma: no cover
    STATUS_LABELS = {}

SCHOOL_KINDS = {"public": "public school", "charter": "charter school", "private": "private school",
                "home": "home school", "out_of_state": "out-of-state school"}
LANGUAGES = {"en": "English", "es": "Spanish", "vi": "Vietnamese", "ar": "Arabic", "bs": "Bosnian",
             "zh": "Chinese", "so": "Somali", "fr": "French", "de": "German", "ru": "Russian",
             "uk": "Ukrainian", "sw": "Swahili", "ko": "Korean", "ja": "Japanese", "pl": "Polish",
             "pt": "Portuguese", "my": "Burmese", "ne": "Nepali", "mh": "Marshallese",
             "tl": "Tagalog"}
PATHWAYS = {"part_time": "Part-time (courses)", "full_time": "Full-time virtual"}


@dataclass(frozen=True)
class ResultLine:
    student_id: int
    name: str  # "Peña, José (Pepe)"
    grade: str  # "Grade 10", "Kindergarten"
    building: str
    ids: str  # "100234 · 1234567890": local number, then MOSIS ID when there is one

    @property
    def accessible(self) -> str:
        return f"{self.name}, {self.grade}, {self.building}, student number {self.ids}"


@dataclass(frozen=True)
class GuardianLine:
    name: str
    relationship: str
    contact: str
    language: str
    receives_letters: bool


@dataclass(frozen=True)
class TimelineEntry:
    dates: str  # "08/12/2024 – present"
    place: str  # "Maple Valley R-IV (099-901)"
    detail: str  # "public school · full time · MO"
    current: bool


@dataclass(frozen=True)
class RequestLine:
    reference: str
    pathway: str
    status: str
    received: str


@dataclass(frozen=True)
class DetailView:
    student_id: int
    heading: str
    subheading: str
    facts: list[tuple[str, str]]
    flags: list[str]
    guardians: list[GuardianLine] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    requests: list[RequestLine] = field(default_factory=list)


class LookupView(Protocol):
    def show_results(self, pager: "ResultPager") -> None: ...
    def show_no_students(self) -> None: ...
    def show_no_match(self, text: str) -> None: ...
    def show_detail(self, detail: DetailView) -> None: ...
    def clear_detail(self, text: str) -> None: ...
    def show_count(self, text: str) -> None: ...
    def show_error(self, title: str, text: str) -> None: ...


def grade_label(grade: str) -> str:
    return "Kindergarten" if grade == "K" else f"Grade {grade}"


def display_name(last: str, first: str, preferred: str = "", middle: str = "") -> str:
    given = f"{first} {middle}".strip() if middle else first
    name = f"{last}, {given}"
    if preferred and preferred != first:
        name += f" ({preferred})"
    return name


def result_line(row: StudentRow) -> ResultLine:
    ids = f"{row.local_number} · {row.mosis_id}" if row.mosis_id else row.local_number
    return ResultLine(row.id, display_name(row.last_name, row.first_name, row.preferred_name),
                      grade_label(row.grade), row.building or "No building", ids)


def district_label(code: str) -> str:
    return f"{code[:3]}-{code[3:]}" if len(code) == 6 and code.isdigit() else code


class ResultPager:
    """One query's results, fetched a page at a time (keyset pagination in the store)."""

    def __init__(self, repo: StudentRepo, text: str, first: list[StudentRow], cursor: Cursor | None,
                 page_size: int = PAGE_SIZE):
        self.repo = repo
        self.text = text
        self.page_size = page_size
        self.first = [result_line(r) for r in first]
        self._cursor = cursor

    @property
    def has_more(self) -> bool:
        return self._cursor is not None

    def fetch_more(self) -> list[ResultLine]:
        if self._cursor is None:
            return []
        page = self.repo.search(self.text, limit=self.page_size, after=self._cursor)
        self._cursor = page.next
        return [result_line(r) for r in page.rows]


class LookupPresenter:
    def __init__(self, view: LookupView, store: Store, page_size: int = PAGE_SIZE):
        self.view = view
        self.repo = StudentRepo(store)
        self.page_size = page_size
        self.text = ""
        self.selected: int | None = None

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Run the current search again (after an import, say)."""
        self.search_changed(self.text)
        if self.selected is not None:
            self.student_selected(self.selected)

    def search_changed(self, text: str) -> None:
        self.text = text
        try:
            page = self.repo.search(text, limit=self.page_size)
        except StoreError as err:
            self.view.show_error("Search failed", str(err))
            return
        if page.rows:
            self.view.show_results(ResultPager(self.repo, text, page.rows, page.next,
                                               self.page_size))
            query = text.strip()
            if not query:
                self.view.show_count(f"{self.repo.count():,} students on the roster")
            elif page.next is None:
                n = len(page.rows)
                self.view.show_count(f"{n} student{'s' if n != 1 else ''} match{'es' if n == 1 else ''}"
                                     f" “{query}”")
            else:
                self.view.show_count(f"More than {len(page.rows)} students match “{query}”: "
                                     "type more, or scroll for the rest")
        elif self.repo.count() == 0:
            self.view.show_no_students()
            self.view.show_count("No students yet")
        else:
            self.view.show_no_match(text.strip())
            self.view.show_count("No matches")

    def student_selected(self, student_id: int | None) -> None:
        self.selected = student_id
        if student_id is None:
            self.view.clear_detail("Select a student to see their record.")
            return
        detail = self.repo.detail(student_id)
        if detail is None:
            self.view.clear_detail("That student is no longer on the roster.")
            return
        self.view.show_detail(detail_view(detail))


def detail_view(d: StudentDetail, today: date | None = None) -> DetailView:
    today = today or date.today()
    age = ""
    try:
        born = date.fromisoformat(d.birth_date or "")
        years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        age = f" (age {years})"
    except ValueError:
        pass
    address = one_line_address(d.address1, d.address2, d.city, d.state, d.zip)
    facts = [
        ("Local number", d.local_number),
        ("MOSIS ID", d.mosis_id or "none on file"),
        ("Birth date", format_day(d.birth_date) + age if d.birth_date else "not on record"),
        ("Grade", grade_label(d.grade)),
        ("Building", d.building_name or d.building_code or "none on file"),
        ("Resident district", district_label(d.resident_district) or "none on file"),
        ("Gender", d.gender or "not given"),
        ("Home language", d.home_language or "not given"),
        ("Address", address or "none on file"),
    ]
    flags = [label for on, label in ((d.iep, "IEP"), (d.section_504, "Section 504 plan"),
                                     (d.mshsaa_activities, "MSHSAA activities"),
                                     (d.english_learner, "English learner")) if on]
    guardians = [
        GuardianLine(g.name, g.relationship or "Guardian",
                     " · ".join(p for p in (g.phone, g.email, g.address) if p) or "no contact on file",
                     LANGUAGES.get(g.preferred_language, g.preferred_language or "English"),
                     g.receives_letters)
        for g in d.guardians
    ]
    timeline = [
        TimelineEntry(
            f"{format_day(e.entry)} – {format_day(e.exit) if e.exit else 'present'}",
            " · ".join(p for p in (e.school_name, district_label(e.district_code)) if p),
            " · ".join((SCHOOL_KINDS.get(e.school_kind, e.school_kind),
                        "full time" if e.full_time else "part time", e.state)),
            e.exit is None or e.exit >= today.isoformat(),
        )
        for e in d.enrollments
    ]
    requests = [
        RequestLine(r.reference, PATHWAYS.get(r.pathway, r.pathway),
                    STATUS_LABELS.get(r.status, r.status.replace("_", " ").capitalize()),
                    format_day(r.received))
        for r in d.requests
    ]
    return DetailView(
        d.id,
        display_name(d.last_name, d.first_name, d.preferred_name, d.middle_name),
        f"{grade_label(d.grade)} · {d.building_name or 'no building on file'}",
        facts, flags, guardians, timeline, requests,
    )
