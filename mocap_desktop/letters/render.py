"""Lay letters out on US Letter paper: one letter to bytes, or a batch streamed to one file.

Page 1: the letterhead, the guardian's address where a #10 window envelope shows it, a
box with the date, reference and student to its right (outside the window), then the body:
what was decided in one sentence, the details, whom to contact, the signature and the
citation. Later pages carry only the body; multi-page letters say "Page 2 of 3".
"""

from __future__ import annotations

import logging
import os
import tempfile
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Paragraph

from mocap_desktop.core.messages import format_date
from mocap_desktop.letters.fonts import BOLD, REGULAR, register_fonts
from mocap_desktop.letters.layout import (
    ACCENT,
    ADDRESS_LEADING,
    ADDRESS_LEFT,
    ADDRESS_MIN_SIZE,
    ADDRESS_SIZE,
    ADDRESS_TOP,
    ADDRESS_WIDTH,
    BODY_BOTTOM,
    BODY_TOP_FIRST,
    BODY_TOP_NEXT,
    BODY_WIDTH,
    FOLDS,
    INK,
    LETTERHEAD_RULE,
    LETTERHEAD_TOP,
    LOGO_SIZE,
    MARGIN,
    META_HEIGHT,
    META_LEFT,
    META_TOP,
    META_WIDTH,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    TIERS,
    WINDOW_BOTTOM,
    WINDOW_LEFT,
    WINDOW_RIGHT,
    WINDOW_TOP,
    styles,
)
from mocap_desktop.letters.model import LetterData, LetterDataError, Letterhead
from mocap_desktop.letters.pdfstream import StreamingCanvas
from mocap_desktop.letters.story import Keep, Story, grade_words
from mocap_desktop.letters.wording import Wording, escape_values, load_wording

__all__ = ["WINDOW_BOTTOM", "WINDOW_LEFT", "WINDOW_RIGHT", "WINDOW_TOP", "BatchResult", "LetterOutputError",
           "LetterWriter", "Placement", "atomic_output", "draw_letterhead", "letterhead_logo", "render_letter",
           "write_letters"]

log = logging.getLogger(__name__)

MAX_PAGES = 12
WIDOW_HEIGHT = 2.2 * inch  # a last page using less than this is worth a tighter try
FORBIDDEN_REASONS = ("COST", "DISTRICT_PROGRAM_AVAILABLE")


def _y(from_top: float) -> float:
    return PAGE_HEIGHT - from_top


@dataclass(frozen=True)
class Placement:
    """Where one letter landed in the output: pages are 1-based."""

    first_page: int
    page_count: int


class Placements(Sequence[Placement]):
    """Where each letter of a batch landed, in order: two numbers a letter, so that a batch of
    100,000 letters holds no object per letter."""

    def __init__(self) -> None:
        self._first, self._count = array("q"), array("q")

    def append(self, placement: Placement) -> None:
        self._first.append(placement.first_page)
        self._count.append(placement.page_count)

    def __len__(self) -> int:
        return len(self._first)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return Placement(self._first[index], self._count[index])


@dataclass(frozen=True)
class BatchResult:
    path: Path | None
    letters: int
    pages: int
    placements: Sequence[Placement]
    bytes: int


class LetterOutputError(OSError):
    """The output file cannot be written; nothing was left behind."""


# --- pages ------------------------------------------------------------------------------------

def _fill(frame: Frame, story: list[Flowable], canvas) -> None:
    """Draw from the front of `story` into `frame` until it is full, splitting what can split.

    Headings stay with the start of what follows them; a `Keep` group moves whole to the
    next page unless it is already at the top of one.
    """
    while story:
        item = story[0]
        avail = frame._y - frame._y1p
        if isinstance(item, Keep):
            total = sum(c.wrap(frame._aW, avail)[1] + c.getSpaceBefore() + c.getSpaceAfter()
                        for c in item.contents)
            if total <= avail or frame._atTop:
                story[0:1] = item.contents
                continue
            return
        style = getattr(item, "style", None)
        if getattr(style, "keepWithNext", 0) and not frame._atTop and len(story) > 1:
            need = item.wrap(frame._aW, avail)[1] + item.getSpaceBefore() + item.getSpaceAfter()
            following = story[1]
            if not isinstance(following, Keep):
                need += min(following.wrap(frame._aW, avail)[1], 2.5 * style.leading)
            if need > avail:
                return
        if frame.add(item, canvas, trySplit=1):
            story.pop(0)
            continue
        parts = frame.split(item, canvas)
        if parts and frame.add(parts[0], canvas, trySplit=1):
            story[0:1] = parts[1:]
            continue
        if frame._atTop:
            raise LetterDataError("A part of the letter is too large to fit on a page.")
        return


def _fit(text: str, font: str, size: float, width: float, minimum: float) -> float:
    while size > minimum and stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def letterhead_logo(lh: Letterhead) -> ImageReader | None:
    """The letterhead's logo, read once, or `LetterDataError` when it is not a usable picture."""
    if lh.logo_path is None:
        return None
    try:
        logo = ImageReader(str(lh.logo_path))
        logo.getSize()
    except Exception as exc:  # noqa: BLE001 - any unreadable image is the same problem
        raise LetterDataError(
            f"The letterhead logo {lh.logo_path} is not a picture the letters can use "
            f"(PNG or JPEG): {type(exc).__name__}.") from None
    return logo


def draw_letterhead(c, lh: Letterhead, contact_label: str, logo: ImageReader | None) -> None:
    """The district's letterhead at the top of a page: logo, name, address, phone and web, the
    MOCAP contact, and the rule under them (every letter, and the provider packet)."""
    x = MARGIN
    top = _y(LETTERHEAD_TOP)
    if logo is not None:
        c.drawImage(logo, MARGIN, top - LOGO_SIZE, LOGO_SIZE, LOGO_SIZE, preserveAspectRatio=True,
                    anchor="nw", mask="auto")
        x = MARGIN + LOGO_SIZE + 0.18 * inch
    width = PAGE_WIDTH - MARGIN - x
    size = _fit(lh.district_name, BOLD, 15, width, 10)
    c.setFillColor(ACCENT)
    c.setFont(BOLD, size)
    c.drawString(x, top - 14, lh.district_name)
    c.setFillColor(MUTED)
    lines = [" · ".join(lh.address_lines),
             " · ".join(p for p in (lh.phone, lh.email, lh.website) if p)]
    contact = lh.contact
    who = ", ".join(p for p in (contact.name, contact.title) if p)
    if who:
        lines.append(f"{contact_label}: " + " · ".join(p for p in (who, contact.phone, contact.email) if p))
    y = top - 14 - 14
    for line in lines:
        if not line:
            continue
        fs = _fit(line, REGULAR, 8.5, width, 6.5)
        c.setFont(REGULAR, fs)
        c.drawString(x, y, line)
        y -= 11
    c.setStrokeColor(ACCENT)
    c.setLineWidth(0.9)
    c.line(MARGIN, _y(LETTERHEAD_RULE), PAGE_WIDTH - MARGIN, _y(LETTERHEAD_RULE))


class LetterWriter:
    """Lays letters out one after another on one streaming canvas (one output file)."""

    def __init__(self, out: BinaryIO, *, override_dir: Path | None = None, title: str = ""):
        register_fonts()
        self.canvas = StreamingCanvas(out, pagesize=LETTER, title=title, author="MOCAP Desktop",
                                      initial_font=REGULAR)
        self.styles = styles()
        self.tiers = [self.styles] + [styles(t) for t in range(1, len(TIERS))]
        self.override_dir = override_dir
        self._letterheads: dict[tuple, str] = {}
        self._bodies: dict[tuple, tuple[str, ...]] = {}
        self.letters = 0
        self.placements = Placements()

    # -- shared pieces, drawn once per file as form XObjects ----------------------------------
    def _letterhead_form(self, lh: Letterhead, w: Wording) -> str:
        key = (lh, w.language)
        name = self._letterheads.get(key)
        if name:
            return name
        name = f"letterhead{len(self._letterheads)}"
        logo = letterhead_logo(lh)
        self.canvas.beginForm(name)
        draw_letterhead(self.canvas, lh, w.text("mocap_contact_label"), logo)
        self.canvas.endForm()
        self._letterheads[key] = name
        return name

    def _address(self, data: LetterData) -> None:
        c = self.canvas
        lines = data.recipient.address_lines()
        size = min(_fit(line, REGULAR, ADDRESS_SIZE, ADDRESS_WIDTH, ADDRESS_MIN_SIZE) for line in lines)
        if any(stringWidth(line, REGULAR, size) > ADDRESS_WIDTH for line in lines):
            raise LetterDataError(
                f"The mailing address of {data.recipient.who()} is too long for the envelope window: "
                "shorten it in the guardian's record.")
        c.setFillColor(INK)
        leading = size * ADDRESS_LEADING
        y = _y(ADDRESS_TOP) - size
        for line in lines:
            c.setFont(REGULAR, size)
            c.drawString(ADDRESS_LEFT, y, line)
            y -= leading

    def _meta(self, data: LetterData, w: Wording) -> None:
        """Date, reference and student(s), right of the window: plain text lines (this runs once
        per letter, so it stays off the paragraph machinery)."""
        rows: list[tuple[str, list[str]]] = [(w.text("date_label"), [format_date(data.letter_date, data.language)])]
        if data.reference:
            rows.append((w.text("reference_label"), [data.reference]))
        if len(data.students) == 1:
            s = data.student
            rows.append((w.text("student_label"), [s.name]))
            extra = " · ".join(p for p in (grade_words(s.grade, w), s.building) if p)
            if extra:
                rows.append((f"{w.text('grade_label')} · {w.text('school_label')}", [extra]))
        else:
            names = [s.name for s in data.students]
            if len(names) > 5:
                names = names[:4] + [w.text("more_students", count=str(len(names) - 4))]
            rows.append((w.text("students_label"), names))
        for size in (8.5, 8.0, 7.5, 7.0, 6.5):
            label_size = size - 1
            lines: list[tuple[str, str, float]] = []
            for label, values in rows:
                lines.append((REGULAR, label, label_size))
                for value in values:
                    lines += [(REGULAR, part, size) for part in simpleSplit(value, REGULAR, size, META_WIDTH)]
            height = sum(fs * 1.22 for _, _, fs in lines) + 2.5 * (len(rows) - 1)
            if height <= META_HEIGHT:
                break
        c = self.canvas
        y = _y(META_TOP)
        for font, text, fs in lines:
            is_label = fs == label_size
            if is_label and y < _y(META_TOP):
                y -= 2.5
            y -= fs * 1.22
            c.setFont(font, fs)
            c.setFillColor(MUTED if is_label else INK)
            c.drawString(META_LEFT, y + 0.22 * fs, text)

    def _fold_marks(self) -> None:
        c = self.canvas
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        for at in FOLDS:
            c.line(0.25 * inch, _y(at), 0.45 * inch, _y(at))

    def _chrome(self, data: LetterData, w: Wording, letterhead: str) -> None:
        self.canvas.doForm(letterhead)
        self._fold_marks()
        self._address(data)
        self._meta(data, w)

    @staticmethod
    def _frame(first: bool) -> Frame:
        top = BODY_TOP_FIRST if first else BODY_TOP_NEXT
        height = PAGE_HEIGHT - top - BODY_BOTTOM
        return Frame(MARGIN, BODY_BOTTOM, BODY_WIDTH, height, leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)

    def _lay_out(self, story: list[Flowable], draw_page: Callable[[int], None], canvas=None,
                 end_page: bool = True) -> tuple[int, float]:
        """Fill pages until the story is done; returns (pages, height used on the last page)."""
        canvas = canvas or self.canvas
        page, used = 0, 0.0
        while story:
            page += 1
            if page > MAX_PAGES:
                raise LetterDataError(f"A letter ran past {MAX_PAGES} pages; its text is far too long.")
            draw_page(page)
            frame = self._frame(page == 1)
            _fill(frame, story, canvas)
            used = frame._y2 - frame._y
            if end_page:
                canvas.end_page()
        return page, used

    def _body_forms(self, data: LetterData, w: Wording) -> tuple[str, ...]:
        """The annual notice's body is the same for every family: lay it out once per file."""
        key = (data.language, data.letterhead, data.settings)
        forms = self._bodies.get(key)
        if forms is not None:
            return forms
        styles = self.styles
        scratch = Canvas(BytesIO(), pagesize=LETTER, initialFontName=REGULAR)
        pages, used = self._lay_out(Story(data, w, styles).build(), lambda _: None, scratch, end_page=False)
        if pages > 1 and used < WIDOW_HEIGHT:
            for tighter in self.tiers[1:]:
                fewer, _ = self._lay_out(Story(data, w, tighter).build(), lambda _: None, scratch,
                                         end_page=False)
                if fewer < pages:
                    styles = tighter
                    break
        story = Story(data, w, styles).build()
        names: list[str] = []
        c = self.canvas
        while story:
            if len(names) >= MAX_PAGES:
                raise LetterDataError(f"The annual notice ran past {MAX_PAGES} pages.")
            name = f"notice{len(self._bodies)}p{len(names)}"
            c.beginForm(name)
            _fill(self._frame(not names), story, c)
            c.endForm()
            names.append(name)
        self._bodies[key] = forms = tuple(names)
        return forms

    def _footer(self, data: LetterData, w: Wording):
        v = escape_values({"district": data.letterhead.district_name, "reference": data.reference})
        base = w.text("footer" if data.reference else "footer_no_reference", v)

        def draw(canvas: StreamingCanvas, page: int, pages: int) -> None:
            if pages < 2:
                return
            text = f"{base}  ·  {w.text('page', page=str(page), pages=str(pages))}"
            p = Paragraph(text, self.styles["footer"])
            _, h = p.wrap(BODY_WIDTH, 0.4 * inch)
            p.drawOn(canvas, MARGIN, 0.42 * inch)

        return draw

    def add(self, data: LetterData) -> Placement:
        """Validate and lay out one letter; raises `LetterDataError` before drawing anything."""
        data.validate()
        if data.kind in ("denied", "partially_approved"):
            bad = [r for r in data.decision.reasons if r in FORBIDDEN_REASONS]
            if bad:
                raise LetterDataError(
                    f"{', '.join(bad)} cannot be given as a reason to deny a MOCAP request "
                    f"({data.reference}).")
        w = load_wording(data.kind, data.language, self.override_dir)
        letterhead = self._letterhead_form(data.letterhead, w)
        first = self.canvas.pages_out + 1
        if data.kind == "annual_notice":
            forms = self._body_forms(data, w)
            story = None
        else:
            story = Story(data, w, self.styles).build()
        self.canvas.hold_pages()
        try:
            if story is None:
                for index, form in enumerate(forms):
                    if index == 0:
                        self._chrome(data, w, letterhead)
                    self.canvas.doForm(form)
                    self.canvas.end_page()
            else:
                chrome = lambda page: page == 1 and self._chrome(data, w, letterhead)  # noqa: E731
                pages, used = self._lay_out(story, chrome)
                if pages > 1 and used < WIDOW_HEIGHT:
                    # a few last lines alone on a page: try tighter styles, keep one if it saves the page
                    for tighter in self.tiers[1:]:
                        self._discard_held()
                        fewer, _ = self._lay_out(Story(data, w, tighter).build(), chrome)
                        if fewer < pages:
                            break
                    else:
                        self._discard_held()
                        self._lay_out(Story(data, w, self.styles).build(), chrome)
        except BaseException:
            self.canvas._held = None
            self.canvas._startPage()  # drop the half-drawn page; the next letter starts clean
            raise
        pages = self.canvas.release_pages(self._footer(data, w))
        self.letters += 1
        placement = Placement(first, pages)
        self.placements.append(placement)
        return placement

    def _discard_held(self) -> None:
        self.canvas._held = []
        self.canvas._startPage()

    def close(self) -> int:
        if self.letters == 0:
            raise LetterDataError("There are no letters to write.")
        self.canvas.save()
        return self.canvas.pages_out


def render_letter(data: LetterData, override_dir: Path | None = None) -> bytes:
    """One letter as PDF bytes."""
    out = BytesIO()
    writer = LetterWriter(out, override_dir=override_dir, title=data.reference or data.kind)
    writer.add(data)
    writer.close()
    return out.getvalue()


def atomic_output(dest: Path, write: Callable[[BinaryIO], object]):
    """Run `write(file)` on a temporary file beside `dest`, then move it into place.

    On any failure the temporary file is removed and `dest` is untouched. Returns what
    `write` returned.
    """
    dest = Path(dest)
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise LetterOutputError(f"Cannot write {dest}: the folder {folder} does not exist.")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=folder)
    except OSError as exc:
        raise LetterOutputError(
            f"Cannot write {dest}: the folder cannot be written ({exc.strerror or exc}). "
            "Choose another folder.") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            result = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, dest)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, LetterOutputError):
            raise
        raise LetterOutputError(f"Cannot write {dest}: {exc.strerror or exc}.") from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return result


def write_letters(letters: Iterable[LetterData], dest: Path | BinaryIO, *,
                  override_dir: Path | None = None, title: str = "MOCAP letters",
                  on_letter: Callable[[LetterData, Placement], None] | None = None) -> BatchResult:
    """Stream `letters` into one PDF at `dest` (a path: written atomically; or an open file)."""

    def write(fh: BinaryIO) -> BatchResult:
        writer = LetterWriter(fh, override_dir=override_dir, title=title)
        for data in letters:
            placement = writer.add(data)
            if on_letter is not None:
                on_letter(data, placement)
        pages = writer.close()
        return BatchResult(None, writer.letters, pages, writer.placements,
                           writer.canvas._doc.bytes_written)

    if isinstance(dest, (str, Path)):
        result = atomic_output(Path(dest), write)
        log.info("Wrote %d letters (%d pages) to a PDF", result.letters, result.pages)
        return BatchResult(Path(dest), result.letters, result.pages, result.placements, result.bytes)
    return write(dest)
