"""What the wizard's view is handed: the pages, the choices it offers, and one plain dataclass
per thing a page shows, with the `RequestWizardView` Protocol the Qt wizard fulfils."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from mocap_desktop.ui.presenters.wizard.state import WizardState

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
