"""Who may do what. Enforced where data is read and written: every service and store function
that touches student data calls `require(store, capability)` with the store the signed-in
person's session opened, so a hidden button is never the only guard.

Roles (issue 8):
- administrator: district profile, letterhead, calendar, policy, people, imports, backups, audit
- counselor: lookup, the wizard, notes and status moves, letters for requests, tracked
  enrollments with the provider and their outcomes
- decider (principal, designee, superintendent; IEP and 504 teams record through one):
  decisions and appeals, reading what they decide on, tracked enrollments
- front_desk: the print center only (recipient, address, letter kind, student name)
The board's figures and the dashboard (counts only, no student named) are for the administrator,
counselors and deciders; the Core Data worksheet, invoices and the attendance claim name students
and need ENROLLMENTS_RECORD (issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("administrator", "counselor", "decider", "front_desk")
ROLE_LABELS = {"administrator": "Administrator", "counselor": "Counselor",
               "decider": "Principal or designee", "front_desk": "Front desk"}

# Capabilities, each the smallest thing a screen or command needs.
STUDENTS_READ = "students.read"          # lookup, student detail (demographics, flags, history)
REQUESTS_READ = "requests.read"          # queue, request detail, findings, explanations, waiver
REQUESTS_CREATE = "requests.create"      # the wizard, drafts
REQUESTS_UPDATE = "requests.update"      # status moves, full-time track, withdraw
REQUESTS_DECIDE = "requests.decide"      # decisions
APPEALS_RECORD = "appeals.record"        # appeals and their outcomes
LETTERS_PRINT = "letters.print"          # the print queue: recipient, address, kind, student name
LETTERS_MAKE = "letters.make"            # render and queue letters, annual notice
ROSTER_IMPORT = "roster.import"          # roster and catalog imports, catalog edits
DISTRICT_EDIT = "district.edit"          # district profile, letterhead, calendar, policy
PEOPLE_MANAGE = "people.manage"          # accounts
BACKUP = "backup"                        # backups and exports of the whole database
AUDIT_READ = "audit.read"                # the audit trail and disclosure reports
ENROLLMENTS_RECORD = "enrollments.record"  # tracked courses: the provider's enrollment, outcomes
REPORTS_READ = "reports.read"            # the board's figures and dashboard: counts only, no student named

# The administrator prints but does not make or open whole letters: a decision letter carries the
# denial's reasons and explanation, case detail the administrator does not read (issue 8).
PERMISSIONS: dict[str, frozenset[str]] = {
    "administrator": frozenset({STUDENTS_READ, LETTERS_PRINT, ROSTER_IMPORT,
                                DISTRICT_EDIT, PEOPLE_MANAGE, BACKUP, AUDIT_READ, REPORTS_READ}),
    "counselor": frozenset({STUDENTS_READ, REQUESTS_READ, REQUESTS_CREATE, REQUESTS_UPDATE,
                            LETTERS_PRINT, LETTERS_MAKE, ENROLLMENTS_RECORD, REPORTS_READ}),
    "decider": frozenset({STUDENTS_READ, REQUESTS_READ, REQUESTS_UPDATE, REQUESTS_DECIDE,
                          APPEALS_RECORD, LETTERS_PRINT, LETTERS_MAKE, ENROLLMENTS_RECORD, REPORTS_READ}),
    "front_desk": frozenset({LETTERS_PRINT}),
}
ALL = frozenset().union(*PERMISSIONS.values())

# How each role appears in the request lifecycle (core/lifecycle.py).
LIFECYCLE_ROLE = {"administrator": "administrator", "counselor": "counselor",
                  "decider": "decider", "system": "decider"}


class AccessDenied(PermissionError):
    """The signed-in person's role does not allow this; the message says what is needed."""


@dataclass(frozen=True)
class User:
    login: str
    name: str
    role: str
    title: str = ""
    buildings: tuple[str, ...] = ()  # the buildings whose requests they see; () = every building

    def sees_building(self, code: str | None) -> bool:
        return not self.buildings or code in self.buildings

    @property
    def capabilities(self) -> frozenset[str]:
        return ALL if self.role == "system" else PERMISSIONS.get(self.role, frozenset())

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def label(self) -> str:
        return f"{self.name} ({ROLE_LABELS.get(self.role, self.role)})"


# The store's user before anyone signs in: set-up, migrations, the demo seed and tests.
SYSTEM = User("system", "MOCAP Desktop", "system")


def user_of(store) -> User:
    return getattr(store, "user", None) or SYSTEM


def require_building(store, code: str | None) -> None:
    """AccessDenied unless the signed-in person's buildings include `code` (a student's)."""
    user = user_of(store)
    if not user.sees_building(code):
        raise AccessDenied(f"Your account is limited to building{'s' if len(user.buildings) > 1 else ''} "
                           f"{', '.join(user.buildings)}: this request is another building's.")


def require(store, capability: str) -> User:
    """The signed-in user if their role has `capability`, else `AccessDenied`."""
    user = user_of(store)
    if not user.can(capability):
        raise AccessDenied(f"{ROLE_LABELS.get(user.role, user.role)} accounts cannot do this "
                           f"({capability.replace('.', ' ')}).")
    return user
