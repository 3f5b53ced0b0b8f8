"""Type-ahead search in the store at 100,000 and 1,000,000 synthetic students.

    .venv/bin/python bench/bench_search.py [--sizes 100000 1000000] [--keep DIR]

The rosters are generated straight into SQLite (executemany, then the search index), kept in
DIR (default: a folder under the system temp folder) so a second run starts at once, and searched
encrypted, as the app opens its database (an encrypted copy of each is kept beside it); the
plain file's figures are printed too.
Queries are what a counselor types, one keystroke at a time: prefixes of last names, of
"first last" and "last first", of local numbers and MOSIS IDs. Prints p50/p95/max per size
and the Python memory a search session allocates (it must not grow with the roster), and next to
it the limit, measured in the same run: a bare prefix query of each query's first word on one
NOCASE index of the same students' last names in a plain SQLite file (one word, one name, no
ranking by the other words: a floor, not a like-for-like search). Invented people only.
"""

from __future__ import annotations

import argparse
import sqlite3
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402

from mocap_desktop.store import open_store  # noqa: E402
from mocap_desktop.store.db import encrypt_copy  # noqa: E402
from mocap_desktop.store.search_keys import fold  # noqa: E402
from mocap_desktop.store.students import StudentRepo  # noqa: E402


def roster_db(folder: Path, n: int) -> Path:
    path = folder / f"roster-{n}.sqlite"
    if path.exists():
        return path
    partial = folder / f"roster-{n}.partial.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    start = time.perf_counter()
    store = open_store(partial)
    store.conn.execute("PRAGMA cache_size = -262144")
    synth.fill_store(store, n)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    partial.rename(path)
    print(f"  generated {n:,} students in {time.perf_counter() - start:.0f} s")
    return path


def keystrokes(n: int, count: int = 400, seed: int = 11) -> list[str]:
    """Queries as typed: every prefix of a few names and numbers of students in the roster."""
    rng = random.Random(seed)
    sample_ids = sorted(rng.sample(range(n), 60))
    people = {}
    for i, p in enumerate(synth.people(max(sample_ids) + 1)):
        if i in people or i in sample_ids:
            people[i] = p
    queries: list[str] = []
    for i in sample_ids:
        local, mosis, last, first = people[i][:4]
        form = rng.choice(["last", "last", "first last", "last first", "local", "mosis"])
        text = {"last": last, "first last": f"{first} {last}", "last first": f"{last} {first}",
                "local": local, "mosis": mosis}[form]
        typed = fold(text)  # as typed on a US keyboard: no accents
        queries += [typed[:k] for k in range(1, min(len(typed), 12) + 1) if typed[k - 1] != " "]
    return queries[:count]


KEY = bytes(range(32))  # the encrypted copies' key: a benchmark's, not a secret


def encrypted_db(folder: Path, n: int, plain: Path) -> Path:
    """An encrypted copy of the roster (SQLCipher's export), as the office database is."""
    path = folder / f"roster-{n}.encrypted.sqlite"
    if not path.exists():
        partial = folder / f"roster-{n}.encrypted.partial.sqlite"
        encrypt_copy(plain, partial, KEY)
        partial.rename(path)
    return path


def measure(path: Path, queries: list[str], key: bytes | None = None) -> dict:
    store = open_store(path, key=key)
    repo = StudentRepo(store)
    for q in queries:  # warm the page cache as a session in use would be
        repo.search(q, limit=50)
    times = []
    for q in queries:
        start = time.perf_counter()
        page = repo.search(q, limit=50)
        times.append(time.perf_counter() - start)
        assert len(page.rows) <= 50
    tracemalloc.start()  # a separate pass: tracing slows every allocation down
    for q in queries:
        repo.search(q, limit=50)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    store.close()
    times.sort()
    return {"p50": statistics.median(times) * 1000, "p95": times[int(len(times) * 0.95)] * 1000,
            "max": times[-1] * 1000, "peak_kib": peak / 1024}


def bare_db(folder: Path, n: int, roster: Path) -> Path:
    """The limit's file: the same students' names and grades, one NOCASE index on last names."""
    path = folder / f"bare-{n}.sqlite"
    if path.exists():
        return path
    store = open_store(roster)
    partial = folder / f"bare-{n}.partial.sqlite"
    partial.unlink(missing_ok=True)
    bare = sqlite3.connect(partial)
    bare.execute("CREATE TABLE students (id INTEGER PRIMARY KEY, last_name TEXT, first_name TEXT, "
                 "grade TEXT, local_number TEXT)")
    bare.executemany("INSERT INTO students VALUES (?, ?, ?, ?, ?)", store.conn.execute(
        "SELECT id, last_name, first_name, grade, local_number FROM students"))
    bare.execute("CREATE INDEX students_last ON students (last_name COLLATE NOCASE, id)")
    bare.commit()
    bare.close()
    store.close()
    partial.rename(path)
    return path


def measure_bare(path: Path, queries: list[str]) -> dict:
    conn = sqlite3.connect(path)
    sql = ("SELECT id, last_name, first_name, grade, local_number FROM students WHERE last_name >= ? "
           "COLLATE NOCASE AND last_name < ? COLLATE NOCASE ORDER BY last_name COLLATE NOCASE, id "
           "LIMIT 50")
    words = [q.split()[0] for q in queries]
    for w in words:
        conn.execute(sql, (w, w + "\U0010ffff")).fetchall()
    times = []
    for w in words:
        start = time.perf_counter()
        conn.execute(sql, (w, w + "\U0010ffff")).fetchall()
        times.append(time.perf_counter() - start)
    conn.close()
    times.sort()
    return {"p50": statistics.median(times) * 1000, "p95": times[int(len(times) * 0.95)] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "mocap-bench")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    targets = {100_000: 0.5, 1_000_000: 1.0}
    for n in args.sizes:
        print(f"{n:,} students:")
        path = roster_db(args.keep, n)
        queries = keystrokes(n)
        r = measure(encrypted_db(args.keep, n, path), queries, KEY)
        target = targets.get(n)
        print(f"  {len(queries)} keystroke queries, encrypted as the app's: p50 {r['p50']:.2f} ms · "
              f"p95 {r['p95']:.2f} ms · max {r['max']:.2f} ms"
              + (f"  (goal p95 ≤ {target:g} ms)" if target else ""))
        print(f"  Python memory allocated at peak during the session: {r['peak_kib']:.0f} KiB")
        plain = measure(path, queries)
        print(f"  the same file unencrypted: p50 {plain['p50']:.2f} ms · p95 {plain['p95']:.2f} ms")
        bare = measure_bare(bare_db(args.keep, n, path), queries)
        print(f"  limit, a bare NOCASE-index prefix query of the first word: p50 {bare['p50']:.2f} ms · "
              f"p95 {bare['p95']:.2f} ms (the search's p95: {r['p95'] / bare['p95']:.1f}× the limit)")


if __name__ == "__main__":
    main()
