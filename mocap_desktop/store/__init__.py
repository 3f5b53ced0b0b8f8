"""Storage: one local SQLite file through sqlite-utils."""

from mocap_desktop.store import audit
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
