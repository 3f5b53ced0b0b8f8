"""From keystroke to results painted in the lookup view, with pytest-qt, at 100,000 students;
and the view's memory at 100,000 against 1,000,000 (it must not grow with the roster).

    .venv/bin/python bench/bench_lookup_gui.py        (runs pytest on this file, prints figures)

Uses the rosters bench_search.py keeps (generates the 100,000 one when missing). Invented people.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench_search import keystrokes, roster_db  # noqa: E402
from mocap_desktop.store import open_store  # noqa: E402
from mocap_desktop.ui.presenters.lookup import LookupPresenter  # noqa: E402
from mocap_desktop.ui.views.lookup import StudentLookupView  # noqa: E402

KEEP = Path(os.environ.get("MOCAP_BENCH_DIR", Path(tempfile.gettempdir()) / "mocap-bench"))


def session(qtbot, n: int):
    KEEP.mkdir(parents=True, exist_ok=True)
    store = open_store(roster_db(KEEP, n))
    view = StudentLookupView()
    qtbot.addWidget(view)
    presenter = LookupPresenter(view, store)
    view.search_changed.connect(presenter.search_changed)
    view.student_selected.connect(presenter.student_selected)
    presenter.start()
    view.resize(1280, 720)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    return store, view


def type_queries(qtbot, view, queries: list[str]) -> list[float]:
    """Type each query as keystrokes; time each from key press to the list repainted."""
    times = []
    previous = ""
    app = QApplication.instance()
    for query in queries:
        if not query.startswith(previous):
            view.search.clear()
            app.processEvents()
            previous = ""
        for char in query[len(previous):]:
            start = time.perf_counter()
            qtbot.keyClick(view.search, char)
            view.table.viewport().repaint()  # paints now, synchronously
            view.count_label.repaint()
            times.append(time.perf_counter() - start)
            assert view.model.rowCount() <= 50
        previous = query
    return times


def report(label: str, times: list[float]) -> float:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95)] * 1000
    print(f"\n{label}: {len(times)} keystrokes · p50 {times[len(times) // 2] * 1000:.1f} ms · "
          f"p95 {p95:.1f} ms · max {times[-1] * 1000:.1f} ms  (target p95 ≤ 50 ms)")
    return p95


def test_keystroke_to_painted_at_100k(qtbot):
    store, view = session(qtbot, 100_000)
    queries = keystrokes(100_000, count=300)
    type_queries(qtbot, view, queries[:40])  # warm-up
    view.search.clear()
    p95 = report("keystroke to painted, 100,000 students", type_queries(qtbot, view, queries))
    store.close()
    assert p95 < 1000  # a sanity bound; the figure is what matters


def _rss_kib() -> tuple[int, int]:
    status = Path("/proc/self/status").read_text().splitlines()
    get = lambda key: int(next(line.split()[1] for line in status if line.startswith(key)))  # noqa: E731
    return get("VmRSS:"), get("VmHWM:")


@pytest.mark.parametrize("n", [100_000, 1_000_000])
def test_view_memory_does_not_grow_with_the_roster(qtbot, n):
    """Run in a fresh process per roster size: resident memory after 200 keystrokes and a
    browse of the whole roster, and the Python objects allocated meanwhile."""
    if n > 100_000 and not (KEEP / f"roster-{n}.sqlite").exists():
        pytest.skip(f"run bench_search.py --sizes {n} first to generate the roster")
    if os.environ.get("MOCAP_BENCH_CHILD") != str(n):
        import subprocess

        env = {**os.environ, "MOCAP_BENCH_CHILD": str(n)}
        node = f"{__file__}::test_view_memory_does_not_grow_with_the_roster[{n}]"
        result = subprocess.run([sys.executable, "-m", "pytest", node, "-s", "-q",
                                 "-p", "no:cacheprovider"],
                                env=env, capture_output=True, text=True)
        print("\n" + "\n".join(line for line in result.stdout.splitlines() if "lookup view" in line))
        assert result.returncode == 0, result.stdout[-3000:]
        return
    store, view = session(qtbot, n)
    queries = keystrokes(n, count=200)
    rss_before, _ = _rss_kib()
    tracemalloc.start()
    type_queries(qtbot, view, queries)
    view.search.clear()  # the whole roster, browsed: still one page
    for _ in range(5):
        view.model.fetchMore()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after, hwm = _rss_kib()
    print(f"lookup view at {n:,} students: model holds {view.model.rowCount()} rows after scrolling "
          f"5 pages; resident memory {rss_after / 1024:.0f} MiB (peak {hwm / 1024:.0f} MiB, "
          f"+{(rss_after - rss_before) / 1024:.1f} MiB while typing); Python allocations peak "
          f"{peak / 1024:.0f} KiB")
    assert view.model.rowCount() == 300
    store.close()


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-s", "-q", "-p", "no:cacheprovider"]))
