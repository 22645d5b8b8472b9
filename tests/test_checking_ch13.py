"""Chapter 13's checks: grouped 1x1 convolution and a ShuffleNet unit's multiply-adds.

The references are compared with PyTorch: ``F.conv2d(..., groups=g)`` for the
convolution, and multiply-adds counted by forward hooks on a ShuffleNet unit
built from ``torch.nn`` modules for the cost. The right answers are written
here independently of convkit; the wrong ones are plausible mistakes.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

CH13 = sorted(e for e in EXERCISES if e.startswith("ch13-"))


def pointwise_grouped(input, weight, groups):
    n, c_in, h, w = input.shape
    c_out = weight.shape[0]
    x = input.reshape(n, groups, c_in // groups, h * w)                  # (N, g, C_in/g, HW)
    blocks = weight.reshape(groups, c_out // groups, c_in // groups)      # (g, C_out/g, C_in/g)
    return np.matmul(blocks, x).reshape(n, c_out, h, w)


def shufflenet_unit_macs(in_channels, out_channels, groups, stride, height, width):
    m = out_channels // 4
    expand = out_channels if stride == 1 else out_channels - in_channels
    h_out, w_out = (height - 1) // stride + 1, (width - 1) // stride + 1
    return (height * width * in_channels * m // groups
            + h_out * w_out * (9 * m + m * expand // groups))


RIGHT = {"ch13-pointwise-grouped": pointwise_grouped, "ch13-unit-macs": shufflenet_unit_macs}


def torch_unit_macs(in_channels, out_channels, groups, stride, height, width):
    """Multiply-adds of every Conv2d of a torch ShuffleNet unit, counted by forward hooks."""
    m = out_channels // 4
    expand = out_channels if stride == 1 else out_channels - in_channels
    layers = torch.nn.Sequential(
        torch.nn.Conv2d(in_channels, m, 1, groups=groups, bias=False, device="meta"),
        torch.nn.ReLU(),
        torch.nn.ChannelShuffle(groups),
        torch.nn.Conv2d(m, m, 3, stride=stride, padding=1, groups=m, bias=False, device="meta"),
        torch.nn.Conv2d(m, expand, 1, groups=groups, bias=False, device="meta"),
    )
    total = 0

    def count(module, inputs, output):
        nonlocal total
        total += output[0].numel() * module.weight[0].numel()  # per output value: C_in/g * kH * kW

    for layer in layers:
        if isinstance(layer, torch.nn.Conv2d):
            layer.register_forward_hook(count)
    layers(torch.empty(1, in_channels, height, width, device="meta"))
    return total


def test_the_chapter_registers_its_two_exercises():
    assert CH13 == ["ch13-pointwise-grouped", "ch13-unit-macs"]


def test_pointwise_reference_matches_torch_on_every_case():
    exercise = EXERCISES["ch13-pointwise-grouped"]
    for case in exercise.cases():
        x, w, g = case.args
        expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w)[:, :, None, None], groups=g).numpy()
        tol = 1e-5 if x.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(exercise.reference(x, w, g), expected, rtol=tol, atol=tol, err_msg=case.label)


def test_unit_macs_reference_matches_torch_hooks_on_every_case():
    exercise = EXERCISES["ch13-unit-macs"]
    for case in exercise.cases():
        assert exercise.reference(*case.args) == torch_unit_macs(*case.args), case.label


@pytest.mark.parametrize("exercise_id", CH13)
def test_right_answer_passes(exercise_id):
    result = check(RIGHT[exercise_id], exercise_id, verbose=False)
    assert result.passed, result.report
    assert result.n_cases >= 5


def test_channels_viewed_the_wrong_way_round():
    def pointwise_grouped_interleaved(input, weight, groups):
        n, c_in, h, w = input.shape
        c_out = weight.shape[0]
        x = input.reshape(n, c_in // groups, groups, h * w).swapaxes(1, 2)   # the bug: (N, C_in/g, g, HW)
        blocks = weight.reshape(groups, c_out // groups, c_in // groups)
        return np.matmul(blocks, x).reshape(n, c_out, h, w)

    result = check(pointwise_grouped_interleaved, "ch13-pointwise-grouped", verbose=False)
    assert not result.passed
    assert "each group read every g-th input channel" in "\n".join(result.failures)


def test_ignoring_groups_raises_and_is_reported():
    result = check(lambda x, w, g: np.einsum("oc,nchw->nohw", w, x), "ch13-pointwise-grouped", verbose=False)
    assert not result.passed
    assert "raised ValueError" in "\n".join(result.failures)
    assert result.n_passed == 1  # only the one-group case has a full weight


def test_dense_3x3_in_the_unit():
    def unit_macs_dense(in_channels, out_channels, groups, stride, height, width):
        m = out_channels // 4
        return shufflenet_unit_macs(in_channels, out_channels, groups, stride, height, width) + (
            ((height - 1) // stride + 1) * ((width - 1) // stride + 1) * 9 * (m * m - m))

    result = check(unit_macs_dense, "ch13-unit-macs", verbose=False)
    assert not result.passed and result.n_passed == 0
    assert "depthwise" in "\n".join(result.failures)


def test_unit_macs_as_float_passes():
    assert check(lambda *a: float(shufflenet_unit_macs(*a)), "ch13-unit-macs", verbose=False).passed
