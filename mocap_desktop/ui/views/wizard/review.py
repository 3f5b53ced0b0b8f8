"""The Review and submit page (the commit page)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget, QWizard

from mocap_desktop.ui.presenters.wizard import ReviewSummary

from mocap_desktop.ui.views.wizard.widgets import OUTCOME_MARKS, CompactBrowser, WizardPage

if TYPE_CHECKING:
    from mocap_desktop.ui.views.wizard.window import RequestWizard


class ReviewPage(WizardPage):
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

    def show(self, summary: ReviewSummary) -> None:
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
        self.summary.setHtml("".join(parts))
