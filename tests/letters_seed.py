"""Synthetic letters data for the letters tests: a letterhead, a family, requests in the database.

Every person here is invented. Import with `from letters_seed import ...` after putting the
tests folder on sys.path (the test modules do this).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from mocap_desktop.letters.model import (
    Contact,
    CourseLine,
    Decision,
    LetterData,
    Letterhead,
    Recipient,
    RequestInfo,
    StudentRef,
)
from mocap_desktop.store.district import CalendarData, DistrictProfile, DistrictRepo, TermRow

AWKWARD = "Zoë Łukasz Nguyễn-Peña O'Brien & Żółć Đặng Ñúñez"

LETTERHEAD = Letterhead(
    "Maple Valley R-IV School District", ("400 Schoolhouse Road", "Maple Valley, MO 65999"),
    "(573) 555-0140", "mocap@maplevalley.k12.example", "maplevalley.k12.example", None,
    Contact("Dana Whitfield", "Director of Counseling", "(573) 555-0142", "dwhitfield@maplevalley.k12.example"),
    "Dr. Marcus Ellery", "Superintendent")
RECIPIENT = Recipient("Lucía Peña-Nguyễn", "1234 Hickory Lane", "Maple Valley", "MO", "65999",
                      address2="Apt. 2B", guardian_id=7, student_id=3)
STUDENT = StudentRef("Zoë Nguyễn-Peña", "10", "Maple Valley High School", 3)
COURSES = (CourseLine("CHEMA", "Chemistry A", "Mizzou Academy", Decimal("0.5"), True),
           CourseLine("SPAN1A", "Spanish I A", "Mizzou Academy", Decimal("0.5"), True),
           CourseLine("APCALCFY", "AP Calculus AB", "Mizzou Academy", Decimal("1.0"), False))
DECISION = Decision(date(2026, 1, 16), "Ana Ruiz", "Principal", "principal",
                    ("ACADEMIC_READINESS", "GRADUATION_PLAN_CONFLICT"),
                    "Zoë has not yet completed Algebra I, which this course requires.")
OUTCOMES = {"received": (None, None, None), "approved": ("approved",) * 3,
            "denied": ("denied",) * 3, "partially_approved": ("approved", "denied", "approved")}


def request_info(kind: str = "received", pathway: str = "part_time", routing: str = "building_review",
                 **changes) -> RequestInfo:
    from dataclasses import replace

    outcomes = OUTCOMES.get(kind, (None, None, None))
    courses = tuple(replace(c, decision=o) for c, o in zip(COURSES, outcomes)) if pathway == "part_time" else ()
    info = RequestInfo("PT-2026-0042", pathway, date(2026, 1, 5), "Spring 2026", date(2026, 1, 5),
                       date(2026, 5, 21), "Mizzou Academy", courses, routing, date(2026, 1, 20),
                       date(2026, 1, 20), date(2026, 2, 4), True, True, "Springfield R-XII",
                       date(2026, 1, 15))
    return replace(info, **changes)


def letter(kind: str, lang: str = "en", **changes) -> LetterData:
    from dataclasses import replace

    if kind == "annual_notice":
        data = LetterData(kind, lang, date(2026, 8, 3), LETTERHEAD, RECIPIENT,
                          (STUDENT, StudentRef("Mateo Peña", "3", "Cedar Ridge Elementary", 4)))
    elif kind == "full_time":
        data = LetterData(kind, lang, date(2026, 1, 16), LETTERHEAD, RECIPIENT, (STUDENT,),
                          request_info(kind, "full_time", "provider"))
    else:
        data = LetterData(kind, lang, date(2026, 1, 16), LETTERHEAD, RECIPIENT, (STUDENT,), request_info(kind),
                          DECISION if kind in ("approved", "denied", "partially_approved") else None)
    return replace(data, **changes)


# --- the database ---------------------------------------------------------------------------

PROFILE = DistrictProfile(
    code="099901", name="Maple Valley R-IV School District", address1="400 Schoolhouse Road",
    city="Maple Valley", zip="65999", phone="(573) 555-0140", email="mocap@maplevalley.k12.example",
    website="maplevalley.k12.example", contact_name="Dana Whitfield", contact_title="Director of Counseling",
    contact_phone="(573) 555-0142", contact_email="dwhitfield@maplevalley.k12.example",
    signer_name="Dr. Marcus Ellery", signer_title="Superintendent")
TERMS = [TermRow("2025-fall", "Fall 2025", 2026, "2025-08-13", "2025-12-19", 1),
         TermRow("2026-spring", "Spring 2026", 2026, "2026-01-05", "2026-05-21", 2)]


def seed_district(store) -> None:
    repo = DistrictRepo(store)
    if repo.profile() is not None:
        return
    with store.transaction() as db:
        repo.save_profile(PROFILE)
        repo.save_calendar(CalendarData(TERMS, {}))
        db["buildings"].insert({"code": "4000", "name": "Maple Valley High School", "grade_low": "9",
                                "grade_high": "12"})


def seed_student(store, first: str = "Zoë", last: str = "Nguyễn-Peña", *, guardian: str = "Lucía Peña",
                 language: str = "en", zip: str = "65999", address1: str = "1234 Hickory Lane",
                 entry: str = "2015-08-12", iep: bool = False) -> tuple[int, int]:
    """A student with one guardian who receives letters; returns (student_id, guardian_id)."""
    seed_district(store)
    with store.transaction() as db:
        n = db.execute("SELECT count(*) FROM students").fetchone()[0] + 1
        db["students"].insert({
            "local_number": f"{500000 + n}", "last_name": last, "first_name": first, "birth_date": "2010-04-02",
            "grade": "10", "building_code": "4000", "resident_district": "099901", "iep": int(iep)})
        sid = db.execute("SELECT max(id) FROM students").fetchone()[0]
        db["guardians"].insert({
            "student_id": sid, "name": guardian, "relationship": "Mother", "address1": address1,
            "city": "Maple Valley" if address1 else "", "state": "MO" if address1 else "", "zip": zip,
            "preferred_language": language, "receives_letters": 1})
        gid = db.execute("SELECT max(id) FROM guardians").fetchone()[0]
        db["enrollments"].insert({"student_id": sid, "district_code": "099901", "school_name": "MVHS",
                                  "school_kind": "public", "entry": entry})
    return sid, gid


def seed_request(store, student_id: int, guardian_id: int | None, *, pathway: str = "part_time",
                 status: str = "submitted", outcomes=(None, None), language: str = "en",
                 decision: dict | None = None, routing: str = "building_review",
                 input_sent_on: str | None = None) -> int:
    stamp = "2026-01-05T09:00:00"
    with store.transaction() as db:
        provider_id = None
        if pathway == "full_time":
            db["providers"].upsert({"id": 1, "name": "Missouri Virtual Academy"}, pk="id")
            provider_id = 1
        n = db.execute("SELECT count(*) FROM requests").fetchone()[0] + 1
        db["requests"].insert({
            "reference": f"MOCAP-2026-{n:04d}", "student_id": student_id, "pathway": pathway, "status": status,
            "start_term": "2026-spring", "received": "2026-01-05", "routing": routing, "eligible": 1,
            "decision_due": "2026-01-20" if pathway == "part_time" else None,
            "input_due": "2026-01-20" if pathway == "full_time" else None,
            "deemed_approved_on": "2026-02-04" if pathway == "part_time" else None,
            "policy_id": "default", "policy_version": "1",
            "evaluation": json.dumps({"icap_required": False}), "host_district": "099950",
            "letter_guardian_id": guardian_id, "letter_language": language, "provider_id": provider_id,
            "created_at": stamp, "updated_at": stamp})
        rid = db.execute("SELECT max(id) FROM requests").fetchone()[0]
        if pathway == "part_time":
            for pos, ((code, title), outcome) in enumerate(
                    zip((("CHEMA", "Chemistry A"), ("SPAN1A", "Spanish I A")), outcomes), start=1):
                db["request_courses"].insert({
                    "request_id": rid, "position": pos, "code": code, "title": title,
                    "provider_name": "Mizzou Academy", "credits": 0.5, "fte": "within", "decision": outcome})
        if decision is not None:
            db["decisions"].insert({
                "request_id": rid, "outcome": decision.get("outcome", "deny"),
                "reasons": json.dumps(decision.get("reasons", ["ACADEMIC_READINESS"])),
                "explanation": decision.get("explanation", "Algebra I comes first for this student."),
                "decided_by_role": "principal", "decided_by_name": decision.get("by", "Ana Ruiz"),
                "decided_on": decision.get("on", "2026-01-16"), "policy_id": "default", "policy_version": "1",
                "recorded_at": stamp})
        if input_sent_on:
            db["full_time_steps"].insert({"request_id": rid, "input_sent_on": input_sent_on,
                                          "updated_at": stamp})
    return rid
