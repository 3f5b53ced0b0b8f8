"""Import speed and memory end to end through the CLI: a 100,000-row synthetic SIS export.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--runs 5] [--bundle build/dist/mocap-desktop/mocap-desktop]

Prints rows per second and the process's peak memory (RSS) for a first import (the median of
--runs, each into a new database: the machine's minutes differ), a re-import of the same file
(nothing changes) and an updated file (one row in ten changed); with --bundle, the first import
and the re-import by the frozen program too (what an office runs), taking turns with the
source's; then, measured in the same run, what the libraries reach with the same rows (no
checks, no search index, no audit): sqlite-utils `insert_all` of dicts and a bare `executemany`
of tuples, each into a plain and an encrypted file. Invented people only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402

# The office database is encrypted and needs a person: the benchmark sets one up with `init`.
ADMIN = {"MOCAP_USER": "bench", "MOCAP_PASSWORD": "benchmark password"}

# The limits: the same rows into one table, the way sqlite-utils does it best (`insert_all` of
# dicts), and a bare `executemany` of tuples, into a plain or an encrypted file.
LIMIT = """
import csv, sys, time, sqlite3, sqlite_utils, sqlcipher3
how, target = sys.argv[3], sys.argv[2]
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
header, rows = rows[0], rows[1:]
if how.endswith("encrypted"):
    conn = sqlcipher3.connect(target)
    key = "x'" + "ab" * 32 + "'"
    conn.execute(f'PRAGMA key = "{key}"')
else:
    conn = sqlite3.connect(target)
start = time.perf_counter()
if how.startswith("insert_all"):
    sqlite_utils.Database(conn)["students"].insert_all(
        (dict(zip(header, r)) for r in rows), pk=header[0], batch_size=1000)
else:
    conn.execute(f"CREATE TABLE students ({', '.join(f'c{i} TEXT' for i in range(len(header)))}, "
                 "PRIMARY KEY (c0))")
    conn.executemany(f"INSERT INTO students VALUES ({', '.join('?' * len(header))})", rows)
conn.commit()
print(time.perf_counter() - start)
"""


# Files are made in a process of their own: a child started from a big parent process would
# count the parent's memory in its peak (Linux keeps the high-water mark across exec).
MAKE = """
import csv, sys
sys.path.insert(0, sys.argv[1])
import synth
what, path, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
if what == "updated":  # one row in ten changed: the grade
    rows = list(csv.reader(open(sys.argv[5], encoding="utf-8")))
    for row in rows[1::10]:
        row[7] = "12" if row[7] != "12" else "11"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
else:
    getattr(synth, what)(path, n)
"""


def make(what: str, path: Path, n: int, *args: str) -> Path:
    """`synth.<what>(path, n)` (or "updated": a copy of args[0] with a row in ten changed)."""
    subprocess.run([sys.executable, "-c", MAKE, str(Path(__file__).resolve().parent), what,
                    str(path), str(n), *args], check=True)
    return Path(path)


def run(args: list[str], module: bool = True, program: str | None = None) -> tuple[float, str, float]:
    """(seconds, the last line printed, peak RSS in MiB) of one process: the CLI from source, or
    `program` (the frozen bundle), or with `module` false Python running `args`."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **ADMIN}
    command = [program, *args] if program else \
        [sys.executable, "-m", "mocap_desktop", *args] if module else [sys.executable, *args]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{command[1:4]} failed: {err.read()[-2000:]}")
        lines = out.read().strip().splitlines()
    return elapsed, lines[-1] if lines else "", usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="first imports, each into a new database (the median)")
    parser.add_argument("--bundle", metavar="PROGRAM",
                        help="the frozen program too (build/dist/mocap-desktop/mocap-desktop)")
    args = parser.parse_args()
    n = args.rows
    with tempfile.TemporaryDirectory(prefix="mocap-bench-import-") as tmp:
        folder = Path(tmp)
        path = make("write_csv", folder / "roster.csv", n)
        size = path.stat().st_size
        print(f"file: {n:,} rows, {len(synth.HEADER)} columns, {size / 1e6:.1f} MB (UTF-8 CSV)")
        firsts = []
        for turn in range(args.runs):  # each into a new database
            data = ["--data-dir", str(folder / f"data-{turn}")]
            run(["init", "--admin", ADMIN["MOCAP_USER"], *data])
            if turn == 0:
                startup, _, _ = run(["students", "search", "x", *data])
                print(f"CLI start-up and sign-in with an empty database: {startup:.2f} s")
            firsts.append(run(["import-roster", str(path), *data]))
        first, summary, _ = sorted(firsts)[len(firsts) // 2]
        rss = max(r for _, _, r in firsts)
        spread = (f"median of {len(firsts)}: {min(firsts)[0]:.2f}–{max(firsts)[0]:.2f} s"
                  if len(firsts) > 1 else "one run")
        print(f"{'first import':>16}: {first:6.2f} s  {n / first:9,.0f} rows/s  peak {rss:4.0f} MiB   "
              f"({spread})   {summary}")
        elapsed, summary, rss = run(["import-roster", str(path), *data])
        print(f"{'same file again':>16}: {elapsed:6.2f} s  {n / elapsed:9,.0f} rows/s  peak {rss:4.0f} MiB   {summary}")
        if args.bundle:
            program = str(Path(args.bundle).resolve())
            for turn in (1, 2):  # taking turns, each into a database of its own
                for label, command in (("source", None), ("bundle", program)):
                    own = ["--data-dir", str(folder / f"turn-{turn}-{label}")]
                    run(["init", "--admin", ADMIN["MOCAP_USER"], *own], program=command)
                    for what in ("first import", "again"):
                        elapsed, _, rss = run(["import-roster", str(path), *own], program=command)
                        print(f"{label + ', ' + what:>22}: {elapsed:6.2f} s  {n / elapsed:9,.0f} rows/s  "
                              f"peak {rss:4.0f} MiB")
        changed = make("updated", folder / "roster-updated.csv", n, str(path))
        elapsed, summary, rss = run(["import-roster", str(changed), *data])
        print(f"{'updated file':>16}: {elapsed:6.2f} s  {n / elapsed:9,.0f} rows/s  peak {rss:4.0f} MiB   {summary}")
        for how, what in (("insert_all", "sqlite-utils insert_all into a plain file"),
                          ("insert_all-encrypted", "sqlite-utils insert_all into an encrypted file"),
                          ("executemany", "bare executemany into a plain file"),
                          ("executemany-encrypted", "bare executemany into an encrypted file")):
            _, seconds, rss = run(["-c", LIMIT, str(path), str(folder / f"limit-{how}.db"), how],
                                  module=False)
            rate = n / float(seconds)
            print(f"limit, {what}: {float(seconds):.2f} s, {rate:,.0f} rows/s, peak {rss:.0f} MiB "
                  f"(the first import takes {first / float(seconds):.1f}× as long)")
        print("goals: at least 50,000 rows/s for the first import, peak under 150 MiB")


if __name__ == "__main__":
    main()
