"""Chapter 3's stretch exercise: every input size that a convolution maps to a given output size.

The reference is checked by brute force against PyTorch (every input size up
to a bound, through F.conv1d); a right answer written here by search passes;
the plausible mistakes get their hints.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

ID = "ch03-input-sizes"


def torch_sizes(o, k, s=1, p=0, d=1):
    found = []
    for i in range(1, 4 * (o + k + p + 2) * s):
        if i + 2 * p < d * (k - 1) + 1:
            continue
        out = F.conv1d(torch.zeros(1, 1, i), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d)
        if out.shape[-1] == o:
            found.append(i)
    return np.array(found)


def test_reference_matches_torch_on_every_case():
    exercise = EXERCISES[ID]
    assert len(exercise.cases()) >= 5
    for case in exercise.cases():
        np.testing.assert_array_equal(exercise.reference(*case.args), torch_sizes(*case.args), err_msg=case.label)


def by_search(o, k, s=1, p=0, d=1):
    return [i for i in range(1, 10 * (o + k + p + 2) * s) if i + 2 * p >= d * (k - 1) + 1
            and (i + 2 * p - d * (k - 1) - 1) // s + 1 == o]


def test_right_answer_passes():
    assert check(by_search, ID, verbose=False).passed


def _failures(fn):
    result = check(fn, ID, verbose=False)
    assert not result.passed
    return "\n".join(result.failures)


def test_only_the_smallest_size():
    assert "one size only" in _failures(lambda o, k, s=1, p=0, d=1: by_search(o, k, s, p, d)[:1])


def test_sizes_one_too_large():
    assert "one too large" in _failures(lambda o, k, s=1, p=0, d=1: [i + 1 for i in by_search(o, k, s, p, d)])


def test_padding_forgotten():
    assert "padding is missing" in _failures(lambda o, k, s=1, p=0, d=1: by_search(o, k, s, 0, d))


def test_sizes_below_one_kept():
    def no_clamp(o, k, s=1, p=0, d=1):
        smallest = (o - 1) * s - 2 * p + d * (k - 1) + 1
        return list(range(smallest, smallest + s))
    assert "below 1" in _failures(no_clamp)
