"""The import dialog's presenter: choose a file, check the column mapping against a preview,
check every row (a dry run), then import in one transaction with progress and Cancel.

The slow steps (checking and writing) run through a `TaskRunner` so the window stays
responsive; the app gives a thread-pool runner, tests a synchronous one. The task opens its own
database connection (one connection per thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mocap_desktop.core.messages import count_of
from mocap_desktop.services.importing import (
    SAMPLE_ROWS,
    ImportCancelled,
    ImportRefused,
    Report,
    Table,
    read_table,
    resolve_mapping,
    run_import,
    saved_mapping_for,
)
from mocap_desktop.services.catalog import CatalogKind
from mocap_desktop.services.roster import KINDS as ROSTER_KINDS
from mocap_desktop.store import Store, StoreError
from mocap_desktop.store.import_mappings import ImportMappingRepo
from mocap_desktop.store.students import StudentRepo

log = logging.getLogger(__name__)

KINDS = {**ROSTER_KINDS, CatalogKind.key: CatalogKind()}  # what a file may hold

PREVIEW_ROWS = 8
PROBLEMS_SHOWN = 2000  # the list in the dialog; the summary counts them all


@dataclass(frozen=True)
class MappingRow:
    key: str
    label: str
    required: bool
    header: str | None  # the column chosen, None for "not in this file"
    sample: str  # the first non-empty value of that column


@dataclass(frozen=True)
class ProblemLine:
    row: str
    column: str
    reason: str


class ImportView(Protocol):
    def show_kinds(self, kinds: list[tuple[str, str]], current: str) -> None: ...
    def show_file(self, name: str, info: str) -> None: ...
    def show_mapping(self, rows: list[MappingRow], headers: list[str]) -> None: ...
    def show_preview(self, columns: list[str], rows: list[list[str]]) -> None: ...
    def show_saved_mappings(self, names: list[str], current: str) -> None: ...
    def show_problems(self, problems: list[ProblemLine], more: int) -> None: ...
    def show_message(self, text: str, level: str) -> None: ...  # level: info, warning, error, done
    def set_actions(self, can_check: bool, can_import: bool) -> None: ...
    def set_busy(self, busy: bool) -> None: ...
    def offer_next_import(self, kind: str, label: str) -> None: ...  # kind "" hides the offer
    def show_progress(self, phase: str, done: int, total: int) -> None: ...
    def ask_open_file(self) -> Path | None: ...
    def ask_mapping_name(self, suggested: str) -> str | None: ...


class TaskRunner(Protocol):
    def run(self, task: Callable[[Callable[[str, int, int], None], Callable[[], bool]], Any],
            on_progress: Callable[[str, int, int], None],
            on_done: Callable[[Any, BaseException | None], None]) -> None: ...


class SyncRunner:
    """Runs the task at once, in the caller's thread (tests, the CLI)."""

    def run(self, task, on_progress, on_done) -> None:
        try:
            result = task(on_progress, lambda: False)
        except BaseException as exc:  # noqa: BLE001 - handed to on_done like a worker would
            on_done(None, exc)
        else:
            on_done(result, None)


class ImportPresenter:
    def __init__(self, view: ImportView, store: Store, runner: TaskRunner,
                 open_store: Callable[[], Store], on_imported: Callable[[], None] = lambda: None):
        self.view = view
        self.store = store
        self.runner = runner
        self.open_store = open_store  # a connection for the worker thread
        self.on_imported = on_imported
        self.kind = KINDS["students"]
        self.table: Table | None = None
        self.path: Path | None = None
        self.columns: dict[str, str] = {}
        self.mapping_name = ""
        self.checked: Report | None = None
        self.busy = False
        self._cancel = threading.Event()

    # --- set-up -------------------------------------------------------------------------
    def start(self, path: Path | None = None) -> None:
        self.view.show_kinds([(k.key, k.label) for k in KINDS.values()], self.kind.key)
        self._show_saved()
        self.view.show_mapping([], [])
        self.view.show_preview([], [])
        self.view.show_problems([], 0)
        self.view.show_message("Choose the file your student information system exported (CSV "
                               "or Excel .xlsx), or a OneRoster or School Data Sync zip.", "info")
        self.view.set_actions(False, False)
        if path is not None:
            self.file_chosen(path)

    def browse_requested(self) -> None:
        path = self.view.ask_open_file()
        if path is not None:
            self.file_chosen(path)

    def kind_changed(self, key: str) -> None:
        if key == self.kind.key or key not in KINDS:
            return
        self.kind = KINDS[key]
        self.mapping_name = ""
        self._show_saved()
        if self.table is not None and self.table.row_file and self.path is not None:
            self.file_chosen(self.path)  # a set reads as a table of this kind
        elif self.table is not None:
            self._map(saved_mapping_for(self.store, self.kind, self.table.headers))

    def file_chosen(self, path: Path) -> None:
        try:
            table = read_table(path, self.kind.key)
        except ImportRefused as err:
            self.table = None
            self.view.show_file(Path(path).name, "")
            self.view.show_mapping([], [])
            self.view.show_preview([], [])
            self.view.show_message(str(err), "error")
            self.view.set_actions(False, False)
            return
        self.path, self.table = Path(path), table
        rows = f"{table.total:,} row{'s' if table.total != 1 else ''}" if table.total else "no rows"
        self.view.show_file(self.path.name, f"{table.format} · {len(table.headers)} columns · "
                                            f"{table.contents or rows + ' after the header'}")
        saved = saved_mapping_for(self.store, self.kind, table.headers)
        self.mapping_name = ""
        if saved is not None:
            for m in ImportMappingRepo(self.store).all(self.kind.key):
                if m.columns == saved:
                    self.mapping_name = m.name
                    break
        self._show_saved()
        self._map(saved)

    def _show_saved(self) -> None:
        names = [m.name for m in ImportMappingRepo(self.store).all(self.kind.key)]
        self.view.show_saved_mappings(names, self.mapping_name)

    def _map(self, saved: dict[str, str | None] | None) -> None:
        assert self.table is not None
        resolved = resolve_mapping(self.kind, self.table.headers, saved=saved,
                                   samples=[cells for _, cells in self.table.preview(SAMPLE_ROWS)])
        self.columns = dict(resolved.columns)
        self._after_mapping()

    def mapping(self) -> dict[str, str | None]:
        """Every field's column, None for "not in this file": what the import and a saved
        mapping use as it stands, so that a field unmapped here is never guessed again."""
        return {f.key: self.columns.get(f.key) for f in self.kind.fields}

    # --- mapping ------------------------------------------------------------------------
    def mapping_changed(self, key: str, header: str | None) -> None:
        if self.table is None:
            return
        if header:
            for other, h in list(self.columns.items()):
                if h == header and other != key:
                    del self.columns[other]  # one column feeds one field
            self.columns[key] = header
        else:
            self.columns.pop(key, None)
        self._after_mapping()

    def saved_mapping_chosen(self, name: str) -> None:
        saved = ImportMappingRepo(self.store).get(self.kind.key, name) if name else None
        if self.table is None:
            return
        self.mapping_name = saved.name if saved else ""
        self._map(saved.columns if saved else None)

    def save_mapping_requested(self) -> None:
        if self.table is None:
            return
        name = self.view.ask_mapping_name(self.mapping_name or "SIS export")
        if not name or not name.strip():
            return
        try:
            ImportMappingRepo(self.store).save(self.kind.key, name, self.mapping())
        except StoreError as err:
            self.view.show_message(str(err), "error")
            return
        self.mapping_name = name.strip()
        self._show_saved()
        self.view.show_message(f"Mapping saved as “{self.mapping_name}”; it is used again for files "
                               "with these columns.", "info")

    def _after_mapping(self) -> None:
        assert self.table is not None
        self.checked = None
        preview = self.table.preview(PREVIEW_ROWS)
        position = {h: i for i, h in reversed(list(enumerate(self.table.headers)))}
        samples: dict[str, str] = {}
        for key, header in self.columns.items():
            i = position[header]
            samples[key] = next((cells[i].strip() for _, cells in preview
                                 if i < len(cells) and cells[i].strip()), "")
        rows = [MappingRow(f.key, f.label, f.required, self.columns.get(f.key),
                           samples.get(f.key, "")) for f in self.kind.fields]
        self.view.show_mapping(rows, [h for h in self.table.headers if h])
        mapped = [f for f in self.kind.fields if f.key in self.columns]
        self.view.show_preview(
            ["Row", *(f.label for f in mapped)],
            [[f"{n:,}", *((cells[position[self.columns[f.key]]].strip()
                          if position[self.columns[f.key]] < len(cells) else "") for f in mapped)]
             for n, cells in preview])
        self.view.show_problems([], 0)
        missing = [f.label for f in self.kind.fields if f.required and f.key not in self.columns]
        if missing:
            self.view.show_message("Choose a column for: " + ", ".join(missing) +
                                   ". A required field needs a column before anything is read.",
                                   "warning")
            self.view.set_actions(False, False)
        else:
            self.view.show_message(f"{len(self.columns)} of {len(self.kind.fields)} fields have a "
                                   "column. Check the preview, then Check rows.", "info")
            self.view.set_actions(True, False)

    # --- check and import ---------------------------------------------------------------
    def check_requested(self) -> None:
        self._run(dry_run=True, skip_invalid=False)

    def import_requested(self, skip_invalid: bool) -> None:
        self._run(dry_run=False, skip_invalid=skip_invalid)

    def cancel_requested(self) -> None:
        if self.busy:
            self._cancel.set()
            self.view.show_message("Cancelling… nothing will be saved.", "warning")

    def close_requested(self) -> bool:
        """True when the dialog may close (asks to cancel a running import first)."""
        if self.busy:
            self.cancel_requested()
            return False
        return True

    def _run(self, *, dry_run: bool, skip_invalid: bool) -> None:
        if self.table is None or self.path is None or self.busy:
            return
        path, kind, columns = self.path, self.kind.for_file(self.path), self.mapping()
        self._cancel.clear()
        cancel = self._cancel

        def task(progress, cancelled):
            store = self.open_store()
            try:
                return run_import(store, path, kind, mapping=columns, dry_run=dry_run,
                                  skip_invalid=skip_invalid, progress=progress,
                                  cancelled=lambda: cancel.is_set() or cancelled())
            finally:
                store.close()

        self.busy = True
        self.view.set_busy(True)
        self.view.set_actions(False, False)
        self.view.show_message("Checking every row…" if dry_run else "Importing…", "info")
        self.runner.run(task, self.view.show_progress,
                        lambda report, error: self._finished(report, error, dry_run))

    def _finished(self, report: Report | None, error: BaseException | None, dry_run: bool) -> None:
        self.busy = False
        self.view.set_busy(False)
        if error is not None:
            self.checked = None
            if isinstance(error, ImportCancelled):
                self.view.show_message("Cancelled. Nothing was changed.", "warning")
            elif isinstance(error, (ImportRefused, StoreError)):
                self.view.show_message(f"{error} Nothing was changed.", "error")
            else:
                log.error("Import failed: %s", type(error).__name__, exc_info=error)
                self.view.show_message(f"The import failed ({type(error).__name__}). Nothing was "
                                       "changed. The details are in the log file.", "error")
            self.view.set_actions(True, False)
            return
        assert report is not None
        listed = [*report.problems, *report.warnings]
        problems = [ProblemLine(f"{p.row:,}", p.column, f"Warning: {p.reason}" if p.warning else p.reason)
                    for p in listed[:PROBLEMS_SHOWN]]
        self.view.show_problems(problems, max(len(listed) - PROBLEMS_SHOWN, 0))
        notes = " ".join(report.notes)
        log.info("Import %s: %s", "checked" if dry_run else "run", report.summary())
        if dry_run:
            self.checked = report
            verdict = (f"Would add {report.added:,} and update {report.updated:,} {report.noun}; "
                       f"{report.unchanged:,} unchanged.")
            if report.duplicates:
                verdict += f" {count_of(report.duplicates, 'repeated row')} will be skipped."
            if report.problems:
                verdict += (f" {count_of(report.rejected, 'row')} {'has' if report.rejected == 1 else 'have'} "
                            "problems (listed above): fix the file and check again, or import the valid "
                            "rows only.")
            if report.warnings:
                verdict += (f" {count_of(len(report.warnings), 'warning')} (listed above): those rows are "
                            "imported; check them.")
            self.view.show_message(f"{count_of(report.rows_read, 'row')} checked. {verdict} {notes}".strip(),
                                   "warning" if report.problems else "info")
            self.view.set_actions(True, True)
            return
        self.checked = None
        if not report.written:
            self.view.show_message(
                f"Nothing was imported: {count_of(report.rejected, 'row')} {'has' if report.rejected == 1 else 'have'} "
                "problems (listed above). Fix them, or tick “Import the valid rows only”.", "error")
            self.view.set_actions(True, True)
            return
        done = (f"Imported. {count_of(report.rows_read, 'row')} read: "
                f"{count_of(report.added, report.noun.removesuffix('s'), report.noun)} added, "
                f"{report.updated:,} updated, {report.unchanged:,} unchanged")
        if report.rejected:
            done += f"; {count_of(report.rejected, 'row')} with problems skipped"
        if report.duplicates:
            done += f"; {count_of(report.duplicates, 'repeated row')} skipped"
        done += "."
        missing = StudentRepo(self.store).count_without_enrollments() if self.kind.key == "students" else 0
        if missing:
            done += (f" {count_of(missing, 'student')} on the roster {'has' if missing == 1 else 'have'} no enrollment "
                     "history, which the eligibility rules need (current enrollment, prior term): import "
                     "the enrollment file from the SIS next.")
        self.view.show_message(f"{done} {notes}".strip(), "warning" if missing else "done")
        self.view.offer_next_import("enrollments" if missing else "", "Import enrollment history next…")
        self.view.set_actions(True, False)
        self.on_imported()

    def next_import_requested(self, kind: str) -> None:
        """The offer after an import (students without enrollment history): that kind of file next."""
        self.view.offer_next_import("", "")
        self.kind_changed(kind)
        self.view.show_kinds([(k.key, k.label) for k in KINDS.values()], self.kind.key)
        self.browse_requested()
