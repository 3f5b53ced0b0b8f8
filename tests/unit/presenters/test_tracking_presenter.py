"""The request detail's "Enrollment with the provider" section against a fake view: each
course's line and moves, a move through the step prompt, a refusal shown, hidden for a role
that may not see it."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from review_seed import COUNSELOR, TODAY, small_district, submit  # noqa: E402
from test_review_presenters import Recorder  # noqa: E402

from mocap_desktop.core.access import User  # noqa: E402
from mocap_desktop.services import review  # noqa: E402
from mocap_desktop.ui.presenters.request_detail import RequestDetailPresenter, StepAnswer  # noqa: E402

PRINCIPAL = "Dr. Lena Ortiz"


@pytest.fixture
def approved(store):
    students = small_district(store)
    rid = submit(store, students["zoe"], date(2026, 11, 10))
    review.record_decision(store, rid, review.DecisionForm(
        {"CHEMA": "approved", "SPAN1A": "denied"}, "principal", PRINCIPAL, ("ACADEMIC_READINESS",),
        "Needs Algebra I first.", True, date(2026, 11, 20)), PRINCIPAL, letter=False)
    return rid


def page_of(view):
    return view.last("show_page")[0]


def test_each_approved_course_with_its_line_and_moves(store, approved):
    view = Recorder()
    presenter = RequestDetailPresenter(view, store, approved, COUNSELOR, lambda: TODAY)
    presenter.start()
    page = page_of(view)
    assert page.tracking_shown and [t.code for t in page.tracked] == ["CHEMA"]  # the denied course is not tracked
    [line] = page.tracked
    assert line.transcript == "CHEMA title (CHEMA) · Mizzou Academy · Spring 2027 · approved"
    assert line.details == "Not yet sent to the provider"
    assert [a.label for a in line.actions] == ["Sent to provider…", "Withdrawn…"]

    view.answers["ask_step"] = StepAnswer({"on": date(2026, 11, 23)}, "secure_email", "Dana Whitfield")
    presenter.action_requested(line.actions[0].key)
    prompt = view.prompts[-1]
    assert prompt.title == "Sent to provider: CHEMA" and "MOSIS ID and birth date" in prompt.intro
    assert dict(prompt.choices)["secure_email"] == "Secure e-mail" and prompt.text_default == COUNSELOR
    [line] = page_of(view).tracked
    assert line.status == "Sent to provider"
    assert line.details == "Sent Nov 23, 2026 by Dana Whitfield (secure e-mail)"
    assert [a.label for a in line.actions] == ["Provider confirmed…", "Provider refused…", "Withdrawn…"]

    view.answers["ask_step"] = StepAnswer({"on": date(2026, 11, 30)})
    presenter.action_requested(line.actions[0].key)
    [line] = page_of(view).tracked
    assert [a.label for a in line.actions] == ["Dropped…", "Withdrawn…", "Completed…"]

    presenter.action_requested(line.actions[2].key)  # completed: grade and credits
    prompt = view.prompts[-1]
    assert prompt.choices == (("0.5", "0.5 credits"), ("0.25", "0.25 credits"), ("0", "0 credits"))
    assert prompt.text_label == "Final grade"
    view.answers["ask_step"] = StepAnswer({"on": date(2027, 5, 20)}, "0.5", "B+")
    presenter.action_requested(line.actions[2].key)
    [line] = page_of(view).tracked
    assert line.transcript.endswith("Spring 2027 · completed, B+, 0.5 credit") and line.actions == ()
    assert "CHEMA: completed on May 20, 2027 (B+, 0.5 credit)." in [t[2] for t in page_of(view).timeline]


def test_drop_prompt_says_the_window_and_a_refusal_is_shown(store, approved):
    view = Recorder()
    presenter = RequestDetailPresenter(view, store, approved, COUNSELOR, lambda: TODAY)
    presenter.start()
    [line] = page_of(view).tracked
    view.answers["ask_step"] = StepAnswer({"on": date(2026, 11, 23)}, "", "Dana")  # no way chosen
    presenter.action_requested(line.actions[0].key)
    assert view.last("show_error") == ("Not recorded", "Choose how it was sent: secure e-mail, provider portal, "
                                                       "mail, in person.")
    view.answers["ask_step"] = StepAnswer({"on": date(2026, 11, 23)}, "mail", "Dana")
    presenter.action_requested(line.actions[0].key)
    view.answers["ask_step"] = StepAnswer({"on": date(2026, 11, 30)})
    presenter.action_requested(page_of(view).tracked[0].actions[0].key)
    view.answers["ask_step"] = None  # cancelled: nothing written
    presenter.action_requested(page_of(view).tracked[0].actions[0].key)
    assert view.prompts[-1].intro.endswith("14 days from Jan 5, 2027 (inside until Jan 19, 2027).")
    assert page_of(view).tracked[0].status == "Enrolled"


def test_hidden_for_a_role_that_may_not_record(store, approved):
    view = Recorder()
    store.user = User("x", "X", "decider")
    presenter = RequestDetailPresenter(view, store, approved, PRINCIPAL, lambda: TODAY)
    presenter.start()
    assert page_of(view).tracking_shown
    from mocap_desktop.core import access
    store.user = User("x", "X", "auditor")  # a role with request reading but without tracking
    access.PERMISSIONS["auditor"] = frozenset({access.REQUESTS_READ, access.STUDENTS_READ})
    try:
        presenter.reload()
        assert not page_of(view).tracking_shown and page_of(view).tracked == ()
    finally:
        del access.PERMISSIONS["auditor"]
