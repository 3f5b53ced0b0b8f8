"""The appeal packet: one PDF that gathers a request, its findings, the decision, the appeals,
the letters and the timeline, for the board, the state or the family's advocate.

Plain data in (`PacketData`, filled by the review service), PDF out. No Qt, no SQL. Text is set
in the embedded TrueType family so every name prints (Nguyễn, Łukasz, Peña).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

__all__ = ["FindingRow", "FindingsBlock", "PacketData", "render_packet", "packet_font"]

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FindingRow:
    rule: str
    name: str
    outcome: str
    message: str


@dataclass(frozen=True)
class FindingsBlock:
    label: str
    policy: str
    eligible: bool | None
    rows: tuple[FindingRow, ...]


@dataclass(frozen=True)
class PacketData:
    district_name: str
    reference: str
    student: str
    generated_on: date
    prepared_by: str = ""
    district_lines: tuple[str, ...] = ()
    student_facts: Pairs = ()
    request_facts: Pairs = ()
    courses: tuple[tuple[str, str, str, str, str, str], ...] = ()
    """(code, title, provider, credits, full-time load, decision)"""
    submitted: FindingsBlock | None = None
    today: FindingsBlock | None = None
    decision_facts: Pairs = ()
    reasons: Pairs = ()
    """(code, plain meaning)"""
    explanation: str = ""
    decision_checks: tuple[FindingRow, ...] = ()
    appeals: tuple[Pairs, ...] = ()
    letters: tuple[tuple[str, str, str, str], ...] = ()
    """(letter, language, queued, printed)"""
    timeline: tuple[tuple[str, str, str], ...] = ()
    """(when, who, what)"""
    notes: tuple[str, ...] = field(default=())


def packet_font() -> tuple[str, str]:
    """The (regular, bold) font names to use, registering the shipped TrueType family."""
    try:
        from mocap_desktop.letters.fonts import BOLD, register_fonts
    except ImportError:  # the letters package ships its own registration; fall back to ours
        return _register_fallback()
    try:
        return register_fonts(), BOLD
    except Exception:  # noqa: BLE001 - a missing font file: try the system's DejaVu
        return _register_fallback()


def _register_fallback() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from mocap_desktop.resources import resource_path

    regular, bold = "PacketSans", "PacketSans-Bold"
    if regular in pdfmetrics.getRegisteredFontNames():
        return regular, bold
    for folder in (resource_path("fonts"), Path("/usr/share/fonts/truetype/dejavu")):
        r, b = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if r.is_file() and b.is_file():
            pdfmetrics.registerFont(TTFont(regular, str(r)))
            pdfmetrics.registerFont(TTFont(bold, str(b)))
            pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
            return regular, bold
    raise FileNotFoundError("No TrueType font for the appeal packet: resources/fonts/DejaVuSans.ttf is missing.")


_OUTCOME_COLORS = {"fail": colors.HexColor("#B00020"), "warn": colors.HexColor("#8A5A00"),
                   "waived": colors.HexColor("#1F5FA8"), "pass": colors.HexColor("#1E6B34")}
_OUTCOME_WORDS = {"pass": "Pass", "fail": "Fail", "waived": "Waived", "warn": "Note", "not_applicable": "n/a"}


class _Styles:
    def __init__(self, regular: str, bold: str):
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=11.5, alignment=TA_LEFT)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=8, leading=10)
        self.cell_bold = ParagraphStyle("cellb", parent=self.cell, fontName=bold)
        self.title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4)
        self.h2 = ParagraphStyle("h2", fontName=bold, fontSize=11.5, leading=14, spaceBefore=10, spaceAfter=4,
                                 textColor=colors.HexColor("#1F3A5F"))
        self.bold = bold
        self.regular = regular


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _grid(rows: list[list], widths: list[float], st: _Styles, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONT", (0, 0), (-1, -1), st.regular, 8),  # tables default to Helvetica, which has no "ễ"
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#B8C2CC")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")))
    table.setStyle(TableStyle(style))
    return table


def _pairs(pairs: Pairs, st: _Styles, width: float) -> Table:
    rows = [[_p(k, st.cell_bold), _p(v, st.cell)] for k, v in pairs]
    table = Table(rows, colWidths=[1.7 * inch, width - 1.7 * inch])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), st.regular, 8), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#D5DCE3")),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def _findings(block: FindingsBlock, st: _Styles, width: float) -> list:
    eligible = "" if block.eligible is None else ("eligible" if block.eligible else "not eligible")
    head = f"{block.label} — policy {block.policy}" + (f" — {eligible}" if eligible else "")
    rows = [[_p("Rule", st.cell_bold), _p("Result", st.cell_bold), _p("What it means", st.cell_bold)]]
    for f in block.rows:
        color = _OUTCOME_COLORS.get(f.outcome, colors.black)
        result = ParagraphStyle("r", parent=st.cell_bold, textColor=color)
        rows.append([_p(f"{f.rule} {f.name}", st.cell), _p(_OUTCOME_WORDS.get(f.outcome, f.outcome), result),
                     _p(f.message, st.cell)])
    return [_p(head, st.cell_bold), Spacer(1, 2), _grid(rows, [1.45 * inch, 0.6 * inch, width - 2.05 * inch], st)]


def _story(data: PacketData, st: _Styles, width: float) -> list:
    s: list = []
    s.append(_p(data.district_name, st.small))
    s.append(_p("MOCAP appeal packet", st.title))
    s.append(_p(f"Request {data.reference} — {data.student}", ParagraphStyle("sub", parent=st.body, fontName=st.bold,
                                                                             fontSize=11, leading=14)))
    s.append(_p(f"Prepared {data.generated_on.isoformat()}" + (f" by {data.prepared_by}" if data.prepared_by else "")
                + ". Contains education records protected by FERPA (34 CFR Part 99): share only with the Board, "
                "the Department or the family.", st.small))
    s.append(Spacer(1, 6))

    s.append(_p("1. The request", st.h2))
    if data.student_facts:
        s.append(_pairs(data.student_facts, st, width))
        s.append(Spacer(1, 4))
    if data.request_facts:
        s.append(_pairs(data.request_facts, st, width))
    if data.courses:
        s.append(Spacer(1, 4))
        rows = [[_p(h, st.cell_bold) for h in ("Course", "Title", "Provider", "Credits", "Full-time load",
                                               "Decision")]]
        rows += [[_p(c, st.cell) for c in course] for course in data.courses]
        s.append(_grid(rows, [0.8 * inch, 1.9 * inch, 1.7 * inch, 0.55 * inch, 0.85 * inch,
                              width - 5.8 * inch], st))

    s.append(_p("2. Findings of the rules", st.h2))
    for block in (data.submitted, data.today):
        if block is not None:
            s.extend(_findings(block, st, width))
            s.append(Spacer(1, 6))

    s.append(_p("3. The decision", st.h2))
    if data.decision_facts:
        s.append(_pairs(data.decision_facts, st, width))
        if data.reasons:
            s.append(Spacer(1, 4))
            rows = [[_p("Reason", st.cell_bold), _p("Plain meaning", st.cell_bold)]]
            rows += [[_p(code, st.cell), _p(text, st.cell)] for code, text in data.reasons]
            s.append(_grid(rows, [2.0 * inch, width - 2.0 * inch], st))
        if data.explanation:
            s.append(Spacer(1, 4))
            s.append(KeepTogether([_p("Written explanation", st.cell_bold), _p(data.explanation, st.body)]))
        if data.decision_checks:
            s.append(Spacer(1, 4))
            s.extend(_findings(FindingsBlock("Checks of the decision (R12-R15) when it was saved", "as recorded",
                                             None, data.decision_checks), st, width))
    else:
        s.append(_p("No decision has been recorded.", st.body))

    s.append(_p("4. Appeals", st.h2))
    if data.appeals:
        for n, appeal in enumerate(data.appeals, start=1):
            s.append(KeepTogether([_p(f"Appeal {n}", st.cell_bold), _pairs(appeal, st, width), Spacer(1, 4)]))
    else:
        s.append(_p("No appeal has been recorded.", st.body))

    s.append(_p("5. Letters to the family", st.h2))
    if data.letters:
        rows = [[_p(h, st.cell_bold) for h in ("Letter", "Language", "Queued", "Printed")]]
        rows += [[_p(c, st.cell) for c in letter] for letter in data.letters]
        s.append(_grid(rows, [2.2 * inch, 1.0 * inch, 1.6 * inch, width - 4.8 * inch], st))
    else:
        s.append(_p("No letters are recorded for this request.", st.body))

    s.append(_p("6. Timeline", st.h2))
    rows = [[_p(h, st.cell_bold) for h in ("When", "Who", "What")]]
    rows += [[_p(when.replace("T", " "), st.cell), _p(who, st.cell), _p(what, st.cell)]
             for when, who, what in data.timeline]
    s.append(_grid(rows, [1.15 * inch, 1.6 * inch, width - 2.75 * inch], st))
    for note in data.notes:
        s.append(Spacer(1, 4))
        s.append(_p(note, st.small))
    return s


def _numbered_canvas(font: str, reference: str):
    class NumberedCanvas(Canvas):
        """Writes 'Page n of m' once the page count is known."""

        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font  # else Helvetica on every page
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self.setFont(font, 7.5)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(0.75 * inch, 0.5 * inch, f"MOCAP appeal packet · {reference} · confidential")
                self.drawRightString(LETTER[0] - 0.75 * inch, 0.5 * inch, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def render_packet(data: PacketData, out: Path | BinaryIO) -> None:
    """Write the packet as a PDF to a path or a binary stream."""
    regular, bold = packet_font()
    st = _Styles(regular, bold)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=LETTER, leftMargin=0.75 * inch, rightMargin=0.75 * inch,
                            topMargin=0.7 * inch, bottomMargin=0.8 * inch,
                            title=f"MOCAP appeal packet {data.reference}", author=data.district_name,
                            subject="MOCAP appeal packet")
    doc.build(_story(data, st, doc.width), canvasmaker=_numbered_canvas(regular, data.reference))
    payload = buffer.getvalue()
    if isinstance(out, (str, Path)):
        Path(out).write_bytes(payload)
    else:
        out.write(payload)
