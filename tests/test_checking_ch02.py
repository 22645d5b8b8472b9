"""Chapter 2's stretch exercise: a strided convolution layer as one matrix product (im2col).

The reference agrees with torch.nn.functional.conv2d on every hidden case; a
right answer written here independently passes; the plausible mistakes get
their hints.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

ID = "ch02-conv2d-im2col"


def im2col_answer(input, weight, bias, stride):
    c_out, c_in, kh, kw = weight.shape
    h_out, w_out = (input.shape[1] - kh) // stride + 1, (input.shape[2] - kw) // stride + 1
    patches = np.stack([input[:, u * stride:u * stride + kh, v * stride:v * stride + kw].ravel()
                        for u in range(h_out) for v in range(w_out)], axis=1)   # (C_in*kH*kW, H_out*W_out)
    return (weight.reshape(c_out, -1) @ patches + bias[:, None]).reshape(c_out, h_out, w_out)


def test_reference_matches_torch_on_every_case():
    exercise = EXERCISES[ID]
    for case in exercise.cases():
        x, w, b, s = case.args
        expected = F.conv2d(torch.from_numpy(x)[None], torch.from_numpy(w), torch.from_numpy(b), stride=s)[0]
        tol = 1e-5 if x.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(exercise.reference(*case.args), expected.numpy(), rtol=tol, atol=tol,
                                   err_msg=case.label)


def test_right_answer_passes():
    assert check(im2col_answer, ID, verbose=False).passed


def _failures(fn):
    result = check(fn, ID, verbose=False)
    assert not result.passed
    return "\n".join(result.failures)


def test_ignoring_the_stride():
    assert "stride-1 convolution" in _failures(lambda x, w, b, s: im2col_answer(x, w, b, 1))


def test_weights_flattened_channels_last():
    def channels_last(x, w, b, s):
        c_out, c_in, kh, kw = w.shape
        h_out, w_out = (x.shape[1] - kh) // s + 1, (x.shape[2] - kw) // s + 1
        patches = np.stack([x[:, u * s:u * s + kh, v * s:v * s + kw].ravel()
                            for u in range(h_out) for v in range(w_out)], axis=1)
        flat = w.transpose(0, 2, 3, 1).reshape(c_out, -1)        # (kH, kW, C_in) order
        return (flat @ patches + b[:, None]).reshape(c_out, h_out, w_out)

    assert "flattened in different orders" in _failures(channels_last)


def test_patches_listed_column_by_column():
    def column_major(x, w, b, s):
        c_out, c_in, kh, kw = w.shape
        h_out, w_out = (x.shape[1] - kh) // s + 1, (x.shape[2] - kw) // s + 1
        patches = np.stack([x[:, u * s:u * s + kh, v * s:v * s + kw].ravel()
                            for v in range(w_out) for u in range(h_out)], axis=1)
        return (w.reshape(c_out, -1) @ patches + b[:, None]).reshape(c_out, h_out, w_out)

    assert "scrambled" in _failures(column_major)


def test_forgotten_bias():
    assert "off by the bias" in _failures(lambda x, w, b, s: im2col_answer(x, w, 0 * b, s))
