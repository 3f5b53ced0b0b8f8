"""What the review modules share: labels, `ReviewError`, days and credits in words, a stored
request as the rules core sees it, and the parent letter that goes with a decision."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from mocap_desktop import core
from mocap_desktop.core.access import REQUESTS_READ, require, require_building
from mocap_desktop.core.messages import format_credits
from mocap_desktop.services.requests import (
    RequestError,
    active_policy,
    add_event,
    district_calendar,
    district_code,
    student_for_rules,
)
from mocap_desktop.store import Store

log = logging.getLogger(__name__)


PATHWAY_LABELS = {"part_time": "Part-time courses", "full_time": "Full-time program"}
PATHWAY_SHORT = {"part_time": "Part-time", "full_time": "Full-time"}
ROUTING_LABELS = {"building_review": "Building", "iep_team": "IEP team", "section_504_team": "504 team",
                  "provider": "Provider"}
DUE_KIND_LABELS = {
    "decision": "Decision due", "deemed_approval": "Deemed approved on", "input": "District input due",
    "board_decision": "Board decision due", "state_record": "Record to DESE due",
    "state_decision": "DESE decision expected",
}
DECIDER_ROLES = ("principal", "designee", "superintendent", "iep_team", "section_504_team", "counselor")
APPEAL_LEVELS = {"board": "Board of Education", "state": "State (DESE)"}


class ReviewError(ValueError):
    """A review action that cannot be recorded as asked; the message says what to fix."""


def parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def credits_text(credits: str | Decimal) -> str:
    """'1 credit', '0.5 credits', '2 credits'."""
    text = format_credits(credits) if not isinstance(credits, str) else credits
    return f"{text} credit{'' if text == '1' else 's'}"


@lru_cache(maxsize=4096)  # a queue shows the same few hundred days over and over
def format_day(day: date | None) -> str:
    """`Dec 1, 2026`: short and unambiguous in an American office."""
    return f"{day:%b} {day.day}, {day.year}" if day else "—"


# --- a stored request as the rules and the screens see it ----------------------------------------

@dataclass(frozen=True)
class CourseLine:
    position: int
    code: str
    title: str
    provider: str
    credits: Decimal
    fte: str | None
    decision: str | None


def student_of(store: Store, request_id: int) -> int | None:
    row = store.conn.execute("SELECT student_id FROM requests WHERE id = ?", (request_id,)).fetchone()
    return row[0] if row else None


def request_row(store: Store, request_id: int) -> dict:
    """The request's row; AccessDenied for a person limited to other buildings than its student's."""
    rows = store.query("SELECT r.*, s.building_code AS student_building FROM requests r "
                       "JOIN students s ON s.id = r.student_id WHERE r.id = ?", (request_id,))
    if not rows:
        raise RequestError(f"No request with id {request_id}.")
    require_building(store, rows[0].pop("student_building"))
    return rows[0]


def request_courses(store: Store, request_id: int) -> list[CourseLine]:
    return [CourseLine(r["position"], r["code"], r["title"], r["provider_name"], Decimal(str(r["credits"])),
                       r["fte"], r["decision"])
            for r in store.query("SELECT * FROM request_courses WHERE request_id = ? ORDER BY position",
                                 (request_id,))]


def stored_request(store: Store, row: dict, courses: list[CourseLine]) -> core.Request:
    waiver = None
    if row["waiver_documented"] is not None:
        waiver = core.MedicalWaiver(bool(row["waiver_documented"]), parse_day(row["waiver_document_date"]),
                                    row["waiver_verified_by"])
    return core.Request(
        id=row["reference"], pathway=row["pathway"], start_term=row["start_term"],
        received=date.fromisoformat(row["received"]), in_person_credits=Decimal(str(row["in_person_credits"])),
        courses=tuple(core.Course(c.code, c.credits) for c in courses), medical_waiver=waiver)


def evaluate_today(store: Store, request_id: int, lang: str = "en",
                   decision: core.Decision | None = None) -> tuple[core.Evaluation, core.Policy]:
    """The request evaluated now: today's student record under the district's active policy."""
    require(store, REQUESTS_READ)
    row = request_row(store, request_id)
    policy = active_policy(store)
    evaluation = core.evaluate(student_for_rules(store, row["student_id"]),
                               stored_request(store, row, request_courses(store, request_id)),
                               district_calendar(store), district_code(store), policy, decision, lang=lang)
    return evaluation, policy


# --- parent letters ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LetterOutcome:
    queued: bool
    kind: str
    message: str = ""


def queue_decision_letter(store: Store, request_id: int, kind: str, actor: str,
                          at: str | None = None) -> LetterOutcome:
    """Queue the parent letter that goes with a decision or a step of the full-time track
    (`approved`, `partially_approved`, `denied`, `full_time`) for the print center.

    The decision stands whether or not the letter can be made; when it cannot (no mailing
    address, say) the timeline says why, so the office can fix the record and queue it again.
    """
    from mocap_desktop.services import letters  # here: the renderer loads only when a letter is made

    try:
        letters.queue_request_letter(store, request_id, kind, actor=actor)
    except Exception as err:  # noqa: BLE001 - a letter problem must not undo a decision
        message = str(err) or type(err).__name__
        with store.transaction() as db:
            add_event(db, request_id, "letter_not_queued", actor, {"kind": kind, "problem": message}, at)
        log.warning("Letter %s for request %s not queued: %s", kind, request_id, type(err).__name__)
        return LetterOutcome(False, kind, message)
    return LetterOutcome(True, kind)


def display_name(last: str, first: str, preferred: str = "") -> str:
    return f"{last}, {first}" + (f" ({preferred})" if preferred and preferred != first else "")
