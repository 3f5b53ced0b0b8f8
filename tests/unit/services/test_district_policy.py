"""Policy values from secondary sources: shown with their source and standing, confirmed by the
administrator or switched off, and what switching one off changes (findings, deadlines, letters)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from review_seed import COUNSELOR, small_district, submit  # noqa: E402

from mocap_desktop import core  # noqa: E402
from mocap_desktop.services import district_policy as dp  # noqa: E402
from mocap_desktop.services import letters, review  # noqa: E402
from mocap_desktop.services.requests import active_policy  # noqa: E402
from mocap_desktop.services.review import AppealForm, DecisionForm  # noqa: E402

ON_DAY = date(2026, 11, 30)


@pytest.fixture
def district(store):
    return small_district(store)


def values_by_key(store) -> dict[str, dp.PolicyValue]:
    return {v.key: v for v in dp.policy_values(store)}


def test_every_setting_has_a_standing_and_the_secondary_ones_are_to_confirm():
    assert set(core.UNCONFIRMED) == {"require_prior_semester", "deemed_approval_calendar_days",
                                     "board_decision_calendar_days", "state_record_hours",
                                     "state_decision_calendar_days", "cost_cap_semester_percent",
                                     "cost_cap_year_percent", "attendance_completed_percent",
                                     "attendance_dropped_percent", "attendance_withdrawn_percent"}
    for key, setting in core.SETTINGS.items():
        assert setting.standing in core.STANDINGS and setting.label, key
    for key in core.UNCONFIRMED:  # each can be switched off
        setting = core.SETTINGS[key]
        assert setting.check(setting.off_value) == setting.off_value, key
    assert core.STANDINGS["unconfirmed"] == "District policy; confirm with counsel"


def test_the_profile_lists_each_value_with_its_source_and_standing(store, district):
    values = values_by_key(store)
    deemed = values["deemed_approval_calendar_days"]
    assert deemed.value == "30 calendar days after the request is received"
    assert deemed.source.startswith("5 CSR 20-100.230(7)")
    assert deemed.standing == "District policy; confirm with counsel" and deemed.open_question
    law = values["full_time_input_business_days"]
    assert (law.standing, law.to_confirm, law.source) == ("State law", False, "RSMo 161.670.3(4)")
    assert values["decision_business_days"].standing == "Board policy"
    assert values["state_record_hours"].value == "72 hours after the appeal is filed"
    assert dp.open_questions(store) == 10


def test_confirming_records_who_and_when_and_is_audited(store, district):
    changed = dp.save_policy_choices(store, {"state_record_hours": dp.PolicyChoice(True, True)}, today=ON_DAY)
    assert changed and dp.open_questions(store) == 9
    record = values_by_key(store)["state_record_hours"]
    assert (record.confirmed_by, record.confirmed_on, record.in_use) == ("administrator", "2026-11-30", True)
    assert active_policy(store).id == "mo-default"  # a confirmation changes no figure
    [entry] = store.query("SELECT detail FROM audit_log WHERE action = 'policy_changed'")
    assert json.loads(entry["detail"]) == {"confirmed": ["state_record_hours"]}
    assert not dp.save_policy_choices(store, {"state_record_hours": dp.PolicyChoice(True, True)}, today=ON_DAY)
    dp.save_policy_choices(store, {"state_record_hours": dp.PolicyChoice(True, False)}, today=ON_DAY)
    assert values_by_key(store)["state_record_hours"].confirmed_by == ""


def test_switching_off_deemed_approval_makes_a_new_policy_version_and_clears_open_requests(store, district):
    rid = submit(store, district["zoe"], date(2026, 11, 9))
    assert store.query("SELECT deemed_approved_on FROM requests WHERE id = ?", (rid,))[0]["deemed_approved_on"] \
        == "2026-12-09"
    dp.save_policy_choices(store, {"deemed_approval_calendar_days": dp.PolicyChoice(False, False)}, today=ON_DAY)
    policy = active_policy(store)
    assert (policy.id, policy.version, policy.deemed_approval_calendar_days) == ("district", "2026-11-30.1", None)
    assert store.query("SELECT count(*) AS n FROM policy_profiles WHERE active = 1")[0]["n"] == 1
    assert store.query("SELECT deemed_approved_on FROM requests WHERE id = ?", (rid,))[0]["deemed_approved_on"] is None
    evaluation, _ = review.evaluate_today(store, rid)
    assert evaluation.deemed_approved_on is None
    assert values_by_key(store)["deemed_approval_calendar_days"].value == "Off"
    assert dp.open_questions(store) == 9
    [entry] = store.query("SELECT detail FROM audit_log WHERE action = 'policy_changed'")
    assert json.loads(entry["detail"]) == {"switched": {"deemed_approval_calendar_days": "off"}}

    dp.save_policy_choices(store, {"deemed_approval_calendar_days": dp.PolicyChoice(True, True)}, today=ON_DAY)
    assert active_policy(store).version == "2026-11-30.2"
    assert store.query("SELECT deemed_approved_on FROM requests WHERE id = ?", (rid,))[0]["deemed_approved_on"] \
        == "2026-12-09"
    assert dp.open_questions(store) == 9  # back on and confirmed


def test_switching_off_the_prior_semester_rule_words_the_finding_as_district_policy(store, district):
    dp.save_policy_choices(store, {"require_prior_semester": dp.PolicyChoice(False, False)}, today=ON_DAY)
    rid = submit(store, district["private"], date(2026, 11, 9))
    evaluation, _ = review.evaluate_today(store, rid)
    r04 = next(f for f in evaluation.findings if f.rule == "R04")
    assert r04.outcome == "not_applicable"
    assert r04.message == "District policy does not require enrollment in the prior term."


def test_an_appeal_clock_switched_off_gives_no_due_date_and_the_letter_leaves_it_out(store, district, tmp_path):
    dp.save_policy_choices(store, {"board_decision_calendar_days": dp.PolicyChoice(False, False),
                                   "state_record_hours": dp.PolicyChoice(False, False)}, today=ON_DAY)
    rid = submit(store, district["zoe"], date(2026, 11, 9))
    codes = [r["code"] for r in store.query("SELECT code FROM request_courses WHERE request_id = ?", (rid,))]
    form = DecisionForm({c: "denied" for c in codes}, "principal", "Dr. Lena Ortiz",
                        reasons=("ACADEMIC_READINESS",), explanation="Not ready for chemistry yet.",
                        in_person_options_considered=True, decided_on=date(2026, 11, 16))
    review.record_decision(store, rid, form, "Dr. Lena Ortiz")
    appeal = review.record_appeal(store, rid, AppealForm("board", date(2026, 11, 20)), COUNSELOR)
    detail = review.request_detail(store, rid, ON_DAY)
    assert detail.appeals[0].id == appeal and detail.appeals[0].decision_due is None
    assert "decision due" not in review.timeline(store, rid)[-1].text

    settings = letters.notice_settings(store)
    assert (settings.board_decision_days, settings.state_record_hours, settings.state_decision_days) == (None, None, 7)
    out = tmp_path / "denied.pdf"
    letters.render_request_letter(store, rid, "denied", out)
    from pypdfium2 import PdfDocument

    text = " ".join(page.get_textpage().get_text_range() for page in PdfDocument(out)).replace("\r\n", " ")
    assert "72 hours" not in text and "written decision within" not in text
    assert "decides within 7 calendar days" in text and "Its decision is final." in text


def test_only_values_from_secondary_sources_can_be_switched(store, district):
    with pytest.raises(ValueError, match="decision_business_days"):
        dp.save_policy_choices(store, {"decision_business_days": dp.PolicyChoice(False, False)})
