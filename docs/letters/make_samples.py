"""Render every letter kind in English and Spanish to PDF and PNG for a look (synthetic family).

    .venv/bin/python docs/letters/make_samples.py OUT_FOLDER [--dpi 60]

Then view the PNGs. Needs pdftoppm (Debian: poppler-utils).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from letters_seed import letter  # noqa: E402

from mocap_desktop.letters.model import KINDS  # noqa: E402
from mocap_desktop.letters.render import render_letter  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        for lang in ("en", "es"):
            pdf = args.out / f"{kind}.{lang}.pdf"
            pdf.write_bytes(render_letter(letter(kind, lang)))
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(pdf), str(pdf.with_suffix(""))], check=True)
            print(pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
