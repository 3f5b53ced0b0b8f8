"""Screenshots of the dashboard (the board's figures for the demo's full 2025-26 school year,
with its charts) on a 1366x768 screen, and of the board report PDF's first page.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_dashboard_screenshot.py

Uses a fresh demo database in a temporary folder, signed in as the demo principal; writes
docs/screenshots/dashboard.png and docs/screenshots/board-report-N.png, one per page (needs pdftoppm).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = Path(__file__).resolve().parent


def main() -> int:
    app = QApplication(sys.argv[:1])
    from mocap_desktop import app as app_module
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.board_report import save_board_report
    from mocap_desktop.services.session import open_session

    folder = Path(tempfile.mkdtemp(prefix="mocap-dashboard-shot-"))
    session = open_session(DataDir(folder).ensure(), demo=True, login="principal", password="demo-principal")
    window = app_module.build_main_window(session)
    window.resize(1366, 768)
    window.show()
    window.show_area("dashboard")
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(OUT / "dashboard.png"))
    print("wrote", OUT / "dashboard.png")
    pdf = folder / "board.pdf"
    save_board_report(session.store, window.dashboard.presenter.year, pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(OUT / "board-report")], check=True)
        print("wrote", ", ".join(str(p) for p in sorted(OUT.glob("board-report-*.png"))))
    session.close()
    window.close()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
