"""The district profile editor: letterhead and policy tabs on the left, a live sample letter on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.letters.pages import PageImage
from mocap_desktop.ui.presenters.district_profile import FIELDS, SAMPLE_KINDS, PolicyChoice, PolicyValue, ProfileForm
from mocap_desktop.ui.views.print_center import qimage

SAMPLE_LABELS = {"denied": "Denied", "approved": "Approved", "received": "Request received",
                 "partially_approved": "Partly approved", "full_time": "Full-time input sent",
                 "annual_notice": "Annual notice"}
SECTIONS = {"name": "District", "logo_path": "Letterhead", "contact_name": "MOCAP contact",
            "signer_name": "Signature and policy", "state_adequacy_target": "Course costs"}


class DistrictProfileDialog(QDialog):
    form_changed = Signal(object)   # ProfileForm
    save_requested = Signal(object)  # ProfileForm

    def __init__(self, parent: QWidget | None = None, debounce_ms: int = 250):
        super().__init__(parent)
        self.setObjectName("DistrictProfileDialog")
        self.setWindowTitle("District profile, letterhead and policy")
        self.resize(1180, 760)
        self.edits: dict[str, QLineEdit] = {}
        self.policy_boxes: dict[str, tuple[QCheckBox, QCheckBox]] = {}
        self._loading = False

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, label in FIELDS:
            if name in SECTIONS:
                heading = QLabel(f"<b>{SECTIONS[name]}</b>")
                form.addRow(heading)
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setAccessibleName(label)
            edit.textChanged.connect(self._changed)
            self.edits[name] = edit
            if name == "logo_path":
                choose = QPushButton("Choose…")
                choose.setAccessibleName("Choose logo")
                choose.clicked.connect(self._choose_logo)
                clear = QPushButton("Clear")
                clear.setAccessibleName("Clear logo")
                clear.clicked.connect(edit.clear)
                row = QHBoxLayout()
                row.addWidget(edit, 1)
                row.addWidget(choose)
                row.addWidget(clear)
                form.addRow(label, row)
            else:
                form.addRow(label, edit)
        self.edits["code"].setPlaceholderText("048-078")
        self.edits["policy_reference"].setPlaceholderText("Board Policy 6190/6191")
        self.appeal_days = QSpinBox()
        self.appeal_days.setRange(0, 365)
        self.appeal_days.setSuffix(" calendar days")
        self.appeal_days.setAccessibleName("Days to appeal to the Board")
        self.appeal_days.valueChanged.connect(self._changed)
        form.addRow("Days to appeal to the Board", self.appeal_days)

        fields_widget = QWidget()
        fields_widget.setLayout(form)
        fields_scroll = QScrollArea()
        fields_scroll.setWidgetResizable(True)
        fields_scroll.setWidget(fields_widget)
        fields_scroll.setMinimumWidth(470)

        self.policy_page = QWidget()
        self.policy_layout = QVBoxLayout(self.policy_page)
        policy_scroll = QScrollArea()
        policy_scroll.setWidgetResizable(True)
        policy_scroll.setWidget(self.policy_page)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("District profile sections")
        self.tabs.addTab(fields_scroll, "&Letterhead and contact")
        self.tabs.addTab(policy_scroll, "&Policy")

        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Problems")
        self.problems.setStyleSheet("color: #A4161A;")
        self.saved = QLabel()
        self.saved.setWordWrap(True)
        self.saved.setAccessibleName("Saved")

        self.sample_kind = QComboBox()
        self.sample_kind.setAccessibleName("Sample letter")
        for kind in SAMPLE_KINDS:
            self.sample_kind.addItem(SAMPLE_LABELS[kind], kind)
        self.sample_language = QComboBox()
        self.sample_language.setAccessibleName("Sample language")
        self.sample_language.addItem("English", "en")
        self.sample_language.addItem("Spanish", "es")
        self.sample_kind.currentIndexChanged.connect(self._changed)
        self.sample_language.currentIndexChanged.connect(self._changed)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("<b>Preview</b>"))
        chooser.addStretch(1)
        chooser.addWidget(self.sample_kind)
        chooser.addWidget(self.sample_language)

        self.preview = QLabel()
        self.preview.setAccessibleName("Letterhead preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview_note = QLabel()
        self.preview_note.setWordWrap(True)
        self.preview_note.setAccessibleName("Preview note")
        preview_scroll = QScrollArea()
        preview_scroll.setWidgetResizable(True)
        preview_scroll.setWidget(self.preview)
        right = QVBoxLayout()
        right.addLayout(chooser)
        right.addWidget(preview_scroll, 1)
        right.addWidget(self.preview_note)

        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.tabs, 1)
        left.addWidget(self.problems)
        left.addWidget(self.saved)
        body.addLayout(left, 5)
        body.addLayout(right, 6)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(lambda: self.save_requested.emit(self.current_form()))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(lambda: self.form_changed.emit(self.current_form()))

    # -- intent out --------------------------------------------------------------------------
    def current_form(self) -> ProfileForm:
        policy = {key: PolicyChoice(in_use.isChecked(), confirmed.isChecked())
                  for key, (in_use, confirmed) in self.policy_boxes.items()}
        return ProfileForm({name: edit.text() for name, edit in self.edits.items()}, self.appeal_days.value(),
                           self.sample_kind.currentData(), self.sample_language.currentData(), policy)

    def _changed(self, *_):
        if not self._loading:
            self.saved.clear()
            self._timer.start()

    def _choose_logo(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose the district logo", self.edits["logo_path"].text(),
                                              "Pictures (*.png *.jpg *.jpeg)")
        if name:
            self.edits["logo_path"].setText(name)

    # -- DistrictProfileView ------------------------------------------------------------------
    def show_form(self, form: ProfileForm) -> None:
        self._loading = True
        try:
            for name, edit in self.edits.items():
                edit.setText(form.values.get(name, ""))
            self.appeal_days.setValue(form.board_appeal_days)
        finally:
            self._loading = False

    def show_policy(self, values: list[PolicyValue]) -> None:
        """Each policy value with its source and standing; those from secondary sources first,
        each with "In use" and "Confirmed with counsel" for the administrator to set."""
        while self.policy_layout.count():
            item = self.policy_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.policy_boxes.clear()
        intro = QLabel("Where each figure the product counts with comes from. A figure marked "
                       "<i>District policy; confirm with counsel</i> comes from a secondary source: screens and "
                       "findings call it district policy. Confirm it with the district's counsel, or switch it "
                       "off; the others come from state law or the board's policy.")
        intro.setWordWrap(True)
        self.policy_layout.addWidget(intro)
        for value in sorted(values, key=lambda v: not v.to_confirm):
            self.policy_layout.addWidget(self._policy_box(value))
        self.policy_layout.addStretch(1)
        self._policy_count(values)

    def _policy_box(self, value: PolicyValue) -> QGroupBox:
        box = QGroupBox(value.label)
        box.setAccessibleName(value.label)
        layout = QVBoxLayout(box)
        facts = QLabel(f"<b>Value:</b> {value.value}<br/><b>Source:</b> {value.source}<br/>"
                       f"<b>Standing:</b> {value.standing}")
        facts.setWordWrap(True)
        facts.setTextFormat(Qt.TextFormat.RichText)
        facts.setAccessibleName(f"{value.label}: value, source and standing")
        layout.addWidget(facts)
        if value.to_confirm:
            in_use = QCheckBox("In use")
            in_use.setAccessibleName(f"{value.label}: in use")
            in_use.setChecked(value.in_use)
            confirmed = QCheckBox("Confirmed with counsel")
            confirmed.setAccessibleName(f"{value.label}: confirmed with counsel")
            confirmed.setChecked(bool(value.confirmed_by) and value.in_use)
            confirmed.setEnabled(value.in_use)
            in_use.toggled.connect(confirmed.setEnabled)
            in_use.toggled.connect(lambda on, c=confirmed: on or c.setChecked(False))
            for box_ in (in_use, confirmed):
                box_.toggled.connect(self._changed)
            row = QHBoxLayout()
            row.addWidget(in_use)
            row.addWidget(confirmed)
            if value.confirmed_by:
                row.addWidget(QLabel(f"by {value.confirmed_by} on {value.confirmed_on}"))
            row.addStretch(1)
            layout.addLayout(row)
            self.policy_boxes[value.key] = (in_use, confirmed)
        return box

    def _policy_count(self, values: list[PolicyValue]) -> None:
        waiting = sum(v.open_question for v in values)
        self.tabs.setTabText(1, f"&Policy ({waiting} to confirm)" if waiting else "&Policy")

    def show_preview(self, image: PageImage | None, note: str) -> None:
        if image is None:
            self.preview.clear()
        else:
            self.preview.setPixmap(QPixmap.fromImage(qimage(image)))
        self.preview_note.setText(note)

    def show_problems(self, problems: list[str]) -> None:
        self.problems.setText("\n".join(f"• {p}" for p in problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not problems)

    def show_saved(self, text: str) -> None:
        self.saved.setText(text)

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.critical(self, title, text)
