"""A tracked course's cost to the district (pure): the cap as a share of the State Adequacy Target
by the course's length, whether the price is within it, and what is owed."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from mocap_desktop.core.costs import course_cost
from mocap_desktop.core.policy import default_policy

TARGET = D("6375")


def cost(status="enrolled", length="semester", price="350", target=TARGET, drop_window=""):
    return course_cost(status, length, None if price is None else D(price), target, D("7"), D("14"), drop_window)


def test_the_cap_is_a_share_of_the_target_by_length():
    assert cost().cap == D("446.25")  # 7% of 6,375
    assert cost(length="year").cap == D("892.50")  # 14%


def test_the_district_owes_the_lesser_of_price_and_cap():
    within = cost(price="350")
    assert within.within is True and within.owed == D("350.00")
    over = cost(price="500")
    assert over.within is False and over.owed == D("446.25")


@pytest.mark.parametrize("status,window", [("refused", ""), ("withdrawn", ""), ("dropped", "inside")])
def test_nothing_is_owed_for_a_course_refused_withdrawn_or_dropped_inside_the_window(status, window):
    assert cost(status=status, drop_window=window).owed == D("0.00")


def test_a_drop_after_the_window_and_a_completed_course_are_owed():
    assert cost(status="dropped", drop_window="after").owed == D("350.00")
    assert cost(status="completed", price="900", length="year").owed == D("892.50")


def test_what_is_not_known_is_not_guessed():
    no_target = cost(target=None)
    assert no_target.cap is None and no_target.within is None and no_target.owed is None
    assert cost(price=None).owed is None and cost(price=None).within is None
    assert cost(status="withdrawn", target=None).owed == D("0.00")
    off = course_cost("enrolled", "semester", D("500"), TARGET, None, None)  # the cap switched off
    assert off.cap is None and off.owed == D("500.00")


def test_the_shares_are_policy_values_to_confirm():
    policy = default_policy()
    assert (policy.cost_cap_semester_percent, policy.cost_cap_year_percent) == (D("7"), D("14"))
    assert "State Adequacy Target" in policy.citation("cost_cap_semester_percent")
