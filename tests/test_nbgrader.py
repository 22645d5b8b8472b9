"""The nbgrader course of tools/make_nbgrader.py, graded end to end, and check()'s guards."""

from __future__ import annotations

import copy
import csv
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from convkit.checking import EXERCISES, check
from output_reruns import OUTPUTS_ONLY  # tests/ is on the pytest pythonpath
from convkit.checking.engine import CaseTimeout, _call_with_limit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import make_handouts  # noqa: E402
import make_nbgrader  # noqa: E402
import notebook_cells  # noqa: E402

CHAPTERS = ["03_arithmetic", "07_dilated", "12_shuffled_grouped"]


# ---------------------------------------------------------------------------
# check(): time limit, copies, noisy and raising functions
# ---------------------------------------------------------------------------


def test_check_stops_an_endless_loop_with_a_message():
    def conv_output_size(i, k, s=1, p=0, d=1):
        while True:
            pass

    start = time.monotonic()
    result = check(conv_output_size, "ch03-output-size", verbose=False, time_limit=0.5)
    assert time.monotonic() - start < 5
    assert result.status == "failed" and result.n_passed == 0
    assert "took longer than 0.5 s" in result.report


def test_time_limit_in_a_thread_also_stops_the_case():
    import threading

    box = {}

    def run():
        try:
            _call_with_limit(lambda: time.sleep(30), (), {}, 0.3)
        except CaseTimeout:
            box["stopped"] = True

    worker = threading.Thread(target=run)
    start = time.monotonic()
    worker.start()
    worker.join(10)
    assert box.get("stopped") and time.monotonic() - start < 5


def test_time_limit_returns_the_value_and_restores_the_alarm():
    import signal

    before = signal.getsignal(signal.SIGALRM) if hasattr(signal, "SIGALRM") else None
    assert _call_with_limit(lambda a, b=0: a + b, (1,), {"b": 2}, 1.0) == 3
    if hasattr(signal, "SIGALRM"):
        assert signal.getsignal(signal.SIGALRM) == before
        assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_mutating_inputs_does_not_leak_into_later_cases_or_the_reference():
    exercise = EXERCISES["ch07-dilated-conv1d"]
    seen = []

    def mutating(*args, **kwargs):
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        seen.append([a.copy() for a in arrays])
        expected = exercise.reference(*args, **kwargs)
        for a in arrays:
            a[...] = 0  # vandalise after computing the right answer
        return expected

    result = check(mutating, "ch07-dilated-conv1d", verbose=False)
    assert result.passed, result.report
    # every call saw the original inputs, not the zeros of the previous call
    assert all(np.any(a != 0) for call in seen for a in call if a.size and np.any(a))
    assert check(exercise.reference, "ch07-dilated-conv1d", verbose=False).passed


def test_wrong_dtype_shape_raising_and_printing_are_failed_cases(capsys):
    def wrong_shape(*args, **kwargs):
        print("x" * 100_000)
        return np.zeros((1, 2, 3))

    def raises(*args, **kwargs):
        raise RuntimeError("boom")

    def wrong_dtype(*args, **kwargs):
        return "not an array"

    for fn in (wrong_shape, raises, wrong_dtype):
        result = check(fn, "ch07-dilated-conv1d", verbose=False)
        assert result.status == "failed" and result.n_passed == 0, fn.__name__
        assert result.failures
    assert "RuntimeError: boom" in check(raises, "ch07-dilated-conv1d", verbose=False).report


# ---------------------------------------------------------------------------
# The generated course
# ---------------------------------------------------------------------------


def _course(tmp_path: Path) -> dict:
    paths = [REPO / "chapters" / f"{name}.ipynb" for name in CHAPTERS]
    return make_nbgrader.write_course(paths, tmp_path)


def _coding_ids(points: dict) -> list[str]:
    return [g[: -len("-test")] for g in points if g.endswith("-test")]


def test_every_coding_exercise_gets_a_locked_test_cell(tmp_path):
    totals = _course(tmp_path)
    assert (tmp_path / "nbgrader_config.py").read_text().count("ExecutePreprocessor.timeout") == 1
    for name in CHAPTERS:
        nb = nbformat.read(tmp_path / "source" / name / f"{name}.ipynb", as_version=4)
        tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
        assert tests and all(c.metadata["nbgrader"]["locked"] for c in tests)
        assert len(tests) == len(_coding_ids(totals[name]))
        assert all(EXERCISES.get(i) for i in _coding_ids(totals[name]))


def _solution_leaks(nb) -> list[str]:
    """Solution lines found in a release notebook (the handouts' check: no solution code)."""
    sources = [c.source for c in nb.cells]
    return [s for s in sources if "### BEGIN SOLUTION" in s or "### BEGIN HIDDEN TESTS" in s]


def _test_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]


def _visible_test_cells(nb) -> list:
    return [c for c in _test_cells(nb) if 'part="visible"' in c.source]


def _hidden_test_cells(nb) -> list:
    """Test cells holding a hidden part: between the markers, calling check(..., part="hidden")."""
    return [c for c in _test_cells(nb) if re.search(
        r"### BEGIN HIDDEN TESTS\n.*part=\"hidden\".*\n### END HIDDEN TESTS", c.source, flags=re.S)]


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), **OUTPUTS_ONLY)  # autograde's kernels inherit it
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True, timeout=600
    )


def _replace_solution(nb, exercise_id: str, source: str) -> None:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == f"{exercise_id}-solution":
            cell.source = source
            return
    raise AssertionError(f"no solution cell for {exercise_id}")


def _student_code(exercise_id: str, body: str) -> str:
    name = EXERCISES[exercise_id].function_name
    return textwrap.dedent(f"""\
        from convkit.checking import EXERCISES as _E
        def {name}(*args, **kwargs):
        """) + textwrap.indent(textwrap.dedent(body).format(id=exercise_id), "    ")


MISTAKE = "return _E[{id!r}].diagnoses[0].wrong(*args, **kwargs)\n"
LOOP = "while True:\n    pass\n"
MUTATE = """\
import numpy as _np
for _a in args:
    if isinstance(_a, _np.ndarray):
        _a += 1
return _E[{id!r}].reference(*args, **kwargs)
"""
# The "faulty" student's first coding exercise in each chapter; the second is the
# reference, so each grade also shows that one exercise's fault costs nothing else.
# Each kind of fault is graded once here; every exercise meets every kind in the
# unit tests (test_the_mistaken_submission_fails_each_check and
# test_every_exercise_fails_an_endless_loop_quickly_and_survives_mutation).
FAULTS = {"03_arithmetic": LOOP, "07_dilated": MUTATE, "12_shuffled_grouped": MISTAKE}


@pytest.mark.slow
def test_course_graded_end_to_end(tmp_path):
    """The three chapters as one course of three assignments and three students, from the
    course's source to the grades' CSV, with the commands an instructor runs.

    - "reference" submits the source (every solution): full marks;
    - "untouched" submits the release as handed out: zero;
    - "faulty" writes one fault into the first coding exercise (:data:`FAULTS`: an endless
      loop, input mutation, a diagnosed mistake) and the reference into the others: loses
      exactly the first exercise's points.

    One nbgrader command per step for the whole course (assignment ``"*"``); autograde runs
    each of the nine submissions once."""
    assert sorted(FAULTS) == sorted(CHAPTERS)
    totals = _course(tmp_path)
    students = ["reference", "untouched", "faulty"]
    (tmp_path / "students.csv").write_text("id\n" + "\n".join(students) + "\n")
    imported = _nbgrader(tmp_path, "db", "student", "import", "students.csv")
    assert imported.returncode == 0, imported.stderr[-2000:]
    done = _nbgrader(tmp_path, "generate_assignment", "*", "--force")
    assert done.returncode == 0, done.stderr[-2000:]
    ids = {}
    for name in CHAPTERS:
        release = tmp_path / "release" / name / f"{name}.ipynb"
        released = nbformat.read(release, as_version=4)
        assert not _solution_leaks(released), name
        assert _hidden_test_cells(released) == [], f"the release of {name} shows the hidden tests"
        ids[name] = _coding_ids(totals[name])
        assert len(_visible_test_cells(released)) == len(ids[name]) >= 2, name
        source = tmp_path / "source" / name / f"{name}.ipynb"
        faulty = nbformat.read(source, as_version=4)
        _replace_solution(faulty, ids[name][0], _student_code(ids[name][0], FAULTS[name]))
        subs = {"reference": nbformat.read(source, as_version=4), "untouched": released, "faulty": faulty}
        for student, nb in subs.items():
            folder = tmp_path / "submitted" / student / name
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{name}.ipynb")
    start = time.monotonic()
    graded = _nbgrader(tmp_path, "autograde", "*")
    assert graded.returncode == 0, graded.stderr[-3000:]
    print(f"autograde of {len(CHAPTERS)} assignments x {len(students)} students: "
          f"{time.monotonic() - start:.0f} s")
    # nbgrader's own check of a release: every test fails on the untouched notebook. It runs
    # the chapter once more and says what the "untouched" student's zero says, so one chapter.
    release = tmp_path / "release" / CHAPTERS[-1] / f"{CHAPTERS[-1]}.ipynb"
    valid = _nbgrader(tmp_path, "validate", "--invert", str(release))
    assert valid.stdout.count("Success! The notebook does not pass any tests.") == 1, valid.stdout[-3000:]
    assert _nbgrader(tmp_path, "export", "--to", "grades.csv").returncode == 0
    with open(tmp_path / "grades.csv") as f:
        rows = {(r["assignment"], r["student_id"]): float(r["score"]) for r in csv.DictReader(f)}
    assert len(rows) == len(CHAPTERS) * len(students)
    scores = _cell_scores(tmp_path)
    for name in CHAPTERS:
        auto = sum(p for g, p in totals[name].items() if g.endswith("-test"))
        first = ids[name][0]
        assert auto > 0
        assert rows[(name, "reference")] == auto, name
        assert rows[(name, "untouched")] == 0, name
        assert rows[(name, "faulty")] == auto - totals[name][f"{first}-test"], name
        for i in ids[name]:
            assert (scores[(name, "faulty", f"{i}-test")] == 0) == (i == first), (name, i)
            assert scores[(name, "reference", f"{i}-test")] == totals[name][f"{i}-test"], (name, i)


def _cell_scores(course: Path) -> dict:
    """``{(assignment, student, grade_id): score}`` from the gradebook."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for submission in gb.assignment_submissions(assignment.name):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        out[(assignment.name, submission.student.id, grade.name)] = grade.score
    return out


def test_the_leak_check_fires_on_a_notebook_with_solutions(tmp_path):
    totals = _course(tmp_path)
    name = CHAPTERS[0]
    source = nbformat.read(tmp_path / "source" / name / f"{name}.ipynb", as_version=4)
    assert _solution_leaks(source)  # the source (instructor) version holds solutions
    assert sum(totals[name].values()) > 0


def test_the_mistaken_submission_fails_each_check():
    # the "faulty" student of chapter 12 (end to end) loses points only because check() catches it
    for name in CHAPTERS:
        totals = make_nbgrader.make_source(nbformat.read(REPO / "chapters" / f"{name}.ipynb", as_version=4))[1]
        for exercise_id in _coding_ids(totals):
            wrong = EXERCISES[exercise_id].diagnoses[0].wrong
            assert not check(wrong, exercise_id, verbose=False).passed, exercise_id


def test_every_source_test_cell_has_a_hidden_part_and_the_check_can_fail(tmp_path):
    totals = _course(tmp_path)
    for name in CHAPTERS:
        source = nbformat.read(tmp_path / "source" / name / f"{name}.ipynb", as_version=4)
        assert len(_hidden_test_cells(source)) == len(_coding_ids(totals[name])) >= 2
        # the check notices a test cell whose hidden part was lost
        cell = _hidden_test_cells(source)[0]
        cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert len(_hidden_test_cells(source)) == len(_coding_ids(totals[name])) - 1


def _release_version(source: str) -> str:
    """What ``nbgrader generate_assignment`` leaves of a test cell (nbgrader's own preprocessor)."""
    from nbgrader.preprocessors import ClearHiddenTests

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.cells[0].metadata["nbgrader"] = _meta_test()
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    return nb.cells[0].source


def _meta_test() -> dict:
    return {"grade": True, "solution": False, "locked": True, "grade_id": "t", "points": 2, "schema_version": 3}


@pytest.mark.parametrize("exercise_id", ["ch03-output-size", "ch07-dilated-conv1d", "ch12-channel-shuffle"])
def test_hidden_tests_catch_a_function_fitted_to_the_visible_cases(exercise_id):
    from convkit.checking.engine import VISIBLE_CASES

    exercise = EXERCISES[exercise_id]
    calls = []

    def fitted(*args, **kwargs):  # right on the cases it was shown, a known mistake after
        calls.append(1)
        if len(calls) <= VISIBLE_CASES:
            return exercise.reference(*args, **kwargs)
        return exercise.diagnoses[0].wrong(*args, **kwargs)

    source = make_nbgrader.test_source(exercise.function_name, repr(exercise_id))
    release = _release_version(source)
    assert "HIDDEN" not in release and 'part="hidden"' not in release
    exec(release, {exercise.function_name: fitted})  # the student sees a pass
    calls.clear()
    with pytest.raises(AssertionError, match=rf"{exercise_id}: \d+ of \d+ hidden cases pass"):
        exec(source, {exercise.function_name: fitted})  # the autograder does not


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_exercise_fails_an_endless_loop_quickly_and_survives_mutation(exercise_id):
    exercise = EXERCISES[exercise_id]

    def loops(*args, **kwargs):
        while True:
            pass

    start = time.monotonic()
    result = check(loops, exercise_id, verbose=False, time_limit=0.2)
    assert time.monotonic() - start < 3
    assert not result.passed and "took longer than 0.2 s" in result.report

    def mutates(*args, **kwargs):
        answer = copy.deepcopy(exercise.reference(*args, **kwargs))  # not a view of what we vandalise
        for a in list(args) + list(kwargs.values()):
            if isinstance(a, np.ndarray) and a.flags.writeable:
                a[...] = 0 if a.dtype == bool else a + 1
        return answer

    # the student's vandalism reaches neither the reference nor the next case
    assert check(mutates, exercise_id, verbose=False).passed
    # and the next student's grade is the same as if nobody had mutated anything
    assert check(exercise.reference, exercise_id, verbose=False).passed


def test_every_chapter_grades_each_check_and_each_written_exercise():
    """No exercise is dropped: one test cell per check cell, one answer cell per other exercise."""
    for path in sorted((REPO / "chapters").glob("[0-9][0-9]_*.ipynb")):
        chapter = nbformat.read(path, as_version=4)
        checks = sum(notebook_cells.CHECK_TAG in notebook_cells.tags(c) for c in chapter.cells)
        exercises = len(make_handouts.solution_blocks(chapter))
        _, points = make_nbgrader.make_source(chapter)
        tests = [g for g in points if g.endswith("-test")]
        answers = [g for g in points if g.endswith("-answer")]
        assert len(tests) == checks >= 1, path.name
        assert len(tests) + len(answers) == exercises, (path.name, sorted(points))
