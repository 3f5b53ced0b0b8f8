"""The request detail window: what was captured, findings then and now, decision, appeals,
the full-time steps, enrollments, letters and the timeline; with the actions the status allows."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.presenters.request_detail import (
    AppealAnswer, AppealPrompt, DetailPage, StepAnswer, StepPrompt,
)
from mocap_desktop.ui.views.appeal_dialog import AppealDialog
from mocap_desktop.ui.views.dates import date_edit, pydate
from mocap_desktop.ui.views.layouts import FlowLayout, RadioButton
from mocap_desktop.ui.views.dialogs import MessageBoxes

URGENT_COLORS = {"overdue": ("#A4161A", "#FBE3E4"), "soon": ("#7A4B00", "#FFF3CD")}
OUTCOME_COLORS = {"Fail": "#A4161A", "Note": "#7A4B00", "Waived": "#1F5FA8", "Pass": "#1E6B34"}


def _table(name: str, headers: list[str], rows: list[tuple[str, ...]], stretch: int = -1) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(name.replace(" ", "_"))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)
    table.setWordWrap(True)
    table.verticalHeader().setVisible(False)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch >= 0:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    header.sectionResized.connect(lambda *_: table.resizeRowsToContents())
    return table


def _fit_height(table: QTableWidget) -> None:
    """As tall as its rows, so a short table does not leave an empty box."""
    height = table.horizontalHeader().height() + 2 * table.frameWidth() + 2
    height += sum(table.rowHeight(r) for r in range(table.rowCount())) or 24
    if table.horizontalScrollBar().isVisible():
        height += table.horizontalScrollBar().height()
    table.setFixedHeight(height)


def _facts(title: str, pairs) -> QGroupBox:
    box = QGroupBox(title)
    box.setAccessibleName(title)
    form = QFormLayout(box)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
    for label, value in pairs:
        text = QLabel(value)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setAccessibleName(f"{label}: {value}")
        caption = QLabel(f"<b>{label}</b>")
        form.addRow(caption, text)
    return box


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


class RequestDetailDialog(MessageBoxes, QDialog):
    """Implements `RequestDetailView` for `RequestDetailPresenter`."""

    action_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("requestDetail")
        self.setWindowTitle("MOCAP request")
        self.setAccessibleName("Request detail")
        self.resize(1040, 700)
        self.page: DetailPage | None = None
        self.action_buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.status = QLabel()
        self.status.setObjectName("detailStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        self.actions = FlowLayout()  # on two rows in a narrow window
        layout.addLayout(self.actions)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        self.tabs.setAccessibleName("Request sections")
        self.tabs.currentChanged.connect(lambda _i: QTimer.singleShot(0, self._fit_rows))
        layout.addWidget(self.tabs, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    # --- RequestDetailView ---------------------------------------------------------------------
    def show_page(self, page: DetailPage) -> None:
        self.page = page
        current = self.tabs.currentIndex()
        self.setWindowTitle(f"MOCAP request {page.title}")
        self.title.setText(f"<h2 style='margin:0'>{page.title}</h2>")
        self.title.setAccessibleName(page.title)
        status = f"<b>Status:</b> {page.status}"
        if page.due_text:
            fg, bg = URGENT_COLORS.get(page.urgency, ("#222222", "transparent"))
            mark = {"overdue": "● ", "soon": "▲ "}.get(page.urgency, "")
            status += (f" &nbsp; <span style='color:{fg}; background:{bg}; font-weight:600'>&nbsp;{mark}"
                       f"{page.due_text}&nbsp;</span>")
        self.status.setText(status)
        self.status.setAccessibleName(f"Status: {page.status}. {page.due_text}")
        self._build_actions(page)
        self.tabs.clear()
        self.tabs.addTab(self._request_tab(page), "&Request")
        self.tabs.addTab(self._findings_tab(page), "&Findings")
        self.tabs.addTab(self._decision_tab(page), "&Decision and appeals")
        self.tabs.addTab(self._timeline_tab(page), "&Timeline")
        if current >= 0:
            self.tabs.setCurrentIndex(min(current, self.tabs.count() - 1))
        QTimer.singleShot(0, self._fit_rows)

    def _fit_rows(self) -> None:
        """Row heights for wrapped text, once the columns have their real widths."""
        for table in self.findChildren(QTableWidget):
            table.resizeRowsToContents()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_rows()

    def ask_step(self, prompt: StepPrompt) -> StepAnswer | None:
        dialog = StepDialog(prompt, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.answer()

    def ask_appeal(self, prompt: AppealPrompt) -> AppealAnswer | None:
        dialog = AppealDialog(prompt, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.answer()

    def ask_save_path(self, title: str, suggested: Path, file_filter: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, title, str(suggested), file_filter)
        return Path(name) if name else None

    def show_secret(self, title: str, text: str, secret: str) -> None:
        SecretDialog(title, text, secret, self).exec()



    # --- building the page ---------------------------------------------------------------------
    def _build_actions(self, page: DetailPage) -> None:
        while self.actions.count():
            item = self.actions.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.action_buttons = {}
        for action in page.actions:
            button = QPushButton(action.label)
            button.setObjectName(f"action_{action.key}")
            button.setAccessibleName(action.label.rstrip("…"))
            if action.hint:
                button.setToolTip(action.hint)
            button.clicked.connect(lambda _=False, k=action.key: self.action_requested.emit(k))
            self.actions.addWidget(button)
            self.action_buttons[action.key] = button

    def _request_tab(self, page: DetailPage) -> QWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        row = FlowLayout(spacing=layout.spacing())  # side by side, or the request under the student
        for box, stretch in ((_facts("Student", page.student_facts), 1),
                             (_facts("Request", page.request_facts), 2)):
            policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            policy.setHorizontalStretch(stretch)
            box.setSizePolicy(policy)
            row.addWidget(box)
        layout.addLayout(row)
        if page.courses:
            layout.addWidget(QLabel("<b>Courses</b>"))
            table = _table("Courses", ["Course", "Title", "Provider", "Credits", "Full-time load", "Decision"],
                           list(page.courses), stretch=1)
            _fit_height(table)
            layout.addWidget(table)
        if page.tracking_shown and page.tracked:
            layout.addWidget(self._tracking_box(page))
        if page.full_time_facts:
            layout.addWidget(_facts("Full-time track", page.full_time_facts))
        layout.addWidget(QLabel("<b>Enrollment history</b>"))
        enrollments = _table("Enrollment history", ["District", "School", "Kind", "Load", "Entry", "Exit"],
                             list(page.enrollments), stretch=1)
        _fit_height(enrollments)
        layout.addWidget(enrollments)
        layout.addStretch(1)
        return _scrolled(body)

    def _tracking_box(self, page: DetailPage) -> QGroupBox:
        """Each approved course with the provider: its line, what was recorded and its moves."""
        box = QGroupBox("Enrollment with the provider")
        box.setObjectName("trackingBox")
        box.setAccessibleName("Enrollment with the provider")
        layout = QVBoxLayout(box)
        for line in page.tracked:
            cost = f"<br>{escape(line.cost)}" if line.cost else ""
            text = QLabel(f"<b>{escape(line.transcript)}</b><br>{escape(line.details)}{cost}")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setAccessibleName(". ".join(p for p in (line.transcript, line.details, line.cost) if p))
            layout.addWidget(text)
            row = FlowLayout()
            for action in line.actions:
                button = QPushButton(action.label)
                button.setObjectName(action.key.replace(":", "_"))
                button.setAccessibleName(f"{action.label.rstrip('…')}: {line.code}")
                button.clicked.connect(lambda _=False, k=action.key: self.action_requested.emit(k))
                row.addWidget(button)
                self.action_buttons[action.key] = button
            if line.actions:
                layout.addLayout(row)
        if page.tracking_actions:
            row = FlowLayout()
            for action in page.tracking_actions:
                button = QPushButton(action.label)
                button.setObjectName(action.key.replace(":", "_"))
                button.setAccessibleName(action.label.rstrip("…"))
                button.setToolTip(action.hint)
                button.clicked.connect(lambda _=False, k=action.key: self.action_requested.emit(k))
                row.addWidget(button)
                self.action_buttons[action.key] = button
            layout.addLayout(row)
        return box

    def _findings_tab(self, page: DetailPage) -> QWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        labels = QLabel(f"<b>{page.then_label}</b><br><b>{page.now_label}</b><br>{page.findings_note}")
        labels.setWordWrap(True)
        layout.addWidget(labels)
        rows = [(f"{f.rule} {f.name}", f.then_outcome, f.now_outcome, f.then_message if not f.changed
                 else f"Then: {f.then_message}\nNow: {f.now_message}") for f in page.findings]
        table = _table("Findings at submission and today", ["Rule", "At submission", "Today", "What it means"],
                       rows, stretch=3)
        for r, finding in enumerate(page.findings):
            for column, outcome in ((1, finding.then_outcome), (2, finding.now_outcome)):
                item = table.item(r, column)
                color = OUTCOME_COLORS.get(outcome)
                if color:
                    item.setForeground(QBrush(QColor(color)))
                if finding.changed:
                    item.setBackground(QBrush(QColor("#FFF3CD")))
                    item.setText(item.text() + (" (changed)" if column == 2 else ""))
        table.resizeRowsToContents()
        layout.addWidget(table, 1)
        return body

    def _decision_tab(self, page: DetailPage) -> QWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        if page.decision_facts:
            layout.addWidget(_facts("Decision", page.decision_facts))
            if page.reasons:
                layout.addWidget(_facts("Reasons", page.reasons))
            if page.explanation:
                layout.addWidget(_facts("Written explanation", (("Explanation", page.explanation),)))
        else:
            layout.addWidget(QLabel("No decision has been recorded."))
        for title, pairs in page.appeals:
            layout.addWidget(_facts(title, pairs))
        if not page.appeals:
            layout.addWidget(QLabel("No appeal has been recorded."))
        if page.letters:
            layout.addWidget(QLabel("<b>Parent letters</b>"))
            letters = _table("Parent letters", ["Letter", "Language", "Status", "Queued"], list(page.letters),
                             stretch=0)
            _fit_height(letters)
            layout.addWidget(letters)
        layout.addStretch(1)
        return _scrolled(body)

    def _timeline_tab(self, page: DetailPage) -> QWidget:
        table = _table("Timeline", ["When", "Who", "What"], list(page.timeline), stretch=2)
        return table


class StepDialog(QDialog):
    """A small form for one step: dates, an optional choice and an optional text."""

    def __init__(self, prompt: StepPrompt, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("stepDialog")
        self.setWindowTitle(prompt.title)
        self.setAccessibleName(prompt.title)
        self.prompt = prompt
        layout = QVBoxLayout(self)
        intro = QLabel(prompt.intro)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.dates = {}
        self.enabled: dict[str, QCheckBox] = {}
        for field in prompt.dates:
            edit = date_edit(field.label, field.default)
            if field.optional:
                box = QCheckBox(field.label)
                box.setAccessibleName(f"{field.label} known")
                box.setChecked(field.default is not None)
                edit.setEnabled(field.default is not None)
                box.toggled.connect(edit.setEnabled)
                row = QHBoxLayout()
                row.addWidget(box)
                row.addWidget(edit)
                form.addRow("", row)
                self.enabled[field.key] = box
            else:
                caption = QLabel(field.label + ":")
                caption.setBuddy(edit)
                form.addRow(caption, edit)
            self.dates[field.key] = edit
        self.choice_group = QButtonGroup(self)
        if prompt.choices:
            row = QHBoxLayout()
            for value, label in prompt.choices:
                radio = RadioButton(label)
                radio.setAccessibleName(label)
                radio.setProperty("value", value)
                self.choice_group.addButton(radio)
                row.addWidget(radio)
            form.addRow(prompt.choice_label + ":", row)
            self.choice_group.buttonToggled.connect(lambda *_: self._validate())
        self.text = QLineEdit(prompt.text_default)
        if prompt.text_label:
            self.text.setAccessibleName(prompt.text_label)
            caption = QLabel(prompt.text_label + ":")
            caption.setBuddy(self.text)
            form.addRow(caption, self.text)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(prompt.confirm, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName(prompt.confirm)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._validate()

    def _validate(self) -> None:
        self.ok.setEnabled(not self.prompt.choices or self.choice_group.checkedButton() is not None)

    def answer(self) -> StepAnswer:
        dates = {key: (pydate(edit.date()) if key not in self.enabled or self.enabled[key].isChecked() else None)
                 for key, edit in self.dates.items()}
        button = self.choice_group.checkedButton()
        return StepAnswer(dates, button.property("value") if button else "", self.text.text())


class SecretDialog(QDialog):
    """A password shown once: the message, the password (selectable, read-only) and Close."""

    def __init__(self, title: str, text: str, secret: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        message = QLabel(text)
        message.setWordWrap(True)
        message.setAccessibleName(text)
        layout.addWidget(message)
        self.secret = QLineEdit(secret)
        self.secret.setObjectName("secret")
        self.secret.setReadOnly(True)
        self.secret.setAccessibleName("Password for the provider packet")
        self.secret.setAccessibleDescription(" ".join(secret.replace("-", " ")))  # read out one by one
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(self.secret.font().pointSizeF() * 1.4)
        self.secret.setFont(font)
        label = QLabel("&Password:")
        label.setBuddy(self.secret)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.secret, 1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.secret.setFocus()
        self.secret.selectAll()
