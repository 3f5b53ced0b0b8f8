"""Screenshots of the review queue, a request's detail, the decision and appeal dialogs, and the
first page of an appeal packet, on a 1366x768 screen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_review_screenshots.py

Uses a fresh demo database in a temporary folder (requests dated back from today, so the queue
has overdue and amber rows); writes docs/screenshots/review-*.png. Needs `pdftoppm` for the packet.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = Path(__file__).resolve().parent


def main() -> int:
    app = QApplication(sys.argv[:1])
    from mocap_desktop import app as app_module
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services import review
    from mocap_desktop.services.session import open_session
    from mocap_desktop.ui.presenters.request_detail import RequestDetailPresenter
    from mocap_desktop.ui.views.appeal_dialog import AppealDialog

    folder = Path(tempfile.mkdtemp(prefix="mocap-review-shots-"))
    session = open_session(DataDir(folder).ensure(), demo=True, login="counselor", password="demo-counselor")
    store = session.store
    store.set_setting("staff_name", "Dana Whitfield")
    window = app_module.build_main_window(session)
    window.resize(1366, 768)
    window.show()
    window.show_area("queue")

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shot(widget, name: str) -> None:
        settle()
        widget.grab().save(str(OUT / name))
        print("wrote", OUT / name)

    shot(window, "review-queue.png")

    def one(sql: str) -> int:
        return store.query(sql)[0]["id"]

    appealed = one("SELECT id FROM requests WHERE status = 'board_appeal'")
    detail = app_module.open_request_detail(window, session, appealed, "Dana Whitfield")
    detail.resize(1100, 720)
    shot(detail, "review-detail-request.png")
    detail.tabs.setCurrentIndex(1)
    shot(detail, "review-detail-findings.png")
    detail.tabs.setCurrentIndex(2)
    shot(detail, "review-detail-decision-and-appeals.png")
    detail.close()

    long_story = one("SELECT id FROM requests WHERE status = 'state_overturned'")
    detail = app_module.open_request_detail(window, session, long_story, "Dana Whitfield")
    detail.resize(1100, 560)
    detail.tabs.setCurrentIndex(3)
    shot(detail, "review-detail-timeline.png")
    detail.close()

    transferred = one("SELECT id FROM requests WHERE status = 'transferred'")
    detail = app_module.open_request_detail(window, session, transferred, "Dana Whitfield")
    detail.resize(1100, 720)
    shot(detail, "review-detail-full-time-transfer.png")
    detail.close()

    pending = one("SELECT r.id FROM requests r WHERE r.status = 'submitted' AND r.routing = 'building_review' AND "
                  "(SELECT count(*) FROM request_courses c WHERE c.request_id = r.id) >= 2 ORDER BY r.received")
    dialog = app_module.make_decision_dialog(window, session, pending, "Dana Whitfield")
    dialog.show()
    codes = list(dialog.course_groups)
    dialog.set_course(codes[0], "approved")
    dialog.set_course(codes[-1], "denied")
    dialog.reason_boxes["COST"].setChecked(True)
    dialog.name.setText("Dr. Lena Ortiz")
    shot(dialog, "review-decision-dialog-problems.png")
    dialog.reason_boxes["COST"].setChecked(False)
    dialog.reason_boxes["GRADUATION_PLAN_CONFLICT"].setChecked(True)
    dialog.explanation.setPlainText("The second course does not fit the four-year plan the student and her "
                                    "counselor agreed in September; she can take it in grade 12.")
    dialog.attestation.setChecked(True)
    shot(dialog, "review-decision-dialog-ready.png")
    dialog.reject()

    denied = one("SELECT id FROM requests WHERE status = 'denied'")
    presenter = RequestDetailPresenter(type("V", (), {"show_page": lambda *a: None})(), store, denied, "Dana")
    presenter.start()
    appeal = AppealDialog(presenter._appeal_prompt("board", False), window)
    appeal.has_hearing.setChecked(True)
    appeal.documents.item(0, 1).setText(r"S:\MOCAP\Appeals\family-letter.pdf")
    appeal.show()
    shot(appeal, "review-appeal-dialog.png")
    appeal.reject()

    pdf = folder / "packet.pdf"
    review.export_appeal_packet(store, long_story, pdf, "Dana Whitfield")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                        str(OUT / "review-appeal-packet")], check=True)
        produced = next(OUT.glob("review-appeal-packet-*1.png"))
        produced.replace(OUT / "review-appeal-packet-page1.png")
        print("wrote", OUT / "review-appeal-packet-page1.png")
    window.close()
    session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
