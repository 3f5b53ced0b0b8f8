"""A 100,000-student OneRoster 1.2 zip through the CLI: users (students and their guardians),
roles, relationships, demographics and orgs, as an SIS or Clever/ClassLink export holds them.

    .venv/bin/python bench/bench_import_oneroster.py [--students 100000] [--no-csv]

Prints students per second and peak memory (RSS) for a first import and for the same set again (nothing changes),
sign-in and start-up included, next to the target; then, unless --no-csv, what a first import
of the same students as a plain SIS CSV reaches on the same machine in the same run. Invented
people only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import import ADMIN, make, run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--no-csv", action="store_true", help="leave out the plain SIS CSV import")
    args = parser.parse_args()
    n = args.students
    with tempfile.TemporaryDirectory(prefix="mocap-bench-oneroster-") as tmp:
        folder = Path(tmp)
        path = make("write_oneroster", folder / "oneroster-1.2.zip", n)
        print(f"set: {n:,} students in a OneRoster 1.2 zip of {path.stat().st_size / 1e6:.1f} MB "
              "(users with guardians, roles, relationships, demographics, orgs)")
        data = ["--data-dir", str(folder / "data")]
        run(["init", "--admin", ADMIN["MOCAP_USER"], *data])
        first = 0.0
        for label in ("first import", "same set again"):
            elapsed, summary, rss = run(["import-roster", str(path), *data])
            first = first or elapsed
            print(f"{label:>15}: {elapsed:6.2f} s  {n / elapsed:9,.0f} students/s  "
                  f"peak {rss:4.0f} MiB   {summary}")
        print(f"first import {n / first:,.0f} students/s; target: at least 20,000 students/s")
        if not args.no_csv:
            csv_path = make("write_csv", folder / "roster.csv", n)
            data = ["--data-dir", str(folder / "data-csv")]
            run(["init", "--admin", ADMIN["MOCAP_USER"], *data])
            elapsed, _, rss = run(["import-roster", str(csv_path), *data])
            print(f"the same students as a plain SIS CSV, first import: {elapsed:.2f} s, "
                  f"{n / elapsed:,.0f} rows/s, peak {rss:.0f} MiB (OneRoster: {first / elapsed:.2f} "
                  "times as long)")


if __name__ == "__main__":
    main()
