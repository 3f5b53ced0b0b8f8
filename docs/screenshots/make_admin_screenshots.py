"""Screenshots of the administrator's audit viewer, a student's record of disclosures and the
people dialog, sized for a 1366x768 screen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_admin_screenshots.py

Uses a fresh demo database in a temporary folder and gives it some history first: people sign
in and out, a counselor queues letters (each a disclosure), a sign-in is refused, the
administrator adds and removes a person and exports. Writes docs/screenshots/audit-viewer.png,
audit-disclosure-report.png and people.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = Path(__file__).resolve().parent


def history(data_dir) -> None:
    """Some days' worth of office activity on the demo district."""
    from mocap_desktop.services import letters
    from mocap_desktop.services.session import (
        SessionError,
        add_person,
        change_password,
        remove_person,
        sign_in,
    )

    counselor = sign_in(data_dir, "counselor", "demo-counselor", demo=True)
    requests = counselor.store.query("SELECT id FROM requests WHERE status IN ('approved', 'denied') ORDER BY id")
    for row in requests[:4]:
        kind = counselor.store.query("SELECT status FROM requests WHERE id = ?", (row["id"],))[0]["status"]
        try:
            letters.queue_request_letter(counselor.store, row["id"], kind, actor=counselor.user.login)
        except Exception as err:  # a request the demo cannot letter yet
            print("no letter for request", row["id"], type(err).__name__)
    counselor.close()
    principal = sign_in(data_dir, "principal", "demo-principal", demo=True)
    principal.close()
    for login, password in (("frontdesk", "wrong-password"), ("fronntdesk", "demo-frontdesk")):
        try:
            sign_in(data_dir, login, password, demo=True)  # refused: in the trail at the next sign-in
        except SessionError:
            pass
    frontdesk = sign_in(data_dir, "frontdesk", "demo-frontdesk", demo=True)
    frontdesk.close()
    admin = sign_in(data_dir, "admin", "demo-admin", demo=True)
    add_person(admin, "mellery", "Dr. Marcus Ellery", "decider", "superintendent-2026", title="superintendent")
    add_person(admin, "jlee", "Jordan Lee", "front_desk", "front-desk-2026", title="Front office (substitute)")
    remove_person(admin, "jlee")
    change_password(admin, "demo-admin", "demo-admin-2")
    change_password(admin, "demo-admin-2", "demo-admin")
    from mocap_desktop.services import audit_report

    lettered = admin.store.query("SELECT student_id FROM disclosures ORDER BY id LIMIT 1")
    if lettered:
        student_id = lettered[0]["student_id"]
        audit_report.disclosure_report(admin.store, student_id)
        audit_report.save_disclosure_report(admin.store, student_id, Path(data_dir.root) / "disclosures.pdf")
        audit_report.export_audit_csv(admin.store, Path(data_dir.root) / "audit.csv", student_id=student_id)
    admin.close()


def main() -> int:
    app = QApplication(sys.argv[:1])
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import sign_in
    from mocap_desktop.ui.views.audit_viewer import open_audit_viewer
    from mocap_desktop.ui.views.people_dialog import open_people_dialog

    folder = DataDir(Path(tempfile.mkdtemp(prefix="mocap-admin-shots-"))).ensure()
    sign_in(folder, "admin", "demo-admin", demo=True).close()  # sets the demo district up
    history(folder)
    session = sign_in(folder, "admin", "demo-admin", demo=True)

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shot(widget, name: str) -> None:
        settle()
        widget.grab().save(str(OUT / name))
        print("wrote", OUT / name)

    viewer = open_audit_viewer(session, None, export_folder=Path(folder.root))
    presenter = viewer.presenter
    presenter.verify_requested()
    model = viewer.model
    row = next(n for n in range(model.rowCount()) if model.line(n).student_id is not None)
    viewer.table.selectRow(row)
    viewer.table.setFocus()
    shot(viewer, "audit-viewer.png")

    presenter.disclosure_report_requested()
    dialog = viewer.disclosure_dialog
    dialog.resize(1300, 520)
    shot(dialog, "audit-disclosure-report.png")
    dialog.close()
    viewer.close()

    people = open_people_dialog(session, None)
    people.table.setCurrentCell(1, 0)
    people.name.setText("Ana Ruiz")
    people.login.setText("aruiz")
    people.role.setCurrentIndex(people.role.findData("decider"))
    people.title.setEditText("designee")
    people.password.setText("short")
    people.password_again.setText("short")
    people.add_button.click()  # refused inline: the password is too short
    shot(people, "people.png")
    people.close()

    from mocap_desktop.app import build_main_window, open_district_profile, show_policy_banner

    window = build_main_window(session)
    window.resize(1366, 720)
    window.show()
    show_policy_banner(window, session)
    shot(window, "policy-banner.png")
    profile = open_district_profile(window, session)
    profile.resize(1280, 760)
    shot(profile, "district-profile.png")
    profile.tabs.setCurrentIndex(1)
    in_use, _ = profile.policy_boxes["state_record_hours"]
    in_use.setChecked(False)  # switched off, not yet saved
    _, confirmed = profile.policy_boxes["board_decision_calendar_days"]
    confirmed.setChecked(True)
    shot(profile, "district-profile-policy.png")
    profile.reject()
    window.close()
    session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
