"""A fake RequestWizardView that records what the presenter shows (no Qt). Shared by the
presenter tests and the killed-process end-to-end test."""

from __future__ import annotations

from datetime import date

from mocap_desktop.ui.presenters.wizard import RequestWizardPresenter

TODAY = date(2026, 11, 27)  # the demo roster's date: Fall 2026 is under way, Spring 2027 is next


class FakeWizardView:
    def __init__(self, keep_answer: str = "keep", submit_answer: bool = True):
        self.calls: list[tuple] = []
        self.submit_answer = submit_answer
        self.errors: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.keep_answer = keep_answer
        self.choices = self.state = self.card = self.meter = self.eligibility = None
        self.family = self.review = self.done = None
        self.students: list = []
        self.courses: list = []
        self.term_hint = self.input_due = ""
        self.page = "student"
        self.dialogs: list[tuple[str, str]] = []

    def show_choices(self, choices):
        self.choices = choices

    def load_state(self, state):
        self.state = state

    def set_value(self, name, value):
        self.values[name] = value

    def go_to_page(self, page):
        self.calls.append(("go_to_page", page))
        self.page = page

    def show_field_error(self, name, message):
        self.calls.append(("error", name, message))
        self.errors[name] = message

    def show_student_results(self, rows, more):
        self.students = rows

    def show_student(self, card):
        self.card = card

    def show_term_hint(self, text):
        self.term_hint = text

    def show_course_results(self, rows):
        self.courses = rows

    def show_meter(self, meter):
        self.meter = meter

    def show_input_due(self, text):
        self.input_due = text

    def show_eligibility(self, view):
        self.eligibility = view

    def show_family(self, view):
        self.family = view

    def show_review(self, summary):
        self.review = summary

    def show_done(self, done):
        self.done = done

    def ask_keep_draft(self):
        self.calls.append(("ask_keep_draft",))
        return self.keep_answer

    def confirm_submit(self, text):
        self.calls.append(("confirm_submit", text))
        return self.submit_answer

    def show_error(self, title, text):
        self.dialogs.append((title, text))

    # --- helpers for tests -------------------------------------------------------------------
    def error(self, name: str) -> str:
        return self.errors.get(name, "")


def make_presenter(store, view=None, **kwargs) -> tuple[RequestWizardPresenter, FakeWizardView]:
    view = view or FakeWizardView()
    presenter = RequestWizardPresenter(view, store, actor="Test Counselor (counselor)", today=lambda: TODAY,
                                       **kwargs)
    return presenter, view


def go(presenter: RequestWizardPresenter, page: str) -> bool:
    """Validate the current page and, when it passes, enter `page` (what QWizard's Next does)."""
    if not presenter.validate_page(presenter.state.page):
        return False
    nxt = presenter.next_page(presenter.state.page)
    assert nxt == page, f"expected to go to {page}, the wizard goes to {nxt}"
    presenter.page_entered(page)
    return True


def clean_student(store, *, iep: int = 0, section_504: int = 0, mshsaa: int | None = None,
                  grade_in: tuple[str, ...] = ("10", "11")) -> int:
    """A high-school student with one plain enrollment and no requests."""
    sql = ("SELECT s.id FROM students s WHERE s.iep = ? AND s.section_504 = ? AND s.grade IN "
           f"({','.join('?' * len(grade_in))}) "
           "AND (SELECT count(*) FROM enrollments e WHERE e.student_id = s.id) = 1 "
           "AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.student_id = s.id) "
           "AND EXISTS (SELECT 1 FROM guardians g WHERE g.student_id = s.id) ")
    params: list = [iep, section_504, *grade_in]
    if mshsaa is not None:
        sql += "AND s.mshsaa_activities = ? "
        params.append(mshsaa)
    return store.query(sql + "ORDER BY s.id LIMIT 1", tuple(params))[0]["id"]


def course_id(store, code: str, provider: str | None = None) -> int:
    sql = "SELECT c.id FROM courses c JOIN providers p ON p.id = c.provider_id WHERE c.code = ?"
    params: list = [code]
    if provider:
        sql += " AND p.name = ?"
        params.append(provider)
    return store.query(sql + " ORDER BY c.id LIMIT 1", tuple(params))[0]["id"]
