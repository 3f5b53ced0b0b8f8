"""The tracked-enrollment service: moves by hand with their timeline and audit entries, who may
record them, and a provider's file of outcomes (all or nothing, each problem named by row and
column, a dry run that writes nothing)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from review_seed import COUNSELOR, small_district, submit  # noqa: E402

from mocap_desktop.core.access import AccessDenied, User  # noqa: E402
from mocap_desktop.core.enrollments import Move, TransitionRefused  # noqa: E402
from mocap_desktop.services import enrollments as svc  # noqa: E402
from mocap_desktop.services import review  # noqa: E402
from mocap_desktop.services.importing import ImportRefused  # noqa: E402

PRINCIPAL = "Dr. Lena Ortiz"


@pytest.fixture
def approved(store):
    students = small_district(store)
    rid = submit(store, students["zoe"], date(2026, 11, 10))
    review.record_decision(store, rid, review.DecisionForm(
        {"CHEMA": "approved", "SPAN1A": "approved"}, "principal", PRINCIPAL, (), "", True, date(2026, 11, 20)),
        PRINCIPAL, letter=False)
    return rid


def ids(store, rid):
    return {c.code: c.id for c in svc.tracked_courses(store, rid)}


def test_moves_by_hand_with_timeline_and_audit(store, approved):
    chem = ids(store, approved)["CHEMA"]
    svc.record_move(store, chem, Move("sent_to_provider", date(2026, 11, 23), sent_by="Dana Whitfield",
                                      method="secure_email"), COUNSELOR)
    svc.record_move(store, chem, Move("enrolled", date(2026, 11, 30)), COUNSELOR)
    svc.record_move(store, chem, Move("completed", date(2027, 5, 20), grade="B+", credits="0.5"), COUNSELOR)
    [course, span] = svc.tracked_courses(store, approved)
    assert course.status == "completed" and span.status == "approved"
    assert course.transcript == "CHEMA title (CHEMA) · Mizzou Academy · Spring 2027 · completed, B+, 0.5 credit"
    events = [json.loads(e["detail"]) for e in store.query(
        "SELECT detail FROM request_events WHERE kind = 'enrollment_moved' ORDER BY id")]
    assert [(e["from"], e["to"]) for e in events] == [("approved", "sent_to_provider"),
                                                      ("sent_to_provider", "enrolled"), ("enrolled", "completed")]
    texts = [t.text for t in review.timeline(store, approved)]
    assert "CHEMA: sent to provider on Nov 23, 2026 (secure e-mail)." in texts
    assert "CHEMA: completed on May 20, 2027 (B+, 0.5 credit)." in texts
    audit = store.query("SELECT student_id, request_id, detail FROM audit_log WHERE action = 'enrollment_recorded'")
    assert len(audit) == 3 and audit[0]["request_id"] == approved
    assert json.loads(audit[-1]["detail"])["after"]["status"] == "completed"


def test_a_refused_move_writes_nothing(store, approved):
    chem = ids(store, approved)["CHEMA"]
    with pytest.raises(TransitionRefused, match="cannot become enrolled"):
        svc.record_move(store, chem, Move("enrolled", date(2026, 11, 30)), COUNSELOR)
    assert svc.tracked_course(store, chem).status == "approved"
    assert not store.query("SELECT 1 FROM request_events WHERE kind = 'enrollment_moved'")


def test_drop_window_from_the_catalog_else_the_district_default(store, approved):
    chem = ids(store, approved)["CHEMA"]
    start = svc.tracked_course(store, chem).rules.start
    assert start == date(2027, 1, 5)  # the term's first day
    assert svc.tracked_course(store, chem).rules.drop_window_days == 14
    with store.transaction() as db:
        db["settings"].insert({"key": "drop_window_days", "value": "10"}, replace=True)
    assert svc.tracked_course(store, chem).rules.drop_window_days == 10
    svc.record_move(store, chem, Move("sent_to_provider", date(2026, 11, 23), sent_by="D", method="mail"), "")
    svc.record_move(store, chem, Move("enrolled", date(2026, 11, 30)), "")
    svc.record_move(store, chem, Move("dropped", date(2027, 1, 18)), "")
    assert svc.tracked_course(store, chem).row["drop_window"] == "after"


@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_front_desk_and_administrator_may_not_see_or_record(store, approved, role, tmp_path):
    chem = ids(store, approved)["CHEMA"]
    store.user = User("x", "X", role)
    with pytest.raises(AccessDenied):
        svc.tracked_courses(store, approved)
    with pytest.raises(AccessDenied):
        svc.record_move(store, chem, Move("withdrawn", date(2026, 11, 30)), COUNSELOR)
    with pytest.raises(AccessDenied):
        svc.import_outcomes(store, tmp_path / "x.csv")


def test_a_decider_records_as_a_decider(store, approved):
    store.user = User("lortiz", PRINCIPAL, "decider")
    chem = ids(store, approved)["CHEMA"]
    svc.record_move(store, chem, Move("withdrawn", date(2026, 11, 30)), "whoever")
    assert svc.tracked_course(store, chem).status == "withdrawn"
    assert store.query("SELECT actor FROM request_events WHERE kind = 'enrollment_moved'")[0]["actor"] == PRINCIPAL


def _file(tmp_path, *rows, header="Student,Course Code,Status,Date,Grade,Credits"):
    path = tmp_path / "provider.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _enroll_both(store, rid):
    for cid in ids(store, rid).values():
        svc.record_move(store, cid, Move("sent_to_provider", date(2026, 11, 23), sent_by="D", method="mail"), "")


def test_outcomes_file_all_or_nothing_with_named_rows(store, approved, tmp_path):
    _enroll_both(store, approved)
    local = store.query("SELECT local_number, mosis_id FROM students WHERE id = "
                        "(SELECT student_id FROM requests WHERE id = ?)", (approved,))[0]
    bad = _file(tmp_path, f"{local['local_number']},CHEMA,enrolled,12/1/2026,,",
                f"{local['mosis_id']},SPAN1A,graduated,12/1/2026,,",
                "999999,CHEMA,enrolled,12/1/2026,,")
    report = svc.import_outcomes(store, bad)
    assert not report.written
    assert [str(p) for p in report.problems] == [
        'row 3, column "Status": status "graduated" is not enrolled, dropped, withdrawn or completed',
        'row 4, column "Course Code": no approved course CHEMA is tracked for student 999999']
    assert {c.status for c in svc.tracked_courses(store, approved)} == {"sent_to_provider"}

    good = _file(tmp_path, f"{local['local_number']},chema,Enrolled,12/1/2026,,",
                 f"{local['mosis_id']},SPAN1A,enrolled,2026-12-02,,")
    dry = svc.import_outcomes(store, good, dry_run=True)
    assert dry.updated == 2 and not dry.written and dry.summary().startswith("dry run, nothing written")
    assert {c.status for c in svc.tracked_courses(store, approved)} == {"sent_to_provider"}
    done = svc.import_outcomes(store, good)
    assert done.written and done.updated == 2
    assert {c.status for c in svc.tracked_courses(store, approved)} == {"enrolled"}
    assert store.query("SELECT count(*) AS n FROM audit_log WHERE action = 'outcomes_imported'")[0]["n"] == 1
    again = svc.import_outcomes(store, good)
    assert again.updated == 0 and again.unchanged == 2

    finish = _file(tmp_path, f"{local['local_number']},CHEMA,completed,5/20/2027,A,0.75")
    report = svc.import_outcomes(store, finish)
    assert [str(p) for p in report.problems] == [
        'row 2, column "Credits": Credits earned must be from 0 to 0.5, the course\'s credits.']


def test_a_file_without_a_status_column_is_refused(store, approved, tmp_path):
    with pytest.raises(ImportRefused, match='"Status"'):
        svc.import_outcomes(store, _file(tmp_path, "1,CHEMA", header="Student,Course Code"))
