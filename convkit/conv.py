"""Standard convolutions (cross-correlations, as in deep learning) in 1, 2 and 3 D.

``conv1d``, ``conv2d`` and ``conv3d`` mirror ``torch.nn.functional``: same
argument names, order, defaults, tensor layouts and output shapes. Each has a
loop reference beside it (``conv2d_naive`` ...) that reads like the definition

.. math::

    y[n, o, i, j] = b[o] + \\sum_{c, u, v}
        w[o, c, u, v] \\, x_{pad}[n, g C_g + c, i s_H + u d_H, j s_W + v d_W]

where ``g`` is the group of output channel ``o`` and ``C_g = C_in / groups``.

The vectorised routines share one N-dimensional core (``_conv_nd``):

* a kernel of size one with no padding is a plain matrix multiply over the
  channels (the pointwise convolution of chapter 5);
* everything else is a channel-major im2col: one read-only strided view of a
  padded image exposes every window at once, shape ``(C_in, *kernel, *out)``;
  it is copied into a reused matrix ``(groups, C_in/groups * taps,
  positions)`` and multiplied by the weight reshaped to ``(groups,
  C_out/groups, C_in/groups * taps)``, one matrix multiply per group, writing
  into the ``(N, C_out, ...)`` result. The work is cut into tiles (bands of
  output rows, chunks of groups) small enough to stay in cache, so a
  depthwise convolution (one input channel per group) becomes many small
  products over cached tiles rather than one pass per kernel tap over the
  whole image;
* with stride 1 the bands are computed over whole padded rows, so that each
  row of the im2col matrix is one long contiguous copy; the few extra
  positions are dropped when a band is copied into the result.

Chapter 1 (cross-correlation), chapter 2 (channels), chapter 3 (arithmetic)
and chapter 4 (3D) explain these operations.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from ._docstrings import fill_doc
from ._validation import (
    as_array, cast_to_result, check_bias, check_groups, conv_operands, split_batch, to_tuple,
)

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv1d_naive",
    "conv2d_naive",
    "conv3d_naive",
    "unfold",
]

# Size (in bytes) one tile of the im2col matrix should stay under, so that
# building it and multiplying it happen while it is in cache.
_TILE_BYTES = 1 << 21
# Most output positions per tile: with few input channels the matrix is thin and
# the product is limited by memory, so shorter bands that stay in cache win.
_TILE_COLUMNS = 1 << 12


class _ConvArgs(NamedTuple):
    """Checked, normalised arguments of a convolution."""

    input: np.ndarray  # (N, C_in, *spatial), already in the result dtype
    weight: np.ndarray  # (C_out, C_in / groups, *kernel), in the result dtype
    bias: np.ndarray | None  # (C_out,) in the result dtype, or None
    stride: tuple[int, ...]
    pad_before: tuple[int, ...]
    pad_after: tuple[int, ...]
    dilation: tuple[int, ...]
    groups: int
    out_size: tuple[int, ...]
    unbatched: bool


def _conv_args(
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: Any,
    n: int,
    fname: str,
) -> _ConvArgs:
    """Check the arguments of an ``n``-D convolution the way PyTorch does."""
    x, weight, bias, unbatched = conv_operands(
        input, weight, bias, n, fname, "C_out, C_in/groups"
    )

    c_in = x.shape[1]
    c_out = weight.shape[0]
    groups = check_groups(groups, c_in, c_out)
    if weight.shape[1] * groups != c_in:
        raise ValueError(
            f"input has {c_in} channels but weight of shape {weight.shape} with "
            f"groups={groups} expects {weight.shape[1] * groups} input channels "
            f"(weight.shape[1] * groups)"
        )
    check_bias(bias, c_out)

    stride = to_tuple(stride, n, "stride", minimum=1)
    dilation = to_tuple(dilation, n, "dilation", minimum=1)
    kernel = weight.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pad_before = pad_after = (0,) * n
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(
                    f"padding='same' is only supported with stride 1, got stride={stride}"
                )
            # PyTorch's split: the total d (k - 1) is halved, the odd one goes after.
            totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
            pad_before = tuple(t // 2 for t in totals)
            pad_after = tuple(t - t // 2 for t in totals)
        else:
            raise ValueError(
                f"padding must be 'valid', 'same', an int or a tuple of {n} ints, "
                f"got {padding!r}"
            )
    else:
        pad_before = pad_after = to_tuple(padding, n, "padding", minimum=0)

    padded = [s + a + b for s, a, b in zip(x.shape[2:], pad_before, pad_after)]
    extent = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    if any(e > p for e, p in zip(extent, padded)):
        raise ValueError(
            f"kernel size {tuple(kernel)} with dilation {dilation} spans {tuple(extent)}, "
            f"larger than the padded input size {tuple(padded)}: the output size "
            f"would not be positive"
        )
    out_size = tuple((p - e) // s + 1 for p, e, s in zip(padded, extent, stride))

    x, weight, bias = cast_to_result(x, weight, bias)
    return _ConvArgs(
        x, weight, bias, stride, pad_before, pad_after, dilation, groups, out_size, unbatched
    )


def _window(start: int, count: int, step: int) -> slice:
    """Slice of ``count`` positions ``start, start + step, ...``."""
    return slice(start, start + step * (count - 1) + 1, step)


def _finish(out: np.ndarray, args: _ConvArgs) -> np.ndarray:
    """Add the bias and drop the batch axis of an unbatched call."""
    if args.bias is not None:
        n = out.ndim - 2
        out += args.bias.reshape((-1,) + (1,) * n)  # (C_out, 1, ..., 1)
    return out[0] if args.unbatched else out


# ---------------------------------------------------------------------------
# vectorised core
# ---------------------------------------------------------------------------


def _pad_image(image: np.ndarray, args: _ConvArgs, buffer: np.ndarray | None) -> np.ndarray:
    """Zero-pad one image ``(C, *spatial)`` into ``buffer``; without padding, no copy."""
    if buffer is None:  # no padding: the windows are read from the caller's array
        return image
    inner = tuple(
        slice(b, b + s) for b, s in zip(args.pad_before, image.shape[1:])
    )
    buffer[(slice(None),) + inner] = image  # borders stay zero from allocation
    return buffer


def _conv_pointwise(args: _ConvArgs) -> np.ndarray:
    """A kernel of size one without padding: a matrix multiply over channels."""
    x, w, g = args.input, args.weight, args.groups
    n_batch, c_in = x.shape[:2]
    c_out = w.shape[0]
    sub = (slice(None), slice(None)) + tuple(
        _window(0, o, s) for o, s in zip(args.out_size, args.stride)
    )
    x = x[sub]  # (N, C_in, *out): stride picks every s-th position
    positions = math.prod(args.out_size)
    out = np.empty((n_batch, c_out) + args.out_size, dtype=w.dtype)
    out_flat = out.reshape(n_batch, g, c_out // g, positions)  # (N, G, C_out/G, P)
    w_flat = w.reshape(g, c_out // g, c_in // g)  # (G, C_out/G, C_in/G)
    x_flat = x.reshape(n_batch, g, c_in // g, positions)  # (N, G, C_in/G, P)
    for i in range(n_batch):
        for j in range(g):  # plain 2D products: numpy's batched matmul costs more here
            np.matmul(w_flat[j], x_flat[i, j], out=out_flat[i, j])
    return out


def _conv_im2col(args: _ConvArgs) -> np.ndarray:
    """Channel-major im2col and one matrix multiply per group, tile by tile.

    For each image, the windows under every kernel tap are read through one
    strided view of the padded image, shape ``(C_in, *kernel, *out)``, and
    copied in one go into a reused matrix of shape ``(G, C_in/G * taps,
    positions)``; a batched matrix multiply with the weight ``(G, C_out/G,
    C_in/G * taps)`` then writes the ``(C_out, positions)`` result in place.
    Tiles (bands of output rows, chunks of groups) keep that matrix in cache.
    """
    x, w, g = args.input, args.weight, args.groups
    n_batch, c_in = x.shape[:2]
    c_out = w.shape[0]
    per_group_in, per_group_out = c_in // g, c_out // g
    kernel = tuple(w.shape[2:])
    taps = math.prod(kernel)
    out_size = args.out_size
    rows = out_size[0]
    rest = math.prod(out_size[1:])  # positions in one output row (or plane in 3D)
    itemsize = w.dtype.itemsize

    # Tile: as many output rows as fit for one group, then as many groups as fit.
    group_row_bytes = per_group_in * taps * rest * itemsize
    band = max(1, min(rows, _TILE_BYTES // group_row_bytes, _TILE_COLUMNS // rest))
    chunk = max(1, min(g, _TILE_BYTES // (group_row_bytes * band)))

    padded = tuple(s + a + b for s, a, b in zip(x.shape[2:], args.pad_before, args.pad_after))
    buffer = None
    if any(args.pad_before) or any(args.pad_after):
        buffer = np.zeros((c_in,) + padded, dtype=w.dtype)
    w_flat = w.reshape(g, per_group_out, per_group_in * taps)  # (G, C_out/G, C_in/G * taps)
    cols_buffer = np.empty(chunk * per_group_in * taps * band * rest, dtype=w.dtype)
    out = np.empty((n_batch, c_out) + out_size, dtype=w.dtype)
    out_flat = out.reshape(n_batch, g, per_group_out, rows * rest)  # (N, G, C_out/G, P)
    for i in range(n_batch):
        image = _pad_image(x[i], args, buffer)  # (C_in, *padded)
        axis_strides = image.strides[1:]
        tap_strides = tuple(d * st for d, st in zip(args.dilation, axis_strides))
        out_strides = tuple(s * st for s, st in zip(args.stride, axis_strides))
        for g0 in range(0, g, chunk):
            ng = min(chunk, g - g0)
            channels = slice(g0 * per_group_in, (g0 + ng) * per_group_in)
            for r0 in range(0, rows, band):
                nr = min(band, rows - r0)
                # Read-only view of every window: element [c, *tap, *pos] is
                # image[c, pos * stride + tap * dilation] (overlapping reads).
                windows = as_strided(
                    image[channels, r0 * args.stride[0]:],
                    shape=(ng * per_group_in,) + kernel + (nr,) + out_size[1:],
                    strides=(image.strides[0],) + tap_strides + out_strides,
                    writeable=False,
                )  # (ng * C_in/G, *kernel, nr, *out[1:])
                # A contiguous prefix of the buffer, so that the reshapes are views.
                cols = cols_buffer[: ng * per_group_in * taps * nr * rest]
                cols.reshape(windows.shape)[...] = windows
                positions = slice(r0 * rest, (r0 + nr) * rest)
                if ng == 1:  # a plain 2D product skips numpy's batched-matmul overhead
                    np.matmul(
                        w_flat[g0],
                        cols.reshape(per_group_in * taps, nr * rest),  # (C_in/G * taps, nr * rest)
                        out=out_flat[i, g0, :, positions],
                    )
                else:
                    np.matmul(
                        w_flat[g0:g0 + ng],
                        # (ng, C_in/G * taps, nr * rest)
                        cols.reshape(ng, per_group_in * taps, nr * rest),
                        out=out_flat[i, g0:g0 + ng, :, positions],
                    )
    return out


def _conv_im2col_rows(args: _ConvArgs) -> np.ndarray:
    """Stride-1 im2col over whole padded rows: long contiguous copies, then a crop.

    With stride 1, if each output row is computed over the full padded width
    (and, in 3D, height), the window of kernel tap ``t`` over a band of rows
    is one contiguous range of the flattened padded image, shifted by a fixed
    offset. Each row of the im2col matrix is then a single long copy instead
    of one short copy per output row, which matters most when the matrix
    multiply is cheap (depthwise, few channels). The extra positions (beyond
    the output's width) are computed and dropped when the band is copied into
    the result.
    """
    x, w, g = args.input, args.weight, args.groups
    n_batch, c_in = x.shape[:2]
    c_out = w.shape[0]
    per_group_in, per_group_out = c_in // g, c_out // g
    kernel = tuple(w.shape[2:])
    taps = math.prod(kernel)
    out_size = args.out_size
    rows = out_size[0]
    itemsize = w.dtype.itemsize
    padded = tuple(s + a + b for s, a, b in zip(x.shape[2:], args.pad_before, args.pad_after))
    flat_strides = [math.prod(padded[k + 1:]) for k in range(len(padded))]
    row_length = flat_strides[0]  # positions of one padded row (plane in 3D)
    # Moving one tap along kernel axis k moves the window by d_k steps of axis k.
    tap_strides = tuple(d * f * itemsize for d, f in zip(args.dilation, flat_strides))
    last_tap = sum((k - 1) * d * f for k, d, f in zip(kernel, args.dilation, flat_strides))
    # The extra positions of the last band read past the image: a zero tail covers them.
    length = max(math.prod(padded), last_tap + rows * row_length)
    buffer = np.zeros((c_in, length), dtype=w.dtype)
    image = buffer[:, : math.prod(padded)].reshape((c_in,) + padded)  # (C_in, *padded)
    inner = (slice(None),) + tuple(
        slice(b, b + s) for b, s in zip(args.pad_before, x.shape[2:])
    )

    group_row_bytes = per_group_in * taps * row_length * itemsize
    band = max(1, min(rows, _TILE_BYTES // group_row_bytes, _TILE_COLUMNS // row_length))
    chunk = max(1, min(g, _TILE_BYTES // (group_row_bytes * band)))
    w_flat = w.reshape(g, per_group_out, per_group_in * taps)  # (G, C_out/G, C_in/G * taps)
    cols_buffer = np.empty(chunk * per_group_in * taps * band * row_length, dtype=w.dtype)
    band_buffer = np.empty(chunk * per_group_out * band * row_length, dtype=w.dtype)
    crop = tuple(slice(0, o) for o in out_size[1:])
    out = np.empty((n_batch, c_out) + out_size, dtype=w.dtype)
    for i in range(n_batch):
        image[inner] = x[i]  # the padding around it stays zero
        for g0 in range(0, g, chunk):
            ng = min(chunk, g - g0)
            for r0 in range(0, rows, band):
                nr = min(band, rows - r0)
                span = nr * row_length  # positions of this band, extra ones included
                windows = as_strided(
                    buffer[g0 * per_group_in:(g0 + ng) * per_group_in, r0 * row_length:],
                    shape=(ng * per_group_in,) + kernel + (span,),
                    strides=(buffer.strides[0],) + tap_strides + (itemsize,),
                    writeable=False,
                )  # (ng * C_in/G, *kernel, span): overlapping read-only windows
                cols = cols_buffer[: ng * per_group_in * taps * span]
                cols.reshape(windows.shape)[...] = windows
                result = band_buffer[: ng * per_group_out * span]
                if ng == 1:  # a plain 2D product skips numpy's batched-matmul overhead
                    np.matmul(
                        w_flat[g0],
                        cols.reshape(per_group_in * taps, span),  # (C_in/G * taps, span)
                        out=result.reshape(per_group_out, span),  # (C_out/G, span)
                    )
                else:
                    np.matmul(
                        w_flat[g0:g0 + ng],
                        cols.reshape(ng, per_group_in * taps, span),  # (ng, C_in/G * taps, span)
                        out=result.reshape(ng, per_group_out, span),  # (ng, C_out/G, span)
                    )
                band_grid = result.reshape((ng * per_group_out, nr) + padded[1:])
                out[(i, slice(g0 * per_group_out, (g0 + ng) * per_group_out),
                     slice(r0, r0 + nr)) + crop] = band_grid[(slice(None), slice(None)) + crop]
    return out


def _conv_nd(args: _ConvArgs) -> np.ndarray:
    """Pick the fastest exact method for the checked arguments."""
    kernel = args.weight.shape[2:]
    padded = any(args.pad_before) or any(args.pad_after)
    if all(k == 1 for k in kernel) and not padded:
        out = _conv_pointwise(args)
    elif all(s == 1 for s in args.stride):
        out = _conv_im2col_rows(args)
    else:
        out = _conv_im2col(args)
    return _finish(out, args)


def _naive(args: _ConvArgs) -> np.ndarray:
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
    return _finish(out, args)


def _naive_2d(args: _ConvArgs) -> np.ndarray:
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


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------

# Shapes in the docstrings, per number of spatial dimensions.
_SHAPES = {
    1: dict(spatial="L", kernel="kL", out="L_out"),
    2: dict(spatial="H, W", kernel="kH, kW", out="H_out, W_out"),
    3: dict(spatial="D, H, W", kernel="kD, kH, kW", out="D_out, H_out, W_out"),
}

# Parameters, Returns and Raises of conv1d/2d/3d and of their loop references.
_ARGUMENTS = """
    Parameters
    ----------
    input : array_like
        ``(N, C_in, {spatial})`` batched, or ``(C_in, {spatial})`` unbatched.
        Anything ``np.asarray`` accepts (numpy arrays, nested lists, CPU torch
        tensors).
    weight : array_like
        ``(C_out, C_in/groups, {kernel})``.
    bias : array_like, optional
        ``(C_out,)``, added to every position of its output channel.
    stride : int or tuple of {n} ints, default 1
        Step of the kernel between neighbouring outputs.
    padding : int, tuple of {n} ints, 'valid' or 'same', default 0
        Zeros added on both sides of each spatial axis. ``'valid'`` means none;
        ``'same'`` (stride 1 only) pads ``dilation * (k - 1)`` in total, half
        before and the odd one after as PyTorch does, so the output keeps the
        input's size.
    dilation : int or tuple of {n} ints, default 1
        Spacing between the kernel's taps.
    groups : int, default 1
        Number of independent channel groups; ``C_in`` and ``C_out`` must both
        be divisible by it.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, {out})``, without the batch axis for unbatched input. The
        dtype is numpy's promotion of input, weight and bias: float32 stays
        float32, float64 stays float64, integers give exact integer results
        (wrapping like numpy if they overflow their type).

    Raises
    ------
    TypeError
        If an array is not numeric, or stride, padding, dilation or groups has
        the wrong type.
    ValueError
        If a shape or value breaks one of PyTorch's rules (non-positive stride
        or dilation, negative padding, channels not divisible by groups,
        channel or rank mismatch, wrong bias shape, kernel larger than the
        padded input, 'same' with stride > 1, unknown padding string); the
        message names the argument.
"""

# The first sentences of the Notes of conv1d/2d/3d.
_FAST_NOTES = """
    A kernel of size one without padding is a matrix multiply over the
    channels; anything else is a channel-major im2col, built from one strided
    view of the padded image, with one matrix multiply per group, tile by tile.
    :func:`{name}_naive` is the loop reference.
"""

# The Notes of conv1d_naive and conv3d_naive (conv2d_naive writes its loops out).
_NAIVE_NOTES = """
    Plain Python loops over the batch, the output channels and the output
    positions, written to read like the definition; slow, meant for tests and
    for reading. Same arguments, checks and results as :func:`{name}`.
"""


# Examples of conv1d/2d/3d, the same for their loop references.
_EXAMPLES = {
    1: """
    Examples
    --------
    >>> import numpy as np
    >>> from convkit import {name}
    >>> {name}(np.array([[1, 2, 3, 4]]), np.array([[[1, 0, -1]]]))
    array([[-2, -2]])
""",
    2: """
    Examples
    --------
    >>> import numpy as np
    >>> from convkit import {name}
    >>> x = np.arange(16).reshape(1, 4, 4)           # (C_in, H, W)
    >>> w = np.ones((1, 1, 2, 2), dtype=int)          # (C_out, C_in, kH, kW)
    >>> {name}(x, w, stride=2)
    array([[[10, 18],
            [42, 50]]])
""",
    3: """
    Examples
    --------
    >>> import numpy as np
    >>> from convkit import {name}
    >>> x = np.ones((1, 1, 4, 4, 4), dtype=np.float32)  # (N, C_in, D, H, W)
    >>> w = np.ones((2, 1, 3, 3, 3), dtype=np.float32)  # (C_out, C_in, kD, kH, kW)
    >>> {name}(x, w, padding='same').shape
    (1, 2, 4, 4, 4)
""",
}


def _conv_doc(name: str, notes: str | None = None) -> dict[str, str]:
    """The shared sections of the docstring of ``name``, for :func:`fill_doc`.

    ``name`` is one of the six public functions (``conv2d``, ``conv2d_naive``
    ...); ``notes`` is ``_FAST_NOTES``, ``_NAIVE_NOTES`` or None (no shared
    Notes).
    """
    n = int(name[4])  # conv<n>d...
    sections = dict(
        arguments=_ARGUMENTS.format(n=n, **_SHAPES[n]),
        examples=_EXAMPLES[n].format(name=name),
    )
    if notes is not None:
        sections["notes"] = notes.format(name=f"conv{n}d")
    return sections


@fill_doc(**_conv_doc("conv1d", _FAST_NOTES))
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1D convolution (a cross-correlation) of signals, as ``torch.nn.functional.conv1d``.

    {arguments}

    Notes
    -----
    {notes}
    Chapter 1 (cross-correlation) and chapter 3 (arithmetic) explain it.

    {examples}
    """
    args = _conv_args(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")
    return _conv_nd(args)


@fill_doc(**_conv_doc("conv2d", _FAST_NOTES))
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2D convolution (a cross-correlation) of images, as ``torch.nn.functional.conv2d``.

    {arguments}

    Notes
    -----
    {notes}
    Chapter 1 (cross-correlation), chapter 2 (channels) and chapter 3
    (arithmetic) explain it.

    {examples}
    """
    args = _conv_args(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    return _conv_nd(args)


@fill_doc(**_conv_doc("conv3d", _FAST_NOTES))
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3D convolution (a cross-correlation) of volumes, as ``torch.nn.functional.conv3d``.

    {arguments}

    Notes
    -----
    {notes}
    Chapter 4 (3D convolution) explains it.

    {examples}
    """
    args = _conv_args(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")
    return _conv_nd(args)


@fill_doc(**_conv_doc("conv1d_naive", _NAIVE_NOTES))
def conv1d_naive(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Loop reference for :func:`conv1d`: every output is the dot product of the kernel
    with the window of the padded input under it.

    {arguments}

    Notes
    -----
    {notes}
    Chapter 1 (cross-correlation) and chapter 3 (arithmetic) explain it.

    {examples}
    """
    args = _conv_args(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")
    return _naive(args)


@fill_doc(**_conv_doc("conv2d_naive"))
def conv2d_naive(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Loop reference for :func:`conv2d`: every output is the dot product of the kernel
    with the window of the padded input under it.

    {arguments}

    Notes
    -----
    Seven nested Python loops (batch, output channel, output row and column,
    input channel of the group, kernel row and column), one multiply-add at a
    time, exactly as in the formula

    .. math::

        y[n, o, i, j] = b[o] + \\sum_{c, u, v} w[o, c, u, v] \\,
            x_{pad}[n, g C_g + c, i s_H + u d_H, j s_W + v d_W];

    slow, meant for tests and for reading. Same arguments, checks and results
    as :func:`conv2d`. Chapter 1 (cross-correlation), chapter 2 (channels) and
    chapter 3 (arithmetic) explain it.

    {examples}
    """
    args = _conv_args(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    return _naive_2d(args)


@fill_doc(**_conv_doc("conv3d_naive", _NAIVE_NOTES))
def conv3d_naive(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Loop reference for :func:`conv3d`: every output is the dot product of the kernel
    with the window of the padded input under it.

    {arguments}

    Notes
    -----
    {notes}
    Chapter 4 (3D convolution) explains it.

    {examples}
    """
    args = _conv_args(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")
    return _naive(args)


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
    n_batch, c = x.shape[:2]
    xp = np.pad(x, [(0, 0), (0, 0), (p_h, p_h), (p_w, p_w)])  # (N, C, H + 2p_H, W + 2p_W)
    extent = (d_h * (k_h - 1) + 1, d_w * (k_w - 1) + 1)  # the span of one dilated window
    if extent[0] > xp.shape[2] or extent[1] > xp.shape[3]:
        raise ValueError(
            f"kernel_size {(k_h, k_w)} with dilation {(d_h, d_w)} spans {extent}, larger "
            f"than the padded input size {xp.shape[2:]}: there would be no window"
        )
    # Every window of the dilated extent at every position, as a read-only view.
    windows = sliding_window_view(xp, extent, axis=(2, 3))  # (N, C, H_p - e_H + 1, W_p - e_W + 1, e_H, e_W)
    windows = windows[:, :, ::s_h, ::s_w, ::d_h, ::d_w]  # (N, C, H_out, W_out, kH, kW)
    h_out, w_out = windows.shape[2:4]
    columns = windows.transpose(0, 1, 4, 5, 2, 3)  # (N, C, kH, kW, H_out, W_out)
    columns = columns.reshape(n_batch, c * k_h * k_w, h_out * w_out)  # (N, C * kH * kW, L)
    return columns[0] if unbatched else columns
