"""The students import reads, checks and writes a chunk of rows at a time: whatever the chunk
size, every file gives the same report and leaves the same database, also where a rule spans
the whole file (a local number or MOSIS ID repeated far apart, two students trading IDs).

Every person in these files is invented.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mocap_desktop.paths import DataDir
from mocap_desktop.services.importing import run_import
from mocap_desktop.services.roster import KINDS
from mocap_desktop.store import open_store

STUDENTS = KINDS["students"]
HEADER = ["Student Number", "State ID", "Last Name", "First Name", "Birthdate", "Grade", "School Code",
          "Guardian Name"]

FIRST = [
    ["300001", "5000000001", "Young", "Avery", "1/1/2012", "3", "1050", "Dana Young"],
    ["300002", "5000000002", "Young", "Blake", "1/1/2012", "3", "1050", "Dana Young"],
    ["300003", "5000000003", "Reyes", "Casey", "2/2/2011", "4", "2050", ""],
    ["300004", "5000000004", "Reyes", "Drew", "2/2/2011", "4", "2050", "Eli Reyes"],
    ["300005", "5000000005", "Okafor", "Emeka", "3/3/2010", "5", "3050", ""],
]

# The second file: Avery and Drew trade MOSIS IDs (Avery first, Drew four rows on), Blake takes
# the ID of a student who is not in the file, an exact repeat and a conflicting repeat of
# Casey far apart, a new student reusing a MOSIS ID the file gave earlier, new students.
SECOND = [
    ["300001", "5000000004", "Young", "Avery", "1/1/2012", "4", "1050", "Dana Young"],
    ["300003", "5000000003", "Reyes", "Casey", "2/2/2011", "5", "2050", "Flo Reyes"],
    ["300006", "5000000006", "Nguyen", "Gia", "4/4/2013", "2", "4050", "Hoa Nguyen"],
    ["300002", "5000000005", "Young", "Blake", "1/1/2012", "3", "1050", "Dana Young"],
    ["300004", "5000000001", "Reyes", "Drew", "2/2/2011", "4", "2050", "Eli Reyes"],
    ["300007", "5000000006", "Nguyen", "Hanh", "4/4/2013", "2", "4050", ""],
    ["300003", "5000000003", "Reyes", "Casey", "2/2/2011", "5", "2050", "Flo Reyes"],
    ["300003", "5000000003", "Reyes", "Casey", "2/2/2011", "6", "2050", "Flo Reyes"],
    ["300008", "", "Park", "Ira", "5/5/2014", "1", "5050", ""],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    return path


def state(store) -> dict[str, list]:
    return {
        "students": store.conn.execute(
            "SELECT local_number, mosis_id, last_name, first_name, grade, building_code "
            "FROM students ORDER BY local_number").fetchall(),
        "guardians": store.conn.execute(
            "SELECT s.local_number, g.name, g.receives_letters FROM guardians g "
            "JOIN students s ON s.id = g.student_id ORDER BY 1, 2").fetchall(),
        "buildings": store.conn.execute("SELECT code, name FROM buildings ORDER BY code").fetchall(),
        "search": store.conn.execute("SELECT count(*) FROM student_tokens").fetchone(),
    }


def imported(tmp_path: Path, chunk: int, monkeypatch, skip_invalid: bool) -> tuple[list, dict]:
    monkeypatch.setattr(type(STUDENTS), "chunk", chunk)
    folder = tmp_path / f"chunk-{chunk}"
    store = open_store(DataDir(folder).ensure().database())
    try:
        reports = []
        for name, rows in (("first.csv", FIRST), ("second.csv", SECOND)):
            for dry_run in (True, False):
                report = run_import(store, write_csv(folder / name, rows), STUDENTS,
                                    dry_run=dry_run, skip_invalid=skip_invalid)
                reports.append((report.summary(), [str(p) for p in report.problems],
                                [str(p) for p in report.warnings], report.notes))
        return reports, state(store)
    finally:
        store.close()


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_every_chunk_size_gives_the_same_report_and_database(tmp_path, monkeypatch, skip_invalid):
    whole, whole_state = imported(tmp_path, 10_000, monkeypatch, skip_invalid)
    for chunk in (1, 2, 3):
        reports, after = imported(tmp_path, chunk, monkeypatch, skip_invalid)
        assert reports == whole, f"chunks of {chunk}"
        assert after == whole_state, f"chunks of {chunk}"


def test_what_the_second_file_does(tmp_path, monkeypatch):
    reports, after = imported(tmp_path, 2, monkeypatch, skip_invalid=True)
    summary, problems, _, _ = reports[-1]
    assert summary.startswith("rows read 9 · students added 2 · updated 3 · unchanged 0")
    assert problems == [
        'row 5, column "State ID": MOSIS ID 5000000005 already belongs to another student in '
        "the database (local number 300005)",
        'row 7, column "State ID": MOSIS ID 5000000006 is already used on row 4 (local number 300006)',
        'row 9, column "Student Number": local student number 300003 is already on row 3 with '
        "different values",
    ]
    mosis = {local: m for local, m, *_ in after["students"]}
    assert mosis["300001"] == "5000000004" and mosis["300004"] == "5000000001"  # traded
    assert mosis["300002"] == "5000000002"  # its row was refused: unchanged
    assert "300007" not in mosis and mosis["300008"] is None


def test_a_file_with_an_invalid_row_late_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(type(STUDENTS), "chunk", 2)
    store = open_store(DataDir(tmp_path / "d").ensure().database())
    try:
        run_import(store, write_csv(tmp_path / "first.csv", FIRST), STUDENTS)
        before = state(store)
        rows = [[f"4000{i:02d}", "", "Lee", f"Kim{i}", "1/1/2012", "3", "1050", ""] for i in range(9)]
        rows.append(["400099", "", "Lee", "Lou", "1/1/2012", "grade three", "1050", ""])
        report = run_import(store, write_csv(tmp_path / "late.csv", rows), STUDENTS)
        assert not report.written and [p.row for p in report.problems] == [11]
        assert state(store) == before
    finally:
        store.close()


ENROLLMENTS = KINDS["enrollments"]
HISTORY_HEADER = ["Student Number", "District Code", "School Code", "Entry Date", "Exit Date"]
HISTORY = [
    ["300001", "048078", "1050", "8/15/2024", "5/20/2025"],
    ["300002", "048078", "1050", "8/15/2024", ""],
    ["300001", "048078", "1050", "8/15/2025", ""],
    ["399999", "048078", "1050", "8/15/2024", ""],  # no such student
    ["300001", "048078", "1050", "8/15/2024", "5/20/2025"],  # an exact repeat
    ["300002", "048078", "1050", "8/15/2024", "5/22/2025"],  # the same enrollment, another exit
    ["300003", "048078", "2050", "8/15/2024", ""],
]


def history(tmp_path: Path, chunk: int, monkeypatch) -> tuple[list, list]:
    monkeypatch.setattr(type(ENROLLMENTS), "chunk", chunk)
    folder = tmp_path / f"history-{chunk}"
    store = open_store(DataDir(folder).ensure().database())
    try:
        run_import(store, write_csv(folder / "students.csv", FIRST), STUDENTS)
        path = folder / "history.csv"
        reports = []
        for rows in (HISTORY, [HISTORY[0][:4] + ["6/1/2025"], *HISTORY[1:]]):
            with open(path, "w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerows([HISTORY_HEADER, *rows])
            report = run_import(store, path, ENROLLMENTS, skip_invalid=True)
            reports.append((report.summary(), [str(p) for p in report.problems]))
        return reports, store.conn.execute(
            "SELECT s.local_number, e.district_code, e.entry, e.exit, e.school_name FROM enrollments e "
            "JOIN students s ON s.id = e.student_id ORDER BY 1, 3").fetchall()
    finally:
        store.close()


def test_enrollment_history_streams_with_the_same_result(tmp_path, monkeypatch):
    whole, whole_rows = history(tmp_path, 10_000, monkeypatch)
    assert whole[0][0].startswith("rows read 7 · enrollments added 4 · updated 0 · unchanged 0")
    assert [p.split(":")[0] for p in whole[0][1]] == ['row 5, column "Student Number"',
                                                     'row 7, column "Entry Date"']
    assert whole[1][0].startswith("rows read 7 · enrollments added 0 · updated 1 · unchanged 3")
    assert ("300001", "048078", "2024-08-15", "2025-06-01", "School 1050") in whole_rows
    for chunk in (1, 2, 3):
        assert history(tmp_path, chunk, monkeypatch) == (whole, whole_rows), f"chunks of {chunk}"
