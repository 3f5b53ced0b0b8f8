"""Named, ordered schema migrations. `PRAGMA user_version` is the number applied.

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str


GRADES = "('K','1','2','3','4','5','6','7','8','9','10','11','12')"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "0001_district_and_calendar",
        """
        CREATE TABLE schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL,
            applied_at TEXT NOT NULL, app_version TEXT NOT NULL);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE district (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            code TEXT NOT NULL CHECK (length(code) = 6 AND code NOT GLOB '*[^0-9]*'),
            name TEXT NOT NULL,
            address1 TEXT NOT NULL DEFAULT '', address2 TEXT NOT NULL DEFAULT '',
            city TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT 'MO',
            zip TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '', website TEXT NOT NULL DEFAULT '',
            logo_path TEXT NOT NULL DEFAULT '',
            contact_name TEXT NOT NULL DEFAULT '', contact_title TEXT NOT NULL DEFAULT '',
            contact_phone TEXT NOT NULL DEFAULT '', contact_email TEXT NOT NULL DEFAULT '',
            signer_name TEXT NOT NULL DEFAULT '', signer_title TEXT NOT NULL DEFAULT '',
            policy_reference TEXT NOT NULL DEFAULT 'Board Policy 6190/6191');
        CREATE TABLE terms (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, school_year INTEGER NOT NULL,
            start TEXT NOT NULL, "end" TEXT NOT NULL, position INTEGER NOT NULL UNIQUE,
            CHECK (start <= "end"));
        CREATE TABLE closed_days (day TEXT PRIMARY KEY, reason TEXT NOT NULL DEFAULT '');
        CREATE TABLE policy_profiles (
            id TEXT NOT NULL, version TEXT NOT NULL, effective_date TEXT NOT NULL,
            body TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (id, version));
        """,
    ),
    Migration(
        "0002_students_guardians_enrollments",
        f"""
        CREATE TABLE buildings (
            code TEXT PRIMARY KEY CHECK (length(code) = 4),
            name TEXT NOT NULL, grade_low TEXT, grade_high TEXT);
        CREATE TABLE students (
            id INTEGER PRIMARY KEY,
            local_number TEXT NOT NULL UNIQUE,
            mosis_id TEXT UNIQUE
                CHECK (mosis_id IS NULL OR (length(mosis_id) = 10 AND mosis_id NOT GLOB '*[^0-9]*')),
            last_name TEXT NOT NULL, first_name TEXT NOT NULL,
            middle_name TEXT NOT NULL DEFAULT '', preferred_name TEXT NOT NULL DEFAULT '',
            birth_date TEXT NOT NULL,
            grade TEXT NOT NULL CHECK (grade IN {GRADES}),
            building_code TEXT REFERENCES buildings(code),
            resident_district TEXT NOT NULL,
            address1 TEXT NOT NULL DEFAULT '', address2 TEXT NOT NULL DEFAULT '',
            city TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT 'MO',
            zip TEXT NOT NULL DEFAULT '',
            resides_in_missouri INTEGER NOT NULL DEFAULT 1,
            gender TEXT NOT NULL DEFAULT '', home_language TEXT NOT NULL DEFAULT '',
            iep INTEGER NOT NULL DEFAULT 0, section_504 INTEGER NOT NULL DEFAULT 0,
            mshsaa_activities INTEGER NOT NULL DEFAULT 0,
            english_learner INTEGER NOT NULL DEFAULT 0,
            active_virtual_courses INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL DEFAULT '');
        CREATE INDEX students_building ON students(building_code);
        CREATE TABLE guardians (
            id INTEGER PRIMARY KEY,
            student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
            name TEXT NOT NULL, relationship TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
            address1 TEXT NOT NULL DEFAULT '', address2 TEXT NOT NULL DEFAULT '',
            city TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT '',
            zip TEXT NOT NULL DEFAULT '',
            preferred_language TEXT NOT NULL DEFAULT 'en',
            receives_letters INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX guardians_student ON guardians(student_id);
        CREATE TABLE enrollments (
            id INTEGER PRIMARY KEY,
            student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
            district_code TEXT NOT NULL, school_name TEXT NOT NULL DEFAULT '',
            school_kind TEXT NOT NULL
                CHECK (school_kind IN ('public','charter','private','home','out_of_state')),
            state TEXT NOT NULL DEFAULT 'MO', full_time INTEGER NOT NULL DEFAULT 1,
            entry TEXT NOT NULL, exit TEXT,
            CHECK (exit IS NULL OR exit >= entry));
        CREATE INDEX enrollments_student ON enrollments(student_id, entry);
        """,
    ),
    Migration(
        "0003_course_catalog",
        """
        CREATE TABLE providers (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
            phone TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
            website TEXT NOT NULL DEFAULT '');
        CREATE TABLE courses (
            id INTEGER PRIMARY KEY,
            provider_id INTEGER NOT NULL REFERENCES providers(id),
            code TEXT NOT NULL, title TEXT NOT NULL, subject TEXT NOT NULL DEFAULT '',
            grade_low TEXT NOT NULL DEFAULT '', grade_high TEXT NOT NULL DEFAULT '',
            credits REAL NOT NULL CHECK (credits >= 0),
            length TEXT NOT NULL CHECK (length IN ('semester','year')),
            price REAL CHECK (price IS NULL OR price >= 0),
            program_code TEXT NOT NULL DEFAULT '50', delivery TEXT NOT NULL DEFAULT 'V',
            active INTEGER NOT NULL DEFAULT 1,
            UNIQUE (provider_id, code));
        CREATE INDEX courses_title ON courses(title COLLATE NOCASE);
        """,
    ),
    Migration(
        "0004_requests",
        """
        CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE,
            student_id INTEGER NOT NULL REFERENCES students(id),
            pathway TEXT NOT NULL CHECK (pathway IN ('part_time','full_time')),
            status TEXT NOT NULL,
            start_term TEXT NOT NULL REFERENCES terms(id),
            received TEXT NOT NULL,
            in_person_credits REAL NOT NULL DEFAULT 0 CHECK (in_person_credits >= 0),
            routing TEXT NOT NULL,
            eligible INTEGER NOT NULL,
            decision_due TEXT, input_due TEXT, deemed_approved_on TEXT,
            policy_id TEXT NOT NULL, policy_version TEXT NOT NULL,
            evaluation TEXT NOT NULL,
            waiver_documented INTEGER, waiver_document_date TEXT, waiver_verified_by TEXT,
            provider_id INTEGER REFERENCES providers(id),
            host_district TEXT NOT NULL DEFAULT '',
            family_reasons TEXT NOT NULL DEFAULT '[]',
            letter_guardian_id INTEGER REFERENCES guardians(id),
            letter_language TEXT NOT NULL DEFAULT 'en',
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE INDEX requests_student ON requests(student_id);
        CREATE INDEX requests_status ON requests(status, decision_due);
        CREATE TABLE request_courses (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
            course_id INTEGER REFERENCES courses(id),
            position INTEGER NOT NULL, code TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
            provider_name TEXT NOT NULL DEFAULT '', credits REAL NOT NULL CHECK (credits >= 0),
            fte TEXT, decision TEXT CHECK (decision IS NULL OR decision IN ('approved','denied')),
            UNIQUE (request_id, position));
        CREATE TABLE request_events (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
            at TEXT NOT NULL, actor TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}');
        CREATE INDEX request_events_request ON request_events(request_id, at);
        """,
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
