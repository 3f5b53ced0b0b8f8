"""District mode on a real PostgreSQL server (started here, as the tests do: tests/pgserver.py).

Prints:
- the first sync of a 100,000-student district to a new PC (goal: under 60 s), next to a bare
  copy of the same rows (psycopg fetch, plain SQLite executemany) measured in the same run;
- a decision made on one PC, visible on another online PC (p50, p95; goal p95 under 2 s);
- the cost of district mode on an everyday write: a request submitted on a joined PC and on a
  one-PC copy (the push runs in the background: goal no slower).

Run: .venv/bin/python bench/bench_district.py [--students 100000] [--decisions 20]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from pgserver import PgServer  # noqa: E402
from review_seed import small_district, submit  # noqa: E402
from synth import fill_store  # noqa: E402

from mocap_desktop.core.access import User  # noqa: E402
from mocap_desktop.services import district, review  # noqa: E402
from mocap_desktop.store import db as db_module  # noqa: E402
from mocap_desktop.store import open_store  # noqa: E402
from mocap_desktop.store.keys import new_database_key  # noqa: E402

PRINCIPAL = User("principal", "Dr. Lena Ortiz", "decider")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def decide(store, request_id: int) -> None:
    store.user = PRINCIPAL
    try:
        review.record_decision(store, request_id, review.DecisionForm(
            {"CHEMA": "approved", "SPAN1A": "approved"}, "principal", PRINCIPAL.name, (), "", True,
            date(2026, 11, 20)), PRINCIPAL.name, letter=False)
    finally:
        store.user = None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mocap-bench-district-"))
    pg = PgServer(Path(tempfile.mkdtemp(prefix="mocap-pg-"))).init()  # its own folder: the server account reaches it
    try:
        url = pg.create_database()
        district.init_server(url)
        a_url = pg.add_login("office_a", "bench-a-1", "mocap_administrator")
        b_url = pg.add_login("office_b", "bench-b-1", "mocap_administrator")

        a = open_store(work / "a" / "mocap.sqlite", key=new_database_key())
        students = small_district(a)
        with a.transaction() as db:  # the seed's MOSIS IDs would meet the synthetic roster's
            db.execute("UPDATE students SET mosis_id = NULL")
        fill_store(a, args.students)
        with a.transaction() as db:  # a guardian for each, as a real roster has
            db.execute("INSERT INTO guardians (student_id, name, relationship, address1, city, state, zip) "
                       "SELECT id, 'Parent of ' || first_name, 'Parent', '1 Main St', 'Maple Valley', 'MO', "
                       "'65999' FROM students WHERE id NOT IN (SELECT student_id FROM guardians)")
        rows = sum(a.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("students", "guardians"))
        started = time.perf_counter()
        district.join(a, a_url, pc_name="Office A")
        upload = time.perf_counter() - started

        b = open_store(work / "b" / "mocap.sqlite", key=new_database_key())
        started = time.perf_counter()
        joined = district.join(b, b_url, pc_name="Office B")
        first_sync = time.perf_counter() - started
        bare = bare_copy(url, work / "bare.sqlite")
        print(f"first sync of a {args.students:,}-student district ({rows:,} students and guardians, "
              f"{joined.round.pulled:,} rows in all) to a new PC: {first_sync:.1f} s "
              f"(goal < 60 s); bare fetch + plain SQLite insert of the same rows: {bare:.1f} s; "
              f"the first office's upload: {upload:.1f} s")

        worker = district.BackgroundSync(b, wait_s=1.0).start()
        try:
            lags = []
            for n in range(args.decisions):
                request = submit(a, students["zoe"] if n % 2 else students["lukasz"], date(2026, 11, 10))
                reference = a.conn.execute("SELECT reference FROM requests WHERE id = ?", (request,)).fetchone()[0]
                decide(a, request)
                started = time.perf_counter()
                district.sync_round(a)
                while b.conn.execute("SELECT status FROM requests WHERE reference = ?",
                                     (reference,)).fetchone() != ("approved",):
                    time.sleep(0.002)
                lags.append(time.perf_counter() - started)
        finally:
            worker.stop()
        print(f"a decision on one PC, visible on another online PC: p50 {statistics.median(lags) * 1000:.0f} ms, "
              f"p95 {p95(lags) * 1000:.0f} ms over {len(lags)} (goal p95 < 2 s)")

        one_pc = open_store(work / "one" / "mocap.sqlite", key=new_database_key())
        solo = small_district(one_pc)
        before = open_store(work / "before" / "mocap.sqlite", key=new_database_key())
        as_before = small_district(before)
        timings = {}
        for label, store, who in (("one PC", one_pc, solo), ("district mode", a, students),
                                  ("before", before, as_before)):
            reads_rows = (lambda db, changes: None) if label == "before" else None
            if reads_rows:  # as every write was before district mode: its rows noted for a subscriber
                db_module.subscribe(reads_rows)
            times = []
            for n in range(40):
                started = time.perf_counter()
                submit(store, who["zoe"], date(2026, 11, 12))
                times.append(time.perf_counter() - started)
            if reads_rows:
                db_module.unsubscribe(reads_rows)
            timings[label] = statistics.median(times) * 1000
        print(f"everyday write (a request submitted), median: district mode {timings['district mode']:.1f} ms, "
              f"one PC {timings['one PC']:.1f} ms; before district mode (every write's rows noted) "
              f"{timings['before']:.1f} ms (goal: no slower than before; the push runs in the background)")
    finally:
        pg.stop()
    return 0


def bare_copy(url: str, dest: Path) -> float:
    """The limit: every row of the record fetched with psycopg and written to a plain SQLite
    table with executemany, no keys translated, no constraints, no search index."""
    import psycopg

    started = time.perf_counter()
    out = sqlite3.connect(dest)
    out.execute("CREATE TABLE records (tbl TEXT, key TEXT, row TEXT)")
    with psycopg.connect(url) as conn, conn.cursor(name="bare") as cur:
        cur.itersize = 5000
        cur.execute("SELECT tbl, key::text, row::text FROM mocap.records")
        while chunk := cur.fetchmany(5000):
            out.executemany("INSERT INTO records VALUES (?, ?, ?)", chunk)
    out.commit()
    out.close()
    return time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main())
