"""The reports on a real store: the Core Data worksheet (which courses, codes, files), a
provider's list checked against it, the board's figures (no student named), an invoice
reconciled, the attendance claim, and who may read each."""

from __future__ import annotations

import csv
import sys
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from review_seed import small_district, submit  # noqa: E402

from mocap_desktop.core.access import AccessDenied, User  # noqa: E402
from mocap_desktop.core.enrollments import Move  # noqa: E402
from mocap_desktop.services import (  # noqa: E402
    attendance,
    board_report,
    costs,
    enrollments,
    invoices,
    review,
    state_reporting,
)
from mocap_desktop.services.importing import ImportRefused  # noqa: E402
from mocap_desktop.store import audit  # noqa: E402


def move(store, eid, status, on, **kw):
    enrollments.record_move(store, eid, Move(status, on, sent_by="Dana", method="secure_email", grade="A",
                                             credits="0.5", reason="Full", **kw), "Dana")


@pytest.fixture
def district(store):
    """Zoë: CHEMA completed and SPAN1A (a curriculum-only course, program 52) enrolled;
    Łukasz: ALG1 (year) refused by Launch; Ava denied. All for Spring 2027 (school year 2026-27)."""
    students = small_district(store)
    with store.transaction() as db:
        db["providers"].insert({"id": 2, "name": "Launch"})
        db["courses"].insert_all([
            {"code": c, "title": f"{c} title", "provider_id": p, "credits": cr, "length": ln, "price": pr,
             "program_code": pc}
            for c, p, cr, ln, pr, pc in (("CHEMA", 1, 0.5, "semester", 350, "50"),
                                         ("SPAN1A", 1, 0.5, "semester", 500, "52"),
                                         ("ALG1", 2, 1.0, "year", 900, "50"))])
    zoe = submit(store, students["zoe"], date(2026, 11, 10))
    luk = submit(store, students["lukasz"], date(2026, 11, 12), courses=(("ALG1", "1.0"),))
    ava = submit(store, students["iep"], date(2026, 11, 13))
    with store.transaction() as db:
        db.execute("UPDATE request_courses SET course_id = (SELECT id FROM courses c WHERE c.code = "
                   "request_courses.code)")
        db.execute("UPDATE request_courses SET provider_name = 'Launch' WHERE request_id = ?", [luk])
    for rid, codes, day in ((zoe, ("CHEMA", "SPAN1A"), date(2026, 11, 20)), (luk, ("ALG1",), date(2026, 12, 10))):
        review.record_decision(store, rid, review.DecisionForm(
            {c: "approved" for c in codes}, "principal", "Dr. Lena Ortiz", (), "", True, day),
            "Dr. Lena Ortiz", letter=False)
    review.record_decision(store, ava, review.DecisionForm(
        {"CHEMA": "denied", "SPAN1A": "denied"}, "iep_team", "IEP team", ("ACADEMIC_READINESS",),
        "Needs the in-person course this term.", True, date(2026, 11, 17)), "IEP team", letter=False)
    ids = {r["code"]: r["id"] for r in store.query("SELECT id, code FROM course_enrollments")}
    for code in ("CHEMA", "SPAN1A", "ALG1"):
        move(store, ids[code], "sent_to_provider", date(2026, 12, 1 if code != "ALG1" else 11))
    move(store, ids["CHEMA"], "enrolled", date(2026, 12, 3))
    move(store, ids["SPAN1A"], "enrolled", date(2026, 12, 3))
    move(store, ids["ALG1"], "refused", date(2026, 12, 14))
    move(store, ids["CHEMA"], "completed", date(2027, 5, 20))
    return {"students": students, "ids": ids, "zoe": zoe}


def test_the_june_worksheet_lists_each_enrolled_course_with_its_codes(store, district):
    rows = state_reporting.worksheet(store, "june", 2026)
    assert [(r.code, r.status, r.program_code, r.delivery, r.last_name) for r in rows] == [
        ("CHEMA", "completed", "50", "V", "Nguyễn-Peña"), ("SPAN1A", "enrolled", "52", "V", "Nguyễn-Peña")]
    assert rows[0].exit_date == date(2027, 5, 20) and rows[0].enrolled_on == date(2026, 12, 3)
    assert rows[0].mosis_id == "1000000001" and rows[0].building == "Maple Valley High School"
    # the spring courses are not in the October count, nor in another year's
    assert state_reporting.worksheet(store, "october", 2026) == []
    assert state_reporting.worksheet(store, "june", 2025) == []


def test_worksheet_files_say_they_are_not_the_upload_layout_and_are_recorded(store, district, tmp_path):
    before = store.query("SELECT count(*) AS n FROM audit_log")[0]["n"]
    path, n = state_reporting.export_worksheet(store, "june", 2026, tmp_path / "cd.xlsx")
    assert n == 2
    ws = load_workbook(path)["Core Data worksheet"]
    assert "NOT DESE's upload file layout" in ws["A1"].value
    assert [c.value for c in ws[2]][:3] == ["School year", "Cycle", "Building code"]
    assert ws["K3"].value == "CHEMA" and ws["N4"].value == "52" and ws["P3"].value == "Completed"
    csv_path, _ = state_reporting.export_worksheet(store, "june", 2026, tmp_path / "cd.csv")
    lines = list(csv.reader(csv_path.open(encoding="utf-8-sig")))
    assert "worksheet for the district's data clerk" in lines[0][0] and lines[1][0] == "School year"
    assert len(lines) == 4
    entries = store.query("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 2")
    assert {e["action"] for e in entries} == {"core_data_exported"}
    assert store.query("SELECT count(*) AS n FROM audit_log")[0]["n"] == before + 2
    with pytest.raises(state_reporting.ReportError, match=r"\.csv or \.xlsx"):
        state_reporting.export_worksheet(store, "june", 2026, tmp_path / "cd.txt")
    with pytest.raises(state_reporting.ReportError, match="october or june"):
        state_reporting.worksheet(store, "may", 2026)
    assert audit.verify(store).ok


def test_a_providers_list_is_checked_against_the_worksheet(store, district, tmp_path):
    listing = tmp_path / "mizzou.csv"
    listing.write_text("Student ID,Course ID,Provider\n500001,CHEMA,Mizzou Academy\n999999,BIOA,Mizzou Academy\n"
                       ",SPAN1A,Mizzou Academy\n", encoding="utf-8")
    check = state_reporting.check_provider_list(store, "june", 2026, listing)
    assert check.rows_read == 3 and check.providers == ("Mizzou Academy",)
    assert check.only_on_provider == [(3, "999999", "BIOA")]
    assert [r.code for r in check.only_on_worksheet] == ["SPAN1A"]  # row 4 has no student: a problem
    assert [(p.row, p.column) for p in check.problems] == [(4, "Student ID")]
    assert not check.matches and any("not on the worksheet" in line for line in check.lines())
    good = tmp_path / "good.csv"
    good.write_text("MOSIS ID,Course Code\n1000000001,chema\n1000000001,SPAN1A\n", encoding="utf-8")
    assert state_reporting.check_provider_list(store, "june", 2026, good).matches
    bad = tmp_path / "bad.csv"
    bad.write_text("Student ID,Grade\n500001,B\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="Course code"):
        state_reporting.check_provider_list(store, "june", 2026, bad)


def test_board_figures_count_without_naming_anyone(store, district):
    f = board_report.board_figures(store, 2026)
    assert f.requests == 3 and dict(f.by_pathway) == {"Part-time courses": 3, "Full-time program": 0}
    assert dict(f.by_building) == {"Maple Valley High School": 3}
    assert dict(f.by_month)["Nov"] == 3 and sum(n for _, n in f.by_month) == 3
    assert dict(f.decisions) == {"Approved": 2, "Partially approved": 0, "Denied": 1}
    assert f.denial_reasons == (("Academic readiness", 1),)
    # due 10 business days after receipt: Zoë's in time, Łukasz's (Dec 10) late; the IEP team's has
    # no due date. Business days to decide: Zoë 8, Ava 2, Łukasz 17 (Thanksgiving closed)
    assert (f.on_time, f.late) == (1, 1) and f.on_time_percent == 50.0
    assert f.median_days == 8
    assert dict(f.course_outcomes)["Completed"] == 1 and dict(f.course_outcomes)["Refused by provider"] == 1
    assert not f.target_known
    costs.set_state_adequacy_target(store, "6375", "2026-27")
    f = board_report.board_figures(store, 2026)
    # CHEMA 350 (under the 446.25 cap) and SPAN1A 500 capped at 446.25; ALG1 refused: nothing
    assert {c.provider: c.owed for c in f.costs} == {"Launch": D("0.00"), "Mizzou Academy": D("796.25")}
    assert f.attendance[0] == ("Completed", 1, D("0.94")) and f.attendance_total == D("0.94")
    text = repr(f)
    for name in ("Zoë", "Nguyễn", "Łukasz", "500001", "1000000001"):
        assert name not in text


def test_the_board_pdf_has_the_figures_and_is_recorded(store, district, tmp_path):
    import pypdf

    path, pages = board_report.save_board_report(store, 2026, tmp_path / "board.pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    assert pages == len(pypdf.PdfReader(path).pages)
    assert "school year 2026-27" in text and "Requests received per month" in text
    assert "Academic readiness" in text and "Nguyễn" not in text
    assert store.query("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")[0]["action"] == "board_report_saved"
    with pytest.raises(board_report.BoardReportError, match=r"\.pdf"):
        board_report.save_board_report(store, 2026, tmp_path / "board.docx")


def test_an_invoice_is_reconciled_against_what_is_owed(store, district, tmp_path):
    costs.set_state_adequacy_target(store, "6375", "2026-27")
    invoice = tmp_path / "invoice.csv"
    invoice.write_text("Student ID,Course ID,Amount\n500001,CHEMA,$350.00\n500001,SPAN1A,500\n"
                       "500002,ALG1,900.00\n500003,BIOA,370\n500001,CHEMB,abc\n", encoding="utf-8")
    result = invoices.reconcile_invoice(store, invoice, provider="Mizzou Academy")
    kinds = [(d.kind, d.code) for d in result.differences]
    assert ("amount_differs", "SPAN1A") in kinds  # billed 500, owed the cap 446.25
    assert ("billed_not_owed", "ALG1") in kinds  # refused by the provider
    assert ("billed_not_owed", "BIOA") in kinds  # not tracked at all
    assert ("CHEMA" not in [c for k, c in kinds])
    assert [(p.row, p.column) for p in result.problems] == [(6, "Amount")]
    assert result.matched == 3 and result.billed == D("2120.00")
    assert ("Mizzou Academy", "Spring 2027", D("796.25"), D("850.00")) in result.totals
    # a course owed and left off the invoice
    short = tmp_path / "short.csv"
    short.write_text("Student ID,Course ID,Amount,Provider\n500001,CHEMA,350\n", encoding="utf-8")
    result = invoices.reconcile_invoice(store, short)
    assert [(d.kind, d.code, d.owed) for d in result.differences] == [("owed_not_billed", "SPAN1A", D("446.25"))]
    assert store.query("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")[0]["action"] == "invoice_reconciled"


def test_attendance_claims_per_student_and_total(store, district):
    claims = attendance.attendance_claims(store, 2026)
    zoe = next(c for c in claims if c.name.startswith("Nguyễn"))
    assert [(line.code, line.outcome, line.share) for line in zoe.lines] == [
        ("CHEMA", "Completed", D("0.94")), ("SPAN1A", "Enrolled", D("0"))]
    assert zoe.total == D("0.94")


@pytest.mark.parametrize("role, board, worksheet", [
    ("administrator", True, False), ("counselor", True, True), ("decider", True, True), ("front_desk", False, False)])
def test_who_may_read_the_reports(store, district, role, board, worksheet):
    store.user = User("x", "X", role)
    for allowed, call in ((board, lambda: board_report.board_figures(store, 2026)),
                          (worksheet, lambda: state_reporting.worksheet(store, "june", 2026)),
                          (worksheet, lambda: attendance.attendance_claims(store, 2026))):
        if allowed:
            call()
        else:
            with pytest.raises(AccessDenied):
                call()


def test_a_name_that_looks_like_a_formula_stays_text_in_the_worksheet(store, district, tmp_path):
    with store.transaction() as db:
        db.execute("UPDATE students SET last_name = '=HYPERLINK(\"http://x\")' WHERE id = ?",
                   [district["students"]["zoe"]])
    path, _ = state_reporting.export_worksheet(store, "june", 2026, tmp_path / "cd.xlsx")
    cell = load_workbook(path)["Core Data worksheet"]["G3"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    csv_path, _ = state_reporting.export_worksheet(store, "june", 2026, tmp_path / "cd.csv")
    assert list(csv.reader(csv_path.open(encoding="utf-8-sig")))[2][6] == "'=HYPERLINK(\"http://x\")"


def test_a_year_that_cannot_be_a_school_year_is_refused_with_a_sentence(store, district, tmp_path):
    with pytest.raises(board_report.BoardReportError, match="like 2026 for 2026-27"):
        board_report.board_figures(store, 99999)
    with pytest.raises(state_reporting.ReportError, match="like 2026 for 2026-27"):
        state_reporting.export_worksheet(store, "october", 26, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()
