"""Chapter 17's checks: references against PyTorch, right answers pass, mistakes get their hint.

The right answers are written here independently of convkit (loops); the references are checked
against ``torch.nn.functional.grid_sample`` (zeros outside, align_corners=False with the pixel
coordinate ``p`` at ``(2p + 1) / size - 1``) and, for the convolution, an einsum over its samples.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

IDS = ("ch17-bilinear", "ch17-deform-conv")


def bilinear(image, row, col):
    h, w = image.shape
    total = 0.0
    for r in (math.floor(row), math.floor(row) + 1):
        for c in (math.floor(col), math.floor(col) + 1):
            if 0 <= r < h and 0 <= c < w:
                total += max(0.0, 1 - abs(row - r)) * max(0.0, 1 - abs(col - c)) * image[r, c]
    return total


def deform_conv_single(image, weight, offset, mask):
    k_h, k_w = weight.shape
    h_out, w_out = offset.shape[1:]
    out = np.zeros((h_out, w_out))
    for u in range(h_out):
        for v in range(w_out):
            for m in range(k_h):
                for n in range(k_w):
                    t = m * k_w + n
                    value = bilinear(image, u + m + offset[2 * t, u, v], v + n + offset[2 * t + 1, u, v])
                    out[u, v] += weight[m, n] * mask[t, u, v] * value
    return out


def grid_sample_at(image, rows, cols):
    h, w = image.shape
    grid = torch.tensor(np.stack([(2 * np.asarray(cols) + 1) / w - 1,
                                  (2 * np.asarray(rows) + 1) / h - 1], -1)).reshape(1, 1, -1, 2)
    return F.grid_sample(torch.from_numpy(image)[None, None], grid, align_corners=False)[0, 0, 0].numpy()


def torch_answer(exercise_id, args):
    if exercise_id == "ch17-bilinear":
        image, row, col = args
        return grid_sample_at(image, [row], [col])[0]
    image, weight, offset, mask = args
    k_h, k_w = weight.shape
    h_out, w_out = offset.shape[1:]
    m, n = np.divmod(np.arange(k_h * k_w), k_w)
    rows = np.arange(h_out)[None, :, None] + m[:, None, None] + offset[0::2]   # (T, H_out, W_out)
    cols = np.arange(w_out)[None, None, :] + n[:, None, None] + offset[1::2]
    samples = grid_sample_at(image, rows.ravel(), cols.ravel()).reshape(rows.shape)
    return np.einsum("t,tuv->uv", weight.ravel(), samples * mask)


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_matches_torch(exercise_id):
    exercise = EXERCISES[exercise_id]
    for case in exercise.cases():
        got = np.asarray(exercise.reference(*case.args), dtype=np.float64)
        expected = np.asarray(torch_answer(exercise_id, case.args), dtype=np.float64)
        assert got.shape == expected.shape, case.label
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10, err_msg=case.label)


@pytest.mark.parametrize("exercise_id, right", [("ch17-bilinear", bilinear),
                                                ("ch17-deform-conv", deform_conv_single)])
def test_right_answer_passes(exercise_id, right, capsys):
    result = check(right, exercise_id)
    assert result.passed
    assert capsys.readouterr().out.strip() == f"{exercise_id}: all {result.n_cases} hidden cases pass."
