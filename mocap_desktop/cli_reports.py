"""`mocap-desktop reports …`: state reporting, the board's report, invoices and attendance."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from mocap_desktop.cli import EXIT_BAD_INPUT, EXIT_DATABASE, EXIT_OK, EXIT_PROBLEMS, _session, fail


def _reports(args: argparse.Namespace, work: Callable) -> int:
    """Run a report: a bad cycle, year or file name exits 2, the database 3."""
    from mocap_desktop.services.board_report import BoardReportError
    from mocap_desktop.services.importing import ImportRefused
    from mocap_desktop.services.invoices import InvoiceError
    from mocap_desktop.services.state_reporting import ReportError
    from mocap_desktop.store import StoreError

    session = _session(args)
    try:
        return work(session.store)
    except (ReportError, BoardReportError, ImportRefused, InvoiceError) as err:
        fail(str(err), EXIT_BAD_INPUT)
    except StoreError as err:
        fail(str(err), EXIT_DATABASE)
    finally:
        session.close()


def cmd_reports_core_data(args: argparse.Namespace) -> int:
    from mocap_desktop.core.reporting import school_year_label
    from mocap_desktop.services import state_reporting

    if args.output is None and args.check_provider is None:
        fail("give -o FILE.csv|FILE.xlsx, --check-provider FILE, or both", EXIT_BAD_INPUT)
    if args.output is not None and Path(args.output).suffix.lower() not in (".csv", ".xlsx"):
        fail(f"{Path(args.output).name}: write the worksheet to a .csv or .xlsx file", EXIT_BAD_INPUT)

    def work(store) -> int:
        code = EXIT_OK
        if args.output is not None:
            path, rows = state_reporting.export_worksheet(store, args.cycle, args.year, Path(args.output))
            print(f"Core Data worksheet ({args.cycle}, {school_year_label(args.year)}): {rows:,} enrollment"
                  f"{'s' if rows != 1 else ''} written to {path} (a worksheet for the data clerk, not DESE's "
                  "upload layout)")
        if args.check_provider is not None:
            check = state_reporting.check_provider_list(store, args.cycle, args.year, Path(args.check_provider),
                                                        provider=args.provider or "")
            for line in check.lines():
                print(line, file=sys.stderr)
            print(check.summary())
            if not check.matches:
                code = EXIT_PROBLEMS
        return code

    return _reports(args, work)


def cmd_reports_board(args: argparse.Namespace) -> int:
    from mocap_desktop.core.reporting import school_year_label
    from mocap_desktop.services.board_report import save_board_report

    if Path(args.output).suffix.lower() != ".pdf":
        fail(f"{Path(args.output).name}: write the board report to a .pdf file", EXIT_BAD_INPUT)

    def work(store) -> int:
        path, pages = save_board_report(store, args.year, Path(args.output))
        print(f"board report for {school_year_label(args.year)} ({pages} page{'s' if pages != 1 else ''}, "
              f"counts only) written to {path}")
        return EXIT_OK

    return _reports(args, work)


def cmd_reports_invoice(args: argparse.Namespace) -> int:
    from datetime import date

    from mocap_desktop.services.invoices import keep_invoice, reconcile_invoice

    def work(store) -> int:
        received = _day(args.received, "--received") if args.received else date.today()
        result = reconcile_invoice(store, Path(args.file), provider=args.provider or "")
        for line in result.lines():
            print(line, file=sys.stderr)
        for provider, term, owed, invoiced in result.totals:
            print(f"{provider} · {term}: owed ${owed:,.2f} · invoiced ${invoiced:,.2f}")
        print(result.summary())
        if args.keep:
            ids = keep_invoice(store, result, args.keep, received)
            print(f"kept as invoice {args.keep} (record{'s' if len(ids) > 1 else ''} "
                  f"{', '.join(map(str, ids))}; record a payment with `reports invoice-paid ID`)")
        return EXIT_OK if result.agrees else EXIT_PROBLEMS

    return _reports(args, work)


def _day(text: str, option: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} takes a date as YYYY-MM-DD, not '{text}'", EXIT_BAD_INPUT)


def cmd_reports_invoice_paid(args: argparse.Namespace) -> int:
    from decimal import Decimal

    from mocap_desktop.services.invoices import parse_amount, record_payment

    def work(store) -> int:
        try:
            amount = parse_amount(args.amount)
        except ValueError as err:
            fail(f"--amount: {err}", EXIT_BAD_INPUT)
        record_payment(store, args.id, _day(args.on, "--on"), Decimal(amount))
        print(f"invoice record {args.id}: paid ${amount:,.2f} on {args.on}")
        return EXIT_OK

    return _reports(args, work)


def cmd_reports_invoices(args: argparse.Namespace) -> int:
    from mocap_desktop.services.costs import cost_totals
    from mocap_desktop.services.invoices import kept_invoices

    def work(store) -> int:
        for k in kept_invoices(store):
            paid = f"paid ${k.paid_amount:,.2f} on {k.paid_on}" if k.paid_on else "not paid"
            print(f"{k.id}\t{k.provider} · {k.term}\tinvoice {k.number} of {k.received_on}\t${k.amount:,.2f}\t{paid}")
        for t in cost_totals(store):
            print(f"{t.provider} · {t.term}: owed ${t.owed:,.2f} · invoiced ${t.invoiced:,.2f} · paid ${t.paid:,.2f}"
                  + (f" ({t.unknown} not known yet)" if t.unknown else ""))
        return EXIT_OK

    return _reports(args, work)


def cmd_reports_attendance(args: argparse.Namespace) -> int:
    from mocap_desktop.core.reporting import school_year_label
    from mocap_desktop.services.attendance import attendance_claims

    def work(store) -> int:
        claims = attendance_claims(store, args.year)
        for claim in claims:
            for line in claim.lines:
                print(f"{claim.local_number:<10} {claim.name:<32} {line.code:<10} {line.outcome:<32} "
                      f"{line.share * 100:>6.2f}%")
            print(f"{claim.local_number:<10} {claim.name:<32} {'total':<10} {'':<32} {claim.total:>7.2f} course-equivalents")
        total = sum((c.total for c in claims), start=0)
        print(f"{school_year_label(args.year)}: {len(claims):,} students · {total:.2f} course-equivalents of "
              "attendance (placeholder shares until confirmed with counsel)")
        return EXIT_OK

    return _reports(args, work)


def add_commands(commands, command) -> None:
    reports = commands.add_parser(
        "reports", help="state reporting, the board's annual report, invoices (YYYY: the year the school "
        "year starts, 2026 = 2026-27)").add_subparsers(dest="reports_command", metavar="COMMAND", required=True)
    core_data = command(
        "core-data", cmd_reports_core_data,
        "the Core Data/MOSIS worksheet of a cycle (every MOCAP enrollment to report, withdrawals and drops "
        "included, with program and delivery codes): a worksheet for the data clerk, not DESE's upload "
        "layout; --check-provider compares a provider's enrollment list with it (exit 1 when students are "
        "missing on either side)", parent=reports)
    core_data.add_argument("--cycle", required=True, choices=("october", "june"))
    core_data.add_argument("--year", required=True, type=int, metavar="YYYY",
                           help="the year the school year starts (2026 = 2026-27)")
    core_data.add_argument("-o", "--output", metavar="FILE.csv|FILE.xlsx",
                           help="write the worksheet (the extension picks the format)")
    core_data.add_argument("--check-provider", metavar="FILE",
                           help="a provider's enrollment list (CSV or .xlsx: student's local number or MOSIS ID, "
                           "course code; a provider column is optional)")
    core_data.add_argument("--provider", metavar="NAME",
                           help="the provider whose list it is (default: the list's provider column, else all)")
    board = command("board", cmd_reports_board,
                    "the board's annual MOCAP report for a school year as a PDF (counts and charts; no student "
                    "is named)", parent=reports)
    board.add_argument("--year", required=True, type=int, metavar="YYYY",
                       help="the year the school year starts (2026 = 2026-27)")
    board.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    invoice = command("invoice", cmd_reports_invoice,
                      "reconcile a provider's invoice (CSV or .xlsx: student, course, amount) with the tracked "
                      "courses and what is owed; exit 1 when there are differences", parent=reports)
    invoice.add_argument("file", metavar="FILE")
    invoice.add_argument("--provider", metavar="NAME",
                         help="the provider billing, when the file has no provider column")
    invoice.add_argument("--keep", metavar="NUMBER", help="keep the invoice under the provider's invoice number "
                         "(the totals then show it as invoiced)")
    invoice.add_argument("--received", metavar="YYYY-MM-DD", help="when the invoice came (default: today)")
    paid = command("invoice-paid", cmd_reports_invoice_paid, "record that the district paid a kept invoice's "
                   "record (one provider and term; see `reports invoices`)", parent=reports)
    paid.add_argument("id", type=int, metavar="ID")
    paid.add_argument("--on", required=True, metavar="YYYY-MM-DD")
    paid.add_argument("--amount", required=True, metavar="DOLLARS")
    command("invoices", cmd_reports_invoices, "the kept invoices, and per provider and term what is owed, "
            "invoiced and paid", parent=reports)
    attendance = command("attendance", cmd_reports_attendance,
                         "the attendance the district may claim for each student's MOCAP courses of a school "
                         "year, from each outcome's share in the policy", parent=reports)
    attendance.add_argument("--year", required=True, type=int, metavar="YYYY",
                            help="the year the school year starts (2026 = 2026-27)")
