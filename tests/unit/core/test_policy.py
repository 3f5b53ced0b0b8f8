"""Policy profiles: validation naming the key, the default profile, provenance on every evaluation."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from mocap_desktop.core import (
    SETTINGS, Policy, PolicyError, default_policy, evaluate_case, load_policy, parse_case, policy_to_dict,
)

ROOT = Path(__file__).resolve().parents[3]
PROFILE = json.loads((ROOT / "resources" / "policies" / "default.json").read_text(encoding="utf-8"))
CASE = json.loads((ROOT / "tests" / "data" / "cases" / "pt-basic.json").read_text(encoding="utf-8"))


def profile_with(**settings):
    p = copy.deepcopy(PROFILE)
    for key, value in settings.items():
        p["settings"][key] = {"value": value, "citation": "test"}
    return p


def test_default_profile_loads_with_rules_md_values():
    policy = load_policy(PROFILE)
    assert (policy.id, policy.version) == ("mo-default", "2026.1")
    assert policy.require_prior_semester is True
    assert policy.decision_business_days == 10
    assert policy.full_time_input_business_days == 10
    assert policy.full_time_credits_per_term == Decimal("3.0")
    assert policy.icap_course_threshold == 2
    assert policy.counselor_may_decide is False
    assert policy.deemed_approval_calendar_days == 30
    assert policy.allowed_denial_reasons == (
        "PRIOR_VIRTUAL_PERFORMANCE", "GRADUATION_PLAN_CONFLICT", "ACADEMIC_READINESS",
        "COURSE_NOT_APPROPRIATE_FOR_GRADE", "OTHER_BEST_INTEREST")
    assert policy.disallowed_denial_reasons == ("DISTRICT_PROGRAM_AVAILABLE", "COST")
    assert policy.board_decision_calendar_days == 30 and policy.state_record_hours == 72


def test_default_profile_file_lists_every_setting_with_a_citation():
    assert set(PROFILE["settings"]) == set(SETTINGS)
    assert all(entry["citation"].strip() for entry in PROFILE["settings"].values())
    assert load_policy(PROFILE) == default_policy()
    assert load_policy(PROFILE).citation("decision_business_days") == "Board Policy 6190"


def test_profile_round_trips_through_a_dict():
    policy = load_policy(profile_with(decision_business_days=7, deemed_approval_calendar_days=None))
    assert load_policy(policy_to_dict(policy)) == policy
    assert Policy.from_dict(PROFILE) == load_policy(PROFILE)


def test_unknown_setting_is_refused_by_name():
    p = profile_with(decision_days=10)
    with pytest.raises(PolicyError, match="unknown policy key 'decision_days'") as caught:
        load_policy(p)
    assert caught.value.key == "decision_days"


def test_unknown_top_level_key_is_refused_by_name():
    with pytest.raises(PolicyError, match="'colour'"):
        load_policy({**PROFILE, "colour": "blue"})


@pytest.mark.parametrize("key, value", [
    ("decision_business_days", "ten"),
    ("decision_business_days", 0),
    ("decision_business_days", 2.5),
    ("decision_business_days", True),
    ("require_prior_semester", "yes"),
    ("full_time_credits_per_term", -3),
    ("full_time_credits_per_term", None),
    ("icap_course_threshold", -1),
    ("deemed_approval_calendar_days", "30"),
    ("allowed_denial_reasons", "COST"),
    ("allowed_denial_reasons", ["cost"]),
    ("allowed_denial_reasons", ["COST", "COST"]),
])
def test_malformed_value_is_refused_naming_the_key(key, value):
    with pytest.raises(PolicyError) as caught:
        load_policy(profile_with(**{key: value}))
    assert caught.value.key == key and f"'{key}'" in str(caught.value)


def test_setting_without_value_wrapper_is_refused():
    p = copy.deepcopy(PROFILE)
    p["settings"]["decision_business_days"] = 10
    with pytest.raises(PolicyError, match="'decision_business_days'"):
        load_policy(p)


@pytest.mark.parametrize("key", ["id", "version", "effective_date"])
def test_identity_fields_are_required(key):
    p = copy.deepcopy(PROFILE)
    del p[key]
    with pytest.raises(PolicyError, match=f"'{key}'"):
        load_policy(p)


def test_bad_effective_date_is_refused():
    with pytest.raises(PolicyError, match="'effective_date'"):
        load_policy({**PROFILE, "effective_date": "July 1"})


def test_a_reason_both_allowed_and_disallowed_is_refused():
    with pytest.raises(PolicyError, match="COST"):
        load_policy(profile_with(allowed_denial_reasons=["COST"]))


def test_omitted_settings_take_the_defaults():
    policy = load_policy({"id": "x", "version": "1", "effective_date": "2025-07-01", "settings": {}})
    assert policy.decision_business_days == 10 and policy.deemed_approval_calendar_days == 30


def test_overrides_apply_flat_keys_and_mark_the_version():
    base = default_policy()
    changed = base.with_overrides({"decision_business_days": 5, "deemed_approval_calendar_days": None})
    assert changed.decision_business_days == 5 and changed.deemed_approval_calendar_days is None
    assert changed.id == base.id and changed.version == "2026.1+overrides"
    assert base.decision_business_days == 10  # the base profile is untouched
    assert base.with_overrides({}) is base
    with pytest.raises(PolicyError, match="unknown policy key 'decision_days'"):
        base.with_overrides({"decision_days": 5})
    with pytest.raises(PolicyError, match="'counselor_may_decide'"):
        base.with_overrides({"counselor_may_decide": 1})


def test_every_evaluation_carries_the_policy_id_and_version():
    policy = load_policy({**PROFILE, "id": "district-048-078", "version": "2026.3"})
    out = evaluate_case(CASE, policy)
    assert (out["policy_id"], out["policy_version"]) == ("district-048-078", "2026.3")
    ev = parse_case(CASE, policy).evaluate()
    assert (ev.policy_id, ev.policy_version) == ("district-048-078", "2026.3")
    overridden = evaluate_case({**CASE, "policy": {"decision_business_days": 5}}, policy)
    assert overridden["policy_version"] == "2026.3+overrides" and overridden["decision_due"] == "2026-01-12"


def test_policy_changes_the_verdict():
    strict = load_policy(profile_with(full_time_credits_per_term=2.5))  # 2.5 in person leaves no room
    out = evaluate_case(CASE, strict)
    assert out["courses"][0]["fte"] == "beyond" and out["district_obligated_credits"] == 0.0
