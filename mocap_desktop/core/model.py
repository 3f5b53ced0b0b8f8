"""The plain data the rules read and write: frozen dataclasses, no behaviour beyond lookups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Mapping

from .calendar import Calendar, Term
from .policy import Policy

__all__ = [
    "Calendar", "Term", "Policy", "Enrollment", "Student", "Course", "MedicalWaiver", "Request",
    "Decision", "Finding", "CourseResult", "Evaluation", "DecisionCheck",
    "GRADES", "PATHWAYS", "SCHOOL_KINDS", "DECISION_OUTCOMES", "OUTCOMES", "ROUTINGS", "ROLES",
    "normalize_district",
]

Pathway = Literal["part_time", "full_time"]
SchoolKind = Literal["public", "charter", "private", "home", "out_of_state"]
Outcome = Literal["pass", "fail", "waived", "warn", "not_applicable"]
Routing = Literal["provider", "iep_team", "section_504_team", "building_review"]

GRADES: frozenset[str] = frozenset({"K", *map(str, range(1, 13))})
PATHWAYS: frozenset[str] = frozenset({"part_time", "full_time"})
SCHOOL_KINDS: frozenset[str] = frozenset({"public", "charter", "private", "home", "out_of_state"})
DECISION_OUTCOMES: frozenset[str] = frozenset({"approve", "deny"})
OUTCOMES: tuple[str, ...] = ("pass", "fail", "waived", "warn", "not_applicable")
ROUTINGS: tuple[str, ...] = ("provider", "iep_team", "section_504_team", "building_review")
ROLES: tuple[str, ...] = ("principal", "designee", "superintendent", "counselor", "iep_team", "section_504_team")


def normalize_district(code: str) -> str:
    """A district code in one spelling: `048-078` and `048078` are the same district."""
    return code.replace("-", "").strip().upper()


@dataclass(frozen=True)
class Enrollment:
    district: str
    school_kind: SchoolKind
    state: str
    full_time: bool
    entry: date
    exit: date | None = None

    def counts_as_full_time_missouri_public(self) -> bool:
        """Full time in a Missouri public or charter school: what R03 and R04 look for."""
        return self.full_time and self.school_kind in ("public", "charter") and self.state.upper() == "MO"

    def covers(self, day: date) -> bool:
        return self.entry <= day and (self.exit is None or day <= self.exit)


@dataclass(frozen=True)
class Student:
    birth_date: date | None  # None: not on record (R02 asks for it)
    grade: str
    resides_in_missouri: bool
    iep: bool = False
    section_504: bool = False
    mshsaa_activities: bool = False
    active_virtual_courses: int = 0
    enrollments: tuple[Enrollment, ...] = ()
    mosis_id: str | None = None


@dataclass(frozen=True)
class Course:
    code: str
    credits: Decimal


@dataclass(frozen=True)
class MedicalWaiver:
    """That a medical/psychological condition is documented. Never holds a diagnosis."""

    documented: bool
    document_date: date | None = None
    verified_by_role: str | None = None


@dataclass(frozen=True)
class Request:
    id: str
    pathway: Pathway
    start_term: str
    received: date
    in_person_credits: Decimal
    courses: tuple[Course, ...] = ()
    medical_waiver: MedicalWaiver | None = None


@dataclass(frozen=True)
class Decision:
    outcome: Literal["approve", "deny"]
    decided_by_role: str
    reasons: tuple[str, ...] = ()
    explanation: str = ""
    in_person_options_considered: bool = False


@dataclass(frozen=True)
class Finding:
    """One rule's verdict. `parts` (message key, parameters) re-render the message in any language."""

    rule: str
    outcome: Outcome
    message: str
    citation: str
    parts: tuple[tuple[str, Mapping[str, Any]], ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class CourseResult:
    code: str
    credits: Decimal
    fte: Literal["within", "beyond"] | None


@dataclass(frozen=True)
class DecisionCheck:
    """R12-R15 on a decision; `valid` is false when any is `fail` (then `problems` says why)."""

    findings: tuple[Finding, ...]

    @property
    def valid(self) -> bool:
        return all(f.outcome != "fail" for f in self.findings)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(f.message for f in self.findings if f.outcome == "fail")


@dataclass(frozen=True)
class Evaluation:
    id: str
    eligible: bool
    routing: Routing
    decision_due: date | None
    input_due: date | None
    deemed_approved_on: date | None
    icap_required: bool
    district_obligated_credits: Decimal
    courses: tuple[CourseResult, ...]
    findings: tuple[Finding, ...]
    decision_valid: bool | None
    policy_id: str
    policy_version: str
    pathway: Pathway = "part_time"
    lang: str = "en"

    def finding(self, rule: str) -> Finding:
        return next(f for f in self.findings if f.rule == rule)
