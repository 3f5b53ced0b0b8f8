"""The people presenter with a fake view (no Qt) over a real encrypted demo copy: the list, adding,
removing and changing a password, with every refusal shown inline."""

from __future__ import annotations

import pytest

from mocap_desktop.core.access import User
from mocap_desktop.services.session import SessionError, sign_in
from mocap_desktop.ui.presenters.people import NewPerson, PeoplePresenter


class FakePeopleView:
    def __init__(self, confirm: bool = True):
        self.answer = confirm
        self.roles = []
        self.titles: list[str] = []
        self.people = []
        self.signed_in = ""
        self.manage: tuple[bool, str] | None = None
        self.errors = {"list": "", "add": "", "password": ""}
        self.status = ""
        self.asked: list[str] = []
        self.cleared: list[str] = []

    def show_roles(self, roles): self.roles = roles
    def show_title_suggestions(self, titles): self.titles = titles
    def show_people(self, lines): self.people = lines
    def show_signed_in_as(self, text): self.signed_in = text
    def set_manage_enabled(self, enabled, note): self.manage = (enabled, note)
    def show_list_error(self, text): self.errors["list"] = text
    def show_add_error(self, text): self.errors["add"] = text
    def show_password_error(self, text): self.errors["password"] = text
    def show_status(self, text): self.status = text
    def clear_add_form(self): self.cleared.append("add")
    def clear_password_form(self): self.cleared.append("password")

    def confirm(self, title, text, action):
        self.asked.append(text)
        return self.answer

    def ask_buildings(self, title, text, current):
        self.asked.append(text)
        return self.buildings_answer

    def show_lock_minutes(self, minutes, editable):
        self.lock = (minutes, editable)


def started(session, **kw) -> tuple[PeoplePresenter, FakePeopleView]:
    view = FakePeopleView(**kw)
    presenter = PeoplePresenter(view, session)
    presenter.start()
    return presenter, view


@pytest.fixture
def admin(demo_data_dir):
    session = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    yield session
    session.close(sign_out=False)


def person(**changes) -> NewPerson:
    values = dict(name="Ana Ruiz", login="aruiz", role="decider", title="designee",
                  password="designee-2026", password_again="designee-2026")
    values.update(changes)
    return NewPerson(**values)


def test_the_administrator_sees_everyone_with_role_labels_and_cannot_remove_themself(admin):
    _, view = started(admin)
    assert view.manage == (True, "")
    assert [r.value for r in view.roles] == ["administrator", "counselor", "decider", "front_desk"]
    assert [r.label for r in view.roles][2] == "Principal or designee"
    by_login = {line.login: line for line in view.people}
    assert set(by_login) == {"admin", "counselor", "principal", "frontdesk"}
    assert by_login["principal"].cells == ("Dr. Lena Ortiz", "principal", "Principal or designee", "principal",
                                           "All", "Active")
    assert by_login["admin"].you and not by_login["admin"].can_remove and by_login["admin"].cells[0].endswith("(you)")
    assert by_login["counselor"].can_remove
    assert "Pat Alvarez" in view.signed_in


def test_titles_are_suggested_by_role(admin):
    presenter, view = started(admin)
    presenter.role_changed("decider")
    assert view.titles[:3] == ["principal", "designee", "superintendent"]
    presenter.role_changed("nonsense")
    assert view.titles == []


def test_adding_a_person_lets_them_sign_in_with_their_role(admin, demo_data_dir):
    presenter, view = started(admin)
    presenter.add_requested(person(name="  Ana Ruiz ", login=" aruiz "))
    assert view.errors["add"] == "" and view.cleared == ["add"]
    assert "Ana Ruiz can now sign in as 'aruiz'" in view.status
    [line] = [line for line in view.people if line.login == "aruiz"]
    assert (line.name, line.role_label, line.title, line.active) == ("Ana Ruiz", "Principal or designee",
                                                                     "designee", True)
    other = sign_in(demo_data_dir, "aruiz", "designee-2026", demo=True)
    assert other.user == User("aruiz", "Ana Ruiz", "decider", "designee")
    other.close(sign_out=False)


@pytest.mark.parametrize("changes,message", [
    (dict(password_again="designee-2025"), "The two passwords differ"),
    (dict(password="short", password_again="short"), "at least 8 characters"),
    (dict(name=" "), "Enter the person's name"),
    (dict(login=""), "Enter a sign-in name"),
    (dict(login="ana ruiz"), "no spaces"),
    (dict(role=""), "Choose a role"),
    (dict(login="COUNSELOR"), "already has an account"),  # from the service (sign-in names ignore case)
])
def test_a_refused_person_is_explained_beside_the_form_and_not_added(admin, changes, message):
    presenter, view = started(admin)
    before = list(view.people)
    presenter.add_requested(person(**changes))
    assert message in view.errors["add"]
    assert view.people == before and view.cleared == [] and view.status == ""


def test_removing_asks_first_and_takes_access_away(admin, demo_data_dir):
    presenter, view = started(admin, confirm=False)
    presenter.remove_requested("frontdesk")
    assert "Remove Sam Okafor's access (frontdesk, front desk)?" in view.asked[0]
    assert next(line for line in view.people if line.login == "frontdesk").active
    view.answer = True
    presenter.remove_requested("frontdesk")
    gone = next(line for line in view.people if line.login == "frontdesk")
    assert (gone.active, gone.can_remove, gone.cells[-1]) == (False, False, "Removed")
    assert view.status == "Sam Okafor can no longer sign in."
    with pytest.raises(SessionError, match="no longer active|password"):
        sign_in(demo_data_dir, "frontdesk", "demo-frontdesk", demo=True)
    presenter.remove_requested("frontdesk")
    assert "has no access to remove" in view.errors["list"]


def test_one_cannot_remove_oneself_or_nobody(admin):
    presenter, view = started(admin)
    presenter.remove_requested("admin")
    assert "your own account" in view.errors["list"] and view.asked == []
    presenter.remove_requested("nobody")
    assert "Select a person" in view.errors["list"]


def test_changing_my_password(admin, demo_data_dir):
    presenter, view = started(admin)
    presenter.change_password_requested("", "new-password-1", "new-password-1")
    assert "current password" in view.errors["password"]
    presenter.change_password_requested("demo-admin", "new-password-1", "new-password-2")
    assert "differ" in view.errors["password"]
    presenter.change_password_requested("demo-admin", "short", "short")
    assert "at least 8" in view.errors["password"]
    presenter.change_password_requested("not-my-password", "new-password-1", "new-password-1")
    assert view.errors["password"] and view.cleared == []
    presenter.change_password_requested("demo-admin", "new-password-1", "new-password-1")
    assert view.errors["password"] == "" and view.cleared == ["password"] and "password is changed" in view.status
    sign_in(demo_data_dir, "admin", "new-password-1", demo=True).close(sign_out=False)
    with pytest.raises(SessionError):
        sign_in(demo_data_dir, "admin", "demo-admin", demo=True)


def test_a_counselor_may_change_only_their_own_password(demo_data_dir):
    counselor = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    try:
        presenter, view = started(counselor)
        assert view.manage[0] is False and "Only an administrator" in view.manage[1]
        assert view.people == [] and view.errors["list"] == ""
        presenter.add_requested(person())
        assert "Only an administrator" in view.errors["add"]
        presenter.remove_requested("frontdesk")
        assert view.asked == []
        presenter.change_password_requested("demo-counselor", "counselor-2026", "counselor-2026")
        assert "password is changed" in view.status
    finally:
        counselor.close(sign_out=False)
    sign_in(demo_data_dir, "counselor", "counselor-2026", demo=True).close(sign_out=False)


def test_the_services_refusal_is_shown_when_the_role_changes_underneath(admin):
    presenter, view = started(admin)
    admin.store.user = User("admin", "Pat Alvarez", "counselor")  # what the store enforces wins
    presenter.refresh()
    assert "cannot do this (people manage)" in view.errors["list"]
    presenter.remove_requested("frontdesk")
    assert "cannot do this" in view.errors["list"]
    assert not view.status


def test_the_administrator_sets_the_idle_lock_time_and_it_is_on_record(admin):
    admin_session = admin
    view = FakePeopleView()
    presenter = PeoplePresenter(view, admin_session)
    presenter.start()
    assert view.lock == (10, True)
    presenter.lock_minutes_changed(0)
    assert "between 1 and 240" in view.status
    presenter.lock_minutes_changed(25)
    assert "25 minutes" in view.status
    assert admin_session.store.setting("lock_minutes") == "25"
    entry = admin_session.store.query("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert entry["action"] == "lock_time_changed" and '"after": 25' in entry["detail"]


def test_a_principal_limited_to_one_building_sees_and_opens_only_its_requests(admin, demo_data_dir):
    from mocap_desktop.core.access import AccessDenied
    from mocap_desktop.services import review

    presenter, view = started(admin)
    view.buildings_answer = "9999"
    presenter.buildings_requested("principal")
    assert view.errors["list"].startswith("No building has the code 9999")
    with_requests = {r["code"] for r in admin.store.query(
        "SELECT DISTINCT s.building_code AS code FROM requests r JOIN students s ON s.id = r.student_id")}
    middle = next(r["code"] for r in admin.store.query("SELECT code FROM buildings ORDER BY code")
                  if r["code"] not in with_requests)
    view.buildings_answer = f" {middle} ,"
    presenter.buildings_requested("principal")
    assert view.errors["list"] == ""
    assert view.status.endswith(f"building {middle}. This applies from their next sign-in.")
    assert {line.login: line for line in view.people}["principal"].cells[4] == middle

    every = [r["id"] for r in admin.store.query("SELECT id FROM requests")]
    principal = sign_in(demo_data_dir, "principal", "demo-principal", demo=True)
    try:
        assert principal.user.buildings == (middle,)
        assert review.queue_ids(principal.store, review.QueueFilter(status=review.ALL)).ids == []
        with pytest.raises(AccessDenied, match=f"limited to building {middle}: this request is another"):
            review.request_detail(principal.store, every[0])
    finally:
        principal.close(sign_out=False)
    view.buildings_answer = ", ".join(sorted(with_requests | {middle}))
    presenter.buildings_requested("principal")
    principal = sign_in(demo_data_dir, "principal", "demo-principal", demo=True)
    try:
        assert sorted(review.queue_ids(principal.store, review.QueueFilter(status=review.ALL)).ids) == sorted(every)
        review.request_detail(principal.store, every[0])
    finally:
        principal.close(sign_out=False)
    view.buildings_answer = ""
    presenter.buildings_requested("principal")
    assert view.status.endswith("every building. This applies from their next sign-in.")
