"""unfold (im2col) against torch.nn.functional.unfold, and the identity conv2d = weight @ unfold."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import convkit

# input shape, kernel_size, dilation, padding, stride
CASES = [
    ((2, 3, 7, 8), 2, 1, 0, 1),
    ((2, 3, 7, 8), (2, 3), (1, 2), (1, 0), (2, 1)),
    ((1, 2, 9, 9), 3, 2, 2, 3),
    ((1, 1, 4, 4), 4, 1, 0, 1),  # one window
    ((3, 5, 5), 3, 1, 1, 1),  # unbatched
    ((2, 3, 4), (1, 2), 1, 0, (1, 2)),  # unbatched, 2 channels
    ((0, 3, 6, 6), 3, 1, 1, 2),  # empty batch
    ((1, 1, 1, 1), 1, 1, 0, 1),
    ((1, 2, 2, 5), (3, 1), 1, (1, 0), 1),  # the padding makes room for the window
]


@pytest.mark.parametrize("shape, kernel_size, dilation, padding, stride", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_against_torch(shape, kernel_size, dilation, padding, stride, dtype):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    kwargs = dict(kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride)
    expected = F.unfold(torch.from_numpy(x), **kwargs).numpy()
    result = convkit.unfold(x, **kwargs)
    assert result.dtype == dtype
    assert result.shape == expected.shape
    np.testing.assert_array_equal(result, expected)  # copies, no arithmetic


def test_integers_stay_integers():
    x = np.arange(2 * 5 * 5).reshape(1, 2, 5, 5)
    result = convkit.unfold(x, 3, padding=1)
    expected = F.unfold(torch.from_numpy(x).double(), 3, padding=1).numpy()
    assert result.dtype == x.dtype
    np.testing.assert_array_equal(result, expected)


def test_result_is_a_copy_that_leaves_the_input_alone():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    before = x.copy()
    columns = convkit.unfold(x, 2)
    columns[...] = -1
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("stride, padding, dilation", [(1, 0, 1), (2, 1, 1), (1, 2, 2), ((2, 1), (0, 1), (1, 2))])
def test_conv2d_is_one_matrix_multiply_with_unfold(stride, padding, dilation):
    """The identity of conv2d's docstring: conv2d(x, w) == (w.reshape(C_out, -1) @ unfold(x, k)).reshape(...)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 8, 7))
    w = rng.standard_normal((4, 3, 3, 2))
    kwargs = dict(stride=stride, padding=padding, dilation=dilation)
    y = convkit.conv2d(x, w, **kwargs)
    n, c_out, h_out, w_out = y.shape
    columns = convkit.unfold(x, w.shape[2:], **kwargs)  # (N, C_in * kH * kW, L)
    product = (w.reshape(c_out, -1) @ columns).reshape(n, c_out, h_out, w_out)
    np.testing.assert_allclose(product, y, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape, kwargs, exception, match", [
    ((1, 1, 4, 4), dict(kernel_size=0), ValueError, "kernel_size"),
    ((1, 1, 4, 4), dict(kernel_size=2, stride=0), ValueError, "stride"),
    ((1, 1, 4, 4), dict(kernel_size=2, dilation=0), ValueError, "dilation"),
    ((1, 1, 4, 4), dict(kernel_size=2, padding=-1), ValueError, "padding"),
    ((1, 1, 4, 4), dict(kernel_size=(1, 2, 3)), ValueError, "kernel_size"),
    ((1, 1, 4, 4), dict(kernel_size=2.0), TypeError, "kernel_size"),
    ((1, 1, 4, 5), dict(kernel_size=5), ValueError, "kernel_size"),
    ((1, 1, 4, 4), dict(kernel_size=3, dilation=2), ValueError, "kernel_size"),
    ((2, 0, 4, 4), dict(kernel_size=2), ValueError, "input"),
    ((1, 1, 0, 4), dict(kernel_size=1), ValueError, "input"),
    ((0, 4, 4), dict(kernel_size=2), ValueError, "input"),
    ((1, 2, 3, 4, 5), dict(kernel_size=2), ValueError, "input"),
    ((4, 4), dict(kernel_size=2), ValueError, "input"),
])
def test_refuses_what_torch_refuses(shape, kwargs, exception, match):
    x = np.ones(shape)
    with pytest.raises(exception, match=match):
        convkit.unfold(x, **kwargs)
    with pytest.raises((RuntimeError, ValueError, TypeError, IndexError)):
        F.unfold(torch.from_numpy(x), **kwargs)


def test_refuses_non_numeric_input():
    with pytest.raises(TypeError, match="input"):
        convkit.unfold(np.ones((1, 1, 3, 3), dtype=bool), 2)
