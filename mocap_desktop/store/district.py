"""The district profile (one row) and the district calendar.

Saving either needs DISTRICT_EDIT (core.access: the administrator) and is recorded in the audit
trail: the profile's changed fields before and after, the calendar's terms and closed days.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from mocap_desktop.core.access import DISTRICT_EDIT, require
from mocap_desktop.store import trail
from mocap_desktop.store.db import Store


@dataclass
class DistrictProfile:
    code: str
    name: str
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = "MO"
    zip: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    logo_path: str = ""
    contact_name: str = ""
    contact_title: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    signer_name: str = ""
    signer_title: str = ""
    policy_reference: str = "Board Policy 6190/6191"

    @property
    def display_code(self) -> str:
        return f"{self.code[:3]}-{self.code[3:]}"


@dataclass(frozen=True)
class TermRow:
    id: str
    name: str
    school_year: int
    start: str
    end: str
    position: int


@dataclass
class CalendarData:
    terms: list[TermRow] = field(default_factory=list)
    closed_days: dict[str, str] = field(default_factory=dict)
    """The days the district office is closed: they stop the business-day clocks."""
    no_school_days: dict[str, str] = field(default_factory=dict)
    """Days without school for the students, the office open (spring break, a work day)."""


class DistrictRepo:
    def __init__(self, store: Store):
        self.store = store

    def profile(self) -> DistrictProfile | None:
        rows = self.store.query("SELECT * FROM district WHERE id = 1")
        if not rows:
            return None
        names = {f.name for f in fields(DistrictProfile)}
        return DistrictProfile(**{k: v for k, v in rows[0].items() if k in names})

    def save_profile(self, profile: DistrictProfile) -> None:
        require(self.store, DISTRICT_EDIT)
        names = [f.name for f in fields(DistrictProfile)]
        row = {"id": 1, **{name: getattr(profile, name) for name in names}}
        old = self.profile()
        with self.store.transaction() as db:
            db["district"].upsert(row, pk="id")
            before = {name: getattr(old, name) for name in names} if old else {}
            change = trail.changes(before, row, names)
            if change:
                trail.note(db, self.store, "district_profile_changed", detail=change)

    def calendar(self) -> CalendarData:
        terms = [TermRow(**r) for r in self.store.query("SELECT * FROM terms ORDER BY position")]
        closed, no_school = ({r["day"]: r["reason"] for r in self.store.query(f"SELECT * FROM {t} ORDER BY day")}
                             for t in ("closed_days", "no_school_days"))
        return CalendarData(terms, closed, no_school)

    def save_calendar(self, calendar: CalendarData) -> None:
        require(self.store, DISTRICT_EDIT)
        old = self.calendar()
        with self.store.transaction() as db:
            def flat(c: CalendarData) -> dict[str, str]:
                return {**{f"term {t.id}": f"{t.name}: {t.start} to {t.end}" for t in c.terms},
                        **{f"closed {day}": reason or "closed" for day, reason in c.closed_days.items()},
                        **{f"no school {day}": reason or "no school" for day, reason in c.no_school_days.items()}}

            before, after = flat(old), flat(calendar)
            change = trail.changes(before, after, sorted(before.keys() | after.keys()))
            if change:
                trail.note(db, self.store, "district_calendar_changed", detail=change)
            keep = [t.id for t in calendar.terms]
            db.execute(
                f"DELETE FROM terms WHERE id NOT IN ({','.join('?' * len(keep))})", keep
            )
            db["terms"].upsert_all((t.__dict__ for t in calendar.terms), pk="id")
            db.execute("DELETE FROM closed_days")
            db["closed_days"].insert_all({"day": d, "reason": r} for d, r in calendar.closed_days.items())
            db.execute("DELETE FROM no_school_days")
            db["no_school_days"].insert_all({"day": d, "reason": r} for d, r in calendar.no_school_days.items())
