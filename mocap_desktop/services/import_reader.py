"""A big file read, and its rows checked, in a process of its own while the importing process
plans and writes (`importing.run_import` starts one, or is given one started earlier: the CLI
starts it before it loads the import's modules and signs in). The two take about as long, and
an office PC has two cores or more. The reader is given nothing but the file, its kind (and,
once the import begins, the mapping): it never opens the database."""

from __future__ import annotations

import itertools
import marshal
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from mocap_desktop.services.import_files import side_tables

if TYPE_CHECKING:  # the engine is loaded where it runs: the CLI starts a reader before it loads
    from mocap_desktop.services.importing import (
        CancelCheck,
        ImportKind,
        Mapping,
        Problem,
        Progress,
        Record,
        Table,
        _TableFacts,
    )

# A file at least this big gets a reader (100,000 students from a OneRoster zip: 8.4 -> 6.5 s);
# smaller files are not worth starting a process for.
READER_PROCESS_BYTES = 4 * 2**20


def _sendable(kind: ImportKind) -> bool:
    """Can the reader process be given `kind` (a kind made inside a function cannot)?"""
    try:
        pickle.dumps(kind)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _input_bytes(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(f.stat().st_size for f in path.iterdir() if f.is_file())
        return path.stat().st_size
    except OSError:
        return 0


class Reader:
    """A big file read, and its rows checked, in a process of its own (`_read_elsewhere`), whose
    chunks arrive while the importing process plans and writes the ones before.

    It starts reading as soon as it is told the kind of file (`read_as`, or when it is made),
    before it is told the mapping (its first chunks read ahead with the columns the headers
    give, `_read_ahead`): the CLI makes it (`start_reader`) before signing in and opening the
    database, which then take no time of the import's. Meanwhile a thread of this process
    reads the part of the file it can (`side_tables`: a OneRoster set's `roles.csv`, 100,000
    students: 0.6 s of the set's 2 s), given to the reader when the import begins.
    `run_import(reader=…)` gives it the mapping and reads its chunks. Close it (or use it as a
    context manager): the process is stopped if it still runs."""

    def __init__(self, path: Path, kind: ImportKind | None = None):
        import multiprocessing  # only for big files: the app starts without it
        import threading

        self.path, self.kind = Path(path), None
        context = multiprocessing.get_context("spawn")  # a fresh process, as on Windows and macOS
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_read_elsewhere, args=(str(path), theirs),
                                        name="mocap-import-reader", daemon=True)
        self._process.start()
        theirs.close()
        self._side: list[dict | None] = []
        self._helper = threading.Thread(target=self._read_side, name="mocap-import-side", daemon=True)
        self._helper.start()
        if kind is not None:
            self.read_as(kind)

    def read_as(self, kind: ImportKind) -> None:
        """What the file holds, which the reader waits for before reading it (given at once,
        or by the CLI once it has loaded the import's modules, 60 ms after starting the reader)."""
        self.kind = kind
        try:
            self._conn.send(("kind", kind))
        except OSError:
            pass  # the reader stopped: `_receive` says why

    def _read_side(self) -> None:
        try:
            self._side.append(side_tables(self.path))
        except Exception:  # noqa: BLE001 - the reader reads that part itself, and says what is wrong
            self._side.append(None)

    def begin(self, mapping: dict[str, str] | None) -> tuple[_TableFacts, Mapping]:
        """The side tables and the mapping given, then what the table is and its columns
        (ImportRefused as the reader found it)."""
        self._helper.join()
        try:
            if (side := self._side[0]) is not None:
                self._conn.send(("side", side))
            self._conn.send(("mapping", mapping))
        except OSError:
            pass  # the reader stopped: `_receive` says why
        _, facts, resolved = self._receive()
        return facts, resolved

    def chunks(self, total: int, phase: str, problems: list, skipped: dict, warnings: list,
               progress: Progress | None, cancelled: CancelCheck | None,
               ) -> Iterator[tuple[int, list[Record]]]:
        """`record_chunks` of the rows, as the reader sends them."""
        from mocap_desktop.services.importing import ImportCancelled

        while (message := self._receive())[0] == "chunk":
            _, rows_read, packed, new_problems, new_warnings, skipped_now = message
            problems.extend(new_problems)
            warnings.extend(new_warnings)
            skipped.clear()
            skipped.update(skipped_now)
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(phase, rows_read, total)
            yield rows_read, _unpacked(packed)

    def _receive(self) -> tuple:
        from mocap_desktop.services.importing import ImportRefused

        try:
            message = self._conn.recv()
        except (EOFError, OSError):
            self._process.join(5)
            raise ImportRefused(f"{self.path.name} could not be read: the process reading it stopped "
                                f"(exit code {self._process.exitcode}); nothing was imported.") from None
        if message[0] == "raised":
            raise message[1]
        return message

    def close(self) -> None:
        self._conn.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def start_reader(path: Path, kind: ImportKind | None = None) -> Reader | None:
    """A `Reader` of `path` for `kind` (or for the kind `Reader.read_as` gives next) when the
    file is big enough to be worth one and the kind can be sent to it; None when the import
    reads the file in its own process."""
    if _input_bytes(Path(path)) < READER_PROCESS_BYTES or (kind is not None and not _sendable(kind)):
        return None
    return Reader(Path(path), kind)


class _Gone(Exception):
    """The importing process went away before the import began."""


def _read_elsewhere(path: str, conn) -> None:
    """The reader process: once the importing process says what the file holds, the file read
    (with, for a set, what the importing process read of it meanwhile: `side_tables`) and its
    first chunks read ahead (`_read_ahead`); once the importing process gives the mapping, its
    columns resolved and its rows checked, sent chunk by chunk (each with the problems and
    warnings found since the last, and the skipped rows so far), then "done"; or what it
    raised. It stops without a word when the importing process goes away first."""
    try:
        from mocap_desktop.services.importing import _collector_paused, _facts, _resolved, read_table

        with _collector_paused():  # as in the importing process (a set read whole: 1.3 s more with it)
            told: list[tuple] = []  # what the importing process sent, not yet read

            def told_next() -> tuple:
                try:
                    return told.pop() if told else conn.recv()
                except (EOFError, OSError):
                    raise _Gone() from None

            def side() -> dict | None:
                """The tables the importing process read meanwhile, if it sends any (first)."""
                message = told_next()
                if message[0] == "side":
                    return message[1]
                told.append(message)  # the mapping: read below
                return None

            try:
                _, kind = told_next()  # ("kind", the ImportKind), first
                try:
                    table: Table | BaseException = read_table(Path(path), kind.key, side)
                except _Gone:
                    raise
                except Exception as err:  # noqa: BLE001 - said once the import begins
                    table = err
                ahead = None if told or isinstance(table, BaseException) else _read_ahead(kind, table, conn.poll)
                while (message := told_next())[0] == "side":
                    pass  # not asked for: the set was refused before read_set asked for it
                _, mapping = message
            except _Gone:
                return  # the import did not begin (sign-in failed, or it was cancelled)
            if isinstance(table, BaseException):
                raise table
            # what no mapping gives is what was read ahead with (resolving it again: 20 ms)
            resolved = ahead.resolved if ahead is not None and mapping is None else _resolved(kind, table, mapping)
            conn.send(("table", _facts(table), resolved))
            if ahead is None or ahead.resolved.columns != resolved.columns:  # read with other columns
                ahead = _Ahead(resolved, [], _chunk_messages(kind, table, resolved))
            for message in itertools.chain(ahead.made, ahead.rest):
                conn.send(message)
            # before the collector is back: its first full pass over the set held here would
            # keep the importing process waiting for the end (a quarter of a second at 100,000)
            conn.send(("done",))
    except BaseException as err:  # noqa: BLE001 - the importing process raises it
        try:
            conn.send(("raised", err))
        except Exception:  # noqa: BLE001 - not picklable: its text
            try:
                conn.send(("raised", RuntimeError(f"{type(err).__name__}: {err}")))
            except OSError:
                pass  # the importing process went away
    finally:
        conn.close()


READ_AHEAD = 4  # chunks read before the mapping comes (8,000 students: about 3 MB held)


def _chunk_messages(kind: ImportKind, table: Table, resolved: Mapping) -> Iterator[tuple]:
    """The "chunk" messages of `table`'s rows: each chunk's records packed, with the problems
    and warnings found since the last one and the rows skipped so far."""
    from mocap_desktop.services.importing import record_chunks

    problems: list[Problem] = []
    warnings: list[Problem] = []
    skipped: dict[tuple[str, str], int] = {}
    sent = seen = 0
    for rows_read, records in record_chunks(kind, table, resolved.columns, kind.chunk, problems,
                                            skipped, warnings):
        yield "chunk", rows_read, _packed(records), problems[sent:], warnings[seen:], dict(skipped)
        sent, seen = len(problems), len(warnings)


class _Ahead(NamedTuple):
    """Chunks read before the mapping came: the columns they were read with, the messages
    made, and the rest of them."""

    resolved: Mapping
    made: list[tuple]
    rest: Iterator[tuple]


def _read_ahead(kind: ImportKind, table: Table, told: Callable[[], bool]) -> _Ahead | None:
    """While the importing process signs in and opens the database (`told()` is false until it
    sends the mapping), the first chunks read with the columns the headers give: the import's
    own unless it is given a saved mapping (`import-roster --mapping`). None when the headers
    leave a required field without a column (the mapping may give one)."""
    from mocap_desktop.services.importing import _resolved

    try:
        resolved = _resolved(kind, table, None)
    except Exception:  # noqa: BLE001 - the import says it with its own mapping
        return None
    rest = _chunk_messages(kind, table, resolved)
    made: list[tuple] = []
    try:
        while len(made) < READ_AHEAD and not told():
            message = next(rest, None)
            if message is None:
                break
            made.append(message)
    except Exception:  # noqa: BLE001 - read again once the mapping comes, and said then
        return None
    return _Ahead(resolved, made, rest)


def _packed(records: list[Record]) -> bytes:
    """Records to send, as bytes: each row's (number, values) in `marshal`'s format when its
    values are plain (text, numbers, tuples): the reader writes that in about half the time
    pickle takes (0.15 s against 0.26 s for 100,000 students with their guardians), and each
    field's name only once (then referred to). Else the records pickled."""
    try:
        return b"M" + marshal.dumps([(r.row, r.values) for r in records])
    except ValueError:  # a value marshal does not write (a date, an object): pickled
        return b"P" + pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)


def _unpacked(packed: bytes) -> list[Record]:
    from mocap_desktop.services.importing import Record

    body = memoryview(packed)[1:]
    if packed[:1] == b"P":
        return pickle.loads(body)
    return [Record(row, values) for row, values in marshal.loads(body)]
