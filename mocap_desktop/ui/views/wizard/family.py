"""The Family page: who gets the letters, the address, the language and the acknowledgements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.presenters.wizard import FamilyView
from mocap_desktop.ui.views.layouts import WrapCheckBox
from mocap_desktop.ui.views.wizard.widgets import WizardPage, field_label

if TYPE_CHECKING:
    from mocap_desktop.ui.views.wizard.window import RequestWizard


class FamilyPage(WizardPage):
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
        form.addRow(field_label("&Letters go to:", self.guardian, False), self.guardian)
        form.addRow("", wizard.errorfield_label("guardian"))
        form.addRow(field_label("&Street address:", self.address1, False), self.address1)
        form.addRow("", wizard.errorfield_label("address1"))
        form.addRow(field_label("Address line &2:", self.address2, False), self.address2)
        town = QHBoxLayout()
        town.addWidget(self.city, 3)
        town.addWidget(field_label("S&tate:", self.state, False))
        town.addWidget(self.state)
        town.addWidget(field_label("&ZIP:", self.zip, False))
        town.addWidget(self.zip)
        form.addRow(field_label("&City:", self.city, False), town)
        errors = QHBoxLayout()
        for name in ("city", "state", "zip"):
            errors.addWidget(wizard.errorfield_label(name))
        form.addRow("", errors)
        form.addRow(field_label("Lan&guage:", self.language, False), self.language)
        form.addRow("", wizard.errorfield_label("language"))
        self.layout_.addLayout(form)
        self.acks_box = QGroupBox("Acknowledgements (read each one to the family, then check it)")
        self.acks_box.setAccessibleName("Acknowledgements")
        self.acks_layout = QVBoxLayout(self.acks_box)
        self.acks: dict[str, QCheckBox] = {}
        self.layout_.addWidget(self.acks_box)
        self.layout_.addWidget(wizard.errorfield_label("acknowledgements"))
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

    def set_value(self, name: str, value: str) -> None:
        if name == "guardian_id":
            self.guardian.setCurrentIndex(max(0, self.guardian.findData(int(value)) if value else 0))
        elif name == "language":
            self.language.setCurrentIndex(max(0, self.language.findData(value)))
        elif name in ("address1", "address2", "city", "state", "zip"):
            getattr(self, name).setText(value)

    def show(self, view: FamilyView, chosen: int | None, done: set[str]) -> None:
        """The guardians to choose from (`chosen` selected) and the acknowledgements (`done` checked)."""
        self.guardian.clear()
        self.guardian.addItem("Choose the guardian…", None)
        for g in view.guardians:
            self.guardian.addItem(g.label, g.id)
        self.guardian.setCurrentIndex(max(0, self.guardian.findData(chosen)) if chosen else 0)
        for box in self.acks.values():
            self.acks_layout.removeWidget(box)
            box.deleteLater()
        self.acks.clear()
        for item in view.acknowledgements:
            box = WrapCheckBox(item.text)
            box.setAccessibleName(item.text)
            box.setChecked(item.key in done)
            box.toggled.connect(lambda on, k=item.key: self.w.acknowledgement_toggled.emit(k, on))
            self.acks[item.key] = box
            self.acks_layout.addWidget(box)
        if self.acks:
            self.w.fields["acknowledgements"] = next(iter(self.acks.values()))
