"""The Pathway page: part-time courses or a full-time virtual program."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QWidget

from mocap_desktop.ui.views.layouts import RadioButton
from mocap_desktop.ui.views.wizard.widgets import WizardPage, field_label

if TYPE_CHECKING:
    from mocap_desktop.ui.views.wizard.window import RequestWizard


class PathwayPage(WizardPage):
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
            text = field_label("")
            text.setContentsMargins(24, 0, 0, 12)
            self.texts[key] = text
            self.layout_.addWidget(button)
            self.layout_.addWidget(text)
            button.toggled.connect(lambda on, k=key: on and wizard.pathway_chosen.emit(k))
        self.layout_.addWidget(wizard.errorfield_label("pathway"))
        self.layout_.addStretch(1)
        wizard.fields["pathway"] = self.buttons["part_time"]

    def set_texts(self, pathways: dict[str, tuple[str, str]]) -> None:
        for key, (title, paragraph) in pathways.items():
            self.buttons[key].setText("&" + title)
            self.buttons[key].setAccessibleName(title)
            self.texts[key].setText(paragraph)
            self.buttons[key].setAccessibleDescription(paragraph)
