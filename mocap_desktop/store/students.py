"""Students: the search index behind type-ahead lookup, the detail a counselor reads, and the
bulk writes the roster import makes.

Search works on *tokens*: every student's names, local number and MOSIS ID are folded
(lower case, accents removed, "Ł" to "l", "ß" to "ss", apostrophes dropped) and split into
words; each query word must be a prefix of one of the student's tokens. The token table is
ordered by (token, sort_key, student_id), so the first page of any prefix is an index range
read, and further pages continue from the last row seen (keyset pagination).

Any writer may insert or update students: triggers (migration 0005) note the changed rows in
`student_search_dirty`, and the index is brought up to date before the next search.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> frozenset[str]:
    """Tokens for one name: each word, and the words run together ('De La Cruz' → 'delacruz')."""
    parts = words(name)
    if len(parts) > 1:
        parts.append("".join(parts))
    return frozenset(parts)


def student_tokens(last: str, first: str, preferred: str, local_number: str,
                   mosis_id: str | None) -> set[str]:
    """What a search can start from: names, local number and MOSIS ID."""
    tokens = set(name_tokens(last))
    tokens |= name_tokens(first)
    if preferred:
        tokens |= name_tokens(preferred)
    if local_number:
        tokens |= name_tokens(local_number)
    if mosis_id:
        tokens.add(mosis_id)
    return tokens


@lru_cache(maxsize=65536)
def _sort_part(name: str) -> str:
    return " ".join(words(name))


def sort_key(last: str, first: str, middle: str) -> str:
    """How results are ordered within a token: by last, first, middle name, ignoring accents."""
    return f"{_sort_part(last)}\x1f{_sort_part(first)}\x1f{_sort_part(middle)}"


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

    # --- search ---------------------------------------------------------------
    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM students").fetchone()[0]

    def search(self, text: str, limit: int = 50, after: Cursor | None = None) -> Page:
        """Students matching every word of `text` as a prefix, `limit` at a time.

        With no words, the whole roster in name order (still a page at a time).
        """
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

        Results are ordered by the student's first token that matches `order`, then by name.
        """
        lo, hi = order, _upper_bound(order)
        sql = [
            "SELECT t.token, t.sort_key, t.student_id FROM student_tokens t",
            "JOIN student_search s ON s.student_id = t.student_id",
            "WHERE t.token >= ? AND t.token < ? AND s.sort_key = t.sort_key",
        ]
        params: list = [lo, hi]
        if after is not None:
            sql.append("AND (t.token, t.sort_key, t.student_id) > (?, ?, ?)")
            params += [after.token, after.sort_key, after.student_id]
        for word in rest:
            sql.append("AND instr(s.tokens, ?) > 0")
            params.append(" " + word)
        # Each student once: at the first of its (sorted) tokens that matches the order word.
        sql.append("AND instr(s.tokens, ' ' || t.token || ' ') = instr(s.tokens, ?)")
        params.append(" " + lo)
        sql.append("ORDER BY t.token, t.sort_key, t.student_id LIMIT ?")
        params.append(limit + 1)
        return self._page(self.conn.execute(" ".join(sql), params).fetchall(), limit)

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
        if not self.refresh_needed():
            return 0
        with self.store.transaction():
            return self._reindex_dirty()

    def _reindex_dirty(self) -> int:
        conn = self.conn
        stale: list[tuple] = []
        for sid, key, tokens in conn.execute("SELECT * FROM student_search_gone"):
            stale.extend((t, key, sid) for t in tokens.split())
        rows = conn.execute(
            "SELECT s.id, s.last_name, s.first_name, s.middle_name, s.preferred_name, "
            "s.local_number, s.mosis_id, x.sort_key, x.tokens FROM student_search_dirty d "
            "JOIN students s ON s.id = d.student_id "
            "LEFT JOIN student_search x ON x.student_id = s.id"
        ).fetchall()
        search_rows, token_rows = [], []
        for sid, last, first, middle, preferred, local, mosis, old_key, old_tokens in rows:
            key = sort_key(last, first, middle)
            tokens = sorted(student_tokens(last, first, preferred, local, mosis))
            if old_tokens is not None:
                stale.extend((t, old_key, sid) for t in old_tokens.split())
            search_rows.append((sid, key, f" {' '.join(tokens)} "))
            token_rows.extend((t, key, sid) for t in tokens)
        if stale:
            conn.executemany(
                "DELETE FROM student_tokens WHERE token = ? AND sort_key = ? AND student_id = ?",
                stale)
        conn.executemany("INSERT OR REPLACE INTO student_search VALUES (?, ?, ?)", search_rows)
        token_rows.sort()
        conn.executemany("INSERT OR IGNORE INTO student_tokens VALUES (?, ?, ?)", token_rows)
        conn.execute("DELETE FROM student_search_dirty")
        conn.execute("DELETE FROM student_search_gone")
        return len(rows)

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

    # --- detail ---------------------------------------------------------------------
    def detail(self, student_id: int) -> StudentDetail | None:
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
