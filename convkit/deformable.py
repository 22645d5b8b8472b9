"""Deformable convolution (v1 and v2's modulation), as ``torchvision.ops.deform_conv2d`` (chapter 17).

A deformable convolution moves every tap of every window by a learned
fractional offset and reads the input there by bilinear interpolation, with
zeros outside the input. Tap ``(m, n)`` of output ``(u, v)`` reads row
``rho = u s_H - p_H + m d_H + eta`` and column ``kappa = v s_W - p_W + n d_W + xi``,
where ``(eta, xi)`` is the tap's offset, and v2 multiplies the value read by
the tap's modulation scalar ``lambda`` (the ``mask``):

.. math::

    y[n, f, u, v] = b[f] + \\sum_{c, m, n} w[f, c, m, n] \\,
        \\lambda_{mn} \\, x_c(\\rho, \\kappa), \\qquad
    x_c(\\rho, \\kappa) = \\sum_{u', v'} \\operatorname{tri}(\\rho - u') \\operatorname{tri}(\\kappa - v') \\, x[c, u', v'],

with the tent ``tri(t) = max(0, 1 - |t|)``: only the four pixels around
``(rho, kappa)`` weigh, and pixels outside the input count as zero.

Read top-down: :func:`deform_conv2d` is :func:`deform_unfold` (the im2col
matrix of the moved windows) times the flattened weight, exactly as
:func:`convkit.conv2d_im2col` is :func:`convkit.unfold` times it; with zero
offsets and no mask the two matrices are equal bit for bit.
:func:`deform_conv2d_naive` writes the formula above as loops.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ._validation import (
    as_array, as_nd_array, cast_to_result, check_bias, conv_operands, finish, renamed, split_batch,
    to_tuple,
)
from .sizes import conv_output_size

__all__ = [
    "bilinear_sample",
    "deform_conv2d",
    "deform_conv2d_naive",
    "deform_sampling_positions",
    "deform_unfold",
]


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------


def deform_conv2d(input, offset, weight, bias=None, stride=1, padding=0, dilation=1, mask=None):
    """Deformable 2D convolution (v1; v2 with ``mask``), as ``torchvision.ops.deform_conv2d``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)`` batched, or ``(C_in, H, W)`` unbatched.
    offset : array_like
        ``(N, 2 * G_off * kH * kW, H_out, W_out)`` (without ``N`` for unbatched
        input): for offset group ``gamma``, tap ``t = m * kW + n`` and output
        ``(u, v)``, channel ``gamma * 2 kH kW + 2 t`` holds the row offset and
        ``gamma * 2 kH kW + 2 t + 1`` the column offset. ``G_off`` (usually 1)
        must divide ``C_in``; input channel ``c`` uses the offsets of group
        ``c // (C_in / G_off)``. Integer offsets read whole pixels.
    weight : array_like
        ``(C_out, C_in/groups, kH, kW)``; ``groups = C_in / weight.shape[1]``
        is implied by the shapes, as in torchvision.
    bias : array_like, optional
        ``(C_out,)``.
    stride : int or tuple of 2 ints, default 1
        Step of the window between neighbouring outputs.
    padding : int or tuple of 2 ints, default 0
        Zeros on both sides of each spatial axis: the grid of windows starts
        at ``-padding``; every point outside the input reads zero.
    dilation : int or tuple of 2 ints, default 1
        Spacing between the taps before they are moved.
    mask : array_like, optional
        ``(N, G_off * kH * kW, H_out, W_out)`` (without ``N`` for unbatched
        input): v2's modulation scalar of each tap, multiplying the value it
        reads. ``None`` means v1 (every scalar 1).

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)``, without the batch axis for unbatched
        input, where ``H_out`` and ``W_out`` are those of ``conv2d`` with the
        same stride, padding and dilation. The dtype is numpy's promotion of
        all the arrays: integer arrays (integer offsets) give exact integers.

    Raises
    ------
    TypeError
        If an array is not numeric, or stride, padding or dilation is not an
        int or a tuple of ints.
    ValueError
        Naming the argument: an input that is not 3D or 4D, a weight that is
        not 4D or whose channels do not divide the input's, a non-positive
        stride or dilation, a negative padding, a kernel larger than the
        padded input, an offset or mask of the wrong shape.

    See Also
    --------
    deform_conv2d_naive : The same computation as loops.
    deform_unfold : The matrix of moved windows this function multiplies.
    convkit.conv2d : Zero offsets give it back.

    Notes
    -----
    The matrix of :func:`deform_unfold` costs ``4 C_in kH kW H_out W_out``
    reads, and its product with the weight the MACs of the ordinary convolution.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(9).reshape(1, 3, 3)                   # (C_in, H, W)
    >>> w = np.ones((1, 1, 1, 1), dtype=int)                # a 1x1 kernel
    >>> shift = np.zeros((2, 3, 3), dtype=int)              # (2 kH kW, H_out, W_out)
    >>> shift[1] = 1                                         # every tap one column right
    >>> deform_conv2d(x, shift, w)[0]
    array([[1, 2, 0],
           [4, 5, 0],
           [7, 8, 0]])
    """
    args = _deform_args(input, offset, weight, bias, stride, padding, dilation, mask,
                        "deform_conv2d")
    columns = _columns(args)                                       # (N, C_in * kH * kW, L)
    n_batch = columns.shape[0]
    g = args.groups
    w = args.weight
    columns = columns.reshape(n_batch, g, columns.shape[1] // g, columns.shape[2])  # (N, g, C_in/g * kH * kW, L)
    w_flat = w.reshape(g, w.shape[0] // g, -1)                     # (g, C_out/g, C_in/g * kH * kW)
    out = w_flat @ columns                                         # (N, g, C_out/g, L)
    out = out.reshape((n_batch, w.shape[0]) + args.out_size)       # (N, C_out, H_out, W_out)
    return finish(out, args.bias, args.unbatched)


def deform_unfold(input, offset, kernel_size, stride=1, padding=0, dilation=1, mask=None):
    """The im2col matrix of a deformable convolution: every moved window as a column.

    As :func:`convkit.unfold`, but tap ``(m, n)`` of window ``(u, v)`` reads
    the input by bilinear interpolation at its moved position (and is
    multiplied by its mask value, if a mask is given).

    Parameters
    ----------
    input : array_like
        ``(N, C, H, W)`` batched, or ``(C, H, W)`` unbatched.
    offset : array_like
        ``(N, 2 * G_off * kH * kW, H_out, W_out)``, laid out as in
        :func:`deform_conv2d`.
    kernel_size : int or tuple of 2 ints
        ``(kH, kW)``.
    stride, padding, dilation : int or tuple of 2 ints
        As in :func:`deform_conv2d`.
    mask : array_like, optional
        ``(N, G_off * kH * kW, H_out, W_out)``.

    Returns
    -------
    numpy.ndarray
        ``(N, C * kH * kW, H_out * W_out)``, without ``N`` for unbatched
        input: row ``c * kH * kW + m * kW + n`` holds tap ``(m, n)`` of
        channel ``c``, column ``u * W_out + v`` the window of output
        ``(u, v)``, as in :func:`convkit.unfold`, which it equals bit for bit
        when every offset is zero and every mask value one.

    Raises
    ------
    TypeError, ValueError
        As :func:`deform_conv2d`, naming ``kernel_size`` where it names the
        weight's kernel.

    See Also
    --------
    deform_conv2d : Multiplies this matrix by the flattened weight.
    convkit.unfold : The same matrix with zero offsets (windows on the grid).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(4.0).reshape(1, 2, 2)                 # (C, H, W)
    >>> half = np.full((2, 2, 2), 0.5)                      # (2 kH kW, H_out, W_out)
    >>> deform_unfold(x, half, 1)                           # each pixel moved half a pixel down-right
    array([[1.5 , 1.  , 1.25, 0.75]])
    """
    kernel = to_tuple(kernel_size, 2, "kernel_size", minimum=1)
    x, unbatched = split_batch(as_array(input, "input"), 2, "input")   # (N, C, H, W)
    if 0 in x.shape[1:]:
        raise ValueError(
            f"input must have non-zero channel and spatial sizes, got shape {x.shape[1:]}"
        )
    args = _geometry(x, unbatched, offset, mask, kernel, stride, padding, dilation, "kernel_size")
    x, off, m = cast_to_result(x, args.offset, args.mask)
    columns = _columns(args._replace(input=x, offset=off, mask=m))
    return columns[0] if unbatched else columns


def deform_sampling_positions(offset, kernel_size, stride=1, padding=0, dilation=1):
    """Where each tap of a deformable convolution reads the input: the regular grid plus the offsets.

    Parameters
    ----------
    offset : array_like
        ``(N, 2 * G_off * kH * kW, H_out, W_out)`` or, unbatched,
        ``(2 * G_off * kH * kW, H_out, W_out)``, laid out as in
        :func:`deform_conv2d`.
    kernel_size : int or tuple of 2 ints
        ``(kH, kW)``.
    stride, padding, dilation : int or tuple of 2 ints
        As in :func:`deform_conv2d`.

    Returns
    -------
    numpy.ndarray
        The shape of ``offset``: channel ``gamma * 2 kH kW + 2 t`` holds the
        row ``u s_H - p_H + m d_H + eta`` and the next channel the column
        ``v s_W - p_W + n d_W + xi`` at which tap ``t = m kW + n`` of output
        ``(u, v)`` reads, in the coordinates of the unpadded input (row 0 is
        the input's first row; negative rows lie in the padding).

    Raises
    ------
    TypeError, ValueError
        Naming the argument, if ``offset`` is not numeric or not 3D or 4D,
        its channels are not a multiple of ``2 kH kW``, or an int argument is
        out of range.

    Examples
    --------
    >>> import numpy as np
    >>> deform_sampling_positions(np.zeros((2, 2, 3)), 1, stride=2)[1]   # columns
    array([[0., 2., 4.],
           [0., 2., 4.]])
    """
    off = as_array(offset, "offset")
    k_h, k_w = to_tuple(kernel_size, 2, "kernel_size", minimum=1)
    stride = to_tuple(stride, 2, "stride", minimum=1)
    padding = to_tuple(padding, 2, "padding", minimum=0)
    dilation = to_tuple(dilation, 2, "dilation", minimum=1)
    off, unbatched = split_batch(off, 2, "offset")     # (N, 2 G_off kH kW, H_out, W_out)
    taps = k_h * k_w
    if off.shape[1] == 0 or off.shape[1] % (2 * taps):
        raise ValueError(
            f"offset must have a multiple of 2 * kH * kW = {2 * taps} channels, "
            f"got shape {off.shape}"
        )
    grid = _grid(off.shape, (k_h, k_w), stride, padding, dilation)
    positions = off + (grid.astype(off.dtype) if off.dtype.kind == "f" else grid)
    return positions[0] if unbatched else positions


def bilinear_sample(image, rows, cols):
    """Bilinear interpolation of a 2D image at fractional points, zero outside the image.

    ``value = sum over pixels (u', v') of tri(row - u') * tri(col - v') * image[u', v']``
    with ``tri(t) = max(0, 1 - |t|)``: the four pixels around the point
    weigh, the nearer the more, and pixels outside the image are zeros (as
    ``torchvision.ops.deform_conv2d`` and ``grid_sample(padding_mode='zeros')``).

    Parameters
    ----------
    image : array_like
        ``(H, W)``.
    rows, cols : float or array_like
        Row and column of each point, broadcast against each other; row 0 is
        the centre of the image's first row.

    Returns
    -------
    numpy.ndarray
        The interpolated values, of the broadcast shape of ``rows`` and
        ``cols`` (a 0-d array for scalars).

    Raises
    ------
    TypeError, ValueError
        If ``image`` is not a numeric 2D array with non-zero sizes, or the
        points are not numeric.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.array([[0.0, 1.0], [2.0, 3.0]])
    >>> float(bilinear_sample(image, 0.5, 0.25))
    1.25
    >>> float(bilinear_sample(image, -0.5, 0.0))             # halfway into the zero border
    0.0
    """
    img = as_nd_array(image, "image", "H, W", nonempty=True)
    r, c = np.broadcast_arrays(as_array(rows, "rows"), as_array(cols, "cols"))
    return _bilinear(img[np.newaxis], r, c)[..., 0]


# ---------------------------------------------------------------------------
# argument handling and the vectorised sampling
# ---------------------------------------------------------------------------


class _DeformArgs(NamedTuple):
    """The checked arguments of :func:`deform_conv2d` and :func:`deform_unfold`."""

    input: np.ndarray          # (N, C_in, H, W), the result dtype
    offset: np.ndarray         # (N, 2 G_off kH kW, H_out, W_out), the result dtype
    mask: np.ndarray | None    # (N, G_off kH kW, H_out, W_out), the result dtype
    weight: np.ndarray | None  # (C_out, C_in/groups, kH, kW); None for deform_unfold
    bias: np.ndarray | None
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int
    offset_groups: int
    out_size: tuple[int, int]
    unbatched: bool
    kernel: tuple[int, int]


def _deform_args(input: Any, offset: Any, weight: Any, bias: Any, stride: Any, padding: Any,
                 dilation: Any, mask: Any, fname: str) -> _DeformArgs:
    """Check the arguments the way torchvision does, with messages naming the argument."""
    x, w, b, unbatched = conv_operands(input, weight, bias, 2, fname, "C_out, C_in/groups")
    c_in, c_out = x.shape[1], w.shape[0]
    if c_in % w.shape[1]:
        raise ValueError(
            f"weight has {w.shape[1]} input channels per group, which does not divide the "
            f"input's {c_in} channels"
        )
    groups = c_in // w.shape[1]
    if c_out % groups:
        raise ValueError(
            f"weight's {c_out} output channels must be divisible by groups = C_in / "
            f"weight.shape[1] = {groups}"
        )
    check_bias(b, c_out)
    geometry = _geometry(x, unbatched, offset, mask, w.shape[2:], stride, padding, dilation,
                         "weight's kernel size")
    x, off, m, w, b = cast_to_result(x, geometry.offset, geometry.mask, w, b)
    return geometry._replace(input=x, offset=off, mask=m, weight=w, bias=b, groups=groups)


def _geometry(x: np.ndarray, unbatched: bool, offset: Any, mask: Any, kernel: tuple[int, ...],
              stride: Any, padding: Any, dilation: Any, kernel_name: str) -> _DeformArgs:
    """Check stride, padding, dilation, offset and mask against an input ``(N, C_in, H, W)``."""
    stride = to_tuple(stride, 2, "stride", minimum=1)
    padding = to_tuple(padding, 2, "padding", minimum=0)
    dilation = to_tuple(dilation, 2, "dilation", minimum=1)
    with renamed(kernel_size=kernel_name):
        out_size = conv_output_size(x.shape[2:], kernel, stride, padding, dilation)
    n_batch, c_in = x.shape[:2]
    taps = kernel[0] * kernel[1]
    without_n = " without N" if unbatched else ""
    off = _batched_like(offset, "offset", unbatched)
    if (off.shape[1] == 0 or off.shape[1] % (2 * taps)
            or (off.shape[0], *off.shape[2:]) != (n_batch, *out_size)):
        raise ValueError(
            f"offset must have shape (N, 2 * G_off * kH * kW, H_out, W_out) = "
            f"({n_batch}, a multiple of {2 * taps}, {out_size[0]}, {out_size[1]}){without_n}, "
            f"got {_shape(off, unbatched)}"
        )
    offset_groups = off.shape[1] // (2 * taps)
    if c_in % offset_groups:
        raise ValueError(
            f"offset has {offset_groups} offset groups ({off.shape[1]} channels / {2 * taps}), "
            f"which must divide the input's {c_in} channels"
        )
    m = None
    if mask is not None:
        m = _batched_like(mask, "mask", unbatched)
        expected = (n_batch, offset_groups * taps) + out_size
        if m.shape != expected:
            raise ValueError(
                f"mask must have shape (N, G_off * kH * kW, H_out, W_out) = {expected}{without_n}, "
                f"got {_shape(m, unbatched)}"
            )
    return _DeformArgs(x, off, m, None, None, stride, padding, dilation, 1, offset_groups,
                       out_size, unbatched, tuple(kernel))


def _batched_like(value: Any, name: str, unbatched: bool) -> np.ndarray:
    """``offset`` or ``mask`` as a 4D array, with the batch axis the input has (or was given)."""
    array = as_array(value, name)
    wanted = 3 if unbatched else 4
    if array.ndim != wanted:
        raise ValueError(
            f"{name} must be {wanted}D like the {'unbatched' if unbatched else 'batched'} input, "
            f"got shape {array.shape}"
        )
    return array[np.newaxis] if unbatched else array


def _shape(array: np.ndarray, unbatched: bool) -> tuple[int, ...]:
    """The shape the caller passed (without the batch axis we added)."""
    return array.shape[1:] if unbatched else array.shape


def _grid(offset_shape: tuple[int, ...], kernel: tuple[int, int], stride: tuple[int, int],
          padding: tuple[int, int], dilation: tuple[int, int]) -> np.ndarray:
    """The regular positions ``(u s - p + m d, v s - p + n d)`` in the layout of ``offset``."""
    n_batch, channels, h_out, w_out = offset_shape
    k_h, k_w = kernel
    tap_row, tap_col = np.divmod(np.arange(k_h * k_w), k_w)          # (kH kW,) each
    rows = np.arange(h_out) * stride[0] - padding[0] + tap_row[:, None] * dilation[0]  # (T, H_out)
    cols = np.arange(w_out) * stride[1] - padding[1] + tap_col[:, None] * dilation[1]  # (T, W_out)
    grid = np.empty((k_h * k_w, 2, h_out, w_out), dtype=np.int64)     # (T, 2, H_out, W_out)
    grid[:, 0] = rows[:, :, None]
    grid[:, 1] = cols[:, None, :]
    return np.tile(grid.reshape(1, 2 * k_h * k_w, h_out, w_out), (1, channels // (2 * k_h * k_w), 1, 1))


def _columns(args: _DeformArgs) -> np.ndarray:
    """The ``(N, C_in * kH * kW, H_out * W_out)`` matrix of moved, modulated windows."""
    x, g_off = args.input, args.offset_groups
    n_batch, c_in, height, width = x.shape
    k_h, k_w = args.kernel
    taps = k_h * k_w
    h_out, w_out = args.out_size
    grid = _grid(args.offset.shape, args.kernel, args.stride, args.padding, args.dilation)
    positions = args.offset + grid.astype(args.offset.dtype)     # float32 offsets stay float32
    positions = positions.reshape(n_batch, g_off, taps, 2, h_out, w_out)  # (N, G_off, T, 2, H_out, W_out)
    if n_batch == 0:                                                       # an empty batch, as conv2d allows
        return np.zeros((0, c_in * taps, h_out * w_out), dtype=np.result_type(x, positions))
    per_group = x.reshape(n_batch * g_off, c_in // g_off, height, width)  # (N G_off, C_in/G_off, H, W)
    rows = positions[:, :, :, 0].reshape(n_batch * g_off, taps, h_out, w_out)  # (N G_off, T, H_out, W_out)
    cols = positions[:, :, :, 1].reshape(n_batch * g_off, taps, h_out, w_out)
    values = np.stack([_bilinear(per_group[i], rows[i], cols[i])
                       for i in range(n_batch * g_off)])            # (N G_off, T, H_out, W_out, C_in/G_off)
    if args.mask is not None:
        values = values * args.mask.reshape(n_batch * g_off, taps, h_out, w_out)[..., None]
    values = values.reshape(n_batch, g_off, taps, h_out * w_out, c_in // g_off)  # (N, G_off, T, L, C/G_off)
    values = values.transpose(0, 1, 4, 2, 3)                         # (N, G_off, C/G_off, T, L)
    return np.ascontiguousarray(values.reshape(n_batch, c_in * taps, h_out * w_out))


def _bilinear(images: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Sample ``images`` ``(C, H, W)`` at every point of ``rows``/``cols`` (one shape).

    Returns ``(*points, C)``. The four corners are weighted as torchvision
    weighs them, ``(1 - fr)(1 - fc)``, ``(1 - fr) fc``, ``fr (1 - fc)``,
    ``fr fc`` with ``fr``, ``fc`` the fractional parts, so that a point on a
    pixel returns that pixel unchanged; a corner outside the image reads 0.
    """
    _, height, width = images.shape
    if rows.dtype.kind == "f" or cols.dtype.kind == "f":
        rows, cols = np.asarray(rows, dtype=np.result_type(rows, cols, images, np.float16)), \
            np.asarray(cols, dtype=np.result_type(rows, cols, images, np.float16))
        top, left = np.floor(rows), np.floor(cols)
        frac_r, frac_c = rows - top, cols - left
        top, left = top.astype(np.int64), left.astype(np.int64)
    else:  # integer points: whole pixels, exact in any dtype
        top, left = rows.astype(np.int64), cols.astype(np.int64)
        frac_r = frac_c = np.zeros(rows.shape, dtype=np.int8)
    total = 0
    for corner_r, weight_r in ((top, 1 - frac_r), (top + 1, frac_r)):
        for corner_c, weight_c in ((left, 1 - frac_c), (left + 1, frac_c)):
            inside = (corner_r >= 0) & (corner_r < height) & (corner_c >= 0) & (corner_c < width)
            pixel = images[:, np.clip(corner_r, 0, height - 1), np.clip(corner_c, 0, width - 1)]
            pixel = np.moveaxis(pixel, 0, -1)                      # (*points, C)
            total = total + (weight_r * weight_c * inside)[..., None] * pixel
    return np.asarray(total)


# ---------------------------------------------------------------------------
# the plain loops
# ---------------------------------------------------------------------------


def deform_conv2d_naive(input, offset, weight, bias=None, stride=1, padding=0, dilation=1,
                        mask=None):
    """Loop reference for :func:`deform_conv2d`: each tap reads its moved point, one at a time.

    Parameters
    ----------
    input, offset, weight, bias, stride, padding, dilation, mask
        As in :func:`deform_conv2d`.

    Returns
    -------
    numpy.ndarray
        Equal to ``deform_conv2d(...)`` with the same arguments: same shape,
        dtype and checks.

    Raises
    ------
    TypeError, ValueError
        As :func:`deform_conv2d`.

    See Also
    --------
    deform_conv2d : The vectorised version this loop checks.
    convkit.conv2d_naive : The loop reference of the ordinary convolution.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(9.0).reshape(1, 3, 3)                 # (C_in, H, W)
    >>> w = np.ones((1, 1, 1, 1))
    >>> down = np.zeros((2, 3, 3)); down[0] = 0.5          # every tap half a row down
    >>> deform_conv2d_naive(x, down, w)[0]
    array([[1.5, 2.5, 3.5],
           [4.5, 5.5, 6.5],
           [3. , 3.5, 4. ]])
    """
    a = _deform_args(input, offset, weight, bias, stride, padding, dilation, mask,
                     "deform_conv2d_naive")
    x, off, w = a.input, a.offset, a.weight
    n_batch, c_in, height, width = x.shape
    c_out, c_per_group, k_h, k_w = w.shape
    out_per_group = c_out // a.groups
    c_per_offset_group = c_in // a.offset_groups
    out = np.zeros((n_batch, c_out) + a.out_size, dtype=w.dtype)
    for image in range(n_batch):
        for f in range(c_out):
            group = f // out_per_group
            for u in range(a.out_size[0]):
                for v in range(a.out_size[1]):
                    total = w.dtype.type(0)
                    for c_g in range(c_per_group):
                        c = group * c_per_group + c_g          # the input channel
                        gamma = c // c_per_offset_group        # its offset group
                        for m in range(k_h):
                            for n in range(k_w):
                                t = gamma * k_h * k_w + m * k_w + n   # the tap's mask channel
                                eta, xi = off[image, 2 * t, u, v], off[image, 2 * t + 1, u, v]
                                rho = u * a.stride[0] - a.padding[0] + m * a.dilation[0] + eta
                                kappa = v * a.stride[1] - a.padding[1] + n * a.dilation[1] + xi
                                value = 0
                                for row in (math.floor(rho), math.floor(rho) + 1):
                                    for col in (math.floor(kappa), math.floor(kappa) + 1):
                                        if 0 <= row < height and 0 <= col < width:
                                            tent = (1 - abs(rho - row)) * (1 - abs(kappa - col))
                                            value = value + tent * x[image, c, row, col]
                                if a.mask is not None:
                                    value = value * a.mask[image, t, u, v]
                                total = total + w[f, c_g, m, n] * value
                    out[image, f, u, v] = total
    return finish(out, a.bias, a.unbatched)
