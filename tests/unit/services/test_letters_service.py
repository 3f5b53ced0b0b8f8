"""The letters service over a real (temporary) database: queue, keep, disclose, print, annual notice."""

from __future__ import annotations

import hashlib
import io
import os
import sys
from datetime import date
from pathlib import Path

import pypdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from letters_seed import seed_request, seed_student  # noqa: E402

from mocap_desktop.core.messages import reason_text  # noqa: E402
from mocap_desktop.services import letters as svc  # noqa: E402
from mocap_desktop.store.letters import LetterRepo  # noqa: E402


def pdf_text(path: Path | bytes, first: int = 1, count: int | None = None) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path) if isinstance(path, bytes) else path)
    pages = reader.pages[first - 1: None if count is None else first - 1 + count]
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def kept_pdf(store, file: str) -> bytes:
    [row] = store.query("SELECT pdf FROM letter_files WHERE file = ?", (file,))
    return bytes(row["pdf"])


def test_a_received_letter_is_kept_hashed_queued_and_disclosed(store):
    sid, gid = seed_student(store)
    rid = seed_request(store, sid, gid)
    letter_id = svc.queue_request_letter(store, rid, "received", actor="counselor1", today=date(2026, 1, 6))
    [row] = LetterRepo(store).pending()
    assert (row.id, row.kind, row.language, row.status) == (letter_id, "received", "en", "pending")
    assert row.reference == "MOCAP-2026-0001" and row.recipient_zip == "65999"
    assert row.file.startswith("letters/2026/01/")
    assert not (store.path.parent / row.file).exists()  # in the encrypted database, not on disk
    pdf = kept_pdf(store, row.file)
    assert hashlib.sha256(pdf).hexdigest() == row.sha256 and svc.letter_pdf(store, row) == pdf
    text = pdf_text(pdf)
    assert "Zoë Nguyễn-Peña" in text and "1234 Hickory Lane" in text and "January 20, 2026" in text
    [disclosure] = LetterRepo(store).disclosures(sid)
    assert disclosure.letter_id == letter_id and disclosure.staff == "counselor1"
    assert "Lucía Peña" in disclosure.recipient and "34 CFR 99" in disclosure.legal_basis
    assert "MOCAP-2026-0001" in disclosure.records
    events = store.query("SELECT kind, detail FROM request_events WHERE request_id = ?", (rid,))
    assert [e["kind"] for e in events] == ["letter_queued"]


def test_the_same_letter_is_not_queued_twice_but_a_new_address_makes_a_new_one(store):
    sid, gid = seed_student(store)
    rid = seed_request(store, sid, gid)
    first = svc.queue_request_letter(store, rid, "received", today=date(2026, 1, 6))
    audit = store.query("SELECT count(*) AS n FROM audit_log")[0]["n"]
    assert svc.queue_request_letter(store, rid, "received", today=date(2026, 1, 6)) == first
    assert [r.id for r in LetterRepo(store).pending()] == [first]
    assert store.query("SELECT count(*) AS n FROM audit_log")[0]["n"] == audit  # nothing disclosed again
    store.conn.execute("UPDATE guardians SET address1 = '77 Sycamore Court' WHERE id = ?", (gid,))
    store.conn.commit()
    moved = svc.queue_request_letter(store, rid, "received", today=date(2026, 1, 6))
    assert moved != first and [r.id for r in LetterRepo(store).pending()] == [first, moved]


def test_the_familys_language_picks_the_wording(store):
    sid, gid = seed_student(store, language="es")
    rid = seed_request(store, sid, gid, language="es")
    svc.queue_request_letter(store, rid, "received", today=date(2026, 1, 6))
    [row] = LetterRepo(store).pending()
    assert row.language == "es"
    text = pdf_text(kept_pdf(store, row.file))
    assert "Recibimos su solicitud" in text and "20 de enero de 2026" in text


def test_a_guardian_without_an_address_gets_no_letter_and_a_clear_message(store):
    sid, gid = seed_student(store, address1="")
    rid = seed_request(store, sid, gid)
    with pytest.raises(svc.LetterDataError) as err:
        svc.queue_request_letter(store, rid, "received")
    assert f"guardian #{gid} of student #{sid}" in str(err.value)
    assert "Lucía" not in str(err.value)
    assert LetterRepo(store).pending() == []
    assert not (store.path.parent / "letters").exists() or not any((store.path.parent / "letters").rglob("*.pdf"))
    assert store.query("SELECT count(*) AS n FROM letter_files")[0]["n"] == 0


def test_a_decision_letter_needs_a_recorded_decision(store):
    sid, gid = seed_student(store)
    rid = seed_request(store, sid, gid, status="in_review")
    with pytest.raises(svc.LetterDataError, match=f"Request {rid} has no recorded decision"):
        svc.queue_request_letter(store, rid, "denied")
    # per-course outcomes without the decision record (reasons, explanation) are not enough to deny
    rid2 = seed_request(store, sid, gid, status="denied", outcomes=("denied", "denied"))
    with pytest.raises(svc.LetterDataError, match="no recorded decision"):
        svc.queue_request_letter(store, rid2, "denied")


def test_a_denial_letter_reads_reasons_and_explanation_from_the_decision(store):
    sid, gid = seed_student(store)
    rid = seed_request(store, sid, gid, status="denied", outcomes=("denied", "denied"),
                       decision={"reasons": ["PRIOR_VIRTUAL_PERFORMANCE", "ACADEMIC_READINESS"],
                                 "explanation": "Two incomplete virtual courses last spring.", "on": "2026-01-16"})
    svc.queue_request_letter(store, rid, "denied", today=date(2026, 1, 16))
    [row] = LetterRepo(store).pending()
    text = pdf_text(kept_pdf(store, row.file))
    for code in ("PRIOR_VIRTUAL_PERFORMANCE", "ACADEMIC_READINESS"):
        assert " ".join(reason_text(code).split()) in text
    assert "Two incomplete virtual courses last spring." in text
    assert "February 15, 2026" in text  # the board deadline, 30 days after January 16
    store.set_setting(svc.BOARD_APPEAL_DAYS_KEY, "20")
    data = svc.gather_request_letter(store, rid, "denied")
    assert data.appeal_deadline == date(2026, 2, 5)


def test_the_kind_asked_for_must_match_the_decision(store):
    sid, gid = seed_student(store)
    rid = seed_request(store, sid, gid, status="partially_approved", outcomes=("approved", "denied"),
                       decision={"outcome": "partial"})
    with pytest.raises(svc.LetterDataError, match="partially_approved letter"):
        svc.gather_request_letter(store, rid, "approved")
    assert svc.gather_request_letter(store, rid, "partially_approved").kind == "partially_approved"


def test_full_time_letter_waits_for_the_input_to_be_sent(store):
    sid, gid = seed_student(store)
    rid = seed_request(store, sid, gid, pathway="full_time", status="notice_received", routing="provider")
    with pytest.raises(svc.LetterDataError, match="input has not been sent"):
        svc.gather_request_letter(store, rid, "full_time")
    rid2 = seed_request(store, sid, gid, pathway="full_time", status="input_sent", routing="provider",
                        input_sent_on="2026-01-12")
    data = svc.gather_request_letter(store, rid2, "full_time")
    assert data.request.input_sent_on == date(2026, 1, 12) and data.request.host_district == "099950"


def _three_families(store):
    ids = []
    for first, guardian, zip_code in (("Ana", "Zed Young", "65999"), ("Ben", "Amy Ávila", "65997"),
                                      ("Cy", "Bob Baker", "65997")):
        sid, gid = seed_student(store, first, "Test", guardian=guardian, zip=zip_code)
        rid = seed_request(store, sid, gid)
        ids.append(svc.queue_request_letter(store, rid, "received"))
    return ids


def test_print_selected_sorts_by_zip_then_name_and_marks_printed_only_when_asked(store, tmp_path):
    ids = _three_families(store)
    job = svc.print_letters(store, ids, tmp_path / "job.pdf")
    names = [LetterRepo(store).get(i).recipient_name for i in job.letter_ids]
    assert names == ["Amy Ávila", "Bob Baker", "Zed Young"]  # 65997 Ávila, 65997 Baker, 65999
    reader = pypdf.PdfReader(tmp_path / "job.pdf")
    assert len(reader.pages) == job.pages == 3
    assert "Amy Ávila" in reader.pages[0].extract_text() and "Zed Young" in reader.pages[2].extract_text()
    assert len(LetterRepo(store).pending()) == 3  # not printed until the print is confirmed
    assert svc.mark_printed(store, job.letter_ids, actor="frontdesk") == 3
    assert LetterRepo(store).pending() == []
    assert all(r.print_count == 1 and r.printed_at for r in LetterRepo(store).printed())


def test_a_reprint_counts_and_is_recorded(store, tmp_path):
    ids = _three_families(store)
    svc.mark_printed(store, ids[:1], actor="frontdesk")
    row = LetterRepo(store).get(ids[0])
    before = len(LetterRepo(store).disclosures(row.student_id))
    svc.print_letters(store, ids[:1], tmp_path / "again.pdf")
    svc.mark_printed(store, ids[:1], actor="frontdesk")
    assert LetterRepo(store).get(ids[0]).print_count == 2
    after = LetterRepo(store).disclosures(row.student_id)
    assert len(after) == before + 1 and after[-1].records.startswith("Reprint")


def test_a_changed_file_is_not_printed(store, tmp_path):
    ids = _three_families(store)
    row = LetterRepo(store).get(ids[1])
    with store.transaction() as db:
        db.execute("UPDATE letter_files SET pdf = ? WHERE file = ?", [b"%PDF-1.4 something else", row.file])
    with pytest.raises(svc.LetterDataError, match=f"letter {ids[1]}.*changed"):
        svc.print_letters(store, ids, tmp_path / "job.pdf")
    assert not (tmp_path / "job.pdf").exists()


def test_batch_pending_prints_everything_waiting_once(store, tmp_path):
    _three_families(store)
    job = svc.batch_pending(store, tmp_path / "all.pdf", actor="cli")
    assert len(job.letter_ids) == 3
    assert LetterRepo(store).pending() == []
    with pytest.raises(svc.LetterDataError, match="No letters are waiting"):
        svc.batch_pending(store, tmp_path / "again.pdf")


def test_render_to_a_file_keeps_a_copy_recorded_as_printed(store, tmp_path):
    sid, gid = seed_student(store)
    rid = seed_request(store, sid, gid)
    letter_id = svc.render_request_letter(store, rid, "received", tmp_path / "one.pdf", lang="es")
    assert "Recibimos su solicitud" in pdf_text(tmp_path / "one.pdf")
    row = LetterRepo(store).get(letter_id)
    assert row.status == "printed" and row.language == "es"
    assert kept_pdf(store, row.file) == (tmp_path / "one.pdf").read_bytes()  # the -o FILE asked for


def test_annual_notice_one_letter_per_family_in_its_language(store, tmp_path):
    a, _ = seed_student(store, "Ana", "Peña", guardian="Lucía Peña", language="es", zip="65998")
    b, _ = seed_student(store, "Mateo", "Peña", guardian="Lucía Peña", language="es", zip="65998")  # sibling
    c, _ = seed_student(store, "Zoë", "Nguyễn", guardian="Lan Nguyễn", language="en", zip="65997")
    d, gid_d = seed_student(store, "Sam", "Baker", guardian="Kim Baker", address1="")
    result = svc.annual_notice(store, tmp_path / "notice.pdf", actor="office", today=date(2026, 8, 3))
    assert result.letters == 2 and result.students == 3
    assert result.by_language == {"en": 1, "es": 1}
    assert result.skipped == [f"guardian #{gid_d} of student #{d}: no complete mailing address (name, street, "
                              "city, state, ZIP); no notice was made."]
    rows = store.query("SELECT * FROM letters ORDER BY first_page")
    assert [r["recipient_zip"] for r in rows] == ["65997", "65998"]  # mailing order
    spanish = rows[1]
    text = pdf_text(tmp_path / "notice.pdf", spanish["first_page"], spanish["page_count"])
    assert "Ana Peña" in text and "Mateo Peña" in text and "Junta de Educación" in text
    assert "Lan Nguyễn" not in text
    assert all(r["status"] == "printed" and r["kind"] == "annual_notice" for r in rows)
    kept = kept_pdf(store, rows[0]["file"])
    assert kept == (tmp_path / "notice.pdf").read_bytes()
    assert hashlib.sha256(kept).hexdigest() == rows[0]["sha256"]
    assert not (store.path.parent / "letters").exists()
    assert {x.student_id for s in (a, b, c) for x in LetterRepo(store).disclosures(s)} == {a, b, c}


def test_an_annual_notice_made_again_keeps_its_records_but_stores_the_batch_once(store, tmp_path):
    seed_student(store, "Ana", "Peña", guardian="Lucía Peña", language="es", zip="65998")
    seed_student(store, "Zoë", "Nguyễn", guardian="Lan Nguyễn", language="en", zip="65997")
    for run in range(3):  # the same families, the same day: the same bytes
        svc.annual_notice(store, tmp_path / f"notice-{run}.pdf", actor="office", today=date(2026, 8, 3))
    assert len({(tmp_path / f"notice-{run}.pdf").read_bytes() for run in range(3)}) == 1
    assert store.query("SELECT count(*) AS n FROM letter_files")[0]["n"] == 1
    rows = store.query("SELECT * FROM letters ORDER BY id")
    assert len(rows) == 6 and len({r["file"] for r in rows}) == 1  # each mailing recorded, one stored PDF
    assert all(LetterRepo(store).disclosures(r["student_id"]) for r in rows)
    svc.annual_notice(store, tmp_path / "next-day.pdf", actor="office", today=date(2026, 8, 4))
    assert store.query("SELECT count(*) AS n FROM letter_files")[0]["n"] == 2  # another date, another letter


def test_annual_notice_for_new_enrollees_only(store, tmp_path):
    seed_student(store, "Old", "Timer", guardian="Pat Timer", entry="2015-08-12")
    seed_student(store, "New", "Comer", guardian="Ray Comer", entry="2026-09-01", zip="65990")
    first = svc.annual_notice(store, tmp_path / "new.pdf", new_only=True, since=date(2026, 8, 1),
                              today=date(2026, 9, 2))
    assert first.letters == 1
    assert "Ray Comer" in pdf_text(tmp_path / "new.pdf") and "Pat Timer" not in pdf_text(tmp_path / "new.pdf")
    with pytest.raises(svc.LetterDataError, match="no new enrollees"):  # already sent this year
        svc.annual_notice(store, tmp_path / "again.pdf", new_only=True, since=date(2026, 8, 1),
                          today=date(2026, 9, 3))


def test_preview_pictures_the_stored_letter(store):
    sid, gid = seed_student(store)
    letter_id = svc.queue_request_letter(store, seed_request(store, sid, gid), "received")
    pages = svc.preview_letter(store, letter_id, dpi=40)
    assert len(pages) == 1 and pages[0].width == 340


def test_the_letterhead_sample_uses_the_profile(store):
    from letters_seed import PROFILE

    data = svc.sample_letter(PROFILE, "denied", "es", today=date(2026, 3, 3))
    assert data.letterhead.district_name == PROFILE.name
    text = " ".join(pypdf.PdfReader(io.BytesIO(svc.render_letter(data))).pages[0].extract_text().split())
    assert "3 de marzo de 2026" in text and "Maple Valley, MO 65999" in text


def _names_left_on_disk(folder: Path, *names: str) -> list[str]:
    """Every file under `folder` holding a PDF or one of `names` (as UTF-8 or UTF-16BE)."""
    found = []
    needles = [b"%PDF"] + [n.encode(enc) for n in names for enc in ("utf-8", "utf-16-be")]
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.relative_to(folder)}: {n!r}" for n in needles if n in data]
    return found


@pytest.fixture
def encrypted_store(tmp_path):
    from mocap_desktop.paths import DataDir
    from mocap_desktop.store import open_store

    data_dir = DataDir(tmp_path / "office").ensure()
    s = open_store(data_dir.database(), key=os.urandom(32), backups=data_dir.backups)
    yield s
    s.close()


def test_no_letter_is_left_in_the_data_folder_after_queueing_and_printing(encrypted_store):
    store = encrypted_store
    ids = _three_families(store)
    data = store.path.parent
    assert store.query("SELECT count(*) AS n FROM letter_files")[0]["n"] == 3
    job = svc.print_letters(store, ids, None)  # the printer's job: in memory
    assert job.path is None and job.pdf.startswith(b"%PDF") and job.pages >= 3
    svc.mark_printed(store, job.letter_ids, actor="frontdesk")
    svc.preview_top(store, ids[0], 40, 3.0)
    svc.preview_letter(store, ids[0], 30)
    students = [r["student_name"] for r in store.query("SELECT student_name FROM letters")]
    assert students and _names_left_on_disk(data, *students) == []


def test_a_letter_an_older_version_kept_on_disk_is_moved_into_the_database(store):
    sid, gid = seed_student(store)
    rid = seed_request(store, sid, gid)
    letter_id = svc.queue_request_letter(store, rid, "received")
    row = LetterRepo(store).get(letter_id)
    pdf = kept_pdf(store, row.file)
    with store.transaction() as db:  # as an older version left it: a plain file, nothing in the table
        db.execute("DELETE FROM letter_files")
    path = store.path.parent / row.file
    path.parent.mkdir(parents=True)
    path.write_bytes(pdf)
    assert svc.adopt_letter_files(store) == 1
    assert not path.exists() and kept_pdf(store, row.file) == pdf
    assert svc.adopt_letter_files(store) == 0

    with store.transaction() as db:  # lazily, on the first read
        db.execute("DELETE FROM letter_files")
    path.write_bytes(pdf)
    assert svc.letter_pdf(store, row) == pdf and not path.exists()

    with store.transaction() as db:  # a changed file is refused and left alone
        db.execute("DELETE FROM letter_files")
    path.write_bytes(pdf + b"%changed")
    assert svc.adopt_letter_files(store) == 0 and path.exists()
    with pytest.raises(svc.LetterDataError, match="changed"):
        svc.letter_pdf(store, row)
    path.unlink()
    with pytest.raises(svc.LetterDataError, match="missing"):
        svc.letter_pdf(store, row)
