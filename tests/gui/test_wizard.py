"""The request wizard as a counselor uses it: keyboard only for a part-time request, mouse for a
full-time one, then the stored requests and their findings in the database."""

from __future__ import annotations

import json
from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLineEdit,
    QTextBrowser,
    QWidget,
)

from mocap_desktop.services import drafts
from mocap_desktop.ui.presenters.wizard import PAGES
from mocap_desktop.ui.views.wizard import RequestWizard, open_request_wizard
from tests.gui.tabbing import inside_a_control

TODAY = date(2026, 11, 27)


def student_by_sql(store, where: str) -> dict:
    return store.query(
        "SELECT s.id, s.last_name, s.first_name, s.local_number, s.mshsaa_activities FROM students s "
        f"WHERE {where} AND s.grade IN ('10','11') AND s.iep = 0 AND s.section_504 = 0 "
        "AND (SELECT count(*) FROM enrollments e WHERE e.student_id = s.id) = 1 "
        "AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.student_id = s.id) ORDER BY s.id LIMIT 1")[0]


def open_wizard(qtbot, store, **kwargs) -> RequestWizard:
    wizard = open_request_wizard(store, today=TODAY, actor="GUI Test (counselor)", **kwargs)
    # No modal boxes in tests: closing keeps the draft, errors are recorded.
    wizard.ask_keep_draft = lambda: "keep"
    wizard.confirm_submit = lambda text: wizard.dialogs.append(("confirm", text)) or True
    wizard.dialogs = []
    wizard.show_error = lambda title, text: wizard.dialogs.append((title, text))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    return wizard


def key(qtbot, wizard, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press delivered where a real keyboard sends it: the focused widget."""
    qtbot.keyClick(wizard.focusWidget() or wizard, k, modifier)


def alt(qtbot, wizard, letter: str) -> None:
    """A mnemonic (Alt+letter). A button's mnemonic "animates" its click for 100 ms first."""
    key(qtbot, wizard, getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.AltModifier)
    qtbot.wait(160)


def click_option(qtbot, button) -> None:
    """Click a radio button or check box on its indicator (the widget may be wider than its text)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def page(wizard) -> str:
    return PAGES[wizard.currentId()]


def test_part_time_request_by_keyboard_alone(qtbot, demo_session):
    store = demo_session.store
    student = student_by_sql(store, "s.mshsaa_activities = 1")
    wizard = open_wizard(qtbot, store)
    assert wizard.focusWidget() is wizard.pages["student"].search

    qtbot.keyClicks(wizard.focusWidget(), student["local_number"])  # QTest types ASCII only
    key(qtbot, wizard, Qt.Key.Key_Return)  # Enter in the search box: into the results
    results = wizard.pages["student"].results
    assert wizard.focusWidget() is results
    while results.currentItem().data(Qt.ItemDataRole.UserRole) != student["id"]:
        key(qtbot, wizard, Qt.Key.Key_Down)
    assert wizard.presenter.state.student_id == student["id"]
    key(qtbot, wizard, Qt.Key.Key_Return)  # Enter on the list: Next
    assert page(wizard) == "pathway"

    alt(qtbot, wizard, "p")  # &Part-time virtual courses
    assert wizard.presenter.state.pathway == "part_time"
    alt(qtbot, wizard, "n")
    assert page(wizard) == "part_time"

    alt(qtbot, wizard, "i")  # &In-person credits
    assert wizard.focusWidget() is wizard.pages["part_time"].in_person
    qtbot.keyClicks(wizard.focusWidget(), "-1")
    alt(qtbot, wizard, "n")  # blocked, with the reason next to the field and the focus on it
    assert page(wizard) == "part_time"
    error = wizard.findChild(QWidget, "error_in_person_credits")
    assert error.isVisible() and "cannot be negative" in error.text()
    assert wizard.focusWidget() is wizard.pages["part_time"].in_person
    assert "cannot be negative" in wizard.pages["part_time"].in_person.accessibleDescription()
    key(qtbot, wizard, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(wizard.focusWidget(), "2.5")
    assert not error.isVisible()

    for query in ("ENG10A", "CHEMA"):
        alt(qtbot, wizard, "c")  # Find a &course
        key(qtbot, wizard, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(wizard.focusWidget(), query)
        key(qtbot, wizard, Qt.Key.Key_Return)  # into the results, first row
        key(qtbot, wizard, Qt.Key.Key_Return)  # add it (and stay on the page)
        assert page(wizard) == "part_time"
    assert [c["code"] for c in wizard.presenter.state.courses] == ["ENG10A", "CHEMA"]
    selected = wizard.pages["part_time"].selected
    assert [selected.item(r, 4).text() for r in range(2)] == [
        "District pays", "Beyond the full-time load: not paid by the district"]
    alt(qtbot, wizard, "n")
    assert page(wizard) == "eligibility"
    assert "Eligible" in wizard.pages["eligibility"].headline.text()
    assert not wizard.pages["eligibility"].waiver.isVisible()
    assert "MSHSAA activities" in wizard.pages["eligibility"].flags.text()
    alt(qtbot, wizard, "n")
    assert page(wizard) == "family"

    boxes = list(wizard.pages["family"].acks.values())
    assert len(boxes) == 3  # technology, conduct and MSHSAA for an athlete
    for _ in range(40):  # Tab through the page, checking each acknowledgement with Space
        if all(b.isChecked() for b in boxes):
            break
        key(qtbot, wizard, Qt.Key.Key_Tab)
        if wizard.focusWidget() in boxes and not wizard.focusWidget().isChecked():
            key(qtbot, wizard, Qt.Key.Key_Space)
    assert all(b.isChecked() for b in boxes)
    alt(qtbot, wizard, "n")
    assert page(wizard) == "review"
    assert "ENG10A" in wizard.pages["review"].summary.toPlainText()
    alt(qtbot, wizard, "s")  # &Submit request (the commit page)
    assert page(wizard) == "done"
    reference = wizard.presenter.submitted.reference
    assert reference in wizard.pages["done"].text.text()

    row = store.query("SELECT * FROM requests WHERE reference = ?", (reference,))[0]
    assert (row["student_id"], row["pathway"], row["status"], row["eligible"]) == (
        student["id"], "part_time", "submitted", 1)
    findings = {f["rule"]: f["outcome"] for f in json.loads(row["evaluation"])["findings"]}
    assert findings == {"R01": "pass", "R02": "pass", "R03": "pass", "R04": "pass", "R06": "warn",
                        "R07": "pass", "R09": "warn"}
    assert drafts.count_drafts(store) == 0
    alt(qtbot, wizard, "d")  # &Done
    assert wizard.result() == RequestWizard.DialogCode.Accepted


def test_full_time_request_by_mouse(qtbot, demo_session):
    store = demo_session.store
    student = student_by_sql(store, "s.mshsaa_activities = 0")
    wizard = open_wizard(qtbot, store, student_id=student["id"])
    submitted = []
    wizard.submitted.connect(submitted.append)
    assert "No open MOCAP requests" in wizard.pages["student"].card.text()
    qtbot.mouseClick(wizard.button(RequestWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    click_option(qtbot, wizard.pages["pathway"].buttons["full_time"])
    qtbot.mouseClick(wizard.button(RequestWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert page(wizard) == "full_time"

    ft = wizard.pages["full_time"]
    qtbot.mouseClick(wizard.button(RequestWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert page(wizard) == "full_time"
    assert wizard.findChild(QWidget, "error_provider").isVisible()
    ft.provider.setCurrentIndex(ft.provider.findText("Mizzou Academy"))
    qtbot.keyClicks(ft.host, "099-950")
    ft.notice.setDate(ft.notice.date().addDays(-7))  # notice came last Friday, November 20
    assert "Dec 9, 2026" in ft.due.text()
    click_option(qtbot, ft.reasons["Bullying or safety"])
    qtbot.mouseClick(wizard.button(RequestWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert page(wizard) == "eligibility"
    assert "R06" in wizard.pages["eligibility"].findings.toPlainText()
    qtbot.mouseClick(wizard.button(RequestWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    for box in wizard.pages["family"].acks.values():
        click_option(qtbot, box)
    assert all(b.isChecked() for b in wizard.pages["family"].acks.values())
    qtbot.mouseClick(wizard.button(RequestWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert page(wizard) == "review"
    qtbot.mouseClick(wizard.button(RequestWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    assert page(wizard) == "done" and len(submitted) == 1

    row = store.query("SELECT * FROM requests WHERE id = ?", (submitted[0],))[0]
    assert (row["pathway"], row["status"], row["routing"]) == ("full_time", "notice_received", "provider")
    assert (row["received"], row["input_due"], row["host_district"]) == ("2026-11-20", "2026-12-09", "099950")
    evaluation = json.loads(row["evaluation"])
    assert {f["rule"]: f["outcome"] for f in evaluation["findings"]}["R06"] == "not_applicable"
    assert evaluation["icap_required"] is True
    assert json.loads(row["family_reasons"]) == ["Bullying or safety"]
    provider = store.query("SELECT name FROM providers WHERE id = ?", (row["provider_id"],))[0]["name"]
    assert provider == "Mizzou Academy"


def test_cancel_keeps_the_draft_and_it_resumes_on_the_same_page(qtbot, demo_session, monkeypatch):
    store = demo_session.store
    student = student_by_sql(store, "1 = 1")
    wizard = open_wizard(qtbot, store, student_id=student["id"])
    wizard.next()
    wizard.pages["pathway"].buttons["part_time"].setChecked(True)
    wizard.next()
    wizard.pages["part_time"].in_person.setText("1.5")
    wizard.pages["part_time"].search.setText("BIOA")
    wizard.pages["part_time"].results.selectRow(0)
    wizard.pages["part_time"].add.click()
    wizard.next()
    assert page(wizard) == "eligibility"
    monkeypatch.setattr(wizard, "ask_keep_draft", lambda: "keep")
    wizard.reject()
    assert not wizard.isVisible()
    saved = drafts.list_drafts(store)
    assert len(saved) == 1 and saved[0].page == "eligibility"

    again = open_wizard(qtbot, store, draft_id=saved[0].id)
    assert page(again) == "eligibility"  # walked forward through each page's checks
    assert again.pages["part_time"].in_person.text() == "1.5"
    assert again.pages["part_time"].selected.item(0, 0).text() == "BIOA"
    monkeypatch.setattr(again, "ask_keep_draft", lambda: "discard")
    again.reject()
    assert drafts.count_drafts(store) == 0


def test_a_resumed_draft_with_a_now_invalid_page_stops_there(qtbot, demo_session):
    store = demo_session.store
    student = student_by_sql(store, "1 = 1")
    body = {"student_id": student["id"], "pathway": "part_time", "start_term": "2027-spring",
            "start_date": "2027-01-05", "received": "2026-11-27", "in_person_credits": "-2",
            "courses": [], "page": "family"}
    draft_id = drafts.save_draft(store, body, page="family", student_id=student["id"])
    wizard = open_wizard(qtbot, store, draft_id=draft_id)
    assert page(wizard) == "part_time"
    assert "cannot be negative" in wizard.findChild(QWidget, "error_in_person_credits").text()
    assert "Add at least one course" in wizard.findChild(QWidget, "error_courses").text()


INPUTS = (QLineEdit, QComboBox, QDateEdit, QAbstractButton, QAbstractItemView, QTextBrowser)


def test_every_control_on_every_page_has_an_accessible_name(qtbot, demo_session):
    store = demo_session.store
    wizard = open_wizard(qtbot, store, student_id=student_by_sql(store, "s.mshsaa_activities = 1")["id"])
    wizard.presenter.set_pathway("part_time")
    for key_ in PAGES:
        # Every page's widgets exist from the start; the family page's checkboxes are built on entry.
        if key_ == "family":
            wizard.presenter.page_entered("family")
        unnamed = []
        for widget in wizard.pages[key_].findChildren(QWidget):
            if not isinstance(widget, INPUTS) or isinstance(widget, QHeaderView) or inside_a_control(widget):
                continue  # a control's own parts (a combo's list, a table's header, a clear button)
            name = widget.accessibleName() or (widget.text() if isinstance(widget, QAbstractButton) else "")
            if not name.strip():
                unnamed.append(f"{type(widget).__name__} {widget.objectName()}")
        assert unnamed == [], f"{key_}: {unnamed}"
    for button in (RequestWizard.WizardButton.NextButton, RequestWizard.WizardButton.BackButton,
                   RequestWizard.WizardButton.CancelButton, RequestWizard.WizardButton.CommitButton):
        assert wizard.button(button).text().strip("&<> ")


def test_every_page_fits_its_window_on_a_1366x768_screen(qtbot, demo_session):
    """The wizard opens at a size a 1366x768 laptop shows whole (with a taskbar), and at that size
    every page's content fits without a scroll bar, so no text is cut off."""
    store = demo_session.store
    wizard = open_wizard(qtbot, store, student_id=student_by_sql(store, "s.mshsaa_activities = 1")["id"])
    frame = wizard.frameGeometry().size() - wizard.geometry().size()
    assert wizard.width() + frame.width() <= 1366 and wizard.height() + max(frame.height(), 30) <= 768 - 40
    wizard.presenter.set_pathway("part_time")
    wizard.presenter.page_entered("family")  # builds the acknowledgements
    viewport = wizard.pages["student"].body.parentWidget().size()
    assert viewport.width() > 900 and viewport.height() > 500
    for key_ in PAGES:
        needed = wizard.pages[key_].body.minimumSizeHint()
        assert needed.width() <= viewport.width() and needed.height() <= viewport.height(), (key_, needed)


def test_the_pathway_page_shows_where_the_keyboard_is_and_arrows_choose(qtbot, demo_session):
    store = demo_session.store
    wizard = open_wizard(qtbot, store, student_id=student_by_sql(store, "1 = 1")["id"])
    wizard.next()
    pathway = wizard.pages["pathway"]
    assert page(wizard) == "pathway" and wizard.focusWidget() is pathway.buttons["part_time"]
    assert wizard.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)  # the focus frame is drawn
    assert not any(b.isChecked() for b in pathway.buttons.values())
    key(qtbot, wizard, Qt.Key.Key_Down)  # moving to an option chooses it
    assert wizard.focusWidget() is pathway.buttons["full_time"] and pathway.buttons["full_time"].isChecked()
    assert wizard.presenter.state.pathway == "full_time"


def test_the_arrow_from_the_waivers_yes_chooses_no_document(qtbot, demo_session):
    from tests.unit.presenters.wizard_fake import course_id

    store = demo_session.store
    gap = store.query("SELECT e.student_id FROM enrollments e JOIN students s ON s.id = e.student_id "
                      "WHERE e.exit = '2026-09-25' AND s.grade IN ('9','10','11','12') AND NOT EXISTS "
                      "(SELECT 1 FROM requests r WHERE r.student_id = s.id) ORDER BY e.student_id LIMIT 1")
    wizard = open_wizard(qtbot, store, student_id=gap[0]["student_id"])
    wizard.next()
    wizard.pages["pathway"].buttons["part_time"].setChecked(True)
    wizard.next()
    wizard.pages["part_time"].in_person.setText("2.5")
    wizard.presenter.add_course(course_id(store, "ENG10A"))
    wizard.next()
    elig = wizard.pages["eligibility"]
    assert page(wizard) == "eligibility" and elig.waiver.isVisible()  # the prior term was missed
    elig.yes.setFocus()
    qtbot.waitUntil(elig.yes.hasFocus)
    key(qtbot, wizard, Qt.Key.Key_Right)
    assert wizard.focusWidget() is elig.no and elig.no.isChecked()
    assert wizard.presenter.state.waiver_documented is False
    key(qtbot, wizard, Qt.Key.Key_Left)
    assert wizard.focusWidget() is elig.yes and elig.yes.isChecked()
