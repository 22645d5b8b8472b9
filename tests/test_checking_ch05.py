"""Chapter 5's stretch exercise: a channels-last fully connected head rewritten as a convolution.

The reference is checked with torch: nn.Linear on the channels-last flattened
map equals F.conv2d with the returned weight; a right answer written here
passes; the plausible mistakes get their hints.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

ID = "ch05-fc-to-conv"


def test_reference_makes_conv2d_equal_the_linear_layer():
    exercise = EXERCISES[ID]
    rng = np.random.default_rng(0)
    for case in exercise.cases():
        weight, c, h, w = case.args
        feature_map = torch.from_numpy(rng.standard_normal((c, h, w)))            # (C, H, W)
        weight_t = torch.from_numpy(weight.astype(np.float64))
        by_linear = F.linear(feature_map.permute(1, 2, 0).reshape(-1), weight_t)  # channels-last flatten
        conv_weight = torch.from_numpy(np.ascontiguousarray(exercise.reference(*case.args), dtype=np.float64))
        by_conv = F.conv2d(feature_map[None], conv_weight)[0, :, 0, 0]
        torch.testing.assert_close(by_conv, by_linear, msg=case.label)


def right(weight, c, h, w):
    out = np.empty((weight.shape[0], c, h, w), dtype=weight.dtype)
    for f in range(weight.shape[0]):
        for row in range(h):
            for col in range(w):
                for ch in range(c):
                    out[f, ch, row, col] = weight[f, (row * w + col) * c + ch]
    return out


def test_right_answer_passes():
    assert check(right, ID, verbose=False).passed


def _failures(fn):
    result = check(fn, ID, verbose=False)
    assert not result.passed
    return "\n".join(result.failures)


def test_channels_first_reshape():
    assert "channels-first" in _failures(lambda wt, c, h, w: wt.reshape(wt.shape[0], c, h, w))


def test_height_and_width_swapped():
    assert "swapped" in _failures(lambda wt, c, h, w: wt.reshape(wt.shape[0], w, h, c).transpose(0, 3, 2, 1))
