"""Business-day arithmetic of RULES.md, by example and by property."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mocap_desktop.core import Calendar, Term, add_business_days, business_days_between, is_business_day

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
closed_sets = st.frozensets(st.dates(min_value=date(2019, 12, 1), max_value=date(2032, 12, 31)), max_size=60)
ns = st.integers(min_value=0, max_value=400)


def test_rules_md_example():
    assert add_business_days(date(2026, 1, 5), 10, frozenset({date(2026, 1, 19)})) == date(2026, 1, 20)


def test_start_day_never_counts_even_when_it_is_a_business_day():
    assert add_business_days(date(2026, 1, 5), 1, frozenset()) == date(2026, 1, 6)
    assert add_business_days(date(2026, 1, 10), 1, frozenset()) == date(2026, 1, 12)  # Saturday -> Monday
    assert add_business_days(date(2026, 1, 5), 0, frozenset()) == date(2026, 1, 5)


def test_negative_n_is_refused():
    with pytest.raises(ValueError):
        add_business_days(date(2026, 1, 5), -1, frozenset())


def test_business_day_definition():
    closed = frozenset({date(2026, 1, 19)})
    assert is_business_day(date(2026, 1, 16), closed)  # Friday
    assert not is_business_day(date(2026, 1, 17), closed)  # Saturday
    assert not is_business_day(date(2026, 1, 18), closed)  # Sunday
    assert not is_business_day(date(2026, 1, 19), closed)  # closed Monday


def test_between_counts_after_a_through_b():
    closed = frozenset({date(2026, 1, 19)})
    assert business_days_between(date(2026, 1, 5), date(2026, 1, 5), closed) == 0
    assert business_days_between(date(2026, 1, 5), date(2026, 1, 9), closed) == 4
    assert business_days_between(date(2026, 1, 16), date(2026, 1, 20), closed) == 1
    assert business_days_between(date(2026, 1, 20), date(2026, 1, 16), closed) == -1


@given(days, ns, closed_sets)
def test_due_date_is_a_business_day(start, n, closed):
    due = add_business_days(start, n, closed)
    assert n == 0 or is_business_day(due, closed)


@given(days, ns, closed_sets)
def test_due_date_grows_with_n(start, n, closed):
    assert add_business_days(start, n + 1, closed) > add_business_days(start, n, closed)
    assert add_business_days(start, n, closed) >= start


@given(days, st.integers(min_value=1, max_value=200), closed_sets)
def test_every_closed_day_and_weekend_is_skipped(start, n, closed):
    due = add_business_days(start, n, closed)
    stepped = [start + timedelta(days=i) for i in range(1, (due - start).days + 1)]
    counted = [d for d in stepped if d.weekday() < 5 and d not in closed]
    assert len(counted) == n and counted[-1] == due
    assert not any(d in closed for d in counted)


@given(days, ns, closed_sets)
def test_counting_between_received_and_due_gives_n_back(start, n, closed):
    assert business_days_between(start, add_business_days(start, n, closed), closed) == n


@given(days, days, closed_sets)
def test_between_agrees_with_counting_day_by_day(a, b, closed):
    lo, hi = min(a, b), max(a, b)
    count = sum(1 for i in range(1, (hi - lo).days + 1) if is_business_day(lo + timedelta(days=i), closed))
    assert business_days_between(lo, hi, closed) == count
    assert business_days_between(hi, lo, closed) == -count


@settings(max_examples=50)
@given(days, closed_sets)
def test_closing_a_day_never_brings_the_due_date_earlier(start, closed):
    extra = add_business_days(start, 3, closed)
    assert add_business_days(start, 10, closed | {extra}) > add_business_days(start, 10, closed)


def test_calendar_terms_and_prior_term():
    fall = Term("2025-fall", date(2025, 8, 13), date(2025, 12, 19))
    spring = Term("2026-spring", date(2026, 1, 5), date(2026, 5, 21))
    cal = Calendar.of([fall, spring], [date(2026, 1, 19)])
    assert cal.term("2026-spring") is spring
    assert cal.prior_term("2026-spring") is fall
    assert cal.prior_term("2025-fall") is None
    with pytest.raises(KeyError):
        cal.term("2027-spring")
    assert isinstance(cal.closed_days, frozenset)
    assert cal.add_business_days(date(2026, 1, 5), 10) == date(2026, 1, 20)
    assert cal.business_days_between(date(2026, 1, 5), date(2026, 1, 20)) == 10


# --- the office's closed days stop the clocks; days without school do not -------------------------

SPRING_BREAK_2027 = [date(2027, 3, 15) + timedelta(days=i) for i in range(5)]
SPRING_BREAK_2026 = [date(2026, 3, 16) + timedelta(days=i) for i in range(5)]
OFFICE = Calendar.of(
    [Term("2026-spring", date(2026, 1, 5), date(2026, 5, 21)), Term("2026-fall", date(2026, 8, 12), date(2026, 12, 18)),
     Term("2027-spring", date(2027, 1, 5), date(2027, 5, 20))],
    closed_days=[date(2026, 7, 3), date(2027, 3, 26)],  # Independence Day observed, Good Friday
    no_school_days=SPRING_BREAK_2026 + SPRING_BREAK_2027)


def test_business_days_run_through_spring_break_and_stop_on_the_office_holiday():
    # Fri Mar 12, 2027: Mar 15-19 (spring break, office open) 5, Mar 22-25 4, Fri Mar 26 closed, Mon Mar 29.
    assert OFFICE.add_business_days(date(2027, 3, 12), 10) == date(2027, 3, 29)
    assert OFFICE.business_days_between(date(2027, 3, 12), date(2027, 3, 29)) == 10
    # Counted as if the office were closed all of spring break, the date would fall a week late.
    as_closed = Calendar.of(OFFICE.terms, OFFICE.closed_days | OFFICE.no_school_days)
    assert as_closed.add_business_days(date(2027, 3, 12), 10) == date(2027, 4, 5)
    assert OFFICE.is_business_day(date(2027, 3, 16)) and not OFFICE.is_school_day(date(2027, 3, 16))
    assert not OFFICE.is_business_day(date(2027, 3, 26)) and not OFFICE.is_school_day(date(2027, 3, 26))
    assert OFFICE.is_school_day(date(2027, 3, 22))


def test_business_days_run_through_the_summer():
    # Fri Jun 26, 2026, between terms: Jun 29-Jul 2 4, Jul 3 closed, Jul 6-10 5, Mon Jul 13.
    assert OFFICE.add_business_days(date(2026, 6, 26), 10) == date(2026, 7, 13)
    assert not any(t.start <= date(2026, 7, 1) <= t.end for t in OFFICE.terms)


def test_the_full_time_input_clock_is_business_days_through_spring_break():
    from decimal import Decimal

    from mocap_desktop.core import Enrollment, Request, Student, default_policy, evaluate

    student = Student(birth_date=date(2010, 4, 2), grade="10", resides_in_missouri=True,
                      enrollments=(Enrollment("048-078", "public", "MO", True, date(2024, 8, 14)),))
    request = Request("r1", "full_time", "2027-spring", date(2027, 3, 12), Decimal("0"), ())
    ev = evaluate(student, request, OFFICE, "048-078", default_policy())
    assert ev.input_due == date(2027, 3, 29)


def test_a_gap_over_spring_break_alone_is_no_gap_in_attendance():
    from decimal import Decimal

    from mocap_desktop.core import Course, Enrollment, Request, Student, default_policy, evaluate

    around_break = (Enrollment("048-078", "public", "MO", True, date(2024, 8, 14), date(2026, 3, 13)),
                    Enrollment("048-078", "public", "MO", True, date(2026, 3, 23)))
    student = Student(birth_date=date(2010, 4, 2), grade="10", resides_in_missouri=True, enrollments=around_break)
    request = Request("r1", "part_time", "2026-fall", date(2026, 6, 1), Decimal("2.5"),
                      (Course("ENG10A", Decimal("0.5")),))
    ev = evaluate(student, request, OFFICE, "048-078", default_policy())
    assert ev.finding("R04").outcome == "pass"
    school_in_session = Calendar.of(OFFICE.terms, OFFICE.closed_days)  # spring break not marked
    missed = evaluate(student, request, school_in_session, "048-078", default_policy()).finding("R04")
    assert missed.outcome == "fail" and "March 16, 2026" in missed.message
