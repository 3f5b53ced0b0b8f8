"""Spreadsheet files that leave the app: every CSV and Excel export writes its cells here.

A cell's text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel (and to openpyxl, which stores any string beginning with `=` as one). A student's name
imported from the SIS can be such text, so every text cell goes through one rule: in CSV it gets
a leading apostrophe (shown as text, never run); in .xlsx it is stored as a string, never as a
formula. Numbers and dates are left as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    return "'" + value if is_formula_like(value) else value


class CsvWriter:
    """`csv.writer` whose every cell passes `csv_cell`."""

    def __init__(self, fh: Any) -> None:
        self._writer = csv.writer(fh)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_append(ws: Any, row: Iterable[Any], number: int | None = None) -> None:
    """Append `row` to an openpyxl worksheet with formula-like text kept as text. `number`: the
    row's number when the caller counts them (openpyxl's `max_row` looks at every cell, so a
    long sheet written without it takes time in the square of its rows)."""
    values = list(row)
    ws.append(values)
    if number is not None:
        for column, value in enumerate(values, start=1):
            if is_formula_like(value):
                cell = ws.cell(number, column)
                cell.value = value
                cell.data_type = "s"
                cell.quotePrefix = True
        return
    for cell, value in zip(ws[ws.max_row], values, strict=False):
        if is_formula_like(value):
            cell.value = value
            cell.data_type = "s"
            cell.quotePrefix = True
