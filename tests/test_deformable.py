"""convkit.deformable against PyTorch.

Referee: a deformable convolution built from ``torch.nn.functional.grid_sample`` and an einsum
(``torch_deform_conv2d`` below), independent of convkit. The mapping to grid_sample: a tap of
output ``(u, v)`` reads the unpadded input at row ``rho = u s - p + m d + eta`` and column
``kappa = v s - p + n d + xi``; with ``align_corners=False`` grid_sample reads pixel coordinate
``((g + 1) * size - 1) / 2`` at normalised coordinate ``g``, so we pass ``g = (2 rho + 1) / H - 1``
(defined for every size, also H = 1, where ``align_corners=True`` would divide by zero) and
``padding_mode='zeros'``, ``mode='bilinear'``: each of the four corners outside the input reads 0,
which is what torchvision's ``bilinear_interpolate`` does. Gradients: autograd through that
reference, checked against central differences of convkit's (numpy, forward-only) function in
float64. ``torchvision.ops.deform_conv2d`` is a second referee when torchvision is installed.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import convkit
from convkit.deformable import (
    bilinear_sample, deform_conv2d, deform_conv2d_naive, deform_sampling_positions, deform_unfold,
)


def torch_deform_conv2d(x, offset, w, b=None, stride=1, padding=0, dilation=1, mask=None):
    """Deformable convolution from grid_sample + einsum, on float64 torch tensors (autograd-able)."""
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    n_batch, c_in, height, width = x.shape
    c_out, c_per_group, kh, kw = w.shape
    taps = kh * kw
    h_out, w_out = offset.shape[2:]
    g_off = offset.shape[1] // (2 * taps)
    tap_row = torch.arange(kh, dtype=x.dtype).repeat_interleave(kw)          # (T,)
    tap_col = torch.arange(kw, dtype=x.dtype).repeat(kh)                     # (T,)
    base_r = (torch.arange(h_out, dtype=x.dtype) * sh - ph)[None, :, None] + tap_row[:, None, None] * dh
    base_c = (torch.arange(w_out, dtype=x.dtype) * sw - pw)[None, None, :] + tap_col[:, None, None] * dw
    off = offset.reshape(n_batch, g_off, taps, 2, h_out, w_out)
    rho = base_r + off[:, :, :, 0]                                            # (N, G, T, H_out, W_out)
    kappa = base_c + off[:, :, :, 1]
    grid = torch.stack([(2 * kappa + 1) / width - 1, (2 * rho + 1) / height - 1], dim=-1)
    grid = grid.reshape(n_batch * g_off, taps * h_out, w_out, 2)
    sampled = F.grid_sample(x.reshape(n_batch * g_off, c_in // g_off, height, width), grid,
                            mode="bilinear", padding_mode="zeros", align_corners=False)
    sampled = sampled.reshape(n_batch, g_off, c_in // g_off, taps, h_out, w_out)
    if mask is not None:
        sampled = sampled * mask.reshape(n_batch, g_off, 1, taps, h_out, w_out)
    groups = c_in // c_per_group
    sampled = sampled.reshape(n_batch, groups, c_per_group, taps, h_out, w_out)
    weight = w.reshape(groups, c_out // groups, c_per_group, taps)
    out = torch.einsum("ngctuv,goct->ngouv", sampled, weight).reshape(n_batch, c_out, h_out, w_out)
    return out if b is None else out + b[:, None, None]


def reference(x, offset, w, b=None, stride=1, padding=0, dilation=1, mask=None):
    """torch_deform_conv2d on numpy arrays (batched or not), returning float64 numpy."""
    t = lambda a: None if a is None else torch.from_numpy(np.asarray(a, dtype=np.float64))  # noqa: E731
    unbatched = np.ndim(x) == 3
    lift = (lambda a: None if a is None else a[None]) if unbatched else (lambda a: a)
    out = torch_deform_conv2d(lift(t(x)), lift(t(offset)), t(w), t(b), stride, padding, dilation,
                              lift(t(mask)))
    return (out[0] if unbatched else out).numpy()


def output_size(i, k, s, p, d):
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def random_case(rng, n, c_in, c_out, groups, g_off, h, w, k, s, p, d, dtype, mask, scale=2.0):
    ho, wo = output_size(h, k[0], s, p, d), output_size(w, k[1], s, p, d)
    x = rng.standard_normal((n, c_in, h, w)).astype(dtype)
    weight = rng.standard_normal((c_out, c_in // groups) + k).astype(dtype)
    offset = (scale * rng.standard_normal((n, 2 * g_off * k[0] * k[1], ho, wo))).astype(dtype)
    m = rng.uniform(0, 1, (n, g_off * k[0] * k[1], ho, wo)).astype(dtype) if mask else None
    return x, offset, weight, m


# ---------------------------------------------------------------------------
# the operation against the grid_sample referee
# ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 2), groups=st.sampled_from([1, 2]), g_off=st.sampled_from([1, 2]),
       cin_g=st.integers(1, 2), cout_g=st.integers(1, 3), h=st.integers(1, 7), w=st.integers(1, 7),
       kh=st.integers(1, 3), kw=st.integers(1, 3), s=st.integers(1, 2), p=st.integers(0, 2),
       d=st.integers(1, 2), mask=st.booleans(), bias=st.booleans(), batched=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**16))
def test_matches_grid_sample_reference(n, groups, g_off, cin_g, cout_g, h, w, kh, kw, s, p, d, mask,
                                       bias, batched, dtype, seed):
    c_in = groups * g_off * cin_g
    if (h + 2 * p < d * (kh - 1) + 1) or (w + 2 * p < d * (kw - 1) + 1):
        return  # kernel larger than the padded input: tested under bad input
    rng = np.random.default_rng(seed)
    x, offset, weight, m = random_case(rng, n, c_in, groups * cout_g, groups, g_off, h, w,
                                       (kh, kw), s, p, d, dtype, mask)
    b = rng.standard_normal(groups * cout_g).astype(dtype) if bias else None
    if not batched:
        x, offset, m = x[0], offset[0], None if m is None else m[0]
    got = deform_conv2d(x, offset, weight, b, stride=s, padding=p, dilation=d, mask=m)
    expected = reference(x, offset, weight, b, s, p, d, m)
    assert got.dtype == dtype
    assert got.shape == expected.shape
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)
    naive = deform_conv2d_naive(x, offset, weight, b, stride=s, padding=p, dilation=d, mask=m)
    assert naive.dtype == dtype
    np.testing.assert_allclose(naive, expected, rtol=tol, atol=tol)


def test_many_random_fractional_offsets_float64():
    """Large offsets (up to 4 pixels) push taps into and beyond the zero border."""
    rng = np.random.default_rng(17)
    worst = 0.0
    for trial in range(40):
        x, offset, weight, m = random_case(rng, 2, 4, 3, 1, 2, 6, 5, (3, 3), 1, 1, 1, np.float64,
                                           trial % 2 == 0, scale=4.0)
        got = deform_conv2d(x, offset, weight, mask=m, padding=1)
        worst = max(worst, np.max(np.abs(got - reference(x, offset, weight, None, 1, 1, 1, m))))
    assert worst < 1e-10


def test_tuple_arguments():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 2, 8, 9))
    weight = rng.standard_normal((3, 2, 2, 3))
    ho, wo = output_size(8, 2, 2, 1, 3), output_size(9, 3, 1, 0, 2)
    offset = rng.standard_normal((1, 12, ho, wo))
    got = deform_conv2d(x, offset, weight, stride=(2, 1), padding=(1, 0), dilation=(3, 2))
    expected = reference(x, offset, weight, None, (2, 1), (1, 0), (3, 2))
    assert np.max(np.abs(got - expected)) < 1e-10


# ---------------------------------------------------------------------------
# exact identities
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("s, p, d, groups", [(1, 0, 1, 1), (1, 1, 1, 1), (2, 1, 1, 2), (1, 2, 2, 1),
                                             (3, 0, 1, 4)])
def test_zero_offsets_give_conv2d(s, p, d, groups):
    rng = np.random.default_rng(s + 10 * p + 100 * d + groups)
    x = rng.standard_normal((2, 4, 7, 8))
    weight = rng.standard_normal((4, 4 // groups, 3, 3))
    b = rng.standard_normal(4)
    ho, wo = output_size(7, 3, s, p, d), output_size(8, 3, s, p, d)
    zeros, ones = np.zeros((2, 18, ho, wo)), np.ones((2, 9, ho, wo))
    # the sampled windows are the im2col windows bit for bit ...
    np.testing.assert_array_equal(deform_unfold(x, zeros, 3, s, p, d), convkit.unfold(x, 3, d, p, s))
    np.testing.assert_array_equal(deform_unfold(x, zeros, 3, s, p, d, mask=ones),
                                  convkit.unfold(x, 3, d, p, s))
    # ... so the output is conv2d_im2col's product of the same two matrices, bit for bit,
    for m in (None, ones):
        got = deform_conv2d(x, zeros, weight, b, s, p, d, mask=m)
        np.testing.assert_array_equal(got, convkit.conv2d_im2col(x, weight, b, s, p, d, groups))
        # and conv2d's (summed in another order by its tiled fast path) to rounding.
        expected = convkit.conv2d(x, weight, b, s, p, d, groups)
        assert np.max(np.abs(got - expected)) < 1e-12
    # in integers every order gives the same sum: exact
    xi = rng.integers(-9, 10, (2, 4, 7, 8))
    wi = rng.integers(-5, 6, (4, 4 // groups, 3, 3))
    bi = rng.integers(-5, 6, 4)
    got = deform_conv2d(xi, zeros.astype(int), wi, bi, s, p, d, mask=ones.astype(int))
    assert got.dtype.kind == "i"
    np.testing.assert_array_equal(got, convkit.conv2d(xi, wi, bi, s, p, d, groups))
    np.testing.assert_array_equal(deform_conv2d_naive(xi, zeros.astype(int), wi, bi, s, p, d), got)


@pytest.mark.parametrize("shift", [(0, 1), (1, 0), (-2, 3), (5, -1), (-9, 0)])
def test_integer_offsets_shift_exactly(shift):
    """A uniform integer offset (a, b) reads x[u + m - 1 + a, v + n - 1 + b]: the ordinary
    convolution of the zero-filled plane around x, moved by (a, b)."""
    rng = np.random.default_rng(abs(shift[0]) * 7 + abs(shift[1]))
    x = rng.integers(-9, 10, (2, 3, 6, 7))
    weight = rng.integers(-4, 5, (2, 3, 3, 3))
    ho, wo = output_size(6, 3, 1, 1, 1), output_size(7, 3, 1, 1, 1)
    offset = np.zeros((2, 18, ho, wo), dtype=int)
    offset[:, 0::2], offset[:, 1::2] = shift
    # the zero-filled plane around x, wide enough for every shift; the window of output (u, v)
    # starts at row u - 1 + a, column v - 1 + b of x
    r = 10
    plane = np.pad(x, ((0, 0), (0, 0), (r, r), (r, r)))
    a, b = shift
    moved = plane[:, :, r - 1 + a:r - 1 + a + ho + 2, r - 1 + b:r - 1 + b + wo + 2]
    expected = convkit.conv2d(moved, weight)
    got = deform_conv2d(x, offset, weight, padding=1)
    assert got.dtype.kind == "i"
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(deform_conv2d_naive(x, offset, weight, padding=1), expected)
    # float offsets that are whole numbers read the same pixels exactly (the weights are 1 and 0)
    got_float = deform_conv2d(x.astype(float), offset.astype(float), weight.astype(float), padding=1)
    np.testing.assert_array_equal(got_float, expected)


def test_per_tap_integer_offsets_exact_against_loops_and_referee():
    rng = np.random.default_rng(5)
    x = rng.integers(-9, 10, (2, 4, 5, 6))
    weight = rng.integers(-3, 4, (6, 2, 2, 3))
    offset = rng.integers(-3, 4, (2, 2 * 2 * 6, 4, 6))   # two offset groups, any integer per tap
    m = rng.integers(0, 3, (2, 2 * 6, 4, 6))
    b = rng.integers(-3, 4, 6)
    got = deform_conv2d(x, offset, weight, b, padding=(0, 1), mask=m)
    assert got.dtype.kind == "i"
    np.testing.assert_array_equal(got, deform_conv2d_naive(x, offset, weight, b, padding=(0, 1), mask=m))
    np.testing.assert_array_equal(got, np.rint(reference(x, offset, weight, b, 1, (0, 1), 1, m)).astype(int))


def test_mask_scales_each_tap_linearly():
    rng = np.random.default_rng(8)
    x, offset, weight, m = random_case(rng, 1, 2, 2, 1, 1, 5, 5, (3, 3), 1, 1, 1, np.float64, True)
    half = deform_conv2d(x, offset, weight, padding=1, mask=m / 2)
    assert np.max(np.abs(2 * half - deform_conv2d(x, offset, weight, padding=1, mask=m))) < 1e-12
    assert not deform_conv2d(x, offset, weight, padding=1, mask=np.zeros_like(m)).any()


def test_bilinear_sample_and_positions():
    image = np.arange(12.0).reshape(3, 4)
    assert float(bilinear_sample(image, 1, 2)) == 6.0
    assert float(bilinear_sample(image, 1.5, 2.5)) == (6 + 7 + 10 + 11) / 4
    assert float(bilinear_sample(image, -1, 0)) == 0.0                 # a whole pixel outside
    assert float(bilinear_sample(image, 2.5, 0)) == 8 / 2               # half on the zero border
    got = bilinear_sample(image, np.array([0.25, 1.0]), np.array([[0.0], [3.0]]))
    expected = F.grid_sample(torch.from_numpy(image)[None, None],
                             torch.tensor([[[[(2 * c + 1) / 4 - 1, (2 * r + 1) / 3 - 1]
                                             for r in (0.25, 1.0)] for c in (0.0, 3.0)]],
                                          dtype=torch.float64),
                             align_corners=False)[0, 0].numpy()
    assert got.shape == (2, 2)
    assert np.max(np.abs(got - expected)) < 1e-12
    pos = deform_sampling_positions(np.zeros((2, 3, 3)), (1, 1), stride=2, padding=1)
    np.testing.assert_array_equal(pos[0], [[-1, -1, -1], [1, 1, 1], [3, 3, 3]])
    np.testing.assert_array_equal(pos[1], [[-1, 1, 3]] * 3)
    # eighths: the sums below are exact in float32
    off = (np.random.default_rng(0).integers(-40, 41, (1, 18, 2, 2)) / 8).astype(np.float32)
    pos = deform_sampling_positions(off, 3, dilation=2)
    assert pos.dtype == np.float32
    grid = deform_sampling_positions(np.zeros_like(off), 3, dilation=2)
    np.testing.assert_array_equal(pos - grid, off)
    assert grid[0, 2 * 5, 1, 0] == 1 + 1 * 2 and grid[0, 2 * 5 + 1, 1, 0] == 0 + 2 * 2  # tap (1, 2)


def test_empty_batch_as_conv2d():
    x, w = np.zeros((0, 2, 5, 5)), np.ones((3, 2, 3, 3))
    got = deform_conv2d(x, np.zeros((0, 18, 3, 3)), w, mask=np.zeros((0, 9, 3, 3)))
    assert got.shape == convkit.conv2d(x, w).shape == (0, 3, 3, 3)
    assert deform_conv2d_naive(x, np.zeros((0, 18, 3, 3)), w).shape == (0, 3, 3, 3)


def test_unbatched_equals_batched():
    rng = np.random.default_rng(2)
    x, offset, weight, m = random_case(rng, 1, 3, 2, 1, 1, 6, 6, (3, 3), 1, 1, 1, np.float64, True)
    batched = deform_conv2d(x, offset, weight, padding=1, mask=m)
    np.testing.assert_array_equal(deform_conv2d(x[0], offset[0], weight, padding=1, mask=m[0]), batched[0])
    np.testing.assert_array_equal(deform_unfold(x[0], offset[0], 3, padding=1, mask=m[0]),
                                  deform_unfold(x, offset, 3, padding=1, mask=m)[0])


# ---------------------------------------------------------------------------
# gradients: autograd through the referee against finite differences of convkit
# ---------------------------------------------------------------------------


def test_gradients_of_reference_match_finite_differences_of_convkit():
    """For L = sum(R * y), d L / d(theta) from autograd through torch_deform_conv2d equals the
    central difference of L computed with convkit's forward, for input, weight, offset, mask and
    bias. L is linear in input, weight, mask and bias, and bilinear in the two offsets of a tap as
    long as no sampling point crosses a pixel line, so a central difference is exact up to rounding;
    offsets are drawn with fractional parts in [0.2, 0.8] and steps of 1e-4 cross no line."""
    rng = np.random.default_rng(11)
    n, c_in, c_out, h, w, k, p = 2, 4, 4, 5, 6, (3, 2), 1
    ho, wo = output_size(h, k[0], 1, p, 1), output_size(w, k[1], 1, p, 1)
    arrays = {
        "input": rng.standard_normal((n, c_in, h, w)),
        "offset": rng.integers(-2, 3, (n, 2 * 2 * 6, ho, wo)) + rng.uniform(0.2, 0.8, (n, 24, ho, wo)),
        "weight": rng.standard_normal((c_out, c_in // 2, *k)),
        "mask": rng.uniform(0, 1, (n, 2 * 6, ho, wo)),
        "bias": rng.standard_normal(c_out),
    }
    readout = rng.standard_normal((n, c_out, ho, wo))

    def loss_numpy(a):
        y = deform_conv2d(a["input"], a["offset"], a["weight"], a["bias"], padding=p, mask=a["mask"])
        return float(np.sum(readout * y))

    tensors = {name: torch.from_numpy(a.copy()).requires_grad_() for name, a in arrays.items()}
    out = torch_deform_conv2d(tensors["input"], tensors["offset"], tensors["weight"], tensors["bias"],
                              padding=p, mask=tensors["mask"])
    (out * torch.from_numpy(readout)).sum().backward()
    step = 1e-4
    for name, array in arrays.items():
        grad = tensors[name].grad.numpy()
        assert np.any(grad != 0), name
        for _ in range(12):   # directional derivatives along random directions
            direction = rng.standard_normal(array.shape)
            plus = dict(arrays, **{name: array + step * direction})
            minus = dict(arrays, **{name: array - step * direction})
            numeric = (loss_numpy(plus) - loss_numpy(minus)) / (2 * step)
            assert abs(numeric - np.sum(grad * direction)) < 1e-8 * (1 + abs(numeric)), name
    # element by element for the offsets and the mask (the new parameters of v1 and v2)
    for name in ("offset", "mask"):
        grad = tensors[name].grad.numpy()
        numeric = np.zeros_like(grad)
        for index in np.ndindex(grad.shape):
            plus, minus = arrays[name].copy(), arrays[name].copy()
            plus[index] += step
            minus[index] -= step
            numeric[index] = (loss_numpy(dict(arrays, **{name: plus}))
                              - loss_numpy(dict(arrays, **{name: minus}))) / (2 * step)
        assert np.max(np.abs(numeric - grad)) < 1e-8, name


# ---------------------------------------------------------------------------
# torchvision as a second referee, when it is installed
# ---------------------------------------------------------------------------


def test_matches_torchvision():
    """Skipped only if torchvision is absent: a torchvision that is present but cannot load its
    compiled operators (a build for another torch) fails here instead of hiding."""
    ops = pytest.importorskip("torchvision.ops", reason="torchvision is not installed")
    rng = np.random.default_rng(4)
    for trial in range(10):
        mask = trial % 2 == 1
        x, offset, weight, m = random_case(rng, 2, 4, 6, 2, 2, 7, 6, (3, 3), 1 + trial % 2, 1,
                                           1 + trial % 3 // 2, np.float64, mask, scale=3.0)
        s, d = 1 + trial % 2, 1 + trial % 3 // 2
        b = rng.standard_normal(6)
        t = lambda a: None if a is None else torch.from_numpy(a)  # noqa: E731
        expected = ops.deform_conv2d(t(x), t(offset), t(weight), t(b), stride=s, padding=1,
                                     dilation=d, mask=t(m)).numpy()
        got = deform_conv2d(x, offset, weight, b, stride=s, padding=1, dilation=d, mask=m)
        assert np.max(np.abs(got - expected)) < 1e-10


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------

X = np.zeros((1, 2, 5, 5))
W = np.zeros((3, 2, 3, 3))
OFF = np.zeros((1, 18, 3, 3))


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(offset=np.zeros((1, 17, 3, 3))), ValueError, "offset"),
    (dict(offset=np.zeros((1, 18, 3, 4))), ValueError, "offset"),
    (dict(offset=np.zeros((2, 18, 3, 3))), ValueError, "offset"),
    (dict(offset=np.zeros((18, 3, 3))), ValueError, "offset"),
    (dict(offset=np.zeros((1, 0, 3, 3))), ValueError, "offset"),
    (dict(offset=np.zeros((1, 54, 3, 3))), ValueError, "offset groups"),   # 3 groups do not divide 2
    (dict(offset=np.zeros((1, 18, 3, 3), dtype=bool)), TypeError, "offset"),
    (dict(mask=np.zeros((1, 9, 3, 2))), ValueError, "mask"),
    (dict(mask=np.zeros((1, 18, 3, 3))), ValueError, "mask"),
    (dict(mask=np.zeros((9, 3, 3))), ValueError, "mask"),
    (dict(mask="ones"), TypeError, "mask"),
    (dict(dilation=-1), ValueError, "dilation"),
    (dict(dilation=0), ValueError, "dilation"),
    (dict(stride=0), ValueError, "stride"),
    (dict(padding=-1), ValueError, "padding"),
    (dict(padding="same"), TypeError, "padding"),
    (dict(weight=np.zeros((3, 2, 7, 3)), offset=np.zeros((1, 42, 1, 3))), ValueError, "kernel"),
    (dict(weight=np.zeros((3, 3, 3, 3))), ValueError, "weight"),
    (dict(weight=np.zeros((4, 1, 3, 3)), offset=OFF), None, None),   # groups = 2 is fine
    (dict(weight=np.zeros((3, 1, 3, 3))), ValueError, "weight"),     # 3 filters, 2 groups
    (dict(weight=np.zeros((3, 2, 3))), ValueError, "weight"),
    (dict(bias=np.zeros(2)), ValueError, "bias"),
    (dict(input=np.zeros((5, 5))), ValueError, "input"),
])
def test_bad_input_is_refused_naming_the_argument(kwargs, error, words):
    call = dict(input=X, offset=OFF, weight=W)
    call.update(kwargs)
    if error is None:
        assert deform_conv2d(**call).shape == (1, 4, 3, 3)
        return
    for function in (deform_conv2d, deform_conv2d_naive):
        with pytest.raises(error, match=words):
            function(**call)


def test_kernel_larger_than_padded_input_names_the_kernel():
    with pytest.raises(ValueError, match="weight's kernel size"):
        deform_conv2d(np.zeros((1, 1, 2, 2)), np.zeros((1, 18, 1, 1)), np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match="kernel_size"):
        deform_unfold(np.zeros((1, 1, 2, 2)), np.zeros((1, 18, 1, 1)), 3)
    # with padding 1 the same kernel fits
    assert deform_conv2d(np.zeros((1, 1, 2, 2)), np.zeros((1, 18, 2, 2)), np.zeros((1, 1, 3, 3)),
                         padding=1).shape == (1, 1, 2, 2)


def test_bad_input_of_the_helpers():
    with pytest.raises(ValueError, match="offset"):
        deform_sampling_positions(np.zeros((1, 17, 2, 2)), 3)
    with pytest.raises(ValueError, match="kernel_size"):
        deform_sampling_positions(np.zeros((1, 18, 2, 2)), 0)
    with pytest.raises(ValueError, match="dilation"):
        deform_unfold(X, OFF, 3, dilation=-2)
    with pytest.raises(ValueError, match="image"):
        bilinear_sample(np.zeros((2, 2, 2)), 0, 0)
    with pytest.raises(TypeError, match="rows"):
        bilinear_sample(np.zeros((2, 2)), "a", 0)
