"""Students: the search index behind type-ahead lookup, the detail a counselor reads, and the
bulk writes the roster import makes.

Search works on *tokens*: a student's last, first and preferred names, local number and MOSIS
ID, folded (lower case, accents removed, "Ł" to "l", "ß" to "ss", apostrophes dropped) and
split into words; every query word must be a prefix of one of them, in any order.

A student's *search key* (`store/search_keys.py`) is their folded words in name order. The matches
of a word come ordered by (matching token, search key, student id), a page at a time: a further
page continues from the last row seen (keyset pagination). Three index ranges are read in that
order and merged:

- `student_tokens` rows (token, search key, student) for the words of first and preferred
  names and local numbers, the further words of last names, and names run together;
- each student's one `student_tokens` row with the token '': the roster in name order for
  browsing and, since a key starts with the last name, the matches of its first word;
- students' own unique index on `mosis_id`, for MOSIS IDs (the key is made from the row).

The other words of a query are checked against the key in the same row, without a join.
Writing the index is what a bulk import pays for: about three short rows a student, sorted,
many to a statement.

No trigger runs on insert: `student_search_gaps` holds the id ranges that had no student when
the index was last brought up to date (at first, all of them), and a student found in one is
new. The import indexes its own new rows and closes their gaps. Triggers keep the old values of
changed and deleted students in `student_search_stale` (their rows are found from them and
removed) and reopen a deleted student's id. Whatever a writer did with INSERT, UPDATE or
DELETE is indexed before the next search (INSERT OR REPLACE of a student is not: SQLite runs
no delete trigger for it).
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from dataclasses import dataclass, field
from typing import NamedTuple

from mocap_desktop.core.access import STUDENTS_READ, require
from mocap_desktop.store import trail
from mocap_desktop.store.db import Store
from mocap_desktop.store.search_keys import first_word, index_entry, key_tokens, search_key, words

def _has_words(key: str, rest: list[str]) -> bool:
    """Does each word of `rest` start one of the words of search key `key`?"""
    return all(" " + w in key or "\x1f" + w in key for w in rest)


def _word_filters(rest: list[str]) -> tuple[str, list[str]]:
    """`_has_words` in SQL, for the `sort_key` of the rows read."""
    sql = " AND (instr(sort_key, ?) > 0 OR instr(sort_key, ?) > 0)" * len(rest)
    return sql, [p for w in rest for p in (" " + w, "\x1f" + w)]


_first, _second = operator.itemgetter(0), operator.itemgetter(1)
INDEX_SETTING, INDEX_VERSION = "students.search_index", "2"  # bump when search_key changes
_COUNT_CAP = 250  # how far a word's matches are counted when choosing which to walk
_PIVOT_WORDS = 24  # at most this many different words read one by one in `_pivot`
_ROWS_PER_INSERT = 300  # 900 parameters: under the oldest SQLite limit (999)
_INSERT_ROW = "INSERT OR IGNORE INTO student_tokens VALUES (?, ?, ?)"
_INSERT_ROWS = _INSERT_ROW + ", (?, ?, ?)" * (_ROWS_PER_INSERT - 1)


def _key_after(after: tuple) -> tuple[str, int]:
    """A cursor (token, key, id) as (key, id) among last names' rows, where the token is the
    key's first word: a key whose first word is `token` lies from "\x1f" + token + "\x1f" up to
    "\x1f" + token + "!" (a word ends at " " or "\x1f", below any letter or digit)."""
    token, key, sid = after
    return min(max((key, sid), ("\x1f" + token + "\x1f", -1)), ("\x1f" + token + "!", -1))


def _listed(rows: list[tuple], after: tuple, want: int) -> tuple[list[tuple], tuple | None]:
    """A source over rows already read (sorted): those after `after`, `want` at most."""
    part = rows[bisect.bisect_right(rows, after):][:want]
    return part, (part[-1] if len(part) == want else None)


def _limit(rows: int) -> str:
    """A LIMIT clause with the number written in: SQLite (3.46 and later, as SQLCipher's) plans a
    LIMIT with its value, so a statement whose LIMIT is a bound parameter is prepared again every
    time it runs (20 µs or more), where one with a number in it is taken from the statement cache."""
    return f"LIMIT {int(rows)}"


def _upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix + "\U0010ffff"


class StudentRow(NamedTuple):
    """One search result: enough for a line in the list (a named tuple: made 50 at a time for
    every keystroke, at a fraction of a frozen dataclass's cost)."""

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


def one_line_address(address1: str, address2: str, city: str, state: str, zip_code: str) -> str:
    """"12 Oak St, Apt 2, Maple Valley MO 65999"; "" when neither a street nor a city is on
    file (a state or a ZIP alone is no address: many exports fill the state for everyone)."""
    if not (address1 or "").strip() and not (city or "").strip():
        return ""
    return ", ".join(p for p in (address1, address2, " ".join(x for x in (city, state, zip_code) if x)) if p)


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
    birth_date: str | None  # None: not on record
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


_ROW_COLUMNS = "id, last_name, first_name, preferred_name, grade, building_code, local_number, mosis_id"


class StudentRepo:
    """Reads and bulk writes of students. Writes run inside the caller's `store.transaction()`."""

    def __init__(self, store: Store):
        self.store = store
        self._version_checked = False
        self._behind: bool | None = None  # read-only: is the index behind the students?
        self._indexed_at: tuple | None = None  # the database version the index was last brought up to

    @property
    def conn(self):
        """The store's connection as it is now (a store can change it: read-only, then writable)."""
        return self.store.conn

    # --- search ---------------------------------------------------------------
    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM students").fetchone()[0]

    def count_without_enrollments(self) -> int:
        """Students with no enrollment history at all: the rules cannot see their current school."""
        return self.conn.execute("SELECT count(*) FROM students s WHERE NOT EXISTS "
                                 "(SELECT 1 FROM enrollments e WHERE e.student_id = s.id)").fetchone()[0]

    def search(self, text: str, limit: int = 50, after: Cursor | None = None) -> Page:
        """Students matching every word of `text` as a prefix, `limit` at a time.

        With no words, the whole roster in name order (still a page at a time). Needs
        STUDENTS_READ.
        """
        require(self.store, STUDENTS_READ)
        if self.store.version() != self._indexed_at:  # nothing written since: nothing to index
            self.refresh_index()
            self._indexed_at = self.store.version()
        query = sorted(set(words(text)), key=lambda w: (-len(w), w))
        # A word that is a prefix of another query word adds nothing: 'jo john' == 'john'.
        query = [w for i, w in enumerate(query) if not any(o.startswith(w) for o in query[:i])]
        if self._index_behind():
            return self._search_unindexed(query, limit, after)
        if not query:
            return self._browse(limit, after)
        order, rest = query[0], query[1:]
        if rest:
            # Walk the rarest word's index range (ties: the longest word); check the others.
            # Words are counted longest first, each only as far as the rarest so far: a word that
            # reaches that count cannot be walked instead.
            fewest = _COUNT_CAP * 3
            counts = {}
            for w in query:
                counts[w] = self._capped_count(w, min(fewest, _COUNT_CAP))
                count = sum(counts[w])
                if count == 0:
                    return Page([], None)
                if count < fewest:
                    order, fewest = w, count
            rest = [w for w in query if w != order]
            if fewest >= _COUNT_CAP:  # every word is common: a walk would read many rows
                sources = self._pivot(query, order, counts)
                if sources is not None:
                    return self._scan(order, rest, limit, after, sources)
        return self._scan(order, rest, limit, after)

    def _index_behind(self) -> bool:
        """Read-only with an index that is not up to date (never built, or students written since):
        it cannot be brought up to date, so searches read the students themselves."""
        if not self.store.read_only_reason:
            return False
        if self._behind is None:
            self._behind = self.store.setting(INDEX_SETTING) != INDEX_VERSION or self.refresh_needed()
        return self._behind

    def _search_unindexed(self, query: list[str], limit: int, after: Cursor | None) -> Page:
        """`search` without the index: every student's key made and checked, ordered as the index
        orders one word (the first token matching the longest word, then the key) and paged the
        same way; slower, for a database that cannot be written."""
        found = []
        for sid, last, first, preferred, local, mosis in self.conn.execute(
                "SELECT id, last_name, first_name, preferred_name, local_number, mosis_id FROM students"):
            key = search_key(last, first, preferred, local, mosis)
            if _has_words(key, query):
                token = min((t for t in key_tokens(key) if t.startswith(query[0])), default="") if query else ""
                found.append((token, key, sid))
        found.sort()
        start = (after.token, after.sort_key, after.student_id) if after else ("", "", -1)
        return self._page([k for k in found if k > start][:limit + 1], limit)

    def _capped_count(self, word: str, cap: int = _COUNT_CAP) -> tuple[int, int, int]:
        """How many rows match `word` in each of the three sources (its own rows, last names'
        first words, MOSIS IDs), each counted up to `cap`."""
        key = "\x1f" + word
        cap = 1 << (cap - 1).bit_length()  # a power of two: a few statements for all caps (_limit)
        return self.conn.execute(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM student_tokens "
            f"WHERE token >= ? AND token < ? {_limit(cap)})), (SELECT count(*) FROM (SELECT 1 "
            f"FROM student_tokens WHERE token = '' AND sort_key >= ? AND sort_key < ? {_limit(cap)})), "
            "(SELECT count(*) FROM (SELECT 1 FROM students WHERE mosis_id >= ? AND mosis_id < ? "
            f"{_limit(cap)}))",
            (word, _upper_bound(word), key, _upper_bound(key), word, _upper_bound(word))).fetchone()

    def _pivot(self, query: list[str], order: str,
               counts: dict[str, tuple[int, int, int]]) -> list[Callable] | None:
        """Sources for `_scan` when the words are all common and one is common only as a last
        name ("zoe russ": 6,700 Russells, a few students called Russ): read without walking either
        word's rows.

        That word, the pivot, starts one of a student's words either in the pivot's own rows
        (few: all read) or as the first word of the last name. In the second case another word
        (`other`) starts one of the student's other words, as two query words cannot start the
        same word; and each of `other`'s words holds its students in key order, so those whose
        last name starts with the pivot are one range of it: one source for each of those
        words. Their rows come in `_scan`'s order when `order` is the pivot or `other`. None
        when that would not be cheaper: the pivot has many rows of its own or matches a MOSIS
        ID, or `other` starts many different words."""
        pivot = min(query, key=lambda w: counts[w][0])
        others = [w for w in query if w != pivot and not w.isdigit()]  # a MOSIS ID has no rows
        if counts[pivot][0] >= _COUNT_CAP or counts[pivot][2] or not others:
            return None
        other = order if order != pivot else others[0]
        if other not in others:
            return None
        spelled = self._words_starting(other, _PIVOT_WORDS + 1)
        if len(spelled) > _PIVOT_WORDS:
            return None
        filters, params = _word_filters([w for w in query if w != pivot])
        own = sorted((min(t for t in key_tokens(key) if t.startswith(order)), key, sid)
                     for key, sid in self.conn.execute(
                         f"SELECT sort_key, student_id FROM student_tokens WHERE token >= ? AND token < ?{filters}",
                         [pivot, _upper_bound(pivot), *params]))
        rest = [w for w in query if w not in (pivot, other)]
        return [partial(_listed, own), *(partial(self._last_name_range_rows, word, pivot, rest, other == order)
                                         for word in spelled)]

    def _last_name_range_rows(self, word: str, pivot: str, rest: list[str], by_word: bool,
                              after: tuple, want: int):
        """A `_pivot` source: the rows of `word` whose key starts with the pivot as a last name,
        that match `rest`, after `after`: as `word`'s (`by_word`) or as the last name's rows."""
        filters, params = _word_filters(rest)
        prefix = "\x1f" + pivot
        if by_word:
            rows = self.conn.execute(
                "SELECT token, sort_key, student_id FROM student_tokens WHERE token = ? AND sort_key >= ? "
                f"AND sort_key < ?{filters} AND (token, sort_key, student_id) > (?, ?, ?) "
                f"ORDER BY sort_key, student_id {_limit(want)}",
                [word, prefix, _upper_bound(prefix), *params, *after]).fetchall()
        else:
            start = _key_after(after)
            rows = [(first_word(k), k, i) for k, i in self.conn.execute(
                "SELECT sort_key, student_id FROM student_tokens WHERE token = ? AND sort_key >= ? "
                f"AND sort_key < ?{filters} AND (sort_key, student_id) > (?, ?) "
                f"ORDER BY sort_key, student_id {_limit(want)}",
                [word, max(prefix, start[0]), _upper_bound(prefix), *params, *start])]
        return rows, (rows[-1] if len(rows) == want else None)

    def _words_starting(self, prefix: str, most: int) -> list[str]:
        """The different words of the index's own rows that start with `prefix`, up to `most`:
        one index seek each."""
        found: list[str] = []
        low, high = prefix, _upper_bound(prefix)
        while len(found) < most:
            row = self.conn.execute("SELECT token FROM student_tokens WHERE token >= ? AND token < ? "
                                    "ORDER BY token LIMIT 1", (low, high)).fetchone()
            if row is None:
                break
            found.append(row[0])
            low = row[0] + "\x00"  # the next string after it
        return found

    def _scan(self, order: str, rest: list[str], limit: int, after: Cursor | None,
              sources: list[Callable] | None = None) -> Page:
        """Walk `order`'s matches in (token, key, id) order, keeping students that match `rest`.

        Results are ordered by the student's first token that matches `order`, then by name; a
        student whose name matches `order` twice ("an": Anderson, Anna) is kept at the first.
        """
        keys: list[tuple] = []
        start = (after.token, after.sort_key, after.student_id) if after else ("", "", -1)
        while len(keys) <= limit:
            batch, start = self._matches(order, rest, start, limit + 1 - len(keys), sources)
            for token, key, sid in batch:
                # Kept at the student's first word matching `order`: when only one word does
                # (nearly always), that is this row's.
                if key.count(" " + order) + key.count("\x1f" + order) == 1 or \
                        min(t for t in key_tokens(key) if t.startswith(order)) == token:
                    keys.append((token, key, sid))
            if start is None:
                break
        return self._page(keys, limit)

    def _matches(self, order: str, rest: list[str], after: tuple, want: int,
                 sources: list[Callable] | None = None) -> tuple[list[tuple], tuple | None]:
        """Rows (token, key, id) after `after` matching `order` and `rest`, in order, from each
        source (`sources(after, want)`: by default `order`'s own rows, last names and MOSIS IDs);
        and where the next call starts (None when no source has more)."""
        if sources is None:
            sources = [partial(self._token_rows, order, rest), partial(self._last_name_rows, order, rest)]
            if order.isdigit():
                sources.append(partial(self._mosis_rows, order, rest))
        found = [source(after, want) for source in sources]
        # A source that gave `want` rows may have more after its last: rows up to the first
        # such last row are all here.
        ends = [end for _, end in found if end is not None]
        end = min(ends) if ends else None
        rows = sorted({r for rows, _ in found for r in rows if end is None or r <= end})
        return rows, end

    def _token_rows(self, order: str, rest: list[str], after: tuple, want: int):
        filters, params = _word_filters(rest)
        rows = self.conn.execute(
            "SELECT token, sort_key, student_id FROM student_tokens WHERE token >= ? AND token < ?"
            f"{filters} AND (token, sort_key, student_id) > (?, ?, ?) "
            f"ORDER BY token, sort_key, student_id {_limit(want)}",
            [max(order, after[0]), _upper_bound(order), *params, *after]).fetchall()
        return rows, (rows[-1] if len(rows) == want else None)

    def _last_name_rows(self, order: str, rest: list[str], after: tuple, want: int):
        """Matches of the last name's first word: a range of '' rows, as their key starts with
        it (`_key_after` places the cursor among them)."""
        start = _key_after(after)
        filters, params = _word_filters(rest)
        prefix = "\x1f" + order
        rows = self.conn.execute(
            "SELECT sort_key, student_id FROM student_tokens WHERE token = '' "
            f"AND sort_key >= ? AND sort_key < ?{filters} AND (sort_key, student_id) > (?, ?) "
            f"ORDER BY sort_key, student_id {_limit(want)}",
            [max(prefix, start[0]), _upper_bound(prefix), *params, *start]).fetchall()
        rows = [(first_word(k), k, i) for k, i in rows]
        return rows, (rows[-1] if len(rows) == want else None)

    def _mosis_rows(self, order: str, rest: list[str], after: tuple, want: int):
        """Matches of a MOSIS ID, from students' index; the key is made from the row. Of the
        rows read, only one (the cursor's MOSIS ID, unique) can be at or before the cursor:
        one more is read, so that a full read always moves on."""
        fetched = self.conn.execute(
            "SELECT mosis_id, last_name, first_name, preferred_name, local_number, id "
            f"FROM students WHERE mosis_id >= ? AND mosis_id < ? ORDER BY mosis_id {_limit(want + 1)}",
            [max(order, after[0]), _upper_bound(order)]).fetchall()
        rows = [(m, search_key(last, first, preferred, local, m), sid)
                for m, last, first, preferred, local, sid in fetched]
        return ([r for r in rows if r > after and _has_words(r[1], rest)],
                rows[-1] if len(rows) > want else None)

    def _page(self, keys: list[tuple], limit: int) -> Page:
        more = len(keys) > limit
        keys = keys[:limit]
        return Page(self._rows([k[2] for k in keys]), Cursor(*keys[-1]) if more and keys else None)

    def _browse(self, limit: int, after: Cursor | None) -> Page:
        params: list = []
        where = ""
        if after is not None:
            where = "AND (sort_key, student_id) > (?, ?)"
            params += [after.sort_key, after.student_id]
        keys = self.conn.execute(
            f"SELECT '', sort_key, student_id FROM student_tokens WHERE token = '' {where} "
            f"ORDER BY sort_key, student_id {_limit(limit + 1)}", params
        ).fetchall()
        return self._page(keys, limit)

    def _rows(self, ids: Sequence[int]) -> list[StudentRow]:
        if not ids:
            return []
        # Each row names its building: a join per keystroke cost more than reading the names
        # once between writes.
        names = self.store.unchanged("building names", lambda: dict(
            self.conn.execute("SELECT code, name FROM buildings")))
        found = {row[0]: row for row in self.conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM students WHERE id IN ({','.join('?' * len(ids))})", list(ids))}
        return [StudentRow(sid, last, first, preferred, grade, names.get(code, code or ""), local, mosis)
                for sid, last, first, preferred, grade, code, local, mosis in (found[i] for i in ids if i in found)]

    # --- the index ----------------------------------------------------------------
    def refresh_index(self) -> int:
        """Index the students written since the last search. Returns how many were indexed.
        A database open read-only is searched as its index stands (it cannot be written)."""
        if self.store.read_only_reason:
            return 0
        self.ensure_index_version()
        if not self.refresh_needed():
            return 0
        with self.store.transaction():
            return self._reindex_dirty()

    def _reindex_dirty(self) -> int:
        """Remove the rows of changed and deleted students, then index the changed ones again
        and the students found in gaps. Returns how many students were indexed."""
        conn = self.conn
        old: list[tuple] = []
        for sid, *values in conn.execute("SELECT * FROM student_search_stale"):
            key, tokens = index_entry(*values)
            old.extend((t, key, sid) for t in ("", *tokens))
        conn.executemany(
            "DELETE FROM student_tokens WHERE token = ? AND sort_key = ? AND student_id = ?", old)
        columns = "s.id, s.last_name, s.first_name, s.preferred_name, s.local_number, s.mosis_id"
        rows = {r[0]: r for r in conn.execute(
            f"SELECT {columns} FROM student_search_gaps g JOIN students s "
            "ON s.id BETWEEN g.low AND g.high")}
        rows.update((r[0], r) for r in conn.execute(
            f"SELECT {columns} FROM students s WHERE s.id IN "
            "(SELECT student_id FROM student_search_stale)"))
        self._write((sid, *index_entry(*values)) for sid, *values in rows.values())
        conn.execute("DELETE FROM student_search_stale")
        return len(rows)

    def _write(self, entries: Iterable[tuple[int, str, tuple[str, ...]]]) -> None:
        """Index students that have no index rows yet, from their (id, key, tokens) as
        `index_entry` gives them, and take their ids out of the gaps."""
        ids, names, tokens = [], [], []
        for sid, key, own in entries:
            ids.append(sid)
            names.append(("", key, sid))
            tokens += [(t, key, sid) for t in own]
        names.sort(key=_second)  # in index order: appends, not scattered writes
        tokens.sort(key=_first)
        # Many rows to a statement: a third cheaper than one statement a row.
        rows = names + tokens
        whole = len(rows) - len(rows) % _ROWS_PER_INSERT
        flat = list(itertools.chain.from_iterable(rows[:whole]))
        size = 3 * _ROWS_PER_INSERT
        self.conn.executemany(_INSERT_ROWS, (flat[i:i + size] for i in range(0, whole * 3, size)))
        self.conn.executemany(_INSERT_ROW, rows[whole:])
        ids.sort()
        self._close_gaps(ids)

    def _close_gaps(self, ids: list[int]) -> None:
        """Split the gaps that hold any of the (sorted) `ids` around them."""
        conn = self.conn
        for rowid, low, high in conn.execute(
                "SELECT rowid, low, high FROM student_search_gaps").fetchall():
            inside = ids[bisect.bisect_left(ids, low):bisect.bisect_right(ids, high)]
            if not inside:
                continue
            gaps = [(low, inside[0] - 1), (inside[-1] + 1, high)]
            if inside[-1] - inside[0] + 1 != len(inside):  # not one block (an import's): holes
                gaps += [(a + 1, b - 1) for a, b in itertools.pairwise(inside) if b - a > 1]
            conn.execute("DELETE FROM student_search_gaps WHERE rowid = ?", (rowid,))
            conn.executemany("INSERT INTO student_search_gaps VALUES (?, ?)",
                             [(a, b) for a, b in gaps if a <= b])

    def ensure_index_version(self) -> None:
        """Rebuild the index once if it was built by an older `search_key` (or never)."""
        if not self._version_checked:
            if self.store.setting(INDEX_SETTING) != INDEX_VERSION:
                self.rebuild_index()
            self._version_checked = True

    def index_new_students(self, entries: list[tuple[int, str, tuple[str, ...]]]) -> None:
        """Index students just inserted in this transaction, from what the caller holds: (id,
        and the key and tokens of `index_entry` of their last, first and preferred names, local
        number and MOSIS ID). Saves reading them back."""
        self._write(entries)

    def refresh_needed(self) -> bool:
        return self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM student_search_stale) OR EXISTS (SELECT 1 "
            "FROM student_search_gaps g JOIN students s ON s.id BETWEEN g.low AND g.high)"
        ).fetchone()[0] == 1

    def rebuild_index(self) -> None:
        """Index every student again (for a database written by an older tool)."""
        with self.store.transaction():
            self.conn.execute("DELETE FROM student_tokens")
            self.conn.execute("DELETE FROM student_search_stale")
            self.conn.execute("DELETE FROM student_search_gaps")
            self.conn.execute("INSERT INTO student_search_gaps VALUES (?, ?)", (-2**63, 2**63 - 1))
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
            GuardianRow(r[0], r[1], r[2], r[3], r[4], one_line_address(*r[5:10]), r[10], bool(r[11]))
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
        trail.note_use(self.store, "student_viewed", student_id=student_id)
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
