"""District mode on the PC, without a server: the outbox entry a transaction leaves on a joined
copy, keys made global and back, and every table the PC syncs known to the server."""

from __future__ import annotations

import json

from mocap_desktop.store import server, sync


def join_locally(store, pc=3):
    with store.transaction(origin="server") as db:
        sync.set_state(db, pc=pc, url="postgresql://office@db/mocap")


def outbox(store):
    return [json.loads(r[0]) for r in store.conn.execute("SELECT items FROM sync_outbox ORDER BY id")]


def test_every_table_the_pc_syncs_is_a_part_of_the_record_the_server_knows(store):
    synced = {n for n, info in sync.tables(store.conn).items() if sync.synced(info)}
    assert synced and synced <= set(server.TABLE_AREA), synced - set(server.TABLE_AREA)
    assert "drafts" not in synced and "audit_log" not in synced and "sync_outbox" not in synced


def test_a_one_pc_copy_keeps_no_outbox(store):
    store.set_setting("lock_minutes", "10")
    assert outbox(store) == []


def test_a_joined_copy_records_each_transaction_once_with_global_keys(store):
    join_locally(store, pc=3)
    with store.transaction() as db:
        db["buildings"].insert({"code": "4000", "name": "Maple Valley High"})
        student = db["students"].insert({"local_number": "1001", "last_name": "Reed", "first_name": "Owen",
                                         "grade": "10", "building_code": "4000", "resident_district": "099901"}).last_pk
        db["guardians"].insert({"student_id": student, "name": "Ann Reed"})
        db.execute("UPDATE students SET grade = '11' WHERE id = ?", [student])
    [items] = outbox(store)
    by_table = {i["t"]: i for i in items}
    global_student = (3 << sync.PC_BITS) | student
    assert by_table["students"]["op"] == "insert" and by_table["students"]["k"] == global_student
    assert by_table["students"]["a"]["grade"] == "11"  # the net effect of the transaction
    assert by_table["guardians"]["a"]["student_id"] == global_student
    assert by_table["buildings"]["k"] == "4000"
    with store.transaction() as db:
        db.execute("UPDATE students SET grade = '12' WHERE id = ?", [student])
    update = outbox(store)[1][0]
    assert update == {"t": "students", "k": global_student, "op": "update", "b": {"grade": "11"},
                      "a": {"grade": "12"}}


def test_rows_from_another_pc_get_local_numbers_and_their_references_follow(store):
    join_locally(store, pc=3)
    other = 5 << sync.PC_BITS
    with store.transaction(origin="server") as db:
        done = sync.apply_rows(db, 3, [
            ("buildings", "4000", {"code": "4000", "name": "Maple Valley High"}),
            ("students", other | 7, {"id": other | 7, "local_number": "2002", "last_name": "Kim",
                                     "first_name": "Ji-woo", "grade": "7", "building_code": "4000",
                                     "resident_district": "099901"}),
            ("guardians", other | 9, {"id": other | 9, "student_id": other | 7, "name": "Min Kim"}),
            ("guardians", other | 10, {"id": other | 10, "student_id": other | 99, "name": "Nobody"}),
        ])
    assert done.rows == 3 and len(done.problems) == 1 and "does not hold" in done.problems[0]
    assert outbox(store) == []  # what came from the server does not go back up
    local = store.conn.execute("SELECT id FROM students WHERE local_number = '2002'").fetchone()[0]
    assert local < 1 << sync.PC_BITS
    assert store.conn.execute("SELECT student_id FROM guardians WHERE name = 'Min Kim'").fetchone() == (local,)
    keys = sync.Keys(store.conn, 3)
    assert keys.to_global("students", local) == other | 7 and keys.to_local("students", other | 7) == local
    with store.transaction(origin="server") as db:  # deleted on the other PC
        sync.apply_rows(db, 3, [("guardians", other | 9, None)])
    assert store.conn.execute("SELECT count(*) FROM guardians").fetchone() == (0,)


def test_settings_of_this_pc_stay_on_it(store):
    join_locally(store)
    store.set_setting("staff_name", "Front office PC")
    store.set_setting("state_adequacy_target", "7145")
    assert [i["k"] for batch in outbox(store) for i in batch] == ["state_adequacy_target"]
