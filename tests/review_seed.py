"""A small, invented district for the review-queue tests: a calendar with closed days around
Thanksgiving and winter break, a high school, students (one with an IEP, one with a 504 plan,
one from a private school) and requests submitted through the real submission service.

Import with `from review_seed import ...` after putting the tests folder on sys.path.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from mocap_desktop.services import requests as svc
from mocap_desktop.store.district import CalendarData, DistrictProfile, DistrictRepo, TermRow

TODAY = date(2026, 12, 1)  # a Tuesday, after the Thanksgiving break (Nov 25-27 closed)
DISTRICT = "099901"
COUNSELOR = "Dana Whitfield (counselor)"

TERMS = [
    TermRow("2026-spring", "Spring 2026", 2026, "2026-01-05", "2026-05-21", 1),
    TermRow("2026-fall", "Fall 2026", 2027, "2026-08-12", "2026-12-18", 2),
    TermRow("2027-spring", "Spring 2027", 2027, "2027-01-05", "2027-05-20", 3),
]
CLOSED = {"2026-11-25": "Thanksgiving", "2026-11-26": "Thanksgiving", "2026-11-27": "Thanksgiving",
          **{(date(2026, 12, 21) + timedelta(days=n)).isoformat(): "Winter break" for n in range(12)
             if (date(2026, 12, 21) + timedelta(days=n)).weekday() < 5},
          "2027-01-18": "Martin Luther King Jr. Day"}


def seed_district(store) -> None:
    repo = DistrictRepo(store)
    repo.save_profile(DistrictProfile(
        code=DISTRICT, name="Maple Valley R-IV School District", address1="400 Schoolhouse Road",
        city="Maple Valley", zip="65999", phone="(573) 555-0140", contact_name="Dana Whitfield",
        contact_title="Director of Counseling", signer_name="Dr. Marcus Ellery", signer_title="Superintendent"))
    repo.save_calendar(CalendarData(TERMS, CLOSED))
    with store.transaction() as db:
        db["buildings"].insert_all([
            {"code": "4000", "name": "Maple Valley High School", "grade_low": "9", "grade_high": "12"},
            {"code": "3000", "name": "Maple Valley Middle School", "grade_low": "6", "grade_high": "8"}])
        db["providers"].insert({"id": 1, "name": "Mizzou Academy"})


def add_student(store, last: str, first: str, *, grade: str = "10", building: str = "4000", iep: bool = False,
                section_504: bool = False, history: str = "regular", guardian_address: bool = True) -> int:
    """A student with a guardian who receives letters. `history`: regular (here since 2016),
    private (a private school until Oct 2, 2026)."""
    with store.transaction() as db:
        n = db.execute("SELECT count(*) FROM students").fetchone()[0] + 1
        student_id = db["students"].insert({
            "local_number": f"{500000 + n}", "mosis_id": f"{1000000000 + n}", "last_name": last,
            "first_name": first, "birth_date": "2010-04-02", "grade": grade, "building_code": building,
            "resident_district": DISTRICT, "address1": "1234 Hickory Lane", "city": "Maple Valley", "zip": "65999",
            "iep": int(iep), "section_504": int(section_504), "updated_at": "2026-08-01T07:30:00",
        }).last_pk
        db["guardians"].insert({
            "student_id": student_id, "name": f"Lucía {last}", "relationship": "Mother",
            "address1": "1234 Hickory Lane" if guardian_address else "", "city": "Maple Valley", "state": "MO",
            "zip": "65999", "preferred_language": "en", "receives_letters": 1})
        here = {"student_id": student_id, "district_code": DISTRICT, "school_name": "Maple Valley High School",
                "school_kind": "public", "state": "MO", "full_time": 1}
        if history == "private":
            db["enrollments"].insert_all([
                {**here, "school_kind": "private", "school_name": "St. Brendan Academy", "entry": "2016-08-12",
                 "exit": "2026-10-02"},
                {**here, "entry": "2026-10-05", "exit": None}])
        else:
            db["enrollments"].insert({**here, "entry": "2016-08-12", "exit": None})
    return student_id


def submit(store, student_id: int, received: date, courses=(("CHEMA", "0.5"), ("SPAN1A", "0.5")),
           pathway: str = "part_time", in_person: str = "2.5", host: str = "099950") -> int:
    guardian = store.query("SELECT id FROM guardians WHERE student_id = ?", (student_id,))[0]["id"]
    draft = svc.RequestDraft(
        student_id=student_id, pathway=pathway, start_term="2027-spring", received=received,
        in_person_credits=Decimal(in_person),
        courses=[svc.DraftCourse(code, Decimal(credits), f"{code} title", "Mizzou Academy")
                 for code, credits in courses] if pathway == "part_time" else [],
        provider_id=1 if pathway == "full_time" else None, host_district=host if pathway == "full_time" else "",
        letter_guardian_id=guardian, letter_language="en")
    return svc.submit_request(store, draft, actor=COUNSELOR, at=f"{received.isoformat()}T09:00:00")


def small_district(store) -> dict[str, int]:
    """The district with a few students; returns their ids by a short name."""
    seed_district(store)
    return {
        "zoe": add_student(store, "Nguyễn-Peña", "Zoë"),
        "lukasz": add_student(store, "Łukaszewicz", "Łukasz", grade="11"),
        "iep": add_student(store, "Okafor", "Ava", iep=True),
        "504": add_student(store, "Haddad", "Amir", section_504=True),
        "private": add_student(store, "Dubois", "Olivia", history="private"),
        "middle": add_student(store, "Kim", "Ji-woo", grade="7", building="3000"),
        "noaddress": add_student(store, "Reed", "Owen", guardian_address=False),
    }
