"""The review service: deadlines on the district calendar, the queue, decisions checked by
R12-R15 before anything is written, appeals, the full-time track, timeline and exports."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from review_seed import COUNSELOR, TODAY, small_district, submit  # noqa: E402

from mocap_desktop.core.lifecycle import TransitionRefused  # noqa: E402
from mocap_desktop.services import review  # noqa: E402
from mocap_desktop.services.review import (  # noqa: E402
    AppealForm, DecisionForm, DecisionRefused, Document, QueueFilter, ReviewError,
)

PRINCIPAL = "Dr. Lena Ortiz"


@pytest.fixture
def district(store):
    return small_district(store)


def approve_all(store, request_id, **changes) -> DecisionForm:
    codes = [r["code"] for r in store.query("SELECT code FROM request_courses WHERE request_id = ?", (request_id,))]
    form = DecisionForm({c: "approved" for c in codes}, "principal", PRINCIPAL, in_person_options_considered=True,
                        decided_on=TODAY)
    return replace(form, **changes)


def deny_all(store, request_id, **changes) -> DecisionForm:
    codes = [r["code"] for r in store.query("SELECT code FROM request_courses WHERE request_id = ?", (request_id,))]
    form = DecisionForm({c: "denied" for c in codes}, "principal", PRINCIPAL, ("ACADEMIC_READINESS",),
                        "Zoë needs Algebra I with a teacher first.", False, TODAY)
    return replace(form, **changes)


def snapshot(store):
    """Everything a refused write must leave untouched."""
    return {t: store.query(f"SELECT * FROM {t} ORDER BY 1") for t in
            ("requests", "request_courses", "request_events", "decisions", "appeals", "enrollments",
             "full_time_steps")}


# --- deadlines across closed days ----------------------------------------------------------

def test_decision_due_and_business_days_left_skip_thanksgiving(store, district):
    # Received Fri Nov 20: 10 business days with Nov 25-27 closed -> Wed Dec 9 (Fri Dec 4 without them).
    rid = submit(store, district["zoe"], date(2026, 11, 20))
    row = review.queue(store, QueueFilter(), TODAY).rows[0]
    assert row.request_id == rid and row.due == date(2026, 12, 9) and row.due_kind == "decision"
    assert row.days_left == 6  # Dec 2, 3, 4, 7, 8, 9
    # Seen from the day it came in, all ten are still ahead; the closed days do not count.
    assert review.queue(store, QueueFilter(), date(2026, 11, 20)).rows[0].days_left == 10
    assert review.queue(store, QueueFilter(), date(2026, 11, 24)).rows[0].days_left == 8


def test_overdue_and_soon_thresholds_use_business_days(store, district):
    overdue = submit(store, district["zoe"], date(2026, 11, 10))     # due Tue Nov 24
    due_today = submit(store, district["lukasz"], date(2026, 11, 12))  # due Tue Dec 1
    soon = submit(store, district["private"], date(2026, 11, 16))      # due Thu Dec 3: 2 days left
    later = submit(store, district["middle"], date(2026, 11, 17))      # due Fri Dec 4: 3 days left
    rows = {r.request_id: r for r in review.queue(store, QueueFilter(), TODAY).rows}
    assert rows[overdue].due == date(2026, 11, 24) and rows[due_today].due == TODAY
    # A week of calendar days past due, but only Nov 30 and Dec 1 were school days.
    assert (rows[overdue].days_left, rows[overdue].urgency, rows[overdue].days_left_text) == \
        (-2, "overdue", "Overdue by 2 days")
    assert (rows[due_today].days_left, rows[due_today].urgency, rows[due_today].days_left_text) == \
        (0, "soon", "Due today")
    assert (rows[soon].days_left, rows[soon].urgency) == (2, "soon")
    assert rows[soon].days_left_text == "Soon: 2 days left"
    assert (rows[later].days_left, rows[later].urgency, rows[later].days_left_text) == (3, "", "3 days left")
    notice = review.queue_notice(store, TODAY)
    assert (notice.overdue, notice.soon) == (1, 2)
    assert notice.text == "1 request is overdue; 2 are due within 2 business days."


def test_soon_spans_a_weekend_and_winter_break(store, district):
    # Seen from Fri Dec 18: the next business days are Jan 4 and 5 (Dec 21 - Jan 1 closed).
    rid = submit(store, district["zoe"], date(2026, 12, 8))  # 10 business days -> Jan 5, 2027
    row = review.queue(store, QueueFilter(), date(2026, 12, 18)).rows[0]
    assert row.request_id == rid and row.due == date(2027, 1, 5)
    assert (row.days_left, row.urgency) == (2, "soon")
    assert review.queue_notice(store, date(2026, 12, 17)) is None  # Dec 17: 3 business days left


def test_spring_break_without_school_does_not_stop_the_decision_clock(store, district):
    from mocap_desktop.store.district import DistrictRepo

    repo = DistrictRepo(store)
    calendar = repo.calendar()
    calendar.no_school_days = {f"2027-03-{d}": "Spring break" for d in range(15, 20)}
    calendar.closed_days["2027-03-26"] = "Good Friday"
    repo.save_calendar(calendar)
    assert repo.calendar().no_school_days == calendar.no_school_days  # kept apart from closed days
    assert "2027-03-15" not in repo.calendar().closed_days
    # Received Fri Mar 12: 10 business days through spring break (the office open), Good Friday closed.
    rid = submit(store, district["zoe"], date(2027, 3, 12))
    row = next(r for r in review.queue(store, QueueFilter(), date(2027, 3, 12)).rows if r.request_id == rid)
    assert row.due == date(2027, 3, 29) and row.days_left == 10
    changed = store.query("SELECT detail FROM audit_log WHERE action = 'district_calendar_changed' "
                          "ORDER BY id DESC LIMIT 1")[0]["detail"]
    assert "no school 2027-03-15" in changed


def test_iep_and_full_time_requests_have_their_own_deadlines(store, district):
    iep = submit(store, district["iep"], date(2026, 11, 20))
    full = submit(store, district["lukasz"], date(2026, 11, 20), pathway="full_time")
    rows = {r.request_id: r for r in review.queue(store, QueueFilter(), TODAY).rows}
    # The IEP team has no 10-day rule, but a request not decided in 30 calendar days is deemed approved.
    assert (rows[iep].due, rows[iep].due_kind, rows[iep].routing) == (date(2026, 12, 20), "deemed_approval", "iep_team")
    assert (rows[full].due, rows[full].due_kind, rows[full].routing) == (date(2026, 12, 9), "input", "provider")


# --- the queue -----------------------------------------------------------------------------

def test_a_decided_request_leaves_the_open_requests(store, district):
    """Open means a step is still owed; a decision that stands is "decided" until it is closed."""
    approved = submit(store, district["zoe"], date(2026, 11, 10))
    denied = submit(store, district["lukasz"], date(2026, 11, 16))
    waiting = submit(store, district["iep"], date(2026, 11, 23))
    review.record_decision(store, approved, approve_all(store, approved), actor=COUNSELOR)
    review.record_decision(store, denied, deny_all(store, denied), actor=COUNSELOR)
    result = review.queue(store, QueueFilter(), TODAY)
    assert [r.request_id for r in result.rows] == [waiting]
    assert result.counts.scope == {"": 1, "awaiting": 1, "decided": 2, "all": 3, "closed": 0}
    decided = review.queue(store, QueueFilter(status="decided"), TODAY)
    assert sorted(r.request_id for r in decided.rows) == sorted([approved, denied])
    assert review.queue(store, QueueFilter(status="all"), TODAY).counts.shown == 3


def test_filters_sort_search_and_counts(store, district):
    a = submit(store, district["zoe"], date(2026, 11, 10))
    b = submit(store, district["lukasz"], date(2026, 11, 30), pathway="full_time")
    c = submit(store, district["iep"], date(2026, 11, 23))
    d = submit(store, district["middle"], date(2026, 11, 19))
    review.withdraw(store, d, COUNSELOR, "moved away")

    result = review.queue(store, QueueFilter(), TODAY)
    assert [r.request_id for r in result.rows] == [a, b, c]  # most urgent first; withdrawn not open
    counts = result.counts
    assert (counts.shown, counts.overdue, counts.soon) == (3, 1, 0)
    assert counts.scope == {"": 3, "awaiting": 3, "decided": 0, "all": 4, "closed": 1}
    assert counts.pathway == {"part_time": 2, "full_time": 1}
    assert counts.routing == {"building_review": 1, "provider": 1, "iep_team": 1}
    assert counts.status == {"submitted": 2, "notice_received": 1, "withdrawn": 1}

    only_full = review.queue(store, QueueFilter(pathway="full_time"), TODAY)
    assert [r.request_id for r in only_full.rows] == [b]
    assert only_full.counts.pathway == {"part_time": 2, "full_time": 1}  # a facet ignores its own choice
    assert only_full.counts.routing == {"provider": 1}                   # ... but not the others
    assert [r.request_id for r in review.queue(store, QueueFilter(overdue=True), TODAY).rows] == [a]
    assert [r.request_id for r in review.queue(store, QueueFilter(routing="iep_team"), TODAY).rows] == [c]
    assert [r.request_id for r in review.queue(store, QueueFilter(building="3000", status="all"), TODAY).rows] == [d]
    assert [r.request_id for r in review.queue(store, QueueFilter(status="closed"), TODAY).rows] == [d]
    by_name = review.queue(store, QueueFilter(sort="student"), TODAY).rows
    assert [r.student for r in by_name] == ["Łukaszewicz, Łukasz", "Nguyễn-Peña, Zoë", "Okafor, Ava"]
    newest_first = review.queue(store, QueueFilter(sort="received", descending=True), TODAY).rows
    assert [r.request_id for r in newest_first] == [b, c, a]


@pytest.mark.parametrize("text, found", [
    ("nguyen", "zoe"), ("NGUY zo", "zoe"), ("Łukasz", "lukasz"), ("lukaszew", "lukasz"), ("pena", "zoe"),
    ("500001", "zoe"), ("MOCAP-2026-0001", "zoe"), ("oka", "iep"), ("zoe nguyen-pena", "zoe"),
])
def test_search_by_student_ignores_accents_and_case(store, district, text, found):
    for key in ("zoe", "lukasz", "iep"):
        submit(store, district[key], date(2026, 11, 23))
    rows = review.queue(store, QueueFilter(search=text), TODAY).rows
    assert [r.student_id for r in rows] == [district[found]]
    assert review.queue(store, QueueFilter(search="nobody"), TODAY).rows == []


def test_queue_ids_pages_load_in_order(store, district):
    ids = [submit(store, district[k], date(2026, 11, 16 + n)) for n, k in enumerate(("zoe", "lukasz", "private"))]
    selected = review.queue_ids(store, QueueFilter(sort="received", descending=True), TODAY)
    assert selected.ids == ids[::-1]
    assert [r.request_id for r in review.load_rows(store, selected.ids[1:], TODAY)] == ids[1::-1]
    with pytest.raises(ReviewError):
        review.queue_ids(store, QueueFilter(sort="shoe size"), TODAY)


def test_export_csv_and_xlsx_hold_the_rows_as_shown(store, district, tmp_path):
    submit(store, district["zoe"], date(2026, 11, 10))
    submit(store, district["lukasz"], date(2026, 11, 30))
    rows = review.queue(store, QueueFilter(), TODAY).rows
    csv_path = review.export_rows(rows, tmp_path / "queue.csv")
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        records = list(csv.reader(fh))
    assert records[0] == list(review.EXPORT_COLUMNS)
    assert records[1][:2] == ["MOCAP-2026-0001", "Nguyễn-Peña, Zoë"]
    assert records[1][7:11] == ["2026-11-24", "Decision due", "-2", "Overdue"]

    from openpyxl import load_workbook

    xlsx = review.export_rows(rows, tmp_path / "queue.xlsx")
    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[1]] == list(review.EXPORT_COLUMNS)
    assert sheet["B2"].value == "Nguyễn-Peña, Zoë" and sheet["J2"].value == -2 and sheet["K2"].value == "Overdue"
    assert sheet["A2"].fill.fgColor.rgb.endswith("F8D7DA")  # colour as well as the word
    assert sheet.max_row == 3
    with pytest.raises(ReviewError, match=".csv or .xlsx"):
        review.export_rows(rows, tmp_path / "queue.pdf")
    assert not list(tmp_path.glob("*.partial"))


# --- decisions: R12-R15 before anything is written -------------------------------------------

@pytest.mark.parametrize("rule, form_change, message", [
    ("R12", lambda f: replace(f, reasons=()), "A denial must give at least one reason."),
    ("R12", lambda f: replace(f, reasons=("COST",)), "These reasons cannot be used to deny a request: COST."),
    ("R12", lambda f: replace(f, reasons=("DISTRICT_PROGRAM_AVAILABLE", "ACADEMIC_READINESS")),
     "These reasons cannot be used to deny a request: DISTRICT_PROGRAM_AVAILABLE."),
    ("R12", lambda f: replace(f, reasons=("NOT_A_CODE",)), "NOT_A_CODE"),
    ("R12", lambda f: replace(f, explanation="   "), "A denial must include a written explanation"),
    ("R13", lambda f: replace(f, decided_by_role="counselor"), "This decision must be made by the principal"),
    ("R13", lambda f: replace(f, decided_by_role="iep_team"), "it was recorded as made by the IEP team"),
])
def test_each_denial_failure_is_refused_with_the_rule_message(store, district, rule, form_change, message):
    rid = submit(store, district["zoe"], date(2026, 11, 23))
    form = form_change(deny_all(store, rid))
    check = review.check_decision_form(store, rid, form)
    assert not check.valid and check.finding(rule).outcome == "fail"
    assert message in check.finding(rule).message
    before = snapshot(store)
    with pytest.raises(DecisionRefused) as refused:
        review.record_decision(store, rid, form, actor=PRINCIPAL)
    assert message in str(refused.value)
    assert snapshot(store) == before


def test_r14_approval_needs_the_in_person_options_attestation(store, district):
    rid = submit(store, district["zoe"], date(2026, 11, 23))
    form = approve_all(store, rid, in_person_options_considered=False)
    check = review.check_decision_form(store, rid, form)
    assert check.finding("R14").outcome == "fail" and "consider the in-person options" in check.finding("R14").message
    before = snapshot(store)
    with pytest.raises(DecisionRefused):
        review.record_decision(store, rid, form, actor=PRINCIPAL)
    assert snapshot(store) == before


def test_r15_no_approval_of_an_ineligible_request_and_no_decision_on_full_time(store, district):
    ineligible = submit(store, district["private"], date(2026, 11, 23))  # prior term not all here
    check = review.check_decision_form(store, ineligible, approve_all(store, ineligible))
    assert check.finding("R15").outcome == "fail"
    assert "does not meet the eligibility rules" in check.finding("R15").message
    # ... but it can be denied
    assert review.check_decision_form(store, ineligible, deny_all(store, ineligible)).valid

    full = submit(store, district["lukasz"], date(2026, 11, 23), pathway="full_time")
    check = review.check_decision_form(store, full, DecisionForm({}, "principal", PRINCIPAL, decided_on=TODAY))
    assert check.finding("R15").outcome == "fail" and "does not approve or deny" in check.finding("R15").message
    before = snapshot(store)
    with pytest.raises(DecisionRefused):
        review.record_decision(store, full, DecisionForm({}, "principal", PRINCIPAL, decided_on=TODAY), PRINCIPAL)
    assert snapshot(store) == before


def test_r13_teams_decide_for_iep_and_504_students(store, district):
    iep = submit(store, district["iep"], date(2026, 11, 23))
    assert review.check_decision_form(store, iep, approve_all(store, iep)).finding("R13").outcome == "fail"
    assert review.check_decision_form(store, iep, approve_all(store, iep, decided_by_role="iep_team")).valid
    s504 = submit(store, district["504"], date(2026, 11, 23))
    assert review.check_decision_form(
        store, s504, approve_all(store, s504, decided_by_role="section_504_team")).valid


def test_the_form_must_be_complete(store, district):
    rid = submit(store, district["zoe"], date(2026, 11, 23))
    form = approve_all(store, rid)
    partly = replace(form, courses={"CHEMA": "approved"})
    assert "still open: SPAN1A" in review.check_decision_form(store, rid, partly).problems[0]
    assert not review.check_decision_form(store, rid, replace(form, decided_by_name=" ")).valid
    early = review.check_decision_form(store, rid, replace(form, decided_on=date(2026, 11, 20)))
    assert "cannot be before the request was received" in early.problems[0]


def test_a_partial_approval_checks_both_halves_and_is_recorded(store, district):
    rid = submit(store, district["zoe"], date(2026, 11, 23))
    form = DecisionForm({"CHEMA": "approved", "SPAN1A": "denied"}, "principal", PRINCIPAL,
                        ("GRADUATION_PLAN_CONFLICT",), "Spanish I does not fit Zoë's plan this year.", False, TODAY)
    check = review.check_decision_form(store, rid, form)
    assert [f.rule for f in check.findings if f.outcome == "fail"] == ["R14"]  # the approved half needs R14
    form = replace(form, in_person_options_considered=True)
    decision_id = review.record_decision(store, rid, form, actor=f"{PRINCIPAL} (principal)", at="2026-12-01T10:00:00")
    request = store.query("SELECT status FROM requests WHERE id = ?", (rid,))[0]
    assert request["status"] == "partially_approved"
    assert {r["code"]: r["decision"] for r in store.query(
        "SELECT code, decision FROM request_courses WHERE request_id = ?", (rid,))} == \
        {"CHEMA": "approved", "SPAN1A": "denied"}
    d = review.latest_decision(store, rid)
    assert d["id"] == decision_id and d["outcome"] == "partial" and d["reasons"] == ["GRADUATION_PLAN_CONFLICT"]
    assert (d["decided_by_role"], d["decided_by_name"], d["in_person_options_considered"]) == \
        ("principal", PRINCIPAL, 1)
    assert (d["policy_id"], d["policy_version"]) == ("mo-default", "2026.1")
    assert {f["rule"]: f["outcome"] for f in d["findings"]} == \
        {"R12": "pass", "R13": "pass", "R14": "pass", "R15": "pass"}
    kinds = [e.kind for e in review.timeline(store, rid)]
    assert kinds[:3] == ["created", "evaluated", "decided"]
    assert "letter_queued" in kinds  # the letters service queued the partial-approval letter
    letter = store.query("SELECT kind, status FROM letters WHERE request_id = ?", (rid,))
    assert letter == [{"kind": "partially_approved", "status": "pending"}]


def test_a_second_decision_is_refused_by_the_lifecycle(store, district):
    rid = submit(store, district["zoe"], date(2026, 11, 23))
    review.record_decision(store, rid, approve_all(store, rid), PRINCIPAL)
    before = snapshot(store)
    with pytest.raises(TransitionRefused, match="approved cannot become denied"):
        review.record_decision(store, rid, deny_all(store, rid), PRINCIPAL)
    with pytest.raises(TransitionRefused, match="Only decider staff"):
        other = submit(store, district["lukasz"], date(2026, 11, 23))
        before = snapshot(store)
        review.record_decision(store, other, approve_all(store, other), COUNSELOR, role="counselor")
    assert snapshot(store) == before


def test_a_letter_problem_does_not_undo_the_decision(store, district):
    rid = submit(store, district["noaddress"], date(2026, 11, 23))
    review.record_decision(store, rid, deny_all(store, rid), PRINCIPAL)
    assert store.query("SELECT status FROM requests WHERE id = ?", (rid,))[0]["status"] == "denied"
    last = review.timeline(store, rid)[-1]
    assert last.kind == "letter_not_queued" and "mailing address" in last.text
    assert store.query("SELECT count(*) AS n FROM letters")[0]["n"] == 0


def test_decisions_are_checked_under_todays_policy(store, district):
    from mocap_desktop.core import load_policy, policy_to_dict
    from mocap_desktop.services.rules import load_default_policy

    rid = submit(store, district["zoe"], date(2026, 11, 23))
    profile = policy_to_dict(load_default_policy())
    profile["version"] = "2027.1"
    profile["settings"]["counselor_may_decide"]["value"] = True
    load_policy(profile)
    with store.transaction() as db:
        db["policy_profiles"].insert({"id": profile["id"], "version": "2027.1", "effective_date": "2026-11-30",
                                      "body": json.dumps(profile), "active": 1})
    form = approve_all(store, rid, decided_by_role="counselor", decided_by_name="Dana Whitfield")
    check = review.check_decision_form(store, rid, form)
    assert check.valid and check.policy_version == "2027.1"
    detail = review.request_detail(store, rid, TODAY)
    assert (detail.submitted.policy_version, detail.today.policy_version) == ("2026.1", "2027.1")


# --- appeals -------------------------------------------------------------------------------

def test_appeal_deadlines_come_from_the_policy():
    from mocap_desktop.services.rules import load_default_policy

    policy = load_default_policy()
    filed = date(2026, 12, 1)
    assert review.appeal_due_dates(policy, "board", filed) == review.AppealDue(date(2026, 12, 31), None)
    assert review.appeal_due_dates(policy, "state", filed) == review.AppealDue(date(2026, 12, 8), date(2026, 12, 4))
    quick = replace(policy, board_decision_calendar_days=10, state_record_hours=48)
    assert review.appeal_due_dates(quick, "board", filed).decision_due == date(2026, 12, 11)
    assert review.appeal_due_dates(quick, "state", filed).record_due == date(2026, 12, 3)
    with pytest.raises(ReviewError):
        review.appeal_due_dates(policy, "supreme court", filed)


def test_board_then_state_appeal_with_deadlines_in_the_queue(store, district):
    rid = submit(store, district["zoe"], date(2026, 11, 9))
    review.record_decision(store, rid, deny_all(store, rid, decided_on=date(2026, 11, 16)), PRINCIPAL)
    with pytest.raises(TransitionRefused):  # no state appeal before the board has ruled
        review.record_appeal(store, rid, AppealForm("state", date(2026, 11, 20)), COUNSELOR)
    with pytest.raises(ReviewError, match="before the decision"):
        review.record_appeal(store, rid, AppealForm("board", date(2026, 11, 13)), COUNSELOR)
    board = review.record_appeal(store, rid, AppealForm(
        "board", date(2026, 11, 20), date(2026, 12, 14), "Family asks to be heard.",
        (Document("Family's letter", r"S:\MOCAP\appeals\2026-0001\letter.pdf"),)), COUNSELOR)
    row = review.queue(store, QueueFilter(), TODAY).rows[0]
    assert (row.status, row.due, row.due_kind) == ("board_appeal", date(2026, 12, 20), "board_decision")
    review.update_appeal(store, board, COUNSELOR, documents=(
        Document("Family's letter", r"S:\MOCAP\appeals\2026-0001\letter.pdf"),
        Document("Board minutes", "Board office, December binder")))
    review.record_appeal_outcome(store, board, "upheld", date(2026, 12, 14), COUNSELOR)
    state = review.record_appeal(store, rid, AppealForm("state", date(2026, 12, 15)), COUNSELOR)
    row = review.queue(store, QueueFilter(), date(2026, 12, 17)).rows[0]
    assert (row.due, row.due_kind, row.days_left, row.urgency) == (date(2026, 12, 18), "state_record", 1, "soon")
    review.record_state_record_sent(store, state, date(2026, 12, 16), COUNSELOR)
    row = review.queue(store, QueueFilter(), date(2026, 12, 17)).rows[0]
    assert (row.due, row.due_kind) == (date(2026, 12, 22), "state_decision")
    detail = review.request_detail(store, rid, TODAY)
    assert [a.level for a in detail.appeals] == ["board", "state"]
    assert detail.appeals[0].documents[1] == Document("Board minutes", "Board office, December binder")
    assert detail.appeals[0].outcome == "upheld" and detail.open_appeal.level == "state"


def test_an_overturn_approves_the_denied_courses_and_queues_the_approval_letter(store, district):
    rid = submit(store, district["zoe"], date(2026, 11, 9))
    review.record_decision(store, rid, deny_all(store, rid, decided_on=date(2026, 11, 16)), PRINCIPAL)
    appeal = review.record_appeal(store, rid, AppealForm("board", date(2026, 11, 20)), COUNSELOR)
    with pytest.raises(ReviewError, match="upheld or overturned"):
        review.record_appeal_outcome(store, appeal, "maybe", date(2026, 12, 1), COUNSELOR)
    review.record_appeal_outcome(store, appeal, "overturned", date(2026, 12, 1), COUNSELOR)
    assert store.query("SELECT status FROM requests WHERE id = ?", (rid,))[0]["status"] == "board_overturned"
    assert {r["decision"] for r in store.query("SELECT decision FROM request_courses WHERE request_id = ?",
                                                 (rid,))} == {"approved"}
    assert [r["kind"] for r in store.query("SELECT kind FROM letters WHERE request_id = ? ORDER BY id", (rid,))] \
        == ["denied", "approved"]
    with pytest.raises(ReviewError, match="already has an outcome"):
        review.record_appeal_outcome(store, appeal, "upheld", date(2026, 12, 2), COUNSELOR)


def test_a_team_decision_is_not_appealed_to_the_board(store, district):
    rid = submit(store, district["iep"], date(2026, 11, 9))
    review.record_decision(store, rid, deny_all(store, rid, decided_by_role="iep_team"), PRINCIPAL)
    before = snapshot(store)
    with pytest.raises(ReviewError, match="special-education process"):
        review.record_appeal(store, rid, AppealForm("board", TODAY), COUNSELOR)
    assert snapshot(store) == before


# --- the full-time track -----------------------------------------------------------------------

def test_full_time_input_answer_and_transfer_move_the_enrollment(store, district):
    student = district["lukasz"]
    rid = submit(store, student, date(2026, 11, 16), pathway="full_time")
    with pytest.raises(TransitionRefused):
        review.record_transfer(store, rid, date(2026, 12, 4), COUNSELOR)
    review.record_input_sent(store, rid, date(2026, 11, 20), COUNSELOR, "Attendance, grades and IEP status.")
    assert store.query("SELECT kind FROM letters WHERE request_id = ?", (rid,)) == [{"kind": "full_time"}]
    review.record_host_answer(store, rid, True, date(2026, 11, 30), COUNSELOR, "Starts after winter break.")
    with pytest.raises(ReviewError, match="before the host district accepted"):
        review.record_transfer(store, rid, date(2026, 11, 24), COUNSELOR)
    new_id = review.record_transfer(store, rid, date(2026, 12, 18), COUNSELOR, records_sent_on=date(2026, 12, 21),
                                    school_name="Missouri Virtual Academy")
    enrollments = store.query("SELECT id, district_code, school_name, entry, exit FROM enrollments "
                              "WHERE student_id = ? ORDER BY entry", (student,))
    assert [(e["district_code"], e["entry"], e["exit"]) for e in enrollments] == [
        ("099901", "2016-08-12", "2026-12-18"), ("099950", "2026-12-19", None)]
    assert enrollments[-1]["id"] == new_id and enrollments[-1]["school_name"] == "Missouri Virtual Academy"
    steps = review.full_time_steps(store, rid)
    assert (steps["input_sent_on"], steps["host_answer"], steps["unenrollment_date"], steps["records_sent_on"]) == \
        ("2026-11-20", "accepted", "2026-12-18", "2026-12-21")
    detail = review.request_detail(store, rid, TODAY)
    assert detail.status == "transferred"
    assert [e.kind for e in detail.timeline][-4:] == ["input_sent", "letter_queued", "host_answered", "transferred"]
    assert "on time" in detail.timeline[2].text
    # after the transfer, the student is no longer enrolled here: today's findings show it
    assert review.queue(store, QueueFilter(status="transferred"), TODAY).rows[0].due is None


def test_full_time_steps_refuse_part_time_requests_and_dates_out_of_order(store, district):
    part = submit(store, district["zoe"], date(2026, 11, 16))
    with pytest.raises(ReviewError, match="full-time"):
        review.record_input_sent(store, part, TODAY, COUNSELOR)
    full = submit(store, district["lukasz"], date(2026, 11, 16), pathway="full_time")
    with pytest.raises(ReviewError, match="before the provider's notice"):
        review.record_input_sent(store, full, date(2026, 11, 2), COUNSELOR)
    review.record_input_sent(store, full, date(2026, 11, 20), COUNSELOR)
    with pytest.raises(ReviewError, match="before the district sent its input"):
        review.record_host_answer(store, full, False, date(2026, 11, 19), COUNSELOR)


# --- detail, timeline and the appeal packet -----------------------------------------------------

def test_detail_compares_findings_then_and_now(store, district):
    rid = submit(store, district["zoe"], date(2026, 11, 23))
    # The student leaves the district after the request: today's R03 is unchanged (it looks at the
    # day received) but an enrollment ending before the prior term would change R04.
    with store.transaction() as db:
        db.execute("UPDATE enrollments SET entry = '2026-09-01' WHERE student_id = ?", [district["zoe"]])
    detail = review.request_detail(store, rid, TODAY)
    then = {f.rule: f.outcome for f in detail.submitted.findings}
    now = {f.rule: f.outcome for f in detail.today.findings}
    assert then["R04"] == "pass" and now["R04"] == "fail"
    assert detail.submitted.eligible and not detail.today.eligible
    assert detail.can_decide and detail.due == date(2026, 12, 10)


def test_the_appeal_packet_gathers_everything_in_one_pdf(store, district, tmp_path):
    from pypdf import PdfReader

    rid = submit(store, district["zoe"], date(2026, 11, 9))
    review.record_decision(store, rid, deny_all(store, rid, decided_on=date(2026, 11, 16)), PRINCIPAL)
    review.record_appeal(store, rid, AppealForm("board", date(2026, 11, 20), documents=(
        Document("Family's letter", "Central office, MOCAP binder"),)), COUNSELOR)
    path = review.export_appeal_packet(store, rid, tmp_path / "packet.pdf", COUNSELOR, TODAY)
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("MOCAP appeal packet", "MOCAP-2026-0001", "Nguyễn-Peña, Zoë", "ACADEMIC_READINESS",
                     "not yet academically ready", "Zoë needs Algebra I", "Board of Education", "2026-12-20",
                     "Central office, MOCAP binder", "R12 Denial reason", "Letters to the family", "Timeline",
                     "mo-default 2026.1"):
        assert expected in text, expected
    fonts = {str(f.get("/BaseFont")) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVu" in f for f in fonts)
    assert review.timeline(store, rid)[-1].kind == "packet_exported"
    with pytest.raises(ReviewError, match=".pdf"):
        review.export_appeal_packet(store, rid, tmp_path / "packet.docx", COUNSELOR, TODAY)


def test_withdraw_and_close(store, district):
    rid = submit(store, district["zoe"], date(2026, 11, 23))
    review.withdraw(store, rid, COUNSELOR, "The family moved.")
    with pytest.raises(TransitionRefused, match="withdrawn cannot become closed"):
        review.close_request(store, rid, COUNSELOR)
    assert review.timeline(store, rid)[-1].text == "Withdrawn: The family moved."
    other = submit(store, district["lukasz"], date(2026, 11, 23))
    review.record_decision(store, other, approve_all(store, other), PRINCIPAL)
    review.close_request(store, other, COUNSELOR)
    assert review.request_detail(store, other, TODAY).next_statuses == ()


def test_logs_never_name_students(store, district, caplog, tmp_path):
    import logging

    caplog.set_level(logging.DEBUG, logger="mocap_desktop")
    rid = submit(store, district["zoe"], date(2026, 11, 9))
    review.record_decision(store, rid, deny_all(store, rid), PRINCIPAL)
    review.record_appeal(store, rid, AppealForm("board", TODAY), COUNSELOR)
    review.export_rows(review.queue(store, QueueFilter(), TODAY).rows, tmp_path / "q.csv")
    review.export_appeal_packet(store, rid, tmp_path / "p.pdf", COUNSELOR, TODAY)
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert len(messages) >= 4
    for text in messages:
        for private in ("Nguy", "Zoë", "Peña", "1000000001", "500001"):
            assert private not in text, text


def test_demo_seed_records_decisions_and_appeals_through_the_service(tmp_path):
    from mocap_desktop.services.demo import ensure_demo_data
    from mocap_desktop.store import open_store

    store = open_store(tmp_path / "demo.sqlite")
    ensure_demo_data(store, today=date(2026, 11, 27))
    decided = store.query("SELECT r.id, r.status FROM requests r WHERE r.pathway = 'part_time' AND r.status "
                          "NOT IN ('submitted', 'in_review', 'withdrawn')")
    assert decided and all(review.latest_decision(store, r["id"]) for r in decided)
    appealed = {r["id"] for r in decided if r["status"].startswith(("board", "state"))}
    assert appealed == {r["request_id"] for r in store.query("SELECT DISTINCT request_id FROM appeals")}
    transferred = store.query("SELECT request_id, host_enrollment_id FROM full_time_steps "
                              "WHERE unenrollment_date IS NOT NULL")
    assert len(transferred) == 1 and transferred[0]["host_enrollment_id"]
    assert review.queue_notice(store, date(2026, 11, 27)).overdue >= 1
    store.close()



def test_the_detail_names_the_start_term_as_the_calendar_does(demo_session):
    store = demo_session.store
    row = store.query("SELECT r.id, t.name FROM requests r JOIN terms t ON t.id = r.start_term ORDER BY r.id LIMIT 1")[0]
    assert review.request_detail(store, row["id"]).start_term == row["name"]
    assert row["name"][0].isupper() and "-" not in row["name"]  # "Spring 2027", not the id "2027-spring"


def test_the_queue_kept_between_filter_changes_follows_writes_here_and_on_other_connections(store, district):
    first = submit(store, district["zoe"], date(2026, 11, 9))
    second = submit(store, district["lukasz"], date(2026, 11, 10))
    assert set(review.queue_ids(store, QueueFilter(), TODAY).ids) == {first, second}
    assert review.queue_ids(store, QueueFilter(building="3000"), TODAY).ids == []  # from the kept rows
    assert [r.status for r in review.load_rows(store, [first, second], TODAY)] == ["submitted", "submitted"]
    review.withdraw(store, first, COUNSELOR, "moved away")  # this connection
    assert review.queue_ids(store, QueueFilter(), TODAY).ids == [second]
    assert [r.status for r in review.load_rows(store, [first, second], TODAY)] == ["withdrawn", "submitted"]
    other = store.reopen()  # another connection, as an import's worker thread has
    with other.transaction() as db:
        db.execute("UPDATE requests SET status = 'withdrawn' WHERE id = ?", [second])
    other.close()
    assert review.queue_ids(store, QueueFilter(), TODAY).ids == []
    assert [r.status for r in review.load_rows(store, [first, second], TODAY)] == ["withdrawn", "withdrawn"]


# The orders the queue's one query used to sort by in SQL, kept as the reference for its sorts.
SQL_ORDER = {
    "student": "sort_fold(q.last_name || ' ' || q.first_name) {d}",
    "pathway": "q.pathway {d}",
    "courses": "(SELECT group_concat(code, ', ') FROM (SELECT code FROM request_courses "
               "WHERE request_id = q.id ORDER BY position)) {d}",
    "building": "(SELECT name FROM buildings WHERE code = q.building_code) {d}",
    "received": "q.received {d}",
    "due": "q.due IS NULL, q.due {d}, q.received {d}",
    "days_left": "q.due IS NULL, q.due {d}, q.received {d}",
    "routing": "q.routing {d}",
    "status": "q.status {d}",
}


def sorts_as_sql_does(store) -> None:
    from mocap_desktop.services.review.queue_list import _BASE_SQL, _sort_fold

    store.conn.create_function("sort_fold", 1, _sort_fold, deterministic=True)
    assert sorted(review.SORT_KEYS) == sorted(SQL_ORDER)
    for sort in review.SORT_KEYS:
        for descending in (False, True):
            d = "DESC" if descending else "ASC"
            expected = [r[0] for r in store.conn.execute(
                f"WITH q AS ({_BASE_SQL}) SELECT q.id FROM q ORDER BY {SQL_ORDER[sort].format(d=d)}, q.id {d}")]
            got = review.queue_ids(store, QueueFilter(status="all", sort=sort, descending=descending), TODAY).ids
            assert got == expected, (sort, d)


def test_every_sort_is_the_order_sql_gives(demo_session):
    """Each column, each way, in the order SQL's ORDER BY gives (the request id breaking ties,
    nothing before something going up): on the demo district's requests, with full-time ones
    (no courses), closed ones (no due date), appeals, and days with several requests."""
    store = demo_session.store
    for without in ("NOT EXISTS (SELECT 1 FROM request_courses c WHERE c.request_id = r.id)",
                    "r.status IN ('closed', 'withdrawn')"):
        assert store.query(f"SELECT count(*) AS n FROM requests r WHERE {without}")[0]["n"]
    sorts_as_sql_does(store)


def test_the_sorts_on_a_file_without_encryption(store, district):
    """The same on the standard library's SQLite (an older one than SQLCipher's)."""
    for day, who in ((date(2026, 11, 9), "zoe"), (date(2026, 11, 9), "lukasz"), (date(2026, 11, 10), "middle")):
        submit(store, district[who], day)
    sorts_as_sql_does(store)
