"""The board report and the Core Data worksheet for a district with 5,000 requests and 12,000
tracked course enrollments in one school year (goal: under 2 s each).

Run: .venv/bin/python bench/bench_reports.py [requests] [enrollments]

The demo district (2,000 students) is seeded into a temporary folder, then the requests (received
through the 2026-27 school year, most decided, some appealed) and their approved courses with the
provider in every state are added in bulk. Timed, each the median of 3 runs: the board's figures,
the board report's PDF (figures and render), the June worksheet's rows, and the worksheet written
as CSV and as .xlsx.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mocap_desktop.services import board_report, state_reporting  # noqa: E402
from mocap_desktop.services.demo import ensure_demo_data  # noqa: E402
from mocap_desktop.store import open_store  # noqa: E402

TODAY = date(2026, 11, 27)
YEAR = 2026  # 2026-27
STATES = (["completed"] * 5 + ["enrolled"] * 3 + ["dropped", "withdrawn", "refused", "sent_to_provider"])


def add_district_year(store, count: int, enrollments: int, seed: int = 15) -> None:
    rng = random.Random(seed)
    students = [r["id"] for r in store.query("SELECT id FROM students WHERE grade IN ('9','10','11','12')")]
    courses = store.query("SELECT c.id, c.code, c.title, c.credits, p.name AS provider FROM courses c "
                          "JOIN providers p ON p.id = c.provider_id ORDER BY c.id")
    template = store.query("SELECT evaluation FROM requests LIMIT 1")[0]["evaluation"]
    first = store.query("SELECT coalesce(max(id), 0) AS n FROM requests")[0]["n"] + 1
    rc_first = store.query("SELECT coalesce(max(id), 0) AS n FROM request_courses")[0]["n"] + 1
    start = date(YEAR, 7, 1)
    requests, decisions, lines, tracked, appeals = [], [], [], [], []
    per_request = [enrollments // count + (1 if i < enrollments % count else 0) for i in range(count)]
    rc_id = rc_first
    for i, n in enumerate(range(first, first + count)):
        received = start + timedelta(days=rng.randint(0, 364))
        term = "2026-fall" if received < date(YEAR, 8, 1) or rng.random() < 0.4 else "2027-spring"
        due = received + timedelta(days=14)
        decided = rng.random() < 0.9
        outcome = rng.choice(["approve"] * 7 + ["partial", "deny"]) if decided else None
        status = {"approve": "approved", "partial": "partially_approved", "deny": "denied", None: "submitted"}[outcome]
        requests.append((n, f"BENCH-{n:06d}", rng.choice(students), "part_time", status, term, received.isoformat(),
                         2.5, "building_review", 1, due.isoformat(), None, None, "mo-default", "2026.1", template,
                         "bench", f"{received}T09:00:00", f"{received}T09:00:00"))
        if decided:
            on = received + timedelta(days=rng.randint(1, 20))
            reasons = json.dumps(["ACADEMIC_READINESS"] if outcome != "approve" else [])
            decisions.append((n, outcome, reasons, "principal", on.isoformat(), "mo-default", "2026.1",
                              f"{on}T10:00:00"))
            if outcome == "deny" and rng.random() < 0.3:
                appeals.append((n, "board", (on + timedelta(days=5)).isoformat(), rng.choice(["upheld", "overturned"]),
                                (on + timedelta(days=30)).isoformat(), "mo-default", "2026.1", f"{on}T09:00:00",
                                f"{on}T09:00:00"))
        for pos, c in enumerate(rng.sample(courses, per_request[i]), start=1):
            lines.append((rc_id, n, c["id"], pos, c["code"], c["title"], c["provider"], c["credits"], "approved"))
            state = rng.choice(STATES)
            sent = received + timedelta(days=20)
            confirmed = sent + timedelta(days=3) if state not in ("refused", "sent_to_provider") else None
            ended = (sent + timedelta(days=rng.randint(20, 150))).isoformat() if state in (
                "completed", "dropped", "withdrawn") else None
            tracked.append((n, rc_id, c["code"], c["title"], c["provider"], c["credits"], state, sent.isoformat(),
                            confirmed.isoformat() if confirmed else None, ended,
                            rng.choice(["inside", "after"]) if state == "dropped" else None,
                            "B" if state == "completed" else "", c["credits"] if state == "completed" else None,
                            f"{sent}T09:00:00", f"{sent}T09:00:00"))
            rc_id += 1
    with store.transaction() as db:
        db.conn.executemany(
            "INSERT INTO requests (id, reference, student_id, pathway, status, start_term, received, "
            "in_person_credits, routing, eligible, decision_due, input_due, deemed_approved_on, policy_id, "
            "policy_version, evaluation, created_by, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", requests)
        db.conn.executemany(
            "INSERT INTO decisions (request_id, outcome, reasons, decided_by_role, decided_on, policy_id, "
            "policy_version, recorded_at) VALUES (?,?,?,?,?,?,?,?)", decisions)
        db.conn.executemany(
            "INSERT INTO appeals (request_id, level, filed_on, outcome, outcome_on, policy_id, policy_version, "
            "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)", appeals)
        db.conn.executemany(
            "INSERT INTO request_courses (id, request_id, course_id, position, code, title, provider_name, credits, "
            "decision) VALUES (?,?,?,?,?,?,?,?,?)", lines)
        db.conn.executemany(
            "INSERT INTO course_enrollments (request_id, request_course_id, code, title, provider_name, credits, "
            "status, sent_on, confirmed_on, ended_on, drop_window, final_grade, credits_earned, created_at, "
            "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", tracked)


def timed(work, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    enrollments = int(sys.argv[2]) if len(sys.argv) > 2 else 12000
    folder = Path(tempfile.mkdtemp(prefix="mocap-bench-reports-"))
    store = open_store(folder / "bench.sqlite")
    ensure_demo_data(store, today=TODAY)
    add_district_year(store, count, enrollments)
    total = store.query("SELECT count(*) AS n FROM requests")[0]["n"]
    tracked = store.query("SELECT count(*) AS n FROM course_enrollments")[0]["n"]
    print(f"district: {total:,} requests, {tracked:,} tracked course enrollments")

    seconds, figures = timed(lambda: board_report.board_figures(store, YEAR))
    print(f"board figures ({figures.requests:,} requests, {figures.courses:,} courses of 2026-27): {seconds:.3f} s")
    seconds, _ = timed(lambda: board_report.save_board_report(store, YEAR, folder / "board.pdf"))
    print(f"board report PDF (figures + render + write): {seconds:.3f} s")
    seconds, rows = timed(lambda: state_reporting.worksheet(store, "june", YEAR))
    print(f"Core Data worksheet, june cycle ({len(rows):,} rows): {seconds:.3f} s")
    seconds, _ = timed(lambda: state_reporting.export_worksheet(store, "june", YEAR, folder / "june.csv"))
    print(f"worksheet to CSV (rows + write): {seconds:.3f} s")
    seconds, _ = timed(lambda: state_reporting.export_worksheet(store, "june", YEAR, folder / "june.xlsx"))
    print(f"worksheet to .xlsx (rows + write): {seconds:.3f} s")
    print("goal: under 2 s each")
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
