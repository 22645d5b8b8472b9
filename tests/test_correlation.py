"""convkit.correlation against numpy, scipy and torch, and against its loop references."""

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import convkit.correlation as cr

MODES = ["valid", "same", "full"]


def _ints(shape):
    return arrays(np.int64, shape, elements=st.integers(-9, 9))


# --------------------------------------------------------------------------- #
# 1D
# --------------------------------------------------------------------------- #
@given(st.integers(1, 9).flatmap(_ints), st.integers(1, 9).flatmap(_ints),
       st.sampled_from(MODES))
def test_1d_matches_numpy_every_mode_and_length(x, w, mode):
    np.testing.assert_array_equal(cr.correlate1d(x, w, mode), np.correlate(x, w, mode))
    np.testing.assert_array_equal(cr.convolve1d(x, w, mode), np.convolve(x, w, mode))


@given(st.integers(1, 7).flatmap(_ints), st.integers(1, 7).flatmap(_ints),
       st.sampled_from(MODES))
def test_1d_naive_matches_vectorised(x, w, mode):
    np.testing.assert_array_equal(cr.correlate1d_naive(x, w, mode), cr.correlate1d(x, w, mode))
    np.testing.assert_array_equal(cr.convolve1d_naive(x, w, mode), cr.convolve1d(x, w, mode))


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("m, k", [(10, 3), (7, 4), (5, 5), (1, 1), (9, 1)])
def test_1d_valid_matches_torch_conv1d(dtype, tol, m, k):
    rng = np.random.default_rng(m * 10 + k)
    x = rng.standard_normal(m).astype(dtype)
    w = rng.standard_normal(k).astype(dtype)
    tx, tw = torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None]
    corr = cr.correlate1d(x, w)
    conv = cr.convolve1d(x, w)
    assert corr.dtype == dtype and conv.dtype == dtype
    np.testing.assert_allclose(corr, F.conv1d(tx, tw)[0, 0].numpy(), rtol=tol, atol=tol)
    # a deep-learning "convolution" with the flipped kernel is a true convolution
    np.testing.assert_allclose(conv, F.conv1d(tx, tw.flip(-1))[0, 0].numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("k", [1, 3, 5, 7])
def test_1d_same_matches_torch_for_odd_kernels(k):
    rng = np.random.default_rng(k)
    x, w = rng.standard_normal(9), rng.standard_normal(k)
    expected = F.conv1d(torch.tensor(x)[None, None], torch.tensor(w)[None, None], padding="same")
    np.testing.assert_allclose(cr.correlate1d(x, w, "same"), expected[0, 0].numpy(), rtol=1e-12)


def test_1d_same_is_shifted_from_torch_for_even_kernels():
    # the documented disagreement: numpy's centre sits one sample before PyTorch's
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(9), rng.standard_normal(4)
    torch_same = F.conv1d(torch.tensor(x)[None, None], torch.tensor(w)[None, None],
                          padding="same")[0, 0].numpy()
    full = np.correlate(x, w, "full")
    np.testing.assert_allclose(cr.correlate1d(x, w, "same"), full[1:10])
    np.testing.assert_allclose(torch_same, full[2:11])


def test_convolution_commutes_correlation_does_not():
    x = np.array([1, 2, 3, 4, 5])
    w = np.array([1, 0, -2])
    for mode in MODES:
        np.testing.assert_array_equal(cr.convolve1d(x, w, mode), cr.convolve1d(w, x, mode))
    assert not np.array_equal(cr.correlate1d(x, w, "full"), cr.correlate1d(w, x, "full"))
    np.testing.assert_array_equal(cr.correlate1d(x, w, "full"), cr.correlate1d(w, x, "full")[::-1])


def test_integers_stay_exact():
    x = np.array([2**40, 1, 2], dtype=np.int64)
    w = np.array([3, 1], dtype=np.int64)
    out = cr.correlate1d(x, w)
    assert out.dtype == np.int64
    assert out.tolist() == [3 * 2**40 + 1, 5]


# --------------------------------------------------------------------------- #
# 2D
# --------------------------------------------------------------------------- #
@given(st.tuples(st.integers(1, 6), st.integers(1, 6)).flatmap(_ints),
       st.tuples(st.integers(1, 5), st.integers(1, 5)).flatmap(_ints),
       st.sampled_from(MODES))
def test_2d_matches_scipy(x, w, mode):
    smaller = all(a <= b for a, b in zip(w.shape, x.shape))
    larger = all(a >= b for a, b in zip(w.shape, x.shape))
    if mode == "valid" and not (smaller or larger):
        with pytest.raises(ValueError):
            scipy.signal.correlate2d(x, w, mode)
        with pytest.raises(ValueError, match="mode='valid'"):
            cr.correlate2d(x, w, mode)
        return
    np.testing.assert_array_equal(cr.correlate2d(x, w, mode), scipy.signal.correlate2d(x, w, mode))
    np.testing.assert_array_equal(cr.convolve2d(x, w, mode), scipy.signal.convolve2d(x, w, mode))


@given(st.tuples(st.integers(1, 5), st.integers(1, 5)).flatmap(_ints),
       st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(_ints),
       st.sampled_from(["same", "full"]))
def test_2d_naive_matches_vectorised(x, w, mode):
    np.testing.assert_array_equal(cr.correlate2d_naive(x, w, mode), cr.correlate2d(x, w, mode))
    np.testing.assert_array_equal(cr.convolve2d_naive(x, w, mode), cr.convolve2d(x, w, mode))


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("image, kernel", [((6, 7), (3, 3)), ((5, 5), (2, 4)), ((4, 3), (4, 3)),
                                           ((8, 8), (1, 1))])
def test_2d_valid_matches_torch_conv2d(dtype, tol, image, kernel):
    rng = np.random.default_rng(sum(image) + sum(kernel))
    x = rng.standard_normal(image).astype(dtype)
    w = rng.standard_normal(kernel).astype(dtype)
    tx, tw = torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None]
    np.testing.assert_allclose(cr.correlate2d(x, w), F.conv2d(tx, tw)[0, 0].numpy(),
                               rtol=tol, atol=tol)
    np.testing.assert_allclose(cr.convolve2d(x, w), F.conv2d(tx, tw.flip(-2, -1))[0, 0].numpy(),
                               rtol=tol, atol=tol)
    np.testing.assert_allclose(cr.correlate2d_naive(x, w), cr.correlate2d(x, w), rtol=tol, atol=tol)


def test_chapter_two_worked_example_matches_torch():
    kernel = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]])
    image = np.arange(25).reshape(5, 5) % 4
    out = cr.correlate2d(image, kernel)
    expected = F.conv2d(torch.tensor(image)[None, None].double(),
                        torch.tensor(kernel)[None, None].double())[0, 0]
    assert out.shape == (3, 3) and out.dtype == image.dtype
    np.testing.assert_array_equal(out, expected.numpy().astype(np.int64))


@pytest.mark.parametrize("shape", [(5,), (3, 4)])
def test_flip_makes_convolution_a_correlation(shape):
    rng = np.random.default_rng(2)
    w = rng.integers(-3, 4, shape)
    x = rng.integers(-3, 4, (7,) * len(shape))
    flipped = cr.flip(w)
    assert flipped.shape == w.shape
    np.testing.assert_array_equal(cr.flip(flipped), w)
    fn_corr, fn_conv = (cr.correlate1d, cr.convolve1d) if len(shape) == 1 else (cr.correlate2d,
                                                                                cr.convolve2d)
    np.testing.assert_array_equal(fn_conv(x, w), fn_corr(x, flipped))
    np.testing.assert_array_equal(fn_conv(x, w, "full"), fn_corr(x, flipped, "full"))
    np.testing.assert_array_equal(flipped, torch.tensor(w).flip(list(range(len(shape)))).numpy())


def test_flip_returns_a_copy():
    w = np.array([1.0, 2.0, 3.0])
    flipped = cr.flip(w)
    flipped[0] = 99.0
    assert w.tolist() == [1.0, 2.0, 3.0]


def test_accepts_lists_and_cpu_tensors():
    np.testing.assert_array_equal(cr.correlate1d([1, 2, 3], torch.tensor([1, 1])), [3, 5])


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("fn", [cr.correlate1d, cr.convolve1d, cr.correlate1d_naive])
def test_1d_rejects_2d_signal(fn):
    with pytest.raises(ValueError, match="signal"):
        fn(np.ones((3, 3)), [1, 2])
    with pytest.raises(ValueError, match="kernel"):
        fn([1, 2, 3], np.ones((2, 2)))


@pytest.mark.parametrize("fn", [cr.correlate2d, cr.convolve2d, cr.convolve2d_naive])
def test_2d_rejects_wrong_rank(fn):
    with pytest.raises(ValueError, match="image"):
        fn(np.ones((1, 3, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="kernel"):
        fn(np.ones((3, 3)), np.ones(2))


def test_empty_input_rejected():
    with pytest.raises(ValueError, match="signal"):
        cr.correlate1d([], [1])
    with pytest.raises(ValueError, match="kernel"):
        cr.correlate2d(np.ones((2, 2)), np.ones((0, 2)))


@pytest.mark.parametrize("fn", [cr.correlate1d, cr.convolve2d])
def test_unknown_mode(fn):
    x = np.ones(4) if fn is cr.correlate1d else np.ones((4, 4))
    w = np.ones(2) if fn is cr.correlate1d else np.ones((2, 2))
    with pytest.raises(ValueError, match="mode"):
        fn(x, w, "circular")
    with pytest.raises(TypeError, match="mode"):
        fn(x, w, 0)


def test_non_numeric_input():
    with pytest.raises(TypeError, match="signal"):
        cr.convolve1d(["a", "b"], [1])
    with pytest.raises(TypeError, match="kernel"):
        cr.correlate2d(np.ones((3, 3)), np.ones((2, 2), dtype=bool))
    with pytest.raises(TypeError, match="kernel"):
        cr.flip(None)


def test_valid_mode_with_crossing_shapes():
    with pytest.raises(ValueError, match="mode='valid'"):
        cr.convolve2d_naive(np.ones((2, 5)), np.ones((3, 2)))


def test_flip_rejects_multichannel_weight():
    with pytest.raises(ValueError, match="kernel"):
        cr.flip(np.ones((2, 3, 3, 3)))
