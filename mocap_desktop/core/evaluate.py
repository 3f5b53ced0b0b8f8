"""The rules of RULES.md: R01-R09 on a request, R12-R15 on a decision, routing and deadlines."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Iterable

from .calendar import Calendar, Term
from .messages import RULE_CITATIONS, check_lang, render_parts
from .model import (
    GRADES, CourseResult, Decision, DecisionCheck, Enrollment, Evaluation, Finding, Request, Student,
    normalize_district,
)
from .policy import Policy

__all__ = ["evaluate", "check_decision", "birthday"]

Part = tuple[str, dict[str, Any]]
_ZERO = Decimal(0)
_BUILDING_ROLES = ("principal", "designee", "superintendent")


def _part(key: str, **params: Any) -> Part:
    return (key, params)


def _finding(lang: str, rule: str, outcome: str, *parts: Part) -> Finding:
    return Finding(rule, outcome, render_parts(parts, lang), RULE_CITATIONS[rule], parts)


def _dec(value: Decimal | float | int) -> Decimal:
    """Credits as exact decimals: 0.1 + 0.2 lands on 0.3."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def birthday(birth_date: date, years: int) -> date:
    """The day the student turns `years` old; a 29 February birthday falls on 1 March in other years."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return date(birth_date.year + years, 3, 1)


def _first_uncovered_school_day(term: Term, enrollments: Iterable[Enrollment], calendar: Calendar) -> date | None:
    """The first school day of `term` that no enrollment covers, or None when all are covered."""
    cursor = term.start  # every day before cursor is known to be covered
    for e in sorted(enrollments, key=lambda e: e.entry):
        if cursor > term.end:
            return None
        if e.exit is not None and e.exit < cursor:
            continue
        day = cursor
        while day < e.entry and day <= term.end:  # the gap before this enrollment
            if calendar.is_school_day(day):
                return day
            day += timedelta(days=1)
        if e.exit is None:
            return None
        cursor = max(cursor, e.exit + timedelta(days=1))
    day = cursor
    while day <= term.end:
        if calendar.is_school_day(day):
            return day
        day += timedelta(days=1)
    return None


def evaluate(student: Student, request: Request, calendar: Calendar, district_code: str, policy: Policy,
             decision: Decision | None = None, *, lang: str = "en") -> Evaluation:
    """Evaluate a request under a policy; with a decision, also check it (R12-R15)."""
    lang = check_lang(lang)
    try:
        term = calendar.term(request.start_term)
    except KeyError:
        raise ValueError(f"start term {request.start_term!r} is not in the calendar") from None
    full_time = request.pathway == "full_time"
    f = lambda rule, outcome, *parts: _finding(lang, rule, outcome, *parts)  # noqa: E731

    # R01 residency
    r01 = f("R01", "pass" if student.resides_in_missouri else "fail",
            _part("R01.pass" if student.resides_in_missouri else "R01.fail"))

    # R02 age and grade
    problems = []
    if student.grade not in GRADES:
        problems.append(_part("R02.fail.grade", grade_code=student.grade))
    if student.birth_date is None:
        problems.append(_part("R02.fail.no_birth_date"))
    elif (turns_21 := birthday(student.birth_date, 21)) <= term.start:
        problems.append(_part("R02.fail.age", birthday_21=turns_21, term_start=term.start))
    r02 = (f("R02", "fail", *problems) if problems
           else f("R02", "pass", _part("R02.pass", grade=student.grade, term_start=term.start)))

    # R03 current enrollment
    district = normalize_district(district_code)
    enrolled = any(
        e.counts_as_full_time_missouri_public() and e.covers(request.received)
        and (full_time or normalize_district(e.district) == district)
        for e in student.enrollments)
    if enrolled:
        r03 = f("R03", "pass", _part("R03.pass", received=request.received))
    else:
        r03 = f("R03", "fail", _part("R03.fail" if full_time else "R03.fail.part_time",
                                     received=request.received, district=district_code))

    # R04 prior semester
    if not policy.require_prior_semester:
        r04 = f("R04", "not_applicable", _part("R04.not_applicable"))
    else:
        prior = calendar.prior_term(request.start_term)
        if prior is None:
            raise ValueError(f"start term {request.start_term!r} has no prior term in the calendar")
        qualifying = [e for e in student.enrollments if e.counts_as_full_time_missouri_public()]
        gap = _first_uncovered_school_day(prior, qualifying, calendar)
        if gap is None:
            r04 = f("R04", "pass", _part("R04.pass", prior_term=prior.id, prior_start=prior.start,
                                         prior_end=prior.end))
        else:
            waived = request.medical_waiver is not None and request.medical_waiver.documented
            outcome = "waived" if waived else "fail"
            r04 = f("R04", outcome, _part(f"R04.{outcome}", prior_term=prior.id, first_gap=gap))

    # R06 full-time-equivalent cap
    if full_time:
        courses = tuple(CourseResult(c.code, _dec(c.credits), None) for c in request.courses)
        obligated = _ZERO
        r06 = f("R06", "not_applicable", _part("R06.not_applicable"))
    else:
        cap = _dec(policy.full_time_credits_per_term)
        in_person = _dec(request.in_person_credits)
        room = max(_ZERO, cap - in_person)
        obligated = _ZERO
        results = []
        for c in request.courses:
            credits = _dec(c.credits)
            within = obligated + credits <= room
            if within:
                obligated += credits
            results.append(CourseResult(c.code, credits, "within" if within else "beyond"))
        courses = tuple(results)
        beyond = [c.code for c in courses if c.fte == "beyond"]
        r06 = (f("R06", "warn", _part("R06.warn", in_person=in_person, cap=cap, credits=obligated,
                                      beyond_courses=beyond)) if beyond
               else f("R06", "pass", _part("R06.pass", cap=cap, credits=obligated)))

    # R07 learning plan (ICAP)
    if full_time:
        r07 = f("R07", "warn", _part("R07.warn.full_time"))
    else:
        total = student.active_virtual_courses + len(request.courses)
        outcome = "warn" if total > policy.icap_course_threshold else "pass"
        r07 = f("R07", outcome, _part(f"R07.{outcome}", total=total, threshold=policy.icap_course_threshold))

    # R09 activities eligibility
    r09 = (f("R09", "warn", _part("R09.warn")) if student.mshsaa_activities
           else f("R09", "not_applicable", _part("R09.not_applicable")))

    eligible = all(x.outcome != "fail" for x in (r01, r02, r03, r04))
    routing = ("provider" if full_time else "iep_team" if student.iep
               else "section_504_team" if student.section_504 else "building_review")
    deemed_days = policy.deemed_approval_calendar_days
    findings = (r01, r02, r03, r04, r06, r07, r09)
    decision_valid = None
    if decision is not None:
        check = _check_decision(decision, request.pathway, routing, eligible, policy, lang)
        findings += check.findings
        decision_valid = check.valid

    return Evaluation(
        id=request.id,
        eligible=eligible,
        routing=routing,
        decision_due=(calendar.add_business_days(request.received, policy.decision_business_days)
                      if routing == "building_review" else None),
        input_due=(calendar.add_business_days(request.received, policy.full_time_input_business_days)
                   if full_time else None),
        deemed_approved_on=(request.received + timedelta(days=deemed_days)
                            if not full_time and deemed_days is not None else None),
        icap_required=r07.outcome == "warn",
        district_obligated_credits=obligated,
        courses=courses,
        findings=findings,
        decision_valid=decision_valid,
        policy_id=policy.id,
        policy_version=policy.version,
        pathway=request.pathway,
        lang=lang,
    )


def check_decision(decision: Decision, evaluation: Evaluation, policy: Policy, *, lang: str | None = None) -> DecisionCheck:
    """R12-R15 on a decision about an evaluated request, before the decision is saved.

    `policy` must be the one the evaluation used. `DecisionCheck.problems` holds the
    messages of the failed checks, for the review queue to show.
    """
    if (policy.id, policy.version) != (evaluation.policy_id, evaluation.policy_version):
        raise ValueError("the decision must be checked under the policy the request was evaluated with")
    return _check_decision(decision, evaluation.pathway, evaluation.routing, evaluation.eligible, policy,
                           check_lang(lang or evaluation.lang))


def _check_decision(decision: Decision, pathway: str, routing: str, eligible: bool, policy: Policy,
                    lang: str) -> DecisionCheck:
    f = lambda rule, outcome, *parts: _finding(lang, rule, outcome, *parts)  # noqa: E731
    approve = decision.outcome == "approve"

    # R12 denial reason
    if approve:
        r12 = f("R12", "not_applicable", _part("R12.not_applicable"))
    else:
        problems = []
        if not decision.reasons:
            problems.append(_part("R12.fail.no_reason"))
        not_allowed = [r for r in dict.fromkeys(decision.reasons)
                       if r not in policy.allowed_denial_reasons or r in policy.disallowed_denial_reasons]
        if not_allowed:
            problems.append(_part("R12.fail.reason_not_allowed", reasons=not_allowed))
        if not decision.explanation.strip():
            problems.append(_part("R12.fail.blank_explanation"))
        r12 = f("R12", "fail", *problems) if problems else f("R12", "pass", _part("R12.pass"))

    # R13 who decides
    if routing == "provider":
        r13 = f("R13", "not_applicable", _part("R13.not_applicable"))
    else:
        allowed = {"iep_team": ("iep_team",), "section_504_team": ("section_504_team",)}.get(
            routing, _BUILDING_ROLES + (("counselor",) if policy.counselor_may_decide else ()))
        ok = decision.decided_by_role in allowed
        r13 = f("R13", "pass" if ok else "fail",
                _part("R13.pass" if ok else "R13.fail", role=decision.decided_by_role, allowed_roles=allowed))

    # R14 in-person options considered
    if not approve:
        r14 = f("R14", "not_applicable", _part("R14.not_applicable"))
    else:
        outcome = "pass" if decision.in_person_options_considered else "fail"
        r14 = f("R14", outcome, _part(f"R14.{outcome}"))

    # R15 decision scope
    if pathway == "full_time":
        r15 = f("R15", "fail", _part("R15.fail.full_time"))
    elif approve and not eligible:
        r15 = f("R15", "fail", _part("R15.fail.ineligible"))
    else:
        r15 = f("R15", "pass", _part("R15.pass"))

    return DecisionCheck((r12, r13, r14, r15))
