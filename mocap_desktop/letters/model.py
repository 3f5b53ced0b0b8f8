"""What a letter is made of: plain, frozen data in, PDF out. No Qt, no SQL.

The services layer fills these from the database (or the review queue passes a decision
in); the renderer only lays them out. A `LetterDataError` says, in one sentence a person
can act on, what is missing; it names people by record id, never by name, so it can be
logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal

KINDS: tuple[str, ...] = (
    "received", "approved", "partially_approved", "denied", "full_time", "annual_notice",
)
DECISION_KINDS: tuple[str, ...] = ("approved", "partially_approved", "denied")
LANGUAGES: tuple[str, ...] = ("en", "es")

Kind = Literal["received", "approved", "partially_approved", "denied", "full_time", "annual_notice"]


class LetterDataError(ValueError):
    """The data cannot make a correct letter; `str()` says what to fix."""


@dataclass(frozen=True)
class Contact:
    name: str = ""
    title: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Letterhead:
    """The district profile as a letter shows it."""

    district_name: str
    address_lines: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""
    website: str = ""
    logo_path: Path | None = None
    contact: Contact = Contact()
    signer_name: str = ""
    signer_title: str = ""
    policy_reference: str = "Board Policy 6190/6191"


@dataclass(frozen=True)
class Recipient:
    """The parent or guardian the letter goes to, with a mailing address for the window."""

    name: str
    address1: str
    city: str
    state: str
    zip: str
    address2: str = ""
    guardian_id: int | None = None
    student_id: int | None = None

    @property
    def complete(self) -> bool:
        return all(part.strip() for part in (self.name, self.address1, self.city, self.state, self.zip))

    def address_lines(self) -> tuple[str, ...]:
        lines = [self.name, self.address1]
        if self.address2.strip():
            lines.append(self.address2)
        lines.append(f"{self.city}, {self.state} {self.zip}".strip())
        return tuple(line.strip() for line in lines)

    def who(self) -> str:
        """The guardian and student by record id, for messages and logs (never names)."""
        parts = []
        if self.guardian_id is not None:
            parts.append(f"guardian #{self.guardian_id}")
        if self.student_id is not None:
            parts.append(f"student #{self.student_id}")
        return " of ".join(parts) if parts else "the recipient"


@dataclass(frozen=True)
class StudentRef:
    name: str
    grade: str = ""
    building: str = ""
    student_id: int | None = None


@dataclass(frozen=True)
class CourseLine:
    code: str
    title: str
    provider: str = ""
    credits: Decimal = Decimal("0.5")
    district_pays: bool = True
    """False when the course goes beyond a full-time load (R06 `beyond`)."""
    decision: Literal["approved", "denied"] | None = None


@dataclass(frozen=True)
class RequestInfo:
    reference: str
    pathway: Literal["part_time", "full_time"]
    received: date
    term_name: str = ""
    term_start: date | None = None
    term_end: date | None = None
    provider: str = ""
    courses: tuple[CourseLine, ...] = ()
    routing: str = "building_review"
    decision_due: date | None = None
    input_due: date | None = None
    deemed_approved_on: date | None = None
    icap_required: bool = False
    mshsaa_activities: bool = False
    host_district: str = ""
    input_sent_on: date | None = None


@dataclass(frozen=True)
class Decision:
    """A decision on a part-time request, as the review queue records it.

    Per-course outcomes are on `RequestInfo.courses[].decision`; this holds the rest.
    """

    decided_on: date
    decided_by: str = ""
    decided_by_title: str = ""
    decided_by_role: str = "principal"
    reasons: tuple[str, ...] = ()
    explanation: str = ""


@dataclass(frozen=True)
class NoticeSettings:
    """District choices the annual notice and the appeal section depend on."""

    require_prior_semester: bool = True
    decision_business_days: int = 10
    board_appeal_days: int = 30
    catalog_url: str = "mocap.mo.gov/catalog"
    # The appeal clocks of the district's policy; None where the district has switched one off.
    board_decision_days: int | None = 30
    state_record_hours: int | None = 72
    state_decision_days: int | None = 7


@dataclass(frozen=True)
class LetterData:
    kind: Kind
    language: str
    letter_date: date
    letterhead: Letterhead
    recipient: Recipient
    students: tuple[StudentRef, ...]
    request: RequestInfo | None = None
    decision: Decision | None = None
    settings: NoticeSettings = field(default_factory=NoticeSettings)

    @property
    def student(self) -> StudentRef:
        return self.students[0]

    @property
    def reference(self) -> str:
        return self.request.reference if self.request else ""

    @property
    def appeal_deadline(self) -> date | None:
        """The last day to appeal to the Board: `board_appeal_days` calendar days after the decision."""
        if self.decision is None:
            return None
        return self.decision.decided_on + timedelta(days=self.settings.board_appeal_days)

    @property
    def approved_courses(self) -> tuple[CourseLine, ...]:
        return tuple(c for c in self.request.courses if c.decision == "approved") if self.request else ()

    @property
    def denied_courses(self) -> tuple[CourseLine, ...]:
        return tuple(c for c in self.request.courses if c.decision == "denied") if self.request else ()

    def validate(self) -> None:
        """Raise `LetterDataError` when this letter would be wrong or could not be mailed."""
        if self.kind not in KINDS:
            raise LetterDataError(f"Unknown letter kind {self.kind!r}: use one of {', '.join(KINDS)}.")
        if self.language not in LANGUAGES:
            raise LetterDataError(f"Unsupported letter language {self.language!r}: use en or es.")
        if not self.letterhead.district_name.strip():
            raise LetterDataError("The district profile has no name: fill in File → District profile.")
        logo = self.letterhead.logo_path
        if logo is not None and not Path(logo).is_file():
            raise LetterDataError(
                f"The letterhead logo {logo} cannot be found: choose it again in "
                "File → District profile, or clear it.")
        if not self.recipient.complete:
            raise LetterDataError(
                f"No complete mailing address (name, street, city, state, ZIP) for "
                f"{self.recipient.who()}: add it to the guardian's record, then try again.")
        if not self.students:
            raise LetterDataError("A letter needs at least one student.")
        if self.kind != "annual_notice" and self.request is None:
            raise LetterDataError(f"A {self.kind} letter needs the request it is about.")
        if self.request is not None and self.kind != "annual_notice":
            self._validate_request()
        if self.kind in DECISION_KINDS:
            self._validate_decision()

    def _validate_request(self) -> None:
        req, ref = self.request, self.reference or "the request"
        if not (req.provider or any(c.provider for c in req.courses)):
            raise LetterDataError(f"{ref} names no course provider or program.")
        if req.pathway == "part_time":
            if req.term_start is None or req.term_end is None or not req.term_name:
                raise LetterDataError(f"{ref}: its start term is not in the district calendar "
                                      "(name, first and last day), which the letter states.")
            if not req.courses:
                raise LetterDataError(f"{ref} lists no courses.")
            if self.kind == "received" and not (req.decision_due or req.deemed_approved_on):
                raise LetterDataError(f"{ref} has no decision date to tell the family.")
        elif self.kind == "received" and req.input_due is None:
            raise LetterDataError(f"{ref} has no date by which the district's input is due.")
        if self.kind == "full_time" and req.input_sent_on is None:
            raise LetterDataError(f"{ref}: the district's input has not been sent yet.")

    def _validate_decision(self) -> None:
        ref = self.reference or "the request"
        if self.decision is None:
            raise LetterDataError(f"{ref} has no recorded decision.")
        approved, denied = self.approved_courses, self.denied_courses
        undecided = [c.code for c in self.request.courses if c.decision is None]
        if undecided:
            raise LetterDataError(f"{ref} has courses without a decision: {', '.join(undecided)}.")
        actual = "denied" if not approved else "approved" if not denied else "partially_approved"
        if actual != self.kind:
            raise LetterDataError(
                f"The decision on {ref} is {actual.replace('_', ' ')}, not {self.kind.replace('_', ' ')}: "
                f"use the {actual} letter.")
        if denied and not self.decision.reasons:
            raise LetterDataError(f"The denial of {ref} gives no reason; a denial needs at least one.")
        if denied and not self.decision.explanation.strip():
            raise LetterDataError(
                f"The denial of {ref} has no written explanation specific to the student.")
