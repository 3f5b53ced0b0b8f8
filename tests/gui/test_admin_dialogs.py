"""The administrator's people dialog and audit viewer as a person uses them (pytest-qt, offscreen):
the paging model under the model tester, keyboard reach, accessible names, and the flows."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QComboBox, QDateEdit, QDialog, QFileDialog, QLineEdit, QMessageBox,
    QPlainTextEdit, QTableView, QTextEdit, QWidget,
)

from mocap_desktop.core.access import User
from mocap_desktop.services import audit_report as ar
from mocap_desktop.services import letters
from mocap_desktop.services.session import sign_in
from mocap_desktop.store import audit
from mocap_desktop.ui.presenters.audit_viewer import COLUMNS, AuditLine
from mocap_desktop.ui.views.audit_viewer import AuditTableModel, AuditViewerDialog, open_audit_viewer
from mocap_desktop.ui.views.people_dialog import PeopleDialog, open_people_dialog
from tests.gui.tabbing import inside_a_control


@pytest.fixture
def admin(demo_data_dir):
    session = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    yield session
    session.close(sign_out=False)


def controls(parent: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QDateEdit, QTableView)

    return [w for w in parent.findChildren(QWidget) if isinstance(w, kinds) and not inside_a_control(w, parent)]


def tab_through(qtbot, dialog: QDialog, first: QWidget) -> list[QWidget]:
    dialog.activateWindow()
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    seen, widget = [], QApplication.focusWidget()
    for _ in range(60):
        seen.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is first:
            break
    return seen


def assert_reachable_and_named(qtbot, dialog: QDialog, first: QWidget) -> None:
    seen = tab_through(qtbot, dialog, first)
    found = [c for c in controls(dialog) if c.isVisibleTo(dialog) and c.isEnabled()]
    assert len(found) >= 8
    for control in found:
        assert control.accessibleName(), control
        assert control in seen, control.accessibleName()


def lines(n: int, start: int = 1000) -> list[AuditLine]:
    return [AuditLine(start - i, ("Mar 2, 2026 8:00 AM", "Dana Whitfield (counselor)", "Counselor", "Student opened",
                                  f"1000{i} · Doe, Jo", "", "tab: plan"), None, "tip") for i in range(n)]


# --- the paging model --------------------------------------------------------------------------------

def test_audit_model_fetches_older_pages_until_the_end():
    model = AuditTableModel()
    pages = [lines(5, 995), lines(3, 990)]
    model.set_lines(lines(5), True, lambda: (pages.pop(0), bool(pages)))
    assert model.rowCount() == 5 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 13 and not model.canFetchMore()
    model.fetchMore()  # nothing left: nothing asked
    assert model.rowCount() == 13
    model.fill_all()  # as a view does before it searches the rows (no view paints them here)
    index = model.index(12, 4)
    assert model.data(index) == "10002 · Doe, Jo"
    assert model.data(index, Qt.ItemDataRole.AccessibleTextRole) == "Student: 10002 · Doe, Jo"
    assert model.data(model.index(12, 5), Qt.ItemDataRole.AccessibleTextRole) == "Request: none"
    assert model.data(index, Qt.ItemDataRole.UserRole) == 988
    assert model.headerData(0, Qt.Orientation.Horizontal) == COLUMNS[0][1]
    assert model.row_of(990) == 10 and model.row_of(1) is None


@pytest.mark.parametrize("shown,more", [(0, False), (5, False), (5, True)])
def test_audit_model_passes_the_model_tester(qtmodeltester, shown, more):
    model = AuditTableModel()
    rest = [lines(4, 500)]
    model.set_lines(lines(shown), more, lambda: (rest.pop(0), False) if rest else ([], False))
    qtmodeltester.check(model, force_py=True)


def test_a_fetch_that_returns_nothing_stops_asking():
    model = AuditTableModel()
    model.set_lines(lines(2), True, lambda: ([], True))
    model.fetchMore()
    assert model.rowCount() == 2 and not model.canFetchMore()


# --- the audit viewer --------------------------------------------------------------------------------

@pytest.fixture
def history(admin):
    store = admin.store
    # a request the demo queued no letter for, so this student's record holds exactly one
    row = store.query("SELECT id, student_id FROM requests WHERE status = 'in_review' ORDER BY id LIMIT 1")[0]
    store.user = User("counselor", "Dana Whitfield", "counselor")  # letters are the counselor's to make
    try:
        letters.queue_request_letter(store, row["id"], "received", at="2026-03-04T09:30:00")
    finally:
        store.user = admin.user
    with store.transaction() as db:
        for n in range(260):  # more than a page
            audit.record(db, "counselor", "counselor", "student_opened", at=f"2026-03-05T08:{n % 60:02d}:00",
                         student_id=row["student_id"] if n % 2 else None)
    local = store.query("SELECT local_number FROM students WHERE id = ?", (row["student_id"],))[0]["local_number"]
    return {"student_id": row["student_id"], "local_number": local}


@pytest.fixture
def viewer(qtbot, admin, history, tmp_path):
    dialog = open_audit_viewer(admin, None, export_folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.resize(1340, 720)
    qtbot.waitExposed(dialog)
    return dialog


def test_the_viewer_pages_from_sql_as_the_table_scrolls(qtbot, viewer, admin):
    total = ar.count_entries(admin.store)
    assert viewer.model.rowCount() == 200 and viewer.model.canFetchMore()
    assert viewer.summary.text() == f"{total} entries, newest first"
    qtbot.waitUntil(lambda: (viewer.table.scrollToBottom(), viewer.model.rowCount() == total)[1])
    ids = [viewer.model.line(n).entry_id for n in range(total)]
    assert ids == sorted(set(ids), reverse=True)


def test_every_viewer_control_is_reachable_by_keyboard_and_named(qtbot, viewer):
    assert_reachable_and_named(qtbot, viewer, viewer.person)
    viewer.from_check.setChecked(True)
    viewer.to_check.setChecked(True)
    seen = tab_through(qtbot, viewer, viewer.person)
    assert viewer.from_date in seen and viewer.to_date in seen
    for name in ("auditPerson", "auditAction", "auditFromOn", "auditToOn", "auditStudent", "auditFindStudent",
                 "auditClearFilters", "auditTable", "auditDetail", "auditVerify", "auditDisclosure", "auditExport"):
        assert viewer.findChild(QWidget, name).accessibleName(), name


def test_filters_from_the_controls(qtbot, viewer, history):
    viewer.person.setCurrentIndex(viewer.person.findData("admin"))
    assert {viewer.model.line(n).cells[1] for n in range(viewer.model.rowCount())} == {"Pat Alvarez (admin)"}
    viewer.person.setCurrentIndex(0)
    viewer.action.setCurrentIndex(viewer.action.findData("student_opened"))
    assert viewer.model.rowCount() == 200 and viewer.summary.text().startswith("260 entries (student opened)")
    qtbot.keyClicks(viewer.student, history["local_number"])
    qtbot.keyClick(viewer.student, Qt.Key.Key_Return)
    assert viewer.isVisible()  # Enter finds the student; it presses no button
    assert viewer.student_chosen.text().startswith(history["local_number"] + " · ")
    assert viewer.model.rowCount() == 130 and viewer.clear_student_button.isEnabled()
    viewer.from_check.setChecked(True)
    viewer.from_date.setDate(viewer.from_date.date().fromString("2026-03-06", "yyyy-MM-dd"))
    assert viewer.model.rowCount() == 0 and not viewer.export_button.isEnabled()
    viewer.clear_button.click()
    assert not viewer.from_check.isChecked() and viewer.student_chosen.text() == "Every student"
    assert viewer.person.currentIndex() == 0 and viewer.action.currentIndex() == 0


def test_a_selected_entry_shows_its_detail_and_integrity_is_checked(qtbot, viewer, admin):
    viewer.table.setFocus()
    qtbot.keyClick(viewer.table, Qt.Key.Key_Down)
    entry_id = viewer.current_entry_id()
    assert entry_id is not None
    assert f"Entry {entry_id}: Student opened" in viewer.detail.toPlainText()
    assert "Previous hash" in viewer.detail.toPlainText()
    viewer.verify_button.click()
    assert viewer.integrity.isVisible() and "Intact: all" in viewer.integrity.text()
    assert viewer.integrity.accessibleDescription().startswith("Intact")
    admin.store.conn.execute("DROP TRIGGER audit_no_update")
    admin.store.conn.execute("UPDATE audit_log SET detail = '{\"tab\": \"x\"}' WHERE id = 40")
    admin.store.conn.commit()
    viewer.verify_button.click()
    assert "Broken at entry 40: entry 40 was changed" in viewer.integrity.text()
    assert "Entry 40 — where the chain breaks" in viewer.detail.toPlainText()


def test_export_csv_from_the_button(qtbot, viewer, monkeypatch, tmp_path):
    target = tmp_path / "board.csv"
    asked, told = [], []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (asked.append(a) or str(target), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a))
    viewer.action.setCurrentIndex(viewer.action.findData("person_added"))
    viewer.export_button.click()
    assert asked[0][2].endswith("mocap-audit-" + asked[0][2].rsplit("mocap-audit-")[1])
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 4 and {r[5] for r in rows[1:]} == {"Person added"}
    assert told and "3 entries written to" in told[0][2]


def test_disclosure_report_for_the_selected_entrys_student(qtbot, viewer, history, monkeypatch, tmp_path):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a))
    viewer.table.selectRow(next(n for n in range(viewer.model.rowCount())
                                if viewer.model.line(n).student_id is None))  # about no student
    viewer.disclosure_button.click()
    assert warned and "Choose the student first" in warned[0][2] and viewer.disclosure_dialog is None
    row = next(n for n in range(viewer.model.rowCount()) if viewer.model.line(n).student_id == history["student_id"])
    viewer.table.selectRow(row)
    viewer.disclosure_button.click()
    dialog = viewer.disclosure_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == 1 and "parent or guardian" in dialog.table.item(0, 2).text()
    assert not dialog.empty.isVisible()
    for control in controls(dialog):
        assert control.accessibleName(), control
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.accessibleName()
    target = tmp_path / "record.pdf"
    told = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a))
    dialog.pdf_button.click()
    assert target.read_bytes().startswith(b"%PDF") and "1 disclosure written" in told[0][2]
    dialog.close()
    qtbot.waitUntil(lambda: viewer.disclosure_dialog is None)


# --- the people dialog -------------------------------------------------------------------------------------

@pytest.fixture
def people(qtbot, admin):
    dialog = open_people_dialog(admin, None)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_every_people_control_is_reachable_by_keyboard_and_named(qtbot, people):
    people.table.setCurrentCell(0, 0)  # Remove access is offered once someone is selected
    assert people.remove_button.isEnabled()
    assert_reachable_and_named(qtbot, people, people.table)
    assert isinstance(people, PeopleDialog) and people.windowTitle() == "People"


def test_adding_a_person_from_the_form(qtbot, people, admin, demo_data_dir):
    qtbot.keyClicks(people.name, "Ana Ruiz")
    qtbot.keyClicks(people.login, "aruiz")
    people.role.setCurrentIndex(people.role.findData("decider"))
    assert [people.title.itemText(i) for i in range(1, 4)] == ["principal", "designee", "superintendent"]
    people.title.setCurrentIndex(2)
    qtbot.keyClicks(people.password, "designee-2026")
    qtbot.keyClicks(people.password_again, "designee-2025")
    qtbot.keyClick(people.password_again, Qt.Key.Key_Return)  # Enter in the form adds
    assert people.add_error.isVisible() and "differ" in people.add_error.text()
    assert people.isVisible() and people.table.rowCount() == 4
    people.password_again.clear()
    qtbot.keyClicks(people.password_again, "designee-2026")
    people.add_button.click()
    assert not people.add_error.isVisible() and people.table.rowCount() == 5
    assert people.name.text() == "" and people.password.text() == ""
    assert "Ana Ruiz can now sign in as 'aruiz'" in people.status.text()
    logins = [people.table.item(r, 1).text() for r in range(people.table.rowCount())]
    row = logins.index("aruiz")
    assert [people.table.item(row, c).text() for c in range(6)] == ["Ana Ruiz", "aruiz", "Principal or designee",
                                                                      "designee", "All", "Active"]
    sign_in(demo_data_dir, "aruiz", "designee-2026", demo=True).close(sign_out=False)


def test_removing_a_person_after_confirming(qtbot, people, monkeypatch):
    logins = [people.table.item(r, 1).text() for r in range(people.table.rowCount())]
    people.table.setCurrentCell(logins.index("admin"), 0)
    assert not people.remove_button.isEnabled()  # not oneself
    people.table.setCurrentCell(logins.index("frontdesk"), 0)
    assert people.remove_button.isEnabled()
    monkeypatch.setattr(people, "confirm", lambda title, text, action: "Sam Okafor" in text)
    people.remove_button.click()
    row = [people.table.item(r, 1).text() for r in range(people.table.rowCount())].index("frontdesk")
    assert people.table.item(row, 5).text() == "Removed" and not people.remove_button.isEnabled()
    assert people.status.text() == "Sam Okafor can no longer sign in."


def test_changing_my_password_shows_problems_inline(qtbot, people):
    qtbot.keyClicks(people.current_password, "demo-admin")
    qtbot.keyClicks(people.new_password, "short")
    qtbot.keyClicks(people.new_password_again, "short")
    qtbot.keyClick(people.new_password_again, Qt.Key.Key_Return)
    assert people.password_error.isVisible() and "at least 8" in people.password_error.text()
    assert people.password_error.accessibleDescription() == people.password_error.text()
    for edit in (people.new_password, people.new_password_again):
        edit.setText("a-longer-password")
    people.change_button.click()
    assert not people.password_error.isVisible() and people.current_password.text() == ""
    assert "password is changed" in people.status.text()


def test_a_counselor_gets_only_their_password(qtbot, demo_data_dir):
    counselor = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    try:
        dialog = open_people_dialog(counselor, None)
        qtbot.addWidget(dialog)
        qtbot.waitExposed(dialog)
        assert dialog.table.rowCount() == 0 and not dialog.add_box.isEnabled()
        assert dialog.manage_note.isVisible() and "Only an administrator" in dialog.manage_note.text()
        assert dialog.password_box.isEnabled()
    finally:
        counselor.close(sign_out=False)


def test_a_counselor_opening_the_audit_viewer_sees_the_refusal(qtbot, demo_data_dir):
    counselor = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    try:
        dialog = open_audit_viewer(counselor, None)
        qtbot.addWidget(dialog)
        assert isinstance(dialog, AuditViewerDialog)
        assert dialog.model.rowCount() == 0 and "cannot do this (audit read)" in dialog.summary.text()
    finally:
        counselor.close(sign_out=False)


def mnemonics(dialog: QDialog) -> list[str]:
    from PySide6.QtWidgets import QLabel

    texts = [w.text() for w in dialog.findChildren(QAbstractButton)]
    texts += [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    return [t[t.index("&") + 1].lower() for t in texts if "&" in t.replace("&&", "")]


def test_alt_keys_are_unique_in_each_dialog(qtbot, people, viewer):
    for dialog in (people, viewer):
        keys = mnemonics(dialog)
        assert len(keys) >= 8 and len(keys) == len(set(keys)), sorted(keys)


def test_limiting_a_principal_to_some_buildings_from_the_list(qtbot, people, monkeypatch):
    logins = [people.table.item(r, 1).text() for r in range(people.table.rowCount())]
    people.table.setCurrentCell(logins.index("principal"), 0)
    assert people.buildings_button.isEnabled() and people.buildings_button.accessibleName()
    asked = []
    monkeypatch.setattr(people, "ask_buildings", lambda title, text, current: asked.append(current) or "4000")
    people.buildings_button.click()
    row = [people.table.item(r, 1).text() for r in range(people.table.rowCount())].index("principal")
    assert asked == [""] and people.table.item(row, 4).text() == "4000"
    assert people.status.text().startswith("Dr. Lena Ortiz now sees the requests of building 4000.")
