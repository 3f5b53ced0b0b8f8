"""An open database in its data folder: what the app and every CLI command start from."""

from __future__ import annotations

from dataclasses import dataclass

from mocap_desktop.paths import DataDir
from mocap_desktop.store import Store, open_store


@dataclass
class Session:
    data_dir: DataDir
    store: Store
    demo: bool

    def close(self) -> None:
        self.store.close()


def open_session(data_dir: DataDir, demo: bool = False) -> Session:
    """Open (and migrate) the office database, or the demo one, seeding it on first use."""
    data_dir.ensure()
    store = open_store(data_dir.database(demo), backups=data_dir.backups)
    if demo:
        from mocap_desktop.services.demo import ensure_demo_data

        try:
            ensure_demo_data(store)
        except BaseException:
            store.close()
            raise
    return Session(data_dir, store, demo)
