"""File → Import roster…: file, column mapping with a preview, a check of every row, import."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.presenters.import_ import MappingRow, ProblemLine
from mocap_desktop.ui.views.layouts import AdaptiveSplitter, FlowLayout, group

NOT_IN_FILE = "— not in this file —"
LEVEL_STYLE = {
    "info": "color:#1f1f1f;",
    "warning": "color:#7a4b00;background:#fff4db;",
    "error": "color:#8a1c1c;background:#fde8e8;",
    "done": "color:#1d5b2c;background:#e3f1e6;",
}


class _Signals(QObject):
    progress = Signal(str, int, int)
    done = Signal(object, object)


class _Task(QRunnable):
    def __init__(self, task, signals: _Signals):
        super().__init__()
        self.task = task
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.task(lambda phase, done, total: self.signals.progress.emit(phase, done, total),
                               lambda: False)
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread
            self.signals.done.emit(None, exc)
        else:
            self.signals.done.emit(result, None)


class QtTaskRunner:
    """Runs a presenter's task on a worker thread; callbacks arrive in the GUI thread."""

    def __init__(self):
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self._keep: list[_Signals] = []

    def run(self, task, on_progress, on_done) -> None:
        signals = _Signals()
        self._keep.append(signals)
        signals.progress.connect(on_progress)

        def finished(result, error) -> None:
            self._keep.remove(signals)
            on_done(result, error)

        signals.done.connect(finished)
        self.pool.start(_Task(task, signals))

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


class ImportDialog(QDialog):
    """Implements the presenter's `ImportView`; forwards intent as `*_requested` signals."""

    browse_requested = Signal()
    kind_changed = Signal(str)
    mapping_changed = Signal(str, object)  # field key, header or None
    saved_mapping_chosen = Signal(str)
    save_mapping_requested = Signal()
    check_requested = Signal()
    import_requested = Signal(bool)  # skip invalid rows
    cancel_requested = Signal()
    next_import_requested = Signal(str)  # the kind of file to import next

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import roster")
        self.setAccessibleName("Import roster")
        self.resize(1180, 720)
        self.may_close = lambda: True
        self._updating = False
        self._combos: dict[str, QComboBox] = {}

        layout = QVBoxLayout(self)

        # File and kind
        top = QGridLayout()
        self.browse_button = QPushButton("Choose file…")
        self.browse_button.setAccessibleName("Choose file")
        self.browse_button.clicked.connect(self.browse_requested)
        self.file_label = QLabel("No file chosen")
        self.file_label.setObjectName("importFile")
        self.file_label.setAccessibleName("File")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setWordWrap(True)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("What the file holds")
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        kind_label = QLabel("&Holds:")
        kind_label.setBuddy(self.kind_combo)
        self.saved_combo = QComboBox()
        self.saved_combo.setAccessibleName("Saved mapping")
        self.saved_combo.setMinimumContentsLength(18)
        self.saved_combo.currentIndexChanged.connect(self._saved_changed)
        saved_label = QLabel("Saved &mapping:")
        saved_label.setBuddy(self.saved_combo)
        self.save_button = QPushButton("Save mapping…")
        self.save_button.setAccessibleName("Save mapping")
        self.save_button.clicked.connect(self.save_mapping_requested)
        choices = FlowLayout(spacing=12)  # the saved mapping under the kind when narrow
        choices.addWidget(group(kind_label, self.kind_combo))
        choices.addWidget(group(saved_label, self.saved_combo, self.save_button))
        top.addWidget(self.browse_button, 0, 0)
        top.addWidget(self.file_label, 0, 1)
        top.addLayout(choices, 1, 0, 1, 2)
        top.setColumnStretch(1, 1)
        layout.addLayout(top)

        # Mapping | preview; in a narrow window, the preview under the mapping
        split = AdaptiveSplitter(side_by_side=820, sizes=[600, 580], stacked_sizes=[1, 1])
        mapping_box = QGroupBox("Columns: which column holds each field")
        mapping_layout = QVBoxLayout(mapping_box)
        self.mapping_scroll = QScrollArea()
        self.mapping_scroll.setWidgetResizable(True)
        self.mapping_scroll.setAccessibleName("Column mapping")
        self.mapping_widget = QWidget()
        self.mapping_grid = QGridLayout(self.mapping_widget)
        self.mapping_grid.setVerticalSpacing(4)
        self.mapping_scroll.setWidget(self.mapping_widget)
        mapping_layout.addWidget(self.mapping_scroll)
        split.addWidget(mapping_box)

        preview_box = QGroupBox("Preview: the first rows as they will be read")
        preview_layout = QVBoxLayout(preview_box)
        self.preview = QTableWidget()
        self.preview.setObjectName("importPreview")
        self.preview.setAccessibleName("Preview")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().hide()
        self.preview.setWordWrap(False)
        self.preview.setAlternatingRowColors(True)
        self.preview.setTabKeyNavigation(False)
        preview_layout.addWidget(self.preview)
        split.addWidget(preview_box)

        # Problems
        problems_box = QGroupBox("Problems")
        problems_layout = QVBoxLayout(problems_box)
        self.problems = QTableWidget(0, 3)
        self.problems.setObjectName("importProblems")
        self.problems.setAccessibleName("Problems")
        self.problems.setHorizontalHeaderLabels(["Row", "Column", "Reason"])
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems.verticalHeader().hide()
        self.problems.setTabKeyNavigation(False)
        self.problems.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.problems.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problems_more = QLabel()
        problems_layout.addWidget(self.problems)
        problems_layout.addWidget(self.problems_more)
        self.problems_more.hide()

        vsplit = QSplitter(Qt.Orientation.Vertical)
        vsplit.setChildrenCollapsible(False)
        vsplit.addWidget(split)
        vsplit.addWidget(problems_box)
        vsplit.setSizes([430, 170])
        layout.addWidget(vsplit, 1)

        self.message = QLabel()
        self.message.setObjectName("importMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Import status")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_button = QPushButton()
        self.next_button.setAutoDefault(False)
        self.next_button.hide()
        self.next_button.clicked.connect(lambda: self.next_import_requested.emit(self.next_button.property("kind")))
        message_row = QHBoxLayout()
        message_row.addWidget(self.message, 1)
        message_row.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(message_row)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        layout.addWidget(self.progress)

        self.skip_invalid = QCheckBox("Import the valid rows only (skip rows with problems)")
        self.skip_invalid.setAccessibleName("Import the valid rows only")
        self.check_button = QPushButton("Check rows")
        self.check_button.setAccessibleName("Check rows")
        self.check_button.setToolTip("Read every row and list the problems; nothing is saved")
        self.check_button.clicked.connect(self.check_requested)
        self.import_button = QPushButton("Import")
        self.import_button.setAccessibleName("Import")
        self.import_button.clicked.connect(lambda: self.import_requested.emit(self.skip_invalid.isChecked()))
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.setAccessibleName("Cancel import")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.hide()
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close")
        self.close_button.clicked.connect(self.close)
        for b in (self.check_button, self.import_button, self.cancel_button, self.close_button):
            b.setAutoDefault(False)
        buttons = FlowLayout()  # the buttons under the check box when narrow
        buttons.addWidget(self.skip_invalid)
        actions = group(self.check_button, self.import_button, self.cancel_button, self.close_button)
        buttons.addWidget(actions)
        buttons.setAlignment(actions, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(buttons)

    # --- intent ---------------------------------------------------------------------------
    def _kind_changed(self, index: int) -> None:
        if not self._updating and index >= 0:
            self.kind_changed.emit(self.kind_combo.itemData(index))

    def _saved_changed(self, index: int) -> None:
        if not self._updating and index >= 0:
            self.saved_mapping_chosen.emit(self.saved_combo.itemData(index) or "")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.may_close():
            event.accept()
        else:
            event.ignore()

    def reject(self) -> None:
        if self.may_close():
            super().reject()

    # --- ImportView -----------------------------------------------------------------------
    def show_kinds(self, kinds: list[tuple[str, str]], current: str) -> None:
        self._updating = True
        self.kind_combo.clear()
        for key, label in kinds:
            self.kind_combo.addItem(label, key)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(current), 0))
        self._updating = False

    def show_file(self, name: str, info: str) -> None:
        self.file_label.setText(f"<b>{html.escape(name)}</b>" + (f" — {html.escape(info)}" if info else ""))
        self.file_label.setAccessibleName(f"File {name} {info}".strip())

    def show_saved_mappings(self, names: list[str], current: str) -> None:
        self._updating = True
        self.saved_combo.clear()
        self.saved_combo.addItem("Guessed from the headers", "")
        for name in names:
            self.saved_combo.addItem(name, name)
        self.saved_combo.setCurrentIndex(max(self.saved_combo.findData(current), 0))
        self._updating = False

    def show_mapping(self, rows: list[MappingRow], headers: list[str]) -> None:
        while self.mapping_grid.count():
            item = self.mapping_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self._combos = {}
        if not rows:
            hint = QLabel("Choose a file to see its columns.")
            self.mapping_grid.addWidget(hint, 0, 0)
            return
        for col, text in enumerate(("Field", "Column in the file", "First value")):
            head = QLabel(f"<b>{text}</b>")
            self.mapping_grid.addWidget(head, 0, col)
        for i, row in enumerate(rows, start=1):
            label = QLabel(f"{html.escape(row.label)}{' <b>*</b>' if row.required else ''}")
            label.setToolTip("Required" if row.required else "Optional")
            combo = QComboBox()
            combo.addItem(NOT_IN_FILE, None)
            for h in headers:
                combo.addItem(h, h)
            combo.setCurrentIndex(max(combo.findData(row.header), 0) if row.header else 0)
            combo.setAccessibleName(f"Column for {row.label}" + (" (required)" if row.required else ""))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # names whole
            combo.setMaximumWidth(combo.fontMetrics().horizontalAdvance("x" * 32))
            if row.required and not row.header:
                combo.setStyleSheet("QComboBox { background: #fde8e8; }")
            combo.currentIndexChanged.connect(
                lambda _i, key=row.key, c=combo: self.mapping_changed.emit(key, c.currentData()))
            label.setBuddy(combo)
            text = row.sample if len(row.sample) <= 16 else row.sample[:15] + "…"
            sample = QLabel(html.escape(text))
            sample.setToolTip(row.sample)
            sample.setStyleSheet("color:#555")
            sample.setAccessibleName(f"First value for {row.label}: {row.sample}")
            self.mapping_grid.addWidget(label, i, 0)
            self.mapping_grid.addWidget(combo, i, 1)
            self.mapping_grid.addWidget(sample, i, 2)
            self._combos[row.key] = combo
        self.mapping_grid.setColumnStretch(2, 1)
        self.mapping_grid.setRowStretch(len(rows) + 1, 1)

    def show_preview(self, columns: list[str], rows: list[list[str]]) -> None:
        self.preview.clear()
        self.preview.setColumnCount(len(columns))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(columns)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        self.preview.resizeColumnsToContents()

    def show_problems(self, problems: list[ProblemLine], more: int) -> None:
        self.problems.setRowCount(len(problems))
        for r, p in enumerate(problems):
            for c, value in enumerate((p.row, p.column, p.reason)):
                item = QTableWidgetItem(value)
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.problems.setItem(r, c, item)
        self.problems_more.setText(f"… and {more:,} more (fix these first)" if more else "")
        self.problems_more.setVisible(bool(more))

    def show_message(self, text: str, level: str) -> None:
        self.message.setText(html.escape(text))
        self.message.setStyleSheet(f"QLabel {{ {LEVEL_STYLE.get(level, '')} padding:6px; }}")

    def set_actions(self, can_check: bool, can_import: bool) -> None:
        self.check_button.setEnabled(can_check)
        self.import_button.setEnabled(can_import)
        self.save_button.setEnabled(can_check)
        self.import_button.setDefault(can_import)

    def offer_next_import(self, kind: str, label: str) -> None:
        self.next_button.setProperty("kind", kind)
        self.next_button.setText(label)
        self.next_button.setAccessibleName(label.rstrip("…"))
        self.next_button.setVisible(bool(kind))

    def set_busy(self, busy: bool) -> None:
        for w in (self.browse_button, self.kind_combo, self.saved_combo, self.save_button,
                  self.mapping_scroll, self.skip_invalid, self.close_button):
            w.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
            self.cancel_button.setFocus()

    def show_progress(self, phase: str, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat(f"{phase}: %p%")
        else:
            self.progress.setRange(0, 0)
            self.progress.setFormat(phase)

    def ask_open_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose the roster file", "",
            "Roster files (*.csv *.txt *.tsv *.xlsx *.zip);;All files (*)")
        return Path(name) if name else None

    def ask_mapping_name(self, suggested: str) -> str | None:
        name, ok = QInputDialog.getText(self, "Save mapping", "Name this mapping (for example, "
                                        "the system that exported the file):", text=suggested)
        return name if ok else None
