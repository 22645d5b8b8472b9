"""Write an nbgrader course from the chapters (first version; see issue 21).

Usage::

    python tools/make_nbgrader.py --out course/    # every chapter
    python tools/make_nbgrader.py chapters/03_arithmetic.ipynb --out /tmp/course

One assignment per chapter: ``DIR/source/<chapter>/<chapter>.ipynb``, plus
``DIR/nbgrader_config.py``. The solution blocks are found with the handouts'
code (:func:`make_handouts.solution_blocks`, :func:`make_handouts.stub_source`):

- a coding exercise (its solution defines a function that a ``check`` cell
  of the chapter tests) becomes one nbgrader
  solution cell (:func:`solution_source`): each function's signature and
  docstring visible, its body between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``; the chapter's ``check`` cell after it becomes a
  locked autograded test cell worth :data:`CODING_POINTS` (:func:`test_source`):
  the first ``VISIBLE_CASES`` cases visible to the student, the others
  between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, each part
  failing with ``check()``'s report;
- any other exercise becomes a manually graded markdown answer cell worth
  :data:`WRITTEN_POINTS`.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_handouts as mh  # noqa: E402
from notebook_cells import (  # noqa: E402
    CHECK_TAG, SOLUTION_TAG, hint_comments, new_cell_id, student_markdown, tags, without_magics,
)

REPO = mh.REPO
CODING_POINTS = 2
"""Points of each coding exercise's autograded test cell (the one points table)."""
WRITTEN_POINTS = 1
"""Points of each conceptual or by-hand exercise's manually graded answer cell."""
CELL_TIMEOUT = 120
"""nbgrader's per-cell timeout in seconds (ExecutePreprocessor.timeout)."""

CONFIG = f"""c = get_config()

c.ExecutePreprocessor.timeout = {CELL_TIMEOUT}
"""

_CHECK_CALL = re.compile(r"check\(\s*(?P<fn>\w+)\s*,\s*(?P<id>[\"'][^\"']+[\"'])")


def _meta(cell_id: str, *, solution: bool, grade: bool, locked: bool = False, points: int | None = None) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": cell_id, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return meta


def solution_source(code_sources: list[str]) -> str:
    """One nbgrader solution cell for a coding exercise's solution cells.

    Each top-level function keeps its signature, docstring and ``# Hint:``
    comments; its body goes between ``### BEGIN SOLUTION`` and ``### END
    SOLUTION``, indented like the body, so the release keeps the function and
    nbgrader's stub (``raise NotImplementedError()``) sits inside it: the
    check then reports "not yet implemented" instead of a ``NameError``.
    Imports stay visible; other top-level statements (demonstrations that
    call the function) are left out, as in the handouts.
    """
    parts = []
    for source in code_sources:
        text = without_magics(source)
        lines = text.splitlines()
        hint_lines = hint_comments(text)
        out: list[str] = []
        for node in ast.parse(text).body:
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            segment = lines[start - 1 : node.end_lineno]
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                out.extend(segment)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = node.body[0]
                has_doc = ast.get_docstring(node, clean=False) is not None
                body_start = node.body[1].lineno if has_doc and len(node.body) > 1 else first.lineno
                if has_doc and len(node.body) == 1:
                    body_start = first.end_lineno + 1
                if body_start <= node.lineno:
                    raise ValueError(f"{node.name}: put the body on its own lines for nbgrader")
                indent = " " * (node.body[-1].col_offset)
                hints = [h for n, h in hint_lines if body_start <= n <= node.end_lineno]
                out.extend(lines[start - 1 : body_start - 1])
                out.extend(f"{indent}{hint}" for hint in hints)
                out.append(f"{indent}### BEGIN SOLUTION")
                out.extend(lines[body_start - 1 : node.end_lineno])
                out.append(f"{indent}### END SOLUTION")
            else:
                continue  # a demonstration that uses the function: the handouts drop it too
            out.append("")
        parts.append("\n".join(out).strip())
    return "\n\n\n".join(p for p in parts if p)


def test_source(function: str, exercise_id: str) -> str:
    """The autograded test cell of one coding exercise.

    The student's release shows the visible cases (``check(..., part="visible")``,
    which prints its report); ``nbgrader generate_assignment`` removes the
    block between the hidden-test markers and ``nbgrader autograde`` puts it
    back, so a function that passes only the cases it was shown loses the points.
    Either ``assert`` fails with ``check()``'s diagnosis as the message.
    """
    return (
        "from convkit.checking import check\n"
        f'_result = check({function}, {exercise_id}, part="visible")\n'
        "assert _result.passed, _result.report\n"
        "### BEGIN HIDDEN TESTS\n"
        f'_result = check({function}, {exercise_id}, part="hidden", verbose=False)\n'
        "assert _result.passed, _result.report\n"
        "### END HIDDEN TESTS"
    )


def make_source(nb) -> tuple[nbformat.NotebookNode, dict]:
    """The nbgrader source version of a chapter; returns it and ``{grade_id: points}``."""
    nb = copy.deepcopy(nb)
    blocks = mh.solution_blocks(nb)
    block_at = {first: (last, label) for first, last, label in blocks}
    points: dict[str, int] = {}
    checked = {m["fn"] for c in nb.cells if c.cell_type == "code" and CHECK_TAG in tags(c)
               for m in [_CHECK_CALL.search(c.source)] if m}
    cells = []
    index = 0
    while index < len(nb.cells):
        if index in block_at:
            last, label = block_at[index]
            block = nb.cells[index : last + 1]
            code = [c.source for c in block if c.cell_type == "code"]
            stub, names = mh.stub_source(code)
            tag = label or f"exercise-{index}"
            if stub and set(names) & checked:
                cell = nbformat.v4.new_code_cell(solution_source(code))
                cell.id = new_cell_id(nb, f"{tag}-solution")
                cell.metadata["nbgrader"] = _meta(f"{tag}-solution", solution=True, grade=False)
            else:
                # a written answer; code in its solution (a demonstration no check grades) is shown fenced
                texts = [f"```python\n{c.source}\n```" if c.cell_type == "code" else c.source
                         for c in block[1:-1]]
                answer = "\n\n".join(t for t in texts if t.strip())
                cell = nbformat.v4.new_markdown_cell(
                    f"{mh.ANSWER_NOTE}\n\n### BEGIN SOLUTION\n{answer}\n### END SOLUTION"
                )
                cell.id = new_cell_id(nb, f"{tag}-answer")
                cell.metadata["nbgrader"] = _meta(
                    f"{tag}-answer", solution=True, grade=True, points=WRITTEN_POINTS
                )
                points[f"{tag}-answer"] = WRITTEN_POINTS
            cells.append(cell)
            index = last + 1
            continue
        cell = nb.cells[index]
        index += 1
        if SOLUTION_TAG in tags(cell):
            continue
        if cell.cell_type == "markdown":
            source = student_markdown(cell.source)
            if source != cell.source:
                if not source:
                    continue
                cell.source = source
        if cell.cell_type == "code" and CHECK_TAG in tags(cell):
            match = _CHECK_CALL.search(cell.source)
            if match:
                grade_id = f"{match['id'][1:-1]}-test"
                cell.source = test_source(match["fn"], match["id"])
                cell.metadata["nbgrader"] = _meta(
                    grade_id, solution=False, grade=True, locked=True, points=CODING_POINTS
                )
                points[grade_id] = CODING_POINTS
            cell.outputs = []
            cell.execution_count = None
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    return nb, points


def write_course(paths: list[Path], out: Path) -> dict[str, dict]:
    """Write ``out/nbgrader_config.py`` and one assignment per chapter; return the points."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG)
    totals = {}
    for path in paths:
        source, points = make_source(nbformat.read(path, as_version=4))
        folder = out / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(source, folder / path.name)
        totals[path.stem] = points
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((REPO / "chapters").glob("[0-9][0-9]_*.ipynb"))
    totals = write_course(paths, args.out)
    for name, points in totals.items():
        print(f"{name}: {len(points)} graded cells, {sum(points.values())} points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
