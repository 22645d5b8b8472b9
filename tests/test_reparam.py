"""convkit.reparam against the unmerged torch.nn modules (Conv2d + BatchNorm2d branches, eval mode)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convkit import conv2d
from convkit.reparam import (
    BatchNorm, fold_batch_norm, identity_kernel, merge_branches, pad_kernel,
    repvgg_merge,
)


def random_bn(channels, rng, dtype=torch.float64):
    """A BatchNorm2d in eval mode with random statistics and affine parameters."""
    bn = torch.nn.BatchNorm2d(channels, eps=float(rng.uniform(1e-5, 1e-2))).to(dtype).eval()
    with torch.no_grad():
        bn.running_mean.copy_(torch.from_numpy(rng.standard_normal(channels)))
        bn.running_var.copy_(torch.from_numpy(rng.uniform(0.2, 3.0, channels)))
        bn.weight.copy_(torch.from_numpy(rng.standard_normal(channels)))
        bn.bias.copy_(torch.from_numpy(rng.standard_normal(channels)))
    return bn


def stats(bn):
    """The module's statistics as convkit's BatchNorm (numpy arrays)."""
    return BatchNorm(bn.running_mean.numpy(), bn.running_var.numpy(), bn.weight.detach().numpy(),
                     bn.bias.detach().numpy(), bn.eps)


def tensor(x):
    return torch.from_numpy(np.asarray(x))


@settings(max_examples=40, deadline=None)
@given(groups=st.integers(1, 3), cin_g=st.integers(1, 3), cout_g=st.integers(1, 3), k=st.integers(1, 4),
       stride=st.integers(1, 3), padding=st.integers(0, 2), dilation=st.integers(1, 2),
       bias=st.booleans(), batched=st.booleans(), seed=st.integers(0, 2**16))
def test_fold_batch_norm_matches_conv_then_bn(groups, cin_g, cout_g, k, stride, padding, dilation, bias,
                                              batched, seed):
    rng = np.random.default_rng(seed)
    c_in, c_out = groups * cin_g, groups * cout_g
    size = dilation * (k - 1) + 1 + int(rng.integers(0, 5))
    conv = torch.nn.Conv2d(c_in, c_out, k, stride, padding, dilation, groups, bias=bias).double().eval()
    bn = random_bn(c_out, rng)
    x = rng.standard_normal((2, c_in, size, size) if batched else (c_in, size, size))
    with torch.no_grad():
        xt = tensor(x) if batched else tensor(x)[None]
        expected = bn(conv(xt))
        expected = (expected if batched else expected[0]).numpy()
    w, b = fold_batch_norm(conv.weight.detach().numpy(), None if not bias else conv.bias.detach().numpy(),
                           *stats(bn))
    assert w.shape == conv.weight.shape and b.shape == (c_out,)
    got = conv2d(x, w, b, stride, padding, dilation, groups)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


def test_fold_batch_norm_float32_stays_float32():
    rng = np.random.default_rng(1)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    bn = [rng.standard_normal(4).astype(np.float32), rng.uniform(0.5, 2, 4).astype(np.float32),
          rng.standard_normal(4).astype(np.float32), rng.standard_normal(4).astype(np.float32)]
    fw, fb = fold_batch_norm(w, None, *bn)
    assert fw.dtype == np.float32 and fb.dtype == np.float32
    x = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    expected = F.batch_norm(F.conv2d(tensor(x), tensor(w), padding=1), *[tensor(a) for a in bn[:2]],
                            tensor(bn[2]), tensor(bn[3]), training=False, eps=1e-5).numpy()
    np.testing.assert_allclose(conv2d(x, fw, fb, padding=1), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape, size", [((2, 3, 1, 1), 3), ((2, 3, 3, 3), 7), ((1, 1, 3, 1), (5, 3)),
                                         ((2, 2, 5, 5), 5)])
def test_pad_kernel_gives_the_same_output_as_the_small_kernel(shape, size):
    rng = np.random.default_rng(3)
    w = rng.standard_normal(shape)
    big = pad_kernel(w, size)
    kh, kw = shape[2:]
    big_h, big_w = big.shape[2:]
    x = rng.standard_normal((2, shape[1], 9, 9))
    small_padding = (kh // 2, kw // 2)
    large_padding = (big_h // 2, big_w // 2)
    expected = F.conv2d(tensor(x), tensor(w), padding=small_padding).numpy()
    np.testing.assert_allclose(conv2d(x, big, padding=large_padding), expected, rtol=0, atol=1e-12)
    assert np.count_nonzero(big) == np.count_nonzero(w)


@settings(max_examples=30, deadline=None)
@given(groups=st.integers(1, 3), cin_g=st.integers(1, 3), cout_g=st.integers(1, 3),
       large=st.sampled_from([5, 7, 9]), small=st.sampled_from([1, 3, 5]), stride=st.integers(1, 2),
       batched=st.booleans(), seed=st.integers(0, 2**16))
def test_replknet_small_kernel_merged_into_large(groups, cin_g, cout_g, large, small, stride, batched, seed):
    """RepLKNet: a large-kernel conv + BN and a small-kernel conv + BN, summed, equal one large conv."""
    rng = np.random.default_rng(seed)
    c_in, c_out = groups * cin_g, groups * cout_g
    big = torch.nn.Conv2d(c_in, c_out, large, stride, large // 2, groups=groups, bias=False).double()
    little = torch.nn.Conv2d(c_in, c_out, small, stride, small // 2, groups=groups, bias=False).double()
    bn_big, bn_little = random_bn(c_out, rng), random_bn(c_out, rng)
    x = rng.standard_normal((2, c_in, 11, 10) if batched else (c_in, 11, 10))
    with torch.no_grad():
        xt = tensor(x) if batched else tensor(x)[None]
        expected = bn_big(big(xt)) + bn_little(little(xt))
        expected = (expected if batched else expected[0]).numpy()
    w, b = merge_branches([fold_batch_norm(big.weight.detach().numpy(), None, *stats(bn_big)),
                           fold_batch_norm(little.weight.detach().numpy(), None, *stats(bn_little))])
    assert w.shape == (c_out, cin_g, large, large)
    np.testing.assert_allclose(conv2d(x, w, b, stride, large // 2, groups=groups), expected,
                               rtol=0, atol=1e-10)


@pytest.mark.parametrize("channels, groups, k", [(1, 1, 3), (4, 1, 3), (6, 2, 3), (6, 6, 5), (3, 3, 1)])
def test_identity_kernel_copies_the_input(channels, groups, k):
    x = np.random.default_rng(4).standard_normal((2, channels, 5, 6))
    w = identity_kernel(channels, k, groups)
    assert w.shape == (channels, channels // groups, k, k)
    np.testing.assert_array_equal(F.conv2d(tensor(x), tensor(w), padding=k // 2, groups=groups).numpy(), x)


class RepVGGBlock(torch.nn.Module):
    """The training-time block, written from the paper: three branches, each with batch norm, summed."""

    def __init__(self, c_in, c_out, stride, groups, identity, rng):
        super().__init__()
        self.conv3 = torch.nn.Conv2d(c_in, c_out, 3, stride, 1, groups=groups, bias=False).double()
        self.conv1 = torch.nn.Conv2d(c_in, c_out, 1, stride, 0, groups=groups, bias=False).double()
        self.bn3, self.bn1 = random_bn(c_out, rng), random_bn(c_out, rng)
        self.bn_id = random_bn(c_out, rng) if identity else None

    def forward(self, x):
        out = self.bn3(self.conv3(x)) + self.bn1(self.conv1(x))
        return out if self.bn_id is None else out + self.bn_id(x)


@settings(max_examples=40, deadline=None)
@given(groups=st.integers(1, 3), cin_g=st.integers(1, 3), cout_g=st.integers(1, 3), stride=st.integers(1, 2),
       identity=st.booleans(), batched=st.booleans(), seed=st.integers(0, 2**16))
def test_repvgg_merge_matches_the_three_branch_block(groups, cin_g, cout_g, stride, identity, batched, seed):
    rng = np.random.default_rng(seed)
    if identity:
        cout_g, stride = cin_g, 1
    c_in, c_out = groups * cin_g, groups * cout_g
    block = RepVGGBlock(c_in, c_out, stride, groups, identity, rng).eval()
    x = rng.standard_normal((3, c_in, 8, 7) if batched else (c_in, 8, 7))
    with torch.no_grad():
        xt = tensor(x) if batched else tensor(x)[None]
        expected = block(xt)
        expected = (expected if batched else expected[0]).numpy()
    w, b = repvgg_merge(block.conv3.weight.detach().numpy(), stats(block.bn3),
                        block.conv1.weight.detach().numpy(), stats(block.bn1),
                        None if not identity else stats(block.bn_id), groups=groups)
    assert w.shape == (c_out, cin_g, 3, 3) and b.shape == (c_out,)
    got = conv2d(x, w, b, stride, 1, groups=groups)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)
    # and the merged layer as a torch module gives the same numbers
    merged = torch.nn.Conv2d(c_in, c_out, 3, stride, 1, groups=groups).double()
    with torch.no_grad():
        merged.weight.copy_(tensor(w))
        merged.bias.copy_(tensor(b))
        np.testing.assert_allclose(merged(xt).numpy().reshape(expected.shape), expected, rtol=0, atol=1e-10)


def test_repvgg_merge_integers_are_exact_with_unit_batch_norm():
    """With mean 0, variance 1, eps 0, gamma 1, beta 0 the merge adds kernels: integers stay exact."""
    rng = np.random.default_rng(5)
    unit = BatchNorm(np.zeros(4), np.ones(4), np.ones(4), np.zeros(4), 0.0)
    w3 = rng.integers(-4, 5, (4, 4, 3, 3)).astype(float)
    w1 = rng.integers(-4, 5, (4, 4, 1, 1)).astype(float)
    w, b = repvgg_merge(w3, unit, w1, unit, unit)
    expected = w3.copy()
    expected[:, :, 1, 1] += w1[:, :, 0, 0] + np.eye(4)
    np.testing.assert_array_equal(w, expected)
    np.testing.assert_array_equal(b, np.zeros(4))


def test_merge_branches_sums_biases_and_accepts_none():
    w, b = merge_branches([(np.ones((2, 1, 3, 3)), [1.0, 2.0]), (np.ones((2, 1, 1, 1)), None),
                           (np.zeros((2, 1, 3, 3)), [0.5, 0.5])])
    np.testing.assert_array_equal(b, [1.5, 2.5])
    assert w[0, 0, 1, 1] == 2 and w[0, 0, 0, 0] == 1


class TestBadInput:
    def test_bn_array_wrong_shape(self):
        with pytest.raises(ValueError, match="running_var"):
            fold_batch_norm(np.ones((3, 1, 3, 3)), None, np.zeros(3), np.ones(2), np.ones(3), np.zeros(3))

    def test_gamma_not_numeric(self):
        with pytest.raises(TypeError, match="gamma"):
            fold_batch_norm(np.ones((3, 1, 3, 3)), None, np.zeros(3), np.ones(3), ["a"] * 3, np.zeros(3))

    def test_negative_variance(self):
        with pytest.raises(ValueError, match="running_var"):
            fold_batch_norm(np.ones((1, 1, 1, 1)), None, [0.0], [-1.0], [1.0], [0.0])

    def test_bias_wrong_shape(self):
        with pytest.raises(ValueError, match="bias"):
            fold_batch_norm(np.ones((3, 1, 3, 3)), np.ones(4), np.zeros(3), np.ones(3), np.ones(3), np.zeros(3))

    def test_weight_1d(self):
        with pytest.raises(ValueError, match="weight"):
            fold_batch_norm(np.ones(3), None, np.zeros(3), np.ones(3), np.ones(3), np.zeros(3))

    def test_eps_not_a_number(self):
        with pytest.raises(TypeError, match="eps"):
            fold_batch_norm(np.ones((1, 1, 1, 1)), None, [0.0], [1.0], [1.0], [0.0], eps="1e-5")

    def test_pad_kernel_odd_difference(self):
        with pytest.raises(ValueError, match="kernel_size"):
            pad_kernel(np.ones((1, 1, 3, 3)), 4)

    def test_pad_kernel_smaller_target(self):
        with pytest.raises(ValueError, match="kernel_size"):
            pad_kernel(np.ones((1, 1, 5, 5)), 3)

    def test_identity_even_kernel(self):
        with pytest.raises(ValueError, match="kernel_size"):
            identity_kernel(2, 2)

    def test_identity_groups_not_dividing(self):
        with pytest.raises(ValueError, match="groups"):
            identity_kernel(3, 3, groups=2)

    def test_merge_branches_mismatched_channels(self):
        with pytest.raises(ValueError, match=r"branches\[1\]"):
            merge_branches([(np.ones((2, 1, 3, 3)), None), (np.ones((3, 1, 1, 1)), None)])

    def test_merge_branches_cannot_centre(self):
        with pytest.raises(ValueError, match=r"branches\[1\]"):
            merge_branches([(np.ones((2, 1, 3, 3)), None), (np.ones((2, 1, 2, 2)), None)])

    def test_merge_branches_empty(self):
        with pytest.raises(ValueError, match="branches"):
            merge_branches([])

    def test_repvgg_identity_needs_square(self):
        unit = BatchNorm(np.zeros(4), np.ones(4), np.ones(4), np.zeros(4))
        with pytest.raises(ValueError, match="bn_identity"):
            repvgg_merge(np.ones((4, 2, 3, 3)), unit, np.ones((4, 2, 1, 1)), unit, unit)

    def test_repvgg_wrong_1x1(self):
        unit = BatchNorm(np.zeros(4), np.ones(4), np.ones(4), np.zeros(4))
        with pytest.raises(ValueError, match="weight_1x1"):
            repvgg_merge(np.ones((4, 4, 3, 3)), unit, np.ones((4, 4, 3, 3)), unit)

    def test_repvgg_bad_bn(self):
        unit = BatchNorm(np.zeros(4), np.ones(4), np.ones(4), np.zeros(4))
        with pytest.raises(TypeError, match="bn_1x1"):
            repvgg_merge(np.ones((4, 4, 3, 3)), unit, np.ones((4, 4, 1, 1)), "bn")


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_merge_branches_keeps_the_dtype(dtype):
    """Padding and summing kernels needs no rounding: float32 stays float32, integers stay exact."""
    w, b = merge_branches([(np.ones((2, 1, 3, 3), dtype), np.ones(2, dtype)), (np.ones((2, 1, 1, 1), dtype), None)])
    assert w.dtype == dtype and b.dtype == dtype
    assert w[0, 0, 1, 1] == 2 and b[0] == 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_repvgg_merge_keeps_the_float_dtype(dtype):
    unit = BatchNorm(*(np.array(v, dtype) for v in ([0.0] * 2, [1.0] * 2, [1.0] * 2, [0.0] * 2)))
    w, b = repvgg_merge(np.ones((2, 2, 3, 3), dtype), unit, np.ones((2, 2, 1, 1), dtype), unit, unit)
    assert w.dtype == dtype and b.dtype == dtype


def test_fold_batch_norm_equals_torch_fuse_conv_bn_weights():
    rng = np.random.default_rng(6)
    conv = torch.nn.Conv2d(4, 6, 3, groups=2).double()
    bn = random_bn(6, rng)
    expected_w, expected_b = torch.nn.utils.fusion.fuse_conv_bn_weights(
        conv.weight, conv.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    w, b = fold_batch_norm(conv.weight.detach().numpy(), conv.bias.detach().numpy(), *stats(bn))
    np.testing.assert_allclose(w, expected_w.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(b, expected_b.detach().numpy(), rtol=0, atol=1e-12)
