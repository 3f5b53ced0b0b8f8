"""The one import engine for every table the office hands the app (rosters, enrollment
history, the course catalog).

An import *kind* names its fields (with the header variants SIS exports use), how one row
becomes a record, and how a batch of records is checked against the database and written.
The engine does the rest, the same way for every kind:

1. read the file: CSV (UTF-8 or UTF-16, each with or without a BOM, Windows-1252; comma, tab,
   semicolon or bar) or Excel .xlsx (first sheet, read-only);
2. map columns to fields: guessed from the headers, or a saved mapping, corrected by the user;
   a missing required column stops here, before a row is read;
3. check every row: each problem names the row (as a spreadsheet shows it: the header is
   row 1), the column and the reason;
4. plan against the database (added / updated / unchanged, conflicts);
5. unless a dry run, or invalid rows without `skip_invalid`: write in one transaction.
   Cancel or any failure rolls it back, leaving the database exactly as it was.

Importing needs ROSTER_IMPORT (core.access). A written import is one audit entry with its
counts, in the same transaction; the kinds add one entry per changed record (its changed fields
before and after).
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from mocap_desktop.core.access import ROSTER_IMPORT, require
from mocap_desktop.store import Store, trail
from mocap_desktop.store.import_mappings import ImportMappingRepo

Progress = Callable[[str, int, int], None]  # (phase, done, total)
CancelCheck = Callable[[], bool]

EXCEL_1900 = date(1899, 12, 30)
EXCEL_1904 = date(1904, 1, 1)
PROGRESS_EVERY = 2000
SAMPLE_ROWS = 50  # rows whose values check the guesses
IMPORT_CACHE_KIB = -131072  # a 128 MiB page cache while writing: big imports touch many pages


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


# --- reading files -------------------------------------------------------------------------------

@dataclass
class Table:
    """A file's header and rows, each row as (row number in the file, cell texts)."""

    path: Path
    headers: list[str]
    rows: Callable[[], Iterator[tuple[int, list[str]]]]
    total: int  # rows after the header (blank ones included): for the progress bar
    format: str  # "CSV (UTF-8)", "Excel workbook", …
    epoch: date = EXCEL_1900
    row_file: str = ""  # for a set of files (OneRoster): the one the row numbers refer to
    notes: list[str] = field(default_factory=list)  # what reading the set found worth saying
    contents: str = ""  # for a set: what its rows are ("4 students among 7 people in users.csv")

    def preview(self, count: int = 8) -> list[tuple[int, list[str]]]:
        out = []
        for number, cells in self.rows():
            if any(cells):
                out.append((number, cells))
                if len(out) >= count:
                    break
        return out


def read_table(path: Path, what: str = "students") -> Table:
    """A file, or a set of files (OneRoster, School Data Sync v2: a zip, a folder, or one of
    its files) as one table of `what` (an import kind's key: students or enrollments)."""
    from mocap_desktop.services import roster_sets

    path = Path(path)
    if roster_sets.is_set(path):
        return roster_sets.read_set(path, what)
    if not path.is_file():
        raise ImportRefused(f"{path} does not exist or is not a file.")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if path.suffix.lower() == ".xls":
        raise ImportRefused(f"{path.name} is an old Excel 97-2003 file: save it as .xlsx or CSV first.")
    return _read_csv(path)


_BOMS = ((b"\xef\xbb\xbf", "utf-8", "UTF-8 with BOM"), (b"\xff\xfe", "utf-16-le", "UTF-16 with BOM"),
         (b"\xfe\xff", "utf-16-be", "UTF-16 with BOM"))


def _sniff_utf16(sample: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` for text without a byte-order mark, else None. Text that is mostly
    Latin letters, digits and punctuation has a zero byte in every other place, always the same
    one; the sample must then decode strictly to text without control characters."""
    sample = sample[:len(sample) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    codec = "utf-16-le" if odd > pairs * 0.3 and even <= pairs * 0.02 else \
        "utf-16-be" if even > pairs * 0.3 and odd <= pairs * 0.02 else None
    if codec is None:
        return None
    try:
        text = sample.decode(codec)
    except UnicodeDecodeError as err:
        if err.start < len(sample) - 4:
            return None  # a lone surrogate: not UTF-16
        text = sample[:err.start].decode(codec)  # the sample's end cut a pair in two
    return codec if _is_text(text) else None


def _is_text(text: str) -> bool:
    return not any(ord(c) < 32 and c not in "\t\r\n\f" for c in text)


def sniff_encoding(data: bytes) -> tuple[str, str] | None:
    """(codec, label) of text bytes, from a byte-order mark or from the bytes themselves; None when
    the bytes are not text (a zero byte or another control character where text has none)."""
    found = _sniff(data)
    return None if found is None else found[:2]


def _sniff(data: bytes, keep: bool = True) -> tuple[str, str, str | None] | None:
    """`sniff_encoding`, and the text when telling the codec took decoding all of it and `keep`
    is true (else None: without `keep` the bytes are checked a piece at a time)."""
    for mark, codec, label in _BOMS:
        if data.startswith(mark):
            return codec, label, None
    sample = data[:4096]
    if codec := _sniff_utf16(sample):
        return codec, "UTF-16 without BOM", None
    if b"\x00" in sample:
        return None
    for codec, label in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            return codec, label, data.decode(codec) if keep else _check_decodes(data, codec)
        except UnicodeDecodeError:
            pass
    return "latin-1", "Latin-1", None


def _check_decodes(data: bytes, codec: str) -> None:
    """Decode `data` a megabyte at a time, keeping nothing; UnicodeDecodeError if it is not `codec`."""
    decoder, view, step = codecs.getincrementaldecoder(codec)(), memoryview(data), 1 << 20
    for i in range(0, len(data), step):
        decoder.decode(view[i:i + step])
    decoder.decode(b"", final=True)


def decode_bytes(data: bytes, name: str = "The file", hint: str = "") -> tuple[str, str]:
    """The text of `data` and the name of its encoding; `ImportRefused` (the sentence, then
    `hint`) when it is not text. The bytes are decoded once."""
    codec, label, text = _text_codec(data, name, hint)
    if text is None:
        text = _without_mark(data).decode(codec, errors="replace")
    return text, label


def text_lines(data: bytes, name: str = "The file") -> tuple[io.TextIOWrapper, str]:
    """`decode_bytes` as a stream of lines, their ends kept (as `csv.reader` wants them): decoded
    as it is read, so that a big file's text is never held whole."""
    codec, label, _ = _text_codec(data, name, "", keep=False)
    return io.TextIOWrapper(io.BytesIO(_without_mark(data)), encoding=codec, errors="replace",
                            newline=""), label


def _text_codec(data: bytes, name: str, hint: str, keep: bool = True) -> tuple[str, str, str | None]:
    found = _sniff(data, keep)
    if found is None:
        raise ImportRefused(f"{name} is not a text (CSV) file.{hint}")
    return found


def _without_mark(data: bytes) -> bytes:
    mark = next((len(m) for m, c, _ in _BOMS if data.startswith(m)), 0)
    return data[mark:] if mark else data


def _read_csv(path: Path) -> Table:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImportRefused(f"{path} cannot be read: {err.strerror or err}.") from err
    text, encoding = decode_bytes(data, path.name, " Export the roster as CSV or .xlsx.")
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ImportRefused(f"{path.name} is empty.")
    head = lines[first]
    delimiter = max(",\t;|", key=head.count)
    headers = [h.strip().lstrip("\ufeff") for h in next(csv.reader([head], delimiter=delimiter))]
    if not any(headers):
        raise ImportRefused(f"{path.name} has no header row.")
    total = max(len(lines) - first - 1, 0)

    def rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
        number = 0
        for cells in reader:
            number += 1
            if number <= first + 1:
                continue
            yield number, cells

    kind = {",": "CSV", "\t": "tab-separated", ";": "semicolon-separated", "|": "bar-separated"}
    return Table(path, headers, rows, total, f"{kind[delimiter]} ({encoding})")


def _cell_text(value: Any, epoch: date) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path) -> Table:
    """The first sheet of a workbook. The file is opened for each pass and closed after it, so
    it is never left locked (Windows) between the preview and the import."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    def open_book():
        try:
            return load_workbook(path, read_only=True, data_only=True)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as err:
            raise ImportRefused(f"{path.name} cannot be opened as an Excel workbook ({err}).") from err

    book = open_book()
    try:
        sheet = book.worksheets[0]
        epoch = EXCEL_1904 if book.epoch == CALENDAR_MAC_1904 else EXCEL_1900
        header_row, headers = 0, []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v, epoch) for v in values]
            if any(cells):
                header_row, headers = number, cells
                break
        total = max((sheet.max_row or header_row) - header_row, 0)
    finally:
        book.close()
    if not headers:
        raise ImportRefused(f"{path.name}: the first sheet is empty.")
    while headers and not headers[-1]:
        headers.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        book = open_book()
        try:
            for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
                if number > header_row:
                    yield number, [_cell_text(v, epoch) for v in values]
        finally:
            book.close()

    return Table(path, headers, rows, total, "Excel workbook", epoch)


# --- problems and reports ----------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    reason: str
    file: str = ""  # named when the rows come from one file of a set
    warning: bool = False  # worth a look, but the row is imported

    def __str__(self) -> str:
        where = f"{self.file} row {self.row:,}" if self.file else f"row {self.row:,}"
        if self.warning:
            where = f"warning: {where}"
        return f'{where}, column "{self.column}": {self.reason}' if self.column else f"{where}: {self.reason}"


@dataclass
class Plan:
    """What writing would do; built by a kind from the valid records."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    removed: int = 0  # records the file withdraws (a OneRoster delta)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    work: Any = None  # the kind's own description of the writes


@dataclass
class Report:
    kind: str
    noun: str
    path: Path
    format: str
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    removed: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # rows imported, but worth a look
    notes: list[str] = field(default_factory=list)
    skipped: dict[tuple[str, str], int] = field(default_factory=dict)  # (group, value) → rows
    dry_run: bool = False
    written: bool = False

    def skipped_line(self) -> str:
        """ "412 pre-kindergarten and ungraded rows skipped (PK 300, UG 112)", '' when none."""
        groups: dict[str, dict[str, int]] = {}
        for (group, value), n in sorted(self.skipped.items()):
            groups.setdefault(group, {})[value] = n
        return "; ".join(
            f"{sum(by.values()):,} {group} row{'s' if sum(by.values()) != 1 else ''} skipped ("
            + ", ".join(f"{value or 'blank'} {n:,}" for value, n in
                        sorted(by.items(), key=lambda kv: -kv[1])) + ")"
            for group, by in groups.items())

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    def summary(self) -> str:
        """One line: rows read, added, updated, unchanged, rejected."""
        tail = f" · withdrawn {self.removed:,}" if self.removed else ""
        tail += f" · rows rejected {self.rejected:,}"
        if self.duplicates:
            tail += f" · repeated rows skipped {self.duplicates:,}"
        for group in dict.fromkeys(g for g, _ in self.skipped):
            tail += (f" · {group} rows skipped "
                     f"{sum(n for (g, _), n in self.skipped.items() if g == group):,}")
        if self.dry_run:
            return (f"dry run, nothing written: rows read {self.rows_read:,} · {self.noun} to add "
                    f"{self.added:,} · to update {self.updated:,} · unchanged {self.unchanged:,}"
                    + tail)
        if not self.written:
            rows = "row" if self.rejected == 1 else "rows"
            return (f"nothing written ({self.rejected:,} invalid {rows}): rows read "
                    f"{self.rows_read:,} · {self.noun} added 0 · updated 0 · unchanged 0" + tail)
        return (f"rows read {self.rows_read:,} · {self.noun} added {self.added:,} · "
                f"updated {self.updated:,} · unchanged {self.unchanged:,}" + tail)


@dataclass(slots=True)
class Record:
    row: int
    values: dict[str, Any]


class ImportKind:
    """One kind of file. Subclasses give `fields` and implement `check` (optional), `plan`
    and `write`."""

    key: str = ""
    label: str = ""
    noun: str = "rows"
    fields: tuple[Field, ...] = ()
    audit_action: str = ""
    """The audit trail's name for a written import of this kind (default: "<key>_imported")."""

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    def for_file(self, path: Path) -> ImportKind:
        """The kind as it imports `path` (a kind may read something from the file's name)."""
        return self

    def explain_missing(self, mapping: Mapping) -> str:
        """A sentence for a file refused for a missing column, when the kind can tell more."""
        return ""

    def check(self, record: Record, columns: dict[str, str]) -> list[Problem]:
        """Cross-field checks on one parsed row. `columns`: field key → header text. A problem
        marked `warning` is reported and the row still imported."""
        return []

    def plan(self, store: Store, records: list[Record], mapped: set[str],
             columns: dict[str, str]) -> Plan:
        raise NotImplementedError

    def write(self, store: Store, plan: Plan, progress: Callable[[int, int], None],
              cancelled: CancelCheck) -> None:
        raise NotImplementedError


# --- mapping -----------------------------------------------------------------------------------

@dataclass
class Mapping:
    """Field key → header for one file, and which fields still lack a column."""

    columns: dict[str, str]
    missing_required: list[Field]
    unknown_headers: list[str]  # in the saved mapping but not in this file


def resolve_mapping(kind: ImportKind, headers: list[str], *,
                    saved: dict[str, str | None] | None = None,
                    overrides: dict[str, str | None] | None = None,
                    samples: list[list[str]] | None = None) -> Mapping:
    """The guesses (from the headers and the `samples` rows' values), then `saved`, then
    `overrides`: a field given None or '' there is "not in this file", never guessed again."""
    columns = guess_mapping(kind.fields, headers, samples)
    unknown: list[str] = []
    present = set(headers)
    keys = {f.key for f in kind.fields}
    for source in (saved or {}), (overrides or {}):
        for key, header in source.items():
            if key not in keys:
                continue
            if not header:
                columns.pop(key, None)
            elif header in present:
                for other, h in list(columns.items()):
                    if h == header and other != key:
                        del columns[other]
                columns[key] = header
            else:
                unknown.append(header)
    missing = [f for f in kind.fields if f.required and f.key not in columns]
    return Mapping(columns, missing, unknown)


def refuse_missing(kind: ImportKind, table: Table, mapping: Mapping) -> None:
    if mapping.missing_required:
        names = ", ".join(f'"{f.label}"' for f in mapping.missing_required)
        hint = kind.explain_missing(mapping)
        raise ImportRefused(
            f"{table.path.name} has no column for {names}, which the {kind.label.lower()} import "
            f"needs; nothing was imported. {hint + ' ' if hint else ''}Columns found: "
            f"{', '.join(h for h in table.headers if h)}."
            " Rename the column, or map it (--mapping or the import dialog)."
        )


def saved_mapping_named(store: Store, kind: str, name: str) -> dict[str, str | None]:
    """The columns of the mapping saved as `name` for `kind`; refused, listing the saved ones,
    when there is none (the CLI's --mapping)."""
    saved = ImportMappingRepo(store).get(kind, name)
    if saved is None:
        names = [m.name for m in ImportMappingRepo(store).all(kind)]
        known = f"saved {kind} mappings: {', '.join(names)}" if names else \
            f"no {kind} mapping has been saved yet (save one in File → Import roster…)"
        raise ImportRefused(f'no saved mapping is called "{name}"; {known}.')
    return saved.columns


def saved_mapping_for(store: Store, kind: ImportKind, headers: list[str]) -> dict[str, str] | None:
    """The most recently saved mapping of `kind` whose columns all exist in `headers`."""
    present = set(headers)
    for saved in ImportMappingRepo(store).all(kind.key):
        if any(saved.columns.values()) and all(h in present for h in saved.columns.values() if h):
            return saved.columns
    return None


# --- the run -------------------------------------------------------------------------------------

def _row_parser(kind: ImportKind, columns: dict[str, str], position: dict[str, int]):
    """A function that turns one row's cells into a values dict (or None, listing problems).

    It is generated for the mapping at hand, so that a 100,000-row file does not pay for a
    loop over fields on every row. It behaves like this loop:

        for each required field with an empty cell: problem "the <field> is missing"
        for each mapped field: value = field.parse(cell.strip()), or the FieldError's problem
        a SkipRow from any field: the row is counted in `skipped` (by group and value), and
        none of its problems is listed

    A row that is all right (nearly every row) is read in one expression; only a row with a
    problem goes through the fields one by one, to name every problem it has.
    """
    env: dict[str, Any] = {"Problem": Problem, "FieldError": FieldError, "SkipRow": SkipRow}
    mapped = [(n, f, position[columns[f.key]]) for n, f in enumerate(kind.fields)
              if f.key in columns]
    required = [i for _, f, i in mapped if f.required]
    fast = ", ".join(f"{f.key!r}: c{i}" if f.parse is _text else f"{f.key!r}: P{n}(c{i}, ctx)"
                     for n, f, i in mapped)
    lines = ["def parse_row(cells, number, ctx, problems, skipped):",
             *(f"    c{i} = cells[{i}].strip()" for i in sorted({i for _, _, i in mapped})),
             f"    if {' and '.join(f'c{i}' for i in required) or 'True'}:",
             "        try:",
             f"            return {{{fast}}}",
             "        except FieldError:",
             "            pass",
             "    found = []",
             "    v = {}",
             "    try:"]
    for n, f, i in mapped:
        env[f"H{n}"], env[f"P{n}"] = columns[f.key], f.parse
        indent = "        "
        if f.required:
            env[f"M{n}"] = f"the {f.label.lower()} is missing"
            lines += [f"        if not c{i}:",
                      f"            found.append(Problem(number, H{n}, M{n}))",
                      "        else:"]
            indent = "            "
        lines += [f"{indent}try:",
                  f"{indent}    v[{f.key!r}] = P{n}(c{i}, ctx)",
                  f"{indent}except SkipRow:",
                  f"{indent}    raise",
                  f"{indent}except FieldError as err:",
                  f"{indent}    found.append(Problem(number, H{n}, str(err)))"]
    lines += ["        pass",
              "    except SkipRow as err:",
              "        key = (err.group, err.value)",
              "        skipped[key] = skipped.get(key, 0) + 1",
              "        return None",
              "    problems.extend(found)",
              "    return None if found else v"]
    exec(compile("\n".join(lines), f"<row parser for {kind.key}>", "exec"), env)  # noqa: S102
    return env["parse_row"]


def check_rows(kind: ImportKind, table: Table, columns: dict[str, str], *,
               progress: Progress | None = None, cancelled: CancelCheck | None = None,
               skipped: dict[tuple[str, str], int] | None = None,
               warnings: list[Problem] | None = None,
               ) -> tuple[int, list[Record], list[Problem]]:
    """Parse every row; returns (rows read, valid records, problems). Rows a field skips are
    counted in `skipped`: (group, value) → rows; the kind's warnings go to `warnings`."""
    ctx = ParseContext(epoch=table.epoch)
    position = {h: i for i, h in reversed(list(enumerate(table.headers)))}
    parse_row = _row_parser(kind, columns, position)
    needed = max(position[h] for h in columns.values()) + 1 if columns else 0
    rows_read, records, problems = 0, [], []
    skipped = {} if skipped is None else skipped
    warnings = [] if warnings is None else warnings
    total = table.total
    check = kind.check
    checks = type(kind).check is not ImportKind.check
    for number, cells in table.rows():
        if number % PROGRESS_EVERY == 0:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress("Checking rows", number, total)
        if not any(cells):
            continue
        if len(cells) < needed:
            if not any(c.strip() for c in cells):
                continue
            cells = cells + [""] * (needed - len(cells))
        rows_read += 1
        values = parse_row(cells, number, ctx, problems, skipped)
        if values is None:
            continue
        record = Record(number, values)
        if checks:
            found = check(record, columns)
            if found:
                errors = [p for p in found if not p.warning]
                warnings.extend(p for p in found if p.warning)
                if errors:
                    problems.extend(errors)
                    continue
        records.append(record)
    return rows_read, records, problems


def run_import(store: Store, path: Path, kind: ImportKind, *, mapping: dict[str, str] | None = None,
               dry_run: bool = False, skip_invalid: bool = False,
               progress: Progress | None = None, cancelled: CancelCheck | None = None,
               table: Table | None = None) -> Report:
    """Import `path` as `kind`. `mapping` (field key → header) corrects the guesses.

    Raises `ImportRefused` (nothing read), `ImportCancelled` (nothing written) or a
    `StoreError` (nothing written); `AccessDenied` without ROSTER_IMPORT."""
    require(store, ROSTER_IMPORT)
    with _collector_paused():
        return _run_import(store, path, kind, mapping, dry_run, skip_invalid, progress, cancelled,
                           table)


@contextmanager
def _collector_paused():
    """Python's cycle collector paused: a big file's rows are hundreds of thousands of plain
    containers without cycles, and each full collection would walk them all again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_import(store: Store, path: Path, kind: ImportKind, mapping: dict[str, str] | None,
                dry_run: bool, skip_invalid: bool, progress: Progress | None,
                cancelled: CancelCheck | None, table: Table | None) -> Report:
    table = table or read_table(path, kind.key)
    refuse_missing(kind, table, resolve_mapping(kind, table.headers, saved=mapping))  # no row read
    resolved = resolve_mapping(kind, table.headers, saved=mapping,
                               samples=[cells for _, cells in table.preview(SAMPLE_ROWS)])
    refuse_missing(kind, table, resolved)
    report = Report(kind.key, kind.noun, Path(path), table.format, dry_run=dry_run)
    rows_read, records, problems = check_rows(kind, table, resolved.columns, progress=progress,
                                              cancelled=cancelled, skipped=report.skipped,
                                              warnings=report.warnings)
    report.rows_read = rows_read
    if cancelled is not None and cancelled():
        raise ImportCancelled()
    if progress is not None:
        progress("Comparing with the database", 0, 0)
    plan = kind.plan(store, records, set(resolved.columns), resolved.columns)
    report.problems = sorted(problems + plan.problems, key=lambda p: (p.row, p.column))
    if table.row_file:
        report.problems = [replace(p, file=table.row_file) for p in report.problems]
        report.warnings = [replace(p, file=table.row_file) for p in report.warnings]
    report.added, report.updated, report.unchanged = plan.added, plan.updated, plan.unchanged
    report.duplicates, report.removed = plan.duplicates, plan.removed
    report.notes = [*table.notes, *([report.skipped_line()] if report.skipped else []),
                    *plan.notes]
    if dry_run or (report.problems and not skip_invalid):
        return report
    if plan.added or plan.updated or plan.removed:
        def step(done: int, total: int) -> None:
            if progress is not None:
                progress("Writing", done, total)

        cache = store.conn.execute("PRAGMA cache_size").fetchone()[0]
        store.conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
        try:
            with store.transaction() as db:
                kind.write(store, plan, step, cancelled or (lambda: False))
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                _note_import(db, store, kind, report)
        finally:
            store.conn.execute(f"PRAGMA cache_size = {int(cache)}")
    else:
        with store.transaction() as db:
            _note_import(db, store, kind, report)
    report.written = True
    return report


def _note_import(db, store: Store, kind: ImportKind, report: Report) -> None:
    """The import's one audit entry: what file, and how many rows did what."""
    trail.note(db, store, kind.audit_action or f"{kind.key}_imported", detail={
        "kind": kind.key, "file": report.path.name, "format": report.format, "rows_read": report.rows_read,
        "added": report.added, "updated": report.updated, "unchanged": report.unchanged,
        "rejected": report.rejected, "duplicates": report.duplicates, "withdrawn": report.removed,
        "skipped": sum(report.skipped.values())})


def open_thread_store(store: Store) -> Store:
    """A second connection to an open, migrated database, for a worker thread's import."""
    return store.reopen()
