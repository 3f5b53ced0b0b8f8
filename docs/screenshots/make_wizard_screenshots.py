"""Screenshots of every page of the request wizard (and the catalog editor) on a 1366x768 screen.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots/make_wizard_screenshots.py

Uses a fresh demo database in a temporary folder; writes docs/screenshots/wizard-*.png and
catalog-editor.png. Each picture is the whole screen: the main window behind, the wizard on top.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QApplication

OUT = Path(__file__).resolve().parent
TODAY = date(2026, 11, 27)


def main() -> int:
    app = QApplication(sys.argv[:1])
    from mocap_desktop.app import build_main_window
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import open_session
    from mocap_desktop.ui.views.catalog_editor import open_catalog_editor
    from mocap_desktop.ui.views.wizard import open_request_wizard

    folder = Path(tempfile.mkdtemp(prefix="mocap-shots-"))
    session = open_session(DataDir(folder).ensure(), demo=True, login="counselor", password="demo-counselor")
    store = session.store
    window = build_main_window(session)
    window.setGeometry(0, 0, 1366, 728)
    window.show()
    screen = app.primaryScreen()

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shot(name: str, top=None) -> None:
        """The whole screen; the dialog on top gets a thin frame (Xvfb has no window manager)."""
        settle()
        image = screen.grabWindow(0).toImage()
        if top is not None:
            painter = QPainter(image)
            painter.setPen(QPen(QColor("#505a66"), 2))
            painter.drawRect(top.frameGeometry().adjusted(-1, -1, 0, 0))
            painter.end()
        image.save(str(OUT / name))
        print("wrote", OUT / name)

    def wizard_for(**kwargs):
        wizard = open_request_wizard(store, window, today=TODAY, actor="Dana Whitfield (counselor)", **kwargs)
        wizard.ask_keep_draft = lambda: "discard"
        wizard.show()
        geometry = wizard.frameGeometry()
        wizard.move(QPoint((1366 - geometry.width()) // 2, max(0, (728 - geometry.height()) // 2)))
        settle()
        return wizard

    # A high-school athlete who already has an open part-time request: the duplicate shows.
    student = store.query(
        "SELECT r.student_id AS id FROM requests r JOIN students s ON s.id = r.student_id "
        "WHERE r.status = 'submitted' AND r.pathway = 'part_time' AND s.iep = 0 AND s.section_504 = 0 "
        "AND r.eligible = 1 ORDER BY r.id LIMIT 1")[0]["id"]
    taken = store.query("SELECT c.code FROM request_courses c JOIN requests r ON r.id = c.request_id "
                        "WHERE r.student_id = ? ORDER BY c.position LIMIT 1", (student,))[0]["code"]
    wizard = wizard_for(student_id=student)
    shot("wizard-1-student.png", wizard)
    wizard.next()
    wizard.pages["pathway"].buttons["part_time"].setChecked(True)
    shot("wizard-2-pathway.png", wizard)
    wizard.next()
    part = wizard.pages["part_time"]
    part.in_person.setText("2.5")
    for query in ("chem", "span"):
        part.search.setText(query)
        settle()
        part.results.selectRow(0)
        part.add.click()
    part.search.setText(taken)
    settle()
    part.results.selectRow(0)
    part.add.click()  # refused: already requested for this term
    shot("wizard-3a-part-time-duplicate.png", wizard)
    part.search.setText("alg")
    settle()
    part.results.selectRow(0)
    part.selected.selectRow(1)
    shot("wizard-3a-part-time.png", wizard)
    wizard.next()
    shot("wizard-4-eligibility.png", wizard)
    wizard.next()
    for box in wizard.pages["family"].acks.values():
        box.setChecked(True)
    shot("wizard-5-family.png", wizard)
    wizard.next()
    shot("wizard-6-review.png", wizard)
    wizard.next()
    shot("wizard-7-submitted.png", wizard)
    wizard.accept()

    # Full time, for a student who was out ill for five weeks last term: the waiver is offered.
    gap = store.query(
        "SELECT e.student_id AS id FROM enrollments e JOIN students s ON s.id = e.student_id "
        "WHERE e.exit = '2026-09-25' AND s.grade IN ('9','10','11','12') AND NOT EXISTS "
        "(SELECT 1 FROM requests r WHERE r.student_id = s.id) ORDER BY e.student_id LIMIT 1")[0]["id"]
    wizard = wizard_for(student_id=gap)
    wizard.next()
    wizard.pages["pathway"].buttons["full_time"].setChecked(True)
    wizard.next()
    full = wizard.pages["full_time"]
    full.provider.setCurrentIndex(full.provider.findText("Missouri Virtual Academy"))
    full.host.setText("099-950")
    full.notice.setDate(full.notice.date().addDays(-4))
    for reason in ("Learning pace", "Schedule or work"):
        full.reasons[reason].setChecked(True)
    shot("wizard-3b-full-time.png", wizard)
    wizard.next()
    elig = wizard.pages["eligibility"]
    shot("wizard-4-eligibility-prior-term-failed.png", wizard)
    elig.yes.setChecked(True)
    elig.doc_date.setDate(elig.doc_date.date().__class__(2026, 11, 2))
    elig.role.setCurrentIndex(elig.role.findData("school nurse"))
    shot("wizard-4-eligibility-waiver.png", wizard)
    wizard.reject()

    editor = open_catalog_editor(store, window)
    editor.show()
    editor.move(QPoint((1366 - editor.frameGeometry().width()) // 2, 20))
    editor.search.setText("alg")
    settle()
    editor.table.selectRow(1)
    shot("catalog-editor.png", editor)
    editor.reject()
    window.close()
    session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
