"""convkit.causal against PyTorch: F.conv1d with explicit left padding (F.pad), autograd, loops."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import convkit
from convkit.causal import (
    CausalConv1dStream, causal_conv1d, causal_conv1d_naive, causal_receptive_field,
)


def torch_causal(x, w, b=None, dilation=1, groups=1):
    k = w.shape[-1]
    xt = torch.from_numpy(np.asarray(x, dtype=np.float64))
    unbatched = xt.ndim == 2
    if unbatched:
        xt = xt[None]
    out = F.conv1d(F.pad(xt, (dilation * (k - 1), 0)), torch.from_numpy(np.asarray(w, dtype=np.float64)),
                   None if b is None else torch.from_numpy(np.asarray(b, dtype=np.float64)),
                   dilation=dilation, groups=groups)
    return (out[0] if unbatched else out).numpy()


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 3), groups=st.integers(1, 3), cin_g=st.integers(1, 3), cout_g=st.integers(1, 3),
       k=st.integers(1, 5), dilation=st.integers(1, 4), length=st.integers(1, 12),
       bias=st.booleans(), batched=st.booleans(), dtype=st.sampled_from([np.float32, np.float64]),
       seed=st.integers(0, 2**16))
def test_matches_torch(n, groups, cin_g, cout_g, k, dilation, length, bias, batched, dtype, seed):
    rng = np.random.default_rng(seed)
    shape = (n, groups * cin_g, length) if batched else (groups * cin_g, length)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((groups * cout_g, cin_g, k)).astype(dtype)
    b = rng.standard_normal(groups * cout_g).astype(dtype) if bias else None
    got = causal_conv1d(x, w, b, dilation=dilation, groups=groups)
    expected = torch_causal(x, w, b, dilation, groups)
    assert got.dtype == dtype
    assert got.shape == expected.shape == shape[:-2] + (groups * cout_g, length)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)
    naive = causal_conv1d_naive(x, w, b, dilation=dilation, groups=groups)
    np.testing.assert_allclose(naive, expected, rtol=tol, atol=tol)


def test_integers_are_exact():
    rng = np.random.default_rng(0)
    x = rng.integers(-5, 6, size=(2, 4, 17))
    w = rng.integers(-3, 4, size=(6, 2, 3))
    b = rng.integers(-3, 4, size=6)
    got = causal_conv1d(x, w, b, dilation=3, groups=2)
    assert got.dtype.kind == "i"
    np.testing.assert_array_equal(got, torch_causal(x, w, b, 3, 2).astype(np.int64))
    np.testing.assert_array_equal(causal_conv1d_naive(x, w, b, dilation=3, groups=2), got)


def test_jacobian_is_exactly_lower_triangular():
    rng = np.random.default_rng(1)
    w = torch.from_numpy(rng.standard_normal((1, 1, 3)))
    jac = torch.autograd.functional.jacobian(
        lambda s: F.conv1d(F.pad(s[None, None], (4, 0)), w, dilation=2)[0, 0],
        torch.from_numpy(rng.standard_normal(12)))
    jac = jac.numpy()
    assert np.all(np.triu(jac, 1) == 0)
    # and convkit computes the same map: column j of the Jacobian is the response to e_j
    eye = np.eye(12)
    responses = np.stack([causal_conv1d(e[None], w.numpy(), dilation=2)[0] for e in eye], axis=1)
    np.testing.assert_allclose(responses, jac, atol=1e-12)
    # 'same' padding is not causal: its Jacobian has entries above the diagonal
    same = torch.autograd.functional.jacobian(
        lambda s: F.conv1d(s[None, None], w, padding="same", dilation=2)[0, 0],
        torch.from_numpy(rng.standard_normal(12))).numpy()
    assert np.any(np.triu(same, 1) != 0)


@pytest.mark.parametrize("k, dilation, groups, batch", [(1, 1, 1, None), (2, 1, 1, 3), (3, 2, 1, None),
                                                         (4, 3, 2, 2), (5, 1, 4, None), (3, 5, 1, 1)])
def test_stream_equals_full_computation(k, dilation, groups, batch):
    rng = np.random.default_rng(k * 10 + dilation)
    c_in, c_out, length = 4, 4, 23
    w = rng.standard_normal((c_out, c_in // groups, k))
    b = rng.standard_normal(c_out)
    x = rng.standard_normal((batch or 1, c_in, length))
    stream = CausalConv1dStream(w, b, dilation=dilation, groups=groups, batch_size=batch)
    expected_buffer = (c_in, dilation * (k - 1)) if batch is None else (batch, c_in, dilation * (k - 1))
    assert stream.buffer.shape == expected_buffer
    steps = [stream.step(x[:, :, t] if batch else x[0, :, t]) for t in range(length)]
    got = np.stack(steps, axis=-1)
    expected = torch_causal(x if batch else x[0], w, b, dilation, groups)
    assert np.max(np.abs(got - expected)) < 1e-12
    assert stream.macs == length * (batch or 1) * c_out * (c_in // groups) * k
    assert stream.t == length
    stream.reset()
    assert stream.t == 0 and not stream.buffer.any()


def test_stream_integers_exact_and_buffer_holds_the_past():
    w = np.array([[[1, 10, 100]]])
    stream = CausalConv1dStream(w, dilation=2)
    x = np.arange(1, 9)
    out = [int(stream.step(np.array([v]))[0]) for v in x]
    assert out == causal_conv1d(x[None], w, dilation=2)[0].tolist()
    assert sorted(stream.buffer[0].tolist()) == [5, 6, 7, 8]   # the last d(k-1) = 4 inputs


def test_receptive_field():
    assert causal_receptive_field(2, [1, 2, 4, 8]) == 16
    assert causal_receptive_field([3, 2], [1, 4]) == 1 + 2 + 4
    block = [(2, 1, 2 ** i) for i in range(10)]
    assert causal_receptive_field(2, [2 ** i for i in range(10)] * 3) == convkit.receptive_field(block * 3)


def test_receptive_field_by_autograd():
    dilations, k = [1, 2, 4, 3], 3
    r = causal_receptive_field(k, dilations)
    x = torch.zeros(1, 1, 40, dtype=torch.float64, requires_grad=True)
    y = x
    for d in dilations:
        y = F.conv1d(F.pad(y, (d * (k - 1), 0)), torch.ones(1, 1, k, dtype=torch.float64), dilation=d)
    y[0, 0, -1].backward()
    reached = np.flatnonzero(x.grad[0, 0].numpy())
    assert reached.max() == 39 and 39 - reached.min() + 1 == r


@pytest.mark.parametrize("kwargs, exc, word", [
    (dict(dilation=0), ValueError, "dilation"),
    (dict(dilation=-1), ValueError, "dilation"),
    (dict(dilation=1.5), TypeError, "dilation"),
    (dict(groups=3), ValueError, "groups"),
    (dict(groups=0), ValueError, "groups"),
    (dict(weight=np.ones((4, 4))), ValueError, "weight"),
    (dict(weight=np.ones((4, 3, 2))), ValueError, "in"),
    (dict(input=np.ones(5)), ValueError, "input"),
    (dict(bias=np.ones(3)), ValueError, "bias"),
    (dict(input="abc"), TypeError, "input"),
])
@pytest.mark.parametrize("fn", [causal_conv1d, causal_conv1d_naive])
def test_bad_input_names_the_argument(fn, kwargs, exc, word):
    args = dict(input=np.ones((1, 4, 6)), weight=np.ones((4, 2, 3)), bias=None, dilation=1, groups=2)
    args.update(kwargs)
    with pytest.raises(exc, match=word):
        fn(**args)


def test_kernel_longer_than_the_sequence_is_fine():
    x, w = np.arange(1.0, 4.0)[None], np.ones((1, 1, 6))
    np.testing.assert_allclose(causal_conv1d(x, w), torch_causal(x, w))


@pytest.mark.parametrize("kwargs, exc, word", [
    (dict(dilation=0), ValueError, "dilation"),
    (dict(groups=3), ValueError, "groups"),
    (dict(weight=np.ones((2, 2))), ValueError, "weight"),
    (dict(bias=np.ones(5)), ValueError, "bias"),
    (dict(batch_size=0), ValueError, "batch_size"),
])
def test_stream_bad_input(kwargs, exc, word):
    args = dict(weight=np.ones((4, 2, 3)), bias=None, dilation=1, groups=2, batch_size=None)
    args.update(kwargs)
    with pytest.raises(exc, match=word):
        CausalConv1dStream(**args)


def test_stream_step_shape_checked():
    stream = CausalConv1dStream(np.ones((2, 3, 2)))
    with pytest.raises(ValueError, match="x_t"):
        stream.step(np.ones(2))
    with pytest.raises(ValueError, match="groups"):
        causal_conv1d(np.ones((4, 6)), np.ones((2, 3, 2)), groups=2)


def test_receptive_field_bad_input():
    with pytest.raises(ValueError, match="dilations"):
        causal_receptive_field(2, [1, 0])
    with pytest.raises(ValueError, match="same length"):
        causal_receptive_field([2, 3], [1])
    with pytest.raises(TypeError, match="dilations"):
        causal_receptive_field(2, 4)
    with pytest.raises(ValueError, match="kernel_size"):
        causal_receptive_field(0, [1])
