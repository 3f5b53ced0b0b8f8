"""The print center: the front desk's queue of parent letters, a preview, printing and reprints.

The front desk sees who a letter goes to, the address, the kind of letter and the student's
name; never the request's waiver, IEP/504 status, findings, explanations or notes. So the
queue shows only those columns, and the preview shows the top of page 1 (letterhead, the
address as the envelope window will show it, date, reference and student), not the body.
The services enforce the same (core.access): the list and the preview need LETTERS_PRINT, and
"Open as PDF" and the annual notice, which show whole letters, need LETTERS_MAKE, which the
front desk does not have; the view is told which of those to offer (`set_allowed`).

A job for the printer is never left on disk: the letters come out of the encrypted database
into memory (`PrintDelivery.data`) and are painted from there; only "Open as PDF", which a
person asks for, writes a file (`job_path`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from mocap_desktop.core.access import LETTERS_MAKE, AccessDenied, user_of
from mocap_desktop.letters.pages import PageImage, rasterize
from mocap_desktop.services import letters as service
from mocap_desktop.store import Store, StoreError
from mocap_desktop.store.letters import QueueLetter
from mocap_desktop.core.messages import LANGUAGE_LABELS, LETTER_KIND_LABELS
from mocap_desktop.ui.presenters.display import format_when

log = logging.getLogger(__name__)

WAITING, PRINTED = "pending", "printed"
PREVIEW_DPI = 110  # sharp on a high-density screen; the view scales it to fit
PRINT_DPI = 200
PREVIEW_TOP_INCHES = 3.3  # letterhead, window address, date/reference/student box


@dataclass(frozen=True)
class QueueRow:
    """One letter as the front desk sees it."""

    letter_id: int
    kind: str
    recipient: str
    address: str
    student: str
    created: str
    language: str
    pages: int
    printed: str = ""
    times_printed: int = 0


@dataclass(frozen=True)
class PrintDelivery:
    """A combined PDF ready to go to a printer or the system's PDF viewer."""

    path: Path
    """The file to open ("viewer"); for the printer only the job's name (no such file is kept)."""
    letters: int
    pages: int
    target: str  # "printer" or "viewer"
    page_images: Callable[[float], Iterator[PageImage]]
    """Pictures of every page at a resolution, for painting on a printer."""
    data: bytes | None = None
    """The combined PDF, in memory, for the printer."""


class PrintCenterView(Protocol):
    def show_rows(self, rows: list[QueueRow], mode: str) -> None: ...
    def show_preview(self, image: PageImage | None, caption: str) -> None: ...
    def set_summary(self, text: str) -> None: ...
    def deliver(self, delivery: PrintDelivery) -> bool: ...
    def confirm(self, title: str, text: str) -> bool: ...
    def show_error(self, title: str, text: str) -> None: ...
    def show_status(self, text: str) -> None: ...
    def set_allowed(self, open_as_pdf: bool, annual_notice: bool) -> None: ...


def _when(stamp: str | None) -> str:
    return format_when(stamp) if stamp else ""


def queue_row(r: QueueLetter) -> QueueRow:
    address = r.recipient_address.replace("\n", ", ")
    students = r.students if len(r.students) > 1 else (r.student_name,)
    return QueueRow(letter_id=r.id, kind=LETTER_KIND_LABELS.get(r.kind, r.kind), recipient=r.recipient_name,
                    address=address, student=", ".join(students), created=_when(r.created_at),
                    language=LANGUAGE_LABELS.get(r.language, r.language), pages=r.page_count,
                    printed=_when(r.printed_at), times_printed=r.print_count)


class PrintCenterPresenter:
    def __init__(self, view: PrintCenterView, store: Store, actor: str = "",
                 job_path: Callable[[], Path] | None = None):
        self.view = view
        self.store = store
        self.actor = actor
        self.mode = WAITING
        self.rows: list[QueueRow] = []
        self.job_path = job_path or (lambda: service.print_job_path(store))

    # -- showing --------------------------------------------------------------------------------
    def start(self) -> None:
        whole = user_of(self.store).can(LETTERS_MAKE)
        self.view.set_allowed(open_as_pdf=whole, annual_notice=whole)
        self.refresh()

    def refresh(self) -> None:
        try:
            letters = service.print_queue(self.store, self.mode)
        except (StoreError, AccessDenied) as err:
            self.view.show_error("The letters cannot be read", str(err))
            return
        self.rows = [queue_row(r) for r in letters]
        self.view.show_rows(self.rows, self.mode)
        self.view.show_preview(None, "Select a letter to see its first page." if self.rows else "")
        if self.mode == WAITING:
            pages = sum(r.pages for r in self.rows)
            self.view.set_summary(f"{len(self.rows)} letter{'s' if len(self.rows) != 1 else ''} waiting "
                                  f"({pages} page{'s' if pages != 1 else ''})" if self.rows
                                  else "No parent letters are waiting to be printed.")
        else:
            self.view.set_summary(f"{len(self.rows)} printed letter{'s' if len(self.rows) != 1 else ''} "
                                  "(newest first); select one to print it again.")

    def mode_changed(self, mode: str) -> None:
        self.mode = PRINTED if mode == PRINTED else WAITING
        self.refresh()

    def selection_changed(self, ids: list[int]) -> None:
        if len(ids) != 1:
            self.view.show_preview(None, f"{len(ids)} letters selected." if ids else
                                   "Select a letter to see its first page.")
            return
        self.preview(ids[0])

    def preview(self, letter_id: int) -> None:
        """The top of page 1 only: enough to check the address and the kind, not the letter's body."""
        row = next((r for r in self.rows if r.letter_id == letter_id), None)
        try:
            image = service.preview_top(self.store, letter_id, PREVIEW_DPI, PREVIEW_TOP_INCHES)
        except (service.LetterDataError, AccessDenied, StoreError) as err:
            self.view.show_preview(None, str(err))
            return
        if row is None:
            self.view.show_preview(image, "")
            return
        pages = f"{row.pages} page{'s' if row.pages != 1 else ''}"
        self.view.show_preview(image, f"{row.kind} · {row.language} · {pages}")

    # -- printing -------------------------------------------------------------------------------
    def print_requested(self, ids: list[int], target: str = "printer") -> None:
        if not ids:
            self.view.show_status("Select the letters to print first.")
            return
        reprint = self.mode == PRINTED
        try:
            dest = self.job_path() if target != "printer" else None
            job = service.print_letters(self.store, list(ids), dest, target=target)
        except (service.LetterDataError, service.LetterOutputError, StoreError, AccessDenied) as err:
            self.view.show_error("The letters were not printed", str(err))
            return
        if job.pdf is not None:
            delivery = PrintDelivery(_job_name(), len(job.letter_ids), job.pages, target,
                                     lambda dpi, pdf=job.pdf: self._images(pdf, dpi), job.pdf)
        else:
            delivery = PrintDelivery(job.path, len(job.letter_ids), job.pages, target,
                                     lambda dpi, path=job.path: self._images(path, dpi))
        if not self.view.deliver(delivery):
            self.view.show_status("Nothing was printed; the letters are still "
                                  + ("in the printed list." if reprint else "waiting."))
            return
        count = len(job.letter_ids)
        if target == "viewer" and not self.view.confirm(
                "Mark the letters printed?",
                f"The {count} letter{'s' if count != 1 else ''} ({job.pages} pages, by ZIP code then name) "
                f"opened in your PDF viewer. Did they print correctly?\n\nChoose Yes to mark them printed."):
            self.view.show_status("Not marked printed; the letters are still "
                                  + ("in the printed list." if reprint else "waiting."))
            return
        try:
            service.mark_printed(self.store, job.letter_ids, self.actor)
        except (StoreError, AccessDenied) as err:
            self.view.show_error("The letters printed but were not marked", str(err))
            return
        log.info("%d letters %s (%d pages)", count, "reprinted" if reprint else "printed", job.pages)
        self.view.show_status(f"{count} letter{'s' if count != 1 else ''} "
                              f"{'reprinted' if reprint else 'printed'} ({job.pages} pages).")
        self.refresh()

    def annual_notice_requested(self, new_only: bool, target: str = "printer") -> None:
        """The annual notice of MOCAP rights as one print job (every family, or new enrollees)."""
        who = "the families of students new to the district this school year" if new_only else "every family"
        if not self.view.confirm("Annual notice of MOCAP rights",
                                 f"Make the annual notice for {who}, each family in its own language, "
                                 "sorted by ZIP code then name? The notices are kept and recorded as sent."):
            return
        to_printer = target == "printer"
        try:
            if to_printer:  # written to a temporary file (the service streams it), read and deleted
                fd, name = tempfile.mkstemp(prefix="mocap-notice-", suffix=".pdf")
                os.close(fd)
                temp = Path(name)
                try:
                    result = service.annual_notice(self.store, temp, self.actor, new_only=new_only)
                    pdf = temp.read_bytes()
                finally:
                    temp.unlink(missing_ok=True)
            else:
                result = service.annual_notice(self.store, self.job_path(), self.actor, new_only=new_only)
        except OSError as err:
            self.view.show_error("No annual notice was made", f"The print job could not be made: {err}")
            return
        except (service.LetterDataError, service.LetterOutputError, StoreError, AccessDenied) as err:
            self.view.show_error("No annual notice was made", str(err))
            return
        if to_printer:
            delivery = PrintDelivery(_job_name("annual-notice"), result.letters, result.pages, target,
                                     lambda dpi, data=pdf: self._images(data, dpi), pdf)
        else:
            delivery = PrintDelivery(result.path, result.letters, result.pages, target,
                                     lambda dpi, path=result.path: self._images(path, dpi))
        sent = self.view.deliver(delivery)
        left_out = (f" {len(result.skipped)} famil{'ies' if len(result.skipped) != 1 else 'y'} left out "
                    "for want of a mailing address.") if result.skipped else ""
        if result.skipped:
            log.warning("Annual notice: %d families left out for want of a mailing address", len(result.skipped))
            self.view.show_error("Some families were left out", "\n".join(result.skipped[:20]) + (
                f"\n… and {len(result.skipped) - 20} more." if len(result.skipped) > 20 else ""))
        self.view.show_status(f"Annual notice: {result.letters} letters ({result.pages} pages) "
                              f"{('sent to the printer' if target == 'printer' else 'opened in your PDF viewer') if sent else 'kept'}"
                              f"{'' if to_printer else f' ({result.path})'}.{left_out}")

    @staticmethod
    def _images(source: Path | bytes, dpi: float) -> Iterator[PageImage]:
        from mocap_desktop.letters.pages import page_count

        for number in range(1, page_count(source) + 1):
            yield rasterize(source, dpi=dpi, first_page=number, count=1)[0]


def _job_name(stem: str = "print") -> Path:
    """The name a printer job goes by (the printer's queue shows it); no such file is written."""
    return Path(f"{stem}-{datetime.now():%Y%m%d-%H%M%S}.pdf")
