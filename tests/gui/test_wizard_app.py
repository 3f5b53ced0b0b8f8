"""The wizard and the catalog editor wired into the main window (app.py)."""

from __future__ import annotations

import pytest

from mocap_desktop import app
from mocap_desktop.services import drafts
from mocap_desktop.ui.presenters.wizard import PAGES, WizardState
from mocap_desktop.ui.views import wizard as wizard_views


@pytest.fixture
def window(qtbot, demo_session, monkeypatch):
    monkeypatch.setattr(wizard_views.RequestWizard, "ask_keep_draft", lambda self: "keep")
    window = app.build_main_window(demo_session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def a_student(store) -> int:
    return store.query("SELECT s.id FROM students s WHERE s.grade = '11' AND NOT EXISTS "
                       "(SELECT 1 FROM requests r WHERE r.student_id = s.id) ORDER BY s.id LIMIT 1")[0]["id"]


def test_ctrl_n_opens_the_wizard(qtbot, window):
    assert window.new_request_action.isEnabled()
    window.new_request_action.trigger()
    wizard = window.wizard
    qtbot.waitExposed(wizard)
    assert wizard.isVisible() and PAGES[wizard.currentId()] == "student"
    assert wizard.presenter.state.student_id is None
    wizard.reject()


def test_start_request_from_the_lookup_prefills_the_student(qtbot, window, demo_session):
    student_id = a_student(demo_session.store)
    window.lookup.start_request_requested.emit(student_id)
    wizard = window.wizard
    assert wizard.presenter.state.student_id == student_id
    assert wizard.pages["student"].results.currentItem() is not None
    wizard.reject()


def test_a_saved_draft_is_offered_and_resumed(qtbot, window, demo_session, monkeypatch):
    store = demo_session.store
    body = WizardState(student_id=a_student(store), pathway="full_time", start_term="2027-spring",
                       received="2026-11-27", page="full_time").to_dict()
    draft_id = drafts.save_draft(store, body, page="full_time", student_id=body["student_id"])
    asked = []
    monkeypatch.setattr(wizard_views, "ask_resume_draft", lambda parent, text: asked.append(text) or "resume")
    app.offer_saved_draft(window, demo_session)
    assert asked and "Full-time virtual program page" in asked[0]
    wizard = window.wizard
    assert wizard.presenter.draft_id == draft_id and PAGES[wizard.currentId()] == "full_time"
    wizard.reject()

    monkeypatch.setattr(wizard_views, "ask_resume_draft", lambda parent, text: "discard")
    app.offer_saved_draft(window, demo_session)
    assert drafts.count_drafts(store) == 0


def test_submitting_refreshes_the_other_areas(qtbot, window, demo_session):
    calls = []

    class Spy:
        def refresh(self):
            calls.append("refresh")

    window.presenters.append(Spy())
    window.new_request_action.trigger()
    window.wizard.submitted.emit(1)
    assert calls == ["refresh"]
    window.wizard.reject()


def test_the_catalog_editor_opens_from_the_request_menu(qtbot, window, demo_session):
    window.catalog_action.trigger()
    editor = window.catalog_editor
    qtbot.waitExposed(editor)
    qtbot.keyClicks(editor.search, "calc")
    assert editor.table.rowCount() > 0
    assert all(editor.table.item(r, 0).text() == "APCALCFY" for r in range(editor.table.rowCount()))
    editor.table.selectRow(0)
    assert editor.code.text() == "APCALCFY" and editor.part.currentData() == "FY"
    editor.credits.setText("-1")
    editor.save_button.click()
    assert editor.errors["credits"].isVisible() and "negative" in editor.errors["credits"].text()
    editor.reject()
