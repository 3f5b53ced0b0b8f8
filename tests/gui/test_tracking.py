"""The request detail's "Enrollment with the provider" section as a counselor uses it (pytest-qt,
offscreen): each approved course with its line and named buttons, reached by Tab, and a move
recorded through the step dialog."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review_seed import COUNSELOR, TODAY, small_district, submit  # noqa: E402
from test_review_queue import raise_first, when_modal  # noqa: E402

from mocap_desktop.services import review  # noqa: E402
from mocap_desktop.ui.presenters.request_detail import RequestDetailPresenter  # noqa: E402
from mocap_desktop.ui.views.layouts import RadioButton  # noqa: E402
from mocap_desktop.ui.views.request_detail import RequestDetailDialog, StepDialog  # noqa: E402


def test_send_a_course_to_the_provider_from_the_detail(qtbot, store):
    students = small_district(store)
    rid = submit(store, students["zoe"], date(2026, 11, 10))
    review.record_decision(store, rid, review.DecisionForm(
        {"CHEMA": "approved", "SPAN1A": "approved"}, "principal", "Dr. Lena Ortiz", (), "", True,
        date(2026, 11, 20)), "Dr. Lena Ortiz", letter=False)
    dialog = RequestDetailDialog()
    qtbot.addWidget(dialog)
    presenter = RequestDetailPresenter(dialog, store, rid, COUNSELOR, lambda: TODAY)
    dialog.action_requested.connect(presenter.action_requested)
    presenter.start()
    dialog.show()
    qtbot.waitExposed(dialog)

    box = dialog.findChild(QGroupBox, "trackingBox")
    assert box is not None and box.accessibleName() == "Enrollment with the provider"
    [chem, span] = [c for c in presenter.tracked.values()]
    send = dialog.action_buttons[f"enroll:{chem.id}:sent_to_provider"]
    assert send.accessibleName() == "Sent to provider: CHEMA"
    assert send.focusPolicy() & Qt.FocusPolicy.TabFocus

    def fill(step: StepDialog):
        radios = {r.text(): r for r in step.findChildren(RadioButton)}
        assert set(radios) == {"Secure e-mail", "Provider portal", "Mail", "In person"}
        assert not step.ok.isEnabled()  # how it was sent is still to choose
        radios["Provider portal"].click()
        assert step.text.text() == COUNSELOR and step.ok.isEnabled()
        step.ok.click()

    errors = when_modal(StepDialog, fill)
    send.click()
    raise_first(errors)
    assert review.timeline(store, rid)[-1].text == "CHEMA: sent to provider on Dec 1, 2026 (provider portal)."
    [box] = [b for b in dialog.findChildren(QGroupBox, "trackingBox") if b.isVisible()]  # the page shown again
    texts = [label.accessibleName() for label in box.findChildren(QLabel)]
    assert texts[0].startswith("CHEMA title (CHEMA) · Mizzou Academy · Spring 2027 · sent to provider")
    assert f"enroll:{chem.id}:enrolled" in dialog.action_buttons
    assert dialog.action_buttons[f"enroll:{span.id}:sent_to_provider"].accessibleName() == "Sent to provider: SPAN1A"


def test_provider_packet_from_the_enrollment_section_shows_its_password_once(qtbot, store, tmp_path):
    import pypdf

    from mocap_desktop.ui.views.request_detail import SecretDialog

    students = small_district(store)
    rid = submit(store, students["zoe"], date(2026, 11, 10))
    review.record_decision(store, rid, review.DecisionForm(
        {"CHEMA": "approved", "SPAN1A": "approved"}, "principal", "Dr. Lena Ortiz", (), "", True,
        date(2026, 11, 20)), "Dr. Lena Ortiz", letter=False)
    dialog = RequestDetailDialog()
    qtbot.addWidget(dialog)
    presenter = RequestDetailPresenter(dialog, store, rid, COUNSELOR, lambda: TODAY)
    dialog.action_requested.connect(presenter.action_requested)
    presenter.start()
    dialog.show()
    qtbot.waitExposed(dialog)

    button = dialog.action_buttons["provider_packet:Mizzou Academy"]
    assert button.text() == "Provider packet (PDF)…" and button.accessibleName() == "Provider packet (PDF)"
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    asked = []
    dialog.ask_save_path = lambda title, suggested, _filter: asked.append(suggested.name) or tmp_path / "packet"
    shown = {}

    def read(secret: SecretDialog):
        assert secret.secret.isReadOnly() and secret.focusWidget() is secret.secret
        assert secret.secret.accessibleName() == "Password for the provider packet"
        assert "by phone" in secret.findChild(QLabel).text()
        shown["password"] = secret.secret.text()
        secret.reject()

    errors = when_modal(SecretDialog, read)
    button.click()
    raise_first(errors)
    assert asked == ["MOCAP-2026-0001-Mizzou-Academy-packet.pdf"]
    assert pypdf.PdfReader(tmp_path / "packet.pdf").decrypt(shown["password"])
    assert review.timeline(store, rid)[-1].text.startswith("Provider packet for Mizzou Academy saved")
