"""The audit viewer (Administration → Audit trail…): filters, the entries paged from SQL newest
first, the selected entry's detail, CSV export, a student's record of disclosures and the
integrity check."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.services.audit_report import AuditFilter
from mocap_desktop.ui.presenters.audit_viewer import (
    COLUMNS,
    AuditLine,
    AuditViewerPresenter,
    Choice,
    DisclosureSheet,
    EntryDetail,
    Fetch,
    FilterChoices,
)
from mocap_desktop.ui.views.dates import date_edit
from mocap_desktop.ui.views.dialogs import MessageBoxes, present
from mocap_desktop.ui.views.tables import CellModel, StretchColumn, record_table, text_width

Index = QModelIndex | QPersistentModelIndex
_DISPLAY, _TOOLTIP, _ACCESSIBLE, _USER = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                          Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.UserRole)
OK_STYLE = "QLabel#auditIntegrity { color: #1B5E20; font-weight: 600; }"
BROKEN_STYLE = ("QLabel#auditIntegrity { color: #A4161A; background: #FBE3E4; border: 1px solid #A4161A; "
                "border-radius: 4px; padding: 4px; font-weight: 600; }")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AuditTableModel(CellModel):
    """Audit lines from the presenter: the newest page at once, older pages fetched from SQL as
    the table scrolls (`canFetchMore`/`fetchMore`, keyset paging in the service)."""

    def __init__(self, parent=None):
        super().__init__(len(COLUMNS), parent)
        self._lines: list[AuditLine] = []
        self._has_more = False
        self._fetch: Fetch = lambda: ([], False)
        self._headers = [label for _, label in COLUMNS]
        self.set_headers(self._headers)

    def set_lines(self, lines: list[AuditLine], has_more: bool = False, fetch: Fetch | None = None) -> None:
        self._lines = list(lines)
        self._has_more = has_more
        self._fetch = fetch or (lambda: ([], False))
        self.reset_rows(len(self._lines))

    def line(self, row: int) -> AuditLine:
        return self._lines[row]

    def row_of(self, entry_id: int) -> int | None:
        return next((n for n, line in enumerate(self._lines) if line.entry_id == entry_id), None)

    # --- Qt model --------------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._has_more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or not self._has_more:
            return
        more, self._has_more = self._fetch()
        if not more:
            self._has_more = False
            return
        self._lines.extend(more)
        self.append_rows(len(more))

    def row_cells(self, row: int) -> list[dict[int, object]]:
        line = self._lines[row]
        return [{_DISPLAY: text, _TOOLTIP: text or line.tooltip,  # the whole text of a cell cut short
                 _ACCESSIBLE: f"{header}: {text or 'none'}", _USER: line.entry_id}
                for header, text in zip(self._headers, line.cells)]


class DisclosureReportDialog(QDialog):
    """One student's record of disclosures, with Save as CSV / PDF."""

    save_requested = Signal(str)  # "csv" or "pdf"

    def __init__(self, sheet: DisclosureSheet, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("DisclosureReportDialog")
        self.setWindowTitle("Record of disclosures")
        self.setAccessibleName("Record of disclosures")
        self.resize(1180, 560)
        self.sheet = sheet
        heading = QLabel(f"<h3 style='margin:0'>{_escape(sheet.title)}</h3>")
        heading.setAccessibleName(sheet.title)
        facts = QLabel(" · ".join(f"{label}: {value}" for label, value in sheet.facts))
        facts.setAccessibleName("About this report")
        note = QLabel("Each disclosure of this student's education records (FERPA, 34 CFR 99.32). "
                      "A parent or eligible student may inspect this record.")
        note.setWordWrap(True)
        note.setAccessibleName("What this report is")
        self.table = QTableWidget(len(sheet.rows), len(sheet.columns))
        self.table.setObjectName("disclosureTable")
        self.table.setAccessibleName("Disclosures")
        self.table.setHorizontalHeaderLabels(list(sheet.columns))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        for row, cells in enumerate(sheet.rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{sheet.columns[column]}: {text or 'none'}")
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 230, 180, 230, 170, 80, 140, 80)[:len(sheet.columns)]):
            header.resizeSection(column, width)
        self.table.resizeRowsToContents()
        self.empty = QLabel(sheet.empty)
        self.empty.setAccessibleName("No disclosures")
        self.empty.setVisible(not sheet.rows)
        self.csv_button = QPushButton("Save as &CSV…")
        self.csv_button.setAccessibleName("Save the record of disclosures as CSV")
        self.csv_button.clicked.connect(lambda: self.save_requested.emit("csv"))
        self.pdf_button = QPushButton("Save as &PDF…")
        self.pdf_button.setAccessibleName("Save the record of disclosures as PDF")
        self.pdf_button.clicked.connect(lambda: self.save_requested.emit("pdf"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.addButton(self.csv_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(facts)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)


class AuditViewerDialog(MessageBoxes, QDialog):
    """Implements `AuditViewerView` for `AuditViewerPresenter`."""

    person_changed = Signal(str)
    action_changed = Signal(str)
    dates_changed = Signal(object, object)  # date | None, date | None
    student_search_requested = Signal(str)
    student_cleared = Signal()
    clear_requested = Signal()
    entry_selected = Signal(object)  # int | None
    export_requested = Signal()
    disclosure_report_requested = Signal()
    disclosure_save_requested = Signal(int, str)
    verify_requested = Signal()

    def __init__(self, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.setObjectName("AuditViewerDialog")
        self.setWindowTitle("Audit trail")
        self.setAccessibleName("Audit trail")
        self.resize(1300, 680)  # fits a 1366x768 screen with its title bar and taskbar
        self._filling = False
        self.disclosure_dialog: DisclosureReportDialog | None = None
        today_q = QDate(today) if today else QDate.currentDate()

        # --- filters --------------------------------------------------------------------------------
        self.person = QComboBox()
        self.person.setObjectName("auditPerson")
        self.person.setAccessibleName("Filter by person")
        self.person.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.person.currentIndexChanged.connect(
            lambda _i: None if self._filling else self.person_changed.emit(self.person.currentData() or ""))
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.setAccessibleName("Filter by action")
        self.action.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.action.currentIndexChanged.connect(
            lambda _i: None if self._filling else self.action_changed.emit(self.action.currentData() or ""))
        self.from_check = QCheckBox("&From")
        self.from_check.setObjectName("auditFromOn")
        self.from_check.setAccessibleName("Only entries from a date")
        self.from_date = date_edit("From date")
        self.from_date.setDate(today_q.addDays(-30))
        self.to_check = QCheckBox("&To")
        self.to_check.setObjectName("auditToOn")
        self.to_check.setAccessibleName("Only entries up to a date")
        self.to_date = date_edit("To date")
        self.to_date.setDate(today_q)
        for edit, name, accessible in ((self.from_date, "auditFrom", "From date"),
                                       (self.to_date, "auditTo", "To date")):
            edit.setObjectName(name)
            edit.setAccessibleName(accessible)
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda _d: self._dates_changed())
        self.from_check.toggled.connect(self.from_date.setEnabled)
        self.to_check.toggled.connect(self.to_date.setEnabled)
        self.from_check.toggled.connect(lambda _on: self._dates_changed())
        self.to_check.toggled.connect(lambda _on: self._dates_changed())

        self.student = QLineEdit()
        self.student.setObjectName("auditStudent")
        self.student.setAccessibleName("Student number or name")
        self.student.setPlaceholderText("Student number or name, then Enter")
        self.student.setClearButtonEnabled(True)
        self.student.setMinimumWidth(text_width(self.student, self.student.placeholderText(), 48))
        self.student.returnPressed.connect(lambda: self.student_search_requested.emit(self.student.text()))
        self.find_button = QPushButton("Fi&nd")
        self.find_button.setObjectName("auditFindStudent")
        self.find_button.setAccessibleName("Find the student")
        self.find_button.clicked.connect(lambda: self.student_search_requested.emit(self.student.text()))
        self.student_chosen = QLabel("Every student")
        self.student_chosen.setObjectName("auditStudentChosen")
        self.student_chosen.setAccessibleName("Student filter")
        self.clear_student_button = QPushButton("Any st&udent")
        self.clear_student_button.setObjectName("auditClearStudent")
        self.clear_student_button.setAccessibleName("Show entries about every student")
        self.clear_student_button.clicked.connect(self._clear_student)
        self.clear_button = QPushButton("C&lear filters")
        self.clear_button.setObjectName("auditClearFilters")
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.clicked.connect(self._clear)

        row1 = QHBoxLayout()
        for text, widget in (("&Person:", self.person), ("&Action:", self.action)):
            label = QLabel(text)
            label.setBuddy(widget)
            row1.addWidget(label)
            row1.addWidget(widget)
            row1.addSpacing(8)
        row1.addWidget(self.from_check)
        row1.addWidget(self.from_date)
        row1.addWidget(self.to_check)
        row1.addWidget(self.to_date)
        row1.addStretch(1)
        row1.addWidget(self.clear_button)
        row2 = QHBoxLayout()
        student_label = QLabel("&Student:")
        student_label.setBuddy(self.student)
        row2.addWidget(student_label)
        row2.addWidget(self.student)
        row2.addWidget(self.find_button)
        row2.addSpacing(8)
        row2.addWidget(self.student_chosen)
        row2.addWidget(self.clear_student_button)
        row2.addStretch(1)

        # --- entries and detail ------------------------------------------------------------------------
        self.model = AuditTableModel(self)
        self.table = record_table(self.model, "auditTable", "Audit entries", ())
        samples = ("Dec 30, 2026 12:59 PM", "Dana Whitfield (dwhitfield)", "Principal or designee",
                   "Disclosure report viewed", "000000 · Baker, Valentina", "MOCAP-2026-0000")
        for column, sample in enumerate(samples):  # Person and Student are cut short past these
            self.table.horizontalHeader().resizeSection(column, text_width(self.table, sample, 12))
        self.table.horizontalHeader().setStretchLastSection(False)
        self.detail_column = StretchColumn(self.table, len(COLUMNS) - 1, 100)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = QTextBrowser()
        self.detail.setObjectName("auditDetail")
        self.detail.setAccessibleName("Entry detail")
        self.detail.setOpenLinks(False)
        self.detail.setTabChangesFocus(True)
        self.detail.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.detail.setPlaceholderText("Select an entry to see everything it records.")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([1065, 230])

        self.summary = QLabel()
        self.summary.setObjectName("auditSummary")
        self.summary.setAccessibleName("Summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.integrity = QLabel()
        self.integrity.setObjectName("auditIntegrity")
        self.integrity.setAccessibleName("Integrity")
        self.integrity.setWordWrap(True)
        self.integrity.setTextFormat(Qt.TextFormat.PlainText)
        self.integrity.setFrameShape(QFrame.Shape.NoFrame)
        self.integrity.hide()

        self.verify_button = QPushButton("Check &integrity")
        self.verify_button.setObjectName("auditVerify")
        self.verify_button.setAccessibleName("Check the integrity of the audit trail")
        self.verify_button.clicked.connect(self.verify_requested)
        self.disclosure_button = QPushButton("&Disclosure report…")
        self.disclosure_button.setObjectName("auditDisclosure")
        self.disclosure_button.setAccessibleName("Disclosure report for the chosen or selected student")
        self.disclosure_button.clicked.connect(self.disclosure_report_requested)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setObjectName("auditExport")
        self.export_button.setAccessibleName("Export the entries shown to CSV")
        self.export_button.clicked.connect(self.export_requested)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.disclosure_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.integrity)
        layout.addLayout(bottom)
        for button in self.findChildren(QPushButton):  # Enter in the student field finds, nothing else
            button.setAutoDefault(False)
            button.setDefault(False)
        self._update_buttons()

    # --- AuditViewerView ---------------------------------------------------------------------------
    def show_filters(self, choices: FilterChoices, selected: AuditFilter) -> None:
        self._filling = True
        try:
            for combo, items, value in ((self.person, choices.people, selected.person),
                                        (self.action, choices.actions, selected.action)):
                combo.clear()
                for choice in items:
                    combo.addItem(choice.label, choice.value)
                combo.setCurrentIndex(max(0, combo.findData(value)))
            self.from_check.setChecked(selected.date_from is not None)
            self.to_check.setChecked(selected.date_to is not None)
            if selected.date_from:
                self.from_date.setDate(QDate(selected.date_from))
            if selected.date_to:
                self.to_date.setDate(QDate(selected.date_to))
        finally:
            self._filling = False

    def show_student_filter(self, label: str) -> None:
        self.student_chosen.setText(label or "Every student")
        self.student_chosen.setAccessibleDescription(label or "Every student")
        self.clear_student_button.setEnabled(bool(label))
        if label:
            self.student.clear()

    def show_entries(self, lines: list[AuditLine], has_more: bool, fetch: Fetch) -> None:
        current = self.current_entry_id()
        self.model.set_lines(lines, has_more, fetch)
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.table.selectRow(row)
        self._update_buttons()

    def show_summary(self, text: str, problem: bool = False) -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #A4161A;" if problem else "")
        self.summary.setAccessibleDescription(text)

    def show_detail(self, detail: EntryDetail | None) -> None:
        if detail is None:
            self.detail.clear()
            self.detail.setAccessibleDescription("")
            return
        rows = "".join(f"<tr><td style='padding:2px 8px 2px 0; color:#444;' valign='top'><b>{_escape(k)}</b></td>"
                       f"<td style='padding:2px 0'>{_escape(v)}</td></tr>" for k, v in detail.fields)
        self.detail.setHtml(f"<h3 style='margin:0 0 6px 0'>{_escape(detail.heading)}</h3><table>{rows}</table>")
        self.detail.setAccessibleDescription(detail.heading)

    def show_integrity(self, ok: bool, text: str) -> None:
        if not text:
            self.integrity.hide()
            return
        self.integrity.setStyleSheet(OK_STYLE if ok else BROKEN_STYLE)
        self.integrity.setText(("✔ " if ok else "⚠ ") + text)
        self.integrity.setAccessibleDescription(text)
        self.integrity.show()

    def choose_student(self, choices: list[Choice]) -> str | None:
        labels = [c.label for c in choices]
        label, ok = QInputDialog.getItem(self, "Choose the student", "Several students match:", labels, 0, False)
        if not ok:
            return None
        return next((c.value for c in choices if c.label == label), None)

    def ask_save_path(self, title: str, suggested: Path, kinds: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, title, str(suggested), kinds)
        return Path(name) if name else None

    def show_disclosure_report(self, sheet: DisclosureSheet) -> None:
        if self.disclosure_dialog is not None:
            self.disclosure_dialog.close()
        dialog = DisclosureReportDialog(sheet, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.save_requested.connect(lambda kind: self.disclosure_save_requested.emit(sheet.student_id, kind))
        dialog.destroyed.connect(lambda *_: setattr(self, "disclosure_dialog", None))
        self.disclosure_dialog = dialog
        dialog.open()



    # --- helpers -------------------------------------------------------------------------------------
    def current_entry_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.line(index.row()).entry_id

    def current_line(self) -> AuditLine | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.line(index.row())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        line = self.model.line(current.row()) if current.isValid() and current.row() < self.model.rowCount() else None
        self.entry_selected.emit(line.entry_id if line else None)
        self._update_buttons()

    def _dates_changed(self) -> None:
        if self._filling:
            return
        start = self.from_date.date().toPython() if self.from_check.isChecked() else None
        end = self.to_date.date().toPython() if self.to_check.isChecked() else None
        self.dates_changed.emit(start, end)

    def _clear_student(self) -> None:
        self.student.clear()
        self.student_cleared.emit()

    def _clear(self) -> None:
        self.student.clear()
        self.clear_requested.emit()

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(self.model.rowCount() > 0)


def open_audit_viewer(session, parent: QWidget | None = None, export_folder: Path | None = None) -> AuditViewerDialog:
    """Administration → Audit trail…: the viewer with its presenter, wired and shown (window-modal)."""
    dialog = AuditViewerDialog(parent)
    presenter = AuditViewerPresenter(dialog, session.store, export_folder=export_folder)
    dialog.person_changed.connect(presenter.person_changed)
    dialog.action_changed.connect(presenter.action_changed)
    dialog.dates_changed.connect(presenter.dates_changed)
    dialog.student_search_requested.connect(presenter.student_search_requested)
    dialog.student_cleared.connect(presenter.student_cleared)
    dialog.clear_requested.connect(presenter.clear_filters)
    dialog.entry_selected.connect(presenter.entry_selected)
    dialog.export_requested.connect(presenter.export_requested)
    dialog.disclosure_report_requested.connect(presenter.disclosure_report_requested)
    dialog.disclosure_save_requested.connect(presenter.disclosure_save_requested)
    dialog.verify_requested.connect(presenter.verify_requested)
    return present(dialog, presenter)
