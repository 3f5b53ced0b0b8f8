"""The main window's presenter: what the status bar, title and About box say."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from mocap_desktop import APP_NAME, __version__
from mocap_desktop.core.access import AccessDenied
from mocap_desktop.services.backup import backup
from mocap_desktop.store import Store, StoreError
from mocap_desktop.store.district import DistrictRepo


@dataclass(frozen=True)
class AboutInfo:
    title: str
    version: str
    database: Path
    data_folder: Path
    schema_version: int
    runtime: str


class MainView(Protocol):
    def set_title(self, title: str) -> None: ...
    def show_status(self, text: str) -> None: ...
    def show_about(self, about: AboutInfo) -> None: ...
    def ask_backup_destination(self, suggested: Path) -> Path | None: ...
    def show_message(self, title: str, text: str) -> None: ...
    def show_error(self, title: str, text: str) -> None: ...


class MainPresenter:
    def __init__(self, view: MainView, store: Store, data_folder: Path, demo: bool, signed_in: str = ""):
        self.view = view
        self.store = store
        self.data_folder = data_folder
        self.demo = demo
        self.signed_in = signed_in

    def start(self) -> None:
        profile = DistrictRepo(self.store).profile()
        district = f"{profile.name} ({profile.display_code})" if profile else "No district profile yet"
        database = self.store.path.name + (" (demo data)" if self.demo else "")
        self.view.set_title(f"{APP_NAME} — {profile.name if profile else 'set up the district'}")
        person = f"    Signed in: {self.signed_in}" if self.signed_in else ""
        read_only = f"Read-only: {self.store.read_only_reason}.    " if self.store.read_only_reason else ""
        self.view.show_status(f"{read_only}{district}{person}    Database: {database}")

    def about_requested(self) -> None:
        self.view.show_about(self.about())

    def about(self) -> AboutInfo:
        from importlib.metadata import PackageNotFoundError, version

        try:
            qt = version("PySide6-Essentials")
        except PackageNotFoundError:
            qt = "bundled"
        return AboutInfo(
            title=APP_NAME,
            version=__version__,
            database=self.store.path,
            data_folder=self.data_folder,
            schema_version=self.store.schema_version,
            runtime=f"Python {platform.python_version()} · PySide6 {qt} · {sys.platform}",
        )

    def backup_requested(self) -> None:
        suggested = self.data_folder / "backups" / f"{self.store.path.stem}-backup.sqlite"
        dest = self.view.ask_backup_destination(suggested)
        if dest is None:
            return
        try:
            backup(self.store, dest)
        except (StoreError, AccessDenied) as err:
            self.view.show_error("Backup failed", str(err))
        else:
            self.view.show_message("Backup complete", f"The database was copied and verified:\n{dest}")
