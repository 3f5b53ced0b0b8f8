"""Screenshots of File → Import roster… after "Check rows": a PowerSchool-style export with a
byte-order mark and one bad MOSIS ID (tests/data/roster/powerschool-bom.csv), and a OneRoster
1.2 folder with a pre-kindergarten student (tests/data/roster/oneroster-1.2); invented people.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_import_screenshot.py

Uses a fresh demo database in a temporary folder; writes docs/screenshots/import-dialog.png
and import-dialog-oneroster.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = Path(__file__).resolve().parent
ROSTER = OUT.parents[1] / "tests" / "data" / "roster" / "powerschool-bom.csv"
ONEROSTER = OUT.parents[1] / "tests" / "data" / "roster" / "oneroster-1.2" / "users.csv"


def main() -> int:
    app = QApplication(sys.argv[:1])
    from mocap_desktop import app as app_module
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import open_session

    folder = Path(tempfile.mkdtemp(prefix="mocap-import-shot-"))
    session = open_session(DataDir(folder).ensure(), demo=True)  # the administrator imports
    window = app_module.build_main_window(session)
    window.resize(1366, 728)
    window.show()
    for path, name in ((ROSTER, "import-dialog.png"), (ONEROSTER, "import-dialog-oneroster.png")):
        dialog = app_module.open_import_dialog(window, session, path=path)
        dialog.resize(1180, 700)
        dialog.presenter.check_requested()
        dialog.runner.wait()
        for _ in range(10):
            app.processEvents()
        dialog.grab().save(str(OUT / name))
        print("wrote", OUT / name)
        dialog.close()
    session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
