"""The print center and the letterhead editor, driven like a person would (pytest-qt)."""

from __future__ import annotations

import sys
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from letters_seed import seed_district, seed_request, seed_student  # noqa: E402

from mocap_desktop.app import open_district_profile, wire_print_center  # noqa: E402
from mocap_desktop.services import letters as svc  # noqa: E402
from mocap_desktop.services.session import Session  # noqa: E402
from mocap_desktop.store.district import DistrictRepo  # noqa: E402
from mocap_desktop.store.letters import LetterRepo  # noqa: E402
from mocap_desktop.ui.views.main_window import Area, MainWindow  # noqa: E402
from mocap_desktop.ui.views.print_center import PrintCenterWidget  # noqa: E402


@pytest.fixture
def session(data_dir, store):
    return Session(data_dir, store, False)


@pytest.fixture
def queued(store):
    ids = []
    for first, guardian, zip_code in (("Zoë", "Lucía Peña", "65999"), ("Łukasz", "Ewa Nowak", "65001")):
        sid, gid = seed_student(store, first, "Nguyễn", guardian=guardian, zip=zip_code)
        ids.append(svc.queue_request_letter(store, seed_request(store, sid, gid), "received"))
    return ids


@pytest.fixture
def center(qtbot, session, tmp_path):
    widget = PrintCenterWidget()
    window = MainWindow([Area("print", "Print center", widget, "Ctrl+3")])
    qtbot.addWidget(window)
    presenter = wire_print_center(window, widget, session)
    out = tmp_path / "printed.pdf"

    def to_file():
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    widget.printer_factory = to_file
    widget.ask_printer = False
    window.show()
    qtbot.waitExposed(window)
    return widget, presenter, out


def test_the_queue_shows_letters_waiting(queued, center, qtmodeltester):
    widget, _, _ = center
    model = widget.model
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Letter", "Recipient", "Address", "Student", "Created"]
    recipients = {model.index(r, 1).data() for r in range(2)}
    assert recipients == {"Lucía Peña", "Ewa Nowak"}
    assert model.index(0, 0).data() == "Request received"
    assert "2 letters waiting" in widget.summary.text()
    assert not widget.print_button.isEnabled()


def test_selecting_a_letter_shows_its_preview(queued, center, qtbot):
    widget, _, _ = center
    rect = widget.table.visualRect(widget.model.index(0, 1))
    qtbot.mouseClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: widget.preview_label.pixmap() is not None and not widget.preview_label.pixmap().isNull())
    pixmap = widget.preview_label.pixmap()
    # the top of page 1 without its side margins (3.3 in of 6.8 in), not the whole page (11 in)
    assert pixmap.width() > 200 and pixmap.height() < pixmap.width() * 0.55
    assert widget.preview_scroll.height() < pixmap.height() + 20  # the frame hugs it: no empty panel
    assert "Request received" in widget.preview_caption.text()
    assert widget.print_button.isEnabled() and "(1)" in widget.print_button.text()


def test_print_selected_prints_and_marks_printed(queued, center, qtbot, store):
    widget, _, out = center
    widget.table.setFocus()
    widget.table.selectAll()
    assert widget.selected_ids() and len(widget.selected_ids()) == 2
    qtbot.mouseClick(widget.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 0)
    assert out.is_file() and len(pypdf.PdfReader(out).pages) == 2
    # The letters themselves went to the PDF printer: text stays text, the file stays small.
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert "Lucía Peña" in text and "Ewa Nowak" in text
    assert out.stat().st_size < 150_000
    assert LetterRepo(store).pending() == []
    assert "2 letters printed" in widget._status.text()
    # reprint from the printed list
    widget.printed_button.click()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2)
    assert widget.model.headerData(5, Qt.Orientation.Horizontal) == "Times"
    widget.table.selectRow(0)
    assert widget.print_button.text().startswith("&Reprint")
    widget.print_button.click()
    qtbot.waitUntil(lambda: "reprinted" in widget._status.text())
    assert sorted(r.print_count for r in LetterRepo(store).printed()) == [1, 2]


def test_the_letterhead_editor_previews_and_saves(qtbot, session, store):
    seed_district(store)
    dialog = open_district_profile(None, session)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull())
    first = dialog.preview.pixmap().toImage()
    dialog.edits["name"].selectAll()
    qtbot.keyClicks(dialog.edits["name"], "Cedar Hollow C-2 School District")
    qtbot.waitUntil(lambda: dialog.preview.pixmap().toImage() != first, timeout=3000)
    dialog.edits["signer_name"].clear()
    qtbot.waitUntil(lambda: "signs the letters" in dialog.problems.text(), timeout=3000)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert not save.isEnabled()
    qtbot.keyClicks(dialog.edits["signer_name"], "Dr. Rosa Mendez")  # QTest types ASCII only
    qtbot.waitUntil(save.isEnabled, timeout=3000)
    save.click()
    assert "Saved" in dialog.saved.text()
    assert DistrictRepo(store).profile().name == "Cedar Hollow C-2 School District"


def test_the_policy_tab_confirms_or_switches_off_values_from_secondary_sources(qtbot, session, store):
    from mocap_desktop.services import district_policy
    from mocap_desktop.services.requests import active_policy

    seed_district(store)
    dialog = open_district_profile(None, session)
    qtbot.addWidget(dialog)
    assert dialog.tabs.tabText(1) == "&Policy (10 to confirm)"
    in_use, confirmed = dialog.policy_boxes["deemed_approval_calendar_days"]
    assert in_use.isChecked() and not confirmed.isChecked() and confirmed.isEnabled()
    assert set(dialog.policy_boxes) == set(district_policy.core.UNCONFIRMED)  # the law's figures are shown only
    dialog.tabs.setCurrentIndex(1)
    in_use.setFocus()
    qtbot.keyClick(in_use, Qt.Key.Key_Space)  # switched off: it cannot be confirmed
    assert not in_use.isChecked() and not confirmed.isEnabled()
    record, record_confirmed = dialog.policy_boxes["state_record_hours"]
    qtbot.keyClick(record_confirmed, Qt.Key.Key_Space)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.waitUntil(save.isEnabled, timeout=3000)
    save.click()
    assert "Saved" in dialog.saved.text()
    assert active_policy(store).deemed_approval_calendar_days is None
    assert dialog.tabs.tabText(1) == "&Policy (8 to confirm)"
    assert "by " in " ".join(w.text() for w in dialog.policy_page.findChildren(QLabel))


def test_a_cups_printer_gets_the_letters_as_a_pdf_job(tmp_path, monkeypatch, qtbot):
    """On Linux and macOS the job goes to the print system as the PDF itself (text and vector),
    with the copies and sides chosen in the print dialog."""
    import shutil
    import stat

    from mocap_desktop.ui.presenters.print_center import PrintDelivery

    received = tmp_path / "received"
    script = tmp_path / "lp"
    script.write_text(f"#!/bin/sh\necho \"$@\" > {received}.args\ncat > {received}.pdf\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(shutil, "which", lambda name: str(script) if name == "lp" else None)

    class ChosenPrinter:  # what the print dialog leaves in a QPrinter for a CUPS printer
        def fromPage(self): return 0  # noqa: E704,N802
        def outputFormat(self): return QPrinter.OutputFormat.NativeFormat  # noqa: E704,N802
        def printerName(self): return "Front_desk"  # noqa: E704,N802
        def copyCount(self): return 2  # noqa: E704,N802
        def docName(self): return "print-20261206"  # noqa: E704,N802
        def duplex(self): return QPrinter.DuplexMode.DuplexLongSide  # noqa: E704

    widget = PrintCenterWidget()
    qtbot.addWidget(widget)
    data = b"%PDF-1.4 the combined letters"
    delivery = PrintDelivery(tmp_path / "print.pdf", 2, 3, "printer", lambda dpi: iter(()), data)
    assert widget._send_pdf(ChosenPrinter(), delivery) is True
    assert received.with_suffix(".pdf").read_bytes() == data
    assert received.with_suffix(".args").read_text().split() == [
        "-d", "Front_desk", "-n", "2", "-t", "print-20261206", "-o", "sides=two-sided-long-edge"]
