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


def folder_size(path: Path) -> int:
    """Bytes on disk, counting each symlinked library once."""
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


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
    print(f"bundle: {bundle}  size: {folder_size(bundle) / 1e6:.1f} MB  "
          f"built in {time.monotonic() - started:.0f} s")
    if args.check:
        with tempfile.TemporaryDirectory() as data:
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
            for extra in ([], ["--demo"]):
                result = subprocess.run([str(exe), "--smoke-test", "--data-dir", data, *extra],
                                        capture_output=True, text=True, env=env, timeout=300)
                print(result.stdout.strip() or result.stderr.strip())
                if result.returncode != 0:
                    print(result.stderr, file=sys.stderr)
                    return result.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
