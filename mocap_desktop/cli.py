"""`mocap-desktop`: the window by default, and the same capabilities headless.

Exit codes: 0 done; 1 the operation found problems (listed on stderr); 2 bad input or usage;
3 the database cannot be used (one line on stderr says why); 4 not signed in, or the person's
role does not allow the command.

Commands that touch student data sign in as MOCAP_USER with MOCAP_PASSWORD (for IT scripts), or
ask for the name and password at the terminal; the demo database signs in as its administrator
unless MOCAP_USER says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from mocap_desktop import APP_NAME, __version__

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT, EXIT_DATABASE, EXIT_ACCESS = 0, 1, 2, 3, 4
EXIT_PIPE_CLOSED = 141  # as a shell reports a command whose reader closed the pipe (128 + SIGPIPE)


def _database_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--data-dir", metavar="DIR", default=default,
                        help="data folder (default: the per-user application data folder)")
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help="use the demo database with a synthetic district")


def credentials(demo: bool) -> tuple[str | None, str | None]:
    """MOCAP_USER/MOCAP_PASSWORD, else a prompt at a terminal, else none (the demo's default)."""
    login, password = os.environ.get("MOCAP_USER"), os.environ.get("MOCAP_PASSWORD")
    if login and password is None and sys.stdin is not None and sys.stdin.isatty():
        import getpass

        password = getpass.getpass(f"Password for {login}: ")
    if not login and not demo and sys.stdin is not None and sys.stdin.isatty():
        import getpass

        login = input("Sign in as: ").strip()
        password = getpass.getpass("Password: ")
    return login or None, password


def _session(args: argparse.Namespace):
    """Sign in to the database named by --data-dir/--demo; a problem ends the command."""
    from mocap_desktop.logsetup import configure_logging
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import NeedsSetUp, SessionError, open_session
    from mocap_desktop.store import StoreError

    folder = DataDir.resolve(args.data_dir).ensure()
    configure_logging(folder.logs)
    login, password = credentials(args.demo)
    try:
        session = open_session(folder, args.demo, login, password)
        session.on_sign_out_not_recorded = lambda err: print(
            f"mocap-desktop: note: the sign-out was not recorded in the audit trail ({err}); "
            "everything reported above was saved.", file=sys.stderr)
        if session.store.read_only_reason:
            print(f"mocap-desktop: note: opened read-only: {session.store.read_only_reason}. Lookup, letters "
                  "already made, the audit trail and backups to another drive work; nothing can be "
                  "changed until then.", file=sys.stderr)
        return session
    except StoreError as err:
        fail(str(err), EXIT_DATABASE)
    except NeedsSetUp as err:
        fail(f"{err} Set it up first: mocap-desktop init --data-dir DIR --admin NAME", EXIT_DATABASE)
    except SessionError as err:
        fail(f"{err} (set MOCAP_USER and MOCAP_PASSWORD)", EXIT_ACCESS)


def fail(message: str, code: int) -> None:
    print(f"mocap-desktop: {message}", file=sys.stderr)
    raise SystemExit(code)


# --- commands -----------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    from mocap_desktop.logsetup import configure_logging
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import SessionError, set_up
    from mocap_desktop.store import StoreError

    password = os.environ.get("MOCAP_PASSWORD")
    if not password:
        if sys.stdin is None or not sys.stdin.isatty():
            fail("set MOCAP_PASSWORD to the administrator's new password", EXIT_BAD_INPUT)
        import getpass

        password = getpass.getpass(f"New password for {args.admin}: ")
        if getpass.getpass("Once more: ") != password:
            fail("the two passwords differ", EXIT_BAD_INPUT)
    folder = DataDir.resolve(args.data_dir).ensure()
    configure_logging(folder.logs)
    try:
        session, recovery = set_up(folder, args.admin, args.name or args.admin, password)
    except SessionError as err:
        fail(str(err), EXIT_BAD_INPUT)
    except StoreError as err:
        fail(str(err), EXIT_DATABASE)
    session.close()
    print(f"Set up {folder.database()} with administrator '{args.admin}'.")
    print(f"Recovery key (shown this once; print it and keep it locked away): {recovery}")
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from mocap_desktop.core.access import AUDIT_READ, require
    from mocap_desktop.store import audit

    session = _session(args)
    try:
        require(session.store, AUDIT_READ)
        result = audit.verify(session.store)
    finally:
        session.close()
    if result.ok:
        print(f"audit trail intact: {result.entries:,} entries")
        return EXIT_OK
    print(f"audit trail broken at entry {result.first_broken}: {result.reason}", file=sys.stderr)
    return EXIT_PROBLEMS


def cmd_backup(args: argparse.Namespace) -> int:
    from mocap_desktop.services.backup import backup
    from mocap_desktop.store import StoreError

    session = _session(args)
    try:
        dest = backup(session.store, Path(args.dest))
    except StoreError as err:
        fail(str(err), EXIT_DATABASE)
    finally:
        session.close()
    print(f"backup written and verified: {dest} ({dest.stat().st_size:,} bytes)")
    return EXIT_OK


def cmd_rules_evaluate(args: argparse.Namespace) -> int:
    from mocap_desktop.services.rules import BadInput, evaluate_case_file

    try:
        result = evaluate_case_file(Path(args.case))
    except BadInput as err:
        fail(str(err), EXIT_BAD_INPUT)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK


def _import_command(args: argparse.Namespace, run) -> int:
    """What every import command does around `run(store, progress)` (a Report): sign in,
    progress on a terminal, problems and notes on stderr, the summary line, the exit code."""
    from mocap_desktop.services.importing import ImportRefused
    from mocap_desktop.store import StoreError

    def progress(phase: str, done: int, total: int) -> None:
        if total:
            print(f"\r{phase}: {min(done, total) * 100 // total}%   ", end="", file=sys.stderr,
                  flush=True)

    session = _session(args)
    try:
        report = run(session.store, progress if sys.stderr.isatty() else None)
    except ImportRefused as err:
        fail(str(err), EXIT_BAD_INPUT)
    except StoreError as err:
        fail(str(err), EXIT_DATABASE)
    finally:
        if sys.stderr.isatty():
            print("\r" + " " * 40 + "\r", end="", file=sys.stderr)
        session.close()
    for problem in (*report.problems, *report.warnings):
        print(problem, file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(report.summary())
    return EXIT_PROBLEMS if report.problems and not report.written else EXIT_OK


def cmd_import_roster(args: argparse.Namespace) -> int:
    from contextlib import nullcontext

    from mocap_desktop.services.import_reader import start_reader

    # A big file's reader starts now, while the command loads the import (then says what the
    # file holds), signs in and opens the database.
    reader = start_reader(Path(args.file))
    from mocap_desktop.services.roster import KINDS, import_roster_file

    if reader is not None:
        reader.read_as(KINDS[args.kind])
    with reader or nullcontext():
        return _import_command(args, lambda store, progress: import_roster_file(
            store, Path(args.file), args.kind, mapping_name=args.mapping, dry_run=args.dry_run,
            skip_invalid=args.skip_invalid, progress=progress, reader=reader))


def cmd_students_search(args: argparse.Namespace) -> int:
    from mocap_desktop.store import StoreError
    from mocap_desktop.store.students import StudentRepo

    if args.limit < 1:
        fail("--limit must be at least 1", EXIT_BAD_INPUT)
    session = _session(args)
    try:
        rows = StudentRepo(session.store).search(args.text, limit=args.limit).rows
    except StoreError as err:
        fail(str(err), EXIT_DATABASE)
    finally:
        session.close()
    if args.json:
        json.dump([r._asdict() for r in rows], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for r in rows:
            name = f"{r.last_name}, {r.first_name}" + (f" ({r.preferred_name})" if r.preferred_name else "")
            print(f"{r.local_number:<12} {r.mosis_id or '':<10}  grade {r.grade:<2}  {name}  · {r.building}")
        if not rows:
            print(f"No student matches '{args.text}'.", file=sys.stderr)
    return EXIT_OK


def cmd_catalog_import(args: argparse.Namespace) -> int:
    from mocap_desktop.services.catalog import import_catalog

    return _import_command(args, lambda store, progress: import_catalog(
        store, Path(args.file), dry_run=args.dry_run, program_code=args.program,
        mapping_name=args.mapping, skip_invalid=args.skip_invalid, progress=progress))


def cmd_outcomes_import(args: argparse.Namespace) -> int:
    from mocap_desktop.services.enrollments import import_outcomes

    return _import_command(args, lambda store, progress: import_outcomes(store, Path(args.file),
                                                                         dry_run=args.dry_run))


def _queue_filter(args: argparse.Namespace):
    from mocap_desktop.services.review import QueueFilter

    scope = {"open": "", "awaiting": "awaiting", "decided": "decided", "all": "all", "closed": "closed"}.get(
        args.status, args.status)
    return QueueFilter(status=scope, building=args.building or "", pathway=args.pathway or "",
                       routing=args.routing or "", overdue=args.overdue, search=args.search or "")


def _queue_rows(args: argparse.Namespace, then: Callable | None = None):
    """The queue as filtered by the arguments; `then(store, rows)` runs while still signed in."""
    from datetime import date

    from mocap_desktop.services.review import ReviewError, queue
    from mocap_desktop.store import StoreError

    try:
        today = date.fromisoformat(args.today) if args.today else date.today()
    except ValueError:
        fail(f"--today: '{args.today}' is not a date YYYY-MM-DD", EXIT_BAD_INPUT)
    session = _session(args)
    try:
        rows = queue(session.store, _queue_filter(args), today).rows
        if then is not None:
            then(session.store, rows)
        return rows
    except StoreError as err:
        fail(str(err), EXIT_DATABASE)
    except ReviewError as err:
        fail(str(err), EXIT_PROBLEMS if then else EXIT_DATABASE)
    finally:
        session.close()


def cmd_requests_list(args: argparse.Namespace) -> int:
    rows = _queue_rows(args)
    if args.json:
        json.dump([{
            "id": r.request_id, "reference": r.reference, "student": r.student, "student_id": r.student_id,
            "grade": r.grade, "pathway": r.pathway, "courses": [c for c in r.courses.split(", ") if c],
            "building": r.building, "building_code": r.building_code, "received": r.received.isoformat(),
            "due": r.due.isoformat() if r.due else None, "due_for": r.due_kind or None,
            "business_days_left": r.days_left, "urgency": r.urgency or None, "routing": r.routing,
            "status": r.status, "status_label": r.status_label,
        } for r in rows], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for r in rows:
        due = r.due.isoformat() if r.due else "-"
        print(f"{r.reference}  {r.status_label:<26} {due:<10}  {r.days_left_text:<22} {r.student}")
    print(f"{len(rows)} request{'s' if len(rows) != 1 else ''}", file=sys.stderr)
    return EXIT_OK


def cmd_requests_export(args: argparse.Namespace) -> int:
    from mocap_desktop.services.review import export_queue

    dest = Path(args.file)
    if dest.suffix.lower() not in (".csv", ".xlsx"):
        fail(f"{dest.name}: export to a .csv or .xlsx file", EXIT_BAD_INPUT)
    rows = _queue_rows(args, lambda store, found: export_queue(store, found, dest))
    print(f"{len(rows)} request{'s' if len(rows) != 1 else ''} written to {dest}")
    return EXIT_OK


def _letters(args: argparse.Namespace, work: Callable) -> int:
    """Run a letters use case: bad data exits 1, an unwritable output 2, the database 3."""
    import getpass

    from mocap_desktop.services.letters import LetterDataError, LetterOutputError
    from mocap_desktop.store import StoreError

    try:
        actor = getpass.getuser()
    except (KeyError, OSError):
        actor = ""
    session = _session(args)
    try:
        return work(session.store, actor)
    except LetterDataError as err:
        fail(str(err), EXIT_PROBLEMS)
    except LetterOutputError as err:
        fail(str(err), EXIT_BAD_INPUT)
    except StoreError as err:
        fail(str(err), EXIT_DATABASE)
    finally:
        session.close()


def cmd_letters_render(args: argparse.Namespace) -> int:
    from mocap_desktop.services import letters

    def work(store, actor):
        letter_id = letters.render_request_letter(store, args.request, args.kind, Path(args.output),
                                                  actor=actor, lang=args.lang)
        print(f"{args.kind} letter for request {args.request} written to {args.output} (kept as letter {letter_id})")
        return EXIT_OK

    return _letters(args, work)


def cmd_letters_queue(args: argparse.Namespace) -> int:
    from mocap_desktop.services import letters

    def work(store, actor):
        letter_id = letters.queue_request_letter(store, args.request, args.kind, actor=actor, lang=args.lang)
        print(f"{args.kind} letter for request {args.request} queued for the print center (letter {letter_id})")
        return EXIT_OK

    return _letters(args, work)


def cmd_letters_annual_notice(args: argparse.Namespace) -> int:
    from datetime import date

    from mocap_desktop.services import letters

    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        fail(f"--since {args.since}: use YYYY-MM-DD", EXIT_BAD_INPUT)

    def work(store, actor):
        result = letters.annual_notice(store, Path(args.output), actor=actor, new_only=args.new_only, since=since)
        for line in result.skipped:
            print(f"left out: {line}", file=sys.stderr)
        languages = ", ".join(f"{n} in {'English' if k == 'en' else 'Spanish'}"
                              for k, n in sorted(result.by_language.items()))
        print(f"annual notice: {result.letters} letters ({languages}), {result.pages} pages, "
              f"{result.students} students, written to {args.output}")
        return EXIT_OK

    return _letters(args, work)


def cmd_letters_batch(args: argparse.Namespace) -> int:
    from mocap_desktop.services import letters

    def work(store, actor):
        job = letters.batch_pending(store, Path(args.output), actor=actor, mark=not args.keep_pending)
        state = "left waiting" if args.keep_pending else "marked printed"
        print(f"{len(job.letter_ids)} letters ({job.pages} pages, by ZIP code then name) written to "
              f"{args.output}; {state}")
        return EXIT_OK

    return _letters(args, work)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mocap-desktop",
        description=f"{APP_NAME}: MOCAP virtual-course requests for a Missouri school district. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--start-only", action="store_true",
                        help="show the sign-in window and quit at once (how long a start takes here)")
    parser.add_argument("--smoke-test", action="store_true",
                        help="open and migrate the database, build the main window offscreen, make, preview "
                        "and print (to PDF) sample letters, write and read an .xlsx, quit")
    _database_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int], help: str,
                parent=commands, database: bool = True) -> argparse.ArgumentParser:
        sub = parent.add_parser(name, help=help, description=help)
        if database:
            _database_options(sub, suppress=True)
        sub.set_defaults(handler=handler)
        return sub

    init = command("init", cmd_init, "set up a new encrypted database and its first administrator "
                   "(password from MOCAP_PASSWORD; the recovery key is printed once)")
    init.add_argument("--admin", required=True, metavar="NAME", help="the administrator's sign-in name")
    init.add_argument("--name", metavar="FULL NAME", help="the administrator's name as shown")
    audit = commands.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit_command", metavar="COMMAND", required=True)
    command("verify", cmd_audit_verify, "check the audit trail's hash chain; name the first broken entry",
            parent=audit)

    backup = command("backup", cmd_backup, "copy the database safely (even while the app runs)")
    backup.add_argument("dest", metavar="DEST.sqlite")

    rules = commands.add_parser("rules", help="the MOCAP rules core").add_subparsers(
        dest="rules_command", metavar="COMMAND", required=True)
    evaluate = command("evaluate", cmd_rules_evaluate,
                       "evaluate a case file (RULES.md format) and print the result as JSON",
                       parent=rules, database=False)
    evaluate.add_argument("case", metavar="CASE.json")

    roster = command("import-roster", cmd_import_roster,
                     "import students (or enrollment history) from an SIS export (CSV or .xlsx) "
                     "or a OneRoster / School Data Sync set (a zip, a folder or one of its files); "
                     "exit 1 when rows are invalid and nothing was written, 2 when the file "
                     "cannot be imported at all")
    roster.add_argument("file", metavar="PATH")
    roster.add_argument("--kind", choices=("students", "enrollments"), default="students")
    roster.add_argument("--mapping", metavar="NAME",
                        help="a column mapping saved in the import dialog (default: guess from headers)")
    roster.add_argument("--dry-run", action="store_true",
                        help="check every row and report what would change; write nothing")
    roster.add_argument("--skip-invalid", action="store_true",
                        help="import the valid rows and list the rejected ones "
                        "(default: any invalid row means nothing is written)")

    students = commands.add_parser("students", help="student records").add_subparsers(
        dest="students_command", metavar="COMMAND", required=True)
    search = command("search", cmd_students_search,
                     "find students by name (any order, prefix, accents ignored), local number "
                     "or MOSIS ID", parent=students)
    search.add_argument("text", metavar="TEXT")
    search.add_argument("--limit", type=int, default=20, metavar="N")
    search.add_argument("--json", action="store_true", help="print the matches as JSON")

    catalog = commands.add_parser("catalog", help="the MOCAP course catalog").add_subparsers(
        dest="catalog_command", metavar="COMMAND", required=True)
    catalog_import = command(
        "import", cmd_catalog_import,
        "import the state's combined MOCAP course list (CSV or .xlsx); exit 1 when rows are "
        "invalid and nothing was written, 2 when the file cannot be imported at all", parent=catalog)
    catalog_import.add_argument("file", metavar="FILE")
    catalog_import.add_argument("--dry-run", action="store_true",
                                help="check every row and report what would change; write nothing")
    catalog_import.add_argument("--program", choices=("50", "52"),
                                help="which state list the file is when it has no program code column: "
                                "50 with instruction, 52 curriculum only (default: from the file name, else 50)")
    catalog_import.add_argument("--mapping", metavar="NAME",
                                help="a column mapping saved in the import dialog (default: guess from headers)")
    catalog_import.add_argument("--skip-invalid", action="store_true",
                                help="import the valid rows and list the rejected ones "
                                "(default: any invalid row means nothing is written)")

    outcomes = commands.add_parser("outcomes", help="tracked courses: the provider's outcomes").add_subparsers(
        dest="outcomes_command", metavar="COMMAND", required=True)
    outcomes_import = command(
        "import", cmd_outcomes_import,
        "record a provider's file of course outcomes (CSV or .xlsx: student's local number or MOSIS ID, "
        "course code, status, date, grade, credits); all or nothing: exit 1 when rows have problems and "
        "nothing was written, 2 when the file cannot be imported at all", parent=outcomes)
    outcomes_import.add_argument("file", metavar="FILE")
    outcomes_import.add_argument("--dry-run", action="store_true",
                                 help="check every row and report what would change; write nothing")

    requests = commands.add_parser("requests", help="MOCAP requests: the review queue").add_subparsers(
        dest="requests_command", metavar="COMMAND", required=True)
    statuses = ["open", "awaiting", "decided", "all", "closed", "submitted", "in_review", "approved", "partially_approved",
                "denied", "board_appeal", "board_upheld", "board_overturned", "state_appeal", "state_upheld",
                "state_overturned", "notice_received", "input_sent", "host_accepted", "host_declined",
                "transferred", "withdrawn"]
    listing = command("list", cmd_requests_list,
                      "the review queue, most urgent first (due date; overdue first)", parent=requests)
    export = command("export", cmd_requests_export,
                     "write the review queue as filtered to FILE (.csv or .xlsx, by extension)", parent=requests)
    export.add_argument("file", metavar="FILE")
    for sub in (listing, export):
        sub.add_argument("--status", default="open", choices=statuses, metavar="S",
                         help="open (default: a step is owed), decided (not closed), all, closed, or one status such as submitted")
        sub.add_argument("--overdue", action="store_true", help="only requests past their due date")
        sub.add_argument("--building", metavar="CODE", help="only students of this building")
        sub.add_argument("--pathway", choices=("part_time", "full_time"))
        sub.add_argument("--routing", choices=("building_review", "iep_team", "section_504_team", "provider"))
        sub.add_argument("--search", metavar="TEXT", help="student name, number or request reference")
        sub.add_argument("--today", metavar="YYYY-MM-DD", help="count business days from this date")
    listing.add_argument("--json", action="store_true", help="print the requests as JSON")

    letters = commands.add_parser(
        "letters", help="parent notice letters (exit 1: the data cannot make a correct letter, "
        "2: the output cannot be written)").add_subparsers(
        dest="letters_command", metavar="COMMAND", required=True)
    request_kinds = ("received", "approved", "partially_approved", "denied", "full_time")
    render = command("render", cmd_letters_render,
                     "write one request's letter to a PDF (kept, and recorded as printed)", parent=letters)
    queue = command("queue", cmd_letters_queue, "put one request's letter in the print center's queue",
                    parent=letters)
    for sub in (render, queue):
        sub.add_argument("--request", type=int, required=True, metavar="ID")
        sub.add_argument("--kind", required=True, choices=request_kinds)
        sub.add_argument("--lang", choices=("en", "es"), help="default: the family's preferred language")
    render.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    annual = command("annual-notice", cmd_letters_annual_notice,
                     "the annual notice of MOCAP rights for every family, each in its own language, "
                     "as one PDF in ZIP order", parent=letters)
    annual.add_argument("--new-only", action="store_true",
                        help="only families of students new to the district since --since")
    annual.add_argument("--since", metavar="YYYY-MM-DD", help="default: the start of this school year")
    annual.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    batch = command("batch", cmd_letters_batch,
                    "the letters waiting in the print center as one PDF, by ZIP code then name, "
                    "marked printed", parent=letters)
    batch.add_argument("--pending", action="store_true", required=True,
                       help="take every letter waiting to be printed")
    batch.add_argument("--keep-pending", action="store_true", help="do not mark them printed")
    batch.add_argument("-o", "--output", required=True, metavar="FILE.pdf")

    from mocap_desktop import cli_district, cli_reports

    cli_district.add_commands(commands, command)
    cli_reports.add_commands(commands, command)
    return parser


def main(argv: list[str] | None = None) -> int:
    for name in ("stdout", "stderr"):  # a windowed Windows executable has neither
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is not None:
        from mocap_desktop.core.access import AccessDenied

        try:
            code = handler(args)
            sys.stdout.flush()
            return code
        except AccessDenied as err:
            fail(str(err), EXIT_ACCESS)
        except BrokenPipeError:
            # The reader stopped (`… | head`): no traceback, and nothing more to flush at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_PIPE_CLOSED
    from mocap_desktop.app import run

    return run(args.data_dir, args.demo, smoke_test=args.smoke_test, start_only=args.start_only)


if __name__ == "__main__":
    raise SystemExit(main())
