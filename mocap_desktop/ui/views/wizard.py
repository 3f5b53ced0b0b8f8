"""The enrollment wizard's widgets: a QWizard of dumb pages behind `RequestWizardPresenter`.

Each page only shows what the presenter hands it and forwards what the counselor does as
signals; `validatePage()` asks the presenter, and problems appear in red next to their field.
Every control has an accessible name and a keyboard path: Alt+letter mnemonics on labels,
Enter in a search box picks the first result, Enter on a course adds it, Delete removes one.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from mocap_desktop.ui.presenters.wizard import (
    PAGE_TITLES,
    PAGES,
    Choices,
    CourseChoice,
    DoneView,
    EligibilityView,
    FamilyView,
    FteMeter,
    RequestWizardPresenter,
    ReviewSummary,
    StudentCard,
    StudentChoice,
    WizardState,
)
from mocap_desktop.ui.views.layouts import FlowLayout, RadioButton, WrapCheckBox, group
from mocap_desktop.ui.views.dates import BLANK, date_edit
from mocap_desktop.ui.views.dialogs import MessageBoxes, ask

ERROR_COLOR = "#b00020"
OUTCOME_MARKS = {"pass": ("✔", "#1b6e20"), "fail": ("✖", ERROR_COLOR), "waived": ("✔", "#1b6e20"),
                 "warn": ("!", "#8a5a00"), "not_applicable": ("–", "#555555")}


def _iso(edit: QDateEdit) -> str:
    d = edit.date()
    return "" if d == BLANK else date(d.year(), d.month(), d.day()).isoformat()


def _set_date(edit: QDateEdit, iso: str) -> None:
    edit.blockSignals(True)
    try:
        d = date.fromisoformat(iso) if iso else None
    except ValueError:
        d = None
    edit.setDate(QDate(d.year, d.month, d.day) if d else BLANK)
    edit.blockSignals(False)


def _date_edit(name: str) -> QDateEdit:
    return date_edit(name, blank=True)


def _label(text: str, buddy: QWidget | None = None, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    if buddy is not None:
        label.setBuddy(buddy)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class ErrorLabel(QLabel):
    """A red message under a field; hidden while there is nothing wrong."""

    def __init__(self, field: str):
        super().__init__()
        self.setObjectName(f"error_{field}")
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_COLOR};")
        self.setAccessibleName(f"Problem with {field.replace('_', ' ')}")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))


class _EnterFilter(QObject):
    """Enter in a search box does the box's own action (instead of pressing Next); Down moves
    into its results."""

    def __init__(self, parent: QObject, on_enter, down_to: QWidget | None = None):
        super().__init__(parent)
        self.on_enter = on_enter
        self.down_to = down_to

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.on_enter()
                return True
            if event.key() == Qt.Key.Key_Down and self.down_to is not None:
                self.down_to.setFocus()
                return False
        return False


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


class CompactTable(QTableWidget):
    """A table that asks for no more height than its minimum, so the page around it (in a
    scroll area that honours height-for-width) grows it only with the room there is."""

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, max(self.minimumHeight(), 60))


class CompactList(QListWidget):
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, max(self.minimumHeight(), 80))


class CompactBrowser(QTextBrowser):
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, max(self.minimumHeight(), 80))


def _widget(layout) -> QWidget:
    widget = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget


def _scroll(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own
    return area


class _Page(QWizardPage):
    key = ""

    def __init__(self, wizard: "RequestWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle(PAGE_TITLES[self.key])
        self.setObjectName(f"page_{self.key}")
        self.setAccessibleName(PAGE_TITLES[self.key])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.body = QWidget()
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(_scroll(self.body))

    def first_field(self) -> QWidget | None:
        return None

    def initializePage(self) -> None:  # noqa: N802
        first = self.first_field()
        if first is not None:
            # The wizard is worked from the keyboard: its focus frame shows from the first page on
            # (Qt draws it once the focus has moved by a key, as it does with this reason).
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.w.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)

    def validatePage(self) -> bool:  # noqa: N802
        if self.w.presenter is None:
            return True
        ok = self.w.presenter.validate_page(self.key)
        if not ok:
            self.w.focus_first_error(self.key)
        return ok

    def nextId(self) -> int:  # noqa: N802
        if self.w.presenter is None:
            return super().nextId()
        nxt = self.w.presenter.next_page(self.key)
        return PAGES.index(nxt) if nxt else -1


class StudentPage(_Page):
    key = "student"

    def first_field(self) -> QWidget | None:
        return self.search

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("Find the student. Requests already open for the student are listed, so the same "
                         "request is not entered twice.")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Name, local number or MOSIS ID")
        self.search.setAccessibleName("Search students")
        self.search.setClearButtonEnabled(True)
        self.results = CompactList()
        self.results.setAccessibleName("Matching students")
        self.results.setMinimumHeight(130)
        self.more = QLabel()
        self.more.setAccessibleName("More results note")
        self.card = QLabel()
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setAccessibleName("Selected student")
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        self.card.setMargin(8)
        self.card.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.card.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                          | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.card.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.error = wizard.error_label("student")
        self.mosis = QLineEdit()  # shown for a student whose record has no MOSIS ID
        self.mosis.setAccessibleName("MOSIS ID (ten digits)")
        self.mosis.setPlaceholderText("ten digits")
        self.mosis.setMaxLength(12)
        self.mosis_row = QWidget()
        mosis_row = QHBoxLayout(self.mosis_row)
        mosis_row.setContentsMargins(0, 0, 0, 0)
        mosis_row.addWidget(_label("MOSIS ID (the record has none; the provider needs it):", self.mosis,
                                   wrap=False))
        mosis_row.addWidget(self.mosis)
        mosis_row.addStretch(1)
        self.mosis_row.hide()
        self.mosis.textChanged.connect(lambda text: wizard.emit_field("mosis_id", text))
        row = QHBoxLayout()
        row.addWidget(_label("&Find the student:", self.search, wrap=False))
        row.addWidget(self.search, 1)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.results, 2)
        self.layout_.addWidget(self.more)
        self.layout_.addWidget(self.card, 3)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.mosis_row)
        self.layout_.addWidget(wizard.error_label("mosis_id"))
        self.search.textChanged.connect(wizard.student_search_requested)
        self.search.installEventFilter(_EnterFilter(self, self._pick_first, self.results))
        self.results.currentItemChanged.connect(self._chosen)
        wizard.fields.update(student=self.search, mosis_id=self.mosis)

    def _pick_first(self) -> None:
        if self.results.count():
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def _chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.w.student_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))


class PathwayPage(_Page):
    key = "pathway"

    def first_field(self) -> QWidget | None:
        return next((b for b in self.buttons.values() if b.isChecked()), self.buttons["part_time"])

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("Which kind of MOCAP request is this?")
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        self.texts: dict[str, QLabel] = {}
        for key, mnemonic in (("part_time", "&Part-time"), ("full_time", "F&ull-time")):
            button = RadioButton(mnemonic)
            button.setAccessibleName(key.replace("_", "-"))
            self.group.addButton(button)
            self.buttons[key] = button
            text = _label("")
            text.setContentsMargins(24, 0, 0, 12)
            self.texts[key] = text
            self.layout_.addWidget(button)
            self.layout_.addWidget(text)
            button.toggled.connect(lambda on, k=key: on and wizard.pathway_chosen.emit(k))
        self.layout_.addWidget(wizard.error_label("pathway"))
        self.layout_.addStretch(1)
        wizard.fields["pathway"] = self.buttons["part_time"]

    def set_texts(self, pathways: dict[str, tuple[str, str]]) -> None:
        for key, (title, paragraph) in pathways.items():
            self.buttons[key].setText("&" + title)
            self.buttons[key].setAccessibleName(title)
            self.texts[key].setText(paragraph)
            self.buttons[key].setAccessibleDescription(paragraph)


class PartTimePage(_Page):
    key = "part_time"

    def first_field(self) -> QWidget | None:
        return self.term

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("The term, the student's in-person load and the courses from the state catalog. "
                         "The meter shows which courses the district pays for.")
        self.term = wizard.term_combo("Start term (part-time)")
        self.start_date = _date_edit("Course start date")
        self.received = _date_edit("Date the request was received")
        self.in_person = QLineEdit()
        self.in_person.setAccessibleName("In-person credits this term")
        self.in_person.setPlaceholderText("for example 2.5")
        self.in_person.setMaximumWidth(140)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setVerticalSpacing(4)
        form.addRow(_label("Start &term:", self.term, False), self.term)
        form.addRow(wizard.error_label("start_term"))
        form.addRow(_label("Courses &start on:", self.start_date, False), self.start_date)
        form.addRow(wizard.error_label("start_date"))
        form.addRow(_label("Request &received on:", self.received, False), self.received)
        form.addRow(wizard.error_label("received"))
        form.addRow(_label("&In-person credits this term:", self.in_person, False), self.in_person)
        form.addRow(wizard.error_label("in_person_credits"))
        left = QVBoxLayout()
        left.addLayout(form)
        self.hint = _label("")
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
        self.meter_text = _label("")
        self.meter_text.setAccessibleName("Full-time-equivalent summary")
        meter_layout.addWidget(self.meter)
        meter_layout.addWidget(legend)
        meter_layout.addWidget(self.meter_text, 1)
        top = FlowLayout(spacing=self.layout_.spacing())  # the meter under the dates when narrow
        for part in (_widget(left), box):
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
        row.addWidget(_label("Find a &course:", self.search, False))
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
        caption = _label("Courses in this request (the first ones count first toward the load):", self.selected)
        caption.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row.addWidget(caption)
        buttons = group(self.up, self.down, self.remove)
        row.addWidget(buttons)
        row.setAlignment(buttons, Qt.AlignmentFlag.AlignRight)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.selected, 2)
        self.layout_.addWidget(wizard.error_label("courses"))

        self.start_date.dateChanged.connect(lambda _d: wizard.emit_field("start_date", _iso(self.start_date)))
        self.received.dateChanged.connect(lambda _d: wizard.emit_field("received", _iso(self.received)))
        self.in_person.textChanged.connect(lambda text: wizard.emit_field("in_person_credits", text))
        self.search.textChanged.connect(wizard.course_search_requested)
        self.search.installEventFilter(_EnterFilter(self, self._focus_results, self.results))
        self.results.installEventFilter(_EnterFilter(self, self._add))  # Enter adds, not Next
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


class FullTimePage(_Page):
    key = "full_time"

    def first_field(self) -> QWidget | None:
        return self.provider

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("The family has applied to a full-time virtual program. Record the provider's "
                         "notice: the district's input is due within ten business days of it.")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.provider = QComboBox()
        self.provider.setAccessibleName("Provider of the virtual program")
        self.host = QLineEdit()
        self.host.setAccessibleName("Host district county-district code")
        self.host.setPlaceholderText("six digits, for example 048-078")
        self.host.setMaximumWidth(220)
        self.notice = _date_edit("Date the provider's notice reached the district")
        self.term = wizard.term_combo("Planned start term (full-time)")
        form.addRow(_label("&Provider:", self.provider, False), self.provider)
        form.addRow("", wizard.error_label("provider"))
        form.addRow(_label("&Host district code:", self.host, False), self.host)
        form.addRow("", wizard.error_label("host_district"))
        form.addRow(_label("Provider's &notice reached the district on:", self.notice, False), self.notice)
        form.addRow("", wizard.error_label("received"))
        form.addRow(_label("Planned &start term:", self.term, False), self.term)
        form.addRow("", wizard.error_label("start_term"))
        self.layout_.addLayout(form)
        self.due = _label("")
        self.due.setAccessibleName("District input due date")
        self.due.setStyleSheet("font-weight: bold;")
        self.layout_.addWidget(self.due)
        self.reasons_box = QGroupBox("Why is the family leaving in-person school? (ask; check all that apply)")
        self.reasons_box.setAccessibleName("Family's reasons")
        self.reasons_layout = QGridLayout(self.reasons_box)
        self.reasons: dict[str, QCheckBox] = {}
        self.layout_.addWidget(self.reasons_box)
        self.layout_.addWidget(wizard.error_label("reasons"))
        self.layout_.addStretch(1)
        self.provider.currentIndexChanged.connect(
            lambda _i: wizard.emit_field("provider_id", self.provider.currentData()))
        self.host.textChanged.connect(lambda text: wizard.emit_field("host_district", text))
        self.notice.dateChanged.connect(lambda _d: wizard.emit_field("received", _iso(self.notice)))
        wizard.fields.update(provider=self.provider, host_district=self.host, reasons=self.reasons_box)
        wizard.extra_fields.setdefault("received", []).append(self.notice)
        wizard.extra_fields.setdefault("start_term", []).append(self.term)

    def set_reasons(self, reasons: tuple[str, ...]) -> None:
        for n, reason in enumerate(reasons):
            box = QCheckBox(reason)
            box.setAccessibleName(f"Reason: {reason}")
            box.toggled.connect(lambda on, r=reason: self.w.reason_toggled.emit(r, on))
            self.reasons[reason] = box
            self.reasons_layout.addWidget(box, n // 2, n % 2)
        if reasons:
            self.w.fields["reasons"] = self.reasons[reasons[0]]


class EligibilityPage(_Page):
    key = "eligibility"

    def first_field(self) -> QWidget | None:
        return self.findings

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("What the MOCAP rules say about this request, with the law or policy behind each.")
        self.headline = _label("")
        self.headline.setAccessibleName("Eligibility summary")
        self.headline.setStyleSheet("font-weight: bold;")
        self.findings = CompactBrowser()
        self.findings.setAccessibleName("Rule findings")
        self.findings.setOpenLinks(False)
        self.findings.setMinimumHeight(200)
        self.layout_.addWidget(self.headline)
        self.layout_.addWidget(wizard.error_label("eligibility"))
        self.layout_.addWidget(self.findings, 3)

        self.waiver = QGroupBox("Medical or psychological waiver of the prior-term rule")
        self.waiver.setAccessibleName("Medical or psychological waiver")
        grid = QGridLayout(self.waiver)
        note = _label("Record only that a condition is documented and who verified the document. "
                      "Do not record what the condition is.")
        self.yes = RadioButton("&Yes, a condition is documented")
        self.yes.setAccessibleName("Waiver: condition documented")
        self.no = RadioButton("N&o document")
        self.no.setAccessibleName("Waiver: no document")
        group = QButtonGroup(self)
        group.addButton(self.yes)
        group.addButton(self.no)
        self.doc_date = _date_edit("Date of the document")
        self.role = QComboBox()
        self.role.setAccessibleName("Document verified by (role)")
        grid.addWidget(note, 0, 0, 1, 4)
        grid.addWidget(self.yes, 1, 0, 1, 2)
        grid.addWidget(self.no, 1, 2, 1, 2)
        grid.addWidget(wizard.error_label("waiver"), 2, 0, 1, 4)
        grid.addWidget(_label("&Document dated:", self.doc_date, False), 3, 0)
        grid.addWidget(self.doc_date, 3, 1)
        grid.addWidget(_label("&Verified by (role):", self.role, False), 3, 2)
        grid.addWidget(self.role, 3, 3)
        grid.addWidget(wizard.error_label("waiver_date"), 4, 0, 1, 2)
        grid.addWidget(wizard.error_label("waiver_role"), 4, 2, 1, 4)
        grid.setColumnStretch(3, 1)
        self.layout_.addWidget(self.waiver)
        self.waiver.hide()
        self.flags = _label("")
        self.flags.setTextFormat(Qt.TextFormat.RichText)
        self.flags.setAccessibleName("Flags and what they mean")
        self.layout_.addWidget(self.flags)
        self.yes.toggled.connect(lambda on: on and wizard.emit_field("waiver_documented", True))
        self.no.toggled.connect(lambda on: on and wizard.emit_field("waiver_documented", False))
        self.doc_date.dateChanged.connect(lambda _d: wizard.emit_field("waiver_date", _iso(self.doc_date)))
        self.role.currentIndexChanged.connect(lambda _i: wizard.emit_field("waiver_role", self.role.currentData() or ""))
        wizard.fields.update(waiver=self.yes, waiver_date=self.doc_date, waiver_role=self.role,
                             eligibility=self.findings)


class FamilyPage(_Page):
    key = "family"

    def first_field(self) -> QWidget | None:
        return self.guardian

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("Who gets the letters, where, and in which language; then go through the "
                         "acknowledgements with the family.")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.guardian = QComboBox()
        self.guardian.setAccessibleName("Guardian who gets the letters")
        self.address1 = QLineEdit()
        self.address1.setAccessibleName("Street address")
        self.address2 = QLineEdit()
        self.address2.setAccessibleName("Address line 2")
        self.city = QLineEdit()
        self.city.setAccessibleName("City")
        self.state = QLineEdit()
        self.state.setAccessibleName("State")
        self.state.setMaxLength(2)
        self.state.setMaximumWidth(60)
        self.zip = QLineEdit()
        self.zip.setAccessibleName("ZIP code")
        self.zip.setMaximumWidth(120)
        self.language = QComboBox()
        self.language.setAccessibleName("Language of the letters")
        form.addRow(_label("&Letters go to:", self.guardian, False), self.guardian)
        form.addRow("", wizard.error_label("guardian"))
        form.addRow(_label("&Street address:", self.address1, False), self.address1)
        form.addRow("", wizard.error_label("address1"))
        form.addRow(_label("Address line &2:", self.address2, False), self.address2)
        town = QHBoxLayout()
        town.addWidget(self.city, 3)
        town.addWidget(_label("S&tate:", self.state, False))
        town.addWidget(self.state)
        town.addWidget(_label("&ZIP:", self.zip, False))
        town.addWidget(self.zip)
        form.addRow(_label("&City:", self.city, False), town)
        errors = QHBoxLayout()
        for name in ("city", "state", "zip"):
            errors.addWidget(wizard.error_label(name))
        form.addRow("", errors)
        form.addRow(_label("Lan&guage:", self.language, False), self.language)
        form.addRow("", wizard.error_label("language"))
        self.layout_.addLayout(form)
        self.acks_box = QGroupBox("Acknowledgements (read each one to the family, then check it)")
        self.acks_box.setAccessibleName("Acknowledgements")
        self.acks_layout = QVBoxLayout(self.acks_box)
        self.acks: dict[str, QCheckBox] = {}
        self.layout_.addWidget(self.acks_box)
        self.layout_.addWidget(wizard.error_label("acknowledgements"))
        self.layout_.addStretch(1)
        self.guardian.currentIndexChanged.connect(
            lambda _i: self.guardian.currentData() is not None
            and wizard.emit_field("guardian_id", self.guardian.currentData()))
        for name in ("address1", "address2", "city", "state", "zip"):
            getattr(self, name).textChanged.connect(lambda text, n=name: wizard.emit_field(n, text))
        self.language.currentIndexChanged.connect(
            lambda _i: wizard.emit_field("language", self.language.currentData() or ""))
        wizard.fields.update(guardian=self.guardian, address1=self.address1, address2=self.address2,
                             city=self.city, state=self.state, zip=self.zip, language=self.language,
                             acknowledgements=self.acks_box)


class ReviewPage(_Page):
    key = "review"

    def first_field(self) -> QWidget | None:
        return self.summary

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("Everything on one page. Submitting stores the request as received; it then "
                         "appears in the review queue.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Submit request")
        self.summary = CompactBrowser()
        self.summary.setAccessibleName("Request summary")
        self.summary.setOpenLinks(False)
        self.layout_.addWidget(self.summary)


class DonePage(_Page):
    key = "done"

    def first_field(self) -> QWidget | None:
        return self.text

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("The request is stored.")
        self.text = _label("")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAccessibleName("Submitted request")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.layout_.addWidget(self.text)
        self.layout_.addStretch(1)


class RequestWizard(MessageBoxes, QWizard):
    """The `RequestWizardView` for `RequestWizardPresenter`."""

    student_search_requested = Signal(str)
    student_chosen = Signal(int)
    pathway_chosen = Signal(str)
    field_changed = Signal(str, object)
    course_search_requested = Signal(str)
    course_add_requested = Signal(int)
    course_remove_requested = Signal(int)
    course_move_requested = Signal(int, int)
    reason_toggled = Signal(str, bool)
    acknowledgement_toggled = Signal(str, bool)
    submitted = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("RequestWizard")
        self.setWindowTitle("New MOCAP request")
        self.setAccessibleName("New MOCAP request")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Done")
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Submit request")
        self.presenter: RequestWizardPresenter | None = None
        self.fields: dict[str, QWidget] = {}
        self.extra_fields: dict[str, list[QWidget]] = {}
        self.errors: dict[str, list[ErrorLabel]] = {}
        self._terms: list[QComboBox] = []
        self._loading = False
        self.pages = {}
        for cls in (StudentPage, PathwayPage, PartTimePage, FullTimePage, EligibilityPage, FamilyPage,
                    ReviewPage, DonePage):
            page = cls(self)
            self.setPage(PAGES.index(cls.key), page)
            self.pages[cls.key] = page
        self.setStartId(0)
        self.resize(1120, 690)
        self.currentIdChanged.connect(self._page_changed)

    # --- building blocks ------------------------------------------------------------------------
    def error_label(self, name: str) -> ErrorLabel:
        label = ErrorLabel(name)
        self.errors.setdefault(name, []).append(label)
        return label

    def term_combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(lambda _i, c=combo: self._term_changed(c))
        self._terms.append(combo)
        return combo

    def _term_changed(self, combo: QComboBox) -> None:
        if self._loading:
            return
        value = combo.currentData()
        self._loading = True
        for other in self._terms:
            if other is not combo:
                other.setCurrentIndex(max(0, other.findData(value)))
        self._loading = False
        self.field_changed.emit("start_term", value or "")

    def table(self, headers: tuple[str, ...], name: str) -> QTableWidget:
        table = CompactTable(0, len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.setAccessibleName(name)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        return table

    def emit_field(self, name: str, value) -> None:
        if not self._loading:
            self.field_changed.emit(name, value)

    # --- wiring ----------------------------------------------------------------------------------
    def bind(self, presenter: RequestWizardPresenter) -> None:
        """Connect intent signals to the presenter (app.py and tests call this)."""
        self.presenter = presenter
        self.student_search_requested.connect(presenter.search_students)
        self.student_chosen.connect(presenter.choose_student)
        self.pathway_chosen.connect(presenter.set_pathway)
        self.field_changed.connect(presenter.set_field)
        self.course_search_requested.connect(presenter.search_courses)
        self.course_add_requested.connect(presenter.add_course)
        self.course_remove_requested.connect(presenter.remove_course)
        self.course_move_requested.connect(presenter.move_course)
        self.reason_toggled.connect(presenter.toggle_reason)
        self.acknowledgement_toggled.connect(presenter.toggle_acknowledgement)
        presenter.on_submitted = self.submitted.emit

    def _page_changed(self, page_id: int) -> None:
        if self.presenter is not None and page_id >= 0:
            self.presenter.page_entered(PAGES[page_id])
            self.setWindowTitle(f"New MOCAP request — {PAGE_TITLES[PAGES[page_id]]}")

    def focus_first_error(self, page: str) -> None:
        current = self.pages[page]
        for name, labels in self.errors.items():
            if any(label.isVisible() and current.isAncestorOf(label) for label in labels):
                widgets = [self.fields.get(name), *self.extra_fields.get(name, [])]
                for widget in widgets:
                    if widget is not None and current.isAncestorOf(widget):
                        widget.setFocus(Qt.FocusReason.OtherFocusReason)
                        return

    def reject(self) -> None:
        if self.presenter is None or self.presenter.cancel_requested():
            super().reject()

    # --- RequestWizardView ----------------------------------------------------------------------
    def show_choices(self, choices: Choices) -> None:
        self._loading = True
        for combo in self._terms:
            combo.clear()
            combo.addItem("Choose the term…", "")
            for t in choices.terms:
                combo.addItem(t.label, t.id)
        provider = self.pages["full_time"].provider
        provider.clear()
        provider.addItem("Choose the provider…", None)
        for p in choices.providers:
            provider.addItem(p.name, p.id)
        role = self.pages["eligibility"].role
        role.clear()
        role.addItem("Choose a role…", "")
        for r in choices.waiver_roles:
            role.addItem(r, r)
        language = self.pages["family"].language
        language.clear()
        for code, label in choices.languages:
            language.addItem(label, code)
        self.pages["pathway"].set_texts(choices.pathways)
        self.pages["full_time"].set_reasons(choices.reasons)
        self._loading = False

    def load_state(self, state: WizardState) -> None:
        self._loading = True
        try:
            student = self.pages["student"]
            student.search.setText(state.student_query)
            student.mosis.setText(state.mosis_id)
            if state.pathway in ("part_time", "full_time"):
                self.pages["pathway"].buttons[state.pathway].setChecked(True)
            for name in ("start_term", "start_date", "received", "in_person_credits", "host_district",
                         "waiver_date", "waiver_role", "address1", "address2", "city", "state", "zip",
                         "language"):
                self.set_value(name, getattr(state, name))
            self.set_value("provider_id", "" if state.provider_id is None else str(state.provider_id))
            full = self.pages["full_time"]
            for reason, box in full.reasons.items():
                box.setChecked(reason in state.family_reasons)
            elig = self.pages["eligibility"]
            elig.yes.setChecked(state.waiver_documented is True)
            elig.no.setChecked(state.waiver_documented is False)
        finally:
            self._loading = False
        if self.presenter is not None:
            self.presenter.search_students(state.student_query)

    def set_value(self, name: str, value: str) -> None:
        was = self._loading
        self._loading = True
        try:
            pt, ft = self.pages["part_time"], self.pages["full_time"]
            elig, fam = self.pages["eligibility"], self.pages["family"]
            if name == "start_term":
                for combo in self._terms:
                    combo.setCurrentIndex(max(0, combo.findData(value)))
            elif name == "start_date":
                _set_date(pt.start_date, value)
            elif name == "received":
                _set_date(pt.received, value)
                _set_date(ft.notice, value)
            elif name == "in_person_credits":
                pt.in_person.setText(value)
            elif name == "host_district":
                ft.host.setText(value)
            elif name == "provider_id":
                ft.provider.setCurrentIndex(max(0, ft.provider.findData(int(value)) if value else 0))
            elif name == "waiver_date":
                _set_date(elig.doc_date, value)
            elif name == "waiver_role":
                elig.role.setCurrentIndex(max(0, elig.role.findData(value)))
            elif name == "guardian_id":
                fam.guardian.setCurrentIndex(max(0, fam.guardian.findData(int(value)) if value else 0))
            elif name == "language":
                fam.language.setCurrentIndex(max(0, fam.language.findData(value)))
            elif name in ("address1", "address2", "city", "state", "zip"):
                getattr(fam, name).setText(value)
        finally:
            self._loading = was

    def go_to_page(self, page: str) -> None:
        """Move forward to `page` (a resumed draft) through each page's checks; stop at the
        first page that has a problem, which then shows it."""
        target = PAGES.index(page)
        if self.currentId() == -1:
            self.restart()
        while self.currentId() != target:
            before = self.currentId()
            self.next()
            if self.currentId() == before:
                break

    def show_field_error(self, name: str, message: str) -> None:
        for label in self.errors.get(name, []):
            label.show_message(message)
        # A screen reader reads the problem with the field itself, not only from the red label.
        for widget in (self.fields.get(name), *self.extra_fields.get(name, [])):
            if widget is not None:
                widget.setAccessibleDescription(message)

    def show_student_results(self, rows: list[StudentChoice], more: bool) -> None:
        page = self.pages["student"]
        page.results.blockSignals(True)
        page.results.clear()
        chosen = self.presenter.state.student_id if self.presenter else None
        for row in rows:
            item = QListWidgetItem(row.label)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            page.results.addItem(item)
            if row.id == chosen:
                page.results.setCurrentItem(item)
        page.results.blockSignals(False)
        page.more.setText("More students match: keep typing to narrow the list." if more else "")

    def show_student(self, card: StudentCard | None) -> None:
        label = self.pages["student"].card
        self.pages["student"].mosis_row.setVisible(card is not None and card.needs_mosis_id)
        if card is None:
            label.setText("<i>No student selected yet.</i>")
            return
        parts = [f"<b style='font-size:large'>{html.escape(card.name)}</b><br>{html.escape(card.details)}"]
        if card.flags:
            parts.append("Flags: " + html.escape(", ".join(card.flags)))
        if card.open_requests:
            items = "".join(f"<li>{html.escape(line)}</li>" for line in card.open_requests)
            parts.append(f"<span style='color:#8a5a00'><b>{html.escape(card.warning)}</b></span>"
                         f"<ul style='margin-top:2px'>{items}</ul>")
        else:
            parts.append("No open MOCAP requests for this student.")
        label.setText("<br>".join(parts))

    def show_term_hint(self, text: str) -> None:
        self.pages["part_time"].hint.setText(text)

    def show_course_results(self, rows: list[CourseChoice]) -> None:
        table = self.pages["part_time"].results
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
        page = self.pages["part_time"]
        table = page.selected
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
        page.meter.set_meter(meter)
        page.meter_text.setText(meter.summary)

    def show_input_due(self, text: str) -> None:
        self.pages["full_time"].due.setText(text)

    def show_eligibility(self, view: EligibilityView) -> None:
        page = self.pages["eligibility"]
        page.headline.setText(view.headline)
        page.headline.setStyleSheet("font-weight: bold; color: %s;" % ("#1b6e20" if view.eligible else ERROR_COLOR))
        rows = []
        for f in view.findings:
            mark, color = OUTCOME_MARKS[f.outcome]
            rows.append(
                f"<p style='margin:0 0 6px 0'><span style='color:{color}'><b>{mark} {html.escape(f.name)}: "
                f"{html.escape(f.outcome_label)}</b></span> ({f.rule})<br>{html.escape(f.message)}<br>"
                f"<span style='color:#555'>{html.escape(f.citation)}</span></p>")
        if view.deadlines:
            rows.append("<p><b>Process:</b> " + " ".join(html.escape(d) for d in view.deadlines) + "</p>")
        page.findings.setHtml("".join(rows))
        page.waiver.setVisible(view.waiver_offered)
        if view.flags:
            page.flags.setText("<b>Flags</b><br>" + "<br>".join(
                f"<b>{html.escape(fl.title)}:</b> {html.escape(fl.meaning)}" for fl in view.flags))
        else:
            page.flags.setText("No IEP, 504, MSHSAA or learning-plan flags apply.")

    def show_family(self, view: FamilyView) -> None:
        page = self.pages["family"]
        self._loading = True
        chosen = self.presenter.state.guardian_id if self.presenter else None
        page.guardian.clear()
        page.guardian.addItem("Choose the guardian…", None)
        for g in view.guardians:
            page.guardian.addItem(g.label, g.id)
        page.guardian.setCurrentIndex(max(0, page.guardian.findData(chosen)) if chosen else 0)
        for box in page.acks.values():
            page.acks_layout.removeWidget(box)
            box.deleteLater()
        page.acks.clear()
        done = set(self.presenter.state.acknowledgements) if self.presenter else set()
        for item in view.acknowledgements:
            box = WrapCheckBox(item.text)
            box.setAccessibleName(item.text)
            box.setChecked(item.key in done)
            box.toggled.connect(lambda on, k=item.key: self.acknowledgement_toggled.emit(k, on))
            page.acks[item.key] = box
            page.acks_layout.addWidget(box)
        if page.acks:
            self.fields["acknowledgements"] = next(iter(page.acks.values()))
        self._loading = False

    def show_review(self, summary: ReviewSummary) -> None:
        parts = [f"<p><b>{html.escape(summary.headline)}</b></p>"]
        for section in summary.sections:
            rows = "".join(f"<tr><td style='padding-right:12px; color:#444' valign='top'>{html.escape(k)}</td>"
                           f"<td>{html.escape(v)}</td></tr>" for k, v in section.rows)
            parts.append(f"<h3 style='margin-bottom:2px'>{html.escape(section.heading)}</h3><table>{rows}</table>")
        if summary.findings:
            items = "".join(
                f"<li><span style='color:{OUTCOME_MARKS[f.outcome][1]}'>{html.escape(f.name)}: "
                f"{html.escape(f.outcome_label)}</span> — {html.escape(f.message)} <i>({html.escape(f.citation)})</i></li>"
                for f in summary.findings)
            parts.append(f"<h3 style='margin-bottom:2px'>Findings</h3><ul>{items}</ul>")
        self.pages["review"].summary.setHtml("".join(parts))

    def show_done(self, done: DoneView) -> None:
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in done.lines)
        self.pages["done"].text.setText(f"<h2>{html.escape(done.reference)}</h2>{lines}")

    def ask_keep_draft(self) -> str:
        return ask(self, "Keep this request as a draft?",
                   "The request has not been submitted. Keep it as a draft to finish later (Request → "
                   "Resume a saved draft), or discard it?",
                   [("keep", "Keep draft"), ("discard", "Discard"), ("stay", "Continue editing")],
                   default="keep", escape="stay")

    def confirm_submit(self, text: str) -> bool:
        return ask(self, "Submit the request?", text,
                   [("submit", "Submit request"), ("back", "Not yet")], default="back", escape="back") == "submit"

    def close_keeping_draft(self) -> None:
        """Close without asking (the window locks or the person changes): the draft is kept."""
        if self.presenter is not None:
            self.presenter.save_draft()
        QWizard.reject(self)


def open_request_wizard(store, parent: QWidget | None = None, *, student_id: int | None = None,
                        draft_id: int | None = None, actor: str = "counselor",
                        today: date | None = None) -> RequestWizard:
    """Build the wizard, its presenter and their wiring; the caller shows it."""
    wizard = RequestWizard(parent)
    kwargs = {"today": today if callable(today) else (lambda: today)} if today is not None else {}
    presenter = RequestWizardPresenter(wizard, store, actor=actor, **kwargs)
    wizard.bind(presenter)
    wizard.restart()
    presenter.start(student_id=student_id, draft_id=draft_id)
    return wizard


def ask_resume_draft(parent: QWidget | None, text: str, new_request: bool = False) -> str:
    """"resume", "later" or "discard" for a saved draft described by `text`; when the person asked
    for a new request, "new" instead of "discard"."""
    other = ("new", "Start a new request") if new_request else ("discard", "Discard draft")
    return ask(parent, "Resume the unfinished request?", text + "\n\nResume it now?",
               [("resume", "Resume"), other, ("later", "Cancel" if new_request else "Later")],
               default="resume", escape="later")
