"""The Eligibility page: the findings, the flags and the medical or psychological waiver."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QComboBox, QGridLayout, QGroupBox, QWidget

from mocap_desktop.ui.presenters.wizard import EligibilityView
from mocap_desktop.ui.views.layouts import RadioButton
from mocap_desktop.ui.views.wizard.widgets import (
    ERROR_COLOR,
    OUTCOME_MARKS,
    CompactBrowser,
    WizardPage,
    date_field,
    field_label,
    iso_of,
    set_date,
)

if TYPE_CHECKING:
    from mocap_desktop.ui.views.wizard.window import RequestWizard


class EligibilityPage(WizardPage):
    key = "eligibility"

    def first_field(self) -> QWidget | None:
        return self.findings

    def __init__(self, wizard: "RequestWizard"):
        super().__init__(wizard)
        self.setSubTitle("What the MOCAP rules say about this request, with the law or policy behind each.")
        self.headline = field_label("")
        self.headline.setAccessibleName("Eligibility summary")
        self.headline.setStyleSheet("font-weight: bold;")
        self.findings = CompactBrowser()
        self.findings.setAccessibleName("Rule findings")
        self.findings.setOpenLinks(False)
        self.findings.setMinimumHeight(200)
        self.layout_.addWidget(self.headline)
        self.layout_.addWidget(wizard.errorfield_label("eligibility"))
        self.layout_.addWidget(self.findings, 3)

        self.waiver = QGroupBox("Medical or psychological waiver of the prior-term rule")
        self.waiver.setAccessibleName("Medical or psychological waiver")
        grid = QGridLayout(self.waiver)
        note = field_label("Record only that a condition is documented and who verified the document. "
                      "Do not record what the condition is.")
        self.yes = RadioButton("&Yes, a condition is documented")
        self.yes.setAccessibleName("Waiver: condition documented")
        self.no = RadioButton("N&o document")
        self.no.setAccessibleName("Waiver: no document")
        group = QButtonGroup(self)
        group.addButton(self.yes)
        group.addButton(self.no)
        self.doc_date = date_field("Date of the document")
        self.role = QComboBox()
        self.role.setAccessibleName("Document verified by (role)")
        grid.addWidget(note, 0, 0, 1, 4)
        grid.addWidget(self.yes, 1, 0, 1, 2)
        grid.addWidget(self.no, 1, 2, 1, 2)
        grid.addWidget(wizard.errorfield_label("waiver"), 2, 0, 1, 4)
        grid.addWidget(field_label("&Document dated:", self.doc_date, False), 3, 0)
        grid.addWidget(self.doc_date, 3, 1)
        grid.addWidget(field_label("&Verified by (role):", self.role, False), 3, 2)
        grid.addWidget(self.role, 3, 3)
        grid.addWidget(wizard.errorfield_label("waiver_date"), 4, 0, 1, 2)
        grid.addWidget(wizard.errorfield_label("waiver_role"), 4, 2, 1, 4)
        grid.setColumnStretch(3, 1)
        self.layout_.addWidget(self.waiver)
        self.waiver.hide()
        self.flags = field_label("")
        self.flags.setTextFormat(Qt.TextFormat.RichText)
        self.flags.setAccessibleName("Flags and what they mean")
        self.layout_.addWidget(self.flags)
        self.yes.toggled.connect(lambda on: on and wizard.emit_field("waiver_documented", True))
        self.no.toggled.connect(lambda on: on and wizard.emit_field("waiver_documented", False))
        self.doc_date.dateChanged.connect(lambda _d: wizard.emit_field("waiver_date", iso_of(self.doc_date)))
        self.role.currentIndexChanged.connect(lambda _i: wizard.emit_field("waiver_role", self.role.currentData() or ""))
        wizard.fields.update(waiver=self.yes, waiver_date=self.doc_date, waiver_role=self.role,
                             eligibility=self.findings)

    def set_value(self, name: str, value: str) -> None:
        if name == "waiver_date":
            set_date(self.doc_date, value)
        elif name == "waiver_role":
            self.role.setCurrentIndex(max(0, self.role.findData(value)))

    def show(self, view: EligibilityView) -> None:
        self.headline.setText(view.headline)
        self.headline.setStyleSheet("font-weight: bold; color: %s;" % ("#1b6e20" if view.eligible else ERROR_COLOR))
        rows = []
        for f in view.findings:
            mark, color = OUTCOME_MARKS[f.outcome]
            rows.append(
                f"<p style='margin:0 0 6px 0'><span style='color:{color}'><b>{mark} {html.escape(f.name)}: "
                f"{html.escape(f.outcome_label)}</b></span> ({f.rule})<br>{html.escape(f.message)}<br>"
                f"<span style='color:#555'>{html.escape(f.citation)}</span></p>")
        if view.deadlines:
            rows.append("<p><b>Process:</b> " + " ".join(html.escape(d) for d in view.deadlines) + "</p>")
        self.findings.setHtml("".join(rows))
        self.waiver.setVisible(view.waiver_offered)
        if view.flags:
            self.flags.setText("<b>Flags</b><br>" + "<br>".join(
                f"<b>{html.escape(fl.title)}:</b> {html.escape(fl.meaning)}" for fl in view.flags))
        else:
            self.flags.setText("No IEP, 504, MSHSAA or learning-plan flags apply.")
