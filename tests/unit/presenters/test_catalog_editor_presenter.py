"""CatalogEditorPresenter with a fake view: search, add, edit, out of use, import with a dry run."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mocap_desktop.store.catalog import CatalogRepo
from mocap_desktop.ui.presenters.catalog_editor import CatalogEditorPresenter, CourseForm


class FakeCatalogView:
    def __init__(self, file=None, confirm=True):
        self.rows, self.total, self.form, self.errors = [], 0, None, {}
        self.providers: list[str] = []
        self.status = ""
        self.file, self.confirm = file, confirm
        self.previews, self.dialogs = [], []

    def show_providers(self, names):
        self.providers = names

    def show_courses(self, rows, total):
        self.rows, self.total = rows, total

    def show_form(self, form):
        self.form = form

    def show_field_errors(self, errors):
        self.errors = errors

    def show_status(self, text):
        self.status = text

    def ask_import_file(self):
        return self.file

    def confirm_import(self, preview):
        self.previews.append(preview)
        return self.confirm

    def show_error(self, title, text):
        self.dialogs.append((title, text))


def test_search_and_select_fill_the_form(demo_session):
    view = FakeCatalogView()
    presenter = CatalogEditorPresenter(view, demo_session.store)
    presenter.start()
    assert view.total == CatalogRepo(demo_session.store).count() and len(view.providers) == 6
    presenter.search("calc")
    assert view.rows and all(r.code == "APCALCFY" for r in view.rows)
    presenter.select(view.rows[0].id)
    assert (view.form.code, view.form.part, view.form.credits) == ("APCALCFY", "FY", "1")


def test_adding_a_course_checks_every_field_first(store):
    view = FakeCatalogView()
    presenter = CatalogEditorPresenter(view, store)
    presenter.start()
    bad = CourseForm(provider="", code="", title="Geometry A", credits="-0.5", part="A", price="abc",
                     grade_low="13")
    assert presenter.save(bad) is None
    assert set(view.errors) == {"provider", "code", "credits", "price", "grades"}
    assert view.errors["credits"] == "Credits cannot be negative."
    assert CatalogRepo(store).count() == 0

    good = replace(bad, provider="Greenways Academy", code="GA-GEO-A", credits="0.5", price="$370",
                   grade_low="9", grade_high="11")
    course_id = presenter.save(good)
    assert course_id is not None and view.errors == {}
    stored = CatalogRepo(store).course(course_id)
    assert (stored.segment, stored.length, stored.price, stored.source) == ("A", "semester", 370.0,
                                                                             "entered by hand")
    assert "Greenways Academy" in view.providers and view.form.course_id == course_id
    assert view.status.startswith("Added GA-GEO-A")

    clash = replace(good, title="Another")
    assert presenter.save(clash) is None
    assert "already has a course with code GA-GEO-A" in view.errors["code"]

    presenter.set_active(course_id, False)
    assert "out of use" in view.status and CatalogRepo(store).search("geo") == []


def test_import_shows_a_dry_run_and_writes_only_when_confirmed(store, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Provider,Course Name,Course ID,Credits\nLaunch,Biology A,L-BIOA,0.5\n"
                    "Launch,Biology B,L-BIOB,-1\n", encoding="utf-8")
    view = FakeCatalogView(file=(path, "52"), confirm=False)
    presenter = CatalogEditorPresenter(view, store)
    presenter.start()
    assert presenter.import_requested() is False
    preview = view.previews[0]
    assert preview.can_import and preview.bad_rows == 1
    assert preview.problems == ['row 3, column "Credits": credits cannot be negative (-1)']
    assert CatalogRepo(store).count() == 0 and "nothing was written" in view.status

    view.confirm = True
    assert presenter.import_requested() is True
    rows = CatalogRepo(store).search("")
    assert [(r.code, r.program_code) for r in rows] == [("L-BIOA", "52")]
    assert view.status.startswith("Imported list.csv")


def test_an_unreadable_file_is_reported(store, tmp_path):
    view = FakeCatalogView(file=(Path(tmp_path / "nope.xlsx"), None))
    presenter = CatalogEditorPresenter(view, store)
    assert presenter.import_requested() is False
    assert view.dialogs and view.dialogs[0][0] == "The file cannot be imported"
