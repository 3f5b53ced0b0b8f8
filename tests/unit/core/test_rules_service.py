"""The glue outside core: evaluate a case file under the shipped default profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mocap_desktop.services.rules import BadInput, evaluate_case_file, load_default_policy

CASES = Path(__file__).resolve().parents[2] / "data" / "cases"


def test_evaluates_a_case_file():
    out = evaluate_case_file(CASES / "pt-holiday-deadline.json")
    assert out["decision_due"] == "2026-01-23" and out["policy_id"] == "mo-default"
    assert load_default_policy().version == out["policy_version"]


def test_bad_field_names_its_path():
    with pytest.raises(BadInput) as caught:
        evaluate_case_file(CASES / "bad-mosis.json")
    assert caught.value.path == "student.mosis_id" and str(caught.value).startswith("student.mosis_id: ")


@pytest.mark.parametrize("content, words", [("{\"id\": ", "not valid JSON"), (b"\xff\xfe{", "cannot read")])
def test_unreadable_or_invalid_json_is_bad_input(tmp_path, content, words):
    path = tmp_path / "case.json"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(BadInput) as caught:
        evaluate_case_file(path)
    assert caught.value.path == "(file)" and words in str(caught.value) and "\n" not in str(caught.value)


def test_missing_file_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match="cannot read"):
        evaluate_case_file(tmp_path / "missing.json")


def test_a_json_list_is_not_a_case(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps([1, 2]), encoding="utf-8")
    with pytest.raises(BadInput, match="must be an object"):
        evaluate_case_file(path)
