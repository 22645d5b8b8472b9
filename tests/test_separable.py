"""convkit.separable against its PyTorch composition (groups=C conv, then a 1x1 conv)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

import convkit.separable as sp
from convkit.costs import depthwise_separable_cost


def _t(a):
    return None if a is None else torch.from_numpy(np.ascontiguousarray(a))


@given(
    channels=st.integers(1, 4), multiplier=st.integers(1, 3), k=st.integers(1, 4),
    stride=st.integers(1, 3), padding=st.one_of(st.integers(0, 2), st.just("valid")),
    dilation=st.integers(1, 2), batched=st.booleans(), bias=st.booleans(),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_depthwise_matches_torch(channels, multiplier, k, stride, padding, dilation, batched,
                                 bias, dtype):
    rng = np.random.default_rng(channels * 31 + k)
    size = dilation * (k - 1) + 2
    shape = (2, channels, size, size + 2) if batched else (channels, size, size + 2)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((channels * multiplier, 1, k, k)).astype(dtype)
    b = rng.standard_normal(channels * multiplier).astype(dtype) if bias else None
    expected = F.conv2d(_t(x), _t(w), _t(b), stride, padding, dilation, groups=channels).numpy()
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for fn in (sp.depthwise_conv2d, sp.depthwise_conv2d_naive):
        got = fn(x, w, b, stride, padding, dilation)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


def test_depthwise_same_padding_even_kernel():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 6, 7))
    w = rng.standard_normal((6, 1, 2, 4))
    expected = F.conv2d(_t(x), _t(w), padding="same", groups=3).numpy()
    np.testing.assert_allclose(sp.depthwise_conv2d(x, w, padding="same"), expected, rtol=1e-12)


def test_depthwise_channels_do_not_mix():
    x = np.zeros((1, 3, 5, 5))
    x[0, 1] = 1.0
    out = sp.depthwise_conv2d(x, np.ones((6, 1, 3, 3)))  # multiplier 2
    assert np.all(out[0, [0, 1, 4, 5]] == 0) and np.all(out[0, [2, 3]] == 9)


@given(c_in=st.integers(1, 5), c_out=st.integers(1, 5), batched=st.booleans(),
       bias=st.booleans(), weight_4d=st.booleans())
def test_pointwise_matches_torch_conv_and_linear(c_in, c_out, batched, bias, weight_4d):
    rng = np.random.default_rng(c_in * 10 + c_out)
    x = rng.standard_normal((2, c_in, 3, 4))
    w = rng.standard_normal((c_out, c_in))
    b = rng.standard_normal(c_out) if bias else None
    expected = F.conv2d(_t(x), _t(w[:, :, None, None]), _t(b)).numpy()
    got = sp.pointwise_conv2d(x if batched else x[0], w[:, :, None, None] if weight_4d else w, b)
    np.testing.assert_allclose(got, expected if batched else expected[0], rtol=1e-12, atol=1e-12)
    # nn.Linear on the channel axis computes the same thing
    linear = F.linear(_t(x).movedim(1, -1), _t(w), _t(b)).movedim(-1, 1).numpy()
    np.testing.assert_allclose(expected, linear, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("groups", [2, 3])
def test_pointwise_with_groups(groups):
    rng = np.random.default_rng(groups)
    x = rng.standard_normal((1, 6, 3, 3))
    w = rng.standard_normal((6 * groups, 6 // groups, 1, 1))
    np.testing.assert_allclose(sp.pointwise_conv2d(x, w, groups=groups),
                               F.conv2d(_t(x), _t(w), groups=groups).numpy(), rtol=1e-12)


@given(
    c_in=st.integers(1, 4), multiplier=st.integers(1, 2), c_out=st.integers(1, 5),
    k=st.sampled_from([1, 2, 3, 5]), stride=st.integers(1, 2), padding=st.integers(0, 2),
    dilation=st.integers(1, 2), biases=st.booleans(), batched=st.booleans(),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_depthwise_separable_matches_torch_composition(c_in, multiplier, c_out, k, stride, padding,
                                                       dilation, biases, batched, dtype):
    rng = np.random.default_rng(c_in + 7 * c_out + 49 * k)
    size = dilation * (k - 1) + 3
    x = rng.standard_normal((2, c_in, size, size)).astype(dtype)
    dw = rng.standard_normal((c_in * multiplier, 1, k, k)).astype(dtype)
    pw = rng.standard_normal((c_out, c_in * multiplier, 1, 1)).astype(dtype)
    db = rng.standard_normal(c_in * multiplier).astype(dtype) if biases else None
    pb = rng.standard_normal(c_out).astype(dtype) if biases else None
    hidden = F.conv2d(_t(x), _t(dw), _t(db), stride, padding, dilation, groups=c_in)
    expected = F.conv2d(hidden, _t(pw), _t(pb)).numpy()
    got = sp.depthwise_separable_conv2d(x if batched else x[0], dw, pw, db, pb, stride, padding,
                                        dilation)
    if not batched:
        expected = expected[0]
    tol = 1e-4 if dtype == np.float32 else 1e-10
    assert got.dtype == dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


def test_depthwise_separable_matches_nn_modules_and_their_parameter_count():
    torch.manual_seed(0)
    depthwise = nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False, dtype=torch.float64)
    pointwise = nn.Conv2d(16, 32, 1, bias=False, dtype=torch.float64)
    x = torch.randn(1, 16, 8, 8, dtype=torch.float64)
    with torch.no_grad():
        expected = pointwise(depthwise(x)).numpy()
    got = sp.depthwise_separable_conv2d(x.numpy(), depthwise.weight.detach().numpy(),
                                        pointwise.weight.detach().numpy(), padding=1)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    n_params = sum(p.numel() for m in (depthwise, pointwise) for p in m.parameters())
    assert depthwise_separable_cost(16, 32, 3).params == n_params == 656


def test_separable_equals_one_conv_with_the_factored_weight():
    rng = np.random.default_rng(5)
    c, k_mult, c_out = 3, 2, 4
    dw = rng.standard_normal((c * k_mult, 1, 3, 3))
    pw = rng.standard_normal((c_out, c * k_mult))
    x = rng.standard_normal((1, c, 6, 6))
    # W[o, c] = sum_j P[o, cK + j] D[cK + j]
    dense = np.einsum("ocj,cjuv->ocuv", pw.reshape(c_out, c, k_mult),
                      dw[:, 0].reshape(c, k_mult, 3, 3))
    np.testing.assert_allclose(sp.depthwise_separable_conv2d(x, dw, pw),
                               F.conv2d(_t(x), _t(dense)).numpy(), rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("fn", [sp.depthwise_conv2d, sp.depthwise_conv2d_naive])
def test_depthwise_weight_shape(fn):
    x = np.zeros((1, 3, 5, 5))
    with pytest.raises(ValueError, match="weight"):
        fn(x, np.zeros((3, 3, 3, 3)))
    with pytest.raises(ValueError, match="weight"):
        fn(x, np.zeros((4, 1, 3, 3)))  # not a multiple of 3 channels
    with pytest.raises(ValueError, match="weight"):
        fn(x, np.zeros((3, 1, 3)))


@pytest.mark.parametrize("fn", [sp.depthwise_conv2d, sp.depthwise_conv2d_naive])
def test_depthwise_bias_shape(fn):
    with pytest.raises(ValueError, match="bias"):
        fn(np.zeros((1, 3, 5, 5)), np.zeros((3, 1, 3, 3)), np.zeros(2))


def test_depthwise_input_rank():
    with pytest.raises(ValueError, match="input"):
        sp.depthwise_conv2d(np.zeros((5, 5)), np.zeros((1, 1, 3, 3)))


@pytest.mark.parametrize("fn", [sp.depthwise_conv2d, sp.depthwise_conv2d_naive])
@pytest.mark.parametrize("shape", [(1, 0, 5, 5), (0, 5, 5)])
def test_depthwise_input_without_channels_blames_input_not_weight(fn, shape):
    with pytest.raises(ValueError) as excinfo:
        fn(np.ones(shape), np.ones((3, 1, 3, 3)))
    message = str(excinfo.value)
    assert message.startswith("input ") and "weight" not in message, message


@pytest.mark.parametrize("shape", [(1, 0, 5, 5), (0, 5, 5)])
def test_depthwise_separable_input_without_channels_blames_input(shape):
    with pytest.raises(ValueError) as excinfo:
        sp.depthwise_separable_conv2d(np.ones(shape), np.ones((3, 1, 3, 3)), np.ones((2, 3)))
    message = str(excinfo.value)
    assert message.startswith("input ") and "weight" not in message, message


def test_depthwise_stride_and_padding_rules():
    x, w = np.zeros((1, 2, 5, 5)), np.zeros((2, 1, 3, 3))
    with pytest.raises(ValueError, match="stride"):
        sp.depthwise_conv2d(x, w, stride=0)
    with pytest.raises(ValueError, match="padding"):
        sp.depthwise_conv2d(x, w, padding=-1)
    with pytest.raises(ValueError, match="stride"):
        sp.depthwise_conv2d(x, w, stride=2, padding="same")


def test_pointwise_weight_shape():
    with pytest.raises(ValueError, match="weight"):
        sp.pointwise_conv2d(np.zeros((1, 3, 4, 4)), np.zeros((2, 3, 3, 3)))
    with pytest.raises(ValueError, match="weight"):
        sp.pointwise_conv2d(np.zeros((1, 3, 4, 4)), np.zeros(3))


def test_pointwise_channel_mismatch():
    with pytest.raises(ValueError, match="channels"):
        sp.pointwise_conv2d(np.zeros((1, 3, 4, 4)), np.zeros((2, 4)))


def test_separable_chain_mismatch():
    with pytest.raises(ValueError, match="channels"):
        sp.depthwise_separable_conv2d(np.zeros((1, 3, 4, 4)), np.zeros((6, 1, 3, 3)),
                                      np.zeros((2, 3)))


def test_non_numeric():
    with pytest.raises(TypeError, match="weight"):
        sp.pointwise_conv2d(np.zeros((1, 3, 4, 4)), [["a", "b", "c"]])


@pytest.mark.parametrize("argument", ["depthwise_weight", "pointwise_weight", "depthwise_bias",
                                      "pointwise_bias"])
def test_separable_errors_name_the_outer_argument(argument):
    good = dict(input=np.zeros((1, 3, 5, 5)), depthwise_weight=np.zeros((6, 1, 3, 3)),
                pointwise_weight=np.zeros((4, 6)), depthwise_bias=np.zeros(6),
                pointwise_bias=np.zeros(4))
    with pytest.raises(TypeError, match=argument):
        sp.depthwise_separable_conv2d(**(good | {argument: good[argument].astype(bool)}))
    wrong_shape = {"depthwise_weight": (7, 1, 3, 3), "pointwise_weight": (4, 5),
                   "depthwise_bias": (5,), "pointwise_bias": (6,)}[argument]
    with pytest.raises(ValueError, match=argument):
        sp.depthwise_separable_conv2d(**(good | {argument: np.zeros(wrong_shape)}))
