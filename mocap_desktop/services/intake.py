"""Turning the wizard's answers into a stored request: the family's contact, the
acknowledgements, the request itself, the "request received" letter and the end of the draft,
all in one transaction.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field

from mocap_desktop.core.access import REQUESTS_CREATE, require
from mocap_desktop.services import requests as svc
from mocap_desktop.store import Store, trail

log = logging.getLogger(__name__)

__all__ = ["ACKNOWLEDGEMENTS", "Contact", "FamilyDetails", "Submitted", "acknowledgements_for",
           "contacts_for", "finish_request"]


@dataclass(frozen=True)
class Acknowledgement:
    key: str
    text: str
    applies: str  # "part_time", "full_time" or "both"
    athletes_only: bool = False


# What the family is told and confirms (CONTENT.md: approved and full-time letters).
ACKNOWLEDGEMENTS: tuple[Acknowledgement, ...] = (
    Acknowledgement("technology", "The district does not provide a computer or internet access for "
                    "virtual courses (unless the law requires it for a student with a disability).", "part_time"),
    Acknowledgement("conduct", "The student remains a student of the district: its discipline code and "
                    "its rules on academic honesty, discrimination, harassment and bullying still apply.",
                    "part_time"),
    Acknowledgement("stay_enrolled", "The student stays enrolled here until the host district accepts the "
                    "student; then the host district becomes the student's district for all purposes.",
                    "full_time"),
    Acknowledgement("mshsaa", "MSHSAA rules apply to virtual credits: to stay eligible for activities, all "
                    "credits must be on the transcript and completed by the end of the semester "
                    "(By-Law 2.3.4).", "both", athletes_only=True),
)


def acknowledgements_for(pathway: str, athlete: bool) -> list[Acknowledgement]:
    return [a for a in ACKNOWLEDGEMENTS
            if a.applies in (pathway, "both") and (athlete or not a.athletes_only)]


@dataclass(frozen=True)
class Contact:
    """A guardian who may receive the letters, with the mailing address in its parts."""

    id: int
    name: str
    relationship: str
    address1: str
    address2: str
    city: str
    state: str
    zip: str
    preferred_language: str
    receives_letters: bool

    @property
    def address(self) -> str:
        town = " ".join(x for x in (f"{self.city}," if self.city else "", self.state, self.zip) if x)
        return ", ".join(x for x in (self.address1, self.address2, town) if x)


def contacts_for(store: Store, student_id: int) -> list[Contact]:
    """The student's parents and guardians with their addresses, for the wizard (REQUESTS_CREATE)."""
    require(store, REQUESTS_CREATE)
    return [Contact(r["id"], r["name"], r["relationship"], r["address1"], r["address2"], r["city"],
                    r["state"], r["zip"], r["preferred_language"], bool(r["receives_letters"]))
            for r in store.query(
                "SELECT id, name, relationship, address1, address2, city, state, zip, preferred_language, "
                "receives_letters FROM guardians WHERE student_id = ? ORDER BY receives_letters DESC, id",
                (student_id,))]


@dataclass
class FamilyDetails:
    guardian_id: int
    address1: str
    address2: str
    city: str
    state: str
    zip: str
    language: str
    acknowledgements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Submitted:
    request_id: int
    reference: str
    letter_queued: bool


def _queue_received_letter(store: Store, request_id: int, actor: str) -> bool:
    """Queue the "request received" letter through the letters service, when it exists."""
    try:
        letters = importlib.import_module("mocap_desktop.services.letters")
    except ImportError:
        return False
    queue = getattr(letters, "queue_letter", None)
    if queue is None:
        return False
    queue(store, request_id, "received", actor=actor)
    return True


def finish_request(store: Store, draft: svc.RequestDraft, family: FamilyDetails, *, actor: str,
                   draft_id: int | None = None, at: str | None = None) -> Submitted:
    """Store the request with the family's details, queue its letter and delete the draft.

    All or nothing: a failure leaves the database (and the draft) as it was. Needs
    REQUESTS_CREATE; the request and the family's changed address are recorded in the audit trail."""
    require(store, REQUESTS_CREATE)
    actor = trail.acting_name(store, actor)
    draft.letter_guardian_id = family.guardian_id
    draft.letter_language = family.language
    stamp = at or svc.now()
    with store.transaction() as db:
        request_id = svc.submit_request(store, draft, actor, at=stamp)
        before = db.execute(
            "SELECT address1, address2, city, state, zip, preferred_language FROM guardians "
            "WHERE id = ? AND student_id = ?", [family.guardian_id, draft.student_id]).fetchone()
        db.execute(
            "UPDATE guardians SET address1 = ?, address2 = ?, city = ?, state = ?, zip = ?, "
            "preferred_language = ? WHERE id = ? AND student_id = ?",
            [family.address1, family.address2, family.city, family.state, family.zip, family.language,
             family.guardian_id, draft.student_id])
        if before is not None:
            names = ("address1", "address2", "city", "state", "zip", "preferred_language")
            change = trail.changes(dict(zip(names, before)), dict(zip(names, (
                family.address1, family.address2, family.city, family.state, family.zip, family.language))))
            if change:
                trail.note(db, store, "guardian_updated", student_id=draft.student_id, request_id=request_id,
                           detail={"guardian_id": family.guardian_id, **change})
        svc.add_event(db, request_id, "family_acknowledged", actor,
                      {"guardian_id": family.guardian_id, "language": family.language,
                       "acknowledgements": list(family.acknowledgements)}, stamp)
        try:
            with store.transaction():  # a savepoint: a failed letter leaves nothing half-written
                queued = _queue_received_letter(store, request_id, actor)
        except Exception as err:  # the letter can be made later; the request stands
            # The reason may name the family (a missing address): only its type at WARNING.
            log.warning("The request-received letter could not be queued (%s)", type(err).__name__)
            log.debug("Letter failure details", exc_info=True)
            queued = False
        if draft_id is not None:
            db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])
        reference = db.execute("SELECT reference FROM requests WHERE id = ?", [request_id]).fetchone()[0]
    log.info("MOCAP request submitted (%s)", draft.pathway)
    return Submitted(request_id, reference, queued)
