"""Screenshot of the print center as the front desk sees it, sized for a 1366x768 screen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_front_desk_screenshots.py

Uses a fresh demo database in a temporary folder: the counselor queues the letters of the
decided requests (a denial among them), then the front desk signs in. Their window has the
print center only: recipient, address, letter kind and student name, the top of page 1 as the
preview, "Print selected" but no "Open as PDF" and no annual notice. Writes
docs/screenshots/print-center-front-desk.png.
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
    from mocap_desktop.services import letters
    from mocap_desktop.services.session import sign_in

    folder = DataDir(Path(tempfile.mkdtemp(prefix="mocap-desk-shots-"))).ensure()
    counselor = sign_in(folder, "counselor", "demo-counselor", demo=True)
    for row in counselor.store.query("SELECT id, status FROM requests WHERE pathway = 'part_time' AND status IN "
                                     "('submitted', 'approved', 'partially_approved', 'denied') ORDER BY id"):
        kind = "received" if row["status"] == "submitted" else row["status"]
        try:
            letters.queue_request_letter(counselor.store, row["id"], kind)
        except letters.LetterDataError as err:
            print("no letter for request", row["id"], err)
    counselor.close()

    session = sign_in(folder, "frontdesk", "demo-frontdesk", demo=True)
    window = build_main_window(session)
    window.resize(1366, 768)
    window.show()
    center = window.print_center
    model = center.model
    denied = next((n for n in range(model.rowCount()) if model.index(n, 0).data() == "Denied"), 0)
    center.table.selectRow(denied)
    center.table.setFocus()
    for _ in range(10):
        app.processEvents()
    assert not center.open_button.isVisible() and not center.annual_button.isVisible()
    window.grab().save(str(OUT / "print-center-front-desk.png"))
    print("wrote", OUT / "print-center-front-desk.png")
    window.close()
    session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
