"""The review queue screen: filters, a notice of what is due, the table, export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.services.review import QueueFilter
from mocap_desktop.ui.presenters.queue import COLUMN_KEYS, COLUMNS, DAYS_COLUMN, DUE_COLUMN, FilterChoices, QueueLine
from mocap_desktop.ui.views.layouts import FlowLayout, group
from mocap_desktop.ui.views.tables import CellModel, record_table
from mocap_desktop.ui.views.dialogs import MessageBoxes

Index = QModelIndex | QPersistentModelIndex

# Tints for the whole row and strong colours for the deadline text (AA contrast on white and tint).
ROW_TINT = {"overdue": QColor("#FBE3E4"), "soon": QColor("#FFF3CD")}
TEXT_COLOR = {"overdue": QColor("#A4161A"), "soon": QColor("#7A4B00")}
URGENCY_PREFIX = {"overdue": "● ", "soon": "▲ "}
ROW_BRUSH = {key: QBrush(color) for key, color in ROW_TINT.items()}
TEXT_BRUSH = {key: QBrush(color) for key, color in TEXT_COLOR.items()}
_DISPLAY, _BACKGROUND, _FOREGROUND, _FONT = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole,
                                             Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole)
_TOOLTIP, _ACCESSIBLE, _USER = (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole,
                                Qt.ItemDataRole.UserRole)


class QueueTableModel(CellModel):
    """Queue lines from the presenter: the first page at once, the next ones fetched from SQL as
    the table scrolls (`canFetchMore`/`fetchMore`)."""

    PAGE = 100
    sort_requested = Signal(str, bool)

    def __init__(self, parent=None):
        super().__init__(len(COLUMNS), parent)
        self._lines: list[QueueLine] = []
        self._total = 0
        self._more = lambda offset, count: []
        self._bold = QFont()
        self._bold.setBold(True)
        self._headers = [label for _, label in COLUMNS]
        self.set_headers(self._headers, [f"Sort by {label.lower()}" for label in self._headers])

    # --- data in ---------------------------------------------------------------------------------
    def set_lines(self, lines: list[QueueLine], total: int | None = None, more=None) -> None:
        self._lines = list(lines)
        self._total = len(lines) if total is None else total
        self._more = more or (lambda offset, count: [])
        self.reset_rows(len(self._lines))

    @property
    def total(self) -> int:
        return self._total

    def line(self, row: int) -> QueueLine:
        return self._lines[row]

    def request_id(self, row: int) -> int:
        return self._lines[row].request_id

    # --- Qt model --------------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and len(self._lines) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or len(self._lines) >= self._total:
            return
        more = self._more(len(self._lines), min(self.PAGE, self._total - len(self._lines)))
        if not more:  # the data changed under us: stop asking
            self._total = len(self._lines)
            return
        self._lines.extend(more)
        self.append_rows(len(more))

    def row_cells(self, row: int) -> list[dict[int, object]]:
        line = self._lines[row]
        shared: dict[int, object] = {_TOOLTIP: line.tooltip, _USER: line.request_id}
        if line.urgency:
            shared[_BACKGROUND] = ROW_BRUSH[line.urgency]
        cells = []
        for column, text in enumerate(line.cells):
            values = {**shared, _DISPLAY: text, _ACCESSIBLE: f"{self._headers[column]}: {text}"}
            if line.urgency and column in (DUE_COLUMN, DAYS_COLUMN):
                values[_FOREGROUND] = TEXT_BRUSH[line.urgency]
            if line.urgency and column == DAYS_COLUMN:
                values[_DISPLAY] = URGENCY_PREFIX[line.urgency] + text
                values[_FONT] = self._bold
            cells.append(values)
        return cells

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting runs in SQL: ask the presenter, which sends back new lines."""
        if 0 <= column < len(COLUMN_KEYS):
            self.sort_requested.emit(COLUMN_KEYS[column], order == Qt.SortOrder.DescendingOrder)


class QueueWidget(MessageBoxes, QWidget):
    """The queue area. Implements `QueueView` for `QueuePresenter`."""

    filter_changed = Signal(str, str)
    overdue_toggled = Signal(bool)
    search_changed = Signal(str)
    sort_requested = Signal(str, bool)
    open_requested = Signal(int)
    decide_requested = Signal(int)
    export_requested = Signal()
    clear_requested = Signal()
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("queue")
        self.setAccessibleName("Review queue")
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(6)

        heading = QLabel("<h2 style='margin:0'>Review queue</h2>")
        heading.setAccessibleName("Review queue")
        layout.addWidget(heading)

        self.notice = QLabel()
        self.notice.setObjectName("queueNotice")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Deadline notice")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice.hide()
        layout.addWidget(self.notice)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.search = QLineEdit()
        self.search.setObjectName("queueSearch")
        self.search.setPlaceholderText("Search student, number or reference")
        self.search.setAccessibleName("Search by student")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search)
        bar.addWidget(search_label)
        bar.addWidget(self.search, 1)
        layout.addLayout(bar)
        filters = FlowLayout(spacing=12)  # one row on a whole screen, two or three at half

        self.combos: dict[str, QComboBox] = {}
        for key, label in (("status", "S&tatus"), ("building", "&Building"), ("pathway", "&Pathway"),
                           ("routing", "&Routing")):
            combo = QComboBox()
            combo.setObjectName(f"queueFilter_{key}")
            combo.setAccessibleName(f"Filter by {key}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _i, k=key: self._combo_changed(k))
            caption = QLabel(label + ":")
            caption.setBuddy(combo)
            filters.addWidget(group(caption, combo))  # a caption never leaves its combo
            self.combos[key] = combo
        self.overdue = QCheckBox("&Overdue only")
        self.overdue.setObjectName("queueOverdue")
        self.overdue.setAccessibleName("Show overdue requests only")
        self.overdue.toggled.connect(lambda on: None if self._filling else self.overdue_toggled.emit(on))
        filters.addWidget(self.overdue)
        layout.addLayout(filters)

        self.model = QueueTableModel(self)
        self.model.sort_requested.connect(self.sort_requested)
        self.table = record_table(self.model, "queueTable", "Requests",
                                  (160, 72, 135, 160, 92, 92, 155, 72, 150), row_height=26, alternating=False)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._header_clicked)
        self.table.doubleClicked.connect(lambda index: self.open_requested.emit(self.model.request_id(index.row())))
        layout.addWidget(self.table, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self._open_current,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table, self._open_current,
                  context=Qt.ShortcutContext.WidgetShortcut)

        self.summary = QLabel()
        self.summary.setObjectName("queueSummary")
        self.summary.setAccessibleName("Queue summary")
        self.summary.setWordWrap(True)  # above the buttons, on two lines if need be, when narrow
        self.summary.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.open_button = QPushButton("&Open request")
        self.open_button.setAccessibleName("Open the selected request")
        self.open_button.clicked.connect(self._open_current)
        self.decide_button = QPushButton("&Decide…")
        self.decide_button.setAccessibleName("Record a decision on the selected request")
        self.decide_button.clicked.connect(self._decide_current)
        self.clear_button = QPushButton("C&lear filters")
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.clicked.connect(self._clear)
        self.export_button = QPushButton("E&xport…")
        self.export_button.setAccessibleName("Export the queue as shown to Excel or CSV")
        self.export_button.clicked.connect(self.export_requested)
        footer = FlowLayout()
        footer.addWidget(self.summary)
        actions = group(self.clear_button, self.open_button, self.decide_button, self.export_button)
        footer.addWidget(actions)
        footer.setAlignment(actions, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(footer)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # --- QueueView ---------------------------------------------------------------------------------
    def show_rows(self, lines: list[QueueLine], total: int | None = None, more=None) -> None:
        current = self.current_request_id()
        selected = self.table.selectionModel().hasSelection()
        top = self.table.verticalScrollBar().value()
        self.model.set_lines(lines, total, more)
        if lines:
            row = next((n for n, line in enumerate(lines[:self.model.rowCount()]) if line.request_id == current), None)
            while row is None and selected and current is not None and self.model.canFetchMore():
                # the chosen request moved below the rows fetched (a decision sorts it lower): fetch on to it
                start = self.model.rowCount()
                self.model.fetchMore()
                row = next((n for n in range(start, self.model.rowCount())
                            if self.model.line(n).request_id == current), None)
            if row is not None and selected:
                self.table.selectRow(row)
            else:  # the most urgent row is current (Enter opens it) but not highlighted over its colour
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(row or 0, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            # After a decision or another change the list stays where it was, not scrolled to the
            # changed row (the most urgent rows stay in sight); without that row, from the top.
            self.table.verticalScrollBar().setValue(top if row is not None else 0)
        self._update_buttons()

    def show_filters(self, choices: FilterChoices, selected: QueueFilter) -> None:
        self._filling = True
        try:
            for key, items in (("status", choices.status), ("building", choices.building),
                               ("pathway", choices.pathway), ("routing", choices.routing)):
                combo = self.combos[key]
                combo.blockSignals(True)
                # The same choices with new counts are relabelled in place: a combo that keeps
                # its width keeps the filter bar's layout, so only what changed is repainted.
                if [combo.itemData(i) for i in range(combo.count())] == [c.value for c in items]:
                    for i, choice in enumerate(items):
                        if combo.itemText(i) != choice.label:
                            combo.setItemText(i, choice.label)
                else:
                    combo.clear()
                    for choice in items:
                        combo.addItem(choice.label, choice.value)
                combo.setCurrentIndex(max(0, combo.findData(getattr(selected, key))))
                combo.blockSignals(False)
            self.overdue.setText("&" + choices.overdue_label)  # Qt ignores the same text
            self.overdue.setChecked(selected.overdue)
            # The filters grow to fit a longer label but never shrink: as the counts in their
            # labels change, the bar keeps its layout (nothing jumps under the pointer) and
            # only the controls whose text changed are repainted, not the whole queue.
            for widget in (*self.combos.values(), self.overdue):
                widget.setMinimumWidth(max(widget.minimumWidth(), widget.sizeHint().width()))
        finally:
            self._filling = False

    def show_summary(self, text: str) -> None:
        self.summary.setText(text)

    def show_notice(self, text: str, level: str) -> None:
        if not text:
            self.notice.hide()
            return
        color = TEXT_COLOR.get(level, QColor("#333333")).name()
        tint = ROW_TINT.get(level, QColor("#EEEEEE")).name()
        icon = "⚠ " if level else ""
        self.notice.setStyleSheet(f"QLabel#queueNotice {{ background: {tint}; color: {color}; "
                                  f"border: 1px solid {color}; border-radius: 4px; padding: 6px; font-weight: 600; }}")
        self.notice.setText(icon + text)
        self.notice.setAccessibleDescription(text)
        self.notice.show()

    def show_sort(self, column: str, descending: bool) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(COLUMN_KEYS.index(column),
                                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def ask_export_path(self, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, "Export the queue", str(suggested),
                                              "Excel workbook (*.xlsx);;CSV (*.csv)")
        return Path(name) if name else None



    # --- helpers -------------------------------------------------------------------------------------
    def current_request_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.request_id(index.row())

    def _combo_changed(self, key: str) -> None:
        if self._filling:
            return
        self.filter_changed.emit(key, self.combos[key].currentData() or "")

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.search_changed.emit(self.search.text())

    def _header_clicked(self, section: int) -> None:
        header = self.table.horizontalHeader()
        self.sort_requested.emit(COLUMN_KEYS[section], header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)

    def _open_current(self) -> None:
        request_id = self.current_request_id()
        if request_id is not None:
            self.open_requested.emit(request_id)

    def _decide_current(self) -> None:
        request_id = self.current_request_id()
        if request_id is not None:
            self.decide_requested.emit(request_id)

    def _clear(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._search_timer.stop()
        self.clear_requested.emit()

    def _update_buttons(self) -> None:
        request_id = self.current_request_id()
        self.open_button.setEnabled(request_id is not None)
        line = self.model.line(self.table.currentIndex().row()) if request_id is not None else None
        self.decide_button.setEnabled(line is not None and line.can_decide)
