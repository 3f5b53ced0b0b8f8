"""Fields of an import and the values in their cells: how a header is recognised as a field
(its known variants, checked against sample values), and the parsers every kind shares (dates,
yes/no flags, required text, zero-padded codes). Part of the import engine (`importing`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

EXCEL_1900 = date(1899, 12, 30)
EXCEL_1904 = date(1904, 1, 1)


class ImportRefused(Exception):
    """The file cannot be imported at all (unreadable, no header, a required column missing).
    Nothing was read into the database. `str(err)` says what to do."""


class ImportCancelled(Exception):
    """The user cancelled; the database was left as it was."""


class FieldError(ValueError):
    """One cell's value is not acceptable; the message is the reason shown to the user."""


class SkipRow(FieldError):
    """The row is not one this import is for (a pre-kindergarten grade in a district-wide
    export): not an error. `group` says why, for the count in the summary; `value` is the cell."""

    def __init__(self, group: str, value: str):
        super().__init__(group)
        self.group, self.value = group, value

# --- fields ----------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)  # compared by identity: cheap as part of a cache key
class ParseContext:
    epoch: date = EXCEL_1900
    today: date = field(default_factory=date.today)


def _text(value: str, ctx: ParseContext) -> str:
    return value


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool = False
    variants: tuple[str, ...] = ()
    parse: Callable[[str, ParseContext], Any] = _text
    help: str = ""


def normalize_header(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.replace("\ufeff", "").lower())


def _values_fit(f: Field, values: list[str]) -> bool:
    """Whether a column's sample values read as `f` (at least half of the non-empty ones): a
    "State ID" column of two-letter state codes is no MOSIS ID, timestamps are no birth date."""
    filled = [v for v in values if v]
    if not filled or f.parse is _text:
        return True
    ctx = ParseContext()
    fit = 0
    for value in filled:
        try:
            f.parse(value, ctx)
        except SkipRow:
            fit += 1
        except FieldError:
            pass
        else:
            fit += 1
    return fit * 2 >= len(filled)


def guess_mapping(fields: tuple[Field, ...], headers: list[str],
                  samples: list[list[str]] | None = None) -> dict[str, str]:
    """Field key → header, for the headers that look like one of a field's known variants and,
    when `samples` (rows of cells) are given, whose values read as that field."""
    index: dict[str, str] = {}
    position: dict[str, int] = {}
    for i, header in enumerate(headers):
        index.setdefault(normalize_header(header), header)
        position.setdefault(header, i)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for f in fields:
        for variant in (f.label, f.key, *f.variants):
            header = index.get(normalize_header(variant))
            if header is None or header in used:
                continue
            if samples:
                i = position[header]
                if not _values_fit(f, [r[i].strip() for r in samples if i < len(r)]):
                    continue
            mapping[f.key] = header
            used.add(header)
            break
    return mapping


# --- values ------------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_US = re.compile(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}|\d{2})(?:\s.*)?$")
_COMPACT = re.compile(r"((?:19|20)\d{2})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"\d{5}(?:\.0+)?$")


@lru_cache(maxsize=65536)  # a roster repeats the same dates over and over
def parse_date(value: str, ctx: ParseContext) -> str | None:
    """An ISO date from M/D/YYYY, MM/DD/YY, YYYY-MM-DD (a time after it ignored), YYYYMMDD or
    an Excel serial number; '' → None. Never day-first: 25/12/2009 is refused, not turned."""
    if not value:
        return None
    if (m := _US.match(value)) is not None:
        month, day, year = int(m[1]), int(m[2]), m[3]
        if len(year) == 2:
            yy = int(year)
            year_n = 2000 + yy if 2000 + yy <= ctx.today.year + 1 else 1900 + yy
        else:
            year_n = int(year)
        if month > 12 and day <= 12:
            raise FieldError(f'"{value}" looks day-first; dates must be month first (M/D/YYYY)')
        try:
            return date(year_n, month, day).isoformat()
        except ValueError:
            raise FieldError(f'"{value}" is not a real date (M/D/YYYY)') from None
    if (m := _ISO.match(value)) is not None:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            raise FieldError(f'"{value}" is not a real date (YYYY-MM-DD)') from None
    if (m := _COMPACT.match(value)) is not None:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            raise FieldError(f'"{value}" is not a real date (YYYYMMDD)') from None
    if _SERIAL.match(value):
        return (ctx.epoch + timedelta(days=int(float(value)))).isoformat()
    raise FieldError(f'"{value}" is not a date (use M/D/YYYY, MM/DD/YY, YYYY-MM-DD or YYYYMMDD)')


def required_date(value: str, ctx: ParseContext) -> str:
    result = parse_date(value, ctx)
    if result is None:
        raise FieldError("a date is required here")
    return result


_TRUE = {"y", "yes", "true", "t", "1", "x", "on"}
_FALSE = {"n", "no", "false", "f", "0", "", "off"}


def parse_flag(value: str, ctx: ParseContext) -> int:
    low = value.lower()
    if low in _TRUE:
        return 1
    if low in _FALSE:
        return 0
    raise FieldError(f'"{value}" is not yes or no (Y/N, Yes/No, 1/0)')


def required_text(what: str) -> Callable[[str, ParseContext], str]:
    def parse(value: str, ctx: ParseContext) -> str:
        if not value:
            raise FieldError(f"the {what} is missing")
        return value
    return parse


def padded_code(width: int, what: str) -> Callable[[str, ParseContext], str]:
    def parse(value: str, ctx: ParseContext) -> str:
        code = value.replace("-", "").replace(" ", "")
        if not code:
            return ""
        if not code.isdigit() or len(code) > width:
            raise FieldError(f'"{value}" is not a {what} ({width} digits)')
        return code.zfill(width)
    return parse
