"""A screenshot of a request's detail with its "Enrollment with the provider" section (each
approved course's transcript line, what was recorded and its moves), on a 1366x768 screen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_tracking_screenshot.py

Uses a fresh demo database in a temporary folder, signed in as the demo counselor; writes
docs/screenshots/review-detail-enrollment-tracking.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QGroupBox  # noqa: E402

OUT = Path(__file__).resolve().parent


def main() -> int:
    app = QApplication(sys.argv[:1])
    from mocap_desktop import app as app_module
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import open_session

    folder = Path(tempfile.mkdtemp(prefix="mocap-tracking-shot-"))
    session = open_session(DataDir(folder).ensure(), demo=True, login="counselor", password="demo-counselor")
    store = session.store
    window = app_module.build_main_window(session)
    window.resize(1366, 768)
    window.show()
    # The request whose courses are furthest along with the provider, most courses first.
    request_id = store.query(
        "SELECT request_id AS id FROM course_enrollments GROUP BY request_id "
        "ORDER BY count(DISTINCT status) DESC, request_id LIMIT 1")[0]["id"]
    detail = app_module.open_request_detail(window, session, request_id, "Dana Whitfield")
    detail.resize(1100, 760)
    for _ in range(5):
        app.processEvents()
    tracking = [b for b in detail.findChildren(QGroupBox, "trackingBox") if b.isVisible()]
    detail.tabs.currentWidget().ensureWidgetVisible(tracking[0], 0, 0)  # the Request tab scrolls
    for _ in range(5):
        app.processEvents()
    name = "review-detail-enrollment-tracking.png"
    detail.grab().save(str(OUT / name))
    print("wrote", OUT / name)
    detail.close()
    window.close()
    session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
