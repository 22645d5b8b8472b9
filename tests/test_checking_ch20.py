"""Chapter 20's checks: references against torch, right answers pass, mistakes get their hint.

The right answers are written here independently of convkit; the references are checked
against the dense GCN formula in torch and against the FFT of the ring's spectral response.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from convkit.checking import EXERCISES, check

IDS = ("ch20-gcn-norm", "ch20-ring-kernel")


def normalized_adjacency(adjacency):
    a = np.asarray(adjacency, dtype=float) + np.eye(len(adjacency))
    d = a.sum(axis=1)
    return a / np.sqrt(np.outer(d, d))


def ring_filter_kernel(coefficients, num_nodes):
    kernel = np.zeros(num_nodes, dtype=np.int64)
    current = np.zeros(num_nodes, dtype=np.int64)
    current[0] = 1                                   # L^0 applied to an impulse at node 0
    for theta in coefficients:
        kernel += theta * current
        current = 2 * current - np.roll(current, 1) - np.roll(current, -1)   # L @ current
    return kernel


def torch_answer(exercise_id, args):
    if exercise_id == "ch20-gcn-norm":
        a = torch.from_numpy(np.asarray(args[0], dtype=np.float64))
        a = a + torch.eye(a.shape[0], dtype=torch.float64)
        d = a.sum(dim=1).rsqrt()
        return (torch.diag(d) @ a @ torch.diag(d)).numpy()
    coefficients, v = args
    lam = 2 - 2 * torch.cos(2 * torch.pi * torch.arange(v, dtype=torch.float64) / v)
    gains = sum(theta * lam**h for h, theta in enumerate(coefficients))
    kernel = torch.fft.ifft(gains.to(torch.complex128))
    assert kernel.imag.abs().max() < 1e-9
    return kernel.real.numpy()


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_matches_torch(exercise_id):
    exercise = EXERCISES[exercise_id]
    for case in exercise.cases():
        got = np.asarray(exercise.reference(*case.args), dtype=np.float64)
        expected = np.asarray(torch_answer(exercise_id, case.args), dtype=np.float64)
        assert got.shape == expected.shape, case.label
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9, err_msg=case.label)


@pytest.mark.parametrize("exercise_id, right", [("ch20-gcn-norm", normalized_adjacency),
                                                ("ch20-ring-kernel", ring_filter_kernel)])
def test_right_answer_passes(exercise_id, right, capsys):
    result = check(right, exercise_id)
    assert result.passed
    assert capsys.readouterr().out.strip() == f"{exercise_id}: all {result.n_cases} hidden cases pass."
