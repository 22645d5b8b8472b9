"""conv2d_fft against torch.nn.functional.conv2d, conv2d and its loop reference."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import convkit
from convkit import conv2d, conv2d_fft, conv2d_fft_naive, fft_size


def torch_conv2d(x, w, b=None, **kwargs):
    as_t = lambda a: None if a is None else torch.from_numpy(np.asarray(a, dtype=np.float64))
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # even 'same' kernels: a padded copy
        return F.conv2d(as_t(x), as_t(w), as_t(b), **kwargs).numpy()


# batch (None: unbatched), C_in, C_out, H, W, kH, kW, stride, padding, dilation, groups
CASES = [
    (2, 3, 4, 9, 11, 3, 3, 1, 0, 1, 1),
    (None, 3, 4, 9, 11, 3, 3, 1, 1, 1, 1),
    (1, 4, 6, 10, 7, 3, 2, 2, 1, 2, 2),
    (3, 6, 6, 12, 12, 5, 5, 3, 2, 1, 6),
    (1, 2, 4, 5, 5, 5, 5, 1, 0, 1, 1),
    (2, 3, 3, 8, 9, 2, 4, (2, 1), (1, 3), (1, 2), 3),
    (1, 2, 2, 8, 8, 4, 4, 1, "same", 1, 1),
    (1, 2, 2, 7, 9, 3, 3, 1, "same", 2, 1),
    (1, 2, 2, 7, 9, 3, 3, 1, "valid", 1, 2),
    (1, 1, 1, 31, 17, 15, 15, 1, 7, 1, 1),
    (0, 2, 2, 6, 6, 3, 3, 1, 0, 1, 1),
    (2, 4, 4, 6, 6, 1, 1, 2, 0, 1, 2),
]


class TestConv2dFFT:
    @pytest.mark.parametrize("case", CASES)
    @pytest.mark.parametrize("bias", [False, True])
    def test_matches_torch_conv2d_and_naive(self, case, bias):
        batch, c_in, c_out, h, w_, kh, kw, s, p, d, g = case
        rng = np.random.default_rng(0)
        x = rng.standard_normal((c_in, h, w_) if batch is None else (batch, c_in, h, w_))
        w = rng.standard_normal((c_out, c_in // g, kh, kw))
        b = rng.standard_normal(c_out) if bias else None
        kwargs = dict(stride=s, padding=p, dilation=d, groups=g)
        expected = torch_conv2d(x, w, b, **kwargs)
        for func in (conv2d_fft, conv2d_fft_naive):
            got = func(x, w, b, **kwargs)
            assert got.dtype == np.float64 and got.shape == expected.shape
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-11)
        np.testing.assert_allclose(conv2d_fft(x, w, b, **kwargs), conv2d(x, w, b, **kwargs),
                                   rtol=1e-10, atol=1e-11)

    def test_float32_stays_float32(self):
        rng = np.random.default_rng(1)
        x = rng.standard_normal((2, 8, 20, 20)).astype(np.float32)
        w = rng.standard_normal((4, 8, 7, 7)).astype(np.float32)
        b = rng.standard_normal(4).astype(np.float32)
        got = conv2d_fft(x, w, b, padding=3)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, torch_conv2d(x, w, b, padding=3), rtol=1e-4, atol=5e-4)

    def test_integers_give_float64_close_to_the_exact_result(self):
        x = np.arange(2 * 3 * 6 * 6).reshape(2, 3, 6, 6) % 7 - 3
        w = np.arange(4 * 3 * 3 * 3).reshape(4, 3, 3, 3) % 5 - 2
        got = conv2d_fft(x, w, padding=1)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got.round().astype(np.int64), conv2d(x, w, padding=1))

    def test_accepts_lists_and_tensors(self):
        x = np.arange(32.0).reshape(2, 4, 4)
        w = np.ones((3, 2, 2, 2))
        expected = conv2d_fft(x, w)
        np.testing.assert_array_equal(conv2d_fft(x.tolist(), w.tolist()), expected)
        np.testing.assert_array_equal(conv2d_fft(torch.from_numpy(x), torch.from_numpy(w)), expected)

    @settings(max_examples=40, deadline=None)
    @given(
        batch=st.integers(1, 2), groups=st.sampled_from([1, 2]), per_in=st.integers(1, 2),
        per_out=st.integers(1, 2), h=st.integers(1, 12), w_=st.integers(1, 12),
        kh=st.integers(1, 5), kw=st.integers(1, 5), s=st.integers(1, 3), p=st.integers(0, 3),
        d=st.integers(1, 3), seed=st.integers(0, 2**16),
    )
    def test_fuzz_against_torch(self, batch, groups, per_in, per_out, h, w_, kh, kw, s, p, d, seed):
        if h + 2 * p < d * (kh - 1) + 1 or w_ + 2 * p < d * (kw - 1) + 1:
            return  # the kernel does not fit: tested below as an error
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((batch, per_in * groups, h, w_))
        w = rng.standard_normal((per_out * groups, per_in, kh, kw))
        kwargs = dict(stride=s, padding=p, dilation=d, groups=groups)
        np.testing.assert_allclose(conv2d_fft(x, w, **kwargs), torch_conv2d(x, w, **kwargs),
                                   rtol=1e-9, atol=1e-10)


BAD = [
    (TypeError, "stride", dict(stride=1.5)),
    (ValueError, "stride", dict(stride=0)),
    (ValueError, "padding", dict(padding=-1)),
    (ValueError, "padding", dict(padding="full")),
    (ValueError, "same", dict(padding="same", stride=2)),
    (ValueError, "dilation", dict(dilation=0)),
    (ValueError, "groups", dict(groups=3)),
    (ValueError, "kernel", dict(dilation=4)),
]


class TestErrors:
    @pytest.mark.parametrize("exception, match, kwargs", BAD)
    def test_bad_arguments_raise_like_conv2d_and_torch(self, exception, match, kwargs):
        x, w = np.ones((1, 2, 5, 5)), np.ones((2, 2, 3, 3))
        for func in (conv2d, conv2d_fft, conv2d_fft_naive):
            with pytest.raises(exception, match=match):
                func(x, w, **kwargs)
        with pytest.raises((RuntimeError, ValueError, TypeError)):
            F.conv2d(torch.from_numpy(x), torch.from_numpy(w), **kwargs)

    @pytest.mark.parametrize("x_shape, w_shape, b_shape, match", [
        ((1, 3, 5, 5), (2, 2, 3, 3), None, "channels"),
        ((5, 5), (2, 2, 3, 3), None, "input"),
        ((1, 2, 5, 5), (2, 2, 3), None, "weight"),
        ((1, 2, 5, 5), (2, 2, 3, 3), (3,), "bias"),
        ((1, 2, 5, 0), (2, 2, 3, 3), None, "input"),
    ])
    def test_bad_shapes_raise_value_error(self, x_shape, w_shape, b_shape, match):
        b = None if b_shape is None else np.ones(b_shape)
        for func in (conv2d, conv2d_fft):
            with pytest.raises(ValueError, match=match):
                func(np.ones(x_shape), np.ones(w_shape), b)

    def test_non_numeric_input(self):
        with pytest.raises(TypeError, match="input"):
            conv2d_fft(np.ones((1, 2, 5, 5), dtype=bool), np.ones((2, 2, 3, 3)))


class TestFFTSize:
    def test_smallest_5_smooth_length(self):
        def smooth(n):
            for p in (2, 3, 5):
                while n % p == 0:
                    n //= p
            return n == 1

        for n in range(1, 300):
            m = fft_size(n)
            assert m >= n and smooth(m) and not any(smooth(j) for j in range(n, m))

    @pytest.mark.parametrize("bad, exception", [(0, ValueError), (2.0, TypeError), (True, TypeError)])
    def test_bad_length(self, bad, exception):
        with pytest.raises(exception, match="n must"):
            fft_size(bad)


def test_exported():
    assert {"conv2d_fft", "conv2d_fft_naive", "fft_size"} <= set(convkit.__all__)
