"""`import-roster` and `students search` as IT runs them: real processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mocap_desktop.paths import DataDir
from mocap_desktop.services.session import set_up

ROSTER = Path(__file__).resolve().parents[1] / "data" / "roster"


@pytest.fixture(autouse=True)
def office_in_tmp_path(tmp_path, monkeypatch):
    """Each test's folder holds an office database set up as `init` does; commands sign in."""
    from conftest import OFFICE_ADMIN

    login, name, password = OFFICE_ADMIN
    set_up(DataDir(tmp_path), login, name, password)[0].close(sign_out=False)
    monkeypatch.setenv("MOCAP_USER", login)
    monkeypatch.setenv("MOCAP_PASSWORD", password)


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "mocap_desktop", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_invalid_rows_write_nothing_list_every_row_and_exit_1(tmp_path):
    result = cli("import-roster", str(ROSTER / "powerschool-bom.csv"), "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        'row 9, column "State_StudentNumber": MOSIS ID 423456789 has 9 digits; it must have exactly '
        "10 (check that the export kept leading zeros)",
        "note: 1 student without a MOSIS ID in this file: enter it before a request goes to a provider."]
    assert result.stdout.splitlines() == [
        "nothing written (1 invalid row): rows read 7 · students added 0 · updated 0 · unchanged 0 "
        "· rows rejected 1 · repeated rows skipped 1"]
    search = cli("students", "search", "nguy", "--json", "--data-dir", str(tmp_path))
    assert json.loads(search.stdout) == []


def test_skip_invalid_imports_and_reimport_changes_nothing(tmp_path):
    args = ("import-roster", str(ROSTER / "powerschool-bom.csv"), "--skip-invalid",
            "--data-dir", str(tmp_path))
    first = cli(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == (
        "rows read 7 · students added 5 · updated 0 · unchanged 0 · rows rejected 1 · "
        "repeated rows skipped 1")
    again = cli(*args)
    assert again.stdout.splitlines()[-1].startswith(
        "rows read 7 · students added 0 · updated 0 · unchanged 5 · rows rejected 1")


def test_dry_run_reports_and_writes_nothing(tmp_path):
    result = cli("import-roster", str(ROSTER / "infinite-campus-cp1252.csv"), "--dry-run",
                 "--data-dir", str(tmp_path))
    assert result.returncode == 0
    assert result.stdout.strip() == ("dry run, nothing written: rows read 3 · students to add 3 · "
                                     "to update 0 · unchanged 0 · rows rejected 0")
    search = cli("students", "search", "zoe", "--json", "--data-dir", str(tmp_path))
    assert json.loads(search.stdout) == []


def test_a_file_that_cannot_be_imported_exits_2(tmp_path):
    missing = cli("import-roster", str(ROSTER / "missing-grade.csv"), "--data-dir", str(tmp_path))
    assert missing.returncode == 2
    assert 'no column for "Grade"' in missing.stderr
    nofile = cli("import-roster", str(tmp_path / "nope.csv"), "--data-dir", str(tmp_path))
    assert nofile.returncode == 2 and "does not exist" in nofile.stderr
    mapping = cli("import-roster", str(ROSTER / "powerschool-bom.csv"), "--mapping", "PowerSchool",
                  "--data-dir", str(tmp_path))
    assert mapping.returncode == 2 and 'no saved mapping is called "PowerSchool"' in mapping.stderr


def test_enrollments_kind_and_headless_search(tmp_path):
    cli("import-roster", str(ROSTER / "powerschool-bom.csv"), "--skip-invalid", "--data-dir", str(tmp_path))
    enr = cli("import-roster", str(ROSTER / "enrollments.csv"), "--kind", "enrollments",
              "--skip-invalid", "--data-dir", str(tmp_path))
    assert enr.returncode == 0
    assert enr.stdout.splitlines()[-1] == (
        "rows read 6 · enrollments added 3 · updated 0 · unchanged 0 · rows rejected 3")
    found = cli("students", "search", "pena jose", "--limit", "5", "--json", "--data-dir", str(tmp_path))
    assert found.returncode == 0
    rows = json.loads(found.stdout)
    assert [(r["last_name"], r["first_name"], r["local_number"], r["grade"]) for r in rows] == [
        ("Peña", "José", "100202", "10")]
    assert set(rows[0]) == {"id", "last_name", "first_name", "preferred_name", "grade", "building",
                            "local_number", "mosis_id"}
    limited = cli("students", "search", "", "--limit", "2", "--json", "--data-dir", str(tmp_path))
    assert len(json.loads(limited.stdout)) == 2
    text = cli("students", "search", "lukasz", "--data-dir", str(tmp_path))
    assert "Łukaszewicz, Łukasz" in text.stdout
    none = cli("students", "search", "zzzz", "--data-dir", str(tmp_path))
    assert none.returncode == 0 and "No student matches 'zzzz'" in none.stderr
    log = (tmp_path / "logs" / "mocap.log").read_text(encoding="utf-8")
    assert "Peña" not in log and "100202" not in log


def test_oneroster_zip_then_delta_folder_through_the_cli(tmp_path):
    import zipfile

    export = tmp_path / "oneroster.zip"
    with zipfile.ZipFile(export, "w") as z:
        for f in sorted((ROSTER / "oneroster-1.2").iterdir()):
            z.write(f, f.name)
    first = cli("import-roster", str(export), "--data-dir", str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "rows read 4 · students added 3 · updated 0 · unchanged 0 · rows rejected 0 · "
        "pre-kindergarten and ungraded rows skipped 1"]
    assert "note: 1 pre-kindergarten and ungraded row skipped (PK4 1)" in first.stderr.splitlines()
    found = cli("students", "search", "nguyen", "--json", "--data-dir", str(tmp_path))
    assert [(r["local_number"], r["mosis_id"], r["grade"]) for r in json.loads(found.stdout)] == [
        ("300102", "2345678902", "5")]

    bulk = cli("import-roster", str(ROSTER / "oneroster-1.1-bulk" / "users.csv"), "--dry-run",
               "--data-dir", str(tmp_path))
    assert bulk.returncode == 0 and bulk.stdout.startswith("dry run, nothing written: rows read 4")
    delta = cli("import-roster", str(ROSTER / "oneroster-1.1-bulk"), "--data-dir", str(tmp_path))
    assert delta.returncode == 0
    delta = cli("import-roster", str(ROSTER / "oneroster-1.1-delta"), "--data-dir", str(tmp_path))
    assert delta.returncode == 0, delta.stderr
    assert delta.stdout.strip() == ("rows read 3 · students added 1 · updated 1 · unchanged 0 · "
                                    "withdrawn 1 · rows rejected 0")
    assert "note: 1 new student without a birth date: the eligibility check asks for it." in delta.stderr
    gone = cli("students", "search", "nowak", "--json", "--data-dir", str(tmp_path))
    assert json.loads(gone.stdout) == []
    log = (tmp_path / "logs" / "mocap.log").read_text(encoding="utf-8")
    assert "Nguyễn" not in log and "300102" not in log and "Nowak" not in log


def test_a_set_that_cannot_be_read_exits_2_naming_the_file(tmp_path):
    (tmp_path / "export.zip").write_bytes(b"not a zip")
    result = cli("import-roster", str(tmp_path / "export.zip"), "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "export.zip cannot be opened as a zip file" in result.stderr


def test_a_big_file_read_while_the_command_signs_in(tmp_path, monkeypatch):
    """A file big enough for a reader process starts being read before the sign-in: a wrong
    password still ends the command with the sign-in's message alone, and nothing written."""
    from conftest import OFFICE_ADMIN

    rows = [f"{300000 + i},,Last{i % 97},First{i % 89},{i % 12 + 1}/{i % 28 + 1}/2012,{i % 12 + 1},4000,"
            + "left in the export " * 6 for i in range(30000)]
    big = tmp_path / "big.csv"
    big.write_text("Student Number,State ID,Last Name,First Name,Birthdate,Grade,School Code,Comment\n"
                   + "\n".join(rows) + "\n", encoding="utf-8")
    assert big.stat().st_size > 4 * 2**20  # import_reader.READER_PROCESS_BYTES
    monkeypatch.setenv("MOCAP_PASSWORD", OFFICE_ADMIN[2] + " but wrong")
    refused = cli("import-roster", str(big), "--data-dir", str(tmp_path))
    assert refused.returncode == 4
    assert len(refused.stderr.splitlines()) == 1 and "MOCAP_PASSWORD" in refused.stderr
    monkeypatch.setenv("MOCAP_PASSWORD", OFFICE_ADMIN[2])
    imported = cli("import-roster", str(big), "--data-dir", str(tmp_path))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines()[-1].startswith("rows read 30,000 · students added 30,000 ")


def test_an_import_killed_while_it_writes_leaves_the_database_as_it_was(tmp_path):
    """A long file is written through the rollback journal: the command killed in the middle (a
    closed terminal, a power cut), the next open rolls the journal back. Nothing is imported,
    the file is whole, and the write-ahead log is on again."""
    import time

    from conftest import OFFICE_ADMIN

    from mocap_desktop.services.session import open_session

    rows = [f"{300000 + i},,Last{i % 97},First{i % 89},{i % 12 + 1}/{i % 28 + 1}/2012,{i % 12 + 1},4000"
            for i in range(60000)]
    big = tmp_path / "long.csv"
    big.write_text("Student Number,State ID,Last Name,First Name,Birthdate,Grade,School Code\n"
                   + "\n".join(rows) + "\n", encoding="utf-8")
    journal = DataDir(tmp_path).database(False).with_name("mocap.sqlite-journal")
    process = subprocess.Popen([sys.executable, "-m", "mocap_desktop", "import-roster", str(big),
                                "--data-dir", str(tmp_path)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not journal.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    process.kill()
    process.wait(30)
    assert journal.exists(), "the import did not write through the rollback journal"
    session = open_session(DataDir(tmp_path), False, OFFICE_ADMIN[0], OFFICE_ADMIN[2])
    try:
        conn = session.store.conn
        assert conn.execute("SELECT count(*) FROM students").fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert session.store.journal_mode == "wal"
    finally:
        session.close()
    assert not journal.exists()
    imported = cli("import-roster", str(big), "--data-dir", str(tmp_path))
    assert imported.stdout.splitlines()[-1].startswith("rows read 60,000 · students added 60,000 ")
