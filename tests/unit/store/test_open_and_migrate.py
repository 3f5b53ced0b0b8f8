"""Opening, migrating and refusing databases; the file is never touched when refused."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from mocap_desktop.store import (
    CorruptDatabaseError,
    DiskFullError,
    NewerSchemaError,
    ReadOnlyDatabaseError,
    open_store,
)
from mocap_desktop.store import db as db_module
from mocap_desktop.store.migrations import MIGRATIONS, SCHEMA_VERSION


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tables(store) -> set[str]:
    return set(store.db.table_names())


def test_new_database_gets_every_migration_in_order(tmp_path):
    store = open_store(tmp_path / "new.sqlite")
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    applied = store.query("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [r["name"] for r in applied] == [m.name for m in MIGRATIONS]
    assert {"district", "students", "guardians", "enrollments", "requests"} <= tables(store)
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.journal_mode == "wal"
    store.close()


def test_previous_schema_is_upgraded_with_a_copy_taken_first(tmp_path):
    path, backups = tmp_path / "old.sqlite", tmp_path / "backups"
    old = open_store(path, target=SCHEMA_VERSION - 1)
    old.conn.execute("INSERT INTO settings VALUES ('marker', 'kept')")
    old.conn.commit()
    old.close()

    store = open_store(path, backups=backups)
    assert store.schema_version == SCHEMA_VERSION
    assert store.setting("marker") == "kept"
    store.close()
    [copy] = list(backups.iterdir())
    with sqlite3.connect(copy) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1
        assert c.execute("SELECT value FROM settings WHERE key='marker'").fetchone() == ("kept",)


def test_rebuilding_the_students_table_keeps_every_row_reference_and_rule(tmp_path):
    """0013 rebuilds `students` (a cheaper grade check) with foreign keys off: guardians,
    requests and letters that point at students must survive it untouched, and the rules of
    the table must still hold afterwards."""
    path = tmp_path / "rebuild.sqlite"
    rebuild = next(n for n, m in enumerate(MIGRATIONS, start=1) if m.rebuilds_tables)
    old = open_store(path, target=rebuild - 1)
    old.conn.executescript("""
        INSERT INTO buildings (code, name) VALUES ('4000', 'High School');
        INSERT INTO students (id, local_number, mosis_id, last_name, first_name, birth_date, grade,
                              building_code, resident_district)
            VALUES (7, 'S7', '1234567890', 'Peña', 'José', '2010-01-02', '10', '4000', '099901'),
                   (9, 'S9', NULL, 'Nguyễn', 'Thảo', '2012-03-04', 'K', NULL, '099901');
        INSERT INTO guardians (student_id, name) VALUES (7, 'Ana Peña'), (9, 'Lan Nguyễn');
        """)
    old.conn.commit()
    old.close()

    store = open_store(path)
    assert store.schema_version == SCHEMA_VERSION
    assert [tuple(r.values()) for r in store.query("SELECT id, local_number, grade FROM students ORDER BY id")] \
        == [(7, "S7", "10"), (9, "S9", "K")]
    assert store.query("SELECT count(*) AS n FROM guardians")[0]["n"] == 2  # no cascade on the drop
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    triggers = {r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                                "AND tbl_name = 'students'")}
    assert triggers == {"students_search_update", "students_search_delete"}
    insert = ("INSERT INTO students (local_number, last_name, first_name, birth_date, grade, "
              "resident_district, building_code) VALUES (?, 'A', 'B', '2011-01-01', ?, '099901', ?)")
    for grade in ("0", "13", "KG", "1 ", "01", ""):
        with pytest.raises(db_module.DB_ERRORS, match="CHECK"):
            store.conn.execute(insert, (f"N{grade}", grade, None))
    for n, grade in enumerate(("K", "1", "9", "10", "12")):
        store.conn.execute(insert, (f"OK{n}", grade, None))
    with pytest.raises(db_module.DB_ERRORS, match="FOREIGN KEY"):
        store.conn.execute(insert, ("FK", "5", "9999"))
    store.conn.rollback()
    store.close()


def test_a_rebuild_that_would_break_a_reference_is_refused_and_leaves_the_file(tmp_path, monkeypatch):
    from mocap_desktop.store.migrations import Migration

    path = tmp_path / "refs.sqlite"
    store = open_store(path)
    store.conn.executescript("""
        INSERT INTO buildings (code, name) VALUES ('4000', 'High School');
        INSERT INTO students (local_number, last_name, first_name, birth_date, grade,
                              building_code, resident_district)
            VALUES ('S1', 'Peña', 'José', '2010-01-02', '10', '4000', '099901');
        """)
    store.conn.commit()
    store.close()
    before = digest(path)
    careless = Migration("9999_careless_rebuild", "DELETE FROM buildings;", rebuilds_tables=True)
    monkeypatch.setattr(db_module, "MIGRATIONS", (*MIGRATIONS, careless))
    with pytest.raises(db_module.StoreError, match="9999_careless_rebuild would break a reference "
                                                    "from students to buildings"):
        open_store(path, target=SCHEMA_VERSION + 1)
    assert digest(path) == before
    reopened = open_store(path)
    assert reopened.query("SELECT count(*) AS n FROM buildings")[0]["n"] == 1
    assert reopened.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    reopened.close()


def test_reopening_a_current_database_changes_nothing(tmp_path):
    path = tmp_path / "same.sqlite"
    open_store(path).close()
    before = digest(path)
    open_store(path, backups=tmp_path / "b").close()
    assert digest(path) == before
    assert not (tmp_path / "b").exists()


def test_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "future.sqlite"
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE from_the_future (x)")
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = digest(path)
    with pytest.raises(NewerSchemaError, match="newer version"):
        open_store(path)
    assert digest(path) == before


@pytest.mark.parametrize("damage", ["garbage", "truncated_pages"])
def test_corrupt_file_is_refused_and_left_untouched(tmp_path, damage):
    path = tmp_path / "bad.sqlite"
    if damage == "garbage":
        path.write_bytes(os.urandom(8192))
    else:
        store = open_store(path)
        store.conn.executemany("INSERT INTO settings VALUES (?, ?)",
                               [(f"k{i}", "x" * 500) for i in range(400)])
        store.conn.commit()
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        data = bytearray(path.read_bytes())
        page = 4096
        data[page * 2: page * 5] = os.urandom(page * 3)
        path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        open_store(path)
    assert digest(path) == before


def test_read_only_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "ro.sqlite"
    open_store(path).close()
    before = digest(path)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        with pytest.raises(ReadOnlyDatabaseError, match="read-only"):
            open_store(path)
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert digest(path) == before


def test_full_disk_during_migration_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "full.sqlite"
    open_store(path, target=1).close()
    before = digest(path)
    real_connect = db_module._connect

    def cramped(p, key=None, uri=False):
        conn = real_connect(p, key, uri)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(db_module, "_connect", cramped)
    with pytest.raises(DiskFullError, match="full"):
        open_store(path)
    assert digest(path) == before


def test_full_disk_on_write_rolls_back_and_names_the_problem(store):
    store.conn.execute("PRAGMA max_page_count = %d" % store.conn.execute("PRAGMA page_count").fetchone()[0])
    with pytest.raises(DiskFullError):
        with store.transaction() as db:
            db["settings"].insert({"key": "a", "value": "small"})
            db["settings"].insert({"key": "b", "value": "x" * 200_000})
    assert store.setting("a") is None


def test_backup_is_a_verified_copy_even_with_another_connection_open(store, tmp_path):
    store.set_setting("marker", "backed up")
    other = sqlite3.connect(store.path)
    other.execute("BEGIN")
    other.execute("INSERT INTO settings VALUES ('uncommitted', 'no')")
    dest = store.backup_to(tmp_path / "copies" / "copy.sqlite")
    other.rollback()
    other.close()
    with sqlite3.connect(dest) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert c.execute("SELECT value FROM settings WHERE key='marker'").fetchone() == ("backed up",)
        assert c.execute("SELECT 1 FROM settings WHERE key='uncommitted'").fetchone() is None
    assert not list(dest.parent.glob("*.partial"))


def test_network_share_gets_the_rollback_journal_local_disk_gets_wal():
    mounts = (
        "/dev/sda1 / ext4 rw 0 0\n"
        "//server/office /mnt/office cifs rw 0 0\n"
        "/dev/sdb1 /mnt/officework ext4 rw 0 0\n"
    )
    assert db_module.mount_fstype(Path("/home/counselor/mocap.sqlite"), mounts) == "ext4"
    assert db_module.mount_fstype(Path("/mnt/office/mocap.sqlite"), mounts) == "cifs"
    assert db_module.mount_fstype(Path("/mnt/officework/mocap.sqlite"), mounts) == "ext4"
    assert db_module.mount_fstype(Path("/mnt/office"), mounts) == "cifs"


KEY = bytes(range(32))


def test_encrypted_database_shows_nothing_readable_and_needs_its_key(tmp_path):
    path = tmp_path / "secret.sqlite"
    store = open_store(path, key=KEY)
    store.set_setting("marker", "Nguyễn Peña")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    raw = path.read_bytes()
    assert b"SQLite format 3" not in raw[:16]
    assert "Nguyễn".encode() not in raw and b"marker" not in raw
    with pytest.raises(CorruptDatabaseError):  # without the key it is not a database
        open_store(path)
    with pytest.raises(CorruptDatabaseError):
        open_store(path, key=bytes(32))
    again = open_store(path, key=KEY)
    assert again.setting("marker") == "Nguyễn Peña"
    again.close()


def test_encrypted_backup_stays_encrypted_and_takes_the_key_file(tmp_path):
    path = tmp_path / "secret.sqlite"
    (tmp_path / "secret.sqlite.keys").write_text("{}")
    store = open_store(path, key=KEY)
    store.set_setting("marker", "kept")
    dest = store.backup_to(tmp_path / "b" / "copy.sqlite")
    store.close()
    assert b"kept" not in dest.read_bytes()
    assert (tmp_path / "b" / "copy.sqlite.keys").read_text() == "{}"
    copy = open_store(dest, key=KEY)
    assert copy.setting("marker") == "kept"
    copy.close()


def test_encrypted_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.sqlite"
    store = open_store(path, key=KEY)
    store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    store.conn.commit()
    store.close()
    before = digest(path)
    with pytest.raises(NewerSchemaError):
        open_store(path, key=KEY)
    assert digest(path) == before


def _damaged_middle(path, target=SCHEMA_VERSION):
    """A database whose settings pages were overwritten: its header and schema still read."""
    store = open_store(path, target=target)
    store.conn.executemany("INSERT INTO settings VALUES (?, ?)", [(f"k{i}", "x" * 500) for i in range(400)])
    store.conn.commit()
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    data[4096 * 30: 4096 * 33] = os.urandom(4096 * 3)
    path.write_bytes(bytes(data))


def test_a_large_file_opens_with_the_cheap_checks_and_is_checked_whole_on_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(db_module, "FULL_CHECK_AT_OPEN_BYTES", 0)  # every file counts as large
    path = tmp_path / "large.sqlite"
    _damaged_middle(path)
    before = digest(path)
    store = open_store(path)  # header, schema and length are sound
    assert not store.checked_at_open
    problems = store.check_integrity()
    assert problems and all(isinstance(p, str) and p for p in problems)
    store.close()
    assert digest(path) == before

    short = tmp_path / "short.sqlite"
    open_store(short).close()
    short.write_bytes(short.read_bytes()[: short.stat().st_size // 2])
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        open_store(short)

    sound, key = tmp_path / "sound.sqlite", os.urandom(32)  # encrypted, as an office's file is
    open_store(sound, key=key).close()
    store = open_store(sound, key=key)
    assert store.check_integrity() == []
    store.close()


def test_a_large_file_is_checked_whole_before_a_migration_writes_to_it(tmp_path, monkeypatch):
    monkeypatch.setattr(db_module, "FULL_CHECK_AT_OPEN_BYTES", 0)
    path = tmp_path / "old.sqlite"
    _damaged_middle(path, target=SCHEMA_VERSION - 1)
    before = digest(path)
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        open_store(path, backups=tmp_path / "b")
    assert digest(path) == before and not (tmp_path / "b").exists()


def test_a_file_opened_while_a_big_write_goes_through_the_rollback_journal_waits_for_it(tmp_path):
    """While `bulk_write` writes through the rollback journal, with pages already in the file
    (its cache spilled), another open's first check takes SQLite's locks: it waits for the write
    and reads the file whole, instead of reading it half written (an import's rows without
    their index, called damaged)."""
    import threading
    import time

    path = tmp_path / "mocap.sqlite"
    open_store(path).close()
    written, finished = threading.Event(), threading.Event()

    def write() -> None:
        writer = open_store(path)
        try:
            writer.conn.execute("PRAGMA cache_size = 10")  # pages: the write spills into the file
            with writer.bulk_write() as switched, writer.transaction() as db:
                assert switched
                db["settings"].insert_all({"key": f"k{i}", "value": "v"} for i in range(50))
                for i in range(20000):  # pushes the settings' rows out to the file, not their index
                    db.execute("INSERT INTO student_search_stale VALUES (?, ?, '', '', '', NULL)", (i, "x" * 200))
                    if i % 50 == 0:  # the index read (it holds the keys): kept in the cache
                        db.execute("SELECT count(*) FROM settings WHERE key >= 'k'").fetchone()
                written.set()
                time.sleep(0.5)  # the file half written, the transaction open
        finally:
            writer.close()
            finished.set()

    thread = threading.Thread(target=write)
    thread.start()
    assert written.wait(60)
    assert path.with_name("mocap.sqlite-journal").exists()
    db_module._check_existing(path, None)  # what an open checks first: read with SQLite's locks
    assert finished.is_set(), "the check read the file while it was half written"
    other = open_store(path)
    try:
        assert other.conn.execute("SELECT count(*) FROM settings WHERE key GLOB 'k*'").fetchone()[0] == 50
        assert other.conn.execute("SELECT count(*) FROM student_search_stale").fetchone()[0] == 20000
    finally:
        other.close()
        thread.join()
