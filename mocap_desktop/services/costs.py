"""What the tracked courses cost the district: each course's cap, price and what is owed
(`core/costs.py`), and the totals owed per provider and term.

The price is the catalog's (`courses.price`); the cap is the district policy's share of the
State Adequacy Target the administrator enters in the district profile (kept in `settings`, with
its school year), for a semester or a year course. Until the target is entered no cap is known,
and the screens say so. Reading costs needs ENROLLMENTS_RECORD (counselors and deciders);
entering the target, DISTRICT_EDIT (audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mocap_desktop.core.access import DISTRICT_EDIT, require
from mocap_desktop.core.costs import CourseCost, course_cost, money
from mocap_desktop.services.enrollments import TrackedCourse, all_tracked_courses, tracked_courses
from mocap_desktop.services.requests import active_policy
from mocap_desktop.store import Store, trail

__all__ = ["TARGET_KEY", "YEAR_KEY", "ProviderTermTotal", "all_course_costs", "course_costs", "cost_totals",
           "parse_target", "set_state_adequacy_target", "state_adequacy_target"]

TARGET_KEY, YEAR_KEY = "state_adequacy_target", "state_adequacy_year"

@dataclass(frozen=True)
class ProviderTermTotal:
    provider: str
    term: str
    owed: Decimal
    """The sum of what is known to be owed."""
    courses: int
    unknown: int
    """Courses whose amount cannot be told yet (no price, or no State Adequacy Target)."""
    invoiced: Decimal = Decimal("0.00")  # on the provider's kept invoices (services/invoices.py)
    paid: Decimal = Decimal("0.00")


def parse_target(text: str) -> Decimal | None:
    """'6,375' or '$6375.00' as dollars; None for empty or not a positive number."""
    try:
        value = Decimal(text.replace("$", "").replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def state_adequacy_target(store: Store) -> tuple[Decimal | None, str]:
    """The target (dollars per student) and its school year, as the administrator entered them."""
    return parse_target(store.setting(TARGET_KEY) or ""), store.setting(YEAR_KEY) or ""


def set_state_adequacy_target(store: Store, amount: str, year: str) -> None:
    """Keep the target as the administrator typed it (checked by the profile form) with its
    school year; empty clears it. DISTRICT_EDIT; audited."""
    require(store, DISTRICT_EDIT)
    after = {TARGET_KEY: amount.strip(), YEAR_KEY: year.strip()}
    change = trail.changes({k: store.setting(k) or "" for k in after}, after)
    if not change:
        return
    with store.transaction() as db:
        db["settings"].upsert_all([{"key": k, "value": v} for k, v in after.items()], pk="key")
        trail.note(db, store, "district_settings_changed", detail=change)


def _costs(store: Store, courses: tuple[TrackedCourse, ...]) -> tuple[tuple[TrackedCourse, CourseCost], ...]:
    target, _ = state_adequacy_target(store)
    policy = active_policy(store)
    out = []
    for c in courses:
        price = c.row.get("price")
        length = c.row.get("course_length") or ("year" if c.credits >= 1 else "semester")
        out.append((c, course_cost(c.status, length, None if price is None else Decimal(str(price)), target,
                                   policy.cost_cap_semester_percent, policy.cost_cap_year_percent,
                                   c.row.get("drop_window") or "")))
    return tuple(out)


def course_costs(store: Store, request_id: int) -> tuple[tuple[TrackedCourse, CourseCost], ...]:
    """Each tracked course of the request with its cost. Needs ENROLLMENTS_RECORD."""
    return _costs(store, tracked_courses(store, request_id))


def all_course_costs(store: Store) -> tuple[tuple[TrackedCourse, CourseCost], ...]:
    """Every tracked course with its cost, in the order they were approved. Needs ENROLLMENTS_RECORD."""
    return _costs(store, all_tracked_courses(store))


def cost_totals(store: Store) -> tuple[ProviderTermTotal, ...]:
    """What the district owes, per provider and term, in the order the courses were approved.
    Needs ENROLLMENTS_RECORD."""
    totals: dict[tuple[str, str], list] = {}
    for course, cost in _costs(store, all_tracked_courses(store)):
        t = totals.setdefault((course.provider, course.term), [Decimal("0.00"), 0, 0])
        t[1] += 1
        if cost.owed is None:
            t[2] += 1
        else:
            t[0] += cost.owed
    billed = {(p, term): (money(Decimal(str(i))), money(Decimal(str(paid)))) for p, term, i, paid in store.conn.execute(
        "SELECT provider_name, term, sum(amount), sum(coalesce(paid_amount, 0)) FROM provider_invoices "
        "GROUP BY provider_name, term")}
    return tuple(ProviderTermTotal(p, term, owed, n, unknown, *billed.get((p, term), (Decimal("0.00"),) * 2))
                 for (p, term), (owed, n, unknown) in totals.items())
