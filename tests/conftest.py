"""Shared fixtures: offscreen Qt, a fresh data folder and database per test."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from mocap_desktop.core.access import SYSTEM  # noqa: E402
from mocap_desktop.paths import DataDir  # noqa: E402
from mocap_desktop.store import keys, open_store  # noqa: E402

# Key wrapping at test strength: the real costs (64 MiB, 3 passes) are for real passwords.
keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def store(data_dir):
    s = open_store(data_dir.database(), backups=data_dir.backups)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> DataDir:
    """The demo district set up once per test run (encrypted, one person per role)."""
    from mocap_desktop.services.session import ensure_demo

    template = DataDir(tmp_path_factory.mktemp("demo-template")).ensure()
    ensure_demo(template)
    return template


@pytest.fixture
def demo_data_dir(data_dir, demo_template) -> DataDir:
    """A private copy of the demo district in this test's data folder."""
    for name in ("demo.sqlite", "demo.sqlite.keys"):
        shutil.copyfile(demo_template.root / name, data_dir.root / name)
    return data_dir


@pytest.fixture
def demo_session(demo_data_dir):
    """The demo district opened without a role's limits (the system itself), for tests of
    features rather than of access; role tests sign in as each demo person instead."""
    from mocap_desktop.services.session import open_session

    session = open_session(demo_data_dir, demo=True)
    session.user = SYSTEM
    session.store.user = None
    yield session
    session.close(sign_out=False)


OFFICE_ADMIN = ("pat", "Pat Alvarez", "office-admin-password")


@pytest.fixture
def office(data_dir, monkeypatch):
    """The office database set up with its first administrator (as `init` would); commands run
    in this test sign in as them through MOCAP_USER/MOCAP_PASSWORD. The session itself is
    elevated to the system, for tests of features rather than of access."""
    from mocap_desktop.services.session import set_up

    login, name, password = OFFICE_ADMIN
    session, _ = set_up(data_dir, login, name, password)
    monkeypatch.setenv("MOCAP_USER", login)
    monkeypatch.setenv("MOCAP_PASSWORD", password)
    session.user = SYSTEM
    session.store.user = None
    yield session
    session.close(sign_out=False)


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for the district-mode tests (tests/pgserver.py), started once,
    in a folder of its own under the system's temporary folder (the server's account, when the
    tests run as root, must reach it)."""
    import sys
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from pgserver import PgServer

    root = Path(tempfile.mkdtemp(prefix="mocap-pg-"))
    server = PgServer(root).init()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def district_server(pg_server, request):
    """A new database on the test server with the MOCAP schema made by `init-server`, and a
    login per group role: returns (server, {group: url})."""
    import re

    from mocap_desktop.store import server as pg

    name = "mocap_" + re.sub(r"[^a-z0-9]", "_", request.node.name.lower())[:40]
    url = pg_server.create_database(name)
    pg.init_server(url)
    logins = {}
    for group in pg.GROUPS:
        login = f"{name[:20]}_{group.removeprefix('mocap_')}"
        _drop_role(pg_server, login)
        logins[group] = pg_server.add_login(login, "pw-" + group, group, db=name)
    return pg_server, url, logins


def _drop_role(server, login):
    import psycopg

    with psycopg.connect(server.url(db="postgres"), autocommit=True) as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{login}"')
