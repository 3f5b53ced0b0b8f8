"""`mocap-desktop requests list|export` as IT uses them: real processes on the demo database,
signed in as the demo counselor (the queue is case detail: the administrator may not read it)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MOCAP_USER": "counselor",
           "MOCAP_PASSWORD": "demo-counselor"}
    return subprocess.run([sys.executable, "-m", "mocap_desktop", *args], capture_output=True, text=True,
                          env=env, timeout=180)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    first = cli("requests", "list", "--demo", "--data-dir", str(folder), "--json")
    assert first.returncode == 0, first.stderr
    return folder, json.loads(first.stdout)


def test_list_json_is_the_open_queue_most_urgent_first(demo):
    _, rows = demo
    assert rows and {r["status"] for r in rows}.isdisjoint({"closed", "withdrawn"})
    assert rows[0]["urgency"] == "overdue" and rows[0]["business_days_left"] < 0
    dues = [r["due"] for r in rows if r["due"]]
    assert dues == sorted(dues)
    assert all(r["due"] is None for r in rows[len(dues):])  # nothing due sorts last
    assert set(rows[0]) >= {"reference", "student", "pathway", "courses", "building", "received", "due",
                            "business_days_left", "routing", "status"}


def test_list_filters_by_status_and_overdue(demo):
    folder, rows = demo
    overdue = json.loads(cli("requests", "list", "--demo", "--data-dir", str(folder), "--overdue", "--json").stdout)
    assert overdue and all(r["urgency"] == "overdue" for r in overdue)
    assert len(overdue) == sum(1 for r in rows if r["urgency"] == "overdue")
    submitted = json.loads(cli("requests", "list", "--demo", "--data-dir", str(folder), "--status", "submitted",
                               "--json").stdout)
    assert submitted and {r["status"] for r in submitted} == {"submitted"}
    everything = json.loads(cli("requests", "list", "--demo", "--data-dir", str(folder), "--status", "all",
                                "--json").stdout)
    assert len(everything) > len(rows) and {"closed", "withdrawn"} <= {r["status"] for r in everything}
    text = cli("requests", "list", "--demo", "--data-dir", str(folder))
    assert text.returncode == 0 and text.stdout.splitlines()[0].startswith(rows[0]["reference"])
    assert text.stderr.strip() == f"{len(rows)} requests"


def test_export_by_extension(demo, tmp_path):
    folder, rows = demo
    result = cli("requests", "export", "--demo", "--data-dir", str(folder), str(tmp_path / "queue.csv"))
    assert result.returncode == 0 and result.stdout.startswith(f"{len(rows)} requests written to")
    with open(tmp_path / "queue.csv", encoding="utf-8-sig", newline="") as fh:
        records = list(csv.reader(fh))
    assert records[0][:3] == ["Reference", "Student", "Grade"] and len(records) == len(rows) + 1
    result = cli("requests", "export", "--demo", "--data-dir", str(folder), "--overdue", str(tmp_path / "late.xlsx"))
    assert result.returncode == 0 and (tmp_path / "late.xlsx").stat().st_size > 4000


@pytest.mark.parametrize("args, message", [
    (["export", "queue.txt"], "export to a .csv or .xlsx file"),
    (["list", "--status", "lost"], "invalid choice"),
    (["list", "--today", "tomorrow"], "--today"),
])
def test_bad_input_exits_2_with_one_line(demo, tmp_path, args, message):
    folder, _ = demo
    args = [str(tmp_path / a) if a.endswith(".txt") else a for a in args]
    result = cli("requests", *args, "--demo", "--data-dir", str(folder))
    assert result.returncode == 2 and message in result.stderr
    assert not list(tmp_path.iterdir())


def test_the_administrator_may_not_read_the_queue(demo):
    folder, _ = demo
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MOCAP_USER": "admin", "MOCAP_PASSWORD": "demo-admin"}
    result = subprocess.run([sys.executable, "-m", "mocap_desktop", "requests", "list", "--demo", "--data-dir",
                             str(folder)], capture_output=True, text=True, env=env, timeout=180)
    assert result.returncode == 4 and "Administrator accounts cannot do this" in result.stderr
    assert result.stdout == ""
