"""Parent letters: the use cases shared by the print center, the letterhead editor and the CLI.

Gather a letter's data from the database, render it, keep its PDF inside the (encrypted)
database, table `letter_files`, with its SHA-256 checked on every read, record the letter and
the disclosure; put the
pending letters into one PDF sorted by ZIP code and then name; and the annual notice for
every family (or new enrollees only), each family in its own language.

Who may do what (core.access): the print center's list, the top of page 1 and printing need
LETTERS_PRINT (the front desk); anything that shows or writes a whole letter (making, queueing,
rendering to a file, "Open as PDF", full previews, the annual notice) needs LETTERS_MAKE. Every
letter made and every print is recorded in the audit trail (letter id, kind, recipient), beside
the FERPA disclosure record.

Errors for the user are `LetterDataError` (bad or missing data: says what to fix, names
people by record id) and `LetterOutputError` (a file cannot be written). Nothing is left
half-written: a letter's PDF and its row are added in one transaction, and output files are
written to a temporary name and moved into place.

No letter is kept as a plain file in the data folder: a lost laptop would give away names,
addresses and a denial's reasons. A file is only written where a person asks for one (the
command line's -o FILE, "Open as PDF"); a print job for the printer stays in memory
(`print_letters` without `dest`). PDFs an older version kept under `letters/` are moved into
the database and deleted (`adopt_letter_files`, at sign-in, and on reading a letter).

The kept PDFs are `services.letter_files`; the letterhead and the notice settings every letter
carries are `services.letterhead` (both named here too, for the callers of this module).
"""

from __future__ import annotations

import io
import json
import logging
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from mocap_desktop.letters.model import (
    DECISION_KINDS,
    KINDS,
    CourseLine,
    Decision,
    LetterData,
    LetterDataError,
    NoticeSettings,
    Recipient,
    RequestInfo,
    StudentRef,
)
from mocap_desktop.letters.pages import PageImage, Part, merge, rasterize
from mocap_desktop.letters.render import LetterOutputError, atomic_output, render_letter, write_letters
from mocap_desktop.core.access import LETTERS_MAKE, LETTERS_PRINT, require
from mocap_desktop.store import Store, trail
from mocap_desktop.store.district import DistrictProfile, DistrictRepo
from mocap_desktop.store.letters import LetterRepo, LetterRow, NewLetter, QueueLetter
from mocap_desktop.services.letter_files import (
    adopt_letter_files,
    letter_pdf,
    letters_root,
    remove_file_quietly,
    store_bytes,
)
from mocap_desktop.services.letterhead import (
    BOARD_APPEAL_DAYS_KEY,
    board_appeal_days,
    district_letterhead,
    letterhead_from_profile,
    notice_settings,
    set_board_appeal_days,
)

__all__ = [
    "LetterDataError", "LetterOutputError", "KINDS", "queue_request_letter", "queue_letter",
    "render_request_letter", "gather_request_letter", "print_letters", "mark_printed",
    "batch_pending", "annual_notice", "preview_letter", "preview_data", "sample_letter",
    "letterhead_from_profile", "notice_settings", "letters_root", "PrintJob", "AnnualNoticeResult",
    "BOARD_APPEAL_DAYS_KEY", "print_queue", "preview_top", "PRINTER", "letter_pdf", "adopt_letter_files",
    "board_appeal_days", "set_board_appeal_days", "remove_file_quietly",
]

log = logging.getLogger(__name__)

LANG_FALLBACK = "en"

_RECORDS = {
    "received": ("Acknowledgement of MOCAP request {ref}: the student's name, grade and school, the "
                 "courses or program requested and the dates of the review",
                 "Tell the family the request was received and when it will be decided"),
    "approved": ("Decision on MOCAP request {ref}: the courses approved, credits, provider and term",
                 "Give the family the district's written decision"),
    "partially_approved": ("Decision on MOCAP request {ref}: the courses approved and denied, the reasons, "
                           "the district's explanation and the appeal rights",
                           "Give the family the district's written decision and their appeal rights"),
    "denied": ("Decision on MOCAP request {ref}: the courses denied, the reasons, the district's "
               "explanation and the appeal rights",
               "Give the family the district's written decision and their appeal rights"),
    "full_time": ("Full-time virtual enrollment {ref}: the date the district sent its input to the program "
                  "and what happens to the student's enrollment and records",
                  "Tell the family what the resident district did and what comes next"),
    "annual_notice": ("Annual notice of MOCAP rights naming the student (name and the family's address)",
                      "The yearly notice of MOCAP rights the district gives every family"),
}


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _tables(store: Store) -> set[str]:
    return {r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _norm(text: str) -> str:
    """Accent- and case-insensitive sort key: Ávila sorts with Avila."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# --- a request's letter ------------------------------------------------------------------------

def _guardian(store: Store, student_id: int, guardian_id: int | None) -> dict:
    if guardian_id:
        rows = store.query("SELECT * FROM guardians WHERE id = ? AND student_id = ?", (guardian_id, student_id))
    else:
        rows = store.query("SELECT * FROM guardians WHERE student_id = ? ORDER BY receives_letters DESC, id "
                           "LIMIT 1", (student_id,))
    if not rows:
        raise LetterDataError(f"Student #{student_id} has no parent or guardian on record to send the letter to.")
    return rows[0]


def _recipient(g: dict) -> Recipient:
    return Recipient(name=g["name"].strip(), address1=g["address1"].strip(), address2=g["address2"].strip(),
                     city=g["city"].strip(), state=g["state"].strip(), zip=g["zip"].strip(),
                     guardian_id=g["id"], student_id=g["student_id"])


def _language(preferred: str | None) -> str:
    base = (preferred or "").split("-")[0].split("_")[0].lower()
    return base if base in ("en", "es") else LANG_FALLBACK


def _student(store: Store, student_id: int) -> StudentRef:
    rows = store.query("SELECT s.id, s.first_name, s.last_name, s.grade, b.name AS building FROM students s "
                       "LEFT JOIN buildings b ON b.code = s.building_code WHERE s.id = ?", (student_id,))
    if not rows:
        raise LetterDataError(f"No student #{student_id}.")
    s = rows[0]
    return StudentRef(f"{s['first_name']} {s['last_name']}".strip(), s["grade"], s["building"] or "", s["id"])


def _decision(store: Store, request_id: int, row: dict, courses: tuple[CourseLine, ...]) -> Decision:
    if not any(c.decision for c in courses):
        raise LetterDataError(f"Request {request_id} has no recorded decision.")
    if "decisions" in _tables(store):
        rows = store.query("SELECT * FROM decisions WHERE request_id = ? ORDER BY id DESC LIMIT 1", (request_id,))
        if rows:
            d = rows[0]
            return Decision(decided_on=date.fromisoformat(d["decided_on"]),
                            decided_by=d.get("decided_by_name") or "",
                            decided_by_role=d.get("decided_by_role") or "principal",
                            reasons=tuple(json.loads(d.get("reasons") or "[]")),
                            explanation=d.get("explanation") or "")
    if any(c.decision == "denied" for c in courses):
        raise LetterDataError(f"Request {request_id} has no recorded decision (no reasons or explanation "
                              "on record for its denied courses).")
    return Decision(decided_on=_day(row["updated_at"]) or date.today())


def gather_request_letter(store: Store, request_id: int, kind: str, lang: str | None = None,
                          today: date | None = None) -> LetterData:
    """Everything the letter of `kind` about request `request_id` says, read from the database
    (LETTERS_MAKE: the whole letter, a denial's explanation included)."""
    require(store, LETTERS_MAKE)
    if kind not in KINDS or kind == "annual_notice":
        raise LetterDataError(f"{kind!r} is not a letter about one request: use one of "
                              f"{', '.join(k for k in KINDS if k != 'annual_notice')}.")
    rows = store.query("SELECT * FROM requests WHERE id = ?", (request_id,))
    if not rows:
        raise LetterDataError(f"There is no request {request_id}.")
    r = rows[0]
    if kind == "full_time" and r["pathway"] != "full_time":
        raise LetterDataError(f"Request {request_id} is for part-time courses; the full-time letter does not apply.")
    if kind in DECISION_KINDS and r["pathway"] != "part_time":
        raise LetterDataError(f"Request {request_id} is for a full-time program, which the district does not "
                              "approve or deny: use the full_time letter.")
    if lang is not None and lang not in ("en", "es"):
        raise LetterDataError(f"Unsupported letter language {lang!r}: use en or es.")
    guardian = _guardian(store, r["student_id"], r["letter_guardian_id"])
    language = lang or _language(r.get("letter_language") or guardian["preferred_language"])
    terms = store.query("SELECT * FROM terms WHERE id = ?", (r["start_term"],))
    term = terms[0] if terms else {"name": r["start_term"], "start": None, "end": None}
    courses = tuple(
        CourseLine(c["code"], c["title"], c["provider_name"], Decimal(str(c["credits"])),
                   district_pays=(c["fte"] != "beyond"), decision=c["decision"])
        for c in store.query("SELECT * FROM request_courses WHERE request_id = ? ORDER BY position", (request_id,)))
    provider = ""
    if r.get("provider_id"):
        found = store.query("SELECT name FROM providers WHERE id = ?", (r["provider_id"],))
        provider = found[0]["name"] if found else ""
    evaluation = json.loads(r.get("evaluation") or "{}")
    input_sent = None
    if r["pathway"] == "full_time" and "full_time_steps" in _tables(store):
        steps = store.query("SELECT input_sent_on FROM full_time_steps WHERE request_id = ?", (request_id,))
        input_sent = _day(steps[0]["input_sent_on"]) if steps else None
    if kind == "full_time" and input_sent is None:
        raise LetterDataError(f"Request {request_id}: the district's input has not been sent to the program yet, "
                              "so there is no full-time letter to send.")
    student_flags = store.query("SELECT mshsaa_activities FROM students WHERE id = ?", (r["student_id"],))
    info = RequestInfo(
        reference=r["reference"], pathway=r["pathway"], received=date.fromisoformat(r["received"]),
        term_name=term["name"], term_start=_day(r.get("start_date")) or _day(term["start"]),
        term_end=_day(term["end"]), provider=provider, courses=courses, routing=r["routing"],
        decision_due=_day(r["decision_due"]), input_due=_day(r["input_due"]),
        deemed_approved_on=_day(r["deemed_approved_on"]),
        icap_required=bool(evaluation.get("icap_required")),
        mshsaa_activities=bool(student_flags and student_flags[0]["mshsaa_activities"]),
        host_district=r.get("host_district") or "", input_sent_on=input_sent)
    decision = _decision(store, request_id, r, courses) if kind in DECISION_KINDS else None
    data = LetterData(kind=kind, language=language, letter_date=today or date.today(),
                      letterhead=district_letterhead(store), recipient=_recipient(guardian),
                      students=(_student(store, r["student_id"]),), request=info, decision=decision,
                      settings=notice_settings(store))
    data.validate()
    return data


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)[:60] or "letter"


def _new_letter(data: LetterData, file: str, sha: str, pages: int, status: str, request_id: int | None,
                first_page: int = 1, batch: str = "") -> NewLetter:
    records, interest = _RECORDS[data.kind]
    rec = data.recipient
    return NewLetter(
        student_id=data.student.student_id, kind=data.kind, language=data.language,
        recipient_name=rec.name, recipient_address="\n".join(rec.address_lines()[1:]), recipient_zip=rec.zip,
        student_name=data.student.name, file=file, sha256=sha, page_count=pages, first_page=first_page,
        request_id=request_id, guardian_id=rec.guardian_id, reference=data.reference,
        students=tuple((s.student_id, s.name) for s in data.students), batch=batch, status=status,
        records=records.format(ref=data.reference), interest=interest)


def _event(store: Store, request_id: int, kind: str, actor: str, detail: dict, at: str) -> None:
    with store.transaction() as db:
        db.execute("INSERT INTO request_events (request_id, at, actor, kind, detail) VALUES (?,?,?,?,?)",
                   [request_id, at, actor, kind, json.dumps(detail, ensure_ascii=False)])


def _disclosed(letter: NewLetter | LetterRow, letter_id: int, records: str = "") -> dict:
    """What the audit trail records of a letter: the disclosure (letter, kind, recipient). The
    recipient by guardian record, not by name: a family's name is most often the student's, which
    never goes into the trail (the `letters` and `disclosures` rows hold the names)."""
    who = f"guardian #{letter.guardian_id}" if letter.guardian_id is not None else "the family"
    detail = {"letter_id": letter_id, "kind": letter.kind, "language": letter.language,
              "guardian_id": letter.guardian_id, "recipient": f"Parent or guardian ({who}), by mail"}
    if records:
        detail["records"] = records
    students = getattr(letter, "students", ())
    if len(students) > 1 and isinstance(students[0], tuple):
        detail["student_ids"] = [sid for sid, _ in students]
    return detail


def _keep_letter(store: Store, data: LetterData, pdf: bytes, request_id: int | None, actor: str,
                 status: str, at: str | None = None) -> int:
    from mocap_desktop.letters.pages import page_count

    require(store, LETTERS_MAKE)
    staff, actor = trail.acting_login(store, actor), trail.acting_name(store, actor)
    stamp = at or now()
    pages = page_count(pdf)
    with store.transaction() as db:
        file, sha = store_bytes(store, pdf, _safe(f"{data.reference or 'letter'}-{data.kind}-{data.language}"),
                                 data.letter_date)
        letter = _new_letter(data, file, sha, pages, status, request_id)
        letter_id = LetterRepo(store).add(letter, staff, at=stamp)
        if request_id is not None:
            _event(store, request_id, "letter_queued" if status == "pending" else "letter_printed", actor,
                   {"kind": data.kind, "letter_id": letter_id, "language": data.language}, stamp)
        trail.note(db, store, "letter_queued" if status == "pending" else "letter_generated",
                   student_id=letter.student_id, request_id=request_id,
                   detail=_disclosed(letter, letter_id, letter.records))
    log.info("Letter %s (%s, %s) kept for request %s", letter_id, data.kind, data.language, request_id)
    return letter_id


def queue_request_letter(store: Store, request_id: int, kind: str, actor: str = "", lang: str | None = None,
                         today: date | None = None, at: str | None = None) -> int:
    """Render the letter of `kind` for a request and put it in the print center's queue.

    Returns the letter's id. Raises `LetterDataError` (nothing kept) when the data cannot make
    a correct letter, e.g. the guardian has no mailing address. `at` (ISO time) stamps the
    letter and its `letter_queued` event, so a caller can date them with its own event. The
    same letter to the same person at the same address already waiting in the queue is not
    made twice: its id is returned.
    """
    require(store, LETTERS_MAKE)
    data = gather_request_letter(store, request_id, kind, lang, today)
    rec = data.recipient
    waiting = store.query(
        "SELECT id FROM letters WHERE status = 'pending' AND request_id = ? AND kind = ? AND language = ? "
        "AND guardian_id IS ? AND recipient_name = ? AND recipient_address = ? ORDER BY id LIMIT 1",
        (request_id, data.kind, data.language, rec.guardian_id, rec.name,
         "\n".join(rec.address_lines()[1:])))
    if waiting:
        return waiting[0]["id"]
    return _keep_letter(store, data, render_letter(data), request_id, actor, "pending", at)


queue_letter = queue_request_letter  # the name the intake service looks for


def render_request_letter(store: Store, request_id: int, kind: str, dest: Path, actor: str = "",
                          lang: str | None = None, today: date | None = None) -> int:
    """Write the letter to `dest` (for the CLI) and keep it, recorded as printed. Returns its id."""
    data = gather_request_letter(store, request_id, kind, lang, today)
    pdf = render_letter(data)
    atomic_output(Path(dest), lambda fh: fh.write(pdf))
    return _keep_letter(store, data, pdf, request_id, actor, "printed")


# --- printing ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PrintJob:
    path: Path | None
    """The file written, or None for a job kept in memory (`pdf`)."""
    letter_ids: tuple[int, ...]
    """In the order they are in the file: by ZIP code, then the recipient's name."""
    pages: int
    pdf: bytes | None = None
    """The combined PDF when it was not written to a file."""


def mailing_order(rows: list[LetterRow]) -> list[LetterRow]:
    return sorted(rows, key=lambda r: (r.recipient_zip.strip(), _norm(r.recipient_name), r.id))


def _checked_part(store: Store, row: LetterRow) -> Part:
    return Part(letter_pdf(store, row), row.first_page, row.page_count, name=f"letter {row.id}")


PRINTER = "printer"


def print_letters(store: Store, ids: list[int], dest: Path | None, target: str = PRINTER) -> PrintJob:
    """One PDF of the letters `ids`, sorted by ZIP code then name, written atomically to `dest`,
    or, when `dest` is None, kept in memory (`PrintJob.pdf`: a job for the printer leaves no file).

    The letters are not marked printed here: call `mark_printed` once they are. `target` says
    where the file goes: to the printer (LETTERS_PRINT, the front desk's job), or anywhere a
    person reads the whole letters ("viewer": Open as PDF, "file": the command line), which
    needs LETTERS_MAKE.
    """
    require(store, LETTERS_PRINT)
    if target != PRINTER:
        require(store, LETTERS_MAKE)
    rows = LetterRepo(store).many(list(ids))
    missing = set(ids) - {r.id for r in rows}
    if missing:
        raise LetterDataError(f"No letter with id {', '.join(map(str, sorted(missing)))}.")
    if not rows:
        raise LetterDataError("No letters are selected.")
    ordered = mailing_order(rows)
    parts = [_checked_part(store, r) for r in ordered]
    if dest is None:
        buffer = io.BytesIO()
        pages = merge(parts, buffer)
        log.info("Print job of %d letters (%d pages) made", len(ordered), pages)
        return PrintJob(None, tuple(r.id for r in ordered), pages, buffer.getvalue())
    pages = atomic_output(Path(dest), lambda fh: merge(parts, fh))
    log.info("Print job of %d letters (%d pages) written", len(ordered), pages)
    return PrintJob(Path(dest), tuple(r.id for r in ordered), pages)


def mark_printed(store: Store, ids: list[int] | tuple[int, ...], actor: str = "") -> int:
    """Record that the letters printed (LETTERS_PRINT): each print, and each reprint as another
    disclosure, in the disclosure record, the request's timeline and the audit trail."""
    require(store, LETTERS_PRINT)
    staff, actor = trail.acting_login(store, actor), trail.acting_name(store, actor)
    stamp = now()
    repo = LetterRepo(store)
    rows = repo.many(list(ids))
    with store.transaction() as db:
        count = repo.mark_printed(list(ids), staff, at=stamp)
        for r in rows:
            if r.request_id is not None:
                _event(store, r.request_id, "letter_printed", actor,
                       {"kind": r.kind, "letter_id": r.id, "reprint": r.print_count > 0}, stamp)
        trail.note_many(db, store, "letter_printed", (
            (r.student_id, r.request_id, {**_disclosed(r, r.id), "print": r.print_count + 1})
            for r in rows if r.print_count == 0))
        trail.note_many(db, store, "letter_reprinted", (
            (r.student_id, r.request_id, {**_disclosed(r, r.id), "print": r.print_count + 1,
                                          "records": f"Reprint of the {r.kind.replace('_', ' ')} letter"})
            for r in rows if r.print_count > 0))
    return count


def print_queue(store: Store, status: str = "pending", limit: int = 500) -> list[QueueLetter]:
    """The print center's list (LETTERS_PRINT): recipient, address, kind, student and printing
    dates only; waiting letters oldest first, printed ones newest first."""
    require(store, LETTERS_PRINT)
    return LetterRepo(store).queue(status, limit)


PREVIEW_SIDE_INCHES = 0.85  # of the letters' 1-inch margins: the text as large as the panel allows


def preview_top(store: Store, letter_id: int, dpi: float, top_inches: float) -> PageImage:
    """The top of a letter's first page (LETTERS_PRINT): letterhead, the address as the envelope
    window shows it, date, reference and student; not the letter's body."""
    require(store, LETTERS_PRINT)
    row = LetterRepo(store).get(letter_id)
    if row is None:
        raise LetterDataError("That letter is no longer in the queue.")
    return rasterize(letter_pdf(store, row), dpi=dpi, first_page=row.first_page, count=1,
                     top_inches=top_inches, side_inches=PREVIEW_SIDE_INCHES)[0]


def print_job_path(store: Store, stamp: datetime | None = None) -> Path:
    """Where the print center puts a combined PDF a person asked to open ("Open as PDF"):
    letters/print/print-YYYYmmdd-HHMMSS.pdf. A job for the printer is not written here."""
    folder = letters_root(store) / "print"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = stamp or datetime.now()
    path = folder / f"print-{stamp:%Y%m%d-%H%M%S}.pdf"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"print-{stamp:%Y%m%d-%H%M%S}-{n}.pdf"
    return path


def batch_pending(store: Store, dest: Path, actor: str = "", mark: bool = True) -> PrintJob:
    """All pending letters in one PDF at `dest` (ZIP, then name), marked printed when `mark`.
    The file can be read as well as printed, so this needs LETTERS_MAKE."""
    require(store, LETTERS_MAKE)
    rows = LetterRepo(store).pending()
    if not rows:
        raise LetterDataError("No letters are waiting to be printed.")
    job = print_letters(store, [r.id for r in rows], dest, target="file")
    if mark:
        mark_printed(store, job.letter_ids, actor)
    return job


# --- previews ----------------------------------------------------------------------------------------

def preview_letter(store: Store, letter_id: int, dpi: float = 80) -> list[PageImage]:
    """Every page of a kept letter as pictures (LETTERS_MAKE: the whole letter)."""
    require(store, LETTERS_MAKE)
    row = LetterRepo(store).get(letter_id)
    if row is None:
        raise LetterDataError(f"No letter with id {letter_id}.")
    return rasterize(letter_pdf(store, row), dpi=dpi, first_page=row.first_page, count=row.page_count)


def preview_data(data: LetterData, dpi: float = 80, first_only: bool = False) -> list[PageImage]:
    """Render a letter and picture its pages (page 1 only when `first_only`)."""
    return rasterize(render_letter(data), dpi=dpi, count=1 if first_only else None)


def sample_letter(profile: DistrictProfile, kind: str = "denied", lang: str = "en",
                  base: Path | None = None, settings: NoticeSettings | None = None,
                  today: date | None = None) -> LetterData:
    """A letter to a made-up family on the district's letterhead, for the letterhead editor."""
    today = today or date.today()
    received = today - timedelta(days=14)
    courses = (CourseLine("CHEM A", "Chemistry A", "Mizzou Academy", Decimal("0.5"), True, "approved"),
               CourseLine("SPAN1A", "Spanish I A", "Mizzou Academy", Decimal("0.5"), True, "denied"))
    if kind == "denied":
        courses = tuple(replace(c, decision="denied") for c in courses)
    elif kind == "approved":
        courses = tuple(replace(c, decision="approved") for c in courses)
    elif kind in ("received", "full_time", "annual_notice"):
        courses = tuple(replace(c, decision=None) for c in courses)
    request = RequestInfo(
        reference="PT-SAMPLE-0001", pathway="full_time" if kind == "full_time" else "part_time",
        received=received, term_name="Spring term", term_start=received + timedelta(days=30),
        term_end=received + timedelta(days=150), provider="Mizzou Academy", courses=courses,
        routing="provider" if kind == "full_time" else "building_review",
        decision_due=received + timedelta(days=14), input_due=received + timedelta(days=14),
        deemed_approved_on=received + timedelta(days=30), host_district="Sample host district",
        input_sent_on=received + timedelta(days=7))
    decision = Decision(today, profile.signer_name or "", "", "principal",
                        ("ACADEMIC_READINESS",), "A sample explanation written for this student.") \
        if kind in DECISION_KINDS else None
    return LetterData(
        kind=kind, language=lang, letter_date=today, letterhead=letterhead_from_profile(profile, base),
        recipient=Recipient("Lucía Peña-Nguyễn", "1234 Hickory Lane", "Maple Valley", "MO", "65999"),
        students=(StudentRef("Zoë Łukasz Nguyễn-Peña", "10", "Sample High School"),),
        request=None if kind == "annual_notice" else request, decision=decision,
        settings=settings or NoticeSettings())


# --- the annual notice --------------------------------------------------------------------------------

@dataclass
class AnnualNoticeResult:
    path: Path
    letters: int
    pages: int
    students: int
    by_language: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    """One line per family left out, naming guardian and student by record id."""


def school_year_start(store: Store, today: date) -> date:
    """The first day of the school year `today` falls in (district calendar), else July 1."""
    rows = store.query("SELECT school_year, min(start) AS start, max(\"end\") AS end FROM terms "
                       "GROUP BY school_year ORDER BY school_year")
    for r in rows:
        if r["start"] <= today.isoformat() <= r["end"]:
            return date.fromisoformat(r["start"])
    starts = [date.fromisoformat(r["start"]) for r in rows if r["start"] <= today.isoformat()]
    return max(starts) if starts else date(today.year if today.month >= 7 else today.year - 1, 7, 1)


@dataclass
class _Family:
    guardian: dict
    language: str
    students: list[StudentRef]


def _families(store: Store, new_only: bool, since: date) -> list[_Family]:
    sql = ("SELECT g.id, g.student_id, g.name, g.address1, g.address2, g.city, g.state, g.zip, "
           "g.preferred_language, s.first_name, s.last_name, s.grade, b.name AS building "
           "FROM guardians g JOIN students s ON s.id = g.student_id "
           "LEFT JOIN buildings b ON b.code = s.building_code WHERE g.receives_letters = 1")
    params: list = []
    if new_only:
        profile = DistrictRepo(store).profile()
        code = profile.code if profile else ""
        sql += (" AND s.id IN (SELECT student_id FROM enrollments WHERE district_code = ? "
                "GROUP BY student_id HAVING min(entry) >= ?)"
                " AND s.id NOT IN (SELECT d.student_id FROM disclosures d JOIN letters l ON l.id = d.letter_id "
                "WHERE l.kind = 'annual_notice' AND l.created_at >= ?)")
        params += [code, since.isoformat(), since.isoformat()]
    sql += " ORDER BY g.id"
    families: dict[tuple, _Family] = {}
    for r in store.query(sql, params):
        key = (_norm(r["name"]).strip(), _norm(r["address1"]).strip(), r["zip"].strip()) \
            if r["address1"].strip() else ("guardian", r["id"])
        student = StudentRef(f"{r['first_name']} {r['last_name']}".strip(), r["grade"], r["building"] or "",
                             r["student_id"])
        family = families.get(key)
        if family is None:
            families[key] = _Family(r, _language(r["preferred_language"]), [student])
        elif all(s.student_id != student.student_id for s in family.students):
            family.students.append(student)
    return sorted(families.values(), key=lambda f: (f.guardian["zip"].strip(), _norm(f.guardian["name"]),
                                                     f.guardian["id"]))


def annual_notice(store: Store, dest: Path, actor: str = "", new_only: bool = False,
                  since: date | None = None, today: date | None = None) -> AnnualNoticeResult:
    """The annual notice of MOCAP rights for every family (or families of new enrollees), one PDF.

    Each family gets one letter in its own language naming all its students; families are in
    ZIP then name order. A family without a complete mailing address is left out and listed
    in `skipped`. The PDF is written to `dest` and kept in the database, and every letter and
    disclosure is recorded (as printed: the file goes straight to the printer), in the audit trail too.
    Needs LETTERS_MAKE.
    """
    require(store, LETTERS_MAKE)
    actor = trail.acting_login(store, actor)
    today = today or date.today()
    since = since or school_year_start(store, today)
    head, settings = district_letterhead(store), notice_settings(store)
    families = _families(store, new_only, since)
    result = AnnualNoticeResult(Path(dest), 0, 0, 0)
    chosen: list[tuple[_Family, LetterData]] = []
    for family in families:
        recipient = _recipient(family.guardian)
        if not recipient.complete:
            result.skipped.append(f"{recipient.who()}: no complete mailing address (name, street, city, "
                                  "state, ZIP); no notice was made.")
            continue
        students = tuple(sorted(family.students, key=lambda s: _norm(s.name)))
        chosen.append((family, LetterData("annual_notice", family.language, today, head, recipient, students,
                                          settings=settings)))
    if not chosen:
        if not families:
            raise LetterDataError("There are no families to send the annual notice to" + (
                f" (no new enrollees since {since.isoformat()})." if new_only else "."))
        raise LetterDataError("No family has a complete mailing address for the annual notice.")

    def stream() -> Iterator[LetterData]:
        for _, data in chosen:
            yield data

    batch = write_letters(stream(), Path(dest), title="Annual notice of MOCAP rights")
    try:
        pdf = Path(dest).read_bytes()
    except OSError as exc:
        raise LetterOutputError(f"Cannot read back {dest}: {exc.strerror or exc}.") from exc
    with store.transaction() as db:
        kept, sha = store_bytes(store, pdf, f"annual-notice-{today:%Y%m%d}", today, sub=f"annual/{today:%Y}")
        batch_id = f"annual-{today.isoformat()}-{sha[:8]}"
        rows = [_new_letter(data, kept, sha, placement.page_count, "printed", None, placement.first_page, batch_id)
                for (_, data), placement in zip(chosen, batch.placements)]
        ids = LetterRepo(store).add_many(rows, actor)
        trail.note_many(db, store, "letter_generated", (
            (letter.student_id, None, _disclosed(letter, letter_id, letter.records))
            for letter, letter_id in zip(rows, ids)))
    result.letters, result.pages = batch.letters, batch.pages
    result.students = sum(len(d.students) for _, d in chosen)
    for _, data in chosen:
        result.by_language[data.language] = result.by_language.get(data.language, 0) + 1
    log.info("Annual notice: %d letters, %d pages, %d families left out", result.letters, result.pages,
             len(result.skipped))
    return result
