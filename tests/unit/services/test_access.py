"""Roles enforced where the data is read and written (issue 8), on the encrypted demo district.

Each test signs in as one of the demo people and calls the services and store functions the
screens and the command line call, not the widgets. A forbidden read or write must raise
`AccessDenied` and leave the database (every table, the audit trail included) and the letters
folder exactly as they were; an allowed one must work. The operations are named once in `OPS`;
`FORBIDDEN` and `ALLOWED` say, per role, which of them each person may not and may do.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from mocap_desktop.core.access import SYSTEM, AccessDenied
from mocap_desktop.services import audit_report, backup, district_policy, drafts, intake, letters, review
from mocap_desktop.services import session as sessions
from mocap_desktop.services import requests as svc
from mocap_desktop.services.catalog import import_catalog
from mocap_desktop.services.review import AppealForm, DecisionForm, QueueFilter
from mocap_desktop.services.roster import import_roster_file
from mocap_desktop.services.session import sign_in
from mocap_desktop.store.catalog import CatalogRepo, CourseInput
from mocap_desktop.store.district import DistrictRepo
from mocap_desktop.store.letters import QUEUE_COLUMNS, LetterRepo
from mocap_desktop.store.students import StudentRepo

ROSTER = Path(__file__).resolve().parents[2] / "data" / "roster" / "powerschool-bom.csv"
PEOPLE = {"administrator": ("admin", "demo-admin"), "counselor": ("counselor", "demo-counselor"),
          "decider": ("principal", "demo-principal"), "front_desk": ("frontdesk", "demo-frontdesk")}


@contextlib.contextmanager
def as_system(store):
    """Set-up done by the system itself (the demo seed's role), whoever is signed in."""
    user, store.user = store.user, None
    try:
        yield store
    finally:
        store.user = user


@dataclass
class Ctx:
    """What the operations work on: ids found in the demo district, and a folder for files."""

    student: int
    clean_student: int
    guardian: int
    submitted: int
    denied: int
    letter: int
    course: int
    tmp: Path


def _decidable(store) -> int:
    """A submitted part-time request that an approval of every course passes R12-R15 on."""
    for row in store.query("SELECT id FROM requests WHERE status = 'submitted' AND pathway = 'part_time' "
                           "AND routing = 'building_review' ORDER BY id"):
        if review.check_decision_form(store, row["id"], approve_all(store, row["id"])).valid:
            return row["id"]
    raise AssertionError("the demo has no decidable request")


def approve_all(store, request_id: int) -> DecisionForm:
    codes = [r["code"] for r in store.query("SELECT code FROM request_courses WHERE request_id = ?", (request_id,))]
    return DecisionForm({c: "approved" for c in codes}, "principal", "Dr. Lena Ortiz",
                        in_person_options_considered=True, decided_on=date.today())


@pytest.fixture
def ctx(demo_data_dir, tmp_path) -> Ctx:
    """The demo district, with one parent letter waiting in the print center."""
    s = sign_in(demo_data_dir, "admin", "demo-admin", demo=True)
    store = s.store
    try:
        with as_system(store):
            clean = store.query(
                "SELECT s.id FROM students s WHERE s.grade IN ('10','11') AND s.iep = 0 AND s.section_504 = 0 "
                "AND (SELECT count(*) FROM enrollments e WHERE e.student_id = s.id) = 1 "
                "AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.student_id = s.id) "
                "AND EXISTS (SELECT 1 FROM guardians g WHERE g.student_id = s.id) ORDER BY s.id LIMIT 1")[0]["id"]
            guardian = store.query("SELECT id FROM guardians WHERE student_id = ? ORDER BY receives_letters DESC, id",
                                   (clean,))[0]["id"]
            denied = store.query("SELECT id FROM requests WHERE status IN ('denied', 'partially_approved') "
                                 "AND routing = 'building_review' "
                                 "ORDER BY id LIMIT 1")[0]["id"]
            approved = store.query("SELECT id FROM requests WHERE status = 'approved' ORDER BY id LIMIT 1")[0]["id"]
            letter = letters.queue_request_letter(store, approved, "approved", actor="Dana Whitfield")
            submitted = _decidable(store)
            student = store.query("SELECT student_id FROM requests WHERE id = ?", (submitted,))[0]["student_id"]
            course = store.query("SELECT id FROM courses ORDER BY id LIMIT 1")[0]["id"]
    finally:
        s.close(sign_out=False)
    out = tmp_path / "out"
    out.mkdir()
    return Ctx(student, clean, guardian, submitted, denied, letter, course, out)


@pytest.fixture
def signed_in(demo_data_dir, ctx):
    """sign_in(role) -> the session of the demo person with that role (closed at the end)."""
    opened = []

    def open_as(role: str):
        login, password = PEOPLE[role]
        session = sign_in(demo_data_dir, login, password, demo=True)
        opened.append(session)
        return session

    yield open_as
    for session in opened:
        session.close(sign_out=False)


# --- the operations ----------------------------------------------------------------------------

def _draft(c: Ctx) -> svc.RequestDraft:
    return svc.RequestDraft(student_id=c.clean_student, pathway="part_time", start_term="2026-fall",
                            received=date(2026, 4, 20), in_person_credits=Decimal("2.5"),
                            courses=[svc.DraftCourse("ENG10A", Decimal("0.5"), "English 10 A", "Launch")],
                            start_date=date(2026, 8, 20))


def _submit(s, c: Ctx):
    family = intake.FamilyDetails(c.guardian, "12 Oak St", "", "Maple Valley", "MO", "65999", "en",
                                  ["technology", "conduct"])
    return intake.finish_request(s.store, _draft(c), family, actor="whoever")


def _catalog_file(c: Ctx) -> Path:
    path = c.tmp / "combined-course-list.csv"
    path.write_text("Provider Name,Course Name,Course ID Code,Subject,Grade Level,Credits,Price\n"
                    "Edmentum,Geology A,EDM-GEOA,Science,9-12,0.5,370\n", encoding="utf-8")
    return path


def _district(s, c: Ctx):
    repo = DistrictRepo(s.store)
    with as_system(s.store):
        profile = repo.profile()
    profile.phone = "573-555-0100"
    repo.save_profile(profile)


def _annual(s, c: Ctx):
    try:
        letters.annual_notice(s.store, c.tmp / "annual.pdf", new_only=True, since=date(2026, 1, 1))
    except letters.LetterDataError:
        pass  # allowed, but nobody new to notify: the district's data, not the role


def _appeal(s, c: Ctx):
    return review.record_appeal(s.store, c.denied, AppealForm("board", date.today()), actor="whoever")


OPS = {
    # students
    "student_search": lambda s, c: StudentRepo(s.store).search("a"),
    "student_detail": lambda s, c: StudentRepo(s.store).detail(c.student),
    # requests: reading
    "request_queue": lambda s, c: review.queue(s.store, QueueFilter(status="all")),
    "queue_notice": lambda s, c: review.queue_notice(s.store),
    "queue_export": lambda s, c: review.export_queue(s.store, [], c.tmp / "queue.csv"),
    "request_detail": lambda s, c: review.request_detail(s.store, c.submitted),
    "findings": lambda s, c: review.evaluate_today(s.store, c.submitted),
    "decision_check": lambda s, c: review.check_decision_form(s.store, c.submitted, approve_all(s.store, c.submitted)),
    "timeline": lambda s, c: review.timeline(s.store, c.submitted),
    "appeal_packet": lambda s, c: review.export_appeal_packet(s.store, c.denied, c.tmp / "packet.pdf", "whoever"),
    # requests: writing
    "wizard_submit": _submit,
    "wizard_evaluate": lambda s, c: svc.evaluate_draft(s.store, _draft(c)),
    "wizard_contacts": lambda s, c: intake.contacts_for(s.store, c.clean_student),
    "draft_save": lambda s, c: drafts.save_draft(s.store, {"student_id": c.clean_student}, student_id=c.clean_student),
    "draft_list": lambda s, c: drafts.list_drafts(s.store),
    "start_review": lambda s, c: review.start_review(s.store, c.submitted, "whoever"),
    "withdraw": lambda s, c: review.withdraw(s.store, c.submitted, "whoever", "moved away"),
    "decision": lambda s, c: review.record_decision(s.store, c.submitted, approve_all(s.store, c.submitted),
                                                    actor="whoever", letter=False),
    "appeal": _appeal,
    # letters
    "print_queue": lambda s, c: letters.print_queue(s.store),
    "preview_top": lambda s, c: letters.preview_top(s.store, c.letter, 40, 3.3),
    "print_to_printer": lambda s, c: letters.print_letters(s.store, [c.letter], c.tmp / "job.pdf"),
    "mark_printed": lambda s, c: letters.mark_printed(s.store, [c.letter]),
    "open_as_pdf": lambda s, c: letters.print_letters(s.store, [c.letter], c.tmp / "view.pdf", target="viewer"),
    "preview_whole_letter": lambda s, c: letters.preview_letter(s.store, c.letter, dpi=30),
    "queue_letter": lambda s, c: letters.queue_request_letter(s.store, c.submitted, "received"),
    "render_letter": lambda s, c: letters.render_request_letter(s.store, c.submitted, "received", c.tmp / "l.pdf"),
    "annual_notice": _annual,
    "batch_to_file": lambda s, c: letters.batch_pending(s.store, c.tmp / "batch.pdf", mark=False),
    # administration
    "roster_import": lambda s, c: import_roster_file(s.store, ROSTER),
    "roster_dry_run": lambda s, c: import_roster_file(s.store, ROSTER, dry_run=True),
    "catalog_import": lambda s, c: import_catalog(s.store, _catalog_file(c)),
    "catalog_edit": lambda s, c: CatalogRepo(s.store).set_active(c.course, False),
    "catalog_add": lambda s, c: CatalogRepo(s.store).save_course(
        CourseInput("Edmentum", "EDM-NEW", "Geology B", 0.5, "semester", "B")),
    "district_save": _district,
    "board_appeal_days": lambda s, c: letters.set_board_appeal_days(s.store, 20),
    "policy_choices": lambda s, c: district_policy.save_policy_choices(
        s.store, {"state_record_hours": district_policy.PolicyChoice(in_use=True, confirmed=True)}),
    "calendar_save": lambda s, c: DistrictRepo(s.store).save_calendar(DistrictRepo(s.store).calendar()),
    "backup": lambda s, c: backup.backup(s.store, c.tmp / "copy.sqlite"),
    "audit_read": lambda s, c: audit_report.audit_page(s.store, audit_report.AuditFilter()),
    "audit_verify": lambda s, c: audit_report.verify(s.store),
    "people_list": lambda s, c: sessions.people(s),
    "person_add": lambda s, c: sessions.add_person(s, "newperson", "New Person", "counselor", "a-long-password"),
}

CASE_READS = ["request_queue", "queue_notice", "queue_export", "request_detail", "findings", "decision_check",
              "timeline", "appeal_packet"]
WIZARD = ["wizard_submit", "wizard_evaluate", "wizard_contacts", "draft_save", "draft_list"]
IMPORTS = ["roster_import", "roster_dry_run", "catalog_import", "catalog_edit", "catalog_add"]
DISTRICT = ["district_save", "board_appeal_days", "policy_choices", "calendar_save"]
ADMIN_ONLY = [*IMPORTS, *DISTRICT, "backup", "audit_read", "audit_verify", "people_list", "person_add"]
WHOLE_LETTERS = ["open_as_pdf", "preview_whole_letter", "queue_letter", "render_letter", "annual_notice",
                 "batch_to_file"]

FORBIDDEN = {
    "front_desk": ["student_search", "student_detail", *CASE_READS, *WIZARD, "start_review", "withdraw",
                   "decision", "appeal", *WHOLE_LETTERS, *ADMIN_ONLY],
    "counselor": ["decision", "appeal", *ADMIN_ONLY],
    "decider": [*WIZARD, *ADMIN_ONLY],
    "administrator": [*CASE_READS, *WIZARD, "start_review", "withdraw", "decision", "appeal", *WHOLE_LETTERS],
}
ALLOWED = {
    "front_desk": ["print_queue", "preview_top", "print_to_printer", "mark_printed"],
    "counselor": ["student_search", "student_detail", *CASE_READS, *WIZARD, "start_review", "withdraw",
                  "print_queue", "preview_top", "print_to_printer", "mark_printed", *WHOLE_LETTERS],
    "decider": ["student_search", "student_detail", *CASE_READS, "start_review", "decision", "appeal",
                "print_queue", "open_as_pdf", "queue_letter"],
    "administrator": ["student_search", "student_detail", *ADMIN_ONLY, "print_queue", "preview_top",
                      "print_to_printer", "mark_printed"],
}


def test_every_operation_is_judged_for_every_role():
    for role in PEOPLE:
        assert not set(FORBIDDEN[role]) & set(ALLOWED[role]), role
        assert set(FORBIDDEN[role]) | set(ALLOWED[role]) <= set(OPS), role
    assert set().union(*FORBIDDEN.values(), *ALLOWED.values()) == set(OPS)


def _state(store, folder: Path) -> dict:
    """Every table's rows (the audit trail's included) and every file of the data folder."""
    tables = [r["name"] for r in store.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    state = {}
    for table in tables:
        rows = sorted(repr(row) for row in store.conn.execute(f"SELECT * FROM \"{table}\""))
        state[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    state["files"] = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                            if p.is_file() and not p.name.startswith("demo.sqlite"))
    return state


def _cases(table: dict[str, list[str]]):
    return [pytest.param(role, op, id=f"{role}-{op}") for role, ops in table.items() for op in ops]


@pytest.mark.parametrize("role, op", _cases(FORBIDDEN))
def test_a_forbidden_read_or_write_is_refused_and_writes_nothing(signed_in, ctx, demo_data_dir, role, op):
    session = signed_in(role)
    assert session.user.role == role
    before = _state(session.store, Path(demo_data_dir.root))
    with pytest.raises(AccessDenied):
        OPS[op](session, ctx)
    assert _state(session.store, Path(demo_data_dir.root)) == before
    assert list(ctx.tmp.iterdir()) in ([], [ctx.tmp / "combined-course-list.csv"])


@pytest.mark.parametrize("role, op", _cases(ALLOWED))
def test_an_allowed_read_or_write_works(signed_in, ctx, role, op):
    session = signed_in(role)
    OPS[op](session, ctx)


# --- the front desk's print center -----------------------------------------------------------------

def test_the_print_queue_returns_only_what_the_front_desk_may_see(signed_in, ctx):
    session = signed_in("front_desk")
    [letter] = [q for q in letters.print_queue(session.store) if q.id == ctx.letter]
    assert letter.kind == "approved"
    assert set(letter.__dataclass_fields__) == {
        "id", "kind", "language", "status", "recipient_name", "recipient_address", "recipient_zip",
        "student_name", "page_count", "created_at", "printed_at", "print_count", "students"}
    assert [c.strip() for c in QUEUE_COLUMNS.split(",")] == [
        "id", "kind", "language", "status", "recipient_name", "recipient_address", "recipient_zip",
        "student_name", "page_count", "created_at", "printed_at", "print_count", "students"]
    shown = " ".join(str(v) for v in letter.__dict__.values()).lower()
    for secret in ("iep", "504", "waiver", "finding", "explanation", "academic_readiness"):
        assert secret not in shown


def test_the_front_desk_prints_but_cannot_open_the_letters_as_a_pdf(signed_in, ctx):
    session = signed_in("front_desk")
    with pytest.raises(AccessDenied):
        letters.print_letters(session.store, [ctx.letter], ctx.tmp / "view.pdf", target="viewer")
    job = letters.print_letters(session.store, [ctx.letter], ctx.tmp / "job.pdf")
    assert letters.mark_printed(session.store, job.letter_ids) == 1
    printed = session.store.query("SELECT * FROM audit_log WHERE action = 'letter_printed'")
    assert len(printed) == 1 and printed[0]["actor"] == "frontdesk" and printed[0]["role"] == "front_desk"
    assert LetterRepo(session.store).get(ctx.letter).print_count == 1
    staff = [r["staff"] for r in session.store.query("SELECT staff FROM disclosures WHERE letter_id = ? ORDER BY id",
                                                     (ctx.letter,))]
    assert staff[-1].startswith("Dana Whitfield") and staff[-1] == staff[0]  # the first print: the letter's own


# --- who acts is the person signed in ------------------------------------------------------------------

def test_status_moves_use_the_signed_in_persons_lifecycle_role_and_name(signed_in, ctx):
    from mocap_desktop.core.lifecycle import TransitionRefused

    counselor = signed_in("counselor")
    # A counselor cannot pass as a decider by naming the role: the lifecycle refuses the approval.
    with pytest.raises(TransitionRefused):
        svc.change_status(counselor.store, ctx.submitted, "approved", "decider", "whoever")
    review.start_review(counselor.store, ctx.submitted, "Somebody Else")
    entry = counselor.store.query("SELECT * FROM request_events WHERE request_id = ? ORDER BY id DESC LIMIT 1",
                                  (ctx.submitted,))[0]
    assert entry["actor"] == "Dana Whitfield" and entry["kind"] == "status_changed"
    assert review.current_actor(counselor.store) == "Dana Whitfield"
    assert review.timeline(counselor.store, ctx.submitted)[-1].actor == "Dana Whitfield"


def test_the_system_still_does_everything(demo_session, ctx):
    """Set-up, the demo seed and feature tests run as the system: no role limits."""
    assert demo_session.user is SYSTEM and demo_session.store.user is None
    for name in ("request_queue", "student_detail", "decision", "roster_dry_run", "backup", "audit_read"):
        OPS[name](demo_session, ctx)
