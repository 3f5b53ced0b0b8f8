"""What a tracked course costs the district: its cap (a share of the State Adequacy Target, by
the course's length), whether the provider's price is within it, and what the district owes.

Nothing is owed for a course the provider refused, one withdrawn, or one dropped inside the
drop window; otherwise the lesser of the price and the cap. What is not known (the course has
no price in the catalog, the State Adequacy Target is not entered, the cap is switched off) is
None, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["CourseCost", "course_cost", "money"]

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CourseCost:
    price: Decimal | None
    cap: Decimal | None
    within: bool | None
    """The price is at most the cap; None when either is unknown."""
    owed: Decimal | None
    """What the district owes the provider; None when it cannot be told yet."""


def _nothing_owed(status: str, drop_window: str) -> bool:
    return status in ("refused", "withdrawn") or (status == "dropped" and drop_window == "inside")


def course_cost(status: str, length: str, price: Decimal | None, target: Decimal | None,
                semester_percent: Decimal | None, year_percent: Decimal | None,
                drop_window: str = "") -> CourseCost:
    """The cost of one tracked course (`length`: semester or year)."""
    percent = year_percent if length == "year" else semester_percent
    cap = money(target * percent / 100) if target is not None and percent is not None else None
    within = price <= cap if price is not None and cap is not None else None
    if _nothing_owed(status, drop_window):
        owed: Decimal | None = Decimal("0.00")
    elif price is None:
        owed = None
    elif percent is None:  # the district switched the cap off: the price
        owed = money(price)
    else:
        owed = money(min(price, cap)) if cap is not None else None
    return CourseCost(price, cap, within, owed)
