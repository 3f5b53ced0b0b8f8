"""The data folder: one SQLite file per database, logs and automatic backups."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

from mocap_desktop import APP_NAME


@dataclass(frozen=True)
class DataDir:
    root: Path

    @classmethod
    def default(cls) -> "DataDir":
        return cls(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False)))

    @classmethod
    def resolve(cls, override: str | Path | None) -> "DataDir":
        return cls(Path(override).expanduser().resolve()) if override else cls.default()

    def database(self, demo: bool = False) -> Path:
        return self.root / ("demo.sqlite" if demo else "mocap.sqlite")

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    def ensure(self) -> "DataDir":
        for folder in (self.root, self.logs, self.backups):
            folder.mkdir(parents=True, exist_ok=True)
        return self
