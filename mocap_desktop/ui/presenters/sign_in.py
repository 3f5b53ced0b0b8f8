"""Signing in, first-time set-up, a forgotten password, and the lock screen."""

from __future__ import annotations

from typing import Protocol

from mocap_desktop.core.access import ROLE_LABELS
from mocap_desktop.paths import DataDir
from mocap_desktop.services import session as sessions
from mocap_desktop.store import StoreError


class SignInView(Protocol):
    def show_sign_in(self, hint: str) -> None: ...
    def show_set_up(self) -> None: ...
    def show_recovery_key(self, recovery_key: str) -> None: ...
    def show_error(self, text: str) -> None: ...
    def signed_in(self, session: sessions.Session) -> None: ...


def demo_hint() -> str:
    people = ", ".join(f"{login} / {password} ({ROLE_LABELS[role].lower()})"
                       for login, _name, role, _title, password in sessions.DEMO_PEOPLE)
    return f"Demo district accounts (name / password): {people}."


class SignInPresenter:
    def __init__(self, view: SignInView, data_dir: DataDir, demo: bool):
        self.view = view
        self.data_dir = data_dir
        self.demo = demo
        self._pending: sessions.Session | None = None

    def start(self) -> None:
        if self.demo or sessions.database_exists(self.data_dir, self.demo):
            self.view.show_sign_in(demo_hint() if self.demo else "")
        else:
            self.view.show_set_up()

    def sign_in_requested(self, login: str, password: str) -> None:
        if not login.strip() or not password:
            self.view.show_error("Enter your sign-in name and password.")
            return
        self._finish(lambda: sessions.sign_in(self.data_dir, login, password, self.demo))

    def set_up_requested(self, name: str, login: str, password: str, again: str) -> None:
        if password != again:
            self.view.show_error("The two passwords are not the same.")
            return

        def set_up():
            session, recovery = sessions.set_up(self.data_dir, login, name, password, self.demo)
            self._pending = session
            self.view.show_recovery_key(recovery)
            return None

        self._finish(set_up)

    def recovery_key_noted(self) -> None:
        """The administrator has written the recovery key down: go on, signed in."""
        if self._pending is not None:
            session, self._pending = self._pending, None
            self.view.signed_in(session)

    def reset_requested(self, recovery_key: str, login: str, password: str, again: str) -> None:
        if password != again:
            self.view.show_error("The two passwords are not the same.")
            return
        self._finish(lambda: sessions.reset_password(self.data_dir, recovery_key, login, password, self.demo))

    def _finish(self, attempt) -> None:
        try:
            session = attempt()
        except sessions.NeedsSetUp:
            self.view.show_set_up()
            return
        except (sessions.SessionError, StoreError) as err:
            self.view.show_error(str(err))
            return
        if session is not None:
            self.view.signed_in(session)


class LockView(Protocol):
    def show_error(self, text: str) -> None: ...
    def unlocked(self) -> None: ...


class LockPresenter:
    """The idle lock: only the signed-in person's password opens the window again."""

    def __init__(self, view: LockView, session: sessions.Session):
        self.view = view
        self.session = session

    def unlock_requested(self, password: str) -> None:
        if sessions.verify_password(self.session, password):
            self.view.unlocked()
        else:
            wait = self.session.keyring.delay_for(self.session.user.login)
            self.view.show_error(f"Too many failed tries. Wait {wait:.0f} seconds." if wait
                                 else "That password is not right.")
