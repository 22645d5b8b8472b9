"""Transposed convolutions against torch.nn.functional; the three views of chapter 6
against each other; conv_matrix, zero_insert and overlap_counts; bad input."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import convkit
from convkit import transposed

FAST = {1: convkit.conv_transpose1d, 2: convkit.conv_transpose2d, 3: convkit.conv_transpose3d}
NAIVE = {
    1: convkit.conv_transpose1d_naive,
    2: convkit.conv_transpose2d_naive,
    3: convkit.conv_transpose3d_naive,
}
TORCH = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
VIEWS = {
    "zero insertion": convkit.conv_transpose2d_zero_insertion,
    "scatter": convkit.conv_transpose2d_scatter,
    "matrix": convkit.conv_transpose2d_matrix,
}


def as_torch(a):
    return None if a is None else torch.from_numpy(np.asarray(a, dtype=np.float64))


def torch_reference(x, w, b, **kwargs):
    """PyTorch's transposed convolution, computed in float64 whatever the operands' dtype."""
    n = w.ndim - 2
    with torch.no_grad():
        return TORCH[n](as_torch(x), as_torch(w), as_torch(b), **kwargs).numpy()


def output_size(i, k, s=1, p=0, d=1, op=0):
    """The course's formula for the size of a transposed convolution's output."""
    return (i - 1) * s - 2 * p + d * (k - 1) + op + 1


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


def make_operands(rng, batch, c_in, per_group_out, groups, size, kernel, bias, dtype):
    """Random input ``(N, C_in, *size)`` (no N when ``batch`` is None), transposed weight, bias."""
    x_shape = ((c_in,) if batch is None else (batch, c_in)) + tuple(size)
    w_shape = (c_in, per_group_out) + tuple(kernel)
    c_out = per_group_out * groups
    if np.dtype(dtype).kind in "iu":
        x = rng.integers(-5, 6, x_shape).astype(dtype)
        w = rng.integers(-3, 4, w_shape).astype(dtype)
        b = rng.integers(-9, 10, c_out).astype(dtype) if bias else None
    else:
        x = rng.standard_normal(x_shape).astype(dtype)
        w = rng.standard_normal(w_shape).astype(dtype)
        b = rng.standard_normal(c_out).astype(dtype) if bias else None
    return x, w, b


def fan_in(w):
    """Upper bound on the number of products summed into one output value."""
    return w.shape[0] * int(np.prod(w.shape[2:])) + 1


# name, batch, C_in, C_out/groups, groups, size, kernel, stride, padding, output_padding, dilation
CASES = [
    ("1d plain", 2, 3, 2, 1, (5,), (3,), 1, 0, 0, 1),
    ("1d stride pad output_padding", 2, 3, 2, 1, (5,), (3,), 2, 1, 1, 1),
    ("1d groups dilation", None, 4, 3, 2, (6,), (4,), 3, 2, 2, 2),
    ("1d output_padding from dilation", 1, 2, 2, 1, (4,), (3,), 1, 0, 2, 3),
    ("2d plain", 2, 3, 4, 1, (4, 5), (3, 3), 1, 0, 0, 1),
    ("2d even kernel", 2, 3, 4, 1, (4, 5), (2, 4), 1, 0, 0, 1),
    ("2d unbatched", None, 3, 2, 1, (4, 4), (3, 3), 2, 1, 1, 1),
    ("2d stride", 2, 3, 2, 1, (4, 5), (3, 3), 2, 0, 0, 1),
    ("2d tuple stride", 2, 2, 3, 1, (3, 4), (3, 2), (3, 1), 0, (2, 0), 1),
    ("2d padding", 1, 2, 3, 1, (5, 4), (3, 3), 1, 1, 0, 1),
    ("2d tuple padding", 1, 2, 3, 1, (5, 4), (3, 5), 2, (1, 2), 0, 1),
    ("2d padding beyond kernel", 1, 2, 2, 1, (6, 6), (2, 2), 2, 3, 1, 1),
    ("2d dilation", 2, 2, 3, 1, (4, 4), (3, 3), 1, 0, 0, 2),
    ("2d tuple dilation", 2, 2, 3, 1, (4, 4), (3, 2), 2, 1, 1, (1, 3)),
    ("2d output_padding >= stride via dilation", 1, 2, 2, 1, (3, 3), (3, 3), 1, 1, 2, 3),
    ("2d groups", 2, 6, 2, 3, (4, 4), (3, 3), 2, 1, 1, 1),
    ("2d depthwise", 2, 4, 1, 4, (4, 5), (3, 3), 2, 1, 1, 1),
    ("2d everything", 2, 4, 3, 2, (4, 3), (3, 2), (2, 3), (1, 0), (1, 2), (2, 1)),
    ("2d size one", 1, 1, 1, 1, (1, 1), (1, 1), 1, 0, 0, 1),
    ("2d single pixel big stride", 1, 2, 2, 1, (1, 1), (3, 3), 4, 0, 3, 1),
    ("2d kernel 1 stride 2", 1, 2, 3, 1, (3, 3), (1, 1), 2, 0, 1, 1),
    ("3d plain", 1, 2, 2, 1, (2, 3, 2), (2, 2, 2), 1, 0, 0, 1),
    ("3d stride pad output_padding groups", 2, 4, 1, 2, (2, 3, 2), (3, 2, 2), 2, 1, 1, 1),
    ("3d unbatched tuples", None, 2, 2, 1, (2, 2, 3), (2, 3, 2), (1, 2, 2), (0, 1, 0), (0, 1, 0), (2, 1, 1)),
]
IDS = [c[0] for c in CASES]


def case_operands(case, bias, dtype, seed=0):
    _, batch, c_in, per_out, groups, size, kernel, stride, padding, output_padding, dilation = case
    rng = np.random.default_rng(seed)
    x, w, b = make_operands(rng, batch, c_in, per_out, groups, size, kernel, bias, dtype)
    kwargs = dict(
        stride=stride, padding=padding, output_padding=output_padding, groups=groups,
        dilation=dilation,
    )
    return x, w, b, kwargs


class TestConvTranspose:
    @pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
    @pytest.mark.parametrize("bias", [False, True])
    @pytest.mark.parametrize("case", CASES, ids=IDS)
    def test_against_torch(self, case, bias, dtype):
        x, w, b, kwargs = case_operands(case, bias, dtype)
        expected = torch_reference(x, w, b, **kwargs)
        actual = FAST[w.ndim - 2](x, w, b, **kwargs)
        assert_close(actual, expected, dtype, fan_in(w))

    @pytest.mark.parametrize("case", CASES, ids=IDS)
    def test_naive_against_torch_and_vectorised(self, case):
        x, w, b, kwargs = case_operands(case, True, np.float64, seed=1)
        n = w.ndim - 2
        naive = NAIVE[n](x, w, b, **kwargs)
        assert_close(naive, torch_reference(x, w, b, **kwargs), np.float64, fan_in(w))
        np.testing.assert_allclose(naive, FAST[n](x, w, b, **kwargs), rtol=1e-12, atol=1e-12)

    @pytest.mark.parametrize("n", [1, 2, 3])
    def test_output_size_follows_the_formula(self, n):
        size, kernel, s, p, op, d = (3, 4, 2)[:n], (3, 2, 4)[:n], 3, 1, 2, 2
        x = np.zeros((1, 2) + size)
        w = np.zeros((2, 5) + kernel)
        out = FAST[n](x, w, stride=s, padding=p, output_padding=op, dilation=d)
        expected = tuple(output_size(i, k, s, p, d, op) for i, k in zip(size, kernel))
        assert out.shape == (1, 5) + expected

    def test_integer_results_are_exact_beyond_float32(self):
        # 2**24 + 1 is not a float32: only an exact integer path gets every digit.
        x = np.array([[[2**24, 1]]], dtype=np.int64)  # (C_in, H, W)
        w = np.ones((1, 1, 1, 2), dtype=np.int64)  # (C_in, C_out, kH, kW)
        out = convkit.conv_transpose2d(x, w)
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out, [[[2**24, 2**24 + 1, 1]]])

    def test_stamp_by_hand(self):
        # Each input value stamps value * kernel at position * stride; stamps add.
        x = np.array([[1, 2]])  # (C_in, L)
        w = np.array([[[1, 10, 100]]])  # (C_in, C_out, k)
        expected = [[1, 10, 100 + 2, 20, 200]]
        np.testing.assert_array_equal(convkit.conv_transpose1d(x, w, stride=2), expected)
        np.testing.assert_array_equal(convkit.conv_transpose1d_naive(x, w, stride=2), expected)

    @pytest.mark.parametrize(
        "x_dtype, w_dtype, expected",
        [
            (np.float32, np.float32, np.float32),
            (np.float64, np.float64, np.float64),
            (np.int64, np.int64, np.int64),
            (np.int32, np.int32, np.int32),
            (np.float32, np.float64, np.float64),
        ],
    )
    def test_result_dtype_follows_numpy_promotion(self, x_dtype, w_dtype, expected):
        x = np.ones((1, 2, 3, 3), dtype=x_dtype)
        w = np.ones((2, 1, 2, 2), dtype=w_dtype)
        for func in [convkit.conv_transpose2d, convkit.conv_transpose2d_naive, *VIEWS.values()]:
            assert func(x, w, stride=2).dtype == expected, func.__name__

    def test_accepts_torch_tensors_lists_and_non_contiguous_arrays(self):
        rng = np.random.default_rng(3)
        x = rng.standard_normal((2, 3, 8, 5))[:, :, ::2]  # (N, C_in, 4, 5), not contiguous
        w = rng.standard_normal((2, 3, 3, 3)).transpose(1, 0, 2, 3)  # (C_in=3, C_out=2, kH, kW)
        b = rng.standard_normal(2)
        expected = torch_reference(x, w, b, stride=2)
        for xa, wa, ba in [
            (x, w, b),
            (torch.from_numpy(x.copy()), torch.from_numpy(w.copy()), torch.from_numpy(b)),
            (x.tolist(), w.tolist(), b.tolist()),
        ]:
            np.testing.assert_allclose(convkit.conv_transpose2d(xa, wa, ba, stride=2), expected, atol=1e-12)

    def test_does_not_modify_its_arguments(self):
        rng = np.random.default_rng(4)
        x, w, b = rng.standard_normal((2, 2, 3, 3)), rng.standard_normal((2, 2, 3, 3)), rng.standard_normal(2)
        copies = [a.copy() for a in (x, w, b)]
        for func in [convkit.conv_transpose2d, convkit.conv_transpose2d_naive, *VIEWS.values()]:
            func(x, w, b, stride=2, padding=1, output_padding=1)
            for original, copy in zip((x, w, b), copies):
                np.testing.assert_array_equal(original, copy)

    @pytest.mark.parametrize("n", [1, 2, 3])
    def test_empty_batch_gives_empty_output(self, n):
        x = np.zeros((0, 2) + (3,) * n, dtype=np.float32)
        w = np.zeros((2, 4) + (2,) * n, dtype=np.float32)
        expected = TORCH[n](torch.from_numpy(x), torch.from_numpy(w), stride=2).shape
        out = FAST[n](x, w, stride=2)
        assert out.shape == tuple(expected) and out.dtype == np.float32

    @pytest.mark.parametrize("batch", [1, 3])
    def test_benchmark_sized_case(self, batch):
        # The benchmark's case (3x3, stride 2, 64 -> 32 from 28x28, output_padding 1), float32.
        rng = np.random.default_rng(9)
        x = rng.standard_normal((batch, 64, 28, 28)).astype(np.float32)
        w = rng.standard_normal((64, 32, 3, 3)).astype(np.float32)
        b = rng.standard_normal(32).astype(np.float32)
        kwargs = dict(stride=2, padding=1, output_padding=1)
        out = convkit.conv_transpose2d(x, w, b, **kwargs)
        assert out.shape == (batch, 32, output_size(28, 3, 2, 1, 1, 1), output_size(28, 3, 2, 1, 1, 1))
        assert_close(out, torch_reference(x, w, b, **kwargs), np.float32, fan_in(w))

    def test_deterministic(self):
        x, w, b, kwargs = case_operands(CASES[17], True, np.float32)
        first = convkit.conv_transpose2d(x, w, b, **kwargs)
        np.testing.assert_array_equal(convkit.conv_transpose2d(x, w, b, **kwargs), first)

    def test_transposed_conv_is_the_adjoint_of_conv(self):
        # <conv(x), y> == <x, conv_transpose(y)>: the defining property, with torch's conv2d.
        rng = np.random.default_rng(5)
        x = rng.standard_normal((1, 4, 9, 8))  # (N, C_in of the conv, H, W)
        w = rng.standard_normal((6, 2, 3, 3))  # conv weight (C_out, C_in/groups, kH, kW)
        conv_kwargs = dict(stride=2, padding=1, dilation=1, groups=2)
        y_shape = F.conv2d(as_torch(x), as_torch(w), **conv_kwargs).shape
        y = rng.standard_normal(tuple(y_shape))
        conv_x = F.conv2d(as_torch(x), as_torch(w), **conv_kwargs).numpy()
        # conv output_padding so that the transposed output has the shape of x
        ops = tuple((i + 2 * 1 - 2 - 1) % 2 for i in x.shape[2:])
        back = convkit.conv_transpose2d(y, w, output_padding=ops, **conv_kwargs)
        assert back.shape == x.shape
        np.testing.assert_allclose(np.vdot(conv_x, y), np.vdot(x, back), rtol=1e-10)


@st.composite
def transposed_configurations(draw, dims=(1, 2, 3), max_size=4):
    n = draw(st.sampled_from(dims))
    groups = draw(st.integers(1, 3))
    c_in = groups * draw(st.integers(1, 2))
    per_out = draw(st.integers(1, 3))
    batch = draw(st.sampled_from([None, 1, 2]))
    size = tuple(draw(st.integers(1, max_size)) for _ in range(n))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(n))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(n))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(n))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    padding = tuple(draw(st.integers(0, 3)) for _ in range(n))
    assume(all(
        output_size(i, k, s, p, d, op) >= 1
        for i, k, s, p, d, op in zip(size, kernel, stride, padding, dilation, output_padding)
    ))
    # Ints or tuples, as a user would write them.
    as_arg = lambda t: t[0] if len(set(t)) == 1 and draw(st.booleans()) else t
    kwargs = dict(
        stride=as_arg(stride), padding=as_arg(padding), output_padding=as_arg(output_padding),
        groups=groups, dilation=as_arg(dilation),
    )
    bias = draw(st.booleans())
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64]))
    seed = draw(st.integers(0, 2**32 - 1))
    x, w, b = make_operands(
        np.random.default_rng(seed), batch, c_in, per_out, groups, size, kernel, bias, dtype
    )
    return x, w, b, kwargs, dtype


@settings(max_examples=150)
@given(transposed_configurations())
def test_property_against_torch(config):
    x, w, b, kwargs, dtype = config
    actual = FAST[w.ndim - 2](x, w, b, **kwargs)
    assert_close(actual, torch_reference(x, w, b, **kwargs), dtype, fan_in(w))


@settings(max_examples=60)
@given(transposed_configurations(dims=(1, 2), max_size=3))
def test_property_naive_against_vectorised(config):
    x, w, b, kwargs, dtype = config
    n = w.ndim - 2
    naive, fast = NAIVE[n](x, w, b, **kwargs), FAST[n](x, w, b, **kwargs)
    assert naive.dtype == fast.dtype == dtype
    np.testing.assert_allclose(naive, fast, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)


class TestThreeViews:
    @pytest.mark.parametrize("view", list(VIEWS), ids=list(VIEWS))
    @pytest.mark.parametrize("case", [c for c in CASES if len(c[5]) == 2], ids=[c[0] for c in CASES if len(c[5]) == 2])
    def test_view_against_torch(self, case, view):
        x, w, b, kwargs = case_operands(case, True, np.float64, seed=2)
        assert_close(
            VIEWS[view](x, w, b, **kwargs), torch_reference(x, w, b, **kwargs), np.float64, fan_in(w)
        )

    @pytest.mark.parametrize("view", list(VIEWS), ids=list(VIEWS))
    def test_integer_view_is_exact(self, view):
        x, w, b, kwargs = case_operands(CASES[17], True, np.int64)
        expected = torch_reference(x, w, b, **kwargs)
        assert_close(VIEWS[view](x, w, b, **kwargs), expected, np.int64, 1)

    @settings(max_examples=60)
    @given(transposed_configurations(dims=(2,), max_size=3))
    def test_property_views_agree_with_each_other(self, config):
        x, w, b, kwargs, dtype = config
        results = {name: view(x, w, b, **kwargs) for name, view in VIEWS.items()}
        results["col2im"] = convkit.conv_transpose2d(x, w, b, **kwargs)
        reference = results.pop("scatter")
        for name, result in results.items():
            assert result.dtype == reference.dtype == dtype, name
            np.testing.assert_allclose(
                result, reference, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5, err_msg=name
            )

    def test_zero_insertion_is_zero_insert_pad_and_flipped_conv(self):
        # The recipe written out step by step with torch, for one group.
        rng = np.random.default_rng(6)
        x = rng.standard_normal((1, 2, 3, 4))  # (N, C_in, H, W)
        w = rng.standard_normal((2, 3, 3, 3))  # (C_in, C_out, kH, kW)
        s, p = 2, 1
        dilated = convkit.zero_insert(x, s)  # (1, 2, 5, 7)
        pad = 3 - 1 - p
        padded = np.pad(dilated, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
        flipped = np.flip(w, axis=(2, 3)).transpose(1, 0, 2, 3)  # (C_out, C_in, kH, kW)
        expected = F.conv2d(as_torch(padded), as_torch(flipped.copy())).numpy()
        np.testing.assert_allclose(convkit.conv_transpose2d_zero_insertion(x, w, stride=s, padding=p), expected)
        np.testing.assert_allclose(convkit.conv_transpose2d(x, w, stride=s, padding=p), expected)


class TestWorkedExamples:
    """The numbers chapter 6 quotes, with shapes from the formulas, not from the code."""

    def test_5x5_stride_2_gives_2x2_and_transposing_restores_5x5(self):
        rng = np.random.default_rng(7)
        x = rng.integers(-3, 4, (1, 5, 5))  # (C, H, W)
        w = rng.integers(-2, 3, (1, 1, 3, 3))
        i, k, s, p = 5, 3, 2, 0
        o = (i + 2 * p - k) // s + 1
        y = convkit.conv2d(x, w, stride=s)
        assert y.shape == (1, o, o) == (1, 2, 2)
        back = convkit.conv_transpose2d(y, w, stride=s)
        side = output_size(o, k, s, p)
        assert back.shape == (1, side, side) == (1, 5, 5)
        # the shape comes back, the values do not
        assert not np.array_equal(back, x)
        assert_close(back, torch_reference(y, w, None, stride=s), back.dtype, 9)

    def test_2x2_with_zero_border_gives_4x4(self):
        x = np.array([[[1, 2], [3, 4]]])  # (C, H, W)
        w = np.arange(1, 10).reshape(1, 1, 3, 3)
        border = 3 - 1
        padded = np.pad(x, [(0, 0), (border, border), (border, border)])
        assert padded.shape == (1, 6, 6)
        direct = convkit.conv2d(padded, w[:, :, ::-1, ::-1])
        transposed_out = convkit.conv_transpose2d(x, w)
        assert transposed_out.shape == (1, 2 + 2 * border - 3 + 1, 2 + 2 * border - 3 + 1) == (1, 4, 4)
        np.testing.assert_array_equal(transposed_out, direct)
        # corner: only x[0, 0] reaches it, through the kernel's first tap
        assert transposed_out[0, 0, 0] == 1 * 1

    def test_2x2_with_one_inserted_zero_gives_5x5(self):
        x = np.array([[[1, 2], [3, 4]]])  # (C, H, W)
        w = np.arange(1, 10).reshape(1, 1, 3, 3)
        dilated = convkit.zero_insert(x, 2)
        np.testing.assert_array_equal(dilated, [[[1, 0, 2], [0, 0, 0], [3, 0, 4]]])
        padded = np.pad(dilated, [(0, 0), (2, 2), (2, 2)])
        direct = convkit.conv2d(padded, w[:, :, ::-1, ::-1])
        out = convkit.conv_transpose2d(x, w, stride=2)
        assert out.shape == (1, output_size(2, 3, 2), output_size(2, 3, 2)) == (1, 5, 5)
        np.testing.assert_array_equal(out, direct)
        # the centre pixel is hit by all four stamps: x[h, w] * w[2 - 2h, 2 - 2w]
        assert out[0, 2, 2] == 1 * 9 + 2 * 7 + 3 * 3 + 4 * 1


class TestConvMatrix:
    def test_4x4_input_3x3_kernel_gives_4x16(self):
        w = np.arange(1, 10).reshape(1, 1, 3, 3)  # (C_out, C_in, kH, kW)
        c = convkit.conv_matrix((1, 4, 4), w)
        assert c.shape == ((4 - 3 + 1) ** 2, 4 * 4) == (4, 16)
        # row 0: the kernel laid over the top-left 3x3 window of the flattened 4x4 input
        np.testing.assert_array_equal(c[0], [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0])
        np.testing.assert_array_equal(c[3], [0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9])
        assert (np.count_nonzero(c, axis=1) == 9).all()

    @pytest.mark.parametrize(
        "c_in, c_out, size, kernel, stride, padding, dilation, groups",
        [
            (1, 1, (4, 4), (3, 3), 1, 0, 1, 1),
            (2, 3, (5, 4), (3, 2), 2, 1, 1, 1),
            (2, 2, (6, 7), (2, 3), (1, 2), (2, 0), (2, 1), 1),
            (4, 6, (5, 5), (3, 3), 2, 1, 1, 2),
            (3, 3, (4, 5), (2, 2), 1, 1, 2, 3),
        ],
    )
    def test_c_times_x_is_conv2d_and_c_transpose_times_y_is_conv_transpose2d(
        self, c_in, c_out, size, kernel, stride, padding, dilation, groups
    ):
        rng = np.random.default_rng(8)
        x = rng.standard_normal((c_in,) + size)  # (C_in, H, W)
        w = rng.standard_normal((c_out, c_in // groups) + kernel)  # (C_out, C_in/groups, kH, kW)
        kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
        c = convkit.conv_matrix(x.shape, w, **kwargs)
        y = F.conv2d(as_torch(x), as_torch(w), **kwargs).numpy()  # (C_out, H_out, W_out)
        assert c.shape == (y.size, x.size)
        np.testing.assert_allclose(c @ x.ravel(), y.ravel(), rtol=1e-12, atol=1e-12)
        # transposed: pick output_padding so that the transposed output has x's size
        st_, pd, dl = (np.broadcast_to(v, 2) for v in (stride, padding, dilation))
        ops = tuple(
            int((i + 2 * p - d * (k - 1) - 1) % s) for i, k, s, p, d in zip(size, kernel, st_, pd, dl)
        )
        z = rng.standard_normal(y.shape)
        expected = F.conv_transpose2d(
            as_torch(z)[None], as_torch(w), output_padding=ops, **kwargs
        ).numpy()[0]
        np.testing.assert_allclose(c.T @ z.ravel(), expected.ravel(), rtol=1e-12, atol=1e-12)

    def test_dtype_follows_weight(self):
        w = np.ones((1, 1, 2, 2), dtype=np.float32)
        assert convkit.conv_matrix((1, 3, 3), w).dtype == np.float32
        assert convkit.conv_matrix((1, 3, 3), w.astype(np.int64)).dtype == np.int64


class TestZeroInsert:
    def test_by_hand(self):
        np.testing.assert_array_equal(
            convkit.zero_insert(np.array([[1, 2], [3, 4]]), 3),
            [[1, 0, 0, 2], [0, 0, 0, 0], [0, 0, 0, 0], [3, 0, 0, 4]],
        )

    def test_int_stride_acts_on_the_last_two_axes_only(self):
        x = np.arange(2 * 3 * 2 * 3).reshape(2, 3, 2, 3)  # (N, C, H, W)
        out = convkit.zero_insert(x, 2)
        assert out.shape == (2, 3, (2 - 1) * 2 + 1, (3 - 1) * 2 + 1)
        np.testing.assert_array_equal(out[:, :, ::2, ::2], x)
        assert np.count_nonzero(out) == np.count_nonzero(x)

    def test_tuple_stride_one_per_axis(self):
        x = np.ones((2, 3, 4))
        out = convkit.zero_insert(x, (1, 2, 3))
        assert out.shape == (2, 5, 10)
        assert out.sum() == x.sum()

    def test_stride_one_is_identity_and_1d_works(self):
        x = np.arange(6.0).reshape(2, 3)
        np.testing.assert_array_equal(convkit.zero_insert(x, 1), x)
        np.testing.assert_array_equal(convkit.zero_insert(np.array([5, 6, 7]), 2), [5, 0, 6, 0, 7])

    def test_keeps_dtype(self):
        assert convkit.zero_insert(np.ones((2, 2), dtype=np.float32), 2).dtype == np.float32


class TestOverlapCounts:
    def test_uneven_overlap_by_hand(self):
        # k=3, s=2: the stamps [0, 2], [2, 4], [4, 6] meet at 2 and 4
        np.testing.assert_array_equal(convkit.overlap_counts(3, 3, 2), [1, 1, 2, 1, 2, 1, 1])

    def test_kernel_divisible_by_stride_is_even_inside(self):
        counts = convkit.overlap_counts(6, 4, 2)
        assert counts.shape == (output_size(6, 4, 2),)
        # away from the borders every output pixel gets k / s = 2 taps
        np.testing.assert_array_equal(counts[2:-2], 2)

    @pytest.mark.parametrize(
        "i, k, s, d", [(5, 3, 2, 1), (4, 4, 3, 1), (3, 5, 2, 2), (1, 3, 2, 1), (6, 2, 2, 3), (4, 1, 3, 1)]
    )
    def test_1d_is_transposed_conv_of_ones(self, i, k, s, d):
        expected = F.conv_transpose1d(torch.ones(1, 1, i), torch.ones(1, 1, k), stride=s, dilation=d)
        np.testing.assert_array_equal(convkit.overlap_counts(i, k, s, d), expected[0, 0].numpy())

    @pytest.mark.parametrize(
        "i, k, s, d",
        [((4, 3), 3, 2, 1), ((3, 5), (3, 2), (2, 1), 1), ((2, 3), (4, 3), 3, (1, 2)), (2, (3, 3), 2, 1)],
    )
    def test_2d_is_transposed_conv_of_ones(self, i, k, s, d):
        size = np.broadcast_to(i, 2)
        kernel = np.broadcast_to(k, 2)
        expected = F.conv_transpose2d(
            torch.ones(1, 1, *map(int, size)), torch.ones(1, 1, *map(int, kernel)), stride=s, dilation=d
        )
        counts = convkit.overlap_counts(i, k, s, d)
        assert counts.dtype == np.int64
        np.testing.assert_array_equal(counts, expected[0, 0].numpy())

    def test_2d_checkerboard_is_the_outer_product(self):
        row = convkit.overlap_counts(4, 3, 2)
        np.testing.assert_array_equal(convkit.overlap_counts((4, 4), 3, 2), np.outer(row, row))


# ---------------------------------------------------------------------------
# bad input: one test per rule, each naming the argument, each also refused by PyTorch
# ---------------------------------------------------------------------------

X = np.zeros((1, 4, 3, 3))  # (N, C_in, H, W)
W = np.zeros((4, 2, 3, 3))  # (C_in, C_out/groups, kH, kW)
ALL_2D = [convkit.conv_transpose2d, convkit.conv_transpose2d_naive, *VIEWS.values()]


def torch_refuses(x, w, b=None, **kwargs):
    with pytest.raises((RuntimeError, TypeError, ValueError)):
        F.conv_transpose2d(
            torch.as_tensor(x, dtype=torch.float64), torch.as_tensor(w, dtype=torch.float64),
            None if b is None else torch.as_tensor(b, dtype=torch.float64), **kwargs,
        )


BAD_INPUT = [
    # name, input, weight, bias, kwargs, error, word the message must contain
    ("input not numeric", np.array([["a"]]), W, None, {}, TypeError, "input"),
    ("weight None", X, None, None, {}, TypeError, "weight"),
    ("bias boolean", X, W, np.ones(2, dtype=bool), {}, TypeError, "bias"),
    ("input rank", np.zeros((3, 3)), W, None, {}, ValueError, "input"),
    ("weight rank", X, np.zeros((4, 2, 3)), None, {}, ValueError, "weight"),
    ("weight empty kernel", X, np.zeros((4, 2, 0, 3)), None, {}, ValueError, "weight"),
    ("input empty spatial size", np.zeros((1, 4, 0, 3)), W, None, {}, ValueError, "input"),
    ("channel mismatch", np.zeros((1, 3, 3, 3)), W, None, {}, ValueError, "input has 3 channels"),
    ("groups not dividing C_in", X, W, None, {"groups": 3}, ValueError, "groups"),
    ("groups zero", X, W, None, {"groups": 0}, ValueError, "groups"),
    ("groups not int", X, W, None, {"groups": 2.0}, TypeError, "groups"),
    ("bias shape", X, W, np.zeros(3), {}, ValueError, "bias"),
    ("bias shape with groups", X, W, np.zeros(2), {"groups": 2}, ValueError, "bias"),
    ("stride zero", X, W, None, {"stride": 0}, ValueError, "stride"),
    ("stride string", X, W, None, {"stride": "2"}, TypeError, "stride"),
    ("stride wrong length", X, W, None, {"stride": (1, 2, 3)}, ValueError, "stride"),
    ("padding negative", X, W, None, {"padding": -1}, ValueError, "padding"),
    ("padding string", X, W, None, {"padding": "same"}, TypeError, "padding"),
    ("output_padding negative", X, W, None, {"output_padding": -1}, ValueError, "output_padding"),
    ("output_padding equal to stride", X, W, None, {"stride": 2, "output_padding": 2}, ValueError, "output_padding"),
    ("output_padding without stride", X, W, None, {"output_padding": (0, 1)}, ValueError, "output_padding"),
    ("dilation zero", X, W, None, {"dilation": 0}, ValueError, "dilation"),
    ("non-positive output size", X, W, None, {"padding": 3}, ValueError, "padding"),
]


@pytest.mark.parametrize("func", ALL_2D, ids=[f.__name__ for f in ALL_2D])
@pytest.mark.parametrize("name, x, w, b, kwargs, error, word", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input(name, x, w, b, kwargs, error, word, func):
    if name not in ("input not numeric", "weight None", "bias boolean"):
        torch_refuses(x, w, b, **kwargs)
    with pytest.raises(error, match=word):
        func(x, w, b, **kwargs)


@pytest.mark.parametrize("n", [1, 3])
def test_bad_input_1d_3d_rank_and_output_padding(n):
    x = np.zeros((1, 2) + (3,) * n)
    w = np.zeros((2, 1) + (2,) * n)
    with pytest.raises(ValueError, match="input"):
        FAST[n](np.zeros((3,) * (n + 3)), w)
    with pytest.raises(ValueError, match="weight"):
        FAST[n](x, np.zeros((2, 1) + (2,) * (n + 1)))
    with pytest.raises(ValueError, match="output_padding"):
        NAIVE[n](x, w, stride=2, output_padding=2)
    with pytest.raises(TypeError, match="stride"):
        FAST[n](x, w, stride=1.5)


class TestBadInputHelpers:
    def test_conv_matrix_input_shape_type(self):
        with pytest.raises(TypeError, match="input_shape"):
            convkit.conv_matrix(4, np.ones((1, 1, 3, 3)))
        with pytest.raises(TypeError, match="input_shape"):
            convkit.conv_matrix((1, 4.0, 4), np.ones((1, 1, 3, 3)))

    def test_conv_matrix_input_shape_length(self):
        # A wrong number of entries is a wrong value, as for stride=(1, 1, 1) in conv2d.
        with pytest.raises(ValueError, match="input_shape"):
            convkit.conv_matrix((1, 4), np.ones((1, 1, 3, 3)))

    def test_conv_matrix_input_shape_positive(self):
        with pytest.raises(ValueError, match="input_shape"):
            convkit.conv_matrix((1, 0, 4), np.ones((1, 1, 3, 3)))

    def test_conv_matrix_weight_rank(self):
        with pytest.raises(ValueError, match="weight"):
            convkit.conv_matrix((1, 4, 4), np.ones((1, 3, 3)))

    def test_conv_matrix_channel_mismatch(self):
        with pytest.raises(ValueError, match="input has 2 channels"):
            convkit.conv_matrix((2, 4, 4), np.ones((1, 1, 3, 3)))

    def test_conv_matrix_same_padding_is_conv2d(self):
        rng = np.random.default_rng(0)
        x, w = rng.standard_normal((2, 5, 6)), rng.standard_normal((3, 2, 2, 3))  # an even kernel
        matrix = convkit.conv_matrix(x.shape, w, padding="same")
        expected = convkit.conv2d(x, w, padding="same")  # (C_out, H, W)
        np.testing.assert_allclose(matrix @ x.ravel(), expected.ravel())

    def test_conv_matrix_groups(self):
        with pytest.raises(ValueError, match="groups"):
            convkit.conv_matrix((3, 4, 4), np.ones((2, 1, 3, 3)), groups=3)

    def test_conv_matrix_kernel_larger_than_padded_input(self):
        with pytest.raises(ValueError, match="weight"):
            convkit.conv_matrix((1, 2, 2), np.ones((1, 1, 3, 3)))
        with pytest.raises(RuntimeError):
            F.conv2d(torch.ones(1, 2, 2), torch.ones(1, 1, 3, 3))

    def test_conv_matrix_stride_padding_dilation(self):
        w = np.ones((1, 1, 3, 3))
        for kwargs, word in [({"stride": 0}, "stride"), ({"padding": -1}, "padding"), ({"dilation": 0}, "dilation")]:
            with pytest.raises(ValueError, match=word):
                convkit.conv_matrix((1, 4, 4), w, **kwargs)

    def test_zero_insert_stride(self):
        with pytest.raises(ValueError, match="stride"):
            convkit.zero_insert(np.ones((2, 2)), 0)
        with pytest.raises(TypeError, match="stride"):
            convkit.zero_insert(np.ones((2, 2)), 1.5)
        with pytest.raises(ValueError, match="stride"):
            convkit.zero_insert(np.ones((2, 2)), (2, 2, 2))

    def test_zero_insert_input(self):
        with pytest.raises(TypeError, match="input"):
            convkit.zero_insert(None, 2)
        with pytest.raises(ValueError, match="input"):
            convkit.zero_insert(np.float64(3.0), 2)

    @pytest.mark.parametrize("name", ["input_size", "kernel_size", "stride", "dilation"])
    def test_overlap_counts_non_positive(self, name):
        args = {"input_size": 3, "kernel_size": 3, "stride": 2, "dilation": 1}
        args[name] = 0
        with pytest.raises(ValueError, match=name):
            convkit.overlap_counts(**args)
        args[name] = "3"
        with pytest.raises(TypeError, match=name):
            convkit.overlap_counts(**args)

    def test_overlap_counts_mismatched_tuples(self):
        with pytest.raises(ValueError, match="same length"):
            convkit.overlap_counts((3, 3), (3, 3, 3), 2)
        # A 1-tuple counts for every axis, as in the functions of convkit.sizes.
        np.testing.assert_array_equal(convkit.overlap_counts((3,), (3, 2), 2),
                                      convkit.overlap_counts((3, 3), (3, 2), 2))


def test_module_lists_its_public_names():
    for name in transposed.__all__:
        assert getattr(convkit, name) is getattr(transposed, name)
