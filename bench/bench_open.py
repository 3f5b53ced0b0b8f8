"""Opening the database: does it cost the same on a file that grew with use?

    .venv/bin/python bench/bench_open.py [--runs 50] [--opens 7]

The demo district's encrypted file is opened (`open_store`, the path every sign-in and command
takes) on a fresh copy, then again after `--runs` annual-notice runs have made it grow (each run
keeps its PDF and its 2,000 letters and disclosures). The figure: median open time of each, side
by side, with the file sizes; the goal (issue 17) is the same time on both. A file larger than
FULL_CHECK_AT_OPEN_BYTES gets the cheap checks at open and the full one in the background.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_open_ms(path: Path, key: bytes, opens: int) -> float:
    from mocap_desktop.store import open_store

    times = []
    for _ in range(opens):
        start = time.perf_counter()
        open_store(path, key=key).close()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="annual-notice runs that grow the file (default 50)")
    parser.add_argument("--opens", type=int, default=7, help="opens measured for each median (default 7)")
    args = parser.parse_args()

    from mocap_desktop.paths import DataDir
    from mocap_desktop.services import letters
    from mocap_desktop.services.session import sign_in
    from mocap_desktop.store.db import FULL_CHECK_AT_OPEN_BYTES

    folder = DataDir(Path(tempfile.mkdtemp(prefix="mocap-bench-open-"))).ensure()
    session = sign_in(folder, "counselor", "demo-counselor", demo=True)
    path, key = session.store.path, session._key
    session.close()
    fresh_mb = path.stat().st_size / 2**20
    fresh = median_open_ms(path, key, args.opens)
    print(f"fresh demo file: {fresh_mb:.1f} MB, open {fresh:.1f} ms (median of {args.opens})", flush=True)

    started = time.perf_counter()
    for run in range(args.runs):
        session = sign_in(folder, "counselor", "demo-counselor", demo=True)
        letters.annual_notice(session.store, Path(folder.root) / f"annual-{run}.pdf")
        session.close()
        (Path(folder.root) / f"annual-{run}.pdf").unlink()
    grown_mb = path.stat().st_size / 2**20
    grown = median_open_ms(path, key, args.opens)
    print(f"after {args.runs} annual-notice runs ({time.perf_counter() - started:.0f} s): {grown_mb:.1f} MB, "
          f"open {grown:.1f} ms (median of {args.opens})")
    print(f"open time, grown / fresh: {grown / fresh:.2f}× (goal: 1×; full check at open up to "
          f"{FULL_CHECK_AT_OPEN_BYTES / 2**20:.0f} MB, in the background above)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
