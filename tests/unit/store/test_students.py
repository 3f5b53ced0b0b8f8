"""StudentRepo: folding, the token index, type-ahead search with keyset pages, the detail."""

from __future__ import annotations

import random

import pytest

from mocap_desktop.store import open_store
from mocap_desktop.store.search_keys import fold, student_tokens, words
from mocap_desktop.store.students import StudentRepo

# Invented people only.
PEOPLE = [
    # local, mosis, last, first, middle, preferred, grade
    ("1001", "1000000001", "Nguyễn", "Thảo", "Minh", "", "9"),
    ("1002", "1000000002", "Peña", "José", "", "Pepe", "10"),
    ("1003", "1000000003", "Łukaszewicz", "Łukasz", "", "", "K"),
    ("1004", None, "O'Brien", "Siobhán", "", "", "3"),
    ("1005", "1000000005", "Anderson", "Anna", "", "", "5"),
    ("1006", "1000000006", "Smith", "John", "Andrew", "", "12"),
    ("1007", "1000000007", "Johnson", "Emma", "", "", "7"),
    ("1008", "2000000008", "De La Cruz", "María", "", "", "8"),
    ("1009", "2000000009", "Müller", "Søren", "", "", "2"),
    ("1010", "2000000010", "Đặng", "Weiß", "", "", "4"),
]


def add(store, people=PEOPLE):
    with store.transaction() as db:
        db.execute("INSERT OR IGNORE INTO buildings (code, name) VALUES ('4000', 'Maple Valley High')")
        for local, mosis, last, first, middle, preferred, grade in people:
            db.execute(
                "INSERT INTO students (local_number, mosis_id, last_name, first_name, middle_name, "
                "preferred_name, birth_date, grade, building_code, resident_district) "
                "VALUES (?, ?, ?, ?, ?, ?, '2010-01-01', ?, '4000', '099901')",
                (local, mosis, last, first, middle, preferred, grade))


def locals_of(page):
    return [r.local_number for r in page.rows]


@pytest.mark.parametrize("text, folded", [
    ("Nguyễn", "nguyen"), ("Peña", "pena"), ("Łukasz", "lukasz"), ("Søren", "soren"),
    ("Đặng", "dang"), ("Weiß", "weiss"), ("O'Brien", "obrien"), ("O’Brien", "obrien"),
    ("Zoë", "zoe"), ("Æsa", "aesa"), ("Hodžić", "hodzic"),
])
def test_fold_removes_accents_and_letters_nfkd_leaves(text, folded):
    assert fold(text) == folded


def test_tokens_cover_each_name_part_and_the_name_run_together():
    tokens = student_tokens("De La Cruz", "María-José", "", "A-1001", "1234567890")
    assert "" not in tokens
    assert {"de", "la", "cruz", "delacruz", "maria", "jose", "mariajose", "a", "1001", "a1001",
            "1234567890"} <= tokens


@pytest.mark.parametrize("query, expected", [
    ("nguy", ["1001"]), ("NGUYEN", ["1001"]), ("thao nguy", ["1001"]), ("nguy thao", ["1001"]),
    ("pena", ["1002"]), ("peña", ["1002"]), ("pepe", ["1002"]), ("lukasz", ["1003"]),
    ("łuk", ["1003"]), ("obrien", ["1004"]), ("o'brien", ["1004"]), ("o’bri", ["1004"]),
    ("cruz", ["1008"]), ("delacr", ["1008"]), ("de la cruz", ["1008"]), ("soren", ["1009"]),
    ("muller", ["1009"]), ("dang", ["1010"]), ("weiss", ["1010"]),
    ("1006", ["1006"]), ("100000000", ["1001", "1002", "1003", "1005", "1006", "1007"]),
    ("2000000009", ["1009"]), ("smith andrew", []),  # middle names are not searched
    ("xyz", []), ("nguyen peña", []),
])
def test_search_matches_names_in_any_order_prefix_and_accent_insensitive(store, query, expected):
    add(store)
    assert sorted(locals_of(StudentRepo(store).search(query))) == expected


def test_middle_names_are_not_searched(store):
    add(store)
    assert locals_of(StudentRepo(store).search("andrew")) == []


def test_each_student_appears_once_even_when_several_names_match(store):
    add(store)
    page = StudentRepo(store).search("an")  # Anderson, Anna
    assert locals_of(page).count("1005") == 1


def test_results_are_ordered_by_the_matching_name_then_full_name(store):
    add(store)
    names = [(r.last_name, r.first_name) for r in StudentRepo(store).search("jo").rows]
    # by the matching token: john (Smith) < johnson < jose (Peña)
    assert names == [("Smith", "John"), ("Johnson", "Emma"), ("Peña", "José")]


def _roster(n, seed=5, digits=False):
    """Invented students; with `digits`, local numbers of digits that MOSIS IDs start with too."""
    rng = random.Random(seed)
    lasts = ["Garcia", "García", "Gardner", "Smith", "Smithers", "Nguyễn", "Nguyen", "Anders",
             "Andersen", "Peña", "Penn", "Łukaszewicz", "Lukas"]
    firsts = ["Ana", "Andrea", "Anders", "Maria", "Mario", "Lukasz", "Łukasz", "Gary", "Sam"]
    out = []
    for i in range(n):
        out.append((f"{30000 + i}" if digits else f"L{i:05d}", f"{3000000000 + i}",
                    rng.choice(lasts), rng.choice(firsts),
                    rng.choice(["", "Ann", "Garth"]), rng.choice(["", "", "Andy"]),
                    rng.choice(["K", "1", "9"])))
    return out


@pytest.mark.parametrize("query, digits", [
    ("an", False), ("gar", False), ("a", False), ("smith", False), ("ma gar", False),
    ("luk an", False), ("l000", False), ("30000001", False),
    # local numbers and MOSIS IDs with the same start: matches from both, merged
    ("3", True), ("300", True), ("3000000001", True), ("30001 gar", True), ("gar 300", True),
])
def test_keyset_pages_return_every_match_exactly_once(store, query, digits):
    people = _roster(700, digits=digits)
    add(store, people)
    repo = StudentRepo(store)
    seen, cursor, pages = [], None, 0
    while True:
        page = repo.search(query, limit=37, after=cursor)
        assert len(page.rows) <= 37
        seen += locals_of(page)
        pages += 1
        if page.next is None:
            break
        cursor = page.next
    assert len(seen) == len(set(seen)), "a student came back twice"
    qwords = words(query)
    expected = {
        local for local, mosis, last, first, middle, preferred, _ in people
        if all(any(t.startswith(w) for t in student_tokens(last, first, preferred, local, mosis))
               for w in qwords)
    }
    assert set(seen) == expected
    assert pages >= len(expected) // 37


@pytest.mark.parametrize("cap", [3, 40])
def test_common_words_read_through_a_last_name_give_the_walks_pages(store, monkeypatch, cap):
    """Words all common (counted past the cap) are read through the pivot when one is common only
    as a last name: the same students, order and pages as the walk of the rarest word's index
    range, whichever word matches which name."""
    import mocap_desktop.store.students as students

    people = _roster(700, digits=True)
    people += [(f"M{i}", None, last, first, "", preferred, "5") for i, (last, first, preferred) in enumerate([
        ("Smith Anders", "Gary", ""), ("Anders", "Smith", ""), ("Penn", "Ana", "Smitty"), ("Lukas", "Penelope", "Gar"),
        ("De La Garza", "Ana", ""), ("Sam", "Sam", "Sam"), ("Gardner", "Sammy", "Samantha"),
        ("Smithers", "Ana", "Smitty"), ("Andersen", "Ana", "Andrea")])]
    people += [(f"S{i}", None, rng_last, "Smithy", "", "", "5")  # the pivot's own rows: more than a page
               for i, rng_last in enumerate(["Garcia", "Gardner", "Penn"] * 5)]
    add(store, people)
    repo = StudentRepo(store)
    monkeypatch.setattr(students, "_COUNT_CAP", cap)
    real_pivot, taken = StudentRepo._pivot, []

    def pages(query, limit):
        found, cursor = [], None
        while True:
            page = repo.search(query, limit=limit, after=cursor)
            found.append((page.rows, page.next))
            if page.next is None:
                return found
            cursor = page.next

    for query in ("ana smith", "smith ana", "sam gar", "gar sam", "an smi", "gary smith anders",
                  "pen ana", "ana de la", "la ana", "sam sam", "samm gard", "300 ana", "ana 3000000",
                  "luk mar", "mar luk", "ma ga", "a s", "smitty ana", "andr smith", "smith gar", "gar smith"):
        for limit in (7, 50):
            monkeypatch.setattr(StudentRepo, "_pivot", lambda self, *a: taken.append(real_pivot(self, *a)) or taken[-1])
            through_pivot = pages(query, limit)
            monkeypatch.setattr(StudentRepo, "_pivot", lambda self, *a: None)
            assert through_pivot == pages(query, limit), query
            assert len({r.id for rows, _ in through_pivot for r in rows}) == sum(len(rows) for rows, _ in through_pivot)
    assert any(p is not None for p in taken), "the pivot was never taken"
    assert any(p is None for p in taken), "the pivot never declined"


def test_empty_query_browses_the_roster_in_name_order_a_page_at_a_time(store):
    add(store)
    repo = StudentRepo(store)
    first = repo.search("", limit=4)
    assert [r.last_name for r in first.rows] == ["Anderson", "Đặng", "De La Cruz", "Johnson"]
    rest = repo.search("  ", limit=50, after=first.next)
    assert len(first.rows) + len(rest.rows) == len(PEOPLE)
    assert rest.next is None


def test_any_writer_is_indexed_before_the_next_search(store):
    add(store)
    repo = StudentRepo(store)
    assert locals_of(repo.search("pena")) == ["1002"]
    with store.transaction() as db:  # another part of the app writes students directly
        db.execute("UPDATE students SET last_name = 'Ortiz' WHERE local_number = '1002'")
        db.execute("DELETE FROM students WHERE local_number = '1001'")
        db.execute(
            "INSERT INTO students (local_number, last_name, first_name, birth_date, grade, "
            "resident_district) VALUES ('2001', 'Peñafiel', 'Ana', '2011-02-02', '4', '099901')")
    assert locals_of(repo.search("pena")) == ["2001"]
    assert locals_of(repo.search("ortiz")) == ["1002"]
    assert locals_of(repo.search("nguy")) == []
    assert store.query("SELECT count(*) AS n FROM student_search_stale")[0]["n"] == 0
    assert store.query("SELECT count(*) AS n FROM student_tokens WHERE token = 'nguyen'")[0]["n"] == 0


def test_results_name_the_building_as_it_is_now_whoever_wrote_it(store, data_dir):
    add(store, PEOPLE[:2])
    with store.transaction() as db:
        db.execute("INSERT INTO buildings (code, name) VALUES ('5000', 'Oak Grove Elementary')")
        db.execute("INSERT INTO students (local_number, last_name, first_name, birth_date, grade, "
                   "building_code, resident_district) VALUES ('3001', 'Penrose', 'Ivy', '2011-02-02', "
                   "'4', '5000', '099901'), ('3002', 'Pennington', 'Al', '2011-02-02', '4', NULL, '099901')")
    repo = StudentRepo(store)

    def buildings():
        return {r.local_number: r.building for r in repo.search("pen").rows}

    assert buildings() == {"1002": "Maple Valley High", "3001": "Oak Grove Elementary", "3002": ""}
    with store.transaction() as db:  # written through this connection
        db.execute("UPDATE buildings SET name = 'Oak Grove School' WHERE code = '5000'")
    assert buildings()["3001"] == "Oak Grove School"
    other = open_store(data_dir.database())  # another connection (district sync, a second window)
    try:
        with other.transaction() as db:
            db.execute("UPDATE buildings SET name = 'Oak Grove Primary' WHERE code = '5000'")
    finally:
        other.close()
    assert buildings()["3001"] == "Oak Grove Primary"


def test_students_another_connection_writes_are_found_by_the_next_search(store, data_dir):
    add(store, PEOPLE[:2])
    repo = StudentRepo(store)
    assert locals_of(repo.search("pen")) == ["1002"]
    assert locals_of(repo.search("pen")) == ["1002"]  # nothing written: the index is not checked again
    other = open_store(data_dir.database())
    try:
        with other.transaction() as db:
            db.execute("INSERT INTO students (local_number, last_name, first_name, birth_date, grade, "
                       "resident_district) VALUES ('2001', 'Penrose', 'Ana', '2011-02-02', '4', '099901')")
            db.execute("UPDATE students SET last_name = 'Ortiz' WHERE local_number = '1002'")
    finally:
        other.close()
    assert locals_of(repo.search("pen")) == ["2001"]
    assert locals_of(repo.search("ortiz")) == ["1002"]


def test_a_reused_id_does_not_inherit_the_old_students_tokens(store):
    add(store, PEOPLE[:2])
    repo = StudentRepo(store)
    repo.search("x")  # index them
    with store.transaction() as db:
        last_id = db.execute("SELECT max(id) FROM students").fetchone()[0]
        db.execute("DELETE FROM students WHERE id = ?", (last_id,))
        db.execute(
            "INSERT INTO students (id, local_number, last_name, first_name, birth_date, grade, "
            "resident_district) VALUES (?, '3001', 'Young', 'Avery', '2011-02-02', '4', '099901')",
            (last_id,))
    assert locals_of(repo.search("pena")) == []
    assert locals_of(repo.search("young")) == ["3001"]


def test_single_word_search_is_an_index_range_read_without_a_sort(store):
    add(store)
    repo = StudentRepo(store)
    repo.search("")
    captured = []
    store.conn.set_trace_callback(captured.append)
    repo.search("gar")
    repo.search("100000000")
    store.conn.set_trace_callback(None)
    sql = next(s for s in captured if "FROM student_tokens WHERE token >=" in s)
    plan = " ".join(str(r) for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "USING PRIMARY KEY (token>? AND token<?)" in plan
    assert "TEMP B-TREE" not in plan
    # the other ranges read: last names (the '' rows) and MOSIS IDs (students' own index)
    reads = [s for s in captured if "ORDER BY" in s and "count(*)" not in s]
    assert any("token = ''" in s for s in reads) and any("mosis_id >=" in s for s in reads)
    for sql in reads:
        plan = " ".join(str(r) for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "SEARCH" in plan and "SCAN" not in plan and "TEMP B-TREE" not in plan, plan


def test_students_written_with_any_id_are_indexed(store):
    add(store, PEOPLE[:3])
    repo = StudentRepo(store)
    repo.search("x")  # index them

    def insert(sid, local, last):
        with store.transaction() as db:
            db.execute(
                "INSERT INTO students (id, local_number, last_name, first_name, birth_date, grade, "
                "resident_district) VALUES (?, ?, ?, 'Ana', '2011-02-02', '4', '099901')",
                (sid, local, last))

    insert(50, "3050", "Fifty")  # far above the others: ids 4-49 never used
    assert locals_of(repo.search("fifty")) == ["3050"]
    insert(20, "3020", "Twenty")  # below the highest id, in ids never used
    insert(-7, "3007", "Minus")
    assert locals_of(repo.search("twenty")) == ["3020"]
    assert locals_of(repo.search("minus")) == ["3007"]
    with store.transaction() as db:  # a student in the middle leaves, another takes the id
        db.execute("DELETE FROM students WHERE id = 2")
    assert locals_of(repo.search("pena")) == []
    insert(2, "3002", "Again")
    assert locals_of(repo.search("again")) == ["3002"]
    assert not repo.refresh_needed()


def test_a_student_changed_twice_is_found_by_the_last_values_only(store):
    add(store, PEOPLE[:3])
    repo = StudentRepo(store)
    repo.search("x")
    with store.transaction() as db:
        db.execute("UPDATE students SET last_name = 'Ortiz' WHERE local_number = '1002'")
        db.execute("UPDATE students SET last_name = 'Vega', mosis_id = '4000000002' "
                   "WHERE local_number = '1002'")
    assert locals_of(repo.search("vega")) == ["1002"]
    assert locals_of(repo.search("4000000002")) == ["1002"]
    assert locals_of(repo.search("pena")) == locals_of(repo.search("ortiz")) == []
    assert locals_of(repo.search("1000000002")) == []
    assert store.query("SELECT count(*) AS n FROM student_tokens WHERE student_id = "
                       "(SELECT id FROM students WHERE local_number = '1002') "
                       "AND sort_key LIKE '%pena%'")[0]["n"] == 0


def test_detail_has_guardians_enrollments_newest_first_and_requests(store):
    add(store)
    repo = StudentRepo(store)
    sid = repo.ids_by_local_number(["1002"])["1002"]
    with store.transaction() as db:
        db.execute("INSERT INTO guardians (student_id, name, relationship, preferred_language, "
                   "receives_letters) VALUES (?, 'Rosa Peña', 'Mother', 'es', 1)", (sid,))
        db.execute("INSERT INTO guardians (student_id, name, relationship) VALUES (?, 'Javier Peña', "
                   "'Father')", (sid,))
        db.execute("INSERT INTO enrollments (student_id, district_code, school_name, school_kind, "
                   "entry, exit) VALUES (?, '048078', 'Bluff Springs', 'public', '2016-08-15', "
                   "'2021-05-20')", (sid,))
        db.execute("INSERT INTO enrollments (student_id, district_code, school_kind, entry) "
                   "VALUES (?, '099901', 'public', '2021-08-12')", (sid,))
    d = repo.detail(sid)
    assert (d.last_name, d.first_name, d.preferred_name, d.building_name) == (
        "Peña", "José", "Pepe", "Maple Valley High")
    assert [g.name for g in d.guardians] == ["Rosa Peña", "Javier Peña"]
    assert d.guardians[0].receives_letters and d.guardians[0].preferred_language == "es"
    assert [e.entry for e in d.enrollments] == ["2021-08-12", "2016-08-15"]
    assert d.requests == []
    assert repo.detail(99999) is None
