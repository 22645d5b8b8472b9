"""convkit.grouped against torch: grouped convs, channel shuffle, pointwise grouped, ShuffleNet."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

import convkit.grouped as gr
from convkit.conv import conv2d


def _t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


# --------------------------------------------------------------------------- #
# channel shuffle
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("shape, groups", [
    ((2, 6, 3, 4), 2),   # g=2, n=3: g != C/g
    ((1, 12, 2, 2), 3),  # g=3, n=4
    ((1, 12, 2, 2), 4),
    ((3, 8, 5), 2),      # 3D input (N, C, L)
    ((2, 6, 1, 2, 3), 3),  # 5D input
    ((1, 5, 2, 2), 5),   # g == C: identity
    ((1, 5, 2, 2), 1),
])
def test_channel_shuffle_matches_torch(shape, groups):
    x = np.arange(np.prod(shape)).reshape(shape).astype(np.float32)
    expected = F.channel_shuffle(_t(x), groups).numpy()
    got = gr.channel_shuffle(x, groups)
    assert got.dtype == x.dtype and got.shape == x.shape
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(gr.channel_shuffle_naive(x, groups), expected)
    np.testing.assert_array_equal(got, nn.ChannelShuffle(groups)(_t(x)).numpy())


@given(g=st.integers(1, 6), n=st.integers(1, 6), batch=st.integers(1, 3))
def test_channel_shuffle_property(g, n, batch):
    x = np.random.default_rng(g * 7 + n).standard_normal((batch, g * n, 2, 3))
    expected = F.channel_shuffle(_t(x), g).numpy()
    np.testing.assert_array_equal(gr.channel_shuffle(x, g), expected)
    perm = gr.shuffle_permutation(g * n, g)
    np.testing.assert_array_equal(x[:, perm], expected)


def test_transposed_reshape_is_the_inverse_permutation_and_differs():
    g, n = 2, 3  # g != n so the two differ
    x = np.arange(g * n).reshape(1, g * n, 1, 1)
    wrong = x.reshape(1, n, g, 1, 1).transpose(0, 2, 1, 3, 4).reshape(1, g * n, 1, 1)
    right = gr.channel_shuffle(x, g)
    assert not np.array_equal(wrong, right)
    # the (C/g, g) reshape undoes the shuffle
    np.testing.assert_array_equal(gr.channel_shuffle(right, n), x)
    np.testing.assert_array_equal(wrong.ravel(), np.argsort(gr.shuffle_permutation(g * n, g)))


def test_shuffle_permutation_example():
    assert gr.shuffle_permutation(6, 2).tolist() == [0, 3, 1, 4, 2, 5]
    assert gr.shuffle_permutation(6, 3).tolist() == [0, 2, 4, 1, 3, 5]


def test_channel_shuffle_integers_exact():
    x = np.arange(24, dtype=np.int64).reshape(1, 6, 2, 2)
    np.testing.assert_array_equal(gr.channel_shuffle(x, 3), F.channel_shuffle(_t(x), 3).numpy())


# --------------------------------------------------------------------------- #
# grouped convolution and its block-diagonal weight
# --------------------------------------------------------------------------- #
@given(
    groups=st.integers(1, 4), per_in=st.integers(1, 3), per_out=st.integers(1, 3),
    k=st.integers(1, 3), stride=st.integers(1, 2), padding=st.integers(0, 2),
    dilation=st.integers(1, 2), batched=st.booleans(), bias=st.booleans(),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_grouped_conv2d_and_split_reference_match_torch(groups, per_in, per_out, k, stride,
                                                        padding, dilation, batched, bias, dtype):
    rng = np.random.default_rng(groups * 100 + per_in * 10 + per_out)
    c_in, c_out = groups * per_in, groups * per_out
    size = dilation * (k - 1) + 3
    x = rng.standard_normal((2, c_in, size, size + 1) if batched else (c_in, size, size + 1))
    x = x.astype(dtype)
    w = rng.standard_normal((c_out, per_in, k, k)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype) if bias else None
    expected = F.conv2d(_t(x), _t(w), None if b is None else _t(b), stride, padding, dilation,
                        groups).numpy()
    tol = 1e-4 if dtype == np.float32 else 1e-10
    for fn in (gr.grouped_conv2d, gr.grouped_conv2d_naive):
        got = fn(x, w, b, stride, padding, dilation, groups)
        assert got.dtype == dtype and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("c_in, c_out, groups, kernel", [(4, 6, 2, (3, 3)), (6, 6, 3, (1, 1)),
                                                         (4, 8, 4, (2, 3)), (3, 3, 1, (3, 3))])
def test_block_diagonal_weight_gives_the_same_convolution(c_in, c_out, groups, kernel):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((c_out, c_in // groups, *kernel))
    x = rng.standard_normal((1, c_in, 6, 6))
    dense = gr.block_diagonal_weight(w, groups)
    assert dense.shape == (c_out, c_in, *kernel)
    np.testing.assert_allclose(F.conv2d(_t(x), _t(dense)).numpy(),
                               F.conv2d(_t(x), _t(w), groups=groups).numpy(), rtol=1e-10,
                               atol=1e-12)
    # off-diagonal blocks are zero: exactly a fraction 1/groups of the entries can be non-zero
    assert np.count_nonzero(dense) == w.size


def test_block_diagonal_weight_1d_and_3d():
    w1 = np.arange(1, 13, dtype=np.float64).reshape(4, 1, 3)
    x1 = np.random.default_rng(1).standard_normal((1, 2, 7))
    np.testing.assert_allclose(F.conv1d(_t(x1), _t(gr.block_diagonal_weight(w1, 2))).numpy(),
                               F.conv1d(_t(x1), _t(w1), groups=2).numpy(), rtol=1e-12)
    w3 = np.ones((2, 1, 2, 2, 2))
    assert gr.block_diagonal_weight(w3, 2).shape == (2, 2, 2, 2, 2)


def test_stacked_grouped_convs_never_mix_groups_unless_shuffled():
    rng = np.random.default_rng(3)
    g = 2
    w1 = rng.standard_normal((4, 2, 1, 1))
    w2 = rng.standard_normal((4, 2, 1, 1))
    x = np.zeros((1, 4, 1, 1))
    x[0, 0] = 1.0  # a signal only in group 0
    plain = conv2d(conv2d(x, w1, groups=g), w2, groups=g)
    assert np.all(plain[0, 2:] == 0)  # group 1 of the output never sees it
    shuffled = conv2d(gr.shuffled_grouped_conv2d(x, w1, groups=g), w2, groups=g)
    assert np.all(shuffled[0, 2:] != 0)


@pytest.mark.parametrize("batched", [True, False])
def test_shuffled_grouped_conv2d_matches_torch(batched):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 6, 5, 5))
    w = rng.standard_normal((9, 2, 3, 3))
    b = rng.standard_normal(9)
    expected = F.channel_shuffle(F.conv2d(_t(x), _t(w), _t(b), padding=1, groups=3), 3).numpy()
    if batched:
        got = gr.shuffled_grouped_conv2d(x, w, b, padding=1, groups=3)
    else:
        got = np.stack([gr.shuffled_grouped_conv2d(xi, w, b, padding=1, groups=3) for xi in x])
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------- #
# pointwise grouped
# --------------------------------------------------------------------------- #
@given(groups=st.integers(1, 4), per_in=st.integers(1, 4), per_out=st.integers(1, 4),
       batched=st.booleans(), bias=st.booleans(), weight_4d=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64, np.int64]))
def test_pointwise_grouped_conv2d_matches_torch(groups, per_in, per_out, batched, bias,
                                                weight_4d, dtype):
    rng = np.random.default_rng(groups + 10 * per_in + 100 * per_out)
    c_in, c_out = groups * per_in, groups * per_out
    x = (rng.standard_normal((3, c_in, 4, 5)) * 5).astype(dtype)
    w = (rng.standard_normal((c_out, per_in, 1, 1)) * 5).astype(dtype)
    b = (rng.standard_normal(c_out) * 5).astype(dtype) if bias else None
    as_float = [None if a is None else _t(a.astype(np.float64)) for a in (x, w, b)]
    expected = F.conv2d(*as_float, groups=groups).numpy()
    got = gr.pointwise_grouped_conv2d(x if batched else x[0], w if weight_4d else w[:, :, 0, 0],
                                      b, groups)
    if not batched:
        expected = expected[:1]
        got = got[np.newaxis]
    assert got.dtype == dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-4 if dtype == np.float32 else 1e-9)


# --------------------------------------------------------------------------- #
# ShuffleNet unit
# --------------------------------------------------------------------------- #
class _TorchShuffleUnit(nn.Module):
    """The unit of Zhang et al. figure 2 (b)/(c), without batch norm, in plain torch."""

    def __init__(self, w1, wd, w2, b1, bd, b2, g1, g, stride):
        super().__init__()
        self.params = [None if a is None else _t(a) for a in (w1, wd, w2, b1, bd, b2)]
        self.g1, self.g, self.stride = g1, g, stride

    def forward(self, x):
        w1, wd, w2, b1, bd, b2 = self.params
        y = F.relu(F.conv2d(x, w1, b1, groups=self.g1))
        y = F.channel_shuffle(y, self.g1)
        y = F.conv2d(y, wd, bd, stride=self.stride, padding=1, groups=wd.shape[0])
        y = F.conv2d(y, w2, b2, groups=self.g)
        if self.stride == 1:
            return F.relu(x + y)
        return F.relu(torch.cat([F.avg_pool2d(x, 3, 2, 1), y], dim=1))


@pytest.mark.parametrize("c_in, c_out, m, g, g1, stride, size, bias", [
    (12, 12, 6, 3, 3, 1, (6, 5), False),
    (12, 12, 6, 3, 3, 1, (7, 7), True),
    (8, 24, 4, 2, 2, 2, (8, 8), True),
    (6, 18, 6, 3, 1, 2, (7, 6), False),   # first unit of a stage: first conv not grouped
    (16, 16, 8, 4, 4, 1, (1, 1), False),
])
@pytest.mark.parametrize("batched", [True, False])
def test_shufflenet_unit_matches_torch(c_in, c_out, m, g, g1, stride, size, bias, batched):
    rng = np.random.default_rng(c_in + m + stride)
    x = rng.standard_normal((2, c_in, *size))
    expand = c_out if stride == 1 else c_out - c_in
    w1 = rng.standard_normal((m, c_in // g1, 1, 1))
    wd = rng.standard_normal((m, 1, 3, 3))
    w2 = rng.standard_normal((expand, m // g, 1, 1))
    biases = [rng.standard_normal(n) if bias else None for n in (m, m, expand)]
    with torch.no_grad():
        expected = _TorchShuffleUnit(w1, wd, w2, *biases, g1, g, stride)(_t(x)).numpy()
    first = None if g1 == g else g1
    inp = x if batched else x[0]
    got = gr.shufflenet_unit(inp, w1, wd, w2, g, stride, first, *biases)
    if not batched:
        got, expected = got[np.newaxis], expected[:1]
    assert got.shape == expected.shape
    assert got.shape[1] == c_out
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_shufflenet_unit_float32_stays_float32():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 8, 6, 6)).astype(np.float32)
    w1 = rng.standard_normal((4, 4, 1, 1)).astype(np.float32)
    wd = rng.standard_normal((4, 1, 3, 3)).astype(np.float32)
    w2 = rng.standard_normal((8, 2, 1, 1)).astype(np.float32)
    assert gr.shufflenet_unit(x, w1, wd, w2, groups=2).dtype == np.float32
    w2s = rng.standard_normal((8, 2)).astype(np.float32)
    assert gr.shufflenet_unit(x, w1, wd, w2s, groups=2, stride=2).dtype == np.float32


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
def test_channel_shuffle_rank():
    with pytest.raises(RuntimeError):
        F.channel_shuffle(torch.zeros(1, 6), 2)
    with pytest.raises(ValueError, match="input"):
        gr.channel_shuffle(np.zeros((1, 6)), 2)


def test_channel_shuffle_groups_must_divide():
    with pytest.raises(ValueError, match="groups"):
        gr.channel_shuffle(np.zeros((1, 6, 2, 2)), 4)
    with pytest.raises(ValueError, match="groups"):
        gr.channel_shuffle_naive(np.zeros((1, 6, 2, 2)), 0)
    with pytest.raises(TypeError, match="groups"):
        gr.channel_shuffle(np.zeros((1, 6, 2, 2)), 2.0)


def test_shuffle_permutation_bad():
    with pytest.raises(ValueError, match="groups"):
        gr.shuffle_permutation(6, 4)
    with pytest.raises(ValueError, match="channels"):
        gr.shuffle_permutation(0, 1)


def test_grouped_naive_rules():
    x = np.zeros((1, 6, 4, 4))
    with pytest.raises(ValueError, match="in_channels"):
        gr.grouped_conv2d_naive(x, np.zeros((4, 1, 3, 3)), groups=4)
    with pytest.raises(ValueError, match="out_channels"):
        gr.grouped_conv2d_naive(x, np.zeros((4, 3, 3, 3)), groups=3)
    with pytest.raises(ValueError, match="channels"):
        gr.grouped_conv2d_naive(x, np.zeros((4, 2, 3, 3)), groups=2)
    with pytest.raises(ValueError, match="bias"):
        gr.grouped_conv2d_naive(x, np.zeros((4, 3, 3, 3)), np.zeros(3), groups=2)
    with pytest.raises(ValueError, match="weight"):
        gr.grouped_conv2d_naive(x, np.zeros((4, 3, 3)), groups=2)


def test_block_diagonal_bad():
    with pytest.raises(ValueError, match="out_channels"):
        gr.block_diagonal_weight(np.zeros((3, 1, 3, 3)), 2)
    with pytest.raises(ValueError, match="weight"):
        gr.block_diagonal_weight(np.zeros(3), 1)
    with pytest.raises(TypeError, match="groups"):
        gr.block_diagonal_weight(np.zeros((2, 1)), None)


def test_pointwise_grouped_bad():
    x = np.zeros((1, 4, 3, 3))
    with pytest.raises(ValueError, match="weight"):
        gr.pointwise_grouped_conv2d(x, np.zeros((2, 4, 3, 3)))
    with pytest.raises(ValueError, match="channels"):
        gr.pointwise_grouped_conv2d(x, np.zeros((2, 4)), groups=2)
    with pytest.raises(ValueError, match="bias"):
        gr.pointwise_grouped_conv2d(x, np.zeros((2, 4)), np.zeros(3))
    with pytest.raises(ValueError, match="input"):
        gr.pointwise_grouped_conv2d(np.zeros((4, 3)), np.zeros((2, 4)))


def test_shufflenet_unit_bad():
    x = np.zeros((1, 8, 6, 6))
    w1, wd, w2 = np.zeros((4, 4, 1, 1)), np.zeros((4, 1, 3, 3)), np.zeros((8, 2, 1, 1))
    with pytest.raises(ValueError, match="stride"):
        gr.shufflenet_unit(x, w1, wd, w2, groups=2, stride=3)
    with pytest.raises(ValueError, match="depthwise_weight"):
        gr.shufflenet_unit(x, w1, np.zeros((4, 1, 5, 5)), w2, groups=2)
    with pytest.raises(ValueError, match="depthwise_weight"):
        gr.shufflenet_unit(x, w1, np.zeros((3, 1, 3, 3)), w2, groups=2)
    with pytest.raises(ValueError, match="pointwise2_weight"):
        gr.shufflenet_unit(x, w1, wd, np.zeros((6, 2, 1, 1)), groups=2)
    with pytest.raises(ValueError, match="groups"):
        gr.shufflenet_unit(x, w1, wd, w2, groups=3)
    with pytest.raises(TypeError, match="first_groups"):
        gr.shufflenet_unit(x, w1, wd, w2, groups=2, first_groups="1")


@pytest.mark.parametrize("stride", [1.0, 2.0, "1", None, True])
def test_shufflenet_unit_stride_of_the_wrong_type_is_a_type_error(stride):
    x = np.zeros((1, 8, 6, 6))
    w1, wd, w2 = np.zeros((4, 4, 1, 1)), np.zeros((4, 1, 3, 3)), np.zeros((8, 2, 1, 1))
    with pytest.raises(TypeError, match=r"\bstride\b"):
        gr.shufflenet_unit(x, w1, wd, w2, groups=2, stride=stride)


@pytest.mark.parametrize("shape", [(1, 0, 6, 6), (0, 6, 6)])
def test_shufflenet_unit_input_without_channels_blames_input(shape):
    w1, wd, w2 = np.zeros((4, 4, 1, 1)), np.zeros((4, 1, 3, 3)), np.zeros((8, 2, 1, 1))
    with pytest.raises(ValueError) as excinfo:
        gr.shufflenet_unit(np.zeros(shape), w1, wd, w2, groups=2)
    message = str(excinfo.value)
    assert message.startswith("input ") and "weight" not in message, message


def test_shufflenet_unit_accepts_a_numpy_integer_stride():
    x = np.random.default_rng(7).standard_normal((1, 8, 6, 6))
    w1, wd, w2 = np.ones((4, 4, 1, 1)), np.ones((4, 1, 3, 3)), np.ones((8, 2, 1, 1))
    np.testing.assert_array_equal(gr.shufflenet_unit(x, w1, wd, w2, groups=2, stride=np.int64(1)),
                                  gr.shufflenet_unit(x, w1, wd, w2, groups=2, stride=1))


@pytest.mark.parametrize("argument", ["pointwise1_weight", "depthwise_weight", "pointwise2_weight",
                                      "pointwise1_bias", "depthwise_bias", "pointwise2_bias"])
def test_shufflenet_unit_errors_name_the_argument(argument):
    good = dict(input=np.zeros((1, 8, 5, 5)), pointwise1_weight=np.zeros((4, 4)),
                depthwise_weight=np.zeros((4, 1, 3, 3)), pointwise2_weight=np.zeros((8, 2)),
                groups=2, pointwise1_bias=np.zeros(4), depthwise_bias=np.zeros(4),
                pointwise2_bias=np.zeros(8))
    with pytest.raises(TypeError, match=argument):
        gr.shufflenet_unit(**(good | {argument: good[argument].astype(bool)}))
    wrong_shape = np.zeros(good[argument].shape[:-1] + (good[argument].shape[-1] + 1,))
    with pytest.raises(ValueError, match=argument):
        gr.shufflenet_unit(**(good | {argument: wrong_shape}))
