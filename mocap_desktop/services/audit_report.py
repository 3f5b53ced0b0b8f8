"""Reading the audit trail: the administrator's viewer, its CSV export, and a student's
record of disclosures (FERPA 34 CFR 99.32), which a parent may ask to see.

Everything here needs the AUDIT_READ capability (administrators). Entries come newest first, a
page at a time by keyset (`before_id`), so a long trail is never loaded whole. Saving an export
or a disclosure report is itself recorded in the trail.
"""

from __future__ import annotations

import io
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from mocap_desktop.core.access import AUDIT_READ, ROLE_LABELS, require
from mocap_desktop.services.export import CsvWriter
from mocap_desktop.store import Store, audit, trail
from mocap_desktop.store.students import StudentRepo

log = logging.getLogger(__name__)

PAGE = 200
EXPORT_CHUNK = 1000

# How actions read in the viewer; an action not listed reads as its words ("letter_printed" ->
# "Letter printed"), so new actions need no change here.
ACTION_LABELS = {
    "set_up": "Database set up",
    "sign_in": "Signed in",
    "sign_out": "Signed out",
    "sign_in_failed": "Sign-in refused",
    "person_added": "Person added",
    "person_removed": "Person removed",
    "password_changed": "Password changed",
    "password_reset_with_recovery_key": "Password reset with the recovery key",
    "audit_exported": "Audit trail exported",
    "disclosure_report_viewed": "Disclosure report viewed",
    "disclosure_report_exported": "Disclosure report saved",
}
ROLE_WORDS = {**ROLE_LABELS, "system": "System"}

# Audit actions that are the administration of the trail itself or a parent's own copy of the
# disclosure record (34 CFR 99.32(d): not a disclosure to be recorded).
NOT_DISCLOSURES = frozenset({"audit_exported", "disclosure_report_viewed", "disclosure_report_exported"})

CSV_COLUMNS = ("Entry", "Date and time", "Sign-in name", "Person", "Role", "Action", "Student number",
               "Student", "Request", "Detail", "Hash")
DISCLOSURE_COLUMNS = ("Date", "What was disclosed", "Recipient", "Legal basis", "Recipient's interest",
                      "Consent", "Staff member", "Source")


class AuditReportError(Exception):
    """The report cannot be made as asked (a bad filter, a file that cannot be written); the
    message is for the user."""


# --- filters -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditFilter:
    person: str = ""
    """A sign-in name (`audit_log.actor`); empty for everyone."""
    student_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    """Inclusive: the whole of that day."""

    def __post_init__(self) -> None:  # dates may come as ISO text (the CLI, a script)
        object.__setattr__(self, "date_from", _day(self.date_from))
        object.__setattr__(self, "date_to", _day(self.date_to))

    @classmethod
    def of(cls, person: str | None = None, student_id: int | None = None, action: str | None = None,
           date_from: date | str | None = None, date_to: date | str | None = None) -> "AuditFilter":
        return cls(person or "", student_id, action or "", _day(date_from), _day(date_to))

    def as_dict(self) -> dict[str, Any]:
        """The filters that are set, for the export's own audit entry."""
        out = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}
        return {k: v for k, v in out.items() if v not in ("", None)}


def _day(value: date | str | None) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise AuditReportError(f"'{value}' is not a date (use YYYY-MM-DD).") from None


def _where(f: AuditFilter, before_id: int | None = None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise AuditReportError("The start date is after the end date.")
    if f.person:
        clauses.append("a.actor = ?")
        params.append(f.person)
    if f.student_id is not None:
        clauses.append("a.student_id = ?")
        params.append(int(f.student_id))
    if f.action:
        clauses.append("a.action = ?")
        params.append(f.action)
    if f.date_from:
        clauses.append("a.at >= ?")
        params.append(f.date_from.isoformat())
    if f.date_to:
        clauses.append("a.at < ?")
        params.append((f.date_to + timedelta(days=1)).isoformat())
    if before_id is not None:
        clauses.append("a.id < ?")
        params.append(int(before_id))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


# --- entries -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    actor_name: str
    """The person's name from `people`, or empty for an actor who is not a person (the system)."""
    role: str
    action: str
    student_id: int | None
    student_number: str
    student_name: str
    request_id: int | None
    request_reference: str
    detail: dict[str, Any] = field(default_factory=dict)
    hash: str = ""
    prev_hash: str = ""

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def role_label(self) -> str:
        return ROLE_WORDS.get(self.role, self.role)

    @property
    def person_label(self) -> str:
        return f"{self.actor_name} ({self.actor})" if self.actor_name else self.actor

    @property
    def student_label(self) -> str:
        if self.student_id is None:
            return ""
        if not self.student_number and not self.student_name:
            return f"student record {self.student_id}"
        return " · ".join(p for p in (self.student_number, self.student_name) if p)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    next_before: int | None
    """Pass as `before_id` for the next (older) page; None when this is the last."""


_SELECT = (
    "SELECT a.id, a.at, a.actor, COALESCE(p.display_name, '') AS actor_name, a.role, a.action, "
    "a.student_id, COALESCE(s.local_number, '') AS student_number, "
    "CASE WHEN s.id IS NULL THEN '' ELSE s.last_name || ', ' || s.first_name END AS student_name, "
    "a.request_id, COALESCE(r.reference, '') AS request_reference, a.detail, a.hash, a.prev_hash "
    "FROM audit_log a "
    "LEFT JOIN people p ON p.login = a.actor "
    "LEFT JOIN students s ON s.id = a.student_id "
    "LEFT JOIN requests r ON r.id = a.request_id")


def _entry(row: dict) -> AuditEntry:
    try:
        detail = json.loads(row.pop("detail") or "{}")
    except ValueError:
        detail = {"detail": row.get("detail")}
    if not isinstance(detail, dict):
        detail = {"detail": detail}
    return AuditEntry(**row, detail=detail)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action) or action.replace("_", " ").strip().capitalize()


def audit_entries(store: Store, person: str | None = None, student_id: int | None = None,
                  action: str | None = None, date_from: date | str | None = None,
                  date_to: date | str | None = None, limit: int = PAGE,
                  before_id: int | None = None) -> list[AuditEntry]:
    """Entries matching every filter given, newest first: `limit` of them older than `before_id`."""
    return audit_page(store, AuditFilter.of(person, student_id, action, date_from, date_to),
                      limit, before_id).entries


def audit_page(store: Store, filters: AuditFilter, limit: int = PAGE,
               before_id: int | None = None) -> AuditPage:
    """A page of entries and where the next one starts (keyset paging on the entry id)."""
    require(store, AUDIT_READ)
    where, params = _where(filters, before_id)
    # Ids first, from the filter's covering index (a person's, a student's or an action's entries)
    # or the primary key; then only the page's rows are read and joined.
    ids = [r[0] for r in store.conn.execute(
        f"SELECT a.id FROM audit_log a{where} ORDER BY a.id DESC LIMIT ?", (*params, int(limit) + 1))]
    more, ids = len(ids) > limit, ids[:limit]
    if not ids:
        return AuditPage([], None)
    rows = store.query(f"{_SELECT} WHERE a.id IN ({','.join('?' * len(ids))}) ORDER BY a.id DESC", ids)
    entries = [_entry(r) for r in rows]
    return AuditPage(entries, entries[-1].id if more else None)


def count_entries(store: Store, filters: AuditFilter | None = None) -> int:
    require(store, AUDIT_READ)
    where, params = _where(filters or AuditFilter())
    return store.conn.execute(f"SELECT count(*) FROM audit_log a{where}", params).fetchone()[0]


def audit_entry(store: Store, entry_id: int) -> AuditEntry | None:
    require(store, AUDIT_READ)
    rows = store.query(f"{_SELECT} WHERE a.id = ?", (int(entry_id),))
    return _entry(rows[0]) if rows else None


def iter_entries(store: Store, filters: AuditFilter, chunk: int = EXPORT_CHUNK) -> Iterator[AuditEntry]:
    """Every matching entry, newest first, read a chunk at a time."""
    before = None
    while True:
        page = audit_page(store, filters, chunk, before)
        yield from page.entries
        if page.next_before is None:
            return
        before = page.next_before


def actions(store: Store) -> list[str]:
    """The distinct actions in the trail, for the viewer's filter (read from the index)."""
    require(store, AUDIT_READ)
    return [r[0] for r in store.conn.execute("SELECT DISTINCT action FROM audit_log ORDER BY action")]


@dataclass(frozen=True)
class PersonChoice:
    login: str
    label: str
    active: bool


def people_in_trail(store: Store) -> list[PersonChoice]:
    """Everyone who may appear in the trail: people (active or not) and any other actor that
    wrote entries (the system itself)."""
    require(store, AUDIT_READ)
    known = {r["login"]: r for r in store.query("SELECT login, display_name, role, active FROM people")}
    actors = {r[0] for r in store.conn.execute("SELECT DISTINCT actor FROM audit_log")}
    choices = []
    for login, row in known.items():
        label = f"{row['display_name']} ({login})" + ("" if row["active"] else " — removed")
        choices.append(PersonChoice(login, label, bool(row["active"])))
    lower = {k.lower() for k in known}
    for actor in actors:
        if actor.lower() not in lower:
            choices.append(PersonChoice(actor, actor, False))
    return sorted(choices, key=lambda c: (not c.active, c.label.casefold()))


def verify(store: Store) -> audit.VerifyResult:
    """The hash chain checked from the first entry (`mocap-desktop audit verify`)."""
    require(store, AUDIT_READ)
    return audit.verify(store)


def describe_detail(detail: dict[str, Any]) -> list[tuple[str, str]]:
    """An entry's detail as (label, text) lines; a change's `before`/`after` read as
    "old → new" per field."""
    lines: list[tuple[str, str]] = []
    before, after = detail.get("before"), detail.get("after")
    if isinstance(before, dict) or isinstance(after, dict):
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        for key in list(dict.fromkeys([*before, *after])):
            old, new = before.get(key), after.get(key)
            lines.append((_words(key), f"{_text(old)} → {_text(new)}" if key in before else _text(new)))
    for key, value in detail.items():
        if key in ("before", "after") and (isinstance(before, dict) or isinstance(after, dict)):
            continue
        lines.append((_words(key), _text(value)))
    return lines


def _words(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize()


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{_words(k).lower()}: {_text(v)}" for k, v in value.items()) or "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value) or "—"
    return str(value)


# --- students (for the filter) -----------------------------------------------------------------------

@dataclass(frozen=True)
class StudentChoice:
    id: int
    label: str
    """"100234 · Peña, José"."""


def find_students(store: Store, text: str, limit: int = 20) -> list[StudentChoice]:
    """Students for the viewer's student filter: an exact student number (local or MOSIS) first,
    else a name or number search."""
    require(store, AUDIT_READ)
    text = text.strip()
    if not text:
        return []
    exact = store.query("SELECT id, local_number, last_name, first_name FROM students "
                        "WHERE local_number = ? OR mosis_id = ?", (text, text))
    if exact:
        return [StudentChoice(r["id"], f"{r['local_number']} · {r['last_name']}, {r['first_name']}") for r in exact]
    page = StudentRepo(store).search(text, limit=limit)
    return [StudentChoice(r.id, f"{r.local_number} · {r.last_name}, {r.first_name}") for r in page.rows]


def student_label(store: Store, student_id: int) -> str:
    require(store, AUDIT_READ)
    rows = store.query("SELECT local_number, last_name, first_name FROM students WHERE id = ?", (student_id,))
    if not rows:
        return f"student record {student_id}"
    r = rows[0]
    return f"{r['local_number']} · {r['last_name']}, {r['first_name']}"


# --- writing files ----------------------------------------------------------------------------------

def _atomic_write(path: Path, write: Callable[[io.BufferedWriter], Any]) -> Any:
    """Write through a temporary file beside `path`, then move it into place (os.replace): a
    reader never sees half a file and a failure leaves `path` as it was."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise AuditReportError(f"Cannot write {path}: the folder {folder} does not exist.")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=folder)
    except OSError as err:
        raise AuditReportError(f"Cannot write in {folder}: {err.strerror or err}.") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            result = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except OSError as err:
        Path(temp).unlink(missing_ok=True)
        raise AuditReportError(f"Cannot write {path}: {err.strerror or err}.") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return result


def _csv_writer(fh) -> tuple[io.TextIOWrapper, CsvWriter]:
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="", write_through=True)
    return text, CsvWriter(text)


def export_audit_csv(store: Store, path: Path, **filters: Any) -> int:
    """Write the entries matching `filters` (as for `audit_entries`), newest first, to a CSV file
    (UTF-8 with a BOM, for Excel). The export is recorded in the trail. Returns the count."""
    require(store, AUDIT_READ)
    chosen = filters.pop("filters", None) or AuditFilter.of(**filters)
    _where(chosen)  # a bad filter fails before any file is made

    def write(fh) -> int:
        text, writer = _csv_writer(fh)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for e in iter_entries(store, chosen):
            writer.writerow((
                e.id, e.at, e.actor, e.actor_name, e.role_label, e.action_label, e.student_number,
                e.student_name, e.request_reference, json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
                e.hash))
            count += 1
        text.flush()
        text.detach()
        return count

    count = _atomic_write(Path(path), write)
    trail.note_use(store, "audit_exported", student_id=chosen.student_id,
                   detail={"entries": count, "filters": chosen.as_dict(), "file": Path(path).name})
    log.info("Audit trail exported (%d entries)", count)
    return count


# --- the record of disclosures --------------------------------------------------------------------

@dataclass(frozen=True)
class DisclosureLine:
    at: str
    records: str
    recipient: str
    legal_basis: str
    interest: str
    consent_reference: str
    staff: str
    source: str
    """Where the line comes from: "Letter 12" (the disclosures table) or "Audit entry 345"."""

    def cells(self) -> tuple[str, ...]:
        return (self.at, self.records, self.recipient, self.legal_basis, self.interest,
                self.consent_reference, self.staff, self.source)


@dataclass(frozen=True)
class DisclosureReport:
    student_id: int
    student_number: str
    student_name: str
    made_at: str
    made_by: str
    lines: tuple[DisclosureLine, ...]

    @property
    def title(self) -> str:
        return f"Record of disclosures — {self.student_name} ({self.student_number})"


def _is_disclosure_action(action: str) -> bool:
    if action in NOT_DISCLOSURES or action.startswith("letter_"):
        return False  # letters are recorded in `disclosures` when made and reprinted
    return "export" in action or "disclos" in action


def _staff_names(store: Store) -> dict[str, str]:
    return {r["login"].lower(): r["display_name"] for r in store.query("SELECT login, display_name FROM people")}


def _staff(names: dict[str, str], who: str) -> str:
    name = names.get((who or "").lower())
    return f"{name} ({who})" if name else (who or "—")


def _gather(store: Store, student_id: int) -> DisclosureReport:
    user = require(store, AUDIT_READ)
    rows = store.query("SELECT local_number, last_name, first_name, middle_name FROM students WHERE id = ?",
                       (int(student_id),))
    if not rows:
        raise AuditReportError("That student is not in the database.")
    s = rows[0]
    names = _staff_names(store)
    lines: list[tuple[str, int, DisclosureLine]] = []
    for r in store.query("SELECT * FROM disclosures WHERE student_id = ? ORDER BY at, id", (int(student_id),)):
        source = f"Letter {r['letter_id']}" if r["letter_id"] is not None else f"Disclosure {r['id']}"
        lines.append((r["at"], 0, DisclosureLine(
            r["at"], r["records"], r["recipient"], r["legal_basis"], r["interest"],
            r["consent_reference"] or "", _staff(names, r["staff"]), source)))
    disclosing = [a for a in actions(store) if _is_disclosure_action(a)]
    marks = ",".join("?" * len(disclosing)) or "NULL"
    # The student's own entries that name a recipient or are an export (the student index) ...
    candidates: list[dict] = store.query(
        f"SELECT id, at, actor, action, detail FROM audit_log WHERE student_id = ? AND (action IN ({marks}) "
        "OR (json_valid(detail) AND json_extract(detail, '$.recipient') IS NOT NULL))",
        (int(student_id), *disclosing))
    # ... and exports of many students that name this one in `student_ids` (the action index).
    if disclosing:
        candidates += store.query(
            f"SELECT id, at, actor, action, detail FROM audit_log WHERE action IN ({marks}) "
            "AND (student_id IS NULL OR student_id != ?) AND json_valid(detail) "
            "AND EXISTS (SELECT 1 FROM json_each(audit_log.detail, '$.student_ids') WHERE value = ?)",
            (*disclosing, int(student_id), int(student_id)))
    seen: set[int] = set()
    for r in candidates:
        if r["id"] in seen or r["action"] in NOT_DISCLOSURES or r["action"].startswith("letter_"):
            continue
        seen.add(r["id"])
        try:
            detail = json.loads(r["detail"] or "{}")
        except ValueError:
            detail = {}
        what = detail.get("records") or action_label(r["action"])
        if detail.get("file") and not detail.get("records"):
            what += f" ({detail['file']})"
        lines.append((r["at"], r["id"], DisclosureLine(
            r["at"], what, detail.get("recipient") or "Not recorded (a file saved on this computer)",
            detail.get("legal_basis") or "Not recorded", detail.get("interest") or "Not recorded",
            detail.get("consent_reference") or "", _staff(names, r["actor"]), f"Audit entry {r['id']}")))
    lines.sort(key=lambda t: (t[0], t[1]))
    middle = f" {s['middle_name']}" if s["middle_name"] else ""
    return DisclosureReport(int(student_id), s["local_number"], f"{s['first_name']}{middle} {s['last_name']}",
                            datetime.now().isoformat(timespec="seconds"), user.name,
                            tuple(line for _, _, line in lines))


def disclosure_report(store: Store, student_id: int) -> DisclosureReport:
    """The student's record of disclosures, oldest first: every letter (from `disclosures`),
    and every audit entry about the student that names a `recipient` in its detail (records sent
    to DESE, a provider, a host district) or is an export (`*export*`, also when the export names
    the student among its `student_ids`). An entry's `records`, `recipient`, `legal_basis`,
    `interest` and `consent_reference` fill the line. Looking at the report is recorded."""
    report = _gather(store, student_id)
    require(store, AUDIT_READ)
    trail.note_use(store, "disclosure_report_viewed", student_id=int(student_id), detail={"lines": len(report.lines)})
    return report


def disclosure_csv_bytes(report: DisclosureReport) -> bytes:
    buffer = io.StringIO(newline="")
    writer = CsvWriter(buffer)
    writer.writerow(("Student", report.student_name))
    writer.writerow(("Student number", report.student_number))
    writer.writerow(("Made", f"{report.made_at} by {report.made_by}"))
    writer.writerow(())
    writer.writerow(DISCLOSURE_COLUMNS)
    for line in report.lines:
        writer.writerow(line.cells())
    return buffer.getvalue().encode("utf-8-sig")


def disclosure_pdf_bytes(report: DisclosureReport) -> bytes:
    from mocap_desktop.letters.report_pdf import TableReport, render_table_report

    return render_table_report(TableReport(
        title="Record of disclosures",
        facts=(("Student", report.student_name), ("Student number", report.student_number),
               ("Made", f"{_when(report.made_at)} by {report.made_by}")),
        intro=("Each disclosure of this student's education records, as kept under FERPA "
               "(34 CFR 99.32). A parent or eligible student may inspect this record."),
        columns=DISCLOSURE_COLUMNS[:-1],
        rows=tuple((_when(l.at), l.records, l.recipient, l.legal_basis, l.interest,
                    l.consent_reference or "—", l.staff) for l in report.lines),
        empty="No disclosures are recorded for this student.",
        widths=(0.09, 0.17, 0.15, 0.25, 0.13, 0.08, 0.13),
    ))


def _when(at: str) -> str:
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    hour = moment.strftime("%I:%M %p").lstrip("0")
    return f"{moment:%b} {moment.day}, {moment.year} {hour}"


def save_disclosure_report(store: Store, student_id: int, path: Path) -> DisclosureReport:
    """Save the student's record of disclosures as .csv or .pdf (by the file's extension),
    written atomically; the saving is recorded in the trail."""
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".csv", ".pdf"):
        raise AuditReportError(f"Save the report as a .csv or .pdf file, not '{path.suffix or path.name}'.")
    report = _gather(store, student_id)
    data = disclosure_csv_bytes(report) if kind == ".csv" else disclosure_pdf_bytes(report)
    _atomic_write(path, lambda fh: fh.write(data))
    require(store, AUDIT_READ)
    trail.note_use(store, "disclosure_report_exported", student_id=int(student_id),
                   detail={"format": kind.lstrip("."), "lines": len(report.lines), "file": path.name})
    log.info("Disclosure report saved (%d lines, %s)", len(report.lines), kind)
    return report


__all__ = ["ACTION_LABELS", "AuditEntry", "AuditFilter", "AuditPage", "AuditReportError", "DisclosureLine",
           "DisclosureReport", "PersonChoice", "StudentChoice", "action_label", "actions", "audit_entries",
           "audit_entry", "audit_page", "count_entries", "describe_detail", "disclosure_csv_bytes",
           "disclosure_pdf_bytes", "disclosure_report", "export_audit_csv", "find_students", "iter_entries",
           "people_in_trail", "save_disclosure_report", "student_label", "verify"]
