"""The composition root: builds the store, presenters and views and wires them together."""

from __future__ import annotations

import logging
import os
import platform
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from mocap_desktop import APP_NAME, __version__
from mocap_desktop.logsetup import configure_logging
from mocap_desktop.paths import DataDir
from mocap_desktop.services.session import open_session, Session
from mocap_desktop.store import StoreError
from mocap_desktop.ui.presenters.main import MainPresenter
from mocap_desktop.ui.views.main_window import Area, EmptyState, MainWindow

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


def build_main_window(session: Session) -> MainWindow:
    areas = [
        Area("lookup", "Student lookup", EmptyState(
            "Student lookup", "Find a student by name, local number or MOSIS ID.", ""), "Ctrl+1"),
        Area("queue", "Review queue", EmptyState(
            "Review queue", "No MOCAP requests are waiting for a decision."), "Ctrl+2"),
        Area("print", "Print center", EmptyState(
            "Print center", "No parent letters are waiting to be printed."), "Ctrl+3"),
    ]
    window = MainWindow(areas)
    presenter = MainPresenter(window, session.store, session.data_dir.root, session.demo)
    window.about_requested.connect(presenter.about_requested)
    window.backup_requested.connect(presenter.backup_requested)
    window.new_request_action.setEnabled(False)
    window.import_action.setEnabled(False)
    window.presenters = [presenter]  # type: ignore[attr-defined]
    presenter.start()
    return window


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("MOCAP Desktop")
    app.setApplicationVersion(__version__)
    return app


def run(data_dir: str | Path | None, demo: bool, smoke_test: bool = False) -> int:
    """Start the window (or, for a smoke test, build it offscreen and quit). Returns an exit code."""
    if smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = DataDir.resolve(data_dir).ensure()
    configure_logging(folder.logs)
    qInstallMessageHandler(_qt_message)
    app = _application()
    try:
        session = open_session(folder, demo)
    except StoreError as err:
        log.error("Database refused: %s", type(err).__name__)
        if smoke_test:
            print(f"mocap-desktop: {err}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "The database cannot be opened", str(err))
        return 3
    sys.excepthook = _excepthook
    window = build_main_window(session)
    if smoke_test:
        window.show()
        app.processEvents()
        ok = window.isVisible() and window.centralWidget() is not None
        summary = f"{session.store.path} (schema {session.store.schema_version})"
        window.close()
        session.close()
        print(f"smoke test {'passed' if ok else 'FAILED'}: {summary}")
        return 0 if ok else 1
    window.show()
    try:
        return app.exec()
    finally:
        session.close()
