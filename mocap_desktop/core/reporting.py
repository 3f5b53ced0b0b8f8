"""What the state's collections and the board's annual report count: pure rules, no SQL.

School years are named by the year they start: 2026 is the 2026-27 school year, from July 1,
2026 through June 30, 2027 (the calendar's `terms.school_year` is the year it ends, 2027).

Core Data/MOSIS cycles (a worksheet for the data clerk, not DESE's upload layout):
- october: the courses of the school year's terms that started by October 31 and were enrolled
  with the provider by then, with the withdrawals and drops since July 1;
- june: every course of the school year's terms enrolled with the provider, with its outcome
  (completed, dropped, withdrawn) or still enrolled on June 30.
A course the provider never confirmed (approved, sent, refused; withdrawn before enrolment) was
never a MOCAP enrollment and is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["ATTENDANCE_OUTCOMES", "BoardFigures", "ProviderCost", "CYCLES", "check_year", "DELIVERY_CODES", "PROGRAM_CODES", "Period", "attendance_outcome",
           "attendance_share", "cycle_period", "median", "month_keys", "reported_status", "school_year",
           "school_year_label", "school_year_of", "share_percent"]

CYCLES = ("october", "june")
PROGRAM_CODES = {"50": "50 — the provider supplies the teacher", "52": "52 — curriculum only, a district teacher"}
DELIVERY_CODES = ("V", "S")
DEFAULT_PROGRAM_CODE, DEFAULT_DELIVERY_CODE = "50", "V"


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_year(year: int) -> int:
    """`year` if it can name a school year here, else ValueError with a sentence for the user."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"The school year is the year it starts, like 2026 for 2026-27, not {year}.")
    return year


def school_year(year: int) -> Period:
    """July 1 of `year` through June 30 of the next."""
    check_year(year)
    return Period(date(year, 7, 1), date(year + 1, 6, 30))


def school_year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def school_year_of(day: date) -> int:
    """The school year (by its starting year) a day falls in."""
    return day.year if day.month >= 7 else day.year - 1


def cycle_period(cycle: str, year: int) -> Period:
    if cycle not in CYCLES:
        raise ValueError(f"the cycle is october or june, not '{cycle}'")
    whole = school_year(year)
    return Period(whole.start, date(year, 10, 31)) if cycle == "october" else whole


def reported_status(status: str, course_start: date | None, confirmed_on: date | None, ended_on: date | None,
                    period: Period) -> str | None:
    """The status to report for a tracked course in a cycle's period, or None when the course
    is not reported in it: never enrolled with the provider, enrolled after the period, started
    after it, or ended before it began. An outcome after the period's end is reported as
    enrolled (as it stood on the last day)."""
    if confirmed_on is None or confirmed_on > period.end:
        return None
    if course_start is not None and course_start > period.end:
        return None
    if status not in ("enrolled", "dropped", "withdrawn", "completed"):
        return None
    if status == "enrolled" or ended_on is None:
        return "enrolled"
    if ended_on < period.start:
        return None
    return status if ended_on <= period.end else "enrolled"


def median(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def share_percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def month_keys(year: int) -> list[str]:
    """'2026-07' … '2027-06': the school year's months in order."""
    return [f"{year + (m < 7)}-{m:02d}" for m in (*range(7, 13), *range(1, 7))]


# --- the attendance claim ---------------------------------------------------------------------

ATTENDANCE_OUTCOMES = {
    "completed": "Completed",
    "dropped_after_window": "Dropped after the drop window",
    "withdrawn": "Withdrawn after enrolling",
}
"""Outcomes for which a district may claim a share of the course's attendance; the shares are
policy values (`core/policy.py`, `attendance_*_percent`). Every other outcome claims nothing:
a course still in progress (until its outcome), refused, never enrolled, dropped inside the window."""


def attendance_outcome(status: str, drop_window: str, confirmed: bool) -> str | None:
    """The attendance table's row for a tracked course, None when it claims nothing."""
    if status == "completed":
        return "completed"
    if status == "dropped" and drop_window == "after":
        return "dropped_after_window"
    if status == "withdrawn" and confirmed:
        return "withdrawn"
    return None


def attendance_share(outcome: str | None, shares: dict[str, Decimal | None]) -> Decimal:
    """The share (0 to 1) of the course's attendance the district may claim; 0 for no outcome or
    a share the district switched off."""
    percent = shares.get(outcome) if outcome else None
    if percent is None:
        return Decimal("0")
    return (Decimal(percent) / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# --- the board's figures -------------------------------------------------------------------------

Count = tuple[str, int]


@dataclass(frozen=True)
class ProviderCost:
    provider: str
    courses: int
    owed: Decimal
    unknown: int
    """Courses whose amount cannot be told yet (no price, or no State Adequacy Target)."""
    invoiced: Decimal = Decimal("0.00")  # on the provider's kept invoices for the year's terms
    paid: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class BoardFigures:
    year: int
    district: str
    requests: int
    by_pathway: tuple[Count, ...]
    by_building: tuple[Count, ...]
    by_month: tuple[Count, ...]
    """('Jul', n) … ('Jun', n): requests received each month of the school year."""
    decided: int
    decisions: tuple[Count, ...]
    denial_reasons: tuple[Count, ...]
    on_time: int
    late: int
    median_days: float | None
    appeals: tuple[Count, ...]
    courses: int
    course_outcomes: tuple[Count, ...]
    dropped_inside: int
    dropped_after: int
    costs: tuple[ProviderCost, ...]
    attendance: tuple[tuple[str, int, Decimal], ...]
    """(outcome label, courses, course-equivalents claimed) per attendance outcome."""
    target_known: bool

    @property
    def label(self) -> str:
        return school_year_label(self.year)

    @property
    def on_time_percent(self) -> float | None:
        return share_percent(self.on_time, self.on_time + self.late)

    @property
    def total_owed(self) -> Decimal:
        return sum((c.owed for c in self.costs), Decimal("0.00"))

    @property
    def attendance_total(self) -> Decimal:
        return sum((a[2] for a in self.attendance), Decimal("0"))

    def median_text(self) -> str:
        if self.median_days is None:
            return "no decisions yet"
        days = f"{self.median_days:g}"
        return f"{days} business day{'s' if days != '1' else ''}"
