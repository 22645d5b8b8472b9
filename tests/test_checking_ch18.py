"""Chapter 18's checks: references against PyTorch, right answers pass, mistakes get their hint.

The right answers are written here independently of convkit: the RepVGG kernel from the three-branch
torch block's outputs on impulses, the dynamic convolution with torch's grouped F.conv2d.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

IDS = ("ch18-repvgg-kernel", "ch18-dynamic-grouped")


def repvgg_kernel(weight_3x3, weight_1x1, groups):
    merged = weight_3x3.astype(float).copy()
    per_group = weight_3x3.shape[1]
    for f in range(weight_3x3.shape[0]):
        merged[f, :, 1, 1] += weight_1x1[f, :, 0, 0]
        merged[f, f % per_group, 1, 1] += 1
    return merged


def dynamic_output(input, weight, attention):
    n, c_in = input.shape[:2]
    e, c_out, _, k, _ = weight.shape
    mixed = np.einsum("ne,eoihw->noihw", attention, weight)       # (N, C_out, C_in, k, k)
    out = F.conv2d(torch.from_numpy(input.reshape(1, n * c_in, *input.shape[2:])),
                   torch.from_numpy(mixed.reshape(n * c_out, c_in, k, k)), padding=k // 2, groups=n)
    return out.numpy().reshape(n, c_out, *out.shape[2:])


def torch_answer(exercise_id, args):
    if exercise_id == "ch18-repvgg-kernel":
        w3, w1, groups = (torch.from_numpy(np.asarray(a, dtype=np.float64)) if i < 2 else a
                          for i, a in enumerate(args))
        c = w3.shape[0]
        # the block's response to an impulse at each input channel reads the merged kernel off, flipped
        kernel = torch.zeros(c, c // groups, 3, 3, dtype=torch.float64)
        for c_in in range(c):
            x = torch.zeros(1, c, 5, 5, dtype=torch.float64)
            x[0, c_in, 2, 2] = 1
            y = F.conv2d(x, w3, padding=1, groups=groups) + F.conv2d(x, w1, groups=groups) + x
            group = c_in // (c // groups)
            rows = slice(group * (c // groups), (group + 1) * (c // groups))
            kernel[rows, c_in % (c // groups)] = y[0, rows, 1:4, 1:4].flip(-1).flip(-2)
        return kernel.numpy()
    x, w, a = (torch.from_numpy(v) for v in args)
    outs = [F.conv2d(x[n:n + 1], (a[n].reshape(-1, 1, 1, 1, 1) * w).sum(0), padding=w.shape[-1] // 2)
            for n in range(x.shape[0])]
    return torch.cat(outs).numpy()


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_matches_torch(exercise_id):
    exercise = EXERCISES[exercise_id]
    for case in exercise.cases():
        got = np.asarray(exercise.reference(*case.args), dtype=np.float64)
        expected = np.asarray(torch_answer(exercise_id, case.args), dtype=np.float64)
        assert got.shape == expected.shape, case.label
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10, err_msg=case.label)


@pytest.mark.parametrize("exercise_id, right", [("ch18-repvgg-kernel", repvgg_kernel),
                                                ("ch18-dynamic-grouped", dynamic_output)])
def test_right_answer_passes(exercise_id, right, capsys):
    result = check(right, exercise_id)
    assert result.passed
    assert capsys.readouterr().out.strip() == f"{exercise_id}: all {result.n_cases} hidden cases pass."
