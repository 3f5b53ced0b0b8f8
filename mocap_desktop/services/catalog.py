"""The course catalog: import of the state's combined MOCAP course list (CSV or Excel) on the
one import engine, and the checks a course passes before it is added or changed by hand.

DESE publishes the list twice (FORMATS.md): with instruction (state program code 50, the
provider's teacher) and curriculum only (52, a district teacher). Either file may carry the
code in a column; if not, `program_code` says which list the file is (`--program` on the
command line), else a file name containing "curriculum" means 52 and anything else 50, and
the report says so. Course names carry suffixes: "A"/"B" are the first and second semester
(taken and paid separately), "FY" a full year, a trailing number the grade level
("Mathematics 6"). Courses are matched by provider and course ID code: the same file
imported again changes nothing; courses the file does not list are left as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from mocap_desktop.services.importing import (
    CancelCheck,
    Field,
    FieldError,
    ImportCancelled,
    ImportKind,
    ParseContext,
    Plan,
    Problem,
    Record,
    Report,
    required_text,
    run_import,
    saved_mapping_named,
)
from mocap_desktop.core.access import ROSTER_IMPORT, require
from mocap_desktop.store import Store
from mocap_desktop.store.catalog import CatalogRepo, CourseInput

__all__ = ["CatalogKind", "CourseProblem", "check_course", "import_catalog", "parse_grades",
           "split_suffix", "MAX_CREDITS"]

MAX_CREDITS = Decimal("2")
_GRADE_WORDS = {"k": "K", "kg": "K", "0k": "K", "00": "K", "0": "K", "kindergarten": "K"}


def _grade(value: str) -> str | None:
    v = value.strip().lower()
    v = re.sub(r"^(grades?|gr\.?)\s*", "", v)
    v = re.sub(r"(st|nd|rd|th)$", "", v)
    if v in _GRADE_WORDS:
        return "K"
    if v.isdigit() and 1 <= int(v) <= 12:
        return str(int(v))
    return None


def parse_grades(value: str, ctx: ParseContext | None = None) -> tuple[str, str]:
    """'9-12' → ('9', '12'); 'K–5' → ('K', '5'); '10' → ('10', '10'); '' or 'All' → ('', '')."""
    text = value.strip()
    if not text or text.lower() in ("all", "any", "k-12 all", "all grades"):
        return "", ""
    text = re.sub(r"^(grades?|gr\.?)\s*", "", text, flags=re.IGNORECASE)
    parts = [p for p in re.split(r"\s*(?:-|–|—|to|through|/)\s*", text) if p]
    if len(parts) == 1:
        g = _grade(parts[0])
        if g is None:
            raise FieldError(f'grade "{value}" is not K–12 (K, 1–12 or a range such as 9-12)')
        return g, g
    if len(parts) == 2:
        low, high = _grade(parts[0]), _grade(parts[1])
        if low is None or high is None:
            raise FieldError(f'grade range "{value}" is not within K–12 (for example 9-12 or K-5)')
        order = lambda g: 0 if g == "K" else int(g)  # noqa: E731
        if order(low) > order(high):
            raise FieldError(f'grade range "{value}" runs backwards; write the lower grade first')
        return low, high
    raise FieldError(f'grade "{value}" is not a grade or a range such as 9-12')


_SUFFIX = re.compile(r"^(?P<base>.*?)[\s\-–:,]*(?:\((?P<p>A|B|FY)\)|\b(?P<s>A|B|FY))\s*$", re.IGNORECASE)
_SEMESTER_WORDS = re.compile(
    r"^(?P<base>.*?)[\s\-–:,]*\(?\b(?:semester|sem\.?|s)\s*(?P<n>1|2|a|b)\)?\s*$", re.IGNORECASE)
# "Mathematics 6" is grade 6; "Algebra 1" or "Spanish 2" is a course sequence, not a grade.
_GRADE_NUMBER = re.compile(
    r"^(?:mathematics|math|english|english language arts|ela|language arts|reading|science|"
    r"social studies|writing)\s+(?:grade\s+)?(?P<g>[1-9]|1[0-2])\s*$", re.IGNORECASE)


def split_suffix(title: str) -> tuple[str, str]:
    """('Algebra I', 'A') from 'Algebra I A'; ('Physics', 'FY') from 'Physics FY'; (title, '') when
    the name carries no semester or full-year suffix."""
    text = title.strip()
    m = _SUFFIX.match(text)
    if m and m["base"].strip():
        part = (m["p"] or m["s"]).upper()
        # "Grade A" or "Plan B" style words are not suffixes: a lone capital letter is.
        if part == "FY" or (m["p"] or m["s"]) in ("A", "B"):
            return m["base"].strip(), part
    m = _SEMESTER_WORDS.match(text)
    if m and m["base"].strip():
        return m["base"].strip(), {"1": "A", "a": "A", "2": "B", "b": "B"}[m["n"].lower()]
    return text, ""


def _code(value: str, ctx: ParseContext) -> str:
    if not value:
        raise FieldError("the course ID code is missing")
    if len(value) > 40:
        raise FieldError(f'course ID code "{value[:20]}…" is longer than 40 characters')
    return value


def parse_credits(value: str, ctx: ParseContext | None = None) -> Decimal | None:
    if not value:
        return None
    try:
        credits = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise FieldError(f'credits "{value}" is not a number (for example 0.5 or 1)') from None
    if not credits.is_finite():
        raise FieldError(f'credits "{value}" is not a number (for example 0.5 or 1)')
    if credits < 0:
        raise FieldError(f"credits cannot be negative ({value})")
    if credits > MAX_CREDITS:
        raise FieldError(f"{value} credits is more than a course carries in a term (at most {MAX_CREDITS})")
    return credits


def parse_price(value: str, ctx: ParseContext | None = None) -> float | None:
    text = value.replace("$", "").replace(",", "").strip()
    if not text or text.lower() in ("n/a", "na", "-", "tbd", "call"):
        return None
    try:
        price = float(text)
    except ValueError:
        raise FieldError(f'price "{value}" is not an amount (for example $370.00)') from None
    if price < 0:
        raise FieldError(f"price cannot be negative ({value})")
    return round(price, 2)


def parse_length(value: str, ctx: ParseContext | None = None) -> str | None:
    v = value.strip().lower().replace("-", " ")
    if not v:
        return None
    if v in ("semester", "sem", "s", "half year", "1 semester", "one semester", "a", "b", "s1", "s2",
             "0.5", "half"):
        return "semester"
    if v in ("year", "full year", "fy", "yr", "y", "2 semesters", "two semesters", "annual", "1 year", "1"):
        return "year"
    raise FieldError(f'course length "{value}" is neither semester nor full year')


def parse_program(value: str, ctx: ParseContext | None = None) -> str | None:
    v = value.strip().lower()
    if not v:
        return None
    if v in ("50", "050") or "instruction" in v:
        return "50"
    if v in ("52", "052") or "curriculum" in v:
        return "52"
    raise FieldError(f'program code "{value}" is neither 50 (with instruction) nor 52 (curriculum only)')


def parse_delivery(value: str, ctx: ParseContext | None = None) -> str | None:
    v = value.strip().upper()
    if not v:
        return None
    if v in ("V", "VIRTUAL"):
        return "V"
    if v in ("S", "SUPPLEMENTAL", "SUPPLEMENT"):
        return "S"
    raise FieldError(f'delivery system code "{value}" is neither V nor S')


def _v(*names: str) -> tuple[str, ...]:
    return names


CATALOG_FIELDS: tuple[Field, ...] = (
    Field("provider", "Provider", True, _v(
        "Provider Name", "Provider", "Vendor", "Vendor Name", "Content Provider", "Course Provider",
        "MOCAP Provider", "Provider/Vendor", "Approved Provider", "MOCAP Approved Provider",
        "Provider Organization"), required_text("provider"),
        "the course provider, as the state list names it"),
    Field("title", "Course name", True, _v(
        "Course Name", "Course Title", "Course", "Title", "Name", "CourseName", "MOCAP Course Name",
        "Course Name/Title"), required_text("course name"),
        'the name with its suffix: "A"/"B" semester, "FY" full year'),
    Field("code", "Course ID code", True, _v(
        "Course ID Code", "Course ID", "CourseID", "Course Code", "CourseCode", "Course Number",
        "Course No", "Code", "Provider Course ID", "ID Code", "Course_ID"), _code),
    Field("subject", "Subject", False, _v(
        "Subject", "Subject Area", "Content Area", "Department", "Category", "Course Subject")),
    Field("grade", "Grade", False, _v(
        "Grade", "Grades", "Grade Level", "Grade Levels", "Grade Range", "Grade Band", "Grade Span"),
        parse_grades),
    Field("credits", "Credits", False, _v(
        "Credits", "Credit", "Credit Value", "Credits per Term", "Credit Hours", "Carnegie Units",
        "Units"), parse_credits, "credits per term; blank means 0.5 a semester, 1 a year"),
    Field("length", "Length", False, _v(
        "Length", "Course Length", "Term", "Duration", "Semester/Year", "Semester or Year", "Term Length"),
        parse_length),
    Field("price", "Price", False, _v(
        "Price", "Cost", "Course Price", "Course Cost", "Tuition", "Fee", "Price per Course",
        "Semester Price", "Semester Cost", "Cost per Semester", "Cost Per Course", "Course Fee",
        "Price per Semester", "Tuition per Semester"), parse_price),
    Field("program_code", "Program code", False, _v(
        "Program Code", "State Program Code", "Program", "List", "Instruction Type", "Course Type",
        "Program Type", "With Instruction/Curriculum Only", "Instruction"),
        parse_program, "50 with instruction, 52 curriculum only"),
    Field("delivery", "Delivery system", False, _v(
        "Delivery", "Delivery System", "Delivery System Code", "Delivery Code", "Delivery Method"),
        parse_delivery, "V or S"),
)

COMPARED = ("title", "subject", "grade_low", "grade_high", "credits", "length", "segment", "price",
            "program_code", "delivery")


@dataclass(frozen=True)
class CourseProblem:
    field: str
    message: str


def check_course(course: CourseInput) -> list[CourseProblem]:
    """What is wrong with a course typed in by hand, each problem naming its field."""
    problems = []
    if not course.provider_name.strip():
        problems.append(CourseProblem("provider", "Choose or type the provider."))
    if not course.code.strip():
        problems.append(CourseProblem("code", "Type the course ID code from the state list."))
    elif len(course.code.strip()) > 40:
        problems.append(CourseProblem("code", "The course ID code is longer than 40 characters."))
    if not course.title.strip():
        problems.append(CourseProblem("title", "Type the course name."))
    try:
        credits = Decimal(str(course.credits))
    except InvalidOperation:
        problems.append(CourseProblem("credits", "Credits must be a number, such as 0.5."))
    else:
        if credits < 0:
            problems.append(CourseProblem("credits", "Credits cannot be negative."))
        elif credits > MAX_CREDITS:
            problems.append(CourseProblem("credits", f"A course carries at most {MAX_CREDITS} credits a term."))
    if course.length not in ("semester", "year"):
        problems.append(CourseProblem("length", "Choose semester or full year."))
    if course.segment not in ("", "A", "B", "FY"):
        problems.append(CourseProblem("segment", "The part must be A, B or FY."))
    elif course.segment == "FY" and course.length != "year":
        problems.append(CourseProblem("segment", "An FY course is a full-year course."))
    elif course.segment in ("A", "B") and course.length != "semester":
        problems.append(CourseProblem("segment", "An A or B course is one semester."))
    try:
        low, high = parse_grades(f"{course.grade_low}-{course.grade_high}" if course.grade_high
                                 else course.grade_low)
    except FieldError as err:
        problems.append(CourseProblem("grades", str(err)[0].upper() + str(err)[1:] + "."))
    if course.price is not None and course.price < 0:
        problems.append(CourseProblem("price", "The price cannot be negative."))
    if course.program_code not in ("50", "52"):
        problems.append(CourseProblem("program_code", "Choose program code 50 or 52."))
    if course.delivery not in ("V", "S"):
        problems.append(CourseProblem("delivery", "Choose delivery system V or S."))
    return problems


def program_from_file_name(path: Path) -> str | None:
    name = path.name.lower()
    if "curriculum" in name or "52" in re.findall(r"\d+", name):
        return "52"
    if "instruction" in name or "50" in re.findall(r"\d+", name):
        return "50"
    return None


class CatalogKind(ImportKind):
    key = "catalog"
    label = "Course catalog"
    noun = "courses"
    fields = CATALOG_FIELDS

    def __init__(self, program_code: str | None = None, source: str = ""):
        self.program_code = program_code
        self.source = source

    def for_file(self, path: Path) -> CatalogKind:
        """Which list the file is (the given program code, else its name) and where its courses
        came from."""
        return CatalogKind(self.program_code or program_from_file_name(path),
                           source=f"{path.name} ({date.today().isoformat()})")

    def explain_missing(self, mapping) -> str:
        if any(f.key == "provider" for f in mapping.missing_required) and "code" in mapping.columns:
            return ("It looks like a course list from a student information system (course numbers "
                    "and names, no provider): the MOCAP catalog is the state's Combined Course "
                    "List, which names each course's provider. Import that list from DESE.")
        return ""

    def check(self, record: Record, columns: dict[str, str], ctx: ParseContext) -> list[Problem]:
        v = record.values
        base, segment = split_suffix(v["title"])
        if not segment and v["code"].upper().endswith("FY"):
            segment = "FY"
        length = v.get("length")
        if segment == "FY":
            if length == "semester":
                return [Problem(record.row, columns["length"],
                                f'"{v["title"]}" ends in FY (a full year) but the length says semester')]
            length = "year"
        elif segment in ("A", "B"):
            if length == "year":
                return [Problem(record.row, columns["length"],
                                f'"{v["title"]}" ends in {segment} (one semester) but the length says '
                                "full year")]
            length = "semester"
        length = length or "semester"
        if v.get("grade", ("", "")) != ("", ""):
            low, high = v["grade"]
        else:
            m = _GRADE_NUMBER.match(base)
            low = high = m["g"] if m else ""
        credits = v.get("credits")
        if credits is None:
            credits = Decimal("1") if length == "year" else Decimal("0.5")
        v.update(segment=segment, length=length, grade_low=low, grade_high=high, credits=credits)
        return []

    def plan(self, store: Store, records: list[Record], mapped: set[str],
             columns: dict[str, str]) -> Plan:
        plan = Plan()
        repo = CatalogRepo(store)
        program = self.program_code
        if "program_code" not in mapped:
            if program is None:
                program = "50"
                plan.notes.append(
                    "The file has no program code column: its courses are recorded as program 50 "
                    "(with instruction). For the curriculum-only list, import it with program code 52.")
            else:
                plan.notes.append(f"Every course is recorded as program {program} "
                                  f"({'curriculum only' if program == '52' else 'with instruction'}).")
        providers = {p.name.casefold(): p.name for p in repo.providers()}
        new_providers: dict[str, str] = {}
        seen: dict[tuple[str, str], Record] = {}
        inserts, updates = [], []
        for rec in records:
            v = rec.values
            provider = providers.get(v["provider"].casefold()) or new_providers.setdefault(
                v["provider"].casefold(), v["provider"])
            key = (provider.casefold(), v["code"].casefold())
            course = CourseInput(
                provider_name=provider, code=v["code"], title=v["title"], credits=float(v["credits"]),
                length=v["length"], segment=v["segment"], subject=v.get("subject", ""),
                grade_low=v["grade_low"], grade_high=v["grade_high"], price=v.get("price"),
                program_code=v.get("program_code") or program, delivery=v.get("delivery") or "V",
                source=self.source)
            if key in seen:
                if seen[key].values == v:
                    plan.duplicates += 1
                else:
                    plan.problems.append(Problem(
                        rec.row, columns["code"],
                        f'{provider} course {v["code"]} is already on row {seen[key].row:,} with '
                        "different values"))
                continue
            seen[key] = rec
            existing = repo.find(provider, v["code"]) if provider.casefold() in providers else None
            if existing is None:
                inserts.append(course)
                plan.added += 1
                continue
            old = {c: getattr(existing, c) for c in COMPARED}
            new = course.row()
            changed = {c: new[c] for c in self._spoken_for(v, mapped) if old[c] != new[c]}
            if changed or not existing.active:
                updates.append((existing.id, {**changed, "active": 1, "source": self.source}))
                plan.updated += 1
            else:
                plan.unchanged += 1
        if new_providers:
            plan.notes.append(f"New providers: {', '.join(sorted(new_providers.values()))}.")
        plan.work = (inserts, updates)
        return plan

    def _spoken_for(self, values: dict, mapped: set[str]) -> list[str]:
        """The stored columns this row speaks for: a column the file lacks keeps the stored value
        (a credit value corrected by hand survives a re-import of a list without credits)."""
        cols = ["title", "segment"]
        if "length" in mapped or values["segment"]:
            cols.append("length")
        if "grade" in mapped:
            cols += ["grade_low", "grade_high"]
        if "program_code" in mapped or self.program_code is not None:
            cols.append("program_code")
        cols += [c for c in ("subject", "credits", "price", "delivery") if c in mapped]
        return cols

    def write(self, store: Store, plan: Plan, cancelled: CancelCheck) -> None:
        inserts, updates = plan.work
        repo = CatalogRepo(store)
        conn = store.conn
        stamp = date.today().isoformat()
        for done, course in enumerate(inserts, start=1):
            row = {**course.row(), "provider_id": repo.ensure_provider(course.provider_name),
                   "updated_at": stamp}
            conn.execute(f"INSERT INTO courses ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                         tuple(row.values()))
            if done % 500 == 0 and cancelled():
                raise ImportCancelled()
        for course_id, changed in updates:
            changed = {**changed, "updated_at": stamp}
            conn.execute(f"UPDATE courses SET {', '.join(f'{c} = ?' for c in changed)} WHERE id = ?",
                         (*changed.values(), course_id))


def import_catalog(store: Store, path: Path, *, dry_run: bool = False, program_code: str | None = None,
                   mapping: dict[str, str | None] | None = None, mapping_name: str | None = None,
                   skip_invalid: bool = False, **kwargs) -> Report:
    """Import the state's combined course list (CSV or .xlsx) through the import engine
    (ROSTER_IMPORT), with a mapping given or saved under `mapping_name`, else the guesses."""
    require(store, ROSTER_IMPORT)
    path = Path(path)
    if mapping_name:
        mapping = saved_mapping_named(store, CatalogKind.key, mapping_name)
    return run_import(store, path, CatalogKind(program_code).for_file(path), mapping=mapping,
                      dry_run=dry_run, skip_invalid=skip_invalid, **kwargs)
