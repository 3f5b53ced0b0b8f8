"""The audit trail's reports on a real (encrypted) demo copy: filters, keyset paging, CSV export,
a student's record of disclosures, and refusal for every role but the administrator."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pypdf
import pytest

from mocap_desktop.core.access import AccessDenied, User
from mocap_desktop.services import audit_report as ar
from mocap_desktop.services import letters
from mocap_desktop.services.session import sign_in
from mocap_desktop.store import audit


@pytest.fixture
def admin(demo_data_dir):
    session = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    yield session
    session.close(sign_out=False)


def add(store, action: str, at: str, actor: str = "counselor", role: str = "counselor", **kw) -> int:
    with store.transaction() as db:
        audit.record(db, actor, role, action, at=at, **kw)
    return store.conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]


def student(store, n: int = 0) -> dict:
    return store.query("SELECT id, local_number, last_name, first_name FROM students ORDER BY id LIMIT 1 OFFSET ?",
                       (n,))[0]


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# --- reading ------------------------------------------------------------------------------------------

def test_entries_come_newest_first_in_keyset_pages_without_gaps_or_repeats(admin):
    store = admin.store
    for n in range(23):
        add(store, "student_opened", f"2026-03-{1 + n % 28:02d}T09:00:00")
    total = ar.count_entries(store)
    seen, before = [], None
    while True:
        page = ar.audit_page(store, ar.AuditFilter(), limit=7, before_id=before)
        assert len(page.entries) <= 7
        seen += [e.id for e in page.entries]
        if page.next_before is None:
            break
        assert page.next_before == page.entries[-1].id
        before = page.next_before
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen)) == total
    assert [e.id for e in ar.audit_entries(store, limit=3)] == seen[:3]
    assert [e.id for e in ar.audit_entries(store, limit=3, before_id=seen[2])] == seen[3:6]


def test_filters_by_person_student_action_and_inclusive_dates(admin):
    store = admin.store
    a, b = student(store, 0), student(store, 1)
    e1 = add(store, "student_opened", "2026-02-27T08:00:00", student_id=a["id"])
    e2 = add(store, "student_opened", "2026-02-28T23:59:59", student_id=b["id"])
    e3 = add(store, "request_changed", "2026-03-01T00:00:00", actor="principal", role="decider", student_id=a["id"],
             detail={"before": {"status": "submitted"}, "after": {"status": "in_review"}})
    ids = lambda **f: [e.id for e in ar.audit_entries(store, **f)]  # noqa: E731
    assert ids(student_id=a["id"]) == [e3, e1]
    assert ids(person="principal") == [e3]
    assert ids(action="student_opened", student_id=b["id"]) == [e2]
    assert ids(date_from="2026-02-28", date_to="2026-02-28") == [e2]  # the whole last day counts
    assert ids(date_from=date(2026, 2, 28), date_to=date(2026, 3, 1)) == [e3, e2]
    assert ids(date_to="2026-02-27", action="student_opened") == [e1]
    assert ar.count_entries(store, ar.AuditFilter(student_id=a["id"])) == 2
    [entry] = ar.audit_entries(store, person="principal")
    assert entry.actor_name == "Dr. Lena Ortiz" and entry.role_label == "Principal or designee"
    assert entry.student_label == f"{a['local_number']} · {a['last_name']}, {a['first_name']}"
    assert ("Status", "submitted → in_review") in ar.describe_detail(entry.detail)
    with pytest.raises(ar.AuditReportError, match="start date is after the end date"):
        ar.audit_entries(store, date_from="2026-03-02", date_to="2026-03-01")
    with pytest.raises(ar.AuditReportError, match="not a date"):
        ar.audit_entries(store, date_from="March")


def test_actions_and_people_for_the_filters(admin):
    store = admin.store
    add(store, "zeta_thing", "2026-03-01T00:00:00", actor="system", role="system")
    assert ar.actions(store) == sorted(set(ar.actions(store)))
    assert {"person_added", "sign_in", "zeta_thing"} <= set(ar.actions(store))
    assert ar.action_label("zeta_thing") == "Zeta thing" and ar.action_label("sign_in") == "Signed in"
    from mocap_desktop.services.session import remove_person

    remove_person(admin, "frontdesk")
    choices = {c.login: c for c in ar.people_in_trail(store)}
    assert choices["admin"].label == "Pat Alvarez (admin)" and choices["admin"].active
    assert choices["frontdesk"].label.endswith("— removed") and not choices["frontdesk"].active
    assert "system" in choices  # an actor that is not a person still filters
    assert [c.active for c in ar.people_in_trail(store)] == sorted((c.active for c in choices.values()), reverse=True)


def test_students_are_found_by_number_or_name(admin):
    s = student(admin.store, 2)
    [exact] = ar.find_students(admin.store, s["local_number"])
    assert exact.id == s["id"] and exact.label.startswith(s["local_number"] + " · ")
    by_name = ar.find_students(admin.store, s["last_name"])
    assert s["id"] in [c.id for c in by_name]
    assert ar.find_students(admin.store, "   ") == []


# --- export -----------------------------------------------------------------------------------------------

def test_csv_export_holds_the_filtered_entries_and_is_itself_recorded(admin, tmp_path):
    store = admin.store
    a = student(store)
    e1 = add(store, "student_opened", "2026-03-02T10:00:00", student_id=a["id"])
    e2 = add(store, "student_opened", "2026-03-03T10:00:00", student_id=a["id"], detail={"tab": "plan"})
    add(store, "student_opened", "2026-03-03T11:00:00", student_id=student(store, 1)["id"])
    path = tmp_path / "audit.csv"
    assert ar.export_audit_csv(store, path, student_id=a["id"], action="student_opened") == 2
    rows = csv_rows(path)
    assert rows[0] == list(ar.CSV_COLUMNS)
    assert [int(r[0]) for r in rows[1:]] == [e2, e1]
    first = dict(zip(rows[0], rows[1]))
    assert first["Sign-in name"] == "counselor" and first["Person"] == "Dana Whitfield"
    assert first["Role"] == "Counselor" and first["Action"] == "Student opened"
    assert first["Student number"] == a["local_number"] and first["Student"] == f"{a['last_name']}, {a['first_name']}"
    assert first["Detail"] == '{"tab": "plan"}' and len(first["Hash"]) == 64
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with the BOM
    assert not list(tmp_path.glob("*.partial"))
    [last] = ar.audit_entries(store, limit=1)
    assert (last.action, last.actor, last.student_id) == ("audit_exported", "admin", a["id"])
    assert last.detail == {"entries": 2, "file": "audit.csv",
                           "filters": {"action": "student_opened", "student_id": a["id"]}}


def test_a_formula_is_exported_as_text(admin, tmp_path):
    add(admin.store, "=HYPERLINK(\"http://x\")", "2026-03-02T10:00:00", actor="+cmd")
    ar.export_audit_csv(admin.store, tmp_path / "a.csv", person="+cmd")
    [_, row] = csv_rows(tmp_path / "a.csv")
    assert row[2] == "'+cmd" and row[5].startswith("'=")


def test_a_failed_export_leaves_the_old_file_and_no_partial(admin, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    path = out / "audit.csv"
    path.write_text("the earlier export")
    before = ar.count_entries(admin.store)

    def broken(*_a, **_k):
        yield from ar.audit_entries(admin.store, limit=2)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ar, "iter_entries", broken)
    with pytest.raises(ar.AuditReportError, match="No space left"):
        ar.export_audit_csv(admin.store, path)
    assert path.read_text() == "the earlier export"
    assert [p.name for p in out.iterdir()] == ["audit.csv"]
    assert ar.count_entries(admin.store) == before  # nothing exported, nothing recorded


# --- the record of disclosures ---------------------------------------------------------------------------------

@pytest.fixture
def lettered(admin):
    """A demo student with a decision letter queued by the counselor (one disclosure)."""
    row = admin.store.query("SELECT id, student_id FROM requests WHERE status = 'in_review' ORDER BY id LIMIT 1")[0]
    admin.store.user = User("counselor", "Dana Whitfield", "counselor")  # the service records who is signed in
    try:
        letter_id = letters.queue_request_letter(admin.store, row["id"], "received", at="2026-03-04T09:30:00")
    finally:
        admin.store.user = admin.user
    return row["student_id"], letter_id


def test_the_disclosure_report_lists_letters_and_exports_but_not_internal_reads(admin, lettered):
    store = admin.store
    sid, letter_id = lettered
    other = student(store, 5)["id"]
    add(store, "requests_exported", "2026-03-05T10:00:00", actor="principal", role="decider",
        detail={"student_ids": [other, sid], "records": "Review queue rows", "recipient": "Springfield R-XII",
                "legal_basis": "34 CFR 99.31(a)(2): the district where the student seeks to enroll",
                "interest": "Enrollment", "file": "queue.xlsx"})
    add(store, "student_record_exported", "2026-03-06T10:00:00", student_id=sid, detail={"file": "plan.csv"})
    add(store, "student_opened", "2026-03-06T11:00:00", student_id=sid)  # a look, not a disclosure
    add(store, "letter_printed", "2026-03-06T12:00:00", student_id=sid)  # already in `disclosures`
    add(store, "requests_exported", "2026-03-07T10:00:00", detail={"student_ids": [other]})  # someone else
    ar.export_audit_csv(store, Path(admin.data_dir.root) / "a.csv", student_id=sid)  # internal administration

    report = ar.disclosure_report(store, sid)
    assert [line.source.split()[0] for line in report.lines] == ["Letter", "Audit", "Audit"]
    letter, queue, plan = report.lines
    assert letter.at == "2026-03-04T09:30:00" and letter.source == f"Letter {letter_id}"
    assert "(parent or guardian), by mail" in letter.recipient and "34 CFR 99" in letter.legal_basis
    assert letter.staff == "Dana Whitfield (counselor)"
    assert (queue.records, queue.recipient, queue.interest) == ("Review queue rows", "Springfield R-XII", "Enrollment")
    assert queue.staff == "Dr. Lena Ortiz (principal)" and "99.31(a)(2)" in queue.legal_basis
    assert plan.records == "Student record exported (plan.csv)" and plan.recipient.startswith("Not recorded")
    assert report.student_number == store.query("SELECT local_number FROM students WHERE id = ?", (sid,))[0][
        "local_number"]
    [viewed] = ar.audit_entries(store, limit=1)
    assert (viewed.action, viewed.student_id, viewed.detail) == ("disclosure_report_viewed", sid, {"lines": 3})


def test_the_disclosure_report_saves_as_csv_and_pdf(admin, lettered, tmp_path):
    sid, _ = lettered
    report = ar.save_disclosure_report(admin.store, sid, tmp_path / "record.csv")
    rows = csv_rows(tmp_path / "record.csv")
    assert rows[0] == ["Student", report.student_name] and rows[1] == ["Student number", report.student_number]
    assert rows[4] == list(ar.DISCLOSURE_COLUMNS)
    assert rows[5][0] == "2026-03-04T09:30:00" and "parent or guardian" in rows[5][2]

    ar.save_disclosure_report(admin.store, sid, tmp_path / "record.pdf")
    reader = pypdf.PdfReader(tmp_path / "record.pdf")
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Record of disclosures" in text and report.student_name in text
    assert "Mar 4, 2026 9:30 AM" in text and "34 CFR 99.32" in text
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVuSans" in f for f in fonts), fonts  # embedded, never Helvetica
    saved = [e for e in ar.audit_entries(admin.store, action="disclosure_report_exported")]
    assert [(e.student_id, e.detail["format"]) for e in saved] == [(sid, "pdf"), (sid, "csv")]
    with pytest.raises(ar.AuditReportError, match=r"\.csv or \.pdf"):
        ar.save_disclosure_report(admin.store, sid, tmp_path / "record.docx")
    assert not (tmp_path / "record.docx").exists()


def test_an_empty_record_of_disclosures_still_makes_a_pdf(admin, tmp_path):
    sid = student(admin.store, 7)["id"]
    report = ar.save_disclosure_report(admin.store, sid, tmp_path / "none.pdf")
    assert report.lines == ()
    text = pypdf.PdfReader(tmp_path / "none.pdf").pages[0].extract_text()
    assert "No disclosures are recorded" in text
    with pytest.raises(ar.AuditReportError, match="not in the database"):
        ar.disclosure_report(admin.store, 999_999)


# --- integrity and access -------------------------------------------------------------------------------------

def test_verify_names_an_entry_edited_behind_the_apps_back(admin):
    store = admin.store
    assert ar.verify(store).ok
    target = add(store, "student_opened", "2026-03-02T10:00:00")
    add(store, "student_opened", "2026-03-02T10:01:00")
    store.conn.execute("DROP TRIGGER audit_no_update")
    store.conn.execute("UPDATE audit_log SET actor = 'someone-else' WHERE id = ?", (target,))
    store.conn.commit()
    result = ar.verify(store)
    assert not result.ok and result.first_broken == target and "changed" in result.reason


@pytest.mark.parametrize("login,password", [("counselor", "demo-counselor"), ("principal", "demo-principal"),
                                            ("frontdesk", "demo-frontdesk")])
def test_only_the_administrator_reads_the_trail(demo_data_dir, tmp_path, login, password):
    session = sign_in(demo_data_dir, login, password, demo=True)
    store = session.store
    out = tmp_path / "out"
    out.mkdir()
    sid = student(store)["id"]
    try:
        refused = [
            lambda: ar.audit_entries(store), lambda: ar.audit_page(store, ar.AuditFilter()),
            lambda: ar.count_entries(store), lambda: ar.audit_entry(store, 1), lambda: ar.actions(store),
            lambda: ar.people_in_trail(store), lambda: ar.verify(store), lambda: ar.find_students(store, "a"),
            lambda: ar.student_label(store, sid), lambda: ar.disclosure_report(store, sid),
            lambda: ar.export_audit_csv(store, out / "a.csv"),
            lambda: ar.save_disclosure_report(store, sid, out / "d.pdf"),
        ]
        for call in refused:
            with pytest.raises(AccessDenied, match="audit read"):
                call()
        assert list(out.iterdir()) == []
    finally:
        session.close(sign_out=False)
