"""Signing in to an encrypted database in its data folder: what the app and every CLI command
that touches student data start from.

The office database is created by `set_up` (the first administrator and a recovery key printed
once); after that `sign_in` unlocks it with a person's password. The demo database is set up on
first use with one person per role (see DEMO_PEOPLE, also in README.md).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mocap_desktop.core.access import ROLE_LABELS, ROLES, SYSTEM, AccessDenied, User, require, PEOPLE_MANAGE
from mocap_desktop.paths import DataDir
from mocap_desktop.store import Store, StoreError, open_store
from mocap_desktop.store.errors import DiskFullError, ReadOnlyDatabaseError
from mocap_desktop.store import audit, trail
from mocap_desktop.store.db import keyring_path, open_read_only
from mocap_desktop.store.keys import (
    Keyring,
    KeyringError,
    WrongPassword,
    new_database_key,
    new_recovery_key,
)

log = logging.getLogger(__name__)

# login, name, role, title, password — synthetic accounts of the demo district only.
DEMO_PEOPLE = (
    ("admin", "Pat Alvarez", "administrator", "District data administrator", "demo-admin"),
    ("counselor", "Dana Whitfield", "counselor", "Director of Counseling", "demo-counselor"),
    ("principal", "Dr. Lena Ortiz", "decider", "principal", "demo-principal"),
    ("frontdesk", "Sam Okafor", "front_desk", "Front office", "demo-frontdesk"),
)
MIN_PASSWORD = 8


class NeedsSetUp(Exception):
    """No database and no key file yet: the first administrator must be created."""


class SessionError(Exception):
    """Signing in or managing people failed; the message is for the user."""


@dataclass
class Session:
    data_dir: DataDir
    store: Store
    demo: bool
    user: User = SYSTEM
    keyring: Keyring | None = field(default=None, repr=False)
    _key: bytes | None = field(default=None, repr=False)
    on_sign_out_not_recorded: Callable[[StoreError], None] | None = field(default=None, repr=False)

    def close(self, sign_out: bool = True) -> None:
        """Record the sign-out and close. A sign-out that cannot be written (a full disk) loses
        nothing else: what was saved stays saved, and `on_sign_out_not_recorded` hears why.
        Read-only, the sign-out joins the entries waiting in the key file for the next sign-in."""
        try:
            if sign_out and self.user is not SYSTEM:
                if self.store.read_only_reason:
                    audit.defer(self.store, self.user.login, self.user.role, "sign_out")
                else:
                    with self.store.transaction() as db:
                        audit.record(db, self.user.login, self.user.role, "sign_out")
        except StoreError as err:
            log.warning("Sign-out not recorded: %s", type(err).__name__)
            if self.on_sign_out_not_recorded is not None:
                self.on_sign_out_not_recorded(err)
        finally:
            self._keep_deferred()
            self.store.close()

    def _keep_deferred(self) -> None:
        if not (self.store.deferred and self.keyring):
            return
        try:
            self.keyring.keep_waiting(self.store.deferred)
            self.store.deferred = []
        except OSError as err:  # the key file is on the full disk too
            log.warning("%d audit entries could not be kept for later: %s", len(self.store.deferred),
                        type(err).__name__)

    def retry_writable(self) -> bool:
        """While read-only: try the database for writing again. When it can be written (space
        came back), what waited is recorded — failed sign-ins, the read-only sign-in, backups —
        and the session goes on writable. True when the database can be written."""
        if not self.store.read_only_reason:
            return True
        try:
            store = open_store(self.store.path, key=self._key, backups=self.data_dir.backups)
        except StoreError:
            return False
        try:
            _catch_up(store, self.keyring, self.store.deferred)
        except (DiskFullError, ReadOnlyDatabaseError):
            store.close()
            return False
        self.store.deferred = []
        self.store.take_over(store)
        log.info("The database can be written again")
        return True


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def database_exists(data_dir: DataDir, demo: bool = False) -> bool:
    return keyring_path(data_dir.database(demo)).exists()


def _open(data_dir: DataDir, demo: bool, key: bytes, ring: Keyring, user: User) -> Session:
    store = open_store(data_dir.database(demo), key=key, backups=data_dir.backups)
    store.user = user
    return Session(data_dir, store, demo, user, ring, key)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise SessionError(f"Choose a password of at least {MIN_PASSWORD} characters.")


def set_up(data_dir: DataDir, login: str, name: str, password: str, demo: bool = False,
           check: bool = True) -> tuple[Session, str]:
    """Create the encrypted database with its first administrator. Returns the signed-in
    session and the recovery key, which is shown once and never stored in the clear."""
    data_dir.ensure()
    path = data_dir.database(demo)
    if keyring_path(path).exists():
        raise SessionError(f"{path} is already set up; sign in instead.")
    if check:
        check_password(password)
    login = login.strip()
    if not login or not name.strip():
        raise SessionError("Enter the administrator's name and a sign-in name.")
    key, recovery = new_database_key(), new_recovery_key()
    _encrypt_or_replace(path, key, demo)
    ring = Keyring(keyring_path(path))
    ring.add(login, password, key)
    ring.set_recovery(recovery, key)
    user = User(login, name.strip(), "administrator")
    session = _open(data_dir, demo, key, ring, user)
    try:
        with session.store.transaction() as db:
            db["people"].insert({"login": login, "display_name": user.name, "role": user.role,
                                 "title": "", "active": 1, "created_at": _now(), "updated_at": _now()})
            audit.record(db, login, user.role, "set_up", detail={"database": path.name})
        ring.save()
    except BaseException:
        session.store.close()
        raise
    log.info("Database set up with its first administrator")
    return session, recovery


def _encrypt_or_replace(path: Path, key: bytes, demo: bool) -> None:
    """An unencrypted database left by an earlier version is encrypted in place (the demo
    one is simply made anew)."""
    if not path.exists():
        return
    if demo:
        path.unlink()
        return
    from mocap_desktop.store.db import encrypt_copy

    encrypted = path.with_name(path.name + ".encrypting")
    encrypt_copy(path, encrypted, key)
    shutil.move(encrypted, path)


UNKNOWN_NAME = "(no account)"  # who a failed sign-in under a name that is no account's is by


def sign_in(data_dir: DataDir, login: str, password: str, demo: bool = False) -> Session:
    """Unlock the database with a person's password; refused for a wrong password, an unknown
    or deactivated person, with the next try slowed after five failures in a row."""
    path = data_dir.database(demo)
    if demo and not keyring_path(path).exists():
        ensure_demo(data_dir)
    try:
        ring = Keyring.load(keyring_path(path))
    except FileNotFoundError:
        raise NeedsSetUp(f"{path} has not been set up yet.") from None
    except KeyringError as err:
        raise SessionError(str(err)) from None
    try:
        key = ring.unlock(login.strip(), password)
    except WrongPassword as err:
        log.warning("Failed sign-in")
        raise SessionError(str(err)) from None
    try:
        store = open_store(path, key=key, backups=data_dir.backups)
    except (DiskFullError, ReadOnlyDatabaseError) as err:
        return _sign_in_read_only(data_dir, demo, path, key, ring, login, err)
    user = store.user = _active_user(store, login)
    try:
        _catch_up(store, ring, [{"at": _now(), "actor": user.login, "role": user.role, "action": "sign_in"}])
    except (DiskFullError, ReadOnlyDatabaseError) as err:
        store.close()
        return _sign_in_read_only(data_dir, demo, path, key, ring, login, err)
    log.info("Signed in (%s)", user.role)
    _adopt_letter_files(store)
    return Session(data_dir, store, demo, user, ring, key)


def _catch_up(store: Store, ring: Keyring | None, entries: list[dict]) -> None:
    """Record, in one transaction, what the key file kept for the audit trail (failed sign-ins,
    entries of read-only sessions), then `entries`; then drop from the key file what is recorded."""
    refused = ring.refused_sign_ins() if ring else []
    waiting = list(ring.waiting) if ring else []
    with store.transaction() as db:
        for login_tried, at in refused:
            audit.record(db, login_tried or UNKNOWN_NAME, "", "sign_in_failed",
                         at=datetime.fromtimestamp(at).isoformat(timespec="seconds"),
                         detail={"reason": "wrong password" if login_tried else "no account has the name typed"})
        audit.record_deferred(db, [*waiting, *entries])
    if ring is None:
        return
    try:
        ring.forget_refused(len(refused))
        ring.forget_waiting(len(waiting))
    except OSError as err:  # recorded already; the key file cannot be written now
        log.warning("The key file could not be updated after sign-in: %s", type(err).__name__)


def _active_user(store: Store, login: str) -> User:
    row = store.query("SELECT * FROM people WHERE login = ?", (login.strip(),))
    if not row or not row[0]["active"]:
        store.close()
        raise SessionError("This account is no longer active. Ask the administrator.")
    return User(row[0]["login"], row[0]["display_name"], row[0]["role"], row[0]["title"],
                parse_buildings(row[0].get("buildings") or ""))


def parse_buildings(text: str) -> tuple[str, ...]:
    """"4000, 3000" → ("3000", "4000"); "" → () (every building)."""
    return tuple(sorted({code.strip() for code in text.replace(";", ",").split(",") if code.strip()}))


def set_buildings(session: Session, login: str, text: str) -> tuple[str, ...]:
    """Limit a person to some buildings' requests ("" gives them every building again)."""
    require(session.store, PEOPLE_MANAGE)
    codes = parse_buildings(text)
    known = {r["code"] for r in session.store.query("SELECT code FROM buildings")}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise SessionError(f"No building has the code {', '.join(unknown)}: the district profile lists "
                           f"{', '.join(sorted(known)) or 'no buildings yet'}.")
    if not session.store.query("SELECT 1 FROM people WHERE login = ?", (login,)):
        raise SessionError(f"'{login}' has no account.")
    with session.store.transaction() as db:
        db.execute("UPDATE people SET buildings = ?, updated_at = ? WHERE login = ?", [",".join(codes), _now(), login])
        audit.record(db, session.user.login, session.user.role, "person_buildings_set",
                     detail={"login": login, "buildings": list(codes) or "all"})
    return codes


def _sign_in_read_only(data_dir: DataDir, demo: bool, path: Path, key: bytes, ring: Keyring, login: str,
                       err: StoreError) -> Session:
    """The database opened for reading when it cannot be written (a full disk, a read-only file)."""
    reason = (f"the disk holding {path} is full" if isinstance(err, DiskFullError)
              else f"{path} cannot be written (a read-only file or folder)")
    store = open_read_only(path, reason, key=key)
    user = store.user = _active_user(store, login)
    audit.defer(store, user.login, user.role, "sign_in", {"read_only": reason})
    log.warning("Signed in read-only (%s): %s", user.role, type(err).__name__)
    return Session(data_dir, store, demo, user, ring, key)


def _adopt_letter_files(store: Store) -> None:
    """Move letter PDFs an older version kept as plain files into the encrypted database."""
    if not (store.path.parent / "letters").is_dir():
        return  # nothing to move, and no need to load the letter renderer for it
    from mocap_desktop.services.letters import adopt_letter_files

    try:
        adopt_letter_files(store)
    except Exception as exc:  # noqa: BLE001 - never stop a sign-in; reading a letter tries again
        log.warning("Letter files were not moved into the database: %s", exc)


def reset_password(data_dir: DataDir, recovery_key: str, login: str, new_password: str,
                   demo: bool = False) -> Session:
    """A forgotten password: the recovery key printed at set-up lets the person choose a new
    one, and signs them in."""
    check_password(new_password)
    path = data_dir.database(demo)
    try:
        ring = Keyring.load(keyring_path(path))
        ring.reset_with_recovery(recovery_key, login.strip(), new_password)
    except FileNotFoundError:
        raise NeedsSetUp(f"{path} has not been set up yet.") from None
    except KeyringError as err:
        raise SessionError("That recovery key does not open this database." if isinstance(err, WrongPassword)
                           else str(err)) from None
    ring.save()
    session = sign_in(data_dir, login, new_password, demo)
    with session.store.transaction() as db:
        audit.record(db, session.user.login, session.user.role, "password_reset_with_recovery_key")
    return session


def add_person(session: Session, login: str, name: str, role: str, password: str,
               title: str = "") -> None:
    require(session.store, PEOPLE_MANAGE)
    if role not in ROLES:
        raise SessionError(f"'{role}' is not a role: choose one of {', '.join(ROLES)}.")
    check_password(password)
    login = login.strip()
    if not login or not name.strip():
        raise SessionError("Enter the person's name and a sign-in name.")
    on_record = session.store.query("SELECT login, role, active FROM people WHERE login = ?", (login,))
    if on_record and on_record[0]["active"] and login.lower() not in {x.lower() for x in session.keyring.logins}:
        # on the district record from another PC (district mode), without a sign-in on this one
        if on_record[0]["role"] != role:
            raise SessionError(f"'{login}' is on the district record as {ROLE_LABELS[on_record[0]['role']].lower()}; "
                               "choose that role to let them sign in on this PC.")
        session.keyring.add(on_record[0]["login"], password, session._key)
        try:
            with session.store.transaction() as db:
                audit.record(db, session.user.login, session.user.role, "person_signs_in_here",
                             detail={"login": on_record[0]["login"]})
            session.keyring.save()
        except BaseException:
            session.keyring.wrapped.pop(on_record[0]["login"], None)
            raise
        return
    if on_record:
        raise SessionError(f"'{login}' already has an account.")
    session.keyring.add(login, password, session._key)
    try:
        with session.store.transaction() as db:
            db["people"].insert({"login": login, "display_name": name.strip(), "role": role,
                                 "title": title, "active": 1, "created_at": _now(), "updated_at": _now()})
            audit.record(db, session.user.login, session.user.role, "person_added",
                         detail={"login": login, "role": role})
        session.keyring.save()
    except BaseException:
        session.keyring.wrapped.pop(login, None)
        raise


def remove_person(session: Session, login: str) -> None:
    """Take away a person's access: their key copy is destroyed, their history stays."""
    require(session.store, PEOPLE_MANAGE)
    if login == session.user.login:
        raise SessionError("You cannot remove your own account while signed in.")
    rows = session.store.query("SELECT role FROM people WHERE login = ? AND active = 1", (login,))
    if not rows:
        raise SessionError(f"'{login}' has no active account.")
    with session.store.transaction() as db:
        db.execute("UPDATE people SET active = 0, updated_at = ? WHERE login = ?", [_now(), login])
        audit.record(db, session.user.login, session.user.role, "person_removed",
                     detail={"login": login, "role": rows[0]["role"]})
    session.keyring.remove(login)
    session.keyring.save()


def change_password(session: Session, old: str, new: str) -> None:
    check_password(new)
    try:
        session.keyring.change_password(session.user.login, old, new)
    except WrongPassword as err:
        raise SessionError(str(err)) from None
    try:
        session.keyring.save()
    except OSError as err:
        session.keyring = Keyring.load(session.keyring.path)  # the password on disk, unchanged
        raise SessionError(f"Your password was not changed: the key file {session.keyring.path} cannot be "
                           f"written ({err.strerror or type(err).__name__}).") from None
    trail.note_use(session.store, "password_changed")  # kept for later while the database cannot be written


LOCK_SETTING = "lock_minutes"
DEFAULT_LOCK_MINUTES = 10


def lock_minutes(store: Store) -> float:
    """Minutes without keyboard or mouse input before the window locks (default 10)."""
    try:
        return float(store.setting(LOCK_SETTING) or DEFAULT_LOCK_MINUTES)
    except ValueError:
        return DEFAULT_LOCK_MINUTES


def set_lock_minutes(session: Session, minutes: int) -> None:
    """The administrator's choice of idle time before the screen locks (1 to 240 minutes)."""
    require(session.store, PEOPLE_MANAGE)
    if not 1 <= int(minutes) <= 240:
        raise SessionError("Choose between 1 and 240 minutes.")
    before = lock_minutes(session.store)
    with session.store.transaction() as db:
        db["settings"].upsert({"key": LOCK_SETTING, "value": str(int(minutes))}, pk="key")
        audit.record(db, session.user.login, session.user.role, "lock_time_changed",
                     detail={"before": before, "after": int(minutes)})


def people(session: Session) -> list[dict]:
    require(session.store, PEOPLE_MANAGE)
    return session.store.query(
        "SELECT login, display_name, role, title, active, buildings, created_at FROM people "
        "ORDER BY active DESC, display_name")


def verify_password(session: Session, password: str) -> bool:
    """For the lock screen: the signed-in person's password, counted like a sign-in."""
    try:
        session.keyring.unlock(session.user.login, password)
    except WrongPassword:
        return False
    return True


def ensure_demo(data_dir: DataDir) -> None:
    """Set up the demo database (encrypted like any other) with one person per role."""
    path = data_dir.database(True)
    if keyring_path(path).exists():
        return
    login, name, role, title, password = DEMO_PEOPLE[0]
    session, _ = set_up(data_dir, login, name, password, demo=True, check=False)
    try:
        from mocap_desktop.services.demo import (
            DEMO_INVOICE, ensure_demo_data, keep_demo_invoice, queue_demo_letters, write_demo_invoice,
        )

        for other in DEMO_PEOPLE[1:]:
            add_person(session, *other[:3], other[4], title=other[3])
        session.store.user = None  # the seed writes as the system
        ensure_demo_data(session.store)
        queue_demo_letters(session.store)
        if write_demo_invoice(session.store, data_dir.root / DEMO_INVOICE):
            keep_demo_invoice(session.store, data_dir.root / DEMO_INVOICE)
    except BaseException:
        session.close(sign_out=False)
        keyring_path(path).unlink(missing_ok=True)
        path.unlink(missing_ok=True)
        raise
    session.close(sign_out=False)


def open_session(data_dir: DataDir, demo: bool = False, login: str | None = None,
                 password: str | None = None) -> Session:
    """Sign in (the demo database defaults to its administrator). Raises `NeedsSetUp` for an
    office database that does not exist yet and `SessionError` for refused credentials."""
    data_dir.ensure()
    if login is None and demo:
        login, password = DEMO_PEOPLE[0][0], DEMO_PEOPLE[0][4]
    if login is None or password is None:
        if not database_exists(data_dir, demo):
            raise NeedsSetUp(f"{data_dir.database(demo)} has not been set up yet.")
        raise SessionError("Sign in with your name and password.")
    return sign_in(data_dir, login, password, demo)


__all__ = ["AccessDenied", "DEMO_PEOPLE", "NeedsSetUp", "Session", "SessionError", "add_person",
           "change_password", "database_exists", "ensure_demo", "open_session", "people",
           "remove_person", "reset_password", "set_up", "sign_in", "verify_password"]
