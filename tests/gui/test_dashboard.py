"""The dashboard in the main window (offscreen): the area for the roles that have it, its
charts painted with the year's figures, the year selector, every control reached by Tab with
an accessible name, and the save button."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QPushButton, QTableWidget

from mocap_desktop.app import build_main_window
from mocap_desktop.services.session import sign_in
from tests.gui.tabbing import assert_tab_cycle


def test_the_dashboard_shows_the_years_figures_and_cycles_by_keyboard(qtbot, demo_data_dir, tmp_path, monkeypatch):
    session = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    window = build_main_window(session)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("dashboard")
    dashboard = window.dashboard
    assert window.current_area() == "dashboard"
    year = dashboard.year
    assert year.count() >= 2 and year.currentText() in ("2025-26", "2026-27")
    year.setCurrentIndex(year.findText("2025-26"))
    assert dashboard.title.text() == "MOCAP in school year 2025-26"
    months = dashboard.months.values
    assert len(months) == 12 and sum(n for _, n in months) > 50
    assert "Nov: " in dashboard.months.accessibleDescription()
    assert "Completed" in dashboard.outcomes.accessibleDescription()
    assert dashboard.share.on_time + dashboard.share.late > 0
    assert dashboard.months.grab().width() > 0  # painted without a warning
    tables = dashboard.findChildren(QTableWidget)
    assert {t.accessibleName() for t in tables} >= {"Requests by building", "Denial reasons", "Cost by provider"}
    for control in (*dashboard.findChildren(QComboBox), *dashboard.findChildren(QPushButton), *tables):
        assert control.accessibleName(), control
    assert_tab_cycle(qtbot, dashboard, year)

    saved = tmp_path / "board.pdf"
    monkeypatch.setattr(dashboard, "ask_save_path", lambda suggested: saved)
    shown = []
    monkeypatch.setattr(dashboard, "show_message", lambda title, text: shown.append(text))
    dashboard.save.click()
    assert saved.read_bytes().startswith(b"%PDF") and shown
    session.close()


def test_a_counselor_also_checks_an_invoice_from_it(qtbot, demo_data_dir):
    session = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    window = build_main_window(session)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("dashboard")
    dashboard = window.dashboard
    assert dashboard.invoice.isVisible() and dashboard.invoice.accessibleName()
    seen = assert_tab_cycle(qtbot, dashboard, dashboard.year)
    assert dashboard.invoice in seen and dashboard.worksheet in seen and dashboard.worksheet.accessibleName()
    session.close()


def test_the_administrator_has_no_invoice_button(qtbot, demo_data_dir):
    session = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    window = build_main_window(session)
    qtbot.addWidget(window)
    assert window.dashboard.invoice.isHidden() and window.dashboard.worksheet.isHidden()  # they name students
    session.close()


def test_the_front_desk_has_no_dashboard(qtbot, demo_data_dir):
    session = sign_in(demo_data_dir, "frontdesk", "demo-frontdesk", demo=True)
    window = build_main_window(session)
    qtbot.addWidget(window)
    assert "dashboard" not in window._keys and not hasattr(window, "dashboard")
    session.close()


__all__ = ["Path"]
