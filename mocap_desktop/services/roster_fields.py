"""The roster's fields and the values in their cells: grades (pre-kindergarten and ungraded
rows are skipped, not refused), MOSIS IDs, local numbers, birth dates, home languages, a
OneRoster record's status, and every student field with the header variants SIS exports and
OneRoster sets use."""

from __future__ import annotations

import re
from functools import lru_cache

from mocap_desktop.services.importing import (
    Field,
    FieldError,
    ParseContext,
    SkipRow,
    padded_code,
    parse_date,
    parse_flag,
    required_text,
)


# --- values --------------------------------------------------------------------------------------

_GRADES = {"k": "K", "kg": "K", "0k": "K", "00": "K", "0": "K", "kindergarten": "K", "kn": "K"}
_GRADES.update({str(n): str(n) for n in range(1, 13)})
_GRADES.update({f"{n:02d}": str(n) for n in range(1, 13)})


# Not MOCAP students, and not errors either: pre-kindergarten (PowerSchool numbers it -1, -2),
# transitional kindergarten, infants and toddlers, ungraded, adult and post-secondary.
NOT_K12 = "pre-kindergarten and ungraded"
_NOT_K12 = {"pk", "pk3", "pk4", "pk5", "p3", "p4", "prek", "pre-k", "pre k", "pr", "ps", "tk", "it",
            "ug", "ungraded", "u", "-1", "-2", "-3", "13", "14", "99", "other", "ee", "ec", "ad"}


@lru_cache(maxsize=256)
def parse_grade(value: str, ctx: ParseContext) -> str:
    grade = _GRADES.get(value.lower().removesuffix("th").removesuffix("st").removesuffix("nd")
                        .removesuffix("rd") if value[:1].isdigit() else value.lower())
    if grade is None:
        if value.lower() in _NOT_K12:
            raise SkipRow(NOT_K12, value.upper())
        if not value:
            raise FieldError("a grade is required here (K or 1–12)")
        raise FieldError(f'grade "{value}" is not K–12 (K, KG, 0K, 00, 1–12 or 01–12)')
    return grade


def parse_mosis(value: str, ctx: ParseContext) -> str | None:
    if not value:
        return None
    digits = value.replace(" ", "")
    if not digits.isdigit():
        raise FieldError(f'MOSIS ID "{value}" must be ten digits')
    if len(digits) != 10:
        raise FieldError(f"MOSIS ID {digits} has {len(digits)} digits; it must have exactly 10 "
                         "(check that the export kept leading zeros)")
    return digits


def parse_local_number(value: str, ctx: ParseContext) -> str:
    if not value:
        raise FieldError("the local student number is missing")
    if len(value) > 20:
        raise FieldError(f'local student number "{value[:24]}…" is longer than 20 characters')
    return value


_CLOCK = re.compile(r"[T ](\d{1,2}):(\d{2})(?::(\d{2}))?")


@lru_cache(maxsize=65536)
def parse_birth_date(value: str, ctx: ParseContext) -> str | None:
    """A birth date; blank is "not on record" (None). A time of day other than midnight means
    the column is a timestamp (a record's last change), not a birth date."""
    iso = parse_date(value, ctx)
    if iso is None:
        return None
    clock = _CLOCK.search(value)
    if clock is not None and any(int(part or 0) for part in clock.groups()):
        raise FieldError(f'"{value}" is a timestamp, not a birth date')
    if iso > ctx.today.isoformat():
        raise FieldError(f'birth date "{value}" is in the future')
    if iso < "1980-01-01":
        raise FieldError(f'birth date "{value}" is before 1980; check the year')
    return iso


_LANGUAGES = {
    "english": "en", "eng": "en", "en": "en", "spanish": "es", "español": "es", "espanol": "es",
    "spa": "es", "es": "es", "vietnamese": "vi", "arabic": "ar", "bosnian": "bs", "chinese": "zh",
    "mandarin": "zh", "somali": "so", "french": "fr", "german": "de", "russian": "ru",
    "ukrainian": "uk", "swahili": "sw", "korean": "ko", "japanese": "ja", "polish": "pl",
    "portuguese": "pt", "burmese": "my", "nepali": "ne", "marshallese": "mh", "tagalog": "tl",
}


@lru_cache(maxsize=1024)
def language_code(value: str) -> str:
    if not value:
        return "en"
    return _LANGUAGES.get(value.strip().lower(), value.strip().lower()[:20])


def parse_record_status(value: str, ctx: ParseContext) -> str:
    """A OneRoster record's status: "withdrawn" for tobedeleted (a delta's withdrawal)."""
    low = value.lower().replace(" ", "")
    if low in ("", "active"):
        return ""
    if low in ("tobedeleted", "deleted", "inactive"):
        return "withdrawn"
    raise FieldError(f'status "{value}" is neither active nor tobedeleted')


def _v(*names: str) -> tuple[str, ...]:
    return names


# --- students ------------------------------------------------------------------------------------

STUDENT_COLUMNS = ("local_number", "mosis_id", "last_name", "first_name", "middle_name",
                   "preferred_name", "birth_date", "grade", "building_code", "resident_district",
                   "address1", "address2", "city", "state", "zip", "gender", "home_language",
                   "iep", "section_504", "mshsaa_activities", "english_learner")
GUARDIAN_SLOTS = ("guardian", "guardian2", "mother", "father")
GUARDIAN_COLUMNS = ("name", "relationship", "phone", "email", "preferred_language",
                    "receives_letters")

_code4 = padded_code(4, "school code")
_code6 = padded_code(6, "county-district code")


def _guardian_fields(slot: str, title: str, name: tuple[str, ...], first: tuple[str, ...],
                     last: tuple[str, ...], rel: tuple[str, ...], phone: tuple[str, ...],
                     email: tuple[str, ...], lang: tuple[str, ...]) -> tuple[Field, ...]:
    return (
        Field(f"{slot}_name", f"{title} name", variants=name),
        Field(f"{slot}_first", f"{title} first name", variants=first),
        Field(f"{slot}_last", f"{title} last name", variants=last),
        Field(f"{slot}_relationship", f"{title} relationship", variants=rel),
        Field(f"{slot}_phone", f"{title} phone", variants=phone),
        Field(f"{slot}_email", f"{title} e-mail", variants=email),
        Field(f"{slot}_language", f"{title} preferred language", variants=lang),
    )


STUDENT_FIELDS: tuple[Field, ...] = (
    Field("local_number", "Local student number", True, _v(
        "Student Number", "Student_Number", "studentNumber", "StudentID", "Student_id", "NameID",
        "local_id", "LocalStudentID", "Local ID", "Student ID", "Local Student Number",
        "Student No", "Stu Num", "userIds: SIS", "userIds: Local", "userIds: studentNumber",
        "sourcedId", "username"), parse_local_number),
    Field("mosis_id", "MOSIS ID", False, _v(
        "State ID", "stateID", "statenum", "State_StudentNumber", "State_id", "StateID",
        "MOSIS ID", "MOSIS", "State Student Number", "State Student ID", "StateStudentID",
        "userIds: MOSIS", "userIds: State", "userIds: StateID", "identifier"),
        parse_mosis),
    Field("last_name", "Last name", True, _v(
        "Last Name", "Last_Name", "lastName", "StudentLastName", "Student Last Name", "Last",
        "Surname", "familyName", "Legal Last Name"), required_text("last name")),
    Field("first_name", "First name", True, _v(
        "First Name", "First_Name", "firstName", "StudentFirstName", "Student First Name",
        "First", "givenName", "Legal First Name"), required_text("first name")),
    Field("middle_name", "Middle name", False, _v(
        "Middle Name", "Middle_Name", "middleName", "StudentMiddleName", "Middle Initial",
        "Middle", "MI", "Middle_Initial")),
    Field("preferred_name", "Preferred name", False, _v(
        "Preferred Name", "Preferred First Name", "PreferredName", "Preferred_Name", "Nickname",
        "Goes By", "preferredFirstName", "preferredGivenName")),
    Field("birth_date", "Birth date", False, _v(
        "Birthdate", "Birth Date", "DOB", "Dob", "date_of_birth", "DateOfBirth",
        "StudentDateofBirth", "Date of Birth", "Birth_Date"), parse_birth_date,
        "blank: not on record (the eligibility check asks for it)"),
    Field("grade", "Grade", True, _v(
        "Grade", "Grade_Level", "Grade Level", "GradeLevel", "StudentGrade", "StudentGradeLevel",
        "Grd", "grades"), parse_grade),
    Field("building_code", "School code", False, _v(
        "SchoolID", "School_id", "school_local_id", "ReportingSchoolCode", "School Code",
        "School SIS ID",
        "Building Code", "School Number", "SchoolNumber", "Building Number"),
        _code4),
    Field("building_name", "School name", False, _v(
        "School", "School Name", "School_name", "Building", "Building Name")),
    Field("resident_district", "Resident district code", False, _v(
        "Resident District", "Resident District Code", "ResidentDistrict", "District Code",
        "County District Code", "CountyDistrictCode", "Resident_District"), _code6),
    Field("gender", "Gender", False, _v("Gender", "GenderMaleFemale", "sex")),
    Field("status", "Record status", False, _v("status", "Record Status"), parse_record_status,
          'OneRoster: "tobedeleted" in a delta withdraws the student'),
    Field("home_language", "Home language", False, _v(
        "Home Language", "home_language", "Language", "Primary Language", "HomeLanguage")),
    Field("address1", "Street address", False, _v(
        "Address", "Street", "Street Address", "Mailing Address", "Home Address", "Address1",
        "Address Line 1", "Mailing_Street", "Home_Street", "Student_street")),
    Field("address2", "Address line 2", False, _v("Address2", "Address Line 2", "Apt", "Unit")),
    Field("city", "City", False, _v("City", "Mailing City", "Mailing_City", "Home_City",
                                    "Student_city")),
    Field("state", "State", False, _v("State", "Mailing State", "Mailing_State", "Home_State",
                                      "Student_state")),
    Field("zip", "ZIP code", False, _v("Zip", "Zip Code", "ZIP", "Postal Code", "ZipCode",
                                       "Mailing_Zip", "Home_Zip", "Student_zip")),
    Field("iep", "IEP", False, _v("IEP", "Has IEP", "SpEd", "Special Education", "IEP Flag",
                                  "Iep_status"),
          parse_flag),
    Field("section_504", "Section 504 plan", False, _v("504", "Section 504", "Section504",
                                                        "504 Plan", "Plan504"), parse_flag),
    Field("mshsaa_activities", "MSHSAA activities", False, _v(
        "MSHSAA", "MSHSAA Activities", "Activities", "Athlete"), parse_flag),
    Field("english_learner", "English learner", False, _v(
        "EL", "ELL", "English Learner", "LEP", "ELL Status", "EL Status", "Ell_status"), parse_flag),
    *_guardian_fields("guardian", "Guardian",
                      _v("Guardian Name", "Guardian", "Parent Name", "Parent", "Contact_name",
                         "Contact Name", "Guardian1 Name"),
                      _v("Guardian First Name", "Guardian_First", "Parent First Name",
                         "Guardian1 First Name"),
                      _v("Guardian Last Name", "Guardian_Last", "Parent Last Name",
                         "Guardian1 Last Name"),
                      _v("Guardian Relationship", "Relationship", "Contact_relationship",
                         "Contact_type", "Contact Type", "Guardian Type"),
                      _v("Guardian Home Phone", "Guardian Phone", "Contact_phone", "Parent Phone",
                         "Home Phone", "Guardian Cell Phone"),
                      _v("Guardian Email", "Guardian E-mail", "Contact_email", "Parent Email"),
                      _v("Guardian Language", "Parent Language", "Correspondence Language",
                         "Preferred Language", "Contact Language")),
    *_guardian_fields("guardian2", "Second guardian",
                      _v("Guardian2 Name", "Guardian 2 Name", "Second Guardian"),
                      _v("Guardian2 First Name", "Guardian 2 First Name"),
                      _v("Guardian2 Last Name", "Guardian 2 Last Name"),
                      _v("Guardian2 Relationship", "Guardian 2 Relationship"),
                      _v("Guardian2 Phone", "Guardian 2 Phone", "Guardian2 Home Phone"),
                      _v("Guardian2 Email", "Guardian 2 Email"),
                      _v("Guardian2 Language", "Guardian 2 Language")),
    *_guardian_fields("mother", "Mother", _v("Mother", "Mother Name", "Mother_Name"),
                      _v("Mother_First", "Mother First Name"), _v("Mother_Last", "Mother Last Name"),
                      (), _v("Mother_Phone", "Mother Phone", "Mother_Home_Phone"),
                      _v("Mother_Email", "Mother Email"), ()),
    *_guardian_fields("father", "Father", _v("Father", "Father Name", "Father_Name"),
                      _v("Father_First", "Father First Name"), _v("Father_Last", "Father Last Name"),
                      (), _v("Father_Phone", "Father Phone", "Father_Home_Phone"),
                      _v("Father_Email", "Father Email"), ()),
)
