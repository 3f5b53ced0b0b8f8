"""The wizard's building blocks: the page every wizard page is, red problem labels, compact
tables and lists, and small date helpers."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QObject, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QLabel,
    QListWidget,
    QScrollArea,
    QTableWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from mocap_desktop.ui.presenters.wizard import PAGE_TITLES, PAGES
from mocap_desktop.ui.views.dates import BLANK, date_edit

if TYPE_CHECKING:
    from mocap_desktop.ui.views.wizard.window import RequestWizard


ERROR_COLOR = "#b00020"
OUTCOME_MARKS = {"pass": ("✔", "#1b6e20"), "fail": ("✖", ERROR_COLOR), "waived": ("✔", "#1b6e20"),
                 "warn": ("!", "#8a5a00"), "not_applicable": ("–", "#555555")}


def iso_of(edit: QDateEdit) -> str:
    d = edit.date()
    return "" if d == BLANK else date(d.year(), d.month(), d.day()).isoformat()


def set_date(edit: QDateEdit, iso: str) -> None:
    edit.blockSignals(True)
    try:
        d = date.fromisoformat(iso) if iso else None
    except ValueError:
        d = None
    edit.setDate(QDate(d.year, d.month, d.day) if d else BLANK)
    edit.blockSignals(False)


def date_field(name: str) -> QDateEdit:
    return date_edit(name, blank=True)


def field_label(text: str, buddy: QWidget | None = None, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    if buddy is not None:
        label.setBuddy(buddy)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class ErrorLabel(QLabel):
    """A red message under a field; hidden while there is nothing wrong."""

    def __init__(self, field: str):
        super().__init__()
        self.setObjectName(f"error_{field}")
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_COLOR};")
        self.setAccessibleName(f"Problem with {field.replace('_', ' ')}")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))


class EnterFilter(QObject):
    """Enter in a search box does the box's own action (instead of pressing Next); Down moves
    into its results."""

    def __init__(self, parent: QObject, on_enter, down_to: QWidget | None = None):
        super().__init__(parent)
        self.on_enter = on_enter
        self.down_to = down_to

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.on_enter()
                return True
            if event.key() == Qt.Key.Key_Down and self.down_to is not None:
                self.down_to.setFocus()
                return False
        return False



class CompactTable(QTableWidget):
    """A table that asks for no more height than its minimum, so the page around it (in a
    scroll area that honours height-for-width) grows it only with the room there is."""

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, max(self.minimumHeight(), 60))


class CompactList(QListWidget):
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, max(self.minimumHeight(), 80))


class CompactBrowser(QTextBrowser):
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, max(self.minimumHeight(), 80))


def wrapped(layout) -> QWidget:
    widget = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget


def scrolled(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own
    return area


class WizardPage(QWizardPage):
    key = ""

    def __init__(self, wizard: "RequestWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle(PAGE_TITLES[self.key])
        self.setObjectName(f"page_{self.key}")
        self.setAccessibleName(PAGE_TITLES[self.key])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.body = QWidget()
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(scrolled(self.body))

    def first_field(self) -> QWidget | None:
        return None

    def initializePage(self) -> None:  # noqa: N802
        first = self.first_field()
        if first is not None:
            # The wizard is worked from the keyboard: its focus frame shows from the first page on
            # (Qt draws it once the focus has moved by a key, as it does with this reason).
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.w.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)

    def validatePage(self) -> bool:  # noqa: N802
        if self.w.presenter is None:
            return True
        ok = self.w.presenter.validate_page(self.key)
        if not ok:
            self.w.focus_first_error(self.key)
        return ok

    def set_value(self, name: str, value: str) -> None:
        """Show `value` in this page's control for the field `name`, if it has one."""

    def nextId(self) -> int:  # noqa: N802
        if self.w.presenter is None:
            return super().nextId()
        nxt = self.w.presenter.next_page(self.key)
        return PAGES.index(nxt) if nxt else -1
