"""People who may sign in (Administration → People…): the list, adding a person, removing one's
access, and changing one's own password. Messages appear beside the part they concern."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QSpinBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop.ui.presenters.people import COLUMNS, NewPerson, PeoplePresenter, PersonLine, RoleChoice
from mocap_desktop.ui.views.dialogs import present

ERROR_STYLE = "color: #A4161A;"
STATUS_STYLE = "color: #1B5E20;"


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(ERROR_STYLE)
    label.setAccessibleName("Problem")
    label.hide()
    return label


def _password_edit(name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(accessible)
    return edit


class PeopleDialog(QDialog):
    """Implements `PeopleView` for `PeoplePresenter`."""

    add_requested = Signal(object)  # NewPerson
    remove_requested = Signal(str)  # login
    buildings_requested = Signal(str)  # login
    change_password_requested = Signal(str, str, str)  # current, new, new again
    role_changed = Signal(str)
    lock_minutes_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("PeopleDialog")
        self.setWindowTitle("People")
        self.setAccessibleName("People who may sign in")
        self.resize(1040, 660)
        self._lines: list[PersonLine] = []

        self.signed_in = QLabel()
        self.signed_in.setObjectName("peopleSignedIn")
        self.signed_in.setAccessibleName("Signed in as")

        # --- the list -------------------------------------------------------------------------------
        self.list_box = QGroupBox("People who may sign in")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("peopleTable")
        self.table.setAccessibleName("People")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((210, 130, 170, 200, 100, 80)):
            header.resizeSection(column, width)
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        self.remove_button = QPushButton("&Remove access…")
        self.remove_button.setObjectName("peopleRemove")
        self.remove_button.setAccessibleName("Remove the selected person's access")
        self.remove_button.clicked.connect(self._remove_current)
        self.buildings_button = QPushButton("&Buildings…")
        self.buildings_button.setObjectName("peopleBuildings")
        self.buildings_button.setAccessibleName("Set the buildings whose requests the selected person sees")
        self.buildings_button.clicked.connect(self._buildings_current)
        self.list_error = _error_label("peopleListError")
        self.manage_note = QLabel()
        self.manage_note.setWordWrap(True)
        self.manage_note.setAccessibleName("Note")
        self.manage_note.hide()
        list_layout = QVBoxLayout(self.list_box)
        list_layout.addWidget(self.manage_note)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.list_error)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.buildings_button)
        row.addWidget(self.remove_button)
        list_layout.addLayout(row)

        # --- add a person ----------------------------------------------------------------------------
        self.add_box = QGroupBox("Add a person")
        self.name = QLineEdit()
        self.name.setObjectName("personName")
        self.name.setAccessibleName("Name")
        self.name.setPlaceholderText("As it appears on letters, e.g. Dr. Lena Ortiz")
        self.login = QLineEdit()
        self.login.setObjectName("personLogin")
        self.login.setAccessibleName("Sign-in name")
        self.login.setPlaceholderText("e.g. lortiz")
        self.role = QComboBox()
        self.role.setObjectName("personRole")
        self.role.setAccessibleName("Role")
        self.role.currentIndexChanged.connect(lambda _i: self.role_changed.emit(self.role.currentData() or ""))
        self.title = QComboBox()
        self.title.setObjectName("personTitle")
        self.title.setEditable(True)
        self.title.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.title.setAccessibleName("Title")
        self.title.lineEdit().setAccessibleName("Title")
        self.title.lineEdit().setPlaceholderText("e.g. principal, designee, superintendent")
        self.password = _password_edit("personPassword", "Password")
        self.password_again = _password_edit("personPasswordAgain", "Password again")
        self.add_button = QPushButton("&Add person")
        self.add_button.setObjectName("peopleAdd")
        self.add_button.setAccessibleName("Add person")
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.new_person()))
        self.add_error = _error_label("peopleAddError")
        add_form = QFormLayout(self.add_box)
        add_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (("&Name:", self.name), ("&Sign-in name:", self.login), ("R&ole:", self.role),
                            ("&Title:", self.title), ("&Password:", self.password),
                            ("Password a&gain:", self.password_again)):
            label = QLabel(text)
            label.setBuddy(field)
            add_form.addRow(label, field)
        add_form.addRow(self.add_error)
        add_buttons = QHBoxLayout()
        add_buttons.addStretch(1)
        add_buttons.addWidget(self.add_button)
        add_form.addRow(add_buttons)

        # --- my password -----------------------------------------------------------------------------
        self.password_box = QGroupBox("Change my password")
        self.current_password = _password_edit("currentPassword", "Current password")
        self.new_password = _password_edit("newPassword", "New password")
        self.new_password_again = _password_edit("newPasswordAgain", "New password again")
        self.change_button = QPushButton("&Change password")
        self.change_button.setObjectName("peopleChangePassword")
        self.change_button.setAccessibleName("Change my password")
        self.change_button.clicked.connect(self._change_password)
        self.password_error = _error_label("peoplePasswordError")
        password_form = QFormLayout(self.password_box)
        password_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (("C&urrent password:", self.current_password), ("N&ew password:", self.new_password),
                            ("New password aga&in:", self.new_password_again)):
            label = QLabel(text)
            label.setBuddy(field)
            password_form.addRow(label, field)
        hint = QLabel("At least 8 characters. Your password unlocks your copy of the database key; "
                      "nobody can read it back, so keep it safe.")
        hint.setWordWrap(True)
        hint.setAccessibleName("Password hint")
        password_form.addRow(hint)
        password_form.addRow(self.password_error)
        change_row = QHBoxLayout()
        change_row.addStretch(1)
        change_row.addWidget(self.change_button)
        password_form.addRow(change_row)

        self.status = QLabel()
        self.status.setObjectName("peopleStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setStyleSheet(STATUS_STYLE)
        self.status.setAccessibleName("Status")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        self.buttons.rejected.connect(self.reject)

        lower = QHBoxLayout()
        lower.addWidget(self.add_box, 1)
        lower.addWidget(self.password_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.signed_in)
        layout.addWidget(self.list_box, 1)
        layout.addLayout(lower)
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(1, 240)
        self.lock_minutes.setSuffix(" minutes")
        self.lock_minutes.setAccessibleName("Lock the screen after this many idle minutes")
        self.lock_minutes.setKeyboardTracking(False)
        self.lock_minutes.valueChanged.connect(self.lock_minutes_changed)
        lock_label = QLabel("Loc&k the screen after")
        lock_label.setBuddy(self.lock_minutes)
        lock_row = QHBoxLayout()
        lock_row.addWidget(lock_label)
        lock_row.addWidget(self.lock_minutes)
        lock_row.addWidget(QLabel("without keyboard or mouse use"))
        lock_row.addStretch(1)
        layout.addLayout(lock_row)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        # Enter acts on the form it is typed in; no button is pressed by a stray Enter.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        for edit in (self.name, self.login, self.password, self.password_again):
            edit.returnPressed.connect(self.add_button.click)
        self.title.lineEdit().returnPressed.connect(self.add_button.click)
        for edit in (self.current_password, self.new_password, self.new_password_again):
            edit.returnPressed.connect(self.change_button.click)
        self._update_buttons()

    # --- PeopleView ------------------------------------------------------------------------------------
    def show_roles(self, roles: list[RoleChoice]) -> None:
        self.role.blockSignals(True)
        self.role.clear()
        for choice in roles:
            self.role.addItem(choice.label, choice.value)
        self.role.setCurrentIndex(min(1, self.role.count() - 1))
        self.role.blockSignals(False)

    def show_title_suggestions(self, titles: list[str]) -> None:
        text = self.title.currentText()
        self.title.blockSignals(True)
        self.title.clear()
        self.title.addItem("")
        self.title.addItems(titles)
        self.title.setEditText(text)
        self.title.blockSignals(False)

    def show_people(self, lines: list[PersonLine]) -> None:
        current = self.current_login()
        self._lines = list(lines)
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            for column, text in enumerate(line.cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{COLUMNS[column]}: {text}")
                item.setData(Qt.ItemDataRole.UserRole, line.login)
                item.setToolTip(line.accessible)
                if not line.active:
                    item.setForeground(Qt.GlobalColor.darkGray)
                self.table.setItem(row, column, item)
        found = next((n for n, line in enumerate(lines) if line.login == current), None)
        if found is not None:
            self.table.setCurrentCell(found, 0)
        self._update_buttons()

    def show_signed_in_as(self, text: str) -> None:
        self.signed_in.setText(text)

    def set_manage_enabled(self, enabled: bool, note: str) -> None:
        self.table.setEnabled(enabled)
        self.add_box.setEnabled(enabled)
        self.manage_note.setText(note)
        self.manage_note.setVisible(bool(note))
        self._update_buttons()

    def show_list_error(self, text: str) -> None:
        self._show(self.list_error, text)

    def show_add_error(self, text: str) -> None:
        self._show(self.add_error, text)

    def show_password_error(self, text: str) -> None:
        self._show(self.password_error, text)

    def show_lock_minutes(self, minutes: int, editable: bool) -> None:
        self.lock_minutes.blockSignals(True)
        self.lock_minutes.setValue(minutes)
        self.lock_minutes.blockSignals(False)
        self.lock_minutes.setEnabled(editable)

    def show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)

    def confirm(self, title: str, text: str, action: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self)
        yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes

    def ask_buildings(self, title: str, text: str, current: str) -> str | None:
        value, ok = QInputDialog.getText(self, title, text, text=current)
        return value if ok else None

    def clear_add_form(self) -> None:
        for edit in (self.name, self.login, self.password, self.password_again):
            edit.clear()
        self.title.setEditText("")
        self.name.setFocus()

    def clear_password_form(self) -> None:
        for edit in (self.current_password, self.new_password, self.new_password_again):
            edit.clear()

    # --- helpers ---------------------------------------------------------------------------------------
    def new_person(self) -> NewPerson:
        return NewPerson(self.name.text(), self.login.text(), self.role.currentData() or "",
                         self.title.currentText(), self.password.text(), self.password_again.text())

    def current_login(self) -> str | None:
        row = self.table.currentRow()
        return self._lines[row].login if 0 <= row < len(self._lines) else None

    def _remove_current(self) -> None:
        login = self.current_login()
        if login is not None:
            self.remove_requested.emit(login)

    def _buildings_current(self) -> None:
        login = self.current_login()
        if login is not None:
            self.buildings_requested.emit(login)

    def _change_password(self) -> None:
        self.change_password_requested.emit(self.current_password.text(), self.new_password.text(),
                                            self.new_password_again.text())

    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        line = self._lines[row] if 0 <= row < len(self._lines) else None
        self.remove_button.setEnabled(self.table.isEnabled() and line is not None and line.can_remove)
        self.buildings_button.setEnabled(self.table.isEnabled() and line is not None and line.active)

    @staticmethod
    def _show(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setAccessibleDescription(text)
        label.setVisible(bool(text))


def open_people_dialog(session, parent: QWidget | None = None) -> PeopleDialog:
    """Administration → People…: the dialog with its presenter, wired and shown (window-modal)."""
    dialog = PeopleDialog(parent)
    presenter = PeoplePresenter(dialog, session)
    dialog.add_requested.connect(presenter.add_requested)
    dialog.remove_requested.connect(presenter.remove_requested)
    dialog.buildings_requested.connect(presenter.buildings_requested)
    dialog.change_password_requested.connect(presenter.change_password_requested)
    dialog.role_changed.connect(presenter.role_changed)
    dialog.lock_minutes_changed.connect(presenter.lock_minutes_changed)
    return present(dialog, presenter)
