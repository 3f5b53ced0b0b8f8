"""The rules core: pure Python, no Qt, no SQL, no I/O, no clock. Dates and the policy come in as arguments."""

from .calendar import Calendar, Term, add_business_days, business_days_between, is_business_day
from .cases import BadInput, ParsedCase, evaluate_case, evaluation_to_dict, parse_case
from .evaluate import birthday, check_decision, evaluate
from .messages import LANGS, REASONS, RULE_CITATIONS, RULE_NAMES, TEXTS, reason_text, render, rule_name
from .model import (
    Course, CourseResult, Decision, DecisionCheck, Enrollment, Evaluation, Finding, MedicalWaiver, Request,
    Student, normalize_district,
)
from .policy import SETTINGS, STANDINGS, UNCONFIRMED, Policy, PolicyError, default_policy, load_policy, policy_to_dict

__all__ = [
    "Calendar", "Term", "add_business_days", "business_days_between", "is_business_day",
    "BadInput", "ParsedCase", "evaluate_case", "evaluation_to_dict", "parse_case",
    "birthday", "check_decision", "evaluate",
    "LANGS", "REASONS", "RULE_CITATIONS", "RULE_NAMES", "TEXTS", "reason_text", "render", "rule_name",
    "Course", "CourseResult", "Decision", "DecisionCheck", "Enrollment", "Evaluation", "Finding",
    "MedicalWaiver", "Request", "Student", "normalize_district",
    "SETTINGS", "STANDINGS", "UNCONFIRMED", "Policy", "PolicyError", "default_policy", "load_policy",
    "policy_to_dict",
]
