"""`mocap-desktop reports …` on the demo district: real processes signed in as the demo people.
The Core Data worksheet as CSV and .xlsx (read back with openpyxl), a provider's list checked
against it, the board report's PDF (its text extracted), the demo's invoice reconciled, and
the refusals: a bad extension (exit 2), a role that may not (exit 4)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pypdf
from openpyxl import load_workbook

from mocap_desktop.services.demo import DEMO_INVOICE


def cli(*args: str, user: str = "counselor") -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MOCAP_USER": user, "MOCAP_PASSWORD": f"demo-{user}"}
    return subprocess.run([sys.executable, "-m", "mocap_desktop", *args], capture_output=True, text=True,
                          env=env, timeout=180)


def test_core_data_worksheet_on_the_demo(demo_data_dir, tmp_path):
    where = ("--demo", "--data-dir", str(demo_data_dir.root))
    out_csv, out_xlsx = tmp_path / "june.csv", tmp_path / "june.xlsx"
    done = cli("reports", "core-data", "--cycle", "june", "--year", "2025", "-o", str(out_csv), *where)
    assert done.returncode == 0, done.stderr
    assert "not DESE's upload layout" in done.stdout
    lines = list(csv.reader(out_csv.open(encoding="utf-8-sig")))
    assert "NOT DESE's upload file layout" in lines[0][0] and lines[1][:2] == ["School year", "Cycle"]
    rows = lines[2:]
    assert len(rows) > 20 and {r[0] for r in rows} == {"2025-26"}
    assert {r[13] for r in rows} <= {"50", "52"} and {r[14] for r in rows} <= {"V", "S"}
    statuses = {r[15] for r in rows}
    assert {"Completed", "Dropped", "Withdrawn"} <= statuses  # withdrawals and drops included
    assert "Refused by provider" not in statuses and "Sent to provider" not in statuses
    assert all(len(r[4]) == 10 for r in rows)  # MOSIS IDs

    done = cli("reports", "core-data", "--cycle", "june", "--year", "2025", "-o", str(out_xlsx), *where)
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(out_xlsx)["Core Data worksheet"]
    assert "NOT DESE's upload file layout" in sheet["A1"].value
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [list(v[:4]) for v in values] == [r[:4] for r in rows] and sheet["A2"].value == "School year"

    bad = cli("reports", "core-data", "--cycle", "june", "--year", "2025", "-o", str(tmp_path / "x.pdf"), *where)
    assert bad.returncode == 2 and ".csv or .xlsx" in bad.stderr
    assert cli("reports", "core-data", "--cycle", "june", "--year", "2025", "-o", str(out_csv), *where,
               user="admin").returncode == 4  # the administrator sees aggregates only

    # a provider's list with one student missing and one the worksheet lacks
    provider = rows[0][9]
    mine = [r for r in rows if r[9] == provider]
    listing = tmp_path / "provider.csv"
    with listing.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Student ID", "Course ID", "Provider"])
        writer.writerows([r[5], r[10], provider] for r in mine[1:])
        writer.writerow(["999999", "BIOA", provider])
    check = cli("reports", "core-data", "--cycle", "june", "--year", "2025", "--check-provider", str(listing), *where)
    assert check.returncode == 1, check.stderr
    assert "student 999999, course BIOA: on the provider's list, not on the worksheet" in check.stderr
    assert f"student {mine[0][5]} " in check.stderr and "not on the provider's list" in check.stderr


def test_board_report_on_the_demo(demo_data_dir, tmp_path):
    where = ("--demo", "--data-dir", str(demo_data_dir.root))
    out = tmp_path / "board.pdf"
    done = cli("reports", "board", "--year", "2025", "-o", str(out), *where, user="admin")
    assert done.returncode == 0, done.stderr
    assert "board report for 2025-26" in done.stdout
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    for words in ("school year 2025-26", "Requests received per month", "Decisions made by their due date",
                  "Tracked courses of the school year", "Academic readiness", "Board of Education: upheld",
                  "Missouri Virtual Academy", "Attendance the district may claim"):
        assert words in text, words
    assert "Nguyễn" not in text and "MOSIS" not in text
    assert cli("reports", "board", "--year", "2025", "-o", str(tmp_path / "b.docx"), *where).returncode == 2
    assert cli("reports", "board", "--year", "2025", "-o", str(out), *where, user="frontdesk").returncode == 4


def test_the_demo_invoice_is_reconciled(demo_data_dir, demo_template):
    where = ("--demo", "--data-dir", str(demo_data_dir.root))
    assert (demo_template.root / DEMO_INVOICE).is_file()  # written beside the demo database
    done = cli("reports", "invoice", str(demo_template.root / DEMO_INVOICE), *where)
    assert done.returncode == 1, done.stderr  # the demo invoice has differences, by design
    assert "billed $" in done.stderr and "nothing owed" in done.stderr and "not billed" in done.stderr
    assert "owed $" in done.stdout and "invoiced $" in done.stdout


def test_the_attendance_claim_on_the_demo(demo_data_dir):
    where = ("--demo", "--data-dir", str(demo_data_dir.root))
    done = cli("reports", "attendance", "--year", "2025", *where)
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("2025-26: ") and "course-equivalents of attendance" in last and "placeholder" in last
    assert "Completed" in done.stdout and "94.00%" in done.stdout
    assert cli("reports", "attendance", "--year", "2025", *where, user="admin").returncode == 4


def test_a_checked_invoice_is_kept_and_its_payment_recorded(demo_data_dir, demo_template, tmp_path):
    where = ("--demo", "--data-dir", str(demo_data_dir.root))
    invoice = str(demo_template.root / DEMO_INVOICE)
    kept = cli("reports", "invoice", invoice, "--keep", "INV-2026-117", "--received", "2026-11-30", *where)
    assert kept.returncode == 1, kept.stderr  # kept, with its differences listed
    assert "kept as invoice INV-2026-117" in kept.stdout
    again = cli("reports", "invoice", invoice, "--keep", "INV-2026-117", *where)
    assert again.returncode == 2 and "Invoice INV-2026-117 is already kept for" in again.stderr
    listed = cli("reports", "invoices", *where)
    assert listed.returncode == 0, listed.stderr
    demo, first = (next(line.split("\t") for line in listed.stdout.splitlines() if f"invoice {number} " in line)
                   for number in ("2026-0412", "INV-2026-117"))
    assert demo[4].startswith("paid $") and demo[4].endswith("on 2026-07-10")  # the demo's, paid as billed
    assert first[2] == "invoice INV-2026-117 of 2026-11-30" and first[4] == "not paid"
    billed = first[3]
    paid = cli("reports", "invoice-paid", first[0], "--on", "2026-12-04", "--amount", billed, *where)
    assert paid.returncode == 0, paid.stderr
    after = cli("reports", "invoices", *where).stdout
    assert any(line.startswith(first[0] + "\t") and line.endswith(f"paid {billed} on 2026-12-04")
               for line in after.splitlines())
    provider_term = first[1]
    total = next(line for line in after.splitlines() if line.startswith(provider_term + ":"))
    assert "paid $" in total and "invoiced $" in total and "owed $" in total
    bad = cli("reports", "invoice-paid", first[0], "--on", "4 December", "--amount", "10", *where)
    assert bad.returncode == 2 and "--on takes a date as YYYY-MM-DD" in bad.stderr
    assert cli("reports", "invoices", *where, user="admin").returncode == 4
