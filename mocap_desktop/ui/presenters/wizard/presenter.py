"""`RequestWizardPresenter`: the page flow, drafts and submitting; each page's own work is done
by its presenter (`student`, `pathway`, `part_time`, `full_time`, `eligibility`, `family`,
`review`), over the one `WizardContext` they share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from mocap_desktop import core
from mocap_desktop.services import drafts
from mocap_desktop.services import requests as svc
from mocap_desktop.services.intake import FamilyDetails, finish_request
from mocap_desktop.store import Store, StoreError
from mocap_desktop.ui.presenters.wizard.context import PagePresenter, WizardContext, range_text
from mocap_desktop.ui.presenters.wizard.eligibility import EligibilityPagePresenter
from mocap_desktop.ui.presenters.wizard.family import FamilyPagePresenter
from mocap_desktop.ui.presenters.wizard.full_time import FullTimePagePresenter
from mocap_desktop.ui.presenters.wizard.model import (
    PAGE_TITLES,
    PAGES,
    Choices,
    DoneView,
    ProviderChoice,
    RequestWizardView,
    ReviewSummary,
    TermChoice,
)
from mocap_desktop.ui.presenters.wizard.part_time import PartTimePagePresenter
from mocap_desktop.ui.presenters.wizard.pathway import PathwayPagePresenter
from mocap_desktop.ui.presenters.wizard.review import ReviewPagePresenter
from mocap_desktop.ui.presenters.wizard.state import WizardState
from mocap_desktop.ui.presenters.wizard.student import StudentPagePresenter

_TEXT_FIELDS = ("mosis_id", "start_term", "start_date", "received", "in_person_credits", "host_district",
                "waiver_date", "waiver_role", "address1", "address2", "city", "state", "zip", "language")


class RequestWizardPresenter:
    def __init__(self, view: RequestWizardView, store: Store, *, actor: str = "counselor",
                 today: Callable[[], date] = date.today):
        self.view = view
        self.store = store
        self.actor = actor
        self.today = today
        self.ctx = WizardContext(view, store, actor, today)
        self.draft_id: int | None = None
        self.submitted: DoneView | None = None
        self.on_submitted: Callable[[int], None] | None = None
        self.student = StudentPagePresenter(self.ctx)
        self.pathway = PathwayPagePresenter(self.ctx)
        self.part_time = PartTimePagePresenter(self.ctx)
        self.full_time = FullTimePagePresenter(self.ctx)
        self.eligibility = EligibilityPagePresenter(self.ctx)
        self.family = FamilyPagePresenter(self.ctx)
        self.review_page = ReviewPagePresenter(self.ctx, self.full_time, self.eligibility, self.family)
        self.pages: dict[str, PagePresenter] = {p.key: p for p in (
            self.student, self.pathway, self.part_time, self.full_time, self.eligibility, self.family,
            self.review_page)}

    @property
    def state(self) -> WizardState:
        return self.ctx.state

    @state.setter
    def state(self, state: WizardState) -> None:
        self.ctx.state = state

    # --- start, resume, cancel ----------------------------------------------------------------------
    def start(self, student_id: int | None = None, draft_id: int | None = None) -> None:
        """Open the wizard fresh (prefilled with a student from the lookup) or on a saved draft."""
        self.view.show_choices(self.choices())
        page = "student"
        if draft_id is not None:
            saved = drafts.load_draft(self.store, draft_id)
            if saved is None:
                self.view.show_error("Draft not found", "That draft was discarded or already submitted.")
            else:
                self.draft_id = saved.id
                self.state = WizardState.from_dict(saved.body)
                page = self.resume_page()
        if draft_id is None or self.draft_id is None:
            today = self.today()
            term = self.ctx.default_term()
            self.state = WizardState(
                start_term=term.id if term else "",
                start_date=self.ctx.default_start(term).isoformat() if term else "",
                received=today.isoformat())
        if self.state.student_id is not None:
            self.student.load(self.state.student_id)
        self.view.load_state(self.state)
        if draft_id is None and student_id is not None:
            self.choose_student(student_id)
            if self.ctx.student is not None:
                self.state.student_query = f"{self.ctx.student['last_name']} {self.ctx.student['first_name']}"
                self.view.load_state(self.state)
        self.student.refresh()
        self.part_time.refresh_term_hint()
        if page != "student":
            self.view.go_to_page(page)

    def resume_page(self) -> str:
        """Where a resumed draft opens: the page it was saved on, but never past the family page
        (the review page's Enter submits); the wizard stops earlier at a page with a problem."""
        saved = self.state.page if self.state.page in PAGES else "student"
        return PAGES[min(PAGES.index(saved), PAGES.index("family"))]

    def choices(self) -> Choices:
        ctx = self.ctx
        terms = [TermChoice(t.id, f"{t.name} ({range_text(date.fromisoformat(t.start), date.fromisoformat(t.end))})",
                            t.start, t.end)
                 for t in ctx.terms if ctx.calendar.prior_term(t.id) is not None]
        providers = [ProviderChoice(p.id, p.name) for p in ctx.catalog.providers()]
        return Choices(terms, providers)

    def cancel_requested(self) -> bool:
        """True when the window may close. Asks whether to keep the draft when there is one."""
        if self.submitted is not None:
            return True
        if self.state.student_id is None and self.draft_id is None:
            return True
        answer = self.view.ask_keep_draft()
        if answer == "stay":
            return False
        if answer == "discard":
            if self.draft_id is not None:
                drafts.discard_draft(self.store, self.draft_id)
                self.draft_id = None
            return True
        self.save_draft()
        return True

    def save_draft(self) -> int | None:
        if self.submitted is not None or self.state.student_id is None:
            return None
        self.draft_id = drafts.save_draft(self.store, self.state.to_dict(), draft_id=self.draft_id,
                                          page=self.state.page, student_id=self.state.student_id,
                                          actor=self.actor)
        return self.draft_id

    # --- page flow ---------------------------------------------------------------------------------
    def next_page(self, page: str) -> str:
        """The page after `page`; "" after the last."""
        if page == "pathway":
            return "full_time" if self.state.pathway == "full_time" else "part_time"
        if page in ("part_time", "full_time"):
            return "eligibility"
        order = {"student": "pathway", "eligibility": "family", "family": "review", "review": "done"}
        return order.get(page, "")

    def page_entered(self, page: str) -> None:
        """The wizard moved to `page` (forward or back): save the draft, fill the page."""
        if page == "done":
            return
        self.state.page = page
        self.save_draft()
        if page in self.pages:
            self.pages[page].enter()

    def validate_page(self, page: str) -> bool:
        """May the wizard leave `page` forward? Problems go next to their fields. On the review
        page this submits the request."""
        if page == "review":
            return self.submit()
        presenter = self.pages.get(page)
        if presenter is None:
            return True
        problems = presenter.check()
        for name in presenter.fields:
            self.ctx.show_error(name, problems.get(name, ""))
        return not problems

    # --- what the pages forward ----------------------------------------------------------------------
    def set_field(self, name: str, value: Any) -> None:
        """One field changed. Checks it at once when it holds something that cannot be right."""
        if name in _TEXT_FIELDS:
            setattr(self.state, name, (value or "").strip() if name != "address2" else (value or ""))
        elif name in ("provider_id", "guardian_id"):
            setattr(self.state, name, int(value) if value not in (None, "") else None)
        elif name == "waiver_documented":
            self.state.waiver_documented = value
        else:
            raise ValueError(f"unknown field {name!r}")
        for presenter in self.pages.values():  # in page order: part-time before full-time
            presenter.field_changed(name)

    def search_students(self, text: str) -> None:
        self.student.search(text)

    def choose_student(self, student_id: int) -> None:
        self.student.choose(student_id)

    def set_pathway(self, pathway: str) -> None:
        self.pathway.choose(pathway)

    def search_courses(self, text: str) -> None:
        self.part_time.search_courses(text)

    def add_course(self, course_id: int) -> bool:
        return self.part_time.add_course(course_id)

    def remove_course(self, index: int) -> None:
        self.part_time.remove_course(index)

    def move_course(self, index: int, delta: int) -> None:
        self.part_time.move_course(index, delta)

    def toggle_reason(self, reason: str, checked: bool) -> None:
        self.full_time.toggle_reason(reason, checked)

    def toggle_acknowledgement(self, key: str, checked: bool) -> None:
        self.family.toggle_acknowledgement(key, checked)

    def evaluate(self) -> core.Evaluation | None:
        """The rules core's verdict on what is entered so far (None when it cannot be evaluated yet)."""
        return self.ctx.evaluate()

    def review(self) -> ReviewSummary:
        return self.review_page.summary()

    # --- the commit page ---------------------------------------------------------------------------
    def submit(self) -> bool:
        """Store the request (the commit page). False, with the reason shown, when it cannot be."""
        if self.submitted is not None:
            return True
        for page in ("student", "pathway", self.state.pathway or "part_time", "eligibility", "family"):
            if not self.validate_page(page):
                self.view.show_error("The request is not complete",
                                     f"Go back to the {PAGE_TITLES[page]} page: something there needs attention.")
                return False
        if not self.view.confirm_submit(self.review_page.submit_question()):
            return False
        state = self.state
        family = FamilyDetails(state.guardian_id or 0, state.address1, state.address2, state.city,
                               state.state.upper(), state.zip, state.language, list(state.acknowledgements))
        try:
            done = finish_request(self.store, self.ctx.request_draft(), family, actor=self.actor,
                                  draft_id=self.draft_id)
        except (svc.RequestError, StoreError, ValueError) as err:
            self.view.show_error("The request was not submitted", str(err))
            return False
        self.draft_id = None
        evaluation = self.ctx.evaluation
        lines = [f"{self.ctx.student_name()}'s request is stored as {done.reference} and is in the review queue."]
        if evaluation is not None:
            lines += self.eligibility.deadlines(evaluation)
        lines.append("A \"request received\" letter is waiting in the print center." if done.letter_queued else
                     "No \"request received\" letter could be queued (the log says why): tell the family "
                     "the request was received.")
        self.submitted = DoneView(done.request_id, done.reference, lines)
        self.view.show_done(self.submitted)
        if self.on_submitted is not None:
            self.on_submitted(done.request_id)
        return True
