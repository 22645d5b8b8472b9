"""The fast path of ``conv1d``, ``conv2d`` and ``conv3d``: cache-blocked im2col.

This module is for maintainers; a student reads :mod:`convkit.conv`, whose
``unfold`` and ``conv2d_naive`` say what is computed. The functions here
compute the same thing, faster, and the tests hold them to ``conv2d_naive``
and to PyTorch.

Why it exists. The plain im2col, ``w.reshape(C_out, -1) @ unfold(x, k)``,
copies every window of the whole image into one matrix ``C_in kH kW`` rows
high before multiplying: for a 3x3 convolution from 64 channels on a 56x56
image that matrix is 7 MB, larger than the cache, so the copy and the
product each stream it through memory. Measured on one thread (CPU time of
the calling thread, median of 25 calls, float32, numpy 2.4 with OpenBLAS on
AVX-512; the machine was busy, so take the ratios, not the times), the fast
path took 3.7 ms against 4.0 ms for the plain im2col on that 3x3 64 -> 64
case, and 1.0 ms against 2.1 ms on a depthwise 3x3 over 128 channels (one
small product per channel, where the copy dominates). ``benchmarks/bench.py``
compares the whole set of cases with PyTorch; the targets are in
``benchmarks/README.md``.

How. :func:`conv_nd` picks one of three exact methods:

* a kernel of size one with no padding is a plain matrix multiply over the
  channels (``_conv_pointwise``; the pointwise convolution of chapter 5);
* otherwise, a channel-major im2col (``_conv_im2col``): one read-only strided
  view of a padded image exposes every window at once, shape ``(C_in,
  *kernel, *out)``; it is copied into a reused matrix ``(groups, C_in/groups
  * taps, positions)`` and multiplied by the weight reshaped to ``(groups,
  C_out/groups, C_in/groups * taps)``, one matrix multiply per group,
  writing into the ``(N, C_out, ...)`` result. The work is cut into tiles
  (bands of output rows, chunks of groups) small enough to stay in cache, so
  a depthwise convolution (one input channel per group) becomes many small
  products over cached tiles rather than one pass per kernel tap over the
  whole image;
* with stride 1 and few filters per group (``_conv_im2col_rows``) the
  bands are computed over whole padded rows, so that each row of the im2col
  matrix is one long contiguous copy; the few extra positions are dropped
  when a band is copied into the result.

The results carry no bias: the caller adds it.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._params import ConvArgs

__all__ = ["conv_nd"]

# Size (in bytes) one tile of the im2col matrix should stay under, so that
# building it and multiplying it happen while it is in cache.
_TILE_BYTES = 1 << 21
# Most output positions per tile: with few input channels the matrix is thin and
# the product is limited by memory, so shorter bands that stay in cache win.
_TILE_COLUMNS = 1 << 12
# The whole-row im2col (stride 1) saves copying time but multiplies the
# padding columns too, a waste of (padded width - output width) / output width
# of the products: it pays off only while the copy costs more than the
# products, i.e. with few filters per group. Measured (CPU-time ratio to
# PyTorch, one thread): with 64 filters per group the exact im2col was about
# 0.1 better (3x3 64 -> 64 on 56x56, plain and dilated; grouped 256 -> 256,
# g = 8, 32 per group, too); with 16 or fewer (an RGB image to 16 channels,
# 3D 16 -> 16, depthwise) the whole rows were 0.03 to 0.2 better.
_ROWS_MAX_FILTERS = 16


def conv_nd(args: ConvArgs) -> np.ndarray:
    """The ``(N, C_out, *out_size)`` convolution of checked arguments, without bias.

    ``args`` comes from :func:`convkit._params.conv_args`: ``input`` ``(N,
    C_in, *spatial)`` and ``weight`` ``(C_out, C_in/groups, *kernel)`` share
    one dtype, and the tuples hold one entry per spatial axis. Its ``bias``
    and ``unbatched`` are left to the caller.
    """
    kernel = args.weight.shape[2:]
    padded = any(args.pad_before) or any(args.pad_after)
    if all(k == 1 for k in kernel) and not padded:
        return _conv_pointwise(args)
    if all(s == 1 for s in args.stride) and args.weight.shape[0] // args.groups <= _ROWS_MAX_FILTERS:
        return _conv_im2col_rows(args)
    return _conv_im2col(args)


def _window(start: int, count: int, step: int) -> slice:
    """Slice of ``count`` positions ``start, start + step, ...``."""
    return slice(start, start + step * (count - 1) + 1, step)


def _pad_image(image: np.ndarray, args: ConvArgs, buffer: np.ndarray | None) -> np.ndarray:
    """Zero-pad one image ``(C, *spatial)`` into ``buffer``; without padding, no copy."""
    if buffer is None:  # no padding: the windows are read from the caller's array
        return image
    inner = tuple(
        slice(b, b + s) for b, s in zip(args.pad_before, image.shape[1:])
    )
    buffer[(slice(None),) + inner] = image  # borders stay zero from allocation
    return buffer


def _conv_pointwise(args: ConvArgs) -> np.ndarray:
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


def _conv_im2col(args: ConvArgs) -> np.ndarray:
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


def _conv_im2col_rows(args: ConvArgs) -> np.ndarray:
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
