"""Queue, decision and request-detail presenters against fake views: no Qt."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from review_seed import COUNSELOR, TODAY, small_district, submit  # noqa: E402

from mocap_desktop.services import review  # noqa: E402
from mocap_desktop.services.review import DecisionForm  # noqa: E402
from mocap_desktop.ui.presenters.decision import DecisionPresenter  # noqa: E402
from mocap_desktop.ui.presenters.queue import PAGE, QueuePresenter  # noqa: E402
from mocap_desktop.ui.presenters.request_detail import (  # noqa: E402
    AppealAnswer, RequestDetailPresenter, StepAnswer,
)

PRINCIPAL = "Dr. Lena Ortiz"


class Recorder:
    """A fake view: records every call; `answers` holds what ask_* methods return."""

    def __init__(self, **answers):
        self.calls: list[tuple[str, tuple]] = []
        self.answers = answers
        self.prompts: list = []

    def __getattr__(self, name):
        def record(*args):
            self.calls.append((name, args))
            if name.startswith("ask_"):
                self.prompts.append(args[0])
                answer = self.answers.get(name)
                return answer(*args) if callable(answer) else answer
            return None
        return record

    def last(self, name):
        return next(args for n, args in reversed(self.calls) if n == name)

    def count(self, name):
        return sum(1 for n, _ in self.calls if n == name)


@pytest.fixture
def district(store):
    return small_district(store)


@pytest.fixture
def queue(store, district):
    ids = {
        "overdue": submit(store, district["zoe"], date(2026, 11, 10)),
        "soon": submit(store, district["lukasz"], date(2026, 11, 16)),
        "full": submit(store, district["private"], date(2026, 11, 30), pathway="full_time"),
        "iep": submit(store, district["iep"], date(2026, 11, 23)),
    }
    return ids


# --- queue ------------------------------------------------------------------------------------

def test_queue_opens_most_urgent_first_with_a_notice(store, queue):
    view = Recorder()
    presenter = QueuePresenter(view, store, lambda: TODAY)
    presenter.start()
    assert view.last("show_sort") == ("due", False)
    lines, total, more = view.last("show_rows")
    assert total == 4 and [line.request_id for line in lines] == [queue["overdue"], queue["soon"], queue["full"],
                                                                    queue["iep"]]
    first = lines[0]
    assert first.urgency == "overdue" and first.cells[6] == "Overdue by 2 days"
    assert first.cells[:2] == ("Nguyễn-Peña, Zoë", "Part-time") and first.cells[8] == "Submitted"
    assert lines[1].urgency == "soon" and lines[1].cells[6] == "Soon: 2 days left"
    assert lines[2].cells[7] == "Provider" and lines[3].cells[7] == "IEP team"
    assert first.can_decide and not lines[2].can_decide
    text, level = view.last("show_notice")
    assert level == "overdue" and text.startswith("1 request is overdue; 1 is due within 2 business days.")
    choices, selected = view.last("show_filters")
    assert selected == review.QueueFilter()
    assert [c.label for c in choices.pathway] == ["Both pathways (4)", "Part-time courses (3)", "Full-time program (1)"]
    assert choices.overdue_label == "Overdue only (1)"
    assert "4 requests shown · 1 overdue · 1 due within 2 business days" in view.last("show_summary")[0]


def test_each_filter_change_queries_again_and_counts_follow(store, queue):
    view = Recorder()
    presenter = QueuePresenter(view, store, lambda: TODAY)
    presenter.start()
    presenter.filter_changed("pathway", "full_time")
    lines, total, _ = view.last("show_rows")
    assert [line.request_id for line in lines] == [queue["full"]] and total == 1
    choices, _ = view.last("show_filters")
    assert [c.label for c in choices.routing] == ["Any routing (1)", "Building (0)", "IEP team (0)", "504 team (0)",
                                                  "Provider (1)"]
    presenter.filter_changed("pathway", "")
    presenter.overdue_toggled(True)
    assert [line.request_id for line in view.last("show_rows")[0]] == [queue["overdue"]]
    presenter.overdue_toggled(False)
    presenter.search_changed("lukasz")
    assert [line.request_id for line in view.last("show_rows")[0]] == [queue["soon"]]
    presenter.search_changed("")
    presenter.sort_requested("student", True)
    assert [line.cells[0] for line in view.last("show_rows")[0]] == [
        "Okafor, Ava", "Nguyễn-Peña, Zoë", "Łukaszewicz, Łukasz", "Dubois, Olivia"]
    shown = view.count("show_rows")
    presenter.sort_requested("student", True)  # no change, no query
    presenter.filter_changed("status", "")
    assert view.count("show_rows") == shown
    presenter.clear_filters()
    assert presenter.filter == review.QueueFilter(sort="student", descending=True)
    with pytest.raises(ValueError):
        presenter.filter_changed("colour", "red")


def test_lines_come_a_page_at_a_time(store, district):
    for n in range(PAGE + 5):
        submit(store, district["zoe"], date(2026, 11, 2 + n % 20), courses=((f"C{n}", "0.5"),))
    view = Recorder()
    presenter = QueuePresenter(view, store, lambda: TODAY)
    presenter.start()
    lines, total, more = view.last("show_rows")
    assert (len(lines), total) == (PAGE, PAGE + 5)
    rest = more(PAGE, PAGE)
    assert len(rest) == 5 and not {line.request_id for line in rest} & {line.request_id for line in lines}


def test_export_writes_what_is_shown(store, queue, tmp_path):
    view = Recorder(ask_export_path=tmp_path / "queue")
    presenter = QueuePresenter(view, store, lambda: TODAY, tmp_path)
    presenter.start()
    presenter.filter_changed("pathway", "part_time")
    presenter.export_requested()
    suggested = view.prompts[-1]
    assert suggested == tmp_path / "mocap-queue-2026-12-01.xlsx"
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "queue.xlsx").active
    assert sheet.max_row == 4 and sheet["B2"].value == "Nguyễn-Peña, Zoë"
    assert view.last("show_message")[0] == "Queue exported"
    view.answers["ask_export_path"] = None
    presenter.export_requested()
    assert view.count("show_message") == 1


def test_no_notice_when_nothing_is_due_soon(store, district):
    submit(store, district["zoe"], date(2026, 11, 30))
    view = Recorder()
    QueuePresenter(view, store, lambda: TODAY).start()
    assert view.last("show_notice") == ("", "")


# --- decision ------------------------------------------------------------------------------------

def form_for(setup, **changes) -> DecisionForm:
    form = DecisionForm({c.code: "denied" for c in setup.courses}, setup.role, PRINCIPAL, ("ACADEMIC_READINESS",),
                        "Zoë needs Algebra I first.", False, setup.decided_on)
    return replace(form, **changes)


def test_decision_setup_offers_the_policy_reasons_and_the_right_decider(store, queue):
    view = Recorder()
    DecisionPresenter(view, store, queue["overdue"], PRINCIPAL, lambda: TODAY).start()
    setup = view.last("show_setup")[0]
    assert [c.code for c in setup.courses] == ["CHEMA", "SPAN1A"] and setup.courses[0].load == "within"
    assert [(r.code, r.allowed) for r in setup.reasons][-2:] == [("DISTRICT_PROGRAM_AVAILABLE", False),
                                                                 ("COST", False)]
    assert setup.reasons[2].meaning == "The student is not yet academically ready for this course."
    assert setup.role == "principal"
    assert dict(setup.roles) == {"principal": "Principal", "designee": "Principal's designee",
                                 "superintendent": "Superintendent", "iep_team": "IEP team",
                                 "section_504_team": "Section 504 team"}
    assert setup.decided_on == TODAY and setup.eligible_note == ""

    view = Recorder()
    DecisionPresenter(view, store, queue["iep"], PRINCIPAL, lambda: TODAY).start()
    assert view.last("show_setup")[0].role == "iep_team"


@pytest.mark.parametrize("change, place, message", [
    (dict(reasons=()), "reasons", "A denial must give at least one reason."),
    (dict(reasons=("COST",)), "reasons", "cannot be used to deny a request: COST"),
    (dict(explanation=""), "reasons", "written explanation"),
    (dict(decided_by_role="iep_team"), "decided_by", "must be made by the principal"),
    (dict(courses={"CHEMA": "approved", "SPAN1A": "approved"}), "attestation", "consider the in-person options"),
])
def test_each_rule_failure_shows_where_it_belongs_and_blocks_saving(store, queue, change, place, message):
    view = Recorder()
    presenter = DecisionPresenter(view, store, queue["overdue"], PRINCIPAL, lambda: TODAY)
    presenter.start()
    setup = view.last("show_setup")[0]
    check = presenter.form_changed(form_for(setup, **change))
    assert message in check.failing(place) and not check.can_save
    assert check.summary.startswith("Not ready")
    for other in {"reasons", "decided_by", "attestation", "courses"} - {place}:
        assert check.failing(other) == ""
    presenter.save_requested(form_for(setup, **change))
    assert view.last("show_error")[0] == "The decision was not saved" and not presenter.saved
    assert review.latest_decision(store, queue["overdue"]) is None


def test_r15_shows_next_to_the_courses_for_an_ineligible_student(store, district):
    rid = submit(store, district["private"], date(2026, 11, 23))
    view = Recorder()
    presenter = DecisionPresenter(view, store, rid, PRINCIPAL, lambda: TODAY)
    presenter.start()
    setup = view.last("show_setup")[0]
    assert "can only be denied" in setup.eligible_note
    check = presenter.form_changed(form_for(setup, courses={"CHEMA": "approved", "SPAN1A": "approved"},
                                            in_person_options_considered=True))
    assert "does not meet the eligibility rules" in check.failing("courses") and not check.can_save


def test_a_valid_decision_is_saved_and_the_view_closes(store, queue):
    view = Recorder()
    presenter = DecisionPresenter(view, store, queue["overdue"], PRINCIPAL, lambda: TODAY)
    presenter.start()
    form = form_for(view.last("show_setup")[0])
    assert presenter.form_changed(form).can_save
    presenter.save_requested(form)
    assert presenter.saved
    message = view.last("close_saved")[0]
    assert message.startswith("The decision was saved: denied.") and "print center" in message
    assert store.query("SELECT status FROM requests WHERE id = ?", (queue["overdue"],))[0]["status"] == "denied"


# --- request detail ------------------------------------------------------------------------------

def test_detail_page_shows_everything_and_the_allowed_actions(store, queue):
    view = Recorder()
    RequestDetailPresenter(view, store, queue["overdue"], COUNSELOR, lambda: TODAY).start()
    page = view.last("show_page")[0]
    assert page.title == "MOCAP-2026-0001 · Nguyễn-Peña, Zoë" and page.status == "Submitted"
    assert page.due_text == ("Decision due Nov 24, 2026 — Overdue by 2 days; under district policy deemed approved on Dec 10, 2026 "
                             "if none is sent by then") and page.urgency == "overdue"
    assert "Deemed approved on" not in dict(page.request_facts)  # said once, in the header
    assert dict(page.request_facts)["Who decides"] == "Building"
    assert page.courses[0][:2] == ("CHEMA", "CHEMA title")
    assert [f.rule for f in page.findings] == ["R01", "R02", "R03", "R04", "R06", "R07", "R09"]
    assert page.then_label.startswith("At submission (Nov 10, 2026) — policy mo-default 2026.1 — eligible")
    assert page.findings_note == "Nothing has changed since submission."
    assert [a.key for a in page.actions] == ["start_review", "decide", "withdraw"]  # no packet before a decision
    assert [t[2] for t in page.timeline] == ["Request created (part-time courses).",
                                             "Rules checked under policy mo-default 2026.1: eligible."]


def test_detail_header_says_when_a_request_is_already_deemed_approved(store, queue):
    view = Recorder()
    RequestDetailPresenter(view, store, queue["overdue"], COUNSELOR, lambda: date(2026, 12, 11)).start()
    assert view.last("show_page")[0].due_text == "Deemed approved on Dec 10, 2026 under district policy: no decision was sent by then"


def test_detail_actions_walk_a_denial_through_board_and_state(store, queue, tmp_path):
    rid = queue["overdue"]
    changed = []
    decided = []

    def decide(request_id):
        decided.append(request_id)
        review.record_decision(store, request_id, DecisionForm(
            {"CHEMA": "denied", "SPAN1A": "denied"}, "principal", PRINCIPAL, ("ACADEMIC_READINESS",),
            "Needs Algebra I first.", False, TODAY), PRINCIPAL)
        return True

    view = Recorder()
    presenter = RequestDetailPresenter(view, store, rid, COUNSELOR, lambda: TODAY, decide,
                                       lambda: changed.append(1), tmp_path)
    presenter.start()
    presenter.action_requested("start_review")
    presenter.action_requested("decide")
    assert decided == [rid] and view.last("show_page")[0].status == "Denied"
    assert [a.key for a in view.last("show_page")[0].actions] == ["appeal_board", "close", "packet"]

    view.answers["ask_appeal"] = lambda prompt: AppealAnswer(TODAY, date(2026, 12, 14), "Family asks.", (
        review.Document("Family's letter", "MOCAP binder"),))
    presenter.action_requested("appeal_board")
    prompt = view.prompts[-1]
    assert prompt.level == "board" and not prompt.outcome_mode
    assert prompt.preview(TODAY) == ("Under district policy the board's written decision is due by Dec 31, 2026 "
                                     "(30 calendar days after filing).")
    page = view.last("show_page")[0]
    assert page.status == "Appealed to the board" and page.due_text.startswith("Board decision due Dec 31, 2026")
    assert dict(page.appeals[0][1])["Family's letter"] == "MOCAP binder"

    view.answers["ask_appeal"] = lambda prompt: AppealAnswer(prompt.filed_on, prompt.hearing_on, "", prompt.documents,
                                                             "upheld", date(2026, 12, 14))
    presenter.action_requested("appeal_outcome")
    assert view.prompts[-1].outcome_mode
    view.answers["ask_appeal"] = lambda prompt: AppealAnswer(date(2026, 12, 15), None, "", ())
    presenter.action_requested("appeal_state")
    assert "record_sent" in [a.key for a in view.last("show_page")[0].actions]
    view.answers["ask_step"] = StepAnswer({"sent_on": date(2026, 12, 16)})
    presenter.action_requested("record_sent")
    view.answers["ask_appeal"] = lambda prompt: AppealAnswer(prompt.filed_on, None, "", (), "overturned",
                                                             date(2026, 12, 21))
    presenter.action_requested("appeal_outcome")
    page = view.last("show_page")[0]
    assert page.status == "State overturned" and {c[5] for c in page.courses} == {"Approved"}
    kinds = [e.kind for e in review.timeline(store, rid)]
    assert kinds == ["created", "evaluated", "status_changed", "decided", "letter_queued", "appealed",
                     "appeal_decided", "appealed", "record_sent", "appeal_decided", "letter_queued"]
    assert len(changed) == 7

    view.answers["ask_save_path"] = tmp_path / "packet"
    presenter.action_requested("packet")
    assert (tmp_path / "packet.pdf").stat().st_size > 5000
    assert view.last("show_message")[0] == "Appeal packet saved"


def test_detail_shows_refusals_instead_of_writing(store, queue):
    rid = queue["overdue"]
    review.record_decision(store, rid, DecisionForm({"CHEMA": "denied", "SPAN1A": "denied"}, "principal",
                                                    PRINCIPAL, ("ACADEMIC_READINESS",), "Not ready.", False, TODAY),
                           PRINCIPAL)
    view = Recorder(ask_appeal=AppealAnswer(date(2026, 11, 20), None, "", ()))
    presenter = RequestDetailPresenter(view, store, rid, COUNSELOR, lambda: TODAY)
    presenter.start()
    presenter.action_requested("appeal_board")
    assert view.last("show_error") == ("Not recorded", "The appeal cannot be filed before the decision (Dec 1, 2026).")
    assert store.query("SELECT count(*) AS n FROM appeals")[0]["n"] == 0
    view.answers["ask_appeal"] = None  # cancelled
    presenter.action_requested("appeal_board")
    assert store.query("SELECT count(*) AS n FROM appeals")[0]["n"] == 0


def test_full_time_steps_from_the_detail(store, queue, district):
    rid = queue["full"]
    view = Recorder()
    presenter = RequestDetailPresenter(view, store, rid, COUNSELOR, lambda: TODAY)
    presenter.start()
    assert [a.key for a in view.last("show_page")[0].actions] == ["input_sent", "withdraw"]
    view.answers["ask_step"] = StepAnswer({"sent_on": TODAY}, text="Attendance and grades")
    presenter.action_requested("input_sent")
    view.answers["ask_step"] = StepAnswer({"answered_on": date(2026, 12, 3)}, "accepted", "")
    presenter.action_requested("host_answer")
    view.answers["ask_step"] = StepAnswer({"unenrolled_on": date(2026, 12, 4), "records_sent_on": None}, text="")
    presenter.action_requested("transfer")
    page = view.last("show_page")[0]
    assert page.status == "Transferred"
    assert [a.key for a in page.actions] == ["records_sent", "close"]
    assert page.enrollments[-2][5] == "Dec 4, 2026" and page.enrollments[-1][:1] == ("099950",)
    assert dict(page.full_time_facts)["Host district's answer"] == "Accepted on Dec 3, 2026"
    view.answers["ask_step"] = StepAnswer({"sent_on": date(2026, 12, 7)})
    presenter.action_requested("records_sent")
    assert dict(view.last("show_page")[0].full_time_facts)["Records sent"] == "Dec 7, 2026"


def test_unknown_action_is_a_programming_error(store, queue):
    presenter = RequestDetailPresenter(Recorder(), store, queue["overdue"], COUNSELOR, lambda: TODAY)
    presenter.start()
    with pytest.raises(ValueError):
        presenter.action_requested("launch")



