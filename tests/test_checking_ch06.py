"""Chapter 6's exercise checks: references against torch, right answers pass, classic mistakes get their hint.

The right answers are written here independently of convkit (one with loops,
one with torch's autograd); each wrong answer is a mistake a student
plausibly makes.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

IDS = ("ch06-scatter", "ch06-zero-insertion")


def _t(array):
    return torch.from_numpy(np.ascontiguousarray(array))


def _failed(result) -> str:
    assert not result.passed
    return "\n".join(result.failures)


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_matches_torch_on_every_case(exercise_id):
    exercise = EXERCISES[exercise_id]
    cases = exercise.cases()
    assert len(cases) >= 5
    for case in cases:
        x, w, s, *rest = case.args
        p = rest[0] if rest else 0
        expected = F.conv_transpose2d(_t(x)[None], _t(w), stride=s, padding=p)[0].numpy()
        got = exercise.reference(*case.args)
        assert got.shape == expected.shape, case.label
        tol = 1e-5 if x.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol, err_msg=case.label)


def scatter_add(input, weight, stride):
    """Right answer with loops: every input pixel stamps its kernels."""
    c_in, h, w = input.shape
    _, c_out, kh, kw = weight.shape
    out = np.zeros((c_out, (h - 1) * stride + kh, (w - 1) * stride + kw))
    for c in range(c_in):
        for f in range(c_out):
            for i in range(h):
                for j in range(w):
                    out[f, i * stride:i * stride + kh, j * stride:j * stride + kw] += input[c, i, j] * weight[c, f]
    return out


def via_autograd(input, weight, stride, padding):
    """Right answer from the backward pass: the input gradient of conv2d with upstream gradient ``input``."""
    y = _t(input).double()[None]                        # (1, C_in_t, H, W): the upstream gradient
    w = _t(weight).double()                             # (C_in_t, C_out_t, kH, kW) = conv weight (C_out, C_in, ...)
    kh, kw = w.shape[2:]
    size = [(n - 1) * stride - 2 * padding + k for n, k in zip(y.shape[2:], (kh, kw))]
    x = torch.zeros(1, w.shape[1], *size, dtype=torch.float64, requires_grad=True)
    F.conv2d(x, w, stride=stride, padding=padding).backward(y)
    return x.grad[0].numpy()


def test_right_answers_pass():
    assert check(scatter_add, "ch06-scatter", verbose=False).passed
    assert check(via_autograd, "ch06-zero-insertion", verbose=False).passed


def test_flipped_stamps():
    text = _failed(check(lambda x, w, s: scatter_add(x, w[:, :, ::-1, ::-1], s), "ch06-scatter", verbose=False))
    assert "flipped the kernel" in text


def test_convolution_weight_layout():
    def swapped(x, w, s):
        return scatter_add(x, w.transpose(1, 0, 2, 3), s)
    assert "(C_in, C_out, kH, kW)" in _failed(check(swapped, "ch06-scatter", verbose=False))


def test_output_of_size_h_times_stride():
    def times_stride(x, w, s):
        full = scatter_add(x, w, s)
        out = np.zeros((full.shape[0], x.shape[1] * s, x.shape[2] * s))
        h, wd = min(out.shape[1], full.shape[1]), min(out.shape[2], full.shape[2])
        out[:, :h, :wd] = full[:, :h, :wd]
        return out
    assert "H * stride" in _failed(check(times_stride, "ch06-scatter", verbose=False))


def test_zero_insertion_without_flip():
    def no_flip(x, w, s, p):
        return via_autograd(x, w[:, :, ::-1, ::-1], s, p)   # the same as forgetting the flip
    assert "not flipped" in _failed(check(no_flip, "ch06-zero-insertion", verbose=False))


def test_zero_insertion_padding_ignored():
    def pad_k_minus_1(x, w, s, p):
        return via_autograd(x, w, s, 0)
    assert "k - 1 - p" in _failed(check(pad_k_minus_1, "ch06-zero-insertion", verbose=False))


def test_stub_is_not_yet_implemented():
    def conv_transpose2d_scatter_add(input, weight, stride):
        raise NotImplementedError
    result = check(conv_transpose2d_scatter_add, "ch06-scatter", verbose=False)
    assert result.status == "not implemented"
