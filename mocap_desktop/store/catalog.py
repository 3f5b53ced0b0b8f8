"""The MOCAP course catalog: providers and their courses (migrations 0003 and 0006).

Search is what the wizard and the catalog editor type into: every query word must be a
prefix of the course code, of a word of the title, or of a word of the provider's name
("alg con" finds "Algebra I" from Missouri Connections Academy). The state's combined list
holds a few thousand courses, so a parameterised scan with a LIMIT answers in well under a
millisecond per keystroke; the code index serves a query that is a bare code prefix.

Reading the catalog is open to everyone signed in (the wizard searches it); changing a course
by hand needs ROSTER_IMPORT (core.access) and is recorded in the audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from mocap_desktop.core.access import ROSTER_IMPORT, require
from mocap_desktop.store import trail
from mocap_desktop.store.db import Store

SEGMENTS = ("A", "B", "FY", "")
LENGTHS = ("semester", "year")
PROGRAM_CODES = {"50": "with instruction (provider's teacher)", "52": "curriculum only (district's teacher)"}
DELIVERY_CODES = {"V": "virtual", "S": "supplemental"}

_SPLIT = re.compile(r"[^0-9A-Za-z]+")


def segment_of(code: str, title: str, length: str) -> str:
    """A, B or FY from the course's name (or code) when the stored value is blank."""
    if length == "year":
        return "FY"
    for text in (title.strip(), code.strip()):
        upper = text.upper()
        if upper.endswith(" A") or upper.endswith("(A)"):
            return "A"
        if upper.endswith(" B") or upper.endswith("(B)"):
            return "B"
    upper = code.strip().upper()
    if upper.endswith("FY"):
        return "FY"
    if len(upper) > 1 and upper[-1] in "AB" and upper[-2].isdigit():
        return upper[-1]
    return ""


@dataclass(frozen=True)
class ProviderRow:
    id: int
    name: str
    phone: str = ""
    email: str = ""
    website: str = ""
    courses: int = 0


@dataclass(frozen=True)
class CourseRow:
    id: int
    provider_id: int
    provider_name: str
    code: str
    title: str
    subject: str
    grade_low: str
    grade_high: str
    credits: float
    length: str
    segment: str
    price: float | None
    program_code: str
    delivery: str
    active: bool
    source: str

    @property
    def grades(self) -> str:
        if not self.grade_low and not self.grade_high:
            return "any grade"
        if self.grade_low == self.grade_high or not self.grade_high:
            return f"grade {self.grade_low}"
        return f"grades {self.grade_low}–{self.grade_high}"

    @property
    def term_label(self) -> str:
        return {"A": "semester A", "B": "semester B", "FY": "full year"}.get(
            self.segment, "semester" if self.length == "semester" else "full year")

    def fits_grade(self, grade: str) -> bool:
        """True when `grade` (K, 1-12) is inside the course's grade range (or it has none)."""
        order = lambda g: 0 if g == "K" else int(g) if g.isdigit() else -1  # noqa: E731
        if not self.grade_low and not self.grade_high:
            return True
        low = order(self.grade_low or "K")
        high = order(self.grade_high or self.grade_low)
        return low <= order(grade) <= high


@dataclass
class CourseInput:
    """A course as the editor or an import writes it (already checked)."""

    provider_name: str
    code: str
    title: str
    credits: float
    length: str = "semester"
    segment: str = ""
    subject: str = ""
    grade_low: str = ""
    grade_high: str = ""
    price: float | None = None
    program_code: str = "50"
    delivery: str = "V"
    active: bool = True
    source: str = ""

    def row(self) -> dict:
        return {"code": self.code, "title": self.title, "subject": self.subject,
                "grade_low": self.grade_low, "grade_high": self.grade_high,
                "credits": float(self.credits), "length": self.length, "segment": self.segment,
                "price": None if self.price is None else float(self.price),
                "program_code": self.program_code, "delivery": self.delivery,
                "active": int(self.active), "source": self.source}


_COURSE_COLUMNS = (
    "c.id, c.provider_id, p.name, c.code, c.title, c.subject, c.grade_low, c.grade_high, c.credits, "
    "c.length, c.segment, c.price, c.program_code, c.delivery, c.active, c.source"
)


def _course(row: tuple) -> CourseRow:
    values = list(row)
    values[14] = bool(values[14])
    if not values[10]:
        values[10] = segment_of(values[3], values[4], values[9])
    return CourseRow(*values)


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CatalogRepo:
    """Reads and writes of providers and courses. Single writes open their own transaction;
    the import writes inside the caller's."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def conn(self):
        """The store's connection as it is now (a store can change it: read-only, then writable)."""
        return self.store.conn

    # --- reads ---------------------------------------------------------------------
    def count(self, active_only: bool = False) -> int:
        where = " WHERE active = 1" if active_only else ""
        return self.conn.execute(f"SELECT count(*) FROM courses{where}").fetchone()[0]

    def providers(self) -> list[ProviderRow]:
        return [ProviderRow(*r) for r in self.conn.execute(
            "SELECT p.id, p.name, p.phone, p.email, p.website, "
            "(SELECT count(*) FROM courses c WHERE c.provider_id = p.id AND c.active = 1) "
            "FROM providers p ORDER BY p.name COLLATE NOCASE")]

    def provider(self, provider_id: int) -> ProviderRow | None:
        row = self.conn.execute("SELECT id, name, phone, email, website FROM providers WHERE id = ?",
                                (provider_id,)).fetchone()
        return ProviderRow(*row) if row else None

    def provider_id(self, name: str) -> int | None:
        row = self.conn.execute("SELECT id FROM providers WHERE name = ? COLLATE NOCASE",
                                (name.strip(),)).fetchone()
        return row[0] if row else None

    def course(self, course_id: int) -> CourseRow | None:
        row = self.conn.execute(
            f"SELECT {_COURSE_COLUMNS} FROM courses c JOIN providers p ON p.id = c.provider_id "
            "WHERE c.id = ?", (course_id,)).fetchone()
        return _course(row) if row else None

    def find(self, provider_name: str, code: str) -> CourseRow | None:
        row = self.conn.execute(
            f"SELECT {_COURSE_COLUMNS} FROM courses c JOIN providers p ON p.id = c.provider_id "
            "WHERE p.name = ? COLLATE NOCASE AND c.code = ?", (provider_name.strip(), code.strip())).fetchone()
        return _course(row) if row else None

    def search(self, text: str, limit: int = 50, *, active_only: bool = True,
               provider_id: int | None = None) -> list[CourseRow]:
        """Courses whose code, title words or provider words start with every word of `text`.

        Code-prefix matches come first, then by title and provider. Empty text lists the catalog.
        """
        query = [w for w in _SPLIT.split(text) if w]
        where, params = [], []
        if active_only:
            where.append("c.active = 1")
        if provider_id is not None:
            where.append("c.provider_id = ?")
            params.append(provider_id)
        compact = "".join(query)
        for word in query:
            w = _like_escape(word)
            where.append(
                "(c.code LIKE ? ESCAPE '\\' OR (' ' || c.title) LIKE ? ESCAPE '\\' "
                "OR (' ' || replace(replace(c.title, '(', ' '), '-', ' ')) LIKE ? ESCAPE '\\' "
                "OR (' ' || p.name) LIKE ? ESCAPE '\\')")
            params += [f"{w}%", f"% {w}%", f"% {w}%", f"% {w}%"]
        if len(query) > 1:  # "eng 10" is also the code prefix ENG10
            where[-len(query):] = ["((" + " AND ".join(where[-len(query):]) + ") OR c.code LIKE ? ESCAPE '\\')"]
            params.append(f"{_like_escape(compact)}%")
        sql = (f"SELECT {_COURSE_COLUMNS} FROM courses c JOIN providers p ON p.id = c.provider_id"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY (c.code LIKE ? ESCAPE '\\') DESC, c.title COLLATE NOCASE, "
                 "p.name COLLATE NOCASE, c.code LIMIT ?")
        params += [f"{_like_escape(compact)}%" if compact else "", limit]
        return [_course(r) for r in self.conn.execute(sql, params)]

    # --- writes --------------------------------------------------------------------
    def ensure_provider(self, name: str) -> int:
        """The id of the provider called `name` (any case), adding it when new."""
        found = self.provider_id(name)
        if found is not None:
            return found
        cursor = self.conn.execute("INSERT INTO providers (name) VALUES (?)", (name.strip(),))
        return cursor.lastrowid

    def save_course(self, course: CourseInput, course_id: int | None = None) -> int:
        """Add a course (course_id None) or change one. Returns its id.

        Raises ValueError when another course of the same provider already has the code;
        AccessDenied without ROSTER_IMPORT. The change is recorded in the audit trail."""
        require(self.store, ROSTER_IMPORT)
        with self.store.transaction() as db:
            provider_id = self.ensure_provider(course.provider_name)
            clash = self.conn.execute(
                "SELECT id FROM courses WHERE provider_id = ? AND code = ? AND id IS NOT ?",
                (provider_id, course.code.strip(), course_id)).fetchone()
            if clash:
                raise ValueError(f"{course.provider_name} already has a course with code {course.code}.")
            row = {**course.row(), "provider_id": provider_id,
                   "updated_at": datetime.now().isoformat(timespec="seconds")}
            if course_id is None:
                names = ", ".join(row)
                cursor = self.conn.execute(
                    f"INSERT INTO courses ({names}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
                trail.note(db, self.store, "catalog_course_added", detail={
                    "course_id": cursor.lastrowid, "provider": course.provider_name, "code": course.code,
                    "after": {k: v for k, v in row.items() if k != "updated_at"}})
                return cursor.lastrowid
            fields = [k for k in row if k != "updated_at"]
            old = self.conn.execute(f"SELECT {', '.join(fields)} FROM courses WHERE id = ?", (course_id,)).fetchone()
            sets = ", ".join(f"{k} = ?" for k in row)
            self.conn.execute(f"UPDATE courses SET {sets} WHERE id = ?", (*row.values(), course_id))
            change = trail.changes(dict(zip(fields, old or ())), row, fields)
            if change:
                trail.note(db, self.store, "catalog_course_changed", detail={
                    "course_id": course_id, "provider": course.provider_name, "code": course.code, **change})
            return course_id

    def set_active(self, course_id: int, active: bool) -> None:
        """Put a course out of use or back (ROSTER_IMPORT; recorded in the audit trail)."""
        require(self.store, ROSTER_IMPORT)
        with self.store.transaction() as db:
            old = self.conn.execute("SELECT active, code FROM courses WHERE id = ?", (course_id,)).fetchone()
            self.conn.execute("UPDATE courses SET active = ?, updated_at = ? WHERE id = ?",
                              (int(active), datetime.now().isoformat(timespec="seconds"), course_id))
            if old is not None and bool(old[0]) != bool(active):
                trail.note(db, self.store, "catalog_course_changed", detail={
                    "course_id": course_id, "code": old[1], "before": {"active": bool(old[0])},
                    "after": {"active": bool(active)}})
