"""Depthwise, pointwise and depthwise separable convolutions (chapters 5 and 9).

A standard convolution filters space and mixes channels in one step. A
depthwise separable convolution (Xception, MobileNets) splits the two: a
depthwise convolution filters each channel on its own, then a pointwise (1x1)
one mixes the channels. In PyTorch: ``nn.Conv2d(C, C * K, k, groups=C)`` then
``nn.Conv2d(C * K, C_out, 1)``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, check_bias, renamed, split_batch
from .conv import conv2d

__all__ = [
    "depthwise_conv2d",
    "depthwise_conv2d_naive",
    "depthwise_separable_conv2d",
    "pointwise_conv2d",
]


def _depthwise_args(input, weight):
    x = as_array(input, "input")
    w = as_array(weight, "weight")
    if w.ndim != 4 or w.shape[1] != 1:
        raise ValueError(
            f"weight of a depthwise convolution must have shape (C_in * K, 1, kH, kW), "
            f"got {w.shape}"
        )
    batched, _ = split_batch(x, 2)
    channels = batched.shape[1]
    if channels == 0:
        raise ValueError(f"input must have at least one channel, got shape {x.shape}")
    if w.shape[0] % channels:
        raise ValueError(
            f"weight has {w.shape[0]} kernels, which is not a multiple of the "
            f"{channels} input channels (depth multiplier K = C_out / C_in)"
        )
    return x, w, channels


def depthwise_conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    """Depthwise convolution: each input channel filtered by its own kernels.

    Output channel ``c * K + j`` is input channel ``c`` correlated with
    ``weight[c * K + j, 0]``; no channel sees another. This is
    ``conv2d(..., groups=C_in)``, PyTorch's layout.

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    weight : array_like, shape (C_in * K, 1, kH, kW)
        ``K`` kernels per input channel (the depth multiplier).
    bias : array_like, shape (C_in * K,), optional
    stride, padding, dilation
        As in :func:`convkit.conv.conv2d` (``padding`` may be ``'same'``).

    Returns
    -------
    numpy.ndarray, shape (N, C_in * K, H_out, W_out) or (C_in * K, H_out, W_out)

    Raises
    ------
    TypeError, ValueError
        As :func:`convkit.conv.conv2d`, plus a weight that is not
        ``(C_in * K, 1, kH, kW)``.

    Notes
    -----
    Chapter 9. Parameters ``C_in K kH kW`` instead of ``C_in C_out kH kW``.

    Examples
    --------
    >>> x = np.stack([np.ones((3, 3)), 2 * np.ones((3, 3))])  # (C_in=2, H, W)
    >>> w = np.ones((2, 1, 3, 3))                             # K = 1
    >>> depthwise_conv2d(x, w)[:, 0, 0]
    array([ 9., 18.])
    """
    x, w, channels = _depthwise_args(input, weight)
    return conv2d(x, w, bias, stride, padding, dilation, groups=channels)


def depthwise_conv2d_naive(input, weight, bias=None, stride=1, padding=0, dilation=1):
    """Loop reference for :func:`depthwise_conv2d`: one single-channel conv2d per kernel.

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    weight : array_like, shape (C_in * K, 1, kH, kW)
    bias : array_like, shape (C_in * K,), optional
    stride, padding, dilation
        As in :func:`convkit.conv.conv2d`.

    Returns
    -------
    numpy.ndarray, shape (N, C_in * K, H_out, W_out) or (C_in * K, H_out, W_out)
        Equal to ``depthwise_conv2d(input, weight, bias, stride, padding, dilation)``.
    """
    x, w, channels = _depthwise_args(input, weight)
    batched, unbatched = split_batch(x, 2)
    multiplier = w.shape[0] // channels
    bias = None if bias is None else as_array(bias, "bias")
    check_bias(bias, w.shape[0])
    maps = []
    for out_channel in range(w.shape[0]):
        source = out_channel // multiplier  # the one input channel this kernel sees
        b = None if bias is None else bias[out_channel:out_channel + 1]
        maps.append(conv2d(batched[:, source:source + 1], w[out_channel:out_channel + 1], b,
                           stride, padding, dilation))  # (N, 1, H_out, W_out)
    out = np.concatenate(maps, axis=1)  # (N, C_in * K, H_out, W_out)
    return out[0] if unbatched else out


def pointwise_conv2d(input, weight, bias=None, groups=1):
    """Pointwise (1x1) convolution: a matrix multiply over the channels at every pixel.

    ``y[n, o, i, j] = b[o] + sum_c weight[o, c] x[n, c, i, j]``, the same as
    ``torch.nn.Linear`` applied to the channel axis.

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    weight : array_like, shape (C_out, C_in / groups, 1, 1) or (C_out, C_in / groups)
        The 2D form is the matrix of ``nn.Linear``.
    bias : array_like, shape (C_out,), optional
    groups : int, default 1
        Pointwise *grouped* convolution (chapter 13) when above 1.

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H, W) or (C_out, H, W)

    Raises
    ------
    TypeError, ValueError
        As :func:`convkit.conv.conv2d`, plus a weight that is neither 2D nor
        ``(C_out, C_in / groups, 1, 1)``.

    Notes
    -----
    Chapters 5 (pointwise, Network in Network, Inception's reduction) and 9.

    Examples
    --------
    >>> x = np.arange(8.0).reshape(2, 2, 2)  # (C_in, H, W)
    >>> pointwise_conv2d(x, [[1.0, 1.0]])    # sum the two channels
    array([[[ 4.,  6.],
            [ 8., 10.]]])
    """
    w = as_array(weight, "weight")
    if w.ndim == 2:
        w = w[:, :, np.newaxis, np.newaxis]  # (C_out, C_in / groups, 1, 1)
    elif w.ndim != 4 or w.shape[2:] != (1, 1):
        raise ValueError(
            f"weight of a pointwise convolution must have shape (C_out, C_in/groups) or "
            f"(C_out, C_in/groups, 1, 1), got {w.shape}"
        )
    return conv2d(input, w, bias, 1, 0, 1, groups)


def depthwise_separable_conv2d(input, depthwise_weight, pointwise_weight, depthwise_bias=None,
                               pointwise_bias=None, stride=1, padding=0, dilation=1):
    """Depthwise separable convolution: depthwise ``k x k``, then pointwise 1x1.

    Parameters
    ----------
    input : array_like, shape (N, C_in, H, W) or (C_in, H, W)
    depthwise_weight : array_like, shape (C_in * K, 1, kH, kW)
    pointwise_weight : array_like, shape (C_out, C_in * K, 1, 1) or (C_out, C_in * K)
    depthwise_bias : array_like, shape (C_in * K,), optional
    pointwise_bias : array_like, shape (C_out,), optional
    stride, padding, dilation
        Of the depthwise step (the pointwise step has none).

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out) or (C_out, H_out, W_out)

    Raises
    ------
    TypeError, ValueError
        As :func:`depthwise_conv2d` and :func:`pointwise_conv2d`.

    Notes
    -----
    Chapter 9. No non-linearity between the two steps: Xception found none
    works best, and without one the pair is a standard convolution whose
    weight has the factored form
    ``W[o, c, u, v] = sum_j P[o, c K + j] D[c K + j, 0, u, v]``. Its cost:
    :func:`convkit.costs.depthwise_separable_cost`.

    Examples
    --------
    >>> x = np.ones((3, 5, 5))
    >>> out = depthwise_separable_conv2d(x, np.ones((3, 1, 3, 3)), np.ones((8, 3)))
    >>> out.shape
    (8, 3, 3)
    """
    # The two steps check their own arguments; the messages name ours.
    with renamed(weight="depthwise_weight", bias="depthwise_bias"):
        hidden = depthwise_conv2d(input, depthwise_weight, depthwise_bias, stride, padding,
                                  dilation)  # (N, C_in * K, H_out, W_out)
    with renamed(weight="pointwise_weight", bias="pointwise_bias"):
        return pointwise_conv2d(hidden, pointwise_weight, pointwise_bias)  # (N, C_out, H_out, W_out)
