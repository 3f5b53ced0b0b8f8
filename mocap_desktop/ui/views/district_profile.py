"""The district profile and letterhead editor: a form on the left, a live sample letter on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.letters.pages import PageImage
from mocap_desktop.ui.presenters.district_profile import FIELDS, SAMPLE_KINDS, ProfileForm
from mocap_desktop.ui.views.print_center import qimage

SAMPLE_LABELS = {"denied": "Denied", "approved": "Approved", "received": "Request received",
                 "partially_approved": "Partly approved", "full_time": "Full-time input sent",
                 "annual_notice": "Annual notice"}
SECTIONS = {"name": "District", "logo_path": "Letterhead", "contact_name": "MOCAP contact",
            "signer_name": "Signature and policy"}


class DistrictProfileDialog(QDialog):
    form_changed = Signal(object)   # ProfileForm
    save_requested = Signal(object)  # ProfileForm

    def __init__(self, parent: QWidget | None = None, debounce_ms: int = 250):
        super().__init__(parent)
        self.setObjectName("DistrictProfileDialog")
        self.setWindowTitle("District profile and letterhead")
        self.resize(1180, 760)
        self.edits: dict[str, QLineEdit] = {}
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
        left.addWidget(fields_scroll, 1)
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
        return ProfileForm({name: edit.text() for name, edit in self.edits.items()}, self.appeal_days.value(),
                           self.sample_kind.currentData(), self.sample_language.currentData())

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
