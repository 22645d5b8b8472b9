"""tools/run_notebook.py (reproducible re-execution) and tools/check_notebooks.py."""

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
TOOLS = REPO / "tools"

import check_notebooks  # tools/ is on the pytest pythonpath (pyproject.toml)
import run_notebook

STATE = "application/vnd.jupyter.widget-state+json"
VIEW = "application/vnd.jupyter.widget-view+json"
UUID_HEX = re.compile(r"\b[0-9a-f]{32}\b")

CELLS = [
    "from matplotlib.figure import Figure\nfrom convkit.explorer import Explorer\nfrom convkit.plotting import show",
    "def draw(a, b):\n    fig = Figure(figsize=(1.5, 0.6))\n    fig.text(0.1, 0.4, f'a={a} b={b}')\n    return fig",
    "Explorer(draw, {'a': [1, 2, 3], 'b': [10, 20]}, title='two', dpi=40)",
    "fig = Figure(figsize=(1.5, 0.6))\nfig.text(0.1, 0.4, 'line')\nshow(fig, alt='The word line.')",
    "print('done')",
]


def write_notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


# Every test here starts a Jupyter kernel (directly or through the module fixture).
pytestmark = pytest.mark.slow


def run_tool(*args):
    return subprocess.run([sys.executable, str(TOOLS / "run_notebook.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A notebook with a 2-parameter explorer, run twice; returns (path, bytes after run 1, after run 2)."""
    path = write_notebook(tmp_path_factory.mktemp("nb") / "demo.ipynb", CELLS)
    first = run_tool(path)
    assert first.returncode == 0, first.stderr
    after_first = path.read_bytes()
    second = run_tool(path)
    assert second.returncode == 0, second.stderr
    return path, after_first, path.read_bytes()


def test_rerun_of_unchanged_notebook_is_byte_identical(executed):
    _, first, second = executed
    assert first == second


def test_widget_ids_are_renumbered_everywhere(executed):
    path, _, _ = executed
    nb = json.loads(path.read_text())
    state = nb["metadata"]["widgets"][STATE]["state"]
    assert len(state) > 10
    expected_ids = set(run_notebook.deterministic_ids(list(range(len(state))), "demo").values())
    assert set(state) == expected_ids
    text = path.read_text()
    # Every 32-hex id in the file is one of the renumbered ids (no stray UUID left).
    assert set(UUID_HEX.findall(text)) <= expected_ids
    views = [o["data"][VIEW]["model_id"] for c in nb["cells"] for o in c.get("outputs", [])
             if VIEW in o.get("data", {})]
    assert len(views) == 1 and views[0] in state
    refs = set(re.findall(r"IPY_MODEL_([0-9a-f]{32})", json.dumps(state)))
    assert refs and refs <= set(state)


def test_timing_stripped_counts_sequential_alt_copied(executed):
    path, _, _ = executed
    nb = json.loads(path.read_text())
    cells = nb["cells"]
    assert all("execution" not in c["metadata"] for c in cells)
    assert [c["execution_count"] for c in cells] == [1, 2, 3, 4, 5]
    assert cells[3]["metadata"]["mystnb"]["image"]["alt"] == "The word line."
    assert "".join(cells[2]["outputs"][0]["data"]["text/plain"]) == "Explorer('two': a (3) x b (2) = 6 frames)"
    assert check_notebooks.check_notebook(path) == []


def test_failed_execution_leaves_the_file_untouched(tmp_path):
    path = write_notebook(tmp_path / "bad.ipynb", ["x = 1", "raise RuntimeError('boom')"])
    before = path.read_bytes()
    result = run_tool(path)
    assert result.returncode == 1
    assert "execution failed" in result.stderr
    assert path.read_bytes() == before


def test_a_timing_claim_that_fails_stops_the_recording(tmp_path):
    """run_notebook's kernel records (CONVKIT_RECORDING=1): check_claim raises there, and nothing is written."""
    path = write_notebook(tmp_path / "claim.ipynb", [
        "from convkit.timing import check_claim, recording\nprint(recording())",
        "check_claim('the merged layer is faster', False, '3 ms against 2 ms')"])
    before = path.read_bytes()
    result = run_tool(path)
    assert result.returncode == 1
    assert "do not show that the merged layer is faster (3 ms against 2 ms)" in result.stderr
    assert path.read_bytes() == before


def test_two_different_alt_texts_in_one_cell_are_refused():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show(a); show(b)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "a"}, metadata={"convkit_alt": "A"}),
                    nbformat.v4.new_output("display_data", data={"text/plain": "b"}, metadata={"convkit_alt": "B"})]
    nb.cells = [cell]
    with pytest.raises(ValueError, match="one figure per cell"):
        run_notebook.copy_alt_text(nb)


# ------------------------------------------------------------- the checker
def problems_after(executed, mutate):
    path, _, _ = executed
    nb = json.loads(path.read_text())
    nb = copy.deepcopy(nb)
    mutate(nb)
    return check_notebooks.check_notebook_dict(nb)


def test_checker_flags_missing_widget_state(executed):
    problems = problems_after(executed, lambda nb: nb["metadata"].pop("widgets"))
    assert any("stores no widget state" in p for p in problems)


def test_checker_flags_view_without_model(executed):
    def drop_root(nb):
        view = nb["cells"][2]["outputs"][0]["data"][VIEW]["model_id"]
        del nb["metadata"]["widgets"][STATE]["state"][view]
    problems = problems_after(executed, drop_root)
    assert any("has no stored state" in p for p in problems)


def test_checker_flags_dangling_reference(executed):
    def drop_child(nb):
        state = nb["metadata"]["widgets"][STATE]["state"]
        view = nb["cells"][2]["outputs"][0]["data"][VIEW]["model_id"]
        referenced = re.findall(r"IPY_MODEL_([0-9a-f]{32})", json.dumps(state[view]))
        del state[referenced[0]]
    problems = problems_after(executed, drop_child)
    assert any("reference to missing model" in p for p in problems)


def test_checker_flags_unexecuted_cells_and_missing_outputs(executed):
    def clear(nb):
        for cell in nb["cells"]:
            cell["outputs"] = []
            cell["execution_count"] = None
    problems = problems_after(executed, clear)
    assert any("no outputs at all" in p for p in problems)
    assert sum("not executed" in p for p in problems) == len(CELLS)


def test_checker_flags_errors_timing_and_missing_alt(executed):
    def spoil(nb):
        nb["cells"][4]["outputs"].append({"output_type": "error", "ename": "ValueError", "evalue": "x",
                                          "traceback": []})
        nb["cells"][0]["metadata"]["execution"] = {"iopub.status.busy": "2024-01-01"}
        del nb["cells"][3]["metadata"]["mystnb"]
    problems = problems_after(executed, spoil)
    assert any("error output ValueError" in p for p in problems)
    assert any("timing metadata" in p for p in problems)
    assert any("alt text" in p for p in problems)


def test_checker_accepts_tagged_exceptions_and_skipped_cells(executed):
    def tag(nb):
        nb["cells"][4]["outputs"].append({"output_type": "error", "ename": "ValueError", "evalue": "x",
                                          "traceback": []})
        nb["cells"][4]["metadata"]["tags"] = ["raises-exception"]
        nb["cells"].append({"cell_type": "code", "source": "slow()", "metadata": {"tags": ["skip-execution"]},
                            "outputs": [], "execution_count": None})
    assert problems_after(executed, tag) == []


def test_checker_command_exit_status(executed, tmp_path):
    path, _, _ = executed
    good = subprocess.run([sys.executable, str(TOOLS / "check_notebooks.py"), str(path)],
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stdout
    write_notebook(tmp_path / "never_run.ipynb", ["1 + 1"])
    result = subprocess.run([sys.executable, str(TOOLS / "check_notebooks.py"), str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "never_run.ipynb" in result.stdout


def test_checker_flags_undrawn_explorer_frames(executed):
    """A notebook recorded with CONVKIT_EXPLORER_FRAMES=first would publish placeholders."""
    def undraw(nb):
        state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
        frame = next(m for m in state.values() if "<img" in str(m["state"].get("value", "")))
        frame["state"]["value"] = "<em>frame not drawn (CONVKIT_EXPLORER_FRAMES=first)</em>"
    assert problems_after(executed, lambda nb: None) == []
    problems = problems_after(executed, undraw)
    assert any("1 explorer frame(s) not drawn" in p for p in problems), problems


def test_tools_share_the_alt_text_key_of_convkit():
    """The alt text run_notebook copies is stored under convkit.plotting.show's key."""
    import notebook_format
    from convkit.explorer import FRAMES_VARIABLE
    from convkit.plotting.render import ALT_METADATA_KEY

    assert notebook_format.ALT_METADATA_KEY == ALT_METADATA_KEY
    assert notebook_format.FRAMES_VARIABLE == FRAMES_VARIABLE
    assert run_notebook.ALT_METADATA_KEY is check_notebooks.ALT_METADATA_KEY


def test_model_refs_finds_nested_references_in_sorted_key_order():
    import notebook_format

    state = {"b": ["IPY_MODEL_x", {"z": "IPY_MODEL_y", "a": "not a ref"}], "a": "IPY_MODEL_w"}
    assert notebook_format.model_refs(state) == ["w", "x", "y"]


def test_adjacent_streams_are_joined_in_order():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stdout", text="b\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warn\n"),
        nbformat.v4.new_output("stream", name="stdout", text="c\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text="d\n"),
    ]
    nb.cells = [cell]
    run_notebook.coalesce_streams(nb)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in nb.cells[0].outputs] == [
        ("stream", "stdout", "a\nb\n"),
        ("stream", "stderr", "warn\n"),
        ("stream", "stdout", "c\n"),
        ("execute_result", None, None),
        ("stream", "stdout", "d\n"),
    ]
