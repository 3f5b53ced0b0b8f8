"""Screenshots of the sign-in, set-up, recovery-key and lock screens (synthetic accounts only).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_account_screenshots.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from mocap_desktop.paths import DataDir  # noqa: E402
from mocap_desktop.services.session import sign_in  # noqa: E402
from mocap_desktop.ui.presenters.sign_in import LockPresenter, SignInPresenter  # noqa: E402
from mocap_desktop.ui.views.sign_in import LockDialog, SignInDialog  # noqa: E402

OUT = Path(__file__).resolve().parent


def grab(widget, name: str) -> None:
    widget.adjustSize()
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(OUT / name))
    widget.hide()


def main() -> None:
    app = QApplication([])  # noqa: F841
    with tempfile.TemporaryDirectory() as tmp:
        demo = DataDir(Path(tmp) / "demo").ensure()
        dialog = SignInDialog(None, "Demo district (synthetic students)")
        presenter = SignInPresenter(dialog, demo, demo=True)
        presenter.start()
        dialog.login.setText("counselor")
        dialog.password.setText("not it")
        dialog.sign_in_requested.connect(presenter.sign_in_requested)
        presenter.sign_in_requested("counselor", "not it")
        dialog.login.setText("counselor")
        grab(dialog, "sign-in.png")

        office = DataDir(Path(tmp) / "office").ensure()
        setup = SignInDialog(None)
        setup_presenter = SignInPresenter(setup, office, demo=False)
        setup_presenter.start()
        setup.admin_name.setText("Pat Alvarez")
        setup.admin_login.setText("pat")
        grab(setup, "set-up.png")
        setup_presenter.set_up_requested("Pat Alvarez", "pat", "correct horse battery", "correct horse battery")
        grab(setup, "recovery-key.png")

        session = sign_in(demo, "counselor", "demo-counselor", demo=True)
        lock = LockDialog(None, session.user.label)
        LockPresenter(lock, session).unlock_requested("wrong password")
        grab(lock, "lock.png")
        session.close()


if __name__ == "__main__":
    main()
