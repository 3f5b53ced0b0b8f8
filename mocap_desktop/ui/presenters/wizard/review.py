"""The Review and submit page: everything entered on one page before the commit."""

from __future__ import annotations

from decimal import Decimal

from mocap_desktop.services.review import credits_text
from mocap_desktop.ui.presenters.wizard.context import PagePresenter, WizardContext, day_text, parse_date, range_text
from mocap_desktop.ui.presenters.wizard.eligibility import ROUTING_TEXT, EligibilityPagePresenter, finding_row
from mocap_desktop.ui.presenters.wizard.family import FamilyPagePresenter
from mocap_desktop.ui.presenters.wizard.full_time import FullTimePagePresenter
from mocap_desktop.ui.presenters.wizard.model import LANGUAGES, ReviewSection, ReviewSummary


def _labelled_once(label: str, values: list[str]) -> list[tuple[str, str]]:
    """Rows of a summary table that share a label: it is written on the first one only."""
    return [(label if n == 0 else "", value) for n, value in enumerate(values)]


class ReviewPagePresenter(PagePresenter):
    key = "review"

    def __init__(self, ctx: WizardContext, full_time: FullTimePagePresenter,
                 eligibility: EligibilityPagePresenter, family: FamilyPagePresenter):
        super().__init__(ctx)
        self.full_time, self.eligibility, self.family = full_time, eligibility, family

    def enter(self) -> None:
        self.ctx.view.show_review(self.summary())

    def summary(self) -> ReviewSummary:
        ctx, state = self.ctx, self.state
        s = ctx.student or {}
        evaluation = ctx.evaluate()
        full_time = state.pathway == "full_time"
        grade = "kindergarten" if s.get("grade") == "K" else f"grade {s.get('grade', '')}"
        sections = [ReviewSection("Student", [
            ("Name", f"{s.get('last_name', '')}, {s.get('first_name', '')}"),
            ("Grade and building", f"{grade}, {s.get('building') or 'no building'}"),
            ("Local number", s.get("local_number", "")),
        ])]
        term = ctx.term()
        term_text = f"{ctx.term_name(state.start_term)}" + (f" ({range_text(term.start, term.end)})" if term else "")
        received = parse_date(state.received)
        if full_time:
            provider = ctx.catalog.provider(state.provider_id) if state.provider_id else None
            due = self.full_time.input_due()
            sections.append(ReviewSection("Full-time virtual program", [
                ("Provider", provider.name if provider else ""),
                ("Host district", state.host_district),
                ("Planned start", term_text),
                ("Provider's notice reached the district", day_text(received) if received else ""),
                ("District input due", day_text(due) if due else ""),
                ("Family's reasons", ", ".join(state.family_reasons)),
            ]))
        else:
            fte = {n: c.fte for n, c in enumerate(evaluation.courses)} if evaluation else {}
            start = parse_date(state.start_date)
            rows = [("Start term", term_text),
                    ("Start date", day_text(start) if start else ""),
                    ("Received", day_text(received) if received else ""),
                    ("In-person credits this term", state.in_person_credits)]
            for n, c in enumerate(state.courses):
                paid = {"within": "district pays", "beyond": "beyond the full-time load, not paid"}.get(fte.get(n), "")
                rows.append((f"Course {n + 1}", f"{c['code']} {c['title']} ({c['provider_name']}), "
                             f"{credits_text(Decimal(c['credits']))}" + (f" — {paid}" if paid else "")))
            if evaluation:
                rows.append(("District pays for", credits_text(evaluation.district_obligated_credits)))
            sections.append(ReviewSection("Part-time courses", rows))
        if evaluation:
            rows = [("Decided by", ROUTING_TEXT[evaluation.routing])]
            rows += _labelled_once("Deadlines", self.eligibility.deadlines(evaluation)[1:])
            waiver = ctx.waiver()
            if waiver is not None and evaluation.finding("R04").outcome in ("fail", "waived"):
                rows.append(("Medical/psychological waiver",
                             f"documented {day_text(waiver.document_date)}, verified by {waiver.verified_by_role}"
                             if waiver.documented and waiver.document_date else "not documented"))
            rows.append(("Policy", f"{evaluation.policy_id} {evaluation.policy_version}"))
            sections.append(ReviewSection("Process", rows))
        contact = ctx.guardian()
        address = ", ".join(x for x in (state.address1, state.address2,
                                        f"{state.city}, {state.state} {state.zip}") if x.strip())
        acks = {a.key: a.text for a in self.family.acknowledgements()}
        sections.append(ReviewSection("Family", [
            ("Letters go to", contact.name if contact else ""),
            ("Mailing address", address),
            ("Language", dict(LANGUAGES).get(state.language, state.language)),
            *_labelled_once("Acknowledged", [acks[k] for k in state.acknowledgements if k in acks]),
        ]))
        if evaluation is None:
            headline = "The request is not complete yet."
        elif evaluation.eligible:
            headline = "Eligible. Submitting stores the request as received and puts it in the review queue."
        else:
            headline = ("Not eligible as entered. Submitting still records the request so the district can "
                        "answer the family in writing.")
        return ReviewSummary(headline, sections, [finding_row(f) for f in evaluation.findings] if evaluation else [])

    def submit_question(self) -> str:
        what = "full-time virtual program" if self.state.pathway == "full_time" else "part-time course"
        return (f"Submit {self.ctx.student_name()}'s {what} request? It is stored as received, its deadlines "
                "start, and a \"request received\" letter is queued for the family. A submitted request "
                "cannot be taken back, only withdrawn.")
