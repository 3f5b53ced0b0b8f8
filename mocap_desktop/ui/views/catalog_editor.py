"""The course catalog editor dialog: search on the left, the selected course's form on the right,
and "Import the state's list…" at the top. Passive: `CatalogEditorPresenter` decides."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.core.messages import count_of
from mocap_desktop.ui.presenters.catalog_editor import (
    DELIVERIES,
    PARTS,
    PROGRAMS,
    CatalogEditorPresenter,
    CatalogRow,
    CourseForm,
    ImportPreview,
)
from mocap_desktop.ui.views.dialogs import MessageBoxes

ERROR_COLOR = "#b00020"


class CatalogEditorDialog(MessageBoxes, QDialog):
    search_changed = Signal(str)
    course_selected = Signal(int)
    new_requested = Signal()
    save_requested = Signal(object)  # CourseForm
    active_toggled = Signal(int, bool)
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("CatalogEditor")
        self.setWindowTitle("MOCAP course catalog")
        self.setAccessibleName("MOCAP course catalog")
        self.resize(1180, 660)
        self.course_id: int | None = None

        self.search = QLineEdit()
        self.search.setAccessibleName("Search the catalog")
        self.search.setPlaceholderText("Course code, title or provider")
        self.search.setClearButtonEnabled(True)
        self.import_button = QPushButton("&Import the state's list…")
        self.import_button.setAccessibleName("Import the state's combined MOCAP course list")
        top = QHBoxLayout()
        find = QLabel("&Find:")
        find.setBuddy(self.search)
        top.addWidget(find)
        top.addWidget(self.search, 1)
        top.addWidget(self.import_button)

        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(["Code", "Course", "Provider", "Credits", "Term", "Grades", "List"])
        self.table.setAccessibleName("Catalog courses")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.count = QLabel()
        self.count.setAccessibleName("Catalog size")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)

        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        self.provider = QComboBox()
        self.provider.setEditable(True)
        self.provider.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.code = QLineEdit()
        self.title = QLineEdit()
        self.subject = QLineEdit()
        self.grade_low = QLineEdit()
        self.grade_low.setMaximumWidth(60)
        self.grade_high = QLineEdit()
        self.grade_high.setMaximumWidth(60)
        self.credits = QLineEdit()
        self.credits.setMaximumWidth(80)
        self.part = QComboBox()
        for key, label in PARTS:
            self.part.addItem(label, key)
        self.price = QLineEdit()
        self.price.setMaximumWidth(120)
        self.price.setPlaceholderText("blank if unknown")
        self.program = QComboBox()
        for key, label in PROGRAMS:
            self.program.addItem(label, key)
        self.delivery = QComboBox()
        for key, label in DELIVERIES:
            self.delivery.addItem(label, key)
        self.active = QCheckBox("In &use (can be added to new requests)")
        grades = QHBoxLayout()
        grades.addWidget(self.grade_low)
        to = QLabel("t&o")
        to.setBuddy(self.grade_high)
        grades.addWidget(to)
        grades.addWidget(self.grade_high)
        grades.addStretch(1)
        rows = (("provider", "&Provider:", self.provider, "Provider"),
                ("code", "Course &ID code:", self.code, "Course ID code"),
                ("title", "Course &name:", self.title, "Course name"),
                ("subject", "S&ubject:", self.subject, "Subject"),
                ("grades", "&Grades:", grades, "Lowest grade"),
                ("credits", "C&redits per term:", self.credits, "Credits per term"),
                ("segment", "&Term:", self.part, "Semester or full year"),
                ("price", "Pri&ce:", self.price, "Price"),
                ("program_code", "State &list:", self.program, "State program code"),
                ("delivery", "&Delivery:", self.delivery, "Delivery system"))
        for key, text, widget, name in rows:
            label = QLabel(text)
            if isinstance(widget, QWidget):
                widget.setAccessibleName(name)
                label.setBuddy(widget)
                self.fields[key] = widget
                form.addRow(label, widget)
            else:
                label.setBuddy(self.grade_low)
                self.grade_low.setAccessibleName("Lowest grade")
                self.grade_high.setAccessibleName("Highest grade")
                self.fields[key] = self.grade_low
                form.addRow(label, widget)
            error = QLabel()
            error.setStyleSheet(f"color: {ERROR_COLOR};")
            error.setWordWrap(True)
            error.setAccessibleName(f"Problem with {name.lower()}")
            error.hide()
            self.errors[key] = error
            form.addRow("", error)
        self.active.setAccessibleName("Course in use")
        form.addRow("", self.active)
        self.new_button = QPushButton("&New course")
        self.new_button.setAccessibleName("Start a new course")
        self.save_button = QPushButton("&Save course")
        self.save_button.setAccessibleName("Save the course")
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        self.heading = QLabel()
        self.heading.setAccessibleName("Form heading")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addLayout(form)
        right_layout.addLayout(buttons)
        right_layout.addStretch(1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.status = QLabel()
        self.status.setAccessibleName("Catalog status")
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(close)

        self.search.textChanged.connect(self.search_changed)
        self.table.currentCellChanged.connect(self._row_changed)
        self.new_button.clicked.connect(self.new_requested)
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.form()))
        self.active.toggled.connect(self._active_toggled)
        self.import_button.clicked.connect(self.import_requested)
        self._filling = False

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(1180, 660)

    def bind(self, presenter: CatalogEditorPresenter) -> None:
        self.presenter = presenter
        self.search_changed.connect(presenter.search)
        self.course_selected.connect(presenter.select)
        self.new_requested.connect(presenter.new_course)
        self.save_requested.connect(presenter.save)
        self.active_toggled.connect(presenter.set_active)
        self.import_requested.connect(presenter.import_requested)

    def _row_changed(self, row: int, *_args) -> None:
        if row >= 0 and not self._filling:
            item = self.table.item(row, 0)
            if item is not None:
                self.course_selected.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _active_toggled(self, on: bool) -> None:
        if not self._filling and self.course_id is not None:
            self.active_toggled.emit(self.course_id, on)

    def form(self) -> CourseForm:
        return CourseForm(
            provider=self.provider.currentText(), code=self.code.text(), title=self.title.text(),
            subject=self.subject.text(), grade_low=self.grade_low.text(), grade_high=self.grade_high.text(),
            credits=self.credits.text(), part=self.part.currentData(), price=self.price.text(),
            program_code=self.program.currentData(), delivery=self.delivery.currentData(),
            active=self.active.isChecked(), course_id=self.course_id)

    # --- CatalogEditorView --------------------------------------------------------------------
    def show_providers(self, names: list[str]) -> None:
        text = self.provider.currentText()
        self.provider.clear()
        self.provider.addItems(names)
        self.provider.setCurrentText(text)

    def show_courses(self, rows: list[CatalogRow], total: int) -> None:
        self._filling = True
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = (row.code, row.title, row.provider, row.credits, row.term, row.grades,
                      row.program + ("" if row.active else " · out of use"))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row.id)
                if not row.active:
                    item.setForeground(QColor("#777777"))
                self.table.setItem(r, c, item)
        self._filling = False
        self.count.setText(f"{len(rows):,} shown of {total:,} courses in the catalog.")

    def show_form(self, form: CourseForm) -> None:
        self._filling = True
        self.course_id = form.course_id
        self.heading.setText("<b>New course</b> (one the state's list lacks)" if form.course_id is None
                             else f"<b>{form.code}</b> — {form.title}")
        self.provider.setCurrentText(form.provider)
        for name in ("code", "title", "subject", "grade_low", "grade_high", "credits", "price"):
            getattr(self, name).setText(getattr(form, name))
        self.part.setCurrentIndex(max(0, self.part.findData(form.part)))
        self.program.setCurrentIndex(max(0, self.program.findData(form.program_code)))
        self.delivery.setCurrentIndex(max(0, self.delivery.findData(form.delivery)))
        self.active.setChecked(form.active)
        self.active.setEnabled(form.course_id is not None)
        self._filling = False

    def show_field_errors(self, errors: dict[str, str]) -> None:
        first = None
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(bool(errors.get(key)))
            if errors.get(key) and first is None:
                first = self.fields.get(key)
        if first is not None:
            first.setFocus()

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def ask_import_file(self) -> tuple[Path, str | None] | None:
        name, _ = QFileDialog.getOpenFileName(self, "Import the state's combined MOCAP course list", "",
                                              "Course lists (*.xlsx *.csv *.txt);;All files (*)")
        if not name:
            return None
        choices = ["From the file (a program code column or the file name)", PROGRAMS[0][1], PROGRAMS[1][1]]
        choice, ok = QInputDialog.getItem(self, "Which state list is this?",
                                          "DESE publishes two lists. Which one is this file?", choices, 0, False)
        if not ok:
            return None
        program = None if choice == choices[0] else choice[:2]
        return Path(name), program

    def confirm_import(self, preview: ImportPreview) -> bool:
        box = QMessageBox(self)
        box.setWindowTitle("Import the course list?")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(f"<b>{preview.file}</b><br>{preview.summary}")
        details = preview.notes + (["Rows with problems (they are skipped):"] + preview.problems
                                   if preview.problems else [])
        if details:
            box.setDetailedText("\n".join(details))
        if not preview.can_import:
            box.setInformativeText("There is nothing to import.")
            box.setStandardButtons(QMessageBox.StandardButton.Close)
            box.exec()
            return False
        text = "Import now? Everything is written in one step, or nothing is."
        if preview.bad_rows:
            text = (f"{count_of(preview.bad_rows, 'row')} {'has' if preview.bad_rows == 1 else 'have'} "
                    "problems and will be skipped (see details). " + text)
        box.setInformativeText(text)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes



def open_catalog_editor(store, parent: QWidget | None = None) -> CatalogEditorDialog:
    dialog = CatalogEditorDialog(parent)
    presenter = CatalogEditorPresenter(dialog, store)
    dialog.bind(presenter)
    presenter.start()
    return dialog

