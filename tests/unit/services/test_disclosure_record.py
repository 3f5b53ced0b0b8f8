"""A student's record of disclosures picks up what other services record in the audit trail:
records sent to a named recipient (DESE, a provider, a host district) and exports."""

from __future__ import annotations

import pytest

from mocap_desktop.services import audit_report as ar
from mocap_desktop.services.session import sign_in
from mocap_desktop.store import audit


@pytest.fixture
def admin(demo_data_dir):
    session = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    yield session
    session.close(sign_out=False)


def add(store, action: str, at: str, actor: str = "principal", role: str = "decider", **kw) -> int:
    with store.transaction() as db:
        audit.record(db, actor, role, action, at=at, **kw)
    return store.conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]


def test_records_sent_to_a_named_recipient_are_disclosures(admin):
    store = admin.store
    sid, other = [r["id"] for r in store.query("SELECT id FROM students ORDER BY id LIMIT 2")]
    sent = add(store, "full_time_records_sent", "2026-04-01T10:00:00", student_id=sid, request_id=None, detail={
        "before": {"records_sent_on": None}, "after": {"records_sent_on": "2026-04-01"},
        "recipient": "Springfield R-XII", "records": "The student's education records, to the host district",
        "legal_basis": "34 CFR 99.31(a)(2)", "interest": "The student enrolls there"})
    add(store, "appeal_record_sent", "2026-04-02T10:00:00", student_id=other,
        detail={"recipient": "DESE", "records": "The district's record of the appeal"})  # another student
    add(store, "letter_printed", "2026-04-03T10:00:00", student_id=sid,
        detail={"recipient": "A parent (parent or guardian), by mail"})  # kept in `disclosures` already
    add(store, "status_changed", "2026-04-04T10:00:00", student_id=sid, detail={"after": {"status": "closed"}})
    add(store, "queue_exported", "2026-04-05T10:00:00", detail={"file": "queue.xlsx", "student_ids": [other, sid]})
    add(store, "queue_exported", "2026-04-06T10:00:00", detail={"file": "other.xlsx", "student_ids": [other]})

    lines = ar.disclosure_report(store, sid).lines
    assert [line.source for line in lines] == [f"Audit entry {sent}", f"Audit entry {sent + 4}"]
    records, export = lines
    assert (records.recipient, records.legal_basis, records.interest) == (
        "Springfield R-XII", "34 CFR 99.31(a)(2)", "The student enrolls there")
    assert records.records.startswith("The student's education records")
    assert records.staff == "Dr. Lena Ortiz (principal)"
    assert export.records == "Queue exported (queue.xlsx)" and export.recipient.startswith("Not recorded")
    assert [line.records for line in ar.disclosure_report(store, other).lines] == [
        "The district's record of the appeal", "Queue exported (queue.xlsx)", "Queue exported (other.xlsx)"]
