"""The demo district: deterministic, synthetic, and rich enough to exercise every screen."""

from __future__ import annotations

import json
from datetime import date

from mocap_desktop.core import enrollments, lifecycle
from mocap_desktop.services.demo import STUDENT_COUNT, ensure_demo_data
from mocap_desktop.store import open_store

TODAY = date(2026, 11, 27)


def seeded(path):
    store = open_store(path)
    assert ensure_demo_data(store, today=TODAY) is True
    return store


def test_seed_is_deterministic_and_runs_once(tmp_path):
    a, b = seeded(tmp_path / "a.sqlite"), seeded(tmp_path / "b.sqlite")
    for table in ("students", "guardians", "enrollments", "courses", "requests", "request_courses",
                  "course_enrollments"):
        query = f"SELECT * FROM {table} ORDER BY id"
        rows_a = [{k: v for k, v in r.items() if k not in ("created_at", "updated_at")} for r in a.query(query)]
        rows_b = [{k: v for k, v in r.items() if k not in ("created_at", "updated_at")} for r in b.query(query)]
        assert rows_a == rows_b, table
    assert ensure_demo_data(a, today=TODAY) is False
    assert a.query("SELECT count(*) AS n FROM students")[0]["n"] == STUDENT_COUNT


def test_roster_carries_awkward_names_and_spanish_families(tmp_path):
    store = seeded(tmp_path / "d.sqlite")
    names = {r["n"] for r in store.query("SELECT last_name || ' ' || first_name AS n FROM students")}
    text = " ".join(names)
    for fragment in ("Nguyễn", "Peña", "Łukasz", "Zoë"):
        assert fragment in text
    spanish = store.query("SELECT count(*) AS n FROM guardians WHERE preferred_language = 'es'")[0]["n"]
    assert spanish > 50
    assert all(len(r["mosis_id"]) == 10 for r in store.query("SELECT mosis_id FROM students WHERE mosis_id IS NOT NULL"))


def test_histories_exercise_the_rules(tmp_path):
    store = seeded(tmp_path / "d.sqlite")
    kinds = {r["school_kind"] for r in store.query("SELECT DISTINCT school_kind FROM enrollments")}
    assert kinds == {"public", "private", "home", "out_of_state"}
    transfers = store.query("SELECT count(*) AS n FROM enrollments WHERE district_code != '099901' "
                            "AND school_kind = 'public'")[0]["n"]
    assert transfers > 20


def test_requests_in_every_state_with_findings_snapshots(tmp_path):
    store = seeded(tmp_path / "d.sqlite")
    rows = store.query("SELECT pathway, status, eligible, evaluation, routing FROM requests")
    seen = {(r["pathway"], r["status"]) for r in rows}
    for pathway, machine in (("part_time", lifecycle.PART_TIME), ("full_time", lifecycle.FULL_TIME)):
        assert {s for p, s in seen if p == pathway} == set(machine), pathway
    assert {r["routing"] for r in rows} >= {"building_review", "iep_team", "provider"}
    assert any(not r["eligible"] for r in rows)
    outcomes = {f["outcome"] for r in rows for f in json.loads(r["evaluation"])["findings"]}
    assert {"pass", "fail", "waived", "warn"} <= outcomes


def test_tracked_enrollments_in_every_state(tmp_path):
    store = seeded(tmp_path / "t.sqlite")
    rows = store.query("SELECT ce.*, r.student_id FROM course_enrollments ce JOIN requests r ON r.id = ce.request_id")
    assert {r["status"] for r in rows} == set(enrollments.MOVES)
    assert {r["drop_window"] for r in rows if r["status"] == "dropped"} <= {"inside", "after"}
    assert all(r["final_grade"] and r["credits_earned"] == r["credits"] for r in rows if r["status"] == "completed")
    assert all(r["sent_on"] <= TODAY.isoformat() for r in rows if r["sent_on"])
    approved = store.query("SELECT count(*) AS n FROM request_courses WHERE decision = 'approved'")[0]["n"]
    assert len(rows) == approved  # every approved course is tracked


def test_families_read_as_families(tmp_path):
    """Mothers have women's names, fathers men's, and no student's two guardians share one."""
    from mocap_desktop.services.demo import GUARDIAN_FIRST

    store = seeded(tmp_path / "f.sqlite")
    women, men = set(GUARDIAN_FIRST[0::2]), set(GUARDIAN_FIRST[1::2])
    rows = store.query("SELECT student_id, name, relationship FROM guardians ORDER BY student_id, id")
    firsts: dict[int, list[str]] = {}
    for r in rows:
        first = r["name"].split()[0]
        assert r["relationship"] != "Mother" or first in women, r
        assert r["relationship"] != "Father" or first in men, r
        assert first not in firsts.get(r["student_id"], []), r
        firsts.setdefault(r["student_id"], []).append(first)
    assert sum(len(v) == 2 for v in firsts.values()) > 1000
