"""Cross-cutting fuzz tests: convkit against ``torch.nn.functional``.

Written by someone who did not write the library. Hypothesis draws random
configurations for every public operation and checks two things:

* a valid configuration gives the same array as the PyTorch composition, in
  float32 and float64, batched and unbatched, with contiguous and
  non-contiguous inputs. The reference is PyTorch in float64 on the very same
  values; the tolerance is the textbook bound of a sum of ``n`` products,
  ``(n + 1) * eps(dtype) * (|x| * |w|)`` elementwise, where ``|x| * |w|`` is
  the same operation applied to the absolute values (also by PyTorch);
* an invalid configuration (one argument broken on purpose) that PyTorch
  refuses makes convkit raise ``TypeError`` or ``ValueError`` whose message
  names the broken argument, never an ``IndexError``, a numpy broadcasting
  error or a silently wrong shape; one that PyTorch accepts gives PyTorch's
  result.

The hypothesis profile comes from ``tests/conftest.py`` (``ci`` under
``CI=true``: derandomised, 60 examples per test).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import convkit

# PyTorch notes that an even kernel with padding='same' costs it a padded copy.
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")

DTYPES = [np.float32, np.float64]
CONV = {
    1: (convkit.conv1d, convkit.conv1d_naive, F.conv1d),
    2: (convkit.conv2d, convkit.conv2d_naive, F.conv2d),
    3: (convkit.conv3d, convkit.conv3d_naive, F.conv3d),
}
TRANSPOSED = {
    1: (convkit.conv_transpose1d, [convkit.conv_transpose1d_naive], F.conv_transpose1d),
    2: (
        convkit.conv_transpose2d,
        [
            convkit.conv_transpose2d_naive,
            convkit.conv_transpose2d_zero_insertion,
            convkit.conv_transpose2d_scatter,
            convkit.conv_transpose2d_matrix,
        ],
        F.conv_transpose2d,
    ),
    3: (convkit.conv_transpose3d, [convkit.conv_transpose3d_naive], F.conv_transpose3d),
}
# The loop references are slow: run them only when the output is this small.
NAIVE_MAX_OUTPUTS = 400
# Operations that are thin wrappers over conv2d (itself fuzzed with the full
# profile) get fewer examples, to keep the file well under a minute.
WRAPPER_EXAMPLES = 25


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def to_torch(value):
    """numpy arrays become float64 tensors (the reference precision), the rest passes."""
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.array(value, dtype=np.float64, order="C"))
    return value


def to_torch_raw(value):
    """numpy arrays become tensors of their own dtype (for rule checks)."""
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.array(value, order="C"))
    return value


def torch_abs(value):
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.abs(np.array(value, dtype=np.float64, order="C")))
    return value


def assert_matches(ours, reference, magnitude, terms, dtype):
    """``ours`` equals ``reference`` within the rounding bound of a sum of ``terms`` products.

    ``magnitude`` is the same operation on absolute values, so that
    ``(terms + 1) * eps * magnitude`` bounds the rounding error of each entry.
    """
    assert isinstance(ours, np.ndarray), f"expected a numpy array, got {type(ours)}"
    assert ours.dtype == dtype, f"dtype {ours.dtype}, expected {np.dtype(dtype)}"
    assert ours.shape == tuple(reference.shape), f"shape {ours.shape}, torch {tuple(reference.shape)}"
    eps = np.finfo(dtype).eps
    bound = (terms + 1) * eps * magnitude.numpy() + np.finfo(dtype).tiny
    error = np.abs(ours.astype(np.float64) - reference.numpy())
    worst = np.unravel_index(np.argmax(error - bound), error.shape) if error.size else None
    assert np.all(error <= bound), (
        f"error {error[worst]:.3g} above the bound {bound[worst]:.3g} at {worst}"
    )


def make_array(rng, shape, dtype, contiguous=True):
    """Random values exactly representable in ``dtype``, optionally a non-contiguous view."""
    if contiguous:
        return rng.standard_normal(shape).astype(dtype)
    # Every other column of a wider array, with the axis order of the rest flipped.
    wide = rng.standard_normal(shape[:-1] + (2 * shape[-1],)).astype(dtype)
    view = wide[..., ::2]
    if len(shape) > 1:
        view = np.flip(view, axis=0)
    assert not view.flags.c_contiguous or view.size <= 1
    return view


def assert_names(excinfo, names):
    """The exception is a TypeError/ValueError whose message names one of ``names``."""
    message = str(excinfo.value)
    assert any(name in message for name in names), (
        f"{type(excinfo.value).__name__}({message!r}) names none of {names}"
    )


def torch_outcome(func, *args, **kwargs):
    """PyTorch's result, or the exception it raised."""
    try:
        return func(*args, **kwargs), None
    except Exception as exc:  # noqa: BLE001 - any refusal by torch counts
        return None, exc


def check_against_torch_or_refusal(ours, theirs, names, *args, **kwargs):
    """Where PyTorch refuses, convkit refuses naming the argument; else both agree exactly.

    ``ours`` and ``theirs`` are callables taking the same ``args``/``kwargs``
    (``theirs`` receives torch tensors). Used with all-integer-valued float64
    data, where equality is exact.
    """
    expected, refusal = torch_outcome(
        theirs, *[to_torch_raw(a) for a in args], **{k: to_torch_raw(v) for k, v in kwargs.items()}
    )
    if refusal is not None:
        with pytest.raises((TypeError, ValueError)) as excinfo:
            ours(*args, **kwargs)
        assert_names(excinfo, names)
    else:
        result = ours(*args, **kwargs)
        assert isinstance(result, np.ndarray)
        assert result.shape == tuple(expected.shape), f"{result.shape} vs torch {tuple(expected.shape)}"
        np.testing.assert_array_equal(result, expected.numpy())


# ---------------------------------------------------------------------------
# configurations
# ---------------------------------------------------------------------------


@st.composite
def conv_configs(draw, transposed=False, n=None, groups=None, unit_stride=False, unit_dilation=False):
    """A valid (transposed) convolution: arrays, hyper-parameters and the dtype.

    ``n`` (spatial dimensions) and ``groups`` are drawn unless given;
    ``unit_stride`` and ``unit_dilation`` fix those to 1.
    """
    n = draw(st.integers(1, 3)) if n is None else n
    kmax, smax = (3, 4) if n == 3 else (4, 6)
    groups = draw(st.integers(1, 3)) if groups is None else groups
    c_in = groups * draw(st.integers(1, 3))
    c_out = groups * draw(st.integers(1, 3))
    kernel = tuple(draw(st.integers(1, kmax)) for _ in range(n))
    stride = tuple(draw(st.integers(1, 1 if unit_stride else 3)) for _ in range(n))
    dilation = tuple(draw(st.integers(1, 1 if unit_dilation else 3)) for _ in range(n))
    extent = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    dtype = draw(st.sampled_from(DTYPES))
    batch = draw(st.sampled_from([None, 1, 2]))
    config = dict(n=n, groups=groups, dtype=dtype, batch=batch, kernel=kernel)
    if transposed:
        size = tuple(draw(st.integers(1, smax - 1)) for _ in range(n))
        output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
        full = [(i - 1) * s + e + op for i, s, e, op in zip(size, stride, extent, output_padding)]
        # padding crops 2 p from the full output, which must stay positive.
        padding = tuple(draw(st.integers(0, (f - 1) // 2)) for f in full)
        w_shape = (c_in, c_out // groups) + kernel
        config.update(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
        config["terms"] = (c_in // groups) * math.prod(kernel)
    else:
        mode = draw(st.sampled_from(["int", "tuple", "valid", "same"]))
        if mode == "same":
            stride = (1,) * n
            padding = "same"
            size = tuple(draw(st.integers(e, e + smax)) for e in extent)
            size = tuple(max(1, s - draw(st.integers(0, e))) for s, e in zip(size, extent))
        elif mode == "valid":
            padding = "valid"
            size = tuple(draw(st.integers(e, e + smax)) for e in extent)
        else:
            pads = tuple(draw(st.integers(0, 3)) for _ in range(n))
            padding = pads[0] if mode == "int" else pads
            pads = (padding,) * n if mode == "int" else pads
            size = tuple(draw(st.integers(max(1, e - 2 * p), max(1, e - 2 * p) + smax)) for e, p in zip(extent, pads))
        w_shape = (c_out, c_in // groups) + kernel
        config.update(stride=stride, padding=padding, dilation=dilation)
        config["terms"] = (c_in // groups) * math.prod(kernel)
    x_shape = ((batch,) if batch else ()) + (c_in,) + size
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    contiguous = draw(st.booleans())
    config["input"] = make_array(rng, x_shape, dtype, contiguous)
    config["weight"] = make_array(rng, w_shape, dtype)
    config["bias"] = make_array(rng, (c_out,), dtype) if draw(st.booleans()) else None
    return config


def _hyper(config, transposed):
    keys = ("stride", "padding", "output_padding", "groups", "dilation") if transposed else (
        "stride", "padding", "dilation", "groups")
    return {k: config[k] for k in keys}


# ---------------------------------------------------------------------------
# (a) valid configurations: equal to PyTorch
# ---------------------------------------------------------------------------


def _check_against_reference(config, fast, slow, reference, transposed):
    """``fast`` (and, on small outputs, each of ``slow``) against ``reference`` in float64."""
    x, w, b = config["input"], config["weight"], config["bias"]
    hyper = _hyper(config, transposed)
    expected = reference(to_torch(x), to_torch(w), to_torch(b), **hyper)
    magnitude = reference(torch_abs(x), torch_abs(w), torch_abs(b), **hyper)
    funcs = [fast] + (slow if expected.numel() <= NAIVE_MAX_OUTPUTS else [])
    for func in funcs:
        assert_matches(func(x, w, b, **hyper), expected, magnitude, config["terms"], config["dtype"])


@given(conv_configs())
def test_conv_matches_torch(config):
    fast, naive, reference = CONV[config["n"]]
    _check_against_reference(config, fast, [naive], reference, transposed=False)


@given(conv_configs(transposed=True))
def test_conv_transpose_matches_torch(config):
    fast, others, reference = TRANSPOSED[config["n"]]
    _check_against_reference(config, fast, others, reference, transposed=True)


@given(conv_configs(), st.sampled_from(["list", "tensor"]))
def test_conv_accepts_lists_and_tensors(config, kind):
    """The same numbers given as nested lists or CPU tensors give the same result.

    The reference is the call on C-contiguous numpy copies: a list or a
    tensor arrives contiguous, and on the 1x1 path a strided view may round
    differently in the last bit (a different matrix-multiply loop).
    """
    fast, _, _ = CONV[config["n"]]
    hyper = _hyper(config, transposed=False)
    arrays = [None if a is None else np.array(a, order="C")
              for a in (config["input"], config["weight"], config["bias"])]
    if kind == "list":
        converted = [None if a is None else a.tolist() for a in arrays]
        arrays = [None if a is None else a.astype(np.float64) for a in arrays]  # lists hold Python floats
    else:
        converted = [None if a is None else torch.from_numpy(a) for a in arrays]
    expected = fast(*arrays, **hyper)
    result = fast(*converted, **hyper)
    assert result.dtype == expected.dtype
    np.testing.assert_array_equal(result, expected)


@given(
    n=st.integers(1, 2),
    c=st.integers(1, 3),
    size=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    k=st.integers(1, 3),
    groups=st.sampled_from([1, 2]),
)
def test_conv_matrix_columns_are_convolutions_of_basis_images(n, c, size, stride, padding, dilation, k, groups):
    """``conv_matrix`` is the Jacobian of ``F.conv2d``: column j is conv2d of the j-th basis image."""
    c_in, c_out = c * groups, n * groups
    extent = dilation * (k - 1) + 1
    assume(all(s + 2 * padding >= extent for s in size))
    rng = np.random.default_rng(c * 100 + k)
    weight = rng.integers(-5, 6, size=(c_out, c, k, k)).astype(np.float64)
    matrix = convkit.conv_matrix((c_in,) + size, weight, stride=stride, padding=padding,
                                 dilation=dilation, groups=groups)
    pixels = c_in * size[0] * size[1]
    basis = torch.eye(pixels, dtype=torch.float64).reshape((pixels, c_in) + size)  # (C_in*H*W, C_in, H, W)
    images = F.conv2d(basis, torch.from_numpy(weight), stride=stride, padding=padding,
                      dilation=dilation, groups=groups)  # (C_in*H*W, C_out, H_out, W_out)
    expected = images.reshape(pixels, -1).T.numpy()  # (C_out*H_out*W_out, C_in*H*W)
    np.testing.assert_array_equal(matrix, expected)


@given(
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=4),
    stride=st.integers(1, 4),
    use_tuple=st.booleans(),
)
def test_zero_insert_is_a_transposed_convolution_with_a_unit_kernel(shape, stride, use_tuple):
    """Inserting zeros is ``F.conv_transpose2d`` with a 1x1 kernel of one and that stride."""
    x = np.arange(1, math.prod(shape) + 1, dtype=np.int64).reshape(shape)
    m = min(2, len(shape))
    steps = (stride,) * m
    lead, spatial = shape[: len(shape) - m], shape[len(shape) - m:]
    images = torch.from_numpy(x).reshape((-1, 1) + tuple([1] * (2 - m) + spatial))  # (B, 1, H, W)
    unit = torch.ones((1, 1, 1, 1), dtype=torch.int64)
    spread = F.conv_transpose2d(images.double(), unit.double(), stride=((1,) * (2 - m)) + steps)
    expected = spread.reshape(tuple(lead) + tuple(spread.shape[4 - m:])).long().numpy()
    result = convkit.zero_insert(x, steps if use_tuple else stride)
    assert result.dtype == x.dtype
    np.testing.assert_array_equal(result, expected)


@given(
    size=st.lists(st.integers(1, 6), min_size=1, max_size=2),
    kernel=st.integers(1, 5),
    stride=st.integers(1, 4),
    dilation=st.integers(1, 3),
)
def test_overlap_counts_are_a_transposed_convolution_of_ones(size, kernel, stride, dilation):
    n = len(size)
    ones = torch.ones((1, 1) + tuple(size), dtype=torch.float64)
    taps = torch.ones((1, 1) + (kernel,) * n, dtype=torch.float64)
    expected = (F.conv_transpose1d if n == 1 else F.conv_transpose2d)(
        ones, taps, stride=stride, dilation=dilation
    )[0, 0]
    result = convkit.overlap_counts(tuple(size) if n > 1 else size[0], kernel, stride, dilation)
    np.testing.assert_array_equal(result, expected.numpy())


def _pad_documented_refusal(shape, pads, mode):
    """The deliberate refusals of ``pad``'s Notes, where PyTorch is unreliable.

    A non-constant mode refuses pads that leave a dimension empty (PyTorch
    refuses, returns an empty array or uninitialised values), and
    'circular' refuses a pad wider than what its crop leaves.
    """
    for i in range(min(len(pads) // 2, len(shape))):  # more pads than axes: refused anyway
        size, before, after = shape[-1 - i], pads[2 * i], pads[2 * i + 1]
        if size + before + after < 1:
            return True
        kept = size + min(before, 0) + min(after, 0)
        if mode == "circular" and (kept < 1 or max(before, after) > kept):
            return True
    return False


@given(
    shape=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    pads=st.lists(st.integers(-2, 4), min_size=2, max_size=6),
    mode=st.sampled_from(["constant", "reflect", "replicate", "circular"]),
    value=st.sampled_from([None, 0, 2.5, -3]),
    dtype=st.sampled_from(DTYPES),
)
def test_pad_matches_torch_or_refuses(shape, pads, mode, value, dtype):
    """``pad`` (and ``pad_naive``) against ``F.pad`` over random shapes, pads and modes."""
    pads = pads[: 2 * (len(pads) // 2)]
    x = np.arange(math.prod(shape), dtype=dtype).reshape(shape) - 7
    kwargs = dict(mode=mode) if value is None else dict(mode=mode, value=value)
    expected, refusal = torch_outcome(F.pad, torch.from_numpy(x), tuple(pads), **kwargs)
    if mode != "constant" and _pad_documented_refusal(shape, pads, mode):
        refusal = "documented"
    pairs = [pads[i:i + 2] for i in range(0, len(pads), 2)]  # last axis first
    kept = [size + min(b, 0) + min(a, 0) for size, (b, a) in zip(shape[::-1], pairs)]
    if mode == "circular" and any(k < 1 or max(b, a) > k for (b, a), k in zip(pairs, kept)):
        # circular wider than what its crop leaves: torch wraps, refuses or returns
        # uninitialised memory depending on the layout; convkit refuses (pad's Notes)
        refusal = "documented"
    funcs = [convkit.pad] + ([convkit.pad_naive] if x.size <= 300 else [])
    for func in funcs:
        if refusal is not None:
            with pytest.raises((TypeError, ValueError)) as excinfo:
                func(x, tuple(pads), **kwargs)
            assert_names(excinfo, ["pad", "value", "input", "mode"])
        else:
            result = func(x, tuple(pads), **kwargs)
            assert result.dtype == x.dtype
            np.testing.assert_array_equal(result, expected.numpy())


# Found by this review, fixed in 3350615: value=0 was refused outside 'constant'.
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_accepts_value_zero_in_other_modes_like_torch(mode):
    x = np.arange(6.0).reshape(1, 2, 3)
    expected = F.pad(torch.from_numpy(x), (1, 1), mode=mode, value=0)
    np.testing.assert_array_equal(convkit.pad(x, (1, 1), mode=mode, value=0), expected.numpy())


@settings(max_examples=WRAPPER_EXAMPLES)
@given(
    config=conv_configs(n=2),
    padding_mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"]),
)
def test_padded_conv2d_matches_nn_conv2d(config, padding_mode):
    """``padded_conv2d`` against ``torch.nn.Conv2d`` with the same ``padding_mode``."""
    x, w, b = config["input"], config["weight"], config["bias"]
    hyper = _hyper(config, transposed=False)
    module = torch.nn.Conv2d(
        w.shape[1] * hyper["groups"], w.shape[0], w.shape[2:], bias=b is not None,
        padding_mode=padding_mode, dtype=torch.float64, **hyper,
    )

    with torch.no_grad():
        module.weight.copy_(to_torch(w))
        if b is not None:
            module.bias.copy_(to_torch(b))
        expected, refusal = torch_outcome(module, to_torch(x))
        if refusal is None:
            module.weight.copy_(torch_abs(w))
            if b is not None:
                module.bias.copy_(torch_abs(b))
            magnitude = module(torch_abs(x))
    if refusal is not None:
        # reflect needs the padding smaller than the input: both must refuse
        with pytest.raises((TypeError, ValueError)) as excinfo:
            convkit.padded_conv2d(x, w, b, padding_mode=padding_mode, **hyper)
        assert_names(excinfo, ["pad", "input"])
        return
    result = convkit.padded_conv2d(x, w, b, padding_mode=padding_mode, **hyper)
    assert_matches(result, expected, magnitude, config["terms"], config["dtype"])


@given(
    batch=st.sampled_from([None, 1, 3]),
    c=st.integers(1, 3),
    h=st.integers(1, 5),
    w=st.integers(1, 5),
    scale=st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 3), st.integers(1, 3))),
    dtype=st.sampled_from(DTYPES),
)
def test_upsample_nearest_matches_interpolate(batch, c, h, w, scale, dtype):
    shape = ((batch,) if batch else ()) + (c, h, w)
    x = np.random.default_rng(h * 10 + w).standard_normal(shape).astype(dtype)
    images = torch.from_numpy(x if batch else x[np.newaxis])  # interpolate needs (N, C, H, W)
    factor = tuple(float(s) for s in scale) if isinstance(scale, tuple) else float(scale)
    expected = F.interpolate(images, scale_factor=factor, mode="nearest").numpy()
    result = convkit.upsample_nearest(x, scale_factor=scale)
    assert result.dtype == dtype
    np.testing.assert_array_equal(result, expected if batch else expected[0])


@settings(max_examples=WRAPPER_EXAMPLES)
@given(config=conv_configs(n=2, groups=1), scale=st.integers(1, 3))
def test_resize_conv2d_matches_interpolate_then_conv2d(config, scale):
    x, w, b = config["input"], config["weight"], config["bias"]
    padding = config["padding"] if config["padding"] != "same" else "same"
    batched = x.ndim == 4

    def reference(x_t, w_t, b_t):
        images = x_t if batched else x_t[None]
        up = F.interpolate(images, scale_factor=float(scale), mode="nearest")
        out = F.conv2d(up, w_t, b_t, padding=padding)
        return out if batched else out[0]

    expected, refusal = torch_outcome(reference, to_torch(x), to_torch(w), to_torch(b))
    assume(refusal is None)
    magnitude = reference(torch_abs(x), torch_abs(w), torch_abs(b))
    result = convkit.resize_conv2d(x, w, b, scale_factor=scale, padding=padding)
    assert_matches(result, expected, magnitude, config["terms"], config["dtype"])


@given(
    m=st.integers(1, 9),
    k=st.integers(1, 9),
    mode=st.sampled_from(["valid", "full", "same"]),
    dtype=st.sampled_from([np.int64, np.float64]),
)
def test_correlate1d_and_convolve1d_match_conv1d(m, k, mode, dtype):
    """Cross-correlation is ``F.conv1d``; true convolution is ``F.conv1d`` with the kernel flipped."""
    rng = np.random.default_rng(m * 10 + k)
    x = rng.integers(-9, 10, size=m).astype(dtype)
    w = rng.integers(-9, 10, size=k).astype(dtype)
    # torch pads both sides: 'full' pads K - 1, 'same' is PyTorch's own split,
    # equal to numpy's only for an odd kernel no longer than the signal.
    if mode == "valid":
        assume(k <= m)
        padding = 0
    elif mode == "full":
        padding = k - 1
    else:
        assume(k % 2 == 1 and k <= m)
        padding = "same"
    signal = torch.from_numpy(x.astype(np.float64))[None, None]  # (1, 1, M)
    for ours, naive, kernel in (
        (convkit.correlate1d, convkit.correlate1d_naive, w),
        (convkit.convolve1d, convkit.convolve1d_naive, w[::-1].copy()),
    ):
        expected = F.conv1d(signal, torch.from_numpy(kernel.astype(np.float64))[None, None], padding=padding)[0, 0]
        for func in (ours, naive):
            result = func(x, w, mode=mode)
            assert result.dtype == dtype
            np.testing.assert_array_equal(result, expected.numpy())


@given(
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    kh=st.integers(1, 5),
    kw=st.integers(1, 5),
    mode=st.sampled_from(["valid", "full", "same"]),
)
def test_correlate2d_and_convolve2d_match_conv2d(h, w, kh, kw, mode):
    rng = np.random.default_rng(h * 1000 + w * 100 + kh * 10 + kw)
    x = rng.integers(-9, 10, size=(h, w))
    k = rng.integers(-9, 10, size=(kh, kw))
    if mode == "valid":
        assume(kh <= h and kw <= w)
        padding = 0
    elif mode == "full":
        padding = (kh - 1, kw - 1)
    else:
        assume(kh % 2 == 1 and kw % 2 == 1)
        padding = "same"
    image = torch.from_numpy(x.astype(np.float64))[None, None]  # (1, 1, H, W)
    for ours, naive, kernel in (
        (convkit.correlate2d, convkit.correlate2d_naive, k),
        (convkit.convolve2d, convkit.convolve2d_naive, k[::-1, ::-1].copy()),
    ):
        expected = F.conv2d(image, torch.from_numpy(kernel.astype(np.float64))[None, None], padding=padding)[0, 0]
        for func in (ours, naive):
            result = func(x, k, mode=mode)
            assert result.dtype == x.dtype
            np.testing.assert_array_equal(result, expected.numpy())
    np.testing.assert_array_equal(convkit.flip(k), torch.flip(torch.from_numpy(k), (0, 1)).numpy())


# ---------------------------------------------------------------------------
# the teaching operations against their PyTorch compositions
# ---------------------------------------------------------------------------


def _spatial_hyper(config):
    """stride, padding and dilation of a drawn 2D configuration."""
    return {k: config[k] for k in ("stride", "padding", "dilation")}


@settings(max_examples=WRAPPER_EXAMPLES)
@given(config=conv_configs(n=2, groups=1))
def test_per_channel_maps_are_single_channel_conv2d(config):
    """``maps[o, c]`` is ``F.conv2d`` of channel ``c`` with kernel ``w[o, c]``; their sum is conv2d."""
    x, w = config["input"], config["weight"]
    hyper = _spatial_hyper(config)
    xt, wt = to_torch(x), to_torch(w)
    xa, wa = torch_abs(x), torch_abs(w)
    channel_axis = 1 if x.ndim == 4 else 0
    maps = [
        torch.stack([
            F.conv2d(xt.narrow(channel_axis, c, 1), wt[o:o + 1, c:c + 1], **hyper).squeeze(channel_axis)
            for c in range(w.shape[1])
        ], dim=channel_axis)
        for o in range(w.shape[0])
    ]  # C_out tensors of (N, C_in, H_out, W_out) or (C_in, H_out, W_out)
    expected = torch.stack(maps, dim=channel_axis)  # (N, C_out, C_in, H_out, W_out)
    magnitude = torch.stack([
        torch.stack([
            F.conv2d(xa.narrow(channel_axis, c, 1), wa[o:o + 1, c:c + 1], **hyper).squeeze(channel_axis)
            for c in range(w.shape[1])
        ], dim=channel_axis)
        for o in range(w.shape[0])
    ], dim=channel_axis)
    terms = math.prod(w.shape[2:])
    funcs = [convkit.per_channel_maps] + (
        [convkit.per_channel_maps_naive] if expected.numel() <= NAIVE_MAX_OUTPUTS else [])
    for func in funcs:
        maps_ours = func(x, w, **hyper)
        assert_matches(maps_ours, expected, magnitude, terms, config["dtype"])
    summed = F.conv2d(xt, wt, **hyper)
    total = maps_ours.astype(np.float64).sum(axis=-3)
    np.testing.assert_allclose(total, summed.numpy(), rtol=0,
                               atol=float(np.finfo(config["dtype"]).eps * (config["terms"] + 1)
                                          * F.conv2d(xa, wa, **hyper).max()))


@settings(max_examples=WRAPPER_EXAMPLES)
@given(config=conv_configs(n=2), multiplier=st.integers(1, 3))
def test_depthwise_and_depthwise_separable_match_torch(config, multiplier):
    """depthwise == ``F.conv2d(groups=C)``; separable == that, then a 1x1 ``F.conv2d``."""
    x = config["input"]
    dtype = config["dtype"]
    c = x.shape[-3]
    rng = np.random.default_rng(c * 7 + multiplier)
    kernel = config["weight"].shape[2:]
    dw = make_array(rng, (c * multiplier, 1) + kernel, dtype)
    db = make_array(rng, (c * multiplier,), dtype) if config["bias"] is not None else None
    pw = make_array(rng, (3, c * multiplier), dtype)
    pb = make_array(rng, (3,), dtype)
    hyper = _spatial_hyper(config)

    def depthwise(x_t, w_t, b_t):
        return F.conv2d(x_t, w_t, b_t, groups=c, **hyper)

    expected = depthwise(to_torch(x), to_torch(dw), to_torch(db))
    magnitude = depthwise(torch_abs(x), torch_abs(dw), torch_abs(db))
    terms = math.prod(kernel)
    small = expected.numel() <= NAIVE_MAX_OUTPUTS
    for func in [convkit.depthwise_conv2d] + ([convkit.depthwise_conv2d_naive] if small else []):
        assert_matches(func(x, dw, db, **hyper), expected, magnitude, terms, dtype)

    def separable(x_t, dw_t, db_t, pw_t, pb_t):
        return F.conv2d(depthwise(x_t, dw_t, db_t), pw_t[:, :, None, None], pb_t)

    expected = separable(*(to_torch(a) for a in (x, dw, db, pw, pb)))
    magnitude = separable(*(torch_abs(a) for a in (x, dw, db, pw, pb)))
    result = convkit.depthwise_separable_conv2d(x, dw, pw, db, pb, **hyper)
    assert_matches(result, expected, magnitude, terms + 1 + c * multiplier, dtype)


@settings(max_examples=WRAPPER_EXAMPLES)
@given(config=conv_configs(n=2), as_matrix=st.booleans())
def test_pointwise_convolutions_match_1x1_conv2d(config, as_matrix):
    x, b, g = config["input"], config["bias"], config["groups"]
    c_in, c_out = x.shape[-3], config["weight"].shape[0]
    w = make_array(np.random.default_rng(c_in * 10 + c_out), (c_out, c_in // g, 1, 1), config["dtype"])
    expected = F.conv2d(to_torch(x), to_torch(w), to_torch(b), groups=g)
    magnitude = F.conv2d(torch_abs(x), torch_abs(w), torch_abs(b), groups=g)
    given_w = w[:, :, 0, 0] if as_matrix else w
    for func in (convkit.pointwise_conv2d, convkit.pointwise_grouped_conv2d):
        assert_matches(func(x, given_w, b, groups=g), expected, magnitude, c_in // g, config["dtype"])


@settings(max_examples=WRAPPER_EXAMPLES)
@given(config=conv_configs(n=2))
def test_grouped_and_shuffled_grouped_match_torch(config):
    x, w, b, g = config["input"], config["weight"], config["bias"], config["groups"]
    hyper = _spatial_hyper(config)
    expected = F.conv2d(to_torch(x), to_torch(w), to_torch(b), groups=g, **hyper)
    magnitude = F.conv2d(torch_abs(x), torch_abs(w), torch_abs(b), groups=g, **hyper)
    for func in (convkit.grouped_conv2d, convkit.grouped_conv2d_naive):  # the naive one calls conv2d per group
        assert_matches(func(x, w, b, groups=g, **hyper), expected, magnitude, config["terms"], config["dtype"])
    batched = expected if x.ndim == 4 else expected[None]
    shuffled = F.channel_shuffle(batched, g)
    shuffled_magnitude = F.channel_shuffle(magnitude if x.ndim == 4 else magnitude[None], g)
    if x.ndim == 3:
        shuffled, shuffled_magnitude = shuffled[0], shuffled_magnitude[0]
    result = convkit.shuffled_grouped_conv2d(x, w, b, groups=g, **hyper)
    assert_matches(result, shuffled, shuffled_magnitude, config["terms"], config["dtype"])
    # The dense block-diagonal weight gives the same convolution in PyTorch.
    dense = convkit.block_diagonal_weight(w, g)
    assert dense.shape == (w.shape[0], x.shape[-3]) + w.shape[2:]
    dense_out = F.conv2d(to_torch(x), to_torch(dense), to_torch(b), **hyper)
    np.testing.assert_allclose(dense_out.numpy(), expected.numpy(), rtol=0,
                               atol=1e-12 * (1 + float(magnitude.max())))


@given(
    shape=st.lists(st.integers(0, 4), min_size=1, max_size=5),
    channels=st.integers(0, 12),
    groups=st.integers(-1, 7),
)
def test_channel_shuffle_matches_torch_or_refuses(shape, channels, groups):
    """Random ranks, channel counts and groups: ``F.channel_shuffle``'s result or its refusal."""
    shape = list(shape)
    if len(shape) >= 2:
        shape[1] = channels
    x = np.arange(math.prod(shape), dtype=np.float64).reshape(shape)
    expected, refusal = torch_outcome(F.channel_shuffle, torch.from_numpy(x), groups)
    for func in (convkit.channel_shuffle, convkit.channel_shuffle_naive):
        if refusal is not None:
            with pytest.raises((TypeError, ValueError)) as excinfo:
                func(x, groups)
            assert_names(excinfo, ["input", "groups"])
        else:
            result = func(x, groups)
            assert result.dtype == x.dtype
            np.testing.assert_array_equal(result, expected.numpy())
    if refusal is None and len(shape) >= 2 and groups > 0 and channels > 0:
        perm = convkit.shuffle_permutation(channels, groups)
        np.testing.assert_array_equal(x[:, perm], expected.numpy())


@settings(max_examples=WRAPPER_EXAMPLES)
@given(config=conv_configs(n=2, unit_dilation=True), row_length=st.integers(1, 4), with_bias=st.booleans())
def test_spatially_separable_conv2d_is_conv2d_with_the_outer_product(config, row_length, with_bias):
    x, dtype = config["input"], config["dtype"]
    c = x.shape[-3]
    rng = np.random.default_rng(c + 10 * row_length)
    column = make_array(rng, (config["kernel"][0],), dtype)
    row = make_array(rng, (row_length,), dtype)
    bias = make_array(rng, (c,), dtype) if with_bias else None
    hyper = dict(stride=config["stride"], padding=config["padding"])

    def reference(x_t, col_t, row_t, b_t):
        kernel = torch.outer(col_t, row_t).expand(c, 1, -1, -1)  # (C, 1, kH, kW), one per channel
        return F.conv2d(x_t, kernel, b_t, groups=c, **hyper)

    expected, refusal = torch_outcome(reference, *(to_torch(a) for a in (x, column, row, bias)))
    assume(refusal is None)
    magnitude = reference(*(torch_abs(a) for a in (x, column, row, bias)))
    result = convkit.spatially_separable_conv2d(x, column, row, bias, **hyper)
    # two passes: the column pass rounds, then the row pass sums kW rounded terms
    assert_matches(result, expected, magnitude, 2 * (column.size + row.size), dtype)


@settings(max_examples=WRAPPER_EXAMPLES)
@given(config=conv_configs(n=2, groups=1, unit_stride=True, unit_dilation=True), with_bias=st.booleans())
def test_flattened_conv2d_is_lateral_then_vertical_then_horizontal(config, with_bias):
    """The three 1D stages in sequence, each a ``F.conv2d``, and the rank-1 full conv2d."""
    x, dtype = config["input"], config["dtype"]
    c_in, (kh, kw) = x.shape[-3], config["kernel"]
    c_out = config["weight"].shape[0]
    rng = np.random.default_rng(c_in * 100 + kh * 10 + kw)
    lateral = make_array(rng, (c_out, c_in), dtype)
    vertical = make_array(rng, (c_out, kh), dtype)
    horizontal = make_array(rng, (c_out, kw), dtype)
    bias = make_array(rng, (c_out,), dtype) if with_bias else None
    padding = config["padding"]

    def full(x_t, lat, ver, hor, b_t):
        weight = torch.einsum("oc,oh,ow->ochw", lat, ver, hor)  # (C_out, C_in, kH, kW), rank 1 each
        return F.conv2d(x_t, weight, b_t, padding=padding)

    def sequence(x_t, lat, ver, hor, b_t):
        if isinstance(padding, str):
            rows = cols = padding
        else:
            ph, pw = (padding, padding) if isinstance(padding, int) else padding
            rows, cols = (ph, 0), (0, pw)
        out = F.conv2d(x_t, lat[:, :, None, None])
        out = F.conv2d(out, ver[:, None, :, None], groups=c_out, padding=rows)
        return F.conv2d(out, hor[:, None, None, :], b_t, groups=c_out, padding=cols)

    arrays = (x, lateral, vertical, horizontal, bias)
    expected = full(*(to_torch(a) for a in arrays))
    np.testing.assert_allclose(sequence(*(to_torch(a) for a in arrays)).numpy(), expected.numpy(),
                               rtol=1e-10, atol=1e-10)
    magnitude = full(*(torch_abs(a) for a in arrays))
    result = convkit.flattened_conv2d(x, lateral, vertical, horizontal, bias, padding=padding)
    assert_matches(result, expected, magnitude, 2 * (c_in + kh + kw), dtype)
    weight = convkit.flattened_filter(lateral, vertical, horizontal)
    np.testing.assert_allclose(
        weight, torch.einsum("oc,oh,ow->ochw", *(to_torch(a) for a in arrays[1:4])).numpy(),
        rtol=4 * np.finfo(dtype).eps,
    )


@given(
    kh=st.integers(1, 5),
    kw=st.integers(1, 5),
    rank=st.integers(1, 5),
    seed=st.integers(0, 1000),
)
def test_kernel_factorisations_match_torch_svd(kh, kw, rank, seed):
    """low_rank_kernel is the truncated ``torch.linalg.svd``; rank-1 kernels separate exactly."""
    assume(rank <= min(kh, kw))
    rng = np.random.default_rng(seed)
    kernel = rng.integers(-4, 5, size=(kh, kw)).astype(np.float64)
    u, s, vh = torch.linalg.svd(torch.from_numpy(kernel), full_matrices=False)
    best = (u[:, :rank] * s[:rank]) @ vh[:rank]  # (kH, r) @ (r, kW)
    np.testing.assert_allclose(convkit.low_rank_kernel(kernel, rank), best.numpy(), rtol=0, atol=1e-12 * 30)
    rank_of_kernel = int(torch.linalg.matrix_rank(torch.from_numpy(kernel)))
    assert convkit.is_separable(kernel) == (rank_of_kernel <= 1)
    column = rng.integers(-4, 5, size=kh)
    row = rng.integers(-4, 5, size=kw)
    outer = np.outer(column, row)
    assert convkit.is_separable(outer)
    a, b = convkit.separate_kernel(outer)
    np.testing.assert_allclose(np.outer(a, b), torch.outer(torch.from_numpy(column), torch.from_numpy(row)).numpy(),
                               rtol=0, atol=1e-12)


@settings(max_examples=WRAPPER_EXAMPLES)
@given(stride=st.sampled_from([1, 2]), batched=st.booleans(), first_groups=st.sampled_from([None, 1]),
       seed=st.integers(0, 100))
def test_shufflenet_unit_matches_the_torch_composition(stride, batched, first_groups, seed):
    """1x1 group conv, ReLU, shuffle, 3x3 depthwise, 1x1 group conv, then add or concat, ReLU."""
    rng = np.random.default_rng(seed)
    g, c_in, m = 2, 8, 4
    g1 = g if first_groups is None else first_groups
    c_exp = c_in if stride == 1 else 6
    x = rng.standard_normal(((2,) if batched else ()) + (c_in, 5, 6))
    pw1, b1 = rng.standard_normal((m, c_in // g1)), rng.standard_normal(m)
    dw, b2 = rng.standard_normal((m, 1, 3, 3)), rng.standard_normal(m)
    pw2, b3 = rng.standard_normal((c_exp, m // g)), rng.standard_normal(c_exp)
    t = [torch.from_numpy(a) for a in (x, pw1, b1, dw, b2, pw2, b3)]
    xt = t[0] if batched else t[0][None]
    hidden = F.relu(F.conv2d(xt, t[1][:, :, None, None], t[2], groups=g1))
    hidden = F.channel_shuffle(hidden, g1)  # as documented: the shuffle uses the first conv's groups
    hidden = F.conv2d(hidden, t[3], t[4], stride=stride, padding=1, groups=m)
    branch = F.conv2d(hidden, t[5][:, :, None, None], t[6], groups=g)
    if stride == 1:
        expected = F.relu(branch + xt)
    else:
        expected = F.relu(torch.cat([F.avg_pool2d(xt, 3, stride=2, padding=1), branch], dim=1))
    expected = expected if batched else expected[0]
    result = convkit.shufflenet_unit(x, pw1, dw, pw2, g, stride=stride, first_groups=first_groups,
                                     pointwise1_bias=b1, depthwise_bias=b2, pointwise2_bias=b3)
    assert result.shape == tuple(expected.shape)
    np.testing.assert_allclose(result, expected.numpy(), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# (b) invalid configurations: refused like PyTorch, the argument named
# ---------------------------------------------------------------------------

# One way to break one argument, and the names an honest message may use.
# An entry maps the configuration to (changed arguments, acceptable names).


def _conv_breakers(transposed):
    def rank(c, delta):
        w = c["weight"]
        return {"weight": w.reshape(w.shape + (1,) * delta) if delta > 0 else w[(0,) * -delta]}, ["weight"]

    def input_rank(c, delta):
        x = c["input"]
        shape = (1,) * delta + x.shape if delta > 0 else x.shape[-delta:]
        return {"input": np.zeros(shape, dtype=x.dtype)}, ["input"]

    def channels(c, _):
        x = c["input"]
        shape = list(x.shape)
        shape[-c["n"] - 1] += 1
        return {"input": np.zeros(shape, dtype=x.dtype)}, ["input", "groups", "weight"]

    def bias(c, length):
        out_channels = (c["weight"].shape[1] * c["groups"]) if transposed else c["weight"].shape[0]
        return {"bias": np.zeros(out_channels + length)}, ["bias"]

    def empty(c, axis):
        x = c["input"]
        shape = list(x.shape)
        shape[-axis] = 0
        return {"input": np.zeros(shape, dtype=x.dtype)}, ["input"]

    breakers = [
        ("stride", 0, lambda c, v: ({"stride": v}, ["stride"])),
        ("stride", -1, lambda c, v: ({"stride": v}, ["stride"])),
        ("stride", 1.5, lambda c, v: ({"stride": v}, ["stride"])),
        ("stride", "2", lambda c, v: ({"stride": v}, ["stride"])),
        ("stride", (1, 1, 1, 1), lambda c, v: ({"stride": v}, ["stride"])),
        ("dilation", 0, lambda c, v: ({"dilation": v}, ["dilation"])),
        ("dilation", -2, lambda c, v: ({"dilation": v}, ["dilation"])),
        ("dilation", 2.0, lambda c, v: ({"dilation": v}, ["dilation"])),
        ("padding", -1, lambda c, v: ({"padding": v}, ["padding"])),
        ("padding", "full", lambda c, v: ({"padding": v}, ["padding"])),
        ("padding", 1.0, lambda c, v: ({"padding": v}, ["padding"])),
        ("groups", 0, lambda c, v: ({"groups": v}, ["groups"])),
        ("groups", -1, lambda c, v: ({"groups": v}, ["groups"])),
        ("groups", 1.0, lambda c, v: ({"groups": v}, ["groups"])),
        ("groups", 7, lambda c, v: ({"groups": v}, ["groups", "channels"])),
        ("weight rank", 1, rank),
        ("weight rank", -1, rank),
        ("input rank", 2, input_rank),
        ("input rank", -1, input_rank),
        ("input channels", None, channels),
        ("bias length", 1, bias),
        ("bias length", -1, bias),
        ("bias 2d", None, lambda c, _: ({"bias": np.zeros((1, 1))}, ["bias"])),
        ("empty spatial", 1, empty),
        ("bool input", None, lambda c, _: ({"input": c["input"] > 0}, ["input"])),
        ("bool weight", None, lambda c, _: ({"weight": c["weight"] > 0}, ["weight"])),
        ("string input", None, lambda c, _: ({"input": "image"}, ["input"])),
        ("None weight", None, lambda c, _: ({"weight": None}, ["weight"])),
        ("kernel too large", None, lambda c, _: (
            {"weight": np.zeros(c["weight"].shape[:2] + tuple(
                s + 2 * 3 + 1 for s in c["input"].shape[-c["n"]:]), dtype=c["weight"].dtype)},
            ["weight", "kernel", "input", "padding"],
        )),
    ]
    if transposed:
        breakers += [
            ("output_padding", -1, lambda c, v: ({"output_padding": v}, ["output_padding"])),
            ("output_padding", 3, lambda c, v: ({"output_padding": v}, ["output_padding"])),
            ("output_padding", 1.0, lambda c, v: ({"output_padding": v}, ["output_padding"])),
            ("padding", 50, lambda c, v: ({"padding": v}, ["padding", "output size"])),
            ("padding", "same", lambda c, v: ({"padding": v}, ["padding"])),
        ]
    else:
        breakers += [
            ("same with stride", None, lambda c, _: ({"padding": "same", "stride": 2}, ["padding", "stride"])),
            ("padding string", "SAME", lambda c, v: ({"padding": v}, ["padding"])),
        ]
    return breakers


CONV_BREAKERS = _conv_breakers(False)
TRANSPOSED_BREAKERS = _conv_breakers(True)


_ALWAYS_INVALID = {
    "stride": (0, -1), "dilation": (0, -2), "groups": (0, -1), "padding": (-1,), "output_padding": (-1,),
}


def _run_broken(config, breaker, transposed):
    label, value, make = breaker
    changes, names = make(config, value)
    args = dict(input=config["input"], weight=config["weight"], bias=config["bias"])
    args.update(_hyper(config, transposed))
    args.update(changes)
    # bias in the inputs' dtype so that PyTorch judges the shape, not the dtype.
    if isinstance(args["bias"], np.ndarray) and args["bias"].dtype != config["dtype"]:
        args["bias"] = args["bias"].astype(config["dtype"])
    table = TRANSPOSED if transposed else CONV
    fast, others, reference = table[config["n"]]
    others = others if transposed else [others]
    expected, refusal = torch_outcome(reference, **{k: to_torch_raw(v) for k, v in args.items()})
    if refusal is None and label in _ALWAYS_INVALID and value in _ALWAYS_INVALID[label]:
        # Invalid by definition even where PyTorch misses it: torch 2.13 skips
        # the dilation check on some depthwise transposed paths, e.g.
        # F.conv_transpose1d(ones(2, 1), ones(2, 1, 1), groups=2, dilation=0).
        refusal, expected = "rule", None
    small = expected is None or expected.numel() <= NAIVE_MAX_OUTPUTS
    for func in [fast] + (others if small else []):
        if refusal is not None:
            with pytest.raises((TypeError, ValueError)) as excinfo:
                func(**args)
            assert_names(excinfo, names)
        else:
            result = func(**args)
            assert result.shape == tuple(expected.shape), (label, result.shape, tuple(expected.shape))
            ref64 = reference(**{k: to_torch(v) for k, v in args.items()})
            magnitude = reference(**{k: torch_abs(v) for k, v in args.items()})
            assert_matches(result, ref64, magnitude, config["terms"] + 1, result.dtype)


def _breaker_id(breaker):
    return f"{breaker[0]}={breaker[1]!r}" if breaker[1] is not None else breaker[0]


# Every breaker is its own test case (so each is sure to run) over a few
# random valid configurations.
@pytest.mark.parametrize("breaker", CONV_BREAKERS, ids=_breaker_id)
@settings(max_examples=6)
@given(config=conv_configs())
def test_conv_broken_argument_is_refused_like_torch(config, breaker):
    _run_broken(config, breaker, transposed=False)


@pytest.mark.parametrize("breaker", TRANSPOSED_BREAKERS, ids=_breaker_id)
@settings(max_examples=6)
@given(config=conv_configs(transposed=True))
def test_conv_transpose_broken_argument_is_refused_like_torch(config, breaker):
    _run_broken(config, breaker, transposed=True)


@given(
    size=st.integers(-2, 8),
    kernel=st.integers(-1, 6),
    stride=st.integers(-1, 3),
    padding=st.one_of(st.integers(-1, 3), st.sampled_from(["valid", "same"])),
    dilation=st.integers(-1, 3),
)
def test_conv_output_size_matches_torch_shapes(size, kernel, stride, padding, dilation):
    """``conv_output_size`` is the length ``F.conv1d`` produces, and refuses what it refuses."""
    def torch_length(size, kernel, stride, padding, dilation):
        signal = torch.zeros((1, 1, size))
        taps = torch.zeros((1, 1, kernel))
        return F.conv1d(signal, taps, stride=stride, padding=padding, dilation=dilation).shape[-1]

    expected, refusal = torch_outcome(torch_length, size, kernel, stride, padding, dilation)
    # F.conv1d takes an empty (size 0) signal only to refuse it later; treat
    # size 0 and a zero-length kernel as refusals as well.
    if refusal is None and (size < 1 or kernel < 1):
        refusal = "empty"
    if refusal is not None:
        with pytest.raises((TypeError, ValueError)) as excinfo:
            convkit.conv_output_size(size, kernel, stride=stride, padding=padding, dilation=dilation)
        assert_names(excinfo, ["input_size", "kernel_size", "stride", "padding", "dilation", "output"])
    else:
        assert convkit.conv_output_size(
            size, kernel, stride=stride, padding=padding, dilation=dilation
        ) == expected


@given(
    size=st.integers(-1, 6),
    kernel=st.integers(-1, 5),
    stride=st.integers(-1, 3),
    padding=st.integers(-1, 3),
    output_padding=st.integers(-1, 3),
    dilation=st.integers(-1, 3),
)
def test_conv_transpose_output_size_matches_torch_shapes(size, kernel, stride, padding, output_padding, dilation):
    def torch_length():
        signal = torch.zeros((1, 1, size))
        taps = torch.zeros((1, 1, kernel))
        return F.conv_transpose1d(signal, taps, stride=stride, padding=padding,
                                  output_padding=output_padding, dilation=dilation).shape[-1]

    expected, refusal = torch_outcome(torch_length)
    if refusal is None and (size < 1 or kernel < 1):
        refusal = "empty"
    call = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    if refusal is not None:
        with pytest.raises((TypeError, ValueError)) as excinfo:
            convkit.conv_transpose_output_size(size, kernel, **call)
        assert_names(excinfo, ["input_size", "kernel_size", "stride", "padding", "dilation", "output"])
    else:
        assert convkit.conv_transpose_output_size(size, kernel, **call) == expected


# ---------------------------------------------------------------------------
# the figures' own arithmetic (convkit.plotting.geometry) against PyTorch
# ---------------------------------------------------------------------------
# The drawings compute sizes and receptive fields themselves; a figure
# showing a wrong number would teach it, so they are held to PyTorch too.


@given(
    size=st.tuples(st.integers(1, 7), st.integers(1, 7)),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
)
def test_geometry_sizes_match_torch(size, kernel, stride, padding, dilation):
    from convkit.plotting import geometry

    image = torch.zeros((1, 1) + size, dtype=torch.float64)
    taps = torch.ones((1, 1) + kernel, dtype=torch.float64)
    expected, refusal = torch_outcome(F.conv2d, image, taps, stride=stride, padding=padding, dilation=dilation)
    if refusal is not None:
        with pytest.raises((TypeError, ValueError)):
            geometry.input_cells_read(size, (0, 0), kernel, stride, padding, dilation)
    else:
        # The last output cell of torch's output is inside the figure's output, one further is not.
        last = (expected.shape[2] - 1, expected.shape[3] - 1)
        geometry.input_cells_read(size, last, kernel, stride, padding, dilation)
        for beyond in ((last[0] + 1, 0), (0, last[1] + 1)):
            with pytest.raises(ValueError, match="output_index"):
                geometry.input_cells_read(size, beyond, kernel, stride, padding, dilation)


@given(layers=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=4))
def test_receptive_fields_match_torch_autograd(layers):
    """The receptive field of one output unit is the support of its gradient w.r.t. the input."""
    from convkit.plotting import geometry

    expected_size = convkit.receptive_field(layers)
    length = expected_size + 8
    signal = torch.ones((1, 1, length), dtype=torch.float64, requires_grad=True)
    out = signal
    for k, s, d in layers:
        out = F.conv1d(out, torch.ones((1, 1, k), dtype=torch.float64), stride=s, dilation=d)
    out[0, 0, 0].backward()
    support = torch.nonzero(signal.grad[0, 0]).flatten()
    measured = int(support.max() - support.min() + 1)
    assert measured == expected_size
    assert len(geometry.receptive_field_units(layers)[0]) == measured


# ---------------------------------------------------------------------------
# padding arithmetic and the rank-1 filter fit
# ---------------------------------------------------------------------------


@given(size=st.integers(1, 9), kernel=st.integers(1, 6), dilation=st.integers(1, 3), stride=st.integers(1, 3))
def test_padding_helpers_reproduce_torch(size, kernel, dilation, stride):
    """same_padding is torch's 'same' split; full_padding gives every overlap; the dilated extent."""
    signal = torch.from_numpy(np.random.default_rng(size).standard_normal((1, 1, size)))
    taps = torch.from_numpy(np.random.default_rng(kernel).standard_normal((1, 1, kernel)))
    before, after = convkit.same_padding(kernel, dilation)
    np.testing.assert_array_equal(
        F.conv1d(F.pad(signal, (before, after)), taps, dilation=dilation).numpy(),
        F.conv1d(signal, taps, padding="same", dilation=dilation).numpy(),
    )
    full = convkit.full_padding(kernel, dilation)
    extent = convkit.effective_kernel_size(kernel, dilation)
    assert F.conv1d(signal, taps, padding=full, dilation=dilation).shape[-1] == size + extent - 1
    assert F.conv1d(torch.zeros((1, 1, extent)), torch.zeros((1, 1, kernel)), dilation=dilation).shape[-1] == 1
    # TensorFlow's 'SAME': ceil(size / stride) outputs, the odd padding after.
    before, after = convkit.tf_same_padding(size, kernel, stride, dilation)
    assert after - before in (0, 1)
    out = F.conv1d(F.pad(signal, (before, after)), taps, stride=stride, dilation=dilation)
    assert out.shape[-1] == -(-size // stride)


@given(
    c_out=st.integers(1, 3), c_in=st.integers(1, 3), kh=st.integers(1, 3), kw=st.integers(1, 3),
    seed=st.integers(0, 1000), rank_one=st.booleans(),
)
def test_flatten_filter_fits_at_least_as_well_as_the_torch_hosvd(c_out, c_in, kh, kw, seed, rank_one):
    """Rank-1 filters come back exactly; any other is fitted no worse than the truncated HOSVD."""
    gen = torch.Generator().manual_seed(seed)
    if rank_one:
        weight = torch.einsum("oc,oh,ow->ochw", torch.randn(c_out, c_in, generator=gen, dtype=torch.float64),
                              torch.randn(c_out, kh, generator=gen, dtype=torch.float64),
                              torch.randn(c_out, kw, generator=gen, dtype=torch.float64))
    else:
        weight = torch.randn(c_out, c_in, kh, kw, generator=gen, dtype=torch.float64)
    lateral, vertical, horizontal = convkit.flatten_filter(weight.numpy())
    fit = torch.einsum("oc,oh,ow->ochw", *(torch.from_numpy(f) for f in (lateral, vertical, horizontal)))
    error = torch.linalg.norm(weight - fit)
    if rank_one:
        assert error <= 1e-9 * (1 + torch.linalg.norm(weight))
        return
    # HOSVD per filter: leading left singular vector of each unfolding, best scale.
    hosvd = torch.zeros_like(weight)
    for o in range(c_out):
        w = weight[o]  # (C_in, kH, kW)
        a = torch.linalg.svd(w.reshape(c_in, -1))[0][:, 0]
        b = torch.linalg.svd(w.permute(1, 0, 2).reshape(kh, -1))[0][:, 0]
        c = torch.linalg.svd(w.permute(2, 0, 1).reshape(kw, -1))[0][:, 0]
        scale = torch.einsum("chw,c,h,w->", w, a, b, c)
        hosvd[o] = scale * torch.einsum("c,h,w->chw", a, b, c)
    assert error <= torch.linalg.norm(weight - hosvd) * (1 + 1e-9) + 1e-12


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(pad=(1.5, 1)), dict(pad="ab"), dict(pad=(True, 1)), dict(pad=np.array([1, 1])),
        dict(pad=(1,)), dict(pad=(1,) * 10), dict(pad=[1, 1]), dict(pad=(1, 1), mode=3),
        dict(pad=(1, 1), mode="zeros"), dict(pad=(1, 1), mode="REFLECT"), dict(pad=(1, 1), value="a"),
        dict(pad=(3, 0, 0, 0), mode="reflect"), dict(pad=(4, 0, 0, 0), mode="circular"),
        dict(pad=(1, 1), mode="reflect", value=1.0),
    ],
    ids=repr,
)
def test_pad_broken_argument_is_refused_like_torch(kwargs):
    x = np.arange(18.0).reshape(1, 2, 3, 3)
    check_against_torch_or_refusal(convkit.pad, F.pad, list(kwargs) + ["input"], x, **kwargs)
