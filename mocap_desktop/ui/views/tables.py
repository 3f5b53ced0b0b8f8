"""The read-only record table every list screen uses: whole rows selected one at a time, no
editing, Tab leaves the table, fixed row height, columns the user can resize."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QModelRoleDataSpan, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def record_table(model: QAbstractItemModel, object_name: str, accessible_name: str,
                 widths: tuple[int, ...], row_height: int = 24, alternating: bool = True) -> QTableView:
    table = QTableView()
    table.setObjectName(object_name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
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


class CellModel:
    """A table model mix-in: the model answers `cell(row, column, role)` (None for nothing, and
    for a row out of range), and Qt's calls land here. A view's delegate asks each cell it paints
    for seven roles at once (`multiData`): answered in one call from Qt into Python instead of
    seven calls to `data`, which were most of a repaint's time. `flags` is left to Qt's own
    (enabled, selectable) for the same reason: it is asked for every cell painted."""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        return self.cell(index.row(), index.column(), role)

    def multiData(self, index: QModelIndex, span: QModelRoleDataSpan) -> None:  # noqa: N802 - Qt's name
        row, column, cell = index.row(), index.column(), self.cell
        for item in span:
            value = cell(row, column, item.role())
            if value is None:
                item.clearData()
            else:
                item.setData(value)


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
