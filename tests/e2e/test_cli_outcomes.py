"""`mocap-desktop outcomes import` on the demo district: real processes signed in as the demo
counselor; a dry run, a file with problems (exit 1, nothing written), the import, a role that
may not (exit 4) and a file that is not there (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

from mocap_desktop.core.access import SYSTEM
from mocap_desktop.core.enrollments import Move
from mocap_desktop.services import enrollments
from mocap_desktop.services.session import open_session


def cli(*args: str, user: str = "counselor") -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MOCAP_USER": user, "MOCAP_PASSWORD": f"demo-{user}"}
    return subprocess.run([sys.executable, "-m", "mocap_desktop", *args], capture_output=True, text=True,
                          env=env, timeout=180)


def _session(folder):
    session = open_session(folder, demo=True)
    session.user, session.store.user = SYSTEM, None
    return session


def test_outcomes_import_on_the_demo(demo_data_dir, tmp_path):
    session = _session(demo_data_dir)
    store = session.store
    row = store.query("SELECT ce.id, ce.code, ce.status, s.local_number FROM course_enrollments ce "
                      "JOIN requests r ON r.id = ce.request_id JOIN students s ON s.id = r.student_id "
                      "WHERE ce.status IN ('approved', 'sent_to_provider') ORDER BY ce.id LIMIT 1")[0]
    if row["status"] == "approved":
        enrollments.record_move(store, row["id"], Move("sent_to_provider", date(2026, 11, 2), sent_by="Dana",
                                                       method="provider_portal"), "Dana")
    session.close(sign_out=False)
    good = tmp_path / "provider.csv"
    good.write_text(f"Student ID,Course ID,Status,Status Date\n{row['local_number']},{row['code']},Enrolled,"
                    f"{date.today():%m/%d/%Y}\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text(encoding="utf-8") + f"999999,{row['code']},Enrolled,12/1/2026\n", encoding="utf-8")
    where = ("--demo", "--data-dir", str(demo_data_dir.root))

    dry = cli("outcomes", "import", str(good), "--dry-run", *where)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("dry run, nothing written") and "to update 1" in dry.stdout
    problems = cli("outcomes", "import", str(bad), *where)
    assert problems.returncode == 1 and 'row 3, column "Course ID"' in problems.stderr
    assert cli("outcomes", "import", str(good), *where, user="frontdesk").returncode == 4
    assert cli("outcomes", "import", str(tmp_path / "none.csv"), *where).returncode == 2
    done = cli("outcomes", "import", str(good), *where)
    assert done.returncode == 0, done.stderr
    assert "updated 1" in done.stdout

    session = _session(demo_data_dir)
    try:
        assert enrollments.tracked_course(session.store, row["id"]).status == "enrolled"
    finally:
        session.close(sign_out=False)
