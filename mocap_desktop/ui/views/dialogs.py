"""What the dialogs and areas share: message boxes as the presenters ask for them, and showing a
dialog with its presenter."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget


def ask(parent: QWidget | None, title: str, text: str, choices: list[tuple[str, str]],
        default: str, escape: str, icon: QMessageBox.Icon = QMessageBox.Icon.Question) -> str:
    """A question with one button per (key, label) choice; the chosen key (`escape` when the box
    is closed). The buttons carry no mnemonics: in a message box those take plain letters, so a
    name typed into the window behind would answer it."""
    box = QMessageBox(icon, title, text, parent=parent)
    buttons = {}
    for key, label in choices:
        role = QMessageBox.ButtonRole.RejectRole if key == escape else QMessageBox.ButtonRole.AcceptRole
        buttons[key] = box.addButton(label.replace("&", ""), role)
    box.setDefaultButton(buttons[default])
    box.setEscapeButton(buttons[escape])
    box.exec()
    return next((key for key, button in buttons.items() if button is box.clickedButton()), escape)


class MessageBoxes:
    """A view's `show_message` and `show_error`: a message box over the widget."""

    def show_message(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)  # type: ignore[arg-type]

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)  # type: ignore[arg-type]


def present(dialog: QDialog, presenter, *start_args, show: Callable[[], None] | None = None) -> QDialog:
    """Keep `presenter` with its dialog (both go when the dialog closes), let it fill the
    dialog, then show it: window-modal (`open`) unless `show` says otherwise."""
    dialog.presenter = presenter  # type: ignore[attr-defined]
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    presenter.start(*start_args)
    (show or dialog.open)()
    return dialog
