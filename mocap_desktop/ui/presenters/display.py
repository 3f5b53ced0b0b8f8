"""How values read on screen, the same in every area: a choice in a list, a moment in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache


@dataclass(frozen=True)
class Choice:
    """One entry of a combo box: the value the presenter gets back, and what the person reads."""

    value: str
    label: str


def _clock(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def format_when(at: str) -> str:
    """An ISO time as the office reads it: "Nov 28, 2026 2:27 AM" (unparseable text as it is)."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    return f"{moment:%b} {moment.day}, {moment.year} {_clock(moment)}"


@lru_cache(maxsize=4096)  # a queue shows the same few hundred days over and over
def format_day(value: date | str | None) -> str:
    """A day as every screen and letter writes it: "Dec 6, 2026" (an ISO date or time, or a
    date; "" for none, unparseable text as it is)."""
    if not value:
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(value[:10])
    except ValueError:
        return str(value)
    return f"{day:%b} {day.day}, {day.year}"

