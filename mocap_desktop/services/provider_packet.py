"""The provider packet: a password-protected PDF that gives a course provider what it needs to
enroll the student in the request's open tracked courses with it (the student's name, MOSIS ID,
birth date, grade and school; the courses; the start term; the district's MOCAP contact).

Saving one needs ENROLLMENTS_RECORD (counselors and deciders). The password is made here with
`secrets`, handed back once for the user to give the provider by another channel, and never
stored or logged. In one transaction: a timeline line on the request, a row in the student's
record of disclosures (FERPA 34 CFR 99.31(a)(2): the student seeks to enroll with the provider)
and an audit entry (`provider_packet_saved`); the file is written inside it, so a packet that
cannot be written is not recorded and a refusal writes nothing.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mocap_desktop.core import enrollments as rules
from mocap_desktop.core.access import ENROLLMENTS_RECORD, require
from mocap_desktop.letters.model import LetterDataError
from mocap_desktop.letters.provider_packet import ENCRYPTION_STRENGTH, ProviderPacketData, render_provider_packet
from mocap_desktop.letters.render import LetterOutputError, atomic_output
from mocap_desktop.services.enrollments import TrackedCourse, tracked_courses
from mocap_desktop.services.letterhead import district_letterhead
from mocap_desktop.services.requests import add_event, now
from mocap_desktop.core.messages import format_credits
from mocap_desktop.services.review.common import format_day
from mocap_desktop.store import Store, trail
from mocap_desktop.store.letters import add_disclosure

__all__ = ["LEGAL_BASIS", "PASSWORD_ALPHABET", "ProviderPacketRefused", "SavedPacket", "make_password",
           "open_providers", "save_provider_packet"]

log = logging.getLogger(__name__)

# Letters and digits a person reads out over the phone without confusing them (no 0/O, 1/I/L).
PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LEGAL_BASIS = ("FERPA 34 CFR 99.31(a)(2): disclosure to a school or provider where the student seeks or "
               "intends to enroll (the provider's MOCAP courses)")
INTEREST = "The student seeks to enroll in the provider's MOCAP courses"


class ProviderPacketRefused(ValueError):
    """The packet cannot be made as asked; the message says what to do."""


@dataclass(frozen=True)
class SavedPacket:
    path: Path
    provider: str
    codes: tuple[str, ...]
    password: str
    """Shown once to the user; kept nowhere."""


def make_password(groups: int = 4, size: int = 4) -> str:
    """'K7QM-2XWD-9RTF-HN3P': four groups of four, read out easily, about 79 bits."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(size)) for _ in range(groups))


def open_providers(courses: tuple[TrackedCourse, ...]) -> tuple[str, ...]:
    """The providers with at least one open course (a packet each), in the courses' order."""
    return tuple(dict.fromkeys(c.provider for c in courses if c.status in rules.OPEN))


def _student(store: Store, request_id: int) -> dict:
    return store.query(
        "SELECT s.id, s.first_name, s.middle_name, s.last_name, s.mosis_id, s.birth_date, s.grade, "
        "coalesce(b.name, s.building_code) AS school FROM requests r JOIN students s ON s.id = r.student_id "
        "LEFT JOIN buildings b ON b.code = s.building_code WHERE r.id = ?", (request_id,))[0]


def _missing(s: dict) -> None:
    missing = [label for key, label in (("mosis_id", "MOSIS ID"), ("birth_date", "birth date")) if not s[key]]
    if missing:
        what = " and ".join(missing)
        raise ProviderPacketRefused(
            f"The student's record has no {what}, which the provider needs to enroll the student. Enter the "
            f"{what} in the student information system and import the roster again, then save the packet.")


def save_provider_packet(store: Store, request_id: int, provider: str, dest: Path, actor: str = "",
                         today: date | None = None) -> SavedPacket:
    """Write the packet for `provider` to `dest` and record it; returns it with its password.
    Raises `ProviderPacketRefused` (nothing written) when the request has no open course with
    the provider, the student's MOSIS ID or birth date is missing, the district profile is not
    set up or the file cannot be written. Needs ENROLLMENTS_RECORD."""
    require(store, ENROLLMENTS_RECORD)
    staff, actor = trail.acting_login(store, actor), trail.acting_name(store, actor)
    courses = [c for c in tracked_courses(store, request_id) if c.status in rules.OPEN and c.provider == provider]
    if not courses:
        raise ProviderPacketRefused(f"This request has no approved course still open with {provider}.")
    s = _student(store, request_id)
    _missing(s)
    first = courses[0]
    name = " ".join(p for p in (s["first_name"], s["middle_name"], s["last_name"]) if p)
    born = format_day(date.fromisoformat(s["birth_date"]))
    password = make_password()
    try:
        data = ProviderPacketData(
            district_letterhead(store), provider, first.row["reference"],
            f"{format_day(today or date.today())} by {actor}",
            (("Name", name), ("MOSIS ID", s["mosis_id"]), ("Birth date", born), ("Grade", s["grade"] or "—"),
             ("School", s["school"] or "—")),
            tuple((c.code, c.title, format_credits(c.credits), c.provider) for c in courses),
            first.term + (f" (starts {format_day(first.rules.start)})" if first.rules.start else ""))
        pdf = render_provider_packet(data, password)
    except LetterDataError as err:  # no district profile, or a letterhead logo that is not a picture
        raise ProviderPacketRefused(str(err)) from None
    codes = tuple(c.code for c in courses)
    records = (f"Provider packet for MOCAP request {data.reference}: the student's name, MOSIS ID, birth date, "
               f"grade and school; the courses {', '.join(codes)} and the start term")
    dest, stamp = Path(dest), now()
    written = False
    try:
        with store.transaction() as db:
            add_event(db, request_id, "provider_packet_saved", actor,
                      {"provider": provider, "codes": list(codes), "file": dest.name}, stamp)
            disclosure = add_disclosure(db, at=stamp, student_id=s["id"], records=records,
                                        recipient=f"{provider} (course provider), a password-protected PDF",
                                        legal_basis=LEGAL_BASIS, interest=INTEREST, staff=staff)
            trail.note(db, store, "provider_packet_saved", student_id=s["id"], request_id=request_id, detail={
                "provider": provider, "codes": list(codes), "file": dest.name, "disclosure_id": disclosure,
                "encryption": f"{ENCRYPTION_STRENGTH}-bit"})
            atomic_output(dest, lambda fh: fh.write(pdf))
            written = True
    except LetterOutputError as err:
        raise ProviderPacketRefused(str(err)) from None
    except BaseException:
        if written:
            dest.unlink(missing_ok=True)  # the record was not kept: neither is the packet
        raise
    log.info("Provider packet saved for request %s (%d courses)", request_id, len(codes))
    return SavedPacket(dest, provider, codes, password)
