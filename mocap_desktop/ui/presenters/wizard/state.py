"""The request as the counselor has typed it: the one piece of state every wizard page shares,
and what a saved draft holds."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class WizardState:
    """Everything the counselor has entered, as typed (so a draft gives back exactly that)."""

    student_id: int | None = None
    student_query: str = ""
    mosis_id: str = ""  # typed for a student whose record has none (the provider needs it)
    pathway: str = ""
    start_term: str = ""
    start_date: str = ""  # ISO
    received: str = ""  # ISO: part-time, the day the request came in; full-time, the provider's notice
    in_person_credits: str = ""
    courses: list[dict[str, Any]] = field(default_factory=list)  # course_id, code, title, provider_name, credits
    provider_id: int | None = None
    host_district: str = ""
    family_reasons: list[str] = field(default_factory=list)
    waiver_documented: bool | None = None
    waiver_date: str = ""
    waiver_role: str = ""
    guardian_id: int | None = None
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    language: str = "en"
    acknowledgements: list[str] = field(default_factory=list)
    page: str = "student"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "WizardState":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
