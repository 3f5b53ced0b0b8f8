"""Policy profiles: the district settings of RULES.md, validated, with a citation each.

A profile is data:

    {"id": "mo-default", "version": "2026.1", "effective_date": "2025-07-01",
     "name": "...", "settings": {"decision_business_days": {"value": 10, "citation": "..."}}}

Settings left out of a profile take the defaults below. Anything malformed or
unknown is refused with a `PolicyError` that names the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["Policy", "PolicyError", "SETTINGS", "STANDINGS", "UNCONFIRMED", "load_policy", "default_policy", "policy_to_dict"]


class PolicyError(ValueError):
    """A policy profile or override that cannot be used; `key` names the offending key."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{problem} policy key '{key}'" if problem == "unknown" else f"policy key '{key}': {problem}")
        self.key = key


# --- value checkers: each returns the clean value or raises ValueError(problem) ---------

def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("must be true or false")
    return v


def _int(minimum: int) -> Callable[[Any], int]:
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise ValueError(f"must be a whole number of at least {minimum}")
        return v
    return check


def _optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if v is None else check(v)


def _positive_decimal(v: Any) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, float, str, Decimal)):
        raise ValueError("must be a number greater than 0")
    try:
        d = Decimal(str(v))
    except InvalidOperation:
        raise ValueError("must be a number greater than 0") from None
    if not d.is_finite() or d <= 0:
        raise ValueError("must be a number greater than 0")
    return d


_CODE = re.compile(r"[A-Z][A-Z0-9_]*")


def _percent(v: Any) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, float, str, Decimal)):
        raise ValueError("must be a percent from 0 to 100")
    try:
        d = Decimal(str(v))
    except InvalidOperation:
        raise ValueError("must be a percent from 0 to 100") from None
    if not d.is_finite() or not 0 <= d <= 100:
        raise ValueError("must be a percent from 0 to 100")
    return d


def _codes(v: Any) -> tuple[str, ...]:
    if not isinstance(v, (list, tuple)) or not all(isinstance(c, str) and _CODE.fullmatch(c) for c in v):
        raise ValueError("must be a list of reason codes like 'ACADEMIC_READINESS'")
    if len(set(v)) != len(v):
        raise ValueError("lists a reason code twice")
    return tuple(v)


STANDINGS: dict[str, str] = {
    "law": "State law",
    "board": "Board policy",
    "unconfirmed": "District policy; confirm with counsel",
}
"""How firm each setting's source is. `unconfirmed`: the figure comes from a secondary source
(or a reading of the law after later amendments) that the district's counsel should confirm;
findings and screens word it as district policy, and the administrator can switch it off."""


@dataclass(frozen=True)
class Setting:
    check: Callable[[Any], Any]
    default: Any
    citation: str
    standing: str
    label: str

    @property
    def off_value(self) -> Any:
        """The value that switches the setting off: False for a rule, None for a clock."""
        return False if isinstance(self.default, bool) else None


SETTINGS: dict[str, Setting] = {
    "require_prior_semester": Setting(
        _bool, True, "Board Policy 6190; SB 603 (2018)", "unconfirmed",
        "Full-time public school enrollment in the semester before"),
    "decision_business_days": Setting(_int(1), 10, "Board Policy 6190", "board",
                                      "Business days to decide a part-time request"),
    "full_time_input_business_days": Setting(_int(1), 10, "RSMo 161.670.3(4)", "law",
                                             "Business days to send full-time input"),
    "full_time_credits_per_term": Setting(
        _positive_decimal, Decimal("3.0"),
        "RSMo 161.670.2(2): six credits per regular (year) term = 3.0 per semester", "law",
        "Full-time load (credits per semester)"),
    "icap_course_threshold": Setting(_int(0), 2, "RSMo 161.670.3(6): \"more than two\" courses", "law",
                                     "Virtual courses allowed before a learning plan (ICAP) is needed"),
    "counselor_may_decide": Setting(_bool, False, "Board Policy 6190: principal or designee decides", "board",
                                    "A counselor may decide requests"),
    "deemed_approval_calendar_days": Setting(
        _optional(_int(1)), 30,
        ("5 CSR 20-100.230(7): a decision not made and communicated within 30 days is deemed an approval "
         "(as quoted by secondary sources)"), "unconfirmed",
        "Calendar days after which an undecided request is deemed approved"),
    "allowed_denial_reasons": Setting(
        _codes,
        ("PRIOR_VIRTUAL_PERFORMANCE", "GRADUATION_PLAN_CONFLICT", "ACADEMIC_READINESS",
         "COURSE_NOT_APPROPRIATE_FOR_GRADE", "OTHER_BEST_INTEREST"),
        "RSMo 161.670.3(2)", "law", "Reasons a denial may give"),
    "disallowed_denial_reasons": Setting(
        _codes, ("DISTRICT_PROGRAM_AVAILABLE", "COST"), "DESE MOCAP FAQ; RSMo 161.670.3(2)", "law",
        "Reasons a denial may never give"),
    "board_decision_calendar_days": Setting(
        _optional(_int(1)), 30,
        "MOCAP appeal to the Board of Education: its written decision follows within 30 calendar days (verify)",
        "unconfirmed", "Calendar days for the Board's decision on an appeal"),
    "state_record_hours": Setting(
        _optional(_int(1)), 72, "MOCAP appeal to DESE: the district sends its record within 72 hours (verify)",
        "unconfirmed", "Hours to send the district's record to DESE on an appeal"),
    "state_decision_calendar_days": Setting(
        _optional(_int(1)), 7, "MOCAP appeal to DESE: the Department decides within 7 calendar days (verify)",
        "unconfirmed", "Calendar days for DESE's decision on an appeal"),
    "cost_cap_semester_percent": Setting(
        _optional(_positive_decimal), Decimal("7"),
        "RSMo 161.670: a semester course costs the district at most 7% of the State Adequacy Target "
        "(as quoted by secondary sources)", "unconfirmed",
        "Cost cap of a semester course (percent of the State Adequacy Target)"),
    "cost_cap_year_percent": Setting(
        _optional(_positive_decimal), Decimal("14"),
        "RSMo 161.670: a year course costs the district at most 14% of the State Adequacy Target "
        "(as quoted by secondary sources)", "unconfirmed",
        "Cost cap of a year course (percent of the State Adequacy Target)"),
    # The attendance claim helper (core/reporting.py): PLACEHOLDER shares, not from a state
    # source in hand; the district confirms them with counsel and DESE's MOCAP guidance.
    "attendance_completed_percent": Setting(
        _optional(_percent), Decimal("94"),
        "Placeholder: the share of a course's attendance hours claimed for a completed MOCAP course "
        "(confirm with counsel and DESE's MOCAP guidance for districts)", "unconfirmed",
        "Attendance claimed for a completed course (percent of its hours)"),
    "attendance_dropped_percent": Setting(
        _optional(_percent), Decimal("47"),
        "Placeholder: the share claimed for a course dropped after the provider's drop window "
        "(confirm with counsel and DESE's MOCAP guidance for districts)", "unconfirmed",
        "Attendance claimed for a course dropped after the drop window (percent of its hours)"),
    "attendance_withdrawn_percent": Setting(
        _optional(_percent), Decimal("0"),
        "Placeholder: the share claimed for a course withdrawn after enrolling "
        "(confirm with counsel and DESE's MOCAP guidance for districts)", "unconfirmed",
        "Attendance claimed for a course withdrawn after enrolling (percent of its hours)"),
}
UNCONFIRMED = tuple(key for key, setting in SETTINGS.items() if setting.standing == "unconfirmed")

_PROFILE_KEYS = {"id", "version", "effective_date", "name", "settings"}


@dataclass(frozen=True)
class Policy:
    """One validated policy profile. Build it with `load_policy` or `default_policy`."""

    id: str
    version: str
    effective_date: date
    require_prior_semester: bool
    decision_business_days: int
    full_time_input_business_days: int
    full_time_credits_per_term: Decimal
    icap_course_threshold: int
    counselor_may_decide: bool
    deemed_approval_calendar_days: int | None
    allowed_denial_reasons: tuple[str, ...]
    disallowed_denial_reasons: tuple[str, ...]
    board_decision_calendar_days: int | None
    state_record_hours: int | None
    state_decision_calendar_days: int | None
    cost_cap_semester_percent: Decimal | None
    cost_cap_year_percent: Decimal | None
    attendance_completed_percent: Decimal | None
    attendance_dropped_percent: Decimal | None
    attendance_withdrawn_percent: Decimal | None
    citations: Mapping[str, str] = field(default_factory=dict, compare=False)
    name: str = ""

    @classmethod
    def from_dict(cls, profile: Mapping[str, Any]) -> "Policy":
        return load_policy(profile)

    def citation(self, key: str) -> str:
        return self.citations.get(key) or SETTINGS[key].citation

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Policy":
        """The same profile with flat `key: value` overrides applied (as in a case's `policy`).

        The version gets a `+overrides` suffix so a stored evaluation shows it was not the
        plain profile.
        """
        if not overrides:
            return self
        if not isinstance(overrides, Mapping):
            raise PolicyError("policy", "must be an object of key: value")
        values = {key: _check(key, value) for key, value in overrides.items()}
        changed = replace(self, version=f"{self.version}+overrides", **values)
        _check_consistent(changed)
        return changed


def _check(key: str, value: Any) -> Any:
    setting = SETTINGS.get(key)
    if setting is None:
        raise PolicyError(key, "unknown")
    try:
        return setting.check(value)
    except ValueError as e:
        raise PolicyError(key, str(e)) from None


def _check_consistent(policy: Policy) -> None:
    both = set(policy.allowed_denial_reasons) & set(policy.disallowed_denial_reasons)
    if both:
        raise PolicyError("allowed_denial_reasons", f"also listed as disallowed: {', '.join(sorted(both))}")


def _text(profile: Mapping[str, Any], key: str) -> str:
    value = profile.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(key, "must be a non-empty text")
    return value


def load_policy(profile: Mapping[str, Any]) -> Policy:
    """Validate a profile dict and build its `Policy`; raises `PolicyError` naming the key."""
    if not isinstance(profile, Mapping):
        raise PolicyError("(profile)", "must be an object")
    for key in profile:
        if key not in _PROFILE_KEYS:
            raise PolicyError(key, "unknown")
    try:
        effective = date.fromisoformat(_text(profile, "effective_date"))
    except ValueError:
        raise PolicyError("effective_date", "must be a date YYYY-MM-DD") from None
    name = profile.get("name", "")
    if not isinstance(name, str):
        raise PolicyError("name", "must be text")
    settings = profile.get("settings", {})
    if not isinstance(settings, Mapping):
        raise PolicyError("settings", "must be an object")
    values: dict[str, Any] = {}
    citations: dict[str, str] = {}
    for key, entry in settings.items():
        if key not in SETTINGS:
            raise PolicyError(key, "unknown")
        if not isinstance(entry, Mapping) or set(entry) - {"value", "citation"} or "value" not in entry:
            raise PolicyError(key, "must be an object with 'value' and 'citation'")
        citation = entry.get("citation", SETTINGS[key].citation)
        if not isinstance(citation, str):
            raise PolicyError(key, "citation must be text")
        values[key] = _check(key, entry["value"])
        citations[key] = citation
    for key, setting in SETTINGS.items():
        values.setdefault(key, setting.default)
        citations.setdefault(key, setting.citation)
    policy = Policy(id=_text(profile, "id"), version=_text(profile, "version"), effective_date=effective,
                    name=name, citations=citations, **values)
    _check_consistent(policy)
    return policy


def default_policy() -> Policy:
    """The default profile of RULES.md, built from the defaults above (no file access)."""
    return load_policy({"id": "mo-default", "version": "2026.1", "effective_date": "2025-07-01",
                        "name": "Missouri default (RULES.md)"})


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """The profile dict of a policy (the inverse of `load_policy`), for storing or editing."""
    def plain(v: Any) -> Any:
        return float(v) if isinstance(v, Decimal) else list(v) if isinstance(v, tuple) else v

    return {
        "id": policy.id,
        "version": policy.version,
        "effective_date": policy.effective_date.isoformat(),
        "name": policy.name,
        "settings": {key: {"value": plain(getattr(policy, key)), "citation": policy.citation(key)}
                     for key in SETTINGS},
    }
