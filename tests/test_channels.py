"""convkit.channels: per-kernel maps, whose sum over input channels is torch's conv2d."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from convkit.channels import per_channel_maps, per_channel_maps_naive


def _t(a):
    return None if a is None else torch.from_numpy(np.ascontiguousarray(a))


@given(
    c_in=st.integers(1, 4), c_out=st.integers(1, 4), kh=st.integers(1, 3), kw=st.integers(1, 3),
    stride=st.integers(1, 2), padding=st.integers(0, 2), dilation=st.integers(1, 2),
    batched=st.booleans(), dtype=st.sampled_from([np.float32, np.float64]),
)
def test_sum_of_maps_plus_bias_is_torch_conv2d(c_in, c_out, kh, kw, stride, padding, dilation,
                                                batched, dtype):
    rng = np.random.default_rng(c_in * 100 + c_out * 10 + kh)
    shape = (2, c_in, 6, 5) if batched else (c_in, 6, 5)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((c_out, c_in, kh, kw)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype)
    maps = per_channel_maps(x, w, stride, padding, dilation)
    expected = F.conv2d(_t(x), _t(w), _t(b), stride, padding, dilation).numpy()
    assert maps.dtype == dtype
    assert maps.shape[-4:-2] == (c_out, c_in) and maps.shape[-2:] == expected.shape[-2:]
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(maps.sum(axis=-3) + b[:, None, None], expected, rtol=tol, atol=tol)
    np.testing.assert_allclose(per_channel_maps_naive(x, w, stride, padding, dilation), maps,
                               rtol=tol, atol=tol)


def test_each_map_is_one_channel_correlated_with_one_kernel():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5, 5))
    w = rng.standard_normal((2, 3, 3, 3))
    maps = per_channel_maps(x, w, padding="same")
    for o in range(2):
        for c in range(3):
            single = F.conv2d(_t(x[None, c:c + 1]), _t(w[o:o + 1, c:c + 1]), padding="same")
            np.testing.assert_allclose(maps[o, c], single[0, 0].numpy(), rtol=1e-12, atol=1e-12)


def test_brief_example_three_channels_one_filter_integers():
    # a 5x5x3 input and one 3x3x3 filter: three 3x3 maps summed into one channel
    x = np.arange(75).reshape(3, 5, 5) % 5
    w = np.array([[[0, 1, 2], [2, 2, 0], [0, 1, 2]]] * 3)[np.newaxis] * np.array(
        [1, -1, 2])[None, :, None, None]  # (1, 3, 3, 3)
    maps = per_channel_maps(x, w)
    assert maps.shape == (1, 3, 3, 3) and maps.dtype == x.dtype
    expected = F.conv2d(_t(x[None]).double(), _t(w).double())[0].numpy()
    np.testing.assert_array_equal(maps.sum(axis=1), expected.astype(np.int64))


def test_wrong_weight_rank():
    with pytest.raises(ValueError, match="weight"):
        per_channel_maps(np.zeros((3, 5, 5)), np.zeros((3, 3, 3)))


def test_channel_mismatch():
    with pytest.raises(ValueError, match="channels"):
        per_channel_maps(np.zeros((3, 5, 5)), np.zeros((2, 4, 3, 3)))
    with pytest.raises(ValueError, match="channels"):
        per_channel_maps_naive(np.zeros((3, 5, 5)), np.zeros((2, 4, 3, 3)))


def test_input_rank():
    with pytest.raises(ValueError, match="input"):
        per_channel_maps(np.zeros((5, 5)), np.zeros((2, 1, 3, 3)))


def test_kernel_larger_than_input():
    with pytest.raises(ValueError, match="kernel"):
        per_channel_maps(np.zeros((1, 2, 2)), np.zeros((1, 1, 3, 3)))


def test_bad_stride_and_padding():
    with pytest.raises(ValueError, match="stride"):
        per_channel_maps(np.zeros((1, 4, 4)), np.zeros((1, 1, 3, 3)), stride=0)
    with pytest.raises(TypeError, match="padding"):
        per_channel_maps(np.zeros((1, 4, 4)), np.zeros((1, 1, 3, 3)), padding=1.5)


def test_non_numeric():
    with pytest.raises(TypeError, match="input"):
        per_channel_maps(np.array([["a"]]), np.zeros((1, 1, 1, 1)))
