"""Storage: one local SQLite file through sqlite-utils."""

from mocap_desktop.store import audit, sync
from mocap_desktop.store.db import Store, open_store, subscribe
from mocap_desktop.store.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    NewerSchemaError,
    ReadOnlyDatabaseError,
    StoreError,
)

subscribe(audit.write, rows=False)  # the audit trail: the first to hear, from the notes alone
subscribe(sync.outbox, rows=sync.joined)  # the district outbox: the rows, on a PC joined to a server

__all__ = [
    "CorruptDatabaseError",
    "DatabaseLockedError",
    "DiskFullError",
    "NewerSchemaError",
    "ReadOnlyDatabaseError",
    "Store",
    "StoreError",
    "open_store",
]
