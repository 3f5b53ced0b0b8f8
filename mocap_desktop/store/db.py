"""One local SQLite file through sqlite-utils: checked on open, migrated in order, backed up safely.

The write seam: every change goes through `Store.transaction()`. While it runs, temporary
triggers note each row its statements insert, update or delete (`Change`: table, key, before,
after), and callers add what they say about the change (`ChangeSet.notes`: the audit trail's
entries). Just before the commit, inside the same transaction, the change set goes to the
subscribers (`subscribe`): the audit trail first, the district outbox next. Outside a
transaction the connection refuses the app's INSERT, UPDATE and DELETE (an authorizer), so no
service can write around the seam.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import shutil
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlcipher3 import dbapi2 as sqlcipher

from mocap_desktop import __version__
from mocap_desktop.store.errors import (
    NewerSchemaError,
    ReadOnlyDatabaseError,
    StoreError,
    classify,
    corrupt,
)
from mocap_desktop.store.migrations import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
# What a failing statement raises: the standard driver's errors, or SQLCipher's for an
# encrypted database (same names, separate classes).
DB_ERRORS = (sqlite3.Error, sqlcipher.Error)
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smbfs", "fuse.sshfs", "9p", "afs"}


def is_network_path(path: Path) -> bool:
    """True when `path` lives on a network share, where SQLite's WAL mode is unsafe."""
    path = path.resolve()
    if sys.platform == "win32":
        if str(path).startswith("\\\\"):
            return True
        import ctypes

        drive = f"{path.drive}\\"
        return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # DRIVE_REMOTE
    try:
        mounts = Path("/proc/mounts").read_text()
    except OSError:
        return False
    return mount_fstype(path, mounts) in NETWORK_FILESYSTEMS


def mount_fstype(path: Path, mounts: str) -> str:
    """The file system type of the longest mount point in a /proc/mounts text that holds `path`."""
    best, fstype = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].rstrip("/") + "/"
        if (str(path) + "/").startswith(point) and len(point) > len(best):
            best, fstype = point, fields[2]
    return fstype


def _translate(exc: Exception, path: Path) -> Exception:
    return classify(exc, path) or exc


# --- the write seam -------------------------------------------------------------------------------

# Tables whose rows are not change-set material: the audit trail (a subscriber's output), the
# schema's own bookkeeping and the student search index (derived from `students` by triggers).
UNRECORDED = frozenset({"audit_log", "schema_migrations", "student_tokens", "student_search_gaps",
                        "student_search_stale", "sync_outbox", "sync_keys", "sync_refused", "sync_state"})
_WRITES = (sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE)


@dataclass(frozen=True)
class Change:
    """One row a transaction's statements changed: `before` is None for an insert, `after` for
    a delete. `key` is the row's primary key (a list for a key of several columns). A BLOB value
    is given by its size, {"bytes": n}: read the row for the bytes."""

    table: str
    key: Any
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class ChangeSet:
    """What one `Store.transaction()` did: the rows it changed (`changes`, in order) and what
    its callers said about them (`notes`: the audit trail's entries, in order). `origin` is
    "here" for a change made on this PC, "server" for rows the district server sent."""

    def __init__(self, conn: sqlite3.Connection, recorded: bool, origin: str = "here", actor: str = ""):
        self._conn = conn
        self._recorded = recorded
        self.origin = origin
        self.actor = actor  # the signed-in person's name ("" for the system itself)
        self.notes: list[dict[str, Any]] = []

    @functools.cached_property
    def changes(self) -> list[Change]:
        if not self._recorded:
            return []
        return [Change(table, json.loads(key), json.loads(before) if before else None,
                       json.loads(after) if after else None)
                for table, key, before, after in self._conn.execute(
                    "SELECT tbl, key, before, after FROM temp.store_changes ORDER BY seq")]


Subscriber = Callable[["StoreDatabase", ChangeSet], None]
_SUBSCRIBERS: list[Subscriber] = []
# Whether each subscriber reads the rows changed (`ChangeSet.changes`): True, False, or a test
# of the connection (the district outbox: only on a PC joined to a server). The rows are noted
# only while someone reads them: a one-PC copy writes without the change triggers' cost.
_WANTS_ROWS: dict[Subscriber, bool | Callable[[sqlite3.Connection], bool]] = {}


def subscribe(subscriber: Subscriber, rows: bool | Callable[[sqlite3.Connection], bool] = True) -> None:
    """Hand every transaction's change set to `subscriber(db, change_set)` just before it
    commits, inside it: what the subscriber writes commits with the change, and what it raises
    rolls the change back. Subscribers run in the order they subscribed. `rows`: does it read
    `changes` (the rows changed), always or when `rows(connection)` says so."""
    if subscriber not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(subscriber)
    _WANTS_ROWS[subscriber] = rows


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _SUBSCRIBERS:
        _SUBSCRIBERS.remove(subscriber)
        _WANTS_ROWS.pop(subscriber, None)


def _rows_wanted(conn: sqlite3.Connection) -> bool:
    return any(w is True or (callable(w) and w(conn)) for w in _WANTS_ROWS.values())


def _refuse_writes(action: int, table: str | None, _arg2, schema: str | None, _trigger) -> int:
    """The authorizer outside `Store.transaction()`: the app's code may not INSERT, UPDATE or
    DELETE there. (A hand outside the app, such as a test that tampers with the file, is not
    stopped: the audit trail's hash chain is what finds that.)"""
    if action in _WRITES and schema != "temp" and not (table or "").startswith("sqlite_"):  # not SQLite's own
        writer = _writer()
        if writer == "mocap_desktop" or writer.startswith("mocap_desktop."):
            log.error("Refused a write to %s outside Store.transaction() from %s", table, writer)
            return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _writer() -> str:
    """The module of the code whose statement is being prepared (past sqlite-utils and the driver)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if not name.startswith(("sqlite_utils", "sqlite3", "sqlcipher3", "contextlib")):
            return name
        frame = frame.f_back
    return ""


def _row_json(conn: sqlite3.Connection, table: str, ref: str) -> tuple[str, str]:
    """SQL for a trigger: the row `ref` (NEW or OLD) of `table` as a JSON object, and its key."""
    columns = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    values = []
    for _cid, name, kind, _notnull, _default, _pk in columns:
        value = f"{ref}.{_quote(name)}"
        if kind.upper() not in ("INTEGER", "TEXT", "REAL", "NUMERIC"):  # may hold bytes
            value = f"CASE typeof({value}) WHEN 'blob' THEN json_object('bytes', length({value})) ELSE {value} END"
        values.append(f"'{name}', {value}")
    keys = [f"{ref}.{_quote(c[1])}" for c in sorted((c for c in columns if c[5]), key=lambda c: c[5])]
    key = (f"json_array({', '.join(keys)})" if len(keys) > 1 else f"json_quote({keys[0]})") if keys \
        else f"json_quote({ref}.rowid)"
    return f"json_object({', '.join(values)})", key


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _record_changes(conn: sqlite3.Connection) -> None:
    """Temporary triggers (this connection only) that note every row change in temp.store_changes."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS store_changes (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, "
                 "key TEXT NOT NULL, before TEXT, after TEXT)")
    # A row here while rows the district server sent are written: nobody reads those (the outbox
    # leaves them out), so the triggers do not note them.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS store_quiet (on_ INTEGER)")
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
    for table in tables:
        if table in UNRECORDED:
            continue
        new, new_key = _row_json(conn, table, "NEW")
        old, old_key = _row_json(conn, table, "OLD")
        for event, key, before, after in (("INSERT", new_key, "NULL", new), ("UPDATE", new_key, old, new),
                                          ("DELETE", old_key, old, "NULL")):
            conn.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS {_quote(f'store_changes_{table}_{event.lower()}')} "
                f"AFTER {event} ON main.{_quote(table)} WHEN NOT EXISTS (SELECT 1 FROM temp.store_quiet) BEGIN "
                f"INSERT INTO store_changes (tbl, key, before, after) VALUES ('{table}', {key}, {before}, {after}); "
                "END")


if TYPE_CHECKING:
    class StoreDatabase(sqlite_utils.Database):
        """sqlite-utils over the store's connection (`Store.db`); inside `Store.transaction()`,
        `changes` is the transaction's change set (None outside)."""

        changes: ChangeSet | None


MEMO_ENTRIES = 32  # what `Store.unchanged` keeps


class Store:
    """An open, checked and migrated database. Write inside `transaction()` (the write seam)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, key: bytes | None = None):
        self.path = path
        self.conn = conn
        self._db: StoreDatabase | None = None
        self._recording = False  # the write guard is in place (after the migrations)
        self._triggers = False  # the change triggers are made (at the first transaction a subscriber reads rows in)
        self._key = key
        self.user = None  # the signed-in person (core.access.User); None = the system itself
        self.read_only_reason: str | None = None  # opened read-only (a full disk, a read-only file): why
        self.deferred: list[dict] = []  # audit entries waiting for the database to be writable (audit.defer)
        self._memo: dict = {}  # see `unchanged`
        self._memo_version: tuple | None = None

    @property
    def db(self) -> StoreDatabase:
        """sqlite-utils on this connection, made (and the library imported) on first use: the
        sign-in window does not wait for it. `changes`: see StoreDatabase. No sqlite-utils
        plugin installed on the PC is run on the office's records (looking for them took 17 ms)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
            self._db.changes = None
        return self._db

    @property
    def encrypted(self) -> bool:
        return self._key is not None

    def version(self) -> tuple:
        """Changes whenever the database does: a write through this connection (its count of
        changed rows) or a commit through another (SQLite's data_version)."""
        conn = self.conn
        return id(conn), conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]

    def unchanged(self, key, compute: Callable[[], Any]):
        """`compute()`, or what it gave for `key` since the database last changed (`version`):
        for what a screen reads again and again between writes (the queue's sorted rows, the
        district calendar). The last MEMO_ENTRIES keys are kept."""
        version = self.version()
        if version != self._memo_version:
            self._memo, self._memo_version = {}, version
        memo = self._memo
        if key in memo:
            memo[key] = value = memo.pop(key)  # the newest last
            return value
        value = memo[key] = compute()
        while len(memo) > MEMO_ENTRIES:
            del memo[next(iter(memo))]
        return value

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    @property
    def journal_mode(self) -> str:
        return self.conn.execute("PRAGMA journal_mode").fetchone()[0]

    @contextlib.contextmanager
    def bulk_write(self) -> Iterator[bool]:
        """Around one big transaction: the rollback journal instead of the write-ahead log when
        this is the file's only connection, as SQLite advises for big transactions. Each page
        is then written to the file once, not to the log and again to the file (a first import
        of 100,000 students: 0.17 s of 2.3, the median of six runs taking turns), and
        synchronously, as that journal needs to survive a power cut. Meanwhile a program
        opening the file waits for the transaction (up to 5 s, then is told the file is in use;
        see `_check_existing`). With another connection open (the app's windows, a second
        copy) nothing changes. Yields whether the journal was switched."""
        switched = False
        if self.read_only_reason is None and self.journal_mode == "wal":
            try:
                switched = self.conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
            except DB_ERRORS:
                pass  # another connection has the file open: "database is locked", at once
        if switched:
            self.conn.execute("PRAGMA synchronous = FULL")
        try:
            yield switched
        finally:
            if switched:
                try:
                    self.conn.execute("PRAGMA journal_mode = WAL")
                    self.conn.execute("PRAGMA synchronous = NORMAL")
                except DB_ERRORS as exc:  # a reader came meanwhile: the next open sets WAL again
                    log.warning("The write-ahead log could not be turned back on: %s", exc)

    def guard_writes(self) -> None:
        """Note every row change for the change set, and refuse writes outside `transaction()`
        from now on (after the migrations, which write on their own)."""
        self.conn.set_authorizer(_refuse_writes)
        self._recording = True

    @contextlib.contextmanager
    def transaction(self, origin: str = "here") -> Iterator[StoreDatabase]:
        """All or nothing; an actionable SQLite failure comes out as a `StoreError`. The
        outermost one hands its change set to the subscribers before it commits; a nested one
        is a savepoint whose notes go if it fails. `origin`: see ChangeSet."""
        if self.read_only_reason:
            raise ReadOnlyDatabaseError(f"This was not saved: the database is open read-only "
                                        f"({self.read_only_reason}).")
        db = self.db
        outer = db.changes is None
        try:
            with db.atomic():
                if outer:
                    if self._recording and not self._triggers and _rows_wanted(self.conn):
                        _record_changes(self.conn)  # once per connection
                        self._triggers = True
                    quiet = origin == "server" and self._triggers
                    db.changes = ChangeSet(self.conn, self._triggers and not quiet, origin,
                                           self.user.name if self.user is not None else "")
                    if quiet:
                        self.conn.execute("INSERT INTO temp.store_quiet VALUES (1)")
                    self.conn.set_authorizer(None)
                changes = db.changes
                mark = len(changes.notes)
                try:
                    yield db
                    if outer:
                        for subscriber in _SUBSCRIBERS:
                            subscriber(db, changes)
                        if self._triggers:
                            self.conn.execute("DELETE FROM temp.store_changes")
                            self.conn.execute("DELETE FROM temp.store_quiet")
                except BaseException:
                    del changes.notes[mark:]
                    raise
        except DB_ERRORS as exc:
            raise _translate(exc, self.path) from exc
        finally:
            if outer:
                db.changes = None
                if self._recording:
                    self.conn.set_authorizer(_refuse_writes)  # also expires statements prepared inside

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        return list(self.db.query(sql, params))

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db["settings"].upsert({"key": key, "value": value}, pk="key")

    def backup_to(self, dest: Path) -> Path:
        """Copy the database with SQLite's online backup API and check that the copy opens.

        An encrypted database stays encrypted with the same key, and its key file (the
        people who may open it) is copied beside the backup.
        """
        dest = Path(dest)
        if dest.resolve() == self.path.resolve():
            raise StoreError("The backup must go to another file than the open database.")
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            target = _connect(partial, self._key)
            try:
                self.conn.backup(target)
                ok = target.execute("PRAGMA quick_check").fetchone()[0]
                version = target.execute("PRAGMA user_version").fetchone()[0]
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
            if ok != "ok" or version != self.schema_version:
                raise StoreError(f"The backup copy at {dest} did not verify ({ok}); nothing was kept.")
            os.replace(partial, dest)
            keys = keyring_path(self.path)
            if keys.exists():
                shutil.copyfile(keys, keyring_path(dest))
        except DB_ERRORS as exc:
            raise _translate(exc, dest) from exc
        finally:
            partial.unlink(missing_ok=True)
        log.info("Backup written (%d bytes)", dest.stat().st_size)
        return dest

    def reopen(self) -> "Store":
        """Another connection to this (open, migrated) database, for a worker thread."""
        try:
            conn = _connect(self.path, self._key)
            conn.execute("PRAGMA foreign_keys = ON")
        except DB_ERRORS as exc:
            raise _translate(exc, self.path) from exc
        other = Store(self.path, conn, self._key)
        other.user = self.user
        if self._recording:
            other.guard_writes()
        return other

    def take_over(self, other: "Store") -> None:
        """Go on with `other`'s connection to this same file, opened writable again after being
        read-only: every screen holding this store can save again."""
        if other.path != self.path:
            raise StoreError("A store can only take over a connection to its own file.")
        old, self.conn, self._db, self.read_only_reason = self.conn, other.conn, other.db, None
        self._recording, self._triggers = other._recording, other._triggers  # its guard and triggers come along
        old.close()

    def check_integrity(self) -> list[str]:
        """Every page of the file checked on a connection of its own (for a worker thread: a
        large file is checked this way after it opens); [] when sound, else the problems."""
        try:
            probe = _connect(_read_only_uri(self.path), self._key, uri=True)
            try:
                return _integrity(probe)
            finally:
                probe.close()
        except DB_ERRORS as exc:
            return [str(_translate(exc, self.path))]

    @property
    def checked_at_open(self) -> bool:
        """Were all pages checked when the file opened (a small file)? Else see `check_integrity`."""
        return self.path.stat().st_size <= FULL_CHECK_AT_OPEN_BYTES

    def close(self) -> None:
        self.conn.close()


def keyring_path(database: Path) -> Path:
    """The key file of an encrypted database: `mocap.sqlite.keys` beside `mocap.sqlite`."""
    return database.with_name(database.name + ".keys")


# Each connection's page cache, at most (filled only as pages are read). SQLite's default, 2 MiB,
# holds a small part of a big district's search index: pages are read and, encrypted, decrypted
# again and again (a search's p95 at 100,000 students: 1.07 ms with 2 MiB, 0.59 with 64).
PAGE_CACHE_KIB = 65536


def _connect(path: Path | str, key: bytes | None = None, uri: bool = False) -> sqlite3.Connection:
    if key is None:
        conn = sqlite3.connect(path, timeout=5.0, uri=uri)
    else:
        conn = sqlcipher.connect(str(path), timeout=5.0, uri=uri)
        conn.execute("PRAGMA cipher_log_level = NONE")  # failures reach the user as StoreError
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
    return conn


def encrypt_copy(plain: Path, dest: Path, key: bytes) -> None:
    """Write an encrypted copy of an unencrypted database (SQLCipher's export)."""
    _check_existing(plain, None)
    dest.unlink(missing_ok=True)
    conn = sqlcipher.connect(str(plain))
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(dest),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    except DB_ERRORS as exc:
        dest.unlink(missing_ok=True)
        raise _translate(exc, plain) from exc
    finally:
        conn.close()


# Up to this size a file's every page is checked when it opens (a few milliseconds); a larger
# one gets the cheap checks then and the full one in the background (`Store.check_integrity`),
# and before a migration or a backup as always, so opening costs the same at 10 MB and 10 GB.
FULL_CHECK_AT_OPEN_BYTES = 8 * 2**20


def _check_existing(path: Path, key: bytes | None, read_only: bool = False) -> int:
    """Refuse, without writing a byte (but for rolling back what a writer stopped in the middle
    left in a rollback journal, as any open must), a file that is read-only (unless opening it
    read-only), not SQLite, damaged or too new. Every page is checked in a file up to
    FULL_CHECK_AT_OPEN_BYTES; a larger one is checked for its header, schema and length."""
    no_write_bits = not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if not read_only and (no_write_bits or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)):
        raise ReadOnlyDatabaseError(
            f"{path} is read-only (the file or its folder cannot be written). "
            "It was left as it is: ask IT to give your account write access, or open a copy."
        )
    with open(path, "rb") as fh:
        header = fh.read(100)
    if len(header) == 0:
        return 0  # an empty file is a new database
    plain = header.startswith(SQLITE_HEADER)
    if key is None and (len(header) < 100 or not plain):
        raise corrupt(path, "not an SQLite file")
    if key is not None and plain:
        raise corrupt(path, "an unencrypted database where an encrypted one was expected")
    try:
        # A rollback journal beside the file: a writer is at work in it (a big import, a network
        # share's file) or stopped in the middle. The probe then takes SQLite's locks, waiting
        # for the writer, and rolls a journal left behind back; read without them (immutable),
        # the file would be seen half written.
        if _rollback_journal(path).exists() and not read_only:
            probe = _connect(path, key)
        else:
            probe = _connect(_read_only_uri(path), key, uri=True)
        try:
            version = probe.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise NewerSchemaError(
                    f"{path} was written by a newer version of MOCAP Desktop (schema {version}; "
                    f"this version knows up to {SCHEMA_VERSION}). It was left as it is: "
                    "install the newer version to open it."
                )
            if path.stat().st_size <= FULL_CHECK_AT_OPEN_BYTES:
                result = _integrity(probe)
            else:
                result = _structure(probe, path)
        finally:
            probe.close()
    except DB_ERRORS as exc:
        raise _translate(exc, path) from exc
    if result:
        raise corrupt(path, "; ".join(result))
    return version


def _integrity(conn) -> list[str]:
    """Every page checked (SQLite's quick_check, the first five problems); [] when sound."""
    result = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    return [] if result == ["ok"] else result


def _structure(conn, path: Path) -> list[str]:
    """What can be checked without reading every page: the schema reads, and the file is as long
    as its pages (when no write-ahead log holds some of them)."""
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    # int(): SQLCipher's connection gives some pragmas back as text
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0]) * int(conn.execute("PRAGMA page_size").fetchone()[0])
    wal = path.with_name(path.name + "-wal")
    if (not wal.exists() or wal.stat().st_size == 0) and path.stat().st_size < pages:
        return [f"the file is shorter than its pages ({path.stat().st_size:,} of {pages:,} bytes)"]
    return []


def _rollback_journal(path: Path) -> Path:
    return path.with_name(path.name + "-journal")


def _read_only_uri(path: Path) -> str:
    """A URI that reads without writing a byte: `immutable` (no -shm file to make) when neither
    a write-ahead log holds changes nor a rollback journal is beside the file, which is how a
    closed database is left."""
    wal = path.with_name(path.name + "-wal")
    quiet = (not wal.exists() or wal.stat().st_size == 0) and not _rollback_journal(path).exists()
    return path.resolve().as_uri() + ("?mode=ro&immutable=1" if quiet else "?mode=ro")


def open_read_only(path: Path, reason: str, *, key: bytes | None = None) -> Store:
    """Open the database for reading only (a full disk, a read-only file or folder): lookup,
    letters already made, the audit trail and backups to another drive work; every write is
    refused with `reason`."""
    path = Path(path)
    version = _check_existing(path, key, read_only=True)
    if version < SCHEMA_VERSION:
        raise ReadOnlyDatabaseError(f"{reason} The database also needs an upgrade that must write to it.")
    try:
        conn = _connect(_read_only_uri(path), key, uri=True)
        conn.execute("PRAGMA query_only = ON")
    except DB_ERRORS as exc:
        raise _translate(exc, path) from exc
    store = Store(path, conn, key)
    store.read_only_reason = reason
    return store


def open_store(path: Path, *, key: bytes | None = None, backups: Path | None = None,
               target: int = SCHEMA_VERSION) -> Store:
    """Open (creating if needed) and migrate the database at `path`.

    An existing file is checked first; if migrations are due, a copy is written to `backups`
    before the first one runs. Raises `StoreError` subclasses with a message for the user.
    """
    path = Path(path)
    existing = path.exists()
    version = _check_existing(path, key) if existing else 0
    if not existing:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = _connect(path, key)
    except DB_ERRORS as exc:
        raise _translate(exc, path) from exc
    store = Store(path, conn, key)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if version < target:
            problems = [] if not existing or store.checked_at_open else _integrity(conn)
            if problems:  # a large file is checked whole before any migration writes to it
                raise corrupt(path, "; ".join(problems))
            if existing and version > 0 and backups is not None:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                store.backup_to(backups / f"{path.stem}-schema-{version}-{stamp}.sqlite")
            _migrate(store, version, target)
        mode = "DELETE" if is_network_path(path) else "WAL"
        conn.execute(f"PRAGMA journal_mode = {mode}")
        conn.execute("PRAGMA synchronous = NORMAL")
        store.guard_writes()
    except DB_ERRORS as exc:
        conn.close()
        raise _translate(exc, path) from exc
    except BaseException:
        conn.close()
        raise
    return store


def _migrate(store: Store, current: int, target: int = SCHEMA_VERSION) -> None:
    conn = store.conn
    for number, migration in enumerate(MIGRATIONS[current:target], start=current + 1):
        # executescript commits on its own; the migration's statements and the version
        # bump run inside one explicit transaction so a failure leaves the file as it was.
        script = (
            "BEGIN IMMEDIATE;\n"
            f"{migration.sql}\n"
            f"INSERT INTO schema_migrations VALUES ({number}, '{migration.name}', "
            f"'{datetime.now().isoformat(timespec='seconds')}', '{__version__}');\n"
            f"PRAGMA user_version = {number};\n"
        )
        if migration.rebuilds_tables:
            # SQLite's way to rebuild a table that others refer to: foreign keys off (only
            # possible outside a transaction), and every reference checked before committing.
            conn.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.executescript(script)
            broken = migration.rebuilds_tables and conn.execute("PRAGMA foreign_key_check").fetchone()
            if broken:
                raise StoreError(f"Migration {migration.name} would break a reference from "
                                 f"{broken[0]} to {broken[2]}; the database was left as it was.")
            conn.execute("COMMIT")
        except (*DB_ERRORS, StoreError):
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
        log.info("Applied migration %s", migration.name)
