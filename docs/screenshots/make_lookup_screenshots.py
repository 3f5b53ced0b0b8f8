"""Screenshots of the student lookup with a long record open, at 1280x720 and 1366x768 (a window
filling such a screen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_lookup_screenshots.py

Uses a fresh demo database in a temporary folder and opens the student whose guardians' addresses
and requests make the widest record. Writes docs/screenshots/lookup-1280.png and lookup.png (1366).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = Path(__file__).resolve().parent


def widest_student(store) -> tuple[int, str]:
    row = store.query(
        "SELECT s.id, s.local_number, (SELECT count(*) FROM requests r WHERE r.student_id = s.id) AS n, "
        "(SELECT max(length(g.address1) + length(coalesce(g.address2, '')) + length(g.city) + length(g.email) "
        " + length(g.name)) FROM guardians g WHERE g.student_id = s.id) AS wide "
        "FROM students s ORDER BY n > 0 DESC, wide DESC LIMIT 1")[0]
    return row["id"], row["local_number"]


def main() -> int:
    app = QApplication(sys.argv[:1])
    from mocap_desktop import app as app_module
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import open_session

    folder = Path(tempfile.mkdtemp(prefix="mocap-lookup-shots-"))
    session = open_session(DataDir(folder).ensure(), demo=True, login="counselor", password="demo-counselor")
    student_id, number = widest_student(session.store)
    window = app_module.build_main_window(session)
    window.show()
    window.show_area("lookup")
    lookup = window.findChild(app_module.StudentLookupView)
    for size, name in (((1280, 720), "lookup-1280.png"), ((1366, 768), "lookup.png")):
        window.resize(*size)
        lookup.search.setText(number)
        for _ in range(10):
            app.processEvents()
        lookup.table.selectRow(0)
        for _ in range(10):
            app.processEvents()
        assert lookup.detail.student_id == student_id, "the widest student is not selected"
        bar = lookup.detail.scroll.horizontalScrollBar()
        print(f"{name}: record {lookup.detail.scroll.viewport().width()} px wide, "
              f"sideways scroll {'needed' if bar.maximum() > 0 else 'none'}")
        window.grab().save(str(OUT / name))
        print("wrote", OUT / name)
    session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
