"""The rules core applied to files: the conformance command `mocap-desktop rules evaluate CASE.json`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from mocap_desktop.core import BadInput, Policy, evaluate_case, load_policy
from mocap_desktop.resources import resource_path

__all__ = ["BadInput", "DEFAULT_POLICY_FILE", "evaluate_case_file", "load_default_policy"]

DEFAULT_POLICY_FILE = ("policies", "default.json")


@lru_cache(maxsize=1)
def load_default_policy() -> Policy:
    """The default policy profile shipped in `resources/policies/default.json`."""
    return load_policy(json.loads(resource_path(*DEFAULT_POLICY_FILE).read_text(encoding="utf-8")))


def _read_case(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else type(err).__name__
        raise BadInput("(file)", f"cannot read {path}: {reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise BadInput("(file)", f"{path} is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from None


def evaluate_case_file(path: Path, lang: str = "en") -> dict[str, Any]:
    """Read a case file (RULES.md format), evaluate it under the default policy and its own
    overrides, and return the output object. Bad input raises `BadInput` (`.path` names the field)."""
    return evaluate_case(_read_case(Path(path)), load_default_policy(), lang)
