"""The review queue, request detail, decision and appeal dialogs as a person uses them
(pytest-qt, offscreen): colours with words, keyboard reach, R12-R15 inline, and a request
from submission through a denial, an appeal and an overturn."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QComboBox, QDateEdit, QDialog, QLineEdit, QPlainTextEdit, QStyleOptionViewItem,
    QTableView, QWidget,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review_seed import TODAY, small_district, submit  # noqa: E402

from mocap_desktop import app as app_module  # noqa: E402
from mocap_desktop.services import review  # noqa: E402
from mocap_desktop.services.session import Session  # noqa: E402
from mocap_desktop.ui.presenters.queue import DAYS_COLUMN, DUE_COLUMN, QueueLine  # noqa: E402
from mocap_desktop.ui.views.appeal_dialog import AppealDialog  # noqa: E402
from mocap_desktop.ui.views.decision_dialog import DecisionDialog  # noqa: E402
from mocap_desktop.ui.views.main_window import Area, MainWindow  # noqa: E402
from mocap_desktop.ui.views.queue import (  # noqa: E402
    ROW_TINT, TEXT_COLOR, URGENCY_PREFIX, QueueTableModel, QueueWidget,
)
from mocap_desktop.ui.views.request_detail import RequestDetailDialog  # noqa: E402

ACTOR = "Dana Whitfield"


@pytest.fixture
def session(store, data_dir):
    district = small_district(store)
    ids = {
        "overdue": submit(store, district["zoe"], date(2026, 11, 10)),
        "soon": submit(store, district["lukasz"], date(2026, 11, 16)),
        "full": submit(store, district["private"], date(2026, 11, 30), pathway="full_time"),
        "iep": submit(store, district["iep"], date(2026, 11, 23)),
        "ineligible": submit(store, district["private"], date(2026, 11, 30)),
    }
    store.set_setting("staff_name", ACTOR)
    s = Session(data_dir, store, demo=False)
    s.ids = ids  # type: ignore[attr-defined]
    return s


@pytest.fixture
def window(qtbot, session):
    queue = QueueWidget()
    win = MainWindow([Area("queue", "Review queue", queue, "Ctrl+2")])
    win.presenters = []  # type: ignore[attr-defined]
    qtbot.addWidget(win)
    app_module.wire_queue(win, queue, session, lambda: TODAY)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    return win


def when_modal(kind, action, timeout_ms: int = 5000) -> list:
    """Run `action(dialog)` once a modal dialog of `kind` is up (the code under test is in exec()).

    A failure inside `action` closes the dialog and is kept in the returned list, for the test to
    raise once exec() has returned (an exception must not escape into Qt's event loop)."""
    errors: list = []
    waited = [0]

    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            try:
                action(dialog)
            except BaseException as err:  # noqa: BLE001 - handed back to the test
                errors.append(err)
                dialog.reject()
        elif waited[0] < timeout_ms:
            waited[0] += 20
            QTimer.singleShot(20, poll)
        else:
            errors.append(TimeoutError(f"no {kind.__name__} appeared"))

    QTimer.singleShot(0, poll)
    return errors


def controls(parent: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QDateEdit, QTableView)
    def internal(w: QWidget) -> bool:  # parts Qt builds inside a control (clear button, corner button)
        p = w.parentWidget()
        while p is not None and p is not parent:
            if isinstance(p, (QComboBox, QDateEdit, QLineEdit, QTableView)):
                return True
            p = p.parentWidget()
        return w.objectName().startswith("qt_")

    return [w for w in parent.findChildren(QWidget) if isinstance(w, kinds) and not internal(w)]


def raise_first(errors: list) -> None:
    if errors:
        raise errors[0]


# --- the table model -------------------------------------------------------------------------

def lines(n: int) -> list[QueueLine]:
    return [QueueLine(i, f"MOCAP-2026-{i:04d}", (f"Student {i}", "Part-time", "CHEMA", "High", "Nov 1, 2026",
                                                  "Dec 1, 2026", "3 days left", "Building", "Submitted"),
                      ("overdue", "soon", "")[i % 3], "tip", True) for i in range(n)]


def test_queue_model_fetches_pages_as_asked(qtbot):
    model = QueueTableModel()
    everything = lines(250)
    asked = []

    def more(offset, count):
        asked.append((offset, count))
        return everything[offset:offset + count]

    model.set_lines(everything[:100], 250, more)
    assert model.rowCount() == 100 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fill_all()  # as a view does before it searches the rows (no view paints them here)
    assert model.rowCount() == 200 and model.data(model.index(199, 0)) == "Student 199"
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 250 and not model.canFetchMore(QModelIndex())
    assert asked == [(100, 100), (200, 50)]
    model.fetchMore(QModelIndex())
    assert asked == [(100, 100), (200, 50)]


@pytest.mark.parametrize("shown, total", [(100, 250), (3, 3), (0, 0)])
def test_queue_model_passes_the_model_tester(qtmodeltester, shown, total):
    model = QueueTableModel()
    everything = lines(total)
    model.set_lines(everything[:shown], total, lambda offset, count: everything[offset:offset + count])
    qtmodeltester.check(model)  # the tester also fetches the remaining pages
    assert model.rowCount() == total


def test_what_a_painted_cell_shows_is_its_line(window):
    """The table paints from the cells Qt holds, copied from each line when it is first painted:
    the text, tint, colour and font the delegate paints are the line's."""
    table = window.queue.table
    model = table.model()
    table.viewport().repaint()
    delegate = table.itemDelegate()
    urgent = plain = 0
    for row in range(model.rowCount()):
        line = model.line(row)
        for column in range(model.columnCount()):
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, model.index(row, column))
            days = bool(line.urgency) and column == DAYS_COLUMN
            text = line.cells[column]
            assert option.text == (URGENCY_PREFIX[line.urgency] + text if days else text)
            assert option.font.bold() == days
            if line.urgency:
                urgent += 1
                assert option.backgroundBrush.color() == ROW_TINT[line.urgency]
                if column in (DUE_COLUMN, DAYS_COLUMN):
                    assert option.palette.color(QPalette.ColorRole.Text) == TEXT_COLOR[line.urgency]
            else:
                plain += 1
                assert option.backgroundBrush.style() == Qt.BrushStyle.NoBrush
            assert model.data(model.index(row, column), Qt.ItemDataRole.UserRole) == line.request_id
    assert urgent and plain


def test_urgency_is_a_colour_and_words(window, session):
    table = window.queue.table
    model = table.model()
    first = model.index(0, 6)
    assert model.data(first) == "● Overdue by 2 days"
    assert model.data(first, Qt.ItemDataRole.ForegroundRole).color() == TEXT_COLOR["overdue"]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole).color() == ROW_TINT["overdue"]
    assert model.data(model.index(1, 6)) == "▲ Soon: 2 days left"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole).color() == ROW_TINT["soon"]
    plain = next(r for r in range(model.rowCount()) if model.data(model.index(r, 6)).endswith("days left")
                 and not model.data(model.index(r, 6)).startswith("▲"))
    assert model.data(model.index(plain, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.AccessibleTextRole) == "Student: Nguyễn-Peña, Zoë"
    assert window.queue.notice.isVisible()
    assert window.queue.notice.text().startswith("⚠ 1 request is overdue; 1 is due within 2 business days.")
    status = window.findChild(QWidget, "deadlineNotice")
    assert status.full_text().startswith("⚠ Review queue: 1 request is overdue") and status.isVisible()
    assert window.nav.item(0).text() == "Review queue ⚠ 2"


def shown(table, column: int = 0) -> list:
    """The texts a column of the table shows, once it has painted them."""
    table.viewport().repaint()
    model = table.model()
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_filters_search_and_sort_from_the_controls(qtbot, window):
    queue = window.queue
    model = queue.table.model()
    assert model.rowCount() == 5
    pathway = queue.combos["pathway"]
    assert pathway.itemText(0) == "Both pathways (5)" and pathway.itemText(2) == "Full-time program (1)"
    routing = queue.combos["routing"]
    before = [(routing.itemData(i), routing.itemText(i)) for i in range(routing.count())]
    pathway.setCurrentIndex(pathway.findData("full_time"))
    assert model.rowCount() == 1 and shown(queue.table, 1) == ["Full-time"]
    # The other filters' counts follow, relabelled in place: the same choices, new counts.
    after = [(routing.itemData(i), routing.itemText(i)) for i in range(routing.count())]
    assert [v for v, _ in after] == [v for v, _ in before] and after != before
    assert after[0][1].endswith("(1)") and pathway.currentData() == "full_time"
    assert queue.summary.text().startswith("1 request shown")
    queue.clear_button.click()
    assert model.rowCount() == 5 and queue.combos["pathway"].currentIndex() == 0
    qtbot.keyClicks(queue.search, "lukasz")
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert shown(queue.table) == ["Łukaszewicz, Łukasz"]
    queue.search.clear()
    qtbot.waitUntil(lambda: model.rowCount() == 5)
    queue.overdue.setChecked(True)
    assert model.rowCount() == 1 and queue.overdue.text() == "&Overdue only (1)"
    queue.overdue.setChecked(False)
    header = queue.table.horizontalHeader()
    student_column = QPoint(header.sectionViewportPosition(0) + 20, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=student_column)
    first = shown(queue.table)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=student_column)
    second = shown(queue.table)
    ascending = sorted(first, key=review.fold)
    assert {tuple(first), tuple(second)} == {tuple(ascending), tuple(reversed(ascending))}
    assert ascending[0] == "Dubois, Olivia" and ascending[-1] == "Okafor, Ava"  # Ł sorts as L


def test_the_filters_keep_their_width_as_their_counts_shrink(qtbot):
    from mocap_desktop.ui.presenters.display import Choice
    from mocap_desktop.ui.presenters.queue import FilterChoices

    queue = QueueWidget()
    qtbot.addWidget(queue)
    queue.resize(1366, 300)
    queue.show()

    def choices(n: int) -> FilterChoices:
        def of(*labels):
            return tuple(Choice(label.split()[0].lower(), f"{label} ({n})") for label in labels)
        return FilterChoices(status=of("Open", "Every request"), building=of("All buildings", "Maple Valley High"),
                             pathway=of("Both pathways"), routing=of("Any routing"),
                             overdue_label=f"Overdue only ({n})")

    queue.show_filters(choices(12345), review.QueueFilter())
    QApplication.processEvents()
    wide = {key: combo.width() for key, combo in queue.combos.items()} | {"overdue": queue.overdue.width()}
    queue.show_filters(choices(7), review.QueueFilter())
    QApplication.processEvents()
    # the same place for every control: nothing moves under the pointer as the counts change
    assert {key: combo.width() for key, combo in queue.combos.items()} | {"overdue": queue.overdue.width()} == wide
    assert queue.combos["pathway"].itemText(0) == "Both pathways (7)"
    queue.show_filters(choices(1234567), review.QueueFilter())
    QApplication.processEvents()
    assert all(queue.combos[key].width() > wide[key] for key in queue.combos)  # but a longer label fits


def test_every_queue_control_is_reachable_by_keyboard_and_named(qtbot, window):
    queue = window.queue
    window.activateWindow()
    queue.search.setFocus()
    qtbot.waitUntil(queue.search.hasFocus)
    seen = []
    widget = QApplication.focusWidget()
    for _ in range(30):
        seen.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is queue.search:
            break
    expected = [queue.search, *queue.combos.values(), queue.overdue, queue.table, queue.clear_button,
                queue.open_button, queue.export_button]
    for control in expected:
        assert control in seen, control.objectName() or control.accessibleName()
        assert control.accessibleName(), control
    for control in controls(queue):
        assert control.accessibleName(), control


def test_enter_on_a_row_opens_the_request(qtbot, window, session):
    queue = window.queue
    opened = []
    queue.open_requested.disconnect()
    queue.open_requested.connect(opened.append)
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_Down)
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    assert opened == [session.ids["soon"]]


# --- the decision dialog: R12-R15 inline, Save only when valid -------------------------------------

def fill(dialog: DecisionDialog, choice: str = "denied", reasons=("ACADEMIC_READINESS",), explanation="Needs Algebra I.",
         attest=False, role="principal", name="Dr. Lena Ortiz"):
    for code in dialog.course_groups:
        dialog.set_course(code, choice)
    for code, box in dialog.reason_boxes.items():
        box.setChecked(code in reasons)
    dialog.explanation.setPlainText(explanation)
    dialog.attestation.setChecked(attest)
    dialog.role.setCurrentIndex(dialog.role.findData(role))
    dialog.name.setText(name)


@pytest.mark.parametrize("change, label, message", [
    (dict(reasons=()), "r12", "A denial must give at least one reason."),
    (dict(reasons=("COST",)), "r12", "These reasons cannot be used to deny a request: COST."),
    (dict(explanation=""), "r12", "A denial must include a written explanation"),
    (dict(role="section_504_team"), "r13", "This decision must be made by the principal"),
    (dict(choice="approved", reasons=()), "r14", "consider the in-person options"),
])
def test_decision_dialog_shows_each_rule_failure_inline(qtbot, session, change, label, message):
    dialog = app_module.make_decision_dialog(None, session, session.ids["overdue"], ACTOR, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    fill(dialog)
    assert dialog.save_button.isEnabled() and not any(
        getattr(dialog, n).text() for n in ("r12", "r13", "r14", "r15"))
    fill(dialog, **change)
    inline = getattr(dialog, label)
    assert inline.isVisible() and message in inline.text()
    assert not dialog.save_button.isEnabled()
    assert "Not ready" in dialog.checks.text()
    dialog.save_button.click()  # disabled: nothing happens
    assert review.latest_decision(session.store, session.ids["overdue"]) is None


def test_decision_dialog_r15_for_an_ineligible_student(qtbot, session):
    dialog = app_module.make_decision_dialog(None, session, session.ids["ineligible"], ACTOR, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "can only be denied" in dialog.notes.text()
    fill(dialog, choice="approved", reasons=(), attest=True)
    assert dialog.r15.isVisible() and "does not meet the eligibility rules" in dialog.r15.text()
    assert not dialog.save_button.isEnabled()
    fill(dialog, choice="denied", attest=False)
    assert dialog.save_button.isEnabled() and not dialog.r15.text()


def test_nothing_is_said_about_a_denial_before_anything_is_denied(qtbot, session):
    dialog = app_module.make_decision_dialog(None, session, session.ids["ineligible"], ACTOR, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not any(getattr(dialog, n).text() for n in ("r12", "r14", "r15"))
    assert "Choose approve or deny for every course" in dialog.checks.text()
    assert not dialog.save_button.isEnabled()


def test_the_form_keeps_its_place_as_rule_messages_come_and_go(qtbot, session):
    """A message appearing or going never moves the fields below it (a click meant for the
    name must not land on the date)."""
    dialog = app_module.make_decision_dialog(None, session, session.ids["overdue"], ACTOR, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.resize(1366 // 2, 700)
    dialog.show()
    qtbot.waitExposed(dialog)

    def places():
        QApplication.processEvents()
        return [w.mapTo(dialog, w.rect().topLeft()).y() for w in (dialog.attestation, dialog.name, dialog.decided_on)]

    fill(dialog, reasons=(), explanation="", role="section_504_team")
    assert dialog.r12.text() and dialog.r13.text()
    with_messages = places()
    fill(dialog)
    assert not dialog.r12.text() and not dialog.r13.text()
    assert places() == with_messages


def test_the_signed_in_principal_is_who_decided(qtbot, demo_data_dir):
    from mocap_desktop.services.session import sign_in

    principal = sign_in(demo_data_dir, "principal", "demo-principal", demo=True)
    try:
        request_id = principal.store.query("SELECT id FROM requests WHERE status = 'submitted' LIMIT 1")[0]["id"]
        dialog = app_module.make_decision_dialog(None, principal, request_id, principal.user.name)
        qtbot.addWidget(dialog)
        assert dialog.name.text() == principal.user.name and dialog.role.currentData() in ("principal", "iep_team",
                                                                                            "section_504_team")
    finally:
        principal.close(sign_out=False)


def test_decision_dialog_controls_are_keyboard_reachable_and_named(qtbot, session):
    dialog = app_module.make_decision_dialog(None, session, session.ids["overdue"], ACTOR, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    found = controls(dialog)
    assert len(found) >= 15
    for control in found:
        if control.objectName() == "qt_calendar_prevmonth" or not control.isVisibleTo(dialog):
            continue
        assert control.accessibleName(), control
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.accessibleName()


# --- end to end: submitted -> denied -> appealed -> overturned ------------------------------------------

def test_from_submission_to_denial_appeal_and_overturn(qtbot, window, session):
    store = session.store
    rid = session.ids["overdue"]
    queue = window.queue
    assert queue.model.line(0).request_id == rid

    # Open the most urgent request from the queue with the keyboard.
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(isinstance(w, RequestDetailDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()))
    detail = next(w for w in QApplication.topLevelWidgets() if isinstance(w, RequestDetailDialog) and w.isVisible())
    assert detail.title.accessibleName() == "MOCAP-2026-0001 · Nguyễn-Peña, Zoë"
    assert "Overdue by 2 days" in detail.status.accessibleName()

    # Record a denial in the decision dialog, by clicks and keys.
    def deny(dialog: DecisionDialog):
        qtbot.mouseClick(dialog.deny_all, Qt.MouseButton.LeftButton)
        dialog.reason_boxes["ACADEMIC_READINESS"].click()
        qtbot.keyClicks(dialog.explanation, "She has not finished Algebra I, which Chemistry needs.")  # QTest types ASCII only
        qtbot.keyClicks(dialog.name, "Dr. Lena Ortiz")
        assert dialog.save_button.isEnabled()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    errors = when_modal(DecisionDialog, deny)
    detail.action_buttons["decide"].click()
    raise_first(errors)
    assert store.query("SELECT status FROM requests WHERE id = ?", (rid,))[0]["status"] == "denied"
    assert detail.status.accessibleName().startswith("Status: Denied")
    assert queue.model.line(0).request_id != rid  # no longer due: the queue refreshed

    # The family appeals to the board.
    def appeal(dialog: AppealDialog):
        assert "Dec 31, 2026" in dialog.deadlines.text()
        dialog.has_hearing.setChecked(True)
        dialog.hearing_on.setDate(dialog.hearing_on.date().addDays(13))
        dialog.documents.item(0, 1).setText(r"S:\MOCAP\appeals\0001\family-letter.pdf")
        dialog.save_button.click()

    errors = when_modal(AppealDialog, appeal)
    detail.action_buttons["appeal_board"].click()
    raise_first(errors)
    assert store.query("SELECT status FROM requests WHERE id = ?", (rid,))[0]["status"] == "board_appeal"
    row = next(queue.model.line(r) for r in range(queue.model.rowCount()) if queue.model.line(r).request_id == rid)
    assert row.cells[5] == "Dec 31, 2026" and row.cells[8] == "Appealed to the board"

    # The board overturns the denial.
    def overturn(dialog: AppealDialog):
        assert not dialog.save_button.isEnabled()  # an outcome must be chosen
        dialog.overturned.setChecked(True)
        dialog.save_button.click()

    errors = when_modal(AppealDialog, overturn)
    detail.action_buttons["appeal_outcome"].click()
    raise_first(errors)
    assert store.query("SELECT status FROM requests WHERE id = ?", (rid,))[0]["status"] == "board_overturned"

    # The timeline tells the story, with who and when, and the letters are in the print center's queue.
    timeline = [e.kind for e in review.timeline(store, rid)]
    assert timeline == ["created", "evaluated", "decided", "letter_queued", "appealed", "appeal_decided",
                        "letter_queued"]
    table = detail.tabs.widget(3)
    texts = [table.item(r, 2).text() for r in range(table.rowCount())]
    assert texts[2].startswith("Decided: denied by the principal (Dr. Lena Ortiz)")
    assert texts[4].startswith("Appealed to the Board of Education on Dec 1, 2026; decision due Dec 31, 2026.")
    assert texts[5] == "Board of Education: overturned on Dec 1, 2026. Now approved: CHEMA, SPAN1A."
    assert {table.item(r, 1).text() for r in range(table.rowCount())} >= {ACTOR}
    letters = store.query("SELECT kind, status, language FROM letters WHERE request_id = ? ORDER BY id", (rid,))
    assert letters == [{"kind": "denied", "status": "pending", "language": "en"},
                       {"kind": "approved", "status": "pending", "language": "en"}]
    appeal_row = store.query("SELECT * FROM appeals WHERE request_id = ?", (rid,))[0]
    assert (appeal_row["hearing_on"], appeal_row["outcome"]) == ("2026-12-14", "overturned")
    assert "family-letter.pdf" in appeal_row["documents"]
    detail.close()


def test_the_app_window_opens_the_queue_with_a_notice(qtbot, demo_session):
    window = app_module.build_main_window(demo_session)
    qtbot.addWidget(window)
    assert window.current_area() == "lookup"  # nothing jumps; the notice waits in the status bar
    notice = window.findChild(QWidget, "deadlineNotice")
    assert notice.full_text().startswith("⚠ Review queue:") and "overdue" in notice.full_text()
    queue = window.queue
    assert queue.notice.text().startswith("⚠ ") and queue.model.line(0).urgency == "overdue"
    assert not any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets())



def test_after_a_decision_the_queue_stays_at_the_most_urgent_rows(qtbot, demo_session):
    window = app_module.build_main_window(demo_session)
    qtbot.addWidget(window)
    window.resize(1366, 500)
    window.show()
    window.show_area("queue")
    qtbot.waitExposed(window)
    queue = window.queue
    queue.combos["status"].setCurrentIndex(queue.combos["status"].findData("all"))
    qtbot.waitUntil(lambda: queue.table.verticalScrollBar().maximum() > 0)
    row = next(r for r in range(queue.model.rowCount()) if queue.model.line(r).can_decide)
    assert row < 5 and queue.model.line(0).urgency == "overdue"
    queue.table.selectRow(row)  # one of the most urgent requests, in sight
    request_id = queue.current_request_id()
    store = demo_session.store
    codes = [r["code"] for r in store.query("SELECT c.code FROM request_courses rc JOIN courses c ON c.id = rc.course_id "
                                            "WHERE rc.request_id = ?", (request_id,))]
    review.record_decision(store, request_id, review.DecisionForm(
        {code: "approved" for code in codes}, "principal", "Dr. Lena Ortiz", (), "", True, TODAY), ACTOR)
    presenter = next(p for p in window.presenters if hasattr(p, "filter_changed"))
    presenter.refresh()
    assert queue.current_request_id() == request_id  # still chosen, now lower in the list ...
    assert queue.table.verticalScrollBar().value() == 0  # ... but the overdue rows stay in sight
    assert queue.model.line(row).request_id != request_id
