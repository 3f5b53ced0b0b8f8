"""`mocap-desktop letters …` end to end: files written, exit codes, messages on stderr. The
commands run signed in as a counselor (whole letters are theirs; the administrator may not make
or read them)."""

from __future__ import annotations

import sys
from pathlib import Path

import pypdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from letters_seed import seed_request, seed_student  # noqa: E402

from mocap_desktop.cli import main  # noqa: E402


COUNSELOR = ("dana", "Dana Whitfield", "counselor-password")


@pytest.fixture
def seeded(data_dir, office, monkeypatch):
    from mocap_desktop.services.session import add_person

    add_person(office, COUNSELOR[0], COUNSELOR[1], "counselor", COUNSELOR[2])
    monkeypatch.setenv("MOCAP_USER", COUNSELOR[0])
    monkeypatch.setenv("MOCAP_PASSWORD", COUNSELOR[2])
    store = office.store
    sid, gid = seed_student(store, language="es")
    ids = {"received": seed_request(store, sid, gid, language="es"),
           "denied": seed_request(store, sid, gid, status="denied", outcomes=("denied", "denied"), language="es",
                                  decision={"reasons": ["ACADEMIC_READINESS"]}),
           "undecided": seed_request(store, sid, gid, status="in_review")}
    sid2, gid2 = seed_student(store, "Ana", "Baker", guardian="Kim Baker", zip="65001")
    ids["other"] = seed_request(store, sid2, gid2)
    return data_dir, ids


def run(*argv) -> int:
    try:
        return main(list(argv))
    except SystemExit as exit:
        return exit.code


def test_render_writes_the_letter_in_the_familys_language(seeded, tmp_path, capsys):
    data_dir, ids = seeded
    out = tmp_path / "denied.pdf"
    assert run("letters", "render", "--data-dir", str(data_dir.root), "--request", str(ids["denied"]),
               "--kind", "denied", "-o", str(out)) == 0
    text = " ".join(pypdf.PdfReader(out).pages[0].extract_text().split())
    assert "Negada: cursos virtuales de MOCAP para Zoë Nguyễn-Peña" in text
    assert "written to" in capsys.readouterr().out


def test_render_refuses_a_request_without_a_decision(seeded, tmp_path, capsys):
    data_dir, ids = seeded
    code = run("letters", "render", "--data-dir", str(data_dir.root), "--request", str(ids["undecided"]),
               "--kind", "denied", "-o", str(tmp_path / "x.pdf"))
    assert code == 1
    assert f"request {ids['undecided']} has no recorded decision" in capsys.readouterr().err.lower()
    assert not (tmp_path / "x.pdf").exists()


def test_an_unwritable_output_is_exit_2(seeded, tmp_path, capsys):
    data_dir, ids = seeded
    code = run("letters", "render", "--data-dir", str(data_dir.root), "--request", str(ids["received"]),
               "--kind", "received", "-o", str(tmp_path / "missing" / "x.pdf"))
    assert code == 2
    assert "Cannot write" in capsys.readouterr().err


def test_queue_then_batch_pending_in_zip_order(seeded, tmp_path, capsys):
    data_dir, ids = seeded
    for key in ("received", "other"):
        assert run("letters", "queue", "--data-dir", str(data_dir.root), "--request", str(ids[key]),
                   "--kind", "received") == 0
    out = tmp_path / "batch.pdf"
    assert run("letters", "batch", "--data-dir", str(data_dir.root), "--pending", "-o", str(out)) == 0
    pages = pypdf.PdfReader(out).pages
    assert "Kim Baker" in pages[0].extract_text()  # ZIP 65001 before 65999
    assert "2 letters" in capsys.readouterr().out
    assert run("letters", "batch", "--data-dir", str(data_dir.root), "--pending", "-o", str(out)) == 1


def test_annual_notice(seeded, tmp_path, capsys):
    data_dir, _ = seeded
    out = tmp_path / "annual.pdf"
    assert run("letters", "annual-notice", "--data-dir", str(data_dir.root), "-o", str(out)) == 0
    said = capsys.readouterr().out
    assert "2 letters (1 in English, 1 in Spanish)" in said
    assert len(pypdf.PdfReader(out).pages) >= 2
    assert run("letters", "annual-notice", "--data-dir", str(data_dir.root), "--since", "nope",
               "-o", str(out)) == 2


def test_the_administrator_may_not_make_or_read_whole_letters(seeded, tmp_path, capsys, monkeypatch):
    from conftest import OFFICE_ADMIN

    data_dir, ids = seeded
    monkeypatch.setenv("MOCAP_USER", OFFICE_ADMIN[0])
    monkeypatch.setenv("MOCAP_PASSWORD", OFFICE_ADMIN[2])
    out = tmp_path / "denied.pdf"
    assert run("letters", "render", "--data-dir", str(data_dir.root), "--request", str(ids["denied"]),
               "--kind", "denied", "-o", str(out)) == 4
    assert "Administrator accounts cannot do this" in capsys.readouterr().err and not out.exists()
