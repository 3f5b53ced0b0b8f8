"""Roster imports: students (with their guardians) and enrollment history, on the one engine.

Students are matched by local student number: the same file imported again changes nothing,
an updated file updates in place. Columns the file does not have leave the stored values as
they are. A MOSIS ID must be exactly ten digits after reading it as text (never padded) and
belongs to one student only.

The roster's fields and value parsers are in `roster_fields`, the students kind in
`roster_students`; this module has the enrollment history kind, `KINDS` and the headless
import, and gives the names callers import from it.
"""

from __future__ import annotations

from mocap_desktop.core.access import ROSTER_IMPORT, require
from mocap_desktop.services.importing import (
    CancelCheck,
    Field,
    FieldError,
    ImportCancelled,
    ImportKind,
    ImportRefused,
    ParseContext,
    Plan,
    Planner,
    Problem,
    Record,
    Report,
    parse_date,
    parse_flag,
    required_date,
    run_import,
    saved_mapping_named,
)
from mocap_desktop.services.roster_fields import (  # the roster's names, importable from here
    GUARDIAN_COLUMNS,
    NOT_K12,
    STUDENT_COLUMNS,
    STUDENT_FIELDS,
    _code4,
    _code6,
    _v,
    language_code,
    parse_birth_date,
    parse_grade,
    parse_local_number,
    parse_mosis,
    parse_record_status,
)
from mocap_desktop.services.roster_students import CHUNK, StudentsKind, age_for_grade, insert_rows
from mocap_desktop.store import Store, trail
from mocap_desktop.store.district import DistrictRepo
from mocap_desktop.store.students import StudentRepo

__all__ = [
    "GUARDIAN_COLUMNS", "NOT_K12", "STUDENT_COLUMNS", "STUDENT_FIELDS", "language_code",
    "parse_birth_date", "parse_grade", "parse_local_number", "parse_mosis", "parse_record_status",
    "StudentsKind", "age_for_grade", "insert_rows", "EnrollmentsKind", "ENROLLMENT_FIELDS",
    "KINDS", "import_roster_file",
]


# --- enrollment history ----------------------------------------------------------------------------

_KINDS = {"public": "public", "charter": "charter", "private": "private", "parochial": "private",
          "home": "home", "homeschool": "home", "home school": "home", "outofstate": "out_of_state",
          "out of state": "out_of_state", "out_of_state": "out_of_state", "oos": "out_of_state",
          "": "public"}


def parse_school_kind(value: str, ctx: ParseContext) -> str:
    kind = _KINDS.get(value.lower())
    if kind is None:
        raise FieldError(f'school kind "{value}" is not public, charter, private, home or out of state')
    return kind


def parse_full_time(value: str, ctx: ParseContext) -> int:
    low = value.lower()
    if low in ("", "ft", "full", "full time", "full-time"):
        return 1
    if low in ("pt", "part", "part time", "part-time"):
        return 0
    return parse_flag(value, ctx)


def parse_state(value: str, ctx: ParseContext) -> str:
    if not value:
        return "MO"
    if len(value) != 2 or not value.isalpha():
        raise FieldError(f'state "{value}" is not a two-letter state code')
    return value.upper()


ENROLLMENT_FIELDS: tuple[Field, ...] = (
    Field("local_number", "Local student number", True, STUDENT_FIELDS[0].variants,
          parse_local_number),
    Field("district_code", "County-district code", False, _v(
        "District Code", "District", "County District Code", "CountyDistrictCode",
        "District_Code", "DistrictID", "Resident District Code"), _code6,
        "blank or not in the file: the district profile's code"),
    Field("school_code", "School code", False,
          next(f.variants for f in STUDENT_FIELDS if f.key == "building_code"), _code4,
          "a building code: its name comes from the buildings the roster import made"),
    Field("school_name", "School name", False, _v("School", "School Name", "School_name",
                                                  "Building")),
    Field("school_kind", "School kind", False, _v("School Kind", "School Type", "SchoolType",
                                                  "Kind"), parse_school_kind),
    Field("state", "State", False, _v("State", "School State"), parse_state),
    Field("full_time", "Full time", False, _v("Full Time", "FullTime", "FT", "FTE Status",
                                              "Full_Time"), parse_full_time),
    Field("entry", "Entry date", True, _v("EntryDate", "Entry Date", "Entry_Date", "Start Date",
                                          "Enroll Date", "BeginDate", "Begin Date", "Begin_Date",
                                          "StartDate", "Start_Date", "EnrollmentDate",
                                          "Enrollment Date", "EnrollDate", "Date Entered"),
          required_date),
    Field("exit", "Exit date", False, _v("ExitDate", "Exit Date", "Exit_Date", "Withdraw Date",
                                         "WithdrawDate", "End Date", "EndDate", "End_Date",
                                         "Withdrawal Date", "WithdrawalDate", "LeaveDate",
                                         "Leave Date", "Date Left"), parse_date),
)
ENROLLMENT_COLUMNS = ("school_name", "school_kind", "state", "full_time", "exit")


class EnrollmentsKind(ImportKind):
    key = "enrollments"
    label = "Enrollment history"
    noun = "enrollments"
    fields = ENROLLMENT_FIELDS
    audit_action = "enrollments_imported"

    def check(self, record: Record, columns: dict[str, str], ctx: ParseContext) -> list[Problem]:
        v = record.values
        if v.get("exit") and v["exit"] < v["entry"]:
            return [Problem(record.row, columns["exit"],
                            f"exit date {v['exit']} is before the entry date {v['entry']}")]
        return []

    chunk = CHUNK

    def planner(self, store: Store, mapped: set[str], columns: dict[str, str]) -> Planner:
        return _EnrollmentsPlanner(self, store, mapped, columns)

    def write(self, store: Store, plan: Plan, cancelled: CancelCheck) -> None:
        inserts, updates = plan.work
        conn = store.conn
        names = ("student_id", "district_code", "entry", *ENROLLMENT_COLUMNS)
        for i in range(0, len(inserts), CHUNK):
            chunk = inserts[i:i + CHUNK]
            conn.executemany(
                f"INSERT INTO enrollments ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [tuple(r[c] for c in names) for r in chunk])
            if cancelled():
                raise ImportCancelled()
        for eid, changed, _, _ in updates:
            sets = ", ".join(f"{c} = ?" for c in changed)
            conn.execute(f"UPDATE enrollments SET {sets} WHERE id = ?", (*changed.values(), eid))
        trail.note_many(store.db, store, "enrollment_updated", (
            (sid, None, {"enrollment_id": eid, **trail.changes(before, changed), "source": "enrollment import"})
            for eid, changed, sid, before in updates))


class _EnrollmentsPlanner(Planner):
    """Enrollment history a chunk at a time; across chunks it keeps each enrollment's first
    row (student, district, entry date) and a digest of its values."""

    def __init__(self, kind: ImportKind, store: Store, mapped: set[str], columns: dict[str, str]):
        super().__init__(kind, store, mapped, columns)
        profile = DistrictRepo(store).profile()
        self.district = profile.code.replace("-", "") if profile and profile.code else ""
        self.buildings = dict(store.conn.execute("SELECT code, name FROM buildings"))
        if "school_code" in mapped:
            self.mapped = mapped | {"school_name"}
        self.seen: dict[tuple, tuple[int, int]] = {}  # (student, district, entry) → (row, digest)

    def plan(self, records: list[Record]) -> Plan:
        plan, columns, conn = Plan(), self.columns, self.store.conn
        kept = []
        for rec in records:  # the district's own code and the building's name, as the roster has them
            v = rec.values
            if not v.get("district_code"):
                if not self.district:
                    plan.problems.append(Problem(
                        rec.row, columns.get("district_code", ""),
                        "no county-district code: map its column, or enter the district's code "
                        "in the district profile"))
                    continue
                v["district_code"] = self.district
            code = v.pop("school_code", "")
            if code and not v.get("school_name"):
                v["school_name"] = self.buildings.get(code, f"School {code}")
            kept.append(rec)
        ids = StudentRepo(self.store).ids_by_local_number({r.values["local_number"] for r in kept})
        existing: dict[tuple, tuple[int, dict]] = {}
        id_list = list(set(ids.values()))
        for i in range(0, len(id_list), 500):
            chunk = id_list[i:i + 500]
            for row in conn.execute(
                f"SELECT id, student_id, district_code, entry, {', '.join(ENROLLMENT_COLUMNS)} "
                f"FROM enrollments WHERE student_id IN ({','.join('?' * len(chunk))})", chunk):
                existing[(row[1], row[2], row[3])] = (row[0], dict(zip(ENROLLMENT_COLUMNS, row[4:])))
        inserts, updates = [], []
        for rec in kept:
            v = rec.values
            sid = ids.get(v["local_number"])
            if sid is None:
                plan.problems.append(Problem(
                    rec.row, columns["local_number"],
                    f"no student has local number {v['local_number']} (import the students first)"))
                continue
            key = (sid, v["district_code"], v["entry"])
            digest = hash(tuple(v.items()))
            if key in self.seen:
                first, first_digest = self.seen[key]
                if first_digest == digest:
                    plan.duplicates += 1
                else:
                    plan.problems.append(Problem(
                        rec.row, columns["entry"],
                        f"this student's enrollment in {v['district_code']} from {v['entry']} is "
                        f"already on row {first:,} with different values"))
                continue
            self.seen[key] = (rec.row, digest)
            row = {c: v[c] for c in ENROLLMENT_COLUMNS if c in self.mapped and c in v}
            if key not in existing:
                inserts.append({"school_name": "", "school_kind": "public", "state": "MO",
                                "full_time": 1, "exit": None, **row,
                                "student_id": sid, "district_code": key[1], "entry": key[2]})
                plan.added += 1
                continue
            eid, old = existing[key]
            changed = {c: val for c, val in row.items() if old[c] != val}
            if changed:
                updates.append((eid, changed, sid, {c: old[c] for c in changed}))
                plan.updated += 1
            else:
                plan.unchanged += 1
        plan.work = (inserts, updates)
        return plan


KINDS: dict[str, ImportKind] = {k.key: k for k in (StudentsKind(), EnrollmentsKind())}


def import_roster_file(store: Store, path, kind: str = "students", *, mapping_name: str | None = None,
                       dry_run: bool = False, skip_invalid: bool = False,
                       progress=None, cancelled=None, reader=None) -> Report:
    """The headless import: a saved mapping by name (or the guesses), then `run_import`
    (ROSTER_IMPORT); `reader`: a `start_reader` of the file, already reading it."""
    from pathlib import Path

    require(store, ROSTER_IMPORT)
    if kind not in KINDS:
        raise ImportRefused(f'unknown import kind "{kind}" (use {" or ".join(KINDS)})')
    columns = saved_mapping_named(store, kind, mapping_name) if mapping_name else None
    return run_import(store, Path(path), KINDS[kind], mapping=columns, dry_run=dry_run,
                      skip_invalid=skip_invalid, progress=progress, cancelled=cancelled, reader=reader)
