"""The district's PostgreSQL server: where the office copies meet (district mode).

The server keeps the shared record as rows of the app's own tables (`mocap.records`: table, key,
row as JSON), the ordered log of every change applied to them (`mocap.changes`, numbered by
`seq`), and who sent each batch from which PC (`mocap.batches`). A PC pushes each local
transaction as one batch through `mocap.push` (a function that runs as the schema's owner:
logins cannot write the tables themselves), and pulls the log after the last `seq` it has. Row
level security on the log and the record hides case and decision rows from a front-desk login,
even in `psql`.

Only this module and `store/sync.py` know the server's SQL; psycopg is imported when used.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mocap_desktop.store.errors import StoreError

SERVER_SCHEMA = 1  # the layout of the `mocap` schema this version makes and understands
CONNECT_TIMEOUT = 5  # seconds: an office PC gives up on a server it cannot reach

# Which part of the record each table is: who may read and write it (GROUPS below).
AREAS = {
    "district": ("district", "buildings", "terms", "closed_days", "no_school_days", "settings",
                 "policy_profiles", "providers", "courses", "import_mappings"),
    "people": ("people",),
    "roster": ("students", "guardians", "enrollments"),
    "case": ("requests", "request_courses", "request_events", "full_time_steps", "course_enrollments",
             "appeals", "provider_invoices"),
    "decision": ("decisions",),
    "letters": ("letters", "letter_files", "disclosures"),
}
TABLE_AREA = {table: area for area, tables in AREAS.items() for table in tables}

# The PostgreSQL group roles, one per app role: (reads, writes). A login for a PC (or a person)
# is made a member of one; the front desk reads no case or decision row.
GROUPS = {
    "mocap_administrator": (tuple(AREAS), tuple(AREAS)),
    "mocap_counselor": (tuple(AREAS), ("roster", "case", "letters")),
    "mocap_decider": (tuple(AREAS), ("roster", "case", "decision", "letters")),
    "mocap_front_desk": (("district", "people", "roster", "letters"), ("letters",)),
}

# Values kept unique by the app's own tables (a UNIQUE column), kept unique on the server too:
# the same request reference or student number sent from two PCs is refused the second time.
# And a letter waiting to be printed is made once per request, kind, language and guardian,
# even when two PCs make it (the app's own rule on one PC, services/letters.py).
UNIQUE = (
    ("students", ("local_number",), ""), ("students", ("mosis_id",), ""), ("requests", ("reference",), ""),
    ("providers", ("name",), ""), ("course_enrollments", ("request_course_id",), ""),
    ("letters", ("request_id", "kind", "language", "guardian_id"), "row->>'status' = 'pending'"),
)


class ServerError(StoreError):
    """The server refused or failed; the message is for the user."""


class Unreachable(ServerError):
    """The server cannot be reached now (the network, the server down): work goes on offline."""


def redact(url: str) -> str:
    """The URL without its password, as it may be shown and kept in the clear."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def password_of(url: str) -> str | None:
    return urlsplit(url).password


def connect(url: str, password: str | None = None):
    """A psycopg connection to `url` (libpq's URL; `password` if the URL has none). Autocommit:
    each push is its own transaction (`conn.transaction()`), committed before this PC forgets
    the batch."""
    import psycopg

    extra: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "MOCAP Desktop"}
    if password and password_of(url) is None:
        extra["password"] = password
    try:
        return psycopg.connect(url, autocommit=True, **extra)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "password authentication failed" in first or "no password supplied" in first:
            raise ServerError(f"The server refused the sign-in ({first}).") from exc
        if "not permitted to log in" in first:
            raise ServerError("The district server no longer lets this PC's login in: ask district IT.") from exc
        if "does not exist" in first:
            raise ServerError(f"The server has no such database ({first}).") from exc
        raise Unreachable(f"The district server cannot be reached ({first}).") from exc


def unreachable(exc: Exception) -> bool:
    """Did a statement fail because the connection went (the server stopped, the network)?"""
    import psycopg

    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)) and not isinstance(
        exc, psycopg.errors.QueryCanceled)


# --- the schema ---------------------------------------------------------------------------------

def _ddl() -> str:
    areas = ",\n".join(f"('{table}', '{area}')" for table, area in TABLE_AREA.items())
    unique = "\n".join(
        f"CREATE UNIQUE INDEX IF NOT EXISTS records_{t}_{cols[0]} ON mocap.records "
        f"({', '.join(f'(row->>{c!r})' for c in cols)}) NULLS NOT DISTINCT WHERE tbl = '{t}' AND row->>'{cols[0]}' IS NOT NULL"
        f"{' AND ' + where if where else ''};" for t, cols, where in UNIQUE)
    groups = "\n".join(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{g}') THEN "
        f"CREATE ROLE {g} NOLOGIN; END IF; END $$;" for g in GROUPS)
    grants = "\n".join(
        f"INSERT INTO mocap.access VALUES ('{g}', '{area}', {str(area in reads).lower()}, "
        f"{str(area in writes).lower()}) ON CONFLICT (grp, area) DO UPDATE SET may_read = EXCLUDED.may_read, "
        f"may_write = EXCLUDED.may_write;"
        for g, (reads, writes) in GROUPS.items() for area in AREAS)
    every_group = ", ".join(GROUPS)
    return f"""
CREATE SCHEMA IF NOT EXISTS mocap;
{groups}
CREATE TABLE IF NOT EXISTS mocap.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS mocap.areas (tbl text PRIMARY KEY, area text NOT NULL);
INSERT INTO mocap.areas VALUES {areas} ON CONFLICT (tbl) DO UPDATE SET area = EXCLUDED.area;
CREATE TABLE IF NOT EXISTS mocap.access (grp text NOT NULL, area text NOT NULL, may_read boolean NOT NULL,
    may_write boolean NOT NULL, PRIMARY KEY (grp, area));
{grants}
CREATE TABLE IF NOT EXISTS mocap.pcs (pc serial PRIMARY KEY, name text NOT NULL,
    login text NOT NULL DEFAULT session_user, joined_at timestamptz NOT NULL DEFAULT now(),
    active boolean NOT NULL DEFAULT true);
CREATE TABLE IF NOT EXISTS mocap.batches (change_id uuid PRIMARY KEY, pc integer NOT NULL REFERENCES mocap.pcs,
    actor text NOT NULL, made_at text NOT NULL, login text NOT NULL DEFAULT session_user,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(), refused text);
CREATE TABLE IF NOT EXISTS mocap.changes (seq bigserial PRIMARY KEY,
    change_id uuid NOT NULL REFERENCES mocap.batches, tbl text NOT NULL, key jsonb NOT NULL,
    area text NOT NULL, row jsonb);
CREATE TABLE IF NOT EXISTS mocap.records (tbl text NOT NULL, key jsonb NOT NULL, area text NOT NULL,
    row jsonb NOT NULL, seq bigint NOT NULL, change_id uuid NOT NULL, PRIMARY KEY (tbl, key));
{unique}
ALTER TABLE mocap.records ADD COLUMN IF NOT EXISTS building text;
ALTER TABLE mocap.changes ADD COLUMN IF NOT EXISTS building text;
-- A login limited to some buildings (a principal's PC) reads and writes only their students'
-- rows; a login without a row here sees every building.
CREATE TABLE IF NOT EXISTS mocap.scopes (login text PRIMARY KEY, buildings text[] NOT NULL,
    set_by text NOT NULL DEFAULT session_user, set_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS mocap.refused (change_id uuid PRIMARY KEY REFERENCES mocap.batches,
    reason text NOT NULL, items jsonb NOT NULL, server jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS mocap.audit (pc integer NOT NULL REFERENCES mocap.pcs, id bigint NOT NULL,
    entry jsonb NOT NULL, PRIMARY KEY (pc, id));

CREATE OR REPLACE FUNCTION mocap.may(p_area text, p_write boolean) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = mocap, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM mocap.access a
                   WHERE a.area = p_area AND (CASE WHEN p_write THEN a.may_write ELSE a.may_read END)
                     AND pg_has_role(session_user, a.grp, 'MEMBER'))
$$;

CREATE OR REPLACE FUNCTION mocap.in_scope(p_building text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = mocap, pg_temp AS $$
    SELECT p_building IS NULL
        OR coalesce(p_building = ANY ((SELECT buildings FROM mocap.scopes WHERE login = session_user)::text[]), true)
$$;

-- The building a row belongs to: a student's, and the student's for everything about them.
CREATE OR REPLACE FUNCTION mocap.building_of(p_tbl text, p_row jsonb) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_row IS NULL THEN NULL
        WHEN p_tbl = 'students' THEN p_row->>'building_code'
        WHEN p_row ? 'student_id' THEN (SELECT r.row->>'building_code' FROM mocap.records r
                                         WHERE r.tbl = 'students' AND r.key = p_row->'student_id')
        WHEN p_row ? 'request_id' THEN (SELECT r.building FROM mocap.records r
                                         WHERE r.tbl = 'requests' AND r.key = p_row->'request_id')
    END
$$;

CREATE OR REPLACE FUNCTION mocap.set_scope(p_login text, p_buildings text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = mocap, pg_temp AS $$
BEGIN
    IF NOT pg_has_role(session_user, 'mocap_administrator', 'MEMBER') THEN
        RAISE EXCEPTION 'only an administrator''s login sets building scopes' USING ERRCODE = '42501';
    END IF;
    IF p_buildings IS NULL THEN
        DELETE FROM mocap.scopes WHERE login = p_login;
    ELSE
        INSERT INTO mocap.scopes (login, buildings) VALUES (p_login, p_buildings)
            ON CONFLICT (login) DO UPDATE SET buildings = EXCLUDED.buildings, set_by = session_user, set_at = now();
    END IF;
END $$;

-- A row without its kept files (the bytes of a PDF are compared by the row that names them).
CREATE OR REPLACE FUNCTION mocap.plain(p_row jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(k, v), '{{}}'::jsonb) FROM jsonb_each(p_row) AS e(k, v)
    WHERE NOT (jsonb_typeof(v) = 'object' AND v ? '$b64')
$$;

CREATE OR REPLACE FUNCTION mocap.register_pc(p_name text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = mocap, pg_temp AS $$
DECLARE v_pc integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM mocap.access a WHERE pg_has_role(session_user, a.grp, 'MEMBER')) THEN
        RAISE EXCEPTION 'the login % is not in any MOCAP group role', session_user USING ERRCODE = '42501';
    END IF;
    INSERT INTO mocap.pcs (name) VALUES (p_name) RETURNING pc INTO v_pc;
    RETURN v_pc;
END $$;

-- One PC's transaction, applied once: a batch seen before answers as it did the first time.
-- Each item: t (table), k (key), op (insert, update, delete), b (the values before: the changed
-- columns of an update, the whole row of a delete), a (after: the whole row of an insert, the
-- changed columns of an update). A value someone else changed meanwhile refuses the whole batch,
-- kept with the server's rows beside it.
CREATE OR REPLACE FUNCTION mocap.push(p_change_id uuid, p_pc integer, p_actor text, p_made_at text,
                                      p_items jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = mocap, pg_temp AS $$
DECLARE
    item jsonb; cur record; v_area text; v_seq bigint; v_last bigint := 0; v_row jsonb;
    v_conflicts jsonb := '[]'::jsonb; v_seen mocap.batches; v_col text; v_reason text; v_found boolean;
    v_building text;
BEGIN
    PERFORM pg_advisory_xact_lock(7466);  -- one batch at a time: the log's numbers commit in order
    SELECT * INTO v_seen FROM mocap.batches WHERE change_id = p_change_id;
    IF FOUND THEN
        RETURN jsonb_build_object('status', CASE WHEN v_seen.refused IS NULL THEN 'applied' ELSE 'refused' END,
                                  'reason', v_seen.refused, 'again', true,
                                  'server', coalesce((SELECT server FROM mocap.refused WHERE change_id = p_change_id), '[]'));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM mocap.pcs WHERE pc = p_pc AND login = session_user AND active) THEN
        RAISE EXCEPTION 'PC % is not joined with the login %', p_pc, session_user USING ERRCODE = '42501';
    END IF;
    INSERT INTO mocap.batches (change_id, pc, actor, made_at) VALUES (p_change_id, p_pc, p_actor, p_made_at);
    FOR item IN SELECT * FROM jsonb_array_elements(p_items) LOOP
        SELECT area INTO v_area FROM mocap.areas WHERE tbl = item->>'t';
        IF v_area IS NULL THEN
            RAISE EXCEPTION 'the server does not keep the table %', item->>'t' USING ERRCODE = '42P01';
        END IF;
        IF NOT mocap.may(v_area, true) THEN
            RAISE EXCEPTION 'the login % may not change % rows', session_user, item->>'t' USING ERRCODE = '42501';
        END IF;
        SELECT r.row, r.seq, b.actor, p.name AS pc_name INTO cur FROM mocap.records r
            JOIN mocap.batches b ON b.change_id = r.change_id JOIN mocap.pcs p ON p.pc = b.pc
            WHERE r.tbl = item->>'t' AND r.key = item->'k' FOR UPDATE OF r;
        v_found := FOUND;
        IF NOT mocap.in_scope(coalesce(CASE WHEN v_found THEN mocap.building_of(item->>'t', cur.row) END,
                                       mocap.building_of(item->>'t', item->'a'))) THEN
            RAISE EXCEPTION 'the login % may not change rows of that building', session_user USING ERRCODE = '42501';
        END IF;
        v_reason := NULL;
        IF item->>'op' = 'insert' THEN
            IF v_found AND mocap.plain(cur.row) IS DISTINCT FROM mocap.plain(item->'a') THEN v_reason := 'added'; END IF;
        ELSIF NOT v_found THEN
            IF item->>'op' = 'update' THEN v_reason := 'deleted'; END IF;
        ELSE
            FOR v_col IN SELECT jsonb_object_keys(item->'b') LOOP
                IF cur.row->v_col IS DISTINCT FROM item->'b'->v_col THEN
                    v_reason := 'changed';
                END IF;
            END LOOP;
        END IF;
        IF v_reason IS NOT NULL THEN
            v_conflicts := v_conflicts || jsonb_build_object('t', item->'t', 'k', item->'k', 'why', v_reason,
                'row', CASE WHEN v_found THEN mocap.plain(cur.row) END,
                'by', CASE WHEN v_found THEN cur.actor END, 'pc', CASE WHEN v_found THEN cur.pc_name END);
        END IF;
    END LOOP;
    IF jsonb_array_length(v_conflicts) > 0 THEN
        UPDATE mocap.batches SET refused = 'changed meanwhile' WHERE change_id = p_change_id;
        INSERT INTO mocap.refused VALUES (p_change_id, 'changed meanwhile', p_items, v_conflicts);
        RETURN jsonb_build_object('status', 'refused', 'reason', 'changed meanwhile', 'server', v_conflicts);
    END IF;
    BEGIN
        FOR item IN SELECT * FROM jsonb_array_elements(p_items) LOOP
            SELECT area INTO v_area FROM mocap.areas WHERE tbl = item->>'t';
            v_building := NULL;
            IF item->>'op' = 'delete' THEN
                DELETE FROM mocap.records WHERE tbl = item->>'t' AND key = item->'k' RETURNING building INTO v_building;
                v_row := NULL;
            ELSIF item->>'op' = 'insert' THEN
                v_row := item->'a';
            ELSE
                SELECT row || (item->'a') INTO v_row FROM mocap.records WHERE tbl = item->>'t' AND key = item->'k';
            END IF;
            IF v_row IS NOT NULL THEN
                v_building := mocap.building_of(item->>'t', v_row);
            END IF;
            INSERT INTO mocap.changes (change_id, tbl, key, area, row, building)
                VALUES (p_change_id, item->>'t', item->'k', v_area, v_row, v_building) RETURNING seq INTO v_seq;
            IF v_row IS NOT NULL THEN
                INSERT INTO mocap.records (tbl, key, area, row, seq, change_id, building)
                    VALUES (item->>'t', item->'k', v_area, v_row, v_seq, p_change_id, v_building)
                    ON CONFLICT (tbl, key) DO UPDATE SET row = EXCLUDED.row, seq = EXCLUDED.seq,
                                                         change_id = EXCLUDED.change_id, building = EXCLUDED.building;
            END IF;
            v_last := v_seq;
        END LOOP;
    EXCEPTION WHEN unique_violation THEN
        GET STACKED DIAGNOSTICS v_reason = CONSTRAINT_NAME;
        v_reason := 'already on record: ' || v_reason;
        UPDATE mocap.batches SET refused = v_reason WHERE change_id = p_change_id;
        INSERT INTO mocap.refused VALUES (p_change_id, v_reason, p_items, '[]');
        RETURN jsonb_build_object('status', 'refused', 'reason', v_reason, 'server', '[]'::jsonb);
    END;
    IF v_last > 0 THEN PERFORM pg_notify('mocap_changes', v_last::text); END IF;
    RETURN jsonb_build_object('status', 'applied', 'seq', v_last);
END $$;

-- A PC's audit entries, each kept once (its own hash chain, verifiable by PC).
CREATE OR REPLACE FUNCTION mocap.push_audit(p_pc integer, p_entries jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = mocap, pg_temp AS $$
DECLARE v_count integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM mocap.pcs WHERE pc = p_pc AND login = session_user AND active) THEN
        RAISE EXCEPTION 'PC % is not joined with the login %', p_pc, session_user USING ERRCODE = '42501';
    END IF;
    INSERT INTO mocap.audit SELECT p_pc, (e->>'id')::bigint, e FROM jsonb_array_elements(p_entries) AS e
        ON CONFLICT (pc, id) DO NOTHING;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END $$;

ALTER TABLE mocap.changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE mocap.records ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS readers ON mocap.changes;
DROP POLICY IF EXISTS readers ON mocap.records;
CREATE POLICY readers ON mocap.changes FOR SELECT USING (mocap.may(area, false) AND mocap.in_scope(building));
CREATE POLICY readers ON mocap.records FOR SELECT USING (mocap.may(area, false) AND mocap.in_scope(building));
REVOKE ALL ON ALL TABLES IN SCHEMA mocap FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA mocap FROM PUBLIC;
GRANT USAGE ON SCHEMA mocap TO {every_group};
GRANT SELECT ON mocap.changes, mocap.records, mocap.batches, mocap.pcs, mocap.meta TO {every_group};
GRANT EXECUTE ON FUNCTION mocap.push, mocap.push_audit, mocap.register_pc, mocap.may, mocap.in_scope,
    mocap.set_scope TO {every_group};
GRANT SELECT ON mocap.audit, mocap.scopes TO mocap_administrator;
"""


def init_server(url: str, password: str | None = None) -> str:
    """Create (or bring up to date) the `mocap` schema, its group roles and access rules; safe to
    run again. Refuses a server whose schema a newer version made. Returns what was done."""
    with connect(url, password) as conn:
        version = server_schema(conn)
        if version is not None and version > SERVER_SCHEMA:
            raise ServerError(f"The server's MOCAP schema is version {version}; this version of MOCAP Desktop "
                              f"knows up to {SERVER_SCHEMA}. It was left as it is: install the newer version.")
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(7467)")
            conn.execute(_ddl())
            conn.execute("INSERT INTO mocap.meta VALUES ('schema', %s) ON CONFLICT (key) DO UPDATE "
                         "SET value = EXCLUDED.value", (str(SERVER_SCHEMA),))
    return "created" if version is None else "brought up to date"


def server_schema(conn) -> int | None:
    """The version of the server's `mocap` schema, None when there is none yet."""
    exists = conn.execute("SELECT to_regclass('mocap.meta') IS NOT NULL").fetchone()[0]
    if not exists:
        return None
    row = conn.execute("SELECT value FROM mocap.meta WHERE key = 'schema'").fetchone()
    return int(row[0]) if row else None


NO_GROUP = ("This PC's login on the district server is in no MOCAP group any more, so it neither sends "
            "nor receives: ask district IT.")


def check_access(conn) -> None:
    """Refuse at once a login taken out of every MOCAP group (a PC retired, a person removed)."""
    import psycopg

    try:
        allowed = conn.execute("SELECT mocap.may('district', false)").fetchone()[0]
    except psycopg.errors.InsufficientPrivilege as exc:
        raise ServerError(NO_GROUP) from exc
    if not allowed:
        raise ServerError(NO_GROUP)


def check_schema(conn) -> None:
    import psycopg

    try:
        version = server_schema(conn)
    except psycopg.errors.InsufficientPrivilege as exc:
        raise ServerError(NO_GROUP) from exc
    if version is None:
        raise ServerError("The server has no MOCAP record yet: district IT runs "
                          "`mocap-desktop district init-server URL` once first.")
    if version > SERVER_SCHEMA:
        raise ServerError(f"The server's MOCAP schema is version {version}; this version of MOCAP Desktop knows "
                          f"up to {SERVER_SCHEMA}. Install the newer version on this PC to sync.")


def register_pc(conn, name: str) -> int:
    return conn.execute("SELECT mocap.register_pc(%s)", (name,)).fetchone()[0]


def holds_record(conn) -> bool:
    """Does the server hold any row of the record yet (this login may see)?"""
    return conn.execute("SELECT EXISTS (SELECT 1 FROM mocap.records)").fetchone()[0]


def person_on_record(conn, login: str) -> dict | None:
    row = conn.execute("SELECT row FROM mocap.records WHERE tbl = 'people' AND lower(row->>'login') = lower(%s)",
                       (login,)).fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class PushResult:
    status: str  # applied | refused
    reason: str | None
    server: list[dict]  # the server's rows beside a refused batch: table, key, why, row, by, pc


def push(conn, change_id: str, pc: int, actor: str, made_at: str, items: list[dict]) -> PushResult:
    from psycopg.types.json import Jsonb

    import psycopg

    try:
        with conn.transaction():
            answer = conn.execute("SELECT mocap.push(%s, %s, %s, %s, %s)",
                                  (change_id, pc, actor, made_at, Jsonb(items))).fetchone()[0]
    except psycopg.errors.InsufficientPrivilege as exc:
        raise ServerError(f"The district server refused this PC's change ({exc.diag.message_primary}); "
                          "it waits here: ask district IT.") from exc
    return PushResult(answer["status"], answer.get("reason"), answer.get("server") or [])


def push_audit(conn, pc: int, entries: list[dict]) -> int:
    from psycopg.types.json import Jsonb

    with conn.transaction():
        return conn.execute("SELECT mocap.push_audit(%s, %s)", (pc, Jsonb(entries))).fetchone()[0]


def pull(conn, after: int, limit: int = 5000) -> list[tuple[int, str, Any, dict | None, int]]:
    """The log after `after` that this login may see: (seq, table, key, row or None, pc), in order."""
    return conn.execute(
        "SELECT c.seq, c.tbl, c.key, c.row, b.pc FROM mocap.changes c JOIN mocap.batches b USING (change_id) "
        "WHERE c.seq > %s ORDER BY c.seq LIMIT %s", (after, limit)).fetchall()


@contextlib.contextmanager
def one_moment(conn) -> Iterator[int]:
    """Read the record as of one moment (a repeatable-read transaction); yields the log's last
    number at that moment."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield last_seq(conn)


def snapshot(conn, table: str, size: int) -> Iterator[list[tuple[str, Any, dict]]]:
    """The current rows of one table (inside `one_moment`), `size` at a time, oldest first."""
    with conn.cursor(name=f"snapshot_{table}") as cur:
        cur.itersize = size
        cur.execute("SELECT tbl, key, row FROM mocap.records WHERE tbl = %s ORDER BY seq", (table,))
        while True:
            chunk = cur.fetchmany(size)
            if not chunk:
                return
            yield chunk


def last_seq(conn) -> int:
    return conn.execute("SELECT coalesce(max(seq), 0) FROM mocap.changes").fetchone()[0]


def rows(conn, keys: list[tuple[str, Any]]) -> Iterator[tuple[str, Any, dict]]:
    """The server's current rows for (table, key) pairs (what a refused batch is put back to)."""
    from psycopg.types.json import Jsonb

    for table, key in keys:
        row = conn.execute("SELECT row FROM mocap.records WHERE tbl = %s AND key = %s",
                           (table, Jsonb(key))).fetchone()
        yield table, key, (row[0] if row else None)


def set_scope(conn, login: str, buildings: list[str] | None) -> None:
    """Limit `login` to the students of `buildings` (None: every building again)."""
    import psycopg

    try:
        conn.execute("SELECT mocap.set_scope(%s, %s)", (login, buildings))
    except psycopg.errors.InsufficientPrivilege as exc:
        raise ServerError("Only an administrator's login sets building scopes on the server.") from exc


def scopes(conn) -> dict[str, list[str]]:
    return dict(conn.execute("SELECT login, buildings FROM mocap.scopes ORDER BY login").fetchall())


def audit_trails(conn) -> Iterator[tuple[int, str, Iterator[dict]]]:
    """Each PC's audit trail as the server keeps it: (PC, its name, its entries in order)."""
    import psycopg

    try:
        conn.execute("SELECT 1 FROM mocap.audit LIMIT 1")
    except psycopg.errors.InsufficientPrivilege as exc:
        raise ServerError("Only an administrator's login may read the audit trails on the server.") from exc
    for pc, name in conn.execute("SELECT pc, name FROM mocap.pcs WHERE pc IN (SELECT pc FROM mocap.audit) "
                                 "ORDER BY pc").fetchall():
        cur = conn.execute("SELECT entry FROM mocap.audit WHERE pc = %s ORDER BY id", (pc,))
        yield pc, name, (row[0] for row in cur)


def listener(url: str, password: str | None = None):
    """A connection that hears when any PC's batch is applied (NOTIFY mocap_changes)."""
    conn = connect(url, password)
    conn.execute("LISTEN mocap_changes")
    return conn


def heard(conn, seconds: float) -> bool:
    """Wait up to `seconds` for a change on the server; True when one came."""
    for _notice in conn.notifies(timeout=seconds, stop_after=1):
        return True
    return False
