"""The dashboard's presenter: the board's figures for a school year (counts only, no student
named), the charts' data, and "Save board report (PDF)…".

The administrator, counselors and deciders see it (REPORTS_READ); the front desk does not get
the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Protocol

from mocap_desktop.core.access import AccessDenied
from mocap_desktop.core.reporting import BoardFigures, school_year_label, school_year_of
from mocap_desktop.services import board_report, invoices, state_reporting
from mocap_desktop.services.importing import ImportRefused
from mocap_desktop.store import Store, StoreError
from mocap_desktop.ui.presenters.display import format_day


@dataclass(frozen=True)
class Section:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "None."


@dataclass(frozen=True)
class DashboardData:
    year: int
    title: str
    note: str
    key_figures: tuple[tuple[str, str], ...]
    months: tuple[tuple[str, int], ...]
    on_time: int
    late: int
    on_time_text: str
    outcomes: tuple[tuple[str, int], ...]
    sections: tuple[Section, ...]


class DashboardView(Protocol):
    def set_years(self, years: list[tuple[int, str]], current: int) -> None: ...
    def show_figures(self, data: DashboardData) -> None: ...
    def ask_save_path(self, suggested: Path) -> Path | None: ...
    def show_message(self, title: str, text: str) -> None: ...
    def show_error(self, title: str, text: str) -> None: ...
    def ask_invoice_path(self, folder: Path) -> Path | None: ...
    def show_invoice(self, title: str, text: str, details: str, can_keep: bool) -> str | None:
        """Show the check; the invoice number to keep it under, or None."""
    def ask_worksheet(self, suggested: Path, year_label: str) -> tuple[str, Path] | None: ...
    def ask_payment(self, choices: list[str], amounts: list[str]) -> tuple[int, date, str] | None: ...


def _money(value) -> str:
    return f"${value:,.2f}"


def dashboard_data(f: BoardFigures) -> DashboardData:
    share = f.on_time_percent
    on_time_text = (f"{f.on_time:,} of {f.on_time + f.late:,} decisions by their due date ({share:g}%)"
                    if share is not None else "No decisions with a due date yet")
    owed = _money(f.total_owed) + ("" if f.target_known else " so far (no State Adequacy Target entered)")
    key = (("Requests received", f"{f.requests:,}"), ("Requests decided", f"{f.decided:,}"),
           ("Decided on time", f"{share:g}%" if share is not None else "—"),
           ("Median time to decide", f.median_text()),
           ("Appeals filed", f"{sum(n for _, n in f.appeals):,}"),
           ("Courses tracked", f"{f.courses:,}"), ("Owed to providers", owed))
    sections = (
        Section("Requests by pathway", ("Pathway", "Requests"), tuple((k, f"{n:,}") for k, n in f.by_pathway)),
        Section("Requests by building", ("Building", "Requests"), tuple((k, f"{n:,}") for k, n in f.by_building),
                "No requests."),
        Section("Decisions", ("Decision", "Requests"), tuple((k, f"{n:,}") for k, n in f.decisions)),
        Section("Denial reasons", ("Reason", "Times given"), tuple((k, f"{n:,}") for k, n in f.denial_reasons),
                "No denial reasons were given."),
        Section("Appeals", ("Appeal", "Appeals"), tuple((k, f"{n:,}") for k, n in f.appeals), "No appeals were filed."),
        Section("Cost by provider", ("Provider", "Courses", "Owed", "Invoiced", "Paid"),
                tuple((c.provider, f"{c.courses:,}", _money(c.owed) + (f" ({c.unknown} not known yet)"
                                                                       if c.unknown else ""),
                       _money(c.invoiced), _money(c.paid)) for c in f.costs),
                "No courses this year."),
        Section("Attendance the district may claim (placeholder shares: confirm with counsel)",
                ("Outcome", "Courses", "Course-equivalents"),
                tuple((label, f"{n:,}", f"{claim:,.2f}") for label, n, claim in f.attendance)
                + (("Total", f"{sum(a[1] for a in f.attendance):,}", f"{f.attendance_total:,.2f}"),)),
    )
    return DashboardData(
        f.year, f"MOCAP in school year {f.label}",
        f"Counts only, no student named. Requests received July 1 to June 30; courses of the year's terms. "
        f"Dropped inside the drop window {f.dropped_inside:,}, after it {f.dropped_after:,}.",
        key, f.by_month, f.on_time, f.late, on_time_text, f.course_outcomes, sections)


class DashboardPresenter:
    def __init__(self, view: DashboardView, store: Store, export_folder: Path,
                 today: Callable[[], date] = date.today):
        self.view = view
        self.store = store
        self.export_folder = Path(export_folder)
        self.today = today
        self.year: int | None = None
        self.data: DashboardData | None = None

    def start(self) -> None:
        current = school_year_of(self.today())
        try:
            years = set(board_report.years_with_data(self.store)) | {current}
        except (AccessDenied, StoreError) as err:
            self.view.show_error("The dashboard cannot be shown", str(err))
            return
        ordered = sorted(years, reverse=True)
        # the latest year with a full year of figures is the board's usual question; else this one
        self.year = self.year if self.year in years else (current - 1 if current - 1 in years else current)
        self.view.set_years([(y, school_year_label(y)) for y in ordered], self.year)
        self.refresh()

    def year_changed(self, year: int) -> None:
        if year != self.year:
            self.year = year
            self.refresh()

    def refresh(self) -> None:
        if self.year is None:
            return
        try:
            self.data = dashboard_data(board_report.board_figures(self.store, self.year))
        except (AccessDenied, StoreError) as err:
            self.view.show_error("The dashboard cannot be shown", str(err))
            return
        self.view.show_figures(self.data)

    def save_requested(self) -> None:
        if self.year is None:
            return
        suggested = self.export_folder / f"mocap-board-report-{school_year_label(self.year)}.pdf"
        path = self.view.ask_save_path(suggested)
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            saved, pages = board_report.save_board_report(self.store, self.year, path)
        except (board_report.BoardReportError, AccessDenied, StoreError, OSError) as err:
            self.view.show_error("The board report was not saved", str(err))
            return
        self.view.show_message("Board report saved",
                               f"The board report for {school_year_label(self.year)} ({pages} pages, counts only) "
                               f"was saved:\n{saved}")

    def invoice_requested(self) -> None:
        """A provider's invoice (CSV or .xlsx) against the tracked courses and what is owed: the
        totals per provider and term (owed, invoiced) and each difference. Counselors and deciders."""
        path = self.view.ask_invoice_path(self.export_folder)
        if path is None:
            return
        try:
            result = invoices.reconcile_invoice(self.store, path)
        except (ImportRefused, AccessDenied, StoreError) as err:
            self.view.show_error("The invoice cannot be checked", str(err))
            return
        totals = "\n".join(f"{p} · {t}: owed ${o:,.2f}, invoiced ${i:,.2f}" for p, t, o, i in result.totals)
        verdict = ("The invoice agrees with what is owed." if result.agrees else
                   f"{len(result.differences):,} difference{'s' if len(result.differences) != 1 else ''}"
                   + (f" and {len(result.problems):,} row{'s' if len(result.problems) != 1 else ''} that cannot be read"
                      if result.problems else "") + ": see the details.")
        number = self.view.show_invoice(f"Invoice {path.name}",
                                        "\n\n".join(x for x in (verdict, totals, result.summary()) if x),
                                        "\n".join(result.lines()), bool(result.totals))
        if not number:
            return
        try:
            invoices.keep_invoice(self.store, result, number, self.today())
        except (invoices.InvoiceError, AccessDenied, StoreError) as err:
            self.view.show_error("The invoice was not kept", str(err))
            return
        self.refresh()
        self.view.show_message("Invoice kept", f"Invoice {number.strip()} is kept: the cost by provider shows it as "
                               "invoiced. Once the district has paid it, record the payment (Record a payment…).")

    def payment_requested(self) -> None:
        """The district paid a kept invoice (one provider and term): when and how much."""
        try:
            unpaid = [k for k in invoices.kept_invoices(self.store) if k.paid_on is None]
        except (AccessDenied, StoreError) as err:
            self.view.show_error("The kept invoices cannot be read", str(err))
            return
        if not unpaid:
            self.view.show_message("No invoice to pay", "Every kept invoice is paid, or none is kept yet: check "
                                   "a provider's invoice and keep it first.")
            return
        answer = self.view.ask_payment(
            [f"{k.provider} · {k.term} · invoice {k.number} of {k.received_on}: ${k.amount:,.2f}" for k in unpaid],
            [f"{k.amount:.2f}" for k in unpaid])
        if answer is None:
            return
        index, day, text = answer
        try:
            amount = invoices.parse_amount(text)
            invoices.record_payment(self.store, unpaid[index].id, day, amount)
        except (ValueError, AccessDenied, StoreError) as err:
            self.view.show_error("The payment was not recorded", str(err))
            return
        self.refresh()
        self.view.show_message("Payment recorded", f"${amount:,.2f} paid on {format_day(day)} for invoice "
                               f"{unpaid[index].number} ({unpaid[index].provider}, {unpaid[index].term}).")

    def worksheet_requested(self) -> None:
        """The Core Data/MOSIS worksheet of the shown school year, for the cycle and file the
        person chooses (.csv or .xlsx). Counselors and deciders: it names students."""
        if self.year is None:
            return
        label = school_year_label(self.year)
        answer = self.view.ask_worksheet(self.export_folder / f"core-data-{label}.xlsx", label)
        if answer is None:
            return
        cycle, path = answer
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_name(path.name + ".xlsx")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            saved, rows = state_reporting.export_worksheet(self.store, cycle, self.year, path)
        except (state_reporting.ReportError, AccessDenied, StoreError, OSError) as err:
            self.view.show_error("The worksheet was not saved", str(err))
            return
        self.view.show_message(
            "Core Data worksheet saved",
            f"The {cycle} cycle of {label}: {rows:,} enrollment{'s' if rows != 1 else ''}, saved:\n{saved}\n\n"
            "It is a worksheet for the data clerk, not DESE's upload layout.")
