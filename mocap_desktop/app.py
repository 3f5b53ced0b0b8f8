"""The composition root: builds the store, presenters and views and wires them together."""

from __future__ import annotations

import logging
import os
import platform
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from mocap_desktop import APP_NAME, __version__
from mocap_desktop.logsetup import configure_logging
from mocap_desktop.paths import DataDir
from mocap_desktop.services.session import open_session, Session
from mocap_desktop.store import StoreError
from mocap_desktop.ui.presenters.lookup import LookupPresenter
from mocap_desktop.ui.presenters.main import MainPresenter
from mocap_desktop.ui.views.lookup import StudentLookupView
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
    lookup = StudentLookupView()
    areas = [
        Area("lookup", "Student lookup", lookup, "Ctrl+1"),
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
    lookup_presenter = LookupPresenter(lookup, session.store)
    lookup.search_changed.connect(lookup_presenter.search_changed)
    lookup.student_selected.connect(lookup_presenter.student_selected)
    lookup.import_requested.connect(window.import_roster_requested)
    wizard_ready = window.new_request_action.isEnabled()
    lookup.set_start_request_enabled(
        wizard_ready, "" if wizard_ready else "The MOCAP request wizard is not installed in this build.")
    window.import_roster_requested.connect(
        lambda: open_import_dialog(window, session, lookup_presenter.refresh))
    window.import_action.setEnabled(True)
    window.presenters = [presenter, lookup_presenter]  # type: ignore[attr-defined]
    window.lookup = lookup  # type: ignore[attr-defined]
    presenter.start()
    lookup_presenter.start()
    return window


def open_import_dialog(parent, session: Session, on_imported=lambda: None, path: Path | None = None):
    """File → Import roster…: a window-modal dialog; the import runs on a worker thread."""
    from mocap_desktop.services.importing import open_thread_store
    from mocap_desktop.ui.presenters.import_ import ImportPresenter
    from mocap_desktop.ui.views.import_dialog import ImportDialog, QtTaskRunner

    dialog = ImportDialog(parent)
    runner = QtTaskRunner()
    presenter = ImportPresenter(dialog, session.store, runner,
                                lambda: open_thread_store(session.store.path), on_imported)
    dialog.browse_requested.connect(presenter.browse_requested)
    dialog.kind_changed.connect(presenter.kind_changed)
    dialog.mapping_changed.connect(presenter.mapping_changed)
    dialog.saved_mapping_chosen.connect(presenter.saved_mapping_chosen)
    dialog.save_mapping_requested.connect(presenter.save_mapping_requested)
    dialog.check_requested.connect(presenter.check_requested)
    dialog.import_requested.connect(presenter.import_requested)
    dialog.cancel_requested.connect(presenter.cancel_requested)
    dialog.may_close = presenter.close_requested
    dialog.presenter, dialog.runner = presenter, runner  # type: ignore[attr-defined]
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    presenter.start(path)
    dialog.open()
    return dialog


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
