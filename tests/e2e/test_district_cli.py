"""`mocap-desktop district …` as district IT and an office run it: real processes against a
real PostgreSQL server. Set-up, join, sync (exit 0; exit 3 with one line when the server is
down), status; and the hard cases of exactly once: kill -9 of the client mid-push, again and
again, and kill -9 of the server mid-sync."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time

import psycopg

from mocap_desktop.services import district
from mocap_desktop.store import open_store, server

ADMIN = "mocap_administrator"
BATCHES = 2000


def cli(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mocap_desktop", *args], capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}, timeout=180, **kwargs)


def test_district_commands_set_up_join_sync_and_say_when_the_server_is_down(office, district_server, tmp_path):
    pg, url, logins = district_server
    where = ("--data-dir", str(office.data_dir.root))
    again = cli("district", "init-server", url)
    assert again.returncode == 0 and "district server brought up to date" in again.stdout
    office.close(sign_out=False)

    # the password comes from the environment, never from the command line or a file in clear
    login_url = logins[ADMIN]
    password = server.password_of(login_url)
    bare = login_url.replace(f":{password}@", "@")
    joined = cli("district", "join", bare, "--name", "Main office", *where,
                 env={"MOCAP_DISTRICT_PASSWORD": password})
    assert joined.returncode == 0, joined.stderr
    assert joined.stdout.startswith("joined as PC 1 (Main office): this PC's record went up as the district's")
    status = cli("district", "status", "--json", *where)
    assert status.returncode == 0, status.stderr
    told = json.loads(status.stdout)
    assert told["server"] == bare and password not in status.stdout and told["waiting"] == 0
    assert told["pc_name"] == "Main office" and told["last_sync"]
    assert password.encode() not in (office.data_dir.root / "mocap.sqlite").read_bytes()  # encrypted at rest

    done = cli("district", "sync", *where)
    assert (done.returncode, done.stdout.strip()) == (0, "synced: 0 changes sent, 0 rows received.")
    pg.stop()
    try:
        down = cli("district", "sync", *where)
        assert down.returncode == 3
        lines = down.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("mocap-desktop: The district server cannot be reached")
        offline = json.loads(cli("district", "status", "--json", *where).stdout)
        assert offline["offline_since"] and "cannot be reached" in offline["last_error"]
    finally:
        pg.start()
    assert cli("district", "sync", *where).returncode == 0
    assert json.loads(cli("district", "status", "--json", *where).stdout)["offline_since"] == ""


def _settings_on_server(conn) -> dict:
    return {r[0]["key"]: r[0]["value"] for r in conn.execute(
        "SELECT row FROM mocap.records WHERE tbl = 'settings' AND row->>'key' LIKE 'bench.%'")}


def test_kill_9_of_the_client_mid_push_loses_nothing_and_doubles_nothing(office, district_server):
    pg, url, logins = district_server
    store = office.store
    district.join(store, logins[ADMIN], pc_name="Office A")
    with psycopg.connect(url) as conn:
        joined = conn.execute("SELECT count(*) FROM mocap.batches WHERE pc = 1").fetchone()[0]
    for n in range(BATCHES):  # local transactions waiting while the server was away
        store.set_setting(f"bench.{n:04d}", f"value {n}")
    expected = {f"bench.{n:04d}": f"value {n}" for n in range(BATCHES)}
    store.close()
    office.close(sign_out=False)
    where = ("--data-dir", str(office.data_dir.root))
    rng = random.Random(7)
    started = time.monotonic()
    assert cli("district", "status", *where).returncode == 0
    startup = time.monotonic() - started  # signing in and opening, before a sync's first push
    kills = 0
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, "-m", "mocap_desktop", "district", "sync", *where],
                                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(startup + rng.uniform(0.0, 0.4))
        if proc.poll() is None:
            proc.kill()
            kills += 1
        proc.wait()
    assert kills >= 3  # most rounds were cut short
    assert cli("district", "sync", *where).returncode == 0
    with psycopg.connect(url) as conn:
        assert _settings_on_server(conn) == expected
        batches = conn.execute("SELECT count(*) FROM mocap.batches WHERE pc = 1").fetchone()[0]
        per_key = conn.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM mocap.changes "
                               "WHERE tbl = 'settings' AND key::text LIKE '\"bench.%' GROUP BY key) k").fetchone()[0]
    assert (batches, per_key) == (joined + BATCHES, 1)  # each change applied once
    copy = open_store(office.data_dir.database(), key=office._key)
    try:
        assert copy.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0] == 0
    finally:
        copy.close()


def test_the_server_killed_mid_sync_loses_nothing_and_doubles_nothing(district_server, tmp_path):
    pg, url, logins = district_server
    a = open_store(tmp_path / "a" / "mocap.sqlite")
    district.join(a, logins[ADMIN], pc_name="Office A")
    expected = {}
    for attempt in range(3):
        with a.transaction() as db:  # a few thousand rows in a handful of batches
            for n in range(400):
                db["settings"].upsert({"key": f"bench.{attempt}.{n:03d}", "value": str(n)}, pk="key")
                expected[f"bench.{attempt}.{n:03d}"] = str(n)
        for n in range(30):
            a.set_setting(f"bench.{attempt}.single.{n}", "x")
            expected[f"bench.{attempt}.single.{n}"] = "x"
        outcome = []
        worker = threading.Thread(target=lambda: outcome.append(_round(a)))
        worker.start()
        time.sleep(0.05 + 0.1 * attempt)
        pg.kill()
        worker.join(60)
        pg.start()
        assert outcome and outcome[0] in ("done", "unreachable")
    district.sync_round(a)
    with psycopg.connect(url) as conn:
        assert _settings_on_server(conn) == expected
        per_key = conn.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM mocap.changes "
                               "WHERE tbl = 'settings' GROUP BY key) k").fetchone()[0]
    assert per_key == 1
    assert a.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0] == 0
    a.close()


def _round(store):
    other = store.reopen()
    try:
        district.sync_round(other)
        return "done"
    except district.Unreachable:
        return "unreachable"
    finally:
        other.close()
