"""The window on a database that cannot be written (a full disk): what shows data works, what
only writes says why before anything is typed, a save says what was not saved, File → Back up
database… copies to another drive, and saving comes back by itself once the disk has room."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from mocap_desktop import app
from mocap_desktop.services import session as session_module
from mocap_desktop.store.errors import DiskFullError
from mocap_desktop.ui.presenters.lookup import LookupPresenter


@pytest.fixture
def told(monkeypatch):
    """Every message box, as (kind, title, text), instead of on the screen."""
    said = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda _parent, title, text, *rest, kind=kind:
                            said.append((kind, title, text)))
    return said


def read_only_session(folder, monkeypatch, login="admin", password="demo-admin"):
    def no_space(*args, **kwargs):
        raise DiskFullError("The disk is full.")

    monkeypatch.setattr(session_module, "open_store", no_space)
    session = session_module.sign_in(folder, login, password, demo=True)
    assert session.store.read_only_reason
    return session


def test_read_only_the_window_looks_up_backs_up_and_saves_again_once_there_is_room(
        qtbot, demo_data_dir, monkeypatch, told, tmp_path):
    session = read_only_session(demo_data_dir, monkeypatch, "counselor", "demo-counselor")
    window = app.build_main_window(session)
    qtbot.addWidget(window)
    window.show()
    assert window.status_label.full_text().startswith("Read-only: the disk holding")
    assert window.read_only_banner.isVisible() and "nothing new can be saved" in window.read_only_banner.text.text()

    lookup = next(p for p in window.presenters if isinstance(p, LookupPresenter))
    lookup.search_changed("king")
    first = session.store.query("SELECT id FROM students ORDER BY id LIMIT 1")[0]["id"]
    lookup.student_selected(first)  # the record opens; its viewing waits for the trail
    assert told == [] and session.store.deferred[-1]["action"] == "student_viewed"

    app.new_request(window, session)  # a screen that only writes says why at once
    assert told[-1][1] == "The database is read-only" and "A request (and its draft) cannot be saved" in told[-1][2]
    assert not window.findChildren(app.QDialog)  # no wizard was opened

    window.read_only_timer.setInterval(20)
    qtbot.wait(100)
    assert window.status_label.full_text().startswith("Read-only")  # still full
    monkeypatch.undo()  # the disk has room again
    qtbot.waitUntil(lambda: not window.status_label.full_text().startswith("Read-only"), timeout=3000)
    assert not window.read_only_timer.isActive() and not window.read_only_banner.isVisible()
    assert "written again" in window.statusBar().currentMessage()
    actions = [r["action"] for r in session.store.query("SELECT action FROM audit_log ORDER BY id DESC LIMIT 2")]
    assert actions == ["student_viewed", "sign_in"]
    session.close(sign_out=False)


def test_read_only_the_administrator_backs_up_to_another_drive_and_a_profile_save_says_it_was_not_saved(
        qtbot, demo_data_dir, monkeypatch, told, tmp_path):
    session = read_only_session(demo_data_dir, monkeypatch)
    window = app.build_main_window(session)
    qtbot.addWidget(window)
    copy = tmp_path / "usb" / "mocap-copy.sqlite"
    copy.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    window.backup_action.trigger()
    assert told[-1][:2] == ("information", "Backup complete") and copy.exists()
    assert session.store.deferred[-1]["action"] == "backup_written"

    assert app.open_import_dialog(window, session) is None
    assert "An import cannot be saved now" in told[-1][2]

    dialog = app.open_district_profile(window, session)  # the window owns it
    dialog.edits["phone"].setText("(573) 555-0199")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert told[-1][:2] == ("critical", "The district profile was not saved")
    assert "This was not saved: the database is open read-only" in told[-1][2]
    dialog.reject()
    session.close(sign_out=False)
    assert Path(session.keyring.path).read_text().count("backup_written") == 1  # kept for the next sign-in


def test_read_only_a_search_index_that_is_behind_is_not_needed(demo_data_dir, monkeypatch):
    from mocap_desktop.store.students import StudentRepo

    session = read_only_session(demo_data_dir, monkeypatch, "counselor", "demo-counselor")
    repo = StudentRepo(session.store)
    assert repo._index_behind()  # the demo file was never searched: no index yet
    pages, page = [], repo.search("an", limit=7)
    while page.rows and len(pages) < 4:
        pages.append([r.id for r in page.rows])
        page = repo.search("an", limit=7, after=page.next) if page.next else type(page)([], None)
    everyone = [r.id for r in repo.search("", limit=5).rows]
    session.close(sign_out=False)
    monkeypatch.undo()
    session = session_module.sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    repo = StudentRepo(session.store)
    indexed, page = [], repo.search("an", limit=7)
    while page.rows and len(indexed) < 4:
        indexed.append([r.id for r in page.rows])
        page = repo.search("an", limit=7, after=page.next) if page.next else type(page)([], None)
    assert pages == indexed and len(pages) == 4
    assert everyone == [r.id for r in repo.search("", limit=5).rows]
    session.close(sign_out=False)


def test_read_only_a_password_change_is_kept_and_a_new_person_is_refused_whole(demo_data_dir, monkeypatch):
    from mocap_desktop.store import StoreError

    session = read_only_session(demo_data_dir, monkeypatch)
    keys = Path(session.keyring.path)
    session_module.change_password(session, "demo-admin", "a-new-admin-password")
    before = keys.read_text()
    with pytest.raises(StoreError, match="This was not saved: the database is open read-only"):
        session_module.add_person(session, "newcomer", "New Comer", "counselor", "a-long-password")
    assert keys.read_text() == before and "newcomer" not in session.keyring.logins
    session.close()
    monkeypatch.undo()
    again = session_module.sign_in(demo_data_dir, "admin", "a-new-admin-password", demo=True)
    actions = [r["action"] for r in again.store.query("SELECT action FROM audit_log ORDER BY id DESC LIMIT 4")]
    assert actions == ["sign_in", "sign_out", "password_changed", "sign_in"]
    again.close()


def test_a_disk_that_fills_during_the_day_keeps_a_record_opened_for_the_trail(demo_data_dir, monkeypatch):
    from mocap_desktop.store import Store
    from mocap_desktop.store.students import StudentRepo

    session = session_module.sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    real = Store.transaction

    def full(self):
        raise DiskFullError("The disk is full.")

    monkeypatch.setattr(Store, "transaction", full)
    first = session.store.query("SELECT id FROM students ORDER BY id LIMIT 1")[0]["id"]
    assert StudentRepo(session.store).detail(first) is not None  # no error: kept for the trail
    monkeypatch.setattr(Store, "transaction", real)  # room again
    StudentRepo(session.store).detail(first)
    rows = session.store.query("SELECT action, at FROM audit_log ORDER BY id DESC LIMIT 2")
    assert [r["action"] for r in rows] == ["student_viewed", "student_viewed"] and rows[1]["at"] <= rows[0]["at"]
    session.close(sign_out=False)
