"""The embedded TrueType family (DejaVu Sans, shipped in `resources/fonts/`).

ReportLab's built-in Helvetica has no glyphs for names such as Nguyễn or Łukasz; every letter
uses this family instead, with bold, italic and bold-italic mapped so `<b>`/`<i>` pick the
right face. The files carry every glyph of DejaVu Sans 2.37 but none of its hinting or OpenType
layout tables, which ReportLab neither reads nor needs in a PDF (each letter 38% smaller):
`pyftsubset FONT --glyphs='*' --unicodes='*' --no-hinting --drop-tables+=GPOS,GSUB,GDEF,MATH,FFTM`.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from mocap_desktop.resources import resource_path

FAMILY = "MocapSans"
REGULAR, BOLD, ITALIC, BOLD_ITALIC = FAMILY, f"{FAMILY}-Bold", f"{FAMILY}-Italic", f"{FAMILY}-BoldItalic"
FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
_lock = threading.Lock()
_done = False


def register_fonts() -> str:
    """Register the family once per process; returns the regular face's name."""
    global _done
    if _done:
        return REGULAR
    with _lock:
        if not _done:
            for name, file in FILES.items():
                pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
            pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC,
                                          boldItalic=BOLD_ITALIC)
            _done = True
    return REGULAR
