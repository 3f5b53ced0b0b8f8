"""The reporting rules: school years by their starting year, which tracked courses a Core Data
cycle reports and with what status, the attendance share of each outcome, medians and shares."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from mocap_desktop.core import reporting as r
from mocap_desktop.core.policy import default_policy

OCT, JUNE = r.cycle_period("october", 2026), r.cycle_period("june", 2026)


def test_school_years_are_named_by_the_year_they_start():
    assert r.school_year(2026) == r.Period(date(2026, 7, 1), date(2027, 6, 30))
    assert r.school_year_label(2026) == "2026-27" and r.school_year_label(2099) == "2099-00"
    assert r.school_year_of(date(2027, 6, 30)) == 2026 and r.school_year_of(date(2026, 7, 1)) == 2026
    assert r.school_year_of(date(2026, 6, 30)) == 2025
    assert r.month_keys(2026)[0] == "2026-07" and r.month_keys(2026)[-1] == "2027-06" and len(r.month_keys(2026)) == 12


def test_cycles():
    assert OCT == r.Period(date(2026, 7, 1), date(2026, 10, 31))
    assert JUNE == r.school_year(2026)
    with pytest.raises(ValueError, match="october or june"):
        r.cycle_period("march", 2026)


def test_a_course_the_provider_never_confirmed_is_not_reported():
    for status in ("approved", "sent_to_provider", "refused"):
        assert r.reported_status(status, date(2026, 8, 12), None, None, JUNE) is None
    assert r.reported_status("withdrawn", date(2026, 8, 12), None, date(2026, 8, 1), JUNE) is None


def test_the_october_cycle_reports_what_stood_on_its_last_day_with_withdrawals_included():
    start = date(2026, 8, 12)
    assert r.reported_status("enrolled", start, date(2026, 8, 1), None, OCT) == "enrolled"
    assert r.reported_status("withdrawn", start, date(2026, 8, 1), date(2026, 9, 15), OCT) == "withdrawn"
    assert r.reported_status("dropped", start, date(2026, 8, 1), date(2026, 8, 20), OCT) == "dropped"
    # completed in December: enrolled as of October 31
    assert r.reported_status("completed", start, date(2026, 8, 1), date(2026, 12, 18), OCT) == "enrolled"
    # a spring course, or one confirmed in November, is not in October's count
    assert r.reported_status("enrolled", date(2027, 1, 5), date(2026, 10, 1), None, OCT) is None
    assert r.reported_status("enrolled", start, date(2026, 11, 2), None, OCT) is None
    # the June cycle has both, with the outcome
    assert r.reported_status("completed", start, date(2026, 8, 1), date(2026, 12, 18), JUNE) == "completed"
    assert r.reported_status("enrolled", date(2027, 1, 5), date(2026, 12, 1), None, JUNE) == "enrolled"


def test_a_course_ended_before_the_period_is_not_reported():
    assert r.reported_status("dropped", date(2026, 1, 5), date(2025, 12, 1), date(2026, 6, 1), JUNE) is None


def test_attendance_share_by_outcome():
    policy = default_policy()
    shares = {"completed": policy.attendance_completed_percent,
              "dropped_after_window": policy.attendance_dropped_percent,
              "withdrawn": policy.attendance_withdrawn_percent}
    assert r.attendance_outcome("completed", "", True) == "completed"
    assert r.attendance_outcome("dropped", "after", True) == "dropped_after_window"
    assert r.attendance_outcome("dropped", "inside", True) is None
    assert r.attendance_outcome("withdrawn", "", False) is None
    assert r.attendance_outcome("enrolled", "", True) is None
    assert r.attendance_share("completed", shares) == D("0.94")
    assert r.attendance_share("dropped_after_window", shares) == D("0.47")
    assert r.attendance_share(None, shares) == 0
    assert r.attendance_share("completed", {**shares, "completed": None}) == 0  # switched off
    assert "confirm with counsel" in policy.citation("attendance_completed_percent")


def test_median_and_share():
    assert r.median([]) is None and r.median([5]) == 5 and r.median([9, 1, 4]) == 4 and r.median([1, 2, 3, 10]) == 2.5
    assert r.share_percent(2, 3) == 66.7 and r.share_percent(1, 0) is None


def test_a_school_year_is_checked():
    assert r.check_year(2026) == 2026
    for bad in (26, 99999, True):
        with pytest.raises(ValueError, match="the year it starts"):
            r.check_year(bad)
