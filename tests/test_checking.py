"""Tests of convkit.checking: the references, the verdicts and the messages.

Right answers are written here independently of convkit; the references are
compared with torch.nn.functional; every wrong answer below is a mistake a
student plausibly makes, and the test asserts the hint it should get.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import convkit
from convkit.checking import EXERCISES, Case, CheckResult, Diagnosis, Exercise, check, register_exercise
from convkit.checking.exercises._cases import arrays, floats, ints

REPO = Path(__file__).resolve().parents[1]


def _t(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array))




# ---------------------------------------------------------------------------
# The references agree with PyTorch on every hidden case
# ---------------------------------------------------------------------------


def _torch_answer(exercise_id: str, args: tuple) -> np.ndarray | int:
    if exercise_id == "ch01-convolve1d":
        signal, kernel = args
        flipped = torch.flip(_t(kernel), dims=[0])
        return F.conv1d(_t(signal)[None, None], flipped[None, None])[0, 0].numpy()
    if exercise_id == "ch02-conv2d-multichannel":
        x, w, b = args
        return F.conv2d(_t(x)[None], _t(w), _t(b))[0].numpy()
    if exercise_id == "ch03-output-size":
        i, k, s, p, d = tuple(args) + (1, 0, 1)[len(args) - 2 :]  # fill in the defaults s=1, p=0, d=1
        out = F.conv1d(torch.zeros(1, 1, i), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d)
        return out.shape[-1]
    if exercise_id == "ch04-conv3d":
        v, k = args
        return F.conv3d(_t(v)[None, None], _t(k)[None, None])[0, 0].numpy()
    if exercise_id == "ch05-pointwise":
        x, w = args
        return F.conv2d(_t(x)[None], _t(w)[:, :, None, None])[0].numpy()
    raise AssertionError(f"no torch answer for {exercise_id}")


# Exercises added later (stretch exercises, chapters 6-13) are tested in their
# own files, tests/test_checking_chNN.py: reference against torch, a right and
# wrong answers. This file keeps the first exercise of each chapter.
CHAPTER_TEST_FILES = sorted(REPO.glob("tests/test_checking_ch[0-9][0-9].py"))


def _tested_in_a_chapter_file(exercise_id: str) -> bool:
    return any(f'"{exercise_id}"' in path.read_text(encoding="utf-8") for path in CHAPTER_TEST_FILES)


HERE = sorted(e for e in EXERCISES if not _tested_in_a_chapter_file(e))


@pytest.mark.parametrize("exercise_id", HERE)
def test_reference_matches_torch_on_every_case(exercise_id):
    exercise = EXERCISES[exercise_id]
    cases = exercise.cases()
    assert len(cases) >= 5
    for case in cases:
        got = exercise.reference(*case.args, **case.kwargs)
        expected = _torch_answer(exercise_id, case.args)
        assert np.shape(got) == np.shape(expected), case.label
        tol = 1e-5 if any(getattr(a, "dtype", None) == np.float32 for a in case.args) else 1e-12
        np.testing.assert_allclose(np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64),
                                   rtol=tol, atol=tol, err_msg=case.label)


def test_cases_are_deterministic():
    for exercise in EXERCISES.values():
        first, second = exercise.cases(), exercise.cases()
        for a, b in zip(first, second):
            for x, y in zip(a.args, b.args):
                np.testing.assert_array_equal(x, y)


def test_case_arrays_are_drawn_in_order_like_ints_and_floats():
    """The banks' ``arrays`` gives the arrays one ``ints`` or ``floats`` call each would, in order."""
    for dtype, draw in [(np.int64, ints), (np.float64, floats),
                        (np.float32, lambda rng, shape: floats(rng, shape, np.float32))]:
        got = arrays(np.random.default_rng(7), (2, 3), (4,), (1, 2, 2), dtype=dtype)
        rng = np.random.default_rng(7)
        expected = [draw(rng, shape) for shape in [(2, 3), (4,), (1, 2, 2)]]
        assert len(got) == 3
        for g, e in zip(got, expected):
            assert g.dtype == e.dtype == dtype
            np.testing.assert_array_equal(g, e)
    assert arrays(np.random.default_rng(7), (3,))[0].dtype == np.float64  # the default


def test_contributing_table_ids_are_registered():
    text = (REPO / "CONTRIBUTING.md").read_text()
    ids = set(re.findall(r"^\| `(ch\d\d-[a-z0-9-]+)` \|", text, flags=re.M))
    assert {"ch01-convolve1d", "ch03-output-size"} <= ids
    assert ids <= set(EXERCISES)


def test_instructor_guide_lists_the_registered_exercises():
    guide = (REPO / "instructor_guide.md").read_text()
    mentioned = set(re.findall(r"`(ch\d\d-[a-z0-9-]+)`", guide))
    assert mentioned == set(EXERCISES)


# ---------------------------------------------------------------------------
# Right answers pass
# ---------------------------------------------------------------------------


def convolve1d(signal, kernel):
    n, k = len(signal), len(kernel)
    return [sum(signal[i + m] * kernel[k - 1 - m] for m in range(k)) for i in range(n - k + 1)]


def conv2d_multichannel(input, weight, bias):
    c_out, c_in, kh, kw = weight.shape
    h_out, w_out = input.shape[1] - kh + 1, input.shape[2] - kw + 1
    out = np.zeros((c_out, h_out, w_out))
    for o in range(c_out):
        for y in range(h_out):
            for x in range(w_out):
                out[o, y, x] = np.sum(input[:, y : y + kh, x : x + kw] * weight[o]) + bias[o]
    return out


def conv_output_size(i, k, s=1, p=0, d=1):
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def conv3d_single(volume, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(volume, kernel.shape)
    return np.tensordot(windows, kernel, axes=3)


def pointwise_as_matmul(input, weight):
    c_in, h, w = input.shape
    return (weight @ input.reshape(c_in, h * w)).reshape(weight.shape[0], h, w)


RIGHT = {
    "ch01-convolve1d": convolve1d,
    "ch02-conv2d-multichannel": conv2d_multichannel,
    "ch03-output-size": conv_output_size,
    "ch04-conv3d": conv3d_single,
    "ch05-pointwise": pointwise_as_matmul,
}


def test_every_registered_exercise_has_a_right_answer_here():
    assert set(RIGHT) == set(HERE)


@pytest.mark.parametrize("exercise_id", sorted(RIGHT))
def test_right_answer_passes(exercise_id, capsys):
    result = check(RIGHT[exercise_id], exercise_id)
    out = capsys.readouterr().out
    assert isinstance(result, CheckResult)
    assert result.passed and bool(result)
    assert result.status == "passed"
    assert result.n_passed == result.n_cases >= 5
    assert result.failures == ()
    assert out.strip() == f"{exercise_id}: all {result.n_cases} hidden cases pass."
    assert repr(result) == f"CheckResult('{exercise_id}', passed, {result.n_cases}/{result.n_cases} cases)"


def test_float32_arithmetic_is_accepted():
    def convolve1d_f32(signal, kernel):
        out = np.zeros(len(signal) - len(kernel) + 1, dtype=np.float32)
        k = len(kernel)
        for i in range(len(out)):
            for m in range(k):
                out[i] += np.float32(signal[i + m]) * np.float32(kernel[k - 1 - m])
        return out

    assert check(convolve1d_f32, "ch01-convolve1d", verbose=False).passed


def test_check_is_deterministic():
    wrong = lambda s, k: np.correlate(s, k, "valid")  # noqa: E731
    first = check(wrong, "ch01-convolve1d", verbose=False)
    second = check(wrong, "ch01-convolve1d", verbose=False)
    assert first.report == second.report
    assert repr(first) == repr(second)


def test_in_place_changes_do_not_leak_into_the_reference():
    def convolve1d_in_place(signal, kernel):
        kernel[:] = kernel[::-1].copy()  # flips the caller's array
        return np.correlate(signal, kernel, "valid")

    assert check(convolve1d_in_place, "ch01-convolve1d", verbose=False).passed


# ---------------------------------------------------------------------------
# Plausible wrong answers fail, with the hint that fits
# ---------------------------------------------------------------------------


def _failed(result: CheckResult) -> str:
    assert not result.passed and not bool(result)
    assert result.status == "failed"
    assert result.failures
    assert result.n_passed < result.n_cases
    return "\n".join(result.failures)


def test_forgetting_to_flip_the_kernel():
    def convolve1d_no_flip(signal, kernel):
        n, k = len(signal), len(kernel)
        return np.array([sum(signal[i + m] * kernel[m] for m in range(k)) for i in range(n - k + 1)])

    result = check(convolve1d_no_flip, "ch01-convolve1d", verbose=False)
    text = _failed(result)
    assert "cross-correlation" in text and "flips the kernel" in text
    # a length-1 kernel cannot tell the two apart: exactly that case passes
    assert result.n_passed == 1


def test_full_mode_instead_of_valid():
    result = check(lambda s, k: np.convolve(s, k, "full"), "ch01-convolve1d", verbose=False)
    text = _failed(result)
    assert "wrong shape" in text and "'full' length" in text


def test_off_by_one_output_size():
    result = check(lambda i, k, s=1, p=0, d=1: (i + 2 * p - d * (k - 1) - 1) // s, "ch03-output-size",
                   verbose=False)
    text = _failed(result)
    assert result.n_passed == 0
    assert "your answer is 1 too small" in text
    assert "off by one" in text


def test_output_size_without_floor():
    result = check(lambda i, k, s=1, p=0, d=1: (i + 2 * p - d * (k - 1) - 1) / s + 1, "ch03-output-size",
                   verbose=False)
    text = _failed(result)
    assert "floor division" in text
    assert 0 < result.n_passed  # the cases with stride 1 divide exactly


def test_output_size_ignoring_dilation():
    text = _failed(check(lambda i, k, s=1, p=0, d=1: (i + 2 * p - k) // s + 1, "ch03-output-size",
                         verbose=False))
    assert "dilation is ignored" in text


def test_output_size_returning_an_array():
    text = _failed(check(lambda i, k, s=1, p=0, d=1: np.array([conv_output_size(i, k, s, p, d)] * 2),
                         "ch03-output-size", verbose=False))
    assert "the answer is a single number" in text


def test_wrong_shuffle_direction():
    def channel_shuffle_inverse(input, groups):
        n, c = input.shape[:2]
        split = input.reshape(n, c // groups, groups, *input.shape[2:])  # (N, C/g, g, H, W): the bug
        return split.swapaxes(1, 2).reshape(input.shape)

    result = check(channel_shuffle_inverse, "ch12-channel-shuffle", verbose=False)
    text = _failed(result)
    assert "inverse shuffle" in text
    assert "(groups, C // groups)" in text


def test_shuffle_without_transpose():
    def channel_shuffle_reshape_only(input, groups):
        n, c = input.shape[:2]
        return input.reshape(n, groups, c // groups, *input.shape[2:]).reshape(input.shape)

    text = _failed(check(channel_shuffle_reshape_only, "ch12-channel-shuffle", verbose=False))
    assert "channels did not move" in text


def test_wrong_channel_sum_keeps_per_channel_maps():
    def conv2d_no_sum(input, weight, bias):
        c_out, c_in, kh, kw = weight.shape
        h_out, w_out = input.shape[1] - kh + 1, input.shape[2] - kw + 1
        out = np.zeros((c_out, c_in, h_out, w_out))
        for o in range(c_out):
            for c in range(c_in):
                for y in range(h_out):
                    for x in range(w_out):
                        out[o, c, y, x] = np.sum(input[c, y : y + kh, x : x + kw] * weight[o, c]) + bias[o]
        return out

    text = _failed(check(conv2d_no_sum, "ch02-conv2d-multichannel", verbose=False))
    assert "wrong shape" in text
    assert "summed over the input channels" in text


def test_channels_averaged_instead_of_summed():
    def conv2d_mean(input, weight, bias):
        c_out, c_in, kh, kw = weight.shape
        h_out, w_out = input.shape[1] - kh + 1, input.shape[2] - kw + 1
        out = np.zeros((c_out, h_out, w_out))
        for o in range(c_out):
            for y in range(h_out):
                for x in range(w_out):
                    per_channel = (input[:, y : y + kh, x : x + kw] * weight[o]).sum(axis=(1, 2))
                    out[o, y, x] = per_channel.mean() + bias[o]
        return out

    result = check(conv2d_mean, "ch02-conv2d-multichannel", verbose=False)
    assert "averaged the input channels" in _failed(result)
    assert result.n_passed == 1  # one input channel: the mean is the sum


def test_bias_added_per_input_channel():
    def conv2d_bias_each_channel(input, weight, bias):
        c_out, c_in, kh, kw = weight.shape
        h_out, w_out = input.shape[1] - kh + 1, input.shape[2] - kw + 1
        out = np.zeros((c_out, h_out, w_out))
        for o in range(c_out):
            for c in range(c_in):
                for y in range(h_out):
                    for x in range(w_out):
                        out[o, y, x] += np.sum(input[c, y : y + kh, x : x + kw] * weight[o, c]) + bias[o]
        return out

    result = check(conv2d_bias_each_channel, "ch02-conv2d-multichannel", verbose=False)
    text = _failed(result)
    assert "once per input channel" in text
    assert result.n_passed == 1  # with a single input channel the mistake is harmless


def test_forgotten_bias():
    def conv2d_no_bias(input, weight, bias):
        return conv2d_multichannel(input, weight, np.zeros_like(bias))

    assert "except for the bias" in _failed(check(conv2d_no_bias, "ch02-conv2d-multichannel", verbose=False))


def test_transposed_pointwise_weight():
    def pointwise_transposed(input, weight):
        c_in, h, w = input.shape
        return (weight.T @ input.reshape(c_in, h * w)).reshape(-1, h, w)

    result = check(pointwise_transposed, "ch05-pointwise", verbose=False)
    text = _failed(result)
    assert "transposed weight" in text  # the square case, where the shapes still fit
    assert "raised ValueError" in text  # the others: the matrix product does not fit


def test_3d_output_one_voxel_short():
    result = check(lambda v, k: conv3d_single(v, k)[:-1, :-1, :-1], "ch04-conv3d", verbose=False)
    assert "one voxel short" in _failed(result)


def test_3d_taps_without_their_offsets():
    def same_block(volume, kernel):
        d, h, w = (v - k + 1 for v, k in zip(volume.shape, kernel.shape))
        out = np.zeros((d, h, w))
        for q in range(kernel.shape[0]):
            for m in range(kernel.shape[1]):
                for n in range(kernel.shape[2]):
                    out += kernel[q, m, n] * volume[:d, :h, :w]
        return out

    assert "every tap read the same block" in _failed(check(same_block, "ch04-conv3d", verbose=False))


def test_flipped_3d_kernel():
    result = check(lambda v, k: conv3d_single(v, k[::-1, ::-1, ::-1]), "ch04-conv3d", verbose=False)
    text = _failed(result)
    assert "flipped the kernel" in text


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_exercise_has_enough_cases(exercise_id):
    """The contract the per-chapter files used to repeat: at least five hidden cases."""
    assert len(EXERCISES[exercise_id].cases()) >= 5


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_diagnosis_is_reachable(exercise_id):
    """Each registered mistake, run as the student's function, gets its own hint."""
    exercise = EXERCISES[exercise_id]
    for diagnosis in exercise.diagnoses:
        result = check(diagnosis.wrong, exercise_id, verbose=False)
        assert not result.passed, diagnosis.message
        assert diagnosis.message in "\n".join(result.failures), diagnosis.message


# ---------------------------------------------------------------------------
# How failures are reported
# ---------------------------------------------------------------------------


def test_stub_reports_not_yet_implemented(capsys):
    def conv_output_size(i, k, s=1, p=0, d=1):
        """Output size."""
        raise NotImplementedError("write conv_output_size, then run the check below")

    result = check(conv_output_size, "ch03-output-size")
    out = capsys.readouterr().out
    assert "not yet implemented" in out
    assert result.status == "not implemented"
    assert not result.passed
    assert result.n_passed == 0
    assert repr(result) == f"CheckResult('ch03-output-size', not implemented, 0/{result.n_cases} cases)"


def test_exception_names_type_message_and_line():
    def convolve1d_overrun(signal, kernel):
        out = []
        for i in range(len(signal)):
            out.append(signal[i + len(kernel) - 1])
        return out

    text = _failed(check(convolve1d_overrun, "ch01-convolve1d", verbose=False))
    assert "raised IndexError: index" in text
    assert "line 4 of convolve1d_overrun: out.append(signal[i + len(kernel) - 1])" in text


def test_returning_none_is_explained():
    def forgot_return(signal, kernel):
        np.convolve(signal, kernel, "valid")

    assert "forget the return statement" in _failed(check(forgot_return, "ch01-convolve1d", verbose=False))


def test_non_numeric_result_is_explained():
    assert "not a number or an array of numbers" in _failed(
        check(lambda i, k, s=1, p=0, d=1: "three", "ch03-output-size", verbose=False))


def test_nan_is_reported():
    def with_nan(signal, kernel):
        out = np.convolve(signal, kernel, "valid").astype(float)
        out[0] = np.nan
        return out

    assert "NaN" in _failed(check(with_nan, "ch01-convolve1d", verbose=False))


def test_value_report_gives_index_and_amount_but_not_the_reference():
    def off_at_one_place(signal, kernel):
        out = np.convolve(signal, kernel, "valid").astype(float)
        out[-1] += 2.5
        return out

    result = check(off_at_one_place, "ch01-convolve1d", verbose=False)
    text = _failed(result)
    first = result.failures[0]
    assert "values differ in 1 of 3 entries" in first
    assert "index (2,)" in first and "2.5 too large" in first
    # the reference's own output is never printed, in any format
    for case in EXERCISES["ch01-convolve1d"].cases():
        expected = np.convolve(case.args[0], case.args[1], "valid")
        for shown in (str(expected), repr(expected), str(expected.tolist()), np.array2string(expected)):
            assert shown not in result.report and shown not in text


def test_long_reports_are_truncated_but_failures_are_complete(capsys):
    result = check(lambda s, k: np.zeros(3), "ch01-convolve1d")
    out = capsys.readouterr().out
    assert len(result.failures) == result.n_cases - result.n_passed > 3
    assert out.count("\n  - case") == 3
    assert "more failing case(s)" in out


def test_bad_arguments():
    with pytest.raises(ValueError, match="exercise_id 'ch03-output-sise'.*did you mean 'ch03-output-size'"):
        check(conv_output_size, "ch03-output-sise")
    with pytest.raises(TypeError, match="exercise_id must be a string"):
        check(conv_output_size, 3)
    with pytest.raises(TypeError, match="student_fn must be a function"):
        check("conv_output_size", "ch03-output-size")


def test_register_exercise(monkeypatch):
    monkeypatch.setattr("convkit.checking.engine.EXERCISES", dict(EXERCISES))
    from convkit import checking

    exercise = Exercise(
        exercise_id="ch99-double",
        function_name="double",
        arg_names=("x",),
        reference=lambda x: 2 * x,
        make_cases=lambda rng: [Case((rng.integers(0, 9, size=(3,)),), "integers")],
        diagnoses=(Diagnosis(lambda x: x, "you returned the input"),),
    )
    assert register_exercise(exercise) is exercise
    assert checking.check(lambda x: x + x, "ch99-double", verbose=False).passed
    assert "you returned the input" in checking.check(lambda x: x, "ch99-double", verbose=False).failures[0]
    with pytest.raises(ValueError, match="already registered"):
        register_exercise(exercise)
    with pytest.raises(TypeError, match="exercise must be an Exercise"):
        register_exercise({"exercise_id": "ch99-x"})


def test_import_convkit_does_not_load_the_exercise_bank():
    code = ("import sys, convkit; "
            "print(sorted(m for m in sys.modules if m.startswith(('convkit.checking', 'convkit.plotting'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert not hasattr(convkit, "check")


# ---------------------------------------------------------------------------
# The chapters' own solutions pass their checks
# ---------------------------------------------------------------------------


def _coding_solutions():
    """(chapter, exercise id, function name, solution code) for every check cell in chapters/."""
    found = []
    for path in sorted((REPO / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or "check" not in cell.metadata.get("tags", []):
                continue
            match = re.search(r"check\(\s*(\w+)\s*,\s*['\"]([\w-]+)['\"]", cell.source)
            assert match, f"{path.name} cell {index}: a check cell must call check(function, 'id')"
            code = []
            back = index - 1
            while back >= 0 and "solution" in nb.cells[back].metadata.get("tags", []):
                if nb.cells[back].cell_type == "code":
                    code.insert(0, nb.cells[back].source)
                back -= 1
            # Cells after the one defining the function only use it (a demonstration on the
            # chapter's data): they run in the chapter, not here.
            defining = [i for i, source in enumerate(code) if re.search(rf"^def {match[1]}\(", source, re.M)]
            code = code[: defining[-1] + 1] if defining else code
            found.append(pytest.param(path.name, match[2], match[1], "\n\n".join(code),
                                      id=f"{path.stem}-{match[2]}"))
    return found


_SOLUTIONS = _coding_solutions()


@pytest.mark.skipif(not _SOLUTIONS, reason="no chapter has a check cell yet")
@pytest.mark.parametrize("chapter, exercise_id, name, code", _SOLUTIONS)
def test_chapter_solution_passes_its_check(chapter, exercise_id, name, code):
    assert exercise_id in EXERCISES, f"{chapter} checks an unregistered exercise {exercise_id!r}"
    assert code, f"{chapter}: no solution code cells right before the check of {exercise_id}"
    namespace = {"np": np, "convkit": convkit, "torch": torch, "F": F}
    exec(compile(code, f"<{chapter} solution of {exercise_id}>", "exec"), namespace)
    result = check(namespace[name], exercise_id, verbose=False)
    assert result.passed, result.report
