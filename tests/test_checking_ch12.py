"""Chapter 12's checks: channel shuffle and the reachability of a shuffled stack.

Right answers are written here independently of convkit; the references are
compared with PyTorch (``F.channel_shuffle`` and autograd through a stack of
grouped convolutions); the wrong answers are mistakes a student plausibly
makes, each with the hint it should get.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

CH12 = sorted(e for e in EXERCISES if e.startswith("ch12-"))


def channel_shuffle(input, groups):
    n, c = input.shape[:2]
    split = input.reshape(n, groups, c // groups, *input.shape[2:])  # (N, g, C/g, *)
    return split.swapaxes(1, 2).reshape(input.shape)


def reachability(channels, groups, layers):
    """Boolean matrix products: block-diagonal masks with the shuffle permutation between them."""
    group = np.arange(channels) // (channels // groups)
    mask = (group[:, None] == group[None, :]).astype(int)
    perm = np.arange(channels).reshape(groups, -1).T.ravel()
    shuffle = np.eye(channels, dtype=int)[perm]  # (P x)[k] = x[perm[k]]
    reach = mask
    for _ in range(layers - 1):
        reach = (mask @ shuffle @ reach > 0).astype(int)
    return reach


RIGHT = {"ch12-channel-shuffle": channel_shuffle, "ch12-reachability": reachability}


def torch_reachability(channels, groups, layers):
    torch.manual_seed(0)
    weights = [torch.rand(channels, channels // groups, 1, 1, dtype=torch.float64) + 0.1
               for _ in range(layers)]
    x = torch.ones(1, channels, 1, 1, dtype=torch.float64)
    jacobian = torch.autograd.functional.jacobian(
        lambda t: _stack(t, weights, groups), x)  # (1, C, 1, 1, 1, C, 1, 1)
    return (jacobian.reshape(channels, channels) != 0).numpy().astype(int)


def _stack(x, weights, groups):
    for index, w in enumerate(weights):
        if index:
            x = F.channel_shuffle(x, groups)
        x = F.conv2d(x, w, groups=groups)
    return x


def test_the_chapter_registers_its_two_exercises():
    assert CH12 == ["ch12-channel-shuffle", "ch12-reachability"]


def test_reachability_reference_matches_autograd_on_every_case():
    exercise = EXERCISES["ch12-reachability"]
    for case in exercise.cases():
        np.testing.assert_array_equal(exercise.reference(*case.args), torch_reachability(*case.args),
                                      err_msg=case.label)


def test_shuffle_reference_matches_torch_on_every_case():
    exercise = EXERCISES["ch12-channel-shuffle"]
    for case in exercise.cases():
        x, g = case.args
        np.testing.assert_array_equal(exercise.reference(x, g),
                                      F.channel_shuffle(torch.from_numpy(x), g).numpy())


@pytest.mark.parametrize("exercise_id", CH12)
def test_right_answer_passes(exercise_id):
    result = check(RIGHT[exercise_id], exercise_id, verbose=False)
    assert result.passed, result.report
    assert result.n_cases >= 5


def test_shuffle_the_other_way_round():
    def channel_shuffle_inverse(input, groups):
        n, c = input.shape[:2]
        split = input.reshape(n, c // groups, groups, *input.shape[2:])  # the bug: (N, C/g, g, *)
        return split.swapaxes(1, 2).reshape(input.shape)

    result = check(channel_shuffle_inverse, "ch12-channel-shuffle", verbose=False)
    assert not result.passed
    assert "inverse shuffle" in "\n".join(result.failures)


def test_reachability_without_shuffle():
    def reachability_no_shuffle(channels, groups, layers):
        group = np.arange(channels) // (channels // groups)
        return (group[:, None] == group[None, :]).astype(int)

    result = check(reachability_no_shuffle, "ch12-reachability", verbose=False)
    assert not result.passed
    assert "put the channel shuffle between consecutive layers" in "\n".join(result.failures)


def test_reachability_transposed():
    result = check(lambda c, g, layers: reachability(c, g, layers).T, "ch12-reachability", verbose=False)
    assert not result.passed
    assert "transpose of the answer" in "\n".join(result.failures)


def test_reachability_as_booleans_passes():
    assert check(lambda c, g, layers: reachability(c, g, layers) > 0, "ch12-reachability",
                 verbose=False).passed
