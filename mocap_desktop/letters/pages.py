"""PDF pages as pictures (for previews and printing) and several PDFs joined into one.

pypdfium2 does both from a wheel on Windows, macOS and Linux; nothing here touches Qt: a
page comes out as raw RGBX bytes that a view wraps in a QImage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pypdfium2 as pdfium


@dataclass(frozen=True)
class PageImage:
    width: int
    height: int
    stride: int
    data: bytes
    """Rows of RGBX pixels (4 bytes each, the fourth unused), `stride` bytes apart."""


def _open(source: bytes | Path) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(bytes(source) if isinstance(source, (bytes, bytearray, memoryview)) else str(source))


def page_count(source: bytes | Path) -> int:
    pdf = _open(source)
    try:
        return len(pdf)
    finally:
        pdf.close()


def rasterize(source: bytes | Path, *, dpi: float = 96, first_page: int = 1, count: int | None = None,
              top_inches: float | None = None, side_inches: float = 0) -> list[PageImage]:
    """Pages `first_page`… (1-based) of a PDF rendered at `dpi`; only the top `top_inches` of
    each page when given, without `side_inches` of margin on the left and right."""
    pdf = _open(source)
    try:
        last = len(pdf) if count is None else min(len(pdf), first_page - 1 + count)
        images = []
        for index in range(first_page - 1, last):
            page = pdf[index]
            side = side_inches * 72
            crop = (side, 0, side, 0)
            if top_inches is not None:
                crop = (side, max(0.0, page.get_height() - top_inches * 72), side, 0)
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True, prefer_bgrx=True, crop=crop)
            images.append(PageImage(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer)))
            bitmap.close()
            page.close()
        return images
    finally:
        pdf.close()


@dataclass(frozen=True)
class Part:
    path: bytes | Path
    """The PDF: its bytes (a letter kept in the database) or a file."""
    first_page: int = 1
    page_count: int | None = None
    name: str = ""
    """What to call it in an error (a file's path when empty)."""


def merge(parts: list[Part], out: BinaryIO) -> int:
    """Write the pages of `parts`, in order, as one PDF to `out`; returns the page count."""
    target = pdfium.PdfDocument.new()
    try:
        for part in parts:
            source = _open(part.path)
            try:
                start = part.first_page - 1
                stop = len(source) if part.page_count is None else start + part.page_count
                if stop > len(source) or start < 0:
                    label = part.name or (str(part.path) if isinstance(part.path, Path) else "a letter")
                    raise ValueError(f"{label} has {len(source)} pages, not {stop}")
                target.import_pages(source, pages=list(range(start, stop)))
            finally:
                source.close()
        pages = len(target)
        target.save(out)
        return pages
    finally:
        target.close()
