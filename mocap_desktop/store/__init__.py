"""Storage: one local SQLite file through sqlite-utils."""

from mocap_desktop.store.db import Store, open_store
from mocap_desktop.store.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    NewerSchemaError,
    ReadOnlyDatabaseError,
    StoreError,
)

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
