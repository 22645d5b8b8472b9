"""Write one GIF per direct classic case of convkit.animation.CLASSIC_CASES.

Usage::

    python tools/make_animations.py            # write chapters/images/animations/<case>.gif
    python tools/make_animations.py --check    # exit 1 if a GIF is missing, stale or extra

The GIFs are drawn with :func:`convkit.animation.save_gif` at a low
resolution (PNG frames without timestamps, one shared palette), so the bytes
depend only on the drawing and the committed files change only when a
drawing does. Chapter 3 shows them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "chapters" / "images" / "animations"
DPI = 56
COLORS = 24
DURATION_MS = 700
CELL_INCHES = 0.38


def direct_cases() -> list[str]:
    """Names of the direct (not transposed) classic cases, in table order."""
    from convkit.cases import CLASSIC_CASES

    return [name for name, case in CLASSIC_CASES.items() if not case["transposed"]]


def write(case: str, out_dir: Path) -> Path:
    """Write ``<out_dir>/<case>.gif`` and return its path."""
    from convkit.animation import save_gif

    return save_gif(case, out_dir / f"{case}.gif", dpi=DPI, duration_ms=DURATION_MS,
                    cell_inches=CELL_INCHES, colors=COLORS, optimize=True)


def stale(out_dir: Path = OUT_DIR) -> list[str]:
    """Problems with the GIFs in ``out_dir``: missing, different from a fresh drawing, or extra."""
    problems = []
    cases = direct_cases()
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            committed = out_dir / f"{case}.gif"
            fresh = write(case, Path(tmp))
            if not committed.exists():
                problems.append(f"missing: {committed.relative_to(REPO)}")
            elif committed.read_bytes() != fresh.read_bytes():
                problems.append(f"stale: {committed.relative_to(REPO)}")
    for path in sorted(out_dir.glob("*.gif")):
        if path.stem not in cases:
            problems.append(f"extra: {path.relative_to(REPO)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale GIFs instead of writing them")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for problem in problems:
            print(problem)
        if problems:
            print("run: python tools/make_animations.py")
            return 1
        print(f"{len(direct_cases())} animations up to date")
        return 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for case in direct_cases():
        path = write(case, OUT_DIR)
        print(f"{path.relative_to(REPO)}: {path.stat().st_size / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
