"""The board's annual MOCAP report: a school year's figures, with no student named.

For school year Y (the year it starts: 2026 is 2026-27, July 1 through June 30):
- requests and decisions: the requests received in the year, by pathway, building and month;
  their first decision (approved, partially approved, denied, and the denials' reason codes);
  decisions made by the due date, and the median business days from receipt to decision on the
  district calendar; appeals filed on them and their outcomes;
- courses and cost: the tracked courses of the school year's terms, completed against dropped and
  the rest, what the district owes each provider (`core/costs.py`), and the attendance the district
  may claim for them (`core/reporting.py`, the shares in the policy).

Counts only: the administrator, counselors and deciders read it (REPORTS_READ). Saving it as a PDF
is recorded in the audit trail.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from mocap_desktop.core import reporting
from mocap_desktop.core.reporting import BoardFigures, ProviderCost
from mocap_desktop.core.access import REPORTS_READ, require
from mocap_desktop.core.calendar import business_days_between
from mocap_desktop.core.costs import course_cost, money
from mocap_desktop.core.enrollments import LABELS as COURSE_LABELS
from mocap_desktop.services.costs import state_adequacy_target
from mocap_desktop.services.requests import active_policy
from mocap_desktop.store import Store, trail
from mocap_desktop.store.district import DistrictRepo

log = logging.getLogger(__name__)

__all__ = ["BoardFigures", "board_figures", "save_board_report", "years_with_data"]

PATHWAYS = {"part_time": "Part-time courses", "full_time": "Full-time program"}
DECISIONS = {"approve": "Approved", "partial": "Partially approved", "deny": "Denied"}
APPEAL_LEVELS = {"board": "Board of Education", "state": "DESE"}
APPEAL_OUTCOMES = {"upheld": "upheld", "overturned": "overturned", None: "pending"}
COURSE_ORDER = ("completed", "dropped", "withdrawn", "enrolled", "sent_to_provider", "approved", "refused")


def reason_label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _closed(store: Store) -> frozenset[date]:
    return frozenset(_day(r[0]) for r in store.conn.execute("SELECT day FROM closed_days"))


def years_with_data(store: Store) -> list[int]:
    """The school years (by their starting year) with requests received, newest first."""
    require(store, REPORTS_READ)
    years = {reporting.school_year_of(_day(r[0])) for r in store.conn.execute("SELECT DISTINCT received FROM requests")}
    return sorted(years, reverse=True)


def _requests(store: Store, year: int, figures: dict) -> None:
    period = reporting.school_year(year)
    closed = _closed(store)
    rows = store.conn.execute(
        "SELECT r.id, r.pathway, r.received, r.decision_due, coalesce(b.name, s.building_code, '') AS building, "
        "d.outcome, d.reasons, d.decided_on FROM requests r JOIN students s ON s.id = r.student_id "
        "LEFT JOIN buildings b ON b.code = s.building_code "
        "LEFT JOIN decisions d ON d.id = (SELECT min(id) FROM decisions WHERE request_id = r.id) "
        "WHERE r.received BETWEEN ? AND ?", [period.start.isoformat(), period.end.isoformat() + "T99"]).fetchall()
    pathways, buildings, months = Counter(), Counter(), Counter()
    decisions, reasons = Counter(), Counter()
    on_time = late = 0
    days: list[int] = []
    for _rid, pathway, received, due, building, outcome, reason_json, decided_on in rows:
        pathways[pathway] += 1
        buildings[building or "No building"] += 1
        months[received[:7]] += 1
        if outcome is None:
            continue
        decisions[outcome] += 1
        if outcome in ("deny", "partial"):
            for code in json.loads(reason_json or "[]"):
                reasons[code] += 1
        decided = _day(decided_on)
        if due:
            if decided <= _day(due):
                on_time += 1
            else:
                late += 1
        days.append(business_days_between(_day(received), decided, closed))
    appeals = Counter()
    for level, outcome in store.conn.execute(
            "SELECT a.level, a.outcome FROM appeals a JOIN requests r ON r.id = a.request_id "
            "WHERE r.received BETWEEN ? AND ? ORDER BY a.level DESC",
            [period.start.isoformat(), period.end.isoformat() + "T99"]):
        appeals[f"{APPEAL_LEVELS[level]}: {APPEAL_OUTCOMES.get(outcome, outcome)}"] += 1
    names = {m: date(int(m[:4]), int(m[5:]), 1).strftime("%b") for m in reporting.month_keys(year)}
    figures.update(
        requests=len(rows),
        by_pathway=tuple((PATHWAYS[k], pathways[k]) for k in PATHWAYS),
        by_building=tuple(sorted(buildings.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_month=tuple((names[m], months[m]) for m in reporting.month_keys(year)),
        decided=sum(decisions.values()),
        decisions=tuple((DECISIONS[k], decisions[k]) for k in DECISIONS),
        denial_reasons=tuple((reason_label(c), n) for c, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        on_time=on_time, late=late, median_days=reporting.median(days),
        appeals=tuple(sorted(appeals.items())))


def _courses(store: Store, year: int, figures: dict) -> None:
    policy = active_policy(store)
    target, _ = state_adequacy_target(store)
    shares = {"completed": policy.attendance_completed_percent,
              "dropped_after_window": policy.attendance_dropped_percent,
              "withdrawn": policy.attendance_withdrawn_percent}
    rows = store.conn.execute(
        "SELECT ce.status, ce.drop_window, ce.provider_name, ce.credits, ce.confirmed_on, c.price, c.length "
        "FROM course_enrollments ce JOIN requests r ON r.id = ce.request_id JOIN terms t ON t.id = r.start_term "
        "JOIN request_courses rc ON rc.id = ce.request_course_id LEFT JOIN courses c ON c.id = rc.course_id "
        "WHERE t.school_year = ?", [year + 1]).fetchall()
    billed = {provider: (money(Decimal(str(invoiced))), money(Decimal(str(paid)))) for provider, invoiced, paid in
              store.conn.execute("SELECT provider_name, sum(amount), sum(coalesce(paid_amount, 0)) FROM "
                                 "provider_invoices WHERE term IN (SELECT name FROM terms WHERE school_year = ?) "
                                 "GROUP BY provider_name", [year + 1])}
    statuses, windows = Counter(), Counter()
    owed: dict[str, list] = {}
    claims: dict[str, list] = {k: [0, Decimal("0")] for k in reporting.ATTENDANCE_OUTCOMES}
    for status, window, provider, credits, confirmed, price, length in rows:
        statuses[status] += 1
        if status == "dropped":
            windows[window or "inside"] += 1
        cost = course_cost(status, length or ("year" if credits >= 1 else "semester"),
                           None if price is None else Decimal(str(price)), target,
                           policy.cost_cap_semester_percent, policy.cost_cap_year_percent, window or "")
        t = owed.setdefault(provider or "No provider", [0, Decimal("0.00"), 0])
        t[0] += 1
        if cost.owed is None:
            t[2] += 1
        else:
            t[1] += cost.owed
        outcome = reporting.attendance_outcome(status, window or "", confirmed is not None)
        if outcome:
            claims[outcome][0] += 1
            claims[outcome][1] += reporting.attendance_share(outcome, shares)
    figures.update(
        courses=len(rows),
        course_outcomes=tuple((COURSE_LABELS[s], statuses[s]) for s in COURSE_ORDER if statuses[s] or s in
                              ("completed", "dropped", "withdrawn", "enrolled")),
        dropped_inside=windows["inside"], dropped_after=windows["after"],
        costs=tuple(ProviderCost(p, n, o, u, *billed.get(p, (Decimal("0.00"), Decimal("0.00"))))
                    for p, (n, o, u) in sorted(owed.items())),
        attendance=tuple((reporting.ATTENDANCE_OUTCOMES[k], n, s) for k, (n, s) in claims.items()),
        target_known=target is not None)


def board_figures(store: Store, year: int) -> BoardFigures:
    """The school year's figures (`year`: the year it starts). Needs REPORTS_READ."""
    require(store, REPORTS_READ)
    try:
        reporting.check_year(year)
    except ValueError as err:
        raise BoardReportError(str(err)) from None
    profile = DistrictRepo(store).profile()
    figures: dict = {"year": year, "district": profile.name if profile else ""}
    _requests(store, year, figures)
    _courses(store, year, figures)
    return BoardFigures(**figures)


def save_board_report(store: Store, year: int, path: Path) -> tuple[Path, int]:
    """Write the board report for `year` as a PDF; recorded in the audit trail. Returns the
    path and its page count. Raises `BoardReportError` for a path that is not a .pdf or cannot be
    written."""
    from mocap_desktop.letters.board_report import render_board_report

    require(store, REPORTS_READ)
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise BoardReportError(f"Write the board report to a .pdf file, not '{path.suffix or path.name}'.")
    figures = board_figures(store, year)
    pdf = render_board_report(figures)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(pdf)
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise BoardReportError(f"Cannot write {path}: {err.strerror or err}.") from None
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    trail.note_use(store, "board_report_saved", detail={
        "file": path.name, "school_year": figures.label, "requests": figures.requests, "pages": pages,
        "records": "Counts only: no student is named"})
    log.info("Board report saved (%s, %d requests)", figures.label, figures.requests)
    return path, pages


class BoardReportError(ValueError):
    """The report cannot be written as asked; the message says why."""


__all__ += ["BoardReportError", "ProviderCost", "reason_label"]
