"""Evaluations per second of the rules core over the conformance cases (target: 5,000/s or more).

Run: .venv/bin/python bench/bench_rules.py [seconds]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mocap_desktop.core import BadInput, evaluation_to_dict, load_policy, parse_case  # noqa: E402


def main(seconds: float = 3.0) -> None:
    policy = load_policy(json.loads((ROOT / "resources" / "policies" / "default.json").read_text(encoding="utf-8")))
    raw = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "tests" / "data" / "cases").glob("*.json"))]
    cases = []
    for case in raw:
        try:
            cases.append(parse_case(case, policy))
        except BadInput:
            pass

    def run(label: str, step) -> None:
        count, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            for item in cases:
                step(item)
            count += len(cases)
        print(f"{label:<40} {count / elapsed:>10,.0f} /s  ({count:,} in {elapsed:.1f} s)")

    print(f"{len(cases)} cases")
    run("evaluate (parsed inputs)", lambda c: c.evaluate())
    run("evaluate, Spanish", lambda c: c.evaluate("es"))
    by_id = {c["id"]: c for c in raw}
    run("parse + evaluate + output dict", lambda c: evaluation_to_dict(parse_case(by_id[c.id], policy).evaluate()))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
