"""The page every letter is laid out on: US Letter, the #10 window envelope's window, where the
letterhead, address, body and folds go, the colours and the paragraph styles."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch

from mocap_desktop.letters.fonts import BOLD, ITALIC, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN = 1.0 * inch
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN

# A #10 envelope is 4 1/8 x 9 1/2 in; its window, 4 1/2 x 1 1/8 in, sits 7/8 in from the left.
# A letter folded in thirds rides 2.0 to 2.5 in below the envelope's top edge, so the part of
# the page that always shows is about 1 in from the left and 2 to 3 1/8 in from the top.
# The address block stays inside that; nothing else on the page enters it.
WINDOW_LEFT, WINDOW_RIGHT = 0.875 * inch, 5.375 * inch
WINDOW_TOP, WINDOW_BOTTOM = 2.0 * inch, 3.125 * inch  # measured from the top of the page
ADDRESS_LEFT = 1.0 * inch
ADDRESS_TOP = 2.1 * inch
ADDRESS_WIDTH = 3.5 * inch
ADDRESS_SIZE, ADDRESS_MIN_SIZE, ADDRESS_LEADING = 10.5, 7.5, 1.2
META_LEFT, META_TOP, META_WIDTH, META_HEIGHT = 5.6 * inch, 2.0 * inch, 1.9 * inch, 1.2 * inch
BODY_TOP_FIRST = 3.3 * inch
BODY_TOP_NEXT = 0.8 * inch
BODY_BOTTOM = 0.8 * inch
LETTERHEAD_TOP = 0.5 * inch
LETTERHEAD_RULE = 1.5 * inch
LOGO_SIZE = 0.85 * inch
FOLDS = (11 * inch / 3, 22 * inch / 3)

INK = colors.HexColor("#1b1b1b")
ACCENT = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#5a5a5a")
RULE = colors.HexColor("#b8c2cc")


TIERS = ((9.8, 13.0, 5.0), (9.3, 12.2, 4.0))
"""Body type size, leading and paragraph spacing: the regular size first, then tighter ones, tried
only when a letter would otherwise leave its last lines alone on a page."""


def styles(tier: int = 0) -> dict[str, ParagraphStyle]:
    """The letter's paragraph styles at a tightness tier (0 is the regular size)."""
    font = register_fonts()
    size, leading, after = TIERS[tier]
    compact = tier > 0
    base = ParagraphStyle("body", fontName=font, fontSize=size, leading=leading, textColor=INK,
                          spaceAfter=after)
    return {
        "body": base,
        "subject": ParagraphStyle("subject", parent=base, fontName=BOLD, fontSize=12, leading=15,
                                  textColor=ACCENT, spaceAfter=6 if compact else 8, keepWithNext=1),
        "lead": ParagraphStyle("lead", parent=base, fontSize=size + 0.5, leading=leading + 1,
                               spaceAfter=after + 1),
        "heading": ParagraphStyle("heading", parent=base, fontName=BOLD, fontSize=size + 0.7,
                                  leading=leading + 0.5, textColor=ACCENT, spaceBefore=3 if compact else 5,
                                  spaceAfter=2 if compact else 3, keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=base, fontName=BOLD, fontSize=8.5, leading=11,
                                   spaceAfter=0, textColor=ACCENT),
        "citation": ParagraphStyle("citation", parent=base, fontName=ITALIC, fontSize=8, leading=10.5,
                                   textColor=MUTED, spaceBefore=8),
        "meta": ParagraphStyle("meta", parent=base, fontSize=8.5, leading=10.6, spaceAfter=2.5),
        "quote": ParagraphStyle("quote", parent=base, leftIndent=12, borderPadding=(4, 6, 4, 8),
                                borderColor=RULE, borderWidth=0.6, backColor=colors.HexColor("#f4f6f8"),
                                spaceBefore=2, spaceAfter=9),
        "footer": ParagraphStyle("footer", parent=base, fontSize=7.5, leading=9, textColor=MUTED,
                                 alignment=TA_CENTER),
    }
