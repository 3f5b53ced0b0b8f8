"""Tab order checks: Tab from a window's first control goes round every control once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QRadioButton,
    QTextEdit,
    QWidget,
)


def inside_a_control(widget: QWidget, top: QWidget | None = None) -> bool:
    """A part Qt builds inside a control (a line edit's clear button, a table's corner button)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, (QComboBox, QAbstractSpinBox, QLineEdit, QAbstractItemView, QTextEdit)):
            return True
        parent = parent.parentWidget()
    return widget.objectName().startswith("qt_")


def tab_stops(top: QWidget) -> list[QWidget]:
    """The controls Tab should reach: visible, enabled and taking focus by Tab; of a set of
    radio buttons, one (Tab reaches the checked one, arrows the rest)."""
    stops, groups = [], set()
    for widget in top.findChildren(QWidget):
        if not widget.isVisible() or not widget.isEnabled() or inside_a_control(widget, top):
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or widget.focusProxy() is not None:
            continue
        if isinstance(widget, QRadioButton):
            group = widget.group() or widget.parentWidget()
            if id(group) in groups:
                continue
            groups.add(id(group))
        stops.append(widget)
    return stops


def tab_cycle(qtbot, top: QWidget, first: QWidget, limit: int = 200) -> list[QWidget]:
    """The round Tab makes from `first`: the widgets from the first one it comes back to (a
    widget that keeps the focus for several presses, a date's month, day and year, counts once)."""
    top.activateWindow()
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(first.hasFocus)
    seen = [first]
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget in seen[:-1]:
            return seen[seen.index(widget):]
        if widget is not seen[-1]:
            seen.append(widget)
    raise AssertionError("Tab stays in " + _name(seen[-1]))


def _name(widget: QWidget) -> str:
    return widget.accessibleName() or (widget.text() if isinstance(widget, QAbstractButton) else "") \
        or type(widget).__name__


def assert_tab_cycle(qtbot, top: QWidget, first: QWidget) -> list[QWidget]:
    """Every control is reached by Tab, each once a round, from wherever the round starts."""
    seen = tab_cycle(qtbot, top, first)
    radios = {id(w.group() or w.parentWidget()) for w in seen if isinstance(w, QRadioButton)}
    missing = [_name(w) for w in tab_stops(top) if w not in seen
               and not (isinstance(w, QRadioButton) and id(w.group() or w.parentWidget()) in radios)]
    assert not missing, f"Tab never reaches {missing}; its round is {[_name(w) for w in seen]}"
    return seen
