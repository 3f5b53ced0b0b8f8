"""The review queue's presenter: filters, sort, search, counts, export and the start-up notice.

The view is passive: it shows `QueueLine`s (plain strings) and forwards what the user asks for.
The data comes from `services.review.queue`, one SQL query per change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Callable, Protocol

from mocap_desktop.core.access import AccessDenied
from mocap_desktop.core.lifecycle import LABELS, machine
from mocap_desktop.core.messages import count_of
from mocap_desktop.services import review
from mocap_desktop.services.review import QueueFilter, QueueRow, ReviewError, format_day
from mocap_desktop.store import Store, StoreError
from mocap_desktop.ui.presenters.display import Choice

log = logging.getLogger(__name__)

COLUMNS: tuple[tuple[str, str], ...] = (
    ("student", "Student"), ("pathway", "Pathway"), ("courses", "Courses"), ("building", "Building"),
    ("received", "Received"), ("due", "Due date"), ("days_left", "Business days left"),
    ("routing", "Routing"), ("status", "Status"),
)
COLUMN_KEYS = tuple(key for key, _ in COLUMNS)
DUE_COLUMN, DAYS_COLUMN = COLUMN_KEYS.index("due"), COLUMN_KEYS.index("days_left")

URGENCY_WORDS = {"overdue": "Overdue", "soon": "Due soon", "": ""}


@dataclass(frozen=True)
class QueueLine:
    """One row as the table shows it."""

    request_id: int
    reference: str
    cells: tuple[str, ...]
    urgency: str
    """`overdue`, `soon` or `""`: the view colours by it; the text already says it."""
    tooltip: str
    can_decide: bool = False


@dataclass(frozen=True)
class FilterChoices:
    status: tuple[Choice, ...]
    building: tuple[Choice, ...]
    pathway: tuple[Choice, ...]
    routing: tuple[Choice, ...]
    overdue_label: str


PAGE = 100


class QueueView(Protocol):
    def show_rows(self, lines: list[QueueLine], total: int, more: Callable[[int, int], list[QueueLine]]) -> None:
        """The first lines of `total`; `more(offset, count)` gives further lines as the table scrolls."""
    def show_filters(self, choices: FilterChoices, selected: QueueFilter) -> None: ...
    def show_summary(self, text: str) -> None: ...
    def show_notice(self, text: str, level: str) -> None: ...
    def show_sort(self, column: str, descending: bool) -> None: ...
    def ask_export_path(self, suggested: Path) -> Path | None: ...
    def show_message(self, title: str, text: str) -> None: ...
    def show_error(self, title: str, text: str) -> None: ...


def line_for(row: QueueRow) -> QueueLine:
    due = format_day(row.due)
    tooltip = f"{row.reference} · {row.status_label}" + (f" · {row.courses}" if row.courses else "")
    if row.due:
        tooltip += f" · {row.due_kind_label} {due}"
    return QueueLine(
        request_id=row.request_id, reference=row.reference,
        cells=(row.student, review.PATHWAY_SHORT.get(row.pathway, row.pathway), row.courses or "—", row.building,
               format_day(row.received),
               due, row.days_left_text, row.routing_label, row.status_label),
        urgency=row.urgency, tooltip=tooltip,
        can_decide=row.pathway == "part_time" and row.status in ("submitted", "in_review"),
    )


class QueuePresenter:
    def __init__(self, view: QueueView, store: Store, today: Callable[[], date] = date.today,
                 export_folder: Path | None = None):
        self.view = view
        self.store = store
        self.today = today
        self.filter = QueueFilter()
        self.ids: list[int] = []
        self.counts: review.QueueCounts | None = None
        self.export_folder = export_folder or Path.home()
        self._lines: dict[int, tuple[QueueRow, QueueLine]] = {}  # request id: (row, its line)

    # --- intent from the view ------------------------------------------------------------------
    def start(self) -> None:
        self.view.show_sort(self.filter.sort, self.filter.descending)
        self.refresh()
        self.show_notice()

    def refresh(self) -> None:
        try:
            result = review.queue_ids(self.store, self.filter, self.today())
        except (StoreError, ReviewError) as err:
            self.view.show_error("The queue cannot be read", str(err))
            return
        self.ids = result.ids
        self.counts = result.counts
        self.view.show_rows(self.lines(0, PAGE), len(self.ids), self.lines)
        self.view.show_filters(self._choices(result.counts), self.filter)
        self.view.show_summary(self._summary(result.counts))

    def lines(self, offset: int, count: int) -> list[QueueLine]:
        """Lines `offset` to `offset + count` of the current result (one SQL query per page)."""
        return [self._line(r) for r in review.load_rows(self.store, self.ids[offset:offset + count], self.today())]

    def _line(self, row: QueueRow) -> QueueLine:
        """The row's line, made again only when the row is new (the service keeps a row until the
        database changes, so a filter turned on and off shows the lines it made before)."""
        made = self._lines.get(row.request_id)
        if made is None or made[0] is not row:
            made = self._lines[row.request_id] = (row, line_for(row))
        return made[1]

    def rows(self) -> list[QueueRow]:
        """Every row of the current result, in order (for export)."""
        return review.load_rows(self.store, self.ids, self.today())

    def filter_changed(self, key: str, value: str) -> None:
        if key not in ("status", "building", "pathway", "routing"):
            raise ValueError(f"unknown filter {key!r}")
        if getattr(self.filter, key) != value:
            self.filter = replace(self.filter, **{key: value})
            self.refresh()

    def overdue_toggled(self, only_overdue: bool) -> None:
        if self.filter.overdue != only_overdue:
            self.filter = replace(self.filter, overdue=only_overdue)
            self.refresh()

    def search_changed(self, text: str) -> None:
        if self.filter.search != text:
            self.filter = replace(self.filter, search=text)
            self.refresh()

    def sort_requested(self, column: str, descending: bool) -> None:
        if column not in COLUMN_KEYS:
            return
        if (self.filter.sort, self.filter.descending) != (column, descending):
            self.filter = replace(self.filter, sort=column, descending=descending)
            self.refresh()

    def clear_filters(self) -> None:
        self.filter = QueueFilter(sort=self.filter.sort, descending=self.filter.descending)
        self.refresh()

    def most_urgent_requested(self) -> None:
        """Back to the opening order: soonest due first, overdue at the top."""
        self.filter = replace(self.filter, sort="due", descending=False)
        self.view.show_sort("due", False)
        self.refresh()

    def export_requested(self) -> None:
        suggested = self.export_folder / f"mocap-queue-{self.today().isoformat()}.xlsx"
        path = self.view.ask_export_path(suggested)
        if path is None:
            return
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_suffix(".xlsx")
        try:
            review.export_queue(self.store, self.rows(), path)
        except (ReviewError, AccessDenied) as err:
            self.view.show_error("Export failed", str(err))
            return
        self.view.show_message("Queue exported", f"{count_of(len(self.ids), 'request')} written to\n{path}")

    # --- the start-up notice ---------------------------------------------------------------------
    def notice(self) -> review.Notice | None:
        counts = self.counts
        if counts is not None and not self.filter.search.strip():  # the last refresh already counted
            notice = review.Notice(counts.open_overdue, counts.open_soon)
            return notice if notice.overdue or notice.soon else None
        return review.queue_notice(self.store, self.today())

    def show_notice(self) -> None:
        notice = self.notice()
        if notice is None:
            self.view.show_notice("", "")
            return
        level = "overdue" if notice.overdue else "soon"
        self.view.show_notice(f"{notice.text} The most urgent are at the top of the queue.", level)

    # --- wording -----------------------------------------------------------------------------------
    def _choices(self, counts: review.QueueCounts) -> FilterChoices:
        def labelled(values: list[tuple[str, str]], facet: dict[str, int], any_label: str) -> tuple[Choice, ...]:
            total = sum(facet.values())
            out = [Choice("", f"{any_label} ({total})")]
            out += [Choice(value, f"{label} ({facet.get(value, 0)})") for value, label in values]
            return tuple(out)

        statuses = list(dict.fromkeys([*machine("part_time"), *machine("full_time")]))
        status_choices = [
            Choice(review.OPEN, f"Open: a step is owed ({counts.scope.get(review.OPEN, 0)})"),
            Choice(review.DECIDED, f"Decided, not closed ({counts.scope.get(review.DECIDED, 0)})"),
        ]
        status_choices += [Choice(s, f"{LABELS[s]} ({counts.status.get(s, 0)})") for s in statuses
                           if counts.status.get(s, 0) or s == self.filter.status]
        status_choices += [Choice(review.CLOSED, f"Closed or withdrawn ({counts.scope.get(review.CLOSED, 0)})"),
                           Choice(review.ALL, f"Every request ({counts.scope.get(review.ALL, 0)})")]
        buildings = [(r["code"], r["name"]) for r in self.store.query("SELECT code, name FROM buildings ORDER BY code")]
        buildings = [(code, name) for code, name in buildings if counts.building.get(code) or code == self.filter.building]
        return FilterChoices(
            status=tuple(status_choices),
            building=labelled(buildings, counts.building, "All buildings"),
            pathway=labelled(list(review.PATHWAY_LABELS.items()), counts.pathway, "Both pathways"),
            routing=labelled(list(review.ROUTING_LABELS.items()), counts.routing, "Any routing"),
            overdue_label=f"Overdue only ({counts.overdue})",
        )

    def _summary(self, counts: review.QueueCounts) -> str:
        parts = [f"{count_of(counts.shown, 'request')} shown"]
        if counts.overdue:
            parts.append(f"{counts.overdue} overdue")
        if counts.soon:
            parts.append(f"{counts.soon} due within {review.URGENT_BUSINESS_DAYS} business days")
        return " · ".join(parts) + f" · today is {format_day(self.today())}"
