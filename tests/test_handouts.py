"""Tests of tools/make_handouts.py: no solution survives, handouts run.

The generator is tested on a synthetic chapter written here in the exercise
form of CONTRIBUTING.md, and on every chapter in chapters/.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import make_handouts  # tools/ is on the pytest pythonpath (pyproject.toml)
from output_reruns import OUTPUTS_ONLY  # tests/ is on the pytest pythonpath
import notebook_cells

REPO = Path(__file__).resolve().parents[1]


CHAPTERS = sorted((REPO / "chapters").glob("*.ipynb"))


# ---------------------------------------------------------------------------
# A synthetic chapter in the CONTRIBUTING form
# ---------------------------------------------------------------------------

SOLUTION_CODE = '''\
def conv_output_size(i, k, s=1, p=0, d=1):
    """Number of positions of a kernel along one axis.

    Parameters
    ----------
    i, k, s, p, d : int
        Input size, kernel size, stride, padding per side, dilation.
    """
    # Hint: the dilated kernel spans d * (k - 1) + 1 input pixels.
    span = d * (k - 1) + 1
    room = i + 2 * p - span
    return room // s + 1


print("worked example:", conv_output_size(7, 3, 2, 1))
'''

CONCEPT_SOLUTION_TEXT = "A stride of two halves the output because every second position is skipped."


def _tagged(cell, *tags):
    cell.metadata["tags"] = list(tags)
    return cell


def synthetic_chapter() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("(ch-arithmetic)=\n# 3. Convolution arithmetic\n\n```{admonition} Objectives\n"
                          ":class: tip\nCount output pixels.\n```"),
        new_code_cell("import numpy as np\nprint(np.arange(3))", execution_count=1,
                      outputs=[new_output("stream", name="stdout", text="[0 1 2]\n")]),
        new_markdown_cell("## Exercises"),
        # a conceptual exercise
        new_markdown_cell("```{exercise-start}\n:label: ch03-stride\n```\n\n**Stride.** What does a stride of 2 do?"),
        new_markdown_cell("```{exercise-end}\n```"),
        _tagged(new_markdown_cell("```{solution-start} ch03-stride\n:class: dropdown\n```"), "solution"),
        _tagged(new_markdown_cell(CONCEPT_SOLUTION_TEXT), "solution"),
        _tagged(new_code_cell("halved = [conv_size // 2 for conv_size in range(8, 12)]\nprint(halved)",
                              execution_count=2,
                              outputs=[new_output("stream", name="stdout", text="[4, 4, 5, 5]\n")]), "solution"),
        _tagged(new_markdown_cell("```{solution-end}\n```"), "solution"),
        # the coding exercise
        new_markdown_cell("```{exercise-start} Output size\n:label: ch03-output-size\n```"),
        new_markdown_cell("Write `conv_output_size(i, k, s=1, p=0, d=1)`."),
        new_markdown_cell("```{exercise-end}\n```"),
        _tagged(new_markdown_cell("```{solution-start} ch03-output-size\n:class: dropdown\n```"), "solution"),
        _tagged(new_markdown_cell("The span of the kernel decides how much room is left for sliding it."),
                "solution"),
        _tagged(new_code_cell(SOLUTION_CODE, execution_count=3,
                              outputs=[new_output("stream", name="stdout", text="worked example: 4\n")]),
                "solution"),
        _tagged(new_markdown_cell("```{solution-end}\n```"), "solution"),
        _tagged(new_code_cell('from convkit.checking import check\ncheck(conv_output_size, "ch03-output-size")',
                              execution_count=4,
                              outputs=[new_output("stream", name="stdout",
                                                  text="ch03-output-size: all 10 hidden cases pass.\n")]),
                "check"),
        # a stray solution cell and an old-style solution directive
        _tagged(new_markdown_cell("Stray note: the answer is forty-two, computed the long way."), "solution"),
        new_markdown_cell("Some text before.\n\n````{solution} ch03-stride\n:class: dropdown\n"
                          "The secret answer lives in a non-gated directive.\n````\n\nSome text after."),
        new_markdown_cell("## References"),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2,
                                                                             "version_minor": 0}}
    for number, cell in enumerate(nb.cells):
        cell.id = f"cell-{number}"
    nbformat.validate(nb)
    return nb


# ---------------------------------------------------------------------------
# Helpers: what a solution is made of
# ---------------------------------------------------------------------------


def _is_solution(cell) -> bool:
    return "solution" in cell.get("metadata", {}).get("tags", [])


def _statements(source: str, skip_docstrings: bool = True) -> set[str]:
    """ast.dump of every statement in the code, at any depth, except function
    definitions themselves (their signature and docstring are handed out),
    docstrings and imports."""
    text = "\n".join("" if re.match(r"^\s*[%!]", line) else line for line in source.splitlines())
    found = set()
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.stmt) or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                 ast.Import, ast.ImportFrom)):
            continue
        if (skip_docstrings and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            continue
        found.add(ast.dump(node))
    return found


def _code_statements(nb, keep) -> set[str]:
    out = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and keep(cell):
            out |= _statements(cell.source)
    return out


def _markdown_lines(nb, keep) -> list[str]:
    """Lines of markdown worth searching for (not directive fences or options)."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and keep(cell):
            for line in cell.source.splitlines():
                line = line.strip()
                if len(line) >= 20 and not line.startswith(("```", ":::", ":")):
                    lines.append(line)
    return lines


def assert_no_solution_left(original, handout):
    """Nothing of any solution's code or text is in the handout (beyond what the
    chapter shows outside its solutions anyway)."""
    solution_code = _code_statements(original, _is_solution)
    elsewhere = _code_statements(original, lambda c: not _is_solution(c))
    handout_code = _code_statements(handout, lambda c: True)
    leaked = (solution_code & handout_code) - elsewhere
    assert not leaked, f"solution statements in the handout: {sorted(leaked)}"
    handout_text = "\n".join(c.source for c in handout.cells)
    for line in _markdown_lines(original, _is_solution):
        assert line not in handout_text, f"solution text in the handout: {line!r}"
    assert not any(_is_solution(c) for c in handout.cells)
    assert not re.search(r"\{solution(-start|-end)?\}", handout_text)


# ---------------------------------------------------------------------------
# The synthetic chapter
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def handout():
    original = synthetic_chapter()
    result, stats = make_handouts.make_handout(original)
    return original, result, stats


def test_no_solution_survives(handout):
    original, result, stats = handout
    assert_no_solution_left(original, result)
    text = "\n".join(c.source for c in result.cells)
    assert CONCEPT_SOLUTION_TEXT not in text
    assert "forty-two" not in text
    assert "secret answer" not in text
    assert "room // s" not in text and "span = " not in text
    assert "worked example" not in text
    assert stats.solutions == ["ch03-stride", "ch03-output-size"]
    assert stats.stubs == ["conv_output_size"]
    assert stats.stray_solution_cells == 1


def test_the_assertion_would_catch_a_leak():
    """The leak detector itself fails when one statement of a solution is left behind."""
    original = synthetic_chapter()
    result, _ = make_handouts.make_handout(original)
    result.cells.append(new_code_cell("room = i + 2 * p - span"))
    with pytest.raises(AssertionError, match="solution statements"):
        assert_no_solution_left(original, result)


def test_stub_keeps_signature_docstring_and_hint(handout):
    original, result, _ = handout
    stubs = [c for c in result.cells if c.cell_type == "code" and "stub" in c.metadata.get("tags", [])]
    assert len(stubs) == 1
    (stub,) = stubs
    tree = ast.parse(stub.source)
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    (reference,) = [n for n in ast.parse(SOLUTION_CODE).body if isinstance(n, ast.FunctionDef)]
    assert function.name == "conv_output_size"
    assert ast.dump(function.args) == ast.dump(reference.args)
    assert ast.get_docstring(function) == ast.get_docstring(reference)
    assert "# Hint: the dilated kernel spans d * (k - 1) + 1 input pixels." in stub.source
    body = function.body[1:]
    assert len(body) == 1 and isinstance(body[0], ast.Raise)
    assert body[0].exc.func.id == "NotImplementedError"
    assert stub.outputs == [] and stub.execution_count is None
    position = result.cells.index(stub)
    assert result.cells[position + 1].source == make_handouts.STUB_NOTE
    assert "check" in result.cells[position + 2].metadata.get("tags", [])


def test_conceptual_exercise_gets_an_answer_cell(handout):
    _, result, _ = handout
    ids = [c.id for c in result.cells]
    assert "ch03-stride-answer" in ids and "ch03-stride-working" in ids
    working = result.cells[ids.index("ch03-stride-working")]
    assert working.outputs == [] and working.execution_count is None


def test_check_cells_kept_with_outputs_cleared(handout):
    original, result, stats = handout
    checks = [c for c in result.cells if "check" in c.metadata.get("tags", [])]
    assert len(checks) == stats.checks == 1
    assert checks[0].source == original.cells[16].source
    assert checks[0].outputs == [] and checks[0].execution_count is None


def test_everything_else_is_kept(handout):
    original, result, _ = handout
    assert result.metadata == original.metadata
    assert result.cells[0] == original.cells[0]
    assert result.cells[1] == original.cells[1]  # outputs of ordinary cells stay
    text = "\n".join(c.source for c in result.cells)
    assert "**Exercise** (`ch03-stride`)\n\n**Stride.** What does a stride of 2 do?" in text
    assert "**Exercise: Output size** (`ch03-output-size`)" in text
    assert "Write `conv_output_size(i, k, s=1, p=0, d=1)`." in text
    assert "Some text before.\n\nSome text after." in text
    assert "exercise-start" not in text and "exercise-end" not in text
    nbformat.validate(result)


def test_input_untouched_and_output_deterministic():
    original = synthetic_chapter()
    before = nbformat.writes(original)
    first, _ = make_handouts.make_handout(original)
    second, _ = make_handouts.make_handout(copy.deepcopy(original))
    assert nbformat.writes(original) == before
    assert nbformat.writes(first) == nbformat.writes(second)


@pytest.mark.parametrize("broken, message", [
    (lambda nb: nb.cells.pop(15), "has no solution-end"),
    (lambda nb: nb.cells.pop(12), "solution-end without a solution-start"),
    (lambda nb: nb.cells.pop(8), "inside the unclosed solution 'ch03-stride'"),
])
def test_malformed_blocks_are_refused(broken, message):
    nb = synthetic_chapter()
    broken(nb)
    with pytest.raises(make_handouts.HandoutError, match=message):
        make_handouts.make_handout(nb)


def test_solution_that_does_not_parse_is_refused():
    nb = synthetic_chapter()
    nb.cells[14].source = "def broken(:\n    pass"
    with pytest.raises(make_handouts.HandoutError, match="does not parse"):
        make_handouts.make_handout(nb)


def test_stub_of_one_line_and_multi_line_signatures():
    source = (
        "import numpy as np\n"
        "from math import floor as fl\n"
        "def half(x: np.ndarray): return x / 2  # Hint: divide\n\n"
        "def both(\n    a,\n    b=fl(2.5),\n):\n    return a + b\n"
    )
    stub, names = make_handouts.stub_source([source])
    assert names == ["half", "both"]
    assert "import numpy as np" in stub and "from math import floor as fl" in stub
    assert "return" not in stub and "x / 2" not in stub and "a + b" not in stub
    assert "# Hint: divide" in stub
    namespace = {}
    exec(stub, namespace)
    with pytest.raises(NotImplementedError):
        namespace["half"](1)
    with pytest.raises(NotImplementedError):
        namespace["both"](1)


def test_student_markdown_and_new_cell_id():
    # tools/notebook_cells.py, shared by the handouts and the nbgrader course
    text = "Intro.\n\n```{solution} ex-1\nThe answer.\n```\n\nOutro."
    assert notebook_cells.student_markdown(text) == "Intro.\n\nOutro."
    assert notebook_cells.student_markdown("```{solution-start} ex-1\n```") == "```{solution-start} ex-1\n```"
    assert notebook_cells.student_markdown("```{solution} ex-1\nonly this\n```") == ""
    heading = "::::{exercise-start} Strides\n:label: ex-strides\n::::\nCount them.\n::::{exercise-end}\n::::"
    assert notebook_cells.student_markdown(heading) == "**Exercise: Strides** (`ex-strides`)\nCount them."
    plain = "No directive here."
    assert notebook_cells.student_markdown(plain) is plain
    nb = new_notebook(cells=[new_markdown_cell("a"), new_markdown_cell("b")])
    nb.cells[0].id, nb.cells[1].id = "ex-1-stub", "ex-1-stub-2"
    assert notebook_cells.new_cell_id(nb, "ex 1/stub") == "ex-1-stub-3"
    assert notebook_cells.new_cell_id(nb, "ex-2-stub") == "ex-2-stub"


def test_command_line(tmp_path, capsys):
    chapter = tmp_path / "03_synthetic.ipynb"
    nbformat.write(synthetic_chapter(), chapter)
    out = tmp_path / "out"
    assert make_handouts.main([str(chapter), "--out", str(out)]) == 0
    written = nbformat.read(out / chapter.name, as_version=4)
    assert not any(_is_solution(c) for c in written.cells)
    assert "stubs for conv_output_size" in capsys.readouterr().out
    assert make_handouts.main([str(tmp_path / "missing.ipynb"), "--out", str(out)]) == 1
    assert "no such notebook" in capsys.readouterr().err


def _execute(nb, cwd: Path):
    """Run ``nb`` in a fresh kernel in ``cwd``, for its outputs only (tests/output_reruns.py)."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute(env={**os.environ, **OUTPUTS_ONLY})
    return nb


def _check_outputs(nb) -> list[str]:
    texts = []
    for cell in nb.cells:
        if "check" in cell.metadata.get("tags", []):
            texts.append("".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
                         + "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs
                                   if o.output_type == "execute_result"))
    return texts


@pytest.mark.slow
def test_synthetic_handout_executes_and_reports_not_implemented(tmp_path):
    chapter = tmp_path / "03_synthetic.ipynb"
    nbformat.write(synthetic_chapter(), chapter)
    assert make_handouts.main([str(chapter), "--out", str(tmp_path / "out")]) == 0
    executed = make_handouts.execute(tmp_path / "out" / chapter.name)  # what --execute runs
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    (report,) = _check_outputs(executed)
    assert "ch03-output-size: not yet implemented" in report
    assert "CheckResult('ch03-output-size', not implemented, 0/10 cases)" in report


# ---------------------------------------------------------------------------
# The real chapters
# ---------------------------------------------------------------------------


@pytest.mark.skipif(not CHAPTERS, reason="no chapter in chapters/ yet")
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_handout_has_no_solution(path):
    original = nbformat.read(path, as_version=4)
    result, stats = make_handouts.make_handout(original)
    assert_no_solution_left(original, result)
    checks = [c for c in original.cells if "check" in c.metadata.get("tags", [])]
    assert stats.checks == len(checks)
    assert len(stats.stubs) >= len(checks), "every checked exercise needs a stubbed function"


@pytest.mark.slow
@pytest.mark.skipif(not CHAPTERS, reason="no chapter in chapters/ yet")
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_handout_executes_cleanly(path, tmp_path):
    """The whole handout runs where the chapter runs, and every check cell reports its
    stub as not yet implemented. (One run per chapter: a shorter run of only the
    setup and exercise cells checked nothing this one does not.)"""
    result, stats = make_handouts.make_handout(nbformat.read(path, as_version=4))
    executed = _execute(result, path.parent)  # run where the chapter runs (relative paths)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, json.dumps(errors[0], default=str)[:2000]
    reports = _check_outputs(executed)
    assert len(reports) == stats.checks >= 1
    for report in reports:
        assert "not yet implemented" in report, report
