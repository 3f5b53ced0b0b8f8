"""A 100,000-student OneRoster 1.2 zip through the CLI: users (students and their guardians),
roles, relationships, demographics and orgs, as an SIS or Clever/ClassLink export holds them.

    .venv/bin/python bench/bench_import_oneroster.py [--students 100000]

Prints students per second for a first import and for the same set again (nothing changes),
sign-in and start-up included. Invented people only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402
from bench_import import ADMIN, run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=100_000)
    args = parser.parse_args()
    n = args.students
    with tempfile.TemporaryDirectory(prefix="mocap-bench-oneroster-") as tmp:
        folder = Path(tmp)
        path = synth.write_oneroster(folder / "oneroster-1.2.zip", n)
        print(f"set: {n:,} students in a OneRoster 1.2 zip of {path.stat().st_size / 1e6:.1f} MB "
              "(users with guardians, roles, relationships, demographics, orgs)")
        data = ["--data-dir", str(folder / "data")]
        run(["init", "--admin", ADMIN["MOCAP_USER"], *data])
        for label in ("first import", "same set again"):
            elapsed, summary = run(["import-roster", str(path), *data])
            print(f"{label:>15}: {elapsed:6.2f} s  {n / elapsed:9,.0f} students/s   {summary}")
        print("target: at least 20,000 students/s for the first import")


if __name__ == "__main__":
    main()
