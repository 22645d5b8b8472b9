"""Chapter 19's checks: references against PyTorch, right answers pass, mistakes get their hint.

The right answers are written here independently of convkit (index loops); the
references are checked against torch.rot90 / torch.roll.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from convkit.checking import EXERCISES, check

IDS = ("ch19-turn-p4", "ch19-symmetrize")


def turn_p4(feature_map, rho):
    c, _, h, _ = feature_map.shape
    out = np.empty_like(feature_map)
    r = rho % 4
    for s in range(4):
        for m in range(h):
            for n in range(h):
                mm, nn = m, n                     # undo r counter-clockwise quarter turns
                for _ in range(r):
                    mm, nn = nn, h - 1 - mm
                out[:, s, m, n] = feature_map[:, (s - r) % 4, mm, nn]
    return out


def symmetrize_filter(weight):
    k = weight.shape[-1]
    out = np.zeros_like(weight)
    for m in range(k):
        for n in range(k):
            # the four positions of the orbit of (m, n) under quarter turns
            out[..., m, n] = (weight[..., m, n] + weight[..., n, k - 1 - m]
                              + weight[..., k - 1 - m, k - 1 - n] + weight[..., k - 1 - n, m])
    return out


def torch_answer(exercise_id, args):
    if exercise_id == "ch19-turn-p4":
        y, rho = args
        return torch.roll(torch.rot90(torch.from_numpy(y), rho, dims=(2, 3)), rho, dims=1).numpy()
    (w,) = args
    wt = torch.from_numpy(w)
    return sum(torch.rot90(wt, r, dims=(2, 3)) for r in range(4)).numpy()


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_matches_torch(exercise_id):
    exercise = EXERCISES[exercise_id]
    for case in exercise.cases():
        got = np.asarray(exercise.reference(*case.args))
        expected = torch_answer(exercise_id, case.args)
        assert got.shape == expected.shape, case.label
        np.testing.assert_array_equal(got, expected, err_msg=case.label)


@pytest.mark.parametrize("exercise_id, right", [("ch19-turn-p4", turn_p4), ("ch19-symmetrize", symmetrize_filter)])
def test_right_answer_passes(exercise_id, right, capsys):
    result = check(right, exercise_id)
    assert result.passed
    assert capsys.readouterr().out.strip() == f"{exercise_id}: all {result.n_cases} hidden cases pass."




def test_symmetric_filter_makes_an_ordinary_convolution_equivariant():
    import convkit

    rng = np.random.default_rng(2)
    w = symmetrize_filter(rng.integers(-3, 4, size=(2, 1, 3, 3)))
    x = rng.integers(-5, 6, size=(1, 1, 7, 7))
    turned = np.rot90(x, 1, axes=(-2, -1))
    np.testing.assert_array_equal(convkit.conv2d(turned, w, padding=1),
                                  np.rot90(convkit.conv2d(x, w, padding=1), 1, axes=(-2, -1)))
