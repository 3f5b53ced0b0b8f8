"""A plain tabular report as a PDF (landscape US Letter, the embedded DejaVu family): a title,
a few facts, a sentence of context, and a table whose rows repeat their header on each page.

Used for a student's record of disclosures; data in, PDF bytes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mocap_desktop.letters.fonts import BOLD, REGULAR, register_fonts

MARGIN = 0.5 * inch


@dataclass(frozen=True)
class TableReport:
    title: str
    facts: tuple[tuple[str, str], ...]
    intro: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "Nothing to report."
    widths: tuple[float, ...] = ()
    """Each column's share of the page width; equal shares when empty."""



def numbered_canvas(footer: str, page_width: float, y: float, margin: float = MARGIN) -> type[Canvas]:
    """A canvas that starts each page in the embedded font (not Helvetica) and writes `footer`
    and "Page n of m" at the foot of every page (a report's pages, counted once all are laid out)."""

    class FooterCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = REGULAR
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(REGULAR, 7.5)
                self.drawString(margin, y, footer)
                self.drawRightString(page_width - margin, y, f"Page {number} of {len(self._pages)}")
                super().showPage()
            super().save()

    return FooterCanvas

def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def render_table_report(report: TableReport) -> bytes:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=11.5)
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName=BOLD, fontSize=8, leading=10)
    title = ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19, spaceAfter=6)

    out = BytesIO()
    page = landscape(LETTER)
    width = page[0] - 2 * MARGIN

    footed = numbered_canvas(report.title, page[0], 0.3 * inch)

    doc = SimpleDocTemplate(out, pagesize=page, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=0.6 * inch, title=report.title, author="MOCAP Desktop",
                            creator="MOCAP Desktop", invariant=1)
    story: list = [_p(report.title, title)]
    for label, value in report.facts:
        story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", body))
    if report.intro:
        story += [Spacer(1, 4), _p(report.intro, body)]
    story.append(Spacer(1, 10))
    if report.rows:
        shares = report.widths or tuple(1 / len(report.columns) for _ in report.columns)
        total = sum(shares)
        table = Table([[_p(c, head) for c in report.columns]]
                      + [[_p(v, cell) for v in row] for row in report.rows],
                      colWidths=[width * s / total for s in shares], repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), REGULAR, 8),  # else the table selects Helvetica
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]))
        story.append(table)
    else:
        story.append(_p(report.empty, body))
    doc.build(story, canvasmaker=footed)
    return out.getvalue()
