"""The student lookup screen: a search box, paged results, and the student's record."""

from __future__ import annotations

import html

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.presenters.lookup import DetailView, ResultLine, ResultPager
from mocap_desktop.ui.views.layouts import AdaptiveSplitter
from mocap_desktop.ui.views.tables import CellModel, StretchColumn

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Name", "Grade", "Building", "Local number · MOSIS ID")
STUDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class StudentResultsModel(CellModel):
    """One query's results. Rows arrive a page at a time through `fetchMore`."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(len(COLUMNS), parent)
        self._pager: ResultPager | None = None
        self._rows: list[ResultLine] = []
        self.set_headers(COLUMNS)

    def set_pager(self, pager: ResultPager | None) -> None:
        self._pager = pager
        self._rows = list(pager.first) if pager is not None else []
        self.reset_rows(len(self._rows))

    def line(self, row: int) -> ResultLine | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # --- Qt model -----------------------------------------------------------------------
    def row_cells(self, row: int) -> list[dict[int, object]]:
        line = self._rows[row]
        return [{Qt.ItemDataRole.DisplayRole: text, Qt.ItemDataRole.ToolTipRole: text,
                 Qt.ItemDataRole.AccessibleTextRole: line.accessible, STUDENT_ID_ROLE: line.student_id}
                for text in (line.name, line.grade, line.building, line.ids)]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._pager is not None and self._pager.has_more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._pager is None:
            return
        more = self._pager.fetch_more()
        if not more:
            return
        self._rows.extend(more)
        self.append_rows(len(more))


class _Heading(QLabel):
    def __init__(self, text: str, level: int = 3):
        super().__init__(f"<h{level} style='margin:0'>{html.escape(text)}</h{level}>")
        self.setAccessibleName(text)


class StudentDetailPane(QWidget):
    """The student's record: demographics, guardians, enrollment timeline, MOCAP requests."""

    start_request_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("studentDetail")
        self.student_id: int | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        top = QHBoxLayout()
        top.setContentsMargins(16, 12, 16, 4)
        titles = QVBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("detailHeading")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.heading.setWordWrap(True)
        self.subheading = QLabel()
        self.subheading.setObjectName("detailSubheading")
        self.subheading.setWordWrap(True)
        titles.addWidget(self.heading)
        titles.addWidget(self.subheading)
        top.addLayout(titles, 1)
        self.start_button = QPushButton("Start MOCAP request…")
        self.start_button.setAccessibleName("Start MOCAP request")
        self.start_button.setAccessibleDescription("Open the enrollment wizard for this student")
        self.start_button.setAutoDefault(True)
        self.start_button.clicked.connect(self._start)
        top.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.scroll.setAccessibleName("Student record")
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(16, 4, 16, 16)
        self.body_layout.setSpacing(10)
        self.scroll.setWidget(self.body)
        outer.addWidget(self.scroll, 1)

        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setObjectName("detailPlaceholder")
        self._start_enabled = True
        self._start_tooltip = ""
        self.clear("Select a student to see their record.")

    def set_start_request_enabled(self, enabled: bool, tooltip: str = "") -> None:
        self._start_enabled = enabled
        self._start_tooltip = tooltip
        self.start_button.setEnabled(enabled and self.student_id is not None)
        self.start_button.setToolTip(tooltip)

    def _start(self) -> None:
        if self.student_id is not None:
            self.start_request_requested.emit(self.student_id)

    def _clear_body(self) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget()
            if widget is not None and widget is not self.placeholder:
                widget.hide()
                widget.deleteLater()

    def clear(self, text: str) -> None:
        self.student_id = None
        self._clear_body()
        self.heading.setText("")
        self.subheading.setText("")
        self.heading.hide()
        self.subheading.hide()
        self.start_button.hide()
        self.placeholder.setText(text)
        self.body_layout.addWidget(self.placeholder, 1)
        self.placeholder.show()

    def show_detail(self, d: DetailView) -> None:
        self.student_id = d.student_id
        self._clear_body()
        self.placeholder.hide()
        self.heading.setText(f"<h2 style='margin:0'>{html.escape(d.heading)}</h2>")
        self.heading.setAccessibleName(d.heading)
        self.subheading.setText(html.escape(d.subheading))
        self.heading.show()
        self.subheading.show()
        self.start_button.show()
        self.start_button.setEnabled(self._start_enabled)
        self.start_button.setToolTip(self._start_tooltip)

        if d.flags:
            chips = QLabel("  ".join(
                f"<span style='background:#e8eef7;color:#1f3a5f;'>&nbsp;{html.escape(f)}&nbsp;</span>"
                for f in d.flags))
            chips.setAccessibleName("Programs: " + ", ".join(d.flags))
        else:
            chips = QLabel("<span style='color:#555'>No IEP, Section 504 plan, MSHSAA activities or "
                           "English learner services on file.</span>")
            chips.setAccessibleName("No programs on file")
        chips.setWordWrap(True)
        self.body_layout.addWidget(chips)

        self.body_layout.addWidget(_Heading("Student"))
        facts = QWidget()
        grid = QGridLayout(facts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(3)
        for i, (label, value) in enumerate(d.facts):
            name = QLabel(f"<span style='color:#555'>{html.escape(label)}</span>")
            text = QLabel(html.escape(value))
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setAccessibleName(f"{label}: {value}")
            grid.addWidget(name, i, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, i, 1)
        grid.setColumnStretch(1, 1)
        self.body_layout.addWidget(facts)

        self.body_layout.addWidget(_Heading("Guardians"))
        if d.guardians:
            for g in d.guardians:
                badge = (" <span style='background:#e3f1e6;color:#1d5b2c;'>&nbsp;Receives letters"
                         "&nbsp;</span>" if g.receives_letters else "")
                label = QLabel(
                    f"<b>{html.escape(g.name)}</b> — {html.escape(g.relationship)}{badge}<br>"
                    f"{html.escape(g.contact)}<br>"
                    f"<span style='color:#555'>Letters in {html.escape(g.language)}</span>")
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setAccessibleName(
                    f"{g.name}, {g.relationship}, {g.contact}, letters in {g.language}"
                    + (", receives letters" if g.receives_letters else ""))
                self.body_layout.addWidget(label)
        else:
            self.body_layout.addWidget(QLabel("No guardian on file: letters cannot be addressed "
                                              "until one is added (import a roster with guardians)."))

        self.body_layout.addWidget(_Heading("Enrollment history"))
        if d.timeline:
            rows = "".join(
                "<tr>"
                f"<td valign='top' style='color:{'#1d5b2c' if e.current else '#888'};"
                f"padding-right:6px'>{'●' if e.current else '○'}</td>"
                f"<td valign='top' style='padding-right:12px;white-space:nowrap'><b>{html.escape(e.dates)}</b></td>"
                f"<td valign='top'>{html.escape(e.place)}<br>"
                f"<span style='color:#555'>{html.escape(e.detail)}</span></td></tr>"
                for e in d.timeline)
            timeline = QLabel(f"<table cellspacing='0' cellpadding='2'>{rows}</table>")
            timeline.setWordWrap(True)
            timeline.setAccessibleName("Enrollment history: " + "; ".join(
                f"{e.dates}, {e.place}, {e.detail}" for e in d.timeline))
            self.body_layout.addWidget(timeline)
        else:
            self.body_layout.addWidget(QLabel("No enrollment history on file."))

        self.body_layout.addWidget(_Heading("MOCAP requests"))
        if d.requests:
            rows = "".join(
                f"<tr><td style='padding-right:12px'><b>{html.escape(r.reference)}</b></td>"
                f"<td style='padding-right:12px'>{html.escape(r.pathway)}</td>"
                f"<td style='padding-right:12px'>{html.escape(r.status)}</td>"
                f"<td style='color:#555'>received {html.escape(r.received)}</td></tr>"
                for r in d.requests)
            requests = QLabel(f"<table cellspacing='0' cellpadding='2'>{rows}</table>")
            requests.setWordWrap(True)
            requests.setAccessibleName("MOCAP requests: " + "; ".join(
                f"{r.reference}, {r.pathway}, {r.status}, received {r.received}" for r in d.requests))
            self.body_layout.addWidget(requests)
        else:
            self.body_layout.addWidget(QLabel("No MOCAP requests for this student yet."))
        self.body_layout.addStretch(1)


class StudentLookupView(QWidget):
    """Search box, results, record. Implements the presenter's `LookupView`."""

    search_changed = Signal(str)
    student_selected = Signal(object)  # int | None
    start_request_requested = Signal(int)
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("studentLookup")
        self.setAccessibleName("Student lookup")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # The record beside the results on a whole screen, under them in half of one.
        # Proportions: at 1280 px the results show their four columns whole (about 630 px).
        splitter = AdaptiveSplitter(side_by_side=720, sizes=[640, 420], stacked_sizes=[1, 1])
        layout.addWidget(splitter)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(12, 12, 6, 8)
        self.search = QLineEdit()
        self.search.setObjectName("studentSearch")
        self.search.setPlaceholderText("Search by name, local number or MOSIS ID  (Ctrl+F)")
        self.search.setAccessibleName("Search students")
        self.search.setAccessibleDescription(
            "Type part of a last, first or preferred name in any order, a local number or a "
            "MOSIS ID. Up and Down move through the results; Enter opens the record.")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.search_changed)
        self.search.installEventFilter(self)
        left_layout.addWidget(self.search)
        self.count_label = QLabel()
        self.count_label.setObjectName("resultCount")
        self.count_label.setAccessibleName("Search results")
        left_layout.addWidget(self.count_label)

        self.model = StudentResultsModel(self)
        self.table = QTableView()
        self.table.setObjectName("studentResults")
        self.table.setAccessibleName("Matching students")
        self.model.show_in(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 180)
        header.resizeSection(3, 170)
        StretchColumn(self.table, 0, minimum=170)  # the name: whole, even when the table scrolls
        header.setHighlightSections(False)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(lambda _index: self.open_current())
        self.table.installEventFilter(self)

        self.no_students = QWidget()
        self.no_students.setAccessibleName("No students yet")
        empty = QVBoxLayout(self.no_students)
        empty.addStretch(1)
        title = QLabel("<h2>No students yet</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QLabel("Import a roster exported from your student information system "
                      "(CSV or Excel) to look students up here.")
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.import_button = QPushButton("Import a roster…")
        self.import_button.setAccessibleName("Import a roster")
        self.import_button.clicked.connect(self.import_requested)
        empty.addWidget(title)
        empty.addWidget(body)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.import_button)
        row.addStretch(1)
        empty.addLayout(row)
        empty.addStretch(2)

        self.no_match = QLabel()
        self.no_match.setObjectName("noMatch")
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.no_match.setWordWrap(True)
        self.no_match.setContentsMargins(8, 32, 8, 8)

        self.results = QStackedWidget()
        self.results.addWidget(self.table)
        self.results.addWidget(self.no_students)
        self.results.addWidget(self.no_match)
        left_layout.addWidget(self.results, 1)
        splitter.addWidget(left)

        self.detail = StudentDetailPane()
        self.detail.start_request_requested.connect(self.start_request_requested)
        self.detail.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)

        self.find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        self.find_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_shortcut.activated.connect(self.focus_search)
        self.setFocusProxy(self.search)

    # --- focus and keys -----------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        QTimer.singleShot(0, self.focus_search)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if watched is self.search:
                if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                    self._move(key)
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    if not self.table.currentIndex().isValid() and self.model.rowCount():
                        self.select_row(0)
                    self.open_current()
                    return True
            elif watched is self.table and key == Qt.Key.Key_Escape:
                self.focus_search()
                return True
        return super().eventFilter(watched, event)

    def _move(self, key: int) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        current = self.table.currentIndex().row()
        page = max(self.table.viewport().height() // max(self.table.rowHeight(0), 1) - 1, 1)
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: page,
                Qt.Key.Key_PageUp: -page}[Qt.Key(key)]
        target = 0 if current < 0 else current + step
        if target >= rows and self.model.canFetchMore():
            self.model.fetchMore()
            rows = self.model.rowCount()
        self.select_row(max(0, min(target, rows - 1)))

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def open_current(self) -> None:
        """Enter: show the record and put the keyboard on its first action."""
        line = self.model.line(self.table.currentIndex().row())
        if line is None:
            return
        self.student_selected.emit(line.student_id)
        if self.detail.start_button.isEnabled():
            self.detail.start_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.detail.scroll.setFocus(Qt.FocusReason.OtherFocusReason)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        line = self.model.line(current.row()) if current.isValid() else None
        if line is not None:  # a new search keeps the record on screen until a row is chosen
            self.student_selected.emit(line.student_id)

    def set_start_request_enabled(self, enabled: bool, tooltip: str = "") -> None:
        self.detail.set_start_request_enabled(enabled, tooltip)

    # --- LookupView -----------------------------------------------------------------------
    def show_results(self, pager: ResultPager) -> None:
        self.model.set_pager(pager)
        self.results.setCurrentWidget(self.table)

    def show_no_students(self) -> None:
        self.model.set_pager(None)
        self.results.setCurrentWidget(self.no_students)

    def show_no_match(self, text: str) -> None:
        self.model.set_pager(None)
        self.no_match.setText(
            f"<p style='font-size:large'>No student matches ‘{html.escape(text)}’.</p>"
            "<p>Check the spelling, type fewer letters, or search by local number or MOSIS ID.</p>")
        self.no_match.setAccessibleName(f"No student matches {text}")
        self.results.setCurrentWidget(self.no_match)

    def show_detail(self, detail: DetailView) -> None:
        self.detail.show_detail(detail)

    def clear_detail(self, text: str) -> None:
        self.detail.clear(text)

    def show_count(self, text: str) -> None:
        self.count_label.setText(text)

    def show_error(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(self, title, text)
