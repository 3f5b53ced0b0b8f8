"""The provider packet: what a course provider needs to enroll a student in the approved MOCAP
courses (the student, the courses, the start term, the district's MOCAP contact), on the
district's letterhead, as a PDF that opens only with a password.

Plain data in (`ProviderPacketData`, filled by `services/provider_packet.py`), PDF bytes out.
The PDF is encrypted by ReportLab itself: AES-256 when ReportLab can (its `pyaes` is
installed), else 128-bit; the password is needed to open it, printing is allowed, copying and
changing are not.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import pdfencrypt
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mocap_desktop.letters.fonts import REGULAR
from mocap_desktop.letters.layout import (
    ACCENT, BODY_BOTTOM, LETTERHEAD_RULE, MARGIN, MUTED, PAGE_HEIGHT, PAGE_WIDTH, RULE, styles,
)
from mocap_desktop.letters.model import Letterhead
from mocap_desktop.letters.render import draw_letterhead, letterhead_logo

__all__ = ["ENCRYPTION_STRENGTH", "ProviderPacketData", "render_provider_packet"]

Pairs = tuple[tuple[str, str], ...]

ENCRYPTION_STRENGTH = 256 if pdfencrypt.pyaes else 128


@dataclass(frozen=True)
class ProviderPacketData:
    letterhead: Letterhead
    provider: str
    reference: str
    prepared: str
    """'Dec 1, 2026 by Dana Whitfield'"""
    student: Pairs
    """(label, value): name, MOSIS ID, birth date, grade, school"""
    courses: tuple[tuple[str, str, str, str], ...]
    """(code, title, credits, provider)"""
    start: str
    """The start term in words, with its first day when known."""


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(rows: list[list], widths: list[float], header: bool) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [("FONT", (0, 0), (-1, -1), REGULAR, 9), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 3),
             ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if header:
        style.append(("LINEBELOW", (0, 0), (-1, 0), 0.9, ACCENT))
    table.setStyle(TableStyle(style))
    return table


def _story(data: ProviderPacketData, width: float) -> list:
    st = styles()
    lh = data.letterhead
    contact = lh.contact
    s: list = [
        _p(f"MOCAP enrollment: student and approved courses for {data.provider}", st["subject"]),
        _p(f"Request {data.reference} · prepared {data.prepared}", st["meta"]),
        Spacer(1, 4),
        _p(f"{lh.district_name} approved the courses below for this student under the Missouri Course Access "
           "and Virtual School Program (MOCAP, RSMo 161.670). Please enroll the student and confirm the "
           "enrollment, or tell us why it cannot be made, to the district's MOCAP contact below.", st["lead"]),
        _p("Student", st["heading"]),
        _table([[_p(k, st["cellhead"]), _p(v, st["cell"])] for k, v in data.student],
               [1.4 * inch, width - 1.4 * inch], header=False),
        _p("Courses", st["heading"]),
        _table([[_p(h, st["cellhead"]) for h in ("Course code", "Title", "Credits", "Provider")]]
               + [[_p(c, st["cell"]) for c in course] for course in data.courses],
               [1.1 * inch, width - 3.9 * inch, 0.7 * inch, 2.1 * inch], header=True),
        Spacer(1, 6),
        _p(f"Start term: {data.start}", st["body"]),
        _p("District MOCAP contact", st["heading"]),
    ]
    who = ", ".join(p for p in (contact.name, contact.title) if p) or lh.district_name
    reach = " · ".join(p for p in (contact.phone or lh.phone, contact.email or lh.email) if p)
    s.append(_p(who, st["body"]))
    if reach:
        s.append(_p(reach, st["body"]))
    s.append(_p("This packet holds education records protected by FERPA (20 U.S.C. 1232g; 34 CFR Part 99), "
                "disclosed under 34 CFR 99.31(a)(2) because the student seeks to enroll in the provider's "
                "courses. Use it only to enroll the student and do not pass it on.", st["citation"]))
    return s


def render_provider_packet(data: ProviderPacketData, password: str) -> bytes:
    """The packet as PDF bytes, encrypted with `password` (needed to open it)."""
    logo = letterhead_logo(data.letterhead)
    label = "MOCAP contact"

    def page(canvas, doc) -> None:
        canvas.saveState()
        draw_letterhead(canvas, data.letterhead, label, logo)
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, BODY_BOTTOM / 2, f"MOCAP provider packet · {data.reference} · confidential")
        canvas.drawRightString(PAGE_WIDTH - MARGIN, BODY_BOTTOM / 2, f"Page {doc.page}")
        canvas.restoreState()

    encrypt = pdfencrypt.StandardEncryption(
        password, ownerPassword=secrets.token_urlsafe(24), canPrint=1, canModify=0, canCopy=0, canAnnotate=0,
        strength=ENCRYPTION_STRENGTH)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=LETTERHEAD_RULE + 0.3 * inch, bottomMargin=BODY_BOTTOM,
                            title=f"MOCAP provider packet {data.reference}", author=data.letterhead.district_name,
                            subject="MOCAP provider packet", encrypt=encrypt, initialFontName=REGULAR)
    doc.build(_story(data, doc.width), onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()
