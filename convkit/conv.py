"""Standard convolutions (cross-correlations, as in deep learning) in 1, 2 and 3 D.

``conv1d``, ``conv2d`` and ``conv3d`` mirror ``torch.nn.functional``: same
argument names, order, defaults, tensor layouts and output shapes. In 2D,

.. math::

    y[n, o, i, j] = b[o] + \\sum_{c, u, v}
        w[o, c, u, v] \\, x_{pad}[n, g C_g + c, i s_H + u d_H, j s_W + v d_W]

where ``g`` is the group of output channel ``o`` and ``C_g = C_in / groups``
(the index names of ``conv2d_naive``'s loops).

Read this module top-down: the public functions (each checks its arguments
once, with ``conv_args`` of ``convkit/_params.py`` and the output size of
:mod:`convkit.sizes`), then the plain loops (``conv2d_naive`` writes the
formula above as seven loops). ``unfold`` is im2col: every window as a column, so that a
convolution is one matrix multiply, and ``conv2d_im2col`` runs exactly that;
``choose_conv_method`` says which algorithm suits given shapes, and why. The
vectorised functions run the im2col computation through the cache-blocked
fast path of ``convkit/_fast.py``, tested against ``conv2d_im2col``.

Chapter 1 (cross-correlation), chapter 2 (channels), chapter 3 (arithmetic)
and chapter 4 (3D) explain these operations.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._fast import conv_nd
from ._params import ConvArgs, conv_args
from ._validation import as_array, check_int, finish, is_int, split_batch, to_tuple
from .costs import conv2d_method_costs
from .sizes import output_sizes

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv1d_naive",
    "conv2d_naive",
    "conv3d_naive",
    "unfold",
    "conv2d_im2col",
    "choose_conv_method",
    "ConvMethod",
]


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2D convolution (a cross-correlation) of images, as ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)`` batched, or ``(C_in, H, W)`` unbatched. Anything
        ``np.asarray`` accepts (numpy arrays, nested lists, CPU torch
        tensors). ``N`` may be 0.
    weight : array_like
        ``(C_out, C_in/groups, kH, kW)``.
    bias : array_like, optional
        ``(C_out,)``, added to every position of its output channel.
    stride : int or tuple of 2 ints, default 1
        Step of the kernel between neighbouring outputs.
    padding : int, tuple of 2 ints, 'valid' or 'same', default 0
        Zeros added on both sides of each spatial axis. ``'valid'`` means
        none; ``'same'`` (stride 1 only) pads ``dilation * (k - 1)`` in
        total, half before and the odd one after as PyTorch does
        (:func:`~convkit.same_padding`), so the output keeps the input's size.
    dilation : int or tuple of 2 ints, default 1
        Spacing between the kernel's taps.
    groups : int, default 1
        Number of independent channel groups; ``C_in`` and ``C_out`` must both
        be divisible by it.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)``, without the batch axis for unbatched
        input, where along each axis
        ``o = floor((i + 2p - d (k - 1) - 1) / s) + 1``
        (:func:`~convkit.conv_output_size`). The dtype is numpy's promotion
        of input, weight and bias: float32 stays float32, float64 stays
        float64, integers give exact integer results (wrapping like numpy if
        they overflow their type).

    Raises
    ------
    TypeError
        If an array is not numeric, or stride, padding, dilation or groups has
        the wrong type.
    ValueError
        If a shape or value breaks one of PyTorch's rules (non-positive stride
        or dilation, negative padding, channels not divisible by groups,
        channel or rank mismatch, wrong bias shape, empty weight, channel or
        spatial axis, kernel larger than the padded input, 'same' with
        stride > 1, unknown padding string); the message names the argument.

    See Also
    --------
    conv2d_naive : The same computation as seven plain loops.
    unfold : The im2col matrix of the identity below.
    conv1d, conv3d : One and three spatial axes.
    convkit.conv_transpose2d : The transposed convolution.

    Notes
    -----
    A convolution is one matrix multiply with the matrix of its windows,
    :func:`unfold` (whose Notes give the identity), as :func:`conv2d_im2col`
    writes plainly. This function computes exactly that, tile by tile so
    that the copies stay in cache (``convkit/_fast.py``); a kernel of size
    one without padding needs no copy at all (chapter 5). Chapter 1
    (cross-correlation), chapter 2 (channels) and chapter 3 (arithmetic)
    explain it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv2d
    >>> x = np.arange(16).reshape(1, 4, 4)           # (C_in, H, W)
    >>> w = np.ones((1, 1, 2, 2), dtype=int)          # (C_out, C_in, kH, kW)
    >>> conv2d(x, w, stride=2)
    array([[[10, 18],
            [42, 50]]])
    """
    args = conv_args(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    return _conv_fast(args)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1D convolution (a cross-correlation) of signals, as ``torch.nn.functional.conv1d``.

    As :func:`conv2d`, with one spatial axis.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, L)`` batched, or ``(C_in, L)`` unbatched.
    weight : array_like
        ``(C_out, C_in/groups, kL)``.
    bias : array_like, optional
        ``(C_out,)``.
    stride, padding, dilation : int, tuple of 1 int, or (padding) 'valid' or 'same'
        As in :func:`conv2d`, for the one axis.
    groups : int, default 1
        As in :func:`conv2d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, L_out)``, without the batch axis for unbatched input.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv2d`.

    See Also
    --------
    conv2d : The same convolution over two spatial axes.
    conv1d_naive : The same computation as plain loops.
    convkit.correlate1d : One signal and one kernel, no channels or batch.

    Notes
    -----
    Chapter 1 (cross-correlation) and chapter 3 (arithmetic) explain it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv1d
    >>> conv1d(np.array([[1, 2, 3, 4]]), np.array([[[1, 0, -1]]]))
    array([[-2, -2]])
    """
    args = conv_args(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")
    return _conv_fast(args)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3D convolution (a cross-correlation) of volumes, as ``torch.nn.functional.conv3d``.

    As :func:`conv2d`, with three spatial axes.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, D, H, W)`` batched, or ``(C_in, D, H, W)`` unbatched.
    weight : array_like
        ``(C_out, C_in/groups, kD, kH, kW)``.
    bias : array_like, optional
        ``(C_out,)``.
    stride, padding, dilation : int, tuple of 3 ints, or (padding) 'valid' or 'same'
        As in :func:`conv2d`, one entry per axis.
    groups : int, default 1
        As in :func:`conv2d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, D_out, H_out, W_out)``, without the batch axis for
        unbatched input.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv2d`.

    See Also
    --------
    conv2d : The same convolution over two spatial axes.
    conv3d_naive : The same computation as plain loops.

    Notes
    -----
    Chapter 4 (3D convolution) explains it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv3d
    >>> x = np.ones((1, 1, 4, 4, 4), dtype=np.float32)  # (N, C_in, D, H, W)
    >>> w = np.ones((2, 1, 3, 3, 3), dtype=np.float32)  # (C_out, C_in, kD, kH, kW)
    >>> conv3d(x, w, padding='same').shape
    (1, 2, 4, 4, 4)
    """
    args = conv_args(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")
    return _conv_fast(args)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Every window of an image as a column of a matrix (im2col), as ``torch.nn.functional.unfold``.

    Parameters
    ----------
    input : array_like
        ``(N, C, H, W)`` batched, or ``(C, H, W)`` unbatched. ``N`` may be 0;
        ``C``, ``H`` and ``W`` may not (as in PyTorch).
    kernel_size : int or tuple of 2 ints
        Window size ``(kH, kW)``.
    dilation : int or tuple of 2 ints, default 1
        Spacing between the window's taps.
    padding : int or tuple of 2 ints, default 0
        Zeros added on both sides of each spatial axis.
    stride : int or tuple of 2 ints, default 1
        Step between neighbouring windows.

    Returns
    -------
    numpy.ndarray
        ``(N, C * kH * kW, L)``, or ``(C * kH * kW, L)`` for unbatched input,
        where ``L = H_out * W_out`` is the number of windows (the output
        size of a convolution with the same arguments). Row
        ``c * kH * kW + m * kW + n`` holds tap ``(m, n)`` of channel ``c``;
        column ``u * W_out + v`` is the window of output position ``(u, v)``.
        Same dtype as the input.

    Raises
    ------
    TypeError
        If ``input`` is not numeric, or an int argument has the wrong type.
    ValueError
        If ``input`` is not 3D or 4D or has an empty channel or spatial
        axis, ``kernel_size``, ``stride`` or ``dilation`` is not positive,
        ``padding`` is negative, or the window is larger than the padded
        input.

    See Also
    --------
    conv2d : ``unfold`` followed by one matrix multiply.

    Notes
    -----
    A convolution is one matrix multiply with this matrix: for a weight
    ``w`` of shape ``(C_out, C_in, kH, kW)``,

    ``conv2d(x, w) == (w.reshape(C_out, -1) @ unfold(x, (kH, kW))).reshape(N, C_out, H_out, W_out)``

    (with the same ``stride``, ``padding`` and ``dilation`` on both sides).
    The matrix holds ``kH * kW`` copies of the input at stride 1: that memory
    is the price of turning a convolution into a single matrix product.
    Chapter 2 (channels) and chapter 5 (pointwise) use it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import unfold
    >>> x = np.arange(9).reshape(1, 3, 3)             # (C, H, W)
    >>> unfold(x, 2)                                   # (C * kH * kW, L)
    array([[0, 1, 3, 4],
           [1, 2, 4, 5],
           [3, 4, 6, 7],
           [4, 5, 7, 8]])
    """
    x = as_array(input, "input")
    x, unbatched = split_batch(x, 2, "input")  # (N, C, H, W)
    if 0 in x.shape[1:]:
        raise ValueError(
            f"input must have non-zero channel and spatial sizes, got shape {x.shape[1:]}"
        )
    k_h, k_w = to_tuple(kernel_size, 2, "kernel_size", minimum=1)
    d_h, d_w = to_tuple(dilation, 2, "dilation", minimum=1)
    p_h, p_w = to_tuple(padding, 2, "padding", minimum=0)
    s_h, s_w = to_tuple(stride, 2, "stride", minimum=1)
    # The formula of chapter 3 on the tuples just checked (no second round of checks).
    h_out, w_out = output_sizes(x.shape[2:], (k_h, k_w), (s_h, s_w), (2 * p_h, 2 * p_w),
                                (d_h, d_w))
    n_batch, c = x.shape[:2]
    xp = np.pad(x, [(0, 0), (0, 0), (p_h, p_h), (p_w, p_w)])  # (N, C, H + 2p_H, W + 2p_W)
    extent = (d_h * (k_h - 1) + 1, d_w * (k_w - 1) + 1)  # the span of one dilated window
    # Every window at every position, as a read-only view; then every s-th
    # window and every d-th tap of it.
    windows = sliding_window_view(xp, extent, axis=(2, 3))  # (N, C, H_p - e_H + 1, W_p - e_W + 1, e_H, e_W)
    windows = windows[:, :, ::s_h, ::s_w, ::d_h, ::d_w]  # (N, C, H_out, W_out, kH, kW)
    columns = windows.transpose(0, 1, 4, 5, 2, 3)  # (N, C, kH, kW, H_out, W_out)
    columns = columns.reshape(n_batch, c * k_h * k_w, h_out * w_out)  # (N, C * kH * kW, L)
    return columns[0] if unbatched else columns


def conv2d_naive(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Loop reference for :func:`conv2d`: each output is the kernel dotted with its window.

    Parameters
    ----------
    input, weight, bias, stride, padding, dilation, groups
        As in :func:`conv2d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``conv2d(input, weight, bias, stride, padding, dilation,
        groups)``: same shape and dtype, and the same checks.

    See Also
    --------
    conv2d : The same convolution, vectorised.

    Notes
    -----
    Seven nested Python loops (batch, output channel, output row and column,
    input channel of the group, kernel row and column), one multiply-add at a
    time, exactly as in the formula of :mod:`convkit.conv`'s docstring; slow,
    meant for tests and for reading. Chapter 1 (cross-correlation), chapter
    2 (channels) and chapter 3 (arithmetic) explain it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv2d_naive
    >>> x = np.arange(16).reshape(1, 4, 4)           # (C_in, H, W)
    >>> w = np.ones((1, 1, 2, 2), dtype=int)          # (C_out, C_in, kH, kW)
    >>> conv2d_naive(x, w, stride=2)
    array([[[10, 18],
            [42, 50]]])
    """
    args = conv_args(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    return _naive_2d(args)


def conv1d_naive(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Loop reference for :func:`conv1d`: the dot product of the kernel with each window.

    Parameters
    ----------
    input, weight, bias, stride, padding, dilation, groups
        As in :func:`conv1d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``conv1d(...)`` with the same arguments.

    See Also
    --------
    conv1d : The same convolution, vectorised.
    conv2d_naive : The same loops over two spatial axes.

    Notes
    -----
    Python loops over the batch, the output channels and the output
    positions; slow, meant for tests and for reading. Chapter 1 explains it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv1d_naive
    >>> conv1d_naive(np.array([[1, 2, 3, 4]]), np.array([[[1, 0, -1]]]))
    array([[-2, -2]])
    """
    args = conv_args(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")
    return _naive(args)


def conv3d_naive(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Loop reference for :func:`conv3d`: the dot product of the kernel with each window.

    Parameters
    ----------
    input, weight, bias, stride, padding, dilation, groups
        As in :func:`conv3d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``conv3d(...)`` with the same arguments.

    See Also
    --------
    conv3d : The same convolution, vectorised.
    conv2d_naive : The same loops over two spatial axes.

    Notes
    -----
    Python loops over the batch, the output channels and the output
    positions; slow, meant for tests and for reading. Chapter 4 explains it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv3d_naive
    >>> x = np.ones((1, 1, 4, 4, 4), dtype=np.float32)  # (N, C_in, D, H, W)
    >>> w = np.ones((2, 1, 3, 3, 3), dtype=np.float32)  # (C_out, C_in, kD, kH, kW)
    >>> conv3d_naive(x, w, padding='same').shape
    (1, 2, 4, 4, 4)
    """
    args = conv_args(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")
    return _naive(args)


# ---------------------------------------------------------------------------
# im2col, plainly, and the choice of algorithm (chapter 15)
# ---------------------------------------------------------------------------


def conv2d_im2col(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2D convolution as im2col: :func:`unfold` the windows, then one matrix multiply per group.

    Parameters
    ----------
    input, weight, bias, stride, padding, dilation, groups
        As in :func:`conv2d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``conv2d(input, weight, bias, stride, padding, dilation,
        groups)`` within rounding: same shape, dtype and checks.

    See Also
    --------
    conv2d : The same product, computed tile by tile so the copies stay in cache.
    unfold : The matrix of windows this function multiplies.
    choose_conv_method : Which algorithm suits given shapes, and why.

    Notes
    -----
    The plain form of what :func:`conv2d` runs, six lines a student can read
    (chapter 15): the whole ``(N, C_in kH kW, H_out W_out)`` matrix of windows
    is built at once, which costs ``kH kW`` copies of the input in memory.
    The tests hold it to PyTorch and hold the fast path to it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv2d, conv2d_im2col
    >>> x = np.arange(32).reshape(2, 4, 4)            # (C_in, H, W)
    >>> w = np.ones((4, 1, 2, 2), dtype=int)          # (C_out, C_in/groups, kH, kW)
    >>> y = conv2d_im2col(x, w, stride=2, groups=2)
    >>> y.shape, bool((y == conv2d(x, w, stride=2, groups=2)).all())
    ((4, 2, 2), True)
    """
    args = conv_args(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    w, g = args.weight, args.groups
    x = np.pad(args.input, [(0, 0), (0, 0)] + list(zip(args.pad_before, args.pad_after)))
    columns = unfold(x, w.shape[2:], args.dilation, 0, args.stride)  # (N, C_in * kH * kW, L)
    columns = columns.reshape(x.shape[0], g, -1, columns.shape[-1])  # (N, g, C_in/g * kH * kW, L)
    w_flat = w.reshape(g, w.shape[0] // g, -1)  # (g, C_out/g, C_in/g * kH * kW)
    out = w_flat @ columns  # (N, g, C_out/g, L): one product per group and image
    out = out.reshape((x.shape[0], w.shape[0]) + args.out_size)  # (N, C_out, H_out, W_out)
    return finish(out, args.bias, args.unbatched)


class ConvMethod(NamedTuple):
    """The answer of :func:`choose_conv_method`.

    Parameters
    ----------
    method : str
        One of ``"direct"``, ``"im2col"``, ``"fft"``, ``"winograd"``.
    reason : str
        Why, in one sentence with the counts compared.
    """

    method: str
    reason: str


def choose_conv_method(input, weight, stride=1, padding=0, dilation=1, groups=1):
    """Which of direct, im2col, FFT or Winograd suits a 2D convolution, and why.

    Parameters
    ----------
    input : array_like or tuple of int
        The input, or its shape ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
    weight : array_like or tuple of int
        The weight, or its shape ``(C_out, C_in/groups, kH, kW)``.
    stride, padding, dilation, groups
        As in :func:`conv2d`, and checked the same way.

    Returns
    -------
    ConvMethod
        ``method`` (``"direct"``, ``"im2col"``, ``"fft"`` or ``"winograd"``)
        and ``reason``, a sentence giving the counts compared.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv2d` for the same arguments.

    See Also
    --------
    conv2d_im2col : The im2col method, written plainly.
    convkit.conv2d_method_costs : The operations and memory of each method.
    convkit.conv2d_fft : The FFT method.
    convkit.winograd_conv2d : The Winograd method (valid 3x3, stride 1).

    Notes
    -----
    A model of the work, like ``scipy.signal.choose_conv_method``'s, not a
    timing: chapter 15's counts of multiplies, taken in this order:

    1. ``"direct"``: a 1x1 kernel without padding; the input already is the
       im2col matrix, so one matrix multiply over the channels, no copy
       (what :func:`conv2d` runs).
    2. ``"winograd"``: a valid 3x3 kernel, stride 1, dilation 1, one group
       (what :func:`~convkit.winograd_conv2d` accepts); F(2x2, 3x3) needs 16
       multiplies per 2x2 outputs against 36.
    3. ``"fft"``: stride 1, dilation 1, one group, when the transforms and
       the products cost fewer operations than im2col's
       ``2 N C_out C_in kH kW H_out W_out`` (both counted by
       :func:`~convkit.conv2d_method_costs`): large kernels.
    4. ``"im2col"`` otherwise (what :func:`conv2d` runs).

    :func:`conv2d` itself runs "direct" or "im2col" for every input; the
    other two are the separate functions named above.

    Examples
    --------
    >>> from convkit import choose_conv_method
    >>> choose_conv_method((1, 64, 56, 56), (64, 64, 3, 3), padding=1).method
    'im2col'
    >>> choose_conv_method((1, 16, 64, 64), (16, 16, 31, 31), padding=15).method
    'fft'
    >>> choose_conv_method((1, 256, 56, 56), (64, 256, 1, 1)).method
    'direct'
    """
    x, w = (np.broadcast_to(np.float32(0), _shape_of(a, name))
            for a, name in ((input, "input"), (weight, "weight")))  # zero-size views, no memory
    args = conv_args(x, w, None, stride, padding, dilation, groups, 2, "conv2d")
    n, c_in = args.input.shape[:2]
    c_out, _, k_h, k_w = args.weight.shape
    padded = any(args.pad_before) or any(args.pad_after)
    plain = args.stride == (1, 1) and args.dilation == (1, 1) and args.groups == 1
    im2col = 2 * n * c_out * (c_in // args.groups) * k_h * k_w * math.prod(args.out_size)
    if (k_h, k_w) == (1, 1) and not padded:
        return ConvMethod("direct", "a 1x1 kernel without padding: the input is already the "
                                    "im2col matrix, one matrix multiply over channels")
    if plain and (k_h, k_w) == (3, 3) and not padded:
        return ConvMethod("winograd", "a valid 3x3 kernel with stride 1: F(2x2, 3x3) needs 16 "
                                      "multiplies per 2x2 outputs against 36")
    if plain:
        padded_size = tuple(size + b + a for size, b, a in
                            zip(args.input.shape[2:], args.pad_before, args.pad_after))
        fft = conv2d_method_costs(c_in, c_out, (k_h, k_w), padded_size, batch=n)["fft"].operations
        if fft < im2col:
            return ConvMethod("fft", f"about {fft:.2g} operations by FFT against {im2col:.2g} "
                                     f"by im2col for a {k_h}x{k_w} kernel")
        reason = f"{im2col:.2g} operations against about {fft:.2g} by FFT"
    else:
        reason = "stride, dilation or groups rule out the FFT and Winograd methods"
    return ConvMethod("im2col", reason)


def _shape_of(value: Any, name: str) -> tuple[int, ...]:
    """A flat sequence of ints is a shape (a conv2d operand has 3 or 4 axes); else an array's."""
    if isinstance(value, (tuple, list)) and value and all(is_int(v) for v in value):
        return tuple(check_int(v, f"{name} shape entry", minimum=0) for v in value)
    return as_array(value, name).shape


def _conv_fast(args: ConvArgs) -> np.ndarray:
    """The vectorised convolution of checked arguments, through ``convkit/_fast.py``."""
    return finish(conv_nd(args), args.bias, args.unbatched)


# ---------------------------------------------------------------------------
# the plain loops
# ---------------------------------------------------------------------------


def _naive(args: ConvArgs) -> np.ndarray:
    """Loop reference: the dot product of the kernel with each window under it."""
    x, w = args.input, args.weight
    n_batch, c_in = x.shape[:2]
    c_out = w.shape[0]
    kernel = w.shape[2:]
    per_group_in = c_in // args.groups
    per_group_out = c_out // args.groups
    pad = [(0, 0), (0, 0)] + list(zip(args.pad_before, args.pad_after))
    xp = np.pad(x, pad)  # (N, C_in, *padded) with zeros around
    out = np.zeros((n_batch, c_out) + args.out_size, dtype=w.dtype)
    for n in range(n_batch):
        for o in range(c_out):
            g = o // per_group_out
            channels = slice(g * per_group_in, (g + 1) * per_group_in)
            for pos in itertools.product(*(range(s) for s in args.out_size)):
                window = xp[(n, channels) + tuple(
                    slice(p * s, p * s + d * (k - 1) + 1, d)
                    for p, s, d, k in zip(pos, args.stride, args.dilation, kernel)
                )]  # (C_in/groups, *kernel)
                out[(n, o) + pos] = np.sum(window * w[o])
    return finish(out, args.bias, args.unbatched)


def _naive_2d(args: ConvArgs) -> np.ndarray:
    """The 2D definition written out, one multiply-add at a time."""
    x, w, b = args.input, args.weight, args.bias
    n_batch, c_in, _, _ = x.shape
    c_out, per_group_in, k_h, k_w = w.shape
    per_group_out = c_out // args.groups
    s_h, s_w = args.stride
    d_h, d_w = args.dilation
    h_out, w_out = args.out_size
    pad = [(0, 0), (0, 0)] + list(zip(args.pad_before, args.pad_after))
    xp = np.pad(x, pad)  # (N, C_in, H + padding, W + padding) with zeros around
    out = np.empty((n_batch, c_out, h_out, w_out), dtype=w.dtype)
    for n in range(n_batch):
        for o in range(c_out):
            g = o // per_group_out  # the group of this output channel
            for i in range(h_out):
                for j in range(w_out):
                    total = w.dtype.type(0) if b is None else b[o]
                    for c in range(per_group_in):
                        channel = g * per_group_in + c  # input channel c of group g
                        for u in range(k_h):
                            for v in range(k_w):
                                row, col = i * s_h + u * d_h, j * s_w + v * d_w
                                total += w[o, c, u, v] * xp[n, channel, row, col]
                    out[n, o, i, j] = total
    return out[0] if args.unbatched else out
