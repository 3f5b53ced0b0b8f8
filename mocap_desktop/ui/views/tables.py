"""The read-only record table every list screen uses: whole rows selected one at a time, no
editing, Tab leaves the table, fixed row height, columns the user can resize; and the model
behind each (`CellModel`)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAccessible, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

_TOOLTIP, _ACCESSIBLE = Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole


def record_table(model: CellModel, object_name: str, accessible_name: str,
                 widths: tuple[int, ...], row_height: int = 24, alternating: bool = True) -> QTableView:
    table = QTableView()
    table.setObjectName(object_name)
    table.setAccessibleName(accessible_name)
    model.show_in(table)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(alternating)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(row_height)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    return table


class CellModel(QStandardItemModel):
    """A read-only table model over rows kept in Python. A subclass gives a row's cells with
    `row_cells(row)` (for each column, its values by role), and reports its rows through
    `reset_rows` (a new set) and `append_rows` (more at the end, as a page arrives).

    Qt holds the cells: a row's values are copied into Qt's items the first time anything may
    read them, so a repaint reads them without calling into Python (a cell's seven roles answered
    from Python were most of a repaint's time). A view shown with `show_in` copies the rows it is
    about to paint; every loaded row is copied before a keyboard search, and at once while
    assistive technology is active, which can reach any row. Code that reads cells through
    `data` without a view calls `fill_all` first: a row not copied yet has no values."""

    def __init__(self, columns: int, parent: QObject | None = None):
        super().__init__(0, columns, parent)
        item = QStandardItem()
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)  # read-only cells
        self.setItemPrototype(item)
        self._filled = bytearray()  # per row: 1 once its cells are in Qt's items
        self._unfilled = 0

    def row_cells(self, row: int) -> Sequence[dict[int, object]]:
        raise NotImplementedError

    def show_in(self, view: QAbstractItemView) -> None:
        """Make this the model of `view`, which shows it read-only and copies rows as it needs them."""
        view.setModel(self)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        _Filler(view, self)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's own sort would reorder the items apart from the rows they copy: a subclass that
        sorts asks for its rows in the new order instead."""

    def set_headers(self, labels: Sequence[str], tooltips: Sequence[str] = ()) -> None:
        self.setHorizontalHeaderLabels(list(labels))
        for column, label in enumerate(labels):
            self.setHeaderData(column, Qt.Orientation.Horizontal, label, _ACCESSIBLE)
        for column, tip in enumerate(tooltips):
            self.setHeaderData(column, Qt.Orientation.Horizontal, tip, _TOOLTIP)

    def reset_rows(self, count: int, columns: int | None = None) -> None:
        """The subclass's rows are new: `count` of them (and `columns` columns, if they changed)."""
        self.beginResetModel()
        blocked = self.blockSignals(True)  # one reset, not a removal and an insertion
        self.setRowCount(0)
        if columns is not None:
            self.setColumnCount(columns)
        self.setRowCount(count)
        self.blockSignals(blocked)
        self._filled, self._unfilled = bytearray(count), count
        self.endResetModel()
        self.fill_reachable()

    def append_rows(self, count: int) -> None:
        """The subclass added `count` rows at the end."""
        start = self.rowCount()
        self._filled.extend(bytes(count))
        self._unfilled += count
        self.insertRows(start, count)
        self.fill_reachable()

    def fill_reachable(self) -> None:
        """Every row, while assistive technology is active: it can read any row, painted or not."""
        if QAccessible.isActive():
            self.fill_all()

    def fill_all(self) -> None:
        if self._unfilled:
            self.fill(0, len(self._filled) - 1)

    def fill(self, first: int, last: int) -> None:
        """Copy rows `first` to `last` into Qt's items, those not copied yet."""
        filled = self._filled
        rows = [row for row in range(max(first, 0), min(last, len(filled) - 1) + 1) if not filled[row]]
        if not rows:
            return
        index = self.index
        blocked = self.blockSignals(True)  # the values are not news: the row was never shown
        try:
            for row in rows:
                filled[row] = 1
                for column, values in enumerate(self.row_cells(row)):
                    self.setItemData(index(row, column), values)
        finally:
            self.blockSignals(blocked)
        self._unfilled -= len(rows)


class _Filler(QObject):
    """Fills a CellModel's rows before its view paints them or searches them."""

    def __init__(self, view: QAbstractItemView, model: CellModel):
        super().__init__(view)
        self.view, self.model, self.viewport = view, model, view.viewport()
        self.viewport.installEventFilter(self)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Paint and watched is self.viewport and self.model._unfilled:
            self.model.fill_reachable()  # assistive technology may have started since
            rect = event.rect()
            first = self.view.rowAt(rect.top())
            if first >= 0:
                last = self.view.rowAt(rect.bottom())
                self.model.fill(first, last if last >= 0 else self.model.rowCount() - 1)
        elif kind == QEvent.Type.KeyPress and watched is self.view and event.text():
            self.model.fill_all()  # the view may search every row for what was typed
        return False


def text_width(widget: QWidget, sample: str, padding: int = 18) -> int:
    """Width that shows `sample` whole in `widget`'s font, with a cell's or frame's padding."""
    return widget.fontMetrics().horizontalAdvance(sample) + padding


class StretchColumn(QObject):
    """Like QHeaderView's Stretch mode, `column` takes the width the other columns leave, but
    never less than `minimum`: in a narrow window the table scrolls sideways instead of
    squeezing its main column to nothing. Call `fit()` after the columns change."""

    def __init__(self, table: QTableView, column: int, minimum: int):
        super().__init__(table)
        self.table, self.column, self.minimum = table, column, minimum
        self.header = table.horizontalHeader()
        self.header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.header.sectionResized.connect(lambda index, _old, _new: index != self.column and self.fit())
        table.viewport().installEventFilter(self)

    def fit(self) -> None:
        header = self.header
        others = sum(header.sectionSize(c) for c in range(header.count())
                     if c != self.column and not header.isSectionHidden(c))
        width = max(self.minimum, self.table.viewport().width() - others)
        if self.column < header.count() and header.sectionSize(self.column) != width:
            header.resizeSection(self.column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False
