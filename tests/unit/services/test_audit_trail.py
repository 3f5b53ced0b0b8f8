"""The audit trail as the services write it (issue 8): a small day in the office leaves the
entries a parent or an auditor would look for, in order, by the right people; changes carry
their before and after values (never a student's name); and an entry edited or deleted with
plain SQL behind the app's back is named by `audit.verify`."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from mocap_desktop.services import intake, letters, review
from mocap_desktop.services import requests as svc
from mocap_desktop.services.backup import backup
from mocap_desktop.services.review import DecisionForm, QueueFilter
from mocap_desktop.services.roster import import_roster_file
from mocap_desktop.services.session import sign_in
from mocap_desktop.store import audit
from mocap_desktop.store.district import DistrictRepo
from mocap_desktop.store.students import StudentRepo

ROSTER_HEADER = "Student_Number,State_StudentNumber,Last_Name,First_Name,DOB,Grade_Level,SchoolID,School_Name"
ROSTER_ROWS = ["900001,9000000001,Nguyễn,Thảo,9/14/2010,09,4000,Maple Valley High School",
               "900002,9000000002,Peña,José,03/02/2009,10,4000,Maple Valley High School",
               "900003,9000000003,Łukaszewicz,Łukasz,2012-11-30,KG,1050,Maple Valley Elementary"]


def write_roster(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([ROSTER_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def people(demo_data_dir):
    """sign in as a demo person by login; every session closed at the end (signing out)."""
    opened = []
    passwords = {"admin": "demo-admin", "counselor": "demo-counselor", "principal": "demo-principal",
                 "frontdesk": "demo-frontdesk"}

    def open_as(login: str):
        session = sign_in(demo_data_dir, login, passwords[login], demo=True)
        opened.append(session)
        return session

    yield open_as
    for session in opened:
        with contextlib.suppress(Exception):  # a test may have signed out already
            session.close()


def entries(store, after: int = 0) -> list[dict]:
    rows = store.query("SELECT * FROM audit_log WHERE id > ? ORDER BY id", (after,))
    for r in rows:
        r["detail"] = json.loads(r["detail"])
    return rows


def last_id(store) -> int:
    return store.conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]


def clean_student(store) -> tuple[int, int]:
    row = store.query(
        "SELECT s.id, g.id AS guardian FROM students s JOIN guardians g ON g.student_id = s.id "
        "WHERE s.grade IN ('10','11') AND s.iep = 0 AND s.section_504 = 0 "
        "AND (SELECT count(*) FROM enrollments e WHERE e.student_id = s.id) = 1 "
        "AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.student_id = s.id) "
        "ORDER BY s.id, g.receives_letters DESC LIMIT 1")[0]
    return row["id"], row["guardian"]


def names_of(store, student_ids) -> set[str]:
    marks = ",".join("?" * len(student_ids))
    names = set()
    for r in store.query(f"SELECT last_name, first_name, middle_name, preferred_name FROM students "
                         f"WHERE id IN ({marks})", tuple(student_ids)):
        names |= {v for v in r.values() if v and len(v) > 2}
    return names


# --- a small flow ------------------------------------------------------------------------------------

def test_a_day_in_the_office_is_on_record(people, tmp_path):
    counselor = people("counselor")
    start = last_id(counselor.store) - 1  # the counselor's own sign-in included
    demo_letters = {r["id"] for r in counselor.store.query("SELECT id FROM letters")}  # queued by the seed
    student_id, guardian_id = clean_student(counselor.store)

    # The counselor looks the student up and submits a request (the "received" letter is queued).
    assert StudentRepo(counselor.store).detail(student_id) is not None
    draft = svc.RequestDraft(student_id=student_id, pathway="part_time", start_term="2026-fall",
                             received=date.today(), in_person_credits=Decimal("2.5"),
                             courses=[svc.DraftCourse("ENG10A", Decimal("0.5"), "English 10 A", "Launch")],
                             start_date=date(2026, 8, 20))
    family = intake.FamilyDetails(guardian_id, "12 Oak St", "", "Maple Valley", "MO", "65999", "en",
                                  ["technology", "conduct"])
    done = intake.finish_request(counselor.store, draft, family, actor="typed by someone")
    assert done.letter_queued
    counselor.close()

    # The principal decides: approved (the decision letter is queued).
    principal = people("principal")
    review.request_detail(principal.store, done.request_id)
    form = DecisionForm({"ENG10A": "approved"}, "principal", "Dr. Lena Ortiz", in_person_options_considered=True,
                        decided_on=date.today())
    review.record_decision(principal.store, done.request_id, form, actor="typed by someone")
    principal.close()

    # The front desk prints both letters, then one again.
    desk = people("frontdesk")
    ids = [q.id for q in letters.print_queue(desk.store) if q.id not in demo_letters]
    assert len(ids) == 2
    job = letters.print_letters(desk.store, ids, tmp_path / "job.pdf")
    letters.mark_printed(desk.store, job.letter_ids)
    letters.mark_printed(desk.store, letters.print_letters(desk.store, ids[:1], tmp_path / "again.pdf").letter_ids)
    desk.close()

    admin = people("admin")
    trail = [e for e in entries(admin.store, start) if e["action"] != "sign_in" or e["actor"] != "admin"]
    assert [(e["actor"], e["action"]) for e in trail] == [
        ("counselor", "sign_in"),
        ("counselor", "student_viewed"),
        ("counselor", "request_submitted"),
        ("counselor", "guardian_updated"),
        ("counselor", "letter_queued"),
        ("counselor", "sign_out"),
        ("principal", "sign_in"),
        ("principal", "request_viewed"),
        ("principal", "decision_recorded"),
        ("principal", "letter_queued"),
        ("principal", "sign_out"),
        ("frontdesk", "sign_in"),
        ("frontdesk", "letter_printed"),
        ("frontdesk", "letter_printed"),
        ("frontdesk", "letter_reprinted"),
        ("frontdesk", "sign_out"),
    ]
    by_action = {}
    for e in trail:
        by_action.setdefault(e["action"], []).append(e)
    assert by_action["student_viewed"][0]["student_id"] == student_id
    submitted = by_action["request_submitted"][0]
    assert (submitted["student_id"], submitted["request_id"]) == (student_id, done.request_id)
    assert submitted["detail"]["reference"] == done.reference and submitted["detail"]["courses"] == ["ENG10A"]
    decided = by_action["decision_recorded"][0]
    assert decided["role"] == "decider" and decided["detail"]["outcome"] == "approve"
    assert decided["detail"]["before"] == {"status": "submitted"} and decided["detail"]["after"] == {"status": "approved"}
    queued = [e["detail"] for e in by_action["letter_queued"]]
    assert [q["kind"] for q in queued] == ["received", "approved"]
    assert all(q["recipient"] == f"Parent or guardian (guardian #{guardian_id}), by mail" and q["letter_id"] in ids
               and q["guardian_id"] == guardian_id for q in queued)
    printed = by_action["letter_printed"] + by_action["letter_reprinted"]
    assert sorted(e["detail"]["letter_id"] for e in printed) == sorted([*ids, ids[0]])
    assert by_action["letter_reprinted"][0]["detail"]["print"] == 2
    assert all(e["role"] == "front_desk" for e in printed)
    # The timeline names the signed-in people, whatever the caller typed.
    actors = {r["actor"] for r in admin.store.query("SELECT actor FROM request_events WHERE request_id = ?",
                                                    (done.request_id,))}
    assert actors == {"Dana Whitfield", "Dr. Lena Ortiz", "Sam Okafor"}
    # Nothing in the trail names the student.
    names = names_of(admin.store, [student_id])
    text = json.dumps([e["detail"] for e in trail], ensure_ascii=False)
    assert not any(name in text for name in names)
    assert audit.verify(admin.store).ok


def test_exports_and_backups_are_recorded_as_such(people, tmp_path):
    counselor = people("counselor")
    rows = review.queue(counselor.store, QueueFilter(status="all")).rows
    review.export_queue(counselor.store, rows, tmp_path / "queue.xlsx")
    denied = counselor.store.query("SELECT id, student_id FROM requests WHERE status = 'board_appeal'")[0]
    review.export_appeal_packet(counselor.store, denied["id"], tmp_path / "packet.pdf", "x")
    admin = people("admin")
    backup(admin.store, tmp_path / "copy.sqlite")
    got = {e["action"]: e for e in entries(admin.store) if e["action"] in
           ("queue_exported", "appeal_packet_exported", "backup_written")}
    assert got["queue_exported"]["detail"]["rows"] == len(rows) == len(got["queue_exported"]["detail"]["request_ids"])
    assert set(got["queue_exported"]["detail"]["student_ids"]) == {r.student_id for r in rows}
    assert got["queue_exported"]["actor"] == "counselor" and got["queue_exported"]["detail"]["file"] == "queue.xlsx"
    assert (got["appeal_packet_exported"]["request_id"], got["appeal_packet_exported"]["student_id"]) == \
        (denied["id"], denied["student_id"])
    assert got["backup_written"]["actor"] == "admin" and got["backup_written"]["detail"]["file"] == "copy.sqlite"
    # The disclosure report lists the export for a student it named.
    from mocap_desktop.services import audit_report

    lines = audit_report.disclosure_report(admin.store, denied["student_id"]).lines
    assert any("Appeal packet" in line.records for line in lines)
    assert any("Review queue" in line.records for line in lines)


# --- imports and district changes: one entry per change, before and after ------------------------------

def test_an_import_is_one_entry_with_counts_and_one_per_changed_student(people, tmp_path):
    admin = people("admin")
    start = last_id(admin.store)
    first = import_roster_file(admin.store, write_roster(tmp_path / "roster.csv", ROSTER_ROWS))
    assert first.written and first.added == 3
    [imported] = [e for e in entries(admin.store, start) if e["action"] == "roster_imported"]
    assert imported["actor"] == "admin" and imported["student_id"] is None
    assert {k: imported["detail"][k] for k in ("kind", "file", "rows_read", "added", "updated", "unchanged")} == {
        "kind": "students", "file": "roster.csv", "rows_read": 3, "added": 3, "updated": 0, "unchanged": 0}
    assert not [e for e in entries(admin.store, start) if e["action"] == "student_updated"]

    # The same file with one grade and one last name changed: two students updated, one entry each.
    rows = list(ROSTER_ROWS)
    rows[0] = rows[0].replace(",09,", ",10,")  # grade 9 -> 10
    rows[1] = rows[1].replace("Peña,José", "Peña-Ruiz,José")
    start = last_id(admin.store)
    second = import_roster_file(admin.store, write_roster(tmp_path / "roster.csv", rows))
    assert (second.added, second.updated) == (0, 2)
    got = entries(admin.store, start)
    assert [e["action"] for e in got] == ["student_updated", "student_updated", "roster_imported"]
    ids = StudentRepo(admin.store).ids_by_local_number(["900001", "900002"])
    grade, name = sorted(got[:2], key=lambda e: e["student_id"] != ids["900001"])
    assert grade["student_id"] == ids["900001"]
    assert grade["detail"]["before"] == {"grade": "9"} and grade["detail"]["after"] == {"grade": "10"}
    assert name["student_id"] == ids["900002"] and name["detail"]["names_changed"] == ["last_name"]
    assert "before" not in name["detail"] and "Peña" not in json.dumps(name["detail"], ensure_ascii=False)
    assert got[2]["detail"]["updated"] == 2 and got[2]["detail"]["unchanged"] == 1
    assert audit.verify(admin.store).ok


def test_a_district_profile_change_records_the_changed_fields_only(people):
    admin = people("admin")
    repo = DistrictRepo(admin.store)
    profile = repo.profile()
    old_phone = profile.phone
    profile.phone, profile.signer_title = "573-555-0199", "Superintendent of Schools"
    start = last_id(admin.store)
    repo.save_profile(profile)
    repo.save_profile(profile)  # no change, no entry
    letters.set_board_appeal_days(admin.store, 21)
    got = entries(admin.store, start)
    assert [e["action"] for e in got] == ["district_profile_changed", "district_settings_changed"]
    assert got[0]["detail"]["before"]["phone"] == old_phone and got[0]["detail"]["after"]["phone"] == "573-555-0199"
    assert set(got[0]["detail"]["after"]) == {"phone", "signer_title"}
    assert got[1]["detail"] == {"before": {"board_appeal_days": None}, "after": {"board_appeal_days": "21"}}


# --- tampering -------------------------------------------------------------------------------------------

def _some_entries(people) -> object:
    """A few audited actions: the counselor opens three students."""
    counselor = people("counselor")
    repo = StudentRepo(counselor.store)
    for sid in [r["id"] for r in counselor.store.query("SELECT id FROM students ORDER BY id LIMIT 3")]:
        repo.detail(sid)
    return counselor


def test_an_edited_entry_is_named(people):
    session = _some_entries(people)
    store = session.store
    viewed = [e["id"] for e in entries(store) if e["action"] == "student_viewed"]
    assert audit.verify(store).ok
    with pytest.raises(Exception, match="append-only"):
        store.conn.execute("UPDATE audit_log SET detail = '{}' WHERE id = ?", (viewed[1],))
    # Behind the app's back: the database opened with its key, the trigger dropped, one row edited.
    store.conn.execute("DROP TRIGGER audit_no_update")
    store.conn.execute("UPDATE audit_log SET student_id = student_id + 1 WHERE id = ?", (viewed[1],))
    store.conn.commit()
    result = audit.verify(store)
    assert not result.ok and result.first_broken == viewed[1] and "changed" in result.reason


def test_an_edited_detail_with_a_recomputed_hash_breaks_the_next_link(people):
    session = _some_entries(people)
    store = session.store
    viewed = [e["id"] for e in entries(store) if e["action"] == "student_viewed"]
    store.conn.execute("DROP TRIGGER audit_no_update")
    row = store.query("SELECT * FROM audit_log WHERE id = ?", (viewed[0],))[0]
    row["detail"] = json.dumps({"note": "nothing to see"})
    forged = audit._digest(row["prev_hash"], row)
    store.conn.execute("UPDATE audit_log SET detail = ?, hash = ? WHERE id = ?", (row["detail"], forged, viewed[0]))
    store.conn.commit()
    result = audit.verify(store)
    assert not result.ok and result.first_broken == viewed[0] + 1


def test_a_deleted_entry_is_named(people):
    session = _some_entries(people)
    store = session.store
    viewed = [e["id"] for e in entries(store) if e["action"] == "student_viewed"]
    with pytest.raises(Exception, match="append-only"):
        store.conn.execute("DELETE FROM audit_log WHERE id = ?", (viewed[1],))
    store.conn.execute("DROP TRIGGER audit_no_delete")
    store.conn.execute("DELETE FROM audit_log WHERE id = ?", (viewed[1],))
    store.conn.commit()
    result = audit.verify(store)
    assert not result.ok and result.first_broken == viewed[1] and "deleted" in result.reason


def test_a_deleted_last_entry_is_named(people):
    session = _some_entries(people)
    store = session.store
    last = last_id(store)
    store.conn.execute("DROP TRIGGER audit_no_delete")
    store.conn.execute("DELETE FROM audit_log WHERE id = ?", (last,))
    store.conn.commit()
    result = audit.verify(store)
    assert not result.ok and result.first_broken == last and "deleted" in result.reason


def test_many_entries_at_once_chain_like_single_ones(people):
    """An import's per-student entries are written in one batch; the chain is the same rule."""
    from mocap_desktop.store import trail

    admin = people("admin")
    with admin.store.transaction() as db:
        trail.note(db, admin.store, "one")
        trail.note_many(db, admin.store, "many", [(1, None, {"a": 1}), (2, 3, None), (None, None, {"b": [1]})])
        trail.note(db, admin.store, "two")
    assert [e["action"] for e in entries(admin.store)][-5:] == ["one", "many", "many", "many", "two"]
    assert audit.verify(admin.store).ok


def test_failed_sign_ins_reach_the_trail_at_the_next_sign_in_without_what_was_typed(demo_data_dir):
    from mocap_desktop.services.session import SessionError

    for login, password in (("principal", "not the password"), ("demo-counselor", "x")):
        with pytest.raises(SessionError):
            sign_in(demo_data_dir, login, password, demo=True)
    session = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    try:
        rows = session.store.query(
            "SELECT actor, action, detail FROM audit_log ORDER BY id DESC LIMIT 3")[::-1]
        assert [(r["actor"], r["action"]) for r in rows] == [
            ("principal", "sign_in_failed"), ("(no account)", "sign_in_failed"), ("admin", "sign_in")]
        assert json.loads(rows[0]["detail"]) == {"reason": "wrong password"}
        assert json.loads(rows[1]["detail"]) == {"reason": "no account has the name typed"}
        # A password typed into the name box is kept nowhere: not in the trail, not on disk.
        assert not session.store.query("SELECT 1 FROM audit_log WHERE detail LIKE '%demo-counselor%'")
        files = b"".join(p.read_bytes() for p in demo_data_dir.root.rglob("*.keys"))
        assert b"demo-counselor" not in files
        assert audit.verify(session.store).ok
    finally:
        session.close()
    # Moved, not copied: the next sign-in finds nothing more to record.
    again = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    try:
        assert again.store.query("SELECT count(*) AS n FROM audit_log WHERE action = 'sign_in_failed'")[0]["n"] == 2
    finally:
        again.close()
