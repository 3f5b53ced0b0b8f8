"""The state's combined MOCAP course list through the import engine: CSV and .xlsx, suffixes,
program codes, bad rows named by row number, all or nothing, re-import."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from mocap_desktop.cli import main
from mocap_desktop.services.catalog import check_course, import_catalog, parse_grades, split_suffix
from mocap_desktop.services.importing import FieldError, ImportRefused
from mocap_desktop.store.catalog import CatalogRepo, CourseInput

HEADER = "Provider Name,Course Name,Course ID Code,Subject,Grade Level,Credits,Price\n"
ROWS = [
    "Edmentum,Algebra I A,EDM-ALG1A,Mathematics,9-12,0.5,$370.00",
    "Edmentum,Algebra I B,EDM-ALG1B,Mathematics,9-12,0.5,$370.00",
    "Edmentum,Physics FY,EDM-PHYSFY,Science,11-12,1,740",
    "SchoolsPLP,Mathematics 6 A,PLP-M6A,Mathematics,,,",
    "Greenways Academy,AP Calculus AB,GA-APCALC,Mathematics,11th-12th,1,",
]


def write_csv(tmp_path, rows, name="combined-course-list.csv", header=HEADER):
    path = tmp_path / name
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def courses(store):
    return {c.code: c for c in CatalogRepo(store).search("", limit=500, active_only=False)}


def test_csv_import_reads_semester_and_full_year_suffixes(store, tmp_path):
    report = import_catalog(store, write_csv(tmp_path, ROWS))
    assert (report.rows_read, report.added, report.rejected, report.written) == (5, 5, 0, True)
    c = courses(store)
    assert (c["EDM-ALG1A"].segment, c["EDM-ALG1A"].length) == ("A", "semester")
    assert (c["EDM-ALG1B"].segment, c["EDM-ALG1B"].length) == ("B", "semester")
    assert (c["EDM-PHYSFY"].segment, c["EDM-PHYSFY"].length, c["EDM-PHYSFY"].credits) == ("FY", "year", 1.0)
    assert (c["EDM-ALG1A"].grade_low, c["EDM-ALG1A"].grade_high, c["EDM-ALG1A"].price) == ("9", "12", 370.0)
    # No grade column value: "Mathematics 6" is grade 6; no credits: a semester is 0.5.
    assert (c["PLP-M6A"].grade_low, c["PLP-M6A"].grade_high, c["PLP-M6A"].credits) == ("6", "6", 0.5)
    # "AP Calculus AB" is a title, not an A or B semester.
    assert c["GA-APCALC"].segment == "" and c["GA-APCALC"].grade_low == "11"
    assert {p.name for p in CatalogRepo(store).providers()} == {"Edmentum", "SchoolsPLP", "Greenways Academy"}
    assert all(x.program_code == "50" for x in c.values())
    assert any("no program code column" in n for n in report.notes)


def test_a_bad_row_is_named_by_its_row_number_and_nothing_is_written(store, tmp_path):
    rows = ROWS[:2] + ["Edmentum,Health,EDM-HLTH,Health,9-12,-0.5,300",
                       "Edmentum,Chemistry A,EDM-CHEMA,Science,13,0.5,"] + ROWS[2:]
    report = import_catalog(store, write_csv(tmp_path, rows))
    assert not report.written and CatalogRepo(store).count() == 0
    messages = [str(p) for p in report.problems]
    assert messages[0] == 'row 4, column "Credits": credits cannot be negative (-0.5)'
    assert messages[1].startswith('row 5, column "Grade Level": grade "13" is not K–12')
    assert report.rejected_rows == [4, 5]

    kept = import_catalog(store, write_csv(tmp_path, rows), skip_invalid=True)
    assert kept.written and kept.added == 5 and CatalogRepo(store).count() == 5


def test_dry_run_reports_and_writes_nothing(store, tmp_path):
    report = import_catalog(store, write_csv(tmp_path, ROWS), dry_run=True)
    assert report.added == 5 and not report.written and CatalogRepo(store).count() == 0
    assert report.summary().startswith("dry run, nothing written")


def test_reimport_changes_nothing_and_a_new_price_updates_in_place(store, tmp_path):
    import_catalog(store, write_csv(tmp_path, ROWS))
    again = import_catalog(store, write_csv(tmp_path, ROWS))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    changed = [ROWS[0].replace("$370.00", "$395.00")] + ROWS[1:]
    report = import_catalog(store, write_csv(tmp_path, changed))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 4)
    assert courses(store)["EDM-ALG1A"].price == 395.0


def test_a_hand_corrected_value_survives_a_list_without_that_column(store, tmp_path):
    import_catalog(store, write_csv(tmp_path, ROWS))
    repo = CatalogRepo(store)
    alg = courses(store)["EDM-ALG1A"]
    repo.save_course(CourseInput(alg.provider_name, alg.code, alg.title, credits=1.0, length="semester",
                                 segment="A", subject="Mathematics", grade_low="9", grade_high="12",
                                 price=370.0), alg.id)
    slim = write_csv(tmp_path, ["Edmentum,Algebra I A,EDM-ALG1A"], name="slim.csv",
                     header="Provider,Course Name,Course ID Code\n")
    report = import_catalog(store, slim)
    assert report.unchanged == 1 and courses(store)["EDM-ALG1A"].credits == 1.0


def test_repeated_rows_are_skipped_and_conflicting_ones_named(store, tmp_path):
    rows = ROWS[:1] + ROWS[:1] + ["Edmentum,Algebra I A,EDM-ALG1A,Mathematics,9-12,0.5,$999.00"]
    report = import_catalog(store, write_csv(tmp_path, rows))
    assert report.duplicates == 1
    assert [str(p) for p in report.problems] == [
        'row 4, column "Course ID Code": Edmentum course EDM-ALG1A is already on row 2 with different values']


def test_a_suffix_that_contradicts_the_length_column_is_a_problem(store, tmp_path):
    path = write_csv(tmp_path, ["Launch,Physics FY,L-PHYS,Semester", "Launch,Biology A,L-BIOA,Year"],
                     header="Provider,Course Name,Course ID,Length\n")
    report = import_catalog(store, path)
    assert [p.row for p in report.problems] == [2, 3]
    assert "ends in FY" in report.problems[0].reason and "ends in A" in report.problems[1].reason


def test_xlsx_with_program_codes_numbers_and_a_bad_row(store, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Provider", "Course Name", "Course ID", "Grades", "Credits", "Program Code", "Delivery System"])
    sheet.append(["Mizzou Academy", "English 9 A", "00412", "9", 0.5, 50, "V"])
    sheet.append(["Mizzou Academy", "English 9 B", "00413", "9", 0.5, 52, "S"])
    sheet.append(["Mizzou Academy", "Personal Finance FY", 1234, "10-12", 1, "52", "V"])
    sheet.append(["Mizzou Academy", "Art History", "00999", "K-5", "one", 50, "X"])
    path = tmp_path / "mocap-combined.xlsx"
    book.save(path)
    report = import_catalog(store, path, skip_invalid=True)
    assert report.added == 3 and report.rejected_rows == [5]
    assert {p.column for p in report.problems} == {"Credits", "Delivery System"}
    c = courses(store)
    assert c["00412"].program_code == "50" and (c["00413"].program_code, c["00413"].delivery) == ("52", "S")
    assert (c["1234"].segment, c["1234"].length, c["1234"].credits) == ("FY", "year", 1.0)
    assert c["00412"].segment == "A" and c["00413"].segment == "B"


def test_program_from_option_or_file_name(store, tmp_path):
    import_catalog(store, write_csv(tmp_path, ROWS[:1], name="MOCAP curriculum only list.csv"))
    assert courses(store)["EDM-ALG1A"].program_code == "52"
    report = import_catalog(store, write_csv(tmp_path, ROWS[:1], name="list.csv"), program_code="50")
    assert report.updated == 1 and courses(store)["EDM-ALG1A"].program_code == "50"


def test_a_file_without_the_required_columns_is_refused(store, tmp_path):
    path = write_csv(tmp_path, ["Edmentum,Algebra I A"], header="Provider,Course Name\n")
    with pytest.raises(ImportRefused, match='"Course ID code"'):
        import_catalog(store, path)


@pytest.mark.parametrize("title, expected", [
    ("Algebra I A", ("Algebra I", "A")), ("Algebra I B", ("Algebra I", "B")),
    ("Physics FY", ("Physics", "FY")), ("Physics (FY)", ("Physics", "FY")),
    ("English 9 - Semester 2", ("English 9", "B")), ("Spanish I S1", ("Spanish I", "A")),
    ("AP Calculus AB", ("AP Calculus AB", "")), ("Physics 2", ("Physics 2", "")),
    ("Health", ("Health", "")),
])
def test_split_suffix(title, expected):
    assert split_suffix(title) == expected


@pytest.mark.parametrize("text, expected", [
    ("9-12", ("9", "12")), ("K–5", ("K", "5")), ("10", ("10", "10")), ("", ("", "")),
    ("Grades 6-8", ("6", "8")), ("09-12", ("9", "12")), ("KG", ("K", "K")), ("All", ("", "")),
])
def test_parse_grades(text, expected):
    assert parse_grades(text) == expected


@pytest.mark.parametrize("text", ["13", "PK-2", "12-9", "9-10-11"])
def test_parse_grades_refuses(text):
    with pytest.raises(FieldError):
        parse_grades(text)


def test_check_course_names_each_problem_by_field():
    bad = CourseInput(provider_name="", code="", title="", credits=-1, length="year", segment="A",
                      grade_low="13", price=-5, program_code="51", delivery="Q")
    fields = {p.field for p in check_course(bad)}
    assert fields == {"provider", "code", "title", "credits", "segment", "grades", "price", "program_code",
                      "delivery"}
    good = CourseInput("Launch", "L-1", "Geometry A", 0.5, "semester", "A", grade_low="9", grade_high="11")
    assert check_course(good) == []


def test_cli_catalog_import(tmp_path, capsys, office):
    path = write_csv(tmp_path, ROWS + ["Edmentum,Health,EDM-HLTH,Health,9-12,-1,"])
    data = str(office.data_dir.root)
    assert main(["catalog", "import", str(path), "--dry-run", "--data-dir", data]) == 1
    out = capsys.readouterr()
    assert "dry run, nothing written" in out.out and 'row 7, column "Credits"' in out.err
    assert main(["catalog", "import", str(path), "--skip-invalid", "--program", "52", "--data-dir", data]) == 0
    assert "courses added 5" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        main(["catalog", "import", str(tmp_path / "missing.csv"), "--data-dir", data])
    assert stop.value.code == 2


def test_cli_catalog_import_with_a_saved_mapping(tmp_path, capsys, office):
    from mocap_desktop.store.import_mappings import ImportMappingRepo

    path = tmp_path / "vendor-list.csv"
    path.write_text("Vendor Org,Class,Number,Cost\n"
                    "Edmentum,Algebra I A,EDM-ALG1A,$370.00\n"
                    "Launch,Geometry FY,L-GEOFY,$740.00\n", encoding="utf-8")
    data = str(office.data_dir.root)
    with pytest.raises(SystemExit) as stop:  # "Vendor Org", "Class", "Number": nothing guessed
        main(["catalog", "import", str(path), "--data-dir", data])
    assert stop.value.code == 2
    assert 'no column for "Provider", "Course name", "Course ID code"' in capsys.readouterr().err
    ImportMappingRepo(office.store).save("catalog", "Vendor list", {
        "provider": "Vendor Org", "title": "Class", "code": "Number", "price": None})
    assert main(["catalog", "import", str(path), "--mapping", "Vendor list", "--data-dir", data]) == 0
    assert "courses added 2" in capsys.readouterr().out
    c = courses(office.store)
    assert c["EDM-ALG1A"].price is None and c["L-GEOFY"].length == "year"  # Cost was unmapped
    with pytest.raises(SystemExit) as stop:
        main(["catalog", "import", str(path), "--mapping", "Nope", "--data-dir", data])
    assert stop.value.code == 2
    assert 'no saved mapping is called "Nope"; saved catalog mappings: Vendor list.' in capsys.readouterr().err


def test_an_sis_course_list_is_named_as_such(store, tmp_path):
    path = write_csv(tmp_path, ["ENG101,English 9,1,9", "MTH220,Geometry,1,10"], name="courses.csv",
                     header="Course Number,Course Name,Credit,Grade\n")
    with pytest.raises(ImportRefused) as err:
        import_catalog(store, path)
    text = str(err.value)
    assert text.startswith('courses.csv has no column for "Provider", which the course catalog import needs')
    assert "looks like a course list from a student information system" in text
    assert "Combined Course List" in text and CatalogRepo(store).count() == 0


def test_the_combined_course_list_columns_and_program_kept_per_list(store, tmp_path):
    header = "MOCAP Approved Provider,Course Name,Course ID Code,Subject Area,Grade Levels,Semester Cost,Program Type\n"
    path = write_csv(tmp_path, ["Edmentum,Biology A,EDM-BIOA,Science,9-12,$370.00,With instruction",
                                "Edmentum,Biology B,EDM-BIOB,Science,9-12,$370.00,Curriculum only"],
                     name="list.csv", header=header)
    report = import_catalog(store, path)
    assert report.written and report.added == 2 and not report.problems
    c = courses(store)
    assert (c["EDM-BIOA"].program_code, c["EDM-BIOB"].program_code) == ("50", "52")
    assert (c["EDM-BIOA"].price, c["EDM-BIOA"].subject, c["EDM-BIOA"].grade_low) == (370.0, "Science", "9")
