"""The command line as IT and CI use it: real processes, real files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from mocap_desktop import __version__
from mocap_desktop.store.migrations import SCHEMA_VERSION


def cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "mocap_desktop", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_version():
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"MOCAP Desktop {__version__}"


def test_smoke_test_on_a_fresh_data_folder(tmp_path):
    result = cli("--smoke-test", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "smoke test passed" in result.stdout
    with sqlite3.connect(tmp_path / "mocap.sqlite") as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert (tmp_path / "logs" / "mocap.log").exists()


def test_demo_smoke_test_seeds_the_demo_database_only(tmp_path):
    result = cli("--smoke-test", "--demo", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "mocap.sqlite").exists()
    with sqlite3.connect(tmp_path / "demo.sqlite") as c:
        assert c.execute("SELECT count(*) FROM students").fetchone()[0] >= 1500


@pytest.mark.parametrize("command", [["--smoke-test"], ["backup", "copy.sqlite"]])
def test_a_corrupt_database_gives_one_line_and_a_nonzero_exit(tmp_path, command):
    bad = tmp_path / "mocap.sqlite"
    bad.write_bytes(b"this is not a database" * 400)
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    args = [a if a != "copy.sqlite" else str(tmp_path / a) for a in command]
    result = cli(*args, "--data-dir", str(tmp_path))
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "damaged" in lines[0] and str(bad) in lines[0]
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before


def test_backup_command_writes_a_verified_copy(tmp_path):
    assert cli("--smoke-test", "--demo", "--data-dir", str(tmp_path)).returncode == 0
    dest = tmp_path / "out" / "backup.sqlite"
    result = cli("backup", str(dest), "--demo", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "verified" in result.stdout
    with sqlite3.connect(dest) as c:
        assert c.execute("SELECT count(*) FROM students").fetchone()[0] >= 1500
