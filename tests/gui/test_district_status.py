"""District mode in the window: the status bar follows the background sync (up to date,
changes waiting, offline since, a change refused) and the screens show what another PC did
within moments, with nothing on the window's thread waiting for the server."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QDialog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from review_seed import small_district, submit  # noqa: E402

from mocap_desktop import app  # noqa: E402
from mocap_desktop.core.access import SYSTEM, User  # noqa: E402
from mocap_desktop.paths import DataDir  # noqa: E402
from mocap_desktop.services import district, review  # noqa: E402
from mocap_desktop.services.session import Session  # noqa: E402
from mocap_desktop.store import open_store  # noqa: E402
from mocap_desktop.ui.views.district import RefusedChangesDialog  # noqa: E402

PRINCIPAL = User("principal", "Dr. Lena Ortiz", "decider")


def decide(store, request_id, user, outcome):
    store.user = user
    try:
        review.record_decision(store, request_id, review.DecisionForm(
            {"CHEMA": outcome, "SPAN1A": outcome}, "principal", user.name,
            ("ACADEMIC_READINESS",) if outcome == "denied" else (),
            "Needs Algebra I first." if outcome == "denied" else "", True, date(2026, 11, 20)), user.name,
            letter=False)
    finally:
        store.user = None


def offices(district_server, tmp_path):
    """Office A (a small district with one request) joined first; office B's window, joined."""
    pg, url, logins = district_server
    a = open_store(tmp_path / "a" / "mocap.sqlite")
    students = small_district(a)
    request = submit(a, students["zoe"], date(2026, 11, 10))
    district.join(a, logins["mocap_administrator"], pc_name="Office A")
    folder = DataDir(tmp_path / "b").ensure()
    b = open_store(folder.database())
    db = url.rsplit("/", 1)[1]
    district.join(b, pg.add_login(f"{db[:20]}_b", "pw-b-1234", "mocap_administrator", db=db), pc_name="Office B")
    return pg, a, request, Session(folder, b, False, SYSTEM)


def request_on(store, reference):
    return store.conn.execute("SELECT id FROM requests WHERE reference = ?", (reference,)).fetchone()[0]


def test_the_status_bar_follows_the_sync_and_a_decision_on_another_pc_arrives_in_moments(
        qtbot, district_server, tmp_path):
    pg, a, request_a, session = offices(district_server, tmp_path)
    b = session.store
    window = app.build_main_window(session)
    qtbot.addWidget(window)
    window.show()
    worker = app.start_district_sync(window, session, tick_ms=50, retry_s=0.3, wait_s=0.2)
    try:
        button = window.sync_status
        qtbot.waitUntil(lambda: button.text() == "District: up to date", timeout=5000)
        assert button.accessibleName() == "District sync" and "Office B (PC 2)" in button.toolTip()

        # a decision on A reaches B in moments: A's push wakes B (LISTEN/NOTIFY), no poll
        reference = a.conn.execute("SELECT reference FROM requests WHERE id = ?", (request_a,)).fetchone()[0]
        decide(a, request_a, PRINCIPAL, "approved")
        started = time.monotonic()
        district.sync_round(a)
        status = "SELECT status FROM requests WHERE reference = ?"
        qtbot.waitUntil(lambda: b.conn.execute(status, (reference,)).fetchone() == ("approved",), timeout=5000)
        assert time.monotonic() - started < 2.0

        # the server stops: B keeps working, and says since when and what waits
        pg.stop()
        qtbot.waitUntil(lambda: button.text().startswith("District: offline since"), timeout=5000)
        zoe = b.conn.execute("SELECT id FROM students WHERE first_name = 'Zoë'").fetchone()[0]
        submit(b, zoe, date(2026, 11, 12))
        qtbot.waitUntil(lambda: button.text().endswith("· 1 waiting"), timeout=5000)
        assert "kept here and sent as soon as the server answers" in button.toolTip()

        # … and catches up by itself once the server is back
        pg.start()
        qtbot.waitUntil(lambda: button.text() == "District: up to date", timeout=8000)
        district.sync_round(a)
        assert a.conn.execute("SELECT count(*) FROM requests").fetchone() == \
            b.conn.execute("SELECT count(*) FROM requests").fetchone() == (2,)
    finally:
        worker.stop()
        a.close()


def test_a_refused_decision_shows_in_the_status_bar_with_what_the_server_kept(
        qtbot, district_server, tmp_path, monkeypatch):
    _pg, a, request_a, session = offices(district_server, tmp_path)
    b = session.store
    reference = a.conn.execute("SELECT reference FROM requests WHERE id = ?", (request_a,)).fetchone()[0]
    decide(b, request_on(b, reference), User("designee", "Marcus Bell", "decider"), "denied")  # B offline
    decide(a, request_a, PRINCIPAL, "approved")
    district.sync_round(a)  # A first
    window = app.build_main_window(session)
    qtbot.addWidget(window)
    window.show()
    worker = app.start_district_sync(window, session, tick_ms=50, retry_s=0.3, wait_s=0.2)
    shown = []
    monkeypatch.setattr(RefusedChangesDialog, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Accepted)
    try:
        button = window.sync_status
        qtbot.waitUntil(lambda: button.text() == "⚠ District: 1 change refused", timeout=5000)
        assert "what the server refused" in button.toolTip()
        button.click()
        dialog = shown[0]
        summary, made = dialog.list.item(0).text().split("\n")
        assert summary == (f"Your decision on {reference} was not kept: it was decided meanwhile by "
                           "Dr. Lena Ortiz at Office A.")
        assert made.startswith("Made 20") and made.endswith(" by Marcus Bell")
        qtbot.waitUntil(lambda: button.text() == "District: up to date", timeout=5000)
        assert b.conn.execute("SELECT status FROM requests WHERE reference = ?", (reference,)).fetchone() == \
            ("approved",)
    finally:
        worker.stop()
        a.close()
