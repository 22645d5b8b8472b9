"""Write student handouts: the chapters' notebooks without their solutions.

Usage::

    python tools/make_handouts.py                      # every chapter -> handouts/
    python tools/make_handouts.py chapters/03_arithmetic.ipynb --out /tmp/hw
    python tools/make_handouts.py --execute            # also run each handout once

In each notebook, every solution block (the cells from a ``{solution-start}``
markdown cell to its ``{solution-end}`` cell, all tagged ``solution``) is
replaced by

- for a coding exercise, a stub cell: each top-level function the solution
  defines, with its signature and docstring and a body that raises
  ``NotImplementedError``, plus the ``# Hint:`` comment lines of the solution;
  then a markdown cell asking the student to write the solution and run the
  check below;
- for any other exercise, a markdown cell for the answer (and an empty code
  cell if the solution had code).

Cells tagged ``solution`` outside a block and non-gated ``{solution}``
directives are removed too, the ``{exercise-start}``/``{exercise-end}``
directives become plain markdown (a notebook does not render them), and the
check cells (tagged ``check``) are kept with their outputs cleared. Everything
else, including the notebook's metadata (kernelspec, widget state) and the
other cells' outputs, is copied unchanged. The output folder is git-ignored.
"""

from __future__ import annotations

import argparse
import ast
import copy
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_cells import (  # noqa: E402
    CHECK_TAG, SOLUTION_END, SOLUTION_START, SOLUTION_TAG, hint_comments, new_cell_id, student_markdown,
    tags, without_magics,
)

REPO = Path(__file__).resolve().parents[1]

STUB_NOTE = "Write your solution above; run the check below."
ANSWER_NOTE = "*Your answer:* (double-click this cell to write it)"



class HandoutError(ValueError):
    """A notebook does not follow the exercise form of CONTRIBUTING.md."""


@dataclass
class HandoutStats:
    """What :func:`make_handout` changed in one notebook."""

    solutions: list[str] = field(default_factory=list)  # labels of the replaced blocks
    stubs: list[str] = field(default_factory=list)  # names of the stubbed functions
    stray_solution_cells: int = 0
    checks: int = 0


# ---------------------------------------------------------------------------
# Finding the solution blocks
# ---------------------------------------------------------------------------


def solution_blocks(nb) -> list[tuple[int, int, str]]:
    """The ``(first, last, label)`` cell indices of every gated solution, in order.

    Raises
    ------
    HandoutError
        On a ``solution-start`` without its ``solution-end``, a nested
        ``solution-start``, or a ``solution-end`` without a start.
    """
    blocks = []
    open_at, open_label = None, ""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        start, end = SOLUTION_START.search(cell.source), SOLUTION_END.search(cell.source)
        if start:
            if open_at is not None:
                raise HandoutError(
                    f"cell {index}: solution-start {start['label']!r} inside the unclosed "
                    f"solution {open_label!r} opened at cell {open_at}"
                )
            open_at, open_label = index, start["label"]
        if end:
            if open_at is None:
                raise HandoutError(f"cell {index}: solution-end without a solution-start")
            blocks.append((open_at, index, open_label))
            open_at = None
    if open_at is not None:
        raise HandoutError(f"cell {open_at}: solution-start {open_label!r} has no solution-end")
    return blocks


# ---------------------------------------------------------------------------
# Stubs
# ---------------------------------------------------------------------------


def _names_in_signature(node: ast.FunctionDef) -> set[str]:
    parts = [node.args]
    if node.returns is not None:
        parts.append(node.returns)
    return {n.id for part in parts for n in ast.walk(part) if isinstance(n, ast.Name)}


def _import_binds(node: ast.stmt) -> set[str]:
    return {(alias.asname or alias.name).split(".")[0] for alias in node.names}


def _stub_function(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str], hints: list[str]) -> str:
    """The function's signature and docstring, its hints, and a raise."""
    docstring = ast.get_docstring(node, clean=False)
    first = node.body[0]
    if docstring is not None and first.lineno > node.lineno:
        # Keep the author's text as written: def line(s) down to the docstring's end.
        indent = " " * first.col_offset
        head = "\n".join(lines[node.lineno - 1 : first.end_lineno])
    elif first.lineno > node.lineno:
        indent = " " * first.col_offset
        head = "\n".join(lines[node.lineno - 1 : first.lineno - 1])
    else:  # the body starts on the signature's last line: cut the line before it
        indent = " " * (node.col_offset + 4)
        header = lines[node.lineno - 1 : first.lineno]
        header[-1] = header[-1][: first.col_offset].rstrip()
        head = "\n".join(header)
        if docstring is not None:
            head += f"\n{indent}{ast.unparse(first)}"
    body = [f"{indent}{hint}" for hint in hints]
    body.append(f'{indent}raise NotImplementedError("write {node.name}, then run the check below")')
    return head + "\n" + "\n".join(body)


def stub_source(code_sources: list[str]) -> tuple[str, list[str]]:
    """The stub cell for a solution's code cells, and the names it stubs.

    Parameters
    ----------
    code_sources : list of str
        The sources of the solution's code cells, in order.

    Returns
    -------
    source : str
        Imports the signatures need, then one stub per top-level function
        (empty if the solution defines no function).
    names : list of str
        The stubbed functions' names.
    """
    imports: list[str] = []
    stubs: list[str] = []
    names: list[str] = []
    loose_hints: list[str] = []
    for source in code_sources:
        text = without_magics(source)
        lines = text.splitlines()
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            raise HandoutError(f"solution code does not parse: {exc}") from None
        functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        hint_lines = hint_comments(text)
        needed = set().union(*(_names_in_signature(f) for f in functions)) if functions else set()
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and _import_binds(node) & needed:
                imports.append(ast.get_source_segment(text, node))
        for function in functions:
            inside = [h for n, h in hint_lines if function.lineno <= n <= function.end_lineno]
            stubs.append(_stub_function(function, lines, inside))
            names.append(function.name)
        loose_hints += [
            h for n, h in hint_lines
            if not any(f.lineno <= n <= f.end_lineno for f in functions)
        ]
    if not stubs:
        return "", []
    parts = []
    if imports:
        parts.append("\n".join(dict.fromkeys(imports)))
    if loose_hints:
        parts.append("\n".join(loose_hints))
    parts.append("\n\n\n".join(stubs))
    return "\n\n".join(parts), names


# ---------------------------------------------------------------------------
# The handout
# ---------------------------------------------------------------------------


def make_handout(nb) -> tuple[nbformat.NotebookNode, HandoutStats]:
    """The student version of a chapter notebook (the input is not modified).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A chapter in the exercise form of CONTRIBUTING.md.

    Returns
    -------
    handout : nbformat.NotebookNode
        The notebook without any solution text or code.
    stats : HandoutStats
        What was replaced.

    Raises
    ------
    HandoutError
        If the solution blocks are malformed or a solution's code does not parse.
    """
    nb = copy.deepcopy(nb)
    blocks = solution_blocks(nb)
    stats = HandoutStats()
    block_at = {first: (last, label) for first, last, label in blocks}
    cells = []
    index = 0
    while index < len(nb.cells):
        if index in block_at:
            last, label = block_at[index]
            block = nb.cells[index : last + 1]
            cells += _replacement(nb, block, label, stats)
            stats.solutions.append(label)
            index = last + 1
            continue
        cell = nb.cells[index]
        index += 1
        if SOLUTION_TAG in tags(cell):
            stats.stray_solution_cells += 1
            continue
        if cell.cell_type == "markdown":
            source = student_markdown(cell.source)
            if source != cell.source:
                if not source:
                    continue  # the cell held only directives
                cell.source = source
        if cell.cell_type == "code" and CHECK_TAG in tags(cell):
            cell.outputs = []
            cell.execution_count = None
            stats.checks += 1
        cells.append(cell)
    nb.cells = cells
    return nb, stats


def _replacement(nb, block, label: str, stats: HandoutStats) -> list:
    code = [c.source for c in block if c.cell_type == "code"]
    stub, names = stub_source(code)
    tag = label or "exercise"
    if stub:
        stats.stubs += names
        stub_cell = nbformat.v4.new_code_cell(stub, metadata={"tags": ["stub"]})
        stub_cell.id = new_cell_id(nb, f"{tag}-stub")
        note = nbformat.v4.new_markdown_cell(STUB_NOTE)
        note.id = new_cell_id(nb, f"{tag}-note")
        return [stub_cell, note]
    answer = nbformat.v4.new_markdown_cell(ANSWER_NOTE)
    answer.id = new_cell_id(nb, f"{tag}-answer")
    out = [answer]
    if code:
        work = nbformat.v4.new_code_cell("# Your working here.")
        work.id = new_cell_id(nb, f"{tag}-working")
        out.append(work)
    return out


def write_handout(path: Path, out_dir: Path) -> tuple[Path, HandoutStats]:
    """Read a chapter, write its handout into ``out_dir``; return the path and stats."""
    nb = nbformat.read(path, as_version=4)
    try:
        handout, stats = make_handout(nb)
    except HandoutError as exc:
        raise HandoutError(f"{path}: {exc}") from None
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / path.name
    nbformat.validate(handout)
    nbformat.write(handout, target)
    return target, stats


def execute(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run a handout top to bottom in a fresh kernel and return it with its
    outputs (the file is not changed); raises on the first error."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path,
                        help="chapter notebooks (default: every chapters/*.ipynb)")
    parser.add_argument("--out", type=Path, default=REPO / "handouts",
                        help="output folder (default: handouts/ at the repository root)")
    parser.add_argument("--execute", action="store_true",
                        help="run each handout in a fresh kernel to make sure it executes cleanly")
    args = parser.parse_args(argv)
    chapters = args.chapters or sorted((REPO / "chapters").glob("*.ipynb"))
    if not chapters:
        print("no chapters found", file=sys.stderr)
        return 1
    failed = False
    for path in chapters:
        if not path.is_file():
            print(f"{path}: no such notebook", file=sys.stderr)
            failed = True
            continue
        try:
            target, stats = write_handout(path, args.out)
        except HandoutError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed = True
            continue
        summary = f"{path} -> {target}: {len(stats.solutions)} solution(s) removed"
        if stats.stubs:
            summary += f", stubs for {', '.join(stats.stubs)}"
        print(summary)
        if args.execute:
            try:
                execute(target)
            except Exception as exc:  # report every failing handout, not only the first
                # nbclient's CellExecutionError carries the kernel's exception name and value
                reason = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
                print(f"error: {target} does not execute cleanly: {reason}", file=sys.stderr)
                failed = True
            else:
                print(f"  {target} executes cleanly")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
