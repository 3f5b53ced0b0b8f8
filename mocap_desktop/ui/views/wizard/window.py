"""`RequestWizard`, the QWizard that is the `RequestWizardView`, and how it is opened."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QWidget, QWizard

from mocap_desktop.ui.presenters.wizard import (
    PAGE_TITLES,
    PAGES,
    Choices,
    CourseChoice,
    DoneView,
    EligibilityView,
    FamilyView,
    FteMeter,
    RequestWizardPresenter,
    ReviewSummary,
    StudentCard,
    StudentChoice,
    WizardState,
)
from mocap_desktop.ui.views.dialogs import MessageBoxes, ask
from mocap_desktop.ui.views.wizard.done import DonePage
from mocap_desktop.ui.views.wizard.eligibility import EligibilityPage
from mocap_desktop.ui.views.wizard.family import FamilyPage
from mocap_desktop.ui.views.wizard.full_time import FullTimePage
from mocap_desktop.ui.views.wizard.part_time import PartTimePage
from mocap_desktop.ui.views.wizard.pathway import PathwayPage
from mocap_desktop.ui.views.wizard.review import ReviewPage
from mocap_desktop.ui.views.wizard.student import StudentPage
from mocap_desktop.ui.views.wizard.widgets import CompactTable, ErrorLabel


class RequestWizard(MessageBoxes, QWizard):
    """The `RequestWizardView` for `RequestWizardPresenter`."""

    student_search_requested = Signal(str)
    student_chosen = Signal(int)
    pathway_chosen = Signal(str)
    field_changed = Signal(str, object)
    course_search_requested = Signal(str)
    course_add_requested = Signal(int)
    course_remove_requested = Signal(int)
    course_move_requested = Signal(int, int)
    reason_toggled = Signal(str, bool)
    acknowledgement_toggled = Signal(str, bool)
    submitted = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("RequestWizard")
        self.setWindowTitle("New MOCAP request")
        self.setAccessibleName("New MOCAP request")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Done")
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Submit request")
        self.presenter: RequestWizardPresenter | None = None
        self.fields: dict[str, QWidget] = {}
        self.extra_fields: dict[str, list[QWidget]] = {}
        self.errors: dict[str, list[ErrorLabel]] = {}
        self._terms: list[QComboBox] = []
        self._loading = False
        self.pages = {}
        for cls in (StudentPage, PathwayPage, PartTimePage, FullTimePage, EligibilityPage, FamilyPage,
                    ReviewPage, DonePage):
            page = cls(self)
            self.setPage(PAGES.index(cls.key), page)
            self.pages[cls.key] = page
        self.setStartId(0)
        self.resize(1120, 690)
        self.currentIdChanged.connect(self._page_changed)

    # --- building blocks ------------------------------------------------------------------------
    def errorfield_label(self, name: str) -> ErrorLabel:
        label = ErrorLabel(name)
        self.errors.setdefault(name, []).append(label)
        return label

    def term_combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(lambda _i, c=combo: self._term_changed(c))
        self._terms.append(combo)
        return combo

    def _term_changed(self, combo: QComboBox) -> None:
        if self._loading:
            return
        value = combo.currentData()
        self._loading = True
        for other in self._terms:
            if other is not combo:
                other.setCurrentIndex(max(0, other.findData(value)))
        self._loading = False
        self.field_changed.emit("start_term", value or "")

    def table(self, headers: tuple[str, ...], name: str) -> QTableWidget:
        table = CompactTable(0, len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.setAccessibleName(name)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        return table

    def emit_field(self, name: str, value) -> None:
        if not self._loading:
            self.field_changed.emit(name, value)

    # --- wiring ----------------------------------------------------------------------------------
    def bind(self, presenter: RequestWizardPresenter) -> None:
        """Connect intent signals to the presenter (app.py and tests call this)."""
        self.presenter = presenter
        self.student_search_requested.connect(presenter.search_students)
        self.student_chosen.connect(presenter.choose_student)
        self.pathway_chosen.connect(presenter.set_pathway)
        self.field_changed.connect(presenter.set_field)
        self.course_search_requested.connect(presenter.search_courses)
        self.course_add_requested.connect(presenter.add_course)
        self.course_remove_requested.connect(presenter.remove_course)
        self.course_move_requested.connect(presenter.move_course)
        self.reason_toggled.connect(presenter.toggle_reason)
        self.acknowledgement_toggled.connect(presenter.toggle_acknowledgement)
        presenter.on_submitted = self.submitted.emit

    def _page_changed(self, page_id: int) -> None:
        if self.presenter is not None and page_id >= 0:
            self.presenter.page_entered(PAGES[page_id])
            self.setWindowTitle(f"New MOCAP request — {PAGE_TITLES[PAGES[page_id]]}")

    def focus_first_error(self, page: str) -> None:
        current = self.pages[page]
        for name, labels in self.errors.items():
            if any(label.isVisible() and current.isAncestorOf(label) for label in labels):
                widgets = [self.fields.get(name), *self.extra_fields.get(name, [])]
                for widget in widgets:
                    if widget is not None and current.isAncestorOf(widget):
                        widget.setFocus(Qt.FocusReason.OtherFocusReason)
                        return

    def reject(self) -> None:
        if self.presenter is None or self.presenter.cancel_requested():
            super().reject()

    # --- RequestWizardView ----------------------------------------------------------------------
    def show_choices(self, choices: Choices) -> None:
        self._loading = True
        for combo in self._terms:
            combo.clear()
            combo.addItem("Choose the term…", "")
            for t in choices.terms:
                combo.addItem(t.label, t.id)
        provider = self.pages["full_time"].provider
        provider.clear()
        provider.addItem("Choose the provider…", None)
        for p in choices.providers:
            provider.addItem(p.name, p.id)
        role = self.pages["eligibility"].role
        role.clear()
        role.addItem("Choose a role…", "")
        for r in choices.waiver_roles:
            role.addItem(r, r)
        language = self.pages["family"].language
        language.clear()
        for code, label in choices.languages:
            language.addItem(label, code)
        self.pages["pathway"].set_texts(choices.pathways)
        self.pages["full_time"].set_reasons(choices.reasons)
        self._loading = False

    def load_state(self, state: WizardState) -> None:
        self._loading = True
        try:
            student = self.pages["student"]
            student.search.setText(state.student_query)
            student.mosis.setText(state.mosis_id)
            if state.pathway in ("part_time", "full_time"):
                self.pages["pathway"].buttons[state.pathway].setChecked(True)
            for name in ("start_term", "start_date", "received", "in_person_credits", "host_district",
                         "waiver_date", "waiver_role", "address1", "address2", "city", "state", "zip",
                         "language"):
                self.set_value(name, getattr(state, name))
            self.set_value("provider_id", "" if state.provider_id is None else str(state.provider_id))
            full = self.pages["full_time"]
            for reason, box in full.reasons.items():
                box.setChecked(reason in state.family_reasons)
            elig = self.pages["eligibility"]
            elig.yes.setChecked(state.waiver_documented is True)
            elig.no.setChecked(state.waiver_documented is False)
        finally:
            self._loading = False
        if self.presenter is not None:
            self.presenter.search_students(state.student_query)

    def set_value(self, name: str, value: str) -> None:
        was = self._loading
        self._loading = True
        try:
            if name == "start_term":
                for combo in self._terms:
                    combo.setCurrentIndex(max(0, combo.findData(value)))
            for page in self.pages.values():
                page.set_value(name, value)
        finally:
            self._loading = was

    def go_to_page(self, page: str) -> None:
        """Move forward to `page` (a resumed draft) through each page's checks; stop at the
        first page that has a problem, which then shows it."""
        target = PAGES.index(page)
        if self.currentId() == -1:
            self.restart()
        while self.currentId() != target:
            before = self.currentId()
            self.next()
            if self.currentId() == before:
                break

    def show_field_error(self, name: str, message: str) -> None:
        for label in self.errors.get(name, []):
            label.show_message(message)
        # A screen reader reads the problem with the field itself, not only from the red label.
        for widget in (self.fields.get(name), *self.extra_fields.get(name, [])):
            if widget is not None:
                widget.setAccessibleDescription(message)

    def show_student_results(self, rows: list[StudentChoice], more: bool) -> None:
        self.pages["student"].show_results(rows, more, self.presenter.state.student_id if self.presenter else None)

    def show_student(self, card: StudentCard | None) -> None:
        self.pages["student"].show_card(card)

    def show_term_hint(self, text: str) -> None:
        self.pages["part_time"].hint.setText(text)

    def show_course_results(self, rows: list[CourseChoice]) -> None:
        self.pages["part_time"].show_courses(rows)

    def show_meter(self, meter: FteMeter) -> None:
        self.pages["part_time"].show_meter(meter)

    def show_input_due(self, text: str) -> None:
        self.pages["full_time"].due.setText(text)

    def show_eligibility(self, view: EligibilityView) -> None:
        self.pages["eligibility"].show(view)

    def show_family(self, view: FamilyView) -> None:
        self._loading = True
        try:
            chosen = self.presenter.state.guardian_id if self.presenter else None
            done = set(self.presenter.state.acknowledgements) if self.presenter else set()
            self.pages["family"].show(view, chosen, done)
        finally:
            self._loading = False

    def show_review(self, summary: ReviewSummary) -> None:
        self.pages["review"].show(summary)

    def show_done(self, done: DoneView) -> None:
        self.pages["done"].show(done)

    def ask_keep_draft(self) -> str:
        return ask(self, "Keep this request as a draft?",
                   "The request has not been submitted. Keep it as a draft to finish later (Request → "
                   "Resume a saved draft), or discard it?",
                   [("keep", "Keep draft"), ("discard", "Discard"), ("stay", "Continue editing")],
                   default="keep", escape="stay")

    def confirm_submit(self, text: str) -> bool:
        return ask(self, "Submit the request?", text,
                   [("submit", "Submit request"), ("back", "Not yet")], default="back", escape="back") == "submit"

    def close_keeping_draft(self) -> None:
        """Close without asking (the window locks or the person changes): the draft is kept."""
        if self.presenter is not None:
            self.presenter.save_draft()
        QWizard.reject(self)


def open_request_wizard(store, parent: QWidget | None = None, *, student_id: int | None = None,
                        draft_id: int | None = None, actor: str = "counselor",
                        today: date | None = None) -> RequestWizard:
    """Build the wizard, its presenter and their wiring; the caller shows it."""
    wizard = RequestWizard(parent)
    kwargs = {"today": today if callable(today) else (lambda: today)} if today is not None else {}
    presenter = RequestWizardPresenter(wizard, store, actor=actor, **kwargs)
    wizard.bind(presenter)
    wizard.restart()
    presenter.start(student_id=student_id, draft_id=draft_id)
    return wizard


def ask_resume_draft(parent: QWidget | None, text: str, new_request: bool = False) -> str:
    """"resume", "later" or "discard" for a saved draft described by `text`; when the person asked
    for a new request, "new" instead of "discard"."""
    other = ("new", "Start a new request") if new_request else ("discard", "Discard draft")
    return ask(parent, "Resume the unfinished request?", text + "\n\nResume it now?",
               [("resume", "Resume"), other, ("later", "Cancel" if new_request else "Later")],
               default="resume", escape="later")
