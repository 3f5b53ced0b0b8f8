"""Import speed end to end through the CLI: a 100,000-row synthetic SIS export.

    .venv/bin/python bench/bench_import.py [--rows 100000]

Prints rows per second for a first import, a re-import of the same file (nothing changes) and
an updated file (one row in ten changed). Invented people only.
"""

from __future__ import annotations

import argparse
import csv
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


def run(args: list[str]) -> tuple[float, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **ADMIN}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mocap_desktop", *args], capture_output=True,
                            text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"import failed ({result.returncode}): {result.stderr[-2000:]}")
    lines = result.stdout.strip().splitlines()
    return elapsed, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    n = args.rows
    with tempfile.TemporaryDirectory(prefix="mocap-bench-import-") as tmp:
        folder = Path(tmp)
        path = synth.write_csv(folder / "roster.csv", n)
        size = path.stat().st_size
        print(f"file: {n:,} rows, {len(synth.HEADER)} columns, {size / 1e6:.1f} MB (UTF-8 CSV)")
        data = ["--data-dir", str(folder / "data")]
        run(["init", "--admin", ADMIN["MOCAP_USER"], *data])
        startup, _ = run(["students", "search", "x", *data])
        print(f"CLI start-up and sign-in with an empty database: {startup:.2f} s")
        for label, file in (("first import", path), ("same file again", path)):
            elapsed, summary = run(["import-roster", str(file), *data])
            print(f"{label:>16}: {elapsed:6.2f} s  {n / elapsed:9,.0f} rows/s   {summary}")
        rows = list(csv.reader(open(path, encoding="utf-8")))
        for row in rows[1::10]:
            row[7] = "12" if row[7] != "12" else "11"
        changed = folder / "roster-updated.csv"
        with open(changed, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
        elapsed, summary = run(["import-roster", str(changed), *data])
        print(f"{'updated file':>16}: {elapsed:6.2f} s  {n / elapsed:9,.0f} rows/s   {summary}")
        print("target: at least 20,000 rows/s for the first import")


if __name__ == "__main__":
    main()
