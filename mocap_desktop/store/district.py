"""The district profile (one row) and the district calendar."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

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
        row = {"id": 1, **{f.name: getattr(profile, f.name) for f in fields(DistrictProfile)}}
        with self.store.transaction() as db:
            db["district"].upsert(row, pk="id")

    def calendar(self) -> CalendarData:
        terms = [TermRow(**r) for r in self.store.query("SELECT * FROM terms ORDER BY position")]
        closed = {r["day"]: r["reason"] for r in self.store.query("SELECT * FROM closed_days ORDER BY day")}
        return CalendarData(terms, closed)

    def save_calendar(self, calendar: CalendarData) -> None:
        with self.store.transaction() as db:
            keep = [t.id for t in calendar.terms]
            db.execute(
                f"DELETE FROM terms WHERE id NOT IN ({','.join('?' * len(keep))})", keep
            )
            db["terms"].upsert_all((t.__dict__ for t in calendar.terms), pk="id")
            db.execute("DELETE FROM closed_days")
            db["closed_days"].insert_all({"day": d, "reason": r} for d, r in calendar.closed_days.items())
