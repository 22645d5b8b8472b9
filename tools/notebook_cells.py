"""Reading the exercise form of CONTRIBUTING.md out of a chapter's cells.

``make_handouts.py`` (the student handouts) and ``make_nbgrader.py`` (the
nbgrader course) both take the solutions out of a chapter; what they share
lives here, so the two cannot read the exercise form differently.
"""

from __future__ import annotations

import io
import re
import tokenize

SOLUTION_TAG = "solution"
"""The tag of every cell of a solution block."""
CHECK_TAG = "check"
"""The tag of a code cell that runs ``check()`` on the reader's function."""

FENCE = r"(?P<fence>`{3,}|:{3,})"
"""A MyST fence: three or more backticks or colons, captured as ``fence``."""
SOLUTION_START = re.compile(r"^\s*" + FENCE + r"\s*\{solution-start\}\s*(?P<label>\S*)", re.M)
SOLUTION_END = re.compile(r"^\s*" + FENCE + r"\s*\{solution-end\}", re.M)
EXERCISE_START = re.compile(r"^\s*" + FENCE + r"\s*\{exercise-start\}(?P<title>.*)$")
EXERCISE_END = re.compile(r"^\s*" + FENCE + r"\s*\{exercise-end\}")
SOLUTION_DIRECTIVE = re.compile(r"^\s*" + FENCE + r"\s*\{solution\}")
HINT = re.compile(r"^\s*#\s*hint\s*:", re.I)
MAGIC = re.compile(r"^\s*[%!]")


def tags(cell) -> list[str]:
    """The cell's tags (an empty list when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def new_cell_id(nb, wanted: str) -> str:
    """A cell id built from ``wanted`` that no cell of ``nb`` has yet.

    Characters nbformat refuses become ``-``; a taken id gets ``-2``, ``-3``, ...
    """
    taken = {c.get("id") for c in nb.cells}
    base = re.sub(r"[^A-Za-z0-9_-]", "-", wanted)[:56] or "cell"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def without_magics(source: str) -> str:
    """The cell's code with IPython magics blanked (line numbers unchanged), for ``ast``."""
    return "\n".join("" if MAGIC.match(line) else line for line in source.splitlines())


def hint_comments(text: str) -> list[tuple[int, str]]:
    """``(line number, comment)`` of every ``# Hint:`` comment, whole-line or trailing."""
    comments = tokenize.generate_tokens(io.StringIO(text).readline)
    return [(t.start[0], t.string.strip()) for t in comments
            if t.type == tokenize.COMMENT and HINT.match(t.string)]


def remove_fenced(source: str, opening: re.Pattern) -> str:
    """Drop every fenced directive block whose opening line matches ``opening``."""
    lines = source.splitlines()
    kept: list[str] = []
    index = 0
    while index < len(lines):
        match = opening.match(lines[index])
        if not match:
            kept.append(lines[index])
            index += 1
            continue
        fence = match["fence"]
        close = re.compile(r"^\s*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
        index += 1
        while index < len(lines) and not close.match(lines[index]):
            index += 1
        index += 1  # past the closing fence (or the end)
    if len(kept) == len(lines):
        return source
    # the blank lines around a removed block would otherwise pile up
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def plain_exercise_heading(source: str) -> str:
    """Turn a ``{exercise-start}`` directive into a bold markdown heading."""
    lines = source.splitlines()
    if not any(EXERCISE_START.match(line) for line in lines):
        return source
    out: list[str] = []
    index = 0
    while index < len(lines):
        match = EXERCISE_START.match(lines[index])
        if not match:
            out.append(lines[index])
            index += 1
            continue
        fence = match["fence"]
        title = match["title"].strip()
        label = ""
        index += 1
        while index < len(lines) and lines[index].strip() != fence:
            option = re.match(r"^\s*:label:\s*(\S+)", lines[index])
            if option:
                label = option[1]
            index += 1
        index += 1
        heading = "**Exercise" + (f": {title}" if title else "") + "**"
        if label:
            heading += f" (`{label}`)"
        out.append(heading)
    return "\n".join(out)


def student_markdown(source: str) -> str:
    """A markdown cell as a student sees it: no ``{solution}`` directive, plain exercise headings.

    The exercise directives (``{exercise-start}``/``{exercise-end}``) become a
    bold heading, since a notebook does not render them. Returns ``source``
    itself when there is nothing to change, and ``""`` when the cell held
    only directives.
    """
    plain = remove_fenced(source, SOLUTION_DIRECTIVE)
    plain = remove_fenced(plain_exercise_heading(plain), EXERCISE_END)
    return source if plain == source else plain.strip()
