"""The dashboard's presenter with a fake view: the years offered, the figures shown (no student
named), a year changed, the board report saved (and refused), and a role without the screen."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mocap_desktop.core.access import User  # noqa: E402
from mocap_desktop.ui.presenters.dashboard import DashboardPresenter  # noqa: E402


class FakeView:
    def __init__(self, save_to: Path | None = None):
        self.years = None
        self.shown = []
        self.messages = []
        self.errors = []
        self.save_to = save_to
        self.suggested = None

    def set_years(self, years, current):
        self.years = (years, current)

    def show_figures(self, data):
        self.shown.append(data)

    def ask_save_path(self, suggested):
        self.suggested = suggested
        return self.save_to

    def show_message(self, title, text):
        self.messages.append((title, text))

    def show_error(self, title, text):
        self.errors.append((title, text))

    invoice_path = None
    invoices = ()

    def ask_invoice_path(self, folder):
        return self.invoice_path

    worksheet_answer = None

    def ask_worksheet(self, suggested, year_label):
        self.worksheet_asked = (suggested, year_label)
        return self.worksheet_answer

    keep_as = None

    def show_invoice(self, title, text, details, can_keep):
        self.invoices = (*self.invoices, (title, text, details))
        return self.keep_as if can_keep else None


@pytest.fixture
def store(demo_session):
    return demo_session.store


def test_it_opens_on_the_last_full_school_year_with_its_figures(store, tmp_path):
    view = FakeView()
    presenter = DashboardPresenter(view, store, tmp_path, today=lambda: date(2026, 12, 6))
    presenter.start()
    years, current = view.years
    assert current == 2025 and (2026, "2026-27") in years and (2025, "2025-26") in years
    data = view.shown[-1]
    assert data.title == "MOCAP in school year 2025-26"
    figures = dict(data.key_figures)
    assert int(figures["Requests received"]) == sum(n for _, n in data.months) > 50
    assert len(data.months) == 12 and data.months[0][0] == "Jul" and data.months[-1][0] == "Jun"
    assert data.on_time + data.late > 0 and "decisions by their due date" in data.on_time_text
    assert dict(data.outcomes)["Completed"] > 0
    titles = [s.title for s in data.sections]
    assert "Denial reasons" in titles and "Cost by provider" in titles
    names = {r["last_name"] for r in store.query("SELECT last_name FROM students")}
    text = repr(data)
    assert not any(f"'{name}'" in text for name in names)  # counts only


def test_changing_the_year_shows_that_year(store, tmp_path):
    view = FakeView()
    presenter = DashboardPresenter(view, store, tmp_path, today=lambda: date(2026, 12, 6))
    presenter.start()
    presenter.year_changed(2026)
    assert view.shown[-1].year == 2026 and view.shown[-1].title.endswith("2026-27")
    count = len(view.shown)
    presenter.year_changed(2026)  # the same year: nothing read again
    assert len(view.shown) == count


def test_saving_the_board_report(store, tmp_path):
    view = FakeView(save_to=tmp_path / "out" / "board")
    presenter = DashboardPresenter(view, store, tmp_path / "exports", today=lambda: date(2026, 12, 6))
    presenter.start()
    presenter.save_requested()
    assert view.suggested.name == "mocap-board-report-2025-26.pdf"
    assert (tmp_path / "out" / "board.pdf").read_bytes().startswith(b"%PDF")
    assert view.messages and "2025-26" in view.messages[-1][1] and not view.errors
    assert store.query("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")[0]["action"] == "board_report_saved"
    view.save_to = None
    presenter.save_requested()  # cancelled: nothing more
    assert len(view.messages) == 1


def test_the_front_desk_is_refused(store, tmp_path):
    store.user = User("fd", "Front Desk", "front_desk")
    view = FakeView()
    DashboardPresenter(view, store, tmp_path).start()
    assert view.errors and "Front desk" in view.errors[0][1] and not view.shown


def test_a_providers_invoice_is_checked_from_the_dashboard(store, demo_template, tmp_path):
    from mocap_desktop.services.demo import DEMO_INVOICE

    view = FakeView()
    presenter = DashboardPresenter(view, store, tmp_path, today=lambda: date(2026, 12, 6))
    presenter.start()
    view.invoice_path = demo_template.root / DEMO_INVOICE
    presenter.invoice_requested()
    [(title, text, details)] = view.invoices
    assert title == f"Invoice {DEMO_INVOICE}" and "differences: see the details" in text
    assert "owed $" in text and "invoiced $" in text and "Spring 2026" in text
    assert "nothing owed" in details and "not billed" in details
    view.invoice_path = tmp_path / "missing.csv"
    presenter.invoice_requested()
    assert view.errors and "does not exist" in view.errors[-1][1]


def test_a_checked_invoice_is_kept_and_the_cost_by_provider_shows_it_invoiced(store, demo_template, tmp_path):
    from mocap_desktop.services.demo import DEMO_INVOICE

    view = FakeView()
    presenter = DashboardPresenter(view, store, tmp_path, today=lambda: date(2026, 12, 6))
    presenter.start()
    before = {row[0]: row for s in view.shown[-1].sections if s.title == "Cost by provider" for row in s.rows}
    view.invoice_path, view.keep_as = demo_template.root / DEMO_INVOICE, "INV-77"
    presenter.invoice_requested()
    assert view.messages[-1][0] == "Invoice kept" and "INV-77" in view.messages[-1][1]
    after = {row[0]: row for s in view.shown[-1].sections if s.title == "Cost by provider" for row in s.rows}
    changed = [p for p in after if after[p][3] != before[p][3]]
    assert changed and all(after[p][4] == before[p][4] for p in changed)  # invoiced, not paid
    presenter.invoice_requested()  # the same number again
    assert view.errors[-1][0] == "The invoice was not kept" and "already kept" in view.errors[-1][1]


def test_the_core_data_worksheet_is_saved_from_the_dashboard(store, tmp_path):
    from openpyxl import load_workbook

    view = FakeView()
    presenter = DashboardPresenter(view, store, tmp_path, today=lambda: date(2026, 12, 6))
    presenter.start()
    view.worksheet_answer = ("june", tmp_path / "cd")
    presenter.worksheet_requested()
    assert view.worksheet_asked == (tmp_path / "core-data-2025-26.xlsx", "2025-26")
    sheet = load_workbook(tmp_path / "cd.xlsx")["Core Data worksheet"]
    assert sheet.max_row > 20 and "not DESE's upload layout" in view.messages[-1][1]
    assert store.query("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")[0]["action"] == "core_data_exported"
    store.user = User("a", "Admin", "administrator")
    presenter.worksheet_requested()
    assert view.errors and "Administrator accounts cannot" in view.errors[-1][1]


def test_a_payment_of_a_kept_invoice_is_recorded_from_the_dashboard(store, demo_template, tmp_path):
    from mocap_desktop.services.demo import DEMO_INVOICE

    view = FakeView()
    presenter = DashboardPresenter(view, store, tmp_path, today=lambda: date(2026, 12, 6))
    presenter.start()
    presenter.payment_requested()
    assert view.messages[-1][0] == "No invoice to pay"
    view.invoice_path, view.keep_as = demo_template.root / DEMO_INVOICE, "INV-78"
    presenter.invoice_requested()
    asked = []
    view.ask_payment = lambda choices, amounts: asked.append((choices, amounts)) or (0, date(2026, 12, 4), "12.5x")
    presenter.payment_requested()
    assert view.errors[-1][0] == "The payment was not recorded" and "12.5x" in view.errors[-1][1]
    choices, amounts = asked[0]
    assert "invoice INV-78 of 2026-12-06" in choices[0] and choices[0].endswith(f"${float(amounts[0]):,.2f}")
    view.ask_payment = lambda choices, amounts: (0, date(2026, 12, 4), amounts[0])
    presenter.payment_requested()
    assert view.messages[-1][0] == "Payment recorded" and "paid on Dec 4, 2026 for invoice INV-78" in view.messages[-1][1]
    paid = {row[0]: row[4] for s in view.shown[-1].sections if s.title == "Cost by provider" for row in s.rows}
    provider = choices[0].split(" · ")[0]
    assert paid[provider] != "$0.00"
