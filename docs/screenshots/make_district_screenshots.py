"""District mode in the window, on a real PostgreSQL server started here (tests/pgserver.py):
the demo district's principal on office A while office B (a copy that took the record) works
too. docs/screenshots/district-up-to-date.png, district-offline.png, district-refused.png and
district-refused-list.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_district_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

OUT = Path(__file__).resolve().parent
ROOT = OUT.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def wait(app, until, seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while not until() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()


def main() -> int:
    app = QApplication(sys.argv[:1])
    from pgserver import PgServer

    from mocap_desktop.app import build_main_window, start_district_sync
    from mocap_desktop.core.access import User
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services import district, review
    from mocap_desktop.services.session import sign_in
    from mocap_desktop.store import open_store
    from mocap_desktop.ui.views.district import RefusedChangesDialog

    pg = PgServer(Path(tempfile.mkdtemp(prefix="mocap-pg-"))).init()
    try:
        url = pg.create_database()
        district.init_server(url)
        folder = DataDir(Path(tempfile.mkdtemp(prefix="mocap-district-shot-"))).ensure()
        admin = sign_in(folder, "admin", "demo-admin", demo=True)
        district.join(admin.store, pg.add_login("office_a", "shot-a-1", "mocap_administrator"), pc_name="Main office")
        admin.close()
        b = open_store(Path(tempfile.mkdtemp(prefix="mocap-district-b-")) / "mocap.sqlite")
        district.join(b, pg.add_login("office_b", "shot-b-1", "mocap_decider"), pc_name="High school office")

        session = sign_in(folder, "principal", "demo-principal", demo=True)
        window = build_main_window(session)
        window.resize(1366, 720)
        window.show()
        window.nav.setCurrentRow(1)
        worker = start_district_sync(window, session, retry_s=2, wait_s=0.2)
        button = window.sync_status
        wait(app, lambda: button.text() == "District: up to date")
        window.grab().save(str(OUT / "district-up-to-date.png"))

        # both offices decide the same request while the server is down
        open_request = session.store.query(
            "SELECT r.id, r.reference FROM requests r JOIN request_courses c ON c.request_id = r.id "
            "WHERE r.status IN ('submitted', 'in_review') AND r.routing = 'building_review' "
            "AND r.pathway = 'part_time' GROUP BY r.id ORDER BY r.id LIMIT 1")[0]
        pg.stop()
        wait(app, lambda: button.text().startswith("District: offline since"))
        decide(session.store, open_request["id"], session.user, "approved", review)
        wait(app, lambda: "waiting" in button.text())
        button.setFocus()
        window.grab().save(str(OUT / "district-offline.png"))
        on_b = b.conn.execute("SELECT id FROM requests WHERE reference = ?", (open_request["reference"],)).fetchone()[0]
        decide(b, on_b, User("designee", "Marcus Bell", "decider"), "denied", review)
        pg.start()
        district.sync_round(b)  # the high school office reaches the server first
        wait(app, lambda: "refused" in button.text(), 15)
        window.grab().save(str(OUT / "district-refused.png"))
        shown = []
        RefusedChangesDialog.exec = lambda self: shown.append(self) or 0
        button.click()
        dialog = shown[0]
        dialog.show()
        wait(app, lambda: True)
        dialog.grab().save(str(OUT / "district-refused-list.png"))
        worker.stop()
        session.close()
        b.close()
    finally:
        pg.stop()
    for name in ("district-up-to-date", "district-offline", "district-refused", "district-refused-list"):
        print("wrote", OUT / f"{name}.png")
    return 0


def decide(store, request_id, user, outcome, review) -> None:
    courses = {r["code"]: outcome for r in store.query(
        "SELECT code FROM request_courses WHERE request_id = ?", (request_id,))}
    before = store.user
    store.user = user
    try:
        review.record_decision(store, request_id, review.DecisionForm(
            courses, "principal", user.name, ("ACADEMIC_READINESS",) if outcome == "denied" else (),
            "Needs Algebra I first." if outcome == "denied" else "", True, date.today()), user.name, letter=False)
    finally:
        store.user = before


if __name__ == "__main__":
    raise SystemExit(main())
