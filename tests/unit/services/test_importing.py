"""The import engine and the roster kinds, on the mess real SIS exports carry.

Every person in these files is invented.
"""

from __future__ import annotations

import csv
import enum
import io
import logging
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from mocap_desktop.services import import_reader, importing
from mocap_desktop.services.importing import (
    Field,
    FieldError,
    ImportCancelled,
    ImportKind,
    ImportRefused,
    ParseContext,
    Plan,
    Record,
    guess_mapping,
    parse_date,
    read_table,
    run_import,
)
from mocap_desktop.services.roster import KINDS, import_roster_file, parse_grade
from mocap_desktop.store import StoreError
from mocap_desktop.store.import_mappings import ImportMappingRepo
from mocap_desktop.store.students import StudentRepo

ROSTER = Path(__file__).resolve().parents[2] / "data" / "roster"
STUDENTS = KINDS["students"]
CTX = ParseContext(today=date(2026, 11, 27))


def dump(store) -> dict[str, list]:
    """Every row of every table an import may touch, to compare before and after."""
    return {t: sorted((tuple(r.values()) for r in store.query(f"SELECT * FROM {t}")), key=repr)
            for t in ("students", "guardians", "enrollments", "buildings", "student_tokens",
                      "student_search_gaps", "student_search_stale")}


def student(store, local: str) -> dict:
    rows = store.query("SELECT * FROM students WHERE local_number = ?", (local,))
    return rows[0] if rows else {}


HEADER = ["Student Number", "State ID", "Last Name", "First Name", "Birthdate", "Grade", "School Code"]


def write_csv(path: Path, rows: list[list[str]], header=HEADER, encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def synthetic_rows(n: int) -> list[list[str]]:
    return [[f"{200000 + i}", f"{4000000000 + i}", f"Last{i % 97}", f"First{i % 89}",
             f"{i % 12 + 1}/{i % 28 + 1}/20{10 + i % 8:02d}", str(i % 12 + 1), "4000"]
            for i in range(n)]


# --- values ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, iso", [
    ("9/14/2010", "2010-09-14"), ("09/14/2010", "2010-09-14"), ("03/02/09", "2009-03-02"),
    ("3/2/95", "1995-03-02"), ("2012-11-30", "2012-11-30"), ("2012-11-30 00:00:00", "2012-11-30"),
    ("2012-1-5", "2012-01-05"), ("45000", "2023-03-15"), ("1-5-2015", "2015-01-05"), ("", None),
])
def test_dates_in_the_formats_exports_use(text, iso):
    assert parse_date(text, CTX) == iso


@pytest.mark.parametrize("text, reason", [
    ("25/12/2009", "day-first"), ("2/30/2012", "not a real date"), ("13/45/2009", "not a real date"),
    ("Sept 4 2010", "not a date"), ("2010-13-01", "not a real date"),
])
def test_bad_dates_say_why(text, reason):
    with pytest.raises(FieldError, match=reason):
        parse_date(text, CTX)


def test_excel_1904_serial_dates_use_the_workbook_epoch():
    assert parse_date("45000", ParseContext(epoch=importing.EXCEL_1904)) == "2027-03-16"  # 1,462 days later


@pytest.mark.parametrize("text, grade", [
    ("K", "K"), ("KG", "K"), ("0K", "K"), ("00", "K"), ("kg", "K"), ("1", "1"), ("01", "1"),
    ("09", "9"), ("12", "12"), ("10th", "10"),
])
def test_grades_normalise_to_k_through_12(text, grade):
    assert parse_grade(text, CTX) == grade


@pytest.mark.parametrize("text", ["", "Kinder garten", "X7", "15th"])
def test_grades_that_are_no_grade_are_refused(text):
    with pytest.raises(FieldError) as err:
        parse_grade(text, CTX)
    assert not isinstance(err.value, importing.SkipRow)


@pytest.mark.parametrize("text", ["PK", "pk3", "PK4", "TK", "P3", "-1", "-2", "UG", "13", "99", "PS",
                                  "IT", "PR", "Pre-K"])
def test_grades_before_k_or_after_12_skip_the_row(text):
    with pytest.raises(importing.SkipRow) as err:
        parse_grade(text, CTX)
    assert err.value.group == "pre-kindergarten and ungraded" and err.value.value == text.upper()


def test_headers_are_guessed_from_the_variants_sis_exports_use():
    headers = ["\ufeffStudent_Number", "State_StudentNumber", "lastName", "First_Name", "DOB",
               "Grade_Level", "ReportingSchoolCode", "Mother_First", "Mother", "Home Language"]
    mapping = guess_mapping(STUDENTS.fields, headers)
    assert mapping["local_number"] == "\ufeffStudent_Number"
    assert mapping["mosis_id"] == "State_StudentNumber"
    assert mapping["last_name"] == "lastName"
    assert mapping["birth_date"] == "DOB"
    assert mapping["grade"] == "Grade_Level"
    assert mapping["building_code"] == "ReportingSchoolCode"
    assert mapping["mother_first"] == "Mother_First" and mapping["mother_name"] == "Mother"
    assert "state" not in mapping  # "State ID" must never be taken for the mailing state


# --- the PowerSchool-style file: BOM, blank lines, a repeated row, a nine-digit MOSIS ID ------------

def test_bom_file_without_skip_invalid_writes_nothing_and_lists_the_bad_row(store):
    before = dump(store)
    report = run_import(store, ROSTER / "powerschool-bom.csv", STUDENTS)
    assert not report.written
    assert dump(store) == before
    assert [(p.row, p.column) for p in report.problems] == [(9, "State_StudentNumber")]
    assert "423456789 has 9 digits" in report.problems[0].reason
    assert report.rows_read == 7 and report.duplicates == 1 and report.rejected == 1
    assert report.summary().startswith("nothing written (1 invalid row): rows read 7")


def test_bom_file_with_skip_invalid_imports_the_good_rows_correctly(store):
    report = run_import(store, ROSTER / "powerschool-bom.csv", STUDENTS, skip_invalid=True)
    assert report.written and (report.added, report.rejected, report.duplicates) == (5, 1, 1)
    assert store.query("SELECT count(*) AS n FROM students")[0]["n"] == 5
    thao = student(store, "100201")
    assert (thao["last_name"], thao["first_name"], thao["middle_name"]) == ("Nguyễn", "Thảo", "Minh")
    assert (thao["mosis_id"], thao["grade"], thao["birth_date"]) == ("1234567890", "9", "2010-09-14")
    assert thao["building_code"] == "4000" and thao["home_language"] == "Vietnamese"
    assert student(store, "100203")["grade"] == "K"  # KG
    assert student(store, "100204")["grade"] == "K"  # 0K
    assert student(store, "100206")["grade"] == "K"  # 00
    assert student(store, "100202")["birth_date"] == "2009-03-02"  # MM/DD/YY
    assert student(store, "100202")["iep"] == 1 and student(store, "100203")["section_504"] == 1
    assert student(store, "100204")["mosis_id"] is None
    assert student(store, "100205") == {}
    guardians = store.query(
        "SELECT g.name, g.relationship, g.preferred_language, g.receives_letters FROM guardians g "
        "JOIN students s ON s.id = g.student_id WHERE s.local_number = '100202' ORDER BY g.id")
    assert guardians == [
        {"name": "Rosa Peña", "relationship": "Mother", "preferred_language": "es", "receives_letters": 1},
        {"name": "Javier Peña", "relationship": "Father", "preferred_language": "es", "receives_letters": 0},
    ]
    assert store.query("SELECT name FROM buildings WHERE code = '4000'")[0]["name"] == \
        "Maple Valley High School"
    assert [r.local_number for r in StudentRepo(store).search("nguy").rows] == ["100201"]


def test_reimporting_the_same_file_changes_nothing(store):
    run_import(store, ROSTER / "powerschool-bom.csv", STUDENTS, skip_invalid=True)
    before = dump(store)
    report = run_import(store, ROSTER / "powerschool-bom.csv", STUDENTS, skip_invalid=True)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 5)
    assert dump(store) == before


def test_windows_1252_names_are_read_correctly(store):
    table = read_table(ROSTER / "infinite-campus-cp1252.csv")
    assert table.format == "CSV (Windows-1252)"
    report = run_import(store, ROSTER / "infinite-campus-cp1252.csv", STUDENTS)
    assert report.written and report.added == 3
    assert student(store, "A-1001")["first_name"] == "Zoë"
    noe = student(store, "A-1002")
    assert (noe["last_name"], noe["first_name"], noe["preferred_name"]) == ("O’Brien", "Noé", "Noah")
    assert [r.local_number for r in StudentRepo(store).search("obri noah").rows] == ["A-1002"]
    g = store.query("SELECT name, phone FROM guardians WHERE name LIKE 'Anaïs%'")
    assert g == [{"name": "Anaïs O’Brien", "phone": "(573) 555-0102"}]


@pytest.mark.parametrize("codec, mark, label", [
    ("utf-16-le", b"", "UTF-16 without BOM"), ("utf-16-be", b"", "UTF-16 without BOM"),
    ("utf-16-le", b"\xff\xfe", "UTF-16 with BOM"), ("utf-16-be", b"\xfe\xff", "UTF-16 with BOM")])
@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_utf16_is_read_with_or_without_a_byte_order_mark(store, tmp_path, codec, mark, label, delimiter):
    text = (ROSTER / "infinite-campus-cp1252.csv").read_bytes().decode("cp1252").replace(",", delimiter)
    path = tmp_path / "roster.txt"
    path.write_bytes(mark + text.encode(codec))
    assert read_table(path).format.endswith(f"({label})")
    report = run_import(store, path, STUDENTS)
    assert report.written and report.added == 3
    assert student(store, "A-1002")["last_name"] == "O’Brien"


@pytest.mark.parametrize("codec, mark", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""),
                                         ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"")])
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r", "mixed"])
@pytest.mark.parametrize("last", ["", "end"])
def test_a_files_rows_after_its_header_are_counted_as_its_lines_are_split(tmp_path, codec, mark, ending, last):
    """The progress bar's total: every line after the header (blank ones, and the second line of
    a quoted cell, included), whatever ends them, whether the last one is ended or not."""
    lines = ["", "Local ID,Last Name", "A-1,Núñez", "", '"A-2","two\nlines"', "A-3,Zoë", last]
    ends = ["\r\n", "\n", "\r"] * 3 if ending == "mixed" else [ending] * 9
    text = "".join(line + end for line, end in zip(lines[:-1], ends)) + lines[-1]
    path = tmp_path / "roster.csv"
    path.write_bytes(mark + text.encode(codec))
    split = io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8", newline="")
    assert read_table(path).total == len(list(split)) - 2 == (6 if last else 5)


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 20,  # every byte value
    b"PK\x03\x04" + bytes(4000),  # zeros everywhere: a zip, an image
    "lastName,firstName\n".encode("utf-16-le")[:20] + bytes([0x01, 0x00, 0x02, 0x00]) * 500,  # controls
    "ab".encode("utf-16-le") * 500 + b"\x00\xd8" + "ab".encode("utf-16-le") * 500,  # a lone surrogate
    b"SQLite format 3\x00" + bytes(4080),
])
def test_binary_files_are_still_refused(store, tmp_path, data):
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    with pytest.raises(ImportRefused, match="roster.csv is not a text"):
        read_table(path)
    assert importing.sniff_encoding(data) is None


def test_a_missing_required_column_is_refused_before_any_row_is_read(store, monkeypatch):
    before = dump(store)

    def no_rows(self):
        raise AssertionError("rows were read")

    real = importing.read_table

    def table_without_rows(path, what="students"):
        t = real(path, what)
        t.rows = no_rows.__get__(t)
        return t

    monkeypatch.setattr(importing, "read_table", table_without_rows)
    with pytest.raises(ImportRefused, match='no column for "Grade"') as err:
        run_import(store, ROSTER / "missing-grade.csv", STUDENTS)
    assert "Columns found: Student Number, State ID, Last Name, First Name, Birthdate" in str(err.value)
    assert dump(store) == before


def test_a_bad_date_on_row_4817_is_named_and_nothing_is_written(store, tmp_path):
    rows = synthetic_rows(6000)
    rows[4817 - 2][4] = "4/31/2011"  # the header is row 1, so data row i is file row i + 2
    path = write_csv(tmp_path / "big.csv", rows)
    before = dump(store)
    report = run_import(store, path, STUDENTS)
    assert [str(p) for p in report.problems] == [
        'row 4,817, column "Birthdate": "4/31/2011" is not a real date (M/D/YYYY)']
    assert not report.written and dump(store) == before
    assert report.rows_read == 6000


def test_row_numbers_count_blank_lines_as_a_spreadsheet_shows_them(store, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("Student Number,Last Name,First Name,Birthdate,Grade\n"
                    "1,Young,Avery,1/1/2012,3\n\n\n"
                    "2,Young,Blake,1/1/2012,X7\n", encoding="utf-8")
    report = run_import(store, path, STUDENTS)
    assert [p.row for p in report.problems] == [5]
    assert report.rows_read == 2


def test_conflicting_rows_and_mosis_ids_are_rejected(store, tmp_path):
    path = write_csv(tmp_path / "dupes.csv", [
        ["300001", "5000000001", "Young", "Avery", "1/1/2012", "3", "1050"],
        ["300001", "5000000001", "Young", "Avery", "1/1/2012", "4", "1050"],  # same number, new data
        ["300002", "5000000001", "Young", "Blake", "1/1/2012", "3", "1050"],  # same MOSIS ID
    ])
    report = run_import(store, path, STUDENTS)
    assert [(p.row, p.column) for p in report.problems] == [(3, "Student Number"), (4, "State ID")]
    assert "already on row 2" in report.problems[0].reason
    assert "already used on row 2" in report.problems[1].reason


def test_a_mosis_id_held_by_another_student_in_the_database_is_rejected(store, tmp_path):
    run_import(store, write_csv(tmp_path / "a.csv", [
        ["300001", "5000000001", "Young", "Avery", "1/1/2012", "3", "1050"]]), STUDENTS)
    report = run_import(store, write_csv(tmp_path / "b.csv", [
        ["300009", "5000000001", "Young", "Casey", "1/1/2012", "3", "1050"]]), STUDENTS)
    assert "already belongs to another student" in report.problems[0].reason
    assert not report.written


def test_an_updated_file_updates_in_place_and_keeps_unmapped_fields(store, tmp_path):
    header = HEADER + ["Preferred Name"]
    run_import(store, write_csv(tmp_path / "v1.csv", [
        ["300001", "5000000001", "Young", "Avery", "1/1/2012", "3", "1050", "Ave"],
        ["300002", "5000000002", "Young", "Blake", "1/1/2012", "3", "1050", ""]], header), STUDENTS)
    ids = StudentRepo(store).ids_by_local_number(["300001", "300002"])
    report = run_import(store, write_csv(tmp_path / "v2.csv", [
        ["300001", "5000000001", "Young-Park", "Avery", "1/1/2012", "4", "1050"],
        ["300002", "5000000002", "Young", "Blake", "1/1/2012", "3", "1050"],
        ["300003", "", "Young", "Casey", "1/1/2012", "3", "1050"]]), STUDENTS)
    assert (report.added, report.updated, report.unchanged) == (1, 1, 1)
    avery = student(store, "300001")
    assert avery["id"] == ids["300001"] and avery["grade"] == "4" and avery["last_name"] == "Young-Park"
    assert avery["preferred_name"] == "Ave"  # the second file had no preferred-name column
    assert store.query("SELECT count(*) AS n FROM students")[0]["n"] == 3
    repo = StudentRepo(store)
    assert [r.local_number for r in repo.search("park").rows] == ["300001"]
    assert [r.local_number for r in repo.search("ave").rows] == ["300001"]


def test_an_excel_workbook_keeps_ids_as_text_and_reads_every_date_kind(store, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Student Number", "State ID", "Last Name", "First Name", "Birthdate", "Grade",
                  "School Code", "Resident District"])
    sheet.append([100301, 1234567891, "Nguyễn", "Ngọc", datetime(2010, 9, 14), "09", 4000, 99901])
    sheet.append([100302, "0234567891", "Peña", "Sofía", "3/2/2009", 10, 50, "048-078"])
    sheet.append([100303, 234567891, "Kim", "Ji-woo", 40000, 0, 1050, 48078])  # MOSIS lost its 0
    sheet.append([])
    sheet.append([100304, None, "Said", "Amir", "2012-02-29", "K", "1050", None])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.format == "Excel workbook"
    report = run_import(store, path, STUDENTS)
    assert [(p.row, p.column) for p in report.problems] == [(4, "State ID")]
    assert "has 9 digits" in report.problems[0].reason
    report = run_import(store, path, STUDENTS, skip_invalid=True)
    assert report.added == 3
    thao = student(store, "100301")
    assert (thao["mosis_id"], thao["birth_date"], thao["grade"], thao["resident_district"]) == (
        "1234567891", "2010-09-14", "9", "099901")
    sofia = student(store, "100302")
    assert sofia["mosis_id"] == "0234567891" and sofia["building_code"] == "0050"
    assert sofia["resident_district"] == "048078"
    assert student(store, "100304")["mosis_id"] is None


@pytest.mark.parametrize("reader", [False, True], ids=["here", "reader process"])
def test_a_new_students_columns_not_in_the_file_are_blank_and_the_district_is_the_profiles(
        store, tmp_path, monkeypatch, reader):
    """Only the columns a file has are written for a new student; the rest are the table's
    defaults (no MOSIS ID or birth date, blank text, not flagged, Missouri), the resident
    district the profile's, and the new students' ids follow one another in file order."""
    from mocap_desktop.store.district import DistrictProfile, DistrictRepo

    DistrictRepo(store).save_profile(DistrictProfile(code="048078", name="Maple Valley R-IV"))
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 0 if reader else 10**12)
    path = write_csv(tmp_path / "r.csv", [["300001", "Park", "Jae", "5"], ["300002", "Ortiz", "Ana", "K"]],
                     header=["Student Number", "Last Name", "First Name", "Grade"])
    report = run_import(store, path, STUDENTS)
    assert (report.added, report.problems) == (2, [])
    rows = store.query("SELECT * FROM students ORDER BY id")
    assert [r["id"] - rows[0]["id"] for r in rows] == [0, 1]
    assert [r["local_number"] for r in rows] == ["300001", "300002"]
    first = rows[0]
    assert first["updated_at"][:4].isdigit() and "T" in first["updated_at"]
    assert {k: v for k, v in first.items() if k not in ("id", "updated_at")} == {
        "local_number": "300001", "mosis_id": None, "last_name": "Park", "first_name": "Jae",
        "middle_name": "", "preferred_name": "", "birth_date": None, "grade": "5",
        "building_code": None, "resident_district": "048078", "address1": "", "address2": "",
        "city": "", "state": "MO", "zip": "", "resides_in_missouri": 1, "gender": "",
        "home_language": "", "iep": 0, "section_504": 0, "mshsaa_activities": 0,
        "english_learner": 0, "active_virtual_courses": 0}
    assert [r.local_number for r in StudentRepo(store).search("ortiz").rows] == ["300002"]


def test_a_failure_while_writing_leaves_the_database_as_it_was(store, tmp_path, monkeypatch):
    run_import(store, ROSTER / "powerschool-bom.csv", STUDENTS, skip_invalid=True)
    before = dump(store)
    path = write_csv(tmp_path / "more.csv", synthetic_rows(12000))
    real_write = STUDENTS.write

    writes = []

    def write_then_fail(store_, plan, cancelled):
        real_write(store_, plan, cancelled)
        writes.append(plan.added)
        if len(writes) == 2:  # a chunk written before, and this one
            assert store_.query("SELECT count(*) AS n FROM students")[0]["n"] > sum(writes)
            raise OSError("disk went away")

    monkeypatch.setattr(STUDENTS, "write", write_then_fail)
    with pytest.raises(OSError):
        run_import(store, path, STUDENTS)
    assert dump(store) == before


def test_new_students_not_given_the_ids_that_follow_the_largest_are_refused(store, tmp_path):
    """New students get the ids that follow the largest on record, and their guardians and
    search-index rows are written with those ids: when SQLite cannot give them (the largest
    possible id is taken, and it picks others at random), the import says so and writes nothing."""
    run_import(store, write_csv(tmp_path / "first.csv", [["300001", "", "Park", "Jae", "", "5", ""]]), STUDENTS)
    with store.transaction() as db:
        db.execute("UPDATE students SET id = 9223372036854775807 WHERE local_number = '300001'")
    before = dump(store)
    with pytest.raises(StoreError, match="not the 2 expected; nothing was imported"):
        run_import(store, write_csv(tmp_path / "more.csv", synthetic_rows(2)), STUDENTS)
    assert dump(store) == before


def test_cancel_while_writing_leaves_the_database_as_it_was(store, tmp_path):
    before = dump(store)
    path = write_csv(tmp_path / "more.csv", synthetic_rows(12000))
    phases = []

    def progress(phase, done, total):
        phases.append(phase)

    with pytest.raises(ImportCancelled):
        run_import(store, path, STUDENTS, progress=progress,
                   cancelled=lambda: "Importing" in phases)
    assert "Importing" in phases
    assert dump(store) == before


def test_enrollment_history_imports_with_district_codes_normalised(store):
    run_import(store, ROSTER / "powerschool-bom.csv", STUDENTS, skip_invalid=True)
    kind = KINDS["enrollments"]
    report = run_import(store, ROSTER / "enrollments.csv", kind)
    assert [(p.row, p.column) for p in report.problems] == [
        (4, "District Code"), (6, "Exit Date"), (7, "Student Number")]
    assert not report.written
    report = run_import(store, ROSTER / "enrollments.csv", kind, skip_invalid=True)
    assert report.added == 3
    rows = store.query("SELECT district_code, school_kind, full_time, entry, exit FROM enrollments "
                       "ORDER BY entry")
    assert rows[0] == {"district_code": "048078", "school_kind": "public", "full_time": 1,
                       "entry": "2016-08-15", "exit": "2021-05-20"}
    assert rows[1]["school_kind"] == "private" and rows[1]["full_time"] == 0
    assert rows[2]["district_code"] == "099901" and rows[2]["exit"] is None
    again = run_import(store, ROSTER / "enrollments.csv", kind, skip_invalid=True)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_a_saved_mapping_reads_a_file_with_unusual_headers(store, tmp_path):
    path = write_csv(tmp_path / "odd.csv", [["77", "Young", "Avery", "2012-01-01", "3"]],
                     header=["Pupil Ref", "Family", "Given", "Born On", "Yr"])
    with pytest.raises(ImportRefused):
        import_roster_file(store, path)
    ImportMappingRepo(store).save("students", "District SIS", {
        "local_number": "Pupil Ref", "last_name": "Family", "first_name": "Given",
        "birth_date": "Born On", "grade": "Yr"})
    report = import_roster_file(store, path, mapping_name="District SIS")
    assert report.written and student(store, "77")["first_name"] == "Avery"
    with pytest.raises(ImportRefused, match="saved students mappings: District SIS"):
        import_roster_file(store, path, mapping_name="PowerSchool")


def test_the_engine_takes_a_new_kind_from_a_field_spec_alone(store, tmp_path):
    """The course catalog will be one more kind: fields plus plan/write, nothing else."""
    written = []

    class Courses(ImportKind):
        key, label, noun = "courses", "Course catalog", "courses"
        fields = (Field("code", "Course ID", True, ("Course ID Code", "Course Code")),
                  Field("title", "Course name", True, ("Course Name", "Title")),
                  Field("provider", "Provider", True, ("Provider",)))

        def plan(self, store_, records, mapped, columns):
            return Plan(added=len(records), work=[r.values for r in records])

        def write(self, store_, plan, cancelled):
            written.extend(plan.work)

    path = write_csv(tmp_path / "catalog.csv", [["ENG9A", "English 9 A", "Mizzou Academy"],
                                                ["", "Algebra I A", "Launch"]],
                     header=["Provider", "Course Name", "Course ID Code"][::-1])
    report = run_import(store, path, Courses(), skip_invalid=True)
    assert written == [{"code": "ENG9A", "title": "English 9 A", "provider": "Mizzou Academy"}]
    assert [(p.row, p.column) for p in report.problems] == [(3, "Course ID Code")]


def test_no_student_names_or_ids_reach_the_log_at_info(store, caplog):
    with caplog.at_level(logging.DEBUG):
        run_import(store, ROSTER / "powerschool-bom.csv", STUDENTS, skip_invalid=True)
        StudentRepo(store).search("nguy")
    text = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    for secret in ("Nguyễn", "Thảo", "Peña", "100201", "1234567890", "423456789"):
        assert secret not in text


def test_after_an_import_the_first_search_has_nothing_left_to_index(store):
    run_import(store, ROSTER / "powerschool-bom.csv", STUDENTS, skip_invalid=True)
    repo = StudentRepo(store)
    assert not repo.refresh_needed()
    assert store.setting("students.search_index") == "2"
    assert repo.refresh_index() == 0


@pytest.mark.parametrize("source", ["powerschool-bom.csv", "oneroster-1.2"])
def test_the_index_an_import_writes_is_the_one_a_rebuild_makes(store, source):
    """New students are indexed from the entries made where the rows were read; a rebuild
    indexes them from the database: the same rows."""
    run_import(store, ROSTER / source, STUDENTS, skip_invalid=True)
    tokens = "SELECT token, sort_key, student_id FROM student_tokens ORDER BY 1, 2, 3"
    written = store.conn.execute(tokens).fetchall()
    assert len(written) > 2 * store.conn.execute("SELECT count(*) FROM students").fetchone()[0]
    StudentRepo(store).rebuild_index()
    assert store.conn.execute(tokens).fetchall() == written


# --- a big file read in a second process --------------------------------------------------------

def _rows_but_when(store) -> dict[str, list]:
    """`dump` without the time each row was written."""
    return {t: sorted((tuple(v for k, v in r.items() if k != "updated_at")
                       for r in store.query(f"SELECT * FROM {t}")), key=repr)
            for t in ("students", "guardians", "enrollments", "buildings", "student_tokens")}


def _report_facts(report):
    return (report.format, report.rows_read, report.added, report.updated, report.unchanged,
            report.written, [(p.row, p.column, p.reason, p.file) for p in report.problems],
            [(p.row, p.column, p.reason) for p in report.warnings], report.skipped, report.notes)


def _imported_here(tmp_path, path, **options):
    """The report and rows of `path` imported in this process, into a database of its own."""
    from mocap_desktop.store import open_store

    here = open_store(tmp_path / "here.sqlite")
    try:
        return run_import(here, path, STUDENTS, **options), _rows_but_when(here)
    finally:
        here.close()


@pytest.mark.parametrize("source", ["csv", "oneroster-1.2", "oneroster-1.1-bulk"])
def test_a_big_file_read_in_a_second_process_imports_as_one_read_here(store, tmp_path, monkeypatch, source):
    """Past READER_PROCESS_BYTES the file is read and checked by a reader process while this one
    plans and writes: the same report, problems, skipped rows and database."""
    import multiprocessing
    from multiprocessing import context as mp_context

    if source == "csv":
        rows = synthetic_rows(12000)
        rows[5][4] = "31/31/2011"  # a bad birth date
        rows[9000][5] = "PK"  # skipped, counted
        rows[11000][0] = ""  # a required cell missing
        path = write_csv(tmp_path / "big.csv", rows)
    else:  # a set: its roles.csv read by this process while the reader reads the rest
        path = ROSTER / source
    expected, expected_rows = _imported_here(tmp_path, path, skip_invalid=True)
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 0)
    readers = []
    start = mp_context.SpawnProcess.start
    monkeypatch.setattr(mp_context.SpawnProcess, "start", lambda self: readers.append(self.name) or start(self))

    report = run_import(store, path, STUDENTS, skip_invalid=True)
    assert readers == ["mocap-import-reader"], "the file was not read in a second process"
    assert _report_facts(report) == _report_facts(expected)
    assert _rows_but_when(store) == expected_rows
    assert not multiprocessing.active_children()
    if source == "csv":
        assert report.problems and report.skipped and report.added == 11997


def test_what_a_reader_process_refuses_or_finds_invalid_is_reported_and_nothing_is_written(store, tmp_path, monkeypatch):
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 0)
    before = dump(store)
    no_grade = write_csv(tmp_path / "no-grade.csv", [r[:5] + r[6:] for r in synthetic_rows(50)],
                         header=HEADER[:5] + HEADER[6:])
    with pytest.raises(ImportRefused) as refused:
        run_import(store, no_grade, STUDENTS)
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 10**12)
    with pytest.raises(ImportRefused) as refused_here:
        run_import(store, no_grade, STUDENTS)
    assert str(refused.value) == str(refused_here.value) and "Grade" in str(refused.value)
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 0)
    rows = synthetic_rows(8000)
    rows[7000][4] = "2/30/2012"
    report = run_import(store, write_csv(tmp_path / "one-bad.csv", rows), STUDENTS)
    assert not report.written and [(p.row, p.column) for p in report.problems] == [(7002, "Birthdate")]
    with pytest.raises(ImportRefused, match="missing.csv"):
        run_import(store, tmp_path / "missing.csv", STUDENTS)
    # a set whose roles.csv this process cannot read: the reader reads it, and refuses as here
    no_roles = tmp_path / "no-roles"
    shutil.copytree(ROSTER / "oneroster-1.2", no_roles)
    (no_roles / "roles.csv").unlink()
    with pytest.raises(ImportRefused, match=r"roles.csv is missing \(manifest.csv says it is bulk\)"):
        run_import(store, no_roles, STUDENTS)
    assert dump(store) == before


def test_cancel_while_a_reader_process_reads_leaves_the_database_as_it_was(store, tmp_path, monkeypatch):
    import multiprocessing

    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 0)
    before = dump(store)
    path = write_csv(tmp_path / "more.csv", synthetic_rows(30000))
    seen = []
    with pytest.raises(ImportCancelled):
        run_import(store, path, STUDENTS, progress=lambda phase, done, total: seen.append(done),
                   cancelled=lambda: bool(seen))
    assert seen and seen[0] < 30000
    assert dump(store) == before
    assert not multiprocessing.active_children()


def test_a_reader_started_before_the_import_is_given_the_mapping_when_it_begins(store, tmp_path, monkeypatch):
    """The CLI starts the reader before it signs in: the file is read meanwhile, and the mapping
    (which needs the database) follows. Same report and rows as a file read here."""
    import multiprocessing

    rows = synthetic_rows(6000)
    rows[10][4] = "2/30/2012"
    path = write_csv(tmp_path / "ahead.csv", rows, header=["Local ID", *HEADER[1:]])
    mapping = {"local_number": "Local ID", "mosis_id": None}  # "State ID" not in this file
    expected, expected_rows = _imported_here(tmp_path, path, mapping=mapping, skip_invalid=True)
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 0)
    with import_reader.start_reader(path, STUDENTS) as reader:
        report = run_import(store, path, STUDENTS, mapping=mapping, skip_invalid=True, reader=reader)
    assert _report_facts(report) == _report_facts(expected)
    assert report.added == 5999 and not store.query("SELECT 1 FROM students WHERE mosis_id IS NOT NULL")
    assert _rows_but_when(store) == expected_rows
    assert not multiprocessing.active_children()


def test_a_reader_reads_ahead_with_the_headers_columns_until_the_mapping_comes(tmp_path):
    """Before the mapping comes (the CLI signs in meanwhile), chunks are made with the columns
    the headers give, and stop as it comes; the rest follows from where they stopped."""
    rows = synthetic_rows(12000)
    rows[3][4] = "31/31/2011"  # a problem in the first chunk
    table = read_table(write_csv(tmp_path / "ahead.csv", rows))
    told = iter([False, False, True])
    guess, ahead, rest = import_reader._read_ahead(STUDENTS, table, lambda: next(told))
    assert guess == importing._resolved(STUDENTS, table, None)
    first = STUDENTS.chunk // 5  # the first chunk is a fifth the size; row 5 is read, not kept
    assert [m[1] for m in ahead] == [first + 1, first + STUDENTS.chunk + 1]

    def unpacked(messages):  # the bytes may differ (marshal refers to objects seen twice)
        return [(*m[:2], import_reader._unpacked(m[2]), *m[3:]) for m in messages]

    everything = unpacked(import_reader._chunk_messages(STUDENTS, table, guess))
    assert unpacked([*ahead, *rest]) == everything
    assert [p.row for m in everything for p in m[3]] == [5]
    # headers without a column for a required field: nothing read ahead (the mapping may give one)
    table = read_table(write_csv(tmp_path / "other.csv", rows, header=[*HEADER[:2], "Column C", *HEADER[3:]]))
    assert import_reader._read_ahead(STUDENTS, table, lambda: False) is None


@pytest.mark.parametrize("mapping", [None, {"mosis_id": None}], ids=["the headers' columns", "other columns"])
def test_what_a_reader_read_ahead_is_used_only_for_the_columns_it_was_read_with(
        store, tmp_path, monkeypatch, mapping):
    """A reader given time to read ahead before the import begins: the import is the same as
    one that read the file here, with the mapping the headers give or with another."""
    import time

    rows = synthetic_rows(9000)
    rows[10][4] = "2/30/2012"
    path = write_csv(tmp_path / "ahead.csv", rows)
    expected, expected_rows = _imported_here(tmp_path, path, mapping=mapping, skip_invalid=True)
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 0)
    with import_reader.start_reader(path, STUDENTS) as reader:
        time.sleep(2)  # started, read the file and read ahead
        report = run_import(store, path, STUDENTS, mapping=mapping, skip_invalid=True, reader=reader)
    assert _report_facts(report) == _report_facts(expected) and report.added == 8999
    assert _rows_but_when(store) == expected_rows
    with_mosis = store.conn.execute("SELECT count(*) FROM students WHERE mosis_id IS NOT NULL").fetchone()[0]
    assert (with_mosis == 0) == bool(mapping)


@pytest.mark.parametrize("alone", [True, False], ids=["its only connection", "another one open"])
def test_a_long_file_is_written_through_the_rollback_journal_when_the_import_is_alone(
        store, tmp_path, monkeypatch, alone):
    """From BULK_ROWS rows, the import writes through the rollback journal if no other connection
    has the file open (`Store.bulk_write`), and through the write-ahead log if one has (the
    app's windows); the same rows either way, and the log back on afterwards."""
    from mocap_desktop.services import roster_students
    from mocap_desktop.store import open_store

    path = write_csv(tmp_path / "long.csv", synthetic_rows(300))
    expected, expected_rows = _imported_here(tmp_path, path)
    modes = []
    write = roster_students._write
    monkeypatch.setattr(roster_students, "_write", lambda s, *a: modes.append(s.journal_mode) or write(s, *a))
    monkeypatch.setattr(importing, "BULK_ROWS", 300)
    other = None if alone else open_store(store.path)
    try:
        report = run_import(store, path, STUDENTS)
    finally:
        if other is not None:
            other.close()
    assert set(modes) == {"delete" if alone else "wal"} and store.journal_mode == "wal"
    assert _report_facts(report) == _report_facts(expected) and _rows_but_when(store) == expected_rows
    monkeypatch.setattr(importing, "BULK_ROWS", 301)  # a shorter file: the log, as always
    modes.clear()
    assert run_import(store, write_csv(tmp_path / "short.csv", synthetic_rows(600)[300:]), STUDENTS).added == 300
    assert modes and set(modes) == {"wal"}


def test_a_reader_starts_before_the_import_engine_loads_and_is_told_the_kind_after(store, tmp_path, monkeypatch):
    """The CLI starts a big file's reader first: its module loads without the engine or the
    database (60 ms of modules the reader process loads at the same time), and the kind of
    file follows. The same import as one whose reader knew the kind from the start."""
    import subprocess
    import sys

    loaded = subprocess.run([sys.executable, "-c", "import sys, mocap_desktop.services.import_reader; "
                             "print(' '.join(m for m in sys.modules if m.startswith('mocap_desktop')))"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert "mocap_desktop.services.importing" not in loaded and "mocap_desktop.store" not in loaded
    path = write_csv(tmp_path / "later.csv", synthetic_rows(4000))
    expected, expected_rows = _imported_here(tmp_path, path)
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 0)
    with import_reader.start_reader(path) as reader:
        reader.read_as(STUDENTS)
        report = run_import(store, path, STUDENTS, reader=reader)
    assert _report_facts(report) == _report_facts(expected) and report.added == 4000
    assert _rows_but_when(store) == expected_rows


def test_a_reader_whose_import_never_begins_stops_quietly(tmp_path, monkeypatch):
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 0)
    reader = import_reader.start_reader(write_csv(tmp_path / "big.csv", synthetic_rows(3000)), STUDENTS)
    reader._conn.close()  # as when the command's sign-in fails and it exits
    reader._process.join(30)
    assert reader._process.exitcode == 0
    reader.close()


def test_a_reader_refuses_at_the_import_as_the_import_would(store, tmp_path, monkeypatch):
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 0)
    missing = tmp_path / "gone.csv"
    with import_reader.start_reader(missing, STUDENTS) as reader:
        with pytest.raises(ImportRefused, match="gone.csv"):
            run_import(store, missing, STUDENTS, reader=reader)
    path = write_csv(tmp_path / "one.csv", synthetic_rows(10))
    with import_reader.start_reader(path, STUDENTS) as reader, pytest.raises(ValueError, match="other.csv"):
        run_import(store, tmp_path / "other.csv", STUDENTS, reader=reader)
    monkeypatch.setattr(import_reader, "READER_PROCESS_BYTES", 10**9)
    assert import_reader.start_reader(path, STUDENTS) is None  # small: read by the import itself


def test_rows_by_id_are_read_by_ranges_and_only_the_ids_asked_for(store, tmp_path):
    """`_rows_of`: consecutive ids in one range read, ids far apart in ranges of their own, and
    never a row whose id was not asked for."""
    from mocap_desktop.services import roster_students

    run_import(store, write_csv(tmp_path / "r.csv", synthetic_rows(400)), STUDENTS)
    conn = store.conn
    ids = [r[0] for r in conn.execute("SELECT id FROM students ORDER BY id")]
    reads = []
    conn.set_trace_callback(lambda sql: reads.append(sql) if "BETWEEN" in sql else None)
    try:
        asked = ids[10:100] + ids[390:] + [ids[200], ids[200]] + ids[300:320:3]
        rows = roster_students._rows_of(conn, "SELECT id, local_number FROM students", "id", asked)
    finally:
        conn.set_trace_callback(None)
    assert sorted(r[0] for r in rows) == sorted(set(asked))
    expected = dict(conn.execute("SELECT id, local_number FROM students"))
    assert all(expected[i] == local for i, local in rows)
    assert len(reads) == 4  # 10-99, 200, 300-318 (every third), 390-399: more than RUN_GAP apart
    assert roster_students._rows_of(conn, "SELECT id FROM students", "id", []) == []


class Level(enum.StrEnum):  # a text of a subclass, as a field could give
    HIGH = "high"


def test_chunks_from_a_reader_process_arrive_as_they_were_made():
    """A reader's chunk travels as marshal's bytes when its values are plain (whatever fields
    each record has), and pickled when they are not (a date, a text of a subclass): either way
    the importing process gets the same records, each value of the same type."""
    plain = [Record(2, {"a": "x", "b": 3, "c": ("k", ("t1", "t2")), "d": None, "e": True}),
             Record(3, {"a": "y", "b": 4, "c": (), "d": "z", "e": False}),
             Record(5, {"b": 5, "a": "w"})]
    others = ([Record(2, {"a": date(2020, 1, 31)})], [Record(2, {"a": "x"}), Record(3, {"b": Level.HIGH})])
    assert import_reader._packed(plain)[:1] == b"M"
    back = import_reader._unpacked(import_reader._packed(plain))
    assert back == plain and [list(r.values) for r in back] == [list(r.values) for r in plain]
    assert import_reader._unpacked(import_reader._packed([])) == []
    for records in others:
        packed = import_reader._packed(records)
        assert packed[:1] == b"P"
        back = import_reader._unpacked(packed)
        assert back == records
        assert [type(v) for r in back for v in r.values.values()] == \
            [type(v) for r in records for v in r.values.values()]
