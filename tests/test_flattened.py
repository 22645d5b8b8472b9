"""convkit.flattened: the lateral -> vertical -> horizontal sequence against torch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

import convkit.flattened as fl
from convkit.costs import flattened_cost


def _t(a):
    return None if a is None else torch.from_numpy(np.ascontiguousarray(a))


def _factors(rng, c_out, c_in, kh, kw, dtype=np.float64):
    return (rng.standard_normal((c_out, c_in)).astype(dtype),
            rng.standard_normal((c_out, kh)).astype(dtype),
            rng.standard_normal((c_out, kw)).astype(dtype))


def _torch_sequence(x, lat, ver, hor, bias, padding):
    """The three stages as PyTorch layers: 1x1, depthwise kx1, depthwise 1xk."""
    c_out = lat.shape[0]
    if isinstance(padding, str):
        p_rows = p_cols = padding
    else:
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        p_rows, p_cols = (ph, 0), (0, pw)
    y = F.conv2d(x, _t(lat[:, :, None, None]))
    y = F.conv2d(y, _t(ver[:, None, :, None]), padding=p_rows, groups=c_out)
    return F.conv2d(y, _t(hor[:, None, None, :]), _t(bias), padding=p_cols, groups=c_out)


@given(
    c_in=st.integers(1, 4), c_out=st.integers(1, 4), kh=st.integers(1, 4), kw=st.integers(1, 4),
    padding=st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)),
                      st.sampled_from(["same", "valid"])),
    bias=st.booleans(), batched=st.booleans(), dtype=st.sampled_from([np.float32, np.float64]),
)
def test_flattened_equals_full_conv_with_the_rank_one_filter(c_in, c_out, kh, kw, padding, bias,
                                                             batched, dtype):
    rng = np.random.default_rng(c_in * 1000 + c_out * 100 + kh * 10 + kw)
    lat, ver, hor = _factors(rng, c_out, c_in, kh, kw, dtype)
    b = rng.standard_normal(c_out).astype(dtype) if bias else None
    x = rng.standard_normal((2, c_in, 6, 7)).astype(dtype)
    weight = fl.flattened_filter(lat, ver, hor)
    full = F.conv2d(_t(x), _t(weight), _t(b), padding=padding).numpy()
    sequence = _torch_sequence(_t(x), lat, ver, hor, b, padding).numpy()
    got = fl.flattened_conv2d(x if batched else x[0], lat, ver, hor, b, padding)
    if not batched:
        full, sequence = full[0], sequence[0]
    tol = 1e-4 if dtype == np.float32 else 1e-11
    assert got.dtype == dtype and got.shape == full.shape
    np.testing.assert_allclose(got, full, rtol=tol, atol=tol)
    np.testing.assert_allclose(got, sequence, rtol=tol, atol=tol)


def test_flattened_filter_is_the_outer_product():
    lat = np.array([[1, 2]])
    ver = np.array([[1, -1, 3]])
    hor = np.array([[2, 5]])
    w = fl.flattened_filter(lat, ver, hor)
    assert w.shape == (1, 2, 3, 2)
    for c in range(2):
        np.testing.assert_array_equal(w[0, c], lat[0, c] * np.outer(ver[0], hor[0]))


def test_accepts_pytorch_weight_layouts():
    rng = np.random.default_rng(2)
    lat, ver, hor = _factors(rng, 3, 2, 3, 3)
    x = rng.standard_normal((2, 5, 5))
    np.testing.assert_allclose(
        fl.flattened_conv2d(x, lat[:, :, None, None], ver[:, None, :, None], hor[:, None, None, :]),
        fl.flattened_conv2d(x, lat, ver, hor), rtol=1e-12)


def test_parallel_branches_are_a_different_operation():
    # the widely copied snippet adds a kx1 and a 1xk conv of the same input
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 1, 6, 6))
    lat, ver, hor = np.ones((1, 1)), rng.standard_normal((1, 3)), rng.standard_normal((1, 3))
    sequential = fl.flattened_conv2d(x, lat, ver, hor, padding=1)
    parallel = (F.conv2d(_t(x), _t(ver[:, None, :, None]), padding=(1, 0))
                + F.conv2d(_t(x), _t(hor[:, None, None, :]), padding=(0, 1))).numpy()
    assert sequential.shape == parallel.shape
    assert not np.allclose(sequential, parallel)


def test_parameter_count_matches_torch_modules():
    layers = [nn.Conv2d(16, 8, 1, bias=False), nn.Conv2d(8, 8, (3, 1), groups=8, bias=False),
              nn.Conv2d(8, 8, (1, 3), groups=8, bias=False)]
    n_params = sum(p.numel() for m in layers for p in m.parameters())
    assert flattened_cost(16, 8, 3).params == n_params
    assert n_params == 8 * (16 + 3 + 3)


@pytest.mark.parametrize("c_out, c_in, kh, kw", [(3, 4, 3, 3), (1, 1, 1, 1), (2, 5, 2, 4)])
def test_flatten_filter_recovers_a_rank_one_filter(c_out, c_in, kh, kw):
    rng = np.random.default_rng(c_out + c_in)
    weight = fl.flattened_filter(*_factors(rng, c_out, c_in, kh, kw))
    lat, ver, hor = fl.flatten_filter(weight)
    assert lat.shape == (c_out, c_in) and ver.shape == (c_out, kh) and hor.shape == (c_out, kw)
    np.testing.assert_allclose(fl.flattened_filter(lat, ver, hor), weight, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(ver, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(hor, axis=1), 1.0)


def test_flatten_filter_general_filter_is_a_stationary_least_squares_fit():
    rng = np.random.default_rng(11)
    weight = rng.standard_normal((4, 3, 3, 3))
    lat, ver, hor = fl.flatten_filter(weight)
    approx = fl.flattened_filter(lat, ver, hor)
    residual = weight - approx
    # at an optimum the residual is orthogonal to every change of one factor
    np.testing.assert_allclose(np.einsum("ochw,oh,ow->oc", residual, ver, hor), 0, atol=1e-8)
    np.testing.assert_allclose(np.einsum("ochw,oc,ow->oh", residual, lat, hor), 0, atol=1e-8)
    np.testing.assert_allclose(np.einsum("ochw,oc,oh->ow", residual, lat, ver), 0, atol=1e-8)
    # and it beats random rank-1 filters, each at its best scale
    error = np.linalg.norm(residual)
    for _ in range(50):
        other = fl.flattened_filter(*_factors(rng, 4, 3, 3, 3))
        scale = np.sum(other * weight) / np.sum(other * other)
        assert np.linalg.norm(weight - scale * other) > error


def test_flatten_filter_is_deterministic():
    weight = np.random.default_rng(0).standard_normal((2, 3, 3, 3))
    first = fl.flatten_filter(weight)
    second = fl.flatten_filter(weight.copy())
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
def test_factor_shapes():
    x = np.zeros((2, 5, 5))
    good = (np.ones((3, 2)), np.ones((3, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="lateral"):
        fl.flattened_conv2d(x, np.ones((3, 2, 3, 3)), *good[1:])
    with pytest.raises(ValueError, match="vertical"):
        fl.flattened_conv2d(x, good[0], np.ones((2, 3)), good[2])
    with pytest.raises(ValueError, match="horizontal"):
        fl.flattened_conv2d(x, good[0], good[1], np.ones(3))
    with pytest.raises(ValueError, match="vertical"):
        fl.flattened_filter(good[0], np.ones((3, 0)), good[2])


def test_input_channel_mismatch():
    with pytest.raises(ValueError, match="channels"):
        fl.flattened_conv2d(np.zeros((4, 5, 5)), np.ones((3, 2)), np.ones((3, 3)), np.ones((3, 3)))


def test_bias_shape():
    with pytest.raises(ValueError, match="bias"):
        fl.flattened_conv2d(np.zeros((2, 5, 5)), np.ones((3, 2)), np.ones((3, 3)), np.ones((3, 3)),
                            bias=np.ones(2))


def test_padding_rules():
    args = (np.zeros((2, 5, 5)), np.ones((3, 2)), np.ones((3, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="padding"):
        fl.flattened_conv2d(*args, padding=-1)
    with pytest.raises(ValueError, match="padding"):
        fl.flattened_conv2d(*args, padding="full")


def test_kernel_larger_than_input():
    with pytest.raises(ValueError, match="kernel"):
        fl.flattened_conv2d(np.zeros((2, 2, 5)), np.ones((3, 2)), np.ones((3, 3)), np.ones((3, 3)))


def test_flatten_filter_bad():
    with pytest.raises(ValueError, match="weight"):
        fl.flatten_filter(np.ones((3, 3, 3)))
    with pytest.raises(TypeError, match="max_iter"):
        fl.flatten_filter(np.ones((1, 1, 2, 2)), max_iter=1.5)
    with pytest.raises(ValueError, match="max_iter"):
        fl.flatten_filter(np.ones((1, 1, 2, 2)), max_iter=0)
    with pytest.raises(TypeError, match="weight"):
        fl.flatten_filter(None)


@pytest.mark.parametrize("tol", ["abc", None, True, [1e-9], 1j])
def test_flatten_filter_tol_of_the_wrong_type_names_tol(tol):
    with pytest.raises(TypeError, match=r"\btol\b"):
        fl.flatten_filter(np.ones((1, 1, 2, 2)), tol=tol)


@pytest.mark.parametrize("tol", [-1e-9, float("nan")])
def test_flatten_filter_negative_or_nan_tol_names_tol(tol):
    with pytest.raises(ValueError, match=r"\btol\b"):
        fl.flatten_filter(np.ones((1, 1, 2, 2)), tol=tol)


def test_flatten_filter_accepts_numpy_scalars_like_python_numbers():
    w = np.random.default_rng(5).standard_normal((2, 3, 3, 2))
    expected = fl.flatten_filter(w, max_iter=5, tol=0.0)
    for got in (fl.flatten_filter(w, max_iter=np.int64(5), tol=np.float32(0.0)),
                fl.flatten_filter(w, max_iter=np.uint8(5), tol=0)):
        for ours, theirs in zip(got, expected):
            np.testing.assert_array_equal(ours, theirs)
    with pytest.raises(TypeError, match="max_iter"):
        fl.flatten_filter(w, max_iter=np.bool_(True))
    with pytest.raises(ValueError, match="max_iter"):
        fl.flatten_filter(w, max_iter=np.int64(0))
