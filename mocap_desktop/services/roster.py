"""Roster imports: students (with their guardians) and enrollment history, on the one engine.

Students are matched by local student number: the same file imported again changes nothing,
an updated file updates in place. Columns the file does not have leave the stored values as
they are. A MOSIS ID must be exactly ten digits after reading it as text (never padded) and
belongs to one student only.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from mocap_desktop.services.importing import (
    CancelCheck,
    Field,
    FieldError,
    ImportCancelled,
    ImportKind,
    ImportRefused,
    ParseContext,
    Plan,
    Problem,
    Record,
    Report,
    SkipRow,
    padded_code,
    required_text,
    parse_date,
    parse_flag,
    required_date,
    run_import,
    saved_mapping_named,
)
from mocap_desktop.core.access import ROSTER_IMPORT, require
from mocap_desktop.core.messages import count_of
from mocap_desktop.store import Store, trail
from mocap_desktop.store.district import DistrictRepo
from mocap_desktop.store.students import StudentRepo, fold

CHUNK = 5000
MAX_PARAMETERS = 999  # the oldest SQLite's limit on the values of one statement


class _Keep:
    """A school name that matches no building: leave the student's building as it is."""

    def __repr__(self) -> str:
        return "KEEP"


_KEEP = _Keep()

def _rows_of(conn, sql: str, column: str, ids: list[int]):
    """Rows of `sql` whose `column` is in `ids`: one pass over the table when `ids` is a good
    part of it, else by index in chunks."""
    if not ids:
        return
    table = sql.rsplit(" FROM ", 1)[1].split()[0]
    size = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    if len(ids) * 8 > size:
        wanted = set(ids)
        position = [c.strip() for c in sql.split(" FROM ")[0][len("SELECT "):].split(",")].index(column)
        for row in conn.execute(sql):
            if row[position] in wanted:
                yield row
        return
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        yield from conn.execute(f"{sql} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk)


def insert_rows(conn, table: str, names: tuple[str, ...] | list[str], rows: list[tuple]) -> None:
    """INSERT `rows` (values in `names` order) in that order, many rows to a statement: a third
    cheaper than one statement a row."""
    one = f"({', '.join('?' * len(names))})"
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
    per = max(MAX_PARAMETERS // len(names), 1)
    whole = len(rows) - len(rows) % per
    flat = list(itertools.chain.from_iterable(rows[:whole]))
    size = per * len(names)
    conn.executemany(sql + ", ".join([one] * per), (flat[i:i + size] for i in range(0, len(flat), size)))
    conn.executemany(sql + one, rows[whole:])


# --- values --------------------------------------------------------------------------------------

_GRADES = {"k": "K", "kg": "K", "0k": "K", "00": "K", "0": "K", "kindergarten": "K", "kn": "K"}
_GRADES.update({str(n): str(n) for n in range(1, 13)})
_GRADES.update({f"{n:02d}": str(n) for n in range(1, 13)})


# Not MOCAP students, and not errors either: pre-kindergarten (PowerSchool numbers it -1, -2),
# transitional kindergarten, infants and toddlers, ungraded, adult and post-secondary.
NOT_K12 = "pre-kindergarten and ungraded"
_NOT_K12 = {"pk", "pk3", "pk4", "pk5", "p3", "p4", "prek", "pre-k", "pre k", "pr", "ps", "tk", "it",
            "ug", "ungraded", "u", "-1", "-2", "-3", "13", "14", "99", "other", "ee", "ec", "ad"}


@lru_cache(maxsize=256)
def parse_grade(value: str, ctx: ParseContext) -> str:
    grade = _GRADES.get(value.lower().removesuffix("th").removesuffix("st").removesuffix("nd")
                        .removesuffix("rd") if value[:1].isdigit() else value.lower())
    if grade is None:
        if value.lower() in _NOT_K12:
            raise SkipRow(NOT_K12, value.upper())
        if not value:
            raise FieldError("a grade is required here (K or 1–12)")
        raise FieldError(f'grade "{value}" is not K–12 (K, KG, 0K, 00, 1–12 or 01–12)')
    return grade


def parse_mosis(value: str, ctx: ParseContext) -> str | None:
    if not value:
        return None
    digits = value.replace(" ", "")
    if not digits.isdigit():
        raise FieldError(f'MOSIS ID "{value}" must be ten digits')
    if len(digits) != 10:
        raise FieldError(f"MOSIS ID {digits} has {len(digits)} digits; it must have exactly 10 "
                         "(check that the export kept leading zeros)")
    return digits


def parse_local_number(value: str, ctx: ParseContext) -> str:
    if not value:
        raise FieldError("the local student number is missing")
    if len(value) > 20:
        raise FieldError(f'local student number "{value[:24]}…" is longer than 20 characters')
    return value


_CLOCK = re.compile(r"[T ](\d{1,2}):(\d{2})(?::(\d{2}))?")


@lru_cache(maxsize=65536)
def parse_birth_date(value: str, ctx: ParseContext) -> str | None:
    """A birth date; blank is "not on record" (None). A time of day other than midnight means
    the column is a timestamp (a record's last change), not a birth date."""
    iso = parse_date(value, ctx)
    if iso is None:
        return None
    clock = _CLOCK.search(value)
    if clock is not None and any(int(part or 0) for part in clock.groups()):
        raise FieldError(f'"{value}" is a timestamp, not a birth date')
    if iso > ctx.today.isoformat():
        raise FieldError(f'birth date "{value}" is in the future')
    if iso < "1980-01-01":
        raise FieldError(f'birth date "{value}" is before 1980; check the year')
    return iso


_LANGUAGES = {
    "english": "en", "eng": "en", "en": "en", "spanish": "es", "español": "es", "espanol": "es",
    "spa": "es", "es": "es", "vietnamese": "vi", "arabic": "ar", "bosnian": "bs", "chinese": "zh",
    "mandarin": "zh", "somali": "so", "french": "fr", "german": "de", "russian": "ru",
    "ukrainian": "uk", "swahili": "sw", "korean": "ko", "japanese": "ja", "polish": "pl",
    "portuguese": "pt", "burmese": "my", "nepali": "ne", "marshallese": "mh", "tagalog": "tl",
}


@lru_cache(maxsize=1024)
def language_code(value: str) -> str:
    if not value:
        return "en"
    return _LANGUAGES.get(value.strip().lower(), value.strip().lower()[:20])


def parse_record_status(value: str, ctx: ParseContext) -> str:
    """A OneRoster record's status: "withdrawn" for tobedeleted (a delta's withdrawal)."""
    low = value.lower().replace(" ", "")
    if low in ("", "active"):
        return ""
    if low in ("tobedeleted", "deleted", "inactive"):
        return "withdrawn"
    raise FieldError(f'status "{value}" is neither active nor tobedeleted')


def _v(*names: str) -> tuple[str, ...]:
    return names


# --- students ------------------------------------------------------------------------------------

STUDENT_COLUMNS = ("local_number", "mosis_id", "last_name", "first_name", "middle_name",
                   "preferred_name", "birth_date", "grade", "building_code", "resident_district",
                   "address1", "address2", "city", "state", "zip", "gender", "home_language",
                   "iep", "section_504", "mshsaa_activities", "english_learner")
STUDENT_DEFAULTS = {"mosis_id": None, "birth_date": None, "middle_name": "", "preferred_name": "",
                    "building_code": None, "address1": "", "address2": "", "city": "",
                    "state": "MO", "zip": "", "gender": "", "home_language": "", "iep": 0,
                    "section_504": 0, "mshsaa_activities": 0, "english_learner": 0}
_student_row = operator.itemgetter(*STUDENT_COLUMNS)
GUARDIAN_SLOTS = ("guardian", "guardian2", "mother", "father")
GUARDIAN_COLUMNS = ("name", "relationship", "phone", "email", "preferred_language",
                    "receives_letters")

_code4 = padded_code(4, "school code")
_code6 = padded_code(6, "county-district code")


def _guardian_fields(slot: str, title: str, name: tuple[str, ...], first: tuple[str, ...],
                     last: tuple[str, ...], rel: tuple[str, ...], phone: tuple[str, ...],
                     email: tuple[str, ...], lang: tuple[str, ...]) -> tuple[Field, ...]:
    return (
        Field(f"{slot}_name", f"{title} name", variants=name),
        Field(f"{slot}_first", f"{title} first name", variants=first),
        Field(f"{slot}_last", f"{title} last name", variants=last),
        Field(f"{slot}_relationship", f"{title} relationship", variants=rel),
        Field(f"{slot}_phone", f"{title} phone", variants=phone),
        Field(f"{slot}_email", f"{title} e-mail", variants=email),
        Field(f"{slot}_language", f"{title} preferred language", variants=lang),
    )


STUDENT_FIELDS: tuple[Field, ...] = (
    Field("local_number", "Local student number", True, _v(
        "Student Number", "Student_Number", "studentNumber", "StudentID", "Student_id", "NameID",
        "local_id", "LocalStudentID", "Local ID", "Student ID", "Local Student Number",
        "Student No", "Stu Num", "userIds: SIS", "userIds: Local", "userIds: studentNumber",
        "sourcedId", "username"), parse_local_number),
    Field("mosis_id", "MOSIS ID", False, _v(
        "State ID", "stateID", "statenum", "State_StudentNumber", "State_id", "StateID",
        "MOSIS ID", "MOSIS", "State Student Number", "State Student ID", "StateStudentID",
        "userIds: MOSIS", "userIds: State", "userIds: StateID", "identifier"),
        parse_mosis),
    Field("last_name", "Last name", True, _v(
        "Last Name", "Last_Name", "lastName", "StudentLastName", "Student Last Name", "Last",
        "Surname", "familyName", "Legal Last Name"), required_text("last name")),
    Field("first_name", "First name", True, _v(
        "First Name", "First_Name", "firstName", "StudentFirstName", "Student First Name",
        "First", "givenName", "Legal First Name"), required_text("first name")),
    Field("middle_name", "Middle name", False, _v(
        "Middle Name", "Middle_Name", "middleName", "StudentMiddleName", "Middle Initial",
        "Middle", "MI", "Middle_Initial")),
    Field("preferred_name", "Preferred name", False, _v(
        "Preferred Name", "Preferred First Name", "PreferredName", "Preferred_Name", "Nickname",
        "Goes By", "preferredFirstName", "preferredGivenName")),
    Field("birth_date", "Birth date", False, _v(
        "Birthdate", "Birth Date", "DOB", "Dob", "date_of_birth", "DateOfBirth",
        "StudentDateofBirth", "Date of Birth", "Birth_Date"), parse_birth_date,
        "blank: not on record (the eligibility check asks for it)"),
    Field("grade", "Grade", True, _v(
        "Grade", "Grade_Level", "Grade Level", "GradeLevel", "StudentGrade", "StudentGradeLevel",
        "Grd", "grades"), parse_grade),
    Field("building_code", "School code", False, _v(
        "SchoolID", "School_id", "school_local_id", "ReportingSchoolCode", "School Code",
        "School SIS ID",
        "Building Code", "School Number", "SchoolNumber", "Building Number"),
        _code4),
    Field("building_name", "School name", False, _v(
        "School", "School Name", "School_name", "Building", "Building Name")),
    Field("resident_district", "Resident district code", False, _v(
        "Resident District", "Resident District Code", "ResidentDistrict", "District Code",
        "County District Code", "CountyDistrictCode", "Resident_District"), _code6),
    Field("gender", "Gender", False, _v("Gender", "GenderMaleFemale", "sex")),
    Field("status", "Record status", False, _v("status", "Record Status"), parse_record_status,
          'OneRoster: "tobedeleted" in a delta withdraws the student'),
    Field("home_language", "Home language", False, _v(
        "Home Language", "home_language", "Language", "Primary Language", "HomeLanguage")),
    Field("address1", "Street address", False, _v(
        "Address", "Street", "Street Address", "Mailing Address", "Home Address", "Address1",
        "Address Line 1", "Mailing_Street", "Home_Street", "Student_street")),
    Field("address2", "Address line 2", False, _v("Address2", "Address Line 2", "Apt", "Unit")),
    Field("city", "City", False, _v("City", "Mailing City", "Mailing_City", "Home_City",
                                    "Student_city")),
    Field("state", "State", False, _v("State", "Mailing State", "Mailing_State", "Home_State",
                                      "Student_state")),
    Field("zip", "ZIP code", False, _v("Zip", "Zip Code", "ZIP", "Postal Code", "ZipCode",
                                       "Mailing_Zip", "Home_Zip", "Student_zip")),
    Field("iep", "IEP", False, _v("IEP", "Has IEP", "SpEd", "Special Education", "IEP Flag",
                                  "Iep_status"),
          parse_flag),
    Field("section_504", "Section 504 plan", False, _v("504", "Section 504", "Section504",
                                                        "504 Plan", "Plan504"), parse_flag),
    Field("mshsaa_activities", "MSHSAA activities", False, _v(
        "MSHSAA", "MSHSAA Activities", "Activities", "Athlete"), parse_flag),
    Field("english_learner", "English learner", False, _v(
        "EL", "ELL", "English Learner", "LEP", "ELL Status", "EL Status", "Ell_status"), parse_flag),
    *_guardian_fields("guardian", "Guardian",
                      _v("Guardian Name", "Guardian", "Parent Name", "Parent", "Contact_name",
                         "Contact Name", "Guardian1 Name"),
                      _v("Guardian First Name", "Guardian_First", "Parent First Name",
                         "Guardian1 First Name"),
                      _v("Guardian Last Name", "Guardian_Last", "Parent Last Name",
                         "Guardian1 Last Name"),
                      _v("Guardian Relationship", "Relationship", "Contact_relationship",
                         "Contact_type", "Contact Type", "Guardian Type"),
                      _v("Guardian Home Phone", "Guardian Phone", "Contact_phone", "Parent Phone",
                         "Home Phone", "Guardian Cell Phone"),
                      _v("Guardian Email", "Guardian E-mail", "Contact_email", "Parent Email"),
                      _v("Guardian Language", "Parent Language", "Correspondence Language",
                         "Preferred Language", "Contact Language")),
    *_guardian_fields("guardian2", "Second guardian",
                      _v("Guardian2 Name", "Guardian 2 Name", "Second Guardian"),
                      _v("Guardian2 First Name", "Guardian 2 First Name"),
                      _v("Guardian2 Last Name", "Guardian 2 Last Name"),
                      _v("Guardian2 Relationship", "Guardian 2 Relationship"),
                      _v("Guardian2 Phone", "Guardian 2 Phone", "Guardian2 Home Phone"),
                      _v("Guardian2 Email", "Guardian 2 Email"),
                      _v("Guardian2 Language", "Guardian 2 Language")),
    *_guardian_fields("mother", "Mother", _v("Mother", "Mother Name", "Mother_Name"),
                      _v("Mother_First", "Mother First Name"), _v("Mother_Last", "Mother Last Name"),
                      (), _v("Mother_Phone", "Mother Phone", "Mother_Home_Phone"),
                      _v("Mother_Email", "Mother Email"), ()),
    *_guardian_fields("father", "Father", _v("Father", "Father Name", "Father_Name"),
                      _v("Father_First", "Father First Name"), _v("Father_Last", "Father Last Name"),
                      (), _v("Father_Phone", "Father Phone", "Father_Home_Phone"),
                      _v("Father_Email", "Father Email"), ()),
)


@dataclass
class _StudentWork:
    inserts: list[tuple] = field(default_factory=list)  # STUDENT_COLUMNS order
    updates: list[tuple[int, dict]] = field(default_factory=list)  # (id, changed columns)
    clear_mosis: list[int] = field(default_factory=list)
    buildings: list[tuple[str, str]] = field(default_factory=list)
    guardians: dict[str, list[tuple]] = field(default_factory=dict)  # local number → (key, row)s
    guardian_ids: dict[str, dict[str, int]] = field(default_factory=dict)  # local → folded name → id
    local_ids: dict[str, int] = field(default_factory=dict)  # students already in the database
    before: dict[int, dict] = field(default_factory=dict)  # id → the changed columns' old values
    guardians_changed: list[int] = field(default_factory=list)  # existing students whose guardians change
    remove: list[int] = field(default_factory=list)  # withdrawn students that leave the roster


def _guardians_reader(slots: tuple[str, ...]) -> Callable[[dict], list[tuple[str, tuple]]]:
    """A function giving the guardians one row names, as (folded name, row in GUARDIAN_COLUMNS
    order), the first of them receiving letters. Built once per import for the mapped slots."""
    layout = [(*(f"{slot}_{part}" for part in ("name", "first", "last", "relationship", "phone",
                                               "email", "language")),
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

    def check(self, record: Record, columns: dict[str, str]) -> list[Problem]:
        v = record.values
        born = v.get("birth_date")
        if not born:
            return []
        reason = age_for_grade(born, v["grade"], date.today())
        return [Problem(record.row, columns["birth_date"], reason, warning=True)] if reason else []

    def plan(self, store: Store, records: list[Record], mapped: set[str],
             columns: dict[str, str]) -> Plan:
        plan = Plan()
        work = _StudentWork()
        plan.work = work
        repo = StudentRepo(store)
        conn = store.conn
        slots = tuple(g for g in GUARDIAN_SLOTS if any(k.startswith(g + "_") for k in mapped))
        guardian_mapped = bool(slots)
        has_code, has_name = "building_code" in mapped, "building_name" in mapped
        cols = [c for c in STUDENT_COLUMNS if c in mapped or (c == "building_code" and has_name)]

        # Buildings: codes from the file; names resolved to known buildings.
        known = dict(conn.execute("SELECT code, name FROM buildings"))
        by_name = {fold(n).strip(): c for c, n in known.items()}
        new_buildings: dict[str, str] = {}
        unknown_names: set[str] = set()

        # One record per local number: exact repeats are skipped, conflicting ones rejected.
        first_row: dict[str, Record] = {}
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
                    code = by_name.get(fold(name).strip())
                    if code is None:
                        unknown_names.add(name)
                v["building_code"] = code if code else _KEEP
            elif has_code and v.get("building_code"):
                code = v["building_code"]
                if code not in known and code not in new_buildings:
                    new_buildings[code] = v.get("building_name") or f"School {code}"
            elif has_code:
                v["building_code"] = None
            seen = first_row.get(local)
            if seen is not None:
                if seen.values == v:
                    plan.duplicates += 1
                else:
                    plan.problems.append(Problem(
                        rec.row, columns["local_number"],
                        f"local student number {local} is already on row {seen.row:,} "
                        "with different values"))
                continue
            first_row[local] = rec
            keep.append(rec)
        if unknown_names:
            plan.notes.append(
                f"{count_of(len(unknown_names), 'school name')} "
                f"{'matches' if len(unknown_names) == 1 else 'match'} no building (for example "
                f'"{sorted(unknown_names)[0]}"): those students keep their building. '
                "Map a school code column to create buildings.")

        # MOSIS IDs: one student each, in the file and in the database.
        existing_ids = repo.ids_by_local_number(first_row)
        existing = self._existing(conn, existing_ids, cols)
        mosis_row: dict[str, Record] = {}
        for rec in list(keep):
            m = rec.values.get("mosis_id")
            if not m:
                continue
            other = mosis_row.get(m)
            if other is not None:
                plan.problems.append(Problem(
                    rec.row, columns["mosis_id"],
                    f"MOSIS ID {m} is already used on row {other.row:,} "
                    f"(local number {other.values['local_number']})"))
                keep.remove(rec)
                continue
            mosis_row[m] = rec
        if "mosis_id" in mapped and mosis_row:
            owners: dict[str, str] = {}
            ids = list(mosis_row)
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                owners.update(conn.execute(
                    f"SELECT mosis_id, local_number FROM students WHERE mosis_id IN "
                    f"({','.join('?' * len(chunk))})", chunk))
            file_mosis = {r.values["local_number"]: r.values.get("mosis_id")
                          for r in keep} if owners else {}
            for m, owner in owners.items():
                rec = mosis_row[m]
                local = rec.values["local_number"]
                if owner != local and (owner not in file_mosis or file_mosis[owner] == m):
                    plan.problems.append(Problem(
                        rec.row, columns["mosis_id"],
                        f"MOSIS ID {m} already belongs to another student in the database "
                        f"(local number {owner})"))
                    keep.remove(rec)
                elif owner != local:
                    work.clear_mosis.append(existing_ids[owner])

        # Added, updated or unchanged.
        default_district = ""
        if "resident_district" not in mapped:
            profile = DistrictRepo(store).profile()
            default_district = profile.code if profile else ""
        old_guardians = self._existing_guardians(conn, existing_ids) if guardian_mapped else {}
        guardians_of = _guardians_reader(slots)
        defaults = {**STUDENT_DEFAULTS, "resident_district": default_district}
        no_mosis = no_birth = 0
        withdrawn = [rec for rec in keep if rec.values.get("status")]
        if withdrawn:
            keep = [rec for rec in keep if not rec.values.get("status")]
            self._plan_withdrawals(conn, plan, work, existing_ids, withdrawn)
        for rec in keep:
            v = rec.values
            local = v["local_number"]
            guardians = guardians_of(v) if slots else []
            sid = existing_ids.get(local)
            no_mosis += not v.get("mosis_id")
            if "birth_date" in v and v["birth_date"] is None:
                v["birth_date"] = _KEEP  # a blank cell leaves the birth date on record
            if sid is None:
                full = {**defaults, **v}
                for c in ("building_code", "birth_date"):
                    if full[c] is _KEEP:
                        full[c] = None
                no_birth += full["birth_date"] is None
                work.inserts.append(_student_row(full))
                if guardians:
                    work.guardians[local] = guardians
                plan.added += 1
                continue
            old = existing[sid]
            new = tuple(v[c] for c in cols)
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
        work.buildings = sorted(new_buildings.items())
        work.local_ids = existing_ids
        if no_mosis:
            plan.notes.append(
                f"{no_mosis:,} student{'s' if no_mosis != 1 else ''} without a MOSIS ID in this "
                "file: enter it before a request goes to a provider.")
        if no_birth:
            plan.notes.append(
                f"{no_birth:,} new student{'s' if no_birth != 1 else ''} without a birth date: "
                "the eligibility check asks for it.")
        return plan

    @staticmethod
    def _plan_withdrawals(conn, plan: Plan, work: _StudentWork, existing_ids: dict[str, int],
                          withdrawn: list[Record]) -> None:
        """A delta's tobedeleted students leave the roster, unless anything in the database
        refers to them (a request, a letter, a disclosure): those are kept as they are."""
        ids = [existing_ids[r.values["local_number"]] for r in withdrawn
               if r.values["local_number"] in existing_ids]
        held: set[int] = set()
        for table in ("requests", "letters", "disclosures"):
            held.update(sid for (sid,) in _rows_of(conn, f"SELECT student_id FROM {table}",
                                                   "student_id", ids))
        work.remove = [sid for sid in ids if sid not in held]
        plan.removed = len(work.remove)
        kept = len(set(ids) & held)
        if kept:
            plan.notes.append(
                f"{kept:,} withdrawn student{'s have' if kept != 1 else ' has'} requests or letters "
                f"on record and stay{'' if kept != 1 else 's'} on the roster.")
        unknown = len(withdrawn) - len(ids)
        if unknown:
            plan.notes.append(f"{unknown:,} withdrawn student{'s were' if unknown != 1 else ' was'} "
                              "not on the roster.")

    @staticmethod
    def _existing(conn, ids: dict[str, int], cols: list[str]) -> dict[int, tuple]:
        names = ", ".join(cols)
        out: dict[int, dict] = {}
        for row in _rows_of(conn, f"SELECT id, {names} FROM students", "id", list(ids.values())):
            out[row[0]] = row[1:]
        return out

    @staticmethod
    def _existing_guardians(conn, ids: dict[str, int]) -> dict[int, dict[str, tuple[int, tuple]]]:
        out: dict[int, dict[str, tuple[int, tuple]]] = {}
        sql = f"SELECT student_id, id, {', '.join(GUARDIAN_COLUMNS)} FROM guardians"
        for row in _rows_of(conn, sql, "student_id", list(ids.values())):
            out.setdefault(row[0], {})[fold(row[2]).strip()] = (row[1], row[2:])
        return out

    def write(self, store: Store, plan: Plan, progress: Callable[[int, int], None],
              cancelled: CancelCheck) -> None:
        work: _StudentWork = plan.work
        conn = store.conn
        total = len(work.inserts) + len(work.updates) + len(work.guardians)
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if cancelled():
                raise ImportCancelled()
            progress(done, total)

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
            # New students get the next ids in file order: known here, not read back.
            first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM students").fetchone()[0]
            names = ["id", *STUDENT_COLUMNS, "updated_at"]
            for i in range(0, len(work.inserts), CHUNK):
                chunk = work.inserts[i:i + CHUNK]
                insert_rows(conn, "students", names, [(first_id + i + j, *r, now) for j, r in enumerate(chunk)])
                tick(len(chunk))
            ids.update((r[0], first_id + j) for j, r in enumerate(work.inserts))
            StudentRepo(store).index_new_students(
                [(first_id + j, r[2], r[3], r[5], r[0], r[1]) for j, r in enumerate(work.inserts)])
        for i in range(0, len(work.updates), CHUNK):
            chunk = work.updates[i:i + CHUNK]
            by_shape: dict[tuple[str, ...], list[tuple]] = {}
            for sid, changed in chunk:
                shape = tuple(sorted(changed))
                by_shape.setdefault(shape, []).append(tuple(changed[c] for c in shape) + (now, sid))
            for shape, rows in by_shape.items():
                sets = ", ".join(f"{c} = ?" for c in shape)
                conn.executemany(f"UPDATE students SET {sets}, updated_at = ? WHERE id = ?", rows)
            tick(len(chunk))
        if work.guardians:
            inserts, updates, reset = [], [], []
            for local, guardians in work.guardians.items():
                sid = ids[local]
                current = work.guardian_ids.get(local, {})
                if current:
                    reset.append((sid,))  # the file says again who receives letters
                for key, values in guardians:
                    gid = current.get(key)
                    if gid is None:
                        inserts.append((sid, *values))
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
                tick(len(chunk))
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

    def check(self, record: Record, columns: dict[str, str]) -> list[Problem]:
        v = record.values
        if v.get("exit") and v["exit"] < v["entry"]:
            return [Problem(record.row, columns["exit"],
                            f"exit date {v['exit']} is before the entry date {v['entry']}")]
        return []

    def plan(self, store: Store, records: list[Record], mapped: set[str],
             columns: dict[str, str]) -> Plan:
        plan = Plan()
        profile = DistrictRepo(store).profile()
        district = profile.code.replace("-", "") if profile and profile.code else ""
        buildings = dict(store.conn.execute("SELECT code, name FROM buildings"))
        kept = []
        for rec in records:  # the district's own code and the building's name, as the roster has them
            v = rec.values
            if not v.get("district_code"):
                if not district:
                    plan.problems.append(Problem(
                        rec.row, columns.get("district_code", ""),
                        "no county-district code: map its column, or enter the district's code "
                        "in the district profile"))
                    continue
                v["district_code"] = district
            code = v.pop("school_code", "")
            if code and not v.get("school_name"):
                v["school_name"] = buildings.get(code, f"School {code}")
            kept.append(rec)
        records = kept
        if "school_code" in mapped:
            mapped = mapped | {"school_name"}
        ids = StudentRepo(store).ids_by_local_number({r.values["local_number"] for r in records})
        existing: dict[tuple, tuple[int, dict]] = {}
        id_list = list(set(ids.values()))
        for i in range(0, len(id_list), 500):
            chunk = id_list[i:i + 500]
            for row in store.conn.execute(
                f"SELECT id, student_id, district_code, entry, {', '.join(ENROLLMENT_COLUMNS)} "
                f"FROM enrollments WHERE student_id IN ({','.join('?' * len(chunk))})", chunk):
                existing[(row[1], row[2], row[3])] = (row[0], dict(zip(ENROLLMENT_COLUMNS, row[4:])))
        inserts, updates = [], []
        seen: dict[tuple, Record] = {}
        for rec in records:
            v = rec.values
            sid = ids.get(v["local_number"])
            if sid is None:
                plan.problems.append(Problem(
                    rec.row, columns["local_number"],
                    f"no student has local number {v['local_number']} (import the students first)"))
                continue
            key = (sid, v["district_code"], v["entry"])
            if key in seen:
                if seen[key].values == v:
                    plan.duplicates += 1
                else:
                    plan.problems.append(Problem(
                        rec.row, columns["entry"],
                        f"this student's enrollment in {v['district_code']} from {v['entry']} is "
                        f"already on row {seen[key].row:,} with different values"))
                continue
            seen[key] = rec
            row = {c: v[c] for c in ENROLLMENT_COLUMNS if c in mapped and c in v}
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

    def write(self, store: Store, plan: Plan, progress: Callable[[int, int], None],
              cancelled: CancelCheck) -> None:
        inserts, updates = plan.work
        conn = store.conn
        total, done = len(inserts) + len(updates), 0
        names = ("student_id", "district_code", "entry", *ENROLLMENT_COLUMNS)
        for i in range(0, len(inserts), CHUNK):
            chunk = inserts[i:i + CHUNK]
            conn.executemany(
                f"INSERT INTO enrollments ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [tuple(r[c] for c in names) for r in chunk])
            done += len(chunk)
            if cancelled():
                raise ImportCancelled()
            progress(done, total)
        for eid, changed, _, _ in updates:
            sets = ", ".join(f"{c} = ?" for c in changed)
            conn.execute(f"UPDATE enrollments SET {sets} WHERE id = ?", (*changed.values(), eid))
        trail.note_many(store.db, store, "enrollment_updated", (
            (sid, None, {"enrollment_id": eid, **trail.changes(before, changed), "source": "enrollment import"})
            for eid, changed, sid, before in updates))
        progress(total, total)


KINDS: dict[str, ImportKind] = {k.key: k for k in (StudentsKind(), EnrollmentsKind())}


def import_roster_file(store: Store, path, kind: str = "students", *, mapping_name: str | None = None,
                       dry_run: bool = False, skip_invalid: bool = False,
                       progress=None, cancelled=None) -> Report:
    """The headless import: a saved mapping by name (or the guesses), then `run_import`
    (ROSTER_IMPORT)."""
    from pathlib import Path

    require(store, ROSTER_IMPORT)
    if kind not in KINDS:
        raise ImportRefused(f'unknown import kind "{kind}" (use {" or ".join(KINDS)})')
    columns = saved_mapping_named(store, kind, mapping_name) if mapping_name else None
    return run_import(store, Path(path), KINDS[kind], mapping=columns, dry_run=dry_run,
                      skip_invalid=skip_invalid, progress=progress, cancelled=cancelled)
