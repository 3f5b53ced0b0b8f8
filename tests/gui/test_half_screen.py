"""Half a 1366x768 screen (Windows Snap, beside the SIS in a browser): every role's window goes
that narrow, and nothing in it is cut off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QAbstractScrollArea, QApplication, QComboBox, QLabel, QLineEdit, QWidget,
)

from mocap_desktop.app import build_main_window
from mocap_desktop.services.session import sign_in
from mocap_desktop.ui.views.layouts import AdaptiveSplitter, WrapCheckBox

HALF_SCREEN = 683
CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QAbstractItemView, QLabel)


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(10)


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def shown_controls(area: QWidget) -> list[QWidget]:
    """The area's visible controls, leaving out what sits in a scrolled viewport (a record or a
    preview scrolls, by design)."""
    def scrolled(widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None and parent is not area:
            if isinstance(parent.parentWidget(), QAbstractScrollArea) and parent is parent.parentWidget().viewport():
                return True
            parent = parent.parentWidget()
        return False
    return [w for w in area.findChildren(QWidget) if isinstance(w, CONTROLS) and w.isVisible() and not scrolled(w)]


@pytest.fixture(params=["counselor", "admin", "principal", "frontdesk"])
def role_window(request, qtbot, demo_data_dir):
    session = sign_in(demo_data_dir, request.param, f"demo-{request.param}", demo=True)
    window = build_main_window(session)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    yield window
    session.close()


def test_every_area_of_every_role_fits_half_a_screen(qtbot, role_window):
    window = role_window
    for key in window._keys:
        window.show_area(key)
        settle(qtbot)
        assert window.minimumSizeHint().width() <= 680, key
        assert window.stack.currentWidget().minimumSizeHint().width() <= 680 - window.nav.width(), key

    window.resize(HALF_SCREEN, 740)
    settle(qtbot)
    assert window.width() == HALF_SCREEN
    central = window.centralWidget()
    for key in window._keys:
        window.show_area(key)
        settle(qtbot)
        area = window.stack.currentWidget()
        for control in shown_controls(area):
            name = control.accessibleName() or control.objectName() or type(control).__name__
            assert central.rect().contains(rect_in(control, central)), f"{key}: {name} is cut off"


def test_the_queue_wraps_its_filters_and_footer_at_half_a_screen_and_not_on_the_whole(qtbot, demo_data_dir):
    session = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    window = build_main_window(session)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_area("queue")
    qtbot.waitExposed(window)
    settle(qtbot)
    queue = window.queue
    filters = [*queue.combos.values(), queue.overdue]
    buttons = [queue.clear_button, queue.open_button, queue.decide_button, queue.export_button]

    def tops(widgets):
        return {rect_in(w, queue).center().y() for w in widgets}

    assert len(tops(filters)) == 1  # one row, as always
    assert len(tops([queue.summary, *buttons])) == 1

    window.resize(HALF_SCREEN, 740)
    settle(qtbot)
    assert len(tops(filters)) > 1
    assert len(tops(buttons)) == 1 and rect_in(queue.summary, queue).bottom() < rect_in(queue.clear_button, queue).top()
    assert rect_in(queue.export_button, queue).right() == queue.table.geometry().right()  # still on the right
    for combo in queue.combos.values():  # each wide enough for its longest choice
        assert combo.width() >= combo.sizeHint().width(), combo.accessibleName()
    for control in [queue.search, *filters, queue.table, *buttons, queue.summary]:
        assert queue.rect().contains(rect_in(control, queue)), control.accessibleName()
    assert queue.table.horizontalScrollBar().maximum() > 0  # the table scrolls instead

    # Tab still goes through the controls in reading order.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    queue.search.setFocus()
    qtbot.waitUntil(queue.search.hasFocus)
    seen = []
    for _ in range(len(filters) + 8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    expected = [*filters, queue.table, queue.clear_button, queue.open_button]
    assert seen[:len(expected)] == expected
    session.close()


def test_side_by_side_panes_go_one_above_the_other_when_narrow(qtbot, demo_data_dir):
    session = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    window = build_main_window(session)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    lookup = window.lookup
    lookup.select_row(0)
    lookup.open_current()  # a record shown: its pane asks for more width
    settle(qtbot)
    splitter = lookup.findChild(AdaptiveSplitter)
    assert splitter.orientation() == Qt.Orientation.Horizontal
    assert window.minimumSizeHint().width() <= 680  # side by side does not hold the window wide
    window.resize(HALF_SCREEN, 740)
    settle(qtbot)
    assert window.width() == HALF_SCREEN
    assert splitter.orientation() == Qt.Orientation.Vertical
    name = lookup.table.horizontalHeader().sectionSize(0)
    assert name >= 170  # the name column keeps its width; the table scrolls sideways
    window.resize(1366, 768)
    settle(qtbot)
    assert splitter.orientation() == Qt.Orientation.Horizontal
    session.close()


def test_a_wrapping_check_box_wraps_and_toggles_from_its_text(qtbot):
    box = WrapCheckBox("The student remains a student of the district: its discipline code and its rules "
                       "on academic honesty, discrimination, harassment and bullying still apply.")
    box.setAccessibleName("Conduct")
    qtbot.addWidget(box)
    box.resize(300, box.heightForWidth(300))
    box.show()
    qtbot.waitExposed(box)
    assert box.minimumSizeHint().width() < 200
    assert box.heightForWidth(300) > box.heightForWidth(1000)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.label.geometry().center())
    assert box.isChecked()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert not box.isChecked()
