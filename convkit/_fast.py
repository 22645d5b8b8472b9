"""The fast path of ``conv1d``, ``conv2d`` and ``conv3d``: cache-blocked im2col.

This module is for maintainers; a student reads :mod:`convkit.conv`, whose
``conv2d_naive`` and ``conv2d_im2col`` say what is computed. The functions
here compute the same thing, faster, and the tests hold them to
``conv2d_im2col`` and to PyTorch.

Why it exists. The plain im2col (``conv2d_im2col``) copies every window of
the whole image into one matrix ``C_in kH kW`` rows high before
multiplying: for a 3x3 convolution from 64 channels on a 56x56 image that
matrix is 7 MB, larger than the cache, so the copy and the product each
stream it through memory. ``benchmarks/bench.py`` times every case against
its matrix-multiply bound and PyTorch; the targets are in
``benchmarks/README.md``.

How. :func:`conv_nd` picks one of four exact methods, each explained in
its docstring:

* ``_conv_pointwise``: a kernel of size one with no padding is a plain
  matrix multiply over the channels (the pointwise convolution of chapter 5);
* ``_conv_im2col``: a channel-major im2col, one matrix multiply per group,
  cut into tiles (bands of output rows, chunks of groups) small enough to
  stay in cache, so that a depthwise convolution becomes many small
  products over cached tiles rather than one pass per tap over the image;
* ``_conv_im2col_rows``: with stride 1 and few filters per group, the same
  over whole padded rows, so that each row of the matrix is one long copy;
* ``_conv_im2col_tap_rows``: with more filters per group, or a kernel at
  least ``_TAP_ROWS_LARGE_KERNEL`` tall, and a 2D or 3D kernel whose rows
  overlap (``_tap_rows_pay`` gives the rest of the rule), the im2col of the
  inner kernel axes only, read once per tap of the first axis: a copy
  about ``kernel[0] / s0`` times smaller, paid for by ``kernel[0]`` products.
  Measured against ``_conv_im2col`` on the shapes of ``benchmarks/bench.py``
  (minimum CPU time of 30 interleaved rounds, one thread, two runs): 0.82
  times its time on the grouped case (g = 8, 32 filters per group, where
  the full matrix is largest next to the products), 0.89 to 0.94 on the 3x3
  64 -> 64 (N = 1 and 8) and dilated cases, 0.99 to 1.01 on the strided one
  (both copy every other input value); against ``_conv_im2col_rows``, 0.63
  on the 31x31 16 -> 16 case.

The results carry no bias: the caller adds it.
"""

from __future__ import annotations

import functools
import itertools
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
# Tiles of the tap-row im2col (_conv_im2col_tap_rows): its matrix for one group is cut
# into bands of rows only above _TAP_ROWS_BAND_BYTES, and holds as many groups as fit
# in _TAP_ROWS_CHUNK_BYTES. Measured (minimum CPU time over 40 rounds, one thread, each
# call after PyTorch's as in benchmarks/bench.py): 3x3 64 -> 64 on 56x56 (2.4 MB) took
# 0.95 times as long in one band as in two; grouped 256 -> 256, g = 8, 28x28 (0.3 MB a
# group) 0.93 to 1.00 times as long in chunks of 4 groups as in one chunk of 8.
_TAP_ROWS_BAND_BYTES = 1 << 22
_TAP_ROWS_CHUNK_BYTES = 1 << 21
# Fewest terms per product (C_in/groups * taps[1:]) for the tap-row im2col: below it the
# thin products cost more than the copying they save (3x3 8 -> 32 on 112x112: 1.12 times
# the time of the plain im2col; 64 -> 64: 0.9 times).
_TAP_ROWS_MIN_TERMS = 32
# With few filters per group (the whole-row im2col's case) the tap-row im2col is chosen
# only for kernels this tall or taller. Measured (time against the whole-row im2col, one
# thread): 0.25 to 0.9 for kernels of 7 to 31 with 4 or 16 channels on 32x32 and 64x64
# (0.63 for the 31x31 16 -> 16 of benchmarks/bench.py), 0.86 to 1.02 for 5x5, 1.2 to 1.36
# for 3x3 (16 -> 16 on 16x16; 3x3x3 16 -> 16 on 32^3).
_TAP_ROWS_LARGE_KERNEL = 7


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
    tap_rows = _tap_rows_pay(args)
    few_filters = args.weight.shape[0] // args.groups <= _ROWS_MAX_FILTERS
    if (all(s == 1 for s in args.stride) and few_filters
            and not (tap_rows and kernel[0] >= _TAP_ROWS_LARGE_KERNEL)):
        return _conv_im2col_rows(args)
    if tap_rows:
        return _conv_im2col_tap_rows(args)
    return _conv_im2col(args)


def _tap_rows_pay(args: ConvArgs) -> bool:
    """Whether :func:`_conv_im2col_tap_rows` should beat :func:`_conv_im2col` on these arguments.

    It needs tap rows that share input rows (``(kernel[0] - 1) * d0 >=
    s0``), products of at least ``_TAP_ROWS_MIN_TERMS`` terms, and a weight
    (which it copies into its own order once per call) no larger than the
    matrices it copies from the input.
    """
    x, w = args.input, args.weight
    kernel = w.shape[2:]
    if len(kernel) < 2 or (kernel[0] - 1) * args.dilation[0] < args.stride[0]:
        return False
    per_group_in = w.shape[1]
    if per_group_in * math.prod(kernel[1:]) < _TAP_ROWS_MIN_TERMS:
        return False
    matrix = (x.shape[0] * x.shape[1] * math.prod(kernel[1:]) * args.stride[0]
              * (args.out_size[0] + (kernel[0] - 1) * args.dilation[0] // args.stride[0])
              * math.prod(args.out_size[1:]))
    return w.size <= matrix


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


def _matmul_groups(weight: np.ndarray, columns: np.ndarray, out: np.ndarray) -> None:
    """``weight @ columns`` into ``out``, stacked over groups; one group as a plain 2D product."""
    if len(weight) == 1:  # a plain 2D product skips numpy's batched-matmul overhead
        np.matmul(weight[0], columns[0], out=out[0])
    else:
        np.matmul(weight, columns, out=out)


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
                _matmul_groups(
                    w_flat[g0:g0 + ng],
                    # (ng, C_in/G * taps, nr * rest)
                    cols.reshape(ng, per_group_in * taps, nr * rest),
                    out_flat[i, g0:g0 + ng, :, positions],
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

    group_row_bytes = per_group_in * taps * row_length * itemsize
    band = max(1, min(rows, _TILE_BYTES // group_row_bytes, _TILE_COLUMNS // row_length))
    chunk = max(1, min(g, _TILE_BYTES // (group_row_bytes * band)))
    w_flat = w.reshape(g, per_group_out, per_group_in * taps)  # (G, C_out/G, C_in/G * taps)
    cols_buffer = np.empty(chunk * per_group_in * taps * band * row_length, dtype=w.dtype)
    band_buffer = np.empty(chunk * per_group_out * band * row_length, dtype=w.dtype)
    crop = tuple(slice(0, o) for o in out_size[1:])
    out = np.empty((n_batch, c_out) + out_size, dtype=w.dtype)
    for i in range(n_batch):
        _pad_image(x[i], args, image)  # the padding around it stays zero
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
                _matmul_groups(
                    w_flat[g0:g0 + ng],
                    cols.reshape(ng, per_group_in * taps, span),  # (ng, C_in/G * taps, span)
                    result.reshape(ng, per_group_out, span),  # (ng, C_out/G, span)
                )
                band_grid = result.reshape((ng * per_group_out, nr) + padded[1:])
                out[(i, slice(g0 * per_group_out, (g0 + ng) * per_group_out),
                     slice(r0, r0 + nr)) + crop] = band_grid[(slice(None), slice(None)) + crop]
    return out


def _conv_im2col_tap_rows(args: ConvArgs) -> np.ndarray:
    """Im2col of the inner kernel axes only, and one matrix multiply per tap of the first axis.

    The window of kernel tap ``(t0, t1, ...)`` over a band of output rows is
    the window of tap ``(0, t1, ...)`` moved down by ``t0 * d0`` input rows.
    So a matrix that holds the taps of the inner axes only, over every input
    row the band needs, ``(taps[1:] * C_in/G, rows, *out[1:])``, serves all
    the taps of the first axis: the operand of tap row ``t0`` is that matrix
    read ``t0 * d0`` rows further on, a plain 2D view. The copy is
    ``kernel[0]`` times smaller than the full im2col (3 times for a 3x3
    kernel), and the result is the sum of ``kernel[0]`` products of
    ``taps[1:] * C_in/G`` terms each. With a stride ``s0`` the input rows are
    split by phase (``row % s0``) so that the rows of one tap row are again
    consecutive; the tap rows that share a move and together read every
    phase (with ``d0 = 1``, each run of ``s0`` tap rows) make one product.

    The matrix is copied straight from the input, without a padded copy of
    the image: what falls in the padding is zeroed instead. The work is cut
    into bands of output rows and chunks of groups, so that the matrix stays
    in cache while it is read ``kernel[0]`` times.
    """
    x, w, g = args.input, args.weight, args.groups
    n_batch, c_in = x.shape[:2]
    c_out = w.shape[0]
    per_group_in, per_group_out = c_in // g, c_out // g
    kernel = tuple(w.shape[2:])
    inner_taps = math.prod(kernel[1:])
    out_size = args.out_size
    rows = out_size[0]
    rest = math.prod(out_size[1:])  # positions in one output row (or plane in 3D)
    s0, d0 = args.stride[0], args.dilation[0]
    reach = (kernel[0] - 1) * d0 // s0  # rows of a phase a band reads beyond its own
    depth = s0 * inner_taps * per_group_in  # rows of the matrix of one group

    # Tile: as many output rows as fit for one group, then as many groups as fit.
    row_bytes = depth * rest * w.dtype.itemsize
    band = max(1, min(rows, _TAP_ROWS_BAND_BYTES // row_bytes - reach))
    band = -(-rows // -(-rows // band))  # bands of (nearly) equal height
    chunk = max(1, min(g, _TAP_ROWS_CHUNK_BYTES // (row_bytes * (band + reach))))
    chunk = -(-g // -(-g // chunk))  # chunks of (nearly) equal size
    span = band + reach
    # Element [j, p, t, c, y, *o]: input channel c of group j at row (r0 + y) * s0 + p - pad0
    # and, along each further axis, at o * s + t * d - pad (t the inner tap, r0 the band's row).
    matrix = np.empty((chunk, s0, inner_taps, per_group_in, span) + out_size[1:], dtype=w.dtype)
    by_phase = matrix.reshape(chunk, s0, inner_taps * per_group_in, span * rest)
    # (chunk, s0 * taps[1:] * C_in/G, span * rest)
    merged = matrix.reshape(chunk, depth, span * rest)
    # (G, C_out/G, kernel[0], taps[1:], C_in/G): the weight in the matrix's order of terms
    w_rows = np.empty((g, per_group_out, kernel[0], inner_taps, per_group_in), dtype=w.dtype)
    w_rows[...] = w.reshape(g, per_group_out, per_group_in, kernel[0], inner_taps).transpose(
        0, 1, 3, 4, 2)
    products = []  # (weight (G, C_out/G, terms), phase or None for every phase, move in rows)
    for shift in range(reach + 1):
        tap_rows = [t0 for t0 in range(kernel[0]) if t0 * d0 // s0 == shift]
        if s0 > 1 and len(tap_rows) == s0:  # then d0 = 1: tap rows shift * s0 + phase
            weight = w_rows[:, :, tap_rows[0]:tap_rows[-1] + 1].reshape(g, per_group_out, -1)
            products.append((weight, None, shift))
        else:
            products.extend((w_rows[:, :, t0].reshape(g, per_group_out, -1), t0 * d0 % s0, shift)
                            for t0 in tap_rows)

    partial = np.empty((chunk, per_group_out, band * rest), dtype=w.dtype)
    out = np.empty((n_batch, c_out) + out_size, dtype=w.dtype)
    out_flat = out.reshape(n_batch, g, per_group_out, rows * rest)  # (N, G, C_out/G, P)
    # With stride 1 and inner output axes as long as the input's (padding 'same' along them),
    # a tap's block is one range of the flattened image, moved: one long copy per channel,
    # after which the few values it carries over into the padding are zeroed again.
    flat = all(s == 1 for s in args.stride) and out_size[1:] == x.shape[3:] and x.flags.c_contiguous
    matrix_flat = matrix.reshape(chunk, s0, inner_taps, per_group_in, span * rest)
    zeroed: dict[tuple[int, int], tuple] = {}  # (phase, tap) -> the parts last zeroed
    for r0 in range(0, rows, band):
        nr = min(band, rows - r0)
        plan = _tap_row_plan(x.shape[2:], out_size, kernel[1:], args.stride, args.pad_before,
                             args.dilation, r0, nr + reach, span)
        for slot, _, target, _, _, outside, outside_rows, _ in plan:
            # Zero what the copies leave out (the padding); flat copies zero within their rows.
            parts = outside_rows if flat and target is not None else outside
            if zeroed.get(slot) != parts:
                zeroed[slot] = parts
                for part in parts:
                    matrix[(slice(None),) + slot + (slice(None),) + part] = 0
        copies = [entry for entry in plan if entry[2] is not None]
        for i in range(n_batch):
            for g0 in range(0, g, chunk):
                ng = min(chunk, g - g0)
                image = x[i, g0 * per_group_in:(g0 + ng) * per_group_in]
                # (ng, C_in/G, *spatial)
                image = image.reshape((ng, per_group_in) + image.shape[1:])
                if flat:
                    image_flat = image.reshape(ng, per_group_in, -1)  # (ng, C_in/G, H * W...)
                    for slot, _, _, _, (start, stop, move), _, _, carried in copies:
                        matrix_flat[(slice(0, ng),) + slot + (slice(None), slice(start, stop))] = \
                            image_flat[:, :, start + move:stop + move]
                        for part in carried:
                            matrix[(slice(0, ng),) + slot + (slice(None),) + part] = 0
                else:
                    for slot, _, target, source, _, _, _, _ in copies:
                        matrix[(slice(0, ng),) + slot + (slice(None),) + target] = \
                            image[(slice(None), slice(None)) + source]
                # (ng, C_out/G, nr * rest)
                result = out_flat[i, g0:g0 + ng, :, r0 * rest:(r0 + nr) * rest]
                for k, (weight, phase, shift) in enumerate(products):
                    # (chunk, terms, span * rest), then (ng, terms, nr * rest)
                    view = merged if phase is None else by_phase[:, phase]
                    operand = view[:ng, :, shift * rest:(shift + nr) * rest]
                    product = result if k == 0 else partial[:ng, :, :nr * rest]
                    _matmul_groups(weight[g0:g0 + ng], operand, product)
                    if k:
                        result += product
    return out


@functools.lru_cache(maxsize=256)
def _tap_row_plan(size: tuple[int, ...], out_size: tuple[int, ...], inner: tuple[int, ...],
                  stride: tuple[int, ...], pad: tuple[int, ...], dilation: tuple[int, ...],
                  r0: int, span: int, extent: int) -> tuple:
    """Where :func:`_conv_im2col_tap_rows`'s matrix comes from, for ``span`` rows from ``r0``.

    Rows ``r0, ..., r0 + span - 1`` of each phase. For each phase ``p`` and
    inner tap index ``t`` (the slot ``(p, t)`` of the matrix, whose rows axis
    holds ``extent`` rows), the block of ``(rows, *out[1:])`` that falls
    inside the input and the input's slices it is copied from. Returns ``(slot, box, target, source, flat, outside,
    outside_rows, carried)`` tuples: ``box`` the block as ``(low, high)`` per
    axis; ``target`` and ``source`` the slices; ``flat`` the block's range
    ``(start, stop)`` in the flattened ``(rows, *out[1:])`` and the move to
    its first value in the flattened input (the copy of that whole range is
    the block when the stride is 1 and ``out[1:]`` is the input's size);
    ``outside`` the index tuples of the parts of the slot outside the block,
    ``outside_rows`` those outside its rows, ``carried`` those inside its rows
    but outside the block (what a flat copy fills wrongly). ``target``,
    ``source`` and ``flat`` are None when the block is empty.
    """
    s0, p0 = stride[0], pad[0]
    plan = []
    for phase in range(s0):
        # Rows y with input row (r0 + y) * s0 + phase - p0 inside [0, size[0]).
        start = r0 * s0 + phase - p0  # the input row of y = 0
        low = max(0, -(start // s0))  # ceil(-start / s0), at least 0
        high = min(span, (size[0] - 1 - start) // s0 + 1)
        first_box = ((low, high),)
        first_source = (slice(low * s0 + start, (high - 1) * s0 + start + 1, s0),)
        for tap_index, taps in enumerate(itertools.product(*(range(k) for k in inner))):
            box, source = first_box, first_source
            for t, o, s, d, p, n in zip(taps, out_size[1:], stride[1:], dilation[1:], pad[1:],
                                        size[1:]):
                start = t * d - p  # the input position of output position 0
                low = max(0, -(start // s))
                high = min(o, (n - 1 - start) // s + 1)
                box += ((low, high),)
                source += (slice(low * s + start, (high - 1) * s + start + 1, s),)
            extents = (extent,) + out_size[1:]
            outside = _outside(box, extents)
            if any(high <= low for low, high in box):
                plan.append(((phase, tap_index), box, None, None, None, outside, outside, ()))
                continue
            outside_rows = _outside(box[:1], extents[:1])
            carried = tuple((slice(*box[0]),) + part for part in _outside(box[1:], extents[1:]))
            start = int(np.ravel_multi_index([low for low, _ in box], extents))
            stop = int(np.ravel_multi_index([high - 1 for _, high in box], extents)) + 1
            first = int(np.ravel_multi_index([cut.start for cut in source], size))
            plan.append(((phase, tap_index), box, tuple(slice(a, b) for a, b in box), source,
                         (start, stop, first - start), outside, outside_rows, carried))
    return tuple(plan)


def _outside(box: tuple[tuple[int, int], ...], extents: tuple[int, ...]) -> tuple:
    """Index tuples covering the parts of an array of shape ``extents`` outside ``box``.

    ``box`` holds ``(low, high)`` per axis; the parts are the slabs below and
    above it along each axis in turn, within the box along the axes before.
    """
    if any(high <= low for low, high in box):
        return ((slice(None),) * len(box),)
    parts = []
    for axis, (low, high) in enumerate(box):
        inside = tuple(slice(a, b) for a, b in box[:axis])
        if low > 0:
            parts.append(inside + (slice(0, low),))
        if high < extents[axis]:
            parts.append(inside + (slice(high, extents[axis]),))
    return tuple(parts)
