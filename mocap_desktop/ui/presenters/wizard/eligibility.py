"""The Eligibility page: the rules core's findings with the law behind each, the flags that
change who decides, the deadlines, and the medical or psychological waiver."""

from __future__ import annotations

from mocap_desktop import core
from mocap_desktop.ui.presenters.wizard.context import PagePresenter, day_text, parse_date
from mocap_desktop.ui.presenters.wizard.model import EligibilityView, FindingRow, FlagRow

OUTCOME_LABELS = {"pass": "Met", "fail": "Not met", "waived": "Waived", "warn": "Note",
                  "not_applicable": "Does not apply"}
ROUTING_TEXT = {
    "building_review": "The principal or designee decides.",
    "iep_team": "The IEP team decides (not the building).",
    "section_504_team": "The Section 504 team decides (not the building).",
    "provider": "The provider and host district decide; this district sends its input.",
}


def finding_row(f: core.Finding) -> FindingRow:
    return FindingRow(f.rule, core.rule_name(f.rule), f.outcome, OUTCOME_LABELS[f.outcome], f.message,
                      f.citation)


class EligibilityPagePresenter(PagePresenter):
    key = "eligibility"
    fields = ("eligibility", "waiver", "waiver_date", "waiver_role")

    def enter(self) -> None:
        self.refresh()

    def field_changed(self, name: str) -> None:
        if name in ("waiver_documented", "waiver_date", "waiver_role"):
            self.refresh()
            problems = self._waiver_problems(live=True)
            for key in ("waiver", "waiver_date", "waiver_role"):
                self.ctx.show_error(key, problems.get(key, ""))

    def check(self) -> dict[str, str]:
        if self.ctx.evaluate() is None:
            return {"eligibility": "The request cannot be checked yet: go back and complete the student, "
                                   "pathway and course pages."}
        return self._waiver_problems()

    def refresh(self) -> None:
        ctx = self.ctx
        evaluation = ctx.evaluate()
        if evaluation is None:
            ctx.view.show_eligibility(EligibilityView(
                "The request cannot be checked yet: go back and complete the earlier pages.", False, [],
                False, [], []))
            return
        r04 = evaluation.finding("R04")
        offered = r04.outcome == "fail" or (r04.outcome == "waived")
        findings = [finding_row(f) for f in evaluation.findings]
        failed = [f.name for f in findings if f.outcome == "fail"]
        if evaluation.eligible:
            headline = "Eligible: the student meets residency, age and grade, enrollment and prior-term rules."
        else:
            headline = "Not eligible as entered: " + ", ".join(failed).lower() + " not met."
            if r04.outcome == "fail" and not failed[1:]:
                headline += " A documented medical or psychological condition would waive the prior-term rule."
        ctx.view.show_eligibility(EligibilityView(
            headline, evaluation.eligible, findings, offered, self._flags(evaluation), self.deadlines(evaluation)))

    def _flags(self, evaluation: core.Evaluation) -> list[FlagRow]:
        s = self.ctx.student or {}
        flags = []
        full_time = self.state.pathway == "full_time"
        if s.get("iep"):
            flags.append(FlagRow("IEP", (
                "The host district carries out the IEP; the two districts may agree on services." if full_time else
                "The IEP team decides this request, not the building, and the team considers the "
                "student's services. An appeal goes through the special-education process, not the board.")))
        if s.get("section_504"):
            flags.append(FlagRow("Section 504 plan", (
                "The host district carries out the 504 plan." if full_time else
                "The Section 504 team decides this request, not the building, and the plan's "
                "accommodations carry over to the virtual course. An appeal goes through the 504 process.")))
        if s.get("mshsaa_activities"):
            flags.append(FlagRow("MSHSAA activities", (
                "To stay eligible, every virtual credit must be on the transcript and completed by the end "
                "of the semester (MSHSAA By-Law 2.3.4). The family confirms this on the next page.")))
        if evaluation.icap_required:
            flags.append(FlagRow("Learning plan (ICAP) needed", (
                "A full-time virtual program needs an individual career and academic plan." if full_time else
                f"More than {self.ctx.policy.icap_course_threshold} virtual courses need an individual career and "
                "academic plan; the counselor updates it before the courses start.")))
        return flags

    def deadlines(self, evaluation: core.Evaluation) -> list[str]:
        policy = self.ctx.policy
        lines = [ROUTING_TEXT[evaluation.routing]]
        if evaluation.decision_due:
            lines.append(f"Decision due by {day_text(evaluation.decision_due)} "
                         f"({policy.decision_business_days} business days after it was received).")
        if evaluation.deemed_approved_on:
            lines.append(f"Under district policy, without a decision communicated by "
                         f"{day_text(evaluation.deemed_approved_on)} the request is deemed approved.")
        if evaluation.input_due:
            lines.append(f"District input due by {day_text(evaluation.input_due)}.")
        return lines

    def _waiver_problems(self, live: bool = False) -> dict[str, str]:
        evaluation = self.ctx.evaluation
        if evaluation is None:
            return {}
        r04 = evaluation.finding("R04").outcome
        if r04 not in ("fail", "waived"):
            return {}
        problems = {}
        state = self.state
        if state.waiver_documented is None:
            if not live:
                problems["waiver"] = ("The student missed part of the prior term. Answer: is a medical or "
                                      "psychological condition documented?")
        elif state.waiver_documented:
            day = parse_date(state.waiver_date)
            if day is None:
                if not live:
                    problems["waiver_date"] = "Enter the date of the document."
            elif day > self.ctx.today():
                problems["waiver_date"] = "The document's date cannot be in the future."
            if not state.waiver_role and not live:
                problems["waiver_role"] = "Choose who verified the document (a role, not a name)."
        return problems
