"""The main window and everything opened from it: the presenters and views of each area,
wired together, and the dialogs of the menus."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from mocap_desktop.core import access
from mocap_desktop.services import review
from mocap_desktop.services.session import Session
from mocap_desktop.ui.presenters.decision import DecisionPresenter
from mocap_desktop.ui.presenters.lookup import LookupPresenter
from mocap_desktop.ui.presenters.main import MainPresenter
from mocap_desktop.ui.presenters.queue import QueuePresenter
from mocap_desktop.ui.presenters.request_detail import RequestDetailPresenter
from mocap_desktop.ui.views.decision_dialog import DecisionDialog
from mocap_desktop.ui.views.dialogs import present
from mocap_desktop.ui.views.lookup import StudentLookupView
from mocap_desktop.ui.views.main_window import Area, ElidedLabel, MainWindow
from mocap_desktop.ui.views.queue import QueueWidget
from mocap_desktop.ui.views.request_detail import RequestDetailDialog

log = logging.getLogger(__name__)


def build_main_window(session: Session) -> MainWindow:
    """The window for the signed-in person: only the areas and commands their role allows
    (the services refuse the rest as well)."""
    from mocap_desktop.ui.views.print_center import PrintCenterWidget

    user = session.user
    lookup = StudentLookupView() if user.can(access.STUDENTS_READ) else None
    queue = QueueWidget() if user.can(access.REQUESTS_READ) else None
    print_center = PrintCenterWidget() if user.can(access.LETTERS_PRINT) else None
    dashboard = None
    if user.can(access.REPORTS_READ):
        from mocap_desktop.ui.views.dashboard import DashboardWidget

        dashboard = DashboardWidget()
    areas = [area for area in (
        Area("lookup", "Student lookup", lookup, "Ctrl+1") if lookup else None,
        Area("queue", "Review queue", queue, "Ctrl+2") if queue else None,
        Area("print", "Print center", print_center, "Ctrl+3") if print_center else None,
        Area("dashboard", "Dashboard", dashboard, "Ctrl+4") if dashboard else None,
    ) if area]
    window = MainWindow(areas)
    presenter = MainPresenter(window, session.store, session.data_dir.root, session.demo, user.label)
    window.about_requested.connect(presenter.about_requested)
    window.backup_requested.connect(presenter.backup_requested)
    for action, capability in ((window.import_action, access.ROSTER_IMPORT),
                               (window.catalog_action, access.ROSTER_IMPORT),
                               (window.backup_action, access.BACKUP),
                               (window.district_profile_action, access.DISTRICT_EDIT),
                               (window.people_action, access.PEOPLE_MANAGE),
                               (window.audit_action, access.AUDIT_READ),
                               (window.new_request_action, access.REQUESTS_CREATE),
                               (window.resume_draft_action, access.REQUESTS_CREATE)):
        action.setVisible(user.can(capability))
    window.request_menu.menuAction().setVisible(
        any(a.isVisible() for a in window.request_menu.actions() if not a.isSeparator()))
    window.presenters = [presenter]  # type: ignore[attr-defined]
    window.session = session  # type: ignore[attr-defined]
    window.import_roster_requested.connect(
        lambda: open_import_dialog(window, session, lambda: [p.refresh() for p in window.presenters
                                                             if isinstance(p, LookupPresenter)]))
    window.people_requested.connect(lambda: open_people(window, session))
    window.audit_requested.connect(lambda: open_audit(window, session))
    window.change_password_requested.connect(lambda: change_password_dialog(window, session))
    presenter.start()
    watch_read_only(window, session, presenter)
    if lookup is not None:
        lookup_presenter = LookupPresenter(lookup, session.store)
        lookup.search_changed.connect(lookup_presenter.search_changed)
        lookup.student_selected.connect(lookup_presenter.student_selected)
        lookup.import_requested.connect(window.import_roster_requested)
        can_start = user.can(access.REQUESTS_CREATE)
        lookup.set_start_request_enabled(
            can_start, "" if can_start else "Only counselors start MOCAP requests.")
        window.presenters.append(lookup_presenter)  # type: ignore[attr-defined]
        window.lookup = lookup  # type: ignore[attr-defined]
        lookup_presenter.start()
    if queue is not None:
        wire_queue(window, queue, session)
    if user.can(access.REQUESTS_CREATE) or user.can(access.ROSTER_IMPORT):
        wire_wizard(window, session)
    if print_center is not None:
        wire_print_center(window, print_center, session)
    if dashboard is not None:
        wire_dashboard(window, dashboard, session)
    window.district_profile_requested.connect(lambda: open_district_profile(window, session))
    window.policy_banner.review_clicked.connect(lambda: open_district_profile(window, session, policy=True))
    return window


READ_ONLY_RETRY_MS = 30_000


def start_district_sync(window: MainWindow, session: Session, tick_ms: int = 1000, **timing):
    """On a PC joined to the district server: sync in the background (never on this thread),
    the state in the status bar, and every screen refreshed when others' changes arrive.
    Returns the worker (stopped with `stop()` when the window closes), or None. `timing`: see
    BackgroundSync."""
    from mocap_desktop.services import district
    from mocap_desktop.ui.presenters.district import SyncPresenter
    from mocap_desktop.ui.views.district import SyncStatusButton

    if not district.joined(session.store) or session.store.read_only_reason:
        return None
    worker = district.BackgroundSync(session.store, **timing).start()
    button = SyncStatusButton()
    window.statusBar().addPermanentWidget(button)

    def refresh() -> None:
        for presenter in window.presenters:  # type: ignore[attr-defined]
            if hasattr(presenter, "refresh"):
                presenter.refresh()
        if hasattr(window, "print_center"):
            window.print_center.presenter.refresh()  # type: ignore[attr-defined]

    presenter = SyncPresenter(button, session.store, worker, refresh)
    button.refused_requested.connect(presenter.refused_requested)
    timer = QTimer(window)
    timer.setInterval(tick_ms)
    timer.timeout.connect(presenter.tick)
    timer.start()
    presenter.tick()
    window.sync_status = button  # type: ignore[attr-defined]
    window.sync_timer = timer  # type: ignore[attr-defined]
    window.sync_presenter = presenter  # type: ignore[attr-defined]  (the signals hold it weakly)
    return worker


def check_in_background(window: MainWindow, session: Session, poll_ms: int = 250) -> None:
    """A large database is checked page by page after it opens, on a thread of its own (a small
    one was checked as it opened); damage found is said at once, with what to do."""
    import threading

    if session.store.checked_at_open:
        return
    found: list[list[str]] = []
    worker = threading.Thread(target=lambda: found.append(session.store.check_integrity()),
                              name="integrity", daemon=True)
    worker.start()
    timer = QTimer(window)
    timer.setInterval(poll_ms)

    def done() -> None:
        if worker.is_alive():
            return
        timer.stop()
        problems = found[0] if found else ["the check stopped before it finished"]
        if problems:
            log.error("The database file failed its integrity check")
            window.statusBar().showMessage("The database file is damaged: see the message.")
            QMessageBox.critical(window, "The database file is damaged",
                                 f"{session.store.path} failed its check ({'; '.join(problems)}).\n\n"
                                 "Back up what can still be read (File → Back up database…), close the app and "
                                 "ask IT to restore the latest backup from the backups folder.")

    timer.timeout.connect(done)
    timer.start()
    window.integrity_timer = timer  # type: ignore[attr-defined]


def refused_while_read_only(parent, session: Session, what: str) -> bool:
    """True, after saying why, when the database is read-only: for screens that only write (a
    new request, an import). Screens that show data open as usual and refuse their saves."""
    reason = session.store.read_only_reason
    if not reason:
        return False
    QMessageBox.information(parent, "The database is read-only",
                            f"{what} cannot be saved now: the database is open read-only ({reason}). "
                            "Lookup, letters already made, the audit trail and File → Back up database… "
                            "still work; saving comes back by itself once the database can be written.")
    return True


def watch_read_only(window: MainWindow, session: Session, presenter: MainPresenter,
                    interval_ms: int = READ_ONLY_RETRY_MS) -> None:
    """While the database is read-only (a full disk, a read-only file), try it for writing every
    `interval_ms`; once it can be written, what waited is recorded and every screen saves again."""
    reason = session.store.read_only_reason
    if not reason:
        return
    window.read_only_banner.show_text(
        f"The database is open read-only: {reason}. Lookup, letters already made, the audit trail and "
        "File → Back up database… work; nothing new can be saved until it can be written, which is "
        f"tried again every {interval_ms // 1000 or 1} seconds.")
    timer = QTimer(window)
    timer.setInterval(interval_ms)

    def retry() -> None:
        if session.retry_writable():
            timer.stop()
            window.read_only_banner.hide()
            presenter.start()
            window.statusBar().showMessage("The database can be written again: changes are saved as usual.", 20_000)

    timer.timeout.connect(retry)
    timer.start()
    window.read_only_timer = timer  # type: ignore[attr-defined]


def wire_print_center(window: MainWindow, widget, session: Session):
    """The print center (the front desk's screen) and File → District profile, letterhead and policy…"""
    from mocap_desktop.ui.presenters.print_center import PrintCenterPresenter

    presenter = PrintCenterPresenter(widget, session.store, review.current_actor(session.store))
    widget.refresh_requested.connect(presenter.refresh)
    widget.mode_changed.connect(presenter.mode_changed)
    widget.selection_changed.connect(presenter.selection_changed)
    widget.print_requested.connect(presenter.print_requested)
    widget.annual_notice_requested.connect(presenter.annual_notice_requested)
    window.nav.currentRowChanged.connect(
        lambda _row: window.current_area() == "print" and presenter.refresh())
    window.print_center = widget  # type: ignore[attr-defined]
    widget.presenter = presenter  # type: ignore[attr-defined]
    presenter.start()
    return presenter


def wire_dashboard(window: MainWindow, widget, session: Session):
    """The dashboard: the board's figures for a school year and the board report's PDF; shown
    afresh each time the area is opened."""
    from mocap_desktop.ui.presenters.dashboard import DashboardPresenter

    presenter = DashboardPresenter(widget, session.store, session.data_dir.root / "exports")
    widget.year_changed.connect(presenter.year_changed)
    widget.save_requested.connect(presenter.save_requested)
    widget.invoice_requested.connect(presenter.invoice_requested)
    widget.payment_requested.connect(presenter.payment_requested)
    widget.worksheet_requested.connect(presenter.worksheet_requested)
    widget.set_invoice_allowed(session.user.can(access.ENROLLMENTS_RECORD))
    window.nav.currentRowChanged.connect(
        lambda _row: window.current_area() == "dashboard" and presenter.refresh())
    window.dashboard = widget  # type: ignore[attr-defined]
    widget.presenter = presenter  # type: ignore[attr-defined]
    window.presenters.append(presenter)  # type: ignore[attr-defined]
    presenter.start()
    return presenter


def open_district_profile(parent, session: Session, policy: bool = False):
    """The administrator's district profile, letterhead and policy editor, with a live sample
    letter; `policy` opens it on the policy tab. The policy banner follows what was saved."""
    from mocap_desktop.ui.presenters.district_profile import DistrictProfilePresenter
    from mocap_desktop.ui.views.district_profile import DistrictProfileDialog

    dialog = DistrictProfileDialog(parent)
    presenter = DistrictProfilePresenter(dialog, session.store, session.data_dir.root)
    dialog.form_changed.connect(presenter.form_changed)
    dialog.save_requested.connect(presenter.save_requested)
    if policy:
        dialog.tabs.setCurrentIndex(1)
    if isinstance(parent, MainWindow):
        dialog.finished.connect(lambda _result: show_policy_banner(parent, session))
    return present(dialog, presenter)


def show_policy_banner(window: MainWindow, session: Session) -> None:
    """After sign-in, for the administrator: policy values still to confirm, in a line across the window."""
    from mocap_desktop.ui.presenters.district_profile import policy_reminder

    window.policy_banner.show_text(policy_reminder(session.store))


def open_import_dialog(parent, session: Session, on_imported=lambda: None, path: Path | None = None):
    """File → Import roster…: a window-modal dialog; the import runs on a worker thread."""
    from mocap_desktop.services.importing import open_thread_store
    from mocap_desktop.ui.presenters.import_ import ImportPresenter
    from mocap_desktop.ui.views.import_dialog import ImportDialog, QtTaskRunner

    if refused_while_read_only(parent, session, "An import"):
        return None

    dialog = ImportDialog(parent)
    runner = QtTaskRunner()
    presenter = ImportPresenter(dialog, session.store, runner,
                                lambda: open_thread_store(session.store), on_imported)
    dialog.browse_requested.connect(presenter.browse_requested)
    dialog.kind_changed.connect(presenter.kind_changed)
    dialog.mapping_changed.connect(presenter.mapping_changed)
    dialog.saved_mapping_chosen.connect(presenter.saved_mapping_chosen)
    dialog.save_mapping_requested.connect(presenter.save_mapping_requested)
    dialog.check_requested.connect(presenter.check_requested)
    dialog.import_requested.connect(presenter.import_requested)
    dialog.cancel_requested.connect(presenter.cancel_requested)
    dialog.next_import_requested.connect(presenter.next_import_requested)
    dialog.may_close = presenter.close_requested
    dialog.runner = runner  # type: ignore[attr-defined]
    return present(dialog, presenter, path)


def wire_queue(window: MainWindow, queue: QueueWidget, session: Session,
               today: Callable[[], date] = date.today) -> QueuePresenter:
    """The review queue: its presenter, the detail and decision windows it opens, and the
    start-up notice (a banner in the queue and a status-bar message, never a blocking dialog)."""
    actor = review.current_actor(session.store)
    export_folder = session.data_dir.root / "exports"
    presenter = QueuePresenter(queue, session.store, today, export_folder)
    queue.filter_changed.connect(presenter.filter_changed)
    queue.overdue_toggled.connect(presenter.overdue_toggled)
    queue.search_changed.connect(presenter.search_changed)
    queue.sort_requested.connect(presenter.sort_requested)
    queue.clear_requested.connect(presenter.clear_filters)
    queue.export_requested.connect(presenter.export_requested)

    notice_label = ElidedLabel(Qt.TextElideMode.ElideRight)
    notice_label.setObjectName("deadlineNotice")
    notice_label.setAccessibleName("Deadline notice")
    window.statusBar().addPermanentWidget(notice_label)
    queue_row = window.nav.count() and next(
        (i for i in range(window.nav.count()) if window.nav.item(i).text().startswith("Review queue")), None)

    def show_deadlines() -> None:
        notice = presenter.notice()
        text = f"⚠ Review queue: {notice.text}" if notice else ""
        notice_label.set_full_text(text)
        notice_label.setStyleSheet("color: #A4161A; font-weight: 600;" if notice and notice.overdue
                                   else "color: #7A4B00; font-weight: 600;")
        notice_label.setVisible(bool(text))
        if queue_row is not None:
            item = window.nav.item(queue_row)
            item.setText("Review queue" + (f" ⚠ {notice.overdue + notice.soon}" if notice else ""))
            item.setToolTip(f"Review queue (Ctrl+2): {notice.text}" if notice else "Review queue (Ctrl+2)")

    def changed() -> None:
        presenter.refresh()
        presenter.show_notice()
        show_deadlines()

    queue.open_requested.connect(
        lambda request_id: open_request_detail(window, session, request_id, actor, today, changed))
    queue.decide_requested.connect(
        lambda request_id: run_decision_dialog(window, session, request_id, actor, today) and changed())
    window.presenters.append(presenter)  # type: ignore[attr-defined]
    window.queue = queue  # type: ignore[attr-defined]
    presenter.start()
    show_deadlines()
    return presenter


def wire_wizard(window: MainWindow, session: Session) -> None:
    """The enrollment wizard (Request → New, the lookup's start-a-request button, a saved draft)
    and the course catalog editor."""
    window.new_request_requested.connect(lambda: new_request(window, session))
    window.resume_draft_requested.connect(lambda: offer_saved_draft(window, session, asked=True))
    window.catalog_requested.connect(lambda: open_catalog(window, session))
    window.draft_banner.resume_clicked.connect(
        lambda: window.draft_offer and open_wizard(window, session, draft_id=window.draft_offer.draft_id))
    window.draft_banner.discard_clicked.connect(lambda: discard_offered_draft(window, session))
    lookup = getattr(window, "lookup", None)
    if lookup is not None and hasattr(lookup, "start_request_requested"):
        lookup.start_request_requested.connect(
            lambda student_id: open_wizard(window, session, student_id=student_id))


def open_wizard(window: MainWindow, session: Session, student_id: int | None = None,
                draft_id: int | None = None):
    """A window-modal request wizard; after a submit every area that can refresh does."""
    from mocap_desktop.ui.views.wizard import open_request_wizard

    if refused_while_read_only(window, session, "A request (and its draft)"):
        return None
    banner_shown = window.draft_banner.isVisible()
    window.draft_banner.hide()
    wizard = open_request_wizard(session.store, window, student_id=student_id, draft_id=draft_id,
                                 actor=review.current_actor(session.store))

    def submitted(_request_id: int) -> None:
        for presenter in getattr(window, "presenters", []):
            refresh = getattr(presenter, "refresh", None)
            if callable(refresh):
                refresh()

    wizard.submitted.connect(submitted)
    if banner_shown:  # offered again, or the next one, once this one is done with
        wizard.finished.connect(lambda _result: show_draft_banner(window, session))
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.wizard = wizard  # type: ignore[attr-defined]
    wizard.open()
    return wizard


def show_draft_banner(window: MainWindow, session: Session) -> None:
    """At start-up: the newest unfinished request in a line across the window, with Resume and
    Discard. Never a question that takes the keyboard: the person may already be typing."""
    from mocap_desktop.ui.presenters.wizard import draft_offer

    window.draft_offer = offer = (  # type: ignore[attr-defined]
        draft_offer(session.store) if session.user.can(access.REQUESTS_CREATE) else None)
    window.draft_banner.show_text(offer.text if offer else "")


def discard_offered_draft(window: MainWindow, session: Session) -> None:
    from mocap_desktop.ui.presenters.wizard import discard_draft
    from mocap_desktop.ui.views.dialogs import ask

    offer = getattr(window, "draft_offer", None)
    if offer is None or ask(window, "Discard the unfinished request?",
                            offer.text + "\n\nWhat was entered in it is lost.",
                            [("discard", "Discard draft"), ("keep", "Keep it")], "keep", "keep") != "discard":
        return
    discard_draft(session.store, offer.draft_id)
    show_draft_banner(window, session)


def new_request(window: MainWindow, session: Session) -> None:
    """Request → New (Ctrl+N): for the student selected in the lookup when there is one; when an
    unfinished request is waiting (for that student, or any when none is selected), offer it first."""
    from mocap_desktop.ui.presenters.wizard import draft_offer
    from mocap_desktop.ui.views.wizard import ask_resume_draft

    lookup = next((p for p in getattr(window, "presenters", []) if isinstance(p, LookupPresenter)), None)
    student_id = lookup.selected if lookup is not None and window.current_area() == "lookup" else None
    offer = draft_offer(session.store, student_id)
    answer = ask_resume_draft(window, offer.text, new_request=True) if offer else "new"
    if answer == "resume":
        open_wizard(window, session, draft_id=offer.draft_id)
    elif answer == "new":
        open_wizard(window, session, student_id=student_id)


def offer_saved_draft(window: MainWindow, session: Session, asked: bool = False) -> None:
    """Request → Resume a saved draft: offer the newest unfinished request back."""
    from mocap_desktop.ui.presenters.wizard import discard_draft, draft_offer
    from mocap_desktop.ui.views.wizard import ask_resume_draft

    offer = draft_offer(session.store)
    if offer is None:
        if asked:
            QMessageBox.information(window, "No saved drafts", "There is no unfinished request to resume.")
        return
    answer = ask_resume_draft(window, offer.text)
    if answer == "resume":
        open_wizard(window, session, draft_id=offer.draft_id)
    elif answer == "discard":
        discard_draft(session.store, offer.draft_id)
        if window.draft_banner.isVisible():
            show_draft_banner(window, session)


def open_catalog(window: MainWindow, session: Session):
    from mocap_desktop.ui.views.catalog_editor import open_catalog_editor

    dialog = open_catalog_editor(session.store, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.catalog_editor = dialog  # type: ignore[attr-defined]
    dialog.open()
    return dialog


def open_request_detail(parent, session: Session, request_id: int, actor: str,
                        today: Callable[[], date] = date.today, changed: Callable[[], None] = lambda: None):
    """A non-modal window with everything about one request and its actions."""
    dialog = RequestDetailDialog(parent)
    presenter = RequestDetailPresenter(
        dialog, session.store, request_id, actor, today,
        decide=lambda rid: run_decision_dialog(dialog, session, rid, actor, today),
        changed=changed, export_folder=session.data_dir.root / "exports")
    dialog.action_requested.connect(presenter.action_requested)
    return present(dialog, presenter, show=dialog.show)  # not modal: beside the queue


def make_decision_dialog(parent, session: Session, request_id: int, actor: str,
                         today: Callable[[], date] = date.today) -> DecisionDialog:
    dialog = DecisionDialog(parent)
    presenter = DecisionPresenter(dialog, session.store, request_id, actor, today)
    dialog.form_changed.connect(presenter.form_changed)
    dialog.save_requested.connect(presenter.save_requested)
    dialog.presenter = presenter  # type: ignore[attr-defined]
    presenter.start()
    return dialog


def run_decision_dialog(parent, session: Session, request_id: int, actor: str,
                        today: Callable[[], date] = date.today) -> bool:
    """The decision dialog, modal; True when a decision was saved."""
    dialog = make_decision_dialog(parent, session, request_id, actor, today)
    saved = dialog.exec() == QDialog.DialogCode.Accepted and dialog.presenter.saved
    if saved and dialog.saved_message and hasattr(parent, "statusBar"):
        parent.statusBar().showMessage(dialog.saved_message, 15_000)
    dialog.deleteLater()
    return saved


class IdleLock(QObject):
    """Locks the window after the district's idle time (setting `lock_minutes`, default 10)
    without keyboard or mouse input."""

    INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel}

    def __init__(self, app: QApplication, session: Session, on_idle: Callable[[], None]):
        super().__init__()
        from mocap_desktop.services.session import lock_minutes

        minutes = lock_minutes(session.store)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.timeout.connect(on_idle)
        self.app = app
        app.installEventFilter(self)
        self.timer.start()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in self.INPUT:
            self.timer.start()
        return False

    def stop(self) -> None:
        self.timer.stop()
        self.app.removeEventFilter(self)


def lock(window: MainWindow, session: Session, switching: list) -> None:
    """Hide everything behind the lock screen until the same person's password is given."""
    from mocap_desktop.ui.presenters.sign_in import LockPresenter
    from mocap_desktop.ui.views.sign_in import LockDialog

    if getattr(window, "locked", False):
        return
    window.locked = True  # type: ignore[attr-defined]
    central = window.centralWidget()
    central.hide()
    window.menuBar().setEnabled(False)
    kept_open = close_dialogs(window)
    dialog = LockDialog(window, session.user.label)
    presenter = LockPresenter(dialog, session)
    dialog.unlock_requested.connect(presenter.unlock_requested)
    dialog.switch_user_requested.connect(lambda: (switching.append(True), dialog.accept(), window.close()))
    dialog.exec()
    window.locked = False  # type: ignore[attr-defined]
    central.show()
    window.menuBar().setEnabled(True)
    if not switching:
        for child in kept_open:
            child.show()


def close_dialogs(window: MainWindow) -> list[QDialog]:
    """Close every window over `window` (the window locks, or the person signs out): message boxes
    first, then the dialogs; the wizard keeps its draft without asking. A dialog that cannot close
    yet (an import finishing its write) is hidden instead and returned, to come back on unlock."""
    from mocap_desktop.ui.views.sign_in import LockDialog

    kept = []
    open_ = [d for d in window.findChildren(QDialog) if d.isVisible() and not isinstance(d, LockDialog)]
    for child in sorted(open_, key=lambda d: not isinstance(d, QMessageBox)):
        getattr(child, "close_keeping_draft", child.reject)()
        if child.isVisible():
            child.hide()
            kept.append(child)
    return kept


def change_password_dialog(window: MainWindow, session: Session) -> None:
    from mocap_desktop.services.session import SessionError, change_password
    from mocap_desktop.ui.views.sign_in import ChangePasswordDialog

    dialog = ChangePasswordDialog(window)

    def change(old: str, new: str, again: str) -> None:
        if new != again:
            dialog.show_error("The two new passwords are not the same.")
            return
        try:
            change_password(session, old, new)
        except SessionError as err:
            dialog.show_error(str(err))
            return
        dialog.accept()
        QMessageBox.information(window, "Password changed", "Your password was changed.")

    dialog.change_requested.connect(change)
    dialog.exec()


def open_people(window: MainWindow, session: Session):
    from mocap_desktop.ui.views.people_dialog import open_people_dialog

    return open_people_dialog(session, window)


def open_audit(window: MainWindow, session: Session):
    from mocap_desktop.ui.views.audit_viewer import open_audit_viewer

    return open_audit_viewer(session, window)
