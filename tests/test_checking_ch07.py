"""Chapter 7's checks: references against PyTorch, right answers pass, mistakes get their hint.

The right answers are written here independently of convkit (loops, and
autograd for the footprint).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

IDS = ("ch07-dilated-conv1d", "ch07-footprint")


def dilated_conv1d(signal, kernel, dilation):
    n_out = len(signal) - dilation * (len(kernel) - 1)
    return np.array([sum(kernel[m] * signal[t + m * dilation] for m in range(len(kernel)))
                     for t in range(n_out)])


def receptive_field_mask(dilations, kernel_size):
    reached = {0}
    for d in dilations:
        reached = {r + m * d for r in reached for m in range(kernel_size)}
    mask = np.zeros(max(reached) + 1, dtype=bool)
    mask[sorted(reached)] = True
    return mask


def torch_answer(exercise_id, args):
    if exercise_id == "ch07-dilated-conv1d":
        signal, kernel, d = args
        return F.conv1d(torch.from_numpy(np.asarray(signal, dtype=np.float64))[None, None],
                        torch.from_numpy(np.asarray(kernel, dtype=np.float64))[None, None],
                        dilation=d)[0, 0].numpy()
    dilations, k = args
    r = 1 + sum(d * (k - 1) for d in dilations)
    x = torch.ones(1, 1, r, dtype=torch.float64, requires_grad=True)
    y = x
    for d in dilations:
        y = F.conv1d(y, torch.ones(1, 1, k, dtype=torch.float64), dilation=d)
    y.sum().backward()
    return (x.grad[0, 0] != 0).numpy()


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_matches_torch(exercise_id):
    exercise = EXERCISES[exercise_id]
    for case in exercise.cases():
        got = np.asarray(exercise.reference(*case.args), dtype=np.float64)
        expected = np.asarray(torch_answer(exercise_id, case.args), dtype=np.float64)
        assert got.shape == expected.shape, case.label
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5, err_msg=case.label)


@pytest.mark.parametrize("exercise_id, right", [("ch07-dilated-conv1d", dilated_conv1d),
                                                ("ch07-footprint", receptive_field_mask)])
def test_right_answer_passes(exercise_id, right, capsys):
    result = check(right, exercise_id)
    assert result.passed
    assert capsys.readouterr().out.strip() == f"{exercise_id}: all {result.n_cases} hidden cases pass."


def _failures(fn, exercise_id):
    result = check(fn, exercise_id, verbose=False)
    assert not result.passed
    return "\n".join(result.failures)


def test_dilation_counted_from_zero():
    text = _failures(lambda s, k, d: dilated_conv1d(s, k, d + 1), "ch07-dilated-conv1d")
    assert "dilation counted from 0" in text


def test_span_k_times_d():
    def short(signal, kernel, dilation):
        n_out = len(signal) - dilation * len(kernel) + 1
        return dilated_conv1d(signal, kernel, dilation)[:n_out]

    assert "not d * k" in _failures(short, "ch07-dilated-conv1d")


def test_contiguous_taps():
    assert "dilation is ignored" in _failures(lambda s, k, d: dilated_conv1d(s, k, 1), "ch07-dilated-conv1d")


def test_mask_assumed_full():
    text = _failures(lambda ds, k: np.ones(len(receptive_field_mask(ds, k)), dtype=bool), "ch07-footprint")
    assert "holes of gridding" in text


def test_mask_from_zero_based_dilation():
    text = _failures(lambda ds, k: receptive_field_mask([d + 1 for d in ds], k), "ch07-footprint")
    assert "dilation counted from 0" in text


def test_mask_as_ints_and_lists_is_accepted():
    assert check(lambda ds, k: receptive_field_mask(ds, k).astype(int).tolist(), "ch07-footprint",
                 verbose=False).passed
