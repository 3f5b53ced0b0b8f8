"""District calendar: terms in school order, the office's closed days and the days without
school, business-day arithmetic of RULES.md.

A business day is a Monday-Friday not in `closed_days`: the days the district office is closed
(holidays), which stop every business-day clock. Days without school for the students (spring
break, a teachers' work day) are `no_school_days`: the office works, so the clocks run, but no
one attends, so an enrollment need not cover them. "N business days after D" steps forward from
D one day at a time counting only business days; D never counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import AbstractSet, Iterable

__all__ = ["Term", "Calendar", "is_business_day", "add_business_days", "business_days_between"]

_ONE_DAY = timedelta(days=1)


def is_business_day(day: date, closed: AbstractSet[date]) -> bool:
    return day.weekday() < 5 and day not in closed


def add_business_days(start: date, n: int, closed: AbstractSet[date]) -> date:
    """The date N business days after `start` (`start` itself never counts)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        day += _ONE_DAY
        if day.weekday() < 5 and day not in closed:
            n -= 1
    return day


def _weekdays_through(day: date) -> int:
    """Mondays-Fridays from 0001-01-01 (a Monday) through `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return 5 * weeks + min(rest, 5)


def business_days_between(a: date, b: date, closed: AbstractSet[date]) -> int:
    """Business days d with a < d <= b (negative when b is before a).

    So `business_days_between(d, add_business_days(d, n, closed), closed) == n`.
    """
    if b < a:
        return -business_days_between(b, a, closed)
    weekdays = _weekdays_through(b) - _weekdays_through(a)
    return weekdays - sum(1 for c in closed if a < c <= b and c.weekday() < 5)


@dataclass(frozen=True)
class Term:
    id: str
    start: date
    end: date


@dataclass(frozen=True)
class Calendar:
    """Terms in school order (summer is not a term), the days the district office is closed, and
    the days without school (the office open)."""

    terms: tuple[Term, ...]
    closed_days: frozenset[date] = frozenset()
    no_school_days: frozenset[date] = frozenset()
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(self.terms))
        object.__setattr__(self, "closed_days", frozenset(self.closed_days))
        object.__setattr__(self, "no_school_days", frozenset(self.no_school_days))
        object.__setattr__(self, "_index", {t.id: i for i, t in enumerate(self.terms)})

    @classmethod
    def of(cls, terms: Iterable[Term], closed_days: Iterable[date] = (),
           no_school_days: Iterable[date] = ()) -> "Calendar":
        return cls(tuple(terms), frozenset(closed_days), frozenset(no_school_days))

    def term(self, term_id: str) -> Term:
        """The term with this id; KeyError when the calendar has none."""
        return self.terms[self._index[term_id]]

    def prior_term(self, term_id: str) -> Term | None:
        """The term listed just before `term_id`, or None for the first term."""
        i = self._index[term_id]
        return self.terms[i - 1] if i > 0 else None

    def is_business_day(self, day: date) -> bool:
        """A day the district office works: it counts on the business-day clocks."""
        return is_business_day(day, self.closed_days)

    def is_school_day(self, day: date) -> bool:
        """A day students attend: a business day that is not a day without school."""
        return is_business_day(day, self.closed_days) and day not in self.no_school_days

    def add_business_days(self, start: date, n: int) -> date:
        return add_business_days(start, n, self.closed_days)

    def business_days_between(self, a: date, b: date) -> int:
        return business_days_between(a, b, self.closed_days)
