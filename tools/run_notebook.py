"""Re-execute notebooks in place so that an unchanged notebook gives an empty diff.

Usage::

    python tools/run_notebook.py chapters/03_arithmetic.ipynb [more.ipynb ...]

For each notebook: start a clean kernel in the notebook's folder, run every
cell with nbclient storing the widget state (what the static site needs to
draw widgets), then make the file reproducible:

- widget model ids (random UUIDs) are renamed deterministically, everywhere
  they occur: the state's keys, ``IPY_MODEL_`` references inside the state,
  ``model_id`` in widget-view outputs;
- per-cell timing metadata is dropped and execution counts run 1, 2, 3...;
- adjacent stream outputs of a cell (stdout, or stderr) are joined into one:
  the kernel sends a cell's prints in chunks about 0.2 s apart, so how many
  chunks a slow cell leaves depends on how busy the machine was;
- the alt text that ``convkit.plotting.show`` attaches to a figure output is
  copied into the cell's ``mystnb.image.alt`` metadata, which myst-nb uses as
  the ``alt`` attribute of the page's image.

A notebook whose execution fails is left untouched and the command exits
with status 1.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from notebook_format import (
    ALT_METADATA_KEY,
    FRAMES_VARIABLE,
    MODEL_REF_PREFIX,
    TIMING_KEYS,
    WIDGET_STATE_MIME,
    WIDGET_VIEW_MIME,
    model_refs,
)

# One BLAS thread in the kernel, as in the tests (see conftest.py): on a busy
# 2-core machine the default pool oversubscribes the cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# Set in the kernel only (not in this process, which the tests import): while
# recording, convkit.timing.check_claim raises on a timing that contradicts the
# text, so no committed figure does; a reader's or the test suite's run prints a
# verdict instead.
# Every explorer frame drawn and every timing round run, whatever the caller's
# environment says (tests/output_reruns.py lowers both for test re-runs).
RECORDING_ENVIRONMENT = {"CONVKIT_RECORDING": "1", FRAMES_VARIABLE: "all", "CONVKIT_TIMING_ROUNDS": ""}


def execute(nb: nbformat.NotebookNode, workdir: Path, timeout: int, kernel_name: str) -> None:
    """Run ``nb`` from a clean kernel in ``workdir``, storing the widget state."""
    nb.metadata.pop("widgets", None)  # stale state would survive a run that creates no widget
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(workdir)}},
        store_widget_state=True,
        record_timing=False,
    )
    client.execute(env={**os.environ, **RECORDING_ENVIRONMENT})


def model_id_order(nb: nbformat.NotebookNode) -> list[str]:
    """Widget model ids in an order that depends only on the notebook's content.

    Roots are the widget views in the outputs, in cell order; from each root,
    the models it references are visited depth first (keys sorted). Models
    nobody references (e.g. link widgets) follow in the order the kernel
    created them, which is the order of the stored state.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})
    order: list[str] = []
    seen: set[str] = set()

    def visit(model_id: str) -> None:
        stack = [model_id]
        while stack:
            current = stack.pop()
            if current in seen or current not in state:
                continue
            seen.add(current)
            order.append(current)
            stack.extend(reversed(model_refs(state[current])))

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW_MIME)
            if view and "model_id" in view:
                visit(view["model_id"])
    for model_id in state:
        visit(model_id)
    return order


def deterministic_ids(order: list[str], salt: str) -> dict[str, str]:
    """Map each old id to a 32-hex-digit id derived from ``salt`` and its rank."""
    return {
        old: hashlib.sha256(f"{salt}:{rank}".encode()).hexdigest()[:32]
        for rank, old in enumerate(order)
    }


def _rename(value: Any, mapping: dict[str, str]) -> Any:
    """Copy of ``value`` with every model id (as a whole string, key or reference) renamed."""
    if isinstance(value, str):
        if value.startswith(MODEL_REF_PREFIX) and value[len(MODEL_REF_PREFIX):] in mapping:
            return MODEL_REF_PREFIX + mapping[value[len(MODEL_REF_PREFIX):]]
        return mapping.get(value, value)
    if isinstance(value, dict):
        return {mapping.get(k, k): _rename(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v, mapping) for v in value]
    return value


def renumber_widgets(nb: nbformat.NotebookNode, salt: str) -> int:
    """Rename widget model ids deterministically; return how many models there are."""
    widgets_meta = nb.metadata.get("widgets", {})
    if WIDGET_STATE_MIME not in widgets_meta:
        return 0
    order = model_id_order(nb)
    mapping = deterministic_ids(order, salt)
    state = widgets_meta[WIDGET_STATE_MIME]["state"]
    # Unreached ids (none expected: model_id_order visits every key) keep their name.
    renamed_state = {mapping.get(k, k): _rename(v, mapping) for k, v in state.items()}
    widgets_meta[WIDGET_STATE_MIME]["state"] = {
        key: renamed_state[key] for key in sorted(renamed_state, key=_rank_key(mapping))
    }
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW_MIME)
            if view and view.get("model_id") in mapping:
                view["model_id"] = mapping[view["model_id"]]
    nb.metadata["widgets"] = nbformat.from_dict(widgets_meta)
    return len(state)


def _rank_key(mapping: dict[str, str]):
    rank = {new: i for i, new in enumerate(mapping.values())}
    return lambda key: (rank.get(key, len(rank)), key)


def strip_timing(nb: nbformat.NotebookNode) -> None:
    """Drop timing metadata and number executed code cells 1, 2, 3..."""
    count = 0
    for cell in nb.cells:
        for key in TIMING_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count


def coalesce_streams(nb: nbformat.NotebookNode) -> None:
    """Join adjacent stream outputs of the same name (stdout or stderr) in every cell."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        joined: list = []
        for output in cell.outputs:
            previous = joined[-1] if joined else None
            if (output.output_type == "stream" and previous is not None
                    and previous.output_type == "stream" and previous.name == output.name):
                previous.text += output.text
            else:
                joined.append(output)
        cell.outputs = joined


def copy_alt_text(nb: nbformat.NotebookNode) -> None:
    """Put the alt text of a cell's figure output into ``mystnb.image.alt``.

    Raises
    ------
    ValueError
        When one cell shows figures with different alt texts (myst-nb has one
        image setting per cell: split the cell).
    """
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        alts = []
        for output in cell.outputs:
            alt = output.get("metadata", {}).get(ALT_METADATA_KEY)
            if alt and alt not in alts:
                alts.append(alt)
        if len(alts) > 1:
            raise ValueError(
                f"cell {index} shows {len(alts)} figures with different alt texts; "
                "show one figure per cell"
            )
        if alts:
            mystnb = cell.metadata.setdefault("mystnb", {})
            mystnb.setdefault("image", {})["alt"] = alts[0]


def normalise(nb: nbformat.NotebookNode, salt: str) -> None:
    """All the post-execution clean-up, in place."""
    renumber_widgets(nb, salt)
    strip_timing(nb)
    coalesce_streams(nb)
    copy_alt_text(nb)


def run_notebook(path: Path, timeout: int = 600, kernel_name: str = "python3") -> None:
    """Execute the notebook at ``path`` and rewrite it in place, reproducibly."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    execute(nb, path.resolve().parent, timeout=timeout, kernel_name=kernel_name)
    normalise(nb, salt=path.stem)
    text = nbformat.writes(nb) + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="notebooks to execute in place")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    parser.add_argument("--kernel", default="python3", help="kernel name (default python3)")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        if not path.is_file():
            print(f"{path}: no such notebook", file=sys.stderr)
            status = 1
            continue
        try:
            run_notebook(path, timeout=args.timeout, kernel_name=args.kernel)
        except CellExecutionError as exc:
            print(f"{path}: execution failed, file left unchanged\n{exc}", file=sys.stderr)
            status = 1
        except ValueError as exc:
            print(f"{path}: {exc}; file left unchanged", file=sys.stderr)
            status = 1
        else:
            print(f"{path}: executed")
    return status


if __name__ == "__main__":
    sys.exit(main())
