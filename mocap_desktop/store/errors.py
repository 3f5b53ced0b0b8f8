"""SQLite failures sorted into the ones a person can act on, each with a message that says what to do."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

_NEARLY_FULL = 256 * 1024  # bytes: less than this free and SQLite cannot make its journal or index files


class StoreError(Exception):
    """A database problem the user can act on. `str(err)` is one sentence for a dialog or stderr."""


class NewerSchemaError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class ReadOnlyDatabaseError(StoreError):
    pass


class DiskFullError(StoreError):
    pass


class DatabaseLockedError(StoreError):
    pass


def classify(exc: Exception, path: Path) -> StoreError | None:
    """The actionable error behind `exc`, or None when it is a bug to report as such."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary == sqlite3.SQLITE_FULL or "disk is full" in text or (
        (primary == sqlite3.SQLITE_IOERR or "disk i/o error" in text) and _disk_full(path)
    ):
        return DiskFullError(
            f"The disk holding {path} is full, so this step was not saved (what was saved before it "
            "is kept). Free some space and try again."
        )
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text:
        return DatabaseLockedError(
            f"{path} is in use by another program or another copy of MOCAP Desktop. "
            "Close it and try again."
        )
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN) or (
        "readonly" in text or "read-only" in text
    ):
        return ReadOnlyDatabaseError(
            f"{path} cannot be written (read-only file or folder, or no permission). "
            "Ask IT to give your account write access, or open a copy."
        )
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or (
        "malformed" in text or "not a database" in text
    ):
        return corrupt(path, str(exc))
    return None


def _disk_full(path: Path) -> bool:
    """A disk I/O error on a full disk (SQLite says so when it cannot make its -shm or -wal file)."""
    try:
        return shutil.disk_usage(Path(path).parent).free < _NEARLY_FULL
    except OSError:
        return False


def corrupt(path: Path, detail: str) -> CorruptDatabaseError:
    return CorruptDatabaseError(
        f"{path} is damaged or is not a MOCAP Desktop database ({detail}). "
        "It was left as it is: restore the latest backup from the backups folder."
    )
