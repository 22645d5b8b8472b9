"""The shared argument checks of convkit/_validation.py."""

import numpy as np
import pytest
import torch

from convkit._validation import (
    as_array, as_nd_array, check_groups, check_ints, check_real, result_dtype, split_batch, to_tuple,
)


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


# check_ints and check_real, and the functions above the core that use them --


def test_check_ints_and_check_real():
    assert check_ints([np.int64(2), 3], "dilations", minimum=1) == (2, 3)
    assert check_real(np.float32(0.5), "tol", minimum=0) == 0.5
    assert check_real(np.int64(3), "dpi", minimum=0, strict=True) == 3.0
    for call, error, message in [
        (lambda: check_ints("12", "dilations"), TypeError, "dilations must be a sequence of ints, got '12'"),
        (lambda: check_ints((1, True), "dilations"), TypeError, "dilations[1] must be an int, got True"),
        (lambda: check_ints((1, 0), "dilations", minimum=1), ValueError, "dilations[1] must be positive, got 0"),
        (lambda: check_real("1", "eps"), TypeError, "eps must be a real number, got '1'"),
        (lambda: check_real(True, "eps"), TypeError, "eps must be a real number, got True"),
        (lambda: check_real(0, "dpi", minimum=0, strict=True), ValueError, "dpi must be positive, got 0"),
        (lambda: check_real(-1.0, "tol", minimum=0), ValueError, "tol must be non-negative, got -1.0"),
        (lambda: check_real(float("nan"), "tol", minimum=0), ValueError, "tol must be non-negative, got nan"),
        (lambda: check_real(0.5, "x", minimum=1), ValueError, "x must be at least 1, got 0.5"),
        (lambda: check_real(1, "x", minimum=1, strict=True), ValueError, "x must be greater than 1, got 1"),
    ]:
        with pytest.raises(error) as info:
            call()
        assert str(info.value) == message


def _message(call):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    return info.type, str(info.value)


def test_plotting_checks_speak_the_core_vocabulary():
    from convkit import causal_receptive_field
    from convkit.plotting.bottleneck import break_even_width
    from convkit.plotting.causal import causal_reach
    from convkit.plotting.dilation import stack_footprint
    from convkit.plotting.graph import message_passing_description

    # a plotting helper and the core function with the same argument fail with the same words
    for bad in ["12", (1, 0), (1, True), (1, 2.0)]:
        core = _message(lambda: causal_receptive_field(2, bad))
        assert _message(lambda: causal_reach(2, bad, 8)) == core
        assert _message(lambda: stack_footprint(bad)) == core
    assert _message(lambda: break_even_width(16, 0, 3)) == (ValueError, "out_channels must be positive, got 0")
    assert _message(lambda: break_even_width(16, 2.5, 3)) == (TypeError, "out_channels must be an int, got 2.5")
    assert _message(lambda: causal_reach(2, (1,), True)) == (TypeError, "length must be an int, got True")
    assert _message(lambda: message_passing_description(2.5, 3)) == (TypeError, "height must be an int, got 2.5")
    # numpy integers are integers
    i = np.int64
    assert break_even_width(i(256), i(512), i(3)) == break_even_width(256, 512, 3)
    np.testing.assert_array_equal(causal_reach(i(2), (i(1), i(2)), i(6)), causal_reach(2, (1, 2), 6))
    assert message_passing_description(i(3), i(4), (i(1), i(2))) == message_passing_description(3, 4, (1, 2))


def test_real_arguments_accept_numpy_floats_and_refuse_strings():
    from convkit import cheb_conv, chebyshev_coefficients, kernel_attention, ring_graph
    from convkit.plotting import add_note, figure_png
    from matplotlib.figure import Figure

    rng = np.random.default_rng(0)
    adjacency = ring_graph(5)
    x, w = rng.standard_normal((5, 2)), rng.standard_normal((3, 2, 2))
    np.testing.assert_array_equal(cheb_conv(x, adjacency, w, lambda_max=np.float32(2.0)),
                                  cheb_conv(x, adjacency, w, lambda_max=2.0))
    assert _message(lambda: chebyshev_coefficients(np.cos, 3, "2")) == (
        TypeError, "lambda_max must be a real number, got '2'")
    assert _message(lambda: cheb_conv(x, adjacency, w, lambda_max=0)) == (
        ValueError, "lambda_max must be positive, got 0")
    image = rng.standard_normal((1, 2, 4, 4))
    assert _message(lambda: kernel_attention(image, np.ones((3, 2)), temperature="1")) == (
        TypeError, "temperature must be a real number, got '1'")
    assert _message(lambda: kernel_attention(image, np.ones((3, 2)), temperature=0)) == (
        ValueError, "temperature must be positive, got 0")
    assert figure_png(Figure(figsize=(1, 1)), dpi=np.float32(20))[:4] == b"\x89PNG"
    assert _message(lambda: add_note(Figure(), "a note", inches=0)) == (ValueError, "inches must be positive, got 0")


def test_as_nd_array_names_the_axes():
    np.testing.assert_array_equal(as_nd_array([[1, 2]], "image", "H, W"), [[1, 2]])
    for call, error, message in [
        (lambda: as_nd_array([1, 2], "image", "H, W"), ValueError, "image must be 2D (H, W), got shape (2,)"),
        (lambda: as_nd_array([], "row", "kW", nonempty=True), ValueError,
         "row must be a non-empty 1D (kW,), got shape (0,)"),
        (lambda: as_nd_array([["a"]], "kernel", "kH, kW"), TypeError, "kernel must hold integers or floats, got dtype <U1"),
    ]:
        with pytest.raises(error) as info:
            call()
        assert str(info.value) == message


def test_plotting_arrays_are_checked_like_the_core():
    from convkit.plotting import conv_matrix_figure, multichannel_figure

    assert _message(lambda: multichannel_figure(np.ones((2, 3)), np.ones((2, 2, 2)))) == (
        ValueError, "input must be 3D (C_in, H, W), got shape (2, 3)")
    assert _message(lambda: conv_matrix_figure(3, np.array([["a"]]))) == (
        TypeError, "weight must hold integers or floats, got dtype <U1")
