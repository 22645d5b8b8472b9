"""Chapter 14's checks: references against PyTorch, right answers pass, mistakes get their hint.

The right answers are written here independently of convkit; PyTorch's
referee counts parameters of ``torch.nn`` modules, multiply-adds with its
FLOP counter (halved) and the receptive field with autograd.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from convkit.checking import EXERCISES, check

IDS = ("ch14-conv2d-cost", "ch14-block-row")


def conv2d_cost(in_channels, out_channels, kernel_size, input_size, stride, padding, dilation,
                groups):
    span = dilation * (kernel_size - 1) + 1
    out = (input_size + 2 * padding - span) // stride + 1
    weights = out_channels * (in_channels // groups) * kernel_size ** 2
    return [weights, weights * out * out]


def block_row(in_channels, input_size, layers):
    params = macs = 0
    field, jump, size, c_in = 1, 1, input_size, in_channels
    for c_out, k, s, p, g in layers:
        size = (size + 2 * p - k) // s + 1
        weights = c_out * (c_in // g) * k * k
        params, macs = params + weights, macs + weights * size * size
        field, jump = field + (k - 1) * jump, jump * s
        c_in = c_out
    return np.array([params, macs, field, size])


RIGHT = {"ch14-conv2d-cost": conv2d_cost, "ch14-block-row": block_row}


def _counted(module: nn.Module, x: torch.Tensor) -> tuple[int, int, torch.Tensor]:
    with FlopCounterMode(display=False) as counter:
        y = module(x)
    return sum(p.numel() for p in module.parameters()), counter.get_total_flops() // 2, y


def torch_answer(exercise_id, args):
    if exercise_id == "ch14-conv2d-cost":
        c_in, c_out, k, i, s, p, d, g = (int(a) for a in args)
        layer = nn.Conv2d(c_in, c_out, k, s, p, d, g, bias=False, device="meta")
        params, macs, _ = _counted(layer, torch.empty(1, c_in, i, i, device="meta"))
        return np.array([params, macs])
    c_in, i, layers = args
    modules, channels = [], int(c_in)
    for c_out, k, s, p, g in np.asarray(layers).tolist():
        modules.append(nn.Conv2d(channels, c_out, k, s, p, groups=g, bias=False,
                                 dtype=torch.float64))
        channels = c_out
    block = nn.Sequential(*modules)
    with torch.no_grad():
        for w in block.parameters():
            w.uniform_(0.5, 1.5)  # positive: no cancellation hides a path
    x = torch.zeros(1, int(c_in), int(i), int(i), dtype=torch.float64, requires_grad=True)
    params, macs, y = _counted(block, x)
    centre = y.shape[-1] // 2
    y[0, 0, centre, centre].backward()
    rows = torch.nonzero(x.grad[0].sum(0).sum(1))[:, 0]
    field = int(rows.max() - rows.min() + 1)
    return np.array([params, macs, field, y.shape[-1]])


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_matches_torch(exercise_id):
    exercise = EXERCISES[exercise_id]
    for case in exercise.cases():
        got = np.asarray(exercise.reference(*case.args))
        np.testing.assert_array_equal(got, torch_answer(exercise_id, case.args), err_msg=case.label)


@pytest.mark.parametrize("exercise_id", IDS)
def test_right_answer_passes(exercise_id, capsys):
    result = check(RIGHT[exercise_id], exercise_id)
    assert result.passed
    assert capsys.readouterr().out.strip() == f"{exercise_id}: all {result.n_cases} hidden cases pass."


def _failures(fn, exercise_id):
    result = check(fn, exercise_id, verbose=False)
    assert not result.passed
    return "\n".join(result.failures)


def test_groups_ignored():
    def no_groups(ci, co, k, i, s, p, d, g):
        return conv2d_cost(ci, co, k, i, s, p, d, 1)

    assert "groups are ignored" in _failures(no_groups, "ch14-conv2d-cost")


def test_macs_at_the_input_size():
    def at_input(ci, co, k, i, s, p, d, g):
        params, _ = conv2d_cost(ci, co, k, i, s, p, d, g)
        return [params, params * i * i]

    assert "every input pixel" in _failures(at_input, "ch14-conv2d-cost")


def test_flops_instead_of_macs():
    def flops(*args):
        params, macs = conv2d_cost(*args)
        return [params, 2 * macs]

    assert "FLOPs" in _failures(flops, "ch14-conv2d-cost")


def test_field_without_jumps():
    def no_jumps(c_in, i, layers):
        row = block_row(c_in, i, layers)
        row[2] = 1 + sum(k - 1 for _, k, _, _, _ in layers)
        return row

    assert "ignores the strides" in _failures(no_jumps, "ch14-block-row")


def test_a_tuple_answer_is_accepted():
    assert check(lambda *a: tuple(block_row(*a).tolist()), "ch14-block-row", verbose=False).passed
