"""What the wizard's pages share: the request as typed, the district's calendar and policy, the
chosen student, the rules core's latest verdict and the field problems on show; and the base
of a page's presenter."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from mocap_desktop import core
from mocap_desktop.services import requests as svc
from mocap_desktop.services.intake import Contact
from mocap_desktop.store import Store
from mocap_desktop.store.catalog import CatalogRepo
from mocap_desktop.store.district import DistrictRepo, TermRow
from mocap_desktop.ui.presenters.display import format_day
from mocap_desktop.ui.presenters.wizard.model import RequestWizardView
from mocap_desktop.ui.presenters.wizard.state import WizardState

log = logging.getLogger(__name__)


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse_credits(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def day_text(day: date) -> str:
    return format_day(day)


def range_text(start: date, end: date) -> str:
    return f"{day_text(start)} – {day_text(end)}"


class WizardContext:
    """One per wizard: every page presenter reads and writes the request through it."""

    def __init__(self, view: RequestWizardView, store: Store, actor: str, today: Callable[[], date]):
        self.view = view
        self.store = store
        self.actor = actor
        self.today = today
        self.state = WizardState()
        self.terms: list[TermRow] = DistrictRepo(store).calendar().terms
        self.calendar = svc.district_calendar(store)
        self.policy = svc.active_policy(store)
        self.catalog = CatalogRepo(store)
        self.student: dict[str, Any] | None = None  # the chosen student's record
        self.contacts: list[Contact] = []  # the chosen student's guardians
        self.evaluation: core.Evaluation | None = None
        self.errors: dict[str, str] = {}

    # --- problems next to their fields --------------------------------------------------------------
    def show_error(self, name: str, message: str) -> None:
        if self.errors.get(name, "") != message:
            self.errors[name] = message
            self.view.show_field_error(name, message)

    def live(self, name: str, problem: str | None) -> None:
        """Show a problem with a field the counselor just typed into; clear it once fixed."""
        self.show_error(name, problem or "")

    # --- the student ------------------------------------------------------------------------------------
    def student_name(self) -> str:
        s = self.student or {}
        first = s.get("preferred_name") or s.get("first_name", "")
        return f"{first} {s.get('last_name', '')}".strip()

    def needs_mosis_id(self) -> bool:
        return self.student is not None and not self.student["mosis_id"]

    def guardian(self) -> Contact | None:
        return next((c for c in self.contacts if c.id == self.state.guardian_id), None)

    # --- terms and dates --------------------------------------------------------------------------------
    def term(self, term_id: str | None = None) -> core.Term | None:
        try:
            return self.calendar.term(term_id if term_id is not None else self.state.start_term)
        except KeyError:
            return None

    def term_name(self, term_id: str) -> str:
        return next((t.name for t in self.terms if t.id == term_id), term_id)

    def default_term(self) -> core.Term | None:
        today = self.today()
        usable = [t for t in self.calendar.terms if self.calendar.prior_term(t.id) is not None]
        coming = [t for t in usable if t.start > today]
        current = [t for t in usable if t.start <= today <= t.end]
        return (coming or current or usable[-1:] or [None])[0]

    def default_start(self, term: core.Term) -> date:
        day = max(term.start, self.today())
        while not self.calendar.is_school_day(day) and day < term.end:
            day += timedelta(days=1)
        return day

    def term_problem(self) -> str | None:
        if not self.state.start_term:
            return "Choose the term the courses start."
        term = self.term()
        if term is None:
            return f"The term {self.state.start_term} is not on the district calendar."
        if self.calendar.prior_term(term.id) is None:
            return (f"{self.term_name(term.id)} is the first term on the district calendar; add the term "
                    "before it so the prior-semester rule can be checked.")
        if term.end < self.today():
            return f"{self.term_name(term.id)} ended on {day_text(term.end)}. Choose the current or a coming term."
        return None

    def received_problem(self) -> str | None:
        what = "the provider's notice reached the district" if self.state.pathway == "full_time" \
            else "the request was received"
        if not self.state.received:
            return f"Enter the date {what}."
        day = parse_date(self.state.received)
        if day is None:
            return f"The date {what} is not a date."
        if day > self.today():
            return f"The date {what} cannot be in the future ({day_text(day)})."
        if day < self.today() - timedelta(days=366):
            return f"{day_text(day)} is more than a year ago; check the year."
        term = self.term()
        if term is not None and day > term.end:
            return f"{day_text(day)} is after {self.term_name(term.id)} ends ({day_text(term.end)})."
        return None

    # --- the request for the rules core ----------------------------------------------------------------
    def waiver(self) -> core.MedicalWaiver | None:
        if self.state.waiver_documented is None:
            return None
        if not self.state.waiver_documented:
            return core.MedicalWaiver(False)
        return core.MedicalWaiver(True, parse_date(self.state.waiver_date), self.state.waiver_role or None)

    def request_draft(self, pathway: str | None = None) -> svc.RequestDraft:
        state = self.state
        pathway = pathway or state.pathway
        received = parse_date(state.received) or self.today()
        in_person = parse_credits(state.in_person_credits) if pathway == "part_time" else None
        return svc.RequestDraft(
            student_id=state.student_id or 0, pathway=pathway, start_term=state.start_term,
            mosis_id=state.mosis_id.replace(" ", "") if self.needs_mosis_id() else "",
            received=received, in_person_credits=in_person if in_person is not None else Decimal(0),
            courses=[svc.DraftCourse(c["code"], Decimal(c["credits"]), c["title"], c["provider_name"],
                                     c.get("course_id"))
                     for c in state.courses] if pathway == "part_time" else [],
            waiver=self.waiver(),
            provider_id=state.provider_id if pathway == "full_time" else None,
            host_district=state.host_district.replace("-", "").strip() if pathway == "full_time" else "",
            family_reasons=list(state.family_reasons) if pathway == "full_time" else [],
            letter_guardian_id=state.guardian_id, letter_language=state.language,
            start_date=parse_date(state.start_date) if pathway == "part_time" else None,
        )

    def evaluate(self) -> core.Evaluation | None:
        """The rules core's verdict on what is entered so far (None when it cannot be evaluated yet)."""
        if self.state.student_id is None or self.state.pathway not in core.model.PATHWAYS:
            return None
        try:
            self.evaluation = svc.evaluate_draft(self.store, self.request_draft())
        except (svc.RequestError, ValueError) as err:
            log.debug("not evaluable yet: %s", err)
            self.evaluation = None
        return self.evaluation


class PagePresenter:
    """One wizard page's part: what it shows on entering, which fields it owns, how it reacts to
    a field changing and what stops the wizard leaving it forward."""

    key = ""
    fields: tuple[str, ...] = ()  # the fields whose problems this page shows

    def __init__(self, ctx: WizardContext):
        self.ctx = ctx

    @property
    def state(self) -> WizardState:
        return self.ctx.state  # a resumed draft replaces the context's state

    def enter(self) -> None:
        """The wizard moved to this page: fill it."""

    def field_changed(self, name: str) -> None:
        """A field changed (already in the state): check or refresh what depends on it here."""

    def check(self) -> dict[str, str]:
        """Problems that keep the wizard on this page, by field."""
        return {}
