"""The shared argument checks of convkit/_validation.py."""

import numpy as np
import pytest
import torch

from convkit._validation import as_array, check_groups, result_dtype, split_batch, to_tuple


# as_array ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, dtype",
    [
        ([[1, 2], [3, 4]], np.int64),
        ([1.5, 2.0], np.float64),
        (np.ones(3, dtype=np.float32), np.float32),
        (np.ones(3, dtype=np.uint8), np.uint8),
        (torch.ones(2, 3, dtype=torch.float32), np.float32),
        (7, np.int64),
    ],
)
def test_as_array_accepts_numbers(value, dtype):
    array = as_array(value, "input")
    assert isinstance(array, np.ndarray)
    assert array.dtype == dtype
    np.testing.assert_array_equal(array, np.asarray(value))


def test_as_array_does_not_copy_an_ndarray():
    x = np.zeros((2, 2))
    assert as_array(x, "input") is x


@pytest.mark.parametrize(
    "value",
    [None, "text", [[1, 2], [3]], np.ones(2, dtype=bool), np.ones(2, dtype=complex),
     np.array([object()])],
)
def test_as_array_refuses_non_numbers_naming_the_argument(value):
    with pytest.raises(TypeError, match="weight"):
        as_array(value, "weight")


# result_dtype --------------------------------------------------------------


@pytest.mark.parametrize(
    "dtypes, expected",
    [
        ((np.float32, np.float32), np.float32),
        ((np.float32, np.float64), np.float64),
        ((np.int64, np.int64), np.int64),
        ((np.int8, np.int16), np.int16),
        ((np.int64, np.float32), np.float64),
    ],
)
def test_result_dtype_is_numpy_promotion(dtypes, expected):
    arrays = [np.ones(1, dtype=d) for d in dtypes]
    assert result_dtype(*arrays) == expected


def test_result_dtype_ignores_none():
    assert result_dtype(np.ones(1, np.float32), None, np.ones(1, np.float32)) == np.float32


# to_tuple ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, n, expected",
    [
        (2, 2, (2, 2)),
        (np.int64(3), 3, (3, 3, 3)),
        ((1, 2), 2, (1, 2)),
        ([4], 3, (4, 4, 4)),
        ((5,), 1, (5,)),
    ],
)
def test_to_tuple_expands(value, n, expected):
    result = to_tuple(value, n, "stride")
    assert result == expected
    assert all(type(v) is int for v in result)


@pytest.mark.parametrize("value", [1.0, "2", None, True, (1, 2.0), (True, 1)])
def test_to_tuple_refuses_non_ints(value):
    with pytest.raises(TypeError, match="dilation"):
        to_tuple(value, 2, "dilation")


@pytest.mark.parametrize("value", [(1, 2, 3), (), [1, 1, 1, 1]])
def test_to_tuple_refuses_wrong_length(value):
    with pytest.raises(ValueError, match="padding"):
        to_tuple(value, 2, "padding")


@pytest.mark.parametrize(
    "value, minimum, match",
    [(0, 1, "stride must be positive"), ((1, -1), 0, "stride must be at least 0")],
)
def test_to_tuple_enforces_the_minimum(value, minimum, match):
    with pytest.raises(ValueError, match=match):
        to_tuple(value, 2, "stride", minimum=minimum)


def test_to_tuple_without_minimum_accepts_negatives():
    assert to_tuple(-1, 2, "output_padding") == (-1, -1)


# check_groups --------------------------------------------------------------


def test_check_groups_accepts_divisors():
    assert check_groups(4, 8, 12) == 4
    assert check_groups(np.int32(1), 3, 5) == 1


@pytest.mark.parametrize(
    "groups, c_in, c_out, error, match",
    [
        (0, 4, 4, ValueError, "groups must be positive"),
        (-2, 4, 4, ValueError, "groups must be positive"),
        (3, 4, 6, ValueError, "in_channels.*groups"),
        (2, 4, 3, ValueError, "out_channels.*groups"),
        (2.0, 4, 4, TypeError, "groups"),
        (True, 4, 4, TypeError, "groups"),
    ],
)
def test_check_groups_refuses(groups, c_in, c_out, error, match):
    with pytest.raises(error, match=match):
        check_groups(groups, c_in, c_out)


# split_batch ---------------------------------------------------------------


def test_split_batch_adds_a_batch_axis_to_unbatched_input():
    x = np.arange(12).reshape(3, 2, 2)
    batched, was_unbatched = split_batch(x, 2)
    assert was_unbatched
    assert batched.shape == (1, 3, 2, 2)
    np.testing.assert_array_equal(batched[0], x)


def test_split_batch_keeps_batched_input():
    x = np.zeros((4, 3, 5))
    batched, was_unbatched = split_batch(x, 1)
    assert not was_unbatched
    assert batched is x


@pytest.mark.parametrize("shape", [(5,), (1, 2, 3, 4, 5), ()])
def test_split_batch_refuses_other_ranks(shape):
    with pytest.raises(ValueError, match="volume"):
        split_batch(np.zeros(shape), 2, "volume")
