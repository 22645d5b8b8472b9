"""Chapter 4's stretch exercise: a multi-channel 3D convolution computed with 2D convolutions.

The reference agrees with torch.nn.functional.conv3d on every hidden case; a
right answer written here with torch's conv2d passes; the plausible mistakes
get their hints.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

ID = "ch04-conv3d-via-conv2d"


def via_conv2d(input, weight, order="c-first", drop_last=False, reverse=False):
    c_out, c_in, kd, kh, kw = weight.shape
    x, w = torch.from_numpy(np.ascontiguousarray(input)), torch.from_numpy(np.ascontiguousarray(weight))
    if reverse:
        w = torch.flip(w, dims=(2,))
    flat_w = w.reshape(c_out, c_in * kd, kh, kw)
    slices = []
    for t in range(input.shape[1] - kd + (0 if drop_last else 1)):
        window = x[:, t:t + kd]                                   # (C_in, kD, H, W)
        if order == "d-first":
            window = window.transpose(0, 1)                       # (kD, C_in, H, W): wrong order
        slices.append(F.conv2d(window.reshape(1, c_in * kd, *window.shape[2:]), flat_w)[0])
    return torch.stack(slices, dim=1).numpy()                     # (C_out, D_out, H_out, W_out)


def test_reference_matches_torch_on_every_case():
    exercise = EXERCISES[ID]
    for case in exercise.cases():
        x, w = case.args
        expected = F.conv3d(torch.from_numpy(x)[None], torch.from_numpy(w))[0].numpy()
        tol = 1e-5 if x.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(exercise.reference(*case.args), expected, rtol=tol, atol=tol,
                                   err_msg=case.label)


def test_right_answer_passes():
    assert check(via_conv2d, ID, verbose=False).passed


def _failures(fn):
    result = check(fn, ID, verbose=False)
    assert not result.passed
    return "\n".join(result.failures)


def test_depth_and_channel_order_swapped():
    assert "pair the wrong taps" in _failures(lambda x, w: via_conv2d(x, w, order="d-first"))


def test_last_slice_missing():
    assert "one slice short" in _failures(lambda x, w: via_conv2d(x, w, drop_last=True))


def test_depth_taps_reversed():
    assert "depth taps are reversed" in _failures(lambda x, w: via_conv2d(x, w, reverse=True))
