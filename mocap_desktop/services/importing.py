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
5. unless a dry run: write in one transaction. A kind with a `chunk` size streams: steps 3 to 5
   run a chunk of rows at a time, so that memory stays flat however big the file; a file
   with an invalid row (without `skip_invalid`) is checked to its end, and the transaction
   rolled back. Cancel or any failure rolls it back too, leaving the database exactly as it was.

Importing needs ROSTER_IMPORT (core.access). A written import is one audit entry with its
counts, in the same transaction; the kinds add one entry per changed record (its changed fields
before and after).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mocap_desktop.core.access import ROSTER_IMPORT, require
from mocap_desktop.services.import_fields import (  # the engine's names, importable from here
    EXCEL_1900,
    EXCEL_1904,
    Field,
    FieldError,
    ImportCancelled,
    ImportRefused,
    ParseContext,
    SkipRow,
    _text,
    guess_mapping,
    normalize_header,
    padded_code,
    parse_date,
    parse_flag,
    required_date,
    required_text,
)
from mocap_desktop.services.import_files import Table, decode_bytes, read_table, sniff_encoding, text_lines
from mocap_desktop.store import Store, trail
from mocap_desktop.store.import_mappings import ImportMappingRepo

if TYPE_CHECKING:
    from mocap_desktop.services.import_reader import Reader

__all__ = [
    "EXCEL_1900", "EXCEL_1904", "Field", "FieldError", "ImportCancelled", "ImportRefused",
    "ParseContext", "SkipRow", "guess_mapping", "normalize_header", "padded_code", "parse_date",
    "parse_flag", "required_date", "required_text", "Table", "decode_bytes", "read_table",
    "sniff_encoding", "text_lines",
    "Problem", "Plan", "Report", "Record", "ImportKind", "Mapping", "resolve_mapping",
    "refuse_missing", "saved_mapping_named", "saved_mapping_for", "check_rows", "record_chunks",
    "run_import", "Planner",
    "open_thread_store", "Progress", "CancelCheck", "PROGRESS_EVERY", "SAMPLE_ROWS",
    "IMPORT_CACHE_KIB", "BULK_ROWS",
]

Progress = Callable[[str, int, int], None]  # (phase, done, total)
CancelCheck = Callable[[], bool]

PROGRESS_EVERY = 2000
SAMPLE_ROWS = 50  # rows whose values check the guesses
IMPORT_CACHE_KIB = -16384  # a 16 MiB page cache while writing: the import streams, chunk by chunk
BULK_ROWS = 20_000  # a file this long is written through the rollback journal when it can be (Store.bulk_write)


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

    def check(self, record: Record, columns: dict[str, str], ctx: ParseContext) -> list[Problem]:
        """Cross-field checks on one parsed row. `columns`: field key → header text; `ctx`: the
        file's parse context (its day of reading). A problem marked `warning` is reported and
        the row still imported."""
        return []

    def deriver(self, columns: dict[str, str]) -> Callable[[dict], None] | None:
        """A function that adds to a valid row's values what follows from them alone, without
        the database (made once per import for its `columns`: field key → header), or None.
        It runs where the rows are read: for a big file in the reader process, which has time to
        spare while this one plans and writes."""
        return None

    def plan(self, store: Store, records: list[Record], mapped: set[str],
             columns: dict[str, str]) -> Plan:
        raise NotImplementedError

    def write(self, store: Store, plan: Plan, cancelled: CancelCheck) -> None:
        raise NotImplementedError

    chunk: int = 0
    """Records planned and written at a time; 0: the whole file in one plan. A kind that streams
    gives a `Planner` of its own, which keeps what it must know from one chunk to the next."""

    def planner(self, store: Store, mapped: set[str], columns: dict[str, str]) -> Planner:
        return Planner(self, store, mapped, columns)


class Planner:
    """One import's plans and writes, chunk by chunk. This one makes the kind's plan of the
    whole file; a streaming kind's keeps state between chunks and gives a last plan from
    `finish` (rows it had to hold back until the whole file was read)."""

    def __init__(self, kind: ImportKind, store: Store, mapped: set[str], columns: dict[str, str]):
        self.kind, self.store, self.mapped, self.columns = kind, store, mapped, columns

    def plan(self, records: list[Record]) -> Plan:
        return self.kind.plan(self.store, records, self.mapped, self.columns)

    def write(self, plan: Plan, cancelled: CancelCheck) -> None:
        self.kind.write(self.store, plan, cancelled)

    def finish(self) -> Plan:
        return Plan()


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


def record_chunks(kind: ImportKind, table: Table, columns: dict[str, str], size: int,
                  problems: list[Problem], skipped: dict[tuple[str, str], int],
                  warnings: list[Problem], *, phase: str = "Checking rows",
                  progress: Progress | None = None, cancelled: CancelCheck | None = None,
                  ) -> Iterator[tuple[int, list[Record]]]:
    """Parse the rows and give the valid records `size` at a time (0: all of them at once, even
    none), each time with the rows read so far, their values completed by the kind's `deriver`.
    Problems go to `problems`, the kind's warnings to `warnings`, rows a field skips are counted
    in `skipped`: (group, value) → rows."""
    ctx = ParseContext(epoch=table.epoch)
    position = {h: i for i, h in reversed(list(enumerate(table.headers)))}
    parse_row = _row_parser(kind, columns, position)
    needed = max(position[h] for h in columns.values()) + 1 if columns else 0
    rows_read, records = 0, []
    total = table.total
    check = kind.check
    checks = type(kind).check is not ImportKind.check
    derive = kind.deriver(columns)
    # The first chunk a fifth the size: the import it streams to has something to do sooner.
    limit = max(size // 5, 1) if size else 0
    for number, cells in table.rows():
        if number % PROGRESS_EVERY == 0:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(phase, number, total)
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
            found = check(record, columns, ctx)
            if found:
                errors = [p for p in found if not p.warning]
                warnings.extend(p for p in found if p.warning)
                if errors:
                    problems.extend(errors)
                    continue
        if derive is not None:
            derive(values)
        records.append(record)
        if len(records) == limit:
            yield rows_read, records
            records, limit = [], size
    if records or not size:
        yield rows_read, records


def check_rows(kind: ImportKind, table: Table, columns: dict[str, str], *,
               warnings: list[Problem] | None = None,
               ) -> tuple[int, list[Record], list[Problem]]:
    """Parse every row; returns (rows read, valid records, problems); the kind's warnings go
    to `warnings`."""
    problems: list[Problem] = []
    (rows_read, records), = record_chunks(kind, table, columns, 0, problems, {},
                                          [] if warnings is None else warnings)
    return rows_read, records, problems


def read_records(kind: ImportKind, path: Path) -> tuple[int, list[Record], list[Problem]]:
    """A file read for a check that writes nothing (an invoice, a provider's list): its columns
    guessed from the headers and values, a missing required one refused (`ImportRefused`), every
    row parsed. Returns (rows read, valid records, problems)."""
    table = read_table(Path(path), kind.key)
    mapping = resolve_mapping(kind, table.headers, samples=[cells for _, cells in table.preview(50)])
    refuse_missing(kind, table, mapping)
    return check_rows(kind, table, mapping.columns)


def run_import(store: Store, path: Path, kind: ImportKind, *, mapping: dict[str, str] | None = None,
               dry_run: bool = False, skip_invalid: bool = False,
               progress: Progress | None = None, cancelled: CancelCheck | None = None,
               table: Table | None = None, reader: Reader | None = None) -> Report:
    """Import `path` as `kind`. `mapping` (field key → header) corrects the guesses. `table`: the
    file already read (the import dialog's); `reader`: a `start_reader` of `path` for `kind`,
    already reading it (the caller closes it).

    Raises `ImportRefused` (nothing read), `ImportCancelled` (nothing written) or a
    `StoreError` (nothing written); `AccessDenied` without ROSTER_IMPORT."""
    require(store, ROSTER_IMPORT)
    with _collector_paused():
        return _run_import(store, path, kind, mapping, dry_run, skip_invalid, progress, cancelled,
                           table, reader)


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


class _Discard(Exception):
    """Raised inside the import's transaction to roll it back: the file has invalid rows."""


def _resolved(kind: ImportKind, table: Table, mapping: dict[str, str] | None) -> Mapping:
    """The columns of `table` for `kind` (the saved `mapping` correcting the guesses), or
    `ImportRefused` naming a required one that is missing."""
    refuse_missing(kind, table, resolve_mapping(kind, table.headers, saved=mapping))  # no row read
    resolved = resolve_mapping(kind, table.headers, saved=mapping,
                               samples=[cells for _, cells in table.preview(SAMPLE_ROWS)])
    refuse_missing(kind, table, resolved)
    return resolved


@dataclass(frozen=True)
class _TableFacts:
    """What an import reports of the table it read."""

    format: str
    total: int
    row_file: str
    notes: list[str]


def _facts(table: Table) -> _TableFacts:
    return _TableFacts(table.format, table.total, table.row_file, list(table.notes))


RowChunks = Callable[[list, dict, list], Iterator[tuple[int, list[Record]]]]


@contextmanager
def _checked_rows(path: Path, kind: ImportKind, mapping: dict[str, str] | None, table: Table | None,
                  reader: Reader | None, phase: str, progress: Progress | None,
                  cancelled: CancelCheck | None) -> Iterator[tuple[_TableFacts, Mapping, RowChunks]]:
    """(what the table is, its columns, `chunks(problems, skipped, warnings)`: `record_chunks` of
    its rows), the file read here, or a big one by a `Reader` (the one given, else one started
    here)."""
    from mocap_desktop.services.import_reader import start_reader

    with ExitStack() as owned:
        if reader is None and table is None and (reader := start_reader(path, kind)) is not None:
            owned.enter_context(reader)
        if reader is not None:
            if (reader.path, reader.kind.key) != (Path(path), kind.key):
                raise ValueError(f"the reader reads {reader.path} as {reader.kind.key}, not {path} as {kind.key}")
            facts, resolved = reader.begin(mapping)
            yield facts, resolved, lambda problems, skipped, warnings: reader.chunks(
                facts.total, phase, problems, skipped, warnings, progress, cancelled)
            return
        table = table or read_table(path, kind.key)
        resolved = _resolved(kind, table, mapping)

        def here(problems: list, skipped: dict, warnings: list):
            return record_chunks(kind, table, resolved.columns, kind.chunk, problems, skipped, warnings,
                                 phase=phase, progress=progress, cancelled=cancelled)
        yield _facts(table), resolved, here


def _run_import(store: Store, path: Path, kind: ImportKind, mapping: dict[str, str] | None,
                dry_run: bool, skip_invalid: bool, progress: Progress | None,
                cancelled: CancelCheck | None, table: Table | None, reader: Reader | None) -> Report:
    phase = "Checking rows" if dry_run else "Importing"
    with _checked_rows(path, kind, mapping, table, reader, phase, progress, cancelled) as (facts, resolved, rows):
        return _import_rows(store, path, kind, resolved, facts, rows, dry_run, skip_invalid, cancelled)


def _import_rows(store: Store, path: Path, kind: ImportKind, resolved: Mapping, table: _TableFacts,
                 rows: RowChunks, dry_run: bool, skip_invalid: bool, cancelled: CancelCheck | None) -> Report:
    report = Report(kind.key, kind.noun, Path(path), table.format, dry_run=dry_run)
    planner = kind.planner(store, set(resolved.columns), resolved.columns)
    stop = cancelled or (lambda: False)
    problems: list[Problem] = []
    notes: list[str] = []
    chunks = rows(problems, report.skipped, report.warnings)

    def each_plan(writing: bool) -> None:
        """Plan chunk after chunk and, while every row so far is valid (or invalid ones are
        skipped), write each plan in the open transaction."""
        def plans() -> Iterator[Plan]:
            for report.rows_read, records in chunks:
                yield planner.plan(records)
            yield planner.finish()

        for plan in plans():
            problems.extend(plan.problems)
            notes.extend(plan.notes)
            for count in ("added", "updated", "unchanged", "duplicates", "removed"):
                setattr(report, count, getattr(report, count) + getattr(plan, count))
            writing = writing and (skip_invalid or not problems)
            if writing and (plan.added or plan.updated or plan.removed):
                planner.write(plan, stop)
            if stop():
                raise ImportCancelled()

    def finished() -> Report:
        report.problems = sorted(problems, key=lambda p: (p.row, p.column))
        if table.row_file:
            report.problems = [replace(p, file=table.row_file) for p in report.problems]
            report.warnings = [replace(p, file=table.row_file) for p in report.warnings]
        report.notes = [*table.notes, *([report.skipped_line()] if report.skipped else []), *notes]
        return report

    if dry_run:
        each_plan(False)
        return finished()
    cache = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
    try:
        with store.bulk_write() if table.total >= BULK_ROWS else nullcontext(), store.transaction() as db:
            each_plan(True)
            if problems and not skip_invalid:
                raise _Discard()
            _note_import(db, store, kind, finished())
    except _Discard:
        return finished()
    finally:
        store.conn.execute(f"PRAGMA cache_size = {int(cache)}")
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
