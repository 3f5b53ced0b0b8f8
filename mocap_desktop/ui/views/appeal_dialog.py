"""Recording an appeal (date filed, hearing, documents) or its outcome, with the policy's deadlines."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.views.layouts import RadioButton
from mocap_desktop.ui.views.dates import date_edit, pydate
from mocap_desktop.ui.presenters.request_detail import AppealAnswer, AppealPrompt, Document


class TabLeavesCell(QStyledItemDelegate):
    """Tab in a cell being edited keeps what was typed and goes on to the next control, as it does
    everywhere else (Qt's own moves to the next cell, round and round the table)."""

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            table = self.parent()
            table.setFocus(Qt.FocusReason.OtherFocusReason)
            table.focusNextPrevChild(event.key() == Qt.Key.Key_Tab)
            return True
        return super().eventFilter(editor, event)


class AppealDialog(QDialog):
    def __init__(self, prompt: AppealPrompt, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("appealDialog")
        self.prompt = prompt
        self.setWindowTitle(prompt.title)
        self.setAccessibleName(prompt.title)
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(prompt.intro)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.filed_on = date_edit("Date the appeal was filed", prompt.filed_on)
        self.filed_on.setEnabled(not prompt.outcome_mode)
        self.filed_on.dateChanged.connect(self._preview)
        filed_label = QLabel("&Filed on:")
        filed_label.setBuddy(self.filed_on)
        form.addRow(filed_label, self.filed_on)
        self.has_hearing = QCheckBox("&Hearing scheduled")
        self.has_hearing.setAccessibleName("Hearing scheduled")
        self.hearing_on = date_edit("Hearing date", prompt.hearing_on or prompt.filed_on)
        self.has_hearing.setChecked(prompt.hearing_on is not None)
        self.hearing_on.setEnabled(prompt.hearing_on is not None)
        self.has_hearing.toggled.connect(self.hearing_on.setEnabled)
        hearing_row = QHBoxLayout()
        hearing_row.addWidget(self.has_hearing)
        hearing_row.addWidget(self.hearing_on)
        hearing_row.addStretch(1)
        form.addRow("Hearing:", hearing_row)
        self.deadlines = QLabel()
        self.deadlines.setObjectName("appealDeadlines")
        self.deadlines.setWordWrap(True)
        self.deadlines.setAccessibleName("Deadlines")
        form.addRow("Deadlines:", self.deadlines)

        self.outcome_group = QButtonGroup(self)
        self.upheld = RadioButton("&Upheld (the decision stands)")
        self.upheld.setAccessibleName("Upheld")
        self.overturned = RadioButton("&Overturned (the courses are approved)")
        self.overturned.setAccessibleName("Overturned")
        self.outcome_group.addButton(self.upheld)
        self.outcome_group.addButton(self.overturned)
        self.outcome_on = date_edit("Outcome date", prompt.outcome_on or prompt.filed_on)
        if prompt.outcome_mode:
            box = QVBoxLayout()
            box.addWidget(self.upheld)
            box.addWidget(self.overturned)
            form.addRow("Outcome:", box)
            outcome_label = QLabel("Outcome &date:")
            outcome_label.setBuddy(self.outcome_on)
            form.addRow(outcome_label, self.outcome_on)
            self.upheld.toggled.connect(self._validate)
            self.overturned.toggled.connect(self._validate)
        layout.addLayout(form)

        docs_label = QLabel("Documents and where they are kept:")
        layout.addWidget(docs_label)
        self.documents = QTableWidget(0, 2)
        self.documents.setObjectName("appealDocuments")
        self.documents.setAccessibleName("Documents and their locations")
        self.documents.setHorizontalHeaderLabels(["Document", "Location (folder, file or binder)"])
        self.documents.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.documents.horizontalHeader().setStretchLastSection(True)
        self.documents.verticalHeader().setVisible(False)
        self.documents.setTabKeyNavigation(False)
        self.documents.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                       | QAbstractItemView.EditTrigger.SelectedClicked
                                       | QAbstractItemView.EditTrigger.EditKeyPressed
                                       | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.documents.setItemDelegate(TabLeavesCell(self.documents))
        for doc in prompt.documents:
            self._add_row(doc.label, doc.location)
        layout.addWidget(self.documents, 1)
        row = QHBoxLayout()
        add = QPushButton("&Add document")
        add.setAccessibleName("Add document")
        add.clicked.connect(lambda: self._add_row("", ""))
        remove = QPushButton("&Remove document")
        remove.setAccessibleName("Remove selected document")
        remove.clicked.connect(self._remove_row)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)

        self.notes = QPlainTextEdit(prompt.notes)
        self.notes.setAccessibleName("Notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        notes_label = QLabel("&Notes:")
        notes_label.setBuddy(self.notes)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save appeal")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._preview()
        self._validate()

    def _add_row(self, label: str, location: str) -> None:
        row = self.documents.rowCount()
        self.documents.insertRow(row)
        self.documents.setItem(row, 0, QTableWidgetItem(label))
        self.documents.setItem(row, 1, QTableWidgetItem(location))

    def _remove_row(self) -> None:
        row = self.documents.currentRow()
        if row >= 0:
            self.documents.removeRow(row)

    def _preview(self) -> None:
        self.deadlines.setText(self.prompt.preview(pydate(self.filed_on.date())))

    def _validate(self) -> None:
        ok = not self.prompt.outcome_mode or self.outcome_group.checkedButton() is not None
        self.save_button.setEnabled(ok)

    def answer(self) -> AppealAnswer:
        docs = []
        for row in range(self.documents.rowCount()):
            label = self.documents.item(row, 0)
            location = self.documents.item(row, 1)
            docs.append(Document(label.text() if label else "", location.text() if location else ""))
        outcome = "upheld" if self.upheld.isChecked() else "overturned" if self.overturned.isChecked() else ""
        return AppealAnswer(
            filed_on=pydate(self.filed_on.date()),
            hearing_on=pydate(self.hearing_on.date()) if self.has_hearing.isChecked() else None,
            notes=self.notes.toPlainText(), documents=tuple(docs), outcome=outcome,
            outcome_on=pydate(self.outcome_on.date()) if self.prompt.outcome_mode else None)

