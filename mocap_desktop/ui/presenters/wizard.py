"""The enrollment wizard's presenter: from a family's question to a submitted MOCAP request.

The pages stay dumb. They forward what the counselor types (`set_field`, `add_course`, …)
and ask `validate_page` before moving on; this presenter keeps the request's state, asks the
rules core (through `services.requests`) for findings and the full-time-equivalent meter, puts
every problem next to its field, saves a draft on every page change and submits on the
commit page. No Qt here: the view is a Protocol that speaks str, dates as ISO text and
dataclasses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from mocap_desktop import core
from mocap_desktop.core import lifecycle
from mocap_desktop.core.access import REQUESTS_CREATE, require
from mocap_desktop.core.messages import count_of, format_credits
from mocap_desktop.services import drafts
from mocap_desktop.services.review import credits_text
from mocap_desktop.services import requests as svc
from mocap_desktop.services.intake import (
    Contact,
    FamilyDetails,
    acknowledgements_for,
    contacts_for,
    finish_request,
)
from mocap_desktop.store import Store, StoreError
from mocap_desktop.store.catalog import CatalogRepo
from mocap_desktop.store.district import DistrictRepo, TermRow
from mocap_desktop.store.students import StudentRepo
from mocap_desktop.ui.presenters.display import format_day, format_when

log = logging.getLogger(__name__)

PAGES = ("student", "pathway", "part_time", "full_time", "eligibility", "family", "review", "done")
PAGE_TITLES = {
    "student": "Student", "pathway": "Pathway", "part_time": "Part-time courses",
    "full_time": "Full-time virtual program", "eligibility": "Eligibility", "family": "Family",
    "review": "Review and submit", "done": "Submitted",
}
PATHWAY_TEXT = {
    "part_time": (
        "Part-time virtual courses",
        "The student stays enrolled here and takes one or more MOCAP courses alongside in-person "
        "classes. The district reviews the request for the student's best educational interest "
        "(the principal or designee decides, or the IEP or 504 team for a student with a plan) and "
        "pays for the courses that fit within a full-time load. The family hears the decision in "
        "writing, with reasons and appeal rights if a course is denied."),
    "full_time": (
        "Full-time virtual program",
        "The student leaves in-person school here and enrolls full time in a virtual program run "
        "by a host district. The family applies to the program's provider, which tells this "
        "district; the district sends its input within ten business days. The provider and host "
        "district decide, and once accepted the student transfers to the host district for all "
        "purposes."),
}
FAMILY_REASONS = ("Health", "Schedule or work", "Bullying or safety", "Course not offered here",
                  "Learning pace", "Family moving", "Prefers not to say")
WAIVER_ROLES = ("school nurse", "counselor", "school psychologist", "principal", "designee",
                "special education coordinator")
LANGUAGES = (("en", "English"), ("es", "Spanish (español)"))
OUTCOME_LABELS = {"pass": "Met", "fail": "Not met", "waived": "Waived", "warn": "Note",
                  "not_applicable": "Does not apply"}
ROUTING_TEXT = {
    "building_review": "The principal or designee decides.",
    "iep_team": "The IEP team decides (not the building).",
    "section_504_team": "The Section 504 team decides (not the building).",
    "provider": "The provider and host district decide; this district sends its input.",
}
MAX_IN_PERSON = Decimal("8")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")


# --- state -------------------------------------------------------------------------------------

@dataclass
class WizardState:
    """Everything the counselor has entered, as typed (so a draft gives back exactly that)."""

    student_id: int | None = None
    student_query: str = ""
    mosis_id: str = ""  # typed for a student whose record has none (the provider needs it)
    pathway: str = ""
    start_term: str = ""
    start_date: str = ""  # ISO
    received: str = ""  # ISO: part-time, the day the request came in; full-time, the provider's notice
    in_person_credits: str = ""
    courses: list[dict[str, Any]] = field(default_factory=list)  # course_id, code, title, provider_name, credits
    provider_id: int | None = None
    host_district: str = ""
    family_reasons: list[str] = field(default_factory=list)
    waiver_documented: bool | None = None
    waiver_date: str = ""
    waiver_role: str = ""
    guardian_id: int | None = None
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    language: str = "en"
    acknowledgements: list[str] = field(default_factory=list)
    page: str = "student"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "WizardState":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


# --- what the view shows -------------------------------------------------------------------------

@dataclass(frozen=True)
class TermChoice:
    id: str
    label: str
    start: str
    end: str


@dataclass(frozen=True)
class ProviderChoice:
    id: int
    name: str


@dataclass(frozen=True)
class Choices:
    terms: list[TermChoice]
    providers: list[ProviderChoice]
    reasons: tuple[str, ...] = FAMILY_REASONS
    waiver_roles: tuple[str, ...] = WAIVER_ROLES
    languages: tuple[tuple[str, str], ...] = LANGUAGES
    pathways: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(PATHWAY_TEXT))


@dataclass(frozen=True)
class StudentChoice:
    id: int
    label: str


@dataclass(frozen=True)
class StudentCard:
    id: int
    name: str
    details: str
    flags: list[str]
    open_requests: list[str]
    warning: str
    needs_mosis_id: bool = False  # the record has none: the wizard asks for it


@dataclass(frozen=True)
class CourseChoice:
    id: int
    code: str
    title: str
    provider: str
    credits: str
    term: str
    grades: str
    note: str  # why it cannot or should not be added, or ""
    blocked: bool


@dataclass(frozen=True)
class SelectedCourse:
    code: str
    title: str
    provider: str
    credits: str
    fte: str  # "within", "beyond" or ""
    fte_label: str


@dataclass(frozen=True)
class FteMeter:
    cap: float
    in_person: float
    within: float
    beyond: float
    courses: list[SelectedCourse]
    summary: str


@dataclass(frozen=True)
class FindingRow:
    rule: str
    name: str
    outcome: str
    outcome_label: str
    message: str
    citation: str


@dataclass(frozen=True)
class FlagRow:
    title: str
    meaning: str


@dataclass(frozen=True)
class EligibilityView:
    headline: str
    eligible: bool
    findings: list[FindingRow]
    waiver_offered: bool
    flags: list[FlagRow]
    deadlines: list[str]


@dataclass(frozen=True)
class GuardianChoice:
    id: int
    label: str


@dataclass(frozen=True)
class AckItem:
    key: str
    text: str


@dataclass(frozen=True)
class FamilyView:
    guardians: list[GuardianChoice]
    acknowledgements: list[AckItem]


@dataclass(frozen=True)
class ReviewSection:
    heading: str
    rows: list[tuple[str, str]]


@dataclass(frozen=True)
class ReviewSummary:
    headline: str
    sections: list[ReviewSection]
    findings: list[FindingRow]


@dataclass(frozen=True)
class DoneView:
    request_id: int
    reference: str
    lines: list[str]


class RequestWizardView(Protocol):
    def show_choices(self, choices: Choices) -> None: ...
    def load_state(self, state: WizardState) -> None: ...
    def set_value(self, name: str, value: str) -> None: ...
    def go_to_page(self, page: str) -> None: ...
    def show_field_error(self, name: str, message: str) -> None: ...
    def show_student_results(self, rows: list[StudentChoice], more: bool) -> None: ...
    def show_student(self, card: StudentCard | None) -> None: ...
    def show_term_hint(self, text: str) -> None: ...
    def show_course_results(self, rows: list[CourseChoice]) -> None: ...
    def show_meter(self, meter: FteMeter) -> None: ...
    def show_input_due(self, text: str) -> None: ...
    def show_eligibility(self, view: EligibilityView) -> None: ...
    def show_family(self, view: FamilyView) -> None: ...
    def show_review(self, summary: ReviewSummary) -> None: ...
    def show_done(self, done: DoneView) -> None: ...
    def ask_keep_draft(self) -> str: ...  # "keep", "discard" or "stay"
    def confirm_submit(self, text: str) -> bool: ...
    def show_error(self, title: str, text: str) -> None: ...


# --- parsing ---------------------------------------------------------------------------------------

def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _credits(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _d(day: date) -> str:
    return format_day(day)


def _labelled_once(label: str, values: list[str]) -> list[tuple[str, str]]:
    """Rows of a summary table that share a label: it is written on the first one only."""
    return [(label if n == 0 else "", value) for n, value in enumerate(values)]


def _range(start: date, end: date) -> str:
    return f"{_d(start)} – {_d(end)}"


class RequestWizardPresenter:
    def __init__(self, view: RequestWizardView, store: Store, *, actor: str = "counselor",
                 today: Callable[[], date] = date.today):
        self.view = view
        self.store = store
        self.actor = actor
        self.today = today
        self.state = WizardState()
        self.draft_id: int | None = None
        self.submitted: DoneView | None = None
        self._terms: list[TermRow] = DistrictRepo(store).calendar().terms
        self._calendar = svc.district_calendar(store)
        self._policy = svc.active_policy(store)
        self._catalog = CatalogRepo(store)
        self._students = StudentRepo(store)
        self._student: dict[str, Any] | None = None
        self._contacts: list[Contact] = []
        self._evaluation: core.Evaluation | None = None
        self._errors: dict[str, str] = {}
        self.on_submitted: Callable[[int], None] | None = None
        self._last_course_query = ""

    # --- start, resume, cancel ----------------------------------------------------------------------
    def start(self, student_id: int | None = None, draft_id: int | None = None) -> None:
        """Open the wizard fresh (prefilled with a student from the lookup) or on a saved draft."""
        self.view.show_choices(self.choices())
        page = "student"
        if draft_id is not None:
            saved = drafts.load_draft(self.store, draft_id)
            if saved is None:
                self.view.show_error("Draft not found", "That draft was discarded or already submitted.")
            else:
                self.draft_id = saved.id
                self.state = WizardState.from_dict(saved.body)
                page = self.resume_page()
        if draft_id is None or self.draft_id is None:
            today = self.today()
            term = self._default_term()
            self.state = WizardState(
                start_term=term.id if term else "",
                start_date=self._default_start(term).isoformat() if term else "",
                received=today.isoformat())
        if self.state.student_id is not None:
            self._load_student(self.state.student_id)
        self.view.load_state(self.state)
        if draft_id is None and student_id is not None:
            self.choose_student(student_id)
            if self._student is not None:
                self.state.student_query = f"{self._student['last_name']} {self._student['first_name']}"
                self.view.load_state(self.state)
        self._refresh_student()
        self._refresh_term_hint()
        if page != "student":
            self.view.go_to_page(page)

    def resume_page(self) -> str:
        """Where a resumed draft opens: the page it was saved on, but never past the family page
        (the review page's Enter submits); the wizard stops earlier at a page with a problem."""
        saved = self.state.page if self.state.page in PAGES else "student"
        return PAGES[min(PAGES.index(saved), PAGES.index("family"))]

    def choices(self) -> Choices:
        terms = [TermChoice(t.id, f"{t.name} ({_range(date.fromisoformat(t.start), date.fromisoformat(t.end))})",
                            t.start, t.end)
                 for t in self._terms if self._calendar.prior_term(t.id) is not None]
        providers = [ProviderChoice(p.id, p.name) for p in self._catalog.providers()]
        return Choices(terms, providers)

    def cancel_requested(self) -> bool:
        """True when the window may close. Asks whether to keep the draft when there is one."""
        if self.submitted is not None:
            return True
        if self.state.student_id is None and self.draft_id is None:
            return True
        answer = self.view.ask_keep_draft()
        if answer == "stay":
            return False
        if answer == "discard":
            if self.draft_id is not None:
                drafts.discard_draft(self.store, self.draft_id)
                self.draft_id = None
            return True
        self.save_draft()
        return True

    def save_draft(self) -> int | None:
        if self.submitted is not None or self.state.student_id is None:
            return None
        self.draft_id = drafts.save_draft(self.store, self.state.to_dict(), draft_id=self.draft_id,
                                          page=self.state.page, student_id=self.state.student_id,
                                          actor=self.actor)
        return self.draft_id

    # --- page flow ---------------------------------------------------------------------------------
    def next_page(self, page: str) -> str:
        """The page after `page`; "" after the last."""
        if page == "pathway":
            return "full_time" if self.state.pathway == "full_time" else "part_time"
        if page in ("part_time", "full_time"):
            return "eligibility"
        order = {"student": "pathway", "eligibility": "family", "family": "review", "review": "done"}
        return order.get(page, "")

    def page_entered(self, page: str) -> None:
        """The wizard moved to `page` (forward or back): save the draft, fill the page."""
        if page == "done":
            return
        self.state.page = page
        self.save_draft()
        if page == "student":
            self._refresh_student()
        elif page == "part_time":
            self._refresh_term_hint()
            self._refresh_meter()
            self.search_courses("")
        elif page == "full_time":
            self._refresh_input_due()
        elif page == "eligibility":
            self._refresh_eligibility()
        elif page == "family":
            self._refresh_family()
        elif page == "review":
            self.view.show_review(self.review())

    def validate_page(self, page: str) -> bool:
        """May the wizard leave `page` forward? Problems go next to their fields. On the review
        page this submits the request."""
        check = {
            "student": self._check_student, "pathway": self._check_pathway,
            "part_time": self._check_part_time, "full_time": self._check_full_time,
            "eligibility": self._check_eligibility, "family": self._check_family,
        }.get(page)
        if page == "review":
            return self.submit()
        if check is None:
            return True
        problems = check()
        for name in self._fields_of(page):
            self._show_error(name, problems.get(name, ""))
        return not problems

    @staticmethod
    def _fields_of(page: str) -> tuple[str, ...]:
        return {
            "student": ("student", "mosis_id"),
            "pathway": ("pathway",),
            "part_time": ("start_term", "start_date", "received", "in_person_credits", "courses"),
            "full_time": ("provider", "host_district", "received", "start_term", "reasons"),
            "eligibility": ("eligibility", "waiver", "waiver_date", "waiver_role"),
            "family": ("guardian", "address1", "city", "state", "zip", "language", "acknowledgements"),
        }.get(page, ())

    def _show_error(self, name: str, message: str) -> None:
        if self._errors.get(name, "") != message:
            self._errors[name] = message
            self.view.show_field_error(name, message)

    # --- page 1: student ---------------------------------------------------------------------------
    def search_students(self, text: str) -> None:
        self.state.student_query = text
        page = self._students.search(text, limit=50)
        self.view.show_student_results([StudentChoice(r.id, self._student_label(r)) for r in page.rows],
                                       page.next is not None)

    @staticmethod
    def _student_label(r) -> str:
        name = f"{r.last_name}, {r.first_name}" + (f" ({r.preferred_name})" if r.preferred_name else "")
        grade = "kindergarten" if r.grade == "K" else f"grade {r.grade}"
        return f"{name} — {grade}, {r.building or 'no building'}, local number {r.local_number}"

    def choose_student(self, student_id: int) -> None:
        if student_id != self.state.student_id:
            self.state.student_id = student_id
            self.state.guardian_id = None
            self.state.acknowledgements = []
            self.state.waiver_documented = None
            self._evaluation = None
        self._load_student(student_id)
        self._refresh_student()
        self._show_error("student", self._student_problem() or "")

    def _load_student(self, student_id: int) -> None:
        require(self.store, REQUESTS_CREATE)  # the wizard reads the whole record, flags included
        rows = self.store.query(
            "SELECT s.*, COALESCE(b.name, '') AS building FROM students s "
            "LEFT JOIN buildings b ON b.code = s.building_code WHERE s.id = ?", (student_id,))
        self._student = rows[0] if rows else None
        self._contacts = contacts_for(self.store, student_id) if rows else []

    def _student_problem(self) -> str | None:
        s = self._student
        if self.state.student_id is None or s is None:
            return "Find the student and select them in the list."
        if s["grade"] not in core.model.GRADES:
            return (f"This student's grade ({s['grade']}) is not kindergarten through 12. "
                    "MOCAP is only for students in kindergarten through grade 12.")
        return None

    def _student_name(self) -> str:
        s = self._student or {}
        first = s.get("preferred_name") or s.get("first_name", "")
        return f"{first} {s.get('last_name', '')}".strip()

    def _refresh_student(self) -> None:
        s = self._student
        if s is None:
            self.view.show_student(None)
            return
        grade = "kindergarten" if s["grade"] == "K" else f"grade {s['grade']}"
        born = (f"born {_d(date.fromisoformat(s['birth_date']))}" if s["birth_date"]
                else "birth date not on record")
        details = (f"{grade.capitalize()} · {s['building'] or 'no building'} · {born}"
                   f" · local number {s['local_number']}"
                   + (f" · MOSIS ID {s['mosis_id']}" if s["mosis_id"] else " · no MOSIS ID on file"))
        flags = [label for key, label in (("iep", "IEP"), ("section_504", "Section 504 plan"),
                                          ("mshsaa_activities", "MSHSAA activities"),
                                          ("english_learner", "English learner")) if s[key]]
        if s["active_virtual_courses"]:
            flags.append(f"{count_of(s['active_virtual_courses'], 'virtual course')} now")
        open_rows = svc.open_requests_for(self.store, s["id"])
        lines = []
        for r in open_rows:
            kind = "part-time" if r.pathway == "part_time" else "full-time"
            line = (f"{r.reference} · {kind} · {self._term_name(r.start_term)} · "
                    f"{lifecycle.LABELS.get(r.status, r.status)} · received {_d(date.fromisoformat(r.received))}")
            if r.courses:
                line += " · " + "; ".join(r.courses)
            lines.append(line)
        warning = ""
        if open_rows:
            warning = (f"This student already has {len(open_rows)} open request"
                       f"{'s' if len(open_rows) > 1 else ''}. Make sure this is not the same request; "
                       "a course already requested for a term cannot be requested again.")
        name = f"{s['last_name']}, {s['first_name']}" + (f" ({s['preferred_name']})" if s["preferred_name"] else "")
        self.view.show_student(StudentCard(s["id"], name, details, flags, lines, warning,
                                           needs_mosis_id=not s["mosis_id"]))

    def _check_student(self) -> dict[str, str]:
        problem = self._student_problem()
        if problem:
            return {"student": problem}
        mosis = self._mosis_problem()
        return {"mosis_id": mosis} if mosis else {}

    def _needs_mosis_id(self) -> bool:
        return self._student is not None and not self._student["mosis_id"]

    def _mosis_problem(self) -> str | None:
        if not self._needs_mosis_id():
            return None
        try:
            svc.check_mosis_id(self.store, self.state.mosis_id, self.state.student_id or 0)
        except svc.RequestError as err:
            return str(err)
        return None

    # --- page 2: pathway --------------------------------------------------------------------------
    def set_pathway(self, pathway: str) -> None:
        if pathway not in core.model.PATHWAYS:
            raise ValueError(pathway)
        if pathway != self.state.pathway:
            self.state.pathway = pathway
            self.state.acknowledgements = []
            self._evaluation = None
        self._show_error("pathway", "")

    def _check_pathway(self) -> dict[str, str]:
        if self.state.pathway not in core.model.PATHWAYS:
            return {"pathway": "Choose part-time courses or a full-time virtual program."}
        return {}

    # --- fields ---------------------------------------------------------------------------------------
    _TEXT_FIELDS = ("mosis_id", "start_term", "start_date", "received", "in_person_credits", "host_district",
                    "waiver_date", "waiver_role", "address1", "address2", "city", "state", "zip", "language")

    def set_field(self, name: str, value: Any) -> None:
        """One field changed. Checks it at once when it holds something that cannot be right."""
        if name in self._TEXT_FIELDS:
            setattr(self.state, name, (value or "").strip() if name != "address2" else (value or ""))
        elif name in ("provider_id", "guardian_id"):
            setattr(self.state, name, int(value) if value not in (None, "") else None)
        elif name == "waiver_documented":
            self.state.waiver_documented = value
        else:
            raise ValueError(f"unknown field {name!r}")
        if name == "start_term":
            term = self._term()
            if term is not None:
                start = _date(self.state.start_date)
                if start is None or not term.start <= start <= term.end:
                    self.state.start_date = self._default_start(term).isoformat()
                    self.view.set_value("start_date", self.state.start_date)
            self._refresh_term_hint()
            self._live("start_term", self._term_problem())
            if self.state.pathway != "full_time":
                self._live("start_date", self._start_date_problem())
                self._live("courses", self._courses_problem() if self.state.courses else None)
            self._refresh_meter()
            self._refresh_input_due()
        elif name == "start_date":
            self._live("start_date", self._start_date_problem())
        elif name == "mosis_id":
            digits = self.state.mosis_id.replace(" ", "")
            self._live("mosis_id", self._mosis_problem() if len(digits) >= 10 or not digits.isdigit() else None)
        elif name == "received":
            self._live("received", self._received_problem())
            self._refresh_input_due()
        elif name == "in_person_credits":
            self._live("in_person_credits", self._in_person_problem())
            self._refresh_meter()
        elif name == "host_district":
            digits = self.state.host_district.replace("-", "")
            self._live("host_district", self._host_problem() if len(digits) >= 6 or not digits.isdigit() else None)
        elif name == "provider_id":
            self._live("provider", None if self.state.provider_id else "")
        elif name in ("waiver_documented", "waiver_date", "waiver_role"):
            self._refresh_eligibility()
            problems = self._waiver_problems(live=True)
            for key in ("waiver", "waiver_date", "waiver_role"):
                self._show_error(key, problems.get(key, ""))
        elif name == "guardian_id":
            self._fill_from_guardian()
            self._show_error("guardian", "")
        elif name in ("zip", "state") and self._errors.get(name):
            self._live(name, self._address_problems().get(name))

    def _live(self, name: str, problem: str | None) -> None:
        """Show a problem with a field the counselor just typed into; clear it once fixed."""
        if problem:
            self._show_error(name, problem)
        else:
            self._show_error(name, "")

    def toggle_reason(self, reason: str, checked: bool) -> None:
        reasons = [r for r in self.state.family_reasons if r != reason]
        if checked:
            reasons.append(reason)
        self.state.family_reasons = [r for r in FAMILY_REASONS if r in reasons]
        if reasons:
            self._show_error("reasons", "")

    def toggle_acknowledgement(self, key: str, checked: bool) -> None:
        keys = [k for k in self.state.acknowledgements if k != key]
        if checked:
            keys.append(key)
        self.state.acknowledgements = keys
        if not self._missing_acknowledgements():
            self._show_error("acknowledgements", "")

    # --- terms and dates -------------------------------------------------------------------------------
    def _term(self, term_id: str | None = None) -> core.Term | None:
        try:
            return self._calendar.term(term_id if term_id is not None else self.state.start_term)
        except KeyError:
            return None

    def _term_name(self, term_id: str) -> str:
        return next((t.name for t in self._terms if t.id == term_id), term_id)

    def _default_term(self) -> core.Term | None:
        today = self.today()
        usable = [t for t in self._calendar.terms if self._calendar.prior_term(t.id) is not None]
        coming = [t for t in usable if t.start > today]
        current = [t for t in usable if t.start <= today <= t.end]
        return (coming or current or usable[-1:] or [None])[0]

    def _default_start(self, term: core.Term) -> date:
        day = max(term.start, self.today())
        while not self._calendar.is_school_day(day) and day < term.end:
            day += timedelta(days=1)
        return day

    def _refresh_term_hint(self) -> None:
        term = self._term()
        if term is None:
            self.view.show_term_hint("")
            return
        prior = self._calendar.prior_term(term.id)
        hint = f"{self._term_name(term.id)} runs {_range(term.start, term.end)}."
        if prior is not None:
            hint += (f" The prior-semester rule looks at {self._term_name(prior.id)} "
                     f"({_range(prior.start, prior.end)}).")
        self.view.show_term_hint(hint)

    def _term_problem(self) -> str | None:
        if not self.state.start_term:
            return "Choose the term the courses start."
        term = self._term()
        if term is None:
            return f"The term {self.state.start_term} is not on the district calendar."
        if self._calendar.prior_term(term.id) is None:
            return (f"{self._term_name(term.id)} is the first term on the district calendar; add the term "
                    "before it so the prior-semester rule can be checked.")
        if term.end < self.today():
            return f"{self._term_name(term.id)} ended on {_d(term.end)}. Choose the current or a coming term."
        return None

    def _start_date_problem(self) -> str | None:
        term = self._term()
        if not self.state.start_date:
            return "Enter the date the courses start."
        day = _date(self.state.start_date)
        if day is None:
            return "The start date is not a date."
        if term is not None and not term.start <= day <= term.end:
            return (f"The start date {_d(day)} is outside {self._term_name(term.id)} "
                    f"({_range(term.start, term.end)}). Choose a date inside the term.")
        return None

    def _received_problem(self) -> str | None:
        what = "the provider's notice reached the district" if self.state.pathway == "full_time" \
            else "the request was received"
        if not self.state.received:
            return f"Enter the date {what}."
        day = _date(self.state.received)
        if day is None:
            return f"The date {what} is not a date."
        if day > self.today():
            return f"The date {what} cannot be in the future ({_d(day)})."
        if day < self.today() - timedelta(days=366):
            return f"{_d(day)} is more than a year ago; check the year."
        term = self._term()
        if term is not None and day > term.end:
            return f"{_d(day)} is after {self._term_name(term.id)} ends ({_d(term.end)})."
        return None

    # --- page 3a: part-time ---------------------------------------------------------------------------
    def _in_person_problem(self) -> str | None:
        text = self.state.in_person_credits
        if not text:
            return "Enter the credits of in-person classes the student takes this term (0 if none)."
        value = _credits(text)
        if value is None:
            return f'"{text}" is not a number of credits (for example 2.5).'
        if value < 0:
            return "In-person credits cannot be negative."
        if value > MAX_IN_PERSON:
            return f"{format_credits(value)} credits is more than a student takes in one term; check the number."
        return None

    def _already_requested(self) -> dict[str, tuple[str, str, str]]:
        if self.state.student_id is None or self._term() is None:
            return {}
        return svc.requested_courses(self.store, self.state.student_id, self.state.start_term)

    def _course_block(self, code: str, taken: dict[str, tuple[str, str, str]]) -> str | None:
        hit = taken.get(code.casefold())
        if hit:
            reference, status, provider = hit
            return (f"{code} ({provider}) is already requested for {self._term_name(self.state.start_term)} "
                    f"in {reference} ({lifecycle.LABELS.get(status, status).lower()}).")
        return None

    def _in_request(self, code: str) -> dict[str, Any] | None:
        return next((c for c in self.state.courses if c["code"].casefold() == code.casefold()), None)

    def search_courses(self, text: str) -> None:
        if text != self._last_course_query and self._errors.get("courses") and self.state.courses:
            self._show_error("courses", self._courses_problem() or "")  # a refused add is history now
        taken = self._already_requested()
        grade = (self._student or {}).get("grade", "")
        rows = []
        for c in self._catalog.search(text, limit=60):
            note, blocked = "", False
            if (same := self._in_request(c.code)) is not None:
                note, blocked = f"in this request ({same['provider_name']})", True
            elif (hit := taken.get(c.code.casefold())) is not None:
                note, blocked = f"already requested ({hit[0]})", True
            elif grade and not c.fits_grade(grade):
                note = f"for {c.grades}"
            rows.append(CourseChoice(c.id, c.code, c.title, c.provider_name, format_credits(Decimal(str(c.credits))),
                                     c.term_label, c.grades, note, blocked))
        self._last_course_query = text
        self.view.show_course_results(rows)

    def add_course(self, course_id: int) -> bool:
        course = self._catalog.course(course_id)
        if course is None:
            return False
        same = self._in_request(course.code)
        if same is not None:
            self._show_error("courses", f"{course.code} is already in this request (from {same['provider_name']}).")
            return False
        block = self._course_block(course.code, self._already_requested())
        if block:
            self._show_error("courses", block + " It cannot be requested twice for the same term.")
            return False
        self.state.courses.append({"course_id": course.id, "code": course.code, "title": course.title,
                                   "provider_name": course.provider_name,
                                   "credits": format_credits(Decimal(str(course.credits)))})
        self._show_error("courses", "")
        self._refresh_meter()
        self.search_courses(self._last_course_query)
        return True

    def remove_course(self, index: int) -> None:
        if 0 <= index < len(self.state.courses):
            del self.state.courses[index]
            self._live("courses", self._courses_problem() if self.state.courses else None)
            self._refresh_meter()
            self.search_courses(self._last_course_query)

    def move_course(self, index: int, delta: int) -> None:
        """Courses count toward the cap in request order: the first ones are paid first."""
        target = index + delta
        if 0 <= index < len(self.state.courses) and 0 <= target < len(self.state.courses):
            courses = self.state.courses
            courses[index], courses[target] = courses[target], courses[index]
            self._refresh_meter()

    def _courses_problem(self) -> str | None:
        if not self.state.courses:
            return "Add at least one course from the catalog."
        taken = self._already_requested()
        blocked = [b for c in self.state.courses if (b := self._course_block(c["code"], taken))]
        if blocked:
            return " ".join(blocked) + " Remove it, or withdraw the earlier request first."
        return None

    def _refresh_meter(self) -> None:
        cap = Decimal(str(self._policy.full_time_credits_per_term))
        in_person = _credits(self.state.in_person_credits) if not self._in_person_problem() else None
        fte: dict[int, str] = {}
        obligated = Decimal(0)
        if in_person is not None and self.state.courses and self._student is not None and self._term() is not None:
            try:
                evaluation = svc.evaluate_draft(self.store, self._request_draft(pathway="part_time"))
            except (svc.RequestError, ValueError):
                evaluation = None
            if evaluation is not None:
                fte = {n: c.fte or "" for n, c in enumerate(evaluation.courses)}
                obligated = evaluation.district_obligated_credits
        rows = []
        for n, c in enumerate(self.state.courses):
            status = fte.get(n, "")
            label = {"within": "District pays", "beyond": "Beyond the full-time load: not paid by the district"
                     }.get(status, "")
            rows.append(SelectedCourse(c["code"], c["title"], c["provider_name"], c["credits"], status, label))
        total = sum((Decimal(c["credits"]) for c in self.state.courses), Decimal(0))
        beyond = total - obligated if fte else Decimal(0)
        if in_person is None:
            summary = (f"A full-time load is {credits_text(cap)} a term. Enter the in-person credits "
                       "to see which courses the district pays for.")
        elif not self.state.courses:
            room = max(Decimal(0), cap - in_person)
            summary = (f"A full-time load is {credits_text(cap)} a term. With {credits_text(in_person)} "
                       f"in person, the district pays for up to {credits_text(room)} of virtual courses.")
        else:
            summary = (f"Full-time load {credits_text(cap)}: {format_credits(in_person)} in person + "
                       f"{format_credits(obligated)} virtual paid by the district.")
            if beyond:
                names = ", ".join(r.code for r in rows if r.fte == "beyond")
                summary += (f" Beyond the full-time load and not paid by the district: {credits_text(beyond)} "
                            f"({names}).")
            else:
                summary += " Every requested course is within the load."
        self.view.show_meter(FteMeter(float(cap), float(in_person or 0), float(obligated), float(beyond),
                                      rows, summary))

    def _check_part_time(self) -> dict[str, str]:
        problems = {
            "start_term": self._term_problem(), "start_date": self._start_date_problem(),
            "received": self._received_problem(), "in_person_credits": self._in_person_problem(),
            "courses": self._courses_problem(),
        }
        return {k: v for k, v in problems.items() if v}

    # --- page 3b: full-time ---------------------------------------------------------------------------
    def _host_problem(self) -> str | None:
        code = self.state.host_district.replace("-", "").replace(" ", "")
        if not code:
            return "Enter the host district's county-district code (six digits, such as 048-078)."
        if not code.isdigit() or len(code) != 6:
            return f'"{self.state.host_district}" is not a county-district code (six digits, such as 048-078).'
        own = DistrictRepo(self.store).profile()
        if own is not None and core.normalize_district(own.code) == code:
            return "That is this district's own code. The host district is the one that runs the virtual program."
        return None

    def _input_due(self) -> date | None:
        received = _date(self.state.received)
        if received is None:
            return None
        return self._calendar.add_business_days(received, self._policy.full_time_input_business_days)

    def _refresh_input_due(self) -> None:
        if self.state.pathway != "full_time":
            return
        due = self._input_due()
        if due is None or self._received_problem():
            self.view.show_input_due("Enter the date the provider's notice reached the district to see "
                                     "when the district's input is due.")
            return
        days = self._policy.full_time_input_business_days
        text = (f"The district's input is due by {_d(due)}: {days} business days after the provider's notice "
                f"reached the district (RSMo 161.670.3(4)).")
        today = self.today()
        if due < today:
            text += " That date has passed: send the input today."
        else:
            left = self._calendar.business_days_between(today, due)
            text += f" {left} business day{'s' if left != 1 else ''} left."
        self.view.show_input_due(text)

    def _full_time_duplicate(self) -> str | None:
        if self.state.student_id is None:
            return None
        for r in svc.open_requests_for(self.store, self.state.student_id):
            if r.pathway == "full_time" and r.status in lifecycle.AWAITING_ACTION:
                return (f"This student already has a full-time request in progress: {r.reference} "
                        f"({lifecycle.LABELS.get(r.status, r.status).lower()}). Continue that one from the "
                        "review queue instead of starting another.")
        return None

    def _check_full_time(self) -> dict[str, str]:
        problems = {
            "provider": self._full_time_duplicate() or (None if self.state.provider_id
                                                        else "Choose the program's provider."),
            "host_district": self._host_problem(),
            "received": self._received_problem(),
            "start_term": self._term_problem(),
            "reasons": None if self.state.family_reasons else
            'Choose at least one reason the family gives (or "Prefers not to say").',
        }
        return {k: v for k, v in problems.items() if v}

    # --- page 4: eligibility ------------------------------------------------------------------------------
    def _waiver(self) -> core.MedicalWaiver | None:
        if self.state.waiver_documented is None:
            return None
        if not self.state.waiver_documented:
            return core.MedicalWaiver(False)
        return core.MedicalWaiver(True, _date(self.state.waiver_date), self.state.waiver_role or None)

    def _request_draft(self, pathway: str | None = None) -> svc.RequestDraft:
        pathway = pathway or self.state.pathway
        received = _date(self.state.received) or self.today()
        in_person = _credits(self.state.in_person_credits) if pathway == "part_time" else None
        return svc.RequestDraft(
            student_id=self.state.student_id or 0, pathway=pathway, start_term=self.state.start_term,
            mosis_id=self.state.mosis_id.replace(" ", "") if self._needs_mosis_id() else "",
            received=received, in_person_credits=in_person if in_person is not None else Decimal(0),
            courses=[svc.DraftCourse(c["code"], Decimal(c["credits"]), c["title"], c["provider_name"],
                                     c.get("course_id"))
                     for c in self.state.courses] if pathway == "part_time" else [],
            waiver=self._waiver(),
            provider_id=self.state.provider_id if pathway == "full_time" else None,
            host_district=self.state.host_district.replace("-", "").strip() if pathway == "full_time" else "",
            family_reasons=list(self.state.family_reasons) if pathway == "full_time" else [],
            letter_guardian_id=self.state.guardian_id, letter_language=self.state.language,
            start_date=_date(self.state.start_date) if pathway == "part_time" else None,
        )

    def evaluate(self) -> core.Evaluation | None:
        """The rules core's verdict on what is entered so far (None when it cannot be evaluated yet)."""
        if self.state.student_id is None or self.state.pathway not in core.model.PATHWAYS:
            return None
        try:
            self._evaluation = svc.evaluate_draft(self.store, self._request_draft())
        except (svc.RequestError, ValueError) as err:
            log.debug("not evaluable yet: %s", err)
            self._evaluation = None
        return self._evaluation

    def _refresh_eligibility(self) -> None:
        evaluation = self.evaluate()
        if evaluation is None:
            self.view.show_eligibility(EligibilityView(
                "The request cannot be checked yet: go back and complete the earlier pages.", False, [],
                False, [], []))
            return
        r04 = evaluation.finding("R04")
        offered = r04.outcome == "fail" or (r04.outcome == "waived")
        findings = [self._finding_row(f) for f in evaluation.findings]
        failed = [f.name for f in findings if f.outcome == "fail"]
        if evaluation.eligible:
            headline = "Eligible: the student meets residency, age and grade, enrollment and prior-term rules."
        else:
            headline = "Not eligible as entered: " + ", ".join(failed).lower() + " not met."
            if r04.outcome == "fail" and not failed[1:]:
                headline += " A documented medical or psychological condition would waive the prior-term rule."
        self.view.show_eligibility(EligibilityView(
            headline, evaluation.eligible, findings, offered, self._flags(evaluation), self._deadlines(evaluation)))

    @staticmethod
    def _finding_row(f: core.Finding) -> FindingRow:
        return FindingRow(f.rule, core.rule_name(f.rule), f.outcome, OUTCOME_LABELS[f.outcome], f.message,
                          f.citation)

    def _flags(self, evaluation: core.Evaluation) -> list[FlagRow]:
        s = self._student or {}
        flags = []
        full_time = self.state.pathway == "full_time"
        if s.get("iep"):
            flags.append(FlagRow("IEP", (
                "The host district carries out the IEP; the two districts may agree on services." if full_time else
                "The IEP team decides this request, not the building, and the team considers the "
                "student's services. An appeal goes through the special-education process, not the board.")))
        if s.get("section_504"):
            flags.append(FlagRow("Section 504 plan", (
                "The host district carries out the 504 plan." if full_time else
                "The Section 504 team decides this request, not the building, and the plan's "
                "accommodations carry over to the virtual course. An appeal goes through the 504 process.")))
        if s.get("mshsaa_activities"):
            flags.append(FlagRow("MSHSAA activities", (
                "To stay eligible, every virtual credit must be on the transcript and completed by the end "
                "of the semester (MSHSAA By-Law 2.3.4). The family confirms this on the next page.")))
        if evaluation.icap_required:
            flags.append(FlagRow("Learning plan (ICAP) needed", (
                "A full-time virtual program needs an individual career and academic plan." if full_time else
                f"More than {self._policy.icap_course_threshold} virtual courses need an individual career and "
                "academic plan; the counselor updates it before the courses start.")))
        return flags

    def _deadlines(self, evaluation: core.Evaluation) -> list[str]:
        lines = [ROUTING_TEXT[evaluation.routing]]
        if evaluation.decision_due:
            lines.append(f"Decision due by {_d(evaluation.decision_due)} "
                         f"({self._policy.decision_business_days} business days after it was received).")
        if evaluation.deemed_approved_on:
            lines.append(f"Under district policy, without a decision communicated by "
                         f"{_d(evaluation.deemed_approved_on)} the request is deemed approved.")
        if evaluation.input_due:
            lines.append(f"District input due by {_d(evaluation.input_due)}.")
        return lines

    def _waiver_problems(self, live: bool = False) -> dict[str, str]:
        evaluation = self._evaluation
        if evaluation is None:
            return {}
        r04 = evaluation.finding("R04").outcome
        if r04 not in ("fail", "waived"):
            return {}
        problems = {}
        if self.state.waiver_documented is None:
            if not live:
                problems["waiver"] = ("The student missed part of the prior term. Answer: is a medical or "
                                      "psychological condition documented?")
        elif self.state.waiver_documented:
            day = _date(self.state.waiver_date)
            if day is None:
                if not live:
                    problems["waiver_date"] = "Enter the date of the document."
            elif day > self.today():
                problems["waiver_date"] = "The document's date cannot be in the future."
            if not self.state.waiver_role and not live:
                problems["waiver_role"] = "Choose who verified the document (a role, not a name)."
        return problems

    def _check_eligibility(self) -> dict[str, str]:
        if self.evaluate() is None:
            return {"eligibility": "The request cannot be checked yet: go back and complete the student, "
                                   "pathway and course pages."}
        return self._waiver_problems()

    # --- page 5: family ----------------------------------------------------------------------------------
    def _acks(self) -> list[AckItem]:
        athlete = bool((self._student or {}).get("mshsaa_activities"))
        return [AckItem(a.key, a.text) for a in acknowledgements_for(self.state.pathway or "part_time", athlete)]

    def _refresh_family(self) -> None:
        guardians = [GuardianChoice(c.id, f"{c.name}" + (f" ({c.relationship})" if c.relationship else "")
                                    + (" — gets letters now" if c.receives_letters else ""))
                     for c in self._contacts]
        self.view.show_family(FamilyView(guardians, self._acks()))
        if self.state.guardian_id is None and self._contacts:
            self.state.guardian_id = self._contacts[0].id
            self.view.set_value("guardian_id", str(self.state.guardian_id))
            self._fill_from_guardian()
        valid = {a.key for a in self._acks()}
        self.state.acknowledgements = [k for k in self.state.acknowledgements if k in valid]

    def _fill_from_guardian(self) -> None:
        contact = next((c for c in self._contacts if c.id == self.state.guardian_id), None)
        if contact is None:
            return
        for name in ("address1", "address2", "city", "state", "zip"):
            setattr(self.state, name, getattr(contact, name))
            self.view.set_value(name, getattr(contact, name))
        self.state.language = contact.preferred_language if contact.preferred_language in ("en", "es") else "en"
        self.view.set_value("language", self.state.language)

    def _address_problems(self) -> dict[str, str]:
        problems = {}
        if not self.state.address1:
            problems["address1"] = "Enter the street address the letters go to."
        if not self.state.city:
            problems["city"] = "Enter the city."
        if not re.fullmatch(r"[A-Za-z]{2}", self.state.state):
            problems["state"] = "Enter the two-letter state (MO)."
        if not _ZIP.match(self.state.zip):
            problems["zip"] = "Enter a ZIP code of five digits (or ZIP+4)."
        return problems

    def _missing_acknowledgements(self) -> list[str]:
        return [a.key for a in self._acks() if a.key not in self.state.acknowledgements]

    def _check_family(self) -> dict[str, str]:
        problems = {}
        if self.state.guardian_id is None or all(c.id != self.state.guardian_id for c in self._contacts):
            problems["guardian"] = ("Choose who gets the letters. If no guardian is on file, add one in the "
                                    "student's record first.")
        problems |= self._address_problems()
        if self.state.language not in ("en", "es"):
            problems["language"] = "Choose English or Spanish for the letters."
        if self._missing_acknowledgements():
            problems["acknowledgements"] = "Go through each item with the family and check it."
        return problems

    # --- page 6: review and submit -------------------------------------------------------------------------
    def review(self) -> ReviewSummary:
        s = self._student or {}
        evaluation = self.evaluate()
        full_time = self.state.pathway == "full_time"
        grade = "kindergarten" if s.get("grade") == "K" else f"grade {s.get('grade', '')}"
        sections = [ReviewSection("Student", [
            ("Name", f"{s.get('last_name', '')}, {s.get('first_name', '')}"),
            ("Grade and building", f"{grade}, {s.get('building') or 'no building'}"),
            ("Local number", s.get("local_number", "")),
        ])]
        term = self._term()
        term_text = f"{self._term_name(self.state.start_term)}" + (f" ({_range(term.start, term.end)})" if term else "")
        received = _date(self.state.received)
        if full_time:
            provider = self._catalog.provider(self.state.provider_id) if self.state.provider_id else None
            due = self._input_due()
            sections.append(ReviewSection("Full-time virtual program", [
                ("Provider", provider.name if provider else ""),
                ("Host district", self.state.host_district),
                ("Planned start", term_text),
                ("Provider's notice reached the district", _d(received) if received else ""),
                ("District input due", _d(due) if due else ""),
                ("Family's reasons", ", ".join(self.state.family_reasons)),
            ]))
        else:
            fte = {n: c.fte for n, c in enumerate(evaluation.courses)} if evaluation else {}
            rows = [("Start term", term_text),
                    ("Start date", _d(_date(self.state.start_date)) if _date(self.state.start_date) else ""),
                    ("Received", _d(received) if received else ""),
                    ("In-person credits this term", self.state.in_person_credits)]
            for n, c in enumerate(self.state.courses):
                paid = {"within": "district pays", "beyond": "beyond the full-time load, not paid"}.get(fte.get(n), "")
                rows.append((f"Course {n + 1}", f"{c['code']} {c['title']} ({c['provider_name']}), "
                             f"{credits_text(Decimal(c['credits']))}" + (f" — {paid}" if paid else "")))
            if evaluation:
                rows.append(("District pays for", credits_text(evaluation.district_obligated_credits)))
            sections.append(ReviewSection("Part-time courses", rows))
        if evaluation:
            rows = [("Decided by", ROUTING_TEXT[evaluation.routing])]
            rows += _labelled_once("Deadlines", self._deadlines(evaluation)[1:])
            waiver = self._waiver()
            if waiver is not None and evaluation.finding("R04").outcome in ("fail", "waived"):
                rows.append(("Medical/psychological waiver",
                             f"documented {_d(waiver.document_date)}, verified by {waiver.verified_by_role}"
                             if waiver.documented and waiver.document_date else "not documented"))
            rows.append(("Policy", f"{evaluation.policy_id} {evaluation.policy_version}"))
            sections.append(ReviewSection("Process", rows))
        contact = next((c for c in self._contacts if c.id == self.state.guardian_id), None)
        address = ", ".join(x for x in (self.state.address1, self.state.address2,
                                        f"{self.state.city}, {self.state.state} {self.state.zip}") if x.strip())
        acks = {a.key: a.text for a in self._acks()}
        sections.append(ReviewSection("Family", [
            ("Letters go to", contact.name if contact else ""),
            ("Mailing address", address),
            ("Language", dict(LANGUAGES).get(self.state.language, self.state.language)),
            *_labelled_once("Acknowledged", [acks[k] for k in self.state.acknowledgements if k in acks]),
        ]))
        if evaluation is None:
            headline = "The request is not complete yet."
        elif evaluation.eligible:
            headline = "Eligible. Submitting stores the request as received and puts it in the review queue."
        else:
            headline = ("Not eligible as entered. Submitting still records the request so the district can "
                        "answer the family in writing.")
        return ReviewSummary(headline, sections,
                             [self._finding_row(f) for f in evaluation.findings] if evaluation else [])

    def _submit_question(self) -> str:
        what = "full-time virtual program" if self.state.pathway == "full_time" else "part-time course"
        return (f"Submit {self._student_name()}'s {what} request? It is stored as received, its deadlines "
                "start, and a \"request received\" letter is queued for the family. A submitted request "
                "cannot be taken back, only withdrawn.")

    def submit(self) -> bool:
        """Store the request (the commit page). False, with the reason shown, when it cannot be."""
        if self.submitted is not None:
            return True
        for page in ("student", "pathway", self.state.pathway or "part_time", "eligibility", "family"):
            if not self.validate_page(page):
                self.view.show_error("The request is not complete",
                                     f"Go back to the {PAGE_TITLES[page]} page: something there needs attention.")
                return False
        if not self.view.confirm_submit(self._submit_question()):
            return False
        family = FamilyDetails(self.state.guardian_id or 0, self.state.address1, self.state.address2,
                               self.state.city, self.state.state.upper(), self.state.zip, self.state.language,
                               list(self.state.acknowledgements))
        try:
            done = finish_request(self.store, self._request_draft(), family, actor=self.actor,
                                  draft_id=self.draft_id)
        except (svc.RequestError, StoreError, ValueError) as err:
            self.view.show_error("The request was not submitted", str(err))
            return False
        self.draft_id = None
        evaluation = self._evaluation
        lines = [f"{self._student_name()}'s request is stored as {done.reference} and is in the review queue."]
        if evaluation is not None:
            lines += self._deadlines(evaluation)
        lines.append("A \"request received\" letter is waiting in the print center." if done.letter_queued else
                     "No \"request received\" letter could be queued (the log says why): tell the family "
                     "the request was received.")
        self.submitted = DoneView(done.request_id, done.reference, lines)
        self.view.show_done(self.submitted)
        if self.on_submitted is not None:
            self.on_submitted(done.request_id)
        return True


# --- the offer to resume a draft, at start-up and from the Request menu ----------------------------

@dataclass(frozen=True)
class DraftOffer:
    draft_id: int
    text: str
    others: int  # further saved drafts after this one


def draft_offer(store: Store, student_id: int | None = None) -> DraftOffer | None:
    """The newest saved draft (for `student_id` when given) as a sentence for the resume question,
    or None when there is none."""
    saved = [d for d in drafts.list_drafts(store, limit=50) if student_id is None or d.student_id == student_id]
    if not saved:
        return None
    d = saved[0]
    stamp = format_when(d.updated_at)
    who = d.student_label or "a student not chosen yet"
    text = (f"A MOCAP request for {who} was started but not submitted (last saved {stamp}, on the "
            f"{PAGE_TITLES.get(d.page, d.page or 'first')} page).")
    if len(saved) > 1:
        text += f" {len(saved) - 1} more saved draft{'s' if len(saved) > 2 else ''} will be offered after it."
    return DraftOffer(d.id, text, len(saved) - 1)


def discard_draft(store: Store, draft_id: int) -> None:
    drafts.discard_draft(store, draft_id)
