"""The composition root: the start (logging, the sign-in window) here, the main window and its
wiring in `shell` and the bundle's smoke test in `smoke`, imported once they are needed so that
the sign-in window comes up quickly. Their names are reachable from here too
(`mocap_desktop.app.build_main_window`)."""

from __future__ import annotations

import logging
import os
import platform
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QLocale, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from mocap_desktop import APP_NAME, __version__
from mocap_desktop.logsetup import configure_logging
from mocap_desktop.paths import DataDir

log = logging.getLogger(__name__)

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(mode, context, message) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def crash_report(exc_type, exc, tb) -> str:
    return (
        f"{APP_NAME} {__version__} on Python {platform.python_version()} ({sys.platform})\n\n"
        + "".join(traceback.format_exception(exc_type, exc, tb))
    )


def _excepthook(exc_type, exc, tb) -> None:
    report = crash_report(exc_type, exc, tb)
    log.critical("Unhandled error\n%s", report)
    if QApplication.instance() is None:
        sys.__excepthook__(exc_type, exc, tb)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong",
                      "MOCAP Desktop hit an unexpected error. Your saved work is safe in the "
                      "database. The details below are also in the log file; copy them for IT.")
    box.setDetailedText(report)
    box.exec()


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))  # Qt's own dialogs too
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("MOCAP Desktop")
    app.setApplicationVersion(__version__)
    return app


def run(data_dir: str | Path | None, demo: bool, smoke_test: bool = False, start_only: bool = False) -> int:
    """Sign in and show the window, again after each "Switch user"; or, for a smoke test,
    build it offscreen and quit; or (`start_only`) show the sign-in window and quit, which is
    how long a start takes on this PC. Returns an exit code."""
    if smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = DataDir.resolve(data_dir).ensure()
    configure_logging(folder.logs)
    qInstallMessageHandler(_qt_message)
    app = _application()
    if smoke_test:
        from mocap_desktop.app.smoke import smoke_test as run_smoke_test

        return run_smoke_test(app, folder, demo)
    if start_only:
        ask_sign_in(folder, demo, show_only=True)
        return 0
    sys.excepthook = _excepthook
    from mocap_desktop.app.shell import (
        IdleLock, build_main_window, check_in_background, close_dialogs, lock, show_draft_banner, show_policy_banner,
        start_district_sync,
    )

    while True:
        session = ask_sign_in(folder, demo)
        if session is None:
            return 0
        window = build_main_window(session)
        switching = []
        window.switch_user_requested.connect(lambda: (switching.append(True), window.close()))
        window.lock_requested.connect(lambda: lock(window, session, switching))
        idle = IdleLock(app, session, lambda: lock(window, session, switching))
        window.show()
        show_draft_banner(window, session)
        show_policy_banner(window, session)
        check_in_background(window, session)
        syncing = start_district_sync(window, session)
        try:
            code = app.exec()
        finally:
            if syncing is not None:
                syncing.stop()
            idle.stop()
            close_dialogs(window)
            session.close()
            window.deleteLater()
        if not switching:
            return code


def ask_sign_in(folder: DataDir, demo: bool, parent=None, show_only: bool = False):
    """The sign-in dialog (or first-time set-up); the signed-in session, or None if cancelled
    (or when `show_only`: the dialog is shown, its events processed, and it closes)."""
    from mocap_desktop.ui.presenters.sign_in import SignInPresenter
    from mocap_desktop.ui.views.sign_in import SignInDialog

    dialog = SignInDialog(parent, "Demo district (synthetic students)" if demo else "")
    presenter = SignInPresenter(dialog, folder, demo)
    dialog.sign_in_requested.connect(presenter.sign_in_requested)
    dialog.set_up_requested.connect(presenter.set_up_requested)
    dialog.reset_requested.connect(presenter.reset_requested)
    dialog.recovery_key_noted.connect(presenter.recovery_key_noted)
    presenter.start()
    if show_only:
        dialog.show()
        QApplication.processEvents()
        dialog.close()
        return None
    dialog.exec()
    return dialog.session




def __getattr__(name: str):
    """`mocap_desktop.app.X` for the names of `shell` and `smoke`, imported on first use."""
    import importlib

    if name.startswith("__"):
        raise AttributeError(name)
    for module in ("shell", "smoke"):
        found = getattr(importlib.import_module(f"{__name__}.{module}"), name, None)
        if found is not None:
            return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
