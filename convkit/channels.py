"""Multi-channel convolution taken apart, one kernel at a time (chapter 2).

A filter of a 2D convolution is a stack of ``C_in`` kernels, one per input
channel. Each kernel correlates its own channel; the ``C_in`` maps are then
summed (plus the bias) into one output channel:

.. math::

    y[o] = b[o] + \\sum_c x[c] \\star w[o, c]

``per_channel_maps`` returns the maps *before* that sum, so a chapter can
show them and check that summing them gives ``conv2d``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, split_batch
from .conv import conv2d

__all__ = ["per_channel_maps", "per_channel_maps_naive"]


def _args(input, weight):
    x = as_array(input, "input")
    w = as_array(weight, "weight")
    if w.ndim != 4:
        raise ValueError(f"weight must be 4D (C_out, C_in, kH, kW), got shape {w.shape}")
    batched, unbatched = split_batch(x, 2)
    if batched.shape[1] != w.shape[1]:
        raise ValueError(
            f"input has {batched.shape[1]} channels but weight of shape {w.shape} expects "
            f"{w.shape[1]} (weight.shape[1])"
        )
    return batched, w, unbatched


def per_channel_maps(input, weight, stride=1, padding=0, dilation=1):
    """Every kernel's map before the sum over input channels.

    Parameters
    ----------
    input : array_like, shape (C_in, H, W) or (N, C_in, H, W)
    weight : array_like, shape (C_out, C_in, kH, kW)
        ``C_out`` filters of ``C_in`` kernels each (no groups).
    stride, padding, dilation
        As in :func:`convkit.conv.conv2d`.

    Returns
    -------
    numpy.ndarray, shape (C_out, C_in, H_out, W_out) or (N, C_out, C_in, H_out, W_out)
        ``maps[o, c] = x[c] correlated with weight[o, c]``, so that
        ``maps.sum(axis=-3) + bias[:, None, None]`` equals
        ``conv2d(input, weight, bias, stride, padding, dilation)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`convkit.conv.conv2d`, plus a channel mismatch between
        ``input`` and ``weight``.

    Notes
    -----
    Chapter 2. Computed as one depthwise convolution: the ``C_out * C_in``
    kernels are regrouped so that each sees its single input channel.

    Examples
    --------
    >>> x = np.stack([np.ones((3, 3)), 10 * np.ones((3, 3))])  # (C_in=2, H, W)
    >>> w = np.ones((1, 2, 3, 3))                              # (C_out=1, C_in=2, kH, kW)
    >>> per_channel_maps(x, w)[0, :, 0, 0]
    array([ 9., 90.])
    """
    batched, w, unbatched = _args(input, weight)
    c_out, c_in, kh, kw = w.shape
    # Kernel w[o, c] must see channel c only: order them channel-major so that a
    # convolution with groups=C_in hands channel c the kernels c*C_out .. c*C_out+C_out-1.
    regrouped = np.swapaxes(w, 0, 1).reshape(c_in * c_out, 1, kh, kw)  # (C_in*C_out, 1, kH, kW)
    maps = conv2d(batched, regrouped, None, stride, padding, dilation, groups=c_in)
    n, _, h_out, w_out = maps.shape
    maps = maps.reshape(n, c_in, c_out, h_out, w_out)  # (N, C_in, C_out, H_out, W_out)
    maps = np.ascontiguousarray(np.swapaxes(maps, 1, 2))  # (N, C_out, C_in, H_out, W_out)
    return maps[0] if unbatched else maps


def per_channel_maps_naive(input, weight, stride=1, padding=0, dilation=1):
    """Loop reference for :func:`per_channel_maps`: one single-channel conv2d per kernel.

    Parameters
    ----------
    input : array_like, shape (C_in, H, W) or (N, C_in, H, W)
    weight : array_like, shape (C_out, C_in, kH, kW)
    stride, padding, dilation
        As in :func:`convkit.conv.conv2d`.

    Returns
    -------
    numpy.ndarray, shape (C_out, C_in, H_out, W_out) or (N, C_out, C_in, H_out, W_out)
        Equal to ``per_channel_maps(input, weight, stride, padding, dilation)``.
    """
    batched, w, unbatched = _args(input, weight)
    c_out, c_in = w.shape[:2]
    rows = []
    for o in range(c_out):
        row = [conv2d(batched[:, c:c + 1], w[o:o + 1, c:c + 1], None, stride, padding, dilation)
               for c in range(c_in)]  # each (N, 1, H_out, W_out)
        rows.append(np.concatenate(row, axis=1))  # (N, C_in, H_out, W_out)
    maps = np.stack(rows, axis=1)  # (N, C_out, C_in, H_out, W_out)
    return maps[0] if unbatched else maps
