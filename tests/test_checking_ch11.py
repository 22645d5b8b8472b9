"""Chapter 11's checks: the references against torch, a right answer passes, the wrong ones get their hint."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check


def test_block_diagonal_reference_matches_torch_groups():
    rng = np.random.default_rng(0)
    for case in EXERCISES["ch11-block-diagonal"].cases():
        weight, groups = case.args
        w = np.asarray(weight, dtype=np.float64)
        dense = EXERCISES["ch11-block-diagonal"].reference(*case.args)
        x = torch.from_numpy(rng.standard_normal((1, w.shape[1] * groups, 6, 6)))
        torch.testing.assert_close(F.conv2d(x, torch.from_numpy(np.asarray(dense, dtype=np.float64))),
                                   F.conv2d(x, torch.from_numpy(w), groups=groups))


def test_grouped_einsum_reference_matches_torch():
    for case in EXERCISES["ch11-grouped-einsum"].cases():
        x, w, g = case.args
        expected = F.conv2d(torch.from_numpy(np.asarray(x, dtype=np.float64))[None],
                            torch.from_numpy(np.asarray(w, dtype=np.float64)), groups=g)[0].numpy()
        got = EXERCISES["ch11-grouped-einsum"].reference(*case.args)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def block_diagonal(weight, groups):
    c_out, per_in = weight.shape[:2]
    per_out = c_out // groups
    dense = np.zeros((c_out, per_in * groups) + weight.shape[2:])
    for i in range(groups):
        dense[i * per_out:(i + 1) * per_out, i * per_in:(i + 1) * per_in] = weight[i * per_out:(i + 1) * per_out]
    return dense


def grouped_conv2d_einsum(input, weight, groups):
    # written independently: g torch convolutions on channel slices
    c_out, per_in = weight.shape[:2]
    per_out = c_out // groups
    x = torch.from_numpy(np.asarray(input, dtype=np.float64))[None]
    w = torch.from_numpy(np.asarray(weight, dtype=np.float64))
    return torch.cat([F.conv2d(x[:, i * per_in:(i + 1) * per_in], w[i * per_out:(i + 1) * per_out])
                      for i in range(groups)], dim=1)[0].numpy()


@pytest.mark.parametrize("exercise_id, right", [("ch11-block-diagonal", block_diagonal),
                                                ("ch11-grouped-einsum", grouped_conv2d_einsum)])
def test_right_answers_pass(exercise_id, right):
    assert check(right, exercise_id, verbose=False).passed


def test_copies_instead_of_zeros_are_diagnosed():
    result = check(lambda w, g: np.concatenate([w] * g, axis=1), "ch11-block-diagonal", verbose=False)
    assert not result.passed and result.n_passed == 1  # groups = 1 is right by accident
    assert "zero, not copies" in "\n".join(result.failures)


def test_interleaved_channels_are_diagnosed():
    def wrong(input, weight, groups):
        # group i takes channels i, i + g, i + 2g, ...
        c_out, per_in = weight.shape[:2]
        per_out = c_out // groups
        x = torch.from_numpy(np.asarray(input, dtype=np.float64))[None]
        w = torch.from_numpy(np.asarray(weight, dtype=np.float64))
        return torch.cat([F.conv2d(x[:, i::groups], w[i * per_out:(i + 1) * per_out])
                          for i in range(groups)], dim=1)[0].numpy()

    result = check(wrong, "ch11-grouped-einsum", verbose=False)
    assert not result.passed
    assert "split the wrong way" in "\n".join(result.failures)
