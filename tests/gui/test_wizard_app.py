"""The wizard and the catalog editor wired into the main window (app.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

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


def waiting_draft(store, page: str = "review", **fields) -> int:
    body = WizardState(student_id=a_student(store), pathway="part_time", start_term="2027-spring",
                       received="2026-11-27", page=page, **fields).to_dict()
    return drafts.save_draft(store, body, page=page, student_id=body["student_id"])


def open_dialogs(window) -> list:
    return [d for d in window.findChildren(QDialog) if d.isVisible()]


def requests_count(store) -> int:
    return store.query("SELECT count(*) AS n FROM requests")[0]["n"]


def test_typing_a_name_right_after_sign_in_leaves_a_waiting_draft_alone(qtbot, window, demo_session):
    """The offer is a line across the window: a name typed into the lookup (with the letters of
    Resume, Later, Discard) and Enter go to the lookup, and nothing is resumed or submitted."""
    store = demo_session.store
    waiting_draft(store)
    before = requests_count(store)
    app.show_draft_banner(window, demo_session)
    banner = window.draft_banner
    assert banner.isVisible() and "started but not submitted" in banner.text.text()
    assert not open_dialogs(window)
    window.lookup.search.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Quintero Rdl")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert window.lookup.search.text() == "Quintero Rdl"
    assert getattr(window, "wizard", None) is None and not open_dialogs(window)
    assert requests_count(store) == before and drafts.count_drafts(store) == 1
    assert banner.isVisible()


def test_the_banner_resumes_a_draft_on_its_first_unfinished_page(qtbot, window, demo_session):
    store = demo_session.store
    draft_id = waiting_draft(store, page="review")  # saved on the review page, but has no courses
    app.show_draft_banner(window, demo_session)
    window.draft_banner.resume.click()
    wizard = window.wizard
    qtbot.waitExposed(wizard)
    assert wizard.presenter.draft_id == draft_id
    assert PAGES[wizard.currentId()] == "part_time"
    assert wizard.findChild(QWidget, "error_courses").isVisible()
    assert not window.draft_banner.isVisible()
    wizard.reject()  # kept (the fixture answers "keep"): offered again
    assert window.draft_banner.isVisible()


def test_a_complete_draft_saved_on_the_review_page_reopens_before_it(demo_session):
    from mocap_desktop.ui.presenters.wizard import RequestWizardPresenter

    presenter = RequestWizardPresenter(None, demo_session.store)
    for saved, expected in (("review", "family"), ("done", "family"), ("eligibility", "eligibility"), ("", "student")):
        presenter.state = WizardState(page=saved)
        assert presenter.resume_page() == expected


def test_discarding_from_the_banner_asks_first(qtbot, window, demo_session, monkeypatch):
    store = demo_session.store
    waiting_draft(store)
    app.show_draft_banner(window, demo_session)
    answers = iter(["keep", "discard"])
    monkeypatch.setattr("mocap_desktop.ui.views.dialogs.ask", lambda *a, **k: next(answers))
    window.draft_banner.discard.click()
    assert drafts.count_drafts(store) == 1 and window.draft_banner.isVisible()
    window.draft_banner.discard.click()
    assert drafts.count_drafts(store) == 0 and not window.draft_banner.isVisible()


def test_ctrl_n_takes_the_lookup_student_and_offers_their_draft_first(qtbot, window, monkeypatch):
    window.show_area("lookup")
    window.lookup.select_row(2)
    chosen = window.presenters[1].selected
    assert chosen is not None
    asked = []
    monkeypatch.setattr(wizard_views, "ask_resume_draft",
                        lambda parent, text, new_request=False: asked.append(new_request) or "new")
    window.new_request_action.trigger()
    assert asked == []  # no draft for this student: straight to the wizard, the student chosen
    assert window.wizard.presenter.state.student_id == chosen
    window.wizard.reject()  # kept as a draft
    window.new_request_action.trigger()
    assert asked == [True]
    assert window.wizard.presenter.draft_id is None and window.wizard.presenter.state.student_id == chosen
    window.wizard.reject()


def test_the_resume_question_has_no_plain_letter_keys(qtbot, window):
    """In a message box a button's mnemonic answers to the plain letter."""
    QTimer.singleShot(0, lambda: (qtbot.keyClicks(QApplication.activeModalWidget(), "rld"),
                                  QTimer.singleShot(400, lambda: QApplication.activeModalWidget() and QApplication.activeModalWidget().reject())))
    box_answer = wizard_views.ask_resume_draft(window, "A MOCAP request for a student was started.")
    assert box_answer == "later"


def test_submitting_asks_once_and_not_yet_keeps_the_review_page(qtbot, window, demo_session, monkeypatch):
    from tests.unit.presenters.wizard_fake import course_id

    store = demo_session.store
    answers = []
    monkeypatch.setattr(wizard_views.RequestWizard, "confirm_submit",
                        lambda self, text: answers.append(text) or len(answers) > 1)
    window.lookup.start_request_requested.emit(a_student(store))
    wizard = window.wizard
    presenter = wizard.presenter
    wizard.next()
    wizard.pages["pathway"].buttons["part_time"].setChecked(True)
    wizard.next()
    wizard.pages["part_time"].in_person.setText("2.5")
    presenter.add_course(course_id(store, "ENG10A"))
    wizard.next()
    wizard.next()
    for box in wizard.pages["family"].acks.values():
        box.setChecked(True)
    wizard.next()
    assert PAGES[wizard.currentId()] == "review"
    before = requests_count(store)
    wizard.next()  # the commit page's Submit: "Not yet"
    assert len(answers) == 1 and "Submit" in answers[0] and "letter is queued" in answers[0]
    assert PAGES[wizard.currentId()] == "review" and requests_count(store) == before
    wizard.next()  # asked again, "Submit request"
    assert len(answers) == 2 and PAGES[wizard.currentId()] == "done"
    assert requests_count(store) == before + 1


def test_locking_closes_the_wizard_and_every_dialog_keeping_the_draft(qtbot, window, demo_session, monkeypatch):
    from mocap_desktop.ui.views import sign_in

    store = demo_session.store
    window.lookup.start_request_requested.emit(a_student(store))
    wizard = window.wizard
    qtbot.waitExposed(wizard)
    wizard.next()
    wizard.pages["pathway"].buttons["full_time"].setChecked(True)  # not saved until the next page
    locked_while = []
    monkeypatch.setattr(sign_in.LockDialog, "exec", lambda self: locked_while.append(
        [d for d in window.findChildren(QDialog) if d.isVisible() and d is not self]) or 0)
    app.lock(window, demo_session, [])
    assert locked_while == [[]]  # nothing of the session shows over or beside the lock
    assert not wizard.isVisible() and wizard.result() == QDialog.DialogCode.Rejected
    (saved,) = drafts.list_drafts(store)
    assert (saved.page, saved.body["pathway"]) == ("pathway", "full_time")
    assert window.centralWidget().isVisible()  # unlocked again (the patched lock returns at once)
    assert not open_dialogs(window)  # and it stays closed


def test_signing_out_closes_the_wizard_keeping_the_draft(qtbot, window, demo_session):
    store = demo_session.store
    window.lookup.start_request_requested.emit(a_student(store))
    wizard = window.wizard
    qtbot.waitExposed(wizard)
    app.close_dialogs(window)
    assert not wizard.isVisible() and drafts.count_drafts(store) == 1
