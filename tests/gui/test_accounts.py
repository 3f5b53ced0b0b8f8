"""The window each role gets, the sign-in dialog by keyboard, and the idle lock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog

from mocap_desktop.app import IdleLock, build_main_window, lock
from mocap_desktop.services.session import sign_in
from mocap_desktop.ui.presenters.sign_in import SignInPresenter
from mocap_desktop.ui.views.sign_in import ChangePasswordDialog, LockDialog, SignInDialog


@pytest.mark.parametrize("login, areas, hidden", [
    ("admin", ["Student lookup", "Print center", "Dashboard"], ["New MOCAP request…"]),
    ("counselor", ["Student lookup", "Review queue", "Print center", "Dashboard"],
     ["People and roles…", "Audit trail…"]),
    ("principal", ["Student lookup", "Review queue", "Print center", "Dashboard"],
     ["New MOCAP request…", "Import roster…"]),
    ("frontdesk", ["Print center"], ["Import roster…", "New MOCAP request…", "Back up database…"]),
])
def test_each_role_sees_only_its_areas_and_commands(qtbot, demo_data_dir, login, areas, hidden):
    session = sign_in(demo_data_dir, login, f"demo-{login}", demo=True)
    window = build_main_window(session)
    qtbot.addWidget(window)
    assert [window.nav.item(i).text().split(" ⚠")[0] for i in range(window.nav.count())] == areas
    visible = {a.text().replace("&", "") for m in window.menuBar().actions() for a in m.menu().actions()
               if a.isVisible()}
    assert not visible & set(hidden)
    assert session.user.name in window.status_label.full_text()
    session.close()


def test_sign_in_by_keyboard(qtbot, demo_data_dir):
    dialog = SignInDialog(None)
    qtbot.addWidget(dialog)
    presenter = SignInPresenter(dialog, demo_data_dir, demo=True)
    dialog.sign_in_requested.connect(presenter.sign_in_requested)
    presenter.start()
    dialog.show()
    qtbot.keyClicks(dialog.login, "frontdesk")
    qtbot.keyClick(dialog.login, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), "demo-frontdesk")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.session.user.role == "front_desk"
    dialog.session.close()
    for widget in (dialog.login, dialog.password, dialog.admin_name, dialog.recovery_input):
        assert widget.accessibleName()


def test_idle_time_locks_the_window_until_the_password(qtbot, qapp, demo_data_dir):
    session = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    session.store.set_setting("lock_minutes", "0.001")  # 60 ms
    window = build_main_window(session)
    qtbot.addWidget(window)
    window.show()
    seen = []

    def answer_the_lock_screen():  # runs inside the lock screen's own event loop
        dialogs = [w for w in qapp.topLevelWidgets() if isinstance(w, LockDialog) and w.isVisible()]
        if dialogs and not seen:
            seen.append(window.centralWidget().isVisible())
            dialogs[0].unlock_requested.emit("wrong")
            seen.append(dialogs[0].error.text())
            dialogs[0].unlock_requested.emit("demo-counselor")

    poll = QTimer()
    poll.timeout.connect(answer_the_lock_screen)
    poll.start(20)
    idle = IdleLock(qapp, session, lambda: lock(window, session, []))
    qtbot.waitUntil(lambda: len(seen) == 2 and not getattr(window, "locked", True), timeout=5000)
    poll.stop()
    idle.stop()
    assert seen[0] is False  # the records were hidden while locked
    assert seen[1] == "That password is not right."
    assert window.centralWidget().isVisible()
    session.close()


@pytest.mark.parametrize("make", [lambda: LockDialog(None, "Dana Whitfield (Counselor)"),
                                  lambda: SignInDialog(None, "Demo district"), lambda: ChangePasswordDialog(None)])
def test_a_message_that_appears_later_is_not_cut_off_at_the_bottom(qtbot, make):
    dialog = make()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.height()
    dialog.show_error("That password is not right. Check that Caps Lock is off and try again, or switch user.")
    layout = dialog.layout()
    assert dialog.height() > before
    assert dialog.height() >= layout.totalHeightForWidth(dialog.width())
    assert dialog.error.geometry().bottom() < dialog.height()
