"""The text of one letter: its values from the letter's data and wording, and the flowables of
its body (what was decided, the details, whom to contact, the signature), kind by kind."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, ListFlowable, ListItem, Paragraph, Spacer, Table, TableStyle

from mocap_desktop.core.messages import format_credits, format_date, reason_text
from mocap_desktop.letters.fonts import REGULAR
from mocap_desktop.letters.layout import ACCENT, BODY_WIDTH, RULE
from mocap_desktop.letters.model import CourseLine, LetterData, LetterDataError
from mocap_desktop.letters.wording import Wording, escape_values


class Keep(Flowable):
    """Flowables to keep on one page (the signature block); `render` knows it."""

    def __init__(self, contents: list[Flowable]):
        super().__init__()
        self.contents = contents


def grade_words(grade: str, w: Wording) -> str:
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


class Story:
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
        self.items.append(Keep(sign))
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
