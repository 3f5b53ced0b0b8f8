"""Tab goes round every page of the wizard and every dialog, reaching each control once a
round and never trapped in one (a keyboard-only counselor must reach Back, Next and Cancel)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from mocap_desktop import app
from mocap_desktop.ui.presenters.request_detail import AppealPrompt, DateField, Document, StepPrompt
from mocap_desktop.ui.views.appeal_dialog import AppealDialog
from mocap_desktop.ui.views.request_detail import StepDialog
from mocap_desktop.ui.views.sign_in import ChangePasswordDialog, LockDialog, SignInDialog
from tests.gui.tabbing import assert_tab_cycle
from tests.gui.test_wizard import open_wizard, student_by_sql
from tests.unit.presenters.wizard_fake import course_id


def first_control(widget: QWidget) -> QWidget:
    return widget.focusWidget() or widget.nextInFocusChain()


def test_every_wizard_page_cycles(qtbot, demo_session):
    store = demo_session.store
    wizard = open_wizard(qtbot, store, student_id=student_by_sql(store, "s.mshsaa_activities = 1")["id"])
    presenter = wizard.presenter
    visited = []

    def check(key: str) -> None:
        page = wizard.pages[key]
        assert wizard.currentPage() is page, key
        visited.append(key)
        assert_tab_cycle(qtbot, wizard, page.first_field() or first_control(wizard))

    check("student")
    wizard.next()
    check("pathway")
    wizard.pages["pathway"].buttons["full_time"].setChecked(True)
    wizard.next()
    check("full_time")
    wizard.back()
    wizard.pages["pathway"].buttons["part_time"].setChecked(True)
    wizard.next()
    wizard.pages["part_time"].in_person.setText("2.5")
    presenter.add_course(course_id(store, "ENG10A"))
    check("part_time")
    wizard.next()
    wizard.pages["eligibility"].waiver.show()  # its blank "Document dated" once trapped Tab
    check("eligibility")
    wizard.next()
    check("family")
    for box in wizard.pages["family"].acks.values():
        box.setChecked(True)
    wizard.next()
    check("review")
    wizard.next()
    check("done")
    assert visited == ["student", "pathway", "full_time", "part_time", "eligibility", "family", "review", "done"]


def open_request(store, status: str) -> int:
    return store.query("SELECT id FROM requests WHERE status = ? ORDER BY id LIMIT 1", (status,))[0]["id"]


def build(name: str, session, qtbot) -> QWidget:
    store = session.store if session else None
    if name == "decision":
        return app.make_decision_dialog(None, session, open_request(store, "submitted"), "Test Principal")
    if name == "request detail":
        return app.open_request_detail(None, session, open_request(store, "submitted"), "Test Counselor")
    if name == "appeal":
        prompt = AppealPrompt("Appeal to the Board of Education", "board", "The family appeals.", False,
                              date(2026, 12, 1), None, "", (Document("Family's written appeal", ""),),
                              lambda filed: f"Due 30 days after {filed}.")
        return AppealDialog(prompt)
    if name == "step":
        return StepDialog(StepPrompt("Withdraw the request", "The family withdraws it.",
                                     (DateField("on", "Withdrawn on", date(2026, 12, 1)),),
                                     (("family", "The family asked"), ("other", "Other")), "Why", "Notes"))
    if name == "import":
        return app.open_import_dialog(None, session)
    if name == "catalog":
        return app.open_catalog(app_window(qtbot, session), session)
    if name == "district profile":
        return app.open_district_profile(None, session)
    if name == "people":
        return app.open_people(None, session)
    if name == "audit trail":
        return app.open_audit(None, session)
    if name == "sign in":
        return SignInDialog(None, "Demo district")
    if name == "lock":
        return LockDialog(None, "Test Counselor")
    if name == "change password":
        return ChangePasswordDialog(None)
    raise KeyError(name)


def app_window(qtbot, session):
    window = app.build_main_window(session)
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize("name", ["decision", "request detail", "appeal", "step", "import", "catalog",
                                  "district profile", "people", "audit trail", "sign in", "lock",
                                  "change password"])
def test_every_dialog_cycles(qtbot, demo_session, name):
    dialog = build(name, demo_session, qtbot)
    if not dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose):
        qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert_tab_cycle(qtbot, dialog, first_control(dialog))
    dialog.done(0)


def test_tab_leaves_a_document_cell_being_edited_and_keeps_the_text(qtbot):
    dialog = build("appeal", None, qtbot)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.documents
    dialog.activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.setCurrentCell(0, 1)
    qtbot.keyClicks(table, "B")  # typing starts editing the location
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "inder 3")
    assert editor is not table and table.isAncestorOf(editor)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert table.item(0, 1).text() == "Binder 3"
    assert QApplication.focusWidget() is not table and not table.isAncestorOf(QApplication.focusWidget())
