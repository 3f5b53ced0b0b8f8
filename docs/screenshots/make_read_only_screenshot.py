"""The window on a database that cannot be written (here a read-only copy of the demo file):
docs/screenshots/read-only.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_read_only_screenshot.py
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

OUT = Path(__file__).resolve().parent


def main() -> int:
    app = QApplication(sys.argv[:1])
    from mocap_desktop.app import build_main_window
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import sign_in
    from mocap_desktop.ui.presenters.lookup import LookupPresenter

    folder = DataDir(Path(tempfile.mkdtemp(prefix="mocap-read-only-shot-"))).ensure()
    sign_in(folder, "counselor", "demo-counselor", demo=True).close()  # sets the demo district up
    database = folder.database(True)
    os.chmod(database, stat.S_IRUSR | stat.S_IRGRP)
    session = sign_in(folder, "counselor", "demo-counselor", demo=True)
    window = build_main_window(session)
    window.resize(1366, 720)
    window.show()
    lookup = next(p for p in window.presenters if isinstance(p, LookupPresenter))
    lookup.search_changed("king")
    lookup.student_selected(session.store.query("SELECT id FROM students WHERE last_name = 'King' LIMIT 1")[0]["id"])
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(OUT / "read-only.png"))
    print("wrote", OUT / "read-only.png")
    session.close()
    os.chmod(database, stat.S_IRUSR | stat.S_IWUSR)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
