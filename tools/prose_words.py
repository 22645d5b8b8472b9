"""Count a chapter's prose words, the measure of CHAPTER_BAR.md's budget.

Prose is the markdown of the chapter's body: from the first cell to the first
exercise, plus the references section's sentences are left out. Inline and
display math, code (inline and fenced), directive lines and their options,
HTML tags and link targets are not words. Tables and figure captions are.

    python tools/prose_words.py chapters/          # every chapter, with the budget
    python tools/prose_words.py chapters/10_flattened.ipynb
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

BUDGET = 2500  # CHAPTER_BAR.md: "at most about 2,500 words of prose"
TOLERANCE = 100  # "about": a chapter may exceed the budget by this many words

_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_MATH = re.compile(r"\$[^$\n]+\$")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_ROLE = re.compile(r"\{[a-z:-]+\}")  # {cite}, {numref}, ... (their target is inline code, removed above)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,;:!?%-]*")


def body_markdown(nb: nbformat.NotebookNode) -> list[str]:
    """The markdown sources of the chapter's body: before the first exercise and not the references."""
    sources = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = cell.source
        if "{exercise-start}" in text or "{exercise}" in text or text.lstrip().startswith("## References"):
            break
        sources.append(text)
    return sources


def _strip_fences(text: str) -> str:
    """Drop fenced code; keep a directive's body (an admonition's text is prose) but not its header."""
    out, fence = [], None
    for line in text.splitlines():
        stripped = line.strip()
        opening = re.match(r"^(`{3,}|~{3,})(.*)$", stripped)
        if fence is None and opening:
            fence = (opening.group(1), opening.group(2).strip().startswith("{"))
            continue
        if fence is not None and stripped.startswith(fence[0]) and stripped.strip("`~") == "":
            fence = None
            continue
        if fence is not None and not fence[1]:
            continue  # inside a code block
        if fence is not None and re.match(r"^:[a-z-]+:", stripped):
            continue  # a directive's option line
        out.append(line)
    return "\n".join(out)


def count_words(markdown: str) -> int:
    """Words of prose in one markdown source."""
    text = _strip_fences(markdown)
    for pattern in (_DISPLAY_MATH, _INLINE_MATH, _INLINE_CODE, _LINK_TARGET, _TAG, _ROLE):
        text = pattern.sub(" ", text)
    text = re.sub(r"^\([a-z0-9-]+\)=\s*$", " ", text, flags=re.M)  # MyST targets
    return len(_WORD.findall(text))


def prose_words(path: Path) -> int:
    """The chapter's prose words."""
    nb = nbformat.read(str(path), as_version=4)
    return sum(count_words(source) for source in body_markdown(nb))


def main(argv: list[str]) -> int:
    paths: list[Path] = []
    for arg in argv or ["chapters"]:
        p = Path(arg)
        paths.extend(sorted(p.glob("[0-9][0-9]_*.ipynb")) if p.is_dir() else [p])
    over = 0
    for path in paths:
        words = prose_words(path)
        flag = "  over the budget" if words > BUDGET + TOLERANCE else ""
        over += bool(flag)
        print(f"{path.name:40s} {words:5d}{flag}")
    print(f"budget: about {BUDGET} words (fails above {BUDGET + TOLERANCE})")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
