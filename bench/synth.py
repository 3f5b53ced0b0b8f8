"""Synthetic rosters for the benchmarks: invented people only, deterministic for a seed."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

LAST = (
    "Anderson Baker Brooks Carter Collins Davis Edwards Evans Fischer Foster Garcia Gray Hall "
    "Harris Hughes Jackson Jenkins Johnson Kelly King Lewis Meyer Miller Mitchell Moore Morgan "
    "Murphy Nelson Parker Peterson Phillips Reed Roberts Russell Schmidt Scott Stewart Sullivan "
    "Taylor Thomas Turner Walker Ward Watson White Williams Wilson Wright Young Smith Brown Jones "
    "Peña Hernández Martínez López González Rodríguez Ramírez Muñoz Ortiz Jiménez Nguyễn Trần Lê "
    "Phạm Hoàng Võ Đặng Kowalski Wiśniewski Łukaszewicz Nowak Hodžić Begović Kovačević O'Brien "
    "O'Neal Dubois Lefèvre Müller Schäfer Yamamoto Kim Park Okafor Adeyemi Haddad Said Castillo "
    "Vargas Romero Alvarez Mendoza Delgado Herrera Medina Aguilar Guerrero Sandoval Zimmerman "
    "Becker Hoffmann Wagner Koch Richter Klein Wolf Neumann Schwarz Braun Hofmann Hartmann "
    "Lange Krause Lehmann Köhler Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn"
).split()
FIRST = (
    "Aiden Amelia Ava Benjamin Brooklyn Caleb Charlotte Chloé Daniel Dylan Elijah Ella Emma Ethan "
    "Evelyn Grace Hannah Harper Isaac Isabella Jack Jackson James Layla Liam Lily Logan Lucas "
    "Madison Mason Mia Noah Olivia Owen Riley Ryan Samuel Sophia Wyatt Zoë Renée José María Sofía "
    "Mateo Valentina Santiago Camila Joaquín Ximena Thảo Minh Huy Ngọc Anh Łukasz Zofia Krzysztof "
    "Małgorzata Amra Dženan Emir Lejla Aylin Amir Fatima Kwame Chidi Ji-woo Søren Björn Anaïs Noé "
    "Abigail Addison Aubrey Audrey Avery Bentley Brayden Carson Cooper Easton Eli Gabriel Gavin "
    "Henry Hudson Hunter Jaxon Jayden John Jordan Joseph Josiah Julian Kayden Landon Leah Levi "
    "Lincoln Luke Matthew Nathan Nora Paisley Penelope Savannah Scarlett Stella Victoria Violet"
).split()
PREFERRED = {"Benjamin": "Ben", "Samuel": "Sam", "Isabella": "Bella", "Krzysztof": "Kris",
             "Elijah": "Eli", "Daniel": "Danny", "Małgorzata": "Gosia", "Matthew": "Matt"}
GRADES = ["K", *map(str, range(1, 13))]
BUILDINGS = [("1050", "Maple Valley Elementary"), ("1060", "Cedar Ridge Elementary"),
             ("3000", "Maple Valley Middle School"), ("4000", "Maple Valley High School")]

HEADER = ["Student Number", "State ID", "Last Name", "First Name", "Middle Name", "Preferred Name",
          "Birthdate", "Grade", "School Code", "Gender", "Home Language", "Address", "City",
          "Zip", "IEP", "504", "EL", "Guardian First Name", "Guardian Last Name",
          "Guardian Relationship", "Guardian Home Phone", "Guardian Email"]


def people(n: int, seed: int = 7):
    """Yield `n` invented students as tuples in HEADER order (IDs unique, dates M/D/YYYY)."""
    rng = random.Random(seed)
    today = date.today()
    school_year = today.year if today.month >= 7 else today.year - 1
    for i in range(n):
        last, first = rng.choice(LAST), rng.choice(FIRST)
        middle = rng.choice(FIRST) if rng.random() < 0.5 else ""
        grade = rng.choice(GRADES)
        # A birth date that fits the grade: 5 on 1 September in kindergarten, 6 in grade 1, …
        born = (date(school_year - 6 - (0 if grade == "K" else int(grade)), 9, 2)
                + timedelta(days=rng.randrange(0, 365)))
        school = BUILDINGS[0 if grade in ("K", "1", "2", "3", "4", "5") and i % 2 else
                           1 if grade in ("K", "1", "2", "3", "4", "5") else
                           2 if grade in ("6", "7", "8") else 3][0]
        yield (
            f"S{100000 + i}", f"{1000000000 + i * 7 % 8999999999:010d}", last, first, middle,
            PREFERRED.get(first, ""), f"{born.month}/{born.day}/{born.year}", grade, school,
            rng.choice("FM"), "Spanish" if last in ("Peña", "López", "Muñoz") else "English",
            f"{rng.randrange(100, 9999)} Oak Street", "Maple Valley", "65999",
            "Y" if rng.random() < 0.12 else "N", "Y" if rng.random() < 0.05 else "N", "N",
            rng.choice(FIRST), last, rng.choice(["Mother", "Father", "Grandmother", "Guardian"]),
            f"(573) 555-{rng.randrange(0, 10000):04d}", f"family{i}@example.org",
        )


def write_csv(path: Path, n: int, seed: int = 7) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        out.writerows(people(n, seed))
    return path


def fill_store(store, n: int, seed: int = 7, chunk: int = 50_000) -> None:
    """Insert `n` invented students straight into the tables (fast), then build the index."""
    from mocap_desktop.store.students import StudentRepo

    conn = store.conn
    with store.transaction():
        conn.executemany("INSERT OR IGNORE INTO buildings (code, name) VALUES (?, ?)", BUILDINGS)
        batch = []
        for p in people(n, seed):
            m, d, y = p[6].split("/")
            batch.append((p[0], p[1], p[2], p[3], p[4], p[5], f"{y}-{int(m):02d}-{int(d):02d}",
                          p[7], p[8], "099901"))
            if len(batch) >= chunk:
                _insert(conn, batch)
                batch = []
        _insert(conn, batch)
    StudentRepo(store).refresh_index()


def _insert(conn, batch) -> None:
    conn.executemany(
        "INSERT INTO students (local_number, mosis_id, last_name, first_name, middle_name, "
        "preferred_name, birth_date, grade, building_code, resident_district) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)", batch)


def write_oneroster(path: Path, n: int, seed: int = 7) -> Path:
    """A OneRoster 1.2 zip of `n` invented students (the same people as `people`), each with
    one or two guardians (their own users, linked by relationships.csv), roles for everyone,
    demographics and the district's schools in orgs.csv."""
    import io
    import zipfile

    def table(header: list[str], rows) -> bytes:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        return out.getvalue().encode("utf-8")

    stamp = "2026-08-01T12:00:00.000Z"
    orgs = [("d-1", "active", stamp, "Maple Valley R-IV", "district", "099901", ""),
            *((f"s-{code}", "active", stamp, name, "school", code, "d-1") for code, name in BUILDINGS)]
    users, roles, relationships, demographics = [], [], [], []
    for i, p in enumerate(people(n, seed)):
        (local, mosis, last, first, middle, preferred, born, grade, school, sex, _lang, _addr, _city,
         _zip, _iep, _504, _el, g_first, g_last, g_rel, g_phone, g_email) = p
        sid = f"u-{i}"
        m, d, y = born.split("/")
        users.append((sid, "active", stamp, "true", f"{first.lower()}.{i}", f"{{MOSIS:{mosis}}},{{SIS:{local}}}",
                      first, last, middle, local, "", "", "", "", "KG" if grade == "K" else f"{int(grade):02d}",
                      "", "", "", preferred, "", "", f"s-{school}", ""))
        roles.append((f"r-{i}", "active", stamp, sid, "primary", "student", "", "", f"s-{school}", ""))
        demographics.append((sid, "active", stamp, f"{y}-{int(m):02d}-{int(d):02d}",
                             "female" if sex == "F" else "male"))
        for k, (gf, rel) in enumerate([(g_first, g_rel), *([(FIRST[i % len(FIRST)], "Guardian")] if i % 3 == 0 else [])]):
            gid = f"g-{i}-{k}"
            users.append((gid, "active", stamp, "true", f"g{i}{k}", "", gf, g_last, "", "", g_email if k == 0 else "",
                          "", g_phone if k == 0 else "", "", "", "", "", "", "", "", "", "", ""))
            roles.append((f"r-{i}-{k}", "active", stamp, gid, "primary", "parent" if k == 0 else "guardian",
                          "", "", f"s-{school}", ""))
            relationships.append((f"l-{i}-{k}", "active", stamp, sid, gid, "parent" if k == 0 else "guardian"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.csv", table(["propertyName", "value"], [
            ("manifest.version", "1.0"), ("oneroster.version", "1.2"), ("file.users", "bulk"),
            ("file.orgs", "bulk"), ("file.roles", "bulk"), ("file.demographics", "bulk"),
            ("file.relationships", "bulk"), ("file.enrollments", "absent"), ("file.classes", "absent"),
            ("file.academicSessions", "absent"), ("source.systemName", "Synthetic SIS")]))
        z.writestr("orgs.csv", table(["sourcedId", "status", "dateLastModified", "name", "type", "identifier",
                                      "parentSourcedId"], orgs))
        z.writestr("users.csv", table(
            ["sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName",
             "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
             "password", "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName",
             "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId", "pronouns"], users))
        z.writestr("roles.csv", table(["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType",
                                       "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"],
                                      roles))
        z.writestr("relationships.csv", table(["sourcedId", "status", "dateLastModified", "userSourcedId",
                                               "relationshipUserSourcedId", "relationshipRole"], relationships))
        z.writestr("demographics.csv", table(["sourcedId", "status", "dateLastModified", "birthDate", "sex"],
                                             demographics))
    return path
