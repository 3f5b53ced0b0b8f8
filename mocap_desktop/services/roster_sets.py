"""Rosters that come as a set of files, read into one table of students for the import engine:
OneRoster 1.1 and 1.2 CSV, and Microsoft School Data Sync v2/v2.1 (OneRoster-like files).

A set is a zip, a folder, or any file of it, recognised by `manifest.csv` or by `users.csv`
with `orgs.csv` beside it. Only students become rows (OneRoster 1.1 `users.role`, 1.2 and SDS
`roles.csv`), in `users.csv` order and numbered as that file's rows (the header is row 1), so a
problem names `users.csv`, the row and the column. Each row gathers what the other files say
about the student, under columns the mapping guesses like any export's:

- `demographics.csv` (by `sourcedId` or `userSourcedId`): `birthDate`, `sex`;
- `orgs.csv`: the first school among `primaryOrgSourcedId`, the primary role's org and
  `orgSourcedIds`, as "School code" (its `identifier`; a ten-digit county-district-school code
  gives its last four digits) and "School name";
- guardians from `agentSourcedIds` or `relationships.csv`, the users they name (parents,
  guardians, relatives) as "Guardian …" and "Guardian2 …" name, relationship, phone, e-mail;
- `userIds` (`{MOSIS:1234567890},{SIS:100123}`): one column per type, "userIds: MOSIS", so the
  MOSIS ID or the local number can come from any of them.

`manifest.csv` is honoured: a file it calls absent is not read, a file it calls bulk or delta
must be there. A delta's `status` column says which students the district withdrew.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable, Iterator
from functools import cached_property
from itertools import chain, compress, islice
from operator import and_, itemgetter, or_
from pathlib import Path

from mocap_desktop.services.importing import ImportRefused, ParseContext, SkipRow, Table, text_lines
from mocap_desktop.services.roster import parse_grade

MARKERS = ("manifest.csv", "users.csv")
_USER_IDS = re.compile(r"\{([^:{}]+):([^{}]*)\}")  # {type:value}, each stripped of spaces
_ID_TYPES = re.compile(r"\{([^:{}]+):[^{}]*\}")  # the same, the type alone
GUARDIAN_ROLES = {"parent": "Parent", "guardian": "Guardian", "relative": "Relative"}
GUARDIAN_PARTS = ("name", "relationship", "phone", "email")
_PRIMARY, _TRUE = "primary", frozenset(("true", "1", "yes"))  # roles.csv: roleType, isPrimary


def _folder_names(folder: Path) -> dict[str, Path]:
    try:
        return {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    except OSError:
        return {}


def _is_set_folder(names) -> bool:
    return "manifest.csv" in names or ("users.csv" in names and "orgs.csv" in names)


def is_set(path: Path) -> bool:
    """A zip, a folder of a set, or a file inside a folder of a set."""
    if path.is_dir():
        return True
    if path.suffix.lower() == ".zip":
        return True
    return (path.is_file() and path.name.lower() in ("manifest.csv", "users.csv", "orgs.csv")
            and _is_set_folder(_folder_names(path.parent)))


def _members(path: Path) -> tuple[str, dict[str, Callable[[], bytes]]]:
    """(what to call the set, lower-case file name → its bytes) for a zip or a folder."""
    if path.is_file() and path.suffix.lower() != ".zip":
        path = path.parent
    if path.is_dir():
        names = _folder_names(path)
        if not _is_set_folder(names):
            raise ImportRefused(
                f"{path.name} is a folder without manifest.csv or users.csv and orgs.csv: choose "
                "the export file itself, or a OneRoster folder or zip.")
        return path.name, {n: p.read_bytes for n, p in names.items()}
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as err:
        raise ImportRefused(f"{path.name} cannot be opened as a zip file ({err}).") from err
    found: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        parts = info.filename.replace("\\", "/").split("/")
        if info.is_dir() or parts[0] == "__MACOSX" or len(parts) > 2:
            continue
        found.setdefault(parts[-1].lower(), info)
    if not _is_set_folder(found):
        inside = ", ".join(sorted(found)) or "nothing"
        raise ImportRefused(
            f"{path.name} is not a OneRoster or School Data Sync zip: it has no manifest.csv, nor "
            f"users.csv with orgs.csv (it holds {inside}).")
    return path.name, {n: (lambda i=i: archive.read(i)) for n, i in found.items()}


class _File:
    """One CSV of the set: its header (case kept) and rows, each as wide as the header (blank
    ones left out), so that a column is read by index alone."""

    def __init__(self, name: str, data: bytes):
        self.name, self._data = name, data
        self._reader: Iterator[list[str]] | None = self._read()
        self.header = [h.strip().lstrip("\ufeff") for h in next(self._reader, [])]
        self._index = {h.lower(): i for i, h in reversed(list(enumerate(self.header)))}

    def _read(self) -> Iterator[list[str]]:
        lines, self.encoding = text_lines(self._data, self.name)
        return csv.reader(lines)

    def chunks(self) -> Iterator[list[list[str]]]:
        """The rows a few thousand at a time, none of them kept: for a file read once."""
        reader, self._reader = self._reader, None
        if reader is None:  # read again
            reader = self._read()
            next(reader, None)
        width = len(self.header)
        while chunk := list(islice(reader, 5000)):  # a window thread gets its turns between them
            if not width or set(map(len, chunk)) != {width}:
                chunk = [r if len(r) == width else (r + [""] * (width - len(r)))[:width]
                         for r in chunk if r]
            yield chunk

    @cached_property
    def rows(self) -> list[list[str]]:
        return list(chain.from_iterable(self.chunks()))

    def column(self, *names: str) -> int | None:
        return next((self._index[n.lower()] for n in names if n.lower() in self._index), None)

    def need(self, *names: str) -> int:
        i = self.column(*names)
        if i is None:
            raise ImportRefused(f'{self.name} has no "{names[0]}" column; nothing was imported. '
                                f"Columns found: {', '.join(self.header)}.")
        return i

    def getter(self, *names: str) -> Callable[[list[str]], str]:
        i = self.column(*names)
        return _blank if i is None else itemgetter(i)


def _blank(row: list[str]) -> str:
    return ""


def _not_k12(grades: str) -> bool:
    """Whether the student's grade is one the roster import skips (pre-kindergarten, ungraded):
    their enrollments are skipped too."""
    try:
        parse_grade(grades.split(",")[0].strip(), ParseContext())
    except SkipRow:
        return True
    except ValueError:
        return False
    return False


def _ids(user_ids: str) -> dict[str, str]:
    """A `userIds` cell ("{MOSIS:1234567890},{SIS:100123}") as type → value."""
    return {t.strip(): v.strip() for t, v in _USER_IDS.findall(user_ids)} if user_ids else {}


def _school_code(identifier: str) -> str:
    digits = identifier.replace("-", "").replace(" ", "")
    return digits[-4:] if len(digits) == 10 and digits.isdigit() else identifier


class _Set:
    """The set's files, as its manifest declares them."""

    def __init__(self, path: Path):
        self.name, self.members = _members(path)
        self.manifest: dict[str, str] = {}
        if "manifest.csv" in self.members:
            m = _File("manifest.csv", self.members["manifest.csv"]())
            key, value = m.getter("propertyName"), m.getter("value")
            self.manifest = {key(r).lower(): value(r) for r in m.rows if key(r)}

    def mode(self, file: str) -> str:
        return self.manifest.get(f"file.{file.lower().removesuffix('.csv')}", "").lower()

    def read(self, file: str, needed: bool = False) -> _File | None:
        declared = self.mode(file)
        if declared == "absent":
            return None
        if file.lower() not in self.members:
            if declared in ("bulk", "delta") or needed:
                raise ImportRefused(f"{self.name}: {file} is missing"
                                    + (f" (manifest.csv says it is {declared})" if declared else "")
                                    + "; nothing was imported.")
            return None
        return _File(file, self.members[file.lower()]())


def side_tables(path: Path) -> dict | None:
    """What the set's `roles.csv` says about its students, for `read_set(side=…)`: read by the
    importing process while its reader process reads the other files. None for a set without
    `roles.csv` (OneRoster 1.1)."""
    return _roles(_Set(Path(path)))


def _roles(s: _Set) -> dict | None:
    """Who is a student, and which org and grade their roles give: a primary role's (the last
    one's), else the first role's that gives one."""
    if (roles := s.read("roles.csv")) is None:
        return None
    r_user, r_role = roles.getter("userSourcedId"), roles.getter("role")
    r_org, r_type = roles.getter("orgSourcedId"), roles.getter("roleType")
    r_primary, r_grade = roles.getter("isPrimary"), roles.getter("grade", "grades")
    student_ids: set[str] = set()
    first: dict[str, tuple[list[str], list[str]]] = {"org": ([], []), "grade": ([], [])}
    primary: dict[str, dict[str, str]] = {"org": {}, "grade": {}}
    for rows in roles.chunks():  # a few maps of C over each chunk, no loop over its rows
        rows = list(compress(rows, map("student".__eq__, map(str.lower, map(r_role, rows)))))
        users = list(map(r_user, rows))
        student_ids.update(users)
        is_primary = list(map(or_, map(_PRIMARY.__eq__, map(str.lower, map(r_type, rows))),
                              map(_TRUE.__contains__, map(str.lower, map(r_primary, rows)))))
        for what, get in (("org", r_org), ("grade", r_grade)):
            values = list(map(get, rows))
            given = list(map(bool, values))
            primary[what].update(compress(zip(users, values), map(and_, given, is_primary)))
            keys, found = first[what]
            keys += compress(users, given)
            found += compress(values, given)
    # the first of each student's roles: a dict of the pairs in reverse keeps the first
    role_org, role_grade = ({**dict(zip(reversed(first[w][0]), reversed(first[w][1]))), **primary[w]}
                            for w in ("org", "grade"))
    return {"student_ids": student_ids, "role_org": role_org, "role_grade": role_grade,
            "sds": roles.column("isPrimary") is not None}


def read_set(path: Path, what: str = "students", side: Callable[[], dict | None] | None = None) -> Table:
    """The set at `path` as a table of students, or with `what="enrollments"` as the
    students' school enrollments (one row per student and school). `side`: asked, before
    `users.csv` is read, for the set's `side_tables` read elsewhere meanwhile (None when they
    were not: `roles.csv` is read here)."""
    s = _Set(Path(path))
    name, read = s.name, s.read
    if what not in ("students", "enrollments"):
        raise ImportRefused(f"{name} is a roster set: it holds students and enrollments, not {what}.")
    users = read("users.csv", needed=True)
    assert users is not None
    if s.mode("users.csv") == "absent":
        raise ImportRefused(f"{name}: manifest.csv says users.csv is absent: the set has no "
                            "students to import.")
    version = s.manifest.get("oneroster.version", "")
    orgs = read("orgs.csv")

    # Guardians: which people each student has, and as what.
    agents: dict[str, list[tuple[str, str]]] = {}  # student → (person id, relationship role)
    if (relationships := read("relationships.csv")) is not None:
        l_user = relationships.getter("userSourcedId", "studentSourcedId")
        l_other = relationships.getter("relationshipUserSourcedId", "agentSourcedId",
                                       "relatedUserSourcedId")
        l_role = relationships.getter("relationshipRole", "role", "relationship")
        for rows in relationships.chunks():
            for user, other, role in zip(map(l_user, rows), map(l_other, rows), map(l_role, rows)):
                agents.setdefault(user, []).append((other, role))

    birth: dict[str, tuple[str, str]] = {}
    if (demographics := read("demographics.csv")) is not None:
        d_id = demographics.getter("sourcedId", "userSourcedId")
        d_birth, d_sex = demographics.getter("birthDate"), demographics.getter("sex")
        for rows in demographics.chunks():
            birth.update(zip(map(d_id, rows), zip(map(d_birth, rows), map(d_sex, rows))))

    u_id = users.need("sourcedId")
    u_role = users.getter("role")
    u_given, u_family = users.getter("givenName"), users.getter("familyName")
    u_email, u_phone, u_sms = users.getter("email"), users.getter("phone"), users.getter("sms")
    u_agents = users.getter("agentSourcedIds")

    # Who is a student, and which org and grade their roles give.
    roles = side() if side is not None else None
    if roles is None:  # not read elsewhere, or a set without roles.csv (OneRoster 1.1)
        roles = _roles(s)
    if roles is None:
        if users.column("role") is None:
            raise ImportRefused(f"{name}: users.csv has no role column and there is no roles.csv, "
                                "so the students cannot be told from the other people; nothing "
                                "was imported.")
        roles = {"student_ids": {row[u_id] for rows in users.chunks() for row in rows
                                 if u_role(row).lower() == "student"},
                 "role_org": {}, "role_grade": {}, "sds": False}
    student_ids, role_org, role_grade = roles["student_ids"], roles["role_org"], roles["role_grade"]
    sds = not s.manifest and (users.column("activeDirectoryMatchId") is not None or roles["sds"])
    first_role: dict[str, str] | None = None

    def role_of(person: str) -> str:
        """The role of the person's first row in roles.csv (the table is made when first asked)."""
        nonlocal first_role
        if first_role is None:
            first_role = {}
            again = read("roles.csv")  # read again: its bytes are not kept meanwhile
            if again is not None:
                r_user, r_role = again.getter("userSourcedId"), again.getter("role")
                for rows in again.chunks():
                    for user, role in zip(map(r_user, rows), map(r_role, rows)):
                        first_role.setdefault(user, role)
        return first_role.get(person, "")

    # Schools.
    schools: dict[str, tuple[str, str]] = {}
    district_of: dict[str, str] = {}  # school → its district's county-district code
    if orgs is not None:
        o_id, o_name = orgs.getter("sourcedId"), orgs.getter("name")
        o_type, o_ident = orgs.getter("type"), orgs.getter("identifier")
        o_parent = orgs.getter("parentSourcedId")
        codes = {o_id(r): o_ident(r).replace("-", "") for r in orgs.rows
                 if o_type(r).lower() in ("district", "lea")}
        for row in orgs.rows:
            if o_type(row).lower() in ("school", ""):
                schools[o_id(row)] = (_school_code(o_ident(row)), o_name(row))
                code = codes.get(o_parent(row), "")
                district_of[o_id(row)] = code if len(code) == 6 and code.isdigit() else ""

    # users.csv is read once, a chunk at a time: of the students' rows the cells read again are
    # kept, of the other people only what a guardian needs (name, phone, e-mail and role).
    plain = [h for h in ("sourcedId", "status", "username", "identifier", "givenName",
                         "familyName", "middleName", "preferredGivenName")
             if users.column(h) is not None]
    # Of a student's row only the cells read again are kept (the id first), in this order:
    read_again = [users.column(h) for h in ("userIds", "orgSourcedIds", "primaryOrgSourcedId",
                                            "grades", "agentSourcedIds", *plain)]
    kept = list(dict.fromkeys([u_id, *(i for i in read_again if i is not None)]))
    keep_cells = itemgetter(*kept, u_id)  # the id once more: never a 1-tuple
    at = {i: k for k, i in enumerate(kept)}

    def kept_cell(name: str) -> Callable[[tuple[str, ...]], str]:
        i = users.column(name)
        return _blank if i is None else itemgetter(at[i])

    s_ids, s_orgs, s_primary, s_grades, s_agents = map(kept_cell, (
        "userIds", "orgSourcedIds", "primaryOrgSourcedId", "grades", "agentSourcedIds"))
    s_plain = itemgetter(*(at[users.column(h)] for h in plain), 0)
    people: dict[str, tuple[str, str, str, str]] = {}
    id_types: dict[str, None] = {}  # its keys: the types of userIds, in the order first found
    students: list[tuple[int, tuple[str, ...]]] = []  # (row number, the kept cells)
    people_count = seen = 0
    linked = bool(agents)
    for rows in users.chunks():
        for row in rows:
            people_count += 1
            sid = row[u_id]
            if sid not in student_ids:
                people[sid] = (f"{u_given(row)} {u_family(row)}".strip(), u_phone(row) or u_sms(row),
                               u_email(row), u_role(row))
                continue
            students.append((people_count + 1, keep_cells(row)))
            linked = linked or bool(u_agents(row))
        # the types of the students' userIds so far, by one search of their cells ("{}" between
        # two cells: no match spans them); each row's values are read as its table row is made
        id_types.update(dict.fromkeys(map(str.strip, _ID_TYPES.findall("{}".join(
            map(s_ids, map(itemgetter(1), students[seen:])))))))
        seen = len(students)
    types = list(id_types)
    if what == "enrollments":
        identity = {cells[0]: (list(s_plain(cells)[:-1]), _ids(s_ids(cells))) for _, cells in students
                    if not _not_k12(s_grades(cells) or role_grade.get(cells[0], ""))}
        return _enrollments(path, name, read, plain, types, identity, schools, district_of,
                            users.encoding)

    school_parts = [i for i, used in enumerate((any(c for c, _ in schools.values()),
                                                bool(schools))) if used]
    school_from = 2 - len(school_parts)  # both parts, the name only, or neither
    headers = [*plain, *(f"userIds: {t}" for t in types), "grades"]
    if demographics is not None:
        headers += ["birthDate", "sex"]
    headers += [("School code", "School name")[i] for i in school_parts]
    slots = ("Guardian", "Guardian2") if linked else ()
    headers += [f"{slot} {part}" for slot in slots for part in GUARDIAN_PARTS]
    no_birth = ("", "") if demographics is not None else ()
    no_school, no_agents = ("", ""), []
    no_guardians = [("",) * len(GUARDIAN_PARTS)] * len(slots)

    def guardians_of(sid: str, cells: tuple[str, ...]) -> list[str]:
        """The first two guardians' name, relationship, phone and e-mail (blank where fewer)."""
        found: list[tuple[str, ...]] = []
        names: list[str] = []
        links = agents.get(sid, no_agents)
        if agent_ids := s_agents(cells):
            links = [(a.strip(), "") for a in agent_ids.split(",") if a.strip()] + links
        for person, relation in links:
            p = people.get(person)
            if p is None:
                continue
            full, phone, email, own_role = p
            role = (relation or own_role or role_of(person)).lower()
            if role and role not in GUARDIAN_ROLES and relation == "":
                continue
            if full and full not in names:
                names.append(full)
                found.append((full, GUARDIAN_ROLES.get(role, relation.title()), phone, email))
        return [cell for g in (found + no_guardians)[:len(slots)] for cell in g]

    def rows() -> Iterator[tuple[int, list[str]]]:  # made as they are read: never all at once
        for number, cells in students:
            sid = cells[0]
            ids = _ids(s_ids(cells))
            school = schools.get(s_primary(cells)) or schools.get(role_org.get(sid, ""))
            if school is None:
                school = next((schools[o.strip()] for o in s_orgs(cells).split(",")
                               if o.strip() in schools), no_school)
            grade = s_grades(cells) or role_grade.get(sid, "")
            if "," in grade:
                grade = grade.split(",")[0].strip()
            yield number, [*s_plain(cells)[:-1], *(ids.get(t, "") for t in types), grade,
                           *birth.get(sid, no_birth), *school[school_from:],
                           *(guardians_of(sid, cells) if slots else ())]

    if sds:
        what = "School Data Sync (OneRoster-like)"
    else:
        what = f"OneRoster {version}".strip() if version else "OneRoster"
    delta = s.mode("users.csv") == "delta"
    fmt = f"{what}, {'delta' if delta else 'bulk'} ({users.encoding})"
    contents = f"{len(students):,} students among {people_count:,} people in users.csv"
    notes = [f"{name}: {contents}."]
    if demographics is None:
        notes.append("The set has no demographics.csv: birth dates stay as they are on record "
                     "(unknown for new students) until a file gives them.")
    table = Table(Path(path), headers, rows, people_count + 1, fmt, row_file="users.csv",
                  notes=notes, contents=contents)
    return table


def _enrollments(path, name: str, read, plain: list[str], types: list[str],
                 identity: dict[str, tuple[list[str], dict[str, str]]],
                 schools: dict[str, tuple[str, str]], district_of: dict[str, str],
                 encoding: str) -> Table:
    """One row per student and school: the first begin and last end date of the student's class
    enrollments there (a class's term from academicSessions.csv when the row has no dates), or
    of their roles (1.2) when the set has no enrollments.csv."""
    sessions: dict[str, tuple[str, str]] = {}
    if (terms := read("academicSessions.csv")) is not None:
        t_id, t_start, t_end = terms.getter("sourcedId"), terms.getter("startDate"), terms.getter("endDate")
        sessions = {t_id(r): (t_start(r), t_end(r)) for r in terms.rows}
    term_of: dict[str, tuple[str, str]] = {}
    if (classes := read("classes.csv")) is not None:
        c_id, c_terms = classes.getter("sourcedId"), classes.getter("termSourcedIds")
        for r in classes.rows:
            spans = [sessions[t.strip()] for t in c_terms(r).split(",") if t.strip() in sessions]
            if spans:
                term_of[c_id(r)] = (min(a for a, _ in spans), max(b for _, b in spans))
    source = read("enrollments.csv")
    file = "enrollments.csv"
    if source is not None:
        get_user, get_school = source.getter("userSourcedId"), source.getter("schoolSourcedId")
        get_class, get_role = source.getter("classSourcedId"), source.getter("role")
        get_begin, get_end = source.getter("beginDate"), source.getter("endDate")
    elif (source := read("roles.csv")) is not None:
        file = "roles.csv"
        get_user, get_school = source.getter("userSourcedId"), source.getter("orgSourcedId")
        get_class, get_role = (lambda r: ""), source.getter("role")
        get_begin, get_end = source.getter("beginDate", "roleStartDate"), source.getter("endDate", "roleEndDate")
    else:
        raise ImportRefused(f"{name} has no enrollments.csv (nor roles.csv): it holds no enrollment "
                            "history; nothing was imported.")
    spans: dict[tuple[str, str], list] = {}  # (student, school) → [first row, begin, end or None]
    for number, r in enumerate(source.rows, start=2):
        user, school = get_user(r), get_school(r)
        if get_role(r).lower() != "student" or user not in identity:
            continue
        term = term_of.get(get_class(r), ("", ""))
        begin, end = (get_begin(r) or term[0])[:10], (get_end(r) or term[1])[:10]
        span = spans.get((user, school))
        if span is None:
            spans[(user, school)] = [number, begin, end or None]
            continue
        if begin and (not span[1] or begin < span[1]):
            span[1] = begin
        span[2] = None if span[2] is None or not end else max(span[2], end)
    headers = [*plain, *(f"userIds: {t}" for t in types), "District code", "School code",
               "School name", "beginDate", "endDate"]
    rows_out = []
    for (user, school), (number, begin, end) in spans.items():
        cells, ids = identity[user]
        code, school_name = schools.get(school, ("", ""))
        rows_out.append((number, [*cells, *(ids.get(t, "") for t in types),
                                  district_of.get(school, ""), code, school_name, begin, end or ""]))
    rows_out.sort()
    contents = f"{len(rows_out):,} school enrollments of {len(identity):,} students from {file}"
    notes = [f"{name}: {contents} (pre-kindergarten and ungraded students left out)."]
    return Table(Path(path), headers, lambda: iter(rows_out), len(source.rows) + 1,
                 f"OneRoster enrollments ({encoding})", row_file=file, notes=notes, contents=contents)
