"""Bad input to conv1d/conv2d/conv3d: a TypeError or ValueError naming the argument.

Each rule is one test. Where PyTorch has the same rule, the test also checks that
``torch.nn.functional`` refuses the same call, so that convkit never refuses
something PyTorch accepts.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import convkit

FUNCS = {
    1: (convkit.conv1d, convkit.conv1d_naive, F.conv1d),
    2: (convkit.conv2d, convkit.conv2d_naive, F.conv2d),
    3: (convkit.conv3d, convkit.conv3d_naive, F.conv3d),
}


def to_torch(value):
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value)
    return value


def check_refused(n, exception, match, input, weight, bias=None, torch_too=True, **kwargs):
    """convkit (vectorised and naive) raises ``exception`` naming the argument.

    With ``torch_too``, PyTorch must refuse the same call.
    """
    fast, naive, reference = FUNCS[n]
    for func in (fast, naive):
        with pytest.raises(exception, match=match):
            func(input, weight, bias, **kwargs)
    if torch_too:
        with pytest.raises((RuntimeError, ValueError, TypeError)):
            reference(to_torch(input), to_torch(weight), to_torch(bias), **kwargs)


def x2(*shape):
    return np.ones(shape or (1, 2, 5, 5))


def w2(*shape):
    return np.ones(shape or (3, 2, 3, 3))


@pytest.mark.parametrize("stride", [0, -1, (1, 0)])
def test_non_positive_stride(stride):
    check_refused(2, ValueError, "stride", x2(), w2(), stride=stride)


@pytest.mark.parametrize("dilation", [0, -2, (0, 1)])
def test_non_positive_dilation(dilation):
    check_refused(2, ValueError, "dilation", x2(), w2(), dilation=dilation)


@pytest.mark.parametrize("padding", [-1, (0, -1)])
def test_negative_padding(padding):
    check_refused(2, ValueError, "padding", x2(), w2(), padding=padding)


@pytest.mark.parametrize("groups", [0, -1])
def test_non_positive_groups(groups):
    check_refused(2, ValueError, "groups", x2(), w2(), groups=groups)


def test_groups_not_dividing_input_channels():
    # 3 input channels, groups 2; weight (4, 1, ...) is otherwise plausible.
    check_refused(2, ValueError, "groups", x2(1, 3, 5, 5), w2(4, 1, 3, 3), groups=2)


def test_groups_not_dividing_output_channels():
    check_refused(2, ValueError, "groups", x2(1, 4, 5, 5), w2(3, 2, 3, 3), groups=2)


@pytest.mark.parametrize("shape", [(3, 2, 3), (3, 2, 3, 3, 3), (3,)])
def test_weight_rank_mismatch(shape):
    check_refused(2, ValueError, "weight", x2(), np.ones(shape))


@pytest.mark.parametrize("shape", [(5, 5), (1, 1, 2, 5, 5), (5,)])
def test_input_rank_mismatch(shape):
    check_refused(2, ValueError, "input", np.ones(shape), w2())


@pytest.mark.parametrize("n", [1, 3])
def test_input_rank_mismatch_other_dimensions(n):
    weight = np.ones((2, 2) + (3,) * n)
    check_refused(n, ValueError, "input", np.ones((1, 2) + (5,) * (n + 1)), weight)


def test_input_channels_differ_from_weight():
    check_refused(2, ValueError, "channels", x2(1, 4, 5, 5), w2(3, 2, 3, 3))


def test_input_channels_differ_from_weight_times_groups():
    check_refused(
        2, ValueError, "weight.shape\\[1\\] \\* groups", x2(1, 4, 5, 5), w2(4, 1, 3, 3), groups=2
    )


@pytest.mark.parametrize("bias", [np.ones(4), np.ones(2), np.ones((3, 1)), np.ones(())])
def test_bias_of_the_wrong_shape(bias):
    check_refused(2, ValueError, "bias", x2(), w2(), bias=bias)


def test_kernel_larger_than_input():
    check_refused(2, ValueError, "kernel", x2(1, 2, 2, 5), w2())


def test_dilated_kernel_larger_than_input():
    # 3 taps at dilation 3 span 7 positions; the input has 5.
    check_refused(2, ValueError, "kernel", x2(), w2(), dilation=3)


def test_kernel_larger_than_input_in_3d():
    check_refused(3, ValueError, "kernel", np.ones((1, 1, 4, 4, 2)), np.ones((1, 1, 3, 3, 3)))


def test_padding_makes_a_kernel_fit():
    # The same kernel fits once padded, as in PyTorch: not an error.
    out = convkit.conv2d(x2(1, 2, 2, 5), w2(), padding=1)
    assert out.shape == (1, 3, 2, 5)


@pytest.mark.parametrize("stride", [2, (1, 2)])
def test_same_padding_with_stride(stride):
    check_refused(2, ValueError, "same.*stride", x2(), w2(), padding="same", stride=stride)


@pytest.mark.parametrize("padding", ["full", "SAME", ""])
def test_unknown_padding_string(padding):
    check_refused(2, ValueError, "padding", x2(), w2(), padding=padding)


@pytest.mark.parametrize("name", ["stride", "padding", "dilation"])
def test_tuple_of_the_wrong_length(name):
    check_refused(2, ValueError, name, x2(), w2(), **{name: (1, 1, 1)})


@pytest.mark.parametrize("name, value", [
    ("stride", 1.5), ("stride", "2"), ("stride", None), ("stride", (1.0, 1)),
    ("padding", 1.0), ("padding", None), ("dilation", 2.0), ("dilation", True),
])
def test_wrong_type_of_hyperparameter(name, value):
    # PyTorch converts some of these silently (True, 1.0); convkit asks for ints.
    check_refused(2, TypeError, name, x2(), w2(), torch_too=False, **{name: value})


@pytest.mark.parametrize("groups", [1.0, "1", None, True])
def test_wrong_type_of_groups(groups):
    check_refused(2, TypeError, "groups", x2(), w2(), torch_too=False, groups=groups)


@pytest.mark.parametrize("name", ["input", "weight", "bias"])
@pytest.mark.parametrize("bad", [
    np.array([["a"]]),
    np.ones((2, 2), dtype=bool),
    np.ones((2, 2), dtype=complex),
    [[1, 2], [3]],
    "abc",
])
def test_non_numeric_arrays(name, bad):
    args = dict(input=x2(), weight=w2(), bias=np.ones(3))
    args[name] = bad
    for func in FUNCS[2][:2]:
        with pytest.raises(TypeError, match=name):
            func(**args)


@pytest.mark.parametrize("name", ["input", "weight"])
def test_missing_array(name):
    args = dict(input=x2(), weight=w2())
    args[name] = None
    with pytest.raises(TypeError, match=name):
        convkit.conv2d(**args)


def test_empty_weight():
    check_refused(2, ValueError, "weight", x2(), np.ones((0, 2, 3, 3)), torch_too=False)


@pytest.mark.parametrize("shape", [(1, 2, 0, 5), (1, 0, 5, 5)])
def test_empty_input_dimension(shape):
    check_refused(2, ValueError, "input", np.ones(shape), w2(3, max(shape[1], 1), 1, 1), padding=1)


# ---------------------------------------------------------------------------
# fuzz: whatever the arguments, convkit agrees with PyTorch or refuses cleanly
# ---------------------------------------------------------------------------


@given(
    n=st.integers(1, 3),
    x_rank_extra=st.sampled_from([-1, 0, 1, 1, 1, 2]),
    c_in=st.integers(1, 4),
    w_in=st.integers(1, 4),
    c_out=st.integers(1, 4),
    size=st.integers(1, 5),
    k=st.integers(1, 4),
    stride=st.integers(-1, 3),
    padding=st.one_of(st.integers(-1, 3), st.sampled_from(["same", "valid", "full"])),
    dilation=st.integers(-1, 3),
    groups=st.integers(-1, 4),
    bias_len=st.sampled_from([None, 0, 1, 2, 3, 4]),
)
def test_property_refuses_exactly_when_torch_refuses(
    n, x_rank_extra, c_in, w_in, c_out, size, k, stride, padding, dilation, groups, bias_len
):
    fast, naive, reference = FUNCS[n]
    # x_rank_extra -1: no channel axis (too few dimensions); 0: unbatched;
    # 1: batched; 2: one dimension too many.
    channel = (c_in,) if x_rank_extra >= 0 else ()
    x = np.ones((1,) * max(x_rank_extra, 0) + channel + (size,) * n)
    w = np.ones((c_out, w_in) + (k,) * n)
    b = None if bias_len is None else np.ones(bias_len)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    try:
        b_t = None if b is None else torch.from_numpy(b)
        expected = reference(torch.from_numpy(x), torch.from_numpy(w), b_t, **kwargs)
    except (RuntimeError, ValueError, TypeError):
        expected = None
    for func in (fast, naive):
        if expected is None:
            with pytest.raises((ValueError, TypeError)):
                func(x, w, b, **kwargs)
        else:
            np.testing.assert_allclose(func(x, w, b, **kwargs), expected.numpy(), rtol=1e-12)
