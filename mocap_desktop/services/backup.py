"""Backups as a person makes them: File → Back up and `mocap-desktop backup`.

A backup is a copy of every student's record, so it needs BACKUP (core.access: the
administrator) and is recorded in the audit trail. The copy itself is `Store.backup_to`: the
online backup API, encrypted with the same key, checked before it is kept, with the key file
beside it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mocap_desktop.core.access import BACKUP, require
from mocap_desktop.store import Store, trail

__all__ = ["backup"]

log = logging.getLogger(__name__)


def backup(store: Store, dest: Path) -> Path:
    """Copy the open database to `dest` (verified) and record it. Returns the path written."""
    require(store, BACKUP)
    dest = store.backup_to(Path(dest))
    detail = {"file": dest.name, "folder": str(dest.parent), "bytes": dest.stat().st_size,
              "encrypted": store.encrypted}
    if store.read_only_reason:  # the copy is what an office needs most then: recorded once it can be
        detail["while_read_only"] = True
    trail.note_use(store, "backup_written", detail=detail)
    return dest
