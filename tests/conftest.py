"""Shared fixtures: offscreen Qt, a fresh data folder and database per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from mocap_desktop.paths import DataDir  # noqa: E402
from mocap_desktop.store import open_store  # noqa: E402


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def store(data_dir):
    s = open_store(data_dir.database(), backups=data_dir.backups)
    yield s
    s.close()


@pytest.fixture
def demo_session(data_dir):
    from mocap_desktop.services.session import open_session

    session = open_session(data_dir, demo=True)
    yield session
    session.close()
