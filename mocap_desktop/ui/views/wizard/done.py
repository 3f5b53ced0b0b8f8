"""The Submitted page."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from mocap_desktop.ui.presenters.wizard import DoneView

from mocap_desktop.ui.views.wizard.widgets import WizardPage, field_label

if TYPE_CHECKING:
    from mocap_desktop.ui.views.wizard.window import RequestWizard


class DonePage(WizardPage):
    key = "done"

    def first_field(self) -> QWidget | None:
        return self.text

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("The request is stored.")
        self.text = field_label("")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAccessibleName("Submitted request")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.layout_.addWidget(self.text)
        self.layout_.addStretch(1)

    def show(self, done: DoneView) -> None:
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in done.lines)
        self.text.setText(f"<h2>{html.escape(done.reference)}</h2>{lines}")
