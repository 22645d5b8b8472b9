"""The tap-row im2col of ``convkit/_fast.py`` against torch.nn.functional, tile by tile.

The cases of tests/test_conv.py have at most 16 filters per group, so they
reach the other methods of the fast path; these have more, or call the
tap-row method directly, and force small tiles so that bands of rows and
chunks of groups start at every offset.
"""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import convkit
from convkit import _fast as fast_module
from convkit._params import conv_args

TORCH = {2: F.conv2d, 3: F.conv3d}


def torch_reference(x, w, **kwargs):
    """PyTorch's result in float64."""
    as_t = lambda a: torch.from_numpy(np.asarray(a, dtype=np.float64))
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # an even 'same' kernel: a padded copy
        return TORCH[w.ndim - 2](as_t(x), as_t(w), **kwargs).numpy()


# n, batch, C_in, C_out, spatial size, kernel, stride, padding, dilation, groups
CASES = [
    (2, 2, 6, 20, (9, 10), (3, 3), 1, 1, 1, 1),  # stride 1, rows as long as the input's
    (2, 1, 6, 20, (9, 10), (3, 3), 2, 1, 1, 1),  # stride 2: tap rows 0 and 1 in one product
    (2, 2, 4, 18, (11, 8), (3, 2), (2, 1), (2, 0), 1, 2),  # no padding along the width
    (2, 1, 6, 18, (12, 9), (3, 3), 3, 2, 2, 3),  # dilation 2, stride 3: one product per tap row
    (2, 2, 6, 20, (8, 9), (4, 2), 1, "same", (2, 1), 1),  # even kernel: 'same' pads unevenly
    (2, 1, 4, 24, (7, 7), (5, 5), 1, 4, 1, 4),  # padding wider than the kernel's reach
    (2, 1, 3, 18, (2, 9), (3, 3), 1, (3, 1), 1, 1),  # input rows fewer than the padding's
    (3, 2, 4, 20, (6, 5, 7), (3, 2, 3), 1, 1, 1, 2),
    (3, 1, 4, 18, (7, 6, 5), (3, 3, 3), (2, 1, 2), (1, 0, 2), (1, 2, 1), 1),
]


@pytest.mark.parametrize("tile_bytes", [1, 2_000, 30_000, 1 << 22])
@pytest.mark.parametrize("case", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_tap_rows_match_torch(monkeypatch, case, tile_bytes):
    n, batch, c_in, c_out, size, kernel, stride, padding, dilation, groups = case
    monkeypatch.setattr(fast_module, "_TAP_ROWS_BAND_BYTES", tile_bytes)
    monkeypatch.setattr(fast_module, "_TAP_ROWS_CHUNK_BYTES", tile_bytes)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((batch, c_in) + size)
    w = rng.standard_normal((c_out, c_in // groups) + kernel)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    args = conv_args(x, w, None, stride, padding, dilation, groups, n, "conv")
    got = fast_module._conv_im2col_tap_rows(args)
    expected = torch_reference(x, w, **kwargs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-13 * w[0].size)


@pytest.mark.parametrize("view", ["transposed", "reversed"])
def test_tap_rows_on_views(view):
    # Not C-contiguous: the blocks are copied axis by axis, not as flat ranges.
    rng = np.random.default_rng(12)
    base = rng.standard_normal((2, 8, 10, 10))
    x = base.transpose(0, 1, 3, 2) if view == "transposed" else base[:, :, ::-1, ::-1]
    w = rng.standard_normal((20, 4, 3, 3))
    args = conv_args(x, w, None, 1, 1, 1, 2, 2, "conv2d")
    expected = torch_reference(np.ascontiguousarray(x), w, padding=1, groups=2)
    np.testing.assert_allclose(fast_module._conv_im2col_tap_rows(args), expected,
                               rtol=1e-10, atol=1e-13 * 36)


def test_conv2d_takes_the_tap_row_path(monkeypatch):
    # 32 filters from 16 channels: conv2d goes through the tap-row method, in float32,
    # integers (exact) and with a bias.
    calls = []
    method = fast_module._conv_im2col_tap_rows
    monkeypatch.setattr(fast_module, "_conv_im2col_tap_rows",
                        lambda args: calls.append(args.weight.dtype) or method(args))
    rng = np.random.default_rng(13)
    x = rng.standard_normal((2, 16, 12, 11)).astype(np.float32)
    w = rng.standard_normal((32, 16, 3, 3)).astype(np.float32)
    b = rng.standard_normal(32).astype(np.float32)
    got = convkit.conv2d(x, w, b, stride=2, padding=1)
    expected = torch_reference(x, w, stride=2, padding=1) + b.reshape(-1, 1, 1)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=2e-6 * 144)
    xi = rng.integers(-5, 6, (1, 16, 9, 9))
    wi = rng.integers(-3, 4, (32, 16, 3, 3))
    np.testing.assert_array_equal(convkit.conv2d(xi, wi, padding=1),
                                  torch_reference(xi, wi, padding=1).round().astype(np.int64))
    assert calls == [np.dtype(np.float32), np.dtype(np.int64)]
