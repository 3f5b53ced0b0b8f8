"""The command line as IT and CI use it: real processes, real (encrypted) files."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from mocap_desktop import __version__
from mocap_desktop.paths import DataDir
from mocap_desktop.services.session import sign_in
from mocap_desktop.store import audit, open_store
from mocap_desktop.store.keys import Keyring
from mocap_desktop.store.migrations import SCHEMA_VERSION

ADMIN = {"MOCAP_USER": "pat", "MOCAP_PASSWORD": "long enough secret"}


def cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCAP_")}
    env.update({"QT_QPA_PLATFORM": "offscreen", **(env_extra or {})})
    return subprocess.run([sys.executable, "-m", "mocap_desktop", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=env, timeout=180)


@pytest.fixture
def office(tmp_path):
    """An office database set up headless with `init`."""
    result = cli("init", "--data-dir", str(tmp_path), "--admin", "pat", "--name", "Pat Alvarez",
                 env_extra={"MOCAP_PASSWORD": ADMIN["MOCAP_PASSWORD"]})
    assert result.returncode == 0, result.stderr
    return tmp_path, result.stdout


def test_version():
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"MOCAP Desktop {__version__}"


def test_start_only_shows_the_sign_in_window_and_quits_touching_no_database(tmp_path):
    result = cli("--start-only", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "mocap.sqlite").exists() and not (tmp_path / "demo.sqlite").exists()


def test_smoke_test_on_a_fresh_data_folder_touches_nothing_of_the_office(tmp_path):
    result = cli("--smoke-test", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "smoke test passed" in result.stdout and f"schema {SCHEMA_VERSION}, encrypted" in result.stdout
    assert not (tmp_path / "mocap.sqlite").exists()
    assert (tmp_path / "logs" / "mocap.log").exists()


def test_demo_is_encrypted_with_one_person_per_role(tmp_path):
    result = cli("--smoke-test", "--demo", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    raw = (tmp_path / "demo.sqlite").read_bytes()
    assert not raw.startswith(b"SQLite format 3") and "Nguyễn".encode() not in raw
    assert Keyring.load(tmp_path / "demo.sqlite.keys").logins == ["admin", "counselor", "frontdesk", "principal"]
    session = sign_in(DataDir(tmp_path), "counselor", "demo-counselor", demo=True)
    assert session.store.query("SELECT count(*) AS n FROM students")[0]["n"] >= 1500
    session.close()


def test_init_prints_the_recovery_key_once_and_refuses_a_second_set_up(office):
    folder, out = office
    assert "Recovery key" in out
    assert cli("init", "--data-dir", str(folder), "--admin", "x",
               env_extra={"MOCAP_PASSWORD": "another long one"}).returncode == 2


def test_commands_need_a_sign_in_and_apply_roles(office, tmp_path):
    folder, _ = office
    refused = cli("students", "search", "a", "--json", "--data-dir", str(folder))
    assert refused.returncode == 4 and "MOCAP_USER" in refused.stderr
    wrong = cli("students", "search", "a", "--json", "--data-dir", str(folder),
                env_extra={**ADMIN, "MOCAP_PASSWORD": "not it"})
    assert wrong.returncode == 4 and "not right" in wrong.stderr
    assert cli("--smoke-test", "--demo", "--data-dir", str(tmp_path / "d")).returncode == 0
    front_desk = cli("students", "search", "a", "--json", "--demo", "--data-dir", str(tmp_path / "d"),
                     env_extra={"MOCAP_USER": "frontdesk", "MOCAP_PASSWORD": "demo-frontdesk"})
    assert front_desk.returncode == 4 and "Front desk" in front_desk.stderr


def test_backup_stays_encrypted_and_opens_with_the_same_people(office):
    folder, _ = office
    dest = folder / "copies" / "mocap.sqlite"
    result = cli("backup", str(dest), "--data-dir", str(folder), env_extra=ADMIN)
    assert result.returncode == 0, result.stderr
    assert "verified" in result.stdout
    assert not dest.read_bytes().startswith(b"SQLite format 3")
    session = sign_in(DataDir(dest.parent), "pat", ADMIN["MOCAP_PASSWORD"])
    assert session.store.schema_version == SCHEMA_VERSION
    actions = [r["action"] for r in session.store.query("SELECT action FROM audit_log ORDER BY id")]
    session.close()
    assert actions[0] == "set_up" and "sign_in" in actions


@pytest.mark.parametrize("command", [["--smoke-test"], ["backup", "copy.sqlite"]])
def test_a_corrupt_database_gives_one_line_and_a_nonzero_exit(office, command):
    folder, _ = office
    bad = folder / "mocap.sqlite"
    bad.write_bytes(os.urandom(64 * 1024))
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    args = [a if a != "copy.sqlite" else str(folder / a) for a in command]
    result = cli(*args, "--data-dir", str(folder), env_extra=ADMIN)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "damaged" in lines[0] and str(bad) in lines[0]
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before


def test_audit_verify_names_an_edited_entry(office):
    folder, _ = office
    assert cli("audit", "verify", "--data-dir", str(folder), env_extra=ADMIN).returncode == 0
    key = Keyring.load(folder / "mocap.sqlite.keys").unlock("pat", ADMIN["MOCAP_PASSWORD"])
    store = open_store(folder / "mocap.sqlite", key=key)
    first = store.query("SELECT id FROM audit_log ORDER BY id LIMIT 1")[0]["id"]
    store.conn.executescript(
        "DROP TRIGGER audit_no_update;"
        f"UPDATE audit_log SET actor = 'someone else' WHERE id = {first};")
    store.close()
    result = cli("audit", "verify", "--data-dir", str(folder), env_extra=ADMIN)
    assert result.returncode == 1
    assert f"broken at entry {first}" in result.stderr
    assert audit.verify  # the same check the command runs


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`mocap-desktop students search … --json | head`: no BrokenPipeError traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCAP_")}
    env.update({"QT_QPA_PLATFORM": "offscreen", "MOCAP_USER": "counselor", "MOCAP_PASSWORD": "demo-counselor"})
    args = [sys.executable, "-m", "mocap_desktop", "students", "search", "", "--limit", "2000", "--json",
            "--demo", "--data-dir", str(tmp_path)]
    whole = subprocess.run(args, capture_output=True, env=env, timeout=180)
    assert whole.returncode == 0 and len(whole.stdout) > 200_000  # far more than a pipe holds
    head = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert head.stdout.read(100).startswith(b"[")
    head.stdout.close()
    stderr = head.stderr.read().decode()
    assert head.wait(timeout=180) == 141
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and stderr == ""
