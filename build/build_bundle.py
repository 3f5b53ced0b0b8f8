"""Build the one-folder bundle with mocap.spec and check that it starts.

    python build/build_bundle.py            # build into build/dist/mocap-desktop
    python build/build_bundle.py --check    # build, then run the frozen app's --smoke-test

Works the same on Windows (run it from the project's virtual environment).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST, WORK = ROOT / "build" / "dist", ROOT / "build" / "work"
sys.path.insert(0, str(ROOT / "build"))
from linux_libs import LEFT_TO_SYSTEM, needed  # noqa: E402


def folder_size(path: Path) -> int:
    """Bytes on disk, counting each symlinked library once."""
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def missing_libraries(bundle: Path) -> dict[str, set[str]]:
    """Linux: the libraries that programs in the bundle need (ELF NEEDED) but that are neither in
    it nor left to the system (`build/linux_libs.py`). A library dropped by mocap.spec that
    something still needs shows up here even on a machine where the system has a copy (which the
    smoke test would load)."""
    present = {f.name for f in bundle.rglob("*")}
    missing: dict[str, set[str]] = {}
    for file in bundle.rglob("*"):
        if file.is_symlink() or not file.is_file():
            continue
        for name in needed(file):
            if name not in present and not LEFT_TO_SYSTEM.fullmatch(name):
                missing.setdefault(name, set()).add(str(file.relative_to(bundle)))
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="run the bundle's --smoke-test after building")
    args = parser.parse_args()
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(WORK), str(ROOT / "mocap.spec")],
                   check=True, cwd=ROOT)
    bundle = DIST / "mocap-desktop"
    exe = bundle / ("mocap-desktop.exe" if os.name == "nt" else "mocap-desktop")
    print(f"bundle: {bundle}  size: {folder_size(bundle) / 2**20:.1f} MiB  "
          f"built in {time.monotonic() - started:.0f} s")
    if args.check:
        if sys.platform.startswith("linux"):
            missing = missing_libraries(bundle)
            for name, users in sorted(missing.items()):
                print(f"missing from the bundle: {name}, needed by {', '.join(sorted(users))}", file=sys.stderr)
            if missing:
                return 1
            print("libraries: everything the bundle's programs link is in it or left to the system")
        with tempfile.TemporaryDirectory() as data:
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
            for extra in ([], ["--demo"]):
                result = subprocess.run([str(exe), "--smoke-test", "--data-dir", data, *extra],
                                        capture_output=True, text=True, env=env, timeout=300)
                print(result.stdout.strip() or result.stderr.strip())
                if result.returncode != 0:
                    print(result.stderr, file=sys.stderr)
                    return result.returncode
                if result.stderr.strip():  # e.g. a helper process the bundle started did not run
                    print(f"the smoke test passed but wrote to stderr:\n{result.stderr}", file=sys.stderr)
                    return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
