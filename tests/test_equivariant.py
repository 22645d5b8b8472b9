"""convkit.equivariant against PyTorch (F.conv2d on torch.rot90 copies of the filters) and the
equivariance identities, exactly in integers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import convkit
from convkit.equivariant import (
    group_conv2d_p4, group_conv2d_p4_naive, lift_conv2d_p4, lift_conv2d_p4_naive, p4_conv_cost,
    pool_rotations_p4, rotate_p4, rotated_filters_p4,
)


# --------------------------------------------------------------------------- referees in torch
def torch_lift(x, w, b=None, padding=0, stride=1):
    """Four F.conv2d calls, one per copy of the filter turned by torch.rot90."""
    xt, wt = torch.from_numpy(np.asarray(x, np.float64)), torch.from_numpy(np.asarray(w, np.float64))
    bt = None if b is None else torch.from_numpy(np.asarray(b, np.float64))
    unbatched = xt.ndim == 3
    if unbatched:
        xt = xt[None]
    maps = [F.conv2d(xt, torch.rot90(wt, r, dims=(2, 3)), bt, stride=stride, padding=padding) for r in range(4)]
    out = torch.stack(maps, dim=2)
    return (out[0] if unbatched else out).numpy()


def torch_group(x, w, b=None, padding=0, stride=1):
    """For each output rotation r: turn the p4 filter spatially (torch.rot90), shift its rotation
    axis (torch.roll), flatten (C_in, 4) into channels and call F.conv2d."""
    xt, wt = torch.from_numpy(np.asarray(x, np.float64)), torch.from_numpy(np.asarray(w, np.float64))
    bt = None if b is None else torch.from_numpy(np.asarray(b, np.float64))
    unbatched = xt.ndim == 4
    if unbatched:
        xt = xt[None]
    n, c_in, _, h, wd = xt.shape
    c_out, k = wt.shape[0], wt.shape[-1]
    maps = []
    for r in range(4):
        turned = torch.roll(torch.rot90(wt, r, dims=(3, 4)), r, dims=2)
        maps.append(F.conv2d(xt.reshape(n, c_in * 4, h, wd), turned.reshape(c_out, c_in * 4, k, k), bt,
                             stride=stride, padding=padding))
    out = torch.stack(maps, dim=2)
    return (out[0] if unbatched else out).numpy()


def rot(a, r=1):
    return np.rot90(a, r, axes=(-2, -1))


# --------------------------------------------------------------------------- against torch
@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 3), c_in=st.integers(1, 3), c_out=st.integers(1, 3), k=st.integers(1, 4),
       size=st.integers(1, 7), padding=st.integers(0, 2), bias=st.booleans(), batched=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**16))
def test_lift_matches_torch(n, c_in, c_out, k, size, padding, bias, batched, dtype, seed):
    if size + 2 * padding < k:
        return
    rng = np.random.default_rng(seed)
    shape = (n, c_in, size, size) if batched else (c_in, size, size)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((c_out, c_in, k, k)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype) if bias else None
    got = lift_conv2d_p4(x, w, b, padding=padding)
    expected = torch_lift(x, w, b, padding)
    h_out = size + 2 * padding - k + 1
    assert got.dtype == dtype
    assert got.shape == expected.shape == shape[:-3] + (c_out, 4, h_out, h_out)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 3), c_in=st.integers(1, 3), c_out=st.integers(1, 3), k=st.integers(1, 4),
       size=st.integers(1, 7), padding=st.integers(0, 2), bias=st.booleans(), batched=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**16))
def test_group_matches_torch(n, c_in, c_out, k, size, padding, bias, batched, dtype, seed):
    if size + 2 * padding < k:
        return
    rng = np.random.default_rng(seed)
    shape = (n, c_in, 4, size, size) if batched else (c_in, 4, size, size)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((c_out, c_in, 4, k, k)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype) if bias else None
    got = group_conv2d_p4(x, w, b, padding=padding)
    expected = torch_group(x, w, b, padding)
    h_out = size + 2 * padding - k + 1
    assert got.dtype == dtype
    assert got.shape == expected.shape == shape[:-4] + (c_out, 4, h_out, h_out)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("k, size, padding", [(1, 3, 0), (2, 4, 1), (3, 5, 1), (3, 4, 0), (4, 6, 2)])
def test_naive_loops_exact_in_integers(k, size, padding, batched):
    rng = np.random.default_rng(k * 100 + size)
    x = rng.integers(-5, 6, size=(2, 2, size, size))
    w = rng.integers(-3, 4, size=(3, 2, k, k))
    b = rng.integers(-3, 4, size=3)
    xs = x if batched else x[0]
    lifted = lift_conv2d_p4(xs, w, b, padding=padding)
    assert lifted.dtype.kind == "i"
    np.testing.assert_array_equal(lifted, torch_lift(xs, w, b, padding).astype(np.int64))
    np.testing.assert_array_equal(lift_conv2d_p4_naive(xs, w, b, padding=padding), lifted)
    x4 = rng.integers(-5, 6, size=(2, 2, 4, size, size))
    w4 = rng.integers(-3, 4, size=(3, 2, 4, k, k))
    x4s = x4 if batched else x4[0]
    grouped = group_conv2d_p4(x4s, w4, b, padding=padding)
    assert grouped.dtype.kind == "i"
    np.testing.assert_array_equal(grouped, torch_group(x4s, w4, b, padding).astype(np.int64))
    np.testing.assert_array_equal(group_conv2d_p4_naive(x4s, w4, b, padding=padding), grouped)


# (k, size, padding, stride) with stride dividing size + 2 padding - k; strides 2 and 3 each at least twice
STRIDED = [(1, 5, 0, 2), (3, 7, 0, 2), (2, 6, 1, 3), (3, 7, 1, 3), (4, 8, 1, 3), (3, 8, 2, 1), (2, 4, 2, 2)]


@pytest.mark.parametrize("dtype", [np.float64, np.int64])
@pytest.mark.parametrize("k, size, padding, stride", STRIDED)
def test_strided_layers_match_torch(k, size, padding, stride, dtype):
    assert (size + 2 * padding - k) % stride == 0
    rng = np.random.default_rng(1000 * stride + 10 * size + k)
    draw = ((lambda shape: rng.standard_normal(shape)) if dtype == np.float64
            else (lambda shape: rng.integers(-5, 6, size=shape)))
    h_out = (size + 2 * padding - k) // stride + 1
    x, w, b = draw((2, 3, size, size)), draw((2, 3, k, k)), draw(2)
    x4, w4 = draw((2, 3, 4, size, size)), draw((2, 3, 4, k, k))
    cases = [(lift_conv2d_p4, lift_conv2d_p4_naive, torch_lift, x, w),
             (group_conv2d_p4, group_conv2d_p4_naive, torch_group, x4, w4)]
    for fn, naive, referee, xin, win in cases:
        for batched in (True, False):
            xs = xin if batched else xin[0]
            got = fn(xs, win, b, stride=stride, padding=padding)
            expected = referee(xs, win, b, padding, stride)
            assert got.dtype == dtype
            assert got.shape == expected.shape == (2,) * batched + (2, 4, h_out, h_out)
            loops = naive(xs, win, b, stride=stride, padding=padding)
            if dtype == np.int64:   # sums of small integers: exact in float64 too
                np.testing.assert_array_equal(got, expected.astype(np.int64))
                np.testing.assert_array_equal(loops, got)
            else:
                np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
                np.testing.assert_allclose(loops, expected, rtol=1e-10, atol=1e-10)
    # stride s keeps every s-th output of stride 1 (rows and columns from 0); exact in integers
    tol = 0 if dtype == np.int64 else 1e-10
    np.testing.assert_allclose(lift_conv2d_p4(x, w, b, stride=stride, padding=padding),
                               lift_conv2d_p4(x, w, b, padding=padding)[..., ::stride, ::stride], rtol=tol, atol=tol)


def test_rotation_zero_is_the_ordinary_convolution():
    rng = np.random.default_rng(3)
    x = rng.integers(-4, 5, size=(2, 3, 6, 6))
    w = rng.integers(-2, 3, size=(5, 3, 3, 3))
    np.testing.assert_array_equal(lift_conv2d_p4(x, w, padding=1)[:, :, 0], convkit.conv2d(x, w, padding=1))


# --------------------------------------------------------------------------- the identities
@pytest.mark.parametrize("k, size, padding", [(1, 4, 0), (2, 5, 0), (3, 6, 1), (3, 7, 0), (4, 5, 2), (5, 5, 2)])
def test_lifting_is_equivariant_exactly(k, size, padding):
    rng = np.random.default_rng(size * 10 + k)
    x = rng.integers(-9, 10, size=(2, 3, size, size))
    w = rng.integers(-4, 5, size=(2, 3, k, k))
    b = rng.integers(-4, 5, size=2)
    y = lift_conv2d_p4(x, w, b, padding=padding)
    for r in range(-1, 6):
        np.testing.assert_array_equal(lift_conv2d_p4(rot(x, r), w, b, padding=padding), rotate_p4(y, r))
    # and it is not the naive guess "rotate each map, leave the rotation axis alone"
    # (which a 1x1 filter, unchanged by rotation, does satisfy)
    assert (k == 1) == np.array_equal(lift_conv2d_p4(rot(x), w, b, padding=padding), rot(y))


@pytest.mark.parametrize("k, size, padding", [(1, 4, 0), (2, 5, 0), (3, 6, 1), (3, 7, 0), (4, 5, 2)])
def test_group_conv_is_equivariant_exactly(k, size, padding):
    rng = np.random.default_rng(size * 10 + k + 1)
    x = rng.integers(-9, 10, size=(2, 3, 4, size, size))
    w = rng.integers(-4, 5, size=(2, 3, 4, k, k))
    b = rng.integers(-4, 5, size=2)
    y = group_conv2d_p4(x, w, b, padding=padding)
    for r in range(4):
        np.testing.assert_array_equal(group_conv2d_p4(rotate_p4(x, r), w, b, padding=padding),
                                      rotate_p4(y, r))
    # rotating the maps without shifting the rotation axis is not a symmetry of the layer (for k > 1)
    assert (k == 1) == np.array_equal(group_conv2d_p4(rot(x), w, b, padding=padding), rot(y))


@pytest.mark.parametrize("k, size, padding, stride", [s for s in STRIDED if s[3] > 1])
def test_strided_layers_are_equivariant_exactly(k, size, padding, stride):
    rng = np.random.default_rng(7 * size + stride)
    x = rng.integers(-9, 10, size=(2, 3, size, size))
    w = rng.integers(-4, 5, size=(2, 3, k, k))
    x4 = rng.integers(-9, 10, size=(2, 3, 4, size, size))
    w4 = rng.integers(-4, 5, size=(2, 3, 4, k, k))
    b = rng.integers(-4, 5, size=2)
    y = lift_conv2d_p4(x, w, b, stride=stride, padding=padding)
    z = group_conv2d_p4(x4, w4, b, stride=stride, padding=padding)
    assert y.shape[-1] == z.shape[-1] == (size + 2 * padding - k) // stride + 1 > 1
    for r in range(4):
        np.testing.assert_array_equal(lift_conv2d_p4(rot(x, r), w, b, stride=stride, padding=padding),
                                      rotate_p4(y, r))
        np.testing.assert_array_equal(group_conv2d_p4(rotate_p4(x4, r), w4, b, stride=stride, padding=padding),
                                      rotate_p4(z, r))


def test_incompatible_stride_breaks_equivariance_and_is_refused():
    """Stride 2 on 6 + 2*1 - 3 = 5: the referee is not equivariant there, and convkit refuses it."""
    rng = np.random.default_rng(11)
    x = rng.integers(-9, 10, size=(1, 2, 6, 6))
    w = rng.integers(-4, 5, size=(2, 2, 3, 3))
    turned_first = torch_lift(rot(x), w, padding=1, stride=2)
    turned_after = rotate_p4(torch_lift(x, w, padding=1, stride=2), 1)
    assert turned_first.shape == turned_after.shape == (1, 2, 4, 3, 3)
    assert not np.array_equal(turned_first, turned_after)
    for fn, xin, win in ((lift_conv2d_p4, x, w), (lift_conv2d_p4_naive, x, w),
                         (group_conv2d_p4, x[:, :, None].repeat(4, axis=2), w[:, :, None].repeat(4, axis=2)),
                         (group_conv2d_p4_naive, x[:, :, None].repeat(4, axis=2), w[:, :, None].repeat(4, axis=2))):
        with pytest.raises(ValueError, match=r"stride must divide H \+ 2 padding - k = 6 \+ 2\*1 - 3 = 5"):
            fn(xin, win, padding=1, stride=2)


def test_ordinary_convolution_is_not_rotation_equivariant():
    rng = np.random.default_rng(5)
    x = rng.integers(-9, 10, size=(1, 1, 6, 6))
    w = rng.integers(-4, 5, size=(1, 1, 3, 3))
    assert not np.array_equal(convkit.conv2d(rot(x), w, padding=1), rot(convkit.conv2d(x, w, padding=1)))
    # but it is for a filter that rotation leaves unchanged
    sym = np.array([[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]])
    np.testing.assert_array_equal(convkit.conv2d(rot(x), sym, padding=1), rot(convkit.conv2d(x, sym, padding=1)))


def test_two_layer_network_pooled_is_invariant():
    rng = np.random.default_rng(7)
    x = rng.integers(-9, 10, size=(2, 1, 9, 9))
    w1 = rng.integers(-3, 4, size=(4, 1, 3, 3))
    w2 = rng.integers(-3, 4, size=(2, 4, 4, 3, 3))

    def net(image):
        h = np.maximum(lift_conv2d_p4(image, w1, padding=1), 0)       # ReLU keeps equivariance
        h = group_conv2d_p4(h, w2, padding=1)
        return h

    y = net(x)
    for r in range(1, 4):
        y_r = net(rot(x, r))
        np.testing.assert_array_equal(y_r, rotate_p4(y, r))
        pooled = pool_rotations_p4(y_r)
        np.testing.assert_array_equal(pooled, rot(pool_rotations_p4(y), r))   # invariant over rotations
        np.testing.assert_array_equal(pooled.max(axis=(-2, -1)), pool_rotations_p4(y).max(axis=(-2, -1)))
        np.testing.assert_array_equal(pool_rotations_p4(y_r, "mean").sum(axis=(-2, -1)),
                                      pool_rotations_p4(y, "mean").sum(axis=(-2, -1)))


# --------------------------------------------------------------------------- helpers
def test_rotate_p4_against_torch_and_group_laws():
    rng = np.random.default_rng(9)
    y = rng.integers(-9, 10, size=(2, 3, 4, 5, 5))
    yt = torch.from_numpy(y)
    for r in range(4):
        expected = torch.roll(torch.rot90(yt, r, dims=(3, 4)), r, dims=2).numpy()
        np.testing.assert_array_equal(rotate_p4(y, r), expected)
        np.testing.assert_array_equal(rotate_p4(rotate_p4(y, r), 1), rotate_p4(y, r + 1))
    np.testing.assert_array_equal(rotate_p4(y, 4), y)
    np.testing.assert_array_equal(rotate_p4(y, -1), rotate_p4(y, 3))
    # the defining index formula
    s, u, v = 1, 0, 3
    assert rotate_p4(y, 1)[0, 0, s, u, v] == np.rot90(y[0, 0, (s - 1) % 4])[u, v]


def test_rotated_filters_p4():
    w = np.arange(2 * 3 * 9).reshape(2, 3, 3, 3)
    bank = rotated_filters_p4(w)
    assert bank.shape == (2, 4, 3, 3, 3)
    for r in range(4):
        np.testing.assert_array_equal(bank[:, r], torch.rot90(torch.from_numpy(w), r, dims=(2, 3)).numpy())
    w4 = np.arange(2 * 3 * 4 * 4).reshape(2, 3, 4, 2, 2)
    bank4 = rotated_filters_p4(w4)
    assert bank4.shape == (2, 4, 3, 4, 2, 2)
    np.testing.assert_array_equal(bank4[:, 3], rotate_p4(w4, 3))


def test_pool_rotations():
    y = np.arange(2 * 3 * 4 * 2 * 2).reshape(2, 3, 4, 2, 2) % 7
    yt = torch.from_numpy(y)
    np.testing.assert_array_equal(pool_rotations_p4(y), torch.amax(yt, dim=2).numpy())
    np.testing.assert_allclose(pool_rotations_p4(y, "mean"), torch.mean(yt.double(), dim=2).numpy(), atol=1e-12)
    assert pool_rotations_p4(y[0]).shape == (3, 2, 2)


# --------------------------------------------------------------------------- costs
def test_p4_costs_against_counted_weights_and_ordinary_layers():
    c_in, c_out, k, size = 3, 8, 3, 10
    lift = p4_conv_cost(c_in, c_out, k, size, lifting=True)
    ordinary = convkit.conv_cost(c_in, c_out, k, size)
    wide = convkit.conv_cost(c_in, 4 * c_out, k, size)
    assert lift.params == ordinary.params == np.zeros((c_out, c_in, k, k)).size
    assert lift.macs == 4 * ordinary.macs == wide.macs
    assert wide.params == 4 * lift.params
    group = p4_conv_cost(c_out, c_out, k, size)
    assert group.params == np.zeros((c_out, c_out, 4, k, k)).size
    wide_group = convkit.conv_cost(4 * c_out, 4 * c_out, k, size)
    assert group.macs == wide_group.macs and wide_group.params == 4 * group.params
    assert p4_conv_cost(c_out, c_out, k, size, bias=True).params == group.params + c_out
    # the MAC count is the number of products the loop reference does
    x = np.ones((1, 2, 4, 5, 5))
    w = np.ones((3, 2, 4, 2, 2))
    assert group_conv2d_p4(x, w).sum() == p4_conv_cost(2, 3, 2, 4).macs


@pytest.mark.parametrize("kwargs, exc, word", [
    (dict(in_channels=0), ValueError, "in_channels"),
    (dict(out_channels=1.5), TypeError, "out_channels"),
    (dict(kernel_size=0), ValueError, "kernel_size"),
    (dict(output_size=-1), ValueError, "output_size"),
    (dict(lifting=1), TypeError, "lifting"),
    (dict(bias="yes"), TypeError, "bias"),
])
def test_p4_cost_bad_input(kwargs, exc, word):
    args = dict(in_channels=2, out_channels=3, kernel_size=3, output_size=4)
    args.update(kwargs)
    with pytest.raises(exc, match=word):
        p4_conv_cost(**args)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, exc, word", [
    (dict(input=np.ones((1, 2, 5, 6))), ValueError, "input must be square"),
    (dict(input=np.ones((5, 5))), ValueError, "input"),
    (dict(input="abc"), TypeError, "input"),
    (dict(weight=np.ones((3, 2, 3))), ValueError, "weight"),
    (dict(weight=np.ones((3, 2, 4, 3, 3))), ValueError, "weight"),
    (dict(weight=np.ones((3, 2, 3, 2))), ValueError, "weight must be square"),
    (dict(weight=np.ones((3, 1, 3, 3))), ValueError, "weight"),
    (dict(bias=np.ones(2)), ValueError, "bias"),
    (dict(padding=-1), ValueError, "padding"),
    (dict(padding=(1, 1)), TypeError, "padding"),
    (dict(weight=np.ones((3, 2, 9, 9))), ValueError, "kernel"),
    (dict(stride=3), ValueError, r"stride must divide H \+ 2 padding - k"),
    (dict(stride=0), ValueError, "stride must be positive"),
    (dict(stride=2.0), TypeError, "stride must be an int"),
])
@pytest.mark.parametrize("fn", [lift_conv2d_p4, lift_conv2d_p4_naive])
def test_lift_bad_input_names_the_argument(fn, kwargs, exc, word):
    args = dict(input=np.ones((1, 2, 5, 5)), weight=np.ones((3, 2, 3, 3)), bias=None, padding=1)
    args.update(kwargs)
    with pytest.raises(exc, match=word):
        fn(**args)


@pytest.mark.parametrize("kwargs, exc, word", [
    (dict(input=np.ones((1, 2, 4, 5, 6))), ValueError, "input must be square"),
    (dict(input=np.ones((1, 2, 3, 5, 5))), ValueError, "input must have a rotation axis"),
    (dict(input=np.ones((2, 3, 5, 5))), ValueError, "input must have a rotation axis"),
    (dict(input=np.ones((2, 5, 5))), ValueError, "input"),
    (dict(weight=np.ones((3, 2, 3, 3))), ValueError, "weight"),
    (dict(weight=np.ones((3, 2, 2, 3, 3))), ValueError, "weight must have a rotation axis"),
    (dict(weight=np.ones((3, 2, 4, 3, 2))), ValueError, "weight must be square"),
    (dict(weight=np.ones((3, 1, 4, 3, 3))), ValueError, "weight"),
    (dict(bias=np.ones((3, 1))), ValueError, "bias"),
    (dict(padding=1.0), TypeError, "padding"),
    (dict(stride=3), ValueError, r"stride must divide H \+ 2 padding - k"),
    (dict(stride=0), ValueError, "stride must be positive"),
    (dict(stride=2.0), TypeError, "stride must be an int"),
])
@pytest.mark.parametrize("fn", [group_conv2d_p4, group_conv2d_p4_naive])
def test_group_bad_input_names_the_argument(fn, kwargs, exc, word):
    args = dict(input=np.ones((1, 2, 4, 5, 5)), weight=np.ones((3, 2, 4, 3, 3)), bias=None, padding=1)
    args.update(kwargs)
    with pytest.raises(exc, match=word):
        fn(**args)


def test_helpers_bad_input():
    with pytest.raises(ValueError, match="input must be square"):
        rotate_p4(np.ones((4, 3, 5)))
    with pytest.raises(ValueError, match="rotation axis"):
        rotate_p4(np.ones((3, 5, 5)))
    with pytest.raises(ValueError, match="input"):
        rotate_p4(np.ones((5, 5)))
    with pytest.raises(TypeError, match="rho"):
        rotate_p4(np.ones((4, 5, 5)), 1.0)
    with pytest.raises(ValueError, match="weight"):
        rotated_filters_p4(np.ones((2, 2, 3)))
    with pytest.raises(ValueError, match="weight must have a rotation axis"):
        rotated_filters_p4(np.ones((2, 2, 3, 3, 3)))
    with pytest.raises(ValueError, match="rotation axis"):
        pool_rotations_p4(np.ones((1, 2, 3, 5, 5)))
    with pytest.raises(ValueError, match="mode"):
        pool_rotations_p4(np.ones((1, 2, 4, 5, 5)), mode="sum")
    with pytest.raises(ValueError, match="input"):
        pool_rotations_p4(np.ones((4, 5, 5)))
