"""Chapter 16's checks: references against PyTorch, right answers pass, mistakes get their hint.

The right answers are written here independently of convkit (loops); the
references are checked against autograd and torch's FLOP counter.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from convkit.checking import EXERCISES, check

IDS = ("ch16-dependencies", "ch16-recompute-macs")


def causal_dependencies(length, kernel_size, dilation):
    return np.array([[any(j == u - (kernel_size - 1 - m) * dilation for m in range(kernel_size))
                      for j in range(length)] for u in range(length)])


def recompute_macs(kernel_size, dilations, channels):
    field = 1 + sum(d * (kernel_size - 1) for d in dilations)
    total, length = 0, field
    for d in dilations:
        length = length - d * (kernel_size - 1)
        total += length * channels * channels * kernel_size
    return total


def torch_answer(exercise_id, args):
    if exercise_id == "ch16-dependencies":
        length, k, d = args
        w = torch.rand(1, 1, k, dtype=torch.float64) + 0.5
        jac = torch.autograd.functional.jacobian(
            lambda s: F.conv1d(F.pad(s[None, None], (d * (k - 1), 0)), w, dilation=d)[0, 0],
            torch.randn(length, dtype=torch.float64))
        return (jac != 0).numpy()
    k, dilations, c = args
    field = 1 + sum(d * (k - 1) for d in dilations)
    x = torch.zeros(1, c, field, device="meta")
    with FlopCounterMode(display=False) as counter:
        for d in dilations:
            x = F.conv1d(x, torch.zeros(c, c, k, device="meta"), dilation=d)
    assert x.shape[-1] == 1
    return counter.get_total_flops() // 2


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_matches_torch(exercise_id):
    exercise = EXERCISES[exercise_id]
    for case in exercise.cases():
        got = np.asarray(exercise.reference(*case.args), dtype=np.float64)
        expected = np.asarray(torch_answer(exercise_id, case.args), dtype=np.float64)
        assert got.shape == expected.shape, case.label
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5, err_msg=case.label)


@pytest.mark.parametrize("exercise_id, right", [("ch16-dependencies", causal_dependencies),
                                                ("ch16-recompute-macs", recompute_macs)])
def test_right_answer_passes(exercise_id, right, capsys):
    result = check(right, exercise_id)
    assert result.passed
    assert capsys.readouterr().out.strip() == f"{exercise_id}: all {result.n_cases} hidden cases pass."
