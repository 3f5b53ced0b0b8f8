"""The tracked-enrollment state machine: every move, what it needs, who may make it, the
transcript line. The expected moves are written out here from the issue's wording."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from mocap_desktop.core import enrollments as e
from mocap_desktop.core.enrollments import Move, Tracked, TransitionRefused, check_move, transcript_line

STATES = ("approved", "sent_to_provider", "enrolled", "refused", "dropped", "withdrawn", "completed")
ALLOWED = {("approved", "sent_to_provider"), ("approved", "withdrawn"),
           ("sent_to_provider", "enrolled"), ("sent_to_provider", "refused"), ("sent_to_provider", "withdrawn"),
           ("refused", "sent_to_provider"),
           ("enrolled", "dropped"), ("enrolled", "withdrawn"), ("enrolled", "completed")}
DAY = date(2026, 9, 1)
FULL = {"sent_to_provider": Move("sent_to_provider", DAY, sent_by="Dana Whitfield", method="secure_email"),
        "enrolled": Move("enrolled", DAY), "refused": Move("refused", DAY, reason="Course full"),
        "dropped": Move("dropped", DAY), "withdrawn": Move("withdrawn", DAY),
        "completed": Move("completed", DAY, grade="B+", credits="0.5"), "approved": Move("approved", DAY)}


def course(status: str, **kw) -> Tracked:
    return Tracked(status, Decimal("0.5"), **kw)


@pytest.mark.parametrize("old,new", list(itertools.product(STATES, STATES)))
def test_every_move_is_allowed_or_refused_as_the_issue_says(old, new):
    if (old, new) in ALLOWED:
        assert check_move(course(old), FULL[new], "counselor")["status"] == new
        assert new in e.allowed_next(old, "decider")
    else:
        with pytest.raises(TransitionRefused, match="cannot become"):
            check_move(course(old), FULL[new], "counselor")
        assert new not in e.allowed_next(old)


@pytest.mark.parametrize("role", ["administrator", "front_desk", ""])
def test_only_counselors_and_deciders_record_moves(role):
    with pytest.raises(TransitionRefused, match="Only counselors and deciders"):
        check_move(course("approved"), FULL["sent_to_provider"], role)
    assert e.allowed_next("approved", role) == ()


def test_sent_needs_a_date_who_and_one_of_the_ways():
    assert check_move(course("approved"), FULL["sent_to_provider"], "counselor") == {
        "status": "sent_to_provider", "sent_on": "2026-09-01", "sent_by": "Dana Whitfield",
        "sent_method": "secure_email", "refused_on": None, "refused_reason": ""}
    for move, message in ((Move("sent_to_provider", None, "Dana", "mail"), "Enter the date"),
                          (Move("sent_to_provider", DAY, " ", "mail"), "who sent"),
                          (Move("sent_to_provider", DAY, "Dana", "fax"), "Choose how it was sent")):
        with pytest.raises(TransitionRefused, match=message):
            check_move(course("approved"), move, "counselor")
    assert set(e.SEND_METHODS) == {"secure_email", "provider_portal", "mail", "in_person"}


def test_refused_needs_a_reason_and_may_be_sent_again():
    with pytest.raises(TransitionRefused, match="reason"):
        check_move(course("sent_to_provider"), Move("refused", DAY), "decider")
    assert check_move(course("sent_to_provider"), FULL["refused"], "decider")["refused_reason"] == "Course full"
    again = check_move(course("refused"), FULL["sent_to_provider"], "counselor")
    assert again["refused_on"] is None and again["refused_reason"] == ""


def test_a_date_before_the_last_step_is_refused():
    with pytest.raises(TransitionRefused, match="before the course's last step"):
        check_move(course("sent_to_provider", since=date(2026, 9, 2)), FULL["enrolled"], "counselor")


def test_drop_inside_or_after_the_window_from_the_start():
    start = date(2026, 8, 12)
    tracked = course("enrolled", start=start, drop_window_days=14)
    assert check_move(tracked, Move("dropped", date(2026, 8, 26)), "counselor")["drop_window"] == "inside"
    assert check_move(tracked, Move("dropped", date(2026, 8, 27)), "counselor")["drop_window"] == "after"
    assert e.drop_window(start, 14, date(2026, 8, 1)) == "inside"  # before the start
    assert e.drop_window(None, 14, date(2027, 1, 1)) == "inside"


@pytest.mark.parametrize("credits,ok", [("0", True), ("0.5", True), ("0.25", True), ("0.75", False),
                                        ("-1", False), ("half", False), ("", False), (None, False)])
def test_completed_needs_a_grade_and_credits_up_to_the_courses(credits, ok):
    move = Move("completed", DAY, grade="A", credits=credits)
    if ok:
        assert check_move(course("enrolled"), move, "counselor")["credits_earned"] == float(credits)
    else:
        with pytest.raises(TransitionRefused, match="credits|Credits"):
            check_move(course("enrolled"), move, "counselor")
    with pytest.raises(TransitionRefused, match="final grade"):
        check_move(course("enrolled"), Move("completed", DAY, credits="0.5"), "counselor")


def test_unknown_state_is_refused():
    with pytest.raises(TransitionRefused, match="not a state"):
        check_move(course("approved"), Move("graduated", DAY), "counselor")


def test_transcript_line():
    assert transcript_line("Chemistry A", "CHEM A", "Mizzou Academy", "Fall 2026", "completed", grade="B+",
                           credits_earned=Decimal("0.5")) == \
        "Chemistry A (CHEM A) · Mizzou Academy · Fall 2026 · completed, B+, 0.5 credit"
    assert transcript_line("AP Calculus AB", "APCALCFY", "Launch", "Fall 2026", "completed", grade="A",
                           credits_earned=2).endswith("completed, A, 2 credits")
    assert transcript_line("Latin I A", "LATIN1A", "Launch", "Spring 2027", "dropped", drop_window="after") == \
        "Latin I A (LATIN1A) · Launch · Spring 2027 · dropped (after the drop window)"
    assert transcript_line("", "CHEMA", "Launch", "", "sent_to_provider") == "CHEMA · Launch · sent to provider"
