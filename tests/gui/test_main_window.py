"""The shell: navigation by mouse and keyboard, status bar, About, backup."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from mocap_desktop.app import build_main_window
from mocap_desktop.store.district import DistrictRepo


def test_navigation_by_click_and_shortcut(qtbot, demo_session):
    window = build_main_window(demo_session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.current_area() == "lookup"

    rect = window.nav.visualItemRect(window.nav.item(1))
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_area() == "queue"
    assert window.stack.currentIndex() == 1

    # Keys go where a real keyboard sends them: the focused widget.
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "print"
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "lookup"


def test_status_bar_names_the_district_and_database(qtbot, demo_session):
    window = build_main_window(demo_session)
    qtbot.addWidget(window)
    text = window.status_label.full_text()
    assert "Maple Valley R-IV School District (099-901)" in text
    assert "demo.sqlite (demo data)" in text
    assert "Maple Valley" in window.windowTitle()


def test_a_long_status_gives_up_its_end_in_a_narrow_window_keeping_the_district_and_the_whole_in_the_tooltip(
        qtbot, demo_session):
    window = build_main_window(demo_session)
    qtbot.addWidget(window)
    window.resize(1366, 700)
    window.show()
    qtbot.waitExposed(window)
    full = window.status_label.full_text()
    assert window.status_label.text() == full  # room enough: nothing given up
    window.resize(683, 700)  # half of a 1366 px screen, beside the SIS
    qtbot.waitUntil(lambda: window.status_label.text() != full)
    shown = window.status_label.text()
    district = DistrictRepo(demo_session.store).profile().name
    assert shown.endswith("…") and shown.startswith(district) and "Database" not in shown
    assert window.status_label.toolTip() == full


def test_every_navigation_control_has_an_accessible_name(qtbot, demo_session):
    window = build_main_window(demo_session)
    qtbot.addWidget(window)
    assert window.nav.accessibleName() == "Navigation"
    assert all(window.nav.item(i).text() for i in range(window.nav.count()))
    for label in window.findChildren(QLabel):
        assert label.accessibleName() or label.text() is not None


def test_the_administrator_sees_policy_to_confirm_and_opens_it_from_the_banner(qtbot, demo_data_dir):
    from mocap_desktop.app import show_policy_banner
    from mocap_desktop.services.session import sign_in
    from mocap_desktop.ui.views.district_profile import DistrictProfileDialog

    session = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    try:
        window = build_main_window(session)
        qtbot.addWidget(window)
        window.show()
        show_policy_banner(window, session)
        assert window.policy_banner.isVisible() and "10 policy values" in window.policy_banner.text.text()
        assert window.focusWidget() not in window.policy_banner.buttons  # it waits for the person
        qtbot.mouseClick(window.policy_banner.review, Qt.MouseButton.LeftButton)
        [dialog] = [w for w in window.findChildren(DistrictProfileDialog) if w.isVisible()]
        assert dialog.tabs.currentIndex() == 1
        for in_use, confirmed in dialog.policy_boxes.values():
            confirmed.setChecked(True)
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
        dialog.reject()
        assert not window.policy_banner.isVisible()
    finally:
        session.close(sign_out=False)


def test_a_large_database_found_damaged_in_the_background_says_so(qtbot, demo_session, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from mocap_desktop.app import check_in_background
    from mocap_desktop.store import db as db_module

    said = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: said.append((title, text)))
    window = build_main_window(demo_session)
    qtbot.addWidget(window)
    check_in_background(window, demo_session)
    assert not hasattr(window, "integrity_timer")  # a small file was checked as it opened
    monkeypatch.setattr(db_module, "FULL_CHECK_AT_OPEN_BYTES", 0)
    monkeypatch.setattr(type(demo_session.store), "check_integrity", lambda self: ["row 7 missing from index x"])
    check_in_background(window, demo_session, poll_ms=10)
    qtbot.waitUntil(lambda: bool(said), timeout=3000)
    assert said[0][0] == "The database file is damaged" and "row 7 missing" in said[0][1]
    assert "damaged" in window.statusBar().currentMessage()
