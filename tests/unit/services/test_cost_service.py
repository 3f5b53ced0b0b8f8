"""Costs of the tracked courses: the catalog's price against the cap from the State Adequacy
Target the administrator enters (none until then), and the totals owed per provider and term."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from review_seed import COUNSELOR, small_district, submit  # noqa: E402

from mocap_desktop.core.access import AccessDenied, User  # noqa: E402
from mocap_desktop.core.costs import course_cost  # noqa: E402
from mocap_desktop.core.enrollments import Move  # noqa: E402
from mocap_desktop.services import costs, enrollments, review  # noqa: E402


@pytest.fixture
def approved(store):
    """Zoë's two semester courses with Mizzou Academy approved, and Łukasz's year course with Launch."""
    students = small_district(store)
    with store.transaction() as db:
        db["providers"].insert({"id": 2, "name": "Launch"})
        db["courses"].insert_all([
            {"code": c, "title": f"{c} title", "provider_id": p, "credits": cr, "length": ln, "price": pr}
            for c, p, cr, ln, pr in (("CHEMA", 1, 0.5, "semester", 350), ("SPAN1A", 1, 0.5, "semester", 500),
                                     ("ALG1", 2, 1.0, "year", 900))])
    rid = submit(store, students["zoe"], date(2026, 11, 10))
    other = submit(store, students["lukasz"], date(2026, 11, 10), courses=(("ALG1", "1.0"),))
    with store.transaction() as db:
        db.execute("UPDATE request_courses SET course_id = (SELECT id FROM courses c WHERE c.code = "
                   "request_courses.code)")
        db.execute("UPDATE request_courses SET provider_name = 'Launch' WHERE request_id = ?", [other])
    for request_id, codes in ((rid, ("CHEMA", "SPAN1A")), (other, ("ALG1",))):
        review.record_decision(store, request_id, review.DecisionForm(
            {c: "approved" for c in codes}, "principal", "Dr. Lena Ortiz", (), "", True, date(2026, 11, 20)),
            "Dr. Lena Ortiz", letter=False)
    return rid


def enter_target(store, amount="6375", year="2026-27"):
    costs.set_state_adequacy_target(store, amount, year)


def test_until_the_target_is_entered_no_cap_and_nothing_guessed(store, approved):
    assert costs.state_adequacy_target(store) == (None, "")
    [(_, chem), (_, span)] = costs.course_costs(store, approved)
    assert chem.price == D("350") and chem.cap is None and chem.owed is None
    assert [(t.provider, t.term, t.owed, t.courses, t.unknown) for t in costs.cost_totals(store)] == [
        ("Mizzou Academy", "Spring 2027", D("0.00"), 2, 2), ("Launch", "Spring 2027", D("0.00"), 1, 1)]


def test_caps_and_totals_owed_per_provider_and_term(store, approved):
    enter_target(store, "$6,375.00")
    assert costs.state_adequacy_target(store) == (D("6375.00"), "2026-27")
    [(_, chem), (_, span)] = costs.course_costs(store, approved)
    assert (chem.cap, chem.within, chem.owed) == (D("446.25"), True, D("350.00"))
    assert (span.within, span.owed) == (False, D("446.25"))
    assert [(t.provider, t.owed, t.unknown) for t in costs.cost_totals(store)] == [
        ("Mizzou Academy", D("796.25"), 0), ("Launch", D("892.50"), 0)]  # the year course over its 14% cap
    span_id = {c.code: c.id for c in enrollments.tracked_courses(store, approved)}["SPAN1A"]
    enrollments.record_move(store, span_id, Move("withdrawn", date(2026, 11, 25)), COUNSELOR)
    assert costs.cost_totals(store)[0].owed == D("350.00")


def test_front_desk_and_administrator_do_not_see_costs(store, approved):
    for role in ("front_desk", "administrator"):
        store.user = User("x", "X", role)
        with pytest.raises(AccessDenied):
            costs.cost_totals(store)


def test_only_the_administrator_enters_the_target_and_the_form_checks_it(store, approved):
    from mocap_desktop.ui.presenters.district_profile import problems_of

    store.user = User("dana", "Dana Whitfield", "counselor")
    with pytest.raises(AccessDenied):
        costs.set_state_adequacy_target(store, "6375", "2026-27")
    store.user = User("admin", "Admin", "administrator")
    enter_target(store)
    [entry] = store.query("SELECT detail FROM audit_log WHERE action = 'district_settings_changed'")
    assert "6375" in entry["detail"]
    base = {"name": "Maple Valley", "code": "099901", "phone": "1", "signer_name": "M"}
    assert problems_of(base, 30) == []
    assert problems_of({**base, "state_adequacy_target": "lots", "state_adequacy_year": "2026-27"}, 30) == [
        "The State Adequacy Target is an amount in dollars per student, like 6,375."]
    assert problems_of({**base, "state_adequacy_target": "6375"}, 30) == [
        "Enter the school year of the State Adequacy Target, like 2026-27."]


def test_the_request_detail_shows_each_course_cost_line(store, approved):
    from mocap_desktop.ui.presenters.request_detail import cost_text, tracked_lines

    lines = lambda: [line.cost for line in tracked_lines(  # noqa: E731
        enrollments.tracked_courses(store, approved), "counselor", {c.id: cost for c, cost in
                                                                    costs.course_costs(store, approved)})]
    assert lines()[0] == ("Price $350.00; no cap until the administrator enters the State Adequacy Target in the "
                          "district profile")
    enter_target(store)
    assert lines() == ["Price $350.00, cap $446.25 (within the cap): the district owes $350.00",
                       "Price $500.00, cap $446.25 (over the cap): the district owes $446.25"]
    assert cost_text(course_cost("withdrawn", "semester", D("1"), None, D("7"), D("14"))) \
        == "Price $1.00: the district owes nothing"
