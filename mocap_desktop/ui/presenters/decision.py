"""The decision dialog's presenter: approve or deny each course, checked by the rules core
(R12-R15) on every change; Save only when the decision is one the district may record."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Callable, Protocol

from mocap_desktop.core.access import AccessDenied, user_of
from mocap_desktop.core import rule_name
from mocap_desktop.core.lifecycle import DECIDER, TransitionRefused
from mocap_desktop.core.messages import format_credits
from mocap_desktop.services import review
from mocap_desktop.services.requests import RequestError, active_policy
from mocap_desktop.services.review import DecisionForm, DecisionRefused, ReviewError
from mocap_desktop.store import Store, StoreError

log = logging.getLogger(__name__)

# Where each rule's message shows in the dialog.
RULE_PLACES = {"R12": "reasons", "R13": "decided_by", "R14": "attestation", "R15": "courses"}


@dataclass(frozen=True)
class CourseChoice:
    code: str
    title: str
    provider: str
    credits: str
    load: str
    """'within' or 'beyond a full-time load' (R06), so the decider sees what the district pays."""


@dataclass(frozen=True)
class ReasonChoice:
    code: str
    meaning: str
    allowed: bool


@dataclass(frozen=True)
class DecisionSetup:
    heading: str
    subheading: str
    courses: tuple[CourseChoice, ...]
    reasons: tuple[ReasonChoice, ...]
    roles: tuple[tuple[str, str], ...]
    role: str
    decided_on: date
    routing_note: str
    eligible_note: str
    name: str = ""
    """Who decided, filled with the signed-in principal or designee."""


@dataclass(frozen=True)
class RuleLine:
    rule: str
    name: str
    outcome: str
    message: str
    place: str


@dataclass(frozen=True)
class CheckDisplay:
    lines: tuple[RuleLine, ...]
    missing: tuple[str, ...]
    can_save: bool
    summary: str

    def failing(self, place: str) -> str:
        """The message of a failing rule shown next to `place` ('' when it passes)."""
        return " ".join(line.message for line in self.lines if line.place == place and line.outcome == "fail")


class DecisionView(Protocol):
    def show_setup(self, setup: DecisionSetup) -> None: ...
    def show_check(self, check: CheckDisplay) -> None: ...
    def show_error(self, title: str, text: str) -> None: ...
    def close_saved(self, message: str) -> None: ...


ROLE_CHOICES = ("principal", "designee", "superintendent", "iep_team", "section_504_team")
ROLE_LABELS = {"principal": "Principal", "designee": "Principal's designee", "superintendent": "Superintendent",
               "iep_team": "IEP team", "section_504_team": "Section 504 team", "counselor": "Counselor"}


class DecisionPresenter:
    def __init__(self, view: DecisionView, store: Store, request_id: int, actor: str,
                 today: Callable[[], date] = date.today):
        self.view = view
        self.store = store
        self.request_id = request_id
        self.actor = actor
        self.today = today
        self.saved = False
        self.last_check: CheckDisplay | None = None

    def start(self) -> None:
        detail = review.request_detail(self.store, self.request_id, self.today())
        user = user_of(self.store)
        policy = active_policy(self.store)
        courses = tuple(CourseChoice(c.code, c.title, c.provider, format_credits(c.credits),
                                     "beyond a full-time load" if c.fte == "beyond" else "within")
                        for c in detail.courses)
        roles = list(ROLE_CHOICES) + (["counselor"] if policy.counselor_may_decide else [])
        default_role = {"iep_team": "iep_team", "section_504_team": "section_504_team"}.get(detail.routing, "principal")
        routing_note = {
            "iep_team": "The student has an IEP: the IEP team decides.",
            "section_504_team": "The student has a Section 504 plan: the Section 504 team decides.",
            "building_review": "The principal, a designee or the superintendent decides.",
            "provider": "A full-time program decides itself; the district only sends its input.",
        }.get(detail.routing, "")
        eligible = detail.today.eligible
        eligible_note = ("" if eligible else
                         "The student does not meet the eligibility rules today; the request can only be denied.")
        self.view.show_setup(DecisionSetup(
            heading=f"Decision on {detail.reference}",
            subheading=f"{detail.student} · grade {detail.grade} · {detail.building} · received "
                       f"{review.format_day(detail.received)}",
            courses=courses,
            reasons=tuple(ReasonChoice(code, meaning, allowed)
                          for code, meaning, allowed in review.reason_choices(self.store)),
            roles=tuple((r, ROLE_LABELS[r]) for r in roles),
            role=default_role, decided_on=self.today(), routing_note=routing_note, eligible_note=eligible_note,
            name=user.name if user.role == DECIDER else "",
        ))

    def form_changed(self, form: DecisionForm) -> CheckDisplay:
        check = review.check_decision_form(self.store, self.request_id, form)
        lines = tuple(RuleLine(f.rule, rule_name(f.rule), f.outcome, f.message, RULE_PLACES[f.rule])
                      for f in check.findings)
        failing = sum(1 for line in lines if line.outcome == "fail") + len(check.missing)
        summary = ("Ready to save: the decision meets rules R12-R15." if check.valid else
                   f"Not ready: {failing} thing{'s' if failing != 1 else ''} to fix before saving.")
        display = CheckDisplay(lines, check.missing, check.valid, summary)
        self.last_check = display
        self.view.show_check(display)
        return display

    def save_requested(self, form: DecisionForm) -> None:
        try:
            review.record_decision(self.store, self.request_id, form, actor=self.actor)
        except DecisionRefused:
            self.form_changed(form)
            self.view.show_error("The decision was not saved",
                                 "The decision does not meet the rules yet; see the messages in the dialog.")
            return
        except (TransitionRefused, ReviewError, RequestError, StoreError, AccessDenied) as err:
            self.view.show_error("The decision was not saved", str(err))
            return
        self.saved = True
        letter = _letter_note(self.store, self.request_id)
        self.view.close_saved(f"The decision was saved: {form.status.replace('_', ' ')}. {letter}".strip())


def _letter_note(store: Store, request_id: int) -> str:
    """What happened to the parent letter, from the request's newest letter event."""
    rows = store.query("SELECT kind, detail FROM request_events WHERE request_id = ? AND kind LIKE 'letter%' "
                       "ORDER BY id DESC LIMIT 1", (request_id,))
    if not rows:
        return ""
    if rows[0]["kind"] == "letter_not_queued":
        return "The parent letter could not be queued; see the request's timeline."
    return "The parent letter is waiting in the print center."
