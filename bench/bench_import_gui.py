"""The import dialog on a 100,000-row roster: how long the import takes from the Import button
to "Imported.", and how long the window goes without answering meanwhile (a 20 ms timer in
the GUI thread; the import runs on a worker thread).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_import_gui.py [--rows 100000] [--oneroster]

`--oneroster`: the roster as a OneRoster 1.2 zip of that many students (with guardians, roles,
relationships, demographics and orgs) instead of one CSV.

Invented people only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--oneroster", action="store_true")
    args = parser.parse_args()

    from PySide6.QtCore import QTimer

    from mocap_desktop import app as app_module
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import set_up

    app = app_module._application()  # as the app sets itself up
    with tempfile.TemporaryDirectory(prefix="mocap-bench-import-gui-") as tmp:
        folder = Path(tmp)
        roster = (synth.write_oneroster(folder / "oneroster.zip", args.rows) if args.oneroster
                  else synth.write_csv(folder / "roster.csv", args.rows))
        session, _ = set_up(DataDir(folder / "data").ensure(), "bench", "Bench", "benchmark password")
        window = app_module.build_main_window(session)
        window.resize(1366, 768)
        window.show()
        dialog = app_module.open_import_dialog(window, session, path=roster)
        for _ in range(10):
            app.processEvents()

        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.timeout.connect(tick)
        timer.start(20)
        start = last[0] = time.perf_counter()
        dialog.presenter.import_requested(False)
        while "Imported" not in dialog.message.text() and time.perf_counter() - start < 300:
            app.processEvents()
            time.sleep(0.002)
        elapsed = time.perf_counter() - start
        timer.stop()
        gaps.sort()
        print(f"import dialog, {args.rows:,} rows: {elapsed:.2f} s ({args.rows / elapsed:,.0f} rows/s)  "
              f"{dialog.message.text()[:90]}")
        print(f"window answering every {20} ms asked: p50 {gaps[len(gaps) // 2] * 1000:.0f} ms, "
              f"p95 {gaps[int(len(gaps) * 0.95)] * 1000:.0f} ms, longest wait {gaps[-1] * 1000:.0f} ms")
        dialog.close()
        window.close()
        session.close()


if __name__ == "__main__":
    main()
