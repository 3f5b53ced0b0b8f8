"""The provider packet: a PDF that opens only with its password and holds the student's MOSIS ID
and the open courses; recorded in the timeline, the record of disclosures and the audit trail,
never with the password; refused for roles that do not record enrollments and for a student
without a MOSIS ID (nothing written)."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pypdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from review_seed import COUNSELOR, small_district, submit  # noqa: E402

from mocap_desktop.core.access import AccessDenied, User  # noqa: E402
from mocap_desktop.core.enrollments import Move  # noqa: E402
from mocap_desktop.services import enrollments, review  # noqa: E402
from mocap_desktop.services import provider_packet as svc  # noqa: E402
from mocap_desktop.services.audit_report import disclosure_report  # noqa: E402

PRINCIPAL = "Dr. Lena Ortiz"


@pytest.fixture
def approved(store):
    students = small_district(store)
    rid = submit(store, students["zoe"], date(2026, 11, 10))
    review.record_decision(store, rid, review.DecisionForm(
        {"CHEMA": "approved", "SPAN1A": "approved"}, "principal", PRINCIPAL, (), "", True, date(2026, 11, 20)),
        PRINCIPAL, letter=False)
    return rid


def written(store) -> dict[str, int]:
    return {t: store.query(f"SELECT count(*) AS n FROM {t}")[0]["n"]
            for t in ("request_events", "disclosures", "audit_log")}


def test_the_packet_opens_only_with_its_password(store, approved, tmp_path):
    saved = svc.save_provider_packet(store, approved, "Mizzou Academy", tmp_path / "packet.pdf", COUNSELOR,
                                     today=date(2026, 12, 1))
    assert re.fullmatch(r"([A-HJ-NP-Z2-9]{4}-){3}[A-HJ-NP-Z2-9]{4}", saved.password)
    reader = pypdf.PdfReader(saved.path)
    assert reader.is_encrypted
    with pytest.raises(pypdf.errors.FileNotDecryptedError):
        reader.pages[0].extract_text()
    assert not pypdf.PdfReader(saved.path).decrypt("WRONG-WRONG-WRONG-WRONG")
    assert reader.decrypt(saved.password)
    text = " ".join(page.extract_text() for page in reader.pages)
    mosis = store.query("SELECT mosis_id FROM students s JOIN requests r ON r.student_id = s.id WHERE r.id = ?",
                        (approved,))[0]["mosis_id"]
    for expected in (mosis, "CHEMA", "SPAN1A", "Mizzou Academy", "Spring 2027", "Dana Whitfield", "Apr 2, 2010"):
        assert expected in text
    assert saved.codes == ("CHEMA", "SPAN1A")
    assert svc.make_password() != svc.make_password()


def test_recorded_as_a_disclosure_in_the_timeline_and_the_audit_trail_without_the_password(
        store, approved, tmp_path):
    saved = svc.save_provider_packet(store, approved, "Mizzou Academy", tmp_path / "packet.pdf", COUNSELOR)
    student_id = store.query("SELECT student_id FROM requests WHERE id = ?", (approved,))[0]["student_id"]
    [row] = store.query("SELECT * FROM disclosures WHERE letter_id IS NULL")
    assert row["student_id"] == student_id and row["recipient"].startswith("Mizzou Academy (course provider)")
    assert "99.31(a)(2)" in row["legal_basis"] and "MOSIS ID, birth date" in row["records"]
    lines = [line for line in disclosure_report(store, student_id).lines if "Provider packet" in line.records]
    assert len(lines) == 1 and lines[0].source == f"Disclosure {row['id']}"  # listed once, from the record
    [audit] = store.query("SELECT * FROM audit_log WHERE action = 'provider_packet_saved'")
    assert audit["request_id"] == approved and json.loads(audit["detail"])["codes"] == ["CHEMA", "SPAN1A"]
    assert review.timeline(store, approved)[-1].text == \
        "Provider packet for Mizzou Academy saved (CHEMA, SPAN1A; packet.pdf)."
    for table in ("audit_log", "request_events", "disclosures", "settings"):
        dump = json.dumps(store.query(f"SELECT * FROM {table}"))
        assert saved.password not in dump and saved.password.replace("-", "") not in dump


def test_only_open_courses_go_in_the_packet(store, approved, tmp_path):
    span = {c.code: c.id for c in enrollments.tracked_courses(store, approved)}["SPAN1A"]
    enrollments.record_move(store, span, Move("withdrawn", date(2026, 11, 25)), COUNSELOR)
    saved = svc.save_provider_packet(store, approved, "Mizzou Academy", tmp_path / "packet.pdf", COUNSELOR)
    assert saved.codes == ("CHEMA",)
    assert svc.open_providers(enrollments.tracked_courses(store, approved)) == ("Mizzou Academy",)
    with pytest.raises(svc.ProviderPacketRefused, match="no approved course still open with Other Provider"):
        svc.save_provider_packet(store, approved, "Other Provider", tmp_path / "other.pdf", COUNSELOR)


@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_front_desk_and_administrator_are_refused(store, approved, tmp_path, role):
    before = written(store)
    store.user = User("x", "X", role)
    with pytest.raises(AccessDenied):
        svc.save_provider_packet(store, approved, "Mizzou Academy", tmp_path / "packet.pdf", "X")
    assert written(store) == before and not (tmp_path / "packet.pdf").exists()


def test_a_missing_mosis_id_is_refused_and_writes_nothing(store, approved, tmp_path):
    with store.transaction() as db:
        db.execute("UPDATE students SET mosis_id = NULL WHERE id = (SELECT student_id FROM requests WHERE id = ?)",
                   [approved])
    before = written(store)
    with pytest.raises(svc.ProviderPacketRefused, match="no MOSIS ID, which the provider needs"):
        svc.save_provider_packet(store, approved, "Mizzou Academy", tmp_path / "packet.pdf", COUNSELOR)
    assert written(store) == before and not (tmp_path / "packet.pdf").exists()


def test_a_missing_birth_date_is_named_too(store, approved, tmp_path):
    with store.transaction() as db:
        db.execute("UPDATE students SET mosis_id = NULL, birth_date = NULL "
                   "WHERE id = (SELECT student_id FROM requests WHERE id = ?)", [approved])
    with pytest.raises(svc.ProviderPacketRefused, match="no MOSIS ID and birth date"):
        svc.save_provider_packet(store, approved, "Mizzou Academy", tmp_path / "packet.pdf", COUNSELOR)
