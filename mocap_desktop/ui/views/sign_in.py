"""The sign-in dialog (with first-time set-up and the forgotten-password page) and the lock screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mocap_desktop import APP_NAME


def _field(name: str, password: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _form(*rows: tuple[str, QLineEdit]) -> QFormLayout:
    form = QFormLayout()
    for label, field in rows:
        form.addRow(label, field)
    return form


def _error_label(name: str) -> QLabel:
    """A red line under a form, hidden until there is a problem to name."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #A4161A; font-weight: 600;")
    label.setAccessibleName(name)
    label.hide()
    return label


def _heading(text: str) -> QLabel:
    label = QLabel(f"<h2>{text}</h2>")
    label.setAccessibleName(text)
    return label


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class FittedDialog(QDialog):
    """A dialog of wrapped text that grows to show all of it: Qt sizes a window without asking
    its wrapped labels how tall they are at its width, and a message that appears later (a
    wrong password) would be cut off along the bottom."""

    def fit(self) -> None:
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else 0
        if needed > self.height():
            self.resize(self.width(), needed)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.fit()


class SignInDialog(FittedDialog):
    """Pages: sign in · set up the first administrator · reset with the recovery key · the
    recovery key shown once. `session` holds the signed-in session after `accept()`."""

    sign_in_requested = Signal(str, str)
    set_up_requested = Signal(str, str, str, str)
    reset_requested = Signal(str, str, str, str)
    recovery_key_noted = Signal()

    def __init__(self, parent: QWidget | None = None, subtitle: str = ""):
        super().__init__(parent)
        self.session = None
        self.setWindowTitle(f"{APP_NAME} — sign in")
        self.setMinimumWidth(520)
        self.pages = QStackedWidget()
        self.error = _error_label("Sign-in problem")
        self.error.setObjectName("signInError")
        layout = QVBoxLayout(self)
        if subtitle:
            layout.addWidget(_note(subtitle))
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        self._build_sign_in()
        self._build_set_up()
        self._build_reset()
        self._build_recovery_key()

    # --- pages ------------------------------------------------------------------
    def _build_sign_in(self) -> None:
        page = QWidget()
        self.login = _field("Sign-in name")
        self.password = _field("Password", password=True)
        form = _form(("&Sign-in name:", self.login), ("&Password:", self.password))
        self.hint = _note("")
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        forgot = QPushButton("&Forgot your password?")
        forgot.setAccessibleName("Forgot your password")
        forgot.setFlat(True)
        forgot.clicked.connect(lambda: self._show(self.reset_page))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = buttons.addButton("Sign &in", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(lambda: self.sign_in_requested.emit(self.login.text(), self.password.text()))
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(page)
        box.addWidget(_heading("Sign in"))
        box.addLayout(form)
        box.addWidget(self.hint)
        box.addWidget(forgot, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(buttons)
        self.sign_in_page = page
        page.primary = self.sign_in_button
        self.pages.addWidget(page)

    def _build_set_up(self) -> None:
        page = QWidget()
        self.admin_name = _field("Administrator's name")
        self.admin_login = _field("Administrator's sign-in name")
        self.admin_password = _field("New password", password=True)
        self.admin_again = _field("New password again", password=True)
        form = _form(("Your &name:", self.admin_name), ("&Sign-in name:", self.admin_login),
                     ("&Password (8 or more characters):", self.admin_password),
                     ("Password &again:", self.admin_again))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        create = buttons.addButton("&Create the database", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(lambda: self.set_up_requested.emit(
            self.admin_name.text(), self.admin_login.text(), self.admin_password.text(),
            self.admin_again.text()))
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(page)
        box.addWidget(_heading("Set up MOCAP Desktop"))
        box.addWidget(_note(
            "This computer has no MOCAP database yet. Create it with yourself as its administrator. "
            "Student records will be encrypted: only the people you add can open them."))
        box.addLayout(form)
        box.addWidget(buttons)
        self.set_up_page = page
        page.primary = create
        self.pages.addWidget(page)

    def _build_reset(self) -> None:
        page = QWidget()
        self.recovery_input = _field("Recovery key")
        self.reset_login = _field("Sign-in name to reset")
        self.reset_password = _field("New password", password=True)
        self.reset_again = _field("New password again", password=True)
        form = _form(("&Recovery key:", self.recovery_input), ("&Sign-in name:", self.reset_login),
                     ("&New password:", self.reset_password), ("Password &again:", self.reset_again))
        buttons = QDialogButtonBox()
        back = buttons.addButton("&Back", QDialogButtonBox.ButtonRole.RejectRole)
        reset = buttons.addButton("&Set the new password", QDialogButtonBox.ButtonRole.AcceptRole)
        back.clicked.connect(lambda: self._show(self.sign_in_page))
        reset.clicked.connect(lambda: self.reset_requested.emit(
            self.recovery_input.text(), self.reset_login.text(), self.reset_password.text(),
            self.reset_again.text()))
        box = QVBoxLayout(page)
        box.addWidget(_heading("Forgotten password"))
        box.addWidget(_note(
            "Other people ask the administrator to set a new password. For the administrator, "
            "enter the recovery key printed when the database was set up."))
        box.addLayout(form)
        box.addWidget(buttons)
        self.reset_page = page
        page.primary = reset
        self.pages.addWidget(page)

    def _build_recovery_key(self) -> None:
        page = QWidget()
        self.recovery_label = QLabel()
        self.recovery_label.setAccessibleName("Recovery key")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(16)
        self.recovery_label.setFont(font)
        self.recovery_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.recovery_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        copy = QPushButton("&Copy")
        copy.setAccessibleName("Copy the recovery key")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.recovery_label.text()))
        self.noted = QCheckBox("I have &written the recovery key down and will keep it locked away")
        self.noted.setAccessibleName("Recovery key written down")
        go_on = QPushButton("C&ontinue")
        go_on.setEnabled(False)
        self.noted.toggled.connect(go_on.setEnabled)
        go_on.clicked.connect(self.recovery_key_noted)
        box = QVBoxLayout(page)
        box.addWidget(_heading("Your recovery key"))
        box.addWidget(_note(
            "If the administrator's password is ever forgotten, this key is the only way back into "
            "the student records. It is shown this once and is not stored anywhere: print or write "
            "it down now and keep it somewhere locked."))
        box.addWidget(self.recovery_label)
        box.addWidget(copy, 0, Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.noted)
        box.addWidget(go_on, 0, Qt.AlignmentFlag.AlignRight)
        self.recovery_page = page
        page.primary = go_on
        self.pages.addWidget(page)

    def _show(self, page: QWidget) -> None:
        self.error.hide()
        self.pages.setCurrentWidget(page)
        self.fit()
        page.primary.setDefault(True)  # Return presses this page's main button
        first = page.findChild(QLineEdit)
        if first is not None:
            first.setFocus()

    # --- SignInView ---------------------------------------------------------------
    def show_sign_in(self, hint: str) -> None:
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self._show(self.sign_in_page)

    def show_set_up(self) -> None:
        self._show(self.set_up_page)

    def show_recovery_key(self, recovery_key: str) -> None:
        self.recovery_label.setText(recovery_key)
        self._show(self.recovery_page)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.fit()
        if self.pages.currentWidget() is self.sign_in_page:
            self.password.clear()
            self.password.setFocus()

    def signed_in(self, session) -> None:
        self.session = session
        self.accept()


class LockDialog(FittedDialog):
    """Covers the window after the idle time; the same person's password opens it again."""

    unlock_requested = Signal(str)
    switch_user_requested = Signal()

    def __init__(self, parent: QWidget | None, who: str):
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME} — locked")
        self.setMinimumWidth(420)
        self.setModal(True)
        self.password = _field("Password", password=True)
        self.error = _error_label("Unlock problem")
        form = _form(("&Password:", self.password))
        buttons = QDialogButtonBox()
        switch = buttons.addButton("&Switch user…", QDialogButtonBox.ButtonRole.ResetRole)
        unlock = buttons.addButton("&Unlock", QDialogButtonBox.ButtonRole.AcceptRole)
        unlock.setDefault(True)
        unlock.clicked.connect(lambda: self.unlock_requested.emit(self.password.text()))
        switch.clicked.connect(self.switch_user_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading("MOCAP Desktop is locked"))
        layout.addWidget(_note(f"Locked to keep student records private. {who} can unlock it."))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def reject(self) -> None:  # Esc does not unlock
        pass

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.fit()
        self.password.clear()
        self.password.setFocus()

    def unlocked(self) -> None:
        self.accept()


class ChangePasswordDialog(FittedDialog):
    change_requested = Signal(str, str, str)

    def __init__(self, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle("Change my password")
        self.old = _field("Current password", password=True)
        self.new = _field("New password", password=True)
        self.again = _field("New password again", password=True)
        self.error = _error_label("Password problem")
        form = _form(("&Current password:", self.old),
                     ("&New password (8 or more characters):", self.new), ("Password &again:", self.again))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        save = buttons.addButton("&Change password", QDialogButtonBox.ButtonRole.AcceptRole)
        save.setDefault(True)
        buttons.accepted.connect(lambda: self.change_requested.emit(
            self.old.text(), self.new.text(), self.again.text()))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.fit()
