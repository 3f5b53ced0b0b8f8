"""Reading the file of an import: CSV (UTF-8 or UTF-16, each with or without a BOM,
Windows-1252; comma, tab, semicolon or bar), Excel .xlsx (first sheet, read-only), or a set of
files (OneRoster, School Data Sync: `roster_sets`), as one `Table` of header and rows. Part of
the import engine (`importing`)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mocap_desktop.services.import_fields import EXCEL_1900, EXCEL_1904, ImportRefused


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


def read_table(path: Path, what: str = "students", side: Callable[[], dict | None] | None = None) -> Table:
    """A file, or a set of files (OneRoster, School Data Sync v2: a zip, a folder, or one of
    its files) as one table of `what` (an import kind's key: students or enrollments).
    `side`: for a set, what gives its `side_tables` read in another process meanwhile."""
    from mocap_desktop.services import roster_sets

    path = Path(path)
    if roster_sets.is_set(path):
        return roster_sets.read_set(path, what, side)
    if not path.is_file():
        raise ImportRefused(f"{path} does not exist or is not a file.")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if path.suffix.lower() == ".xls":
        raise ImportRefused(f"{path.name} is an old Excel 97-2003 file: save it as .xlsx or CSV first.")
    return _read_csv(path)


def side_tables(path: Path) -> dict | None:
    """The part of reading `path` that the importing process can do while its reader process
    reads the rest (`read_table(side=…)`): for a set, what its `roles.csv` says
    (`roster_sets.side_tables`); None for a file read as one."""
    from mocap_desktop.services import roster_sets

    return roster_sets.side_tables(path) if roster_sets.is_set(Path(path)) else None


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


def text_lines(data: bytes, name: str = "The file", hint: str = "") -> tuple[io.TextIOWrapper, str]:
    """`decode_bytes` as a stream of lines, their ends kept (as `csv.reader` wants them): decoded
    as it is read, so that a big file's text is never held whole."""
    codec, label, _ = _text_codec(data, name, hint, keep=False)
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


def _line_count(data: bytes, lines: io.TextIOWrapper, read: int) -> int:
    """How many lines `data` has, each ended by "\n", "\r" or "\r\n" as `lines` (its text, of
    which `read` lines are read) splits them. Counted in the bytes where a line end is one byte
    (17 MB: 5 ms, 22 with "\r\n" ends, instead of 30 to decode and split the rest), else by
    reading on."""
    if lines.encoding.startswith("utf-16"):
        return read + sum(1 for _ in lines)
    count = data.count(b"\n")
    if b"\r" in data:
        count += data.count(b"\r") - data.count(b"\r\n")
    return count + (data[-1:] not in (b"\n", b"\r"))


def _read_csv(path: Path) -> Table:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImportRefused(f"{path} cannot be read: {err.strerror or err}.") from err
    hint = " Export the roster as CSV or .xlsx."
    lines, encoding = text_lines(data, path.name, hint)
    first, head = next(((i, line) for i, line in enumerate(lines) if line.strip()), (None, ""))
    if first is None:
        raise ImportRefused(f"{path.name} is empty.")
    total = _line_count(data, lines, first + 1) - 1 - first
    delimiter = max(",\t;|", key=head.count)
    headers = [h.strip().lstrip("\ufeff") for h in next(csv.reader([head], delimiter=delimiter))]
    if not any(headers):
        raise ImportRefused(f"{path.name} has no header row.")

    def rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(text_lines(data, path.name, hint)[0], delimiter=delimiter)
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
