"""The Student page: find the student, see the record and the requests already open."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidgetItem, QWidget

from mocap_desktop.ui.presenters.wizard import StudentCard, StudentChoice

from mocap_desktop.ui.views.wizard.widgets import CompactList, EnterFilter, WizardPage, field_label

if TYPE_CHECKING:
    from mocap_desktop.ui.views.wizard.window import RequestWizard


class StudentPage(WizardPage):
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
        self.error = wizard.errorfield_label("student")
        self.mosis = QLineEdit()  # shown for a student whose record has no MOSIS ID
        self.mosis.setAccessibleName("MOSIS ID (ten digits)")
        self.mosis.setPlaceholderText("ten digits")
        self.mosis.setMaxLength(12)
        self.mosis_row = QWidget()
        mosis_row = QHBoxLayout(self.mosis_row)
        mosis_row.setContentsMargins(0, 0, 0, 0)
        mosis_row.addWidget(field_label("MOSIS ID (the record has none; the provider needs it):", self.mosis,
                                   wrap=False))
        mosis_row.addWidget(self.mosis)
        mosis_row.addStretch(1)
        self.mosis_row.hide()
        self.mosis.textChanged.connect(lambda text: wizard.emit_field("mosis_id", text))
        row = QHBoxLayout()
        row.addWidget(field_label("&Find the student:", self.search, wrap=False))
        row.addWidget(self.search, 1)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.results, 2)
        self.layout_.addWidget(self.more)
        self.layout_.addWidget(self.card, 3)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.mosis_row)
        self.layout_.addWidget(wizard.errorfield_label("mosis_id"))
        self.search.textChanged.connect(wizard.student_search_requested)
        self.search.installEventFilter(EnterFilter(self, self._pick_first, self.results))
        self.results.currentItemChanged.connect(self._chosen)
        wizard.fields.update(student=self.search, mosis_id=self.mosis)

    def _pick_first(self) -> None:
        if self.results.count():
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def _chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.w.student_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def show_results(self, rows: list[StudentChoice], more: bool, chosen: int | None) -> None:
        self.results.blockSignals(True)
        self.results.clear()
        for row in rows:
            item = QListWidgetItem(row.label)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.results.addItem(item)
            if row.id == chosen:
                self.results.setCurrentItem(item)
        self.results.blockSignals(False)
        self.more.setText("More students match: keep typing to narrow the list." if more else "")

    def show_card(self, card: StudentCard | None) -> None:
        self.mosis_row.setVisible(card is not None and card.needs_mosis_id)
        if card is None:
            self.card.setText("<i>No student selected yet.</i>")
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
        self.card.setText("<br>".join(parts))
