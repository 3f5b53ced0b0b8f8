"""Every CSV and Excel export keeps hostile text as text: a student whose name begins with `=`, `+`,
`-`, `@`, a tab or a carriage return goes out in no file as a formula."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mocap_desktop.services import audit_report as ar
from mocap_desktop.services import review
from mocap_desktop.services.export import csv_cell, is_formula_like
from mocap_desktop.services.session import sign_in
from mocap_desktop.store import audit

HOSTILE = ('=HYPERLINK("http://x.example","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1")


@pytest.fixture
def admin(demo_data_dir):
    session = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    yield session
    session.close(sign_out=False)


@pytest.fixture
def counselor(demo_data_dir):
    session = sign_in(demo_data_dir, "counselor", "demo-counselor", demo=True)
    yield session
    session.close(sign_out=False)


def rename(store) -> list[int]:
    """Students with requests renamed to hostile names; returns their ids."""
    ids = [r["student_id"] for r in store.query(
        f"SELECT DISTINCT student_id FROM requests ORDER BY student_id LIMIT {len(HOSTILE)}")]
    with store.transaction() as db:
        for sid, name in zip(ids, HOSTILE, strict=True):
            db.execute("UPDATE students SET last_name = ?, first_name = ?, middle_name = '' WHERE id = ?", (name, name, sid))
            audit.record(db, "counselor", "counselor", "student_opened", student_id=sid)
    return ids


def csv_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def assert_csv_safe(cells: list[str]) -> None:
    assert not [c for c in cells if is_formula_like(c)]
    for name in HOSTILE:  # each name is there, as text behind an apostrophe
        assert any(c.startswith("'" + name) or ("'" + name) in c for c in cells), name


def test_the_rule():
    assert [csv_cell(v) for v in ("=1", "+1", "-1", "@a", "\ta", "\ra", "a=1", None, -3, 2.5)] == [
        "'=1", "'+1", "'-1", "'@a", "'\ta", "'\ra", "a=1", "", -3, 2.5]


def test_the_queue_export_keeps_hostile_names_as_text(counselor, tmp_path):
    admin = counselor
    hostile = rename(admin.store)
    rows = [r for r in review.queue(admin.store, review.QueueFilter(status="all")).rows if r.student_id in hostile]
    assert {r.student_id for r in rows} == set(hostile)
    review.export_queue(admin.store, rows, tmp_path / "queue.csv")
    assert_csv_safe(csv_cells(tmp_path / "queue.csv"))

    review.export_queue(admin.store, rows, tmp_path / "queue.xlsx")
    sheet = load_workbook(tmp_path / "queue.xlsx").active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    students = {c.value for c in cells if c.column == 2}
    # the text itself, unchanged (XML reads a carriage return back as a line feed)
    assert students == {f"{n}, {n}".replace("\r", "\n") for n in HOSTILE}
    assert all(c.quotePrefix for c in cells if c.column == 2)
    assert all(c.data_type == "n" for c in cells if c.column == 10 and c.value is not None)  # numbers stay numbers


def test_the_audit_export_and_the_disclosure_record_keep_hostile_names_as_text(admin, tmp_path):
    hostile = rename(admin.store)
    ar.export_audit_csv(admin.store, tmp_path / "audit.csv", action="student_opened")
    assert_csv_safe(csv_cells(tmp_path / "audit.csv"))

    for sid, name in zip(hostile, HOSTILE, strict=True):
        ar.save_disclosure_report(admin.store, sid, tmp_path / f"disclosures-{sid}.csv")
        cells = csv_cells(tmp_path / f"disclosures-{sid}.csv")
        assert not [c for c in cells if is_formula_like(c)]
        assert f"'{name} {name}" in cells
