"""conv2d_input_grad and conv2d_weight_grad against torch.nn.grad and autograd."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.nn.grad import conv2d_input, conv2d_weight

from convkit import conv2d, conv2d_input_grad, conv2d_weight_grad, conv2d_weight_grad_naive

# N, C_in, C_out, H, W, kH, kW, stride, padding, dilation, groups
CASES = [
    (2, 4, 6, 9, 11, 3, 3, 1, 0, 1, 1),
    (1, 4, 6, 10, 7, 3, 2, 2, 1, 2, 2),
    (3, 6, 6, 12, 12, 5, 5, 3, 2, 1, 6),
    (2, 3, 3, 8, 9, 2, 4, (2, 1), (1, 3), (1, 2), 3),
    (1, 2, 2, 8, 8, 4, 4, 1, "same", 1, 1),
    (1, 2, 3, 7, 7, 3, 3, 2, 0, 1, 1),
]


def autograd(x, w, kwargs, seed=0):
    xt = torch.from_numpy(x).requires_grad_()
    wt = torch.from_numpy(w).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        y = F.conv2d(xt, wt, **kwargs)
    g = torch.from_numpy(np.random.default_rng(seed).standard_normal(tuple(y.shape)))
    y.backward(g)
    return g.numpy(), xt.grad.numpy(), wt.grad.numpy()


@pytest.mark.parametrize("case", CASES)
def test_against_autograd_and_torch_nn_grad(case):
    n, c_in, c_out, h, w_, kh, kw, s, p, d, groups = case
    rng = np.random.default_rng(1)
    x = rng.standard_normal((n, c_in, h, w_))
    w = rng.standard_normal((c_out, c_in // groups, kh, kw))
    kwargs = dict(stride=s, padding=p, dilation=d, groups=groups)
    g, dx, dw = autograd(x, w, kwargs)
    got_dx = conv2d_input_grad(x.shape, w, g, **kwargs)
    got_dw = conv2d_weight_grad(x, w.shape, g, **kwargs)
    np.testing.assert_allclose(got_dx, dx, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_dw, dw, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(conv2d_weight_grad_naive(x, w.shape, g, **kwargs), dw, rtol=1e-10, atol=1e-12)
    if not isinstance(p, str):  # torch.nn.grad takes no padding string
        tx, tw, tg = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(g)
        np.testing.assert_allclose(got_dx, conv2d_input(x.shape, tw, tg, **kwargs).numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(got_dw, conv2d_weight(tx, w.shape, tg, **kwargs).numpy(), rtol=1e-10, atol=1e-12)


def test_weight_grad_is_a_convolution_of_input_and_gradient():
    """groups=1: swap batch and channel axes, the stride becomes the dilation."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 2, 11, 10))
    w = rng.standard_normal((4, 2, 3, 3))
    s, p, d = 2, 1, 2
    g, _, dw = autograd(x, w, dict(stride=s, padding=p, dilation=d))
    as_conv = conv2d(x.swapaxes(0, 1), g.swapaxes(0, 1), padding=p, stride=d, dilation=s)
    np.testing.assert_allclose(as_conv.swapaxes(0, 1)[:, :, :3, :3], dw, rtol=1e-10, atol=1e-12)


def test_integers_exact_and_float32_kept():
    rng = np.random.default_rng(3)
    x = rng.integers(-5, 6, (2, 2, 6, 6))
    w = rng.integers(-5, 6, (3, 2, 3, 3))
    g = rng.integers(-5, 6, (2, 3, 4, 4))
    dx = conv2d_input_grad(x.shape, w, g)
    dw = conv2d_weight_grad(x, w.shape, g)
    assert dx.dtype.kind == dw.dtype.kind == "i"
    np.testing.assert_array_equal(conv2d_weight_grad_naive(x, w.shape, g), dw)
    _, fdx, fdw = (None, conv2d_input_grad(x.shape, w.astype(float), g.astype(float)),
                   conv2d_weight_grad(x.astype(float), w.shape, g.astype(float)))
    np.testing.assert_array_equal(dx, fdx)
    np.testing.assert_array_equal(dw, fdw)
    x32, w32, g32 = (a.astype(np.float32) for a in (x, w, g))
    assert conv2d_input_grad(x.shape, w32, g32).dtype == np.float32
    assert conv2d_weight_grad(x32, w.shape, g32).dtype == np.float32


@pytest.mark.parametrize("func, args, exception, match", [
    (conv2d_input_grad, ((1, 2, 5, 5), np.ones((3, 2, 3, 3)), np.ones((1, 3, 4, 4))), ValueError, "grad_output"),
    (conv2d_input_grad, ((1, 2, 5), np.ones((3, 2, 3, 3)), np.ones((1, 3, 3, 3))), ValueError, "input_size"),
    (conv2d_input_grad, ((1, 3, 5, 5), np.ones((3, 2, 3, 3)), np.ones((1, 3, 3, 3))), ValueError, "channels"),
    (conv2d_weight_grad, (np.ones((1, 2, 5, 5)), (3, 2, 3, 3), np.ones((1, 2, 3, 3))), ValueError, "grad_output"),
    (conv2d_weight_grad, (np.ones((1, 2, 5, 5)), (3, 2, 3, 0), np.ones((1, 3, 3, 3))), ValueError, "weight_size"),
    (conv2d_weight_grad, (np.ones((1, 2, 5, 5)), (3, 2, 3, 3), "g"), TypeError, "grad_output"),
])
def test_bad_arguments(func, args, exception, match):
    with pytest.raises(exception, match=match):
        func(*args)
