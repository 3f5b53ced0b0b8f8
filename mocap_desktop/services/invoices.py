"""A provider's invoice (CSV or .xlsx: student, course, amount) reconciled against the tracked
courses and what `services/costs.py` says the district owes for each.

Differences listed:
- billed but not owed: a row for a course not tracked for that student, or one that costs the
  district nothing (refused, withdrawn, dropped inside the drop window);
- amount differs: the amount billed is not what is owed (the lesser of the price and the cap);
- owed but not billed: a tracked course of the invoice's providers and terms that is owed and is
  on no row;
- cannot tell yet: the course has no price, or the State Adequacy Target is not entered.
A row that cannot be read (no student, no course, an amount that is not money) is a problem
naming its row and column, and the rest is still compared. Nothing is written but the audit
trail's note of the use. Needs ENROLLMENTS_RECORD (it names students).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from mocap_desktop.core.access import ENROLLMENTS_RECORD, require
from mocap_desktop.core.costs import money
from mocap_desktop.services.costs import all_course_costs
from mocap_desktop.services.importing import (
    Field,
    FieldError,
    ImportKind,
    ParseContext,
    Problem,
    read_records,
    required_text,
)
from mocap_desktop.store import Store, trail

log = logging.getLogger(__name__)

__all__ = ["Difference", "InvoiceError", "InvoiceKind", "KeptInvoice", "Reconciliation", "keep_invoice",
           "kept_invoices", "parse_amount", "reconcile_invoice", "record_payment"]


def parse_amount(value: str, ctx: ParseContext | None = None) -> Decimal:
    """'$1,234.50', '370', '(20.00)' as dollars; a FieldError naming the value otherwise."""
    text = value.strip().replace("$", "").replace(",", "").replace(" ", "")
    negative = text.startswith("(") and text.endswith(")")
    try:
        amount = Decimal(text.strip("()"))
    except InvalidOperation:
        raise FieldError(f'amount "{value}" is not an amount of money (for example 370.00)') from None
    if not amount.is_finite():
        raise FieldError(f'amount "{value}" is not an amount of money (for example 370.00)')
    return money(-amount if negative else amount)


class InvoiceKind(ImportKind):
    key = "invoice"
    label = "Provider invoice"
    noun = "invoice lines"
    fields = (
        Field("student", "Student", True, ("Student ID", "Student Number", "Local Number", "MOSIS ID", "MOSIS",
                                           "State ID", "StudentID", "SIS ID"), required_text("student")),
        Field("code", "Course code", True, ("Course ID Code", "Course ID", "Course Code", "Course", "Code",
                                            "CourseID"), required_text("course code")),
        Field("amount", "Amount", True, ("Amount Billed", "Amount Due", "Charge", "Price", "Total", "Fee",
                                         "Invoice Amount"), parse_amount),
        Field("provider", "Provider", False, ("Provider Name", "Vendor")),
        Field("term", "Term", False, ("Semester", "Session", "Start Term")),
    )


@dataclass(frozen=True)
class Difference:
    kind: str
    """billed_not_owed, amount_differs, owed_not_billed, unknown"""
    student: str
    code: str
    provider: str
    term: str
    billed: Decimal | None
    owed: Decimal | None
    row: int | None = None
    note: str = ""

    def __str__(self) -> str:
        where = f"row {self.row:,}: " if self.row else ""
        what = f"student {self.student}, course {self.code}" + (f" ({self.provider}, {self.term})"
                                                                if self.provider else "")
        money_ = lambda v: "—" if v is None else f"${v:,.2f}"  # noqa: E731
        text = {"billed_not_owed": f"billed {money_(self.billed)}, nothing owed",
                "amount_differs": f"billed {money_(self.billed)}, owed {money_(self.owed)}",
                "owed_not_billed": f"owed {money_(self.owed)}, not billed",
                "unknown": f"billed {money_(self.billed)}, what is owed cannot be told yet"}[self.kind]
        return f"{where}{what}: {text}" + (f" ({self.note})" if self.note else "")


@dataclass
class Reconciliation:
    rows_read: int = 0
    matched: int = 0
    billed: Decimal = Decimal("0.00")
    owed: Decimal = Decimal("0.00")
    differences: list[Difference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    totals: list[tuple[str, str, Decimal, Decimal]] = field(default_factory=list)
    """(provider, term, owed, invoiced) for each provider and term on the invoice."""

    @property
    def agrees(self) -> bool:
        return not (self.differences or self.problems)

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems] + [str(d) for d in self.differences]

    def summary(self) -> str:
        return (f"invoice: rows read {self.rows_read:,} · matched {self.matched:,} · billed ${self.billed:,.2f} · "
                f"owed for these providers and terms ${self.owed:,.2f} · differences {len(self.differences):,} · "
                f"rows with problems {len({p.row for p in self.problems}):,}")


def reconcile_invoice(store: Store, path: Path, provider: str = "") -> Reconciliation:
    """Compare an invoice with what is owed (see the module's text). `provider` names the
    provider when the file has no provider column (else: the providers of the rows that match).
    Raises `ImportRefused` when the file cannot be read or lacks a required column."""
    require(store, ENROLLMENTS_RECORD)
    kind = InvoiceKind()
    result = Reconciliation()
    result.rows_read, records, result.problems = read_records(kind, path)
    idents = {r["id"]: (r["local_number"], r["mosis_id"] or "")
              for r in store.query("SELECT id, local_number, mosis_id FROM students WHERE id IN "
                                   "(SELECT student_id FROM requests)")}
    costs = all_course_costs(store)
    by_key: dict[tuple[str, str], list] = {}
    for course, cost in costs:
        for ident in idents.get(course.student_id, ()):
            if ident:
                by_key.setdefault((ident, course.code.upper()), []).append((course, cost))
    billed_ids: set[int] = set()
    scope: set[tuple[str, str]] = set()
    named = {provider.strip().lower()} if provider.strip() else set()
    invoiced: dict[tuple[str, str], Decimal] = {}
    for record in records:
        v = record.values
        student, code, amount = v["student"].strip(), v["code"].strip(), v["amount"]
        result.billed += amount
        if v.get("provider", "").strip():
            named.add(v["provider"].strip().lower())
        found = [fc for fc in by_key.get((student, code.upper()), []) if fc[0].id not in billed_ids]
        if v.get("term", "").strip():
            found = [fc for fc in found if fc[0].term.lower() == v["term"].strip().lower()] or found
        if not found:
            result.differences.append(Difference("billed_not_owed", student, code, v.get("provider", ""),
                                                 v.get("term", ""), amount, None, record.row,
                                                 "no tracked course for this student"))
            continue
        course, cost = found[-1]
        billed_ids.add(course.id)
        scope.add((course.provider, course.term))
        key = (course.provider, course.term)
        invoiced[key] = invoiced.get(key, Decimal("0.00")) + amount
        result.matched += 1
        if cost.owed is None:
            result.differences.append(Difference("unknown", student, code, course.provider, course.term, amount,
                                                 None, record.row, "no price in the catalog or no State Adequacy "
                                                 "Target entered"))
        elif cost.owed == 0 and amount:
            result.differences.append(Difference("billed_not_owed", student, code, course.provider, course.term,
                                                 amount, cost.owed, record.row, course.status_label.lower()))
        elif cost.owed != amount:
            result.differences.append(Difference("amount_differs", student, code, course.provider, course.term,
                                                 amount, cost.owed, record.row))
    if named:
        scope = {(p, t) for p, t in scope if p.lower() in named}
    totals: dict[tuple[str, str], Decimal] = {}
    for course, cost in costs:
        key = (course.provider, course.term)
        if key not in scope:
            continue
        if cost.owed:
            totals[key] = totals.get(key, Decimal("0.00")) + cost.owed
        if course.id not in billed_ids and cost.owed:
            student = idents.get(course.student_id, ("", ""))[0]
            result.differences.append(Difference("owed_not_billed", student, course.code, course.provider,
                                                 course.term, None, cost.owed))
    result.owed = sum(totals.values(), Decimal("0.00"))
    result.totals = [(p, t, totals.get((p, t), Decimal("0.00")), invoiced.get((p, t), Decimal("0.00")))
                     for p, t in sorted(scope)]
    trail.note_use(store, "invoice_reconciled", detail={
        "file": Path(path).name, "rows_read": result.rows_read, "matched": result.matched,
        "differences": len(result.differences), "billed": str(result.billed), "owed": str(result.owed)})
    log.info("Invoice reconciled: %d rows, %d differences", result.rows_read, len(result.differences))
    return result


# --- kept invoices and payments ------------------------------------------------------------------

@dataclass(frozen=True)
class KeptInvoice:
    id: int
    provider: str
    term: str
    number: str
    received_on: str
    amount: Decimal
    paid_on: str | None
    paid_amount: Decimal | None


def keep_invoice(store: Store, result: Reconciliation, number: str, received_on: date) -> list[int]:
    """Keep a checked invoice: what it bills for each provider and term, under the provider's
    invoice number, so the totals show what was invoiced (and, once paid, what was paid).
    Refuses an invoice number already kept for that provider and term. Needs ENROLLMENTS_RECORD."""
    require(store, ENROLLMENTS_RECORD)
    number = number.strip()
    if not number:
        raise InvoiceError("Enter the provider's invoice number to keep the invoice.")
    if not result.totals:
        raise InvoiceError("The invoice matched no tracked course: there is nothing to keep.")
    kept = {(r["provider_name"], r["term"]) for r in store.query(
        "SELECT provider_name, term FROM provider_invoices WHERE number = ?", (number,))}
    again = [f"{p} · {t}" for p, t, _o, _i in result.totals if (p, t) in kept]
    if again:
        raise InvoiceError(f"Invoice {number} is already kept for {', '.join(again)}.")
    stamp = datetime.now().isoformat(timespec="seconds")
    ids = []
    with store.transaction() as db:
        for provider, term, _owed, invoiced in result.totals:
            ids.append(db["provider_invoices"].insert({
                "provider_name": provider, "term": term, "number": number,
                "received_on": received_on.isoformat(), "amount": float(invoiced),
                "differences": len(result.differences), "recorded_by": trail.acting_login(store),
                "recorded_at": stamp}).last_pk)
        trail.note(db, store, "invoice_kept", detail={"number": number, "providers": sorted(
            {p for p, *_ in result.totals}), "billed": str(result.billed), "differences": len(result.differences)})
    return ids


def record_payment(store: Store, invoice_id: int, paid_on: date, amount: Decimal) -> None:
    """The district paid a kept invoice's part (one provider and term)."""
    require(store, ENROLLMENTS_RECORD)
    row = store.query("SELECT id, amount FROM provider_invoices WHERE id = ?", (invoice_id,))
    if not row:
        raise InvoiceError(f"No kept invoice has the number {invoice_id}.")
    if amount < 0:
        raise InvoiceError("A payment cannot be less than nothing.")
    with store.transaction() as db:
        db.execute("UPDATE provider_invoices SET paid_on = ?, paid_amount = ? WHERE id = ?",
                   [paid_on.isoformat(), float(amount), invoice_id])
        trail.note(db, store, "invoice_paid", detail={"invoice": invoice_id, "paid_on": paid_on.isoformat(),
                                                      "amount": str(amount)})


def kept_invoices(store: Store) -> list[KeptInvoice]:
    require(store, ENROLLMENTS_RECORD)
    return [KeptInvoice(r["id"], r["provider_name"], r["term"], r["number"], r["received_on"],
                        money(Decimal(str(r["amount"]))), r["paid_on"],
                        None if r["paid_amount"] is None else money(Decimal(str(r["paid_amount"]))))
            for r in store.query("SELECT * FROM provider_invoices ORDER BY provider_name, term, received_on, id")]


class InvoiceError(ValueError):
    """An invoice that cannot be kept or paid; the message is for the user."""
