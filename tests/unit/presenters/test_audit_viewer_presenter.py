"""The audit viewer's presenter with a fake view (no Qt) over a real encrypted demo copy: filters,
paging, detail, integrity, CSV export and the record of disclosures."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from mocap_desktop.core.access import User
from mocap_desktop.services import audit_report as ar
from mocap_desktop.services import letters
from mocap_desktop.services.session import sign_in
from mocap_desktop.store import audit
from mocap_desktop.ui.presenters.audit_viewer import AuditViewerPresenter, format_when, line_for

TODAY = date(2026, 3, 10)


class FakeAuditView:
    def __init__(self):
        self.choices = None
        self.selected_filter = None
        self.student = None
        self.lines = []
        self.has_more = False
        self.fetch = None
        self.summary = ("", False)
        self.detail = None
        self.integrity = (True, "")
        self.choose_answer: str | None = None
        self.choose_offered = []
        self.save_answer: Path | None = None
        self.save_asked = []
        self.sheet = None
        self.messages = []
        self.errors = []

    def show_filters(self, choices, selected): self.choices, self.selected_filter = choices, selected
    def show_student_filter(self, label): self.student = label
    def show_summary(self, text, problem=False): self.summary = (text, problem)
    def show_detail(self, detail): self.detail = detail
    def show_integrity(self, ok, text): self.integrity = (ok, text)
    def show_disclosure_report(self, sheet): self.sheet = sheet
    def show_message(self, title, text): self.messages.append((title, text))
    def show_error(self, title, text): self.errors.append((title, text))

    def show_entries(self, lines, has_more, fetch):
        self.lines, self.has_more, self.fetch = list(lines), has_more, fetch

    def fetch_all(self) -> None:
        while self.has_more:
            more, self.has_more = self.fetch()
            self.lines += more

    def choose_student(self, choices):
        self.choose_offered = choices
        return self.choose_answer

    def ask_save_path(self, title, suggested, kinds):
        self.save_asked.append((title, suggested, kinds))
        return self.save_answer


@pytest.fixture
def admin(demo_data_dir):
    session = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    yield session
    session.close(sign_out=False)


def add(store, action: str, at: str, actor: str = "counselor", role: str = "counselor", **kw) -> int:
    with store.transaction() as db:
        audit.record(db, actor, role, action, at=at, **kw)
    return store.conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]


def students(store, n: int = 2) -> list[dict]:
    return store.query("SELECT id, local_number, last_name, first_name FROM students ORDER BY id LIMIT ?", (n,))


def viewer(session, tmp_path=None, page: int = 200) -> tuple[AuditViewerPresenter, FakeAuditView]:
    view = FakeAuditView()
    presenter = AuditViewerPresenter(view, session.store, today=lambda: TODAY, export_folder=tmp_path, page=page)
    presenter.start()
    return presenter, view


def test_start_shows_filters_and_the_newest_entries(admin):
    presenter, view = viewer(admin, page=2000)  # the whole demo trail on one page
    people = {c.value: c.label for c in view.choices.people}
    assert people[""] == "Everyone" and people["principal"] == "Dr. Lena Ortiz (principal)"
    actions = {c.value: c.label for c in view.choices.actions}
    assert actions[""] == "Every action" and actions["person_added"] == "Person added"
    total = ar.count_entries(admin.store)
    assert len(view.lines) == total and view.summary == (f"{total} entries, newest first", False)
    newest = view.lines[0]
    assert newest.cells[1] == "Pat Alvarez (admin)" and newest.cells[3] == "Signed in"
    assert newest.accessible.startswith(f"Entry {newest.entry_id}: When ")
    assert view.student == "" and view.integrity == (True, "")


def test_pages_are_fetched_as_asked_and_a_stale_fetch_gives_nothing(admin):
    for n in range(12):
        add(admin.store, "student_opened", f"2026-03-0{1 + n % 9}T08:00:00")
    presenter, view = viewer(admin, page=5)
    total = ar.count_entries(admin.store)
    assert len(view.lines) == 5 and view.has_more
    stale_fetch = view.fetch
    view.fetch_all()
    ids = [line.entry_id for line in view.lines]
    assert len(ids) == total and ids == sorted(set(ids), reverse=True)
    presenter.action_changed("student_opened")
    assert stale_fetch() == ([], False)
    assert len(view.lines) == 5 and view.has_more
    view.fetch_all()
    assert len(view.lines) == 12 and {line.cells[3] for line in view.lines} == {"Student opened"}


def test_filters_narrow_the_list_and_the_summary_says_how(admin):
    a, b = students(admin.store)
    add(admin.store, "student_opened", "2026-03-02T08:00:00", student_id=a["id"])
    add(admin.store, "student_opened", "2026-03-04T08:00:00", actor="principal", role="decider", student_id=b["id"])
    presenter, view = viewer(admin, page=2000)  # the whole demo trail on one page
    presenter.person_changed("principal")
    assert [line.cells[1] for line in view.lines] == ["Dr. Lena Ortiz (principal)"]
    assert view.summary[0] == "1 entry (by principal), newest first"
    presenter.person_changed("")
    presenter.dates_changed(date(2026, 3, 1), date(2026, 3, 3))
    assert [line.student_id for line in view.lines] == [a["id"]]
    assert "from Mar 1, 2026 to Mar 3, 2026" in view.summary[0]
    presenter.dates_changed(date(2026, 3, 5), date(2026, 3, 1))
    assert view.lines == [] and view.summary == ("The start date is after the end date.", True)
    presenter.clear_filters()
    assert view.selected_filter == ar.AuditFilter() and len(view.lines) == ar.count_entries(admin.store)


def test_the_student_filter_by_number_by_name_and_when_several_match(admin):
    a, _ = students(admin.store)
    add(admin.store, "student_opened", "2026-03-02T08:00:00", student_id=a["id"])
    presenter, view = viewer(admin)
    presenter.student_search_requested(f" {a['local_number']} ")
    label = f"{a['local_number']} · {a['last_name']}, {a['first_name']}"
    assert view.student == label and presenter.filter.student_id == a["id"]
    assert [line.cells[4] for line in view.lines] == [label]
    assert f"about {label}" in view.summary[0]

    presenter.student_cleared()
    assert view.student == "" and presenter.filter.student_id is None
    view.choose_answer = None
    presenter.student_search_requested("ga")  # several students: the view is asked, and cancelled
    assert len(view.choose_offered) > 1 and presenter.filter.student_id is None
    view.choose_answer = view.choose_offered[1].value
    presenter.student_search_requested("ga")
    assert presenter.filter.student_id == int(view.choose_answer) and view.student == view.choose_offered[1].label

    presenter.student_search_requested("zzzzqq")
    assert view.summary == ("No student matches 'zzzzqq'. Enter a student number or a name.", True)
    assert presenter.filter.student_id == int(view.choose_answer)  # unchanged


def test_the_selected_entry_shows_in_full_with_before_and_after(admin):
    entry_id = add(admin.store, "request_changed", "2026-03-02T08:05:00",
                   detail={"before": {"status": "submitted", "note": ""}, "after": {"status": "in_review", "note": "x"},
                           "reason": "ready"})
    presenter, view = viewer(admin)
    presenter.entry_selected(entry_id)
    fields = dict(view.detail.fields)
    assert view.detail.heading == f"Entry {entry_id}: Request changed"
    assert fields["When"] == "Mar 2, 2026 8:05 AM (2026-03-02T08:05:00)"
    assert fields["Person"] == "Dana Whitfield (counselor)" and fields["Action"] == "Request changed (request_changed)"
    assert fields["Status"] == "submitted → in_review" and fields["Note"] == "— → x"
    assert fields["Reason"] == "ready"
    assert len(fields["Hash"]) == 64 and len(fields["Previous hash"]) == 64
    presenter.entry_selected(None)
    assert view.detail is None


def test_check_integrity_says_intact_or_names_the_first_broken_entry(admin):
    presenter, view = viewer(admin)
    presenter.verify_requested()
    total = ar.count_entries(admin.store)
    assert view.integrity[0] and view.integrity[1].startswith(f"Intact: all {total} entries follow one another")
    target = add(admin.store, "student_opened", "2026-03-02T08:00:00")
    add(admin.store, "student_opened", "2026-03-02T08:01:00")
    admin.store.conn.execute("DROP TRIGGER audit_no_update")
    admin.store.conn.execute("UPDATE audit_log SET at = '2026-01-01T00:00:00' WHERE id = ?", (target,))
    admin.store.conn.commit()
    presenter.verify_requested()
    assert view.integrity == (False, f"Broken at entry {target}: entry {target} was changed after it was written. "
                                     f"The entries before it are intact ({view.integrity[1].split('(')[-1]}")
    assert view.detail.entry_id == target and "where the chain breaks" in view.detail.heading


def test_export_writes_what_is_shown_and_the_export_appears_in_the_list(admin, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    a, _ = students(admin.store)
    add(admin.store, "student_opened", "2026-03-02T08:00:00", student_id=a["id"])
    presenter, view = viewer(admin, tmp_path)
    presenter.student_search_requested(a["local_number"])
    view.save_answer = None
    presenter.export_requested()
    assert view.save_asked[0][1] == tmp_path / "mocap-audit-2026-03-10.csv" and not list(tmp_path.iterdir())
    view.save_answer = tmp_path / "for the board"
    presenter.export_requested()
    path = tmp_path / "for the board.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [r[5] for r in rows[1:]] == ["Student opened"] and rows[1][6] == a["local_number"]
    assert view.messages[-1] == ("Audit trail exported", f"1 entry written to\n{path}")
    assert view.lines[0].cells[3] == "Audit trail exported"  # the list shows the export at once
    presenter.entry_selected(view.lines[0].entry_id)
    label = f"{a['local_number']} · {a['last_name']}, {a['first_name']}"
    assert dict(view.detail.fields)["Filters"] == f"student: {label}"  # not the internal record id


def test_an_export_that_cannot_be_written_is_an_error_not_a_crash(admin, tmp_path):
    presenter, view = viewer(admin, tmp_path)
    view.save_answer = tmp_path / "missing-folder" / "audit.csv"
    presenter.export_requested()
    assert view.errors[-1][0] == "Export failed" and "does not exist" in view.errors[-1][1]
    assert view.messages == []


def test_the_disclosure_report_for_the_chosen_or_selected_student_and_saving_it(admin, tmp_path):
    row = admin.store.query("SELECT id, student_id FROM requests WHERE status = 'in_review' ORDER BY id LIMIT 1")[0]
    admin.store.user = User("counselor", "Dana Whitfield", "counselor")  # the service records who is signed in
    try:
        letters.queue_request_letter(admin.store, row["id"], "received", at="2026-03-04T09:30:00")
    finally:
        admin.store.user = admin.user
    opened = add(admin.store, "student_opened", "2026-03-05T08:00:00", student_id=row["student_id"])
    presenter, view = viewer(admin, tmp_path)
    presenter.disclosure_report_requested()
    assert "Choose the student first" in view.errors[-1][1] and view.sheet is None

    presenter.entry_selected(opened)  # an entry about the student
    presenter.disclosure_report_requested()
    sheet = view.sheet
    assert sheet.student_id == row["student_id"] and sheet.title.startswith("Record of disclosures — ")
    assert sheet.columns == ar.DISCLOSURE_COLUMNS and ("Disclosures", "1") in sheet.facts
    [line] = sheet.rows
    assert line[0] == "Mar 4, 2026 9:30 AM" and "(parent or guardian), by mail" in line[2]
    assert line[6] == "Dana Whitfield (counselor)"
    assert view.lines[0].cells[3] == "Disclosure report viewed"

    view.save_answer = tmp_path / "record"
    presenter.disclosure_save_requested(sheet.student_id, "pdf")
    assert view.save_asked[-1][2] == "PDF (*.pdf)" and (tmp_path / "record.pdf").read_bytes().startswith(b"%PDF")
    assert view.messages[-1] == ("Disclosure report saved", f"1 disclosure written to\n{tmp_path / 'record.pdf'}")
    view.save_answer = tmp_path / "record.csv"
    presenter.disclosure_save_requested(sheet.student_id, "csv")
    assert "parent or guardian" in (tmp_path / "record.csv").read_text(encoding="utf-8-sig")
    with pytest.raises(ValueError):
        presenter.disclosure_save_requested(sheet.student_id, "docx")


def test_a_counselor_sees_the_refusal_and_no_entries(demo_data_dir):
    counselor = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    try:
        presenter, view = viewer(counselor)
        assert view.lines == [] and view.summary[1] and "cannot do this (audit read)" in view.summary[0]
        presenter.verify_requested()
        assert view.integrity[0] is False and "cannot do this" in view.integrity[1]
        presenter.student_search_requested("ga")
        assert "cannot do this" in view.summary[0] and view.choose_offered == []
    finally:
        counselor.close(sign_out=False)


def test_times_read_as_an_american_office_writes_them():
    assert format_when("2026-03-02T00:05:00") == "Mar 2, 2026 12:05 AM"
    assert format_when("2026-11-27T13:45:09") == "Nov 27, 2026 1:45 PM"
    assert format_when("not a time") == "not a time"
    entry = ar.AuditEntry(1, "2026-03-02T12:00:00", "system", "", "system", "zeta_step", None, "", "", None, "",
                          {"text": "x" * 200})
    line = line_for(entry)
    assert line.cells[:4] == ("Mar 2, 2026 12:00 PM", "system", "System", "Zeta step")
    assert len(line.cells[6]) == 90 and line.cells[6].endswith("…")


def test_a_filter_takes_dates_as_iso_text_too():
    f = ar.AuditFilter(date_from="2026-03-01", date_to="2026-03-02T23:00:00")
    assert (f.date_from, f.date_to) == (date(2026, 3, 1), date(2026, 3, 2))
    with pytest.raises(ar.AuditReportError):
        ar.AuditFilter(date_from="soon")
