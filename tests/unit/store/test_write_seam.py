"""The write seam: every change goes through `Store.transaction()`, which knows what changed and
hands it to its subscribers (the audit trail first) inside the same transaction.

The guard is on in every store `open_store` opens, so the whole suite fails wherever a service
writes outside a transaction; the first tests here show the guard itself."""

from __future__ import annotations

import sqlite3

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from mocap_desktop.store import audit
from mocap_desktop.store.db import ChangeSet, open_read_only, open_store, subscribe, unsubscribe
from mocap_desktop.store.errors import ReadOnlyDatabaseError

REFUSED = (sqlite3.DatabaseError, sqlcipher.DatabaseError)

APP_CODE = '''
def write(store):
    store.conn.execute("INSERT INTO settings (key, value) VALUES ('seam', 'outside')")

def write_through_sqlite_utils(store):
    store.db["settings"].insert({"key": "seam", "value": "outside"})

def update(store):
    store.conn.execute("UPDATE settings SET value = 'changed' WHERE key = 'seam'")
'''


def app_module():
    """Functions that run as code of the app (a module under mocap_desktop)."""
    namespace = {"__name__": "mocap_desktop.services.seam_example"}
    exec(compile(APP_CODE, "seam_example.py", "exec"), namespace)  # noqa: S102 - test code of our own
    return namespace


@pytest.fixture
def heard():
    """The change sets a subscriber hears, with what the rows were when it heard them."""
    sets: list[ChangeSet] = []

    def listen(db, changes: ChangeSet) -> None:
        sets.append(changes)
        changes.changes  # noqa: B018 - read them while the transaction is open

    subscribe(listen)
    yield sets
    unsubscribe(listen)


@pytest.mark.parametrize("how", ["write", "write_through_sqlite_utils"])
def test_the_app_cannot_write_outside_a_transaction(store, how):
    code = app_module()
    with pytest.raises(REFUSED, match="not authorized"):
        code[how](store)
    assert store.setting("seam") is None
    with store.transaction():
        code[how](store)
    assert store.setting("seam") == "outside"
    with pytest.raises(REFUSED, match="not authorized"):  # a statement prepared inside is not reused outside
        code["update"](store)
    assert store.setting("seam") == "outside"


def test_a_reopened_store_is_guarded_too(store):
    other = store.reopen()
    try:
        with pytest.raises(REFUSED, match="not authorized"):
            app_module()["write"](other)
    finally:
        other.close()


def test_the_change_set_has_table_key_before_and_after_in_order(store, heard):
    with store.transaction() as db:
        db["settings"].insert({"key": "a", "value": "1"})
        db.execute("UPDATE settings SET value = '2' WHERE key = 'a'")
        db["buildings"].insert({"code": "4000", "name": "High School", "grade_low": "9", "grade_high": "12"})
        db.execute("DELETE FROM settings WHERE key = 'a'")
    changes = heard[-1].changes
    assert [(c.table, c.key) for c in changes] == [("settings", "a"), ("settings", "a"), ("buildings", "4000"),
                                                   ("settings", "a")]
    assert changes[0].before is None and changes[0].after == {"key": "a", "value": "1"}
    assert changes[1].before == {"key": "a", "value": "1"} and changes[1].after == {"key": "a", "value": "2"}
    assert changes[2].after["name"] == "High School"
    assert changes[3].before == {"key": "a", "value": "2"} and changes[3].after is None
    with store.transaction():
        pass
    assert heard[-1].changes == []  # each transaction starts afresh


def test_bytes_are_given_by_their_size(store, heard):
    with store.transaction() as db:
        db["letter_files"].insert({"file": "a.pdf", "pdf": b"%PDF-1.4 ten"})
    (change,) = heard[-1].changes
    assert (change.table, change.key, change.after) == ("letter_files", "a.pdf", {"file": "a.pdf", "pdf": {"bytes": 12}})


def test_a_subscriber_writes_in_the_same_transaction_and_its_failure_undoes_the_change(store):
    def refuse(db, changes):
        if any(c.table == "settings" and c.key == "doomed" for c in changes.changes):
            raise RuntimeError("the outbox is full")

    subscribe(refuse)
    try:
        with pytest.raises(RuntimeError):
            with store.transaction() as db:
                db["settings"].insert({"key": "doomed", "value": "1"})
                audit.record(db, "counselor", "counselor", "doomed_change")
    finally:
        unsubscribe(refuse)
    assert store.setting("doomed") is None
    assert not store.query("SELECT 1 FROM audit_log WHERE action = 'doomed_change'")


def test_audit_entries_are_written_at_the_commit_in_order(store):
    before = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with store.transaction() as db:
        audit.record(db, "counselor", "counselor", "first")
        audit.record(db, "counselor", "counselor", "second")
        assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    actions = [r["action"] for r in store.query("SELECT action FROM audit_log ORDER BY id")][before:]
    assert actions == ["first", "second"]
    assert audit.verify(store).ok


def test_a_failed_nested_transaction_takes_its_rows_and_entries_with_it(store, heard):
    with store.transaction() as db:
        db["settings"].insert({"key": "kept", "value": "1"})
        audit.record(db, "counselor", "counselor", "kept")
        with pytest.raises(ValueError):
            with store.transaction() as inner:
                inner["settings"].insert({"key": "gone", "value": "1"})
                audit.record(inner, "counselor", "counselor", "gone")
                raise ValueError
    assert [c.key for c in heard[-1].changes] == ["kept"]
    assert [n["action"] for n in heard[-1].notes] == ["kept"]
    assert store.setting("gone") is None
    assert not store.query("SELECT 1 FROM audit_log WHERE action = 'gone'")


def test_an_audit_entry_outside_a_transaction_is_refused(store):
    with pytest.raises(Exception, match="inside Store.transaction"):
        audit.record(store.db, "counselor", "counselor", "loose")


def test_a_read_only_store_refuses_the_transaction_itself(store):
    path = store.path
    store.close()
    ro = open_read_only(path, "the disk is full.")
    try:
        with pytest.raises(ReadOnlyDatabaseError):
            with ro.transaction():
                pass
        assert ro.setting("anything") is None
    finally:
        ro.close()


def test_a_store_that_takes_over_a_writable_connection_keeps_the_seam(store, heard):
    path = store.path
    store.close()
    ro = open_read_only(path, "the disk is full.")
    try:
        ro.take_over(open_store(path))
        with pytest.raises(REFUSED, match="not authorized"):
            app_module()["write"](ro)
        with ro.transaction() as db:
            db["settings"].insert({"key": "after", "value": "writable"})
        assert [(c.table, c.key) for c in heard[-1].changes] == [("settings", "after")]
    finally:
        ro.close()


def test_no_sqlite_utils_plugin_on_the_pc_runs_on_the_records(tmp_path):
    """A plugin installed for the sqlite-utils command line could register functions or read
    the office's connection: the store's sqlite-utils does not run plugins."""
    import sqlite_utils
    from sqlite_utils.plugins import pm

    seen = []

    class Plugin:
        @sqlite_utils.hookimpl
        def prepare_connection(self, conn):
            seen.append(conn)

    plugin = Plugin()
    pm.register(plugin)
    try:
        sqlite_utils.Database(memory=True)  # a plain sqlite-utils database runs it
        assert len(seen) == 1
        store = open_store(tmp_path / "mocap.sqlite")
        try:
            store.db["settings"].count  # noqa: B018 - sqlite-utils made and used
        finally:
            store.close()
        assert len(seen) == 1
    finally:
        pm.unregister(plugin)


def test_a_big_write_uses_the_rollback_journal_only_when_the_file_has_no_other_connection(tmp_path):
    """`bulk_write`: the file written once (rollback journal, synchronous) when this is its only
    connection, the write-ahead log again afterwards; with another connection open, unchanged."""
    store = open_store(tmp_path / "mocap.sqlite")
    synchronous = lambda: store.conn.execute("PRAGMA synchronous").fetchone()[0]  # noqa: E731
    try:
        assert (store.journal_mode, synchronous()) == ("wal", 1)  # NORMAL
        with store.bulk_write() as switched, store.transaction() as db:
            assert switched and (store.journal_mode, synchronous()) == ("delete", 2)  # FULL
            db["settings"].insert({"key": "kept", "value": "1"}, replace=True)
        assert (store.journal_mode, synchronous()) == ("wal", 1) and store.setting("kept") == "1"
        with pytest.raises(RuntimeError), store.bulk_write(), store.transaction() as db:
            db["settings"].insert({"key": "gone", "value": "1"}, replace=True)
            raise RuntimeError("a failure while writing")
        assert store.setting("gone") is None and store.journal_mode == "wal"
        other = open_store(tmp_path / "mocap.sqlite")  # the app's windows, a second copy
        try:
            with store.bulk_write() as switched:
                assert not switched and store.journal_mode == "wal"
        finally:
            other.close()
    finally:
        store.close()
