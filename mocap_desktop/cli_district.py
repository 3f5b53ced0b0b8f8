"""`mocap-desktop district …`: district mode from the command line (docs/district-mode.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from mocap_desktop.cli import EXIT_DATABASE, EXIT_OK, EXIT_PROBLEMS, _session, fail


def _server_password(url: str) -> str | None:
    """The district server's password: in the URL, MOCAP_DISTRICT_PASSWORD, else a prompt."""
    from mocap_desktop.store.server import password_of

    password = password_of(url) or os.environ.get("MOCAP_DISTRICT_PASSWORD")
    if password is None and sys.stdin is not None and sys.stdin.isatty():
        import getpass

        password = getpass.getpass("District server password: ")
    return password


def cmd_district_init_server(args: argparse.Namespace) -> int:
    from mocap_desktop.services.district import ServerError, init_server

    try:
        done = init_server(args.url, _server_password(args.url))
    except ServerError as err:
        fail(str(err), EXIT_DATABASE)
    print(f"district server {done}: schema mocap, group roles mocap_administrator, mocap_counselor, "
          "mocap_decider, mocap_front_desk. Give each office PC a login in one of them, then run "
          "`mocap-desktop district join URL` on it.")
    return EXIT_OK


def cmd_district_join(args: argparse.Namespace) -> int:
    from mocap_desktop.services.district import ServerError, join

    password = _server_password(args.url)
    session = _session(args)
    try:
        done = join(session.store, args.url, password, args.name)
    except ServerError as err:
        fail(str(err), EXIT_DATABASE)
    finally:
        session.close()
    how = "this PC's record went up as the district's" if done.uploaded else "the district's record came down"
    print(f"joined as PC {done.pc} ({done.pc_name}): {how}; {done.round.line}.")
    return EXIT_OK


def cmd_district_sync(args: argparse.Namespace) -> int:
    from mocap_desktop.services.district import ServerError, Unreachable, sync_round

    session = _session(args)
    try:
        done = sync_round(session.store)
    except Unreachable as err:
        fail(str(err).splitlines()[0], EXIT_DATABASE)
    except ServerError as err:
        fail(str(err), EXIT_DATABASE)
    finally:
        session.close()
    print(f"synced: {done.line}.")
    for line in done.refused:
        print(f"refused: {line}", file=sys.stderr)
    return EXIT_PROBLEMS if done.refused else EXIT_OK


def cmd_district_status(args: argparse.Namespace) -> int:
    from mocap_desktop.services.district import status

    session = _session(args)
    try:
        now = status(session.store)
    finally:
        session.close()
    if args.json:
        json.dump(now.as_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif not now.joined:
        print("not joined to a district server (one PC: mocap-desktop district join URL)")
    else:
        print(f"server: {now.server}\nPC: {now.pc} ({now.pc_name})\nlast sync: {now.last_sync or 'never'}\n"
              f"changes waiting: {now.waiting}\nrefused, not yet seen: {now.refused}\n"
              f"state: {now.line}" + (f"\nlast error: {now.last_error}" if now.last_error else "")
              + (f"\nrefused by the server: {now.stopped}" if now.stopped else ""))
    return EXIT_OK


def cmd_district_scope(args: argparse.Namespace) -> int:
    from mocap_desktop.services.district import ServerError, set_scope

    buildings = None if args.all else [b.strip() for b in args.buildings.split(",") if b.strip()]
    session = _session(args)
    try:
        scopes = set_scope(session.store, args.login, buildings)
    except ServerError as err:
        fail(str(err).splitlines()[0], EXIT_DATABASE)
    finally:
        session.close()
    print(f"{args.login}: " + (", ".join(scopes[args.login]) if args.login in scopes else "every building"))
    return EXIT_OK


def cmd_district_verify(args: argparse.Namespace) -> int:
    from mocap_desktop.services.district import ServerError, verify_server_trails

    session = _session(args)
    try:
        checks = verify_server_trails(session.store)
    except ServerError as err:
        fail(str(err).splitlines()[0], EXIT_DATABASE)
    finally:
        session.close()
    for check in checks:
        print(check.line)
    return EXIT_PROBLEMS if any(c.problem for c in checks) else EXIT_OK


def add_commands(commands, command) -> None:
    district = commands.add_parser(
        "district", help="district mode: office PCs sharing one record on the district's PostgreSQL"
    ).add_subparsers(dest="district_command", metavar="ACTION", required=True)
    init_server = command("init-server", cmd_district_init_server, "create the MOCAP schema, group roles and "
                          "access rules on the district's PostgreSQL server (once; safe to run again)",
                          parent=district, database=False)
    init_server.add_argument("url", metavar="URL", help="libpq URL, e.g. postgresql://it@host/mocap?sslmode=verify-full "
                             "(password from the URL, MOCAP_DISTRICT_PASSWORD or a prompt)")
    join = command("join", cmd_district_join, "link this PC's copy to the district server (an administrator, "
                   "once per PC)", parent=district)
    join.add_argument("url", metavar="URL", help="libpq URL with this PC's login")
    join.add_argument("--name", metavar="PC NAME", help="how other PCs see this one (default: the computer's name)")
    command("sync", cmd_district_sync, "one round now: send this PC's changes, receive the others' "
            "(exit 3 when the server cannot be reached)", parent=district)
    scope = command("scope", cmd_district_scope, "limit a PC's server login to the students of some buildings "
                    "(a principal's PC), from an administrator's PC", parent=district)
    scope.add_argument("login", metavar="LOGIN", help="the PC's PostgreSQL login")
    which = scope.add_mutually_exclusive_group(required=True)
    which.add_argument("--buildings", metavar="CODE,CODE", help="the building codes it may see")
    which.add_argument("--all", action="store_true", help="every building again")
    command("verify", cmd_district_verify, "walk every PC's audit trail on the server, each hash chain from "
            "its start (an administrator's PC)", parent=district)
    district_status = command("status", cmd_district_status, "the server, the last sync and the changes waiting",
                              parent=district)
    district_status.add_argument("--json", action="store_true", help="print the status as JSON")
