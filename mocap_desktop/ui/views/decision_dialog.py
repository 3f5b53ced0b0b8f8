"""The decision dialog: approve or deny each course, reasons, explanation, attestation, who decided.

The rules' messages (R12-R15) appear next to the part of the form they are about, and Save
stays disabled until the decision is one the district may record.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.presenters.decision import CheckDisplay, DecisionForm, DecisionSetup
from mocap_desktop.ui.views.dates import date_edit
from mocap_desktop.ui.views.layouts import FlowLayout, RadioButton
from mocap_desktop.ui.views.dialogs import MessageBoxes

FAIL_STYLE = "color: #A4161A; font-weight: 600;"
OK_STYLE = "color: #1E6B34;"
MARKS = {"fail": "✗", "pass": "✓", "not_applicable": "–", "warn": "!", "waived": "✓"}


def _rule_label(name: str) -> QLabel:
    """A rule's message under the part of the form it is about. Its two lines are kept while it
    is empty, so the fields below never move under the pointer as messages come and go."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(FAIL_STYLE)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setMinimumHeight(label.fontMetrics().lineSpacing() * 2 + 2)
    return label


class DecisionDialog(MessageBoxes, QDialog):
    """Implements `DecisionView` for `DecisionPresenter`."""

    form_changed = Signal(object)
    save_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("decisionDialog")
        self.setWindowTitle("Record a decision")
        self.setAccessibleName("Record a decision")
        self.resize(1120, 680)
        self.saved_message = ""
        self._loading = True
        self.course_groups: dict[str, QButtonGroup] = {}
        self.reason_boxes: dict[str, QCheckBox] = {}

        outer = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("decisionHeading")
        self.subheading = QLabel()
        self.subheading.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        outer.addWidget(self.heading)
        outer.addWidget(self.subheading)
        outer.addWidget(self.notes)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        columns = FlowLayout(body, spacing=12)  # side by side; in a narrow window, one under the other
        for column, stretch in ((left := QWidget(), 11), (right := QWidget(), 10)):
            policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            policy.setHorizontalStretch(stretch)
            column.setSizePolicy(policy)
            columns.addWidget(column)
        self.left, self.right = QVBoxLayout(left), QVBoxLayout(right)
        for column_layout in (self.left, self.right):
            column_layout.setContentsMargins(0, 0, 0, 0)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        # courses
        self.courses_box = QGroupBox("Courses: approve or deny each one (a partial approval is normal)")
        self.courses_box.setAccessibleName("Courses")
        self.courses_grid = QGridLayout(self.courses_box)
        self.courses_grid.setColumnStretch(0, 1)
        self.left.addWidget(self.courses_box)
        row = QHBoxLayout()
        self.approve_all = QPushButton("Approve &all")
        self.approve_all.setAccessibleName("Approve all courses")
        self.approve_all.clicked.connect(lambda: self._set_all("approved"))
        self.deny_all = QPushButton("D&eny all")
        self.deny_all.setAccessibleName("Deny all courses")
        self.deny_all.clicked.connect(lambda: self._set_all("denied"))
        row.addWidget(self.approve_all)
        row.addWidget(self.deny_all)
        row.addStretch(1)
        self.left.addLayout(row)
        self.r15 = _rule_label("rule_R15")
        self.left.addWidget(self.r15)

        # reasons and explanation
        self.reasons_box = QGroupBox("Reasons for denying (from the district's policy)")
        self.reasons_box.setAccessibleName("Reasons for denying")
        self.reasons_layout = QVBoxLayout(self.reasons_box)
        self.left.addWidget(self.reasons_box)
        self.left.addStretch(1)
        self.explanation = QPlainTextEdit()
        self.explanation.setObjectName("decisionExplanation")
        self.explanation.setAccessibleName("Written explanation")
        self.explanation.setPlaceholderText("Why these courses are not in this student's best educational interest, "
                                            "specific to the student.")
        self.explanation.setTabChangesFocus(True)
        self.explanation.setMinimumHeight(120)
        self.explanation.textChanged.connect(self._changed)
        explanation_label = QLabel("Written e&xplanation (for a denial):")
        explanation_label.setBuddy(self.explanation)
        self.right.addWidget(explanation_label)
        self.right.addWidget(self.explanation)
        self.r12 = _rule_label("rule_R12")
        self.right.addWidget(self.r12)

        # attestation
        self.attestation = QCheckBox("The &in-person options the district offers\nwere considered before deciding")
        self.attestation.setObjectName("decisionAttestation")
        self.attestation.setAccessibleName("In-person options considered")
        self.attestation.toggled.connect(self._changed)
        self.right.addWidget(self.attestation)
        self.r14 = _rule_label("rule_R14")
        self.right.addWidget(self.r14)

        # who and when
        who = QGroupBox("Who decided")
        form = QFormLayout(who)
        self.role = QComboBox()
        self.role.setObjectName("decisionRole")
        self.role.setAccessibleName("Decided by (role)")
        self.role.currentIndexChanged.connect(self._changed)
        self.name = QLineEdit()
        self.name.setObjectName("decisionName")
        self.name.setAccessibleName("Name of the person who decided")
        self.name.textChanged.connect(self._changed)
        self.decided_on = date_edit("Decision date")
        self.decided_on.setObjectName("decisionDate")
        self.decided_on.dateChanged.connect(self._changed)
        role_label, name_label, date_label = QLabel("&Role:"), QLabel("&Name:"), QLabel("Decision &date:")
        role_label.setBuddy(self.role)
        name_label.setBuddy(self.name)
        date_label.setBuddy(self.decided_on)
        form.addRow(role_label, self.role)
        form.addRow(name_label, self.name)
        form.addRow(date_label, self.decided_on)
        self.right.addWidget(who)
        self.r13 = _rule_label("rule_R13")
        self.right.addWidget(self.r13)
        self.right.addStretch(1)

        # summary of the checks
        self.checks = QLabel()
        self.checks.setObjectName("decisionChecks")
        self.checks.setAccessibleName("Rule checks")
        self.checks.setWordWrap(True)
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.checks)
        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("&Save decision")
        self.save_button.setObjectName("decisionSave")
        self.save_button.setAccessibleName("Save decision")
        self.save_button.setEnabled(False)
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

    # --- DecisionView --------------------------------------------------------------------------
    def show_setup(self, setup: DecisionSetup) -> None:
        self._loading = True
        self.heading.setText(f"<h2 style='margin:0'>{setup.heading}</h2>")
        self.heading.setAccessibleName(setup.heading)
        self.subheading.setText(setup.subheading)
        notes = setup.routing_note
        if setup.eligible_note:
            notes += f" <b style='color:#A4161A'>{setup.eligible_note}</b>"
        self.notes.setText(notes)
        for n, course in enumerate(setup.courses):
            credits = f"{course.credits} credit{'' if course.credits == '1' else 's'}"
            text = QLabel(f"<b>{course.code}</b> {course.title} — {credits}, {course.load}"
                          + (f"<br><span style='color:#555'>{course.provider}</span>" if course.provider else ""))
            text.setWordWrap(True)
            approve = RadioButton("Approve")
            approve.setAccessibleName(f"Approve {course.code}")
            deny = RadioButton("Deny")
            deny.setAccessibleName(f"Deny {course.code}")
            group = QButtonGroup(self)
            group.addButton(approve)
            group.addButton(deny)
            approve.setProperty("choice", "approved")
            deny.setProperty("choice", "denied")
            group.buttonToggled.connect(lambda *_: self._changed())
            self.course_groups[course.code] = group
            self.courses_grid.addWidget(text, n, 0)
            self.courses_grid.addWidget(approve, n, 1)
            self.courses_grid.addWidget(deny, n, 2)
        for reason in setup.reasons:
            box = QCheckBox(reason.code.replace("_", " ").capitalize() + ("" if reason.allowed else " (not allowed)"))
            box.setAccessibleName(f"Reason {reason.code}")
            box.setToolTip(reason.meaning)
            box.setProperty("code", reason.code)
            box.toggled.connect(self._changed)
            meaning = QLabel(reason.meaning)
            meaning.setWordWrap(True)
            meaning.setIndent(24)
            meaning.setStyleSheet("color: #444;" if reason.allowed else "color: #7A1F1F;")
            self.reasons_layout.addWidget(box)
            self.reasons_layout.addWidget(meaning)
            self.reason_boxes[reason.code] = box
        for value, label in setup.roles:
            self.role.addItem(label, value)
        self.role.setCurrentIndex(max(0, self.role.findData(setup.role)))
        self.name.setText(setup.name)
        self.decided_on.setDate(QDate(setup.decided_on.year, setup.decided_on.month, setup.decided_on.day))
        self._loading = False
        self._changed()

    def show_check(self, check: CheckDisplay) -> None:
        for label, place in ((self.r12, "reasons"), (self.r13, "decided_by"), (self.r14, "attestation"),
                             (self.r15, "courses")):
            message = check.failing(place)
            label.setText(f"✗ {message}" if message else "")
            label.setAccessibleName(message)
        lines = []
        for line in check.lines:
            style = FAIL_STYLE if line.outcome == "fail" else OK_STYLE if line.outcome == "pass" else "color:#555;"
            lines.append(f"<span style='{style}'>{MARKS.get(line.outcome, '')} {line.rule} {line.name}</span>")
        missing = "".join(f"<br><span style='{FAIL_STYLE}'>✗ {m}</span>" for m in check.missing)
        head = f"<b style='{OK_STYLE if check.can_save else FAIL_STYLE}'>{check.summary}</b>"
        self.checks.setText(f"{head}<br>{' &nbsp;·&nbsp; '.join(lines)}{missing}")
        self.checks.setAccessibleDescription(check.summary)
        self.save_button.setEnabled(check.can_save)


    def close_saved(self, message: str) -> None:
        self.saved_message = message
        self.accept()

    # --- the form ----------------------------------------------------------------------------------
    def form(self) -> DecisionForm:
        courses = {}
        for code, group in self.course_groups.items():
            button = group.checkedButton()
            if button is not None:
                courses[code] = button.property("choice")
        qd = self.decided_on.date()
        return DecisionForm(
            courses=courses, decided_by_role=self.role.currentData() or "",
            decided_by_name=self.name.text(),
            reasons=tuple(code for code, box in self.reason_boxes.items() if box.isChecked()),
            explanation=self.explanation.toPlainText(),
            in_person_options_considered=self.attestation.isChecked(),
            decided_on=date(qd.year(), qd.month(), qd.day()),
        )

    def set_course(self, code: str, choice: str) -> None:
        for button in self.course_groups[code].buttons():
            if button.property("choice") == choice:
                button.setChecked(True)

    def _set_all(self, choice: str) -> None:
        self._loading = True
        for code in self.course_groups:
            self.set_course(code, choice)
        self._loading = False
        self._changed()

    def _changed(self, *_args) -> None:
        if self._loading:
            return
        form = self.form()
        any_denied = bool(form.denied)
        self.reasons_box.setEnabled(any_denied)
        self.form_changed.emit(form)

    def _save(self) -> None:
        if self.save_button.isEnabled():
            self.save_requested.emit(self.form())
