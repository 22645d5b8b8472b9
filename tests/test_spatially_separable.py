"""convkit.spatially_separable: SVD rank tests, factors, low-rank kernels, column-then-row conv."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import convkit.spatially_separable as ss


def _t(a):
    return None if a is None else torch.from_numpy(np.array(a))  # a copy: constants are read-only


def test_sobel_constants():
    np.testing.assert_array_equal(ss.SOBEL_X, [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    np.testing.assert_array_equal(ss.SOBEL_Y, np.array(ss.SOBEL_X).T)
    with pytest.raises(ValueError):
        ss.SOBEL_X[0, 0] = 5  # read-only: a module constant cannot be changed by accident


@pytest.mark.parametrize("kernel, expected", [
    (ss.SOBEL_X, True),
    (np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]), True),  # binomial blur
    (np.ones((3, 5)), True),
    (np.zeros((3, 3)), True),
    ([[1, 2, 3]], True),
    ([[0, 1, 0], [1, -4, 1], [0, 1, 0]], False),  # Laplacian
    (np.eye(3), False),
    ([[1.0, 2.0], [2.0, 4.0 + 1e-9]], False),
])
def test_is_separable_matches_matrix_rank(kernel, expected):
    kernel = np.asarray(kernel)
    assert ss.is_separable(kernel) is expected
    assert bool(np.linalg.matrix_rank(kernel) <= 1) is expected


@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)),
              elements=st.floats(-10, 10, allow_nan=False, allow_subnormal=False)))
def test_is_separable_agrees_with_numpy_matrix_rank(kernel):
    assert ss.is_separable(kernel) == (np.linalg.matrix_rank(kernel) <= 1)


def test_separate_sobel_gives_the_textbook_factors():
    column, row = ss.separate_kernel(ss.SOBEL_X)
    np.testing.assert_array_equal(column, [1, 2, 1])
    np.testing.assert_array_equal(row, [1, 0, -1])


@given(arrays(np.int64, st.integers(1, 5), elements=st.integers(-9, 9)),
       arrays(np.int64, st.integers(1, 5), elements=st.integers(-9, 9)))
def test_separate_kernel_reproduces_any_outer_product(column, row):
    kernel = np.outer(column, row)
    c, r = ss.separate_kernel(kernel)
    assert c.shape == column.shape and r.shape == row.shape
    np.testing.assert_allclose(np.outer(c, r), kernel, rtol=1e-12, atol=1e-12)


def test_separate_kernel_refuses_rank_two():
    with pytest.raises(ValueError, match="kernel is not separable"):
        ss.separate_kernel([[0, 1, 0], [1, -4, 1], [0, 1, 0]])


@pytest.mark.parametrize("shape", [(3, 3), (5, 4), (2, 6)])
def test_low_rank_kernel_is_the_truncated_svd(shape):
    rng = np.random.default_rng(sum(shape))
    kernel = rng.standard_normal(shape)
    s = np.linalg.svd(kernel, compute_uv=False)
    for rank in range(1, min(shape) + 1):
        approx = ss.low_rank_kernel(kernel, rank)
        assert np.linalg.matrix_rank(approx) == rank
        # Eckart-Young: the error is the norm of the dropped singular values
        np.testing.assert_allclose(np.linalg.norm(kernel - approx), np.sqrt(np.sum(s[rank:] ** 2)),
                                   atol=1e-12)
    np.testing.assert_allclose(ss.low_rank_kernel(kernel, min(shape)), kernel, atol=1e-12)


def test_low_rank_beats_other_rank_one_candidates():
    rng = np.random.default_rng(9)
    kernel = rng.standard_normal((4, 4))
    best = np.linalg.norm(kernel - ss.low_rank_kernel(kernel, 1))
    for _ in range(200):
        candidate = np.outer(rng.standard_normal(4), rng.standard_normal(4))
        assert np.linalg.norm(kernel - candidate) >= best


@pytest.mark.parametrize("batched", ["image", "unbatched", "batched"])
@pytest.mark.parametrize("stride, padding", [(1, 0), (1, 1), ((2, 1), (1, 2)), (1, "same"),
                                             (2, "valid"), ((1, 3), 0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_column_then_row_equals_torch_conv_with_the_outer_product(batched, stride, padding, dtype):
    rng = np.random.default_rng(1)
    column = rng.standard_normal(3).astype(dtype)
    row = rng.standard_normal(4).astype(dtype)
    x = rng.standard_normal((2, 3, 8, 9)).astype(dtype)
    bias = rng.standard_normal(3).astype(dtype)
    weight = np.broadcast_to(np.outer(column, row), (3, 1, 3, 4)).copy()
    expected = F.conv2d(_t(x), _t(weight), _t(bias), stride, padding, groups=3).numpy()
    if batched == "image":
        got = ss.spatially_separable_conv2d(x[0, 0], column, row, bias[0], stride, padding)
        expected = expected[0, 0]
    elif batched == "unbatched":
        got = ss.spatially_separable_conv2d(x[0], column, row, bias, stride, padding)
        expected = expected[0]
    else:
        got = ss.spatially_separable_conv2d(x, column, row, bias, stride, padding)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert got.dtype == dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


def test_sobel_on_an_integer_image_is_exact():
    image = np.random.default_rng(0).integers(0, 256, (12, 10))
    got = ss.spatially_separable_conv2d(image, ss.SOBEL_COLUMN, ss.SOBEL_ROW, padding=1)
    expected = F.conv2d(_t(image[None, None]).double(), _t(ss.SOBEL_X[None, None]).double(),
                        padding=1)[0, 0].numpy()
    assert got.dtype == image.dtype
    np.testing.assert_array_equal(got, expected.astype(np.int64))


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
def test_kernel_rank_checked():
    for fn in (ss.is_separable, ss.separate_kernel):
        with pytest.raises(ValueError, match="kernel"):
            fn(np.ones(3))
    with pytest.raises(ValueError, match="kernel"):
        ss.low_rank_kernel(np.ones((0, 3)), 1)


def test_rank_range_and_type():
    with pytest.raises(ValueError, match="rank"):
        ss.low_rank_kernel(np.ones((3, 2)), 3)
    with pytest.raises(ValueError, match="rank"):
        ss.low_rank_kernel(np.ones((3, 2)), 0)
    with pytest.raises(TypeError, match="rank"):
        ss.low_rank_kernel(np.ones((3, 2)), 1.0)


def test_rtol_checked():
    with pytest.raises(ValueError, match="rtol"):
        ss.is_separable(np.eye(2), rtol=-1)


@pytest.mark.parametrize("fn", [ss.is_separable, ss.separate_kernel])
@pytest.mark.parametrize("rtol", ["abc", True, [1e-9], 1j])
def test_rtol_of_the_wrong_type_is_a_type_error(fn, rtol):
    with pytest.raises(TypeError, match=r"\brtol\b"):
        fn(np.ones((3, 3)), rtol=rtol)


@pytest.mark.parametrize("fn", [ss.is_separable, ss.separate_kernel])
def test_nan_rtol_is_refused(fn):
    # NaN compares False with everything: it used to answer "not separable" for a rank-1 kernel
    with pytest.raises(ValueError, match=r"\brtol\b"):
        fn(np.ones((3, 3)), rtol=float("nan"))


def test_numpy_scalar_rtol_is_a_number():
    assert ss.is_separable(np.ones((3, 3)), rtol=np.float32(1e-6))
    assert not ss.is_separable(np.eye(3), rtol=np.float64(0.5))


def test_non_numeric_kernel():
    with pytest.raises(TypeError, match="kernel"):
        ss.is_separable([["a", "b"]])


def test_conv_factor_shapes():
    x = np.zeros((5, 5))
    with pytest.raises(ValueError, match="column"):
        ss.spatially_separable_conv2d(x, np.ones((3, 1)), np.ones(3))
    with pytest.raises(ValueError, match="row"):
        ss.spatially_separable_conv2d(x, np.ones(3), np.ones(0))
    with pytest.raises(ValueError, match="input"):
        ss.spatially_separable_conv2d(np.zeros(5), np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="bias"):
        ss.spatially_separable_conv2d(np.zeros((2, 5, 5)), np.ones(3), np.ones(3), bias=np.ones(3))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bias", [1.5, 2])
def test_python_number_bias_keeps_the_float_dtype(dtype, bias):
    # A Python float or int bias is added in the input's dtype, like F.conv2d's (C,) bias would be.
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 3, 6, 5)).astype(dtype)
    column, row = rng.standard_normal(3).astype(dtype), rng.standard_normal(2).astype(dtype)
    got = ss.spatially_separable_conv2d(x, column, row, bias=bias, padding=1)
    assert got.dtype == dtype
    weight = np.broadcast_to(np.outer(column, row), (3, 1, 3, 2))  # (C, 1, kH, kW)
    bias_t = torch.full((3,), bias, dtype=_t(x).dtype)
    expected = F.conv2d(_t(x), _t(weight), bias_t, padding=1, groups=3)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expected.numpy(), rtol=tol, atol=tol)


def test_scalar_bias_promotes_like_numpy():
    ones = np.ones((1, 4, 4), np.float32)
    k = np.ones(3, np.float32)
    # numpy and 0-d array scalars are typed: float64 promotes, as in float32_array + np.float64(1)
    assert ss.spatially_separable_conv2d(ones, k, k, bias=np.float64(1.0)).dtype == np.float64
    assert ss.spatially_separable_conv2d(ones, k, k, bias=np.float32(1.0)).dtype == np.float32
    ints = np.ones((1, 4, 4), np.int64)
    k_int = k.astype(np.int64)
    assert ss.spatially_separable_conv2d(ints, k_int, k_int, bias=3)[0, 0, 0] == 12
    assert ss.spatially_separable_conv2d(ints, k_int, k_int, bias=0.5).dtype == np.float64


def test_python_int_bias_out_of_range_is_refused_not_wrapped():
    small = np.ones((1, 4, 4), np.uint8)
    k = np.ones(3, np.uint8)
    with pytest.raises(ValueError, match="bias"):
        ss.spatially_separable_conv2d(small, k, k, bias=300)
    # a 0-d int64 array is typed: the result is int64 and exact
    assert ss.spatially_separable_conv2d(small, k, k, bias=np.array(300))[0, 0, 0] == 309


@pytest.mark.parametrize("shape", [(1, 0, 5, 5), (0, 5, 5)])
@pytest.mark.parametrize("bias", [None, np.ones(3), 1.0])
def test_input_without_channels_blames_input(shape, bias):
    # with a (3,) bias it used to blame bias, without one the internal weight
    with pytest.raises(ValueError) as excinfo:
        ss.spatially_separable_conv2d(np.ones(shape), np.ones(3), np.ones(3), bias=bias)
    message = str(excinfo.value)
    assert message.startswith("input "), message
    assert "weight" not in message and "bias" not in message, message


def test_conv_stride_padding_rules():
    x = np.zeros((5, 5))
    with pytest.raises(ValueError, match="stride"):
        ss.spatially_separable_conv2d(x, np.ones(3), np.ones(3), stride=0)
    with pytest.raises(ValueError, match="padding"):
        ss.spatially_separable_conv2d(x, np.ones(3), np.ones(3), padding=-1)
    with pytest.raises(ValueError, match="stride"):
        ss.spatially_separable_conv2d(x, np.ones(3), np.ones(3), stride=2, padding="same")
    with pytest.raises(ValueError, match="kernel"):
        ss.spatially_separable_conv2d(x, np.ones(7), np.ones(3))
