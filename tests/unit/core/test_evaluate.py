"""The evaluator through its Python API: what the case files cannot reach, and the decision check alone."""

from __future__ import annotations

import ast
import dataclasses
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import mocap_desktop.core as core
from mocap_desktop.core import (
    Calendar, Course, Decision, Enrollment, MedicalWaiver, Request, Student, Term, birthday, check_decision,
    default_policy, evaluate,
)

CAL = Calendar.of([Term("2025-fall", date(2025, 8, 13), date(2025, 12, 19)),
                   Term("2026-spring", date(2026, 1, 5), date(2026, 5, 21))],
                  [date(2025, 11, 27), date(2025, 11, 28), date(2026, 1, 19)])
HOME = Enrollment("048-078", "public", "MO", True, date(2024, 8, 14))
STUDENT = Student(birth_date=date(2010, 4, 2), grade="10", resides_in_missouri=True, enrollments=(HOME,))
REQUEST = Request("r1", "part_time", "2026-spring", date(2026, 1, 5), Decimal("2.5"),
                  (Course("ENG10B", Decimal("0.5")),))
POLICY = default_policy()
APPROVE = Decision("approve", "principal", in_person_options_considered=True)


def outcomes(ev):
    return {f.rule: f.outcome for f in ev.findings}


def test_basic_request_through_the_api():
    ev = evaluate(STUDENT, REQUEST, CAL, "048078", POLICY)
    assert ev.eligible and ev.routing == "building_review" and ev.decision_due == date(2026, 1, 20)
    assert ev.deemed_approved_on == date(2026, 2, 4) and ev.decision_valid is None
    assert ev.finding("R06").outcome == "pass" and ev.district_obligated_credits == Decimal("0.5")


def test_grade_outside_k_12_fails_r02():
    ev = evaluate(dataclasses.replace(STUDENT, grade="13"), REQUEST, CAL, "048-078", POLICY)
    assert outcomes(ev)["R02"] == "fail" and not ev.eligible
    assert "13" in ev.finding("R02").message


def test_a_birth_date_not_on_record_fails_r02_and_says_so():
    ev = evaluate(dataclasses.replace(STUDENT, birth_date=None), REQUEST, CAL, "048-078", POLICY)
    assert outcomes(ev)["R02"] == "fail" and not ev.eligible
    assert ev.finding("R02").message.startswith("Birth date not on record: enter it")
    assert outcomes(ev)["R03"] == "pass"  # the other rules are still checked
    es = evaluate(dataclasses.replace(STUDENT, birth_date=None), REQUEST, CAL, "048-078", POLICY, lang="es")
    assert "fecha de nacimiento no consta" in es.finding("R02").message


def test_birthdays():
    assert birthday(date(2004, 2, 29), 21) == date(2025, 3, 1)
    assert birthday(date(2004, 2, 29), 20) == date(2024, 2, 29)
    assert birthday(date(2005, 1, 5), 21) == date(2026, 1, 5)


def test_floats_from_outside_are_compared_exactly():
    request = dataclasses.replace(REQUEST, in_person_credits=2.7,
                                  courses=tuple(Course(f"C{i}", 0.1) for i in range(3)))
    ev = evaluate(STUDENT, request, CAL, "048-078", POLICY)
    assert [c.fte for c in ev.courses] == ["within"] * 3
    assert ev.district_obligated_credits == Decimal("0.3")


def test_enrollments_in_any_order_and_overlapping_cover_the_prior_term():
    parts = (Enrollment("010-089", "charter", "MO", True, date(2025, 10, 1), date(2025, 12, 31)),
             Enrollment("048-078", "public", "MO", True, date(2026, 1, 5)),
             Enrollment("048-078", "public", "MO", True, date(2024, 8, 1), date(2025, 10, 15)))
    ev = evaluate(dataclasses.replace(STUDENT, enrollments=parts), REQUEST, CAL, "048-078", POLICY)
    assert outcomes(ev)["R04"] == "pass"


def test_r04_names_the_first_missing_school_day():
    parts = (Enrollment("048-078", "public", "MO", True, date(2024, 8, 1), date(2025, 11, 26)),
             Enrollment("048-078", "public", "MO", True, date(2025, 12, 2)))
    ev = evaluate(dataclasses.replace(STUDENT, enrollments=parts), REQUEST, CAL, "048-078", POLICY)
    assert outcomes(ev)["R04"] == "fail" and "December 1, 2025" in ev.finding("R04").message


def test_waiver_holds_no_diagnosis():
    assert {f.name for f in dataclasses.fields(MedicalWaiver)} == {"documented", "document_date", "verified_by_role"}


def test_unknown_start_term_is_an_error():
    with pytest.raises(ValueError, match="2027-spring"):
        evaluate(STUDENT, dataclasses.replace(REQUEST, start_term="2027-spring"), CAL, "048-078", POLICY)


def test_check_decision_before_saving():
    ev = evaluate(STUDENT, REQUEST, CAL, "048-078", POLICY)
    assert check_decision(APPROVE, ev, POLICY).valid
    bad = Decision("deny", "counselor", reasons=("COST",), explanation=" ")
    check = check_decision(bad, ev, POLICY)
    assert not check.valid
    assert [f.rule for f in check.findings if f.outcome == "fail"] == ["R12", "R13"]
    assert len(check.problems) == 2 and "COST" in check.problems[0] and "written explanation" in check.problems[0]
    assert "counselor" in check.problems[1]
    es = check_decision(bad, ev, POLICY, lang="es")
    assert "explicación" in es.problems[0]


def test_check_decision_matches_evaluate_with_a_decision():
    for decision in (APPROVE, Decision("deny", "principal", ("ACADEMIC_READINESS",), "Not ready yet.")):
        ev = evaluate(STUDENT, REQUEST, CAL, "048-078", POLICY)
        with_decision = evaluate(STUDENT, REQUEST, CAL, "048-078", POLICY, decision)
        check = check_decision(decision, ev, POLICY)
        assert with_decision.findings[7:] == check.findings
        assert with_decision.decision_valid == check.valid


def test_check_decision_refuses_another_policy():
    ev = evaluate(STUDENT, REQUEST, CAL, "048-078", POLICY)
    with pytest.raises(ValueError):
        check_decision(APPROVE, ev, POLICY.with_overrides({"counselor_may_decide": True}))


def test_spanish_evaluation():
    ev = evaluate(STUDENT, REQUEST, CAL, "048-078", POLICY, lang="es")
    assert ev.lang == "es" and ev.finding("R01").message == "El estudiante vive en Missouri."


CORE = Path(core.__file__).resolve().parent


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_is_pure(path):
    """Standard library only, nothing of the project outside core, no clock, no files."""
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [] if node.level else [node.module or ""]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in sys.stdlib_module_names, f"{path.name} imports {name}"
    for forbidden in ("date.today", "datetime.now", "time.time", "open(", "Path(", "os.environ"):
        assert forbidden not in source, f"{path.name} uses {forbidden}"
