"""Tracked enrollments in the store: a decision and an overturning appeal start tracking every
approved course in their own transaction; a database approved before migration 0017 gets its
rows when it is upgraded."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from review_seed import COUNSELOR, small_district, submit  # noqa: E402

from mocap_desktop.services import review  # noqa: E402
from mocap_desktop.store import open_store  # noqa: E402
from mocap_desktop.store.migrations import MIGRATIONS  # noqa: E402

PRINCIPAL = "Dr. Lena Ortiz"


def tracked(store, request_id):
    return [(r["code"], r["status"]) for r in store.query(
        "SELECT code, status FROM course_enrollments WHERE request_id = ? ORDER BY id", (request_id,))]


def decide(store, request_id, courses, reasons=()):
    review.record_decision(store, request_id, review.DecisionForm(
        courses, "principal", PRINCIPAL, reasons, "Needs Algebra I first." if reasons else "", True,
        date(2026, 11, 20)), PRINCIPAL, letter=False)


def test_a_partial_approval_tracks_its_approved_course_and_an_overturn_the_rest(store):
    students = small_district(store)
    rid = submit(store, students["zoe"], date(2026, 11, 10))
    decide(store, rid, {"CHEMA": "approved", "SPAN1A": "denied"}, ("ACADEMIC_READINESS",))
    assert tracked(store, rid) == [("CHEMA", "approved")]
    entry = store.query("SELECT detail FROM audit_log WHERE action = 'decision_recorded'")
    assert entry  # the rows came with the decision, in its transaction
    appeal = review.record_appeal(store, rid, review.AppealForm("board", date(2026, 11, 23)), COUNSELOR)
    review.record_appeal_outcome(store, appeal, "overturned", date(2026, 11, 30), COUNSELOR, letter=False)
    assert tracked(store, rid) == [("CHEMA", "approved"), ("SPAN1A", "approved")]


def test_a_denial_tracks_nothing(store):
    students = small_district(store)
    rid = submit(store, students["zoe"], date(2026, 11, 10))
    decide(store, rid, {"CHEMA": "denied", "SPAN1A": "denied"}, ("ACADEMIC_READINESS",))
    assert tracked(store, rid) == []


def test_requests_approved_before_the_migration_are_tracked_when_it_runs(tmp_path):
    path = tmp_path / "old.sqlite"
    before = [m.name for m in MIGRATIONS].index("0017_course_enrollments")
    old = open_store(path, target=before)
    students = small_district(old)
    rid = submit(old, students["zoe"], date(2026, 11, 10))
    old.conn.execute("UPDATE request_courses SET decision = 'approved' WHERE request_id = ?", (rid,))
    old.conn.execute("UPDATE requests SET status = 'approved' WHERE id = ?", (rid,))
    old.conn.commit()
    old.close()
    store = open_store(path, backups=tmp_path / "backups")
    assert tracked(store, rid) == [("CHEMA", "approved"), ("SPAN1A", "approved")]
    assert {r["name"] for r in store.query("PRAGMA table_info(courses)")} >= {"drop_window_days"}
    store.close()
