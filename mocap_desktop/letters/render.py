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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Frame,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mocap_desktop.core.messages import format_credits, format_date, reason_text
from mocap_desktop.letters.fonts import BOLD, ITALIC, REGULAR, register_fonts
from mocap_desktop.letters.model import (
    CourseLine,
    LetterData,
    LetterDataError,
    Letterhead,
)
from mocap_desktop.letters.pdfstream import StreamingCanvas
from mocap_desktop.letters.wording import Wording, escape_values, load_wording

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class BatchResult:
    path: Path | None
    letters: int
    pages: int
    placements: tuple[Placement, ...]
    bytes: int


class LetterOutputError(OSError):
    """The output file cannot be written; nothing was left behind."""


TIERS = ((9.8, 13.0, 5.0), (9.3, 12.2, 4.0))
"""Body type size, leading and paragraph spacing: the regular size first, then tighter ones, tried
only when a letter would otherwise leave its last lines alone on a page."""


def _styles(tier: int = 0) -> dict[str, ParagraphStyle]:
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


# --- the text of one letter -------------------------------------------------------------------

def _grade(grade: str, w: Wording) -> str:
    if not grade:
        return ""
    return w.text("grade_K") if grade.upper() == "K" else w.text("grade_n", n=grade)


def _policy_reference(text: str, w: Wording) -> str:
    old, new = w.raw("policy_reference_rewrite")
    return text.replace(old, new, 1) if old else text


def _values(data: LetterData, w: Wording) -> dict[str, str]:
    lang = data.language
    lh, req, dec = data.letterhead, data.request, data.decision

    def day(value) -> str:
        return format_date(value, lang) if value else ""

    contact = lh.contact
    # An appositive title takes a comma after it too: "Contact Dana Whitfield, Director, at …".
    who = f"{contact.name}, {contact.title}," if contact.name and contact.title else (
        contact.name or lh.district_name)
    phone, email = contact.phone or lh.phone, contact.email or lh.email
    values: dict[str, object] = {
        "guardian": data.recipient.name,
        "student": data.student.name,
        "district": lh.district_name,
        "district_address": ", ".join(lh.address_lines),
        "website": lh.website,
        "policy_reference": _policy_reference(lh.policy_reference, w),
        "catalog_url": data.settings.catalog_url,
        "decision_business_days": data.settings.decision_business_days,
        "board_appeal_days": data.settings.board_appeal_days,
        "board_decision_days": data.settings.board_decision_days,
        "state_record_hours": data.settings.state_record_hours,
        "state_decision_days": data.settings.state_decision_days,
        "reference": data.reference,
        "appeal_to": ", ".join(p for p in (lh.signer_name, lh.signer_title) if p) or lh.district_name,
        "contact_name": contact.name, "contact_title": contact.title,
        "contact_phone": phone, "contact_email": email,
    }
    how_key = "contact_how_both" if phone and email else "contact_how_phone" if phone else "contact_how_email"
    if req is not None:
        values.update({
            "received": day(req.received),
            "decision_due": day(req.decision_due or req.deemed_approved_on),
            "input_due": day(req.input_due),
            "input_sent_on": day(req.input_sent_on),
            "term": req.term_name,
            "term_start": day(req.term_start),
            "term_end": day(req.term_end),
            "provider": req.provider or next((c.provider for c in req.courses if c.provider), ""),
            "host_district": req.host_district,
        })
    if dec is not None:
        role = w.raw(f"decided_by_role_{dec.decided_by_role}") if f"decided_by_role_{dec.decided_by_role}" in w \
            else dec.decided_by_role
        values.update({
            "decided_on": day(dec.decided_on),
            "decided_by": (f"{dec.decided_by} ({dec.decided_by_title})" if dec.decided_by and dec.decided_by_title
                           else dec.decided_by or role),
            "appeal_deadline": day(data.appeal_deadline),
        })
    escaped = escape_values(values)
    escaped["contact_who"] = escape_values({"x": who})["x"]
    escaped["contact_how"] = w.text(how_key, escape_values({"phone": phone, "email": email}))
    return escaped


class _Story:
    """Builds the flowables of one letter's body from its wording."""

    def __init__(self, data: LetterData, w: Wording, styles: dict[str, ParagraphStyle]):
        self.data, self.w, self.s = data, w, styles
        self.v = _values(data, w)
        self.items: list[Flowable] = []

    def para(self, key: str, style: str = "body", **extra: str) -> None:
        self.items.append(Paragraph(self.w.text(key, self.v, **extra), self.s[style]))

    def heading(self, key: str) -> None:
        self.items.append(Paragraph(self.w.text(key, self.v), self.s["heading"]))

    def bullets(self, texts: list[str], numbered: bool = False) -> None:
        items = []
        for n, t in enumerate(texts, start=1):
            extra = {"value": n} if numbered else {}
            items.append(ListItem(Paragraph(t, self.s["body"]) if isinstance(t, str) else t,
                                  leftIndent=16, **extra))
        kwargs = dict(bulletType="1", bulletFormat="%s.") if numbered else dict(bulletType="bullet", start="•")
        self.items.append(ListFlowable(items, leftIndent=16, bulletFontName=REGULAR, bulletFontSize=9.5,
                                       spaceAfter=4, **kwargs))

    def courses(self, courses: tuple[CourseLine, ...], pays: bool) -> None:
        w, cell, head = self.w, self.s["cell"], self.s["cellhead"]
        header = [Paragraph(w.text(k), head) for k in
                  ("course_header_course", "course_header_provider", "course_header_credits")]
        widths = [BODY_WIDTH * 0.47, BODY_WIDTH * 0.35, BODY_WIDTH * 0.18]
        if pays:
            header.append(Paragraph(w.text("course_header_pays"), head))
            widths = [BODY_WIDTH * 0.36, BODY_WIDTH * 0.27, BODY_WIDTH * 0.12, BODY_WIDTH * 0.25]
        rows = [header]
        for c in courses:
            name = escape_values({"t": f"{c.title} ({c.code})" if c.title else c.code})["t"]
            row = [Paragraph(name, cell), Paragraph(escape_values({"p": c.provider})["p"], cell),
                   Paragraph(format_credits(c.credits), cell)]
            if pays:
                row.append(Paragraph(w.text("pays_yes" if c.district_pays else "pays_no"), cell))
            rows.append(row)
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), REGULAR, 9),  # else the table selects Helvetica
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        self.items.append(table)
        self.items.append(Spacer(1, 6))

    def closing(self, with_reference: bool = True) -> None:
        lh = self.data.letterhead
        contact = "contact" if with_reference and self.data.reference else "contact_no_reference"
        sign = [Paragraph(self.w.text("contact_heading", self.v), self.s["heading"]),
                Paragraph(self.w.text(contact, self.v), self.s["body"]),
                Spacer(1, 2), Paragraph(self.w.text("closing"), self.s["body"]),
                Spacer(1, 16 if self.s["body"].fontSize < 9.5 else 20)]
        for text, style in ((lh.signer_name, "body"), (lh.signer_title, "body"), (lh.district_name, "body")):
            if text:
                sign.append(Paragraph(escape_values({"x": text})["x"], ParagraphStyle(
                    "sig", parent=self.s[style], spaceAfter=0)))
        self.items.append(_Keep(sign))
        self.para("citation", "citation")

    # -- kinds ------------------------------------------------------------------------------
    def build(self) -> list[Flowable]:
        kind = self.data.kind
        getattr(self, f"_{kind}")()
        return self.items

    def _greeting(self) -> None:
        self.para("greeting")

    def _received(self) -> None:
        req = self.data.request
        full_time = req.pathway == "full_time"
        self.para("subject_full_time" if full_time else "subject", "subject")
        self._greeting()
        self.para("summary_full_time" if full_time else "summary", "lead")
        self.heading("requested_heading")
        if full_time:
            self.para("requested_full_time")
        else:
            self.para("requested_intro")
            self.courses(req.courses, pays=False)
        self.heading("who_heading")
        self.para("who_full_time" if full_time else f"who_{req.routing}")
        self.heading("next_heading")
        self.para("next")
        self.closing()

    def _approved_section(self) -> None:
        courses = self.data.approved_courses
        self.heading("approved_heading")
        self.para("approved_intro")
        some_unpaid = any(not c.district_pays for c in courses)
        self.courses(courses, pays=some_unpaid)
        self.para("pays_some" if some_unpaid else "pays_all")
        self.para("equipment")
        self.heading("policies_heading")
        self.para("policies")
        self.heading("expectations_heading")
        self.para("expectations")
        if self.data.request.icap_required:
            self.para("icap")
        if self.data.request.mshsaa_activities:
            self.para("mshsaa")
        self.heading("change_heading")
        self.para("change")

    def _denied_section(self) -> None:
        dec = self.data.decision
        self.heading("denied_heading")
        self.para("denied_intro")
        self.courses(self.data.denied_courses, pays=False)
        self.heading("reasons_heading")
        self.para("reasons_intro")
        reasons = []
        for code in dec.reasons:
            try:
                reasons.append(escape_values({"r": reason_text(code, self.data.language)})["r"])
            except KeyError:
                raise LetterDataError(f"Unknown denial reason code {code!r} on {self.data.reference}.") from None
        self.bullets(reasons)
        self.heading("explanation_heading")
        explanation = escape_values({"e": dec.explanation.strip()})["e"].replace("\n", "<br/>")
        self.items.append(Paragraph(explanation, self.s["quote"]))
        self.heading("appeal_heading")
        routing = self.data.request.routing
        if routing in ("iep_team", "section_504_team"):
            self.para(f"appeal_{routing}")
        else:
            self.para("appeal_intro")
            settings = self.data.settings
            meeting = self.sentences("appeal_board_meeting",
                                     settings.board_decision_days and "appeal_board_decision")
            state = self.sentences("appeal_state", settings.state_record_hours and "appeal_state_record",
                                   settings.state_decision_days and "appeal_state_decision", "appeal_state_final")
            board = [Paragraph(self.w.text("appeal_board", self.v), self.s["body"]),
                     Paragraph(meeting, self.s["body"])]
            self.bullets([board, state], numbered=True)

    def sentences(self, *keys: str | None) -> str:
        """The wording fields given, one after another; a clock switched off leaves its out."""
        return " ".join(self.w.text(key, self.v) for key in keys if key)

    def _approved(self) -> None:
        self.para("subject", "subject")
        self._greeting()
        self.para("summary", "lead")
        self.para("decided_line")
        self._approved_section()
        self.closing()

    def _denied(self) -> None:
        self.para("subject", "subject")
        self._greeting()
        self.para("summary", "lead")
        self._denied_section()
        self.closing()

    def _partially_approved(self) -> None:
        self.para("subject", "subject")
        self._greeting()
        self.para("summary", "lead")
        self.para("decided_line")
        self._approved_section()
        self._denied_section()
        self.closing()

    def _full_time(self) -> None:
        req = self.data.request
        host = self.w.text("host_clause", self.v) if req.host_district else ""
        self.para("subject", "subject")
        self._greeting()
        self.para("summary", "lead")
        self.heading("timeline_heading")
        self.para("timeline")
        self.heading("withdraw_heading")
        self.para("withdraw", host_clause=host)
        self.para("plan")  # phrased "if the student has…", so it tells nothing about this student
        self.heading("declined_heading")
        self.para("declined")
        self.closing()

    def _annual_notice(self) -> None:
        website = self.w.text("website_clause", self.v) if self.data.letterhead.website else ""
        self.para("subject", "subject")
        self.para("greeting_generic")
        self.para("summary", "lead")
        self.heading("pathways_heading")
        self.para("part_time")
        self.para("full_time")
        self.heading("eligible_heading")
        self.para("eligible_intro")
        last = "eligible_prior" if self.data.settings.require_prior_semester else "eligible_no_prior"
        self.bullets([self.w.text(k, self.v) for k in
                      ("eligible_resident", "eligible_grade", "eligible_enrolled", last)])
        self.heading("denial_heading")
        self.para("denial")
        self.heading("where_heading")
        self.para("where", website_clause=website)
        self.closing(with_reference=False)


# --- pages ------------------------------------------------------------------------------------

class _Keep(Flowable):
    """Flowables to keep on one page (the signature block); only `_fill` understands it."""

    def __init__(self, contents: list[Flowable]):
        super().__init__()
        self.contents = contents


def _fill(frame: Frame, story: list[Flowable], canvas) -> None:
    """Draw from the front of `story` into `frame` until it is full, splitting what can split.

    Headings stay with the start of what follows them; a `_Keep` group moves whole to the
    next page unless it is already at the top of one.
    """
    while story:
        item = story[0]
        avail = frame._y - frame._y1p
        if isinstance(item, _Keep):
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
            if not isinstance(following, _Keep):
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


class LetterWriter:
    """Lays letters out one after another on one streaming canvas (one output file)."""

    def __init__(self, out: BinaryIO, *, override_dir: Path | None = None, title: str = ""):
        register_fonts()
        self.canvas = StreamingCanvas(out, pagesize=LETTER, title=title, author="MOCAP Desktop",
                                      initial_font=REGULAR)
        self.styles = _styles()
        self.tiers = [self.styles] + [_styles(t) for t in range(1, len(TIERS))]
        self.override_dir = override_dir
        self._letterheads: dict[tuple, str] = {}
        self._bodies: dict[tuple, tuple[str, ...]] = {}
        self.letters = 0
        self.placements: list[Placement] = []

    # -- shared pieces, drawn once per file as form XObjects ----------------------------------
    def _letterhead_form(self, lh: Letterhead, w: Wording) -> str:
        key = (lh, w.language)
        name = self._letterheads.get(key)
        if name:
            return name
        name = f"letterhead{len(self._letterheads)}"
        c = self.canvas
        logo = None
        if lh.logo_path is not None:
            try:
                logo = ImageReader(str(lh.logo_path))
                logo.getSize()
            except Exception as exc:  # noqa: BLE001 - any unreadable image is the same problem
                raise LetterDataError(
                    f"The letterhead logo {lh.logo_path} is not a picture the letters can use "
                    f"(PNG or JPEG): {type(exc).__name__}.") from None
        c.beginForm(name)
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
            lines.append(f"{w.text('mocap_contact_label')}: " +
                         " · ".join(p for p in (who, contact.phone, contact.email) if p))
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
        c.endForm()
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
            extra = " · ".join(p for p in (_grade(s.grade, w), s.building) if p)
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
        pages, used = self._lay_out(_Story(data, w, styles).build(), lambda _: None, scratch, end_page=False)
        if pages > 1 and used < WIDOW_HEIGHT:
            for tighter in self.tiers[1:]:
                fewer, _ = self._lay_out(_Story(data, w, tighter).build(), lambda _: None, scratch,
                                         end_page=False)
                if fewer < pages:
                    styles = tighter
                    break
        story = _Story(data, w, styles).build()
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
            story = _Story(data, w, self.styles).build()
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
                        fewer, _ = self._lay_out(_Story(data, w, tighter).build(), chrome)
                        if fewer < pages:
                            break
                    else:
                        self._discard_held()
                        self._lay_out(_Story(data, w, self.styles).build(), chrome)
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
        return BatchResult(None, writer.letters, pages, tuple(writer.placements),
                           writer.canvas._doc.bytes_written)

    if isinstance(dest, (str, Path)):
        result = atomic_output(Path(dest), write)
        log.info("Wrote %d letters (%d pages) to a PDF", result.letters, result.pages)
        return BatchResult(Path(dest), result.letters, result.pages, result.placements, result.bytes)
    return write(dest)
