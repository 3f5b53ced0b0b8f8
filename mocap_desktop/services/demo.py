"""The demo district: synthetic, deterministic data that exercises every rule and screen.

Every person here is invented (fixed random seed); names mix the spellings a Missouri
roster really carries (Nguyễn, Peña, Łukasz, Zoë, Hodžić) so every screen and letter
shows them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from mocap_desktop.store import Store
from mocap_desktop.store.district import CalendarData, DistrictProfile, DistrictRepo, TermRow

SEED = 20261127
DISTRICT_CODE = "099901"
STUDENT_COUNT = 2000

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


def _closed_days() -> dict[str, str]:
    def span(first: str, last: str, reason: str) -> dict[str, str]:
        d, end, out = date.fromisoformat(first), date.fromisoformat(last), {}
        while d <= end:
            if d.weekday() < 5:
                out[d.isoformat()] = reason
            d += timedelta(days=1)
        return out

    days = {
        "2025-09-01": "Labor Day", "2025-10-13": "Professional development",
        "2026-01-19": "Martin Luther King Jr. Day", "2026-02-16": "Presidents' Day",
        "2026-04-03": "Good Friday", "2026-09-07": "Labor Day",
        "2026-10-12": "Professional development",
        "2027-01-18": "Martin Luther King Jr. Day", "2027-02-15": "Presidents' Day",
        "2027-03-26": "Good Friday",
    }
    days |= span("2025-11-26", "2025-11-28", "Thanksgiving break")
    days |= span("2025-12-22", "2026-01-02", "Winter break")
    days |= span("2026-03-16", "2026-03-20", "Spring break")
    days |= span("2026-11-25", "2026-11-27", "Thanksgiving break")
    days |= span("2026-12-21", "2027-01-01", "Winter break")
    days |= span("2027-03-15", "2027-03-19", "Spring break")
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
        for n in range(1 if rng.random() < 0.3 else 2):
            guardians.append({
                "student_id": sid,
                "name": f"{rng.choice(GUARDIAN_FIRST)} {last}",
                "relationship": ["Mother", "Father", "Guardian", "Grandparent"][
                    n if rng.random() < 0.9 else rng.randint(2, 3)],
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
    if roll < 0.065:  # arrived from a private school in January
        return [{**base, "district_code": DISTRICT_CODE, "school_kind": "private",
                 "school_name": "St. Brendan Academy", "entry": k_entry, "exit": "2025-12-19"},
                {**here, "entry": "2026-01-05"}]
    if roll < 0.08:  # arrived from out of state this fall
        return [{**base, "district_code": "000000", "school_kind": "out_of_state", "state": "KS",
                 "school_name": "Olathe, Kansas", "entry": k_entry, "exit": "2026-05-20"},
                {**here, "entry": "2026-08-12"}]
    if roll < 0.09:  # a gap: withdrew in the fall of 2025 (illness), back in spring
        return [{**here, "entry": k_entry, "exit": "2025-10-03"}, {**here, "entry": "2026-01-05"}]
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


def ensure_demo_data(store: Store, today: date | None = None) -> bool:
    """Seed the demo district into an empty database. Returns True when it seeded."""
    repo = DistrictRepo(store)
    if repo.profile() is not None:
        return False
    rng = random.Random(SEED)
    today = today or date(2026, 11, 27)
    students, guardians, enrollments = _students(rng, today)
    providers, courses = _catalog(rng)
    with store.transaction() as db:
        repo.save_profile(PROFILE)
        repo.save_calendar(CalendarData(TERMS, _closed_days()))
        db["buildings"].insert_all(BUILDINGS)
        db["students"].insert_all(students, batch_size=500)
        db["guardians"].insert_all(guardians, batch_size=500)
        db["enrollments"].insert_all(enrollments, batch_size=500)
        db["providers"].insert_all(providers)
        db["courses"].insert_all(courses, batch_size=500)
    return True
