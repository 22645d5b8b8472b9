"""convkit.padding against torch.nn.functional.pad and torch.nn.Conv2d's padding_mode."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from convkit.padding import pad, pad_naive, padded_conv2d

MODES = ["constant", "reflect", "replicate", "circular"]


def _torch_pad(x, p, mode, value=None):
    return F.pad(torch.from_numpy(x), p, mode=mode, value=value).numpy()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape, p", [
    ((3, 5), (2, 2)),
    ((2, 3, 5), (1, 3)),
    ((3, 4, 5), (1, 2, 3, 0)),
    ((2, 3, 4, 5), (0, 4, 3, 1)),
    ((2, 3, 4, 5), (-1, 2, 2, -1)),
    ((2, 3, 4, 5, 6), (1, 1, 2, 0, 3, 3)),
    ((1, 2, 3, 2), (1, 1, 2, 2)),
    ((1, 1, 1, 1), (0, 0, 0, 0)),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_pad_matches_torch(mode, shape, p, dtype):
    rng = np.random.default_rng(len(shape))
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    expected = _torch_pad(x, p, mode)
    got = pad(x, p, mode)
    assert got.dtype == x.dtype
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(pad_naive(x, p, mode), expected)


@given(
    shape=st.lists(st.integers(1, 5), min_size=2, max_size=5).map(tuple),
    data=st.data(),
    mode=st.sampled_from(MODES),
)
def test_pad_agrees_with_torch_on_values_and_on_refusals(shape, data, mode):
    n_padded = data.draw(st.integers(1, min(3, len(shape))))
    p = tuple(data.draw(st.lists(st.integers(-2, 6), min_size=2 * n_padded,
                                 max_size=2 * n_padded)))
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    pairs = [p[i:i + 2] for i in range(0, len(p), 2)]  # last axis first
    emptied = any(size + min(b, 0) + min(a, 0) < 1
                  for size, (b, a) in zip(shape[::-1], pairs))
    out_sizes = [size + b + a for size, (b, a) in zip(shape[::-1], pairs)]
    if mode != "constant" and (min(out_sizes) < 1 or (mode == "circular" and emptied)):
        # documented refusal: PyTorch errors, returns an empty array or (circular)
        # uninitialised values here
        with pytest.raises(ValueError, match="pad"):
            pad(x, p, mode)
        return
    kept = [size + min(b, 0) + min(a, 0) for size, (b, a) in zip(shape[::-1], pairs)]
    if mode == "circular" and any(max(b, a) > k for (b, a), k in zip(pairs, kept)):
        # documented refusal: torch wraps, refuses or reads uninitialised memory here
        with pytest.raises(ValueError, match="pad"):
            pad(x, p, mode)
        return
    try:
        expected = _torch_pad(x, p, mode)
    except (RuntimeError, NotImplementedError, ValueError):
        expected = None
    if expected is None:
        with pytest.raises(ValueError):
            pad(x, p, mode)
    else:
        np.testing.assert_array_equal(pad(x, p, mode), expected)


@pytest.mark.parametrize("value", [2.5, -7, 0])
def test_constant_value_like_torch(value):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(pad(x, (1, 2, 2, 0), value=value),
                                  _torch_pad(x, (1, 2, 2, 0), "constant", value))
    xi = np.arange(6).reshape(2, 3)  # an integer fill value is cast like torch casts it
    np.testing.assert_array_equal(pad(xi, (1, 1), value=value),
                                  _torch_pad(xi, (1, 1), "constant", value))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_value_zero_is_accepted_with_other_modes_like_torch(mode):
    x = np.arange(6.0).reshape(1, 2, 3)
    np.testing.assert_array_equal(pad(x, (1, 1), mode=mode, value=0),
                                  _torch_pad(x, (1, 1), mode, 0))


@pytest.mark.parametrize("mode, p, size", [
    ("replicate", (1, -1), 1),   # pads first, then crops: the crop may reach the padding
    ("replicate", (3, -2), 2),
    ("reflect", (-1, 2), 3),
    ("reflect", (-2, 2), 3),
    ("reflect", (1, -3), 3),
    ("circular", (-1, 2), 3),    # crops first, then wraps what is left
    ("circular", (2, -1), 3),
    ("constant", (2, -1), 1),
])
def test_crop_and_pad_order_like_torch(mode, p, size):
    x = np.arange(float(size)).reshape(1, 1, size)
    expected = _torch_pad(x, p, mode)
    np.testing.assert_array_equal(pad(x, p, mode), expected)
    np.testing.assert_array_equal(pad_naive(x, p, mode), expected)


def test_circular_refuses_to_wrap_a_cropped_row_more_than_once():
    x = np.arange(4.0).reshape(2, 2) - 7  # (C, W); cropping one column leaves one
    with pytest.raises(ValueError, match="circular"):
        pad(x, (-1, 2), "circular")
    # torch's answer here depends on the memory layout: a wrap for two rows,
    # a refusal for one
    with pytest.raises(RuntimeError):
        _torch_pad(x[:1], (-1, 2), "circular")


def test_constant_pads_any_rank():
    x = np.ones((2, 2, 2, 2, 2, 2))
    p = (1, 0, 0, 1, 1, 1, 0, 0, 2, 0, 0, 1)
    np.testing.assert_array_equal(pad(x, p), _torch_pad(x, p, "constant"))


def test_pad_order_is_last_dimension_first():
    x = np.zeros((1, 2, 3))
    assert pad(x, (1, 0)).shape == (1, 2, 4)
    assert pad(x, (0, 0, 5, 0)).shape == (1, 7, 3)


# --------------------------------------------------------------------------- #
# padded_conv2d against nn.Conv2d
# --------------------------------------------------------------------------- #
def _module(weight, bias, stride, padding, dilation, groups, padding_mode):
    c_out, c_in_g, kh, kw = weight.shape
    conv = nn.Conv2d(c_in_g * groups, c_out, (kh, kw), stride, padding, dilation, groups,
                     bias is not None, padding_mode, dtype=torch.float64)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(weight))
        if bias is not None:
            conv.bias.copy_(torch.from_numpy(bias))
    return conv


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("case", [
    dict(shape=(2, 3, 7, 6), weight=(4, 3, 3, 3), stride=1, padding=1, dilation=1, groups=1),
    dict(shape=(1, 4, 8, 9), weight=(6, 2, 3, 2), stride=(2, 1), padding=(2, 1), dilation=1,
         groups=2),
    dict(shape=(6, 5, 7), weight=(3, 2, 2, 3), stride=1, padding="same", dilation=(2, 1),
         groups=3),
    dict(shape=(2, 2, 5, 5), weight=(2, 2, 4, 4), stride=1, padding="same", dilation=1, groups=1),
    dict(shape=(1, 1, 5, 6), weight=(1, 1, 3, 3), stride=3, padding="valid", dilation=1,
         groups=1),
])
@pytest.mark.parametrize("with_bias", [True, False])
def test_padded_conv2d_matches_nn_conv2d(padding_mode, case, with_bias):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(case["shape"])
    w = rng.standard_normal(case["weight"])
    b = rng.standard_normal(case["weight"][0]) if with_bias else None
    module = _module(w, b, case["stride"], case["padding"], case["dilation"], case["groups"],
                     padding_mode)
    with torch.no_grad():
        expected = module(torch.from_numpy(x)).numpy()
    got = padded_conv2d(x, w, b, case["stride"], case["padding"], case["dilation"],
                        case["groups"], padding_mode)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@given(
    h=st.integers(3, 7), w=st.integers(3, 7), k=st.integers(1, 3), p=st.integers(0, 2),
    s=st.integers(1, 2), mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"]),
)
def test_padded_conv2d_property(h, w, k, p, s, mode):
    rng = np.random.default_rng(h * 100 + w)
    x = rng.standard_normal((1, 2, h, w)).astype(np.float32)
    weight = rng.standard_normal((3, 2, k, k)).astype(np.float32)
    module = nn.Conv2d(2, 3, k, s, p, bias=False, padding_mode=mode)
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(weight))
        expected = module(torch.from_numpy(x)).numpy()
    got = padded_conv2d(x, weight, stride=s, padding=p, padding_mode=mode)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_modes_change_values_not_shape():
    x = np.arange(16.0).reshape(1, 4, 4)
    w = np.ones((1, 1, 3, 3))
    outs = {m: padded_conv2d(x, w, padding=1, padding_mode=m)
            for m in ["zeros", "reflect", "replicate", "circular"]}
    assert {o.shape for o in outs.values()} == {(1, 4, 4)}
    # interior identical, borders all different
    for a in outs.values():
        np.testing.assert_array_equal(a[:, 1:3, 1:3], outs["zeros"][:, 1:3, 1:3])
    corners = {m: o[0, 0, 0] for m, o in outs.items()}
    assert len(set(corners.values())) == 4


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
def test_pad_must_be_tuple_of_ints():
    with pytest.raises(TypeError, match="pad"):
        pad(np.ones((2, 2)), 1)
    with pytest.raises(TypeError, match="pad"):
        pad(np.ones((2, 2)), (1.0, 1))


def test_pad_length_must_be_even():
    with pytest.raises(RuntimeError):
        F.pad(torch.ones(2, 2), (1, 1, 1))
    with pytest.raises(ValueError, match="pad"):
        pad(np.ones((2, 2)), (1, 1, 1))


def test_pad_longer_than_rank():
    with pytest.raises(ValueError, match="pad"):
        pad(np.ones((2, 2)), (1, 1, 1, 1, 1, 1))


def test_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        pad(np.ones((2, 2)), (1, 1), mode="zeros")
    with pytest.raises(TypeError, match="mode"):
        pad(np.ones((2, 2)), (1, 1), mode=None)


def test_value_only_with_constant():
    with pytest.raises(RuntimeError):
        F.pad(torch.ones(1, 2, 2), (1, 1), mode="reflect", value=1.0)
    with pytest.raises(ValueError, match="value"):
        pad(np.ones((1, 2, 2)), (1, 1), mode="reflect", value=1.0)
    with pytest.raises(TypeError, match="value"):
        pad(np.ones((1, 2, 2)), (1, 1), value="1")


def test_reflect_pad_must_be_smaller_than_input():
    with pytest.raises(RuntimeError):
        F.pad(torch.ones(1, 1, 3), (3, 0), mode="reflect")
    with pytest.raises(ValueError, match="pad.*reflect"):
        pad(np.ones((1, 1, 3)), (3, 0), mode="reflect")


def test_circular_pad_must_not_wrap_twice():
    with pytest.raises(ValueError, match="pad.*circular"):
        pad(np.ones((1, 1, 3)), (0, 4), mode="circular")


def test_non_constant_mode_rank():
    with pytest.raises(ValueError, match="input"):
        pad(np.ones(4), (1, 1), mode="replicate")
    with pytest.raises(ValueError, match="input"):
        pad(np.ones((1, 1, 2, 2)), (1, 1), mode="replicate")


def test_crop_everything():
    with pytest.raises(ValueError, match="pad"):
        pad(np.ones((1, 3)), (-2, -2))
    with pytest.raises(ValueError, match="pad"):
        pad(np.ones((1, 1, 2)), (1, -3), mode="replicate")
    with pytest.raises(ValueError, match="pad"):
        pad(np.ones((1, 1, 2)), (1, -2), mode="circular")


def test_non_numeric_input():
    with pytest.raises(TypeError, match="input"):
        pad(np.array(["a"]), (1, 1))


def test_padded_conv2d_unknown_padding_mode():
    with pytest.raises(ValueError):
        nn.Conv2d(1, 1, 3, padding_mode="constant")
    with pytest.raises(ValueError, match="padding_mode"):
        padded_conv2d(np.ones((1, 4, 4)), np.ones((1, 1, 3, 3)), padding_mode="constant")


@pytest.mark.parametrize("padding_mode", [3, None, b"zeros", ("reflect",)])
def test_padded_conv2d_padding_mode_not_a_string_is_a_type_error(padding_mode):
    with pytest.raises(TypeError, match=r"\bpadding_mode\b"):
        padded_conv2d(np.ones((1, 4, 4)), np.ones((1, 1, 3, 3)), padding_mode=padding_mode)


def test_padded_conv2d_same_with_stride():
    with pytest.raises(ValueError, match="stride"):
        padded_conv2d(np.ones((1, 4, 4)), np.ones((1, 1, 3, 3)), stride=2, padding="same",
                      padding_mode="reflect")


def test_padded_conv2d_unknown_padding_string():
    with pytest.raises(ValueError, match="padding"):
        padded_conv2d(np.ones((1, 4, 4)), np.ones((1, 1, 3, 3)), padding="full",
                      padding_mode="replicate")


def test_padded_conv2d_negative_padding():
    with pytest.raises(ValueError, match="padding"):
        padded_conv2d(np.ones((1, 4, 4)), np.ones((1, 1, 3, 3)), padding=-1,
                      padding_mode="circular")


def test_padded_conv2d_input_rank():
    with pytest.raises(ValueError, match="input"):
        padded_conv2d(np.ones((4, 4)), np.ones((1, 1, 3, 3)), padding=1, padding_mode="reflect")
    with pytest.raises(ValueError, match="weight"):
        padded_conv2d(np.ones((1, 4, 4)), np.ones((1, 3, 3)), padding=1, padding_mode="reflect")


def test_padded_conv2d_reflect_larger_than_input():
    with pytest.raises(ValueError, match="reflect"):
        padded_conv2d(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3)), padding=2, padding_mode="reflect")
