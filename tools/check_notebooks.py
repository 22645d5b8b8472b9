"""Check that committed notebooks will render on the static site.

Usage::

    python tools/check_notebooks.py chapters/ [more notebooks or folders ...]

A notebook fails when:

- it has code cells but no output at all (saved without executing);
- a code cell was not executed (no execution count), unless tagged
  ``skip-execution``;
- a cell holds an error output, unless tagged ``raises-exception``;
- it shows widgets but carries no widget state, or a widget view or an
  ``IPY_MODEL_`` reference names a model missing from the state (such a page
  builds without a warning and shows blank widgets);
- a figure shown with ``convkit.plotting.show`` lacks its alt text in the
  cell's ``mystnb.image.alt`` metadata, or a cell keeps timing metadata
  (both mean ``tools/run_notebook.py`` was not the last thing run on it);
- an output that nbval compares prints something another machine would print
  differently: rounding noise (``8.9e-16``, ``2.4e-06``, ``1.0000000000000002``;
  a bound such as ``< 1e-12`` is fine), a timing (``6.58 ms``, ``35.1 GFLOP/s``)
  or a memory address. Print a verdict or a bound instead, or tag the cell
  ``nbval-ignore-output`` and say in the text that its output varies.

Exit status 0 when every notebook passes, 1 otherwise; each problem is
printed as ``path: cell N: message``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from notebook_format import (
    ALT_METADATA_KEY,
    FRAMES_VARIABLE,
    TIMING_KEYS,
    WIDGET_STATE_MIME,
    UNCOMPARED_MARKERS,
    UNCOMPARED_MIME,
    UNCOMPARED_TAGS,
    WIDGET_VIEW_MIME,
    machine_dependent_text,
    model_refs,
)

SKIPPED_DIRS = {"_build", ".ipynb_checkpoints", "node_modules", "handouts"}


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def compared_text(cell: dict) -> str:
    """The text of the outputs of ``cell`` that nbval compares ('' for an uncompared cell)."""
    tags = cell.get("metadata", {}).get("tags", [])
    source = _source(cell)
    if any(tag in tags for tag in UNCOMPARED_TAGS) or any(m in source for m in UNCOMPARED_MARKERS):
        return ""
    pieces: list[str] = []
    for output in cell.get("outputs", []):
        fields = {"text": output["text"]} if "text" in output else output.get("data", {})
        for mime, value in fields.items():
            if mime not in UNCOMPARED_MIME and isinstance(value, (str, list)):
                pieces.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(pieces)


def machine_dependent_outputs(cell: dict) -> list[str]:
    """One problem per machine-dependent piece of a compared output of ``cell``."""
    return [
        f"{kind} {text!r} in a compared output: {line.strip()!r} (print a verdict or a "
        "bound, or tag the cell nbval-ignore-output and say so in the text)"
        for kind, text, line in machine_dependent_text(compared_text(cell))
    ]


def _where(index: int, code_index: int, cell: dict) -> str:
    """``cell N (nbval Cell M, In [K]: first source line)``, how a problem names its cell.

    N counts every cell, M only code cells (as nbval's test names do).
    """
    first = next((line.strip() for line in _source(cell).splitlines() if line.strip()), "")
    if len(first) > 60:
        first = first[:57] + "..."
    count = cell.get("execution_count")
    return f"cell {index} (nbval Cell {code_index}, In [{count if count is not None else ' '}]: {first})"


def check_notebook_dict(nb: dict) -> list[str]:
    """Problems found in a notebook given as its JSON dictionary (empty list: fine)."""
    problems: list[str] = []
    cells = nb.get("cells", [])
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state")
    code_cells = [(i, c) for i, c in enumerate(cells) if c.get("cell_type") == "code"]
    runnable = [
        (i, c) for i, c in code_cells
        if _source(c).strip() and "skip-execution" not in c.get("metadata", {}).get("tags", [])
    ]
    if runnable and not any(c.get("outputs") for _, c in code_cells):
        problems.append("notebook: code cells have no outputs at all (run tools/run_notebook.py)")

    runnable_indices = {i for i, _ in runnable}
    views = 0
    for code_index, (index, cell) in enumerate(code_cells):
        where = f"cell {index}"
        metadata = cell.get("metadata", {})
        tags = metadata.get("tags", [])
        if index in runnable_indices and cell.get("execution_count") is None:
            problems.append(f"{where}: not executed (no execution count)")
        for key in TIMING_KEYS:
            if key in metadata:
                problems.append(f"{where}: timing metadata {key!r} (run tools/run_notebook.py)")
        problems.extend(f"{_where(index, code_index, cell)}: {p}" for p in machine_dependent_outputs(cell))
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and "raises-exception" not in tags:
                problems.append(
                    f"{where}: error output {output.get('ename', '')}: {output.get('evalue', '')}"
                )
            view = output.get("data", {}).get(WIDGET_VIEW_MIME)
            if view is not None:
                views += 1
                model_id = view.get("model_id")
                if state is None:
                    continue  # reported once below
                if model_id not in state:
                    problems.append(f"{where}: widget view {model_id} has no stored state")
            alt = output.get("metadata", {}).get(ALT_METADATA_KEY)
            if alt and metadata.get("mystnb", {}).get("image", {}).get("alt") != alt:
                problems.append(
                    f"{where}: figure alt text not in the cell's mystnb.image.alt "
                    "(run tools/run_notebook.py)"
                )
    if views and state is None:
        problems.append(
            f"notebook: shows {views} widget view(s) but stores no widget state "
            "(the page would show blank widgets; run tools/run_notebook.py)"
        )
    if state:
        for missing in sorted(set(model_refs(state)) - set(state)):
            problems.append(f"widget state: reference to missing model {missing}")
        undrawn = sum(FRAMES_VARIABLE in str(model.get("state", {}).get("value", "")) for model in state.values())
        if undrawn:
            problems.append(f"widget state: {undrawn} explorer frame(s) not drawn ({FRAMES_VARIABLE}=first "
                            "was set; run tools/run_notebook.py)")
    return problems


def check_notebook(path: Path) -> list[str]:
    """Problems found in the notebook at ``path``."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"notebook: cannot read ({exc})"]
    return check_notebook_dict(nb)


def find_notebooks(paths: list[Path]) -> list[Path]:
    """Notebooks named directly or found under folders, skipping build and checkpoint folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*.ipynb"))
                if not SKIPPED_DIRS.intersection(p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks or folders")
    args = parser.parse_args(argv)
    notebooks = find_notebooks(args.paths)
    failed = 0
    for path in notebooks:
        problems = check_notebook(path)
        for problem in problems:
            print(f"{path}: {problem}")
        failed += bool(problems)
    print(f"{len(notebooks)} notebook(s) checked, {failed} with problems")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
