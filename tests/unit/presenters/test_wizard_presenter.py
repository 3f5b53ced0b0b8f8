"""RequestWizardPresenter with a fake view: both pathways, the waiver branch, duplicates, bad
input next to its field, and drafts. No Qt."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from wizard_fake import TODAY, FakeWizardView, clean_student, course_id, go, make_presenter

from mocap_desktop.services import drafts
from mocap_desktop.services import requests as svc
from mocap_desktop.ui.presenters.wizard import WizardState, draft_offer


@pytest.fixture
def store(demo_session):
    return demo_session.store


def part_time_to_eligibility(presenter, view, store, student_id, in_person="2.5",
                             codes=("ENG10A", "CHEMA")) -> None:
    presenter.start(student_id=student_id)
    assert go(presenter, "pathway")
    presenter.set_pathway("part_time")
    assert go(presenter, "part_time")
    presenter.set_field("in_person_credits", in_person)
    for code in codes:
        assert presenter.add_course(course_id(store, code)), view.errors
    assert go(presenter, "eligibility"), view.errors


def finish_family(presenter, view) -> None:
    assert go(presenter, "family"), view.errors
    for item in view.family.acknowledgements:
        presenter.toggle_acknowledgement(item.key, True)
    assert go(presenter, "review"), view.errors


def test_part_time_request_is_submitted_with_the_meter_the_findings_and_the_family(store):
    student_id = clean_student(store, iep=0, section_504=0)
    presenter, view = make_presenter(store)
    part_time_to_eligibility(presenter, view, store, student_id)

    # The meter came from the rules core: 2.5 in person leaves 0.5 of the 3.0 load.
    assert [(c.code, c.fte) for c in view.meter.courses] == [("ENG10A", "within"), ("CHEMA", "beyond")]
    assert (view.meter.within, view.meter.beyond, view.meter.cap) == (0.5, 0.5, 3.0)
    assert "not paid by the district: 0.5 credits (CHEMA)" in view.meter.summary
    assert view.eligibility.eligible and not view.eligibility.waiver_offered
    r06 = next(f for f in view.eligibility.findings if f.rule == "R06")
    assert (r06.outcome, r06.citation) == ("warn", "RSMo 161.670.2(2),(4); Board Policy 6190")
    assert "Decision due by Dec 11, 2026" in " ".join(view.eligibility.deadlines)

    finish_family(presenter, view)
    presenter.set_field("address2", "Apt 4")  # corrected on the phone
    heads = [s.heading for s in view.review.sections]
    assert heads == ["Student", "Part-time courses", "Process", "Family"]
    assert presenter.validate_page("review")

    row = store.query("SELECT * FROM requests ORDER BY id DESC LIMIT 1")[0]
    assert (row["student_id"], row["pathway"], row["status"]) == (student_id, "part_time", "submitted")
    assert (row["received"], row["start_term"], row["start_date"]) == ("2026-11-27", "2027-spring", "2027-01-05")
    assert (row["routing"], row["eligible"], row["decision_due"]) == ("building_review", 1, "2026-12-11")
    assert (row["policy_id"], row["policy_version"]) == ("mo-default", "2026.1")
    findings = {f["rule"]: f["outcome"] for f in json.loads(row["evaluation"])["findings"]}
    assert findings["R06"] == "warn" and findings["R04"] == "pass"
    courses = store.query("SELECT code, fte FROM request_courses WHERE request_id = ? ORDER BY position",
                          (row["id"],))
    assert [(c["code"], c["fte"]) for c in courses] == [("ENG10A", "within"), ("CHEMA", "beyond")]
    guardian = store.query("SELECT address2 FROM guardians WHERE id = ?", (row["letter_guardian_id"],))[0]
    assert guardian["address2"] == "Apt 4"
    event = store.query("SELECT detail FROM request_events WHERE request_id = ? AND kind = 'family_acknowledged'",
                        (row["id"],))[0]
    assert set(json.loads(event["detail"])["acknowledgements"]) >= {"technology", "conduct"}
    assert drafts.count_drafts(store) == 0
    assert view.done.reference == row["reference"]
    letter = store.query("SELECT kind, status, language FROM letters WHERE request_id = ?", (row["id"],))
    assert letter == [{"kind": "received", "status": "pending", "language": row["letter_language"]}]
    assert any("letter is waiting in the print center" in line for line in view.done.lines)
    assert presenter.cancel_requested() is True  # after submit, closing asks nothing
    assert ("ask_keep_draft",) not in view.calls


def test_moving_a_course_up_changes_which_one_the_district_pays_for(store):
    presenter, view = make_presenter(store)
    part_time_to_eligibility(presenter, view, store, clean_student(store), codes=("ENG10A", "CHEMA"))
    presenter.move_course(1, -1)
    assert [(c.code, c.fte) for c in view.meter.courses] == [("CHEMA", "within"), ("ENG10A", "beyond")]


def test_full_time_request_records_the_notice_and_the_input_due_date(store):
    student_id = clean_student(store)
    presenter, view = make_presenter(store)
    presenter.start(student_id=student_id)
    assert go(presenter, "pathway")
    presenter.set_pathway("full_time")
    assert go(presenter, "full_time")
    assert not presenter.validate_page("full_time")
    assert view.error("provider") == "Choose the program's provider."
    assert "county-district code" in view.error("host_district")
    assert "at least one reason" in view.error("reasons")

    provider = view.choices.providers[0]
    presenter.set_field("provider_id", str(provider.id))
    presenter.set_field("host_district", "099-950")
    presenter.set_field("received", "2026-11-20")  # a Friday before Thanksgiving break
    presenter.toggle_reason("Learning pace", True)
    presenter.toggle_reason("Health", True)
    # 10 school days after Nov 20, skipping Thanksgiving (Nov 25-27) and weekends: Dec 9.
    assert "due by Dec 9, 2026" in view.input_due
    assert go(presenter, "eligibility")
    r06 = next(f for f in view.eligibility.findings if f.rule == "R06")
    assert r06.outcome == "not_applicable"
    assert any(f.title.startswith("Learning plan") for f in view.eligibility.flags)
    finish_family(presenter, view)
    assert "stay_enrolled" in {a.key for a in view.family.acknowledgements}
    assert presenter.validate_page("review")

    row = store.query("SELECT * FROM requests ORDER BY id DESC LIMIT 1")[0]
    assert (row["pathway"], row["status"], row["routing"]) == ("full_time", "notice_received", "provider")
    assert (row["received"], row["input_due"], row["decision_due"]) == ("2026-11-20", "2026-12-09", None)
    assert (row["provider_id"], row["host_district"]) == (provider.id, "099950")
    assert json.loads(row["family_reasons"]) == ["Health", "Learning pace"]
    assert store.query("SELECT count(*) AS n FROM request_courses WHERE request_id = ?", (row["id"],))[0]["n"] == 0


def gap_student(store) -> int:
    """Out ill for five weeks of Fall 2026 (the demo's gap history), no requests yet."""
    return store.query(
        "SELECT e.student_id FROM enrollments e JOIN students s ON s.id = e.student_id "
        "WHERE e.exit = '2026-09-25' AND s.grade IN ('9','10','11','12') "
        "AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.student_id = s.id) "
        "ORDER BY e.student_id LIMIT 1")[0]["student_id"]


def test_failed_prior_semester_offers_the_waiver_and_a_documented_one_waives_it(store):
    presenter, view = make_presenter(store)
    part_time_to_eligibility(presenter, view, store, gap_student(store), codes=("ENG10A",))
    r04 = next(f for f in view.eligibility.findings if f.rule == "R04")
    assert r04.outcome == "fail" and view.eligibility.waiver_offered and not view.eligibility.eligible
    assert "would waive" in view.eligibility.headline

    assert not presenter.validate_page("eligibility")  # the question must be answered
    assert "documented" in view.error("waiver")
    presenter.set_field("waiver_documented", True)
    assert not presenter.validate_page("eligibility")
    assert view.error("waiver_date") and view.error("waiver_role")
    presenter.set_field("waiver_date", "2026-12-01")
    assert "future" in view.error("waiver_date")  # checked as typed
    presenter.set_field("waiver_date", "2026-11-02")
    presenter.set_field("waiver_role", "school nurse")
    assert next(f for f in view.eligibility.findings if f.rule == "R04").outcome == "waived"
    assert view.eligibility.eligible
    finish_family(presenter, view)
    waiver_rows = [v for k, v in view.review.sections[2].rows if k.startswith("Medical")]
    assert waiver_rows == ["documented Nov 2, 2026, verified by school nurse"]
    assert presenter.validate_page("review")

    row = store.query("SELECT * FROM requests ORDER BY id DESC LIMIT 1")[0]
    assert (row["eligible"], row["waiver_documented"], row["waiver_document_date"], row["waiver_verified_by"]) \
        == (1, 1, "2026-11-02", "school nurse")
    assert {f["rule"]: f["outcome"] for f in json.loads(row["evaluation"])["findings"]}["R04"] == "waived"
    # Nothing in the request or the draft can hold a diagnosis.
    columns = {c["name"] for c in store.query("PRAGMA table_info(requests)")}
    assert not any("diagnos" in c or "condition" in c for c in columns | set(WizardState().to_dict()))


def test_no_document_leaves_the_request_ineligible_but_it_can_still_be_recorded(store):
    presenter, view = make_presenter(store)
    part_time_to_eligibility(presenter, view, store, gap_student(store), codes=("ENG10A",))
    presenter.set_field("waiver_documented", False)
    assert presenter.validate_page("eligibility")
    assert not view.eligibility.eligible
    presenter.page_entered("family")
    for item in view.family.acknowledgements:
        presenter.toggle_acknowledgement(item.key, True)
    assert go(presenter, "review")
    assert view.review.headline.startswith("Not eligible as entered")
    assert presenter.validate_page("review")
    row = store.query("SELECT eligible, waiver_documented FROM requests ORDER BY id DESC LIMIT 1")[0]
    assert (row["eligible"], row["waiver_documented"]) == (0, 0)


def existing_request(store, student_id: int, code: str, term: str = "2027-spring", status_path=()) -> str:
    c = store.query("SELECT c.id, c.code, c.title, c.credits, p.name FROM courses c JOIN providers p "
                    "ON p.id = c.provider_id WHERE c.code = ? ORDER BY c.id LIMIT 1", (code,))[0]
    draft = svc.RequestDraft(student_id=student_id, pathway="part_time", start_term=term,
                             received=date(2026, 11, 20), in_person_credits=Decimal("2.5"),
                             courses=[svc.DraftCourse(c["code"], Decimal(str(c["credits"])), c["title"],
                                                      c["name"], c["id"])])
    request_id = svc.submit_request(store, draft, actor="test")
    for status in status_path:
        svc.change_status(store, request_id, status, role="counselor", actor="test")
    return store.query("SELECT reference FROM requests WHERE id = ?", (request_id,))[0]["reference"]


def test_an_open_request_is_shown_and_the_same_course_cannot_be_requested_again(store):
    student_id = clean_student(store)
    reference = existing_request(store, student_id, "ENG10A")
    presenter, view = make_presenter(store)
    presenter.start(student_id=student_id)
    assert any(reference in line and "ENG10A" in line for line in view.card.open_requests)
    assert "already has 1 open request" in view.card.warning
    assert go(presenter, "pathway")
    presenter.set_pathway("part_time")
    assert go(presenter, "part_time")

    other_provider = store.query(
        "SELECT c.id FROM courses c WHERE c.code = 'ENG10A' ORDER BY c.id DESC LIMIT 1")[0]["id"]
    assert presenter.add_course(other_provider) is False
    assert reference in view.error("courses") and "cannot be requested twice" in view.error("courses")
    presenter.search_courses("ENG10A")
    assert view.courses and all(c.blocked and c.note == f"already requested ({reference})" for c in view.courses)
    assert presenter.state.courses == []

    # Another term is a different request: the course may be asked for Fall 2026's successor only once.
    presenter.set_field("start_term", "2026-fall")
    assert presenter.add_course(other_provider) is True
    # Back to Spring: the stored course now conflicts and Next is blocked next to the course list.
    presenter.set_field("start_term", "2027-spring")
    presenter.set_field("in_person_credits", "2")
    assert not presenter.validate_page("part_time")
    assert reference in view.error("courses")


def test_a_withdrawn_request_does_not_block_the_course(store):
    student_id = clean_student(store)
    existing_request(store, student_id, "ENG10A", status_path=("withdrawn",))
    presenter, view = make_presenter(store)
    presenter.start(student_id=student_id)
    assert view.card.open_requests == []
    presenter.set_pathway("part_time")
    assert presenter.add_course(course_id(store, "ENG10A")) is True


def test_a_course_denied_earlier_can_be_asked_for_again(store):
    student_id = clean_student(store)
    reference = existing_request(store, student_id, "ENG10A")
    store.conn.execute("UPDATE request_courses SET decision = 'denied' WHERE request_id = "
                       "(SELECT id FROM requests WHERE reference = ?)", (reference,))
    presenter, view = make_presenter(store)
    presenter.start(student_id=student_id)
    presenter.set_pathway("part_time")
    assert presenter.add_course(course_id(store, "ENG10A")) is True


def test_a_second_full_time_request_in_progress_is_refused(store):
    student_id = clean_student(store)
    svc.submit_request(store, svc.RequestDraft(student_id=student_id, pathway="full_time",
                                               start_term="2027-spring", received=date(2026, 11, 23),
                                               provider_id=1, host_district="099950"), actor="test")
    presenter, view = make_presenter(store)
    presenter.start(student_id=student_id)
    presenter.set_pathway("full_time")
    presenter.set_field("provider_id", "2")
    presenter.set_field("host_district", "099950")
    presenter.toggle_reason("Health", True)
    assert not presenter.validate_page("full_time")
    assert "already has a full-time request in progress" in view.error("provider")


@pytest.mark.parametrize("field, value, message", [
    ("in_person_credits", "-1", "cannot be negative"),
    ("in_person_credits", "two", "is not a number"),
    ("in_person_credits", "12", "more than a student takes"),
    ("start_date", "2027-06-01", "outside Spring 2027"),
    ("received", "2026-12-01", "cannot be in the future"),
    ("start_term", "2030-fall", "not on the district calendar"),
    ("start_term", "2026-spring", "ended on May 21, 2026"),
])
def test_bad_part_time_input_blocks_next_with_a_message_next_to_the_field(store, field, value, message):
    presenter, view = make_presenter(store)
    presenter.start(student_id=clean_student(store))
    presenter.set_pathway("part_time")
    presenter.set_field("in_person_credits", "2")
    presenter.add_course(course_id(store, "ENG10A"))
    assert presenter.validate_page("part_time"), view.errors
    presenter.set_field(field, value)
    assert not presenter.validate_page("part_time")
    assert message in view.error(field), view.errors
    # Only the field itself (and, for a term, the dates that depend on it) is flagged.
    related = {"start_term": {"start_date", "received"}}.get(field, set())
    others = {k: v for k, v in view.errors.items() if v and k != field and k not in related}
    assert others == {}


def test_the_first_term_on_the_calendar_cannot_be_chosen(store):
    presenter, view = make_presenter(store)
    presenter.start(student_id=clean_student(store))
    assert "2025-fall" not in [t.id for t in view.choices.terms]  # not even offered
    presenter.set_pathway("part_time")
    presenter.set_field("start_term", "2025-fall")
    assert "first term on the district calendar" in view.error("start_term")


def test_no_courses_and_a_bad_host_district_and_family_gaps_are_named(store):
    presenter, view = make_presenter(store)
    presenter.start(student_id=clean_student(store))
    presenter.set_pathway("part_time")
    presenter.set_field("in_person_credits", "2")
    assert not presenter.validate_page("part_time")
    assert view.error("courses") == "Add at least one course from the catalog."

    presenter.set_pathway("full_time")
    presenter.set_field("host_district", "12345")
    assert view.error("host_district") == ""  # still typing: no complaint yet
    assert not presenter.validate_page("full_time")
    assert "is not a county-district code" in view.error("host_district")
    presenter.set_field("host_district", "12a")
    assert "is not a county-district code" in view.error("host_district")
    presenter.set_field("host_district", "099-901")  # the demo district itself
    assert "this district's own code" in view.error("host_district")

    presenter.page_entered("family")
    presenter.set_field("zip", "6599")
    presenter.set_field("state", "Missouri")
    assert not presenter.validate_page("family")
    assert "ZIP" in view.error("zip") and "two-letter" in view.error("state")
    assert "check it" in view.error("acknowledgements")


def test_a_student_outside_k12_is_stopped_on_the_first_page(store):
    # A grade the schema forbids can still arrive from a file written by another tool.
    store.conn.execute("PRAGMA ignore_check_constraints = ON")
    store.conn.execute("UPDATE students SET grade = 'PK' WHERE id = 5")
    store.conn.execute("PRAGMA ignore_check_constraints = OFF")
    presenter, view = make_presenter(store)
    presenter.start(student_id=5)
    assert not presenter.validate_page("student")
    assert "not kindergarten through 12" in view.error("student")
    presenter.choose_student(clean_student(store))
    assert presenter.validate_page("student") and view.error("student") == ""


def test_no_student_chosen_blocks_the_first_page(store):
    presenter, view = make_presenter(store)
    presenter.start()
    presenter.search_students("zzzz-nobody")
    assert view.students == []
    assert not presenter.validate_page("student")
    assert view.error("student") == "Find the student and select them in the list."


def test_student_search_lists_matches_and_choosing_one_shows_the_card(store):
    presenter, view = make_presenter(store)
    presenter.start()
    presenter.search_students("Nguyen")
    assert view.students and all("Nguyễn" in s.label for s in view.students)
    presenter.choose_student(view.students[0].id)
    assert view.card.name.startswith("Nguyễn")
    assert presenter.validate_page("student")


def test_a_draft_is_saved_on_each_page_change_and_resumed_where_it_was(store):
    student_id = clean_student(store)
    presenter, view = make_presenter(store)
    presenter.start(student_id=student_id)
    assert drafts.count_drafts(store) == 0  # nothing saved before the first page change
    assert go(presenter, "pathway")
    assert drafts.count_drafts(store) == 1
    presenter.set_pathway("part_time")
    assert go(presenter, "part_time")
    presenter.set_field("in_person_credits", "2.5")
    presenter.add_course(course_id(store, "CHEMA"))
    assert go(presenter, "eligibility")
    draft_id = presenter.draft_id
    saved = drafts.load_draft(store, draft_id)
    assert saved.page == "eligibility" and saved.body["courses"][0]["code"] == "CHEMA"

    offer = draft_offer(store)
    assert offer.draft_id == draft_id and "eligibility".capitalize() in offer.text

    again, view2 = make_presenter(store)
    again.start(draft_id=draft_id)
    assert view2.state.in_person_credits == "2.5" and view2.state.pathway == "part_time"
    assert [c["code"] for c in again.state.courses] == ["CHEMA"]
    assert ("go_to_page", "eligibility") in view2.calls
    assert view2.card is not None and view2.card.id == student_id
    # The resumed draft keeps its id: finishing it deletes it.
    assert again.validate_page("part_time")
    again.page_entered("eligibility")
    finish_family(again, view2)
    assert again.validate_page("review")
    assert drafts.load_draft(store, draft_id) is None


@pytest.mark.parametrize("answer, closes, kept", [("keep", True, True), ("discard", True, False),
                                                  ("stay", False, True)])
def test_cancel_asks_whether_to_keep_the_draft(store, answer, closes, kept):
    presenter, view = make_presenter(store, FakeWizardView(keep_answer=answer))
    presenter.start(student_id=clean_student(store))
    assert go(presenter, "pathway")
    presenter.set_pathway("full_time")  # changed after the last save
    assert presenter.cancel_requested() is closes
    assert ("ask_keep_draft",) in view.calls
    saved = drafts.list_drafts(store)
    assert bool(saved) is kept
    if answer == "keep":
        assert saved[0].body["pathway"] == "full_time"  # the latest state, not the last page's


def test_cancel_before_choosing_a_student_closes_without_asking(store):
    presenter, view = make_presenter(store)
    presenter.start()
    assert presenter.cancel_requested() is True
    assert ("ask_keep_draft",) not in view.calls and drafts.count_drafts(store) == 0


def test_a_discarded_draft_cannot_be_resumed(store):
    draft_id = drafts.save_draft(store, WizardState(student_id=clean_student(store)).to_dict(), page="pathway")
    drafts.discard_draft(store, draft_id)
    presenter, view = make_presenter(store)
    presenter.start(draft_id=draft_id)
    assert view.dialogs and view.dialogs[0][0] == "Draft not found"
    assert presenter.state.student_id is None and presenter.state.start_term == "2027-spring"


def test_today_sets_the_default_term_and_dates(store):
    presenter, view = make_presenter(store)
    presenter.start()
    assert (view.state.start_term, view.state.start_date, view.state.received) == \
        ("2027-spring", "2027-01-05", TODAY.isoformat())
    assert "Fall 2026" in view.term_hint  # the prior term the rule looks at


def test_a_student_without_a_mosis_id_is_asked_for_it_and_the_request_saves_it(store):
    student_id = clean_student(store, iep=0, section_504=0)
    taken = store.query("SELECT mosis_id, local_number FROM students WHERE id != ? AND mosis_id IS NOT NULL "
                        "LIMIT 1", (student_id,))[0]
    with store.transaction() as db:
        db.execute("UPDATE students SET mosis_id = NULL WHERE id = ?", [student_id])
    presenter, view = make_presenter(store)
    presenter.start(student_id=student_id)
    assert view.card.needs_mosis_id
    assert not go(presenter, "pathway")
    assert "no MOSIS ID" in view.errors["mosis_id"]
    presenter.set_field("mosis_id", "12345")
    assert not go(presenter, "pathway") and "exactly ten digits" in view.errors["mosis_id"]
    presenter.set_field("mosis_id", taken["mosis_id"])  # another student's
    assert not go(presenter, "pathway") and taken["local_number"] in view.errors["mosis_id"]
    presenter.set_field("mosis_id", "0987654321")
    assert go(presenter, "pathway"), view.errors
    assert not view.errors.get("mosis_id")
    presenter.set_pathway("part_time")
    assert go(presenter, "part_time")
    presenter.set_field("in_person_credits", "2.5")
    assert presenter.add_course(course_id(store, "ENG10A")), view.errors
    assert go(presenter, "eligibility"), view.errors
    finish_family(presenter, view)
    assert presenter.validate_page("review")
    assert store.query("SELECT mosis_id FROM students WHERE id = ?", (student_id,))[0]["mosis_id"] == "0987654321"
