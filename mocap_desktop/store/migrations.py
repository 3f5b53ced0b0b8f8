"""Named, ordered schema migrations. `PRAGMA user_version` is the number applied.

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str
    # True when `sql` rebuilds a table other tables refer to (create the new one, copy, drop,
    # rename): it then runs with foreign keys off and every reference is checked before commit.
    rebuilds_tables: bool = False


GRADES = "('K','1','2','3','4','5','6','7','8','9','10','11','12')"

# The search triggers on students as 0012 made them; 0013 rebuilds the table and makes them
# again. Never change this text: write a new migration instead.
_SEARCH_TRIGGERS = """
        CREATE TRIGGER students_search_update
        AFTER UPDATE OF id, last_name, first_name, preferred_name, local_number, mosis_id
        ON students
        WHEN NEW.id IS NOT OLD.id OR NEW.last_name IS NOT OLD.last_name
            OR NEW.first_name IS NOT OLD.first_name OR NEW.preferred_name IS NOT OLD.preferred_name
            OR NEW.local_number IS NOT OLD.local_number OR NEW.mosis_id IS NOT OLD.mosis_id
        BEGIN
            INSERT INTO student_search_stale VALUES (OLD.id, OLD.last_name, OLD.first_name,
                OLD.preferred_name, OLD.local_number, OLD.mosis_id);
            INSERT INTO student_search_gaps SELECT OLD.id, OLD.id WHERE NEW.id IS NOT OLD.id
                UNION ALL SELECT NEW.id, NEW.id WHERE NEW.id IS NOT OLD.id;
        END;
        CREATE TRIGGER students_search_delete AFTER DELETE ON students BEGIN
            INSERT INTO student_search_stale VALUES (OLD.id, OLD.last_name, OLD.first_name,
                OLD.preferred_name, OLD.local_number, OLD.mosis_id);
            INSERT INTO student_search_gaps VALUES (OLD.id, OLD.id);
        END;
"""


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
    Migration(
        "0005_student_search_and_import_mappings",
        """
        CREATE TABLE student_search (
            student_id INTEGER PRIMARY KEY, sort_key TEXT NOT NULL, tokens TEXT NOT NULL);
        CREATE INDEX student_search_sort ON student_search(sort_key, student_id);
        CREATE TABLE student_tokens (
            token TEXT NOT NULL, sort_key TEXT NOT NULL, student_id INTEGER NOT NULL,
            PRIMARY KEY (token, sort_key, student_id)) WITHOUT ROWID;
        CREATE TABLE student_search_dirty (student_id INTEGER PRIMARY KEY);
        CREATE TABLE student_search_gone (
            student_id INTEGER NOT NULL, sort_key TEXT NOT NULL, tokens TEXT NOT NULL);
        CREATE TRIGGER students_search_insert AFTER INSERT ON students BEGIN
            INSERT OR IGNORE INTO student_search_dirty VALUES (NEW.id);
        END;
        CREATE TRIGGER students_search_update AFTER UPDATE ON students
        WHEN NEW.last_name IS NOT OLD.last_name
            OR NEW.first_name IS NOT OLD.first_name OR NEW.middle_name IS NOT OLD.middle_name
            OR NEW.preferred_name IS NOT OLD.preferred_name
            OR NEW.local_number IS NOT OLD.local_number OR NEW.mosis_id IS NOT OLD.mosis_id
        BEGIN
            INSERT OR IGNORE INTO student_search_dirty VALUES (NEW.id);
        END;
        CREATE TRIGGER students_search_delete AFTER DELETE ON students BEGIN
            INSERT INTO student_search_gone
                SELECT student_id, sort_key, tokens FROM student_search WHERE student_id = OLD.id;
            DELETE FROM student_search WHERE student_id = OLD.id;
            DELETE FROM student_search_dirty WHERE student_id = OLD.id;
        END;
        INSERT INTO student_search_dirty SELECT id FROM students;
        CREATE TABLE import_mappings (
            kind TEXT NOT NULL, name TEXT NOT NULL, columns TEXT NOT NULL,
            saved_at TEXT NOT NULL, PRIMARY KEY (kind, name));
        """,
    ),
    Migration(
        "0006_wizard_drafts_and_catalog_details",
        """
        CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL DEFAULT 'request',
            student_id INTEGER REFERENCES students(id) ON DELETE CASCADE,
            page TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '{}',
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE INDEX drafts_updated ON drafts(kind, updated_at);
        ALTER TABLE courses ADD COLUMN segment TEXT NOT NULL DEFAULT ''
            CHECK (segment IN ('', 'A', 'B', 'FY'));
        ALTER TABLE courses ADD COLUMN source TEXT NOT NULL DEFAULT '';
        ALTER TABLE courses ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
        UPDATE courses SET segment = CASE
            WHEN length = 'year' THEN 'FY'
            WHEN upper(code) GLOB '*A' THEN 'A'
            WHEN upper(code) GLOB '*B' THEN 'B'
            ELSE '' END;
        CREATE INDEX courses_code ON courses(code COLLATE NOCASE);
        CREATE INDEX providers_name ON providers(name COLLATE NOCASE);
        ALTER TABLE requests ADD COLUMN start_date TEXT;
        """,
    ),
    Migration(
        "0007_decisions_and_appeals",
        """
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
            outcome TEXT NOT NULL CHECK (outcome IN ('approve','deny','partial')),
            reasons TEXT NOT NULL DEFAULT '[]',
            explanation TEXT NOT NULL DEFAULT '',
            decided_by_role TEXT NOT NULL,
            decided_by_name TEXT NOT NULL DEFAULT '',
            in_person_options_considered INTEGER NOT NULL DEFAULT 0,
            decided_on TEXT NOT NULL,
            policy_id TEXT NOT NULL, policy_version TEXT NOT NULL,
            findings TEXT NOT NULL DEFAULT '[]',
            recorded_by TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL);
        CREATE INDEX decisions_request ON decisions(request_id, id);
        CREATE TABLE appeals (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
            level TEXT NOT NULL CHECK (level IN ('board','state')),
            filed_on TEXT NOT NULL, hearing_on TEXT,
            decision_due TEXT NOT NULL, record_due TEXT, record_sent_on TEXT,
            outcome TEXT CHECK (outcome IS NULL OR outcome IN ('upheld','overturned')),
            outcome_on TEXT,
            documents TEXT NOT NULL DEFAULT '[]',
            notes TEXT NOT NULL DEFAULT '',
            policy_id TEXT NOT NULL, policy_version TEXT NOT NULL,
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            CHECK ((outcome IS NULL) = (outcome_on IS NULL)));
        CREATE INDEX appeals_request ON appeals(request_id, id);
        CREATE TABLE full_time_steps (
            request_id INTEGER PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
            input_sent_on TEXT, input_summary TEXT NOT NULL DEFAULT '',
            host_answer TEXT CHECK (host_answer IS NULL OR host_answer IN ('accepted','declined')),
            host_answered_on TEXT, host_note TEXT NOT NULL DEFAULT '',
            unenrollment_date TEXT, records_sent_on TEXT,
            exited_enrollment_id INTEGER, host_enrollment_id INTEGER,
            updated_at TEXT NOT NULL);
        CREATE INDEX requests_received ON requests(received);
        """,
    ),
    Migration(
        "0008_letters_and_disclosures",
        """
        CREATE TABLE letters (
            id INTEGER PRIMARY KEY,
            request_id INTEGER REFERENCES requests(id) ON DELETE SET NULL,
            student_id INTEGER NOT NULL REFERENCES students(id),
            guardian_id INTEGER REFERENCES guardians(id) ON DELETE SET NULL,
            kind TEXT NOT NULL CHECK (kind IN ('received','approved','partially_approved','denied',
                                               'full_time','annual_notice')),
            language TEXT NOT NULL CHECK (language IN ('en','es')),
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','printed')),
            reference TEXT NOT NULL DEFAULT '',
            recipient_name TEXT NOT NULL, recipient_address TEXT NOT NULL,
            recipient_zip TEXT NOT NULL DEFAULT '',
            student_name TEXT NOT NULL, students TEXT NOT NULL DEFAULT '[]',
            file TEXT NOT NULL, first_page INTEGER NOT NULL DEFAULT 1,
            page_count INTEGER NOT NULL CHECK (page_count >= 1),
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            batch TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, created_by TEXT NOT NULL DEFAULT '',
            printed_at TEXT, print_count INTEGER NOT NULL DEFAULT 0 CHECK (print_count >= 0),
            CHECK ((status = 'printed') = (printed_at IS NOT NULL)));
        CREATE INDEX letters_queue ON letters(status, recipient_zip, recipient_name);
        CREATE INDEX letters_request ON letters(request_id, kind);
        CREATE INDEX letters_student ON letters(student_id);
        CREATE TABLE disclosures (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            student_id INTEGER NOT NULL REFERENCES students(id),
            letter_id INTEGER REFERENCES letters(id) ON DELETE SET NULL,
            records TEXT NOT NULL,
            recipient TEXT NOT NULL,
            legal_basis TEXT NOT NULL,
            interest TEXT NOT NULL,
            consent_reference TEXT NOT NULL DEFAULT '',
            staff TEXT NOT NULL);
        CREATE INDEX disclosures_student ON disclosures(student_id, at);
        """,
    ),
    Migration(
        "0009_review_queue_index",
        # The queue reads these columns of every request on each filter change; a covering index
        # keeps it off the wide rows (each holds its findings snapshot).
        """
        CREATE INDEX requests_queue ON requests(
            status, pathway, routing, received, decision_due, deemed_approved_on, input_due,
            student_id, reference);
        """,
    ),
    Migration(
        "0010_people_and_audit_trail",
        # People who may sign in (their wrapped keys live in the key file beside the database)
        # and the append-only, hash-chained audit trail (see store/audit.py).
        """
        CREATE TABLE people (
            login TEXT PRIMARY KEY COLLATE NOCASE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL
                CHECK (role IN ('administrator','counselor','decider','front_desk')),
            title TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,
            student_id INTEGER, request_id INTEGER, detail TEXT NOT NULL DEFAULT '{}',
            prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE INDEX audit_student ON audit_log(student_id, at);
        CREATE INDEX audit_actor ON audit_log(actor, at);
        CREATE INDEX audit_action ON audit_log(action, at);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """,
    ),
    Migration(
        "0011_letter_files",
        # Each parent letter's PDF inside the encrypted database, not as a plain file in the data
        # folder: `letters.file` is the key, `letters.sha256` is still checked on every read. Files
        # an older version left under letters/ are moved in by services.letters.adopt_letter_files.
        """
        CREATE TABLE letter_files (
            file TEXT PRIMARY KEY,
            pdf BLOB NOT NULL);
        """,
    ),
    Migration(
        "0012_lean_student_search",
        # One table for the search index (see store/students.py): each student's '' row, in
        # name order, and a row for each further word; MOSIS IDs are searched through students'
        # own index. No trigger on insert: new students are found in student_search_gaps, the
        # id ranges that held no student when the index was last brought up to date. Changed
        # and deleted students leave their old values in student_search_stale. The index is
        # rebuilt on first use.
        f"""
        DROP TRIGGER students_search_insert;
        DROP TRIGGER students_search_update;
        DROP TRIGGER students_search_delete;
        DROP TABLE student_search;
        DROP TABLE student_search_dirty;
        DROP TABLE student_search_gone;
        DROP TABLE student_tokens;
        DELETE FROM settings WHERE key = 'students.search_index';
        CREATE TABLE student_tokens (
            token TEXT NOT NULL, sort_key TEXT NOT NULL, student_id INTEGER NOT NULL,
            PRIMARY KEY (token, sort_key, student_id)) WITHOUT ROWID;
        CREATE TABLE student_search_gaps (low INTEGER NOT NULL, high INTEGER NOT NULL);
        INSERT INTO student_search_gaps VALUES (-9223372036854775808, 9223372036854775807);
        CREATE TABLE student_search_stale (
            student_id INTEGER NOT NULL, last_name TEXT NOT NULL, first_name TEXT NOT NULL,
            preferred_name TEXT NOT NULL, local_number TEXT NOT NULL, mosis_id TEXT);
        {_SEARCH_TRIGGERS}
        """,
    ),
    Migration(
        "0013_students_grade_check_without_a_list",
        # The same table, its grade checked by GLOB instead of `IN (list)`: SQLite builds the
        # list afresh for every row written, which cost a third of a bulk insert. Rows, ids and
        # everything that refers to students stay as they are.
        f"""
        CREATE TABLE students_rebuilt (
            id INTEGER PRIMARY KEY,
            local_number TEXT NOT NULL UNIQUE,
            mosis_id TEXT UNIQUE
                CHECK (mosis_id IS NULL OR (length(mosis_id) = 10 AND mosis_id NOT GLOB '*[^0-9]*')),
            last_name TEXT NOT NULL, first_name TEXT NOT NULL,
            middle_name TEXT NOT NULL DEFAULT '', preferred_name TEXT NOT NULL DEFAULT '',
            birth_date TEXT NOT NULL,
            grade TEXT NOT NULL CHECK (grade = 'K' OR grade GLOB '[1-9]' OR grade GLOB '1[0-2]'),
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
        INSERT INTO students_rebuilt SELECT * FROM students;
        DROP TABLE students;
        ALTER TABLE students_rebuilt RENAME TO students;
        CREATE INDEX students_building ON students(building_code);
        {_SEARCH_TRIGGERS}
        """,
        rebuilds_tables=True,
    ),
    Migration(
        "0014_students_birth_date_may_be_unknown",
        # A roster set without demographics (OneRoster) gives no birth date: the student is
        # imported with it unknown, and the eligibility check asks for it. The same table as
        # 0013 made it otherwise; rows, ids and references stay as they are.
        f"""
        CREATE TABLE students_rebuilt (
            id INTEGER PRIMARY KEY,
            local_number TEXT NOT NULL UNIQUE,
            mosis_id TEXT UNIQUE
                CHECK (mosis_id IS NULL OR (length(mosis_id) = 10 AND mosis_id NOT GLOB '*[^0-9]*')),
            last_name TEXT NOT NULL, first_name TEXT NOT NULL,
            middle_name TEXT NOT NULL DEFAULT '', preferred_name TEXT NOT NULL DEFAULT '',
            birth_date TEXT,
            grade TEXT NOT NULL CHECK (grade = 'K' OR grade GLOB '[1-9]' OR grade GLOB '1[0-2]'),
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
        INSERT INTO students_rebuilt SELECT * FROM students;
        DROP TABLE students;
        ALTER TABLE students_rebuilt RENAME TO students;
        CREATE INDEX students_building ON students(building_code);
        {_SEARCH_TRIGGERS}
        """,
        rebuilds_tables=True,
    ),
    Migration(
        "0015_no_school_days",
        # `closed_days` are the days the district office is closed (they stop the business-day
        # clocks); days without school for the students, the office open, are kept apart.
        """
        CREATE TABLE no_school_days (day TEXT PRIMARY KEY, reason TEXT NOT NULL DEFAULT '');
        """,
    ),
    Migration(
        "0016_appeal_clocks_may_be_off",
        # The appeal clocks are district policy: a district that switches one off files its
        # appeals without that due date. The same table as 0007 made it otherwise.
        """
        CREATE TABLE appeals_rebuilt (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
            level TEXT NOT NULL CHECK (level IN ('board','state')),
            filed_on TEXT NOT NULL, hearing_on TEXT,
            decision_due TEXT, record_due TEXT, record_sent_on TEXT,
            outcome TEXT CHECK (outcome IS NULL OR outcome IN ('upheld','overturned')),
            outcome_on TEXT,
            documents TEXT NOT NULL DEFAULT '[]',
            notes TEXT NOT NULL DEFAULT '',
            policy_id TEXT NOT NULL, policy_version TEXT NOT NULL,
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            CHECK ((outcome IS NULL) = (outcome_on IS NULL)));
        INSERT INTO appeals_rebuilt SELECT * FROM appeals;
        DROP TABLE appeals;
        ALTER TABLE appeals_rebuilt RENAME TO appeals;
        CREATE INDEX appeals_request ON appeals(request_id, id);
        """,
        rebuilds_tables=True,
    ),
    Migration(
        "0017_course_enrollments",
        # Each approved course of a request, tracked from the provider's enrollment to its
        # outcome (core/enrollments.py); a course's drop window in the catalog (days; none: the
        # district's default). Requests approved before this migration get their rows here.
        """
        CREATE TABLE course_enrollments (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
            request_course_id INTEGER NOT NULL UNIQUE REFERENCES request_courses(id) ON DELETE CASCADE,
            code TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', provider_name TEXT NOT NULL DEFAULT '',
            credits REAL NOT NULL CHECK (credits >= 0),
            status TEXT NOT NULL DEFAULT 'approved' CHECK (status IN
                ('approved','sent_to_provider','enrolled','refused','dropped','withdrawn','completed')),
            sent_on TEXT, sent_by TEXT NOT NULL DEFAULT '', sent_method TEXT NOT NULL DEFAULT '',
            confirmed_on TEXT, refused_on TEXT, refused_reason TEXT NOT NULL DEFAULT '',
            ended_on TEXT,
            drop_window TEXT CHECK (drop_window IS NULL OR drop_window IN ('inside','after')),
            final_grade TEXT NOT NULL DEFAULT '',
            credits_earned REAL CHECK (credits_earned IS NULL OR credits_earned BETWEEN 0 AND credits),
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE INDEX course_enrollments_request ON course_enrollments(request_id, id);
        ALTER TABLE courses ADD COLUMN drop_window_days INTEGER
            CHECK (drop_window_days IS NULL OR drop_window_days >= 0);
        INSERT INTO course_enrollments (request_id, request_course_id, code, title, provider_name, credits,
                                        created_at, updated_at)
            SELECT rc.request_id, rc.id, rc.code, rc.title, rc.provider_name, rc.credits,
                   r.updated_at, r.updated_at
            FROM request_courses rc JOIN requests r ON r.id = rc.request_id
            WHERE rc.decision = 'approved' ORDER BY rc.request_id, rc.position;
        """,
    ),
    Migration(
        "0018_district_sync",
        # District mode (store/sync.py): this PC's link to the district server, the outbox of
        # its changes waiting to go up, the local numbers of rows made on other PCs, and the
        # changes the server refused, kept with the server's version beside them; and the
        # buildings a person is limited to.
        """
        CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sync_outbox (
            id INTEGER PRIMARY KEY, change_id TEXT NOT NULL UNIQUE, made_at TEXT NOT NULL,
            actor TEXT NOT NULL, items TEXT NOT NULL);
        CREATE TABLE sync_keys (
            tbl TEXT NOT NULL, local INTEGER NOT NULL, global INTEGER NOT NULL,
            PRIMARY KEY (tbl, local), UNIQUE (tbl, global));
        CREATE TABLE sync_refused (
            id INTEGER PRIMARY KEY, change_id TEXT NOT NULL, made_at TEXT NOT NULL, refused_at TEXT NOT NULL,
            actor TEXT NOT NULL, reason TEXT NOT NULL, summary TEXT NOT NULL, items TEXT NOT NULL,
            server TEXT NOT NULL, seen INTEGER NOT NULL DEFAULT 0);
        -- A person's buildings (codes, comma-separated; empty: every building): a principal or
        -- designee sees and decides only their buildings' requests.
        ALTER TABLE people ADD COLUMN buildings TEXT NOT NULL DEFAULT '';
        """,
    ),
    Migration(
        "0019_provider_invoices",
        # A provider's invoice, kept once checked (services/invoices.py): what it bills for each
        # term of the provider's courses, and when and how much the district paid.
        """
        CREATE TABLE provider_invoices (
            id INTEGER PRIMARY KEY,
            provider_name TEXT NOT NULL, term TEXT NOT NULL, number TEXT NOT NULL,
            received_on TEXT NOT NULL, amount REAL NOT NULL CHECK (amount >= 0),
            differences INTEGER NOT NULL DEFAULT 0,
            paid_on TEXT, paid_amount REAL CHECK (paid_amount IS NULL OR paid_amount >= 0),
            recorded_by TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL,
            UNIQUE (provider_name, term, number));
        """,
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
