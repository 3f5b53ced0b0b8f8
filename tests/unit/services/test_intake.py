"""finish_request: the request, the family's details, the letter and the draft in one transaction."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from mocap_desktop.services import drafts, intake
from mocap_desktop.services import letters as letters_service
from mocap_desktop.services import requests as svc


def setup(store):
    student = store.query("SELECT s.id FROM students s WHERE s.grade = '10' AND NOT EXISTS "
                          "(SELECT 1 FROM requests r WHERE r.student_id = s.id) ORDER BY s.id LIMIT 1")[0]["id"]
    guardian = intake.contacts_for(store, student)[0]
    course = store.query("SELECT c.id, c.code, c.title, c.credits, p.name FROM courses c JOIN providers p "
                         "ON p.id = c.provider_id ORDER BY c.id LIMIT 1")[0]
    draft = svc.RequestDraft(student_id=student, pathway="part_time", start_term="2027-spring",
                             received=date(2026, 11, 27), in_person_credits=Decimal("2"),
                             courses=[svc.DraftCourse(course["code"], Decimal(str(course["credits"])),
                                                      course["title"], course["name"], course["id"])],
                             start_date=date(2027, 1, 5))
    family = intake.FamilyDetails(guardian.id, "12 New Street", "", "Maple Valley", "MO", "65999", "es",
                                  ["technology", "conduct"])
    draft_id = drafts.save_draft(store, {"student_id": student}, page="review", student_id=student)
    return draft, family, draft_id, guardian


def test_a_letter_that_fails_does_not_lose_the_request(demo_session, monkeypatch):
    store = demo_session.store
    draft, family, draft_id, guardian = setup(store)

    def broken(*args, **kwargs):
        store.conn.execute("INSERT INTO settings VALUES ('half-written', 'x')")  # rolled back
        raise RuntimeError("printer font missing")

    monkeypatch.setattr(letters_service, "queue_letter", broken)
    done = intake.finish_request(store, draft, family, actor="test", draft_id=draft_id)
    assert done.letter_queued is False and done.reference.startswith("MOCAP-2026-")
    assert store.query("SELECT count(*) AS n FROM letters WHERE request_id = ?", (done.request_id,))[0]["n"] == 0
    assert store.query("SELECT count(*) AS n FROM settings WHERE key = 'half-written'")[0]["n"] == 0
    assert drafts.load_draft(store, draft_id) is None
    g = store.query("SELECT address1, preferred_language FROM guardians WHERE id = ?", (guardian.id,))[0]
    assert (g["address1"], g["preferred_language"]) == ("12 New Street", "es")
    row = store.query("SELECT letter_guardian_id, letter_language FROM requests WHERE id = ?", (done.request_id,))[0]
    assert (row["letter_guardian_id"], row["letter_language"]) == (guardian.id, "es")


def test_a_refused_request_leaves_the_draft_and_writes_nothing(demo_session):
    store = demo_session.store
    draft, family, draft_id, guardian = setup(store)
    before = store.query("SELECT count(*) AS n FROM requests")[0]["n"]
    draft.start_term = "2025-fall"  # the first term: the prior-semester rule cannot be checked
    with pytest.raises(svc.RequestError, match="first term"):
        intake.finish_request(store, draft, family, actor="test", draft_id=draft_id)
    assert store.query("SELECT count(*) AS n FROM requests")[0]["n"] == before
    assert drafts.load_draft(store, draft_id) is not None
    assert store.query("SELECT address1 FROM guardians WHERE id = ?", (guardian.id,))[0]["address1"] \
        == guardian.address1


def test_the_received_letter_is_queued_in_the_family_language(demo_session):
    store = demo_session.store
    draft, family, draft_id, _ = setup(store)
    done = intake.finish_request(store, draft, family, actor="test", draft_id=draft_id)
    assert done.letter_queued
    letter = store.query("SELECT kind, language, status FROM letters WHERE request_id = ?", (done.request_id,))
    assert letter == [{"kind": "received", "language": "es", "status": "pending"}]
    event = store.query("SELECT detail FROM request_events WHERE request_id = ? AND kind = 'family_acknowledged'",
                        (done.request_id,))[0]
    assert json.loads(event["detail"])["acknowledgements"] == ["technology", "conduct"]


def test_a_failed_letter_is_logged_without_the_family_s_details(demo_session, monkeypatch, caplog):
    store = demo_session.store
    draft, family, draft_id, guardian = setup(store)

    def broken(*args, **kwargs):
        raise ValueError(f"{guardian.name} has no mailing address")

    monkeypatch.setattr(letters_service, "queue_letter", broken)
    caplog.set_level("INFO")
    intake.finish_request(store, draft, family, actor="test", draft_id=draft_id)
    text = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= 20)
    assert "could not be queued (ValueError)" in text
    assert guardian.name not in text
    assert "MOCAP request submitted (part_time)" in text  # the outcome, without who
