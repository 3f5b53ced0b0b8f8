"""The print center's presenter with a fake view: no Qt."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pypdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from letters_seed import seed_request, seed_student  # noqa: E402

from mocap_desktop.services import letters as svc  # noqa: E402
from mocap_desktop.store.letters import LetterRepo  # noqa: E402
from mocap_desktop.ui.presenters.print_center import PRINTED, PrintCenterPresenter, QueueRow  # noqa: E402


class FakeView:
    def __init__(self, deliver_ok: bool = True, confirm_ok: bool = True):
        self.rows: list[QueueRow] = []
        self.mode = None
        self.preview = None
        self.caption = ""
        self.summary = ""
        self.statuses: list[str] = []
        self.errors: list[tuple[str, str]] = []
        self.deliveries = []
        self.deliver_ok, self.confirm_ok = deliver_ok, confirm_ok
        self.confirmations: list[str] = []

    def show_rows(self, rows, mode):
        self.rows, self.mode = rows, mode

    def show_preview(self, image, caption):
        self.preview, self.caption = image, caption

    def set_summary(self, text):
        self.summary = text

    def deliver(self, delivery):
        self.deliveries.append(delivery)
        return self.deliver_ok

    def confirm(self, title, text):
        self.confirmations.append(text)
        return self.confirm_ok

    def show_error(self, title, text):
        self.errors.append((title, text))

    def show_status(self, text):
        self.statuses.append(text)

    def set_allowed(self, open_as_pdf, annual_notice):
        self.allowed = {"open_as_pdf": open_as_pdf, "annual_notice": annual_notice}


@pytest.fixture
def queued(store):
    ids = []
    for first, guardian, zip_code, iep in (("Ana", "Zed Young", "65999", True), ("Ben", "Amy Ávila", "65997", False)):
        sid, gid = seed_student(store, first, "Test", guardian=guardian, zip=zip_code, iep=iep)
        rid = seed_request(store, sid, gid, status="denied", outcomes=("denied", "denied"),
                           decision={"explanation": "CONFIDENTIAL EXPLANATION TEXT"})
        ids.append(svc.queue_request_letter(store, rid, "denied"))
    return ids


def presenter_for(store, tmp_path, view):
    counter = iter(range(100))
    return PrintCenterPresenter(view, store, actor="frontdesk",
                                job_path=lambda: tmp_path / f"job{next(counter)}.pdf")


def test_the_queue_shows_only_what_the_front_desk_may_see(store, tmp_path, queued):
    view = FakeView()
    presenter_for(store, tmp_path, view).start()
    assert [r.recipient for r in view.rows] == ["Zed Young", "Amy Ávila"]
    row = view.rows[0]
    assert row.kind == "Denied" and row.student == "Ana Test" and "65999" in row.address
    assert set(QueueRow.__dataclass_fields__) == {
        "letter_id", "kind", "recipient", "address", "student", "created", "language", "pages", "printed",
        "times_printed"}
    shown = " ".join(str(v) for r in view.rows for v in r.__dict__.values())
    assert "CONFIDENTIAL" not in shown and "IEP" not in shown
    assert view.summary.startswith("2 letters waiting")


def test_the_preview_is_the_top_of_page_one_only(store, tmp_path, queued):
    view = FakeView()
    presenter = presenter_for(store, tmp_path, view)
    presenter.start()
    presenter.selection_changed([queued[0]])
    assert view.preview is not None
    from mocap_desktop.ui.presenters.print_center import PREVIEW_DPI

    # the page's width less the side margins the preview leaves out
    assert abs(view.preview.width - (8.5 - 2 * svc.PREVIEW_SIDE_INCHES) * PREVIEW_DPI) <= 1
    assert view.preview.height < 3.5 * PREVIEW_DPI  # the top of page 1, not the whole 11-inch page
    assert "Denied" in view.caption and "page" in view.caption
    presenter.selection_changed(queued)
    assert view.preview is None and view.caption == "2 letters selected."


def test_print_selected_makes_one_pdf_in_zip_order_and_marks_printed(store, tmp_path, queued):
    view = FakeView()
    presenter = presenter_for(store, tmp_path, view)
    presenter.start()
    presenter.print_requested(queued, "printer")
    [delivery] = view.deliveries
    assert delivery.letters == 2 and delivery.target == "printer"
    assert not delivery.path.exists() and not list(tmp_path.glob("job*.pdf"))  # the printer's job: in memory
    reader = pypdf.PdfReader(io.BytesIO(delivery.data))
    assert "Amy Ávila" in reader.pages[0].extract_text()  # 65997 first
    assert view.rows == [] and view.summary == "No parent letters are waiting to be printed."
    assert all(r.print_count == 1 for r in LetterRepo(store).printed())
    images = list(delivery.page_images(30))
    assert len(images) == delivery.pages and images[0].width == round(8.5 * 30)


def test_a_cancelled_print_leaves_the_letters_waiting(store, tmp_path, queued):
    view = FakeView(deliver_ok=False)
    presenter = presenter_for(store, tmp_path, view)
    presenter.start()
    presenter.print_requested(queued, "printer")
    assert len(LetterRepo(store).pending()) == 2
    assert "still waiting" in view.statuses[-1]


def test_the_system_viewer_asks_before_marking_printed(store, tmp_path, queued):
    view = FakeView(confirm_ok=False)
    presenter = presenter_for(store, tmp_path, view)
    presenter.start()
    presenter.print_requested(queued[:1], "viewer")
    assert view.confirmations and len(LetterRepo(store).pending()) == 2
    view.confirm_ok = True
    presenter.print_requested(queued[:1], "viewer")
    assert len(LetterRepo(store).pending()) == 1


def test_reprint_from_the_printed_list(store, tmp_path, queued):
    view = FakeView()
    presenter = presenter_for(store, tmp_path, view)
    presenter.start()
    presenter.print_requested(queued, "printer")
    presenter.mode_changed(PRINTED)
    assert view.mode == PRINTED and len(view.rows) == 2 and view.rows[0].times_printed == 1
    presenter.print_requested([queued[1]], "printer")
    assert LetterRepo(store).get(queued[1]).print_count == 2
    assert view.statuses[-1] == "1 letter reprinted (2 pages)."
    assert [r.times_printed for r in view.rows if r.letter_id == queued[1]] == [2]


def test_a_missing_file_is_an_error_not_a_crash(store, tmp_path, queued):
    view = FakeView()
    presenter = presenter_for(store, tmp_path, view)
    presenter.start()
    with store.transaction() as db:
        db.execute("DELETE FROM letter_files WHERE file = ?", [LetterRepo(store).get(queued[0]).file])
    presenter.selection_changed([queued[0]])
    assert view.preview is None and "missing" in view.caption
    presenter.print_requested(queued, "printer")
    assert view.errors and "missing" in view.errors[-1][1]
    assert view.deliveries == [] and len(LetterRepo(store).pending()) == 2


def test_nothing_selected(store, tmp_path):
    view = FakeView()
    presenter = presenter_for(store, tmp_path, view)
    presenter.start()
    presenter.print_requested([], "printer")
    assert view.statuses == ["Select the letters to print first."]


def test_the_annual_notice_from_the_print_center(store, tmp_path):
    seed_student(store, "Ana", "Peña", guardian="Lucía Peña", language="es")
    _, gid = seed_student(store, "Sam", "Baker", guardian="Kim Baker", address1="")
    view = FakeView(confirm_ok=False)
    presenter = presenter_for(store, tmp_path, view)
    presenter.start()
    presenter.annual_notice_requested(False, "viewer")
    assert view.deliveries == [] and store.query("SELECT count(*) AS n FROM letters")[0]["n"] == 0
    view.confirm_ok = True
    presenter.annual_notice_requested(False, "viewer")
    [delivery] = view.deliveries
    assert delivery.letters == 1 and delivery.target == "viewer"
    assert "Junta de Educación" in pypdf.PdfReader(delivery.path).pages[0].extract_text()
    assert view.errors and f"guardian #{gid}" in view.errors[-1][1]
    assert view.statuses[-1].startswith("Annual notice: 1 letters") or "1 letter" in view.statuses[-1]
    assert "1 family left out" in view.statuses[-1]


def test_the_annual_notice_for_the_printer_leaves_no_file(store, tmp_path, monkeypatch):
    import tempfile

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    seed_student(store, "Ana", "Peña", guardian="Lucía Peña", language="es")
    view = FakeView()
    presenter = presenter_for(store, tmp_path, view)
    presenter.start()
    presenter.annual_notice_requested(False, "printer")
    [delivery] = view.deliveries
    assert delivery.target == "printer" and not delivery.path.exists()
    assert "Junta de Educación" in pypdf.PdfReader(io.BytesIO(delivery.data)).pages[0].extract_text()
    assert len(list(delivery.page_images(20))) == delivery.pages
    assert list(temp.iterdir()) == [] and not list(tmp_path.glob("job*.pdf"))
    assert not (store.path.parent / "letters").exists()
    assert view.statuses[-1].startswith("Annual notice: 1 letters") and "sent to the printer" in view.statuses[-1]
