"""Chapter 1's stretch exercise: the input gradient of a strided 1D cross-correlation.

The reference is compared with autograd on every hidden case; a right answer
written here (as a true convolution of the zero-stuffed gradient) passes; the
plausible wrong answers get their hints.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

ID = "ch01-backward-strided"


def autograd_input_grad(grad_output, kernel, length, stride):
    x = torch.zeros(length, dtype=torch.float64, requires_grad=True)
    w = torch.tensor(np.asarray(kernel, dtype=np.float64))
    y = F.conv1d(x[None, None], w[None, None], stride=stride)[0, 0]
    y.backward(torch.tensor(np.asarray(grad_output, dtype=np.float64)))
    return x.grad.numpy()


def stuffed_convolution(grad_output, kernel, length, stride):
    """Right answer: s - 1 zeros between the gradient's entries, full true convolution, padded to L."""
    stuffed = np.zeros((len(grad_output) - 1) * stride + 1)
    stuffed[::stride] = grad_output
    full = np.convolve(stuffed, kernel, mode="full")
    return np.pad(full, (0, length - len(full)))


def test_reference_matches_autograd_on_every_case():
    exercise = EXERCISES[ID]
    cases = exercise.cases()
    assert len(cases) >= 5
    for case in cases:
        tol = 1e-5 if case.args[0].dtype == np.float32 else 1e-12
        np.testing.assert_allclose(exercise.reference(*case.args), autograd_input_grad(*case.args),
                                   rtol=tol, atol=tol, err_msg=case.label)


def test_right_answer_passes():
    assert check(stuffed_convolution, ID, verbose=False).passed


def test_flipped_stamp_is_diagnosed():
    def flipped(g, k, length, s):
        return stuffed_convolution(g, np.asarray(k)[::-1], length, s)

    result = check(flipped, ID, verbose=False)
    assert not result.passed
    assert "stamps the kernel flipped" in "\n".join(result.failures)


def test_ignoring_the_stride_is_diagnosed():
    def stride_one(g, k, length, s):
        full = np.convolve(g, k, mode="full")[:length]
        return np.pad(full, (0, length - len(full)))

    result = check(stride_one, ID, verbose=False)
    assert not result.passed
    assert "stride-1 answer" in "\n".join(result.failures)


def test_dropping_the_tail_is_diagnosed():
    def short(g, k, length, s):
        return stuffed_convolution(g, k, (len(g) - 1) * s + len(k), s)

    result = check(short, ID, verbose=False)
    assert not result.passed
    assert "input's length" in "\n".join(result.failures)
