"""Students: the search index behind type-ahead lookup, the detail a counselor reads, and the
bulk writes the roster import makes.

Search works on *tokens*: a student's last, first and preferred names, local number and MOSIS
ID, folded (lower case, accents removed, "Ł" to "l", "ß" to "ss", apostrophes dropped) and
split into words; every query word must be a prefix of one of them, in any order.

`student_tokens` holds one row per (token, search key, student), ordered that way. The search
key (see `search_key`) is the student's folded words in name order, so the first page of any
prefix is an index range read, a further page continues from the last row seen (keyset
pagination), and the other words of a query are checked in the same row without a join.
`student_search` holds each student's key once, for browsing the roster in name order.

Any writer may insert, update or delete students: triggers (migration 0005) note the rows in
`student_search_dirty` / `student_search_gone`, and the index is brought up to date before the
next search.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from dataclasses import dataclass, field

from mocap_desktop.core.access import STUDENTS_READ, require
from mocap_desktop.store import trail
from mocap_desktop.store.db import Store

# Letters NFKD leaves alone: they are letters of their own, not a letter plus an accent.
_SPECIAL = str.maketrans({
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th",
    "ı": "i", "ħ": "h", "Ħ": "h", "ŀ": "l", "Ŀ": "l", "ŧ": "t", "Ŧ": "t", "ĸ": "k",
    "ʼ": "", "’": "", "‘": "", "'": "", "`": "", "´": "",
})
_SPLIT = re.compile(r"[^0-9a-z]+")


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """`text` in lower case ASCII where it can be: 'Nguyễn' → 'nguyen', 'Łukasz' → 'lukasz'."""
    if text.isascii():
        return text.lower().replace("'", "").replace("`", "")
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = _COMBINING.sub("", text)
    if not text.isascii():
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def words(text: str) -> list[str]:
    """The folded words of `text` (what a query is split into)."""
    return [w for w in _SPLIT.split(fold(text)) if w]


_KEY_WORDS = re.compile("[ \x1f]+")


@lru_cache(maxsize=65536)
def _key_part(name: str) -> tuple[str, str]:
    """One name's words for the key, and the words run together when there are several."""
    parts = words(name)
    return " ".join(parts), ("".join(parts) if len(parts) > 1 else "")


def search_key(last: str, first: str, preferred: str, local_number: str,
               mosis_id: str | None) -> str:
    """A student's folded names and numbers: the sort order within a token, and what the further
    words of a query are checked against.

    "\x1f" + last + "\x1f" + first + "\x1f" + preferred + "\x1f" + local number + "\x1f" + MOSIS ID
    + "\x1f" + names run together; words inside a field are separated by spaces. Every word
    starts after a space or a "\x1f", so "is `w` a prefix of one of this student's words" is
    `instr(key, ' ' || w) OR instr(key, char(31) || w)`.
    """
    parts = [_key_part(last), _key_part(first), _key_part(preferred), _key_part(local_number)]
    joined = " ".join(j for _, j in parts if j)
    return "\x1f" + "\x1f".join((*(w for w, _ in parts), mosis_id or "", joined))


def key_tokens(key: str) -> set[str]:
    """The tokens a search key stands for: each of its words."""
    return {w for w in _KEY_WORDS.split(key) if w}


def student_tokens(last: str, first: str, preferred: str, local_number: str,
                   mosis_id: str | None) -> set[str]:
    """What a search matches: names (last, first, preferred), local number and MOSIS ID."""
    return key_tokens(search_key(last, first, preferred, local_number, mosis_id))


_first = operator.itemgetter(0)
INDEX_SETTING, INDEX_VERSION = "students.search_index", "2"  # bump when search_key changes
_COUNT_CAP = 2000  # how far a word's matches are counted when choosing which to walk


def _upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix + "\U0010ffff"


@dataclass(frozen=True)
class StudentRow:
    """One search result: enough for a line in the list."""

    id: int
    last_name: str
    first_name: str
    preferred_name: str
    grade: str
    building: str
    local_number: str
    mosis_id: str | None


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last (token, sort_key, student_id) seen."""

    token: str
    sort_key: str
    student_id: int


@dataclass(frozen=True)
class Page:
    rows: list[StudentRow]
    next: Cursor | None  # None when there is nothing after this page


@dataclass(frozen=True)
class GuardianRow:
    id: int
    name: str
    relationship: str
    phone: str
    email: str
    address: str
    preferred_language: str
    receives_letters: bool


@dataclass(frozen=True)
class EnrollmentRow:
    id: int
    district_code: str
    school_name: str
    school_kind: str
    state: str
    full_time: bool
    entry: str
    exit: str | None


@dataclass(frozen=True)
class RequestRow:
    id: int
    reference: str
    pathway: str
    status: str
    start_term: str
    received: str
    decision_due: str | None


@dataclass(frozen=True)
class StudentDetail:
    id: int
    local_number: str
    mosis_id: str | None
    last_name: str
    first_name: str
    middle_name: str
    preferred_name: str
    birth_date: str
    grade: str
    building_code: str | None
    building_name: str
    resident_district: str
    address1: str
    address2: str
    city: str
    state: str
    zip: str
    gender: str
    home_language: str
    iep: bool
    section_504: bool
    mshsaa_activities: bool
    english_learner: bool
    guardians: list[GuardianRow] = field(default_factory=list)
    enrollments: list[EnrollmentRow] = field(default_factory=list)
    requests: list[RequestRow] = field(default_factory=list)


_ROW_COLUMNS = (
    "s.id, s.last_name, s.first_name, s.preferred_name, s.grade, "
    "COALESCE(b.name, s.building_code, ''), s.local_number, s.mosis_id"
)


class StudentRepo:
    """Reads and bulk writes of students. Writes run inside the caller's `store.transaction()`."""

    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn
        self._version_checked = False

    # --- search ---------------------------------------------------------------
    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM students").fetchone()[0]

    def search(self, text: str, limit: int = 50, after: Cursor | None = None) -> Page:
        """Students matching every word of `text` as a prefix, `limit` at a time.

        With no words, the whole roster in name order (still a page at a time). Needs
        STUDENTS_READ.
        """
        require(self.store, STUDENTS_READ)
        self.refresh_index()
        query = sorted(set(words(text)), key=lambda w: (-len(w), w))
        # A word that is a prefix of another query word adds nothing: 'jo john' == 'john'.
        query = [w for i, w in enumerate(query) if not any(o.startswith(w) for o in query[:i])]
        if not query:
            return self._browse(limit, after)
        order, rest = query[0], query[1:]
        if rest:
            # Walk the rarest word's index range (ties: the longest word); check the others.
            counts = {w: self._capped_count(w) for w in query}
            if min(counts.values()) == 0:
                return Page([], None)
            order = min(query, key=lambda w: (counts[w], -len(w), w))
            rest = [w for w in query if w != order]
        return self._scan(order, rest, limit, after)

    def _capped_count(self, word: str) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM student_tokens WHERE token >= ? AND token < ? "
            "LIMIT ?)", (word, _upper_bound(word), _COUNT_CAP)).fetchone()[0]

    def _scan(self, order: str, rest: list[str], limit: int, after: Cursor | None) -> Page:
        """Walk `order`'s token range in index order, keeping students that match `rest` too.

        The other words are checked against the search key in the same index row, so a walk
        over many rows reads nothing else. Results are ordered by the student's first token
        that matches `order`, then by name; a student whose name matches `order` twice
        ("an": Anderson, Anna) is kept at the first.
        """
        sql = ["SELECT token, sort_key, student_id FROM student_tokens",
               "WHERE token >= ? AND token < ?"]
        base: list = [order, _upper_bound(order)]
        for word in rest:
            sql.append("AND (instr(sort_key, ?) > 0 OR instr(sort_key, ?) > 0)")
            base += [" " + word, "\x1f" + word]
        sql.append("AND (token, sort_key, student_id) > (?, ?, ?)")
        sql.append("ORDER BY token, sort_key, student_id LIMIT ?")
        statement = " ".join(sql)
        start = (after.token, after.sort_key, after.student_id) if after else ("", "", -1)
        keys: list[tuple] = []
        while len(keys) <= limit:
            want = limit + 1 - len(keys)
            batch = self.conn.execute(statement, [*base, *start, want]).fetchall()
            for token, key, sid in batch:
                if min(t for t in key_tokens(key) if t.startswith(order)) == token:
                    keys.append((token, key, sid))
            if len(batch) < want:
                break
            start = batch[-1]
        return self._page(keys, limit)

    def _page(self, keys: list[tuple], limit: int) -> Page:
        more = len(keys) > limit
        keys = keys[:limit]
        return Page(self._rows([k[2] for k in keys]), Cursor(*keys[-1]) if more and keys else None)

    def _browse(self, limit: int, after: Cursor | None) -> Page:
        params: list = []
        where = ""
        if after is not None:
            where = "WHERE (sort_key, student_id) > (?, ?)"
            params += [after.sort_key, after.student_id]
        keys = self.conn.execute(
            f"SELECT '', sort_key, student_id FROM student_search {where} "
            "ORDER BY sort_key, student_id LIMIT ?", [*params, limit + 1]
        ).fetchall()
        more = len(keys) > limit
        keys = keys[:limit]
        return Page(self._rows([k[2] for k in keys]), Cursor(*keys[-1]) if more else None)

    def _rows(self, ids: Sequence[int]) -> list[StudentRow]:
        if not ids:
            return []
        found = {
            r[0]: StudentRow(*r)
            for r in self.conn.execute(
                f"SELECT {_ROW_COLUMNS} FROM students s "
                "LEFT JOIN buildings b ON b.code = s.building_code "
                f"WHERE s.id IN ({','.join('?' * len(ids))})", list(ids)
            )
        }
        return [found[i] for i in ids if i in found]

    # --- the index ----------------------------------------------------------------
    def refresh_index(self) -> int:
        """Index the students written since the last search. Returns how many were indexed."""
        self.ensure_index_version()
        if not self.refresh_needed():
            return 0
        with self.store.transaction():
            return self._reindex_dirty()

    def _reindex_dirty(self) -> int:
        conn = self.conn
        stale: list[tuple] = []
        for sid, key, _ in conn.execute("SELECT * FROM student_search_gone"):
            stale.extend((t, key, sid) for t in key_tokens(key))
        rows = conn.execute(
            "SELECT s.id, s.last_name, s.first_name, s.preferred_name, s.local_number, s.mosis_id, "
            "x.sort_key FROM student_search_dirty d JOIN students s ON s.id = d.student_id "
            "LEFT JOIN student_search x ON x.student_id = s.id"
        ).fetchall()
        new_rows, changed_rows, token_rows = [], [], []
        for sid, last, first, preferred, local, mosis, old_key in rows:
            key = search_key(last, first, preferred, local, mosis)
            if old_key is None:
                new_rows.append((sid, key))
            elif old_key != key:
                stale.extend((t, old_key, sid) for t in key_tokens(old_key))
                changed_rows.append((key, sid))
            else:
                continue
            token_rows.extend((t, key, sid) for t in key_tokens(key))
        if stale:
            conn.executemany(
                "DELETE FROM student_tokens WHERE token = ? AND sort_key = ? AND student_id = ?",
                stale)
        conn.executemany("INSERT INTO student_search VALUES (?, ?, '')", new_rows)
        conn.executemany("UPDATE student_search SET sort_key = ? WHERE student_id = ?", changed_rows)
        token_rows.sort(key=_first)  # in index order: appends, not scattered writes
        conn.executemany("INSERT OR IGNORE INTO student_tokens VALUES (?, ?, ?)", token_rows)
        conn.execute("DELETE FROM student_search_dirty")
        conn.execute("DELETE FROM student_search_gone")
        return len(rows)

    def ensure_index_version(self) -> None:
        """Rebuild the index once if it was built by an older `search_key` (or never)."""
        if not self._version_checked:
            if self.store.setting(INDEX_SETTING) != INDEX_VERSION:
                self.rebuild_index()
            self._version_checked = True

    def index_new_students(self, rows: list[tuple]) -> None:
        """Index students just inserted in this transaction, from values the caller holds:
        (id, last, first, preferred, local number, MOSIS ID). Saves reading them back."""
        if not rows:
            return
        search_rows, token_rows = [], []
        for sid, last, first, preferred, local, mosis in rows:
            key = search_key(last, first, preferred, local, mosis)
            search_rows.append((sid, key))
            token_rows.extend((t, key, sid) for t in key_tokens(key))
        conn = self.conn
        conn.executemany("INSERT INTO student_search VALUES (?, ?, '')", search_rows)
        token_rows.sort(key=_first)
        conn.executemany("INSERT OR IGNORE INTO student_tokens VALUES (?, ?, ?)", token_rows)
        low, high = min(r[0] for r in rows), max(r[0] for r in rows)
        if high - low + 1 == len(rows):  # one block of new ids (the import's case)
            conn.execute("DELETE FROM student_search_dirty WHERE student_id BETWEEN ? AND ?",
                         (low, high))
        else:
            conn.executemany("DELETE FROM student_search_dirty WHERE student_id = ?",
                             [(r[0],) for r in rows])

    def refresh_needed(self) -> bool:
        return self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM student_search_dirty) "
            "OR EXISTS (SELECT 1 FROM student_search_gone)").fetchone()[0] == 1

    def rebuild_index(self) -> None:
        """Index every student again (for a database written by an older tool)."""
        with self.store.transaction():
            self.conn.execute("DELETE FROM student_tokens")
            self.conn.execute("DELETE FROM student_search")
            self.conn.execute("DELETE FROM student_search_gone")
            self.conn.execute("INSERT OR IGNORE INTO student_search_dirty SELECT id FROM students")
            self._reindex_dirty()
            self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                              (INDEX_SETTING, INDEX_VERSION))

    # --- detail ---------------------------------------------------------------------
    def detail(self, student_id: int) -> StudentDetail | None:
        """The student's record as the lookup shows it (needs STUDENTS_READ); opening it is
        recorded in the audit trail (`student_viewed`)."""
        require(self.store, STUDENTS_READ)
        conn = self.conn
        row = conn.execute(
            "SELECT s.id, s.local_number, s.mosis_id, s.last_name, s.first_name, s.middle_name, "
            "s.preferred_name, s.birth_date, s.grade, s.building_code, COALESCE(b.name, ''), "
            "s.resident_district, s.address1, s.address2, s.city, s.state, s.zip, s.gender, "
            "s.home_language, s.iep, s.section_504, s.mshsaa_activities, s.english_learner "
            "FROM students s LEFT JOIN buildings b ON b.code = s.building_code WHERE s.id = ?",
            (student_id,),
        ).fetchone()
        if row is None:
            return None
        values = list(row)
        for i in (19, 20, 21, 22):
            values[i] = bool(values[i])
        guardians = [
            GuardianRow(r[0], r[1], r[2], r[3], r[4],
                        ", ".join(p for p in (r[5], r[6], " ".join(x for x in (r[7], r[8], r[9]) if x))
                                  if p),
                        r[10], bool(r[11]))
            for r in conn.execute(
                "SELECT id, name, relationship, phone, email, address1, address2, city, state, zip, "
                "preferred_language, receives_letters FROM guardians WHERE student_id = ? "
                "ORDER BY receives_letters DESC, id", (student_id,))
        ]
        enrollments = [
            EnrollmentRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], r[7])
            for r in conn.execute(
                "SELECT id, district_code, school_name, school_kind, state, full_time, entry, exit "
                "FROM enrollments WHERE student_id = ? ORDER BY entry DESC, id DESC", (student_id,))
        ]
        requests = [
            RequestRow(*r)
            for r in conn.execute(
                "SELECT id, reference, pathway, status, start_term, received, decision_due "
                "FROM requests WHERE student_id = ? ORDER BY received DESC, id DESC", (student_id,))
        ]
        with self.store.transaction() as db:
            trail.note(db, self.store, "student_viewed", student_id=student_id)
        return StudentDetail(*values, guardians=guardians, enrollments=enrollments,
                             requests=requests)

    # --- bulk writes for the import -------------------------------------------------
    def ids_by_local_number(self, local_numbers: Iterable[str] | None = None) -> dict[str, int]:
        if local_numbers is None:
            return dict(self.conn.execute("SELECT local_number, id FROM students"))
        out: dict[str, int] = {}
        batch = list(local_numbers)
        size = self.conn.execute("SELECT max(id) FROM students").fetchone()[0] or 0
        if len(batch) * 8 > size:  # a good part of the roster: one pass beats many lookups
            wanted = set(batch)
            return {k: v for k, v in self.conn.execute("SELECT local_number, id FROM students")
                    if k in wanted}
        for i in range(0, len(batch), 500):
            chunk = batch[i:i + 500]
            out.update(self.conn.execute(
                f"SELECT local_number, id FROM students WHERE local_number IN "
                f"({','.join('?' * len(chunk))})", chunk))
        return out
