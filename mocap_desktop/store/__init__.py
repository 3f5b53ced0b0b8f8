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

subscribe(audit.write)  # the audit trail: the first to hear what each transaction changed
subscribe(sync.outbox)  # the district outbox (a PC joined to the district server only)

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
