"""A tracked enrollment: each approved course of a request, from the provider's enrollment to
its outcome, as a state machine with what each move needs and who may make it.

approved → sent_to_provider → enrolled / refused; refused → sent_to_provider again;
enrolled → dropped / withdrawn / completed; approved or sent_to_provider → withdrawn.

Counselors and deciders record these moves; the front desk and the administrator do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from .lifecycle import COUNSELOR, DECIDER, TransitionRefused
from .messages import format_credits

__all__ = ["CLOSED", "DEFAULT_DROP_WINDOW_DAYS", "LABELS", "MOVES", "OPEN", "RECORDERS", "SEND_METHODS", "Move",
           "Tracked", "TransitionRefused", "allowed_next", "check_move", "drop_window", "transcript_line"]

RECORDERS = frozenset({COUNSELOR, DECIDER})
DEFAULT_DROP_WINDOW_DAYS = 14  # the district's default when the catalog gives a course none

# status -> the statuses it may move to
MOVES: dict[str, tuple[str, ...]] = {
    "approved": ("sent_to_provider", "withdrawn"),
    "sent_to_provider": ("enrolled", "refused", "withdrawn"),
    "refused": ("sent_to_provider",),
    "enrolled": ("dropped", "withdrawn", "completed"),
    "dropped": (),
    "withdrawn": (),
    "completed": (),
}
CLOSED = frozenset(s for s, nxt in MOVES.items() if not nxt)
OPEN = frozenset(MOVES) - CLOSED  # still to be taken with the provider: what a provider packet lists

LABELS = {"approved": "Approved", "sent_to_provider": "Sent to provider", "enrolled": "Enrolled",
          "refused": "Refused by provider", "dropped": "Dropped", "withdrawn": "Withdrawn",
          "completed": "Completed"}

SEND_METHODS = {"secure_email": "Secure e-mail", "provider_portal": "Provider portal", "mail": "Mail",
                "in_person": "In person"}


@dataclass(frozen=True)
class Tracked:
    """A tracked course as the rules see it. `since`: the date of its last recorded move;
    `start`: the day the course starts (the request's start date or its term's first day)."""

    status: str
    credits: Decimal
    start: date | None = None
    drop_window_days: int = DEFAULT_DROP_WINDOW_DAYS
    since: date | None = None


@dataclass(frozen=True)
class Move:
    """One move as a form or a provider's file gives it; only the fields its status needs are read."""

    status: str
    on: date | None
    sent_by: str = ""
    method: str = ""
    reason: str = ""
    grade: str = ""
    credits: Decimal | str | None = None


def allowed_next(status: str, role: str | None = None) -> tuple[str, ...]:
    if role is not None and role not in RECORDERS:
        return ()
    return MOVES.get(status, ())


def drop_window(start: date | None, days: int, on: date) -> str:
    """`inside` when the drop falls within `days` calendar days of the start (or before it), else `after`."""
    if start is None or on <= start + timedelta(days=days):
        return "inside"
    return "after"


def _credits(value: Decimal | str | None, most: Decimal) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise TransitionRefused("Enter the credits earned.")
    try:
        credits = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise TransitionRefused(f"Credits earned \"{value}\" is not a number (for example 0.5).") from None
    if not credits.is_finite() or credits < 0 or credits > most:
        raise TransitionRefused(f"Credits earned must be from 0 to {format_credits(most)}, the course's credits.")
    return credits


def check_move(course: Tracked, move: Move, role: str) -> dict:
    """The fields the move records (status, dates and the rest), or `TransitionRefused` with a
    sentence for the user when the move is not allowed or lacks what it needs."""
    new = move.status
    if new not in MOVES:
        raise TransitionRefused(f"'{new}' is not a state of a tracked course.")
    if role not in RECORDERS:
        raise TransitionRefused("Only counselors and deciders record enrollments with the provider.")
    if new not in MOVES.get(course.status, ()):
        raise TransitionRefused(f"A course that is {LABELS.get(course.status, course.status).lower()} "
                                f"cannot become {LABELS[new].lower()}.")
    if move.on is None:
        raise TransitionRefused("Enter the date.")
    if course.since is not None and move.on < course.since:
        raise TransitionRefused(f"The date cannot be before the course's last step ({course.since.isoformat()}).")
    on = move.on.isoformat()
    if new == "sent_to_provider":
        if not move.sent_by.strip():
            raise TransitionRefused("Enter who sent the enrollment to the provider.")
        if move.method not in SEND_METHODS:
            raise TransitionRefused(f"Choose how it was sent: {', '.join(SEND_METHODS.values()).lower()}.")
        return {"status": new, "sent_on": on, "sent_by": move.sent_by.strip(), "sent_method": move.method,
                "refused_on": None, "refused_reason": ""}
    if new == "enrolled":
        return {"status": new, "confirmed_on": on}
    if new == "refused":
        if not move.reason.strip():
            raise TransitionRefused("Enter the provider's reason for refusing.")
        return {"status": new, "refused_on": on, "refused_reason": move.reason.strip()}
    if new == "dropped":
        return {"status": new, "ended_on": on,
                "drop_window": drop_window(course.start, course.drop_window_days, move.on)}
    if new == "completed":
        if not move.grade.strip():
            raise TransitionRefused("Enter the final grade.")
        return {"status": new, "ended_on": on, "final_grade": move.grade.strip(),
                "credits_earned": float(_credits(move.credits, course.credits))}
    return {"status": new, "ended_on": on}  # withdrawn


def _credit_words(credits: Decimal | float) -> str:
    text = format_credits(credits)
    return f"{text} credit{'s' if Decimal(text) > 1 else ''}"


def transcript_line(title: str, code: str, provider: str, term: str, status: str, *, grade: str = "",
                    credits_earned: Decimal | float | None = None, drop_window: str = "") -> str:
    """'Chemistry A (CHEM A) · Mizzou Academy · Fall 2026 · completed, B+, 0.5 credit'."""
    outcome = LABELS.get(status, status).lower()
    if status == "completed":
        outcome = ", ".join(p for p in ("completed", grade, _credit_words(credits_earned or 0)) if p)
    elif status == "dropped" and drop_window:
        outcome += f" ({drop_window} the drop window)"
    return " · ".join(p for p in (f"{title} ({code})" if title else code, provider, term, outcome) if p)
