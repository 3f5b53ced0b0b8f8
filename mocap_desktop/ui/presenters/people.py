"""People who may sign in: the administrator's list, adding a person with a role, removing one's
access, and changing one's own password (anyone may do that).

The checks that matter run in `services.session` (PEOPLE_MANAGE, password length, the key
file); this presenter adds the screen's wording: the second password entry, the confirmation,
and messages shown inline beside the form they concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from mocap_desktop.core.access import PEOPLE_MANAGE, ROLE_LABELS, ROLES, AccessDenied
from mocap_desktop.services import session as sessions
from mocap_desktop.services.session import Session, SessionError
from mocap_desktop.store import StoreError

TITLE_SUGGESTIONS = {
    "decider": ("principal", "designee", "superintendent", "assistant principal"),
    "counselor": ("counselor", "Director of Counseling"),
    "administrator": ("District data administrator",),
    "front_desk": ("Front office",),
}
COLUMNS = ("Name", "Sign-in name", "Role", "Title", "Buildings", "Status")


@dataclass(frozen=True)
class RoleChoice:
    value: str
    label: str


@dataclass(frozen=True)
class PersonLine:
    login: str
    name: str
    role: str
    role_label: str
    title: str
    active: bool
    can_remove: bool
    you: bool = False
    buildings: str = ""  # "3000, 4000"; "" = every building

    @property
    def cells(self) -> tuple[str, ...]:
        status = "Active" if self.active else "Removed"
        return (self.name + (" (you)" if self.you else ""), self.login, self.role_label, self.title or "—",
                self.buildings or "All", status)

    @property
    def accessible(self) -> str:
        return ", ".join(f"{label} {value}" for label, value in zip(COLUMNS, self.cells))


@dataclass(frozen=True)
class NewPerson:
    name: str
    login: str
    role: str
    title: str
    password: str
    password_again: str


class PeopleView(Protocol):
    def show_roles(self, roles: list[RoleChoice]) -> None: ...
    def show_title_suggestions(self, titles: list[str]) -> None: ...
    def show_people(self, lines: list[PersonLine]) -> None: ...
    def show_signed_in_as(self, text: str) -> None: ...
    def set_manage_enabled(self, enabled: bool, note: str) -> None:
        """Whether the list, add and remove are offered; `note` says why not."""
    def show_list_error(self, text: str) -> None: ...
    def show_add_error(self, text: str) -> None: ...
    def show_password_error(self, text: str) -> None: ...
    def show_status(self, text: str) -> None: ...
    def confirm(self, title: str, text: str, action: str) -> bool: ...
    def ask_buildings(self, title: str, text: str, current: str) -> str | None: ...
    def clear_add_form(self) -> None: ...
    def clear_password_form(self) -> None: ...
    def show_lock_minutes(self, minutes: int, editable: bool) -> None: ...


class PeoplePresenter:
    def __init__(self, view: PeopleView, session: Session):
        self.view = view
        self.session = session
        self.lines: list[PersonLine] = []

    @property
    def can_manage(self) -> bool:
        return self.session.user.can(PEOPLE_MANAGE)

    # --- intent from the view ------------------------------------------------------------------
    def start(self) -> None:
        user = self.session.user
        self.view.show_signed_in_as(f"Signed in as {user.name} ({user.login}), "
                                    f"{ROLE_LABELS.get(user.role, user.role).lower()}")
        self.view.show_roles([RoleChoice(r, ROLE_LABELS[r]) for r in ROLES])
        self.role_changed(ROLES[1])
        if self.can_manage:
            self.view.set_manage_enabled(True, "")
        else:
            self.view.set_manage_enabled(False, "Only an administrator adds or removes people. "
                                                "You can change your own password below.")
        self.view.show_lock_minutes(int(sessions.lock_minutes(self.session.store)), self.can_manage)
        self.refresh()

    def lock_minutes_changed(self, minutes: int) -> None:
        try:
            sessions.set_lock_minutes(self.session, minutes)
        except (AccessDenied, SessionError, StoreError) as err:
            self.view.show_status(str(err))
            return
        self.view.show_status(f"The screen now locks after {minutes} minute{'' if minutes == 1 else 's'} without use "
                              "(from the next sign-in).")

    def refresh(self) -> None:
        if not self.can_manage:
            self.lines = []
            self.view.show_people([])
            return
        try:
            rows = sessions.people(self.session)
        except (AccessDenied, SessionError, StoreError) as err:
            self.view.show_list_error(str(err))
            return
        me = self.session.user.login.lower()
        self.lines = [PersonLine(
            r["login"], r["display_name"], r["role"], ROLE_LABELS.get(r["role"], r["role"]), r["title"] or "",
            bool(r["active"]), bool(r["active"]) and r["login"].lower() != me, r["login"].lower() == me,
            ", ".join(sessions.parse_buildings(r["buildings"] or "")))
            for r in rows]
        self.view.show_people(self.lines)
        self.view.show_list_error("")

    def role_changed(self, role: str) -> None:
        self.view.show_title_suggestions(list(TITLE_SUGGESTIONS.get(role, ())))

    def add_requested(self, form: NewPerson) -> None:
        self.view.show_status("")
        problem = self._check_new(form)
        if problem:
            self.view.show_add_error(problem)
            return
        try:
            sessions.add_person(self.session, form.login.strip(), form.name.strip(), form.role, form.password,
                                title=form.title.strip())
        except (AccessDenied, SessionError, StoreError) as err:
            self.view.show_add_error(str(err))
            return
        self.view.show_add_error("")
        self.view.clear_add_form()
        self.refresh()
        self.view.show_status(f"{form.name.strip()} can now sign in as '{form.login.strip()}' "
                              f"({ROLE_LABELS.get(form.role, form.role).lower()}).")

    def remove_requested(self, login: str) -> None:
        self.view.show_status("")
        line = next((line for line in self.lines if line.login == login), None)
        if line is None:
            self.view.show_list_error("Select a person in the list first.")
            return
        if line.you:
            self.view.show_list_error("You cannot remove your own account while signed in.")
            return
        if not line.active:
            self.view.show_list_error(f"{line.name} has no access to remove.")
            return
        if not self.view.confirm(
                "Remove access",
                f"Remove {line.name}'s access ({line.login}, {line.role_label.lower()})?\n\n"
                "They will no longer be able to sign in. Their history stays in the audit trail.",
                "Remove access"):
            return
        try:
            sessions.remove_person(self.session, login)
        except (AccessDenied, SessionError, StoreError) as err:
            self.view.show_list_error(str(err))
            return
        self.refresh()
        self.view.show_status(f"{line.name} can no longer sign in.")

    def buildings_requested(self, login: str) -> None:
        """Limit a person to some buildings' requests (a principal), or give them every one."""
        self.view.show_status("")
        line = next((line for line in self.lines if line.login == login), None)
        if line is None:
            self.view.show_list_error("Select a person in the list first.")
            return
        text = self.view.ask_buildings(
            f"Buildings for {line.name}",
            f"The building codes whose requests {line.name} sees and decides, separated by commas "
            "(for example 3000, 4000). Leave it empty for every building.", line.buildings)
        if text is None:
            return
        try:
            codes = sessions.set_buildings(self.session, login, text)
        except (AccessDenied, SessionError, StoreError) as err:
            self.view.show_list_error(str(err))
            return
        self.view.show_list_error("")
        self.refresh()
        self.view.show_status(f"{line.name} now sees the requests of "
                              + (f"building{'s' if len(codes) > 1 else ''} {', '.join(codes)}." if codes
                                 else "every building.") + " This applies from their next sign-in.")

    def change_password_requested(self, old: str, new: str, again: str) -> None:
        self.view.show_status("")
        if not old:
            self.view.show_password_error("Enter your current password.")
            return
        if new != again:
            self.view.show_password_error("The two new passwords differ. Type the same password twice.")
            return
        if new == old:
            self.view.show_password_error("The new password is the same as the current one.")
            return
        try:
            sessions.change_password(self.session, old, new)
        except (SessionError, StoreError) as err:
            self.view.show_password_error(str(err))
            return
        self.view.show_password_error("")
        self.view.clear_password_form()
        self.view.show_status("Your password is changed. Use the new one next time you sign in.")

    # --- checks the service leaves to the screen ------------------------------------------------
    def _check_new(self, form: NewPerson) -> str:
        if not self.can_manage:
            return "Only an administrator can add people."
        if not form.name.strip():
            return "Enter the person's name."
        if not form.login.strip():
            return "Enter a sign-in name (for example their first initial and last name)."
        if any(ch.isspace() for ch in form.login.strip()):
            return "A sign-in name has no spaces."
        if form.role not in ROLES:
            return "Choose a role."
        if form.password != form.password_again:
            return "The two passwords differ. Type the same password twice."
        try:
            sessions.check_password(form.password)
        except SessionError as err:
            return str(err)
        return ""
