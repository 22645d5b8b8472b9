"""conv1d/conv2d/conv3d against torch.nn.functional, and the loop references against both."""

import warnings
import zlib

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import convkit
from convkit import _fast as fast_module

CONVKIT = {1: convkit.conv1d, 2: convkit.conv2d, 3: convkit.conv3d}
NAIVE = {1: convkit.conv1d_naive, 2: convkit.conv2d_naive, 3: convkit.conv3d_naive}
TORCH = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def torch_reference(x, w, b, **kwargs):
    """PyTorch's result, computed in float64 whatever the dtype of the operands."""
    n = w.ndim - 2
    as_t = lambda a: None if a is None else torch.from_numpy(np.asarray(a, dtype=np.float64))
    with torch.no_grad(), warnings.catch_warnings():
        # PyTorch warns that an even 'same' kernel costs it a padded copy; irrelevant here.
        warnings.simplefilter("ignore", UserWarning)
        return TORCH[n](as_t(x), as_t(w), as_t(b), **kwargs).numpy()


def assert_close(actual, expected, dtype, fan_in):
    """Tolerances for a sum of ``fan_in`` products of numbers of size about one."""
    assert actual.dtype == dtype
    assert actual.shape == expected.shape
    if np.dtype(dtype).kind in "iu":
        np.testing.assert_array_equal(actual, expected.round().astype(dtype))
    elif dtype == np.float32:
        np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=2e-6 * fan_in)
    else:
        np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-13 * fan_in)


def make_operands(rng, n, batch, c_in, c_out, size, kernel, groups, bias, dtype):
    """Random input, weight and bias; ``batch=None`` gives an unbatched input."""
    lead = (c_in,) if batch is None else (batch, c_in)
    x_shape = lead + tuple(size)
    w_shape = (c_out, c_in // groups) + tuple(kernel)
    if np.dtype(dtype).kind in "iu":
        x = rng.integers(-5, 6, x_shape).astype(dtype)
        w = rng.integers(-3, 4, w_shape).astype(dtype)
        b = rng.integers(-9, 10, c_out).astype(dtype) if bias else None
    else:
        x = rng.standard_normal(x_shape).astype(dtype)
        w = rng.standard_normal(w_shape).astype(dtype)
        b = rng.standard_normal(c_out).astype(dtype) if bias else None
    return x, w, b


# name, n, batch, C_in, C_out, spatial size, kernel, stride, padding, dilation, groups
CASES = [
    ("plain", 2, 2, 3, 4, (7, 8), (3, 3), 1, 0, 1, 1),
    ("even kernel", 2, 2, 3, 4, (7, 8), (2, 4), 1, 0, 1, 1),
    ("unbatched", 2, None, 3, 5, (6, 6), (3, 3), 1, 1, 1, 1),
    ("stride", 2, 2, 3, 4, (9, 10), (3, 3), 2, 0, 1, 1),
    ("tuple stride", 2, 2, 3, 4, (9, 10), (3, 2), (3, 1), 0, 1, 1),
    ("pad", 2, 2, 3, 4, (5, 6), (3, 3), 1, 2, 1, 1),
    ("tuple pad", 2, 2, 3, 4, (5, 6), (3, 3), 1, (0, 2), 1, 1),
    ("pad larger than kernel", 2, 1, 2, 2, (3, 3), (2, 2), 1, 3, 1, 1),
    ("same odd", 2, 2, 3, 4, (7, 8), (3, 5), 1, "same", 1, 1),
    ("same even", 2, 2, 3, 4, (7, 8), (2, 4), 1, "same", 1, 1),
    ("same even dilated", 2, 2, 3, 4, (7, 8), (2, 3), 1, "same", (3, 2), 1),
    ("valid", 2, 2, 3, 4, (7, 8), (3, 3), 1, "valid", 1, 1),
    ("dilation", 2, 2, 3, 4, (9, 10), (3, 3), 1, 0, 2, 1),
    ("tuple dilation", 2, 2, 3, 4, (9, 10), (3, 3), 1, 1, (1, 3), 1),
    ("stride pad dilation", 2, 3, 4, 6, (11, 9), (3, 2), (2, 3), (1, 2), (2, 1), 2),
    ("groups", 2, 2, 6, 9, (7, 7), (3, 3), 1, 1, 1, 3),
    ("depthwise", 2, 2, 5, 5, (7, 8), (3, 3), 1, 1, 1, 5),
    ("depthwise multiplier", 2, 2, 3, 6, (7, 8), (3, 2), 1, 1, 1, 3),
    ("depthwise strided dilated", 2, 2, 4, 8, (11, 12), (3, 3), 2, 2, 2, 4),
    ("depthwise same", 2, None, 4, 4, (6, 7), (4, 4), 1, "same", 1, 4),
    ("pointwise", 2, 2, 6, 4, (5, 7), (1, 1), 1, 0, 1, 1),
    ("pointwise strided", 2, 2, 6, 4, (5, 7), (1, 1), (2, 3), 0, 1, 1),
    ("pointwise grouped", 2, 2, 6, 4, (5, 7), (1, 1), 1, 0, 1, 2),
    ("pointwise padded", 2, 2, 6, 4, (5, 7), (1, 1), 1, 1, 1, 1),
    ("pointwise unbatched", 2, None, 3, 4, (5, 7), (1, 1), 1, 0, 1, 1),
    ("size 1 input", 2, 2, 3, 4, (1, 1), (1, 1), 1, 0, 1, 1),
    ("size 1 input padded", 2, 2, 3, 4, (1, 1), (3, 3), 1, 1, 1, 1),
    ("kernel equals input", 2, 2, 3, 4, (4, 5), (4, 5), 1, 0, 1, 1),
    ("one channel", 2, 3, 1, 1, (6, 6), (3, 3), 1, 0, 1, 1),
    ("1d", 1, 2, 3, 4, (10,), (3,), 1, 0, 1, 1),
    ("1d even same", 1, 2, 3, 4, (10,), (4,), 1, "same", 1, 1),
    ("1d stride pad dilation", 1, 2, 4, 6, (13,), (3,), 2, 1, 2, 2),
    ("1d unbatched", 1, None, 3, 2, (8,), (5,), 1, 2, 1, 1),
    ("1d depthwise", 1, 2, 3, 6, (9,), (3,), 1, 1, 1, 3),
    ("1d pointwise", 1, 2, 3, 6, (9,), (1,), 1, 0, 1, 1),
    ("1d size 1", 1, 1, 2, 3, (1,), (1,), 1, 0, 1, 1),
    ("3d", 3, 2, 3, 4, (5, 6, 7), (3, 3, 3), 1, 0, 1, 1),
    ("3d even same", 3, 2, 2, 3, (5, 6, 4), (2, 3, 4), 1, "same", 1, 1),
    ("3d stride pad dilation", 3, 2, 4, 2, (7, 8, 6), (3, 2, 2), (2, 1, 3), (1, 0, 2), (1, 2, 1),
     2),
    ("3d unbatched", 3, None, 2, 3, (4, 4, 4), (3, 3, 3), 1, 1, 1, 1),
    ("3d depthwise", 3, 2, 3, 3, (5, 5, 5), (3, 3, 3), 1, 1, 1, 3),
    ("3d pointwise", 3, 2, 3, 5, (3, 4, 5), (1, 1, 1), 1, 0, 1, 1),
    ("3d size 1", 3, 1, 2, 2, (1, 1, 1), (1, 1, 1), 1, 0, 1, 1),
    # More than 16 filters per group at stride 1: the exact im2col, not whole rows.
    ("many filters", 2, 2, 3, 20, (7, 8), (3, 3), 1, 1, 2, 1),
    ("many filters per group, same", 2, 2, 4, 34, (6, 7), (3, 2), 1, "same", 1, 2),
    ("1d many filters", 1, 2, 2, 17, (9,), (3,), 1, 1, 1, 1),
    ("3d many filters", 3, None, 2, 18, (4, 5, 4), (3, 2, 3), 1, 1, 1, 1),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(
    "case", CASES, ids=[c[0] for c in CASES]
)
def test_against_torch(case, bias, dtype):
    _, n, batch, c_in, c_out, size, kernel, stride, padding, dilation, groups = case
    rng = np.random.default_rng(zlib.crc32(f"{case[0]} {bias} {np.dtype(dtype).name}".encode()))
    x, w, b = make_operands(rng, n, batch, c_in, c_out, size, kernel, groups, bias, dtype)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    expected = torch_reference(x, w, b, **kwargs)
    fan_in = (c_in // groups) * int(np.prod(kernel))
    assert_close(CONVKIT[n](x, w, b, **kwargs), expected, dtype, fan_in)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_naive_against_torch_and_vectorised(case):
    _, n, batch, c_in, c_out, size, kernel, stride, padding, dilation, groups = case
    rng = np.random.default_rng(1)
    x, w, b = make_operands(rng, n, batch, c_in, c_out, size, kernel, groups, True, np.float64)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    naive = NAIVE[n](x, w, b, **kwargs)
    fan_in = (c_in // groups) * int(np.prod(kernel))
    assert_close(naive, torch_reference(x, w, b, **kwargs), np.float64, fan_in)
    assert_close(CONVKIT[n](x, w, b, **kwargs), naive, np.float64, fan_in)


def test_integer_results_are_exact_beyond_float32():
    # Values whose sums need more than float32's 24 bits: a float path would round them.
    x = np.full((1, 2, 3, 3), 2**22 + 1, dtype=np.int64)
    w = np.full((1, 2, 2, 2), 3, dtype=np.int64)
    expected = np.full((1, 1, 2, 2), 8 * 3 * (2**22 + 1), dtype=np.int64)
    np.testing.assert_array_equal(convkit.conv2d(x, w), expected)
    np.testing.assert_array_equal(convkit.conv2d_naive(x, w), expected)


def test_worked_example_by_hand():
    # 3x3 input, 2x2 kernel [[1, 0], [0, -1]]: each output is top-left minus bottom-right.
    x = np.array([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]])  # (C_in, H, W)
    w = np.array([[[[1, 0], [0, -1]]]])  # (C_out, C_in, kH, kW)
    expected = np.array([[[1 - 5, 2 - 6], [4 - 8, 5 - 9]]])
    np.testing.assert_array_equal(convkit.conv2d(x, w), expected)
    np.testing.assert_array_equal(convkit.conv2d(x, w, bias=[10]), expected + 10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_bands_match_one_band(monkeypatch, dtype):
    # Force one output row per band: the banded im2col must give the same result.
    rng = np.random.default_rng(2)
    x, w, b = make_operands(rng, 2, 2, 3, 5, (9, 8), (3, 3), 1, True, dtype)
    whole = convkit.conv2d(x, w, b, padding=1, stride=(2, 1))  # strided path
    whole_s1 = convkit.conv2d(x, w, b, padding=(1, 2), dilation=2)  # stride-1 path
    x3, w3, b3 = make_operands(rng, 3, 2, 2, 3, (6, 5, 4), (3, 2, 3), 1, True, dtype)
    whole3 = convkit.conv3d(x3, w3, b3, padding=1)
    xg, wg, bg = make_operands(rng, 2, 2, 6, 4, (7, 6), (3, 3), 2, True, dtype)
    whole_g = convkit.conv2d(xg, wg, bg, padding=1, groups=2)
    monkeypatch.setattr(fast_module, "_TILE_BYTES", 1)
    # Not bit-identical: the matrix multiply blocks a narrower matrix differently.
    assert_close(convkit.conv2d(x, w, b, padding=1, stride=(2, 1)), whole, dtype, 27)
    assert_close(convkit.conv2d(x, w, b, padding=(1, 2), dilation=2), whole_s1, dtype, 27)
    assert_close(convkit.conv3d(x3, w3, b3, padding=1), whole3, dtype, 18)
    assert_close(convkit.conv2d(xg, wg, bg, padding=1, groups=2), whole_g, dtype, 27)
    assert_close(whole, torch_reference(x, w, b, padding=1, stride=(2, 1)), dtype, 27)
    assert_close(whole_s1, torch_reference(x, w, b, padding=(1, 2), dilation=2), dtype, 27)


def test_large_image_uses_several_bands_and_stays_exact():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 200, 180)).astype(np.float32)  # (C_in, H, W)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    expected = torch_reference(x, w, None, padding=1)
    assert_close(convkit.conv2d(x, w, padding=1), expected, np.float32, 27)


def test_accepts_torch_tensors_lists_and_non_contiguous_arrays():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 6, 7))
    w = rng.standard_normal((4, 3, 3, 3))
    expected = torch_reference(x, w, None, padding=1)
    from_torch = convkit.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1)
    assert isinstance(from_torch, np.ndarray)
    np.testing.assert_allclose(from_torch, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        convkit.conv2d(x.tolist(), w.tolist(), padding=1), expected, rtol=1e-10, atol=1e-12
    )
    # Fortran order and a transposed view must not change the result.
    x_t = np.ascontiguousarray(x.transpose(0, 1, 3, 2)).transpose(0, 1, 3, 2)
    assert not x_t.flags.c_contiguous
    np.testing.assert_allclose(
        convkit.conv2d(x_t, np.asfortranarray(w), padding=1), expected, rtol=1e-10, atol=1e-12
    )


def test_does_not_modify_its_arguments():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 4, 5, 5))
    w = rng.standard_normal((4, 1, 3, 3))
    b = rng.standard_normal(4)
    copies = [a.copy() for a in (x, w, b)]
    for groups, weight in [(1, rng.standard_normal((4, 4, 3, 3))), (4, w)]:
        convkit.conv2d(x, weight, b, padding=1, groups=groups)
    for original, copy in zip((x, w, b), copies):
        np.testing.assert_array_equal(original, copy)


@pytest.mark.parametrize(
    "x_dtype, w_dtype, b_dtype, expected",
    [
        (np.float32, np.float32, None, np.float32),
        (np.float32, np.float32, np.float32, np.float32),
        (np.float64, np.float32, None, np.float64),
        (np.float32, np.float32, np.float64, np.float64),
        (np.int64, np.int64, np.int64, np.int64),
        (np.int32, np.int32, None, np.int32),
        (np.uint8, np.int64, None, np.int64),
        (np.int64, np.float32, None, np.float64),
    ],
)
def test_result_dtype_follows_numpy_promotion(x_dtype, w_dtype, b_dtype, expected):
    x = np.ones((1, 2, 4, 4), dtype=x_dtype)
    w = np.ones((3, 2, 3, 3), dtype=w_dtype)
    b = None if b_dtype is None else np.ones(3, dtype=b_dtype)
    for func in (convkit.conv2d, convkit.conv2d_naive):
        out = func(x, w, b)
        assert out.dtype == expected
        np.testing.assert_array_equal(out, np.full((1, 3, 2, 2), 18 + (b is not None)))


def test_empty_batch_gives_empty_output():
    x = np.zeros((0, 3, 5, 5), dtype=np.float32)
    w = np.zeros((4, 3, 3, 3), dtype=np.float32)
    out = convkit.conv2d(x, w, padding=1)
    assert out.shape == (0, 4, 5, 5) and out.dtype == np.float32
    assert out.shape == tuple(F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1).shape)


def test_deterministic():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 8, 12, 12)).astype(np.float32)
    w = rng.standard_normal((8, 8, 3, 3)).astype(np.float32)
    np.testing.assert_array_equal(convkit.conv2d(x, w, padding=1), convkit.conv2d(x, w, padding=1))


# ---------------------------------------------------------------------------
# property-based: random valid configurations in 1, 2 and 3 D
# ---------------------------------------------------------------------------


@st.composite
def configurations(draw):
    n = draw(st.integers(1, 3))
    limit = {1: 9, 2: 7, 3: 5}[n]  # keeps the loop reference quick
    groups = draw(st.integers(1, 3))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    batch = draw(st.sampled_from([None, 1, 2]))
    kernel, stride, dilation, size = [], [], [], []
    for _ in range(n):
        kernel.append(draw(st.integers(1, 4)))
        stride.append(draw(st.integers(1, 3)))
        dilation.append(draw(st.integers(1, 3)))
    use_same = draw(st.booleans()) and all(s == 1 for s in stride)
    if use_same:
        padding = "same"
        pad = [0] * n
    else:
        pad = [draw(st.integers(0, 3)) for _ in range(n)]
        padding = draw(st.sampled_from([tuple(pad), pad[0]]))
        if isinstance(padding, int):
            pad = [padding] * n
    for k, d, p in zip(kernel, dilation, pad):
        extent = d * (k - 1) + 1
        smallest = max(1, extent - 2 * p)  # the padded input must hold the dilated kernel
        size.append(draw(st.integers(smallest, max(smallest, limit))))
    bias = draw(st.booleans())
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64]))
    seed = draw(st.integers(0, 2**32 - 1))
    return (n, batch, c_in, c_out, size, kernel, tuple(stride), padding, tuple(dilation),
            groups, bias, dtype, seed)


@given(configurations())
def test_property_against_torch_and_naive(config):
    (n, batch, c_in, c_out, size, kernel, stride, padding, dilation, groups, bias, dtype,
     seed) = config
    rng = np.random.default_rng(seed)
    x, w, b = make_operands(rng, n, batch, c_in, c_out, size, kernel, groups, bias, dtype)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    expected = torch_reference(x, w, b, **kwargs)
    fan_in = (c_in // groups) * int(np.prod(kernel))
    assert_close(CONVKIT[n](x, w, b, **kwargs), expected, dtype, fan_in)
    assert_close(NAIVE[n](x, w, b, **kwargs), expected, dtype, fan_in)


@given(
    st.integers(1, 3),
    st.lists(st.integers(1, 6), min_size=3, max_size=3),
    st.lists(st.integers(1, 3), min_size=3, max_size=3),
    st.lists(st.integers(1, 3), min_size=3, max_size=3),
)
def test_property_same_padding_keeps_the_size(n, size, kernel, dilation):
    x = np.ones((1, 1) + tuple(size[:n]))
    w = np.ones((1, 1) + tuple(kernel[:n]))
    out = CONVKIT[n](x, w, padding="same", dilation=tuple(dilation[:n]))
    assert out.shape == x.shape
    # Each output counts the kernel taps that land on real (unpadded) inputs.
    expected = torch_reference(x, w, None, padding="same", dilation=tuple(dilation[:n]))
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("view", ["reversed", "transposed", "sliced", "fortran"])
@pytest.mark.parametrize("groups, c_out, kernel", [(1, 4, (3, 2)), (3, 6, (2, 3)), (1, 4, (1, 1))])
@pytest.mark.parametrize("kwargs", [{}, {"stride": 2}, {"dilation": 2, "stride": (1, 2)}])
def test_unpadded_views_with_any_strides(view, groups, c_out, kernel, kwargs):
    # With stride > 1 and no padding the windows are read straight from the
    # caller's array, whatever its memory layout (negative, transposed or
    # skipping strides); with stride 1 it is copied first. Both must be right.
    rng = np.random.default_rng(7)
    base = rng.standard_normal((2, 6, 11, 12))
    x = {
        "reversed": base[:, ::2, ::-1],
        "transposed": base[:, :3].transpose(0, 1, 3, 2),
        "sliced": base[:, 1::2, 1:, ::-2],
        "fortran": np.asfortranarray(base[:, :3]),
    }[view]
    w = rng.standard_normal((c_out, 3 // groups) + kernel)
    expected = torch_reference(np.ascontiguousarray(x), w, None, groups=groups, **kwargs)
    assert_close(convkit.conv2d(x, w, groups=groups, **kwargs), expected, np.float64, 9)


@pytest.mark.parametrize("tile_bytes", [1, 3_000, 5_400, 8_000, 25_000, 60_000])
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("groups, c_out", [(6, 6), (6, 12), (3, 6)])
def test_tiles_of_several_groups(monkeypatch, tile_bytes, stride, groups, c_out):
    # Small tiles hold a few groups and a few rows each, so tiles start at
    # every group and row offset; each must use its own groups' weights.
    monkeypatch.setattr(fast_module, "_TILE_BYTES", tile_bytes)
    rng = np.random.default_rng(8)
    x, w, b = make_operands(rng, 2, 2, 6, c_out, (9, 10), (3, 3), groups, True, np.float64)
    kwargs = dict(stride=stride, padding=1, groups=groups)
    expected = torch_reference(x, w, b, **kwargs)
    assert_close(convkit.conv2d(x, w, b, **kwargs), expected, np.float64, 9 * 6 // groups)
