"""Messages: every rule x outcome and every reason code, in English and Spanish, placeholders filled."""

from __future__ import annotations

import json
import re
import string
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from mocap_desktop.core import RULE_CITATIONS, default_policy, parse_case, reason_text, render, rule_name
from mocap_desktop.core.messages import REASONS, TEXTS, check_lang, format_credits, format_date, render_parts

CASES = Path(__file__).resolve().parents[2] / "data" / "cases"

# From RULES.md: the outcomes each rule can give.
RULE_OUTCOMES = {
    "R01": {"pass", "fail"},
    "R02": {"pass", "fail"},
    "R03": {"pass", "fail"},
    "R04": {"pass", "waived", "fail", "not_applicable"},
    "R06": {"pass", "warn", "not_applicable"},
    "R07": {"pass", "warn"},
    "R09": {"warn", "not_applicable"},
    "R12": {"pass", "fail", "not_applicable"},
    "R13": {"pass", "fail", "not_applicable"},
    "R14": {"pass", "fail", "not_applicable"},
    "R15": {"pass", "fail"},
}
RULES_MD_CITATIONS = {
    "R01": "RSMo 161.670.1", "R02": "RSMo 161.670.1", "R03": "RSMo 161.670.3(1)(a); Board Policy 6190",
    "R04": "Board Policy 6190; SB 603 (2018)", "R06": "RSMo 161.670.2(2),(4); Board Policy 6190",
    "R07": "RSMo 161.670.3(6)", "R09": "MSHSAA By-Law 2.3.4", "R12": "RSMo 161.670.3(2)",
    "R13": "Board Policy 6190; DESE MOCAP FAQ", "R14": "RSMo 161.670.3(2)",
    "R15": "RSMo 161.670.3(4); Board Policy 6190",
}
REASON_CODES = {"PRIOR_VIRTUAL_PERFORMANCE", "GRADUATION_PLAN_CONFLICT", "ACADEMIC_READINESS",
                "COURSE_NOT_APPROPRIATE_FOR_GRADE", "OTHER_BEST_INTEREST", "DISTRICT_PROGRAM_AVAILABLE", "COST"}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def evaluations(lang: str):
    policy = default_policy()
    for path in sorted(CASES.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        if "error" not in case["expect"]:
            yield path.name, parse_case(case, policy).evaluate(lang)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("rule, outcome", [(r, o) for r, outcomes in RULE_OUTCOMES.items() for o in outcomes])
def test_every_rule_outcome_has_text(lang, rule, outcome):
    keys = [k for k in TEXTS[lang] if k == f"{rule}.{outcome}" or k.startswith(f"{rule}.{outcome}.")]
    assert keys and all(TEXTS[lang][k].strip() for k in keys)


def test_english_and_spanish_have_the_same_keys_and_placeholders():
    assert set(TEXTS["en"]) == set(TEXTS["es"])
    for key, template in TEXTS["en"].items():
        assert placeholders(template) == placeholders(TEXTS["es"][key]), key
        assert template != TEXTS["es"][key], f"{key} is not translated"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_reason_code_has_a_meaning(lang):
    assert set(REASONS[lang]) == REASON_CODES
    policy = default_policy()
    for code in policy.allowed_denial_reasons + policy.disallowed_denial_reasons:
        assert reason_text(code, lang).strip()
    assert reason_text("COST", lang) != reason_text("COST", "es" if lang == "en" else "en")
    with pytest.raises(KeyError):
        reason_text("BAD_ATTITUDE", lang)


def test_rule_names_and_citations_match_rules_md():
    assert RULE_CITATIONS == RULES_MD_CITATIONS
    for rule in RULE_OUTCOMES:
        assert rule_name(rule, "en") and rule_name(rule, "es") and rule_name(rule, "en") != rule_name(rule, "es")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_evaluated_messages_have_no_leftover_braces(lang):
    for name, ev in evaluations(lang):
        for f in ev.findings:
            assert f.message.strip() and not re.search(r"[{}]", f.message), (name, f.rule, f.message)
            assert f.citation == RULES_MD_CITATIONS[f.rule]


def test_every_message_is_used_by_some_case():
    used = {key for _, ev in evaluations("en") for f in ev.findings for key, _ in f.parts}
    used.add("R02.fail.grade")  # unreachable from a case file (grade 13 is bad input): see test_evaluate
    used.add("R02.fail.no_birth_date")  # a case file always has a birth date: see test_evaluate
    assert used == set(TEXTS["en"])


def test_messages_are_in_the_language_asked_for():
    en = dict(evaluations("en"))
    es = dict(evaluations("es"))
    for name in en:
        for f_en, f_es in zip(en[name].findings, es[name].findings):
            assert f_en.message != f_es.message and f_en.outcome == f_es.outcome
            assert render_parts(f_en.parts, "es") == f_es.message  # a finding re-renders in the other language


def test_placeholders_are_filled_and_formatted():
    text = render("R02.fail.age", {"birthday_21": date(2026, 1, 5), "term_start": date(2026, 1, 5)}, "es")
    assert "5 de enero de 2026" in text
    text = render("R06.warn", {"in_person": Decimal("2.5"), "cap": Decimal("3.0"), "credits": Decimal("0.50"),
                               "beyond_courses": ["CHEM1A", "PSYCH"]}, "en")
    assert "2.5 credits" in text and "3 credits" in text and "0.5 credits" in text and "CHEM1A, PSYCH" in text
    text = render("R13.fail", {"role": "counselor", "allowed_roles": ("principal", "designee", "superintendent")})
    assert text == ("This decision must be made by the principal, the principal's designee or the superintendent; "
                    "it was recorded as made by the counselor.")
    with pytest.raises(KeyError):
        render("R02.fail.age", {"term_start": date(2026, 1, 5)})  # a missing value is an error, not a blank


def test_language_and_formats():
    assert check_lang("es-MX") == "es" and check_lang("EN") == "en"
    with pytest.raises(ValueError):
        check_lang("fr")
    assert format_date(date(2026, 1, 20), "en") == "January 20, 2026"
    assert format_date(date(2026, 1, 20), "es") == "20 de enero de 2026"
    assert format_credits(Decimal("3.0")) == "3" and format_credits(0.5) == "0.5" and format_credits(10) == "10"
