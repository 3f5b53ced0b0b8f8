"""Generated parent letters (the print center's queue) and the record of disclosures.

Every letter is kept: its file (relative to the data folder), the SHA-256 of that file,
where in the file it starts and how many pages it has, and a snapshot of whom it went to.
Each letter also writes a row to `disclosures`, the record FERPA (34 CFR 99.32) asks for:
date, student, what was disclosed, to whom, on what basis, and by which staff member.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from mocap_desktop.store.db import Store

LEGAL_BASIS_PARENT = ("Disclosure to the student's parent or guardian, who has the right to the "
                      "student's education records (FERPA, 20 U.S.C. 1232g; 34 CFR 99.10, 99.31)")


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


@dataclass(frozen=True)
class NewLetter:
    student_id: int
    kind: str
    language: str
    recipient_name: str
    recipient_address: str
    recipient_zip: str
    student_name: str
    file: str
    sha256: str
    page_count: int
    first_page: int = 1
    request_id: int | None = None
    guardian_id: int | None = None
    reference: str = ""
    students: tuple[tuple[int, str], ...] = ()
    """Every student the letter names, as (id, name); the annual notice can name several."""
    batch: str = ""
    status: str = "pending"
    records: str = ""
    """What the letter discloses, for the disclosure record."""
    interest: str = ""


@dataclass(frozen=True)
class LetterRow:
    id: int
    kind: str
    language: str
    status: str
    reference: str
    recipient_name: str
    recipient_address: str
    recipient_zip: str
    student_name: str
    file: str
    first_page: int
    page_count: int
    sha256: str
    created_at: str
    printed_at: str | None
    print_count: int
    request_id: int | None = None
    student_id: int | None = None
    guardian_id: int | None = None
    batch: str = ""
    students: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class DisclosureRow:
    id: int
    at: str
    student_id: int
    letter_id: int | None
    records: str
    recipient: str
    legal_basis: str
    interest: str
    consent_reference: str
    staff: str


@dataclass(frozen=True)
class QueueLetter:
    """A letter as the print center lists it: who it goes to, where, what kind, which student,
    and the bookkeeping of printing. Nothing of the request's case (waiver, IEP/504, findings,
    explanations, notes) and not even its file or reference: the front desk sees this only."""

    id: int
    kind: str
    language: str
    status: str
    recipient_name: str
    recipient_address: str
    recipient_zip: str
    student_name: str
    page_count: int
    created_at: str
    printed_at: str | None
    print_count: int
    students: tuple[str, ...] = field(default=())


QUEUE_COLUMNS = ("id, kind, language, status, recipient_name, recipient_address, recipient_zip, student_name, "
                 "page_count, created_at, printed_at, print_count, students")


def _queue_letter(r: dict) -> QueueLetter:
    names = tuple(name for _, name in json.loads(r.pop("students") or "[]"))
    return QueueLetter(**r, students=names)


_COLUMNS = ("id, kind, language, status, reference, recipient_name, recipient_address, recipient_zip, "
            "student_name, file, first_page, page_count, sha256, created_at, printed_at, print_count, "
            "request_id, student_id, guardian_id, batch, students")


def _row(r: dict) -> LetterRow:
    names = tuple(name for _, name in json.loads(r.pop("students") or "[]"))
    return LetterRow(**r, students=names)


def add_disclosure(db, *, at: str, student_id: int, records: str, recipient: str, legal_basis: str,
                   interest: str, staff: str) -> int:
    """A disclosure that is not a letter (a provider packet), inside the caller's transaction;
    returns its id. The student's record of disclosures lists it as "Disclosure <id>"."""
    return db.execute(
        "INSERT INTO disclosures (at, student_id, letter_id, records, recipient, legal_basis, interest, staff) "
        "VALUES (?,?,NULL,?,?,?,?,?)", [at, student_id, records, recipient, legal_basis, interest, staff]).lastrowid


class LetterRepo:
    def __init__(self, store: Store):
        self.store = store

    # -- writing -------------------------------------------------------------------------------
    def add(self, letter: NewLetter, actor: str, at: str | None = None) -> int:
        """Insert the letter and its disclosure records in one transaction; returns its id."""
        return self.add_many([letter], actor, at)[0]

    def add_many(self, letters: list[NewLetter], actor: str, at: str | None = None) -> list[int]:
        stamp = at or _now()
        ids: list[int] = []
        with self.store.transaction() as db:
            for letter in letters:
                if letter.status not in ("pending", "printed"):
                    raise ValueError(f"unknown letter status {letter.status!r}")
                students = letter.students or ((letter.student_id, letter.student_name),)
                cursor = db.execute(
                    "INSERT INTO letters (request_id, student_id, guardian_id, kind, language, status, "
                    "reference, recipient_name, recipient_address, recipient_zip, student_name, students, "
                    "file, first_page, page_count, sha256, batch, created_at, created_by, printed_at, "
                    "print_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [letter.request_id, letter.student_id, letter.guardian_id, letter.kind, letter.language,
                     letter.status, letter.reference, letter.recipient_name, letter.recipient_address,
                     letter.recipient_zip, letter.student_name,
                     json.dumps([list(s) for s in students], ensure_ascii=False), letter.file,
                     letter.first_page, letter.page_count, letter.sha256, letter.batch, stamp, actor,
                     stamp if letter.status == "printed" else None, 1 if letter.status == "printed" else 0])
                letter_id = cursor.lastrowid
                ids.append(letter_id)
                for student_id, _ in students:
                    db.execute(
                        "INSERT INTO disclosures (at, student_id, letter_id, records, recipient, legal_basis, "
                        "interest, staff) VALUES (?,?,?,?,?,?,?,?)",
                        [stamp, student_id, letter_id, letter.records or f"{letter.kind} letter",
                         f"{letter.recipient_name} (parent or guardian), by mail",
                         LEGAL_BASIS_PARENT, letter.interest or "Notice to the family", actor])
        return ids

    def mark_printed(self, ids: list[int], actor: str, at: str | None = None) -> int:
        """Mark letters printed (a reprint counts again and is recorded as another disclosure)."""
        if not ids:
            return 0
        stamp = at or _now()
        marks = ",".join("?" * len(ids))
        with self.store.transaction() as db:
            rows = list(db.query(f"SELECT id, student_id, students, kind, recipient_name, print_count "
                                 f"FROM letters WHERE id IN ({marks})", ids))
            db.execute(f"UPDATE letters SET status = 'printed', printed_at = ?, print_count = print_count + 1 "
                       f"WHERE id IN ({marks})", [stamp, *ids])
            for r in rows:
                if r["print_count"] == 0:
                    continue  # the first print is the disclosure recorded when the letter was made
                for student_id, _ in json.loads(r["students"] or "[]") or [[r["student_id"], ""]]:
                    db.execute(
                        "INSERT INTO disclosures (at, student_id, letter_id, records, recipient, legal_basis, "
                        "interest, staff) VALUES (?,?,?,?,?,?,?,?)",
                        [stamp, student_id, r["id"], f"Reprint of the {r['kind'].replace('_', ' ')} letter",
                         f"{r['recipient_name']} (parent or guardian), by mail", LEGAL_BASIS_PARENT,
                         "Another copy of a notice to the family", actor])
        return len(rows)

    # -- reading -------------------------------------------------------------------------------
    def pending(self) -> list[LetterRow]:
        """Letters waiting to print, oldest first."""
        return [_row(r) for r in self.store.query(
            f"SELECT {_COLUMNS} FROM letters WHERE status = 'pending' ORDER BY created_at, id")]

    def printed(self, limit: int = 500) -> list[LetterRow]:
        """Letters already printed, newest first (for a reprint)."""
        return [_row(r) for r in self.store.query(
            f"SELECT {_COLUMNS} FROM letters WHERE status = 'printed' ORDER BY printed_at DESC, id DESC "
            f"LIMIT ?", (limit,))]

    def queue(self, status: str = "pending", limit: int = 500) -> list[QueueLetter]:
        """The print center's list: letters waiting (oldest first) or printed (newest first),
        with the print queue's columns only (`QUEUE_COLUMNS`)."""
        if status == "pending":
            sql = f"SELECT {QUEUE_COLUMNS} FROM letters WHERE status = 'pending' ORDER BY created_at, id LIMIT ?"
        elif status == "printed":
            sql = (f"SELECT {QUEUE_COLUMNS} FROM letters WHERE status = 'printed' "
                   "ORDER BY printed_at DESC, id DESC LIMIT ?")
        else:
            raise ValueError(f"unknown letter status {status!r}")
        return [_queue_letter(r) for r in self.store.query(sql, (limit,))]

    def get(self, letter_id: int) -> LetterRow | None:
        rows = self.store.query(f"SELECT {_COLUMNS} FROM letters WHERE id = ?", (letter_id,))
        return _row(rows[0]) if rows else None

    def many(self, ids: list[int]) -> list[LetterRow]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return [_row(r) for r in self.store.query(f"SELECT {_COLUMNS} FROM letters WHERE id IN ({marks})", ids)]

    def for_request(self, request_id: int) -> list[LetterRow]:
        return [_row(r) for r in self.store.query(
            f"SELECT {_COLUMNS} FROM letters WHERE request_id = ? ORDER BY id", (request_id,))]

    def disclosures(self, student_id: int) -> list[DisclosureRow]:
        return [DisclosureRow(**r) for r in self.store.query(
            "SELECT * FROM disclosures WHERE student_id = ? ORDER BY at, id", (student_id,))]

    def pending_count(self) -> int:
        return self.store.conn.execute("SELECT count(*) FROM letters WHERE status = 'pending'").fetchone()[0]
