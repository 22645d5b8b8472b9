"""convkit.dynamic against PyTorch: one F.conv2d per example with the kernel mixed in torch, and the E
torch.nn.Conv2d branches weighted and summed; the attention against adaptive pooling, Linear and softmax."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode

from convkit.dynamic import (
    dynamic_conv2d, dynamic_conv2d_naive, dynamic_conv_cost, kernel_attention,
)


def tensor(x):
    return torch.from_numpy(np.asarray(x))


def torch_per_example(x, w, a, b, stride, padding, dilation, groups):
    """Example n convolved by F.conv2d with sum_xi a[n, xi] w[xi], mixed in torch."""
    xt, wt, at = tensor(x), tensor(w), tensor(a)
    outs = []
    for n in range(xt.shape[0]):
        mixed = (at[n].reshape(-1, 1, 1, 1, 1) * wt).sum(0)
        mixed_bias = None if b is None else (at[n].reshape(-1, 1) * tensor(b)).sum(0)
        outs.append(F.conv2d(xt[n:n + 1], mixed, mixed_bias, stride, padding, dilation, groups)[0])
    return torch.stack(outs).numpy()


def torch_branches(x, w, a, b, stride, padding, dilation, groups):
    """E torch.nn.Conv2d modules, each output scaled by its example's weight, summed."""
    xt, at = tensor(x), tensor(a)
    total = 0
    for xi in range(w.shape[0]):
        conv = torch.nn.Conv2d(w.shape[2] * groups, w.shape[1], w.shape[3:], stride, padding, dilation,
                               groups, bias=b is not None).to(xt.dtype)
        with torch.no_grad():
            conv.weight.copy_(tensor(w[xi]))
            if b is not None:
                conv.bias.copy_(tensor(b[xi]))
            total = total + at[:, xi].reshape(-1, 1, 1, 1) * conv(xt)
    return total.numpy()


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 3), e=st.integers(1, 4), groups=st.integers(1, 3), cin_g=st.integers(1, 2),
       cout_g=st.integers(1, 3), k=st.integers(1, 3), stride=st.integers(1, 2), padding=st.integers(0, 2),
       dilation=st.integers(1, 2), bias=st.booleans(), batched=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**16))
def test_matches_torch(n, e, groups, cin_g, cout_g, k, stride, padding, dilation, bias, batched, dtype, seed):
    rng = np.random.default_rng(seed)
    c_in, c_out = groups * cin_g, groups * cout_g
    size = dilation * (k - 1) + 1 + int(rng.integers(0, 5))
    x = rng.standard_normal((n, c_in, size, size + 1)).astype(dtype)
    w = rng.standard_normal((e, c_out, cin_g, k, k)).astype(dtype)
    a = rng.dirichlet(np.ones(e), size=n).astype(dtype)
    b = rng.standard_normal((e, c_out)).astype(dtype) if bias else None
    args = (stride, padding, dilation, groups)
    expected = torch_per_example(x, w, a, b, *args)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(torch_branches(x, w, a, b, *args), expected, rtol=tol, atol=tol)
    for function in (dynamic_conv2d, dynamic_conv2d_naive):
        if batched:
            got = function(x, w, a, b, *args)
        else:
            got = function(x[0], w, a[0], b, *args)
            expected = expected[:1]
        assert got.dtype == dtype
        assert got.shape == (expected.shape if batched else expected.shape[1:])
        np.testing.assert_allclose(got.reshape(expected.shape), expected, rtol=tol, atol=tol)


def test_examples_get_different_kernels():
    """Two copies of one image with different attention give different outputs; the same attention, the same."""
    rng = np.random.default_rng(1)
    x = np.repeat(rng.standard_normal((1, 2, 6, 6)), 3, axis=0)
    w = rng.standard_normal((2, 3, 2, 3, 3))
    out = dynamic_conv2d(x, w, [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(out[0], F.conv2d(tensor(x[:1]), tensor(w[0]))[0].numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(out[1], F.conv2d(tensor(x[:1]), tensor(w[1]))[0].numpy(), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(out[0], out[2])


def test_integers_are_exact():
    rng = np.random.default_rng(2)
    x = rng.integers(-3, 4, (2, 4, 6, 5))
    w = rng.integers(-3, 4, (3, 4, 2, 3, 3))
    a = rng.integers(0, 3, (2, 3))
    b = rng.integers(-3, 4, (3, 4))
    got = dynamic_conv2d(x, w, a, b, padding=1, groups=2)
    assert got.dtype.kind == "i"
    expected = torch_per_example(x.astype(float), w.astype(float), a.astype(float), b.astype(float), 1, 1, 1, 2)
    np.testing.assert_array_equal(got, expected.astype(np.int64))
    np.testing.assert_array_equal(dynamic_conv2d_naive(x, w, a, b, 1, 1, 1, 2), got)


def test_empty_batch_as_conv2d():
    x, w, a = np.zeros((0, 2, 4, 4)), np.ones((3, 1, 2, 3, 3)), np.zeros((0, 3))
    expected = tuple(F.conv2d(tensor(x), tensor(w[0])).shape)   # torch allows N = 0
    for function in (dynamic_conv2d, dynamic_conv2d_naive):
        assert function(x, w, a).shape == expected


@pytest.mark.parametrize("activation, temperature", [("softmax", 1.0), ("softmax", 30.0), ("sigmoid", 1.0)])
@pytest.mark.parametrize("batched", [True, False])
def test_kernel_attention_against_torch(activation, temperature, batched):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 5, 4, 6))
    w = rng.standard_normal((4, 5))
    b = rng.standard_normal(4)
    linear = torch.nn.Linear(5, 4).double()
    with torch.no_grad():
        linear.weight.copy_(tensor(w))
        linear.bias.copy_(tensor(b))
        logits = linear(F.adaptive_avg_pool2d(tensor(x), 1).flatten(1))
        expected = (torch.sigmoid(logits) if activation == "sigmoid"
                    else torch.softmax(logits / temperature, dim=1)).numpy()
    got = kernel_attention(x if batched else x[0], w, b, temperature, activation)
    np.testing.assert_allclose(got, expected if batched else expected[0], rtol=0, atol=1e-12)


def test_kernel_attention_softmax_does_not_overflow():
    got = kernel_attention(np.full((1, 1, 2, 2), 1000.0), np.array([[1.0], [2.0]]))
    np.testing.assert_allclose(got, [[0.0, 1.0]], atol=1e-12)


@pytest.mark.parametrize("c_in, c_out, k, e, size, groups", [(8, 16, 3, 4, 10, 1), (6, 6, 5, 2, 7, 3),
                                                             (4, 8, 1, 8, 5, 1)])
def test_dynamic_conv_cost_against_the_flop_counter(c_in, c_out, k, e, size, groups):
    """Torch's FLOP counter (2 FLOPs per multiply-add) on the two computations of one example."""
    mixed, branches = dynamic_conv_cost(c_in, c_out, k, e, output_size=size, groups=groups)
    x = torch.zeros(1, c_in, size + k - 1, size + k - 1, dtype=torch.float64)
    w = torch.zeros(e, c_out, c_in // groups, k, k, dtype=torch.float64)
    a = torch.zeros(e, 1, dtype=torch.float64)
    with FlopCounterMode(display=False) as counter:
        kernel = (w.reshape(e, -1).T @ a).reshape(w.shape[1:])      # E MACs per weight entry
        F.conv2d(x, kernel, groups=groups)
    assert counter.get_total_flops() == 2 * mixed.macs
    with FlopCounterMode(display=False) as counter:
        outs = torch.stack([F.conv2d(x, w[xi], groups=groups) for xi in range(e)])  # (E, 1, C_out, o, o)
        (a.reshape(1, e) @ outs.reshape(e, -1))                     # E MACs per output value
    assert counter.get_total_flops() == 2 * branches.macs
    params = sum(p.numel() for p in torch.nn.Conv2d(c_in, c_out, k, groups=groups, bias=False).parameters())
    assert mixed.params == branches.params == e * params


class TestBadInput:
    def setup_method(self):
        self.x = np.ones((2, 4, 5, 5))
        self.w = np.ones((3, 6, 4, 3, 3))
        self.a = np.ones((2, 3)) / 3

    def test_weight_not_5d(self):
        with pytest.raises(ValueError, match="weight"):
            dynamic_conv2d(self.x, self.w[0], self.a)

    def test_attention_wrong_shape(self):
        with pytest.raises(ValueError, match="attention"):
            dynamic_conv2d(self.x, self.w, np.ones((2, 4)))

    def test_attention_unbatched_wrong_shape(self):
        with pytest.raises(ValueError, match="attention"):
            dynamic_conv2d(self.x[0], self.w, self.a)

    def test_bias_wrong_shape(self):
        with pytest.raises(ValueError, match="bias"):
            dynamic_conv2d(self.x, self.w, self.a, np.ones(6))

    def test_channels_mismatch(self):
        with pytest.raises(ValueError, match="input"):
            dynamic_conv2d(np.ones((2, 5, 5, 5)), self.w, self.a)

    def test_kernel_larger_than_padded_input(self):
        with pytest.raises(RuntimeError, match="Kernel size"):  # torch refuses it too
            F.conv2d(torch.ones(2, 4, 2, 2), torch.ones(6, 4, 3, 3))
        with pytest.raises(ValueError, match="kernel"):
            dynamic_conv2d(np.ones((2, 4, 2, 2)), self.w, self.a)

    def test_negative_dilation(self):
        with pytest.raises(ValueError, match="dilation"):
            dynamic_conv2d(self.x, self.w, self.a, dilation=-1)

    def test_groups_not_dividing(self):
        with pytest.raises(ValueError, match="groups"):
            dynamic_conv2d(self.x, self.w, self.a, groups=3)

    def test_attention_not_numeric(self):
        with pytest.raises(TypeError, match="attention"):
            dynamic_conv2d(self.x, self.w, [["a"] * 3] * 2)

    def test_kernel_attention_bad_temperature(self):
        with pytest.raises(ValueError, match="temperature"):
            kernel_attention(self.x, np.ones((3, 4)), temperature=0)

    def test_kernel_attention_bad_activation(self):
        with pytest.raises(ValueError, match="activation"):
            kernel_attention(self.x, np.ones((3, 4)), activation="relu")

    def test_kernel_attention_weight_shape(self):
        with pytest.raises(ValueError, match="weight"):
            kernel_attention(self.x, np.ones((3, 5)))

    def test_cost_bad_num_kernels(self):
        with pytest.raises(ValueError, match="num_kernels"):
            dynamic_conv_cost(4, 4, 3, 0)
