"""Decisions by the principal or designee (or the IEP or 504 team), checked against the law
before they are recorded."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date

from mocap_desktop import core
from mocap_desktop.core import lifecycle
from mocap_desktop.core.access import REQUESTS_DECIDE, REQUESTS_READ, require
from mocap_desktop.core.lifecycle import DECIDER
from mocap_desktop.services.requests import add_event, now
from mocap_desktop.services.review.common import (
    DECIDER_ROLES,
    evaluate_today,
    format_day,
    queue_decision_letter,
    request_courses,
    request_row,
    ReviewError,
)
from mocap_desktop.store import Store, trail
from mocap_desktop.store.enrollments import track_approved_courses

log = logging.getLogger(__name__)


# --- decisions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionForm:
    """What the decision dialog collects. `courses` maps each course code to `approved` or `denied`."""

    courses: dict[str, str]
    decided_by_role: str
    decided_by_name: str = ""
    reasons: tuple[str, ...] = ()
    explanation: str = ""
    in_person_options_considered: bool = False
    decided_on: date | None = None

    @property
    def approved(self) -> list[str]:
        return [c for c, d in self.courses.items() if d == "approved"]

    @property
    def denied(self) -> list[str]:
        return [c for c, d in self.courses.items() if d == "denied"]

    @property
    def outcome(self) -> str:
        """`approve`, `deny` or `partial` (some of each)."""
        if self.approved and self.denied:
            return "partial"
        return "approve" if self.approved else "deny"

    @property
    def status(self) -> str:
        return {"approve": "approved", "deny": "denied", "partial": "partially_approved"}[self.outcome]


@dataclass(frozen=True)
class DecisionCheckResult:
    """R12-R15 on a whole decision (a partial approval is checked as an approval of its approved
    courses and a denial of its denied ones), and what else the form lacks."""

    findings: tuple[core.Finding, ...]
    missing: tuple[str, ...]
    policy_id: str
    policy_version: str

    @property
    def valid(self) -> bool:
        return not self.missing and all(f.outcome != "fail" for f in self.findings)

    @property
    def problems(self) -> tuple[str, ...]:
        return self.missing + tuple(f.message for f in self.findings if f.outcome == "fail")

    def finding(self, rule: str) -> core.Finding:
        return next(f for f in self.findings if f.rule == rule)


class DecisionRefused(ReviewError):
    def __init__(self, check: DecisionCheckResult):
        super().__init__("The decision was not saved: " + " ".join(check.problems))
        self.check = check


_RANK = {"fail": 4, "warn": 3, "pass": 2, "waived": 1, "not_applicable": 0}


def _merge(checks: list[core.DecisionCheck]) -> tuple[core.Finding, ...]:
    if len(checks) == 1:
        return checks[0].findings
    merged = []
    for findings in zip(*(c.findings for c in checks)):
        fails = [f for f in findings if f.outcome == "fail"]
        if len(fails) > 1:  # both halves fail the same rule: say each thing once
            messages = list(dict.fromkeys(f.message for f in fails))
            merged.append(core.Finding(fails[0].rule, "fail", " ".join(messages), fails[0].citation))
        else:
            merged.append(max(findings, key=lambda f: _RANK[f.outcome]))
    return tuple(merged)


def check_decision_form(store: Store, request_id: int, form: DecisionForm, lang: str = "en") -> DecisionCheckResult:
    """Check a decision with the rules core, as the dialog does on every change and as
    `record_decision` does before it writes."""
    require(store, REQUESTS_READ)
    evaluation, policy = evaluate_today(store, request_id, lang)
    courses = [c.code for c in request_courses(store, request_id)]
    missing = []
    undecided = [c for c in courses if form.courses.get(c) not in ("approved", "denied")]
    if undecided:
        missing.append(f"Choose approve or deny for every course (still open: {', '.join(undecided)}).")
    unknown = [c for c in form.courses if c not in courses]
    if unknown:
        missing.append(f"These courses are not part of the request: {', '.join(unknown)}.")
    if form.decided_by_role not in DECIDER_ROLES:
        missing.append("Choose who made the decision.")
    elif not form.decided_by_name.strip():
        missing.append("Enter the name of the person who decided (or who chaired the team).")
    if form.decided_on is None:
        missing.append("Enter the date of the decision.")
    else:
        received = date.fromisoformat(request_row(store, request_id)["received"])
        if form.decided_on < received:
            missing.append(f"The decision date cannot be before the request was received ({format_day(received)}).")
    role = form.decided_by_role
    checks = []
    approved, denied = [c for c in courses if form.courses.get(c) == "approved"], \
        [c for c in courses if form.courses.get(c) == "denied"]
    approve = core.Decision("approve", role, (), "", form.in_person_options_considered)
    deny = core.Decision("deny", role, tuple(form.reasons), form.explanation, form.in_person_options_considered)
    if courses and not approved and not denied:  # nothing chosen yet: no choice breaks a rule
        both = [core.check_decision(d, evaluation, policy, lang=lang) for d in (approve, deny)]
        findings = tuple(min(pair, key=lambda f: _RANK[f.outcome]) for pair in zip(*(c.findings for c in both)))
        return DecisionCheckResult(findings, tuple(missing), policy.id, policy.version)
    if approved or evaluation.pathway == "full_time" and not denied:
        checks.append(core.check_decision(approve, evaluation, policy, lang=lang))
    if denied or not checks:
        checks.append(core.check_decision(deny, evaluation, policy, lang=lang))
    return DecisionCheckResult(_merge(checks), tuple(missing), policy.id, policy.version)


def record_decision(store: Store, request_id: int, form: DecisionForm, actor: str, role: str = DECIDER,
                    at: str | None = None, letter: bool = True) -> int:
    """Check, then write the decision, the per-course outcomes and the new status in one
    transaction, then queue the matching parent letter. Returns the decision's id.

    Raises `DecisionRefused` (with the rules' messages) or `TransitionRefused`; either way
    nothing is written. Needs REQUESTS_DECIDE.
    """
    require(store, REQUESTS_DECIDE)
    role, actor = trail.lifecycle_role(store, role), trail.acting_name(store, actor)
    row = request_row(store, request_id)
    check = check_decision_form(store, request_id, form)
    if not check.valid:
        raise DecisionRefused(check)
    new_status = form.status
    lifecycle.check_transition(row["pathway"], row["status"], new_status, role)
    stamp = at or now()
    reasons = list(form.reasons) if form.denied else []
    explanation = form.explanation.strip()
    with store.transaction() as db:
        decision_id = db["decisions"].insert({
            "request_id": request_id, "outcome": form.outcome,
            "reasons": json.dumps(reasons), "explanation": explanation,
            "decided_by_role": form.decided_by_role, "decided_by_name": form.decided_by_name.strip(),
            "in_person_options_considered": int(form.in_person_options_considered),
            "decided_on": form.decided_on.isoformat(), "policy_id": check.policy_id,
            "policy_version": check.policy_version,
            "findings": json.dumps([{"rule": f.rule, "outcome": f.outcome, "message": f.message}
                                    for f in check.findings], ensure_ascii=False),
            "recorded_by": actor, "recorded_at": stamp,
        }).last_pk
        for code, outcome in form.courses.items():
            db.execute("UPDATE request_courses SET decision = ? WHERE request_id = ? AND code = ?",
                       [outcome, request_id, code])
        db.execute("UPDATE requests SET status = ?, updated_at = ? WHERE id = ?", [new_status, stamp, request_id])
        track_approved_courses(db, request_id, stamp)
        add_event(db, request_id, "decided", actor, {
            "from": row["status"], "to": new_status, "outcome": form.outcome,
            "decided_by_role": form.decided_by_role, "decided_by": form.decided_by_name.strip(),
            "decided_on": form.decided_on.isoformat(), "approved": form.approved, "denied": form.denied,
            "reasons": reasons, "policy": f"{check.policy_id} {check.policy_version}"}, stamp)
        trail.note(db, store, "decision_recorded", student_id=row["student_id"], request_id=request_id, detail={
            "decision_id": decision_id, "before": {"status": row["status"]}, "after": {"status": new_status},
            "outcome": form.outcome, "approved": form.approved, "denied": form.denied, "reasons": reasons,
            "decided_by_role": form.decided_by_role, "decided_on": form.decided_on.isoformat(),
            "explanation_written": bool(explanation),
            "in_person_options_considered": bool(form.in_person_options_considered),
            "policy": f"{check.policy_id} {check.policy_version}"})
    log.info("Decision %s recorded on request %s (%s)", decision_id, request_id, form.outcome)
    if letter:
        queue_decision_letter(store, request_id, new_status, actor, at=stamp)
    return decision_id


def latest_decision(store: Store, request_id: int) -> dict | None:
    require(store, REQUESTS_READ)
    rows = store.query("SELECT * FROM decisions WHERE request_id = ? ORDER BY id DESC LIMIT 1", (request_id,))
    if not rows:
        return None
    d = rows[0]
    d["reasons"] = json.loads(d["reasons"])
    d["findings"] = json.loads(d["findings"])
    return d
