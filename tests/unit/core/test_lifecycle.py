"""The request state machine: every move, allowed and refused, for every role.

The expected moves are written out here from the issue's wording, independently of the
tables in `core/lifecycle.py`, so a change to either shows up as a failure.
"""

from __future__ import annotations

import contextlib
import itertools

import pytest

from mocap_desktop.core import lifecycle
from mocap_desktop.core.lifecycle import (
    ADMINISTRATOR, COUNSELOR, DECIDER, TransitionRefused, allowed_next, check_transition,
)

ROLES = (COUNSELOR, DECIDER, ADMINISTRATOR)
ANYONE = {COUNSELOR, DECIDER, ADMINISTRATOR}
DECIDES = {DECIDER}
APPEALS = {DECIDER, ADMINISTRATOR}

PART_TIME_STATUSES = ("submitted", "in_review", "approved", "partially_approved", "denied", "board_appeal",
                      "board_upheld", "board_overturned", "state_appeal", "state_upheld", "state_overturned",
                      "closed", "withdrawn")
FULL_TIME_STATUSES = ("notice_received", "input_sent", "host_accepted", "host_declined", "transferred",
                      "closed", "withdrawn")

PART_TIME_MOVES = {
    ("submitted", "in_review"): ANYONE,
    ("submitted", "approved"): DECIDES, ("submitted", "partially_approved"): DECIDES,
    ("submitted", "denied"): DECIDES,
    ("in_review", "approved"): DECIDES, ("in_review", "partially_approved"): DECIDES,
    ("in_review", "denied"): DECIDES,
    ("approved", "closed"): ANYONE,
    ("partially_approved", "board_appeal"): APPEALS, ("partially_approved", "closed"): ANYONE,
    ("denied", "board_appeal"): APPEALS, ("denied", "closed"): ANYONE,
    ("board_appeal", "board_upheld"): APPEALS, ("board_appeal", "board_overturned"): APPEALS,
    ("board_upheld", "state_appeal"): APPEALS, ("board_upheld", "closed"): ANYONE,
    ("board_overturned", "closed"): ANYONE,
    ("state_appeal", "state_upheld"): APPEALS, ("state_appeal", "state_overturned"): APPEALS,
    ("state_upheld", "closed"): ANYONE, ("state_overturned", "closed"): ANYONE,
    # withdrawn from any open state (one where the office or the family is still waiting)
    ("submitted", "withdrawn"): ANYONE, ("in_review", "withdrawn"): ANYONE,
    ("board_appeal", "withdrawn"): ANYONE, ("state_appeal", "withdrawn"): ANYONE,
}
FULL_TIME_MOVES = {
    ("notice_received", "input_sent"): ANYONE,
    ("input_sent", "host_accepted"): ANYONE, ("input_sent", "host_declined"): ANYONE,
    ("host_accepted", "transferred"): ANYONE,
    ("host_declined", "closed"): ANYONE, ("transferred", "closed"): ANYONE,
    ("notice_received", "withdrawn"): ANYONE, ("input_sent", "withdrawn"): ANYONE,
    ("host_accepted", "withdrawn"): ANYONE,
}


def every_move(pathway, statuses, moves):
    for status, new, role in itertools.product(statuses, statuses, ROLES):
        yield pytest.param(pathway, status, new, role, role in moves.get((status, new), ()),
                           id=f"{pathway}:{status}->{new}:{role}")


@pytest.mark.parametrize(
    "pathway, status, new, role, allowed",
    [*every_move("part_time", PART_TIME_STATUSES, PART_TIME_MOVES),
     *every_move("full_time", FULL_TIME_STATUSES, FULL_TIME_MOVES)])
def test_every_move_for_every_role(pathway, status, new, role, allowed):
    if allowed:
        check_transition(pathway, status, new, role)
    else:
        with pytest.raises(TransitionRefused) as refused:
            check_transition(pathway, status, new, role)
        assert str(refused.value).endswith(".") and len(str(refused.value)) > 20


def test_the_machines_have_exactly_the_statuses_of_the_issue():
    assert set(lifecycle.PART_TIME) == set(PART_TIME_STATUSES)
    assert set(lifecycle.FULL_TIME) == set(FULL_TIME_STATUSES)
    assert lifecycle.INITIAL == {"part_time": "submitted", "full_time": "notice_received"}
    assert set(lifecycle.LABELS) >= set(PART_TIME_STATUSES) | set(FULL_TIME_STATUSES)


@pytest.mark.parametrize("pathway, statuses, moves", [("part_time", PART_TIME_STATUSES, PART_TIME_MOVES),
                                                      ("full_time", FULL_TIME_STATUSES, FULL_TIME_MOVES)])
def test_allowed_next_lists_the_same_moves(pathway, statuses, moves):
    for status in statuses:
        expected = {new for (s, new) in moves if s == status}
        assert set(allowed_next(pathway, status)) == expected, status
        for role in ROLES:
            assert set(allowed_next(pathway, status, role)) == {
                new for (s, new), roles in moves.items() if s == status and role in roles}


@pytest.mark.parametrize("status", ["closed", "withdrawn"])
def test_closed_and_withdrawn_are_final(status):
    for pathway in ("part_time", "full_time"):
        assert allowed_next(pathway, status) == ()


def test_messages_say_why():
    with pytest.raises(TransitionRefused, match="A request that is approved cannot become denied."):
        check_transition("part_time", "approved", "denied", DECIDER)
    with pytest.raises(TransitionRefused, match="Only decider staff may mark a request denied."):
        check_transition("part_time", "submitted", "denied", COUNSELOR)
    with pytest.raises(TransitionRefused, match="'approved' is not a status of a full-time request."):
        check_transition("full_time", "notice_received", "approved", DECIDER)
    with pytest.raises(TransitionRefused, match="'input_sent' is not a status of a part-time request."):
        check_transition("part_time", "submitted", "input_sent", COUNSELOR)
    with pytest.raises(TransitionRefused, match="'decider' .*|Only administrator or decider staff"):
        check_transition("part_time", "denied", "board_appeal", COUNSELOR)


def test_a_refusal_can_leave_a_with_block():
    """A refusal raised inside a transaction (a generator context manager, like the store's) must
    come out as itself: Python sets `__traceback__` on it on the way, which a frozen dataclass refuses."""
    @contextlib.contextmanager
    def transaction():
        yield

    with pytest.raises(TransitionRefused) as refused:
        with transaction():
            check_transition("part_time", "closed", "submitted", ADMINISTRATOR)
    assert refused.value.message == str(refused.value) == "A request that is closed cannot become submitted."
