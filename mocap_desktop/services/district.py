"""District mode: this PC's copy joined to the district's PostgreSQL record, and one round of
sync (push what waits, pull what others did). The screens and the CLI share these; the SQL
lives in `store/sync.py` (this copy) and `store/server.py` (the server). See
docs/district-mode.md for the flow and the rules a counselor can expect.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from mocap_desktop.core.access import DISTRICT_EDIT, require
from mocap_desktop.store import Store, server, sync, trail
from mocap_desktop.store.server import ServerError, Unreachable

log = logging.getLogger(__name__)

__all__ = ["ServerError", "Unreachable", "Status", "Round", "join", "sync_round", "status", "refused_changes",
           "mark_refused_seen", "joined", "init_server"]

# What each of the server's unique rules (store/server.py UNIQUE) keeps once.
ALREADY = {"records_students_local_number": "a student with this local student number",
           "records_students_mosis_id": "a student with this MOSIS ID",
           "records_requests_reference": "a request with this reference",
           "records_providers_name": "a provider with this name",
           "records_course_enrollments_request_course_id": "this tracked course",
           "records_letters_request_id": "the same letter, waiting to be printed,"}
PAGE = 5000  # rows of the server's log pulled per local transaction
WHY = {"changed": "changed", "added": "added", "deleted": "deleted"}
TABLE_WORDS = {"requests": "request", "decisions": "decision", "students": "student record",
               "guardians": "family contact", "letters": "letter", "appeals": "appeal",
               "course_enrollments": "tracked course", "full_time_steps": "full-time transfer step",
               "request_courses": "request's courses", "district": "district profile", "people": "person",
               "settings": "setting", "policy_profiles": "policy", "courses": "catalog course"}


def init_server(url: str, password: str | None = None) -> str:
    return server.init_server(url, password)


def joined(store: Store) -> bool:
    return sync.pc_number(store.conn) is not None


@dataclass(frozen=True)
class Status:
    joined: bool
    server: str = ""
    pc: int | None = None
    pc_name: str = ""
    last_sync: str = ""
    waiting: int = 0  # local changes not yet on the server
    refused: int = 0  # changes the server refused that nobody has looked at
    offline_since: str = ""
    last_error: str = ""
    stopped: str = ""  # why the server refuses this PC (its login), "" when it does not

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def line(self) -> str:
        """The status bar's words."""
        if not self.joined:
            return "One PC (no district server)"
        if self.stopped:
            return "Sync stopped: the server refuses this PC"
        if self.refused:
            return f"{self.refused} change{'s' if self.refused != 1 else ''} refused"
        if self.offline_since:
            since = self.offline_since[11:16] if self.offline_since[:10] == datetime.now().date().isoformat() \
                else self.offline_since[:16].replace("T", " ")
            waiting = f" · {self.waiting} waiting" if self.waiting else ""
            return f"Offline since {since}{waiting}"
        if self.waiting:
            return f"{self.waiting} change{'s' if self.waiting != 1 else ''} waiting"
        return "Up to date" if self.last_sync else "Not synced yet"


def status(store: Store) -> Status:
    conn = store.conn
    pc = sync.pc_number(conn)
    if pc is None:
        return Status(False)
    waiting = sync.waiting(conn)
    refused = sync.unseen_refused(conn)
    return Status(True, sync.state(conn, "url", ""), pc, sync.state(conn, "pc_name", ""),
                  sync.state(conn, "last_sync", ""), waiting, refused, sync.state(conn, "offline_since", ""),
                  sync.state(conn, "last_error", ""), sync.state(conn, "stopped", ""))


def _connect(store: Store):
    url = sync.state(store.conn, "url")
    if not url:
        raise ServerError("This PC has not joined a district server (mocap-desktop district join URL).")
    conn = None
    try:
        conn = server.connect(url, sync.state(store.conn, "password"))
        server.check_schema(conn)
        server.check_access(conn)
        return conn
    except Unreachable as exc:
        _offline(store, str(exc))
        raise
    except ServerError as exc:
        if conn is not None:
            conn.close()
        _stopped(store, str(exc))
        raise


def _stopped(store: Store, why: str) -> None:
    """The server answers but refuses this PC (its login, a change it may not make)."""
    if store.read_only_reason:
        return
    with store.transaction(origin="server") as db:
        sync.set_state(db, stopped=why)


def _offline(store: Store, why: str) -> None:
    if store.read_only_reason:
        return
    with store.transaction(origin="server") as db:
        if not sync.state(db.conn, "offline_since"):
            sync.set_state(db, offline_since=datetime.now().isoformat(timespec="seconds"))
        sync.set_state(db, last_error=why)


# --- join -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Joined:
    pc: int
    pc_name: str
    uploaded: bool  # this copy's rows went up as the district's first record
    round: "Round"


def join(store: Store, url: str, password: str | None = None, pc_name: str | None = None) -> Joined:
    """Link this copy to the district server at `url` (an administrator, once per PC). The first
    PC's file becomes the district's record; a later PC must start from a copy with no students
    or requests of its own and takes the record from the server."""
    user = require(store, DISTRICT_EDIT)
    if joined(store):
        raise ServerError(f"This PC has already joined {sync.state(store.conn, 'url')}.")
    password = server.password_of(url) or password
    pc_name = (pc_name or socket.gethostname() or "office PC").strip()
    conn = server.connect(url, password)
    try:
        server.check_schema(conn)
        take_record = server.holds_record(conn)
        if take_record:
            counts = sync.own_cases(store.conn)
            if any(counts.values()):
                raise ServerError(
                    f"The district record already holds data and this PC's file has {counts['students']} students "
                    f"and {counts['requests']} requests of its own. Join from a new, empty data folder "
                    "(mocap-desktop init --data-dir DIR), or back this file up and ask IT to merge it.")
            if user.role != "system":
                person = server.person_on_record(conn, user.login)
                if not person or person.get("role") != "administrator" or not person.get("active"):
                    raise ServerError(f"'{user.login}' is not an active administrator on the district record: "
                                      "an administrator already there adds you first.")
        pc = server.register_pc(conn, pc_name)
        with store.transaction(origin="server") as db:
            if take_record:
                sync.empty_copy(db)
            sync.set_state(db, url=server.redact(url), password=password, pc=pc, pc_name=pc_name, pulled=0,
                           audit_pushed=0, joined_at=datetime.now().isoformat(timespec="seconds"),
                           snapshot="1" if take_record else None)
            if not take_record:
                for items in sync.everything_as_batches(db.conn, pc):
                    sync.queue_batch(db, items, user.name)
            trail.note(db, store, "district_joined", detail={"server": server.redact(url), "pc": pc,
                                                             "took_record": take_record})
    finally:
        conn.close()
    log.info("Joined the district server as PC %d", pc)
    return Joined(pc, pc_name, not take_record, sync_round(store))


# --- one round ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Round:
    pushed: int  # batches of this PC's changes the server took
    refused: list[str]  # what the server refused, one line each
    pulled: int  # rows from other PCs written here
    problems: int  # rows from the server this copy could not hold
    audit: int  # audit entries sent up

    @property
    def line(self) -> str:
        parts = [f"{self.pushed} change{'s' if self.pushed != 1 else ''} sent",
                 f"{self.pulled} row{'s' if self.pulled != 1 else ''} received"]
        if self.refused:
            parts.append(f"{len(self.refused)} refused")
        if self.problems:
            parts.append(f"{self.problems} not held here")
        return ", ".join(parts)


def sync_round(store: Store, conn=None) -> Round:
    """Push what waits in the outbox (each batch once), send the audit trail up, pull what the
    others did. Raises `Unreachable` (the copy notes since when) when the server cannot be
    reached; nothing is lost: what was not sent waits for the next round."""
    pc = sync.pc_number(store.conn)
    if pc is None:
        raise ServerError("This PC has not joined a district server (mocap-desktop district join URL).")
    own = conn is None
    try:
        conn = conn or _connect(store)
        pushed, refused = _push(store, conn, pc)
        audit = _push_audit(store, conn, pc)
        pulled, problems = _pull(store, conn, pc)
    except Unreachable:
        raise
    except ServerError as exc:
        _stopped(store, str(exc))
        raise
    except Exception as exc:
        if server.unreachable(exc):
            _offline(store, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            raise Unreachable(f"The district server stopped answering during the sync ({exc}); "
                              "what was not sent waits for the next round.") from exc
        raise
    finally:
        if own and conn is not None:
            conn.close()
    with store.transaction(origin="server") as db:
        sync.set_state(db, last_sync=datetime.now().isoformat(timespec="seconds"), offline_since=None,
                       last_error=None, stopped=None)
    if problems:
        log.warning("%d rows from the district server could not be held in this copy", problems)
    return Round(pushed, refused, pulled, problems, audit)


def _push(store: Store, conn, pc: int) -> tuple[int, list[str]]:
    pushed, refused = 0, []
    while (batch := sync.oldest_batch(store.conn)) is not None:
        items = batch.items
        result = server.push(conn, batch.change_id, pc, batch.actor, batch.made_at, items)
        with store.transaction(origin="server") as db:
            if result.status == "refused":
                summary = _put_back(db, conn, pc, items, result)
                sync.keep_refused(db, batch, result.reason or "", summary, result.server)
                refused.append(summary)
            else:
                pushed += 1
            sync.forget_batch(db, batch)
    return pushed, refused


def _put_back(db, conn, pc: int, items: list[dict], result: server.PushResult) -> str:
    """A refused batch: this copy takes the server's version of every row it touched (the
    refused version stays in `sync_refused`); returns the line that tells the user."""
    keys = [(i["t"], i["k"]) for i in items]
    sync.apply_rows(db, pc, list(server.rows(conn, keys))[::-1])  # children first, then parents
    return summary_of(db.conn, pc, items, result.reason or "", result.server)


def summary_of(conn, pc: int, items: list[dict], reason: str, server_rows: list[dict]) -> str:
    """What the person who made a refused change reads: what, by whom, meanwhile."""
    reference = _reference(conn, pc, items)
    what = next((i for i in items if i["t"] == "decisions"), None)
    first = server_rows[0] if server_rows else {}
    by = first.get("by") or "someone"
    where = f" at {first['pc']}" if first.get("pc") else ""
    if what is not None or (first.get("t") == "requests" and (first.get("row") or {}).get("decided_on")):
        return f"Your decision on {reference or 'a request'} was not kept: it was decided meanwhile by {by}{where}."
    if not server_rows:
        index = reason.removeprefix("already on record: ")
        what = ALREADY.get(index)
        if what:
            return f"Your change was not kept: {what} is already on the district record{_of(reference)}."
        return f"Your change was not kept: {reason}."
    word = TABLE_WORDS.get(first.get("t", ""), first.get("t", "record"))
    return (f"Your change to the {word}{_of(reference)} was not kept: it was {WHY.get(first.get('why'), 'changed')} "
            f"meanwhile by {by}{where}.")


def _of(reference: str) -> str:
    return f" ({reference})" if reference else ""


def _reference(conn, pc: int, items: list[dict]) -> str:
    keys = sync.Keys(conn, pc)
    for item in items:
        gid = item["k"] if item["t"] == "requests" else (item.get("a") or item.get("b") or {}).get("request_id")
        if isinstance(gid, int):
            local = keys.to_local("requests", gid)
            found = sync.reference_of(conn, local) if local else ""
            if found:
                return found
            ref = (item.get("a") or {}).get("reference")
            if ref:
                return ref
    return ""


def _push_audit(store: Store, conn, pc: int) -> int:
    sent = 0
    while True:
        entries = sync.audit_after(store.conn, int(sync.state(store.conn, "audit_pushed", "0")))
        if not entries:
            return sent
        server.push_audit(conn, pc, entries)
        sent += len(entries)
        with store.transaction(origin="server") as db:
            sync.set_state(db, audit_pushed=entries[-1]["id"])


def _pull(store: Store, conn, pc: int) -> tuple[int, int]:
    if sync.state(store.conn, "snapshot"):
        return _pull_snapshot(store, conn, pc)
    pulled = problems = 0
    while True:
        after = int(sync.state(store.conn, "pulled", "0"))
        page = server.pull(conn, after, PAGE)
        if not page:
            return pulled, problems
        others = [(table, key, row) for _seq, table, key, row, from_pc in page if from_pc != pc]
        with store.transaction(origin="server") as db:
            done = sync.apply_rows(db, pc, others)
            sync.set_state(db, pulled=page[-1][0])
        pulled += done.rows
        problems += len(done.problems)
        if len(page) < PAGE:
            return pulled, problems


def _pull_snapshot(store: Store, conn, pc: int) -> tuple[int, int]:
    """A PC that takes the record: the server's current rows, table by table (parents first),
    as of one moment, then the log from that moment on."""
    pulled = problems = 0
    with server.one_moment(conn) as upto, store.transaction(origin="server") as db:
        for table in sync.table_order(store.conn):
            for chunk in server.snapshot(conn, table, PAGE):
                done = sync.apply_rows(db, pc, chunk)
                pulled += done.rows
                problems += len(done.problems)
        sync.set_state(db, pulled=upto, snapshot=None)
    more, more_problems = _pull(store, conn, pc)
    return pulled + more, problems + more_problems


# --- building scopes --------------------------------------------------------------------------------

def set_scope(store: Store, login: str, buildings: list[str] | None) -> dict[str, list[str]]:
    """Limit a PC's login on the server to the students of some buildings (a principal's PC), or
    give it every building again (None); from an administrator's PC. Returns every scope."""
    require(store, DISTRICT_EDIT)
    known = sync.building_codes(store.conn)
    unknown = [b for b in buildings or () if b not in known]
    if unknown:
        raise ServerError(f"No building has the code {', '.join(unknown)} in the district profile.")
    conn = _connect(store)
    try:
        server.set_scope(conn, login, buildings)
        with store.transaction(origin="server") as db:
            trail.note(db, store, "district_scope_set", detail={"login": login, "buildings": buildings or "all"})
        return server.scopes(conn)
    finally:
        conn.close()


# --- the audit trail on the server ----------------------------------------------------------------

@dataclass(frozen=True)
class TrailCheck:
    pc: int
    pc_name: str
    entries: int
    problem: str  # "" when the chain is intact

    @property
    def line(self) -> str:
        state = f"broken: {self.problem}" if self.problem else "chain intact"
        return f"{self.pc_name} (PC {self.pc}): {self.entries:,} entries, {state}"


def verify_server_trails(store: Store) -> list[TrailCheck]:
    """Every PC's audit trail as the server keeps it, each hash chain walked from its start (an
    administrator's PC: other logins may not read the trails)."""
    from mocap_desktop.store import audit

    conn = _connect(store)
    try:
        out = []
        for pc, name, entries in server.audit_trails(conn):
            result = audit.verify_entries(entries)
            out.append(TrailCheck(pc, name, result.entries, result.reason))
        return out
    finally:
        conn.close()


# --- refused changes -------------------------------------------------------------------------------

def refused_changes(store: Store, unseen_only: bool = False) -> list[dict]:
    return sync.refused(store.conn, unseen_only)


def mark_refused_seen(store: Store) -> None:
    if store.read_only_reason:
        return
    with store.transaction(origin="server") as db:
        sync.mark_refused_seen(db)


# --- in the background ----------------------------------------------------------------------------

class BackgroundSync:
    """Sync rounds on a thread of its own, with its own connection to this copy: a round starts
    when this PC has changes waiting (checked every `wait_s`), when the server says another PC's
    batch arrived (LISTEN/NOTIFY), and every `idle_s` anyway; with the server out of reach it
    tries again every `retry_s`. The window reads `status` and `received` (no screen waits)."""

    def __init__(self, store: Store, idle_s: float = 60, retry_s: float = 15, wait_s: float = 1.0):
        import threading

        self._source = store
        self.idle_s, self.retry_s, self.wait_s = idle_s, retry_s, wait_s
        self.status = status(store)
        self.received = 0  # rows from other PCs written here since the start
        self.last_round: Round | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="district-sync", daemon=True)

    def start(self) -> "BackgroundSync":
        self._thread.start()
        return self

    def stop(self, timeout: float = 5) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        import time

        store = self._source.reopen()  # this thread's own connection
        links: list = []  # [the connection rounds use, the one that listens]
        due, last = True, 0.0
        try:
            while not self._stop.is_set():
                try:
                    if not links:
                        links = [_connect(store), server.listener(sync.state(store.conn, "url"),
                                                                  sync.state(store.conn, "password"))]
                        due = True
                    waiting = sync.waiting(store.conn)
                    if due or waiting or time.monotonic() - last > self.idle_s:
                        self.last_round = sync_round(store, links[0])
                        self.received += self.last_round.pulled
                        last = time.monotonic()
                    self.status = status(store)
                    due = server.heard(links[1], self.wait_s)
                except ServerError as exc:  # out of reach, or refused (said in the status bar): later
                    _close(links)
                    self.status = status(store)
                    self._stop.wait(self.retry_s if isinstance(exc, Unreachable) else self.idle_s)
                except _connection_errors() as exc:
                    _close(links)
                    _offline(store, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                    self.status = status(store)
                    self._stop.wait(self.retry_s)
                except Exception:  # noqa: BLE001 — the thread keeps going; the status bar says so
                    log.exception("A district sync round failed")
                    _close(links)
                    self.status = status(store)
                    self._stop.wait(self.retry_s)
        finally:
            _close(links)
            store.close()


def _close(links: list) -> None:
    for conn in links:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 — a connection already gone
            pass
    links.clear()


def _connection_errors() -> tuple[type[Exception], ...]:
    import psycopg

    return (psycopg.OperationalError, psycopg.InterfaceError)
