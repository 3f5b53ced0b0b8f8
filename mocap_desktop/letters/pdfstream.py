"""A ReportLab canvas that writes each finished page to the output at once.

ReportLab keeps every page of a document in memory until `save()`; for a batch of a
thousand letters that grows with the batch. Here a page object and its content stream are
formatted and written as soon as the page is done and then forgotten: what is kept of them
is an object number in the page tree and a file offset for the cross-reference table, eight
bytes each in an array, so memory stays flat at 100,000 letters. What stays shared to the end
(fonts, which are subset over the whole document, images and forms) is written by `save()`.

Pages can also be held back for one letter (`hold_pages`) so that its footer can say
"Page 2 of 3" once the letter's length is known; only that letter's pages are held.
"""

from __future__ import annotations

from array import array
from io import BytesIO
from typing import BinaryIO, Callable

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas


class _Written(pdfdoc.PDFObject):
    """Stands in for an object already written to the file."""

    def format(self, document):  # pragma: no cover - reaching this is a bug
        raise RuntimeError("an object already written was formatted again")


_WRITTEN = _Written()


class _Kids(pdfdoc.PDFObject):
    """The page tree's /Kids: references by object number."""

    def __init__(self, numbers: array):
        self.numbers = numbers

    def format(self, document) -> bytes:
        """As ReportLab lays out an array (`PDFArray.format`), ten to a line, built up without a
        list of every reference."""
        out = BytesIO()
        multiline = rl_config.pdfMultiLine
        for i, number in enumerate(self.numbers):
            if i:
                out.write(b"\n " if multiline else b" \n  " if i % 10 == 0 else b" ")
            out.write(b"%d 0 R" % number)
        return b"[ " + out.getvalue() + b" ]"


class _WrittenPages(pdfdoc.PDFPages):
    """The page tree of pages already written, by their object numbers."""

    def __init__(self):
        super().__init__()
        self.numbers = array("q")

    def check_format(self, document):
        self.Kids = _Kids(self.numbers)
        self.Count = len(self.numbers)


class StreamingDocument(pdfdoc.PDFDocument):
    def __init__(self, out: BinaryIO, **kwargs):
        super().__init__(**kwargs)
        self.Pages = self.Catalog.Pages = _WrittenPages()
        self._out = out
        self._pos = 0
        self._offsets = array("q", [0])  # by object number; 0: not written yet
        header = pdfdoc.PDFFile(self._pdfVersion)
        self._emit(header.format(self))

    def _emit(self, data: bytes) -> int:
        at = self._pos
        self._out.write(data)
        self._pos += len(data)
        return at

    def _write_object(self, name: str, forget: bool = False) -> int:
        """Write object `name` now; `forget`: nothing will refer to it by name any more (a
        page and its content stream), so only its offset is kept. Returns its number."""
        obj = self.idToObject[name]
        number = self.idToObjectNumberAndVersion[name][0]
        data = pdfdoc.PDFIndirectObject(name, obj).format(self)
        if len(self._offsets) <= number:
            self._offsets.extend([0] * (number + 1 - len(self._offsets)))
        self._offsets[number] = self._emit(data)
        if forget:
            del self.idToObject[name], self.idToObjectNumberAndVersion[name], self.numberToId[number]
        else:
            self.idToObject[name] = _WRITTEN
        return number

    def addPage(self, page):
        name = self.thisPageName()
        super().addPage(page)
        # Formatting the page registers its content stream; write both, keep their numbers only.
        self.Pages.numbers.append(self._write_object(name, forget=True))
        contents = getattr(page.Contents, "__InternalName__", None)
        if contents is not None:
            self._write_object(contents, forget=True)
        self.Pages.pages.clear()

    def SaveToFile(self, filename, canvas):
        for font in self.delayedFonts:
            font.addObjects(self)
        self.info.invariant = self.invariant
        self.info.digest(self.signature)
        self.Reference(self.Catalog)
        self.Reference(self.info)
        self.Outlines.prepare(self, canvas)
        if self.Outlines.ready < 0:
            self.Catalog.Outlines = None
        self._finish()

    def _finish(self) -> None:
        """Write the objects not yet written, the cross-reference table and the trailer."""
        self.encrypt.prepare(self)
        cat, info = self.Catalog, self.info
        self.Reference(cat)
        self.Reference(info)
        number = 0
        while number < self.objectcounter:  # formatting one may register more
            number += 1
            if number >= len(self._offsets) or not self._offsets[number]:
                self._write_object(self.numberToId[number])
        count = self.objectcounter
        # The cross-reference table as ReportLab writes it: object 0 free, then each offset.
        xref_at = self._emit(b"xref\n0 %d\n0000000000 65535 f \n" % (count + 1))
        for start in range(1, count + 1, 4096):  # written a block at a time, never held whole
            block = range(start, min(start + 4096, count + 1))
            self._emit(b"".join(b"%010d 00000 n \n" % self._offsets[n] for n in block))
        trailer = pdfdoc.PDFTrailer(
            startxref=xref_at, Size=count + 1, Root=self.Reference(cat),
            Info=self.Reference(info), ID=self.ID())
        self._emit(trailer.format(self))

    @property
    def bytes_written(self) -> int:
        return self._pos


class StreamingCanvas(Canvas):
    """A canvas over a binary file object; `save()` finishes the file (it does not close it)."""

    def __init__(self, out: BinaryIO, *, pagesize, title: str = "", author: str = "",
                 initial_font: str):
        # invariant: the same letters make the same bytes (no creation time, a document ID from
        # the content), so a batch made again is stored once (its SHA-256 is its name)
        super().__init__(out, pagesize=pagesize, initialFontName=initial_font, pageCompression=1,
                         invariant=1)
        self._doc = StreamingDocument(out, compression=1, invariant=1,
                                      pdfVersion=pdfdoc.PDF_VERSION_DEFAULT)
        self._make_preamble()
        if title:
            self.setTitle(title)
        if author:
            self.setAuthor(author)
            self.setCreator(author)
        self._held: list[dict] | None = None

    # -- one letter's pages held until its length is known -------------------------------
    def hold_pages(self) -> None:
        self._held = []

    def end_page(self) -> None:
        """End the page: held while `hold_pages()` is on, else written at once."""
        if self._held is None:
            self.showPage()
        else:
            self._held.append(dict(self.__dict__))
            self._startPage()

    def release_pages(self, footer: Callable[["StreamingCanvas", int, int], None] | None) -> int:
        """Write the held pages, calling `footer(canvas, page, pages)` on each; returns the count."""
        held, self._held = self._held or [], None
        for number, state in enumerate(held, start=1):
            self.__dict__.update(state)
            self._held = None
            if footer is not None:
                footer(self, number, len(held))
            self.showPage()
        return len(held)

    @property
    def pages_out(self) -> int:
        """Pages written so far."""
        return self._doc.pageCounter - 1
