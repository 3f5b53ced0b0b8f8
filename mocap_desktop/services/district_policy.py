"""The district's policy values as the administrator reviews them: each with its source and its
standing, whether the district has confirmed it, and whether it is in use.

A value whose source is secondary (`core.UNCONFIRMED`) is district policy until the district's
counsel confirms it; the administrator records that confirmation, or switches the value off.
Switching one off (or back on) makes a new version of the district's active policy profile, so
every evaluation and appeal keeps naming the policy it was made under.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Mapping

from mocap_desktop import core
from mocap_desktop.core.access import DISTRICT_EDIT, require
from mocap_desktop.services.requests import active_policy
from mocap_desktop.store import Store, trail

log = logging.getLogger(__name__)

CONFIRMED_KEY = "policy.confirmed"
DISTRICT_PROFILE_ID = "district"
# Before a decision, a part-time request can still be deemed approved.
_UNDECIDED = ("submitted", "in_review")


@dataclass(frozen=True)
class PolicyValue:
    key: str
    label: str
    value: str           # in words: "30 calendar days", "Required", "Off"
    source: str
    standing: str        # core.STANDINGS wording
    to_confirm: bool     # a secondary source: the administrator confirms it or switches it off
    in_use: bool
    confirmed_by: str = ""
    confirmed_on: str = ""

    @property
    def open_question(self) -> bool:
        return self.to_confirm and self.in_use and not self.confirmed_by


@dataclass(frozen=True)
class PolicyChoice:
    in_use: bool
    confirmed: bool


_UNITS = {"deemed_approval_calendar_days": "calendar days after the request is received",
          "board_decision_calendar_days": "calendar days after the appeal is filed",
          "state_decision_calendar_days": "calendar days after the appeal is filed",
          "state_record_hours": "hours after the appeal is filed",
          "decision_business_days": "business days after the request is received",
          "full_time_input_business_days": "business days after the provider's notice",
          "cost_cap_semester_percent": "percent of the State Adequacy Target",
          "cost_cap_year_percent": "percent of the State Adequacy Target",
          "attendance_completed_percent": "percent of the course's attendance hours",
          "attendance_dropped_percent": "percent of the course's attendance hours",
          "attendance_withdrawn_percent": "percent of the course's attendance hours"}


def _words(key: str, value: Any) -> str:
    if value is None or value is False:
        return "Off"
    if value is True:
        return "Required" if key == "require_prior_semester" else "Yes"
    if isinstance(value, tuple):
        return "; ".join(core.REASONS["en"].get(code, code) for code in value)
    return f"{value} {_UNITS[key]}" if key in _UNITS else str(value)


def _confirmations(store: Store) -> dict[str, dict]:
    try:
        found = json.loads(store.setting(CONFIRMED_KEY) or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def policy_values(store: Store) -> list[PolicyValue]:
    """Every setting of the active policy, in the order of the rules catalog."""
    policy = active_policy(store)
    confirmed = _confirmations(store)
    values = []
    for key, setting in core.SETTINGS.items():
        value = getattr(policy, key)
        mark = confirmed.get(key) or {}
        values.append(PolicyValue(
            key=key, label=setting.label, value=_words(key, value), source=policy.citation(key),
            standing=core.STANDINGS[setting.standing], to_confirm=key in core.UNCONFIRMED,
            in_use=value != setting.off_value, confirmed_by=str(mark.get("by", "")),
            confirmed_on=str(mark.get("on", ""))))
    return values


def open_questions(store: Store) -> int:
    """How many values from secondary sources are in use without the district's confirmation."""
    return sum(v.open_question for v in policy_values(store))


def save_policy_choices(store: Store, choices: Mapping[str, PolicyChoice], today: date | None = None) -> bool:
    """Record the administrator's choices (DISTRICT_EDIT; audited); True when something changed."""
    require(store, DISTRICT_EDIT)
    today = today or date.today()
    unknown = set(choices) - set(core.UNCONFIRMED)
    if unknown:
        raise ValueError(f"Only values from secondary sources can be confirmed or switched off: {sorted(unknown)}")
    policy = active_policy(store)
    before_marks = _confirmations(store)
    marks = dict(before_marks)
    switched: dict[str, Any] = {}
    for key, choice in choices.items():
        setting = core.SETTINGS[key]
        in_use = getattr(policy, key) != setting.off_value
        if choice.in_use != in_use:
            switched[key] = setting.default if choice.in_use else setting.off_value
        if choice.confirmed and choice.in_use and key not in marks:
            marks[key] = {"by": trail.acting_name(store, "administrator"), "on": today.isoformat()}
        elif not (choice.confirmed and choice.in_use):
            marks.pop(key, None)
    if not switched and marks == before_marks:
        return False
    with store.transaction() as db:
        if switched:
            _new_profile(db, store, policy, switched, today)
        db["settings"].upsert({"key": CONFIRMED_KEY, "value": json.dumps(marks, sort_keys=True)}, pk="key")
        detail = {"switched": {key: ("on" if value != core.SETTINGS[key].off_value else "off")
                               for key, value in switched.items()},
                  "confirmed": sorted(set(marks) - set(before_marks)),
                  "unconfirmed": sorted(set(before_marks) - set(marks))}
        trail.note(db, store, "policy_changed", detail={k: v for k, v in detail.items() if v})
    log.info("District policy choices saved")
    return True


def _new_profile(db, store: Store, policy: core.Policy, switched: Mapping[str, Any], today: date) -> None:
    versions = store.query("SELECT count(*) AS n FROM policy_profiles WHERE id = ?", (DISTRICT_PROFILE_ID,))
    version = f"{today.isoformat()}.{versions[0]['n'] + 1}"
    changed = replace(policy, id=DISTRICT_PROFILE_ID, version=version, effective_date=today,
                      name=policy.name if policy.id == DISTRICT_PROFILE_ID else f"District policy (from {policy.name})",
                      **switched)
    body = core.policy_to_dict(changed)
    core.load_policy(body)  # the stored profile must load as it is
    db.execute("UPDATE policy_profiles SET active = 0 WHERE active = 1")
    db["policy_profiles"].insert({"id": DISTRICT_PROFILE_ID, "version": version, "effective_date": today.isoformat(),
                                  "body": json.dumps(body), "active": 1})
    if "deemed_approval_calendar_days" in switched:
        days = switched["deemed_approval_calendar_days"]
        marks = ",".join("?" * len(_UNDECIDED))
        if days is None:
            db.execute(f"UPDATE requests SET deemed_approved_on = NULL WHERE status IN ({marks})", _UNDECIDED)
        else:
            db.execute(f"UPDATE requests SET deemed_approved_on = date(received, ?) "
                       f"WHERE pathway = 'part_time' AND status IN ({marks})", (f"+{days} days", *_UNDECIDED))
