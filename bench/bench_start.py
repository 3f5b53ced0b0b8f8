"""Start-up: from a new Python process to the sign-in window on the screen, against a minimal
PySide6 window measured the same way in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_start.py [--runs 7] [--bundle build/dist/mocap-desktop/mocap-desktop]

Each run is a fresh interpreter (`python -c`), timed from before it starts to the window shown
and its events processed; the figure is the median. Goal (issue 17): at most 2× the minimal window.
Then the program itself, `mocap-desktop --start-only` (the sign-in window shown, then quit), from
source and, with --bundle, the frozen bundle: the bundle no slower than source.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.show(); app.processEvents()
"""

SIGN_IN = """
import tempfile
from pathlib import Path
from mocap_desktop.app import _application
from mocap_desktop.paths import DataDir
from mocap_desktop.ui.presenters.sign_in import SignInPresenter
from mocap_desktop.ui.views.sign_in import SignInDialog
app = _application()
folder = DataDir(Path(tempfile.mkdtemp())).ensure()
dialog = SignInDialog(None, "")
SignInPresenter(dialog, folder, False).start()
dialog.show(); app.processEvents()
"""


def median_seconds(code: str, runs: int) -> float:
    return median_of([sys.executable, "-c", code], runs)


def median_of(command: list[str], runs: int) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bundle", metavar="PROGRAM", help="the frozen program (build/dist/mocap-desktop/mocap-desktop)")
    args = parser.parse_args()
    median_seconds(MINIMAL, 1)  # warm the disk cache for both
    minimal = median_seconds(MINIMAL, args.runs)
    sign_in = median_seconds(SIGN_IN, args.runs)
    print(f"minimal PySide6 window: {minimal:.3f} s (median of {args.runs})")
    print(f"MOCAP Desktop sign-in window: {sign_in:.3f} s ({sign_in / minimal:.2f}× the minimal window; goal ≤ 2×)")
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        where = ["--start-only", "--data-dir", folder]
        source = median_of([sys.executable, "-m", "mocap_desktop", *where], args.runs)
        print(f"mocap-desktop --start-only from source: {source:.3f} s")
        if args.bundle:
            median_of([args.bundle, *where], 1)  # its files read once into the disk cache
            frozen = median_of([args.bundle, *where], args.runs)
            print(f"the frozen bundle: {frozen:.3f} s ({frozen / source:.2f}× source; goal ≤ 1×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
