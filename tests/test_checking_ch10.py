"""Chapter 10's checks: the references against torch, a right answer passes, the wrong ones get their hint."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check


def test_flattened_weight_reference_is_the_three_stages_in_torch():
    for case in EXERCISES["ch10-flattened-weight"].cases():
        lat, ver, hor = (np.asarray(a, dtype=np.float64) for a in case.args)
        c_out, c_in = lat.shape
        kh, kw = ver.shape[1], hor.shape[1]
        x = torch.from_numpy(np.random.default_rng(0).standard_normal((1, c_in, kh + 3, kw + 4)))
        stages = F.conv2d(x, torch.from_numpy(lat)[:, :, None, None])
        stages = F.conv2d(stages, torch.from_numpy(ver)[:, None, :, None], groups=c_out)
        stages = F.conv2d(stages, torch.from_numpy(hor)[:, None, None, :], groups=c_out)
        weight = EXERCISES["ch10-flattened-weight"].reference(*case.args)
        full = F.conv2d(x, torch.from_numpy(np.asarray(weight, dtype=np.float64)))
        torch.testing.assert_close(stages, full, rtol=1e-5, atol=1e-5)


def flattened_weight(lateral, vertical, horizontal):
    return lateral[:, :, None, None] * vertical[:, None, :, None] * horizontal[:, None, None, :]


def unfolding_bound(weight, rank):
    w = np.asarray(weight, dtype=float)
    c, kh, kw = w.shape
    mats = [w.reshape(c, -1), w.transpose(1, 0, 2).reshape(kh, -1), w.transpose(2, 0, 1).reshape(kw, -1)]
    return max(np.sqrt((np.linalg.svd(m, compute_uv=False)[rank:] ** 2).sum()) for m in mats) / np.linalg.norm(w)


def test_unfolding_bound_reference_is_a_lower_bound_and_tight_for_rank_one():
    from convkit import flatten_filter, flattened_filter

    for case in EXERCISES["ch10-unfolding-bound"].cases():
        w, rank = case.args
        bound = EXERCISES["ch10-unfolding-bound"].reference(w, rank)
        if rank == 1:
            fit = flattened_filter(*flatten_filter(w[None]))[0]
            assert np.linalg.norm(w - fit) / np.linalg.norm(w) >= bound - 1e-9
    exact = flattened_filter([[1.0, 2.0]], [[1.0, -1.0, 3.0]], [[2.0, 1.0]])[0]
    assert EXERCISES["ch10-unfolding-bound"].reference(exact, 1) < 1e-12


@pytest.mark.parametrize("exercise_id, right", [("ch10-flattened-weight", flattened_weight),
                                                ("ch10-unfolding-bound", unfolding_bound)])
def test_right_answers_pass(exercise_id, right):
    assert check(right, exercise_id, verbose=False).passed


def test_swapped_kernel_axes_are_diagnosed():
    def wrong(lateral, vertical, horizontal):
        return lateral[:, :, None, None] * horizontal[:, None, :, None] * vertical[:, None, None, :]

    result = check(wrong, "ch10-flattened-weight", verbose=False)
    assert not result.passed
    assert "transposed" in "\n".join(result.failures)


def test_parallel_sum_is_diagnosed():
    def wrong(lateral, vertical, horizontal):
        return lateral[:, :, None, None] * (vertical[:, None, :, None] + horizontal[:, None, None, :])

    assert "outer product" in "\n".join(check(wrong, "ch10-flattened-weight", verbose=False).failures)


def test_channel_unfolding_only_is_diagnosed():
    def wrong(weight, rank):
        w = np.asarray(weight, dtype=float)
        s = np.linalg.svd(w.reshape(w.shape[0], -1), compute_uv=False)
        return np.sqrt((s[rank:] ** 2).sum()) / np.linalg.norm(w)

    result = check(wrong, "ch10-unfolding-bound", verbose=False)
    assert not result.passed and 0 < result.n_passed
    assert "all three unfoldings" in "\n".join(result.failures)


def test_absolute_error_is_diagnosed():
    def wrong(weight, rank):
        return unfolding_bound(weight, rank) * np.linalg.norm(weight)

    assert "relative" in "\n".join(check(wrong, "ch10-unfolding-bound", verbose=False).failures)
