"""Letters benchmark: the annual notice as one PDF, its memory, and one letter from click to preview.

    .venv/bin/python bench/bench_letters.py [--families 1000] [--small 200]

Targets (issue 7): at least 200 letters per second for 1,000 families in one PDF, memory that
does not grow with the batch (measured at 200 and 1,000 families, each in a fresh process),
and under 100 ms from a click to a preview of one letter (render + page 1 as a picture).
Synthetic families only; every name exercises the embedded font.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

FIRST = ["Zoë", "Łukasz", "Thảo", "José", "Anaïs", "Dženan", "Søren", "Amelia", "Noah", "María"]
LAST = ["Nguyễn", "Peña", "Wiśniewski", "O'Brien", "Hodžić", "Müller", "Jiménez", "Baker", "Trần", "Okafor"]


def families(count: int):
    from letters_seed import LETTERHEAD, RECIPIENT

    from mocap_desktop.letters.model import LetterData, StudentRef

    for i in range(count):
        last = LAST[i % len(LAST)]
        students = tuple(StudentRef(f"{FIRST[(i + k) % len(FIRST)]} {last}", str(1 + (i + k) % 12), "Maple Valley")
                         for k in range(1 + i % 3))
        recipient = replace(RECIPIENT, name=f"{FIRST[(i * 7) % len(FIRST)]} {last}", address1=f"{100 + i} Oak Street",
                            zip=f"65{i % 1000:03d}", guardian_id=i, student_id=i)
        yield LetterData("annual_notice", "es" if i % 5 == 0 else "en", date(2026, 8, 3), LETTERHEAD, recipient,
                         students)


def run_batch(count: int, measure_memory: bool) -> dict:
    """One annual-notice batch in this process: time (or memory) for `count` families."""
    from mocap_desktop.letters.render import render_letter, write_letters

    render_letter(next(families(1)))  # fonts, wording and layout code loaded first
    with tempfile.TemporaryDirectory() as folder:
        dest = Path(folder) / "annual.pdf"
        if measure_memory:
            tracemalloc.start()
        start = time.perf_counter()
        result = write_letters(families(count), dest)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if measure_memory else 0
        size = dest.stat().st_size
    return {"letters": result.letters, "pages": result.pages, "seconds": elapsed,
            "letters_per_second": result.letters / elapsed, "bytes": size,
            "traced_peak_mb": peak / 1e6,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def fresh(count: int, memory: bool) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(count)] + (["--memory"] if memory else []),
                         capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def click_to_preview(runs: int = 25) -> dict:
    from letters_seed import letter

    from mocap_desktop.letters.pages import rasterize
    from mocap_desktop.letters.render import render_letter
    from mocap_desktop.ui.presenters.print_center import PREVIEW_DPI, PREVIEW_TOP_INCHES

    data = letter("partially_approved")  # the longest letter
    render_letter(data)
    render_times, raster_times, stored_times = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        stored = Path(folder) / "stored.pdf"
        for _ in range(runs):
            t0 = time.perf_counter()
            pdf = render_letter(data)
            t1 = time.perf_counter()
            rasterize(pdf, dpi=PREVIEW_DPI, count=1)
            t2 = time.perf_counter()
            render_times.append(t1 - t0)
            raster_times.append(t2 - t1)
            stored.write_bytes(pdf)
            t3 = time.perf_counter()
            rasterize(stored, dpi=PREVIEW_DPI, count=1, top_inches=PREVIEW_TOP_INCHES)
            stored_times.append(time.perf_counter() - t3)
    total = [a + b for a, b in zip(render_times, raster_times)]
    return {"render_ms": statistics.median(render_times) * 1000,
            "rasterize_ms": statistics.median(raster_times) * 1000,
            "click_to_preview_ms": statistics.median(total) * 1000,
            "click_to_preview_p90_ms": sorted(total)[int(len(total) * 0.9)] * 1000,
            "print_center_preview_ms": statistics.median(stored_times) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=1000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_batch(args.child, args.memory)))
        return 0

    speed = fresh(args.families, memory=False)
    print(f"annual notice, {speed['letters']} families in one PDF: {speed['seconds']:.2f} s, "
          f"{speed['letters_per_second']:.0f} letters/s, {speed['pages']} pages, "
          f"{speed['bytes'] / 1e6:.2f} MB")
    small_rss, large_rss = fresh(args.small, memory=False), speed
    small, large = fresh(args.small, memory=True), fresh(args.families, memory=True)
    print(f"memory, {args.small} vs {args.families} families (fresh process each): "
          f"max RSS {small_rss['max_rss_mb']:.1f} MB vs {large_rss['max_rss_mb']:.1f} MB; "
          f"traced Python peak {small['traced_peak_mb']:.2f} MB vs {large['traced_peak_mb']:.2f} MB")
    preview = click_to_preview()
    print(f"one letter, click to preview (render {preview['render_ms']:.1f} ms + page 1 picture "
          f"{preview['rasterize_ms']:.1f} ms): median {preview['click_to_preview_ms']:.1f} ms, "
          f"p90 {preview['click_to_preview_p90_ms']:.1f} ms; print-center preview of a kept letter "
          f"{preview['print_center_preview_ms']:.1f} ms")
    ok = (speed["letters_per_second"] >= 200 and preview["click_to_preview_ms"] < 100
          and large_rss["max_rss_mb"] - small_rss["max_rss_mb"] < 10)
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
