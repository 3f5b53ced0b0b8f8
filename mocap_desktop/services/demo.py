"""The demo district: synthetic, deterministic data that exercises every rule and screen.

Every person here is invented (fixed random seed); names mix the spellings a Missouri
roster really carries (Nguyễn, Peña, Łukasz, Zoë, Hodžić) so every screen and letter
shows them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from mocap_desktop import core
from mocap_desktop.store import Store
from mocap_desktop.store.district import CalendarData, DistrictProfile, DistrictRepo, TermRow

SEED = 20261127
DISTRICT_CODE = "099901"
STUDENT_COUNT = 2000
ROSTER_DATE = date(2026, 11, 27)  # grades and histories are as of this day

PROFILE = DistrictProfile(
    code=DISTRICT_CODE,
    name="Maple Valley R-IV School District",
    address1="400 Schoolhouse Road",
    city="Maple Valley",
    zip="65999",
    phone="(573) 555-0140",
    email="mocap@maplevalley.k12.example",
    website="maplevalley.k12.example",
    contact_name="Dana Whitfield",
    contact_title="Director of Counseling",
    contact_phone="(573) 555-0142",
    contact_email="dwhitfield@maplevalley.k12.example",
    signer_name="Dr. Marcus Ellery",
    signer_title="Superintendent",
)

TERMS = [
    TermRow("2025-fall", "Fall 2025", 2026, "2025-08-13", "2025-12-19", 1),
    TermRow("2026-spring", "Spring 2026", 2026, "2026-01-05", "2026-05-21", 2),
    TermRow("2026-fall", "Fall 2026", 2027, "2026-08-12", "2026-12-18", 3),
    TermRow("2027-spring", "Spring 2027", 2027, "2027-01-05", "2027-05-20", 4),
]


def _span(first: str, last: str, reason: str) -> dict[str, str]:
    d, end, out = date.fromisoformat(first), date.fromisoformat(last), {}
    while d <= end:
        if d.weekday() < 5:
            out[d.isoformat()] = reason
        d += timedelta(days=1)
    return out


def _closed_days() -> dict[str, str]:
    """The days the district office is closed."""
    days = {
        "2025-09-01": "Labor Day", "2026-01-19": "Martin Luther King Jr. Day", "2026-02-16": "Presidents' Day",
        "2026-04-03": "Good Friday", "2026-09-07": "Labor Day",
        "2027-01-18": "Martin Luther King Jr. Day", "2027-02-15": "Presidents' Day",
        "2027-03-26": "Good Friday",
    }
    days |= _span("2025-11-26", "2025-11-28", "Thanksgiving break")
    days |= _span("2025-12-22", "2026-01-02", "Winter break")
    days |= _span("2026-11-25", "2026-11-27", "Thanksgiving break")
    days |= _span("2026-12-21", "2027-01-01", "Winter break")
    return dict(sorted(days.items()))


def _no_school_days() -> dict[str, str]:
    """Days without school for the students; the district office works."""
    days = {"2025-10-13": "Professional development", "2026-10-12": "Professional development"}
    days |= _span("2026-03-16", "2026-03-20", "Spring break")
    days |= _span("2027-03-15", "2027-03-19", "Spring break")
    return dict(sorted(days.items()))


BUILDINGS = [
    {"code": "1050", "name": "Maple Valley Elementary", "grade_low": "K", "grade_high": "5"},
    {"code": "1060", "name": "Cedar Ridge Elementary", "grade_low": "K", "grade_high": "5"},
    {"code": "3000", "name": "Maple Valley Middle School", "grade_low": "6", "grade_high": "8"},
    {"code": "4000", "name": "Maple Valley High School", "grade_low": "9", "grade_high": "12"},
]

LAST_NAMES = (
    "Anderson Baker Brooks Carter Collins Davis Edwards Evans Fischer Foster Garcia Gray "
    "Hall Harris Hughes Jackson Jenkins Johnson Kelly King Lewis Meyer Miller Mitchell "
    "Moore Morgan Murphy Nelson Parker Peterson Phillips Reed Roberts Russell Schmidt "
    "Scott Stewart Sullivan Taylor Thomas Turner Walker Ward Watson White Williams Wilson "
    "Wright Young Peña Hernández Martínez López González Rodríguez Ramírez Muñoz Ortiz "
    "Jiménez Nguyễn Trần Lê Phạm Hoàng Võ Đặng Kowalski Wiśniewski Łukaszewicz Nowak "
    "Hodžić Begović Kovačević Mehmedović O'Brien O'Neal Dubois Lefèvre Müller Schäfer "
    "Yamamoto Kim Park Okafor Adeyemi Haddad Said"
).split()

FIRST_NAMES = (
    "Aiden Amelia Ava Benjamin Brooklyn Caleb Charlotte Chloé Daniel Dylan Elijah Ella "
    "Emma Ethan Evelyn Grace Hannah Harper Isaac Isabella Jack Jackson James Layla Liam "
    "Lily Logan Lucas Madison Mason Mia Noah Olivia Owen Riley Ryan Samuel Sophia Wyatt "
    "Zoë Renée José María Sofía Mateo Valentina Santiago Camila Joaquín Ximena Thảo Minh "
    "Huy Ngọc Anh Łukasz Zofia Krzysztof Małgorzata Amra Dženan Emir Lejla Aylin Amir "
    "Fatima Kwame Chidi Ji-woo Søren Björn Anaïs Noé"
).split()

PREFERRED = {"Benjamin": "Ben", "Samuel": "Sam", "Isabella": "Bella", "Krzysztof": "Kris",
             "Valentina": "Vale", "Elijah": "Eli", "Daniel": "Danny", "Małgorzata": "Gosia"}

SPANISH_SURNAMES = {"Peña", "Hernández", "Martínez", "López", "González", "Rodríguez",
                    "Ramírez", "Muñoz", "Ortiz", "Jiménez"}
GUARDIAN_FIRST = ("Jennifer Michael Sarah David Laura Robert Karen Brian Angela Kevin "
                  "Lucía Carlos Rosa Javier Lan Tuấn Ewa Marek Selma Adnan Nicole Jason").split()


def _guardian_first(first: str, relationship: str, taken: list[str]) -> str:
    """A mother with a woman's name and a father with a man's (GUARDIAN_FIRST alternates them),
    never the name of the student's other guardian; the choice is moved along the list, so the
    seed's random sequence stays the same."""
    i = GUARDIAN_FIRST.index(first)
    if relationship in ("Mother", "Father"):
        i -= (i % 2) - (relationship == "Father")
    while GUARDIAN_FIRST[i % len(GUARDIAN_FIRST)] in taken:
        i += 2
    return GUARDIAN_FIRST[i % len(GUARDIAN_FIRST)]


STREETS = ("Oak Street", "Elm Avenue", "Hickory Lane", "Walnut Drive", "Sycamore Court",
           "Prairie Road", "Mill Creek Road", "Church Street", "Highway 19", "Ozark Trail")
TOWNS = [("Maple Valley", "65999"), ("Cedar Ridge", "65998"), ("Bluff Springs", "65997"),
         ("Maple Valley", "65996")]
OTHER_DISTRICTS = ["099902", "099903", "099904"]

PROVIDERS = [
    ("Missouri Connections Academy", "(800) 555-0101"),
    ("Imagine Edgenuity", "(800) 555-0102"),
    ("Mizzou Academy", "(573) 555-0103"),
    ("Accelerate Education", "(800) 555-0104"),
    ("Launch", "(417) 555-0105"),
    ("Missouri Virtual Academy", "(800) 555-0106"),
]

# (code stem, title, subject, grade_low, grade_high, kind) — kind "AB" = two semesters, "FY" = year
COURSES = [
    ("ENG9", "English 9", "English Language Arts", "9", "9", "AB"),
    ("ENG10", "English 10", "English Language Arts", "10", "10", "AB"),
    ("ENG11", "American Literature", "English Language Arts", "11", "11", "AB"),
    ("ALG1", "Algebra I", "Mathematics", "8", "10", "AB"),
    ("GEOM", "Geometry", "Mathematics", "9", "11", "AB"),
    ("ALG2", "Algebra II", "Mathematics", "10", "12", "AB"),
    ("PRECALC", "Precalculus", "Mathematics", "11", "12", "AB"),
    ("APCALC", "AP Calculus AB", "Mathematics", "11", "12", "FY"),
    ("BIO", "Biology", "Science", "9", "10", "AB"),
    ("CHEM", "Chemistry", "Science", "10", "12", "AB"),
    ("PHYS", "Physics", "Science", "11", "12", "AB"),
    ("USHIST", "U.S. History", "Social Studies", "10", "11", "AB"),
    ("GOV", "American Government", "Social Studies", "11", "12", "FY"),
    ("PSYCH", "Psychology", "Social Studies", "10", "12", "FY"),
    ("SPAN1", "Spanish I", "World Languages", "9", "12", "AB"),
    ("SPAN2", "Spanish II", "World Languages", "9", "12", "AB"),
    ("CHIN1", "Mandarin Chinese I", "World Languages", "9", "12", "AB"),
    ("LATIN1", "Latin I", "World Languages", "9", "12", "AB"),
    ("PERSFIN", "Personal Finance", "Practical Arts", "10", "12", "FY"),
    ("CS", "Computer Science Principles", "Practical Arts", "9", "12", "AB"),
    ("HEALTH", "Health", "Health", "9", "12", "FY"),
    ("MATH6", "Mathematics 6", "Mathematics", "6", "6", "AB"),
    ("MATH7", "Mathematics 7", "Mathematics", "7", "7", "AB"),
    ("ELA8", "English Language Arts 8", "English Language Arts", "8", "8", "AB"),
]


def _grade_of(birth: date, today: date) -> str | None:
    school_year_start = date(today.year if today.month >= 8 else today.year - 1, 8, 1)
    age = school_year_start.year - birth.year - ((school_year_start.month, 1) < (birth.month, birth.day))
    grade = age - 5
    if grade < 0 or grade > 12:
        return None
    return "K" if grade == 0 else str(grade)


def _students(rng: random.Random, today: date) -> tuple[list[dict], list[dict], list[dict]]:
    students, guardians, enrollments = [], [], []
    mosis_seen: set[str] = set()
    for sid in range(1, STUDENT_COUNT + 1):
        grade = None
        while grade is None:
            birth = date(today.year - rng.randint(5, 18), rng.randint(1, 12), rng.randint(1, 28))
            grade = _grade_of(birth, today)
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        while (mosis := f"{rng.randint(1, 9)}{rng.randint(0, 10**9 - 1):09d}") in mosis_seen:
            pass
        mosis_seen.add(mosis)
        g = 0 if grade == "K" else int(grade)
        building = "4000" if g >= 9 else "3000" if g >= 6 else rng.choice(["1050", "1060"])
        town, zip_code = rng.choice(TOWNS)
        street = f"{rng.randint(100, 9899)} {rng.choice(STREETS)}"
        high_school = g >= 9
        students.append({
            "id": sid, "local_number": f"{100000 + sid * 7:06d}",
            "mosis_id": None if sid % 97 == 0 else mosis,
            "last_name": last, "first_name": first,
            "middle_name": rng.choice(["", "", "Ann", "Lee", "James", "Marie", "José"]),
            "preferred_name": PREFERRED.get(first, "") if rng.random() < 0.5 else "",
            "birth_date": birth.isoformat(), "grade": grade, "building_code": building,
            "resident_district": DISTRICT_CODE,
            "address1": street, "city": town, "state": "MO", "zip": zip_code,
            "resides_in_missouri": 1,
            "gender": rng.choice(["F", "M"]),
            "home_language": "Spanish" if last in SPANISH_SURNAMES and rng.random() < 0.6 else
                             "Vietnamese" if last in {"Nguyễn", "Trần", "Lê", "Phạm"} and rng.random() < 0.4
                             else "English",
            "iep": int(rng.random() < 0.12), "section_504": int(rng.random() < 0.06),
            "mshsaa_activities": int(high_school and rng.random() < 0.35),
            "english_learner": int(rng.random() < 0.08),
            "active_virtual_courses": int(high_school and rng.random() < 0.05),
            "updated_at": "2026-08-01T07:30:00",
        })
        spanish = students[-1]["home_language"] == "Spanish"
        given: list[str] = []
        for n in range(1 if rng.random() < 0.3 else 2):
            first = rng.choice(GUARDIAN_FIRST)
            relationship = ["Mother", "Father", "Guardian", "Grandparent"][
                n if rng.random() < 0.9 else rng.randint(2, 3)]
            first = _guardian_first(first, relationship, given)
            given.append(first)
            guardians.append({
                "student_id": sid,
                "name": f"{first} {last}",
                "relationship": relationship,
                "phone": f"(573) 555-{rng.randint(1000, 9999)}",
                "email": f"family{sid}.{n}@mail.example",
                "address1": street, "city": town, "state": "MO", "zip": zip_code,
                "preferred_language": "es" if spanish else "en",
                "receives_letters": int(n == 0),
            })
        enrollments.extend(_history(rng, sid, birth, grade))
    return students, guardians, enrollments


def _history(rng: random.Random, sid: int, birth: date, grade: str) -> list[dict]:
    """An enrollment history; about one in ten is irregular to exercise rules R03 and R04."""
    g = 0 if grade == "K" else int(grade)
    k_entry = date(2026 - g, 8, 12).isoformat()
    base = {"student_id": sid, "school_kind": "public", "state": "MO", "full_time": 1, "exit": None}
    here = {**base, "district_code": DISTRICT_CODE, "school_name": "Maple Valley R-IV"}
    roll = rng.random() if g >= 2 else 1.0
    if roll < 0.04:  # transferred from another Missouri public district last summer
        return [{**base, "district_code": rng.choice(OTHER_DISTRICTS), "school_name": "Neighboring district",
                 "entry": k_entry, "exit": "2026-05-21"}, {**here, "entry": "2026-08-12"}]
    if roll < 0.065:  # arrived from a private school in October
        return [{**base, "district_code": DISTRICT_CODE, "school_kind": "private",
                 "school_name": "St. Brendan Academy", "entry": k_entry, "exit": "2026-10-02"},
                {**here, "entry": "2026-10-05"}]
    if roll < 0.08:  # arrived from out of state this fall
        return [{**base, "district_code": "000000", "school_kind": "out_of_state", "state": "KS",
                 "school_name": "Olathe, Kansas", "entry": k_entry, "exit": "2026-05-20"},
                {**here, "entry": "2026-08-12"}]
    if roll < 0.09:  # a gap: out for five weeks this fall (illness)
        return [{**here, "entry": k_entry, "exit": "2026-09-25"}, {**here, "entry": "2026-11-02"}]
    if roll < 0.095:  # homeschooled until this fall
        return [{**base, "district_code": DISTRICT_CODE, "school_kind": "home", "school_name": "Home school",
                 "entry": k_entry, "exit": "2026-05-21"}, {**here, "entry": "2026-08-12"}]
    return [{**here, "entry": k_entry}]


def _catalog(rng: random.Random) -> tuple[list[dict], list[dict]]:
    providers = [{"id": i, "name": name, "phone": phone, "email": "", "website": ""}
                 for i, (name, phone) in enumerate(PROVIDERS, start=1)]
    courses = []
    for provider in providers:
        for stem, title, subject, low, high, kind in COURSES:
            if rng.random() < 0.35:
                continue
            parts = [("A", f"{title} A", 0.5, "semester"), ("B", f"{title} B", 0.5, "semester")] \
                if kind == "AB" else [("FY", title, 1.0 if stem.startswith("AP") else 0.5, "year")]
            for suffix, name, credits, length in parts:
                courses.append({
                    "provider_id": provider["id"], "code": f"{stem}{suffix}", "title": name,
                    "subject": subject, "grade_low": low, "grade_high": high, "credits": credits,
                    "length": length, "price": 370.0 if length == "semester" else 740.0,
                    "program_code": "50" if provider["id"] % 3 else "52", "delivery": "V", "active": 1,
                })
    return providers, courses


# Requests in every state: (pathway, path of statuses after the initial one, business days ago
# received). Submitted ones spread from overdue to fresh so the queue shows red and amber rows.
REQUEST_PLAN = [
    ("part_time", [], 14), ("part_time", [], 12), ("part_time", [], 9), ("part_time", [], 8),
    ("part_time", [], 3), ("part_time", [], 1), ("part_time", [], 0),
    ("part_time", ["in_review"], 6), ("part_time", ["in_review"], 4),
    ("part_time", ["approved"], 30), ("part_time", ["approved"], 22),
    ("part_time", ["partially_approved"], 25), ("part_time", ["denied"], 20),
    ("part_time", ["denied", "board_appeal"], 35),
    ("part_time", ["denied", "board_appeal", "board_upheld"], 60),
    ("part_time", ["partially_approved", "board_appeal", "board_overturned"], 55),
    ("part_time", ["denied", "board_appeal", "board_upheld", "state_appeal"], 70),
    ("part_time", ["denied", "board_appeal", "board_upheld", "state_appeal", "state_upheld"], 90),
    ("part_time", ["denied", "board_appeal", "board_upheld", "state_appeal", "state_overturned"], 95),
    ("part_time", ["approved", "closed"], 120), ("part_time", ["withdrawn"], 15),
    ("full_time", [], 9), ("full_time", [], 2), ("full_time", ["input_sent"], 12),
    ("full_time", ["input_sent", "host_accepted"], 20),
    ("full_time", ["input_sent", "host_declined"], 25),
    ("full_time", ["input_sent", "host_accepted", "transferred"], 40),
    ("full_time", ["input_sent", "host_declined", "closed"], 80), ("full_time", ["withdrawn"], 5),
]
FAMILY_REASONS = ["Health", "Schedule or work", "Bullying or safety", "Course not offered",
                  "Learning pace", "Family moving"]


def _seed_requests(store: Store, rng: random.Random, today: date) -> None:
    from mocap_desktop.services import requests as svc

    calendar = svc.district_calendar(store)
    # Students with one plain enrollment, so every seeded decision passes the rules (R15).
    high_school = [r["id"] for r in store.query(
        "SELECT id FROM students WHERE grade IN ('9','10','11','12') AND id IN "
        "(SELECT student_id FROM enrollments GROUP BY student_id HAVING count(*) = 1) ORDER BY id")]
    plain = [r["id"] for r in store.query("SELECT id FROM students WHERE iep = 0 AND section_504 = 0 ORDER BY id")]
    plain = sorted(set(plain) & set(high_school))
    # Two fresh requests come from students whose history breaks the prior-semester rule:
    # one arrived from a private school (ineligible), one was out ill (waiver documented).
    irregular = {kind: [r["student_id"] for r in store.query(
        "SELECT DISTINCT e.student_id FROM enrollments e JOIN students s ON s.id = e.student_id "
        "WHERE s.grade IN ('9','10','11','12') AND " + where + " ORDER BY e.student_id")]
        for kind, where in (("private", "e.school_kind = 'private'"),
                            ("gap", "e.exit = '2026-09-25'"))}
    special = {2: ("private", None),
               4: ("gap", core.MedicalWaiver(True, date(2026, 11, 2), "school nurse"))}
    courses = store.query("SELECT c.id, c.code, c.title, c.credits, p.name AS provider, p.id AS provider_id "
                          "FROM courses c JOIN providers p ON p.id = c.provider_id "
                          "WHERE c.grade_low NOT IN ('6','7','8') ORDER BY c.id")
    for n, (pathway, path, days_ago) in enumerate(REQUEST_PLAN):
        kind, waiver = special.get(n, (None, None))
        # An IEP or 504 team's decision is not appealed to the board: appeals come from `plain`.
        pool = irregular[kind] if kind and irregular[kind] else plain if "board_appeal" in path else high_school
        student_id = rng.choice(pool)
        for some in (pool, high_school, plain):
            if student_id in some:
                some.remove(student_id)
        received = today
        for _ in range(days_ago):
            received = _previous_business_day(calendar, received)
        upcoming = [t for t in calendar.terms if t.start > received and calendar.prior_term(t.id)]
        term = upcoming[0] if upcoming else calendar.terms[-1]
        fewest = 2 if "partially_approved" in path else 1
        picked = rng.sample(courses, rng.randint(fewest, 3)) if pathway == "part_time" else []
        guardian = store.query("SELECT id, preferred_language FROM guardians WHERE student_id = ? "
                               "AND receives_letters = 1", (student_id,))[0]
        draft = svc.RequestDraft(
            student_id=student_id, pathway=pathway, start_term=term.id, received=received,
            in_person_credits=Decimal(rng.choice(["2.0", "2.5", "2.5", "3.0"])),
            courses=[svc.DraftCourse(c["code"], Decimal(str(c["credits"])), c["title"], c["provider"], c["id"])
                     for c in picked],
            provider_id=rng.choice(courses)["provider_id"] if pathway == "full_time" else None,
            host_district="099950" if pathway == "full_time" else "",
            family_reasons=rng.sample(FAMILY_REASONS, 2) if pathway == "full_time" else [],
            letter_guardian_id=guardian["id"], letter_language=guardian["preferred_language"],
            waiver=waiver,
        )
        stamp = f"{received.isoformat()}T09:{rng.randint(10, 59)}:00"
        request_id = svc.submit_request(store, draft, actor="Dana Whitfield (counselor)", at=stamp)
        _advance(store, calendar, request_id, path, received, days_ago, stamp[10:])


def _previous_business_day(calendar, day: date) -> date:
    day -= timedelta(days=1)
    while not calendar.is_business_day(day):
        day -= timedelta(days=1)
    return day


DENIAL_EXPLANATION = ("First-quarter grades and the teacher's notes show the student needs the in-person "
                      "course with daily teacher support this term; the counselor will review the request "
                      "again for next term.")
COUNSELOR, PRINCIPAL = "Dana Whitfield (counselor)", "Dr. Lena Ortiz"


def _advance(store: Store, calendar, request_id: int, path: list[str], received: date, days_ago: int,
             clock: str) -> None:
    """Walk a seeded request along its path through the review service (decision and appeal rows,
    the full-time steps and the transfer), spacing the steps between `received` and today. No
    letters are rendered here: the seed stays fast and the same on every run."""
    from mocap_desktop.services import review

    routing = store.query("SELECT routing FROM requests WHERE id = ?", (request_id,))[0]["routing"]
    codes = [r["code"] for r in store.query(
        "SELECT code FROM request_courses WHERE request_id = ? ORDER BY position", (request_id,))]
    for k, status in enumerate(path, start=1):
        day = received
        for _ in range(round(k * days_ago / (len(path) + 0.5))):
            day = calendar.add_business_days(day, 1)
        at = f"{day.isoformat()}{clock}"
        if status in ("approved", "partially_approved", "denied"):
            role = {"iep_team": "iep_team", "section_504_team": "section_504_team"}.get(routing, "principal")
            decisions = {c: "denied" if status == "denied" or (status == "partially_approved" and c == codes[-1])
                         else "approved" for c in codes}
            form = review.DecisionForm(
                courses=decisions, decided_by_role=role,
                decided_by_name=PRINCIPAL if role == "principal" else f"{role.replace('_', ' ')} (chair: {PRINCIPAL})",
                reasons=("ACADEMIC_READINESS",) if status != "approved" else (),
                explanation=DENIAL_EXPLANATION if status != "approved" else "",
                in_person_options_considered=True, decided_on=day)
            review.record_decision(store, request_id, form, actor=f"{PRINCIPAL} (principal)", at=at, letter=False)
        elif status in ("board_appeal", "state_appeal"):
            level = status.split("_")[0]
            appeal_id = review.record_appeal(store, request_id, review.AppealForm(
                level, day, hearing_on=day + timedelta(days=14) if level == "board" else None,
                documents=(review.Document("Family's written appeal", "Central office, MOCAP appeals binder"),)),
                actor=COUNSELOR, at=at)
            if level == "state" and k < len(path):
                review.record_state_record_sent(store, appeal_id, day + timedelta(days=1), COUNSELOR, at=at)
        elif status.startswith(("board_", "state_")):
            appeal = review.open_appeal(store, request_id)
            review.record_appeal_outcome(store, appeal["id"], status.split("_")[1], day, COUNSELOR, at=at,
                                         letter=False)
        elif status == "input_sent":
            review.record_input_sent(store, request_id, day, COUNSELOR, "Attendance and grades sent.", at=at,
                                     letter=False)
        elif status in ("host_accepted", "host_declined"):
            review.record_host_answer(store, request_id, status == "host_accepted", day, COUNSELOR, at=at)
        elif status == "transferred":
            review.record_transfer(store, request_id, day, COUNSELOR, records_sent_on=day, at=at)
        elif status == "in_review":
            review.start_review(store, request_id, COUNSELOR, at=at)
        elif status == "withdrawn":
            review.withdraw(store, request_id, COUNSELOR, "The family changed its mind.", at=at)
        else:
            review.close_request(store, request_id, COUNSELOR, at=at)


# The moves that bring a tracked course to each state, the oldest approvals furthest along.
TRACKING_PATHS = {
    "completed": ("sent_to_provider", "enrolled", "completed"), "dropped": ("sent_to_provider", "enrolled", "dropped"),
    "enrolled": ("sent_to_provider", "enrolled"), "withdrawn": ("sent_to_provider", "enrolled", "withdrawn"),
    "refused": ("sent_to_provider", "refused"), "sent_to_provider": ("sent_to_provider",), "approved": (),
}


def _seed_tracking(store: Store, today: date) -> None:
    """Walk the approved courses through the enrollment service so that every state of a tracked
    course appears, each step a few days after the one before (never after `today`)."""
    from mocap_desktop.core.enrollments import Move
    from mocap_desktop.services import enrollments

    rows = store.query("SELECT ce.id, ce.credits, ce.created_at FROM course_enrollments ce "
                       "JOIN requests r ON r.id = ce.request_id ORDER BY r.received, ce.id")
    targets = list(TRACKING_PATHS)
    for n, row in enumerate(rows):
        day = date.fromisoformat(row["created_at"][:10])
        for status in TRACKING_PATHS[targets[n % len(targets)]]:
            day = min(day + timedelta(days=3), today)
            move = Move(status, day, sent_by="Dana Whitfield", method="secure_email",
                        reason="The section is full this term.", grade="B+", credits=str(row["credits"]))
            enrollments.record_move(store, row["id"], move, COUNSELOR, at=f"{day.isoformat()}T10:00:00")


# The past school year (2025-26), in full, for the board's annual report: requests received each
# month (more before each term), decided within a few business days (some late), a few appeals,
# and their courses carried to an outcome.
PAST_YEAR_MONTHS = {7: 3, 8: 5, 9: 4, 10: 6, 11: 12, 12: 9, 1: 4, 2: 3, 3: 5, 4: 11, 5: 13, 6: 6}
PAST_YEAR_PATHS = [["approved"]] * 14 + [["partially_approved"]] * 3 + [["denied"]] * 2 + [
    ["denied", "board_appeal", "board_upheld"], ["partially_approved", "board_appeal", "board_overturned"],
    ["withdrawn"]]
SPRING_OUTCOMES = ["completed"] * 14 + ["dropped_inside", "dropped_after", "dropped_after", "withdrawn", "refused"]
FALL_OUTCOMES = ["enrolled"] * 12 + ["dropped_inside", "withdrawn", "refused", "sent_to_provider"]
DEMO_INVOICE = "demo-invoice.csv"  # written beside the demo database: `mocap-desktop reports invoice`
STATE_ADEQUACY_TARGET = ("6,375", "2026-27")  # synthetic: the demo's own figure, not the state's


def _seed_past_year(store: Store, rng: random.Random, today: date) -> None:
    """The 2025-26 school year's requests (received July 2025 to June 2026), through the same
    services as the rest of the seed."""
    from mocap_desktop.services import requests as svc

    calendar = svc.district_calendar(store)
    used = {r["student_id"] for r in store.query("SELECT student_id FROM requests")}
    pool = [r["id"] for r in store.query(
        "SELECT id FROM students WHERE grade IN ('10','11','12') AND iep = 0 AND section_504 = 0 AND id IN "
        "(SELECT student_id FROM enrollments GROUP BY student_id HAVING count(*) = 1) ORDER BY id")
        if r["id"] not in used]
    courses = store.query("SELECT c.id, c.code, c.title, c.credits, p.name AS provider FROM courses c "
                          "JOIN providers p ON p.id = c.provider_id WHERE c.grade_low NOT IN ('6','7','8') "
                          "AND (c.code GLOB '*A' OR c.length = 'year') ORDER BY c.id")
    for month, count in PAST_YEAR_MONTHS.items():
        year = 2025 if month >= 7 else 2026
        days = [d for d in (date(year, month, n) for n in range(1, 29)) if calendar.is_business_day(d)]
        for _ in range(count):
            received = rng.choice(days)
            if received >= today:
                continue
            path = rng.choice(PAST_YEAR_PATHS)
            upcoming = [t for t in calendar.terms if t.start > received and calendar.prior_term(t.id)]
            student_id = pool.pop(rng.randrange(len(pool)))
            picked = rng.sample(courses, 2 if "partially_approved" in path else rng.randint(1, 2))
            while len({c["code"] for c in picked}) < len(picked):
                picked = rng.sample(courses, len(picked))
            guardian = store.query("SELECT id, preferred_language FROM guardians WHERE student_id = ? "
                                   "AND receives_letters = 1", (student_id,))[0]
            draft = svc.RequestDraft(
                student_id=student_id, pathway="part_time", start_term=upcoming[0].id, received=received,
                in_person_credits=Decimal(rng.choice(["2.5", "3.0"])),
                courses=[svc.DraftCourse(c["code"], Decimal(str(c["credits"])), c["title"], c["provider"], c["id"])
                         for c in picked],
                letter_guardian_id=guardian["id"], letter_language=guardian["preferred_language"])
            stamp = f"{received.isoformat()}T10:{rng.randint(10, 59)}:00"
            request_id = svc.submit_request(store, draft, actor=COUNSELOR, at=stamp)
            delay = rng.choice([2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 12, 14])  # business days to decide
            _advance(store, calendar, request_id, path, received, round(delay * (len(path) + 0.5)), stamp[10:])
            _track_past(store, request_id, rng, today)


def _track_past(store: Store, request_id: int, rng: random.Random, today: date) -> None:
    """Carry a past request's approved courses with the provider: the spring's to an outcome,
    the fall's (still running) enrolled or on their way."""
    from mocap_desktop.core.enrollments import Move
    from mocap_desktop.services import enrollments

    for row in store.query("SELECT ce.id, ce.credits, ce.created_at, coalesce(r.start_date, t.start) AS start, "
                           "t.\"end\" AS finish FROM course_enrollments ce JOIN requests r ON r.id = ce.request_id "
                           "JOIN terms t ON t.id = r.start_term WHERE ce.request_id = ?", (request_id,)):
        start, finish = date.fromisoformat(row["start"]), date.fromisoformat(row["finish"])
        decided = date.fromisoformat(row["created_at"][:10])
        outcome = rng.choice(SPRING_OUTCOMES if finish < today else FALL_OUTCOMES)
        sent = decided + timedelta(days=2)
        steps = [("sent_to_provider", sent)]
        if outcome == "refused":
            steps.append(("refused", sent + timedelta(days=4)))
        elif outcome != "sent_to_provider":
            steps.append(("enrolled", sent + timedelta(days=5)))
            end = {"completed": finish, "dropped_inside": start + timedelta(days=7),
                   "dropped_after": start + timedelta(days=rng.randint(30, 60)),
                   "withdrawn": start + timedelta(days=rng.randint(20, 70))}.get(outcome)
            if end is not None:
                steps.append((outcome.split("_")[0], max(end, sent + timedelta(days=6))))
        for status, day in steps:
            if day > today:
                break
            move = Move(status, day, sent_by="Dana Whitfield", method="provider_portal",
                        reason="The provider's section is full.", grade=rng.choice(["A", "A-", "B+", "B", "C+", "C"]),
                        credits=str(row["credits"]))
            enrollments.record_move(store, row["id"], move, COUNSELOR, at=f"{day.isoformat()}T11:00:00")


def write_demo_invoice(store: Store, path) -> int:
    """An invoice from the demo's busiest provider for its courses of Spring 2026, as a provider
    would send it (CSV: student, course, amount), with the differences an office meets: one course
    billed above its cap, one billed that the provider refused, one owed and not billed. Returns
    how many lines it has."""
    import csv

    rows = store.query(
        "SELECT s.local_number, ce.code, ce.status, ce.drop_window, ce.provider_name, c.price FROM course_enrollments ce "
        "JOIN requests r ON r.id = ce.request_id JOIN students s ON s.id = r.student_id "
        "JOIN request_courses rc ON rc.id = ce.request_course_id LEFT JOIN courses c ON c.id = rc.course_id "
        "WHERE r.start_term = '2026-spring' AND ce.status != 'approved' ORDER BY ce.id")
    if not rows:
        return 0
    busiest = max(sorted({r["provider_name"] for r in rows}), key=lambda p: sum(r["provider_name"] == p for r in rows))
    mine = [r for r in rows if r["provider_name"] == busiest]
    lines = []
    for n, r in enumerate(mine):
        owed = r["status"] not in ("refused", "withdrawn") and not (r["status"] == "dropped" and r["drop_window"] == "inside")
        if n == len(mine) - 1 and len(mine) > 2:
            continue  # owed, and left off the invoice
        price = r["price"] or 370.0
        if n == 0:
            price += 120.0  # above the cap
        if owed or n == 1 or r["status"] == "refused":
            lines.append((r["local_number"], r["code"], f"{price:.2f}", busiest, "Spring 2026"))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(("Student ID", "Course ID", "Amount", "Provider", "Term"))
        writer.writerows(lines)
    return len(lines)


def keep_demo_invoice(store: Store, path) -> None:
    """The demo invoice checked, kept under the provider's number and paid as billed, so the
    cost by provider shows what was owed, invoiced and paid."""
    from decimal import Decimal

    from mocap_desktop.services.invoices import keep_invoice, reconcile_invoice, record_payment

    result = reconcile_invoice(store, path)
    for kept in keep_invoice(store, result, "2026-0412", date(2026, 6, 15)):
        amount = store.query("SELECT amount FROM provider_invoices WHERE id = ?", (kept,))[0]["amount"]
        record_payment(store, kept, date(2026, 7, 10), Decimal(str(amount)))


def ensure_demo_data(store: Store, today: date | None = None) -> bool:
    """Seed the demo district into an empty database. Returns True when it seeded.

    People, enrollments and the catalog are fixed; requests are dated back from `today`
    (default: the real date) so the review queue always has work due, overdue and fresh.
    """
    repo = DistrictRepo(store)
    if repo.profile() is not None:
        return False
    rng = random.Random(SEED)
    students, guardians, enrollments = _students(rng, ROSTER_DATE)
    providers, courses = _catalog(rng)
    with store.transaction() as db:
        repo.save_profile(PROFILE)
        repo.save_calendar(CalendarData(TERMS, _closed_days(), _no_school_days()))
        db["buildings"].insert_all(BUILDINGS)
        db["students"].insert_all(students, batch_size=500)
        db["guardians"].insert_all(guardians, batch_size=500)
        db["enrollments"].insert_all(enrollments, batch_size=500)
        db["providers"].insert_all(providers)
        db["courses"].insert_all(courses, batch_size=500)
        _seed_requests(store, rng, today or date.today())
        _seed_tracking(store, today or date.today())
        _seed_past_year(store, rng, today or date.today())
        db["settings"].upsert_all([{"key": "state_adequacy_target", "value": STATE_ADEQUACY_TARGET[0]},
                                   {"key": "state_adequacy_year", "value": STATE_ADEQUACY_TARGET[1]}], pk="key")
    return True


DEMO_LETTERS = {"submitted": "received", "approved": "approved", "partially_approved": "partially_approved",
                "denied": "denied", "input_sent": "full_time"}


def queue_demo_letters(store: Store) -> int:
    """Put the letters the seeded requests would have produced in the print center's queue, so
    the front desk's screen has work in the demo. Returns how many were queued."""
    from mocap_desktop.services.letters import LetterDataError, queue_request_letter

    queued = 0
    # The requests of REQUEST_PLAN, seeded first; the past year's letters went out long ago (and
    # would make the demo file too large to be checked whole as it opens).
    for row in store.query("SELECT id, status FROM requests WHERE id <= ? ORDER BY id", (len(REQUEST_PLAN),)):
        kind = DEMO_LETTERS.get(row["status"])
        if kind is None:
            continue
        try:
            queue_request_letter(store, row["id"], kind, actor=COUNSELOR)
        except LetterDataError:
            continue
        queued += 1
    return queued

