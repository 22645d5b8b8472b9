"""Chapter 8's exercise checks: references against torch, right answers pass, each mistake is named."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit.checking import EXERCISES, check

IDS = ("ch08-separable-filter", "ch08-low-rank-filter")


def _t(array):
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float64))


def torch_answer(exercise_id, args):
    """The answer computed by torch: the SVD of torch.linalg, the passes of F.conv2d."""
    image, kernel = _t(args[0])[None, None], _t(args[1])
    rank = 1 if exercise_id == "ch08-separable-filter" else args[2]
    u, s, vh = torch.linalg.svd(kernel)
    out = 0
    for i in range(rank):
        column = (s[i] * u[:, i])[None, None, :, None]      # (1, 1, kH, 1)
        row = vh[i][None, None, None, :]                     # (1, 1, 1, kW)
        out = out + F.conv2d(F.conv2d(image, column), row)
    return out[0, 0].numpy()


def separable_filter(image, kernel):
    u, s, vt = np.linalg.svd(kernel)
    column, row = s[0] * u[:, 0], vt[0]
    rows_done = sum(column[m] * image[m:image.shape[0] - len(column) + 1 + m] for m in range(len(column)))
    return sum(row[n] * rows_done[:, n:rows_done.shape[1] - len(row) + 1 + n] for n in range(len(row)))


def low_rank_filter(image, kernel, rank):
    u, s, vt = np.linalg.svd(kernel)
    kh, kw = kernel.shape
    h, w = image.shape
    out = 0
    for i in range(rank):
        column, row = s[i] * u[:, i], vt[i]
        rows_done = sum(column[m] * image[m:h - kh + 1 + m] for m in range(kh))
        out = out + sum(row[n] * rows_done[:, n:w - kw + 1 + n] for n in range(kw))
    return out


RIGHT = {"ch08-separable-filter": separable_filter, "ch08-low-rank-filter": low_rank_filter}


@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_matches_torch_on_every_case(exercise_id):
    exercise = EXERCISES[exercise_id]
    for case in exercise.cases():
        got = exercise.reference(*case.args)
        expected = torch_answer(exercise_id, case.args)
        assert np.shape(got) == expected.shape, case.label
        tol = 1e-5 if any(getattr(a, "dtype", None) == np.float32 for a in case.args) else 1e-10
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol, err_msg=case.label)


def test_rank_one_cases_are_rank_one():
    for case in EXERCISES["ch08-separable-filter"].cases():
        assert np.linalg.matrix_rank(np.asarray(case.args[1], dtype=np.float64)) == 1, case.label


@pytest.mark.parametrize("exercise_id", IDS)
def test_right_answer_passes(exercise_id, capsys):
    result = check(RIGHT[exercise_id], exercise_id)
    assert result.passed, result.report
    assert capsys.readouterr().out.strip() == f"{exercise_id}: all {result.n_cases} hidden cases pass."


def test_forgetting_the_singular_value_is_named():
    def no_scale(image, kernel):
        u, s, vt = np.linalg.svd(kernel)
        return separable_filter(image, np.outer(u[:, 0], vt[0]))

    result = check(no_scale, "ch08-separable-filter", verbose=False)
    assert not result.passed
    assert "wrong scale" in result.report


def test_sign_flipped_factor_is_caught():
    def one_sign_flipped(image, kernel):
        u, s, vt = np.linalg.svd(kernel)
        return separable_filter(image, np.outer(-s[0] * u[:, 0], vt[0]))

    result = check(one_sign_flipped, "ch08-separable-filter", verbose=False)
    assert not result.passed
    assert result.n_passed == 0


def test_transposed_kernel_is_named_and_wrong_shape_reported():
    result = check(lambda image, kernel: separable_filter(image, kernel.T), "ch08-separable-filter",
                   verbose=False)
    assert "the kernel's transpose" in result.report
    assert "wrong shape" in "\n".join(result.failures)


def test_low_rank_off_by_one_is_named():
    result = check(lambda image, kernel, rank: low_rank_filter(image, kernel, rank - 1) if rank > 1
                   else low_rank_filter(image, kernel, rank), "ch08-low-rank-filter", verbose=False)
    assert "one pass too few" in result.report


def test_stub_is_not_implemented():
    def separable_filter_stub(image, kernel):
        raise NotImplementedError

    assert check(separable_filter_stub, "ch08-separable-filter", verbose=False).status == "not implemented"
