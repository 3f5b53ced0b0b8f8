"""An import killed half-way through writing leaves the database exactly as it was, whether it
wrote through the write-ahead log or (a long file, the file's only connection) the rollback
journal."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mocap_desktop.services.importing import run_import
from mocap_desktop.services.roster import KINDS
from mocap_desktop.store import open_store

ROSTER = Path(__file__).resolve().parents[1] / "data" / "roster"

CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from mocap_desktop.services import importing
    from mocap_desktop.services.importing import run_import
    from mocap_desktop.services.roster import KINDS
    from mocap_desktop.store import open_store

    importing.BULK_ROWS = int(sys.argv[3])
    store = open_store(Path(sys.argv[1]))
    seen = []

    def progress(phase, done, total):
        if phase != "Importing":
            return
        if not seen:
            # a tiny page cache from here on, so uncommitted pages really reach the disk
            store.conn.execute("PRAGMA cache_size = 20")
        seen.append(done)
        if done >= total // 2:
            print("HALF", done, total, flush=True)
            time.sleep(120)

    run_import(store, Path(sys.argv[2]), KINDS["students"], progress=progress)
    print("FINISHED", flush=True)
""")


def snapshot(path: Path) -> dict:
    store = open_store(path)
    try:
        assert store.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
        return {t: sorted((tuple(r.values()) for r in store.query(f"SELECT * FROM {t}")), key=repr)
                for t in ("students", "guardians", "buildings", "student_tokens",
                          "student_search_gaps")}
    finally:
        store.close()


@pytest.mark.parametrize("journal", ["-wal", "-journal"])
def test_killing_the_import_half_way_leaves_the_database_unchanged(tmp_path, journal):
    db = tmp_path / "office.sqlite"
    store = open_store(db)
    run_import(store, ROSTER / "powerschool-bom.csv", KINDS["students"], skip_invalid=True)
    store.close()
    before = snapshot(db)
    assert len(before["students"]) == 5

    big = tmp_path / "big.csv"
    with open(big, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Student Number", "State ID", "Last Name", "First Name", "Birthdate", "Grade",
                      "Guardian Name"])
        out.writerows([f"{500000 + i}", f"{6000000000 + i}", f"Young{i % 50}", f"Avery{i % 70}",
                       f"{i % 12 + 1}/{i % 27 + 1}/2012", str(i % 12 + 1), f"Parent {i}"]
                      for i in range(40000))

    bulk_rows = 40000 if journal == "-journal" else 40001  # importing.BULK_ROWS
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(big), str(bulk_rows)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.startswith("HALF"), line + child.stderr.read()
        written = Path(str(db) + journal)
        assert written.exists() and written.stat().st_size > 0, "the killed import had written nothing yet"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    assert snapshot(db) == before
