"""Date fields, written as every screen and letter writes a date: Dec 6, 2026. The month is
typed by its name (D, Dec) or chosen with the arrow keys or the calendar."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

DISPLAY_FORMAT = "MMM d, yyyy"
BLANK = QDate(2000, 1, 1)  # a blank-able field at its minimum shows "not entered"


class DateEdit(QDateEdit):
    """A date that may be "not entered". Tab leaves it while it shows that text (Qt's own date
    edit would keep Tab there, looking for a day or month section to move to)."""

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 (Qt's name)
        if self.date() == self.minimumDate() and self.specialValueText():
            return QWidget.focusNextPrevChild(self, forward)
        return super().focusNextPrevChild(forward)


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(name: str, day: date | None = None, *, blank: bool = False) -> DateEdit:
    """A date field with its accessible name and a calendar; `blank`: it may be left "not entered"
    (and starts so when `day` is None)."""
    edit = DateEdit()
    edit.setAccessibleName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DISPLAY_FORMAT)
    edit.setMaximumDate(QDate(2100, 12, 31))
    if blank:
        edit.setMinimumDate(BLANK)
        edit.setSpecialValueText("not entered")
    edit.setDate(qdate(day) if day else BLANK if blank else qdate(date.today()))
    edit.setMinimumWidth(140)
    return edit
