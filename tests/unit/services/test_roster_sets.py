"""Roster sets (OneRoster 1.1 and 1.2, School Data Sync) and the other shapes SIS and roster
vendors publish, through the one import engine: real files, a real database.

Every person in these files is invented.
"""

from __future__ import annotations

import csv
import shutil
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from mocap_desktop.services.importing import ImportRefused, read_table, run_import
from mocap_desktop.services.roster import KINDS

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from review_seed import TODAY, small_district, submit  # noqa: E402

ROSTER = Path(__file__).resolve().parents[2] / "data" / "roster"
STUDENTS = KINDS["students"]


def zipped(folder: Path, dest: Path, inside: str = "") -> Path:
    with zipfile.ZipFile(dest, "w") as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f"{inside}{f.name}")
    return dest


def student(store, local: str) -> dict:
    rows = store.query("SELECT s.*, b.name AS building_name FROM students s "
                       "LEFT JOIN buildings b ON b.code = s.building_code WHERE local_number = ?", (local,))
    return rows[0] if rows else {}


def guardians(store, local: str) -> list[tuple]:
    return [tuple(r.values()) for r in store.query(
        "SELECT g.name, g.relationship, g.phone, g.email, g.receives_letters FROM guardians g "
        "JOIN students s ON s.id = g.student_id WHERE s.local_number = ? ORDER BY g.id", (local,))]


@pytest.mark.parametrize("how", ["folder", "zip", "zip with a folder inside", "users.csv", "manifest.csv"])
def test_oneroster_1_1_bulk_imports_students_only_from_a_zip_a_folder_or_one_of_its_files(store, tmp_path, how):
    folder = ROSTER / "oneroster-1.1-bulk"
    path = {"folder": folder, "zip": None, "zip with a folder inside": None,
            "users.csv": folder / "users.csv", "manifest.csv": folder / "manifest.csv"}[how]
    if path is None:
        path = zipped(folder, tmp_path / "export.zip", "export/" if "inside" in how else "")
    report = run_import(store, path, STUDENTS)
    assert report.written and not report.problems
    assert report.format == "OneRoster 1.1, bulk (UTF-8)"
    assert (report.rows_read, report.added) == (4, 3)  # the teacher and parents are no rows
    assert report.skipped == {("pre-kindergarten and ungraded", "PK"): 1}
    assert "1 pre-kindergarten and ungraded row skipped (PK 1)" in report.notes
    assert "1 student without a MOSIS ID in this file: enter it before a request goes to a provider." in report.notes
    riley = student(store, "100201")  # the local number from userIds {SIS:…}
    assert (riley["mosis_id"], riley["first_name"], riley["last_name"], riley["middle_name"]) == (
        "1234567890", "Riley", "Young", "Ann")
    assert (riley["birth_date"], riley["gender"], riley["grade"]) == ("2010-04-02", "female", "10")
    assert (riley["building_code"], riley["building_name"]) == ("1050", "Maple Valley High School")
    assert guardians(store, "100201") == [
        ("Dana Young", "Parent", "573-555-0101", "dana.young@example.org", 1),
        ("Casey Young", "Guardian", "573-555-0102", "", 0)]
    jose = student(store, "100202")
    assert jose["mosis_id"] is None and jose["grade"] == "7"
    assert (jose["building_code"], jose["building_name"]) == ("4020", "Maple Valley Middle School")  # 10-digit identifier
    assert guardians(store, "100202") == [("María Peña", "Relative", "816-555-0103", "maria.pena@example.org", 1)]
    assert student(store, "100203")["grade"] == "K" and student(store, "100204") == {}
    assert student(store, "T900") == {}


def test_the_same_set_again_changes_nothing_and_says_the_same(store):
    first = run_import(store, ROSTER / "oneroster-1.1-bulk", STUDENTS)
    again = run_import(store, ROSTER / "oneroster-1.1-bulk", STUDENTS)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert again.skipped == first.skipped and again.skipped_line() == first.skipped_line()


def test_a_delta_updates_adds_and_withdraws_but_never_a_student_with_requests(store, tmp_path):
    run_import(store, ROSTER / "oneroster-1.1-bulk", STUDENTS)
    before = student(store, "100201")
    report = run_import(store, ROSTER / "oneroster-1.1-delta", STUDENTS)
    assert report.format == "OneRoster 1.1, delta (UTF-8)"
    assert (report.added, report.updated, report.removed) == (1, 1, 1) and not report.problems
    assert "withdrawn 1" in report.summary()
    riley = student(store, "100201")
    assert riley["last_name"] == "Young-Ortiz"
    # orgs.csv and demographics.csv are absent in the delta: school and birth date stay.
    assert (riley["building_code"], riley["birth_date"]) == (before["building_code"], before["birth_date"])
    assert len(guardians(store, "100201")) == 2  # no guardians in the delta: kept
    assert student(store, "100203") == {}
    avery = student(store, "100205")
    assert avery["birth_date"] is None and avery["grade"] == "9"
    assert "1 new student without a birth date: the eligibility check asks for it." in report.notes
    trail = store.query("SELECT action FROM audit_log WHERE action = 'student_withdrawn'")
    assert len(trail) == 1

    # A student with a request stays, whatever the delta says.
    ids = small_district(store)
    submit(store, ids["zoe"], TODAY)
    zoe = store.query("SELECT local_number FROM students WHERE id = ?", (ids["zoe"],))[0]["local_number"]
    kim = store.query("SELECT local_number FROM students WHERE id = ?", (ids["middle"],))[0]["local_number"]
    folder = tmp_path / "delta"
    shutil.copytree(ROSTER / "oneroster-1.1-delta", folder)
    header = (folder / "users.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "users.csv").write_text("\n".join([
        header,
        f'z,tobedeleted,2026-12-02,true,,student,z,"{{SIS:{zoe}}}",Zoë,Nguyễn-Peña,,,,,,,10,',
        f'k,tobedeleted,2026-12-02,true,,student,k,"{{SIS:{kim}}}",Ji-woo,Kim,,,,,,,7,']) + "\n",
                                      encoding="utf-8")
    report = run_import(store, folder, STUDENTS)
    assert report.removed == 1
    assert "1 withdrawn student has requests or letters on record and stays on the roster." in report.notes
    assert student(store, zoe) and student(store, kim) == {}


def test_oneroster_1_2_roles_relationships_demographics_and_preferred_names(store):
    report = run_import(store, ROSTER / "oneroster-1.2", STUDENTS)
    assert report.format == "OneRoster 1.2, bulk (UTF-8)" and report.written and not report.problems
    assert (report.added, report.skipped) == (3, {("pre-kindergarten and ungraded", "PK4"): 1})
    sam = student(store, "300101")
    assert (sam["mosis_id"], sam["first_name"], sam["preferred_name"]) == ("2345678901", "Samuel", "Sam")
    assert (sam["birth_date"], sam["gender"], sam["building_code"]) == ("2009-05-06", "male", "1050")
    assert guardians(store, "300101") == [("Rosa Ortiz", "Parent", "573-555-0201", "rosa.ortiz@example.org", 1)]
    assert guardians(store, "300104") == guardians(store, "300101")  # one parent, two children
    an = student(store, "300102")
    assert (an["last_name"], an["middle_name"], an["grade"], an["building_name"]) == (
        "Nguyễn", "Thi", "5", "Maple Valley Elementary")
    assert guardians(store, "300102") == [("Minh Nguyễn", "Guardian", "816-555-0202", "minh@example.org", 1)]
    assert student(store, "T301") == {}


def test_the_local_number_and_mosis_id_come_from_the_column_the_user_picks(store):
    table = read_table(ROSTER / "oneroster-1.2")
    assert {"identifier", "username", "sourcedId", "userIds: MOSIS", "userIds: SIS"} <= set(table.headers)
    report = run_import(store, ROSTER / "oneroster-1.2", STUDENTS,
                        mapping={"local_number": "username", "mosis_id": None})
    assert report.added == 3
    assert student(store, "sam.ortiz")["mosis_id"] is None
    assert "3 students without a MOSIS ID in this file" in " ".join(report.notes)


def test_a_set_without_demographics_imports_with_the_birth_date_unknown(store, tmp_path):
    folder = tmp_path / "set"
    shutil.copytree(ROSTER / "oneroster-1.2", folder)
    (folder / "demographics.csv").unlink()
    manifest = (folder / "manifest.csv").read_text(encoding="utf-8")
    (folder / "manifest.csv").write_text(manifest.replace("file.demographics,bulk", "file.demographics,absent"),
                                         encoding="utf-8")
    report = run_import(store, folder, STUDENTS)
    assert report.written and report.added == 3 and not report.problems
    assert student(store, "300101")["birth_date"] is None
    assert any("no demographics.csv" in n for n in report.notes)


def test_school_data_sync_v2_1(store):
    report = run_import(store, ROSTER / "sds-v2.1", STUDENTS)
    assert report.format == "School Data Sync (OneRoster-like), bulk (UTF-8)"
    assert (report.added, report.skipped) == (1, {("pre-kindergarten and ungraded", "UG"): 1})
    quinn = student(store, "100401")  # username is an e-mail, too long for a local number
    assert (quinn["grade"], quinn["birth_date"], quinn["gender"]) == ("12", "2008-10-02", "female")
    assert guardians(store, "100401") == [("Pat Adams", "Guardian", "573-555-0401", "pat.adams@example.org", 1)]


def test_sds_classic_state_id_of_state_letters_is_not_the_mosis_id(store):
    report = run_import(store, ROSTER / "sds-classic-Student.csv", STUDENTS)
    assert report.written and report.added == 3 and not report.problems
    harper = student(store, "100501")
    assert (harper["mosis_id"], harper["building_code"], harper["birth_date"]) == (None, "1050", "2009-07-19")
    assert "3 students without a MOSIS ID in this file" in " ".join(report.notes)


def test_clever_students_csv(store):
    report = run_import(store, ROSTER / "clever-students.csv", STUDENTS)
    assert report.written and report.added == 3 and not report.problems
    morgan = student(store, "100601")
    assert (morgan["mosis_id"], morgan["birth_date"], morgan["address1"], morgan["zip"]) == (
        "3456789001", "2010-04-12", "12 Oak St", "65201")
    assert morgan["building_code"] is None  # Clever's School_id is no school code
    assert student(store, "100602")["birth_date"] == "2012-09-05"  # YYYYMMDD
    assert (student(store, "100602")["iep"], student(store, "100602")["english_learner"]) == (1, 1)
    assert student(store, "100603")["grade"] == "K"
    assert guardians(store, "100601") == [("Jamie Gray", "Mother", "573-555-0601", "jamie.gray@example.org", 1)]


def test_powerschool_district_export_skips_pre_k_and_ungraded_rows_with_a_count_by_grade(store):
    report = run_import(store, ROSTER / "powerschool-with-pk.csv", STUDENTS)
    assert report.written and report.added == 3 and not report.problems
    assert report.skipped_line() == "5 pre-kindergarten and ungraded rows skipped (-1 1, -2 1, 13 1, PK4 1, UG 1)"
    assert "pre-kindergarten and ungraded rows skipped 5" in report.summary()
    assert student(store, "100703")["grade"] == "K" and student(store, "100703")["birth_date"] == "2020-08-10"
    again = run_import(store, ROSTER / "powerschool-with-pk.csv", STUDENTS)
    assert again.unchanged == 3 and again.skipped_line() == report.skipped_line()


def test_a_row_problem_in_a_set_names_the_file_the_row_and_the_column(store, tmp_path):
    folder = tmp_path / "set"
    shutil.copytree(ROSTER / "oneroster-1.1-bulk", folder)
    users = (folder / "users.csv").read_text(encoding="utf-8").replace("Riley,Young,Ann,1234567890",
                                                                       "Riley,Young,Ann,123456789")
    (folder / "users.csv").write_text(users, encoding="utf-8")
    report = run_import(store, folder, STUDENTS)
    assert not report.written
    assert [str(p) for p in report.problems] == [
        'users.csv row 2, column "identifier": MOSIS ID 123456789 has 9 digits; it must have exactly '
        "10 (check that the export kept leading zeros)"]


def test_sets_that_cannot_be_read_are_refused_naming_the_file(store, tmp_path):
    folder = tmp_path / "set"
    shutil.copytree(ROSTER / "oneroster-1.1-bulk", folder)
    (folder / "demographics.csv").unlink()
    with pytest.raises(ImportRefused, match=r"demographics.csv is missing \(manifest.csv says it is bulk\)"):
        run_import(store, folder, STUDENTS)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("notes.txt", "hello")
    with pytest.raises(ImportRefused, match="not a OneRoster or School Data Sync zip.*notes.txt"):
        read_table(other)
    (tmp_path / "broken.zip").write_bytes(b"PK not really")
    with pytest.raises(ImportRefused, match="broken.zip cannot be opened as a zip file"):
        read_table(tmp_path / "broken.zip")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportRefused, match="a folder without manifest.csv"):
        read_table(empty)


def test_a_students_school_and_grade_come_from_the_primary_role_else_the_first_that_gives_one(tmp_path):
    """roles.csv: the last primary role's org and grade (roleType "primary" or isPrimary true),
    else the first role giving one; teachers' and guardians' roles are no students'. The same
    across the chunks the file is read in (the filler puts the later roles past 5,000 rows)."""
    from mocap_desktop.services import roster_sets

    first = [("u1", "student", "s-2", "secondary", "", "06"),
             ("u2", "student", "", "secondary", "", ""),
             ("u3", "student", "s-1", "primary", "", "07"),
             ("u4", "student", "s-1", "", "TRUE", "08"),
             ("t1", "teacher", "s-9", "primary", "", "")]
    filler = [(f"f{i}", "student", "s-5", "primary", "", "05") for i in range(6000)]
    later = [("u1", "student", "s-1", "Primary", "", "07"),
             ("u2", "student", "s-3", "secondary", "", "09"),
             ("u2", "student", "s-4", "secondary", "", "10"),
             ("u3", "student", "s-2", "primary", "", ""),
             ("u4", "student", "s-3", "secondary", "false", "11"),
             ("g1", "guardian", "s-1", "", "", "")]
    folder = tmp_path / "set"
    shutil.copytree(ROSTER / "oneroster-1.2", folder)
    lines = ["userSourcedId,role,orgSourcedId,roleType,isPrimary,grades",
             *(",".join(r) for r in first + filler + later)]
    (folder / "roles.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    roles = roster_sets.side_tables(folder)
    assert {k: roles["role_org"].get(k) for k in ("u1", "u2", "u3", "u4", "t1", "g1")} == {
        "u1": "s-1", "u2": "s-3", "u3": "s-2", "u4": "s-1", "t1": None, "g1": None}
    assert {k: roles["role_grade"].get(k) for k in ("u1", "u2", "u3", "u4")} == {
        "u1": "07", "u2": "09", "u3": "07", "u4": "08"}
    assert roles["student_ids"] == {"u1", "u2", "u3", "u4", *(f"f{i}" for i in range(6000))}
    assert roles["role_org"]["f5999"] == "s-5" and roles["sds"]  # isPrimary: as SDS writes roles


def test_the_userids_types_of_students_become_columns_in_the_order_first_found(tmp_path):
    """A column per type of `userIds` a student's row has, in the order the file first gives
    them (spaces stripped); a guardian's types and a cell's stray braces make none, nor does a
    type split between two rows' cells."""
    folder = tmp_path / "set"
    shutil.copytree(ROSTER / "oneroster-1.2", folder)
    users = (folder / "users.csv").read_text(encoding="utf-8").splitlines()
    header = users[0].split(",")
    at = header.index("userIds")
    cells = {"u-101": "{ SIS :300101}", "u-102": "{MOSIS:2345678902},{Campus ID: 7}{broken",
             "u-103": "Badge:9}"}
    out = [users[0]]
    for line in users[1:]:
        row = next(csv.reader([line]))
        row[at] = cells.get(row[0], "{Guardian Portal:1}" if row[0].startswith("g") else "")
        out.append(",".join(f'"{c}"' for c in row))
    (folder / "users.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    table = read_table(folder)
    assert [h for h in table.headers if h.startswith("userIds: ")] == [
        "userIds: SIS", "userIds: MOSIS", "userIds: Campus ID"]
    first = dict(zip(table.headers, next(iter(table.rows()))[1]))
    assert first["userIds: SIS"] == "300101" and first["userIds: MOSIS"] == ""


@pytest.mark.parametrize("name", ["oneroster-1.1-bulk", "oneroster-1.2", "sds-v2.1"])
@pytest.mark.parametrize("what", ["students", "enrollments"])
def test_a_set_read_with_its_side_tables_read_elsewhere_is_the_same_table(name, what):
    """`read_set(side=…)`: `roles.csv` read by another process (the importing one, while its
    reader reads the rest) gives the same table; and it is its tables that are used."""
    from mocap_desktop.services import roster_sets

    path = ROSTER / name

    def table(side=None):
        t = roster_sets.read_set(path, what, side)
        return t.headers, t.format, t.notes, t.contents, list(t.rows())

    alone = table()
    asked = []
    assert table(lambda: asked.append(1) or roster_sets.side_tables(path)) == alone
    assert asked == [1]
    assert table(lambda: None) == alone  # not read elsewhere after all: read here
    if name != "oneroster-1.1-bulk":  # 1.1 has no roles.csv: users.csv says who is a student
        nobody = {"student_ids": set(), "role_org": {}, "role_grade": {}, "sds": False}
        assert alone[4] and table(lambda: nobody)[4] == []


def test_a_failed_set_import_leaves_the_database_as_it_was(store, tmp_path):
    run_import(store, ROSTER / "oneroster-1.1-bulk", STUDENTS)
    before = store.query("SELECT * FROM students ORDER BY id")
    folder = tmp_path / "set"
    shutil.copytree(ROSTER / "oneroster-1.2", folder)
    users = (folder / "users.csv").read_text(encoding="utf-8").replace(",05,", ",5th grade,")
    (folder / "users.csv").write_text(users, encoding="utf-8")
    report = run_import(store, folder, STUDENTS)
    assert not report.written and [p.column for p in report.problems] == ["grades"]
    assert store.query("SELECT * FROM students ORDER BY id") == before
    assert date.fromisoformat(before[0]["birth_date"])  # a real date, not a timestamp


def test_a_birth_date_that_cannot_fit_the_grade_is_a_warning_on_its_row(store, tmp_path):
    from mocap_desktop.services.roster import age_for_grade

    year = date.today().year if date.today().month >= 7 else date.today().year - 1
    path = tmp_path / "ages.csv"
    path.write_text("Student Number,Last Name,First Name,Birthdate,Grade\n"
                    f"1,Young,Avery,{year - 1}-03-01,6\n"
                    f"2,Young,Blake,{year - 11}-03-01,6\n"
                    f"3,Young,Casey,{year - 30}-03-01,K\n", encoding="utf-8")
    report = run_import(store, path, STUDENTS)
    assert report.written and report.added == 3 and not report.problems
    assert [(w.row, w.column) for w in report.warnings] == [(2, "Birthdate"), (4, "Birthdate")]
    assert str(report.warnings[0]).startswith(f'warning: row 2, column "Birthdate": born 3/1/{year - 1}, '
                                             f"the student is 1 on September 1, {year}: too young for grade 6")
    assert "too old for kindergarten" in report.warnings[1].reason
    assert age_for_grade(f"{year - 11}-03-01", "6", date.today()) == ""


@pytest.mark.parametrize("text, iso", [("20120905", "2012-09-05"), ("2012-09-05", "2012-09-05"),
                                       ("2012-09-05T00:00:00.000Z", "2012-09-05"), ("9/5/2012", "2012-09-05")])
def test_birth_dates_in_yyyymmdd_iso_and_us_forms(text, iso):
    from mocap_desktop.services.importing import ParseContext
    from mocap_desktop.services.roster import parse_birth_date

    assert parse_birth_date(text, ParseContext()) == iso


def test_guesses_read_the_values_a_timestamp_column_is_no_birth_date(store, tmp_path):
    from mocap_desktop.services.importing import guess_mapping

    headers = ["Student Number", "State ID", "Last Name", "First Name", "Birthdate", "DOB", "Grade"]
    rows = [["1", "WA", "Young", "Avery", "2023-10-02T14:22:05.000Z", "20120905", "8"],
            ["2", "WA", "Young", "Blake", "2023-10-03T09:01:44.000Z", "20130105", "7"]]
    guessed = guess_mapping(STUDENTS.fields, headers, rows)
    assert guessed["birth_date"] == "DOB" and "mosis_id" not in guessed
    assert guess_mapping(STUDENTS.fields, headers)["birth_date"] == "Birthdate"  # the header alone
    path = tmp_path / "stamps.csv"
    path.write_text(",".join(headers) + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    report = run_import(store, path, STUDENTS)
    assert report.written and not report.problems
    assert [r["birth_date"] for r in store.query("SELECT birth_date FROM students ORDER BY id")] == [
        "2012-09-05", "2013-01-05"]


def enrollments(store, local: str) -> list[tuple]:
    return [tuple(r.values()) for r in store.query(
        "SELECT e.district_code, e.school_name, e.entry, e.exit FROM enrollments e "
        "JOIN students s ON s.id = e.student_id WHERE s.local_number = ? ORDER BY e.entry", (local,))]


ENROLLMENTS = KINDS["enrollments"]


def test_enrollment_history_from_a_oneroster_set(store):
    run_import(store, ROSTER / "oneroster-1.1-bulk", STUDENTS)
    report = run_import(store, ROSTER / "oneroster-1.1-bulk", ENROLLMENTS)
    assert report.format == "OneRoster enrollments (UTF-8)"
    assert report.written and report.added == 3 and not report.problems
    # the class's dates, or its term's from academicSessions.csv; the district from orgs.csv
    assert enrollments(store, "100201") == [("048078", "Maple Valley High School", "2026-08-13", "2026-12-18")]
    assert enrollments(store, "100202") == [("048078", "Maple Valley Middle School", "2026-08-13", "2027-05-21")]
    again = run_import(store, ROSTER / "oneroster-1.1-bulk", ENROLLMENTS)
    assert (again.added, again.unchanged) == (0, 3)

    run_import(store, ROSTER / "oneroster-1.2", STUDENTS)
    report = run_import(store, ROSTER / "oneroster-1.2", ENROLLMENTS)
    assert report.added == 2 and not report.problems  # the pre-kindergarten student is left out
    assert enrollments(store, "300101") == [("048078", "Maple Valley High School", "2026-08-13", "2027-05-21")]
    assert enrollments(store, "300102") == [("048078", "Maple Valley Elementary", "2026-08-13", "2027-05-21")]


def test_enrollment_history_from_roles_when_there_is_no_enrollments_file(store):
    from review_seed import seed_district

    seed_district(store)  # the district profile's code stands in for a district org
    run_import(store, ROSTER / "sds-v2.1", STUDENTS)
    report = run_import(store, ROSTER / "sds-v2.1", ENROLLMENTS)
    assert report.added == 1 and not report.problems
    assert enrollments(store, "100401") == [("099901", "Maple Valley High School", "2026-08-13", None)]


def test_an_sis_enrollment_export_without_a_district_column_uses_the_district_profile(store, tmp_path):
    from review_seed import seed_district

    seed_district(store)
    run_import(store, ROSTER / "powerschool-with-pk.csv", STUDENTS)
    path = tmp_path / "enroll.csv"
    path.write_text("Student_Number,SchoolID,BeginDate,EndDate\n"
                    "100704,3010,20260812,\n"
                    "100705,1050,8/12/2026,12/18/2026\n"
                    "100705,9999,8/13/2025,5/21/2026\n", encoding="utf-8")
    report = run_import(store, path, ENROLLMENTS)
    assert report.written and report.added == 3 and not report.problems, report.problems
    assert enrollments(store, "100704") == [("099901", "School 3010", "2026-08-12", None)]
    assert enrollments(store, "100705") == [("099901", "School 9999", "2025-08-13", "2026-05-21"),
                                            ("099901", "School 1050", "2026-08-12", "2026-12-18")]


def test_an_enrollment_export_without_any_district_code_names_the_problem(store, tmp_path):
    run_import(store, ROSTER / "powerschool-with-pk.csv", STUDENTS)
    path = tmp_path / "enroll.csv"
    path.write_text("Student_Number,EntryDate\n100704,2026-08-12\n", encoding="utf-8")
    report = run_import(store, path, ENROLLMENTS)
    assert not report.written
    assert [str(p) for p in report.problems] == [
        "row 2: no county-district code: map its column, or enter the district's code in the "
        "district profile"]
