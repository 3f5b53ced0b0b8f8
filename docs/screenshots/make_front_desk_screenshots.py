"""Screenshot of the print center as the front desk sees it, sized for a 1366x768 screen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_front_desk_screenshots.py

Uses a fresh demo database in a temporary folder, whose seeded requests' letters wait in the
print center (a denial among them); the front desk signs in. Their window has the
print center only: recipient, address, letter kind and student name, the top of page 1 as the
preview, "Print selected" but no "Open as PDF" and no annual notice. Then the same as the
counselor sees it, with both. Writes docs/screenshots/print-center-front-desk.png and
print-center.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = Path(__file__).resolve().parent


def main() -> int:
    app = QApplication(sys.argv[:1])
    from mocap_desktop.app import build_main_window
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import sign_in

    folder = DataDir(Path(tempfile.mkdtemp(prefix="mocap-desk-shots-"))).ensure()
    for login, name in (("frontdesk", "print-center-front-desk.png"), ("counselor", "print-center.png")):
        session = sign_in(folder, login, f"demo-{login}", demo=True)
        window = build_main_window(session)
        window.resize(1366, 768)
        window.show()
        window.show_area("print")
        center = window.print_center
        model = center.model
        denied = next((n for n in range(model.rowCount()) if model.index(n, 0).data() == "Denied"), 0)
        center.table.selectRow(denied)
        center.table.setFocus()
        for _ in range(10):
            app.processEvents()
        front_desk = login == "frontdesk"
        assert center.open_button.isVisible() != front_desk and center.annual_button.isVisible() != front_desk
        window.grab().save(str(OUT / name))
        print("wrote", OUT / name)
        window.close()
        session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
