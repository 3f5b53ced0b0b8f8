"""A full disk: on a real small tmpfs where this machine lets a test mount one, otherwise with a
write that fails as a full disk does (ENOSPC). Nothing saved is lost, no traceback, and every
message says what was and was not saved."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mocap_desktop.paths import DataDir
from mocap_desktop.services.roster import import_roster_file
from mocap_desktop.services.session import sign_in, set_up
from mocap_desktop.store import audit
from mocap_desktop.store.errors import DiskFullError, classify

ROSTER = Path(__file__).resolve().parents[1] / "data" / "roster"
LOGIN, NAME, PASSWORD = "pat", "Pat Alvarez", "office-admin-password"


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs, or skip when mounting is not allowed here (not root, a container)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
                             capture_output=True).returncode == 0 if hasattr(os, "geteuid") and os.geteuid() == 0 \
        else False
    if not mounted:
        pytest.skip("cannot mount a tmpfs here (the ENOSPC tests below still run)")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MOCAP_USER": LOGIN, "MOCAP_PASSWORD": PASSWORD}
    return subprocess.run([sys.executable, "-m", "mocap_desktop", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, env=env, timeout=120)


def test_on_a_full_tmpfs_the_import_stays_saved_and_the_commands_say_so(small_disk):
    folder = DataDir(small_disk / "office").ensure()
    set_up(folder, LOGIN, NAME, PASSWORD)[0].close()
    session = sign_in(folder, LOGIN, PASSWORD)
    heard = []
    session.on_sign_out_not_recorded = heard.append
    report = import_roster_file(session.store, ROSTER / "clever-students.csv", skip_invalid=True)
    assert report.written and report.added > 0
    filler = fill(small_disk)
    session.close()  # the sign-out entry cannot be written: no exception, the import kept
    assert heard and isinstance(heard[0], DiskFullError)

    full = cli(folder.root, "students", "search", "")
    assert "Traceback" not in full.stderr
    if full.returncode:  # whether SQLite still finds room in its journal depends on the file's history
        assert full.returncode == 3 and len(full.stderr.strip().splitlines()) == 1
        assert "is full" in full.stderr and "what was saved before it is kept" in full.stderr
    else:
        assert "Hall, Reese" in full.stdout

    filler.unlink()
    found = cli(folder.root, "students", "search", "", "--json")
    assert found.returncode == 0, found.stderr
    assert found.stdout.count('"local_number"') == report.added


def test_a_sign_out_that_cannot_be_written_loses_nothing_and_says_so(tmp_path, monkeypatch):
    folder = DataDir(tmp_path).ensure()
    set_up(folder, LOGIN, NAME, PASSWORD)[0].close()
    session = sign_in(folder, LOGIN, PASSWORD)
    report = import_roster_file(session.store, ROSTER / "clever-students.csv", skip_invalid=True)
    real = audit.record

    def full_disk(db, actor, role, action, **kw):
        if action == "sign_out":
            raise sqlite3.OperationalError("database or disk is full")
        return real(db, actor, role, action, **kw)

    monkeypatch.setattr(audit, "record", full_disk)
    heard = []
    session.on_sign_out_not_recorded = heard.append
    session.close()
    assert len(heard) == 1 and "this step was not saved" in str(heard[0])
    monkeypatch.undo()
    again = sign_in(folder, LOGIN, PASSWORD)
    assert again.store.conn.execute("SELECT count(*) FROM students").fetchone()[0] == report.added
    again.close()


def test_a_disk_io_error_on_a_full_disk_is_named_as_a_full_disk(tmp_path, monkeypatch):
    import shutil

    err = sqlite3.OperationalError("disk I/O error")
    assert classify(err, tmp_path / "x.sqlite") is None  # space left: not a full disk, a bug to report
    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10**6, 10**6, 0))
    assert isinstance(classify(err, tmp_path / "x.sqlite"), DiskFullError)


def test_on_a_full_tmpfs_the_database_opens_read_only(small_disk, tmp_path):
    folder = DataDir(small_disk / "office").ensure()
    session = set_up(folder, LOGIN, NAME, PASSWORD)[0]
    import_roster_file(session.store, ROSTER / "clever-students.csv", skip_invalid=True)
    session.close()
    fill(small_disk)

    found = cli(folder.root, "students", "search", "gray")
    assert found.returncode == 0 and "Gray, Morgan" in found.stdout
    assert "opened read-only: the disk holding" in found.stderr and "Traceback" not in found.stderr
    copy = cli(folder.root, "backup", str(tmp_path / "elsewhere.sqlite"))
    assert copy.returncode == 0 and (tmp_path / "elsewhere.sqlite").exists()
    refused = cli(folder.root, "import-roster", str(ROSTER / "clever-students.csv"))
    assert refused.returncode == 3 and "Traceback" not in refused.stderr
    assert "This was not saved: the database is open read-only" in refused.stderr


def test_a_database_that_cannot_be_written_opens_read_only(tmp_path, monkeypatch):
    from mocap_desktop.services import session as session_module
    from mocap_desktop.store import StoreError
    from mocap_desktop.ui.presenters.main import MainPresenter

    folder = DataDir(tmp_path).ensure()
    session = set_up(folder, LOGIN, NAME, PASSWORD)[0]
    import_roster_file(session.store, ROSTER / "clever-students.csv", skip_invalid=True)
    session.close()
    entries = session_module.sign_in(folder, LOGIN, PASSWORD)
    count = entries.store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    entries.close()

    def no_space(*args, **kwargs):
        raise DiskFullError("The disk is full.")

    monkeypatch.setattr(session_module, "open_store", no_space)
    ro = session_module.sign_in(folder, LOGIN, PASSWORD)
    assert ro.store.read_only_reason.startswith("the disk holding")
    assert ro.store.conn.execute("SELECT count(*) FROM students").fetchone()[0] == 3
    with pytest.raises(StoreError, match="This was not saved: the database is open read-only"):
        ro.store.set_setting("x", "y")

    class View:
        def set_title(self, text): self.title = text
        def show_status(self, text): self.status = text

    view = View()
    MainPresenter(view, ro.store, folder.root, False, "Pat").start()
    assert view.status.startswith("Read-only: the disk holding")
    ro.close()
    monkeypatch.undo()
    again = sign_in(folder, LOGIN, PASSWORD)
    # the sign-out, the read-only session's sign-in and sign-out (kept in the key file), this sign-in
    rows = again.store.conn.execute("SELECT action, detail FROM audit_log WHERE id > ? ORDER BY id",
                                    (count,)).fetchall()
    assert [r[0] for r in rows] == ["sign_out", "sign_in", "sign_out", "sign_in"]
    assert '"read_only": "the disk holding' in rows[1][1]
    assert audit.verify(again.store).ok
    again.close()


def test_failed_sign_ins_wait_in_the_key_file_until_the_audit_trail_can_take_them(tmp_path, monkeypatch):
    from mocap_desktop.services import session as session_module
    from mocap_desktop.services.session import SessionError

    folder = DataDir(tmp_path).ensure()
    set_up(folder, LOGIN, NAME, PASSWORD)[0].close()
    with pytest.raises(SessionError):
        sign_in(folder, LOGIN, "not the password")
    real_record = audit.record

    def no_space(*args, **kwargs):
        raise DiskFullError("The disk is full.")

    monkeypatch.setattr(audit, "record", no_space)  # the sign-in record cannot be written
    ro = session_module.sign_in(folder, LOGIN, PASSWORD)
    assert ro.store.read_only_reason
    ro.close()
    monkeypatch.setattr(audit, "record", real_record)
    session = sign_in(folder, LOGIN, PASSWORD)  # space again
    actions = [r[0] for r in session.store.conn.execute("SELECT action FROM audit_log ORDER BY id")]
    session.close()
    assert actions.count("sign_in_failed") == 1 and actions[-1] == "sign_in"
    again = sign_in(folder, LOGIN, PASSWORD)  # recorded once, not again
    assert [r[0] for r in again.store.conn.execute(
        "SELECT action FROM audit_log WHERE action = 'sign_in_failed'")] == ["sign_in_failed"]
    again.close()


def test_read_only_the_office_looks_up_backs_up_and_audits_and_catches_up_when_space_returns(small_disk, tmp_path):
    from mocap_desktop.services import audit_report
    from mocap_desktop.services.backup import backup
    from mocap_desktop.store.students import StudentRepo

    folder = DataDir(small_disk / "office").ensure()
    session = set_up(folder, LOGIN, NAME, PASSWORD)[0]
    import_roster_file(session.store, ROSTER / "clever-students.csv", skip_invalid=True)
    session.close()
    count = _audit_count(folder)
    filler = fill(small_disk)

    ro = sign_in(folder, LOGIN, PASSWORD)
    store = ro.store
    assert store.read_only_reason.startswith("the disk holding")
    repo = StudentRepo(store)
    [gray] = repo.search("gray").rows
    assert repo.detail(gray.id).last_name == "Gray"  # opening a record is kept for the trail
    backup(store, tmp_path / "elsewhere.sqlite")  # to another drive
    assert audit_report.audit_page(store, audit_report.AuditFilter()).entries
    audit_report.export_audit_csv(store, tmp_path / "trail.csv")
    assert not ro.retry_writable()  # still full
    assert store.read_only_reason

    filler.unlink()  # space again
    assert ro.retry_writable()
    assert store.read_only_reason is None
    store.set_setting("check", "written")  # the same store writes again
    rows = store.conn.execute("SELECT action, student_id, detail FROM audit_log WHERE id > ? ORDER BY id",
                              (count,)).fetchall()
    assert [r[0] for r in rows] == ["sign_in", "student_viewed", "backup_written", "audit_exported"]
    assert rows[1][1] == gray.id and '"while_read_only": true' in rows[2][2]
    assert audit.verify(store).ok
    ro.close()
    again = sign_in(folder, LOGIN, PASSWORD)  # nothing recorded twice
    assert [r[0] for r in again.store.conn.execute(
        "SELECT action FROM audit_log WHERE id > ? ORDER BY id", (count,))] == [
        "sign_in", "student_viewed", "backup_written", "audit_exported", "sign_out", "sign_in"]
    again.close()


def _audit_count(folder: DataDir) -> int:
    session = sign_in(folder, LOGIN, PASSWORD)
    try:
        return session.store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] + 1  # and its sign-out
    finally:
        session.close()
