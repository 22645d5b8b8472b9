"""The engine of the automatic checks: cases, diagnoses, the report.

A chapter's check cell runs ``check(student_function, "ch03-output-size")``.
The student's function is called on several cases that the notebook does not
show (small integers, odd sizes, strides, float32 and float64, ...), and each
result is compared with convkit's own implementation. The report says which
case failed and how (wrong shape, which entry differs and by how much, which
exception was raised, and, for the usual mistakes, what the likely cause is),
but it never prints the reference result itself.

Adding an exercise for a new chapter takes one :func:`register_exercise` call
in that chapter's module of :mod:`convkit.checking.exercises`: a reference
function, a function that builds the hidden cases from a seeded generator, and
optional diagnoses (plausible wrong answers with the hint to print when a
student's result matches one).

Examples
--------
>>> from convkit.checking import check
>>> def conv_output_size(i, k, s=1, p=0, d=1):
...     return (i + 2 * p - d * (k - 1) - 1) // s + 1
>>> result = check(conv_output_size, "ch03-output-size")
ch03-output-size: all 10 hidden cases pass.
>>> result.passed
True
"""

from __future__ import annotations

import difflib
import numbers
import signal
import threading
import traceback
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

__all__ = [
    "Case",
    "CheckResult",
    "Diagnosis",
    "Exercise",
    "EXERCISES",
    "check",
    "register_exercise",
]

PASSED = "passed"
FAILED = "failed"
NOT_IMPLEMENTED = "not implemented"
TIME_LIMIT = 5.0
"""Seconds one case may run before :func:`check` stops it and reports a failure."""

VISIBLE_CASES = 2
"""How many of an exercise's cases an nbgrader release shows the student (``part="visible"``)."""

_PARTS = ("all", "visible", "hidden")
_SHOWN_FAILURES = 3  # the report details this many failing cases; .failures holds all


# ---------------------------------------------------------------------------
# The registry's building blocks
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hidden test case: the arguments passed to the student's function.

    Parameters
    ----------
    args : tuple
        Positional arguments, in the order of the exercise's ``arg_names``.
    label : str
        What the case exercises, shown when it fails ("odd sizes",
        "stride 2", ...).
    kwargs : dict, optional
        Keyword arguments, for exercises whose signature has options.
    """

    args: tuple
    label: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Diagnosis:
    """A plausible wrong answer and the hint shown when a student produces it.

    Parameters
    ----------
    wrong : callable
        Takes the case's arguments and returns what the mistaken version
        computes. It may raise (for example on shapes where the mistake
        cannot happen); the diagnosis is then skipped for that case.
    message : str
        The hint, a sentence about the likely cause ("you computed the
        cross-correlation: flip the kernel first").
    """

    wrong: Callable[..., Any]
    message: str


@dataclass(frozen=True)
class Exercise:
    """A registered coding exercise.

    Parameters
    ----------
    exercise_id : str
        The sphinx-exercise label of the exercise, e.g. ``"ch03-output-size"``.
    function_name : str
        The name of the function the student writes.
    arg_names : tuple of str
        Names of the positional arguments, used to describe a failing case.
    reference : callable
        The correct implementation (normally from convkit), called with the
        case's arguments.
    make_cases : callable
        ``make_cases(rng) -> list of Case``, with ``rng`` a seeded
        ``numpy.random.Generator``, so the cases are the same on every run.
    diagnoses : tuple of Diagnosis
        Plausible wrong answers, tried in order on a failing case.
    """

    exercise_id: str
    function_name: str
    arg_names: tuple[str, ...]
    reference: Callable[..., Any]
    make_cases: Callable[[np.random.Generator], list[Case]]
    diagnoses: tuple[Diagnosis, ...] = ()

    def cases(self) -> list[Case]:
        """The exercise's hidden cases, identical on every call.

        Returns
        -------
        list of Case
            Built by ``make_cases`` from a generator seeded by the exercise id.
        """
        seed = zlib.crc32(self.exercise_id.encode("utf-8"))
        return list(self.make_cases(np.random.default_rng(seed)))


EXERCISES: dict[str, Exercise] = {}
"""Every registered exercise, by exercise id."""


def register_exercise(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to :data:`EXERCISES` (an id may be registered once).

    Parameters
    ----------
    exercise : Exercise
        The exercise to register.

    Returns
    -------
    Exercise
        The same exercise, so the call can be used as an expression.

    Raises
    ------
    TypeError
        If ``exercise`` is not an :class:`Exercise`.
    ValueError
        If an exercise with the same id is already registered.
    """
    if not isinstance(exercise, Exercise):
        raise TypeError(f"exercise must be an Exercise, got {type(exercise).__name__}")
    if exercise.exercise_id in EXERCISES:
        raise ValueError(f"exercise_id {exercise.exercise_id!r} is already registered")
    EXERCISES[exercise.exercise_id] = exercise
    return exercise


# ---------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class CheckResult:
    """What :func:`check` found, usable in tests and in notebooks.

    Attributes
    ----------
    exercise_id : str
        The exercise that was checked.
    status : str
        ``"passed"``, ``"failed"`` or ``"not implemented"``.
    n_cases : int
        Number of hidden cases.
    n_passed : int
        Number of cases the student's function got right.
    failures : tuple of str
        One message per failing case (empty when every case passes).
    report : str
        The full text that :func:`check` prints.
    """

    exercise_id: str
    status: str
    n_cases: int
    n_passed: int
    failures: tuple[str, ...]
    report: str

    @property
    def passed(self) -> bool:
        """True when every hidden case passes."""
        return self.status == PASSED

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        # Short and stable: the check cell's output is compared by nbval.
        return (
            f"CheckResult({self.exercise_id!r}, {self.status}, "
            f"{self.n_passed}/{self.n_cases} cases)"
        )


# ---------------------------------------------------------------------------
# Comparing one result
# ---------------------------------------------------------------------------


def _describe_value(name: str, value: Any) -> str:
    """A short description of an argument that does not show array contents."""
    if isinstance(value, np.ndarray):
        return f"{name} of shape {value.shape} ({value.dtype})"
    if isinstance(value, (numbers.Number, str)) or value is None:
        return f"{name}={value!r}"
    return f"{name} ({type(value).__name__})"


def _describe_case(exercise: Exercise, index: int, case: Case) -> str:
    parts = [_describe_value(n, v) for n, v in zip(exercise.arg_names, case.args)]
    parts += [_describe_value(n, v) for n, v in case.kwargs.items()]
    return f"case {index} ({case.label}; {', '.join(parts)})"


def _copy_args(case: Case) -> tuple[tuple, dict]:
    """Fresh copies, so that nothing a function does in place leaks between calls."""
    args = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in case.args)
    kwargs = {k: (np.copy(v) if isinstance(v, np.ndarray) else v) for k, v in case.kwargs.items()}
    return args, kwargs


class CaseTimeout(Exception):
    """A student's function ran past the time limit of one case."""


def _call_with_limit(fn: Callable, args: tuple, kwargs: dict, limit: float | None) -> Any:
    """``fn(*args, **kwargs)``, stopped with :class:`CaseTimeout` after ``limit`` seconds.

    In the main thread on Unix (a notebook kernel, nbgrader's autograder) a
    ``SIGALRM`` timer interrupts the function itself, so nothing keeps
    running. Elsewhere (Windows, another thread) the call runs in a daemon
    thread that is abandoned when the limit passes: the case is reported as
    failed, but Python cannot stop that thread, which keeps its CPU until the
    process ends. A subprocess would stop it, but notebook-defined functions
    cannot be pickled into one.
    """
    if not limit:
        return fn(*args, **kwargs)
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        def _alarm(signum, frame):
            raise CaseTimeout
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return fn(*args, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    box: dict[str, Any] = {}

    def _run():
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=_run, daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        raise CaseTimeout
    if "error" in box:
        raise box["error"]
    return box["value"]


def _tolerances(case: Case) -> tuple[float, float]:
    """(rtol, atol per unit of magnitude) for a case, from its least precise float input."""
    dtypes = [a.dtype for a in (*case.args, *case.kwargs.values()) if isinstance(a, np.ndarray)]
    if any(d == np.float32 or d == np.float16 for d in dtypes):
        return 1e-4, 1e-5
    if any(d.kind == "f" for d in dtypes):
        return 1e-6, 1e-9
    return 1e-9, 1e-9  # integer inputs: the answer is exact


def _as_numbers(value: Any) -> np.ndarray | None:
    """The student's result as a float64 array, or None if it is not numeric."""
    try:
        array = np.asarray(value)
    except Exception:  # ragged lists and other oddities
        return None
    if array.dtype.kind not in "iufb":
        return None
    return array.astype(np.float64)


def _within_tolerance(got: np.ndarray, expected: np.ndarray, rtol: float,
                      atol: float) -> np.ndarray:
    """Entrywise: is ``got`` within the tolerance around ``expected`` (arrays of one shape)?"""
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    return np.abs(got - expected) <= atol * scale + rtol * np.abs(expected)


def _same_answer(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> bool:
    if got.shape != expected.shape:
        return False
    return bool(np.all(_within_tolerance(got, expected, rtol, atol)))


def _format_number(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.4g}"


def _compare(got_raw: Any, expected_raw: Any, case: Case, scalar: bool) -> str | None:
    """None if the student's result matches, else a sentence saying how it differs."""
    if got_raw is None:
        return "returned None: did you forget the return statement?"
    got = _as_numbers(got_raw)
    if got is None:
        return f"returned a {type(got_raw).__name__}, which is not a number or an array of numbers"
    expected = np.asarray(expected_raw, dtype=np.float64)
    if scalar and got.shape != ():
        return f"returned an array of shape {got.shape}, but the answer is a single number"
    if got.shape != expected.shape:
        return f"wrong shape: your result has shape {got.shape}, the expected shape is {expected.shape}"
    if not np.all(np.isfinite(got)):
        bad = int(np.count_nonzero(~np.isfinite(got)))
        return f"your result contains {bad} NaN or infinite value(s)"
    within = _within_tolerance(got, expected, *_tolerances(case))
    if np.all(within):
        return None
    diff = got - expected
    worst = np.unravel_index(int(np.argmax(np.abs(diff))), diff.shape)
    amount = float(diff[worst])
    direction = "too large" if amount > 0 else "too small"
    if scalar:
        return f"wrong value: your answer is {_format_number(abs(amount))} {direction}"
    return (
        f"values differ in {int(np.count_nonzero(~within))} of {within.size} entries; "
        f"the largest difference is at index {tuple(int(i) for i in worst)}, "
        f"where your value is {_format_number(abs(amount))} {direction}"
    )


def _diagnosis_matches(exercise: Exercise, case: Case, got_raw: Any, expected_raw: Any) -> list[str]:
    """For each diagnosis: "tells" if the student's result equals that mistake where
    the mistake differs from the right answer, "agrees" if it equals it where both
    coincide, "" otherwise (including when the mistake cannot be computed)."""
    got = _as_numbers(got_raw)
    expected = np.asarray(expected_raw, dtype=np.float64)
    rtol, atol = _tolerances(case)
    matches = []
    for diagnosis in exercise.diagnoses:
        args, kwargs = _copy_args(case)
        try:
            wrong = np.asarray(diagnosis.wrong(*args, **kwargs), dtype=np.float64)
        except Exception:  # the mistake is impossible for this case
            matches.append("")
            continue
        if got is None or not _same_answer(got, wrong, rtol, atol):
            matches.append("")
        elif _same_answer(wrong, expected, rtol, atol):
            matches.append("agrees")
        else:
            matches.append("tells")
    return matches


def _pick_hints(matches: list[list[str]]) -> list[str | None]:
    """One diagnosis index per case (or None), preferring the mistake that explains
    the student's results on the most cases, so the hints are consistent."""
    if not matches or not matches[0]:
        return [None] * len(matches)
    scores = [sum(1 for row in matches if row[d]) for d in range(len(matches[0]))]
    picks = []
    for row in matches:
        telling = [d for d, m in enumerate(row) if m == "tells"]
        picks.append(max(telling, key=lambda d: (scores[d], -d)) if telling else None)
    return picks


def _where_it_raised(exc: BaseException, student_fn: Callable) -> str:
    """' (line N of your function: <code>)' for the deepest frame in the student's file."""
    code = getattr(student_fn, "__code__", None)
    if code is None or exc.__traceback__ is None:
        return ""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == code.co_filename]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or "").strip()
    where = f"line {frame.lineno - code.co_firstlineno + 1} of {student_fn.__name__}"
    return f" (at {where}: {line})" if line else f" (at {where})"


# ---------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------


def _lookup(exercise_id: Any) -> Exercise:
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string, got {type(exercise_id).__name__}")
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        close = difflib.get_close_matches(exercise_id, list(EXERCISES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"exercise_id {exercise_id!r} is not a registered exercise{hint} "
            f"(known: {', '.join(sorted(EXERCISES))})"
        ) from None


def check(
    student_fn: Callable, exercise_id: str, *, verbose: bool = True, time_limit: float | None = TIME_LIMIT,
    part: str = "all",
) -> CheckResult:
    """Run a student's function on an exercise's hidden cases and report.

    Each case's arguments are passed as fresh copies to ``student_fn`` and to
    the reference implementation; the results are compared in shape and in
    value (float64, with a tolerance that depends on the inputs' dtype, so a
    float result for integer inputs is fine). Nothing the student's function
    raises escapes: an exception is reported as a failed case, and
    ``NotImplementedError`` (the handout's stub) as "not yet implemented".
    The report says how each failing case differs and, for the usual
    mistakes, the likely cause; it never prints the reference result.

    Parameters
    ----------
    student_fn : callable
        The function the student wrote, e.g. ``conv_output_size``.
    exercise_id : str
        The exercise's label, e.g. ``"ch03-output-size"`` (see
        :data:`EXERCISES`).
    verbose : bool, default True
        Print the report. The same text is in the result's ``report``.
    time_limit : float or None, default ``TIME_LIMIT``
        Seconds each case may run; a case that runs longer is stopped and
        reported as failed ("took longer than ..."). None: no limit.
    part : {"all", "visible", "hidden"}, default "all"
        Which cases to run: all of them (the chapters and handouts), the
        first ``VISIBLE_CASES`` (the test an nbgrader release shows the
        student), or the others (the hidden test the autograder adds back).
        Cases keep their numbers, so "case 3" is the same case in every part.

    Returns
    -------
    CheckResult
        ``.passed`` is True when every case passes; ``.failures`` holds one
        message per failing case.

    Raises
    ------
    TypeError
        If ``student_fn`` is not callable or ``exercise_id`` is not a string.
    ValueError
        If ``exercise_id`` is not registered, or ``part`` is not one of
        ``"all"``, ``"visible"``, ``"hidden"``.
    """
    exercise = _lookup(exercise_id)
    if not callable(student_fn):
        raise TypeError(f"student_fn must be a function, got {type(student_fn).__name__}")
    if part not in _PARTS:
        raise ValueError(f"part must be one of {', '.join(map(repr, _PARTS))}, got {part!r}")
    name = getattr(student_fn, "__name__", exercise.function_name)
    numbered_cases = list(enumerate(exercise.cases(), start=1))
    if part == "visible":
        numbered_cases = numbered_cases[:VISIBLE_CASES]
    elif part == "hidden":
        numbered_cases = numbered_cases[VISIBLE_CASES:]
    kind = {"all": "hidden", "visible": "visible", "hidden": "hidden"}[part]
    lines: list[str] = []
    status = PASSED

    raised: list[tuple[int, str]] = []  # (case number, message)
    returned: list[tuple[Case, Any, Any]] = []  # (case, student's result, reference result)
    wrong: list[tuple[int, str, int]] = []  # (case number, message, position in returned)
    for index, case in numbered_cases:
        args, kwargs = _copy_args(case)
        try:
            got = _call_with_limit(student_fn, args, kwargs, time_limit)
        except CaseTimeout:
            raised.append((index, (
                f"{_describe_case(exercise, index, case)}: took longer than {time_limit:g} s and was "
                "stopped (an endless loop, or far too much work); the remaining cases were not run"
            )))
            break
        except NotImplementedError:
            status = NOT_IMPLEMENTED
            break
        except Exception as exc:  # any mistake in the student's code is a failed case
            raised.append((index, (
                f"{_describe_case(exercise, index, case)}: raised "
                f"{type(exc).__name__}: {exc}{_where_it_raised(exc, student_fn)}"
            )))
            continue
        ref_args, ref_kwargs = _copy_args(case)
        expected = exercise.reference(*ref_args, **ref_kwargs)
        returned.append((case, got, expected))
        problem = _compare(got, expected, case, scalar=np.ndim(expected) == 0)
        if problem is not None:
            wrong.append((index, f"{_describe_case(exercise, index, case)}: {problem}.", len(returned) - 1))

    # Hints are chosen over every case that returned, passing ones included.
    picks = _pick_hints([_diagnosis_matches(exercise, *r) for r in returned]) if wrong else []
    numbered = list(raised)
    for index, message, row in wrong:
        if picks[row] is not None:
            message += f"\n    Likely cause: {exercise.diagnoses[picks[row]].message}"
        numbered.append((index, message))
    failures = [message for _, message in sorted(numbered)]

    if status == NOT_IMPLEMENTED:
        lines.append(
            f"{exercise.exercise_id}: not yet implemented ({name} raises "
            "NotImplementedError). Write the function above, run its cell, then run this check again."
        )
        n_passed = 0
    elif failures:
        status = FAILED
        n_passed = len(returned) - len(wrong)
        lines.append(
            f"{exercise.exercise_id}: {n_passed} of {len(numbered_cases)} {kind} cases pass; "
            f"{name} fails on {len(failures)}:"
        )
        lines.extend(f"  - {message}" for message in failures[:_SHOWN_FAILURES])
        if len(failures) > _SHOWN_FAILURES:
            lines.append(f"  ... and {len(failures) - _SHOWN_FAILURES} more failing case(s).")
        lines.append("Fix the first failing case, run your function's cell, then this check again.")
    else:
        n_passed = len(numbered_cases)
        lines.append(f"{exercise.exercise_id}: all {n_passed} {kind} cases pass.")

    report = "\n".join(lines)
    if verbose:
        print(report)
    return CheckResult(
        exercise_id=exercise.exercise_id,
        status=status,
        n_cases=len(numbered_cases),
        n_passed=n_passed,
        failures=tuple(failures),
        report=report,
    )
