"""File → Import roster…: the dialog with a worker thread, from the empty lookup to a filled one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from mocap_desktop.app import build_main_window
from mocap_desktop.ui.views.import_dialog import ImportDialog

ROSTER = Path(__file__).resolve().parents[1] / "data" / "roster"


@pytest.fixture
def window(qtbot, office):
    session = office
    w = build_main_window(session)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    for dialog in w.findChildren(ImportDialog):
        dialog.runner.wait()


def open_dialog(qtbot, window) -> ImportDialog:
    qtbot.mouseClick(window.lookup.import_button, Qt.MouseButton.LeftButton)
    dialogs = window.findChildren(ImportDialog)
    assert len(dialogs) == 1
    qtbot.waitExposed(dialogs[0])
    return dialogs[0]


def test_check_then_import_from_the_dialog_fills_the_lookup(qtbot, window):
    assert window.import_action.isEnabled()
    assert window.lookup.results.currentWidget() is window.lookup.no_students
    dialog = open_dialog(qtbot, window)
    assert not dialog.check_button.isEnabled()
    dialog.presenter.file_chosen(ROSTER / "powerschool-bom.csv")
    assert "powerschool-bom.csv" in dialog.file_label.text()
    combos = {c.accessibleName(): c for c in dialog.findChildren(QComboBox)}
    assert combos["Column for Local student number (required)"].currentText() == "Student_Number"
    assert dialog.preview.rowCount() == 7 and dialog.preview.item(0, 3).text() == "Nguyễn"

    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.problems.rowCount() == 1, timeout=10000)
    assert dialog.problems.item(0, 0).text() == "9"
    assert "has 9 digits" in dialog.problems.item(0, 2).text()
    qtbot.waitUntil(dialog.import_button.isEnabled)

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)  # all or nothing
    qtbot.waitUntil(lambda: "Nothing was imported" in dialog.message.text(), timeout=10000)
    assert window.lookup.results.currentWidget() is window.lookup.no_students

    dialog.skip_invalid.setChecked(True)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Imported. 7 rows read" in dialog.message.text(), timeout=10000)
    assert "5 students added" in dialog.message.text()
    assert dialog.next_button.isVisible() and dialog.next_button.text() == "Import enrollment history next…"
    assert window.lookup.model.rowCount() == 5  # the lookup refreshed itself
    dialog.close()


def test_mapping_combo_changes_reach_the_presenter(qtbot, window):
    dialog = open_dialog(qtbot, window)
    dialog.presenter.file_chosen(ROSTER / "missing-grade.csv")
    assert not dialog.check_button.isEnabled()
    assert "Grade" in dialog.message.text()
    qtbot.wait(50)  # the layout shows new widgets from the event loop
    combos = {c.accessibleName(): c for c in dialog.findChildren(QComboBox) if c.isVisible()}
    grade = combos["Column for Grade (required)"]
    assert grade.currentText() == "— not in this file —"
    last = combos["Column for Last name (required)"]
    last.setCurrentIndex(last.findData("Birthdate"))  # one column feeds one field
    qtbot.waitUntil(lambda: "Choose a column for: Grade" in dialog.message.text())
    grade.setCurrentIndex(grade.findData("Last Name"))
    qtbot.waitUntil(dialog.check_button.isEnabled)
    dialog.close()


def test_every_focusable_control_in_the_dialog_has_an_accessible_name(qtbot, window):
    from PySide6.QtWidgets import QWidget

    dialog = open_dialog(qtbot, window)
    dialog.presenter.file_chosen(ROSTER / "powerschool-bom.csv")
    qtbot.wait(50)
    focusable = [w for w in dialog.findChildren(QWidget)
                 if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus
                 and type(w).__name__ not in ("QScrollBar", "QSplitterHandle")
                 and not w.objectName().startswith("qt_")]
    assert len(focusable) > 30
    assert [w for w in focusable if not w.accessibleName()] == []
    dialog.close()


def test_a_oneroster_zip_through_the_dialog(qtbot, window, tmp_path):
    import zipfile

    export = tmp_path / "oneroster-1.1.zip"
    with zipfile.ZipFile(export, "w") as z:
        for f in sorted((ROSTER / "oneroster-1.1-bulk").iterdir()):
            z.write(f, f.name)
    dialog = open_dialog(qtbot, window)
    dialog.presenter.file_chosen(export)
    assert "oneroster-1.1.zip" in dialog.file_label.text()
    assert "OneRoster 1.1, bulk" in dialog.file_label.text()
    qtbot.wait(50)
    combos = {c.accessibleName(): c for c in dialog.findChildren(QComboBox) if c.isVisible()}
    assert combos["Column for Local student number (required)"].currentText() == "userIds: SIS"
    mosis = combos["Column for MOSIS ID"]
    assert mosis.currentText() == "identifier"
    mosis.setCurrentIndex(0)  # not in this file
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10000)
    assert "Would add 3" in dialog.message.text()
    assert "1 pre-kindergarten and ungraded row skipped (PK 1)" in dialog.message.text()
    assert "3 students without a MOSIS ID" in dialog.message.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Imported." in dialog.message.text(), timeout=10000)
    assert window.lookup.model.rowCount() == 3
    dialog.close()
