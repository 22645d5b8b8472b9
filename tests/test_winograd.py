"""Winograd F(2, 3) and F(2x2, 3x3): exact rational transforms, results equal to conv2d and torch."""

from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convkit import (
    WinogradCount, conv2d, winograd_conv2d, winograd_matrices, winograd_multiplies,
)


def correlation_matrix(w):
    """The (2, 4) matrix mapping 4 inputs to the 2 outputs of a 3-tap correlation."""
    zero = w[0] * 0
    return np.array([[w[0], w[1], w[2], zero], [zero, w[0], w[1], w[2]]], dtype=object)


class TestMatrices:
    def test_exact_values(self):
        BT, G, AT = winograd_matrices(exact=True)
        assert BT.dtype == G.dtype == AT.dtype == object
        assert all(isinstance(v, Fraction) for v in np.concatenate([BT.ravel(), G.ravel(), AT.ravel()]))
        assert G[1, 0] == Fraction(1, 2) and G[2, 1] == Fraction(-1, 2)
        assert set(BT.ravel()) <= {-1, 0, 1} and set(AT.ravel()) <= {-1, 0, 1}
        floats = winograd_matrices()
        for exact, approx in zip((BT, G, AT), floats):
            np.testing.assert_array_equal(exact.astype(float), approx)

    @pytest.mark.parametrize("w", [(1, 2, 3), (Fraction(2, 3), Fraction(-5, 7), Fraction(1, 9)), (0, 0, 1)])
    def test_identity_holds_exactly_in_rationals(self, w):
        """A^T diag(G w) B^T is the correlation matrix of w, entry by entry."""
        BT, G, AT = winograd_matrices(exact=True)
        w = np.array([Fraction(v) for v in w], dtype=object)
        product = AT @ np.diag(G @ w) @ BT
        assert (product == correlation_matrix(w)).all()

    def test_2d_identity_on_a_tile_in_rationals(self):
        BT, G, AT = winograd_matrices(exact=True)
        rng = np.random.default_rng(0)
        d = np.array([[Fraction(int(v), 3) for v in row] for row in rng.integers(-9, 10, (4, 4))], dtype=object)
        w = np.array([[Fraction(int(v), 7) for v in row] for row in rng.integers(-9, 10, (3, 3))], dtype=object)
        Y = AT @ ((G @ w @ G.T) * (BT @ d @ BT.T)) @ AT.T
        direct = np.array([[sum(d[u + m, v + n] * w[m, n] for m in range(3) for n in range(3))
                            for v in range(2)] for u in range(2)], dtype=object)
        assert (Y == direct).all()

    def test_float32(self):
        assert all(m.dtype == np.float32 for m in winograd_matrices(dtype=np.float32))

    def test_exact_must_be_bool(self):
        with pytest.raises(TypeError, match="exact"):
            winograd_matrices(exact="yes")


class TestWinogradConv:
    @pytest.mark.parametrize("shape", [(2, 3, 8, 8), (3, 7, 9), (1, 1, 3, 3), (1, 2, 4, 5), (1, 2, 5, 4)])
    def test_2d_integer_valued_floats_exact(self, shape):
        rng = np.random.default_rng(2)
        x = rng.integers(-9, 10, shape).astype(np.float64)
        w = rng.integers(-5, 6, (4, shape[-3], 3, 3)).astype(np.float64)
        got = winograd_conv2d(x, w)
        np.testing.assert_array_equal(got, conv2d(x, w))
        np.testing.assert_array_equal(got, F.conv2d(torch.from_numpy(x), torch.from_numpy(w)).numpy())

    def test_integers_stay_exact_integers(self):
        rng = np.random.default_rng(3)
        x = rng.integers(-1000, 1000, (2, 3, 7, 6))
        w = rng.integers(-1000, 1000, (2, 3, 3, 3))
        got = winograd_conv2d(x, w)
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, conv2d(x, w))

    @pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-4), (np.float64, 1e-12)])
    def test_random_floats_close(self, dtype, tol):
        rng = np.random.default_rng(4)
        x = rng.standard_normal((2, 5, 10, 11)).astype(dtype)
        w = rng.standard_normal((3, 5, 3, 3)).astype(dtype)
        got = winograd_conv2d(x, w)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, F.conv2d(torch.from_numpy(x), torch.from_numpy(w)).numpy(),
                                   rtol=tol, atol=tol)

    def test_kernel_must_be_3(self):
        with pytest.raises(ValueError, match="3x3"):
            winograd_conv2d(np.ones((1, 5, 5)), np.ones((1, 1, 5, 5)))

    def test_conv_checks_apply(self):
        with pytest.raises(ValueError, match="channels"):
            winograd_conv2d(np.ones((2, 5, 5)), np.ones((1, 1, 3, 3)))
        with pytest.raises(ValueError, match="kernel"):
            winograd_conv2d(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3)))
        with pytest.raises(TypeError, match="input"):
            winograd_conv2d("x", np.ones((1, 1, 3, 3)))


class TestMultiplies:
    def test_one_tile(self):
        assert winograd_multiplies(2) == WinogradCount(4, 6)
        assert winograd_multiplies((2, 2)) == WinogradCount(16, 36)

    def test_odd_sizes_pad_the_last_tile(self):
        assert winograd_multiplies((3, 5), 2, 4) == WinogradCount(2 * 3 * 16 * 8, 15 * 9 * 8)

    @pytest.mark.parametrize("bad, exception", [(0, ValueError), ((1, 2, 3), ValueError), (2.5, TypeError)])
    def test_bad_sizes(self, bad, exception):
        with pytest.raises(exception, match="output_size"):
            winograd_multiplies(bad)
