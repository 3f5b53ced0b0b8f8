"""A ReportLab canvas that writes each finished page to the output at once.

ReportLab keeps every page of a document in memory until `save()`; for a batch of a
thousand letters that grows with the batch. Here a page object and its content stream are
formatted and written as soon as the page is done, and only their object numbers and file
offsets are kept, so memory stays flat. What stays shared to the end (fonts, which are
subset over the whole document, the page tree, images and forms) is written by `save()`.

Pages can also be held back for one letter (`hold_pages`) so that its footer can say
"Page 2 of 3" once the letter's length is known; only that letter's pages are held.
"""

from __future__ import annotations

from typing import BinaryIO, Callable

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas


class _Written(pdfdoc.PDFObject):
    """Stands in for an object already written to the file."""

    def format(self, document):  # pragma: no cover - reaching this is a bug
        raise RuntimeError("an object already written was formatted again")


_WRITTEN = _Written()


class StreamingDocument(pdfdoc.PDFDocument):
    def __init__(self, out: BinaryIO, **kwargs):
        super().__init__(**kwargs)
        self._out = out
        self._pos = 0
        self._flushed: set[str] = set()
        header = pdfdoc.PDFFile(self._pdfVersion)
        self._emit(header.format(self))

    def _emit(self, data: bytes) -> int:
        at = self._pos
        self._out.write(data)
        self._pos += len(data)
        return at

    def _write_object(self, name: str) -> None:
        obj = self.idToObject[name]
        data = pdfdoc.PDFIndirectObject(name, obj).format(self)
        self.idToOffset[name] = self._emit(data)
        self.idToObject[name] = _WRITTEN
        self._flushed.add(name)

    def addPage(self, page):
        name = self.thisPageName()
        super().addPage(page)
        # Formatting the page registers its content stream; write both, keep only references.
        self._write_object(name)
        contents = getattr(page.Contents, "__InternalName__", None)
        if contents is not None:
            self._write_object(contents)
        page.stream = None
        page.Contents = None
        self.Pages.pages[-1] = pdfdoc.PDFObjectReference(name)

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
        ids = []
        counter = 0
        while True:
            counter += 1
            if counter not in self.numberToId:
                break
            oid = self.numberToId[counter]
            if oid not in self._flushed:
                obj = self.idToObject[oid]
                data = pdfdoc.PDFIndirectObject(oid, obj).format(self)
                self.idToOffset[oid] = self._emit(data)
            ids.append(oid)
        xref = pdfdoc.PDFCrossReferenceTable()
        xref.addsection(0, ids)
        xref_at = self._emit(xref.format(self))
        trailer = pdfdoc.PDFTrailer(
            startxref=xref_at, Size=len(self.numberToId) + 1, Root=self.Reference(cat),
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
