"""The lookup screen with a real keyboard: typing, Up/Down/Enter, Ctrl+F, empty states, paging."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from mocap_desktop.app import build_main_window
from mocap_desktop.services.importing import run_import
from mocap_desktop.services.roster import KINDS
from mocap_desktop.ui.presenters.lookup import LookupPresenter
from mocap_desktop.ui.views.lookup import StudentLookupView

ROSTER = Path(__file__).resolve().parents[1] / "data" / "roster"


@pytest.fixture
def session(office):
    return office


def add_students(store, n: int) -> None:
    with store.transaction() as db:
        db.conn.executemany(
            "INSERT INTO students (local_number, last_name, first_name, birth_date, grade, "
            "resident_district) VALUES (?, ?, ?, '2010-01-01', '5', '099901')",
            [(f"{5000 + i}", f"Young{i % 7}", f"Avery{i:04d}") for i in range(n)])


def lookup(qtbot, store) -> tuple[StudentLookupView, LookupPresenter]:
    view = StudentLookupView()
    qtbot.addWidget(view)
    presenter = LookupPresenter(view, store)
    view.search_changed.connect(presenter.search_changed)
    view.student_selected.connect(presenter.student_selected)
    presenter.start()
    view.resize(1100, 650)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    return view, presenter


def test_typing_finds_students_and_the_keyboard_walks_the_results(qtbot, session):
    run_import(session.store, ROSTER / "powerschool-bom.csv", KINDS["students"], skip_invalid=True)
    window = build_main_window(session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    view = window.lookup
    qtbot.waitUntil(lambda: view.search.hasFocus())  # focused on open

    qtbot.keyClicks(view.search, "pena")
    assert [view.model.line(r).name for r in range(view.model.rowCount())] == ["Peña, José"]
    qtbot.keyClicks(view.search, " x")
    assert view.results.currentWidget() is view.no_match
    assert "No student matches ‘pena x’" in view.no_match.text()
    view.search.clear()
    qtbot.keyClicks(view.search, "nguy")
    assert view.model.rowCount() == 1

    view.search.clear()  # the whole roster, in name order
    assert view.model.rowCount() == 5
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert view.table.currentIndex().row() == 0
    assert view.detail.heading.isVisible()
    first = view.detail.heading.accessibleName()
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert view.table.currentIndex().row() == 1
    assert view.detail.heading.accessibleName() != first
    qtbot.keyClick(view.search, Qt.Key.Key_Up)
    assert view.detail.heading.accessibleName() == first
    assert view.search.hasFocus()  # arrows move the results, typing stays in the box

    qtbot.keyClick(view.search, Qt.Key.Key_Return)  # Enter: to the record's first action
    assert not view.search.hasFocus()
    assert view.detail.isAncestorOf(window.focusWidget())

    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus() and view.search.selectedText() == ""  # the box was empty


def test_without_the_wizard_the_button_says_why_and_enter_goes_to_the_record(qtbot, session):
    add_students(session.store, 2)
    view, _ = lookup(qtbot, session.store)
    view.set_start_request_enabled(False, "The MOCAP request wizard is not installed in this build.")
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    qtbot.keyClick(view.search, Qt.Key.Key_Enter)
    assert not view.detail.start_button.isEnabled()
    assert "not installed" in view.detail.start_button.toolTip()
    assert view.detail.scroll.hasFocus()
    qtbot.keyClick(view.detail.scroll, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus()


def test_ctrl_f_selects_the_query_to_type_over(qtbot, session):
    add_students(session.store, 3)
    view, _ = lookup(qtbot, session.store)
    qtbot.keyClicks(view.search, "young")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus() and view.search.selectedText() == "young"


def test_an_empty_roster_offers_the_import(qtbot, session):
    view, _ = lookup(qtbot, session.store)
    assert view.results.currentWidget() is view.no_students
    assert view.import_button.isVisible()
    with qtbot.waitSignal(view.import_requested, timeout=1000):
        qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)


def test_start_request_emits_the_student_when_the_wizard_is_there(qtbot, session):
    add_students(session.store, 2)
    view, _ = lookup(qtbot, session.store)
    view.set_start_request_enabled(True)
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    sid = view.model.line(0).student_id
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.detail.start_button.hasFocus()
    with qtbot.waitSignal(view.start_request_requested, timeout=1000) as signal:
        qtbot.keyClick(view.detail.start_button, Qt.Key.Key_Space)
    assert signal.args == [sid]


def test_results_are_fetched_in_pages_as_the_list_scrolls(qtbot, session):
    add_students(session.store, 3000)
    view, _ = lookup(qtbot, session.store)
    assert view.model.rowCount() == 50  # the roster has 3,000; one page is loaded
    qtbot.keyClicks(view.search, "young3")
    assert view.model.rowCount() == 50 and view.model.canFetchMore()
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() > 50)
    assert view.model.rowCount() <= 150
    for _ in range(60):
        qtbot.keyClick(view.search, Qt.Key.Key_PageDown)
    expected = len([i for i in range(3000) if i % 7 == 3])
    assert view.model.rowCount() <= expected
    names = {view.model.line(r).name for r in range(view.model.rowCount())}
    assert len(names) == view.model.rowCount()


def test_the_results_model_passes_the_model_tester(qtbot, qtmodeltester, session):
    add_students(session.store, 130)
    view, _ = lookup(qtbot, session.store)
    qtmodeltester.check(view.model)
    view.model.fetchMore()
    qtmodeltester.check(view.model)
    view.search.setText("young2")
    qtmodeltester.check(view.model)


def test_every_focusable_control_has_an_accessible_name(qtbot, session):
    add_students(session.store, 3)
    view, _ = lookup(qtbot, session.store)
    view.set_start_request_enabled(True)
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    focusable = [w for w in view.findChildren(QWidget)
                 if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus
                 and w.parent() is not None and not w.objectName().startswith("qt_")]
    assert focusable
    unnamed = [type(w).__name__ for w in focusable
               if not w.accessibleName() and type(w).__name__ not in ("QScrollBar", "QSplitterHandle")
               and not isinstance(w.parent(), type(view.table))]
    assert unnamed == []
    # Tab reaches the search box, the results and the record's action.
    view.search.setFocus()
    order = []
    for _ in range(6):
        order.append(view.focusWidget())
        qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Tab)
    assert view.table in order and view.detail.start_button in order


@pytest.mark.parametrize("width, height", [(1280, 720), (1366, 768)])
def test_the_record_needs_no_sideways_scroll_on_a_small_screen(qtbot, demo_data_dir, width, height):
    from mocap_desktop.services.session import sign_in

    session = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    store = session.store
    sid, number = store.query(
        "SELECT s.id, s.local_number FROM students s JOIN requests r ON r.student_id = s.id "
        "GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT 1")[0].values()
    with store.transaction() as db:  # a long address, e-mail and name, as real rosters have
        db.execute("UPDATE guardians SET name = 'Guadalupe Alejandra Hernández-Villaseñor', "
                   "address1 = '12345 North Old Settlers Cemetery Road, Apartment 1204B', "
                   "email = 'guadalupe.hernandez.villasenor@familymail.example' WHERE student_id = ?", (sid,))
        db.execute("UPDATE students SET address1 = '12345 North Old Settlers Cemetery Road, Apartment 1204B' "
                   "WHERE id = ?", (sid,))
    window = build_main_window(session)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("lookup")
    view = window.lookup
    view.search.setText(number)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.detail.student_id == sid)
    scroll = view.detail.scroll

    def labels() -> list[QLabel]:
        return [w for w in view.detail.body.findChildren(QLabel) if w.isVisible()]

    qtbot.waitUntil(lambda: len(labels()) > 10)  # the record is laid out
    qtbot.wait(50)
    assert view.detail.body.width() <= scroll.viewport().width()
    assert scroll.horizontalScrollBar().maximum() == 0
    assert all(w.mapTo(view.detail.body, w.rect().topRight()).x() < scroll.viewport().width() for w in labels())
    window.close()
    session.close(sign_out=False)
