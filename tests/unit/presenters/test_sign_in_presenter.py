"""Sign-in, set-up, recovery and lock presenters with fake views (no Qt)."""

from __future__ import annotations

from mocap_desktop.services.session import sign_in
from mocap_desktop.ui.presenters.sign_in import LockPresenter, SignInPresenter


class FakeView:
    def __init__(self):
        self.calls, self.session = [], None

    def show_sign_in(self, hint):
        self.calls.append(("sign_in", hint))

    def show_set_up(self):
        self.calls.append(("set_up",))

    def show_recovery_key(self, key):
        self.calls.append(("recovery", key))

    def show_error(self, text):
        self.calls.append(("error", text))

    def signed_in(self, session):
        self.session = session

    def unlocked(self):
        self.calls.append(("unlocked",))


def test_a_new_computer_asks_for_the_first_administrator_and_shows_the_key_once(data_dir):
    view = FakeView()
    presenter = SignInPresenter(view, data_dir, demo=False)
    presenter.start()
    assert view.calls == [("set_up",)]
    presenter.set_up_requested("Pat Alvarez", "pat", "long password", "long passwrd")
    assert view.calls[-1] == ("error", "The two passwords are not the same.")
    presenter.set_up_requested("Pat Alvarez", "pat", "short", "short")
    assert "at least 8" in view.calls[-1][1] and view.session is None
    presenter.set_up_requested("Pat Alvarez", "pat", "long password", "long password")
    kind, key = view.calls[-1]
    assert kind == "recovery" and len(key) == 29 and view.session is None  # not until noted
    presenter.recovery_key_noted()
    assert view.session.user.role == "administrator" and view.session.user.name == "Pat Alvarez"
    view.session.close()

    again = FakeView()
    SignInPresenter(again, data_dir, demo=False).start()
    assert again.calls == [("sign_in", "")]


def test_wrong_password_is_an_inline_error_and_the_right_one_signs_in(demo_data_dir):
    view = FakeView()
    presenter = SignInPresenter(view, demo_data_dir, demo=True)
    presenter.start()
    assert "frontdesk / demo-frontdesk" in view.calls[0][1]
    presenter.sign_in_requested("counselor", "nope")
    assert view.calls[-1] == ("error", "The name or password is not right.") and view.session is None
    presenter.sign_in_requested("", "")
    assert view.calls[-1] == ("error", "Enter your sign-in name and password.")
    presenter.sign_in_requested("counselor", "demo-counselor")
    assert view.session.user.role == "counselor"
    view.session.close()


def test_recovery_key_resets_the_administrators_password(data_dir):
    view = FakeView()
    presenter = SignInPresenter(view, data_dir, demo=False)
    presenter.set_up_requested("Pat", "pat", "first password", "first password")
    recovery = view.calls[-1][1]
    presenter.recovery_key_noted()
    view.session.close()

    reset = FakeView()
    presenter = SignInPresenter(reset, data_dir, demo=False)
    presenter.reset_requested("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", "pat", "new password!", "new password!")
    assert reset.calls[-1] == ("error", "That recovery key does not open this database.")
    presenter.reset_requested(recovery.lower(), "pat", "new password!", "new password!")
    assert reset.session.user.login == "pat"
    actions = [r["action"] for r in reset.session.store.query("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-1] == "password_reset_with_recovery_key"
    reset.session.close()


def test_lock_opens_only_with_the_same_persons_password(demo_data_dir):
    session = sign_in(demo_data_dir, "principal", "demo-principal", demo=True)
    view = FakeView()
    lock = LockPresenter(view, session)
    lock.unlock_requested("demo-counselor")  # another person's password does not open it
    assert view.calls[-1] == ("error", "That password is not right.")
    lock.unlock_requested("demo-principal")
    assert view.calls[-1] == ("unlocked",)
    session.close()
