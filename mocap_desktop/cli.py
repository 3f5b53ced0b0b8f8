"""`mocap-desktop`: the window by default, and the same capabilities headless.

Exit codes: 0 done; 1 the operation found problems (listed on stderr); 2 bad input or usage;
3 the database cannot be used (one line on stderr says why).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from mocap_desktop import APP_NAME, __version__

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT, EXIT_DATABASE = 0, 1, 2, 3


def _database_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--data-dir", metavar="DIR", default=default,
                        help="data folder (default: the per-user application data folder)")
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help="use the demo database with a synthetic district")


def _session(args: argparse.Namespace):
    """Open the session named by --data-dir/--demo; a database problem ends the command."""
    from mocap_desktop.logsetup import configure_logging
    from mocap_desktop.paths import DataDir
    from mocap_desktop.services.session import open_session
    from mocap_desktop.store import StoreError

    folder = DataDir.resolve(args.data_dir).ensure()
    configure_logging(folder.logs)
    try:
        return open_session(folder, args.demo)
    except StoreError as err:
        fail(str(err), EXIT_DATABASE)


def fail(message: str, code: int) -> None:
    print(f"mocap-desktop: {message}", file=sys.stderr)
    raise SystemExit(code)


# --- commands -----------------------------------------------------------------

def cmd_backup(args: argparse.Namespace) -> int:
    from mocap_desktop.store import StoreError

    session = _session(args)
    try:
        dest = session.store.backup_to(Path(args.dest))
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mocap-desktop",
        description=f"{APP_NAME}: MOCAP virtual-course requests for a Missouri school district. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--smoke-test", action="store_true",
                        help="open and migrate the database, build the main window offscreen, quit")
    _database_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int], help: str,
                parent=commands, database: bool = True) -> argparse.ArgumentParser:
        sub = parent.add_parser(name, help=help, description=help)
        if database:
            _database_options(sub, suppress=True)
        sub.set_defaults(handler=handler)
        return sub

    backup = command("backup", cmd_backup, "copy the database safely (even while the app runs)")
    backup.add_argument("dest", metavar="DEST.sqlite")

    rules = commands.add_parser("rules", help="the MOCAP rules core").add_subparsers(
        dest="rules_command", metavar="COMMAND", required=True)
    evaluate = command("evaluate", cmd_rules_evaluate,
                       "evaluate a case file (RULES.md format) and print the result as JSON",
                       parent=rules, database=False)
    evaluate.add_argument("case", metavar="CASE.json")
    return parser


def main(argv: list[str] | None = None) -> int:
    for name in ("stdout", "stderr"):  # a windowed Windows executable has neither
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is not None:
        return handler(args)
    from mocap_desktop.app import run

    return run(args.data_dir, args.demo, smoke_test=args.smoke_test)


if __name__ == "__main__":
    raise SystemExit(main())
