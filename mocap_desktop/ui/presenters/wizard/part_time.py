"""The Part-time courses page: the term, the in-person load, courses from the catalog, and the
full-time-equivalent meter that shows which of them the district pays for."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mocap_desktop.core import lifecycle
from mocap_desktop.core.messages import format_credits
from mocap_desktop.services import requests as svc
from mocap_desktop.services.review import credits_text
from mocap_desktop.ui.presenters.wizard.context import (
    PagePresenter,
    day_text,
    parse_credits,
    parse_date,
    range_text,
)
from mocap_desktop.ui.presenters.wizard.model import CourseChoice, FteMeter, SelectedCourse

MAX_IN_PERSON = Decimal("8")


class PartTimePagePresenter(PagePresenter):
    key = "part_time"
    fields = ("start_term", "start_date", "received", "in_person_credits", "courses")
    _last_course_query = ""

    def enter(self) -> None:
        self.refresh_term_hint()
        self.refresh_meter()
        self.search_courses("")

    def field_changed(self, name: str) -> None:
        ctx, state = self.ctx, self.state
        if name == "start_term":
            term = ctx.term()
            if term is not None:
                start = parse_date(state.start_date)
                if start is None or not term.start <= start <= term.end:
                    state.start_date = ctx.default_start(term).isoformat()
                    ctx.view.set_value("start_date", state.start_date)
            self.refresh_term_hint()
            ctx.live("start_term", ctx.term_problem())
            if state.pathway != "full_time":
                ctx.live("start_date", self._start_date_problem())
                ctx.live("courses", self._courses_problem() if state.courses else None)
            self.refresh_meter()
        elif name == "start_date":
            ctx.live("start_date", self._start_date_problem())
        elif name == "received":
            ctx.live("received", ctx.received_problem())
        elif name == "in_person_credits":
            ctx.live("in_person_credits", self._in_person_problem())
            self.refresh_meter()

    def check(self) -> dict[str, str]:
        problems = {
            "start_term": self.ctx.term_problem(), "start_date": self._start_date_problem(),
            "received": self.ctx.received_problem(), "in_person_credits": self._in_person_problem(),
            "courses": self._courses_problem(),
        }
        return {k: v for k, v in problems.items() if v}

    # --- the term ---------------------------------------------------------------------------------------
    def refresh_term_hint(self) -> None:
        ctx = self.ctx
        term = ctx.term()
        if term is None:
            ctx.view.show_term_hint("")
            return
        prior = ctx.calendar.prior_term(term.id)
        hint = f"{ctx.term_name(term.id)} runs {range_text(term.start, term.end)}."
        if prior is not None:
            hint += (f" The prior-semester rule looks at {ctx.term_name(prior.id)} "
                     f"({range_text(prior.start, prior.end)}).")
        ctx.view.show_term_hint(hint)

    def _start_date_problem(self) -> str | None:
        term = self.ctx.term()
        if not self.state.start_date:
            return "Enter the date the courses start."
        day = parse_date(self.state.start_date)
        if day is None:
            return "The start date is not a date."
        if term is not None and not term.start <= day <= term.end:
            return (f"The start date {day_text(day)} is outside {self.ctx.term_name(term.id)} "
                    f"({range_text(term.start, term.end)}). Choose a date inside the term.")
        return None

    def _in_person_problem(self) -> str | None:
        text = self.state.in_person_credits
        if not text:
            return "Enter the credits of in-person classes the student takes this term (0 if none)."
        value = parse_credits(text)
        if value is None:
            return f'"{text}" is not a number of credits (for example 2.5).'
        if value < 0:
            return "In-person credits cannot be negative."
        if value > MAX_IN_PERSON:
            return f"{format_credits(value)} credits is more than a student takes in one term; check the number."
        return None

    # --- the courses ------------------------------------------------------------------------------------
    def _already_requested(self) -> dict[str, tuple[str, str, str]]:
        if self.state.student_id is None or self.ctx.term() is None:
            return {}
        return svc.requested_courses(self.ctx.store, self.state.student_id, self.state.start_term)

    def _course_block(self, code: str, taken: dict[str, tuple[str, str, str]]) -> str | None:
        hit = taken.get(code.casefold())
        if hit:
            reference, status, provider = hit
            return (f"{code} ({provider}) is already requested for {self.ctx.term_name(self.state.start_term)} "
                    f"in {reference} ({lifecycle.LABELS.get(status, status).lower()}).")
        return None

    def _in_request(self, code: str) -> dict[str, Any] | None:
        return next((c for c in self.state.courses if c["code"].casefold() == code.casefold()), None)

    def search_courses(self, text: str) -> None:
        ctx = self.ctx
        if text != self._last_course_query and ctx.errors.get("courses") and self.state.courses:
            ctx.show_error("courses", self._courses_problem() or "")  # a refused add is history now
        taken = self._already_requested()
        grade = (ctx.student or {}).get("grade", "")
        rows = []
        for c in ctx.catalog.search(text, limit=60):
            note, blocked = "", False
            if (same := self._in_request(c.code)) is not None:
                note, blocked = f"in this request ({same['provider_name']})", True
            elif (hit := taken.get(c.code.casefold())) is not None:
                note, blocked = f"already requested ({hit[0]})", True
            elif grade and not c.fits_grade(grade):
                note = f"for {c.grades}"
            rows.append(CourseChoice(c.id, c.code, c.title, c.provider_name, format_credits(Decimal(str(c.credits))),
                                     c.term_label, c.grades, note, blocked))
        self._last_course_query = text
        ctx.view.show_course_results(rows)

    def add_course(self, course_id: int) -> bool:
        ctx = self.ctx
        course = ctx.catalog.course(course_id)
        if course is None:
            return False
        same = self._in_request(course.code)
        if same is not None:
            ctx.show_error("courses", f"{course.code} is already in this request (from {same['provider_name']}).")
            return False
        block = self._course_block(course.code, self._already_requested())
        if block:
            ctx.show_error("courses", block + " It cannot be requested twice for the same term.")
            return False
        self.state.courses.append({"course_id": course.id, "code": course.code, "title": course.title,
                                   "provider_name": course.provider_name,
                                   "credits": format_credits(Decimal(str(course.credits)))})
        ctx.show_error("courses", "")
        self.refresh_meter()
        self.search_courses(self._last_course_query)
        return True

    def remove_course(self, index: int) -> None:
        if 0 <= index < len(self.state.courses):
            del self.state.courses[index]
            self.ctx.live("courses", self._courses_problem() if self.state.courses else None)
            self.refresh_meter()
            self.search_courses(self._last_course_query)

    def move_course(self, index: int, delta: int) -> None:
        """Courses count toward the cap in request order: the first ones are paid first."""
        target = index + delta
        if 0 <= index < len(self.state.courses) and 0 <= target < len(self.state.courses):
            courses = self.state.courses
            courses[index], courses[target] = courses[target], courses[index]
            self.refresh_meter()

    def _courses_problem(self) -> str | None:
        if not self.state.courses:
            return "Add at least one course from the catalog."
        taken = self._already_requested()
        blocked = [b for c in self.state.courses if (b := self._course_block(c["code"], taken))]
        if blocked:
            return " ".join(blocked) + " Remove it, or withdraw the earlier request first."
        return None

    # --- the full-time-equivalent meter -----------------------------------------------------------------
    def refresh_meter(self) -> None:
        ctx, state = self.ctx, self.state
        cap = Decimal(str(ctx.policy.full_time_credits_per_term))
        in_person = parse_credits(state.in_person_credits) if not self._in_person_problem() else None
        fte: dict[int, str] = {}
        obligated = Decimal(0)
        if in_person is not None and state.courses and ctx.student is not None and ctx.term() is not None:
            try:
                evaluation = svc.evaluate_draft(ctx.store, ctx.request_draft(pathway="part_time"))
            except (svc.RequestError, ValueError):
                evaluation = None
            if evaluation is not None:
                fte = {n: c.fte or "" for n, c in enumerate(evaluation.courses)}
                obligated = evaluation.district_obligated_credits
        rows = []
        for n, c in enumerate(state.courses):
            status = fte.get(n, "")
            label = {"within": "District pays", "beyond": "Beyond the full-time load: not paid by the district"
                     }.get(status, "")
            rows.append(SelectedCourse(c["code"], c["title"], c["provider_name"], c["credits"], status, label))
        total = sum((Decimal(c["credits"]) for c in state.courses), Decimal(0))
        beyond = total - obligated if fte else Decimal(0)
        if in_person is None:
            summary = (f"A full-time load is {credits_text(cap)} a term. Enter the in-person credits "
                       "to see which courses the district pays for.")
        elif not state.courses:
            room = max(Decimal(0), cap - in_person)
            summary = (f"A full-time load is {credits_text(cap)} a term. With {credits_text(in_person)} "
                       f"in person, the district pays for up to {credits_text(room)} of virtual courses.")
        else:
            summary = (f"Full-time load {credits_text(cap)}: {format_credits(in_person)} in person + "
                       f"{format_credits(obligated)} virtual paid by the district.")
            if beyond:
                names = ", ".join(r.code for r in rows if r.fte == "beyond")
                summary += (f" Beyond the full-time load and not paid by the district: {credits_text(beyond)} "
                            f"({names}).")
            else:
                summary += " Every requested course is within the load."
        ctx.view.show_meter(FteMeter(float(cap), float(in_person or 0), float(obligated), float(beyond),
                                     rows, summary))
