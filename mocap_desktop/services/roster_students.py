"""The students import: which rows add, update or leave students (matched by local number,
a MOSIS ID belonging to one student only), and the writes, many rows to a statement, with one
audit entry per changed student."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter

from mocap_desktop.core.messages import count_of
from mocap_desktop.services.importing import (
    CancelCheck,
    ImportCancelled,
    ImportKind,
    ParseContext,
    Plan,
    Planner,
    Problem,
    Record,
)
from mocap_desktop.services.roster_fields import (
    GUARDIAN_COLUMNS,
    GUARDIAN_SLOTS,
    STUDENT_COLUMNS,
    STUDENT_FIELDS,
    language_code,
)
from mocap_desktop.store import Store, StoreError, trail
from mocap_desktop.store.district import DistrictRepo
from mocap_desktop.store.search_keys import fold, index_entry
from mocap_desktop.store.students import StudentRepo

# Rows planned and written at a time. The importing process waits for the reader's first chunks
# (as long as the reader takes to make one): 2,500 rather than 5,000 made a 100,000-row CSV
# 0.08 s quicker (median of six runs taking turns).
CHUNK = 2500
MAX_PARAMETERS = 999  # the oldest SQLite's limit on the values of one statement


class _Keep:
    """A school name that matches no building: leave the student's building as it is."""

    def __repr__(self) -> str:
        return "KEEP"


_KEEP = _Keep()


RUN_GAP = 64  # ids at most this far apart are read as one range


def _rows_of(conn, sql: str, column: str, ids: list[int]) -> list[tuple]:
    """Rows of `sql` whose indexed integer `column` is in `ids`, read by ranges of the sorted ids:
    ids at most RUN_GAP apart make one range (rows of other ids in it are left out), so that the
    consecutive ids an import wrote cost one range read, not a lookup each."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    keep = set(wanted)
    position = [c.strip() for c in sql.split(" FROM ")[0][len("SELECT "):].split(",")].index(column)
    ranged = f"{sql} WHERE {column} BETWEEN ? AND ?"
    out: list[tuple] = []
    start = 0
    for end in range(1, len(wanted) + 1):
        if end == len(wanted) or wanted[end] - wanted[end - 1] > RUN_GAP:
            low, high = wanted[start], wanted[end - 1]
            rows = conn.execute(ranged, (low, high))
            if high - low + 1 == end - start:  # every id of the range is wanted
                out.extend(rows)
            else:
                out.extend(row for row in rows if row[position] in keep)
            start = end
    return out


def insert_rows(conn, table: str, names: tuple[str, ...] | list[str], rows: list[tuple],
                extra: dict[str, str] | None = None) -> None:
    """INSERT `rows` (values in `names` order) in that order, many rows to a statement: a third
    cheaper than one statement a row. `extra`: column → an SQL literal, the same in every row."""
    extra = extra or {}
    one = f"({', '.join(['?'] * len(names) + list(extra.values()))})"
    sql = f"INSERT INTO {table} ({', '.join([*names, *extra])}) VALUES "
    per = max(MAX_PARAMETERS // len(names), 1)
    whole = len(rows) - len(rows) % per
    flat = list(itertools.chain.from_iterable(rows[:whole]))
    size = per * len(names)
    conn.executemany(sql + ", ".join([one] * per), (flat[i:i + size] for i in range(0, len(flat), size)))
    conn.executemany(sql + one, rows[whole:])


@dataclass
class _StudentWork:
    inserts: list[tuple] = field(default_factory=list)  # new students, `insert_columns` order
    insert_columns: tuple[str, ...] = ()  # the others: the table's defaults
    index: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # each insert's index entry
    updates: list[tuple[int, dict]] = field(default_factory=list)  # (id, changed columns)
    clear_mosis: list[int] = field(default_factory=list)
    buildings: list[tuple[str, str]] = field(default_factory=list)
    guardians: dict[str, list[tuple]] = field(default_factory=dict)  # local number → (key, row)s
    guardian_ids: dict[str, dict[str, int]] = field(default_factory=dict)  # local → folded name → id
    local_ids: dict[str, int] = field(default_factory=dict)  # students already in the database
    before: dict[int, dict] = field(default_factory=dict)  # id → the changed columns' old values
    guardians_changed: list[int] = field(default_factory=list)  # existing students whose guardians change
    remove: list[int] = field(default_factory=list)  # withdrawn students that leave the roster


def _slots(mapped: set[str]) -> tuple[str, ...]:
    """The guardian slots (GUARDIAN_SLOTS) any mapped field belongs to."""
    return tuple(g for g in GUARDIAN_SLOTS if any(k.startswith(g + "_") for k in mapped))


_GUARDIAN_CELLS = ("name", "first", "last", "relationship", "phone", "email", "language")


def _guardians_reader(slots: tuple[str, ...]) -> Callable[[dict], list[tuple[str, tuple]]]:
    """A function giving the guardians one row names, as (folded name, row in GUARDIAN_COLUMNS
    order), the first of them receiving letters. Built once per import for the mapped slots."""
    layout = [(*(f"{slot}_{part}" for part in _GUARDIAN_CELLS),
               "Mother" if slot == "mother" else "Father" if slot == "father" else "")
              for slot in slots]

    def read(values: dict) -> list[tuple[str, tuple]]:
        out: list[tuple[str, tuple]] = []
        keys: list[str] = []
        get = values.get
        for k_name, k_first, k_last, k_rel, k_phone, k_email, k_lang, relationship in layout:
            name = get(k_name) or ""
            first, last = get(k_first) or "", get(k_last) or ""
            if first and last:
                name = f"{first} {last}"
            elif first:
                name = name if name.startswith(first) else f"{first} {name}".strip()
            elif last and not name:
                name = last
            if not name:
                continue
            key = fold(name).strip()
            if key in keys:
                continue
            keys.append(key)
            out.append((key, (name, get(k_rel) or relationship, get(k_phone) or "",
                              get(k_email) or "",
                              language_code(get(k_lang) or get("home_language") or ""),
                              0 if out else 1)))
        return out
    return read


@lru_cache(maxsize=65536)
def age_for_grade(birth_date: str, grade: str, today: date) -> str:
    """'' when a birth date fits the grade, else why not: on 1 September of the school year a
    student is about grade + 5 years old (K: 5); two years younger or five older is off."""
    year = today.year if today.month >= 7 else today.year - 1
    born = date.fromisoformat(birth_date)
    age = year - born.year - ((9, 1) < (born.month, born.day))
    expected = 5 if grade == "K" else int(grade) + 5
    if expected - 2 <= age <= expected + 5:
        return ""
    level = "kindergarten" if grade == "K" else f"grade {grade}"
    return (f"born {born.month}/{born.day}/{born.year}, the student is {age} on September 1, {year}: "
            f"{'too young' if age < expected else 'too old'} for {level}; check the birth date and grade")


class StudentsKind(ImportKind):
    key = "students"
    label = "Students"
    noun = "students"
    fields = STUDENT_FIELDS
    audit_action = "roster_imported"

    def check(self, record: Record, columns: dict[str, str], ctx: ParseContext) -> list[Problem]:
        v = record.values
        born = v.get("birth_date")
        if not born:
            return []
        reason = age_for_grade(born, v["grade"], ctx.today)
        return [Problem(record.row, columns["birth_date"], reason, warning=True)] if reason else []

    def deriver(self, columns: dict[str, str]) -> Callable[[dict], None]:
        """Each row's guardians ("_guardians", in place of their cells), search index entry
        ("_index": the key and tokens a new student is indexed by) and a digest of its values
        ("_digest": a row repeated exactly is skipped, one that differs is rejected)."""
        slots = _slots(set(columns))
        guardians_of = _guardians_reader(slots)
        cells = [key for slot in slots for part in _GUARDIAN_CELLS if (key := f"{slot}_{part}") in columns]

        def derive(v: dict) -> None:
            if slots:
                v["_guardians"] = tuple(guardians_of(v))
                for key in cells:
                    v.pop(key, None)
            v["_index"] = index_entry(v["last_name"], v["first_name"], v.get("preferred_name") or "",
                                      v["local_number"], v.get("mosis_id"))
            v["_digest"] = hash(tuple(v.values()))
        return derive

    chunk = CHUNK

    def planner(self, store: Store, mapped: set[str], columns: dict[str, str]) -> _StudentsPlanner:
        return _StudentsPlanner(self, store, mapped, columns)

    def write(self, store: Store, plan: Plan, cancelled: CancelCheck) -> None:
        _write(store, plan.work, cancelled)


class _StudentsPlanner(Planner):
    """The students import, a chunk of records at a time. Across chunks it keeps only what
    the file-wide rules need: each local number's first row (and a digest of its values, so an
    exact repeat is told from a conflicting one), each MOSIS ID's row, and the rows that claim
    a MOSIS ID another student holds until that student's own row is read (`finish`)."""

    def __init__(self, kind: ImportKind, store: Store, mapped: set[str], columns: dict[str, str]):
        super().__init__(kind, store, mapped, columns)
        self.conn = conn = store.conn
        self.repo = StudentRepo(store)
        # On a roster empty when the import began, no row can meet a student on record (the rows
        # this import writes are told apart by the file-wide keys): nothing to look up.
        self.empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM students)").fetchone()[0] == 1
        self.slots = _slots(mapped)
        self.has_code, self.has_name = "building_code" in mapped, "building_name" in mapped
        self.cols = [c for c in STUDENT_COLUMNS
                     if c in mapped or (c == "building_code" and self.has_name)]
        self.known = dict(conn.execute("SELECT code, name FROM buildings"))
        self.by_name = {fold(n).strip(): c for c, n in self.known.items()}
        self.unknown_names: set[str] = set()
        self.first_row: dict[str, tuple[int, int]] = {}  # local number → (row, digest of values)
        self.mosis_row: dict[str, tuple[int, str]] = {}  # MOSIS ID → (row, local number)
        self.file_mosis: dict[str, str | None] = {}  # local number → its MOSIS ID in the file
        self.held: list[tuple[Record, str]] = []  # (row, the local number holding its MOSIS ID)
        default_district = ""
        if "resident_district" not in mapped:
            profile = DistrictRepo(store).profile()
            default_district = profile.code if profile else ""
        # A new student's row: the mapped columns, and the profile's district unless the file
        # gives one; the other columns take the table's defaults (blank, none, not flagged, MO).
        self.insert_columns = tuple(self.cols) + (() if "resident_district" in mapped else ("resident_district",))
        self.insert_tail = () if "resident_district" in mapped else (default_district,)
        self.no_mosis = self.no_birth = self.withdrawn_kept = self.withdrawn_unknown = 0

    def plan(self, records: list[Record]) -> Plan:
        plan = Plan()
        plan.work = work = _StudentWork()
        keep = self._one_per_student(records, plan, work)
        known = self._on_record(keep)
        keep = self._mosis_checked(keep, plan, work, known)
        self._changes(keep, plan, work, known)
        return plan

    def finish(self) -> Plan:
        """The held rows, now that every row has been read, and the notes."""
        plan = Plan()
        plan.work = work = _StudentWork()
        allowed = []
        for rec, owner in self.held:
            m = rec.values["mosis_id"]
            if owner in self.file_mosis and self.file_mosis[owner] != m:
                allowed.append(rec)  # the file gives the owner another ID
            else:
                plan.problems.append(Problem(
                    rec.row, self.columns["mosis_id"],
                    f"MOSIS ID {m} already belongs to another student in the database "
                    f"(local number {owner})"))
        for m, owner, sid in self._owners({r.values["mosis_id"] for r in allowed}):
            work.clear_mosis.append(sid)  # still holds it: the owner's own row was not written
        self._changes(allowed, plan, work, self._on_record(allowed))
        if self.unknown_names:
            unknown = self.unknown_names
            plan.notes.append(
                f"{count_of(len(unknown), 'school name')} "
                f"{'matches' if len(unknown) == 1 else 'match'} no building (for example "
                f'"{sorted(unknown)[0]}"): those students keep their building. '
                "Map a school code column to create buildings.")
        if self.withdrawn_kept:
            kept = self.withdrawn_kept
            plan.notes.append(
                f"{kept:,} withdrawn student{'s have' if kept != 1 else ' has'} requests or letters "
                f"on record and stay{'' if kept != 1 else 's'} on the roster.")
        if self.withdrawn_unknown:
            unknown = self.withdrawn_unknown
            plan.notes.append(f"{unknown:,} withdrawn student{'s were' if unknown != 1 else ' was'} "
                              "not on the roster.")
        if self.no_mosis:
            plan.notes.append(
                f"{self.no_mosis:,} student{'s' if self.no_mosis != 1 else ''} without a MOSIS ID "
                "in this file: enter it before a request goes to a provider.")
        if self.no_birth:
            plan.notes.append(
                f"{self.no_birth:,} new student{'s' if self.no_birth != 1 else ''} without a birth "
                "date: the eligibility check asks for it.")
        return plan

    def _one_per_student(self, records: list[Record], plan: Plan, work: _StudentWork) -> list[Record]:
        """Buildings resolved (codes from the file, names to known buildings), and one record per
        local number: exact repeats are skipped, conflicting ones rejected."""
        has_code, has_name, known, first_row = self.has_code, self.has_name, self.known, self.first_row
        keep: list[Record] = []
        for rec in records:
            v = rec.values
            local = v["local_number"]
            if has_name and not v.get("building_code"):
                name = v.get("building_name", "")
                code = None
                if name.isdigit() and len(name) <= 4:
                    code = name.zfill(4)
                elif name:
                    code = self.by_name.get(fold(name).strip())
                    if code is None:
                        self.unknown_names.add(name)
                v["building_code"] = code if code else _KEEP
            elif has_code and v.get("building_code"):
                code = v["building_code"]
                if code not in known:
                    known[code] = v.get("building_name") or f"School {code}"
                    work.buildings.append((code, known[code]))
            elif has_code:
                v["building_code"] = None
            digest = v["_digest"]
            seen = first_row.get(local)
            if seen is not None:
                if seen[1] == digest:
                    plan.duplicates += 1
                else:
                    plan.problems.append(Problem(
                        rec.row, self.columns["local_number"],
                        f"local student number {local} is already on row {seen[0]:,} "
                        "with different values"))
                continue
            first_row[local] = (rec.row, digest)
            keep.append(rec)
        return keep

    def _owners(self, ids) -> list[tuple[str, str, int]]:
        """(MOSIS ID, local number, id) of the students in the database holding any of `ids`."""
        ids = [m for m in ids if m]
        out: list[tuple[str, str, int]] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out += self.conn.execute(
                f"SELECT mosis_id, local_number, id FROM students WHERE mosis_id IN "
                f"({','.join('?' * len(chunk))})", chunk).fetchall()
        return out

    def _on_record(self, keep: list[Record]) -> tuple[dict[str, int], dict[int, tuple]]:
        """The students on record with the local numbers of `keep`: their ids by local number,
        and their columns (`cols`) by id."""
        ids = {} if self.empty else self.repo.ids_by_local_number([r.values["local_number"] for r in keep])
        return ids, _existing(self.conn, ids, self.cols)

    def _mosis_checked(self, keep: list[Record], plan: Plan, work: _StudentWork,
                       known: tuple[dict[str, int], dict[int, tuple]]) -> list[Record]:
        """MOSIS IDs: one student each, in the file and in the database. A row taking the ID of
        a student whose own row is not read yet is held until `finish`. `known`: `_on_record`
        of `keep` (an ID the row's own student holds is looked up no further)."""
        if "mosis_id" not in self.mapped:
            return keep
        ids, rows = known
        at = self.cols.index("mosis_id")
        own = {local: rows[sid][at] for local, sid in ids.items()}
        mosis_row, file_mosis, column = self.mosis_row, self.file_mosis, self.columns["mosis_id"]
        kept: list[Record] = []
        for rec in keep:
            v = rec.values
            m = v.get("mosis_id")
            if m:
                other = mosis_row.get(m)
                if other is not None:
                    plan.problems.append(Problem(
                        rec.row, column, f"MOSIS ID {m} is already used on row {other[0]:,} "
                                         f"(local number {other[1]})"))
                    continue
                mosis_row[m] = (rec.row, v["local_number"])
            file_mosis[v["local_number"]] = m
            kept.append(rec)
        if self.empty:  # no student on record holds any ID: none to look up
            return kept
        elsewhere = {m for r in kept if (m := r.values.get("mosis_id")) and own.get(r.values["local_number"]) != m}
        owners = {m: (owner, sid) for m, owner, sid in self._owners(elsewhere)}
        if not owners:
            return kept
        out: list[Record] = []
        for rec in kept:
            m = rec.values.get("mosis_id")
            owner, sid = owners.get(m, (None, 0)) if m else (None, 0)
            if owner is None or owner == rec.values["local_number"]:
                out.append(rec)
            elif owner in file_mosis:  # the file gives the owner another ID
                work.clear_mosis.append(sid)
                out.append(rec)
            else:
                self.held.append((rec, owner))
        return out

    def _changes(self, keep: list[Record], plan: Plan, work: _StudentWork,
                 known: tuple[dict[str, int], dict[int, tuple]]) -> None:
        """Added, updated or unchanged; withdrawn ones leave the roster. `known`: `_on_record`
        of `keep` or more."""
        conn, cols, slots = self.conn, self.cols, self.slots
        row_of = itemgetter(*cols)  # a tuple: cols has the four required fields at least
        existing_ids, existing = known
        old_guardians = _existing_guardians(conn, existing_ids) if slots else {}
        tail = self.insert_tail
        work.insert_columns = self.insert_columns
        withdrawn = [rec for rec in keep if rec.values.get("status")] if "status" in self.mapped else []
        if withdrawn:
            keep = [rec for rec in keep if not rec.values.get("status")]
            self._plan_withdrawals(plan, work, existing_ids, withdrawn)
        inserts, index, new_guardians = work.inserts, work.index, work.guardians
        added, no_mosis, no_birth = len(inserts), 0, 0
        for rec in keep:
            v = rec.values
            local = v["local_number"]
            guardians = v.get("_guardians", ())
            sid = existing_ids.get(local)
            no_mosis += not v.get("mosis_id")
            if sid is None:
                if v.get("building_code") is _KEEP:
                    v["building_code"] = None
                no_birth += v.get("birth_date") is None
                inserts.append(row_of(v) + tail)
                index.append(v["_index"])
                if guardians:
                    new_guardians[local] = guardians
                continue
            if "birth_date" in v and v["birth_date"] is None:
                v["birth_date"] = _KEEP  # a blank cell leaves the birth date on record
            old = existing[sid]
            new = row_of(v)
            changed = None
            if new != old:
                changed = {c: val for c, val, was in zip(cols, new, old)
                           if val is not _KEEP and val != was}
            g_changed = False
            if guardians:
                current = old_guardians.get(sid, {})
                if any(current.get(key, (0, None))[1] != row for key, row in guardians):
                    g_changed = True
                    work.guardians[local] = guardians
                    work.guardian_ids[local] = {k: gid for k, (gid, _) in current.items()}
                    work.guardians_changed.append(sid)
            if changed:
                work.updates.append((sid, changed))
                work.before[sid] = {c: was for c, was in zip(cols, old) if c in changed}
            if changed or g_changed:
                plan.updated += 1
            else:
                plan.unchanged += 1
        plan.added += len(inserts) - added
        self.no_mosis += no_mosis
        self.no_birth += no_birth
        work.local_ids = existing_ids

    def _plan_withdrawals(self, plan: Plan, work: _StudentWork, existing_ids: dict[str, int],
                          withdrawn: list[Record]) -> None:
        """A delta's tobedeleted students leave the roster, unless anything in the database
        refers to them (a request, a letter, a disclosure): those are kept as they are."""
        ids = [existing_ids[r.values["local_number"]] for r in withdrawn
               if r.values["local_number"] in existing_ids]
        held: set[int] = set()
        for table in ("requests", "letters", "disclosures"):
            held.update(sid for (sid,) in _rows_of(self.conn, f"SELECT student_id FROM {table}",
                                                   "student_id", ids))
        work.remove = [sid for sid in ids if sid not in held]
        plan.removed = len(work.remove)
        self.withdrawn_kept += len(set(ids) & held)
        self.withdrawn_unknown += len(withdrawn) - len(ids)


def _existing(conn, ids: dict[str, int], cols: list[str]) -> dict[int, tuple]:
    names = ", ".join(cols)
    out: dict[int, tuple] = {}
    for row in _rows_of(conn, f"SELECT id, {names} FROM students", "id", list(ids.values())):
        out[row[0]] = row[1:]
    return out


def _existing_guardians(conn, ids: dict[str, int]) -> dict[int, dict[str, tuple[int, tuple]]]:
    out: dict[int, dict[str, tuple[int, tuple]]] = {}
    sql = f"SELECT student_id, id, {', '.join(GUARDIAN_COLUMNS)} FROM guardians"
    for row in _rows_of(conn, sql, "student_id", list(ids.values())):
        out.setdefault(row[0], {})[fold(row[2]).strip()] = (row[1], row[2:])
    return out

def _write(store: Store, work: _StudentWork, cancelled: CancelCheck) -> None:
    """One plan's writes, in the import's transaction."""
    conn = store.conn

    def stop_if_cancelled() -> None:
        if cancelled():
            raise ImportCancelled()

    now = datetime.now().isoformat(timespec="seconds")
    StudentRepo(store).ensure_index_version()  # so the new rows join a current index
    if work.buildings:
        conn.executemany("INSERT OR IGNORE INTO buildings (code, name) VALUES (?, ?)",
                         work.buildings)
    audit: dict[int, dict] = {}
    if work.remove:
        trail.note_many(store.db, store, "student_withdrawn", (
            (sid, None, {"source": "roster import", "reason": "tobedeleted in a OneRoster delta"})
            for sid in work.remove))
        conn.executemany("DELETE FROM students WHERE id = ?", [(i,) for i in work.remove])
    if work.clear_mosis:
        for sid, mosis in _rows_of(conn, "SELECT id, mosis_id FROM students", "id", work.clear_mosis):
            audit[sid] = {"before": {"mosis_id": mosis}, "after": {"mosis_id": None},
                          "reason": "the file gives this MOSIS ID to another student"}
        conn.executemany("UPDATE students SET mosis_id = NULL WHERE id = ?",
                         [(i,) for i in work.clear_mosis])
    ids: dict[str, int] = dict(work.local_ids)
    if work.inserts:
        # New students get the next ids in file order (SQLite gives a row without one the
        # largest id so far plus one): known here, not read back.
        first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM students").fetchone()[0]
        updated = f"'{now}'"  # a timestamp: digits, '-', ':' and 'T'
        for i in range(0, len(work.inserts), CHUNK):
            insert_rows(conn, "students", work.insert_columns, work.inserts[i:i + CHUNK],
                        extra={"updated_at": updated})
            stop_if_cancelled()
        last = conn.execute("SELECT max(id) FROM students").fetchone()[0]
        if last != first_id + len(work.inserts) - 1:
            raise StoreError(f"the new students were given ids {first_id}..{last}, "
                             f"not the {len(work.inserts):,} expected; nothing was imported")
        ids.update(zip(map(itemgetter(0), work.inserts), itertools.count(first_id)))  # cols[0]: the local number
        StudentRepo(store).index_new_students(
            [(first_id + j, key, tokens) for j, (key, tokens) in enumerate(work.index)])
    for i in range(0, len(work.updates), CHUNK):
        chunk = work.updates[i:i + CHUNK]
        by_shape: dict[tuple[str, ...], list[tuple]] = {}
        for sid, changed in chunk:
            shape = tuple(sorted(changed))
            by_shape.setdefault(shape, []).append(tuple(changed[c] for c in shape) + (now, sid))
        for shape, rows in by_shape.items():
            sets = ", ".join(f"{c} = ?" for c in shape)
            conn.executemany(f"UPDATE students SET {sets}, updated_at = ? WHERE id = ?", rows)
        stop_if_cancelled()
    if work.guardians:
        inserts, updates, reset = [], [], []
        on_record, add = work.guardian_ids, inserts.append
        for local, guardians in work.guardians.items():
            sid = ids[local]
            current = on_record.get(local) if on_record else None
            if current:
                reset.append((sid,))  # the file says again who receives letters
            for key, values in guardians:
                gid = current.get(key) if current else None
                if gid is None:
                    add((sid, *values))
                else:
                    updates.append((*values, gid))
        if reset:
            conn.executemany("UPDATE guardians SET receives_letters = 0 WHERE student_id = ?",
                             reset)
        if updates:
            sets = ", ".join(f"{c} = ?" for c in GUARDIAN_COLUMNS)
            conn.executemany(f"UPDATE guardians SET {sets} WHERE id = ?", updates)
        for i in range(0, len(inserts), CHUNK):
            chunk = inserts[i:i + CHUNK]
            insert_rows(conn, "guardians", ("student_id", *GUARDIAN_COLUMNS), chunk)
            stop_if_cancelled()
    # One audit entry per existing student the import changed: only the changed fields.
    for sid, changed in work.updates:
        detail = trail.changes(work.before.get(sid, {}), changed)
        if sid in audit:
            detail = {**audit[sid], **detail, "before": {**audit[sid]["before"], **detail.get("before", {})},
                      "after": {**audit[sid]["after"], **detail.get("after", {})}}
        audit[sid] = detail
    for sid in work.guardians_changed:
        audit.setdefault(sid, {})["guardians_updated"] = True
    trail.note_many(store.db, store, "student_updated",
                    ((sid, None, {**detail, "source": "roster import"}) for sid, detail in audit.items()))
    StudentRepo(store)._reindex_dirty()
