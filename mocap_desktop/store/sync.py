"""District mode on the office PC: the outbox of local changes and the application of the
server's (see docs/district-mode.md).

- The outbox is a write-seam subscriber: every transaction on a joined PC adds one row to
  `sync_outbox` (its change id, who, and the rows it inserted, updated or deleted) inside the
  transaction itself, so a change and its outbox entry commit or vanish together.
- Keys: a table whose key is one integer (`requests.id`…) numbers its rows per PC, so the same
  number means different rows on two PCs. On the server a row's key is global: a row made on
  PC n has the key n·2⁴⁰ + its local number; a row pulled from another PC gets the next local
  number and the pair is kept in `sync_keys`. References (`student_id`…) are translated the same
  way, so the app's own SQL never sees a global key.
- Pulled rows are written in a transaction whose change set says it came from the server: the
  outbox leaves it out, so nothing goes back up twice.
"""

from __future__ import annotations

import base64
import functools
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mocap_desktop.store.db import DB_ERRORS, ChangeSet

PC_BITS = 40
LOCAL_MASK = (1 << PC_BITS) - 1
# Tables kept on this PC only: wizard drafts (crash recovery of one person's unsent work).
LOCAL_ONLY = frozenset({"drafts"})
# Settings of this PC only, not the district's: the name set for this computer, and the version
# of this copy's student search index (store/students.py INDEX_SETTING).
LOCAL_SETTINGS = frozenset({"staff_name", "students.search_index"})
SYNC_TABLES = frozenset({"sync_outbox", "sync_keys", "sync_refused", "sync_state"})


# --- what each table is made of -------------------------------------------------------------------

@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: tuple[str, ...]
    keys: tuple[str, ...]  # the primary key's columns
    numbered: bool  # one INTEGER key that numbers the rows (translated to a global key)
    refs: dict[str, str]  # column → numbered table it refers to (translated)
    nullable: frozenset[str]
    blobs: frozenset[str]

    def key_of(self, row: dict) -> Any:
        return row[self.keys[0]] if len(self.keys) == 1 else [row[k] for k in self.keys]

    def key_columns(self, key: Any) -> dict:
        return {self.keys[0]: key} if len(self.keys) == 1 else dict(zip(self.keys, key))


@functools.lru_cache(maxsize=8)
def _tables_of(schema: int, conn) -> dict[str, TableInfo]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
    raw = {}
    for name in names:
        cols = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
        fks = conn.execute(f'PRAGMA foreign_key_list("{name}")').fetchall()
        raw[name] = (cols, fks)
    numbered = {n for n, (cols, _f) in raw.items()
                if [c[2].upper() for c in cols if c[5]] == ["INTEGER"]}
    out = {}
    for name, (cols, fks) in raw.items():
        keys = tuple(c[1] for c in sorted((c for c in cols if c[5]), key=lambda c: c[5]))
        refs = {fk[3]: fk[2] for fk in fks if fk[2] in numbered}
        out[name] = TableInfo(
            name, tuple(c[1] for c in cols), keys or ("rowid",), name in numbered and keys[0] not in refs, refs,
            frozenset(c[1] for c in cols if not c[3] and not c[5]),
            frozenset(c[1] for c in cols if c[2].upper() not in ("INTEGER", "TEXT", "REAL", "NUMERIC")))
    return out


def tables(conn) -> dict[str, TableInfo]:
    schema = conn.execute("PRAGMA schema_version").fetchone()[0]
    return _tables_of(schema, conn)


def synced(info: TableInfo) -> bool:
    from mocap_desktop.store.db import UNRECORDED

    return info.name not in UNRECORDED and info.name not in LOCAL_ONLY and info.name not in SYNC_TABLES


def table_order(conn) -> list[str]:
    """Synced tables, each after the tables it refers to (the order a snapshot is written in)."""
    infos = {n: i for n, i in tables(conn).items() if synced(i)}
    deps = {n: {r[2] for r in conn.execute(f'PRAGMA foreign_key_list("{n}")') if r[2] in infos and r[2] != n}
            for n in infos}
    order: list[str] = []
    while deps:
        ready = sorted(n for n, d in deps.items() if not d - set(order)) or sorted(deps)  # (a cycle: as is)
        order += ready
        for n in ready:
            del deps[n]
    return order


# --- this PC's link to the server ---------------------------------------------------------------

def state(conn, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_state(db, **values: Any) -> None:
    db.conn.executemany("INSERT INTO sync_state VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        [(k, str(v)) for k, v in values.items() if v is not None])
    gone = [k for k, v in values.items() if v is None]
    if gone:
        db.conn.executemany("DELETE FROM sync_state WHERE key = ?", [(k,) for k in gone])


def pc_number(conn) -> int | None:
    """This PC's number on the district server; None when it has not joined one."""
    try:
        value = state(conn, "pc")
    except DB_ERRORS:  # a file not yet migrated to district mode's tables
        return None
    return int(value) if value else None


def joined(conn) -> bool:
    return pc_number(conn) is not None


# --- keys: local ↔ global -----------------------------------------------------------------------

class Keys:
    """Translate one PC's numbered keys to the server's and back."""

    def __init__(self, conn, pc: int):
        self.conn, self.pc = conn, pc
        self._global: dict[tuple[str, int], int] = {}  # looked up already (one batch's references repeat)

    def to_global(self, table: str, local: int | None) -> int | None:
        if local is None:
            return None
        found = self._global.get((table, local))
        if found is None:
            row = self.conn.execute("SELECT global FROM sync_keys WHERE tbl = ? AND local = ?",
                                    (table, local)).fetchone()
            found = self._global[(table, local)] = row[0] if row else (self.pc << PC_BITS) | local
        return found

    def to_local(self, table: str, global_: int | None) -> int | None:
        if global_ is None:
            return None
        if global_ >> PC_BITS == self.pc:
            return global_ & LOCAL_MASK
        row = self.conn.execute("SELECT local FROM sync_keys WHERE tbl = ? AND global = ?", (table, global_)).fetchone()
        return row[0] if row else None

    def row_to_global(self, info: TableInfo, row: dict) -> dict:
        out = dict(row)
        for col, target in info.refs.items():
            if col in out:
                out[col] = self.to_global(target, out[col])
        if info.numbered and info.keys[0] in out:
            out[info.keys[0]] = self.to_global(info.name, out[info.keys[0]])
        return out


# --- the outbox: a write-seam subscriber --------------------------------------------------------

def _value(v: Any) -> Any:
    return {"$b64": base64.b64encode(v).decode()} if isinstance(v, (bytes, memoryview)) else v


def _plain(row: dict) -> dict:
    """A row's values without the size markers the change triggers give for bytes."""
    return {k: v for k, v in row.items() if not isinstance(v, dict)}


def outbox(db, changes: ChangeSet) -> None:
    """Keep this transaction's changes for the server, in the transaction (a joined PC only)."""
    if changes.origin != "here":
        return
    recorded = changes.changes
    if not recorded:
        return
    pc = pc_number(db.conn)
    if pc is None:
        return
    items = batch_items(db.conn, pc, recorded)
    if items:
        queue_batch(db, items, changes.actor or "MOCAP Desktop")


def batch_items(conn, pc: int, recorded: Iterable) -> list[dict]:
    """One item per row the transaction changed: its net effect (insert, update of the changed
    columns, delete), with keys and references made global."""
    infos = tables(conn)
    first: dict[tuple[str, str], Any] = {}
    last: dict[tuple[str, str], Any] = {}
    for change in recorded:
        info = infos.get(change.table)
        if info is None or not synced(info):
            continue
        if change.table == "settings" and (change.after or change.before or {}).get("key") in LOCAL_SETTINGS:
            continue
        ident = (change.table, json.dumps(change.key))
        first.setdefault(ident, change)
        last[ident] = change
    keys = Keys(conn, pc)
    items = []
    for ident, change in first.items():
        info = infos[change.table]
        before, after = change.before, last[ident].after
        if after is not None and info.blobs:
            after = _read(conn, info, last[ident].key)
            if after is None:
                continue
        if before is None and after is None:
            continue
        key = info.key_of(keys.row_to_global(info, info.key_columns(change.key if after is None else last[ident].key)))
        if before is None:
            items.append({"t": info.name, "k": key, "op": "insert",
                          "a": {k: _value(v) for k, v in keys.row_to_global(info, after).items()}})
        elif after is None:
            items.append({"t": info.name, "k": key, "op": "delete", "b": _plain(keys.row_to_global(info, before))})
        else:
            changed = [c for c in after if before.get(c) != after[c]
                       or (c in info.blobs and isinstance(before.get(c), dict))]
            if not changed:
                continue
            b = keys.row_to_global(info, {c: before.get(c) for c in changed})
            a = keys.row_to_global(info, {c: after[c] for c in changed})
            items.append({"t": info.name, "k": key, "op": "update", "b": _plain(b),
                          "a": {k: _value(v) for k, v in a.items()}})
    return items


def _read(conn, info: TableInfo, key: Any) -> dict | None:
    cols = info.key_columns(key)
    cur = conn.execute(f'SELECT * FROM "{info.name}" WHERE ' + " AND ".join(f'"{c}" = ?' for c in cols),
                       tuple(cols.values()))
    row = cur.fetchone()
    return dict(zip((d[0] for d in cur.description), row)) if row else None


def everything_as_batches(conn, pc: int, size: int = 2000) -> Iterable[list[dict]]:
    """Every synced row of this copy as insert items, parents first, `size` rows a batch: the
    existing office file going up when its PC joins."""
    infos = tables(conn)
    keys = Keys(conn, pc)
    items: list[dict] = []
    for name in table_order(conn):
        info = infos[name]
        cur = conn.execute(f'SELECT * FROM "{name}"')
        cols = [d[0] for d in cur.description]
        for values in cur:
            row = dict(zip(cols, values))
            if name == "settings" and row["key"] in LOCAL_SETTINGS:
                continue
            g = keys.row_to_global(info, row)
            items.append({"t": name, "k": info.key_of(g), "op": "insert", "a": {k: _value(v) for k, v in g.items()}})
            if len(items) >= size:
                yield items
                items = []
    if items:
        yield items


# --- applying the server's rows -----------------------------------------------------------------

@dataclass
class Applied:
    rows: int = 0
    problems: list[str] | None = None


def apply_rows(db, pc: int, rows: Iterable[tuple[str, Any, dict | None]]) -> Applied:
    """Write the server's rows (table, global key, row or None for deleted) into this copy, in
    the caller's transaction. A row that cannot be written here (it refers to a row this PC may
    not see) is left out and named in `problems`."""
    conn = db.conn
    infos = tables(conn)
    keys = Keys(conn, pc)
    done = Applied(problems=[])
    for table, gkey, row in rows:
        info = infos.get(table)
        if info is None or not synced(info):
            continue
        try:
            _apply_one(conn, info, keys, gkey, row)
            done.rows += 1
        except (_Skip, *DB_ERRORS) as exc:
            done.problems.append(f"{table} {gkey}: {exc}")
    return done


class _Skip(Exception):
    pass


def _apply_one(conn, info: TableInfo, keys: Keys, gkey: Any, row: dict | None) -> None:
    local_key = _local_key(info, keys, gkey)
    where = info.key_columns(local_key) if local_key is not None else None
    # A numbered row this PC has no number for is new here: no need to look for it.
    exists = where is not None and conn.execute(_sql("SELECT 1 FROM {t} WHERE {w}", info.name, (), tuple(where)),
                                                tuple(where.values())).fetchone() is not None
    if row is None:
        if exists:
            conn.execute(_sql("DELETE FROM {t} WHERE {w}", info.name, (), tuple(where)), tuple(where.values()))
            if info.numbered:
                conn.execute("DELETE FROM sync_keys WHERE tbl = ? AND local = ?", (info.name, local_key))
        return
    values = {}
    for col in info.columns:
        if col not in row:
            continue
        v = row[col]
        if isinstance(v, dict) and "$b64" in v:
            v = base64.b64decode(v["$b64"])
        if col in info.refs and v is not None:
            local = keys.to_local(info.refs[col], v)
            if local is None:
                if col not in info.nullable:
                    raise _Skip(f"refers to {info.refs[col]} {v}, which this PC does not hold")
            v = local
        values[col] = v
    if info.numbered:
        values.pop(info.keys[0], None)
    elif local_key is not None:
        values.update(info.key_columns(local_key))
    if exists:
        sets = tuple(c for c in values if c not in where)
        if sets:
            conn.execute(_sql("UPDATE {t} SET {s} WHERE {w}", info.name, sets, tuple(where)),
                         (*(values[c] for c in sets), *where.values()))
        return
    if info.numbered and local_key is not None:  # this PC's own row, back from the server
        values[info.keys[0]] = local_key
    cur = conn.execute(_sql("INSERT INTO {t} ({c}) VALUES ({v})", info.name, tuple(values), ()),
                       tuple(values.values()))
    if info.numbered and local_key is None:
        conn.execute("INSERT INTO sync_keys (tbl, local, global) VALUES (?, ?, ?)", (info.name, cur.lastrowid, gkey))


@functools.lru_cache(maxsize=512)
def _sql(shape: str, table: str, columns: tuple[str, ...], where: tuple[str, ...]) -> str:
    """One statement's text, made once per table and columns (the driver's statement cache
    then finds it prepared)."""
    return shape.format(t=_q(table), c=", ".join(map(_q, columns)), v=", ".join("?" * len(columns)),
                        s=", ".join(f"{_q(c)} = ?" for c in columns),
                        w=" AND ".join(f"{_q(c)} = ?" for c in where))


def _local_key(info: TableInfo, keys: Keys, gkey: Any) -> Any:
    if info.numbered:
        return keys.to_local(info.name, gkey)
    cols = info.key_columns(gkey)
    for col, target in info.refs.items():  # a key that is a reference (full_time_steps.request_id)
        if col in cols:
            cols[col] = keys.to_local(target, cols[col])
            if cols[col] is None:
                return None
    return info.key_of(cols)


def empty_copy(db) -> None:
    """Delete every synced row of this copy (children first): a new PC taking the district's
    record instead of the few rows its set-up made."""
    conn = db.conn
    for name in reversed(table_order(conn)):
        if name == "settings":
            conn.execute(f"DELETE FROM settings WHERE key NOT IN ({', '.join('?' * len(LOCAL_SETTINGS))})",
                         tuple(LOCAL_SETTINGS))
        else:
            conn.execute(f'DELETE FROM "{name}"')
    conn.execute("DELETE FROM sync_keys")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- the outbox and what the server refused -------------------------------------------------------

def queue_batch(db, items: list[dict], actor: str) -> None:
    db.conn.execute("INSERT INTO sync_outbox (change_id, made_at, actor, items) VALUES (?, ?, ?, ?)",
                    (str(uuid.uuid4()), datetime.now().isoformat(timespec="seconds"), actor,
                     json.dumps(items, separators=(",", ":"), ensure_ascii=False)))


def waiting(conn) -> int:
    return conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]


@dataclass(frozen=True)
class Batch:
    id: int
    change_id: str
    made_at: str
    actor: str
    items_text: str

    @property
    def items(self) -> list[dict]:
        return json.loads(self.items_text)


def oldest_batch(conn) -> Batch | None:
    row = conn.execute("SELECT id, change_id, made_at, actor, items FROM sync_outbox ORDER BY id LIMIT 1").fetchone()
    return Batch(*row) if row else None


def forget_batch(db, batch: Batch) -> None:
    db.conn.execute("DELETE FROM sync_outbox WHERE id = ?", (batch.id,))


def keep_refused(db, batch: Batch, reason: str, summary: str, server_rows: list[dict]) -> None:
    db.conn.execute(
        "INSERT INTO sync_refused (change_id, made_at, refused_at, actor, reason, summary, items, server) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (batch.change_id, batch.made_at, datetime.now().isoformat(timespec="seconds"), batch.actor, reason,
         summary, batch.items_text, json.dumps(server_rows)))


def refused(conn, unseen_only: bool = False) -> list[dict]:
    cur = conn.execute("SELECT id, made_at, refused_at, actor, reason, summary, items, server, seen "
                       f"FROM sync_refused {'WHERE NOT seen' if unseen_only else ''} ORDER BY id DESC")
    cols = [d[0] for d in cur.description]
    out = [dict(zip(cols, r)) for r in cur]
    for r in out:
        r["items"], r["server"] = json.loads(r["items"]), json.loads(r["server"])
    return out


def unseen_refused(conn) -> int:
    return conn.execute("SELECT count(*) FROM sync_refused WHERE NOT seen").fetchone()[0]


def mark_refused_seen(db) -> None:
    db.conn.execute("UPDATE sync_refused SET seen = 1 WHERE NOT seen")


def audit_after(conn, after: int, limit: int = 1000) -> list[dict]:
    """This PC's audit entries after id `after`, as they are (hashes and all), for the server."""
    cur = conn.execute("SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?", (after, limit))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur]


def own_cases(conn) -> dict[str, int]:
    """How many students and requests this copy holds (a PC that would take the record must have none)."""
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("students", "requests")}


def reference_of(conn, request_id: int) -> str:
    row = conn.execute("SELECT reference FROM requests WHERE id = ?", (request_id,)).fetchone()
    return row[0] if row else ""


def building_codes(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT code FROM buildings")}
