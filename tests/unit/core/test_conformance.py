"""Every case in tests/data/cases/: output equals `expect` on every key it lists.

Findings are compared on `rule` and `outcome` only (message and citation are not).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mocap_desktop.core import BadInput, evaluate_case, load_policy

CASES = Path(__file__).resolve().parents[2] / "data" / "cases"
DEFAULT_PROFILE = Path(__file__).resolve().parents[3] / "resources" / "policies" / "default.json"
CASE_FILES = sorted(CASES.glob("*.json"))
VERDICT_FILES = [p for p in CASE_FILES if "error" not in json.loads(p.read_text(encoding="utf-8"))["expect"]]


@pytest.fixture(scope="module")
def policy():
    return load_policy(json.loads(DEFAULT_PROFILE.read_text(encoding="utf-8")))


def test_the_shared_cases_are_all_here():
    names = {p.name for p in CASE_FILES}
    assert {"pt-basic.json", "ft-basic.json", "bad-mosis.json", "approve-by-counselor.json"} <= names
    assert len(CASE_FILES) >= 14


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.name for p in CASE_FILES])
def test_case(path: Path, policy):
    case = json.loads(path.read_text(encoding="utf-8"))
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(BadInput) as caught:
            evaluate_case(case, policy)
        assert caught.value.path == expect["error"]
        assert "\n" not in str(caught.value) and expect["error"] in str(caught.value)
        return
    out = evaluate_case(case, policy)
    for key, want in expect.items():
        got = out[key]
        if key == "findings":
            got = [{"rule": f["rule"], "outcome": f["outcome"]} for f in got]
            want = [{"rule": f["rule"], "outcome": f["outcome"]} for f in want]
        assert got == want, f"{key}: got {got!r}, expected {want!r}"
    assert out["policy_id"] == "mo-default" and out["policy_version"].startswith("2026.1")
    assert all(f["message"] and f["citation"] for f in out["findings"])


@pytest.mark.parametrize("path", VERDICT_FILES, ids=[p.name for p in VERDICT_FILES])
def test_case_output_is_json_and_ignores_note_and_expect(path: Path, policy):
    case = json.loads(path.read_text(encoding="utf-8"))
    stripped = {k: v for k, v in case.items() if k not in ("note", "expect")}
    out = evaluate_case(case, policy)
    assert evaluate_case(stripped, policy) == out
    assert json.loads(json.dumps(out)) == out
    assert list(out)[:11] == ["id", "eligible", "routing", "decision_due", "input_due", "deemed_approved_on",
                              "icap_required", "district_obligated_credits", "courses", "findings",
                              "decision_valid"]
