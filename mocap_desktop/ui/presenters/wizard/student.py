"""The Student page: find the student, show the record and the requests already open, and ask
for a MOSIS ID when the record has none."""

from __future__ import annotations

from datetime import date

from mocap_desktop import core
from mocap_desktop.core import lifecycle
from mocap_desktop.core.access import REQUESTS_CREATE, require
from mocap_desktop.core.messages import count_of
from mocap_desktop.services import requests as svc
from mocap_desktop.services.intake import contacts_for
from mocap_desktop.store.students import StudentRepo
from mocap_desktop.ui.presenters.wizard.context import PagePresenter, WizardContext, day_text
from mocap_desktop.ui.presenters.wizard.model import StudentCard, StudentChoice


class StudentPagePresenter(PagePresenter):
    key = "student"
    fields = ("student", "mosis_id")

    def __init__(self, ctx: WizardContext):
        super().__init__(ctx)
        self._students = StudentRepo(ctx.store)

    def enter(self) -> None:
        self.refresh()

    def search(self, text: str) -> None:
        self.state.student_query = text
        page = self._students.search(text, limit=50)
        self.ctx.view.show_student_results([StudentChoice(r.id, self._label(r)) for r in page.rows],
                                           page.next is not None)

    @staticmethod
    def _label(r) -> str:
        name = f"{r.last_name}, {r.first_name}" + (f" ({r.preferred_name})" if r.preferred_name else "")
        grade = "kindergarten" if r.grade == "K" else f"grade {r.grade}"
        return f"{name} — {grade}, {r.building or 'no building'}, local number {r.local_number}"

    def choose(self, student_id: int) -> None:
        state = self.state
        if student_id != state.student_id:
            state.student_id = student_id
            state.guardian_id = None
            state.acknowledgements = []
            state.waiver_documented = None
            self.ctx.evaluation = None
        self.load(student_id)
        self.refresh()
        self.ctx.show_error("student", self._problem() or "")

    def load(self, student_id: int) -> None:
        store = self.ctx.store
        require(store, REQUESTS_CREATE)  # the wizard reads the whole record, flags included
        rows = store.query(
            "SELECT s.*, COALESCE(b.name, '') AS building FROM students s "
            "LEFT JOIN buildings b ON b.code = s.building_code WHERE s.id = ?", (student_id,))
        self.ctx.student = rows[0] if rows else None
        self.ctx.contacts = contacts_for(store, student_id) if rows else []

    def _problem(self) -> str | None:
        s = self.ctx.student
        if self.state.student_id is None or s is None:
            return "Find the student and select them in the list."
        if s["grade"] not in core.model.GRADES:
            return (f"This student's grade ({s['grade']}) is not kindergarten through 12. "
                    "MOCAP is only for students in kindergarten through grade 12.")
        return None

    def refresh(self) -> None:
        ctx = self.ctx
        s = ctx.student
        if s is None:
            ctx.view.show_student(None)
            return
        grade = "kindergarten" if s["grade"] == "K" else f"grade {s['grade']}"
        born = (f"born {day_text(date.fromisoformat(s['birth_date']))}" if s["birth_date"]
                else "birth date not on record")
        details = (f"{grade.capitalize()} · {s['building'] or 'no building'} · {born}"
                   f" · local number {s['local_number']}"
                   + (f" · MOSIS ID {s['mosis_id']}" if s["mosis_id"] else " · no MOSIS ID on file"))
        flags = [label for key, label in (("iep", "IEP"), ("section_504", "Section 504 plan"),
                                          ("mshsaa_activities", "MSHSAA activities"),
                                          ("english_learner", "English learner")) if s[key]]
        if s["active_virtual_courses"]:
            flags.append(f"{count_of(s['active_virtual_courses'], 'virtual course')} now")
        open_rows = svc.open_requests_for(ctx.store, s["id"])
        lines = []
        for r in open_rows:
            kind = "part-time" if r.pathway == "part_time" else "full-time"
            line = (f"{r.reference} · {kind} · {ctx.term_name(r.start_term)} · "
                    f"{lifecycle.LABELS.get(r.status, r.status)} · received "
                    f"{day_text(date.fromisoformat(r.received))}")
            if r.courses:
                line += " · " + "; ".join(r.courses)
            lines.append(line)
        warning = ""
        if open_rows:
            warning = (f"This student already has {len(open_rows)} open request"
                       f"{'s' if len(open_rows) > 1 else ''}. Make sure this is not the same request; "
                       "a course already requested for a term cannot be requested again.")
        name = f"{s['last_name']}, {s['first_name']}" + (f" ({s['preferred_name']})" if s["preferred_name"] else "")
        ctx.view.show_student(StudentCard(s["id"], name, details, flags, lines, warning,
                                          needs_mosis_id=not s["mosis_id"]))

    def check(self) -> dict[str, str]:
        problem = self._problem()
        if problem:
            return {"student": problem}
        mosis = self._mosis_problem()
        return {"mosis_id": mosis} if mosis else {}

    def _mosis_problem(self) -> str | None:
        if not self.ctx.needs_mosis_id():
            return None
        try:
            svc.check_mosis_id(self.ctx.store, self.state.mosis_id, self.state.student_id or 0)
        except svc.RequestError as err:
            return str(err)
        return None

    def field_changed(self, name: str) -> None:
        if name == "mosis_id":
            digits = self.state.mosis_id.replace(" ", "")
            self.ctx.live("mosis_id", self._mosis_problem() if len(digits) >= 10 or not digits.isdigit() else None)
