"""District mode in the window: the sync state in the status bar, and the changes the server
refused (ui/presenters/district.py says what they read)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.presenters.district import RefusedLine


class SyncStatusButton(QToolButton):
    """The status bar's district sync state; activating it shows the refused changes."""

    refused_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setAccessibleName("District sync")
        self.clicked.connect(self.refused_requested)

    def show_sync(self, text: str, tooltip: str, attention: bool) -> None:
        self.setText(("⚠ " if attention else "") + text)
        self.setToolTip(tooltip)
        self.setAccessibleDescription(f"{text}. {tooltip}")
        self.setStyleSheet("QToolButton { color: #8a1c00; font-weight: bold; }" if attention else "")

    def show_refused(self, lines: list[RefusedLine]) -> None:
        RefusedChangesDialog(lines, self.window()).exec()


class RefusedChangesDialog(QDialog):
    def __init__(self, lines: list[RefusedLine], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Changes the district server refused")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Someone on another PC changed the same record first; the first change to reach the district "
            "server stands. This PC now shows the server's version. Each refused change is kept here: "
            "look at the record and make the change again if it is still needed."
            if lines else "The district server has refused no change made on this PC.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setAccessibleName("Refused changes")
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setSpacing(4)
        for line in lines:
            item = QListWidgetItem(f"{line.summary}\nMade {line.when} by {line.who}")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{line.summary} Made {line.when} by {line.who}.")
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout.addWidget(buttons)
        self.resize(720, 320)
