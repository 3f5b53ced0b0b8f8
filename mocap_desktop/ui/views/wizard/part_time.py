"""The Part-time courses page: term, in-person load, catalog search, the courses chosen and the
full-time-equivalent meter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.presenters.wizard import CourseChoice, FteMeter
from mocap_desktop.ui.views.layouts import FlowLayout, group
from mocap_desktop.ui.views.wizard.widgets import (
    EnterFilter,
    WizardPage,
    date_field,
    field_label,
    iso_of,
    set_date,
    wrapped,
)

if TYPE_CHECKING:
    from mocap_desktop.ui.views.wizard.window import RequestWizard


class FteMeterBar(QWidget):
    """In-person credits, virtual credits the district pays for, and credits beyond the cap,
    against the full-time load (the dark line)."""

    COLORS = {"in_person": QColor("#8c96a3"), "within": QColor("#2e7d32"), "beyond": QColor("#e07b00")}

    def __init__(self):
        super().__init__()
        self.meter: FteMeter | None = None
        self.setMinimumHeight(26)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Full-time-equivalent meter")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(300, 26)

    def set_meter(self, meter: FteMeter) -> None:
        self.meter = meter
        self.setAccessibleDescription(meter.summary)
        self.setToolTip(meter.summary)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 3, -1, -3)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRect(rect)
        m = self.meter
        if m is None or m.cap <= 0:
            return
        scale_max = max(m.cap, m.in_person + m.within + m.beyond) * 1.05
        x = rect.left()
        for key, amount in (("in_person", min(m.in_person, scale_max)), ("within", m.within),
                            ("beyond", m.beyond)):
            if amount <= 0:
                continue
            width = rect.width() * amount / scale_max
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.COLORS[key])
            if key == "beyond":
                painter.setBrush(Qt.BrushStyle.BDiagPattern)
                painter.setPen(self.COLORS[key])
                painter.fillRect(QRectF(x, rect.top(), width, rect.height()), self.COLORS[key].lighter(160))
                painter.setBrush(QColor(self.COLORS[key]))
                painter.setBrush(Qt.BrushStyle.BDiagPattern)
            painter.drawRect(QRectF(x, rect.top(), width, rect.height()))
            x += width
        cap_x = rect.left() + rect.width() * m.cap / scale_max
        painter.setPen(QColor("#1a1a1a"))
        painter.drawLine(int(cap_x), int(rect.top()) - 3, int(cap_x), int(rect.bottom()) + 3)


class PartTimePage(WizardPage):
    key = "part_time"

    def first_field(self) -> QWidget | None:
        return self.term

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("The term, the student's in-person load and the courses from the state catalog. "
                         "The meter shows which courses the district pays for.")
        self.term = wizard.term_combo("Start term (part-time)")
        self.start_date = date_field("Course start date")
        self.received = date_field("Date the request was received")
        self.in_person = QLineEdit()
        self.in_person.setAccessibleName("In-person credits this term")
        self.in_person.setPlaceholderText("for example 2.5")
        self.in_person.setMaximumWidth(140)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setVerticalSpacing(4)
        form.addRow(field_label("Start &term:", self.term, False), self.term)
        form.addRow(wizard.errorfield_label("start_term"))
        form.addRow(field_label("Courses &start on:", self.start_date, False), self.start_date)
        form.addRow(wizard.errorfield_label("start_date"))
        form.addRow(field_label("Request &received on:", self.received, False), self.received)
        form.addRow(wizard.errorfield_label("received"))
        form.addRow(field_label("&In-person credits this term:", self.in_person, False), self.in_person)
        form.addRow(wizard.errorfield_label("in_person_credits"))
        left = QVBoxLayout()
        left.addLayout(form)
        self.hint = field_label("")
        self.hint.setAccessibleName("About the term")
        self.hint.setStyleSheet("color: #444;")
        left.addWidget(self.hint)
        left.addStretch(1)

        box = QGroupBox("Full-time load this term")
        box.setAccessibleName("Full-time load this term")
        meter_layout = QVBoxLayout(box)
        self.meter = FteMeterBar()
        legend = QLabel(
            "<span style='color:#8c96a3'>■</span> in person &nbsp; <span style='color:#2e7d32'>■</span> "
            "virtual, district pays &nbsp; <span style='color:#e07b00'>▨</span> beyond the load "
            "&nbsp; ┃ full-time load")
        legend.setAccessibleName("Meter legend")
        self.meter_text = field_label("")
        self.meter_text.setAccessibleName("Full-time-equivalent summary")
        meter_layout.addWidget(self.meter)
        meter_layout.addWidget(legend)
        meter_layout.addWidget(self.meter_text, 1)
        top = FlowLayout(spacing=self.layout_.spacing())  # the meter under the dates when narrow
        for part in (wrapped(left), box):
            part.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            top.addWidget(part)
        self.layout_.addLayout(top)

        self.search = QLineEdit()
        self.search.setAccessibleName("Search the course catalog")
        self.search.setPlaceholderText("Course code, title or provider, for example \"alg\" or \"eng 10\"")
        self.search.setClearButtonEnabled(True)
        self.add = QPushButton("&Add course")
        self.add.setAccessibleName("Add the selected course")
        row = QHBoxLayout()
        row.addWidget(field_label("Find a &course:", self.search, False))
        row.addWidget(self.search, 1)
        row.addWidget(self.add)
        self.layout_.addLayout(row)
        self.results = wizard.table(("Code", "Course", "Provider", "Credits", "Term", "Grades", "Note"),
                                    "Catalog courses")
        self.results.setMinimumHeight(110)
        self.results.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.layout_.addWidget(self.results, 3)

        self.selected = wizard.table(("Code", "Course", "Provider", "Credits", "Full-time load"),
                                     "Courses in this request")
        self.selected.setMinimumHeight(84)
        self.remove = QPushButton("Re&move")
        self.remove.setAccessibleName("Remove the selected course from the request")
        self.up = QPushButton("Move u&p")
        self.up.setAccessibleName("Move the selected course up")
        self.down = QPushButton("Move do&wn")
        self.down.setAccessibleName("Move the selected course down")
        row = FlowLayout()  # the buttons under the caption when narrow
        caption = field_label("Courses in this request (the first ones count first toward the load):", self.selected)
        caption.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row.addWidget(caption)
        buttons = group(self.up, self.down, self.remove)
        row.addWidget(buttons)
        row.setAlignment(buttons, Qt.AlignmentFlag.AlignRight)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.selected, 2)
        self.layout_.addWidget(wizard.errorfield_label("courses"))

        self.start_date.dateChanged.connect(lambda _d: wizard.emit_field("start_date", iso_of(self.start_date)))
        self.received.dateChanged.connect(lambda _d: wizard.emit_field("received", iso_of(self.received)))
        self.in_person.textChanged.connect(lambda text: wizard.emit_field("in_person_credits", text))
        self.search.textChanged.connect(wizard.course_search_requested)
        self.search.installEventFilter(EnterFilter(self, self._focus_results, self.results))
        self.results.installEventFilter(EnterFilter(self, self._add))  # Enter adds, not Next
        self.results.doubleClicked.connect(lambda _index: self._add())
        self.add.clicked.connect(self._add)
        self.remove.clicked.connect(lambda: self._selected_action(wizard.course_remove_requested.emit))
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        self.selected.installEventFilter(self)
        wizard.fields.update(start_term=self.term, start_date=self.start_date, received=self.received,
                             in_person_credits=self.in_person, courses=self.search)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.selected and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Delete:
            self._selected_action(self.w.course_remove_requested.emit)
            return True
        return False

    def _focus_results(self) -> None:
        if self.results.rowCount():
            self.results.setFocus()
            self.results.selectRow(0)

    def _add(self) -> None:
        row = self.results.currentRow()
        if row >= 0:
            self.w.course_add_requested.emit(int(self.results.item(row, 0).data(Qt.ItemDataRole.UserRole)))

    def _selected_action(self, emit) -> None:
        row = self.selected.currentRow()
        if row >= 0:
            emit(row)

    def _move(self, delta: int) -> None:
        row = self.selected.currentRow()
        if row >= 0:
            self.w.course_move_requested.emit(row, delta)
            target = row + delta
            if 0 <= target < self.selected.rowCount():
                self.selected.selectRow(target)

    def set_value(self, name: str, value: str) -> None:
        if name == "start_date":
            set_date(self.start_date, value)
        elif name == "received":
            set_date(self.received, value)
        elif name == "in_person_credits":
            self.in_person.setText(value)

    def show_courses(self, rows: list[CourseChoice]) -> None:
        table = self.results
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = (row.code, row.title, row.provider, row.credits, row.term, row.grades, row.note)
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row.id)
                if row.blocked:
                    item.setForeground(QColor("#777777"))
                table.setItem(r, c, item)

    def show_meter(self, meter: FteMeter) -> None:
        table = self.selected
        current = table.currentRow()
        table.setRowCount(len(meter.courses))
        for r, course in enumerate(meter.courses):
            values = (course.code, course.title, course.provider, course.credits,
                      course.fte_label or "—")
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 4 and course.fte == "beyond":
                    item.setForeground(QColor("#a35400"))
                elif c == 4 and course.fte == "within":
                    item.setForeground(QColor("#1b6e20"))
                table.setItem(r, c, item)
        if 0 <= current < table.rowCount():
            table.selectRow(current)
        self.meter.set_meter(meter)
        self.meter_text.setText(meter.summary)
