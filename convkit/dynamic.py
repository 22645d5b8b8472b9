"""Dynamic convolution: a per-example mixture of E kernels, computed as one convolution (chapter 18).

CondConv (Yang et al. 2019) and dynamic convolution (Chen et al. 2020) keep
``E`` kernels ``w^(1), ..., w^(E)`` and, for each example, a weight
``lambda_xi(x)`` per kernel computed from the example itself (global
average pooling, a small linear layer, a sigmoid or a softmax:
:func:`kernel_attention`). A convolution is linear in its weight, so

``sum_xi lambda_xi * conv(x, w^(xi), b^(xi)) == conv(x, sum_xi lambda_xi w^(xi),
sum_xi lambda_xi b^(xi))``:

the E convolutions of :func:`dynamic_conv2d_naive` cost as much as one
convolution with the mixed kernel (:func:`dynamic_conv2d`) plus the mixing.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_array, check_groups, check_int, check_real, result_dtype, split_batch, to_tuple,
)
from .conv import conv2d
from .costs import Cost, conv_cost

__all__ = [
    "dynamic_conv2d",
    "dynamic_conv2d_naive",
    "dynamic_conv_cost",
    "kernel_attention",
]


def _operands(input, weight, attention, bias):
    """Check a dynamic convolution's arrays; return ``(x, weight, attention, bias, unbatched)``."""
    w = as_array(weight, "weight")
    if w.ndim != 5:
        raise ValueError(f"weight must be 5D (E, C_out, C_in/groups, kH, kW), got shape {w.shape}")
    if 0 in w.shape:
        raise ValueError(f"weight must not be empty, got shape {w.shape}")
    x, unbatched = split_batch(as_array(input, "input"), 2, "input")   # (N, C_in, H, W)
    a = as_array(attention, "attention")
    expected = (w.shape[0],) if unbatched else (x.shape[0], w.shape[0])
    if a.shape != expected:
        layout = "(E,)" if unbatched else "(N, E)"
        raise ValueError(f"attention must have shape {layout} = {expected}, one weight per kernel "
                         f"for each example, got shape {a.shape}")
    b = None if bias is None else as_array(bias, "bias")
    if b is not None and b.shape != w.shape[:2]:
        raise ValueError(f"bias must have shape (E, C_out) = {w.shape[:2]}, got shape {b.shape}")
    return x, w, a.reshape(x.shape[0], w.shape[0]), b, unbatched    # attention (N, E)


def dynamic_conv2d(input, weight, attention, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Dynamic convolution: example ``n`` is convolved with its own mixed kernel.

    ``out[n] = conv2d(input[n], sum_xi attention[n, xi] * weight[xi],
    sum_xi attention[n, xi] * bias[xi], stride, padding, dilation, groups)``.

    The N convolutions run as one grouped convolution: the batch is moved into
    the channels, ``(1, N * C_in, H, W)``, the N mixed kernels stacked into
    ``(N * C_out, C_in/groups, kH, kW)``, and ``groups`` multiplied by N, so
    that example ``n``'s channels meet only example ``n``'s kernel. Public
    implementations of CondConv and dynamic convolution do the same.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)`` batched, or ``(C_in, H, W)`` unbatched.
    weight : array_like
        ``(E, C_out, C_in/groups, kH, kW)``: the E kernels.
    attention : array_like
        ``(N, E)`` (``(E,)`` unbatched): each example's weight for each kernel,
        for instance from :func:`kernel_attention`. Any real numbers are allowed.
    bias : array_like, optional
        ``(E, C_out)``, mixed like the kernels.
    stride, padding, dilation, groups
        As in :func:`convkit.conv2d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)``, or ``(C_out, H_out, W_out)`` unbatched.

    Raises
    ------
    TypeError, ValueError
        Naming the argument: a weight that is not 5D, an attention that is not
        ``(N, E)``, a bias that is not ``(E, C_out)``, and every error
        :func:`convkit.conv2d` raises.

    See Also
    --------
    dynamic_conv2d_naive : The E convolutions summed, example by example.

    Examples
    --------
    >>> x = np.arange(4.0).reshape(1, 2, 2)                   # (C_in, H, W)
    >>> w = np.stack([np.ones((1, 1, 2, 2)), np.zeros((1, 1, 2, 2))])  # (E, C_out, C_in, kH, kW)
    >>> dynamic_conv2d(x, w, [0.5, 0.5])
    array([[[3.]]])
    """
    x, w, a, b, unbatched = _operands(input, weight, attention, bias)
    n, c_in = x.shape[:2]
    e, c_out, per_group = w.shape[:3]
    groups = check_groups(groups, c_in, c_out)
    if per_group * groups != c_in:
        raise ValueError(f"weight has {per_group} input channels per group; input has {c_in} channels "
                         f"in {groups} groups, so C_in/groups = {c_in // groups}")
    if n == 0:                                                   # an empty batch (never unbatched)
        return conv2d(x, w[0], None, stride, padding, dilation, groups)
    mixed = np.tensordot(a, w, axes=([-1], [0]))                 # (N, C_out, C_in/g, kH, kW)
    mixed_bias = None if b is None else a @ b                    # (N, C_out)
    dtype = result_dtype(x, mixed, mixed_bias)
    stacked = mixed.reshape((n * c_out,) + mixed.shape[2:])      # (N * C_out, C_in/g, kH, kW)
    folded = x.reshape((1, n * c_in) + x.shape[2:])              # (1, N * C_in, H, W)
    flat_bias = None if mixed_bias is None else mixed_bias.reshape(n * c_out)
    out = conv2d(folded.astype(dtype, copy=False), stacked.astype(dtype, copy=False),
                 flat_bias, stride, padding, dilation, groups * n)   # (1, N * C_out, H_out, W_out)
    out = out.reshape((n, c_out) + out.shape[2:])                # (N, C_out, H_out, W_out)
    return out[0] if unbatched else out


def dynamic_conv2d_naive(input, weight, attention, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Dynamic convolution the long way: E ordinary convolutions per example, weighted and summed.

    ``out[n] = sum_xi attention[n, xi] * conv2d(input[n], weight[xi], bias[xi], ...)``:
    what a layer with E parallel branches computes, at about E times the
    multiply-adds of :func:`dynamic_conv2d`. The loop reference beside it.

    Parameters
    ----------
    input, weight, attention, bias, stride, padding, dilation, groups
        As in :func:`dynamic_conv2d`.

    Returns
    -------
    numpy.ndarray
        As :func:`dynamic_conv2d`.

    See Also
    --------
    dynamic_conv2d : One convolution per example with the mixed kernel.

    Examples
    --------
    >>> x = np.arange(4.0).reshape(1, 2, 2)
    >>> w = np.stack([np.ones((1, 1, 2, 2)), np.zeros((1, 1, 2, 2))])
    >>> dynamic_conv2d_naive(x, w, [0.5, 0.5])
    array([[[3.]]])
    """
    x, w, a, b, unbatched = _operands(input, weight, attention, bias)
    outputs = []
    for n in range(x.shape[0]):                                  # one example at a time
        total = 0
        for xi in range(w.shape[0]):                             # one kernel at a time
            branch = conv2d(x[n], w[xi], None if b is None else b[xi],
                            stride, padding, dilation, groups)   # (C_out, H_out, W_out)
            total = total + a[n, xi] * branch
        outputs.append(total)
    if not outputs:
        out = conv2d(x, w[0], None, stride, padding, dilation, groups)
    else:
        out = np.stack(outputs)                                  # (N, C_out, H_out, W_out)
    return out[0] if unbatched else out


def kernel_attention(input, weight, bias=None, temperature=1.0, activation="softmax"):
    """Each example's weights for the E kernels: global average pool, linear layer, softmax or sigmoid.

    ``softmax(linear(mean_{H,W}(input)) / temperature)`` (dynamic convolution,
    Chen et al. 2020, who use a temperature above 1 early in training), or
    ``sigmoid(linear(...))`` (CondConv, Yang et al. 2019). The paper's
    routing has a hidden layer (Chen et al.); one linear layer keeps the idea.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)``, or ``(C_in, H, W)``.
    weight : array_like
        ``(E, C_in)``, as ``torch.nn.Linear(C_in, E).weight``.
    bias : array_like, optional
        ``(E,)``.
    temperature : float, default 1.0
        Positive; divides the logits before the softmax (ignored by sigmoid).
    activation : {'softmax', 'sigmoid'}, default 'softmax'

    Returns
    -------
    numpy.ndarray
        ``(N, E)``, or ``(E,)`` unbatched. With softmax each row sums to 1.

    Examples
    --------
    >>> kernel_attention(np.ones((1, 2, 2)), np.zeros((3, 1)))
    array([0.33333333, 0.33333333, 0.33333333])
    """
    x = as_array(input, "input")
    w = as_array(weight, "weight")
    if x.ndim not in (3, 4):
        raise ValueError(f"input must be 3D (unbatched) or 4D (batched), got shape {x.shape}")
    if w.ndim != 2 or w.shape[1] != x.shape[-3]:
        raise ValueError(f"weight must be (E, C_in) with C_in = {x.shape[-3]}, got shape {w.shape}")
    temperature = check_real(temperature, "temperature", minimum=0, strict=True)
    if activation not in ("softmax", "sigmoid"):
        raise ValueError(f"activation must be 'softmax' or 'sigmoid', got {activation!r}")
    pooled = x.astype(np.promote_types(x.dtype, np.float32)).mean(axis=(-2, -1))  # (N, C_in)
    logits = pooled @ w.T                                        # (N, E)
    if bias is not None:
        b = as_array(bias, "bias")
        if b.shape != (w.shape[0],):
            raise ValueError(f"bias must have shape ({w.shape[0]},), got shape {b.shape}")
        logits = logits + b
    if activation == "sigmoid":
        return 1 / (1 + np.exp(-logits))
    logits = logits / temperature
    logits = logits - logits.max(axis=-1, keepdims=True)        # the same softmax, no overflow
    weights = np.exp(logits)
    return weights / weights.sum(axis=-1, keepdims=True)


def dynamic_conv_cost(in_channels, out_channels, kernel_size, num_kernels, output_size=1, groups=1):
    """:class:`~convkit.costs.Cost` of a dynamic convolution against its E separate convolutions.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of 2 ints
    num_kernels : int
        ``E``, the number of kernels mixed.
    output_size : int or tuple of 2 ints, default 1
    groups : int, default 1

    Returns
    -------
    mixed : Cost
        The E kernels' parameters, and the MACs of mixing them (``E`` per
        weight entry) plus one convolution.
    branches : Cost
        The same parameters, and the MACs of E convolutions (their weighted
        sum adds ``E`` per output value, counted too). The attention's pooling
        and linear layer, common to both, are left out of both costs.

    Examples
    --------
    >>> mixed, branches = dynamic_conv_cost(64, 64, 3, 4, output_size=56)
    >>> branches.macs / mixed.macs > 3.9
    True
    """
    e = check_int(num_kernels, "num_kernels", minimum=1)
    one = conv_cost(in_channels, out_channels, kernel_size, output_size, groups)
    out = to_tuple(output_size, 2, "output_size", minimum=1)
    outputs = check_int(out_channels, "out_channels", minimum=1) * out[0] * out[1]
    mixed = Cost(e * one.params, e * one.params + one.macs)
    branches = Cost(e * one.params, e * one.macs + e * outputs)
    return mixed, branches
