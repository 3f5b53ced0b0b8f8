"""ImportPresenter with a fake view and a synchronous runner: no Qt."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mocap_desktop.services.importing import open_thread_store
from mocap_desktop.store.import_mappings import ImportMappingRepo
from mocap_desktop.ui.presenters.import_ import ImportPresenter, SyncRunner

ROSTER = Path(__file__).resolve().parents[2] / "data" / "roster"


class FakeImportView:
    def __init__(self, open_file=None, mapping_name=None):
        self.calls: list[tuple] = []
        self.mapping = []
        self.preview = ([], [])
        self.problems = []
        self.message = ("", "")
        self.actions = (False, False)
        self.saved = ([], "")
        self.progress = []
        self.open_file = open_file
        self.mapping_name = mapping_name

    def show_kinds(self, kinds, current):
        self.calls.append(("kinds", kinds, current))

    def show_file(self, name, info):
        self.file = (name, info)

    def show_mapping(self, rows, headers):
        self.mapping = rows
        self.headers = headers

    def show_preview(self, columns, rows):
        self.preview = (columns, rows)

    def show_saved_mappings(self, names, current):
        self.saved = (names, current)

    def show_problems(self, problems, more):
        self.problems = problems
        self.more = more

    def show_message(self, text, level):
        self.message = (text, level)
        self.calls.append(("message", level, text))

    def set_actions(self, can_check, can_import):
        self.actions = (can_check, can_import)

    def set_busy(self, busy):
        self.calls.append(("busy", busy))

    def offer_next_import(self, kind, label):
        self.next_import = (kind, label)

    def show_progress(self, phase, done, total):
        self.progress.append((phase, done, total))

    def ask_open_file(self):
        return self.open_file

    def ask_mapping_name(self, suggested):
        return self.mapping_name


def make(store, view=None, imported=None):
    view = view or FakeImportView()
    presenter = ImportPresenter(view, store, SyncRunner(), lambda: open_thread_store(store),
                                on_imported=lambda: imported.append(1) if imported is not None else None)
    return view, presenter


def count(store) -> int:
    return store.query("SELECT count(*) AS n FROM students")[0]["n"]


def test_choosing_a_file_guesses_the_mapping_and_previews_rows(store):
    view, presenter = make(store, FakeImportView(open_file=ROSTER / "powerschool-bom.csv"))
    presenter.start()
    assert view.actions == (False, False)
    presenter.browse_requested()
    assert view.file[0] == "powerschool-bom.csv"
    assert "CSV (UTF-8 with BOM)" in view.file[1] and "17 columns" in view.file[1]
    by_key = {r.key: r for r in view.mapping}
    assert by_key["local_number"].header == "Student_Number" and by_key["local_number"].required
    assert by_key["mosis_id"].header == "State_StudentNumber"
    assert by_key["birth_date"].sample == "9/14/2010"
    assert by_key["preferred_name"].header is None
    columns, rows = view.preview
    assert columns[:3] == ["Row", "Local student number", "MOSIS ID"]
    assert [r[0] for r in rows] == ["2", "3", "5", "6", "7", "9", "10"]  # blank lines skipped
    assert rows[0][1:4] == ["100201", "1234567890", "Nguyễn"]
    assert view.actions == (True, False)


def test_a_required_field_without_a_column_blocks_the_check(store):
    view, presenter = make(store)
    presenter.start(ROSTER / "missing-grade.csv")
    assert view.actions == (False, False)
    assert view.message[1] == "warning" and "Grade" in view.message[0]
    presenter.mapping_changed("grade", "Birthdate")  # a column can feed one field only
    keys = {r.key: r.header for r in view.mapping}
    assert keys["grade"] == "Birthdate" and keys["birth_date"] is None
    assert view.actions == (True, False)
    presenter.mapping_changed("grade", None)
    assert view.actions == (False, False) and "Choose a column for: Grade" in view.message[0]


def test_check_lists_every_bad_row_then_import_writes_in_one_go(store):
    imported = []
    view, presenter = make(store, imported=imported)
    presenter.start(ROSTER / "powerschool-bom.csv")
    presenter.check_requested()
    assert [(p.row, p.column) for p in view.problems] == [("9", "State_StudentNumber")]
    assert view.message[1] == "warning" and "Would add 5" in view.message[0]
    assert "1 repeated row will be skipped." in view.message[0]  # row 7 repeats row 3
    assert "1 row has problems (listed above)" in view.message[0]
    assert view.actions == (True, True) and count(store) == 0
    presenter.import_requested(skip_invalid=False)
    assert count(store) == 0 and view.message[1] == "error"
    assert "Nothing was imported" in view.message[0] and not imported
    presenter.import_requested(skip_invalid=True)
    assert count(store) == 5 and imported == [1]
    assert view.message[0].startswith("Imported. 7 rows read: 5 students added, 0 updated, 0 unchanged; 1 row with "
                                      "problems skipped; 1 repeated row skipped.")
    assert ("busy", True) in view.calls and view.calls[-1] != ("busy", True)
    # The file had no enrollment history: the summary says what that means and offers it next.
    assert view.message[1] == "warning" and "5 students on the roster have no enrollment history" in view.message[0]
    assert view.next_import == ("enrollments", "Import enrollment history next…")
    view.open_file = None  # the file chooser is cancelled
    presenter.next_import_requested("enrollments")
    assert presenter.kind.key == "enrollments" and view.calls[-1] == ("kinds", view.calls[-1][1], "enrollments")
    assert view.next_import[0] == ""


def test_progress_is_reported_and_cancel_changes_nothing(store, tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Student Number", "Last Name", "First Name", "Birthdate", "Grade"])
        w.writerows([f"{i}", "Young", f"Avery{i}", "1/1/2012", "3"] for i in range(9000))
    view, presenter = make(store)

    class CancellingView(FakeImportView):
        cancelled = False

        def show_progress(self, phase, done, total):
            super().show_progress(phase, done, total)
            if phase == "Importing" and not self.cancelled:
                self.cancelled = True
                presenter.cancel_requested()

    view = CancellingView()
    presenter.view = view
    presenter.start(path)
    presenter.import_requested(skip_invalid=False)
    assert any(p[0] == "Importing" for p in view.progress)
    assert view.message == ("Cancelled. Nothing was changed.", "warning")
    assert count(store) == 0
    presenter.import_requested(skip_invalid=False)  # a new run is not cancelled by the old click
    assert count(store) == 9000


def test_a_saved_mapping_comes_back_for_the_next_file_with_those_columns(store, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Pupil Ref,Family,Given,Born On,Yr\n77,Young,Avery,2012-01-01,3\n",
                    encoding="utf-8")
    view, presenter = make(store, FakeImportView(mapping_name="Our SIS"))
    presenter.start(path)
    assert view.actions == (False, False)
    for key, header in (("local_number", "Pupil Ref"), ("last_name", "Family"),
                        ("first_name", "Given"), ("birth_date", "Born On"), ("grade", "Yr")):
        presenter.mapping_changed(key, header)
    presenter.save_mapping_requested()
    assert ImportMappingRepo(store).get("students", "Our SIS").columns["grade"] == "Yr"
    assert view.saved == (["Our SIS"], "Our SIS")

    view2, presenter2 = make(store)
    presenter2.start(path)
    assert view2.saved == (["Our SIS"], "Our SIS")
    assert view2.actions == (True, False)
    presenter2.import_requested(skip_invalid=False)
    assert count(store) == 1


def test_an_unreadable_file_is_explained(store, tmp_path):
    path = tmp_path / "roster.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    view, presenter = make(store)
    presenter.start(path)
    assert view.message[1] == "error" and "Excel 97-2003" in view.message[0]
    assert view.actions == (False, False)


def test_enrollments_kind_switches_fields(store):
    view, presenter = make(store)
    presenter.start(ROSTER / "enrollments.csv")
    presenter.kind_changed("enrollments")
    keys = {r.key: r.header for r in view.mapping}
    assert keys["district_code"] == "District Code" and keys["entry"] == "Entry Date"
    assert view.actions == (True, False)


def _every_field():
    from mocap_desktop.ui.presenters.import_ import KINDS

    return [(kind.key, f.key) for kind in KINDS.values() for f in kind.fields]


@pytest.mark.parametrize("kind, key", _every_field())
def test_not_in_this_file_unmaps_a_guessed_column_for_good(store, tmp_path, kind, key):
    from mocap_desktop.services.importing import resolve_mapping
    from mocap_desktop.ui.presenters.import_ import KINDS

    fields = KINDS[kind].fields
    path = tmp_path / "all.csv"
    path.write_text(",".join(f.label for f in fields) + "\n", encoding="utf-8")
    view, presenter = make(store, FakeImportView(mapping_name="Without it"))
    presenter.start(path)
    presenter.kind_changed(kind)
    label = next(f.label for f in fields if f.key == key)
    assert {r.key: r.header for r in view.mapping}[key] == label  # guessed from its header
    presenter.mapping_changed(key, None)
    assert {r.key: r.header for r in view.mapping}[key] is None
    sent = presenter.mapping()
    assert sent[key] is None and resolve_mapping(KINDS[kind], [f.label for f in fields],
                                                 saved=sent).columns.get(key) is None
    presenter.save_mapping_requested()  # the saved mapping remembers it, the next file too
    assert ImportMappingRepo(store).get(kind, "Without it").columns[key] is None
    view2, presenter2 = make(store)
    presenter2.start(path)
    presenter2.kind_changed(kind)
    assert {r.key: r.header for r in view2.mapping}[key] is None


def test_an_unmapped_home_state_column_is_not_imported(store, tmp_path):
    path = tmp_path / "home.csv"
    path.write_text("Student Number,State ID,Last Name,First Name,Birthdate,Grade,State\n"
                    "1,WA,Young,Avery,1/1/2012,3,KS\n", encoding="utf-8")
    view, presenter = make(store)
    presenter.start(path)
    mapped = {r.key: r.header for r in view.mapping}
    assert mapped["mosis_id"] is None  # "WA" is no MOSIS ID: the guess reads the values
    assert mapped["state"] == "State"
    presenter.mapping_changed("state", None)
    presenter.import_requested(skip_invalid=False)
    assert view.message[0].startswith("Imported. 1 row read: 1 student added"), view.message
    row = store.query("SELECT state, mosis_id FROM students")[0]
    assert row == {"state": "MO", "mosis_id": None}


def test_a_roster_set_reads_again_as_enrollments_when_the_kind_changes(store):
    view, presenter = make(store)
    presenter.start(ROSTER / "oneroster-1.2")
    assert view.file[1] == "OneRoster 1.2, bulk (UTF-8) · 23 columns · 4 students among 7 people in users.csv"
    presenter.import_requested(skip_invalid=False)
    assert count(store) == 3
    presenter.kind_changed("enrollments")
    assert "OneRoster enrollments" in view.file[1]
    keys = {r.key: r.header for r in view.mapping}
    assert (keys["local_number"], keys["entry"], keys["school_code"]) == ("userIds: SIS", "beginDate", "School code")
    presenter.import_requested(skip_invalid=False)
    assert view.message[1] == "done" and "2 enrollments added" in view.message[0]


def test_the_course_catalog_through_the_same_mapping(store, tmp_path):
    from mocap_desktop.store.catalog import CatalogRepo

    path = tmp_path / "curriculum-only.csv"
    path.write_text("Vendor Org,Course Name,Course ID Code,Price\n"
                    "Edmentum,Algebra I A,EDM-ALG1A,$370.00\n", encoding="utf-8")
    view, presenter = make(store)
    presenter.start(path)
    assert ("catalog", "Course catalog") in view.calls[0][1]
    presenter.kind_changed("catalog")
    assert view.actions == (False, False) and "Provider" in view.message[0]
    presenter.mapping_changed("provider", "Vendor Org")
    presenter.mapping_changed("price", None)
    presenter.import_requested(skip_invalid=False)
    assert view.message[1] == "done" and "1 course added" in view.message[0]
    course = CatalogRepo(store).search("", limit=5, active_only=False)[0]
    assert (course.provider_name, course.price, course.program_code) == ("Edmentum", None, "52")  # from the name
    assert course.source.startswith("curriculum-only.csv")
