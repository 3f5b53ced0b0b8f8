"""District mode end to end on a real PostgreSQL server (tests/pgserver.py) with two or three
office copies: joining, offline work on each then a sync, conflicting decisions, a change
pushed twice, the server stopped mid-sync, and what each role's login can read."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from review_seed import small_district, submit  # noqa: E402

from mocap_desktop.core.access import User  # noqa: E402
from mocap_desktop.services import district, review  # noqa: E402
from mocap_desktop.store import open_store, server, sync  # noqa: E402

ADMIN = "mocap_administrator"
DECIDER_A = User("principal", "Dr. Lena Ortiz", "decider")
DECIDER_B = User("designee", "Marcus Bell", "decider")


def copy(tmp_path, name):
    return open_store(tmp_path / name / "mocap.sqlite")


@pytest.fixture
def offices(district_server, tmp_path):
    """Office A's file (a small district) goes up first; office B joins with an empty copy."""
    pg, url, logins = district_server
    a = copy(tmp_path, "a")
    students = small_district(a)
    district.join(a, logins[ADMIN], pc_name="Office A")
    b = copy(tmp_path, "b")
    extra = pg.add_login(f"{url.rsplit('/', 1)[1][:20]}_admin_b", "pw-admin-b", ADMIN, db=url.rsplit("/", 1)[1])
    district.join(b, extra, pc_name="Office B")
    yield pg, a, b, students
    a.close()
    b.close()


def rows(store, sql, params=()):
    return [tuple(r) for r in store.conn.execute(sql, params).fetchall()]


def decide(store, request_id, user, outcome="approved"):
    store.user = user
    try:
        review.record_decision(store, request_id, review.DecisionForm(
            {"CHEMA": outcome, "SPAN1A": outcome}, "principal", user.name,
            ("ACADEMIC_READINESS",) if outcome == "denied" else (),
            "Needs Algebra I first." if outcome == "denied" else "", True, date(2026, 11, 20)),
            user.name, letter=False)
    finally:
        store.user = None


def test_the_first_office_goes_up_and_a_new_pc_takes_the_record(offices):
    _pg, a, b, _students = offices
    for table in ("students", "guardians", "enrollments", "requests", "terms", "courses", "providers", "district"):
        assert rows(a, f"SELECT count(*) FROM {table}") == rows(b, f"SELECT count(*) FROM {table}"), table
    names = "SELECT last_name, first_name FROM students ORDER BY last_name"
    assert rows(b, names) == rows(a, names) and rows(b, names)
    # the search index of the new copy was made from the rows it took
    from mocap_desktop.store.students import StudentRepo

    assert [s.last_name for s in StudentRepo(b).search("okafor").rows] == ["Okafor"]
    assert district.status(b).line == "Up to date"
    assert district.status(a).pc == 1 and district.status(b).pc == 2


def test_requests_made_offline_on_two_pcs_meet_on_both_with_their_own_references(offices):
    pg, a, b, students = offices
    pg.stop()
    try:
        ra = submit(a, students["zoe"], date(2026, 11, 10))
        zoe_on_b = rows(b, "SELECT id FROM students WHERE first_name = 'Zoë'")[0][0]
        rb = submit(b, zoe_on_b, date(2026, 11, 11), courses=(("ALG1A", "0.5"),))
        with pytest.raises(district.Unreachable):
            district.sync_round(a)
        assert district.status(a).line.startswith("Offline since") and district.status(a).waiting >= 1
    finally:
        pg.start()
    district.sync_round(a)
    district.sync_round(b)
    district.sync_round(a)
    refs = "SELECT reference FROM requests ORDER BY reference"
    assert rows(a, refs) == rows(b, refs)
    ref_a = rows(a, "SELECT reference FROM requests WHERE id = ?", (ra,))[0][0]
    ref_b = rows(b, "SELECT reference FROM requests WHERE id = ?", (rb,))[0][0]
    assert ref_a.startswith("MOCAP-2026-01-") and ref_b.startswith("MOCAP-2026-02-")
    # B's request on A: its courses and its student, as local rows of A
    on_a = rows(a, "SELECT s.first_name, c.code FROM requests r JOIN students s ON s.id = r.student_id "
                   "JOIN request_courses c ON c.request_id = r.id WHERE r.reference = ?", (ref_b,))
    assert on_a == [("Zoë", "ALG1A")]
    assert district.status(a).waiting == 0 and district.status(b).waiting == 0


def test_two_decisions_on_one_request_made_offline_the_first_to_reach_the_server_stands(offices):
    pg, a, b, students = offices
    request_a = submit(a, students["lukasz"], date(2026, 11, 10))
    district.sync_round(a)
    district.sync_round(b)
    reference = rows(a, "SELECT reference FROM requests WHERE id = ?", (request_a,))[0][0]
    request_b = rows(b, "SELECT id FROM requests WHERE reference = ?", (reference,))[0][0]
    decide(a, request_a, DECIDER_A, "approved")  # both offline
    decide(b, request_b, DECIDER_B, "denied")
    district.sync_round(a)  # A reaches the server first
    done = district.sync_round(b)
    assert done.refused == [f"Your decision on {reference} was not kept: it was decided meanwhile by "
                            "Dr. Lena Ortiz at Office A."]
    status = "SELECT status FROM requests WHERE reference = ?"
    assert rows(b, status, (reference,)) == rows(a, status, (reference,)) == [("approved",)]
    decisions = "SELECT d.outcome, d.decided_by_name FROM decisions d JOIN requests r ON r.id = d.request_id " \
                "WHERE r.reference = ?"
    assert rows(b, decisions, (reference,)) == [("approve", "Dr. Lena Ortiz")]
    # B's version is kept, with the server's beside it, for B's people to see
    kept = district.refused_changes(b)
    assert len(kept) == 1 and any(i["t"] == "decisions" and i["a"]["outcome"] == "deny" for i in kept[0]["items"])
    assert district.status(b).line == "1 change refused"
    district.mark_refused_seen(b)
    assert district.status(b).line == "Up to date"
    # and on the server: one decision, two batches, one of them refused
    with server.connect(pg.url(db=_db(a))) as conn:
        assert conn.execute("SELECT count(*) FROM mocap.records WHERE tbl = 'decisions'").fetchone()[0] == \
            rows(a, "SELECT count(*) FROM decisions")[0][0]
        assert conn.execute("SELECT count(*) FROM mocap.refused").fetchone()[0] == 1


def test_a_batch_pushed_twice_after_a_crash_is_applied_once(offices, district_server):
    pg, a, _b, students = offices
    office_a_login = district_server[2][ADMIN]
    submit(a, students["iep"], date(2026, 11, 12))
    change_id, made_at, actor, items = rows(a, "SELECT change_id, made_at, actor, items FROM sync_outbox")[0]
    import json

    with server.connect(office_a_login) as conn:
        first = server.push(conn, change_id, 1, actor, made_at, json.loads(items))
        count = conn.execute("SELECT count(*) FROM mocap.changes").fetchone()[0]
        # the PC crashed before it could forget the batch: the next round sends it again
        district.sync_round(a)
        assert first.status == "applied"
        assert conn.execute("SELECT count(*) FROM mocap.changes").fetchone()[0] == count
        assert conn.execute("SELECT count(*) FROM mocap.records WHERE tbl = 'requests'").fetchone()[0] == \
            rows(a, "SELECT count(*) FROM requests")[0][0]
    assert district.status(a).waiting == 0


def test_a_server_with_a_newer_schema_is_refused_and_init_server_is_safe_to_run_again(offices):
    pg, a, _b, _students = offices
    url = pg.url(db=_db(a))
    assert server.init_server(url) == "brought up to date"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE mocap.meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(server.ServerError, match="schema is version 99"):
        server.init_server(url)
    with pytest.raises(server.ServerError, match="Install the newer version"):
        district.sync_round(a)


def test_the_front_desk_login_reads_no_case_or_decision_row_even_with_psql(offices, district_server):
    pg, a, _b, students = offices
    decide(a, submit(a, students["zoe"], date(2026, 11, 12)), DECIDER_A)
    district.sync_round(a)
    _pg, _url, logins = district_server
    seen = {}
    for group, url in logins.items():
        with psycopg.connect(url) as conn:
            seen[group] = dict(conn.execute("SELECT area, count(*) FROM mocap.records GROUP BY area").fetchall())
            log = dict(conn.execute("SELECT area, count(*) FROM mocap.changes GROUP BY area").fetchall())
            assert set(log) == set(seen[group])
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE mocap.records SET row = '{}'")
    assert {"case", "decision", "roster", "district"} <= set(seen["mocap_counselor"])
    assert not {"case", "decision"} & set(seen["mocap_front_desk"])
    assert seen["mocap_front_desk"]["roster"] == seen["mocap_counselor"]["roster"]
    # nor may it write a decision through the push function
    with psycopg.connect(logins["mocap_front_desk"]) as conn:
        pc = server.register_pc(conn, "Front office")
        with pytest.raises(server.ServerError, match="may not change decisions rows"):
            server.push(conn, "00000000-0000-4000-8000-000000000001", pc, "x", "2026-12-01",
                        [{"t": "decisions", "k": 5, "op": "insert", "a": {"id": 5}}])


def _db(store) -> str:
    return sync.state(store.conn, "url").rsplit("/", 1)[1]


def test_a_roster_import_at_one_office_reaches_every_pc(offices):
    _pg, a, b, _students = offices
    from mocap_desktop.services.roster import import_roster_file

    roster = Path(__file__).resolve().parents[1] / "data" / "roster" / "powerschool-bom.csv"
    report = import_roster_file(a, roster, skip_invalid=True)
    assert report.written and report.added > 0
    district.sync_round(a)
    district.sync_round(b)
    numbers = "SELECT local_number, last_name, grade FROM students ORDER BY local_number"
    assert rows(b, numbers) == rows(a, numbers)
    assert rows(b, "SELECT count(*) FROM guardians") == rows(a, "SELECT count(*) FROM guardians")


def test_the_same_course_asked_for_on_two_pcs_offline_is_flagged_on_the_later_request(offices):
    pg, a, b, students = offices
    pg.stop()
    try:
        first = submit(a, students["lukasz"], date(2026, 11, 10))
        lukasz_on_b = rows(b, "SELECT id FROM students WHERE first_name = 'Łukasz'")[0][0]
        later = submit(b, lukasz_on_b, date(2026, 11, 11), courses=(("CHEMA", "0.5"),))
    finally:
        pg.start()
    for store in (a, b, a):
        district.sync_round(store)
    first_ref = rows(a, "SELECT reference FROM requests WHERE id = ?", (first,))[0][0]
    later_ref = rows(b, "SELECT reference FROM requests WHERE id = ?", (later,))[0][0]
    for store in (a, b):
        by_ref = {ref: rid for rid, ref in rows(store, "SELECT id, reference FROM requests")}
        assert review.detail.duplicate_of(store, by_ref[later_ref]) == (f"{first_ref} (Submitted): CHEMA",)
        assert review.detail.duplicate_of(store, by_ref[first_ref]) == ()


def test_a_front_desk_pc_holds_letters_and_the_roster_but_no_case_and_its_prints_reach_the_others(
        demo_session, district_server, tmp_path):
    pg, url, logins = district_server
    a = demo_session.store
    district.join(a, logins[ADMIN], pc_name="Main office")
    front = copy(tmp_path, "front")
    district.join(front, logins["mocap_front_desk"], pc_name="Front office")
    try:
        for table in ("requests", "request_courses", "decisions", "appeals", "course_enrollments"):
            assert rows(front, f"SELECT count(*) FROM {table}") == [(0,)], table
        for table in ("students", "guardians", "letters", "letter_files", "district"):
            assert rows(front, f"SELECT count(*) FROM {table}") == rows(a, f"SELECT count(*) FROM {table}"), table
        assert rows(front, "SELECT count(*) FROM letters WHERE request_id IS NOT NULL") == [(0,)]
        # the front desk prints a waiting letter: the print and its disclosure reach the main office,
        # whose letter keeps its request
        from mocap_desktop.services.letters import mark_printed

        letter, reference = rows(front, "SELECT l.id, l.reference FROM letters l WHERE l.status = 'pending' "
                                        "ORDER BY l.id LIMIT 1")[0]
        mark_printed(front, [letter], "Sam Okafor")
        assert district.sync_round(front).refused == []
        district.sync_round(a)
        on_a = rows(a, "SELECT status, request_id IS NOT NULL FROM letters WHERE reference = ? AND status = 'printed' "
                       "ORDER BY id DESC LIMIT 1", (reference,))
        assert on_a == [("printed", True)]
        assert rows(a, "SELECT count(*) FROM disclosures") == rows(front, "SELECT count(*) FROM disclosures")
    finally:
        front.close()


def test_every_pcs_audit_trail_is_on_the_server_and_its_chain_verifies(offices, district_server):
    pg, a, b, students = offices
    submit(a, students["zoe"], date(2026, 11, 12))
    district.sync_round(a)
    district.sync_round(b)
    checks = {c.pc_name: c for c in district.verify_server_trails(a)}
    assert set(checks) == {"Office A", "Office B"} and not any(c.problem for c in checks.values())
    assert checks["Office A"].entries == rows(a, "SELECT count(*) FROM audit_log")[0][0]
    assert checks["Office A"].line.endswith("entries, chain intact")
    # an entry changed on the server behind the app's back breaks that PC's chain
    with psycopg.connect(pg.url(db=_db(a)), autocommit=True) as conn:
        conn.execute("UPDATE mocap.audit SET entry = jsonb_set(entry, '{actor}', '\"someone else\"') "
                     "WHERE pc = 1 AND id = 2")
    broken = {c.pc_name: c for c in district.verify_server_trails(a)}["Office A"]
    assert broken.problem == "entry 2 was changed after it was written"
    # a login that is not an administrator's may not read the trails
    front = copy(Path(str(a.path.parent)) / "..", "front")
    district.join(front, district_server[2]["mocap_front_desk"], pc_name="Front office")
    with pytest.raises(server.ServerError, match="Only an administrator"):
        district.verify_server_trails(front)
    front.close()


def test_a_principals_pc_scoped_to_one_building_holds_and_changes_only_its_students(offices, district_server):
    pg, a, _b, students = offices
    _pg, url, logins = district_server
    middle = submit(a, students["middle"], date(2026, 11, 12))  # building 3000
    high = submit(a, students["zoe"], date(2026, 11, 12))  # building 4000
    district.sync_round(a)
    db = url.rsplit("/", 1)[1]
    principal_url = pg.add_login(f"{db[:20]}_ms_principal", "pw-principal-1", "mocap_decider", db=db)
    login = server.redact(principal_url).split("//")[1].split("@")[0]
    assert district.set_scope(a, login, ["3000"]) == {login: ["3000"]}
    with pytest.raises(server.ServerError, match="No building has the code 9999"):
        district.set_scope(a, login, ["9999"])
    ms = copy(Path(str(a.path.parent)) / "..", "middle-school")
    district.join(ms, principal_url, pc_name="Middle school office")
    try:
        assert rows(ms, "SELECT DISTINCT building_code FROM students") == [("3000",)]
        assert rows(ms, "SELECT reference FROM requests") == \
            rows(a, "SELECT reference FROM requests WHERE id = ?", (middle,))
        assert rows(ms, "SELECT count(*) FROM buildings") == rows(a, "SELECT count(*) FROM buildings")
        with psycopg.connect(principal_url) as conn:  # the server says the same to psql
            assert conn.execute("SELECT count(*) FROM mocap.records WHERE building = '4000'").fetchone() == (0,)
            assert conn.execute("SELECT count(*) FROM mocap.changes WHERE building = '4000'").fetchone() == (0,)
            # nor may it change a high-school row it cannot see
            pc = district.status(ms).pc
            key = (1 << 40) | high
            with pytest.raises(server.ServerError, match="may not change rows of that building"):
                server.push(conn, "00000000-0000-4000-8000-000000000002", pc, "x", "2026-12-01",
                            [{"t": "requests", "k": key, "op": "update", "b": {"status": "submitted"},
                              "a": {"status": "approved"}}])
        district.set_scope(a, login, None)  # every building again
        with psycopg.connect(principal_url) as conn:
            assert conn.execute("SELECT count(*) FROM mocap.records WHERE building = '4000'").fetchone()[0] > 0
    finally:
        ms.close()


def test_a_login_taken_out_of_its_group_stops_syncing_at_once_and_keeps_its_changes(offices, district_server):
    pg, a, b, students = offices
    b_login = server.redact(sync.state(b.conn, "url")).split("//")[1].split("@")[0]
    zoe = rows(b, "SELECT id FROM students WHERE first_name = 'Zoë'")[0][0]
    submit(b, zoe, date(2026, 11, 13))
    with psycopg.connect(pg.url(db=_db(a)), autocommit=True) as conn:
        conn.execute(f'REVOKE mocap_administrator FROM "{b_login}"')
    with pytest.raises(server.ServerError, match="in no MOCAP group any more"):
        district.sync_round(b)
    now = district.status(b)
    assert now.line == "Sync stopped: the server refuses this PC" and now.waiting == 1
    with psycopg.connect(pg.url(db=_db(a)), autocommit=True) as conn:
        conn.execute(f'GRANT mocap_administrator TO "{b_login}"')
        conn.execute(f'ALTER ROLE "{b_login}" NOLOGIN')
    with pytest.raises(server.ServerError, match="no longer lets this PC's login in"):
        district.sync_round(b)
    with psycopg.connect(pg.url(db=_db(a)), autocommit=True) as conn:
        conn.execute(f'ALTER ROLE "{b_login}" LOGIN')
    district.sync_round(b)  # let back in: what waited goes up
    assert district.status(b).line == "Up to date"
    district.sync_round(a)
    assert rows(a, "SELECT count(*) FROM requests") == rows(b, "SELECT count(*) FROM requests")


def test_a_person_on_the_district_record_gets_a_sign_in_on_a_new_pc(demo_session, district_server, tmp_path):
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import SessionError, add_person, set_up, sign_in

    pg, url, logins = district_server
    district.join(demo_session.store, logins[ADMIN], pc_name="Main office")
    folder = DataDir(tmp_path / "new-pc").ensure()
    admin, _recovery = set_up(folder, "admin", "Pat Alvarez", "new-pc-admin-1")
    db = url.rsplit("/", 1)[1]
    district.join(admin.store, pg.add_login(f"{db[:20]}_newpc", "pw-newpc-1", ADMIN, db=db), pc_name="Annex")
    assert rows(admin.store, "SELECT login FROM people ORDER BY login") == \
        [("admin",), ("counselor",), ("frontdesk",), ("principal",)]
    with pytest.raises(SessionError, match="on the district record as principal or designee"):
        add_person(admin, "principal", "Dr. Lena Ortiz", "counselor", "annex-principal-1")
    add_person(admin, "principal", "Dr. Lena Ortiz", "decider", "annex-principal-1")
    admin.close()
    principal = sign_in(folder, "principal", "annex-principal-1")
    try:
        assert principal.user.role == "decider" and principal.user.name == "Dr. Lena Ortiz"
        assert rows(principal.store, "SELECT count(*) FROM requests") == \
            rows(demo_session.store, "SELECT count(*) FROM requests")
    finally:
        principal.close()
