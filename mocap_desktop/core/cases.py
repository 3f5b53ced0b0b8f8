"""The case file format of RULES.md: read a case into model objects, write an evaluation out.

Every problem with the input raises `BadInput` naming the field by its path, e.g.
`request.courses[1].credits`. Keys other than those of the format (such as `note`
and `expect`) are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Mapping, TypeVar

from .calendar import Calendar, Term
from .evaluate import evaluate
from .model import (
    DECISION_OUTCOMES, GRADES, PATHWAYS, SCHOOL_KINDS, Course, Decision, Enrollment, Evaluation, MedicalWaiver,
    Request, Student,
)
from .policy import Policy, PolicyError

__all__ = ["BadInput", "ParsedCase", "parse_case", "evaluation_to_dict", "evaluate_case"]

T = TypeVar("T")


class BadInput(ValueError):
    """Input that is not a case (not a verdict): `path` names the offending field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


# --- value readers: (value, path) -> clean value, or BadInput ------------------------------

def _text(v: Any, path: str) -> str:
    if not isinstance(v, str) or not v.strip():
        raise BadInput(path, "must be a non-empty text")
    return v


def _flag(v: Any, path: str) -> bool:
    if not isinstance(v, bool):
        raise BadInput(path, "must be true or false")
    return v


def _count(v: Any, path: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise BadInput(path, "must be a whole number, 0 or more")
    return v


def _credits(v: Any, path: str) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise BadInput(path, "must be a number of credits")
    d = Decimal(str(v))
    if not d.is_finite() or d < 0:
        raise BadInput(path, "must not be negative")
    return d


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(v: Any, path: str) -> date:
    if isinstance(v, str) and _ISO_DATE.fullmatch(v):
        try:
            return date.fromisoformat(v)
        except ValueError:
            pass
    raise BadInput(path, "must be a date YYYY-MM-DD")


def _obj(v: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(v, dict):
        raise BadInput(path, "must be an object")
    return v


def _array(v: Any, path: str) -> list[Any]:
    if not isinstance(v, list):
        raise BadInput(path, "must be a list")
    return v


def _one_of(choices: frozenset[str]) -> Callable[[Any, str], str]:
    def read(v: Any, path: str) -> str:
        if not isinstance(v, str) or v not in choices:
            raise BadInput(path, f"must be one of {', '.join(sorted(choices))}")
        return v
    return read


def _mosis(v: Any, path: str) -> str:
    if not isinstance(v, str) or not re.fullmatch(r"[0-9]{10}", v):
        raise BadInput(path, "must be exactly ten digits")
    return v


_MISSING = object()


def _field(obj: Mapping[str, Any], key: str, parent: str, read: Callable[[Any, str], T], *,
           optional: bool = False, nullable: bool = False) -> T | None:
    """Read `obj[key]`: `optional` fields may be absent or null, `nullable` ones may be null."""
    path = f"{parent}.{key}" if parent else key
    value = obj.get(key, _MISSING)
    if value is _MISSING or (value is None and optional):
        if optional:
            return None
        raise BadInput(path, "is missing")
    if value is None:
        if nullable:
            return None
        raise BadInput(path, "must not be null")
    return read(value, path)


def _items(obj: Mapping[str, Any], key: str, parent: str) -> list[tuple[Mapping[str, Any], str]]:
    """The objects of a list field, each with its path (`parent.key[i]`)."""
    path = f"{parent}.{key}"
    return [(_obj(item, f"{path}[{i}]"), f"{path}[{i}]") for i, item in enumerate(_field(obj, key, parent, _array))]


# --- the case ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParsedCase:
    id: str
    district_code: str
    calendar: Calendar
    student: Student
    request: Request
    policy: Policy
    decision: Decision | None = None

    def evaluate(self, lang: str = "en") -> Evaluation:
        return evaluate(self.student, self.request, self.calendar, self.district_code, self.policy,
                        self.decision, lang=lang)


def _calendar(case: Mapping[str, Any]) -> Calendar:
    cal = _field(case, "calendar", "", _obj)
    terms: list[Term] = []
    for t, path in _items(cal, "terms", "calendar"):
        term = Term(_field(t, "id", path, _text), _field(t, "start", path, _day), _field(t, "end", path, _day))
        if term.end < term.start:
            raise BadInput(f"{path}.end", "is before the term's start")
        if any(term.id == other.id for other in terms):
            raise BadInput(f"{path}.id", "is listed twice")
        if terms and term.start <= terms[-1].end:
            raise BadInput(f"{path}.start", "must come after the end of the term listed before it")
        terms.append(term)
    closed = [_day(d, f"calendar.closed_days[{i}]")
              for i, d in enumerate(_field(cal, "closed_days", "calendar", _array))]
    return Calendar(tuple(terms), frozenset(closed))


def _student(case: Mapping[str, Any]) -> Student:
    s = _field(case, "student", "", _obj)
    enrollments = tuple(
        Enrollment(
            district=_field(e, "district", path, _text),
            school_kind=_field(e, "school_kind", path, _one_of(SCHOOL_KINDS)),
            state=_field(e, "state", path, _text),
            full_time=_field(e, "full_time", path, _flag),
            entry=_field(e, "entry", path, _day),
            exit=_field(e, "exit", path, _day, nullable=True),
        )
        for e, path in _items(s, "enrollments", "student"))
    for i, e in enumerate(enrollments):
        if e.exit is not None and e.exit < e.entry:
            raise BadInput(f"student.enrollments[{i}].exit", "is before the entry date")
    return Student(
        mosis_id=_field(s, "mosis_id", "student", _mosis, optional=True),
        birth_date=_field(s, "birth_date", "student", _day),
        grade=_field(s, "grade", "student", _one_of(GRADES)),
        resides_in_missouri=_field(s, "resides_in_missouri", "student", _flag),
        iep=_field(s, "iep", "student", _flag),
        section_504=_field(s, "section_504", "student", _flag),
        mshsaa_activities=_field(s, "mshsaa_activities", "student", _flag),
        active_virtual_courses=_field(s, "active_virtual_courses", "student", _count),
        enrollments=enrollments,
    )


def _waiver(v: Any, path: str) -> MedicalWaiver:
    w = _obj(v, path)
    return MedicalWaiver(
        documented=_field(w, "documented", path, _flag),
        document_date=_field(w, "document_date", path, _day, optional=True),
        verified_by_role=_field(w, "verified_by_role", path, _text, optional=True),
    )


def _request(case: Mapping[str, Any], case_id: str, calendar: Calendar) -> Request:
    r = _field(case, "request", "", _obj)
    request = Request(
        id=case_id,
        pathway=_field(r, "pathway", "request", _one_of(PATHWAYS)),
        start_term=_field(r, "start_term", "request", _text),
        received=_field(r, "received", "request", _day),
        in_person_credits=_field(r, "in_person_credits", "request", _credits),
        courses=tuple(Course(_field(c, "code", path, _text), _field(c, "credits", path, _credits))
                      for c, path in _items(r, "courses", "request")),
        medical_waiver=_field(r, "medical_waiver", "request", _waiver, optional=True),
    )
    try:
        if calendar.prior_term(request.start_term) is None:
            raise BadInput("request.start_term", "has no prior term in the calendar")
    except KeyError:
        raise BadInput("request.start_term", "is not a term of the calendar") from None
    return request


def _reasons(v: Any, path: str) -> tuple[str, ...]:
    return tuple(_text(code, f"{path}[{i}]") for i, code in enumerate(_array(v, path)))


def _explanation(v: Any, path: str) -> str:
    if not isinstance(v, str):
        raise BadInput(path, "must be text")
    return v


def _decision(v: Any, path: str) -> Decision:
    d = _obj(v, path)
    return Decision(
        outcome=_field(d, "outcome", path, _one_of(DECISION_OUTCOMES)),
        reasons=_field(d, "reasons", path, _reasons),
        explanation=_field(d, "explanation", path, _explanation),
        decided_by_role=_field(d, "decided_by_role", path, _text),
        in_person_options_considered=_field(d, "in_person_options_considered", path, _flag),
    )


def parse_case(case: Any, base_policy: Policy) -> ParsedCase:
    """Read a case dict (the format of RULES.md) into model objects; raises `BadInput`."""
    case = _obj(case, "")
    case_id = _field(case, "id", "", _text)
    policy = base_policy
    overrides = _field(case, "policy", "", _obj, optional=True)
    if overrides:
        try:
            policy = base_policy.with_overrides(overrides)
        except PolicyError as e:
            raise BadInput(f"policy.{e.key}", str(e)) from None
    district = _field(case, "district", "", _obj)
    calendar = _calendar(case)
    return ParsedCase(
        id=case_id,
        district_code=_field(district, "code", "district", _text),
        calendar=calendar,
        student=_student(case),
        request=_request(case, case_id, calendar),
        policy=policy,
        decision=_field(case, "decision", "", _decision, optional=True),
    )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def evaluation_to_dict(ev: Evaluation) -> dict[str, Any]:
    """The output object of RULES.md (in its key order), then `policy_id` and `policy_version`."""
    return {
        "id": ev.id,
        "eligible": ev.eligible,
        "routing": ev.routing,
        "decision_due": _iso(ev.decision_due),
        "input_due": _iso(ev.input_due),
        "deemed_approved_on": _iso(ev.deemed_approved_on),
        "icap_required": ev.icap_required,
        "district_obligated_credits": float(ev.district_obligated_credits),
        "courses": [{"code": c.code, "credits": float(c.credits), "fte": c.fte} for c in ev.courses],
        "findings": [{"rule": f.rule, "outcome": f.outcome, "message": f.message, "citation": f.citation}
                     for f in ev.findings],
        "decision_valid": ev.decision_valid,
        "policy_id": ev.policy_id,
        "policy_version": ev.policy_version,
    }


def evaluate_case(case: Any, base_policy: Policy, lang: str = "en") -> dict[str, Any]:
    """Parse, evaluate and write out one case: the whole conformance command, without I/O."""
    return evaluation_to_dict(parse_case(case, base_policy).evaluate(lang))
