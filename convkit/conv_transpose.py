"""Transposed convolutions in 1, 2 and 3 D, as ``torch.nn.functional``.

``conv_transpose1d``, ``conv_transpose2d`` and ``conv_transpose3d`` mirror
PyTorch: same argument names, order and defaults, weights of shape ``(C_in,
C_out/groups, *kernel)``, and the output size along each axis of
:func:`~convkit.conv_transpose_output_size`

.. math::

    o = (i - 1) s - 2 p + d (k - 1) + a + 1 ,

with ``a`` the ``output_padding``. The definition is a scatter: input
position ``j`` of channel ``c`` adds ``x[c, j] * w[c, f, t]`` to output
position ``j s + t d - p`` of every output channel ``f`` of its group, for
every kernel tap ``t`` (``conv_transpose2d_naive`` writes exactly that). The
vectorised routine turns it around and loops over the taps instead of the
pixels (col2im): one matrix multiply per group gives, for every tap, the
slab of contributions of all input pixels, and each slab is added into a
strided slice of the output. Nothing is spent on inserted zeros.

Read top-down: the public functions (each checks its arguments once, with
``transpose_args`` of ``convkit/_params.py``), then the two algorithms.
Chapter 6 explains the operation; its three other views (zero insertion,
scatter, matrix) are in :mod:`convkit.transposed`.
"""

from __future__ import annotations

import itertools
import math
import numpy as np

from ._params import ConvArgs, transpose_args
from ._validation import finish

__all__ = [
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "conv_transpose1d_naive",
    "conv_transpose2d_naive",
    "conv_transpose3d_naive",
]


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2D transposed convolution, as ``torch.nn.functional.conv_transpose2d``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)`` batched, or ``(C_in, H, W)`` unbatched. Anything
        ``np.asarray`` accepts (numpy arrays, nested lists, CPU torch
        tensors). ``N`` may be 0.
    weight : array_like
        ``(C_in, C_out/groups, kH, kW)``: the input channels come first, as in
        PyTorch.
    bias : array_like, optional
        ``(C_out,)``, added to every position of each output channel.
    stride : int or tuple of 2 ints, default 1
        Step between the places where neighbouring input pixels land.
    padding : int or tuple of 2 ints, default 0
        Positions cropped from both ends of every spatial axis of the output
        (the equivalent direct convolution of the zero-insertion view pads
        ``dilation * (k - 1) - padding`` zeros on each side).
    output_padding : int or tuple of 2 ints, default 0
        Extra size added at the end of every spatial axis. It chooses which
        of the input sizes that a strided convolution maps to the same
        output size is restored; it must be smaller than ``stride`` or
        ``dilation``.
    groups : int, default 1
        Split the channels into ``groups`` independent transposed
        convolutions; ``C_in`` must be divisible by it.
    dilation : int or tuple of 2 ints, default 1
        Spacing between kernel taps.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)`` (without the batch axis for unbatched
        input) with ``C_out = weight.shape[1] * groups`` and, along each
        axis, ``(i - 1) * stride - 2 * padding + dilation * (k - 1) +
        output_padding + 1``. The dtype is numpy's promotion of the dtypes of
        input, weight and bias: float32 stays float32, float64 stays float64,
        integers give exact integer results.

    Raises
    ------
    TypeError
        If an array is not numeric or an argument has the wrong type.
    ValueError
        If a shape, stride, padding, output_padding, dilation or groups breaks
        one of PyTorch's rules, or the output size would not be positive (the
        message names the argument).

    See Also
    --------
    conv_transpose2d_naive : The scatter definition as plain loops.
    convkit.conv_transpose2d_zero_insertion, convkit.conv_transpose2d_scatter, convkit.conv_transpose2d_matrix
        The three views of chapter 6.
    convkit.conv2d : The convolution this one transposes.

    Notes
    -----
    Vectorised by col2im (the module docstring): per image, one matrix
    multiply per group and ``prod(kernel)`` strided additions, with no work
    on inserted zeros. Extra memory: one buffer of ``C_out * prod(kernel) *
    prod(input_size)`` values, reused across the images of a batch.
    Chapter 6 explains the operation.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv_transpose2d
    >>> x = np.ones((1, 2, 2), dtype=np.int64)       # (C_in, H, W)
    >>> w = np.ones((1, 1, 3, 3), dtype=np.int64)    # (C_in, C_out, kH, kW)
    >>> conv_transpose2d(x, w, stride=2)[0]   # overlaps add up where the stamps meet
    array([[1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1],
           [2, 2, 4, 2, 2],
           [1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1]])
    """
    args = transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d"
    )
    return _conv_transpose_nd(args)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1D transposed convolution, as ``torch.nn.functional.conv_transpose1d``.

    As :func:`conv_transpose2d`, with one spatial axis.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, L)`` batched, or ``(C_in, L)`` unbatched.
    weight : array_like
        ``(C_in, C_out/groups, kL)``.
    bias : array_like, optional
        ``(C_out,)``.
    stride, padding, output_padding : int or tuple of 1 int
        As in :func:`conv_transpose2d`, for the one axis.
    groups : int, default 1
        As in :func:`conv_transpose2d`.
    dilation : int or tuple of 1 int, default 1
        As in :func:`conv_transpose2d`, for the one axis.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, L_out)``, without the batch axis for unbatched input.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv_transpose2d`.

    See Also
    --------
    conv_transpose2d : The same operation over two spatial axes.
    conv_transpose1d_naive : The same computation as plain loops.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv_transpose1d
    >>> conv_transpose1d(np.array([[1, 2]]), np.array([[[1, 10, 100]]]), stride=2)
    array([[  1,  10, 102,  20, 200]])
    """
    args = transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d"
    )
    return _conv_transpose_nd(args)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3D transposed convolution, as ``torch.nn.functional.conv_transpose3d``.

    As :func:`conv_transpose2d`, with three spatial axes.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, D, H, W)`` batched, or ``(C_in, D, H, W)`` unbatched.
    weight : array_like
        ``(C_in, C_out/groups, kD, kH, kW)``.
    bias : array_like, optional
        ``(C_out,)``.
    stride, padding, output_padding : int or tuple of 3 ints
        As in :func:`conv_transpose2d`, one entry per axis.
    groups : int, default 1
        As in :func:`conv_transpose2d`.
    dilation : int or tuple of 3 ints, default 1
        As in :func:`conv_transpose2d`, one entry per axis.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, D_out, H_out, W_out)``, without the batch axis for
        unbatched input.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv_transpose2d`.

    See Also
    --------
    conv_transpose2d : The same operation over two spatial axes.
    conv_transpose3d_naive : The same computation as plain loops.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv_transpose3d
    >>> x = np.zeros((2, 4, 4, 4), dtype=np.float32)     # (C_in, D, H, W)
    >>> w = np.zeros((2, 3, 3, 3, 3), dtype=np.float32)  # (C_in, C_out, kD, kH, kW)
    >>> conv_transpose3d(x, w, stride=2, padding=1, output_padding=1).shape
    (3, 8, 8, 8)
    """
    args = transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 3, "conv_transpose3d"
    )
    return _conv_transpose_nd(args)


def conv_transpose2d_naive(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Loop reference for :func:`conv_transpose2d` (the scatter definition).

    Parameters
    ----------
    input, weight, bias, stride, padding, output_padding, groups, dilation
        As in :func:`conv_transpose2d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``conv_transpose2d(...)`` with the same arguments.

    See Also
    --------
    conv_transpose2d : The same operation, vectorised.

    Notes
    -----
    The scatter, as loops: for every image, group, input position and
    kernel tap, the input pixel's values, summed over the group's input
    channels against the tap's weights, are added to the output position
    ``position * stride + tap * dilation - padding`` when it lies inside the
    output. Slow, meant for tests and for reading. Chapter 6 explains it.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv_transpose2d_naive
    >>> x = np.ones((1, 2, 2), dtype=np.int64)       # (C_in, H, W)
    >>> w = np.ones((1, 1, 3, 3), dtype=np.int64)    # (C_in, C_out, kH, kW)
    >>> conv_transpose2d_naive(x, w, stride=2)[0, 2]
    array([2, 2, 4, 2, 2])
    """
    args = transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d"
    )
    return _conv_transpose_naive(args)


def conv_transpose1d_naive(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Loop reference for :func:`conv_transpose1d` (the scatter definition).

    Parameters
    ----------
    input, weight, bias, stride, padding, output_padding, groups, dilation
        As in :func:`conv_transpose1d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``conv_transpose1d(...)`` with the same arguments.

    See Also
    --------
    conv_transpose1d : The same operation, vectorised.
    conv_transpose2d_naive : The same loops over two spatial axes.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv_transpose1d_naive
    >>> conv_transpose1d_naive(np.array([[1, 2]]), np.array([[[1, 10, 100]]]), stride=2)
    array([[  1,  10, 102,  20, 200]])
    """
    args = transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d"
    )
    return _conv_transpose_naive(args)


def conv_transpose3d_naive(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Loop reference for :func:`conv_transpose3d` (the scatter definition).

    Parameters
    ----------
    input, weight, bias, stride, padding, output_padding, groups, dilation
        As in :func:`conv_transpose3d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``conv_transpose3d(...)`` with the same arguments.

    See Also
    --------
    conv_transpose3d : The same operation, vectorised.
    conv_transpose2d_naive : The same loops over two spatial axes.

    Examples
    --------
    >>> import numpy as np
    >>> from convkit import conv_transpose3d_naive
    >>> x = np.zeros((2, 2, 2, 2), dtype=np.float32)     # (C_in, D, H, W)
    >>> w = np.zeros((2, 3, 3, 3, 3), dtype=np.float32)  # (C_in, C_out, kD, kH, kW)
    >>> conv_transpose3d_naive(x, w, stride=2, padding=1, output_padding=1).shape
    (3, 4, 4, 4)
    """
    args = transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 3, "conv_transpose3d"
    )
    return _conv_transpose_naive(args)


# ---------------------------------------------------------------------------
# the two algorithms: loops over the taps (col2im), loops over everything
# ---------------------------------------------------------------------------


def _conv_transpose_nd(args: ConvArgs) -> np.ndarray:
    """col2im: one matrix multiply per group, then one strided slab add per tap."""
    x, w, g = args.input, args.weight, args.groups
    n_batch, c_in = x.shape[:2]
    c_out = w.shape[1] * g
    kernel = w.shape[2:]
    in_size = x.shape[2:]
    taps = math.prod(kernel)
    positions = math.prod(in_size)

    plan = []
    for tap in itertools.product(*(range(k) for k in kernel)):
        pairs = [
            _tap_slices(i, o, s, d, p, t)
            for i, o, s, d, p, t in zip(
                in_size, args.out_size, args.stride, args.dilation, args.pad_before, tap
            )
        ]
        if all(pair is not None for pair in pairs):
            src = tuple(pair[0] for pair in pairs)
            dst = tuple(pair[1] for pair in pairs)
            plan.append(((slice(None),) + tap + src, (slice(None),) + dst))

    w_t = w.reshape(g, c_in // g, (c_out // g) * taps).transpose(0, 2, 1)  # (G, C_out/G * taps, C_in/G)
    x_flat = x.reshape(n_batch, g, c_in // g, positions)  # (N, G, C_in/G, P_in)
    cols = np.empty((g, (c_out // g) * taps, positions), dtype=w.dtype)
    cols_v = cols.reshape((c_out,) + tuple(kernel) + in_size)  # (C_out, *kernel, *in_size)
    out = np.zeros((n_batch, c_out) + args.out_size, dtype=w.dtype)
    for i in range(n_batch):
        np.matmul(w_t, x_flat[i], out=cols)
        out_i = out[i]  # (C_out, *out_size)
        for src, dst in plan:
            out_i[dst] += cols_v[src]
    return finish(out, args.bias, args.unbatched)


def _conv_transpose_naive(args: ConvArgs) -> np.ndarray:
    """Loop reference: every input pixel, every tap, added where it lands."""
    x, w, g = args.input, args.weight, args.groups
    n_batch, c_in = x.shape[:2]
    per_group_in = c_in // g
    per_group_out = w.shape[1]
    kernel = w.shape[2:]
    out = np.zeros((n_batch, per_group_out * g) + args.out_size, dtype=w.dtype)
    for n in range(n_batch):
        for group in range(g):
            ins = slice(group * per_group_in, (group + 1) * per_group_in)
            outs = slice(group * per_group_out, (group + 1) * per_group_out)
            for pos in itertools.product(*(range(i) for i in x.shape[2:])):
                for tap in itertools.product(*(range(k) for k in kernel)):
                    target = tuple(
                        j * s + t * d - p
                        for j, t, s, d, p in zip(pos, tap, args.stride, args.dilation, args.pad_before)
                    )
                    if all(0 <= q < o for q, o in zip(target, args.out_size)):
                        # sum over the group's input channels of x[c, pos] * w[c, :, tap]
                        out[(n, outs) + target] += x[(n, ins) + pos] @ w[(ins, slice(None)) + tap]
    return finish(out, args.bias, args.unbatched)


def _tap_slices(
    size_in: int, size_out: int, s: int, d: int, p: int, t: int
) -> tuple[slice, slice] | None:
    """Where tap ``t`` of one axis sends the inputs that land inside the output.

    Input position ``j`` goes to output position ``j s + t d - p``; only the
    ``j`` with ``0 <= j s + t d - p < size_out`` survive the cropping by
    ``padding``. Returns ``(input slice, output slice)``, or ``None`` when the
    tap sends nothing inside.
    """
    shift = t * d - p
    first = max(0, -(shift // s))  # smallest j with j s + shift >= 0
    last = min(size_in - 1, (size_out - 1 - shift) // s)
    if first > last:
        return None
    start = first * s + shift
    return slice(first, last + 1), slice(start, start + (last - first) * s + 1, s)
