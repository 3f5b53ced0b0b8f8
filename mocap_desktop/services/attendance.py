"""The attendance claim helper: for each tracked course of a school year's terms, the share of
its attendance the district may claim from its outcome (`core/reporting.py`), at the shares in
the district's policy (`attendance_*_percent`: placeholder values until confirmed with counsel),
per student and totalled. It names students: ENROLLMENTS_RECORD (the board report carries the
totals only)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mocap_desktop.core import reporting
from mocap_desktop.core.access import ENROLLMENTS_RECORD, require
from mocap_desktop.core.enrollments import LABELS
from mocap_desktop.services.requests import active_policy
from mocap_desktop.store import Store

__all__ = ["AttendanceLine", "StudentClaim", "attendance_claims", "policy_shares"]


@dataclass(frozen=True)
class AttendanceLine:
    code: str
    title: str
    provider: str
    outcome: str
    share: Decimal


@dataclass(frozen=True)
class StudentClaim:
    student_id: int
    local_number: str
    name: str
    lines: tuple[AttendanceLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.share for line in self.lines), Decimal("0"))


def policy_shares(store: Store) -> dict[str, Decimal | None]:
    policy = active_policy(store)
    return {"completed": policy.attendance_completed_percent,
            "dropped_after_window": policy.attendance_dropped_percent,
            "withdrawn": policy.attendance_withdrawn_percent}


def attendance_claims(store: Store, year: int) -> tuple[StudentClaim, ...]:
    """Each student with tracked courses in the school year's terms (`year`: the year it starts),
    their courses' outcomes and the share claimed for each, by name."""
    require(store, ENROLLMENTS_RECORD)
    shares = policy_shares(store)
    students: dict[int, list] = {}
    for row in store.conn.execute(
            "SELECT s.id, s.local_number, s.last_name || ', ' || s.first_name, ce.code, ce.title, ce.provider_name, "
            "ce.status, coalesce(ce.drop_window, ''), ce.confirmed_on FROM course_enrollments ce "
            "JOIN requests r ON r.id = ce.request_id JOIN terms t ON t.id = r.start_term "
            "JOIN students s ON s.id = r.student_id WHERE t.school_year = ? "
            "ORDER BY s.last_name, s.first_name, s.id, ce.id", [year + 1]):
        sid, local, name, code, title, provider, status, window, confirmed = row
        outcome = reporting.attendance_outcome(status, window, confirmed is not None)
        label = reporting.ATTENDANCE_OUTCOMES[outcome] if outcome else LABELS.get(status, status)
        entry = students.setdefault(sid, [local, name, []])
        entry[2].append(AttendanceLine(code, title, provider, label, reporting.attendance_share(outcome, shares)))
    return tuple(StudentClaim(sid, local, name, tuple(lines)) for sid, (local, name, lines) in students.items())
