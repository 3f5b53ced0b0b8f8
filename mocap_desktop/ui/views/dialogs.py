"""What the dialogs and areas share: message boxes as the presenters ask for them, and showing a
dialog with its presenter."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox


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
