"""The record tables' model: rows kept in Python, cells held by Qt, copied from a row when
something may read it (a paint, a keyboard search, assistive technology)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from mocap_desktop.ui.views.tables import CellModel, record_table

DISPLAY, TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole


class Names(CellModel):
    def __init__(self):
        super().__init__(2)
        self.names: list[str] = []
        self.asked: list[int] = []
        self.set_headers(["Name", "Length"], ["Sort by name", ""])

    def show(self, names: list[str]) -> None:
        self.names = list(names)
        self.reset_rows(len(self.names))

    def add(self, names: list[str]) -> None:
        self.names.extend(names)
        self.append_rows(len(names))

    def row_cells(self, row: int) -> list[dict[int, object]]:
        self.asked.append(row)
        name = self.names[row]
        return [{DISPLAY: name, TOOLTIP: f"row {row}"}, {DISPLAY: str(len(name))}]


@pytest.fixture
def table(qtbot):
    model = Names()
    view = record_table(model, "names", "Names", (120, 60), row_height=20)
    qtbot.addWidget(view)
    view.resize(300, 20 * 10 + 30)  # about ten rows on screen
    model.show([f"name {n:03d}" for n in range(200)])
    view.show()
    qtbot.waitExposed(view)
    view.viewport().repaint()
    return view


def texts(model: CellModel, rows: range, column: int = 0) -> list:
    return [model.data(model.index(row, column)) for row in rows]


def test_a_paint_copies_the_rows_it_shows_and_only_those(table):
    model = table.model()
    painted = sorted(set(model.asked))
    assert painted and painted[0] == 0 and len(painted) < 20  # the rows on screen, not the 200
    assert texts(model, range(len(painted))) == [f"name {n:03d}" for n in painted]
    assert model.data(model.index(3, 1)) == "8" and model.data(model.index(3, 0), TOOLTIP) == "row 3"
    assert model.data(model.index(150, 0)) is None  # never painted, never copied
    model.asked.clear()
    table.viewport().repaint()
    assert model.asked == []  # a repaint reads what Qt holds
    table.scrollTo(model.index(150, 0))
    table.viewport().repaint()
    assert model.data(model.index(150, 0)) == "name 150"


def test_new_rows_replace_every_copied_cell(table):
    model = table.model()
    model.show(["Ada", "Grace"])
    assert model.rowCount() == 2 and texts(model, range(2)) == [None, None]
    table.viewport().repaint()
    assert texts(model, range(2)) == ["Ada", "Grace"] and texts(model, range(2), 1) == ["3", "5"]
    assert model.data(model.index(1, 0), TOOLTIP) == "row 1"
    model.add(["Katherine"])
    table.viewport().repaint()
    assert model.rowCount() == 3 and model.data(model.index(2, 0)) == "Katherine"


def test_typing_in_the_table_searches_every_loaded_row(qtbot, table):
    model = table.model()
    table.setFocus()
    qtbot.keyClicks(table, "name 17")
    assert table.currentIndex().row() == 170
    assert None not in texts(model, range(model.rowCount()))


def test_every_row_is_copied_while_assistive_technology_is_active(table):
    model = table.model()
    QAccessible.setActive(True)
    try:
        model.show([f"row {n}" for n in range(50)])
        assert texts(model, range(50)) == [f"row {n}" for n in range(50)]
        model.add(["one more"])
        assert model.data(model.index(50, 0)) == "one more"
    finally:
        QAccessible.setActive(False)


def test_cells_and_headers_are_read_only_and_named(table):
    model = table.model()
    index = model.index(0, 0)
    assert model.flags(index) == Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    header = Qt.Orientation.Horizontal
    assert [model.headerData(c, header) for c in range(2)] == ["Name", "Length"]
    assert model.headerData(0, header, Qt.ItemDataRole.AccessibleTextRole) == "Name"
    assert model.headerData(0, header, TOOLTIP) == "Sort by name"


def test_the_view_never_edits_or_reorders_the_cells(table):
    model = table.model()
    assert table.editTriggers() == table.EditTrigger.NoEditTriggers
    before = texts(model, range(5))
    model.sort(0, Qt.SortOrder.DescendingOrder)  # Qt's own sort would move the items
    table.viewport().repaint()
    assert texts(model, range(5)) == before == [f"name {n:03d}" for n in range(5)]
