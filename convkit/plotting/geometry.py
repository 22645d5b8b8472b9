"""The geometry behind the course's drawings, as plain numpy (no matplotlib).

Which cells of a padded grid are padding, which cells the kernel covers at a
given step, which input cells an output cell reads, what grid a transposed
convolution is equivalent to, how often transposed-convolution stamps overlap,
and which units a stack of layers sees. Sizes follow PyTorch: ``padding`` is
the number of zeros on *each* side, ``dilation=1`` is a contiguous kernel.

These are written independently of :mod:`convkit.arithmetic` and
:mod:`convkit.transposed` so that the tests can check one against the other.
Chapters 3 (arithmetic), 6 (transposed) and 7 (dilated) draw with them.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

__all__ = [
    "conv_output_shape",
    "padding_mask",
    "kernel_taps",
    "input_cells_read",
    "output_position",
    "TransposedGrid",
    "transposed_grid",
    "overlap_counts_1d",
    "overlap_counts_2d",
    "receptive_field_size",
    "receptive_field_units",
    "channel_shuffle_permutation",
    "group_connections",
]

# Codes of the cells of a transposed convolution's equivalent input grid.
INPUT_CELL, INSERTED_CELL, PADDING_CELL = 0, 1, 2


def _int(value, name: str, minimum: int) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints as ``(rows, cols)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        return _int(value[0], name, minimum), _int(value[1], name, minimum)
    number = _int(value, name, minimum)
    return number, number


def conv_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1) -> tuple[int, int]:
    """``(H_out, W_out)`` of a 2D convolution, ``floor((i + 2p - d(k-1) - 1)/s) + 1`` per axis.

    Parameters
    ----------
    input_size, kernel_size, stride, padding, dilation : int or pair of int
        As in :func:`convkit.conv2d`: ``padding`` zeros on each side,
        ``dilation=1`` a contiguous kernel; an int applies to both axes.

    Returns
    -------
    tuple of int
        ``(H_out, W_out)``.

    Raises
    ------
    ValueError
        If the (dilated) kernel is larger than the padded input.
    """
    size = _pair(input_size, "input_size", 1)
    k = _pair(kernel_size, "kernel_size", 1)
    s = _pair(stride, "stride", 1)
    p = _pair(padding, "padding", 0)
    d = _pair(dilation, "dilation", 1)
    out = []
    for axis in range(2):
        span = d[axis] * (k[axis] - 1) + 1
        padded = size[axis] + 2 * p[axis]
        if span > padded:
            raise ValueError(
                f"kernel_size: the dilated kernel spans {span} cells, more than the "
                f"padded input's {padded}"
            )
        out.append((padded - span) // s[axis] + 1)
    return out[0], out[1]


def padding_mask(input_size, padding) -> np.ndarray:
    """Where the padding is in the padded input grid.

    Parameters
    ----------
    input_size : int or pair of int
        ``H`` and ``W`` of the input (an int: square).
    padding : int or pair of int
        Zeros added on each side.

    Returns
    -------
    numpy.ndarray of bool
        ``(H + 2 p_H, W + 2 p_W)``, True on padding cells.
    """
    h, w = _pair(input_size, "input_size", 1)
    ph, pw = _pair(padding, "padding", 0)
    mask = np.ones((h + 2 * ph, w + 2 * pw), dtype=bool)
    mask[ph:ph + h, pw:pw + w] = False
    return mask


def output_position(step, output_shape) -> tuple[int, int]:
    """Row and column of the ``step``-th output cell, in row-major (reading) order.

    Parameters
    ----------
    step : int
        0-based step, below ``H_out * W_out``.
    output_shape : int or pair of int
        ``(H_out, W_out)``.

    Returns
    -------
    tuple of int
        ``(row, col)``.
    """
    rows, cols = _pair(output_shape, "output_shape", 1)
    step = _int(step, "step", 0)
    if step >= rows * cols:
        raise ValueError(f"step must be below the {rows * cols} output cells, got {step}")
    return step // cols, step % cols


def kernel_taps(output_index, kernel_size, stride=1, dilation=1) -> np.ndarray:
    """Cells of the *padded* grid that the kernel covers for one output cell.

    Parameters
    ----------
    output_index : pair of int
        ``(i, j)`` of the output cell.
    kernel_size, stride, dilation : int or pair of int
        As in :func:`convkit.conv2d`.

    Returns
    -------
    numpy.ndarray of int
        ``(kH * kW, 2)`` rows ``(row, col)`` in the padded grid, in the order
        of the kernel's own cells (row-major), so row ``a * kW + b`` is where
        ``weight[..., a, b]`` lands.
    """
    i, j = _pair(output_index, "output_index", 0)
    kh, kw = _pair(kernel_size, "kernel_size", 1)
    sh, sw = _pair(stride, "stride", 1)
    dh, dw = _pair(dilation, "dilation", 1)
    rows = i * sh + dh * np.arange(kh)  # (kH,)
    cols = j * sw + dw * np.arange(kw)  # (kW,)
    grid = np.stack(np.meshgrid(rows, cols, indexing="ij"), axis=-1)  # (kH, kW, 2)
    return grid.reshape(kh * kw, 2)  # (kH * kW, 2)


def input_cells_read(input_size, output_index, kernel_size, stride=1, padding=0, dilation=1) -> set[tuple[int, int]]:
    """Input cells (unpadded coordinates) whose values output cell ``output_index`` uses.

    Taps that land on padding read zeros and are left out.

    Parameters
    ----------
    input_size : int or pair of int
        ``H`` and ``W`` of the input.
    output_index : pair of int
        ``(i, j)`` of the output cell.
    kernel_size, stride, padding, dilation : int or pair of int
        As in :func:`convkit.conv2d`.

    Returns
    -------
    set of tuple of int
        The ``(row, col)`` input cells read.

    Raises
    ------
    ValueError
        If ``output_index`` lies outside the output.
    """
    h, w = _pair(input_size, "input_size", 1)
    oh, ow = conv_output_shape(input_size, kernel_size, stride, padding, dilation)
    i, j = _pair(output_index, "output_index", 0)
    if i >= oh or j >= ow:
        raise ValueError(f"output_index must lie in the {oh}x{ow} output, got {(i, j)}")
    ph, pw = _pair(padding, "padding", 0)
    taps = kernel_taps((i, j), kernel_size, stride, dilation) - np.array([ph, pw])
    inside = (taps[:, 0] >= 0) & (taps[:, 0] < h) & (taps[:, 1] >= 0) & (taps[:, 1] < w)
    return {(int(r), int(c)) for r, c in taps[inside]}


@dataclass(frozen=True)
class TransposedGrid:
    """A transposed convolution seen as a stride-1 convolution over a bigger grid.

    Made by :func:`transposed_grid`.

    Attributes
    ----------
    roles : numpy.ndarray of int8
        ``(H_grid, W_grid)`` codes: 0 input value, 1 inserted zero, 2 padding.
    input_origin : tuple of int
        Where input cell ``(0, 0)`` sits in the grid.
    stride : tuple of int
        Spacing of the input cells in the grid (the transposed conv's stride).
    implied_padding : tuple of int
        Zeros added before the first input cell, ``d (k - 1) - p`` per axis.
    output_shape : tuple of int
        ``(H_out, W_out)``, PyTorch's transposed-convolution output size.
    kernel_size, dilation : tuple of int
        Of the stride-1 convolution that runs over the grid (with the kernel
        flipped).
    """

    roles: np.ndarray
    input_origin: tuple[int, int]
    stride: tuple[int, int]
    implied_padding: tuple[int, int]
    output_shape: tuple[int, int]
    kernel_size: tuple[int, int]
    dilation: tuple[int, int]

    def input_cell(self, row: int, col: int) -> tuple[int, int]:
        """Grid position of input cell ``(row, col)``."""
        return (
            self.input_origin[0] + row * self.stride[0],
            self.input_origin[1] + col * self.stride[1],
        )


def transposed_grid(input_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1) -> TransposedGrid:
    """The zero-inserted, padded grid on which a transposed conv is a stride-1 conv.

    ``s - 1`` zeros go between neighbouring input cells, ``d (k - 1) - p``
    zeros around them (plus ``output_padding`` more at the bottom and right);
    a stride-1 convolution with the flipped kernel and dilation ``d`` over
    this grid gives PyTorch's ``conv_transpose2d`` output (chapter 6).

    Parameters
    ----------
    input_size, kernel_size, stride, padding, output_padding, dilation : int or pair of int
        As in :func:`convkit.conv_transpose2d`.

    Returns
    -------
    TransposedGrid
        The grid's cell roles, where the input sits, and the output shape.

    Raises
    ------
    ValueError
        If ``padding > d (k - 1)`` (the equivalent grid would need cropping,
        which this picture does not draw) or ``output_padding`` is not
        smaller than ``max(stride, dilation)`` (PyTorch's rule).
    """
    h, w = _pair(input_size, "input_size", 1)
    k = _pair(kernel_size, "kernel_size", 1)
    s = _pair(stride, "stride", 1)
    p = _pair(padding, "padding", 0)
    op = _pair(output_padding, "output_padding", 0)
    d = _pair(dilation, "dilation", 1)
    implied = []
    for axis in range(2):
        if op[axis] >= max(s[axis], d[axis]):
            raise ValueError(
                f"output_padding must be smaller than max(stride, dilation), got {op[axis]}"
            )
        q = d[axis] * (k[axis] - 1) - p[axis]
        if q < 0:
            raise ValueError(
                f"padding must be at most dilation * (kernel_size - 1) = "
                f"{d[axis] * (k[axis] - 1)} for this picture, got {p[axis]}"
            )
        implied.append(q)
    inserted = ((h - 1) * s[0] + 1, (w - 1) * s[1] + 1)
    grid_shape = (
        inserted[0] + 2 * implied[0] + op[0],
        inserted[1] + 2 * implied[1] + op[1],
    )
    roles = np.full(grid_shape, PADDING_CELL, dtype=np.int8)
    roles[implied[0]:implied[0] + inserted[0], implied[1]:implied[1] + inserted[1]] = INSERTED_CELL
    roles[implied[0]:implied[0] + inserted[0]:s[0], implied[1]:implied[1] + inserted[1]:s[1]] = INPUT_CELL
    output_shape = tuple(grid_shape[a] - d[a] * (k[a] - 1) for a in range(2))
    return TransposedGrid(
        roles=roles,
        input_origin=(implied[0], implied[1]),
        stride=s,
        implied_padding=(implied[0], implied[1]),
        output_shape=(int(output_shape[0]), int(output_shape[1])),
        kernel_size=k,
        dilation=d,
    )


def overlap_counts_1d(input_size: int, kernel_size: int, stride: int, dilation: int = 1) -> np.ndarray:
    """How many input pixels' kernel stamps cover each output pixel (transposed conv, no padding).

    Input pixel ``m`` stamps the kernel at output positions ``m s + t d`` for
    ``t = 0 .. k-1``; the result counts the stamps per position.

    Parameters
    ----------
    input_size, kernel_size, stride : int
        ``i``, ``k``, ``s``.
    dilation : int, default 1
        ``d``.

    Returns
    -------
    numpy.ndarray of int64
        ``(L_out,)`` with ``L_out = (i - 1) s + d (k - 1) + 1``.
    """
    i = _int(input_size, "input_size", 1)
    k = _int(kernel_size, "kernel_size", 1)
    s = _int(stride, "stride", 1)
    d = _int(dilation, "dilation", 1)
    counts = np.zeros((i - 1) * s + d * (k - 1) + 1, dtype=np.int64)
    for m in range(i):
        for t in range(k):
            counts[m * s + t * d] += 1
    return counts


def overlap_counts_2d(input_size, kernel_size, stride, dilation=1) -> np.ndarray:
    """2D overlap counts of a transposed convolution (no padding).

    The outer product of the per-axis counts: a checkerboard when the stride
    does not divide the kernel size.

    Parameters
    ----------
    input_size, kernel_size, stride : int or pair of int
        As in :func:`overlap_counts_1d`, per axis.
    dilation : int or pair of int, default 1

    Returns
    -------
    numpy.ndarray of int64
        ``(H_out, W_out)``.
    """
    i = _pair(input_size, "input_size", 1)
    k = _pair(kernel_size, "kernel_size", 1)
    s = _pair(stride, "stride", 1)
    d = _pair(dilation, "dilation", 1)
    rows = overlap_counts_1d(i[0], k[0], s[0], d[0])
    cols = overlap_counts_1d(i[1], k[1], s[1], d[1])
    return np.outer(rows, cols)  # (H_out, W_out)


def _layers(layers) -> list[tuple[int, int, int]]:
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError("layers must be a sequence of (kernel_size, stride[, dilation]) tuples")
    parsed = []
    for index, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) not in (2, 3):
            raise ValueError(
                f"layers[{index}] must be (kernel_size, stride) or (kernel_size, stride, dilation), got {layer!r}"
            )
        k = _int(layer[0], f"layers[{index}] kernel_size", 1)
        s = _int(layer[1], f"layers[{index}] stride", 1)
        d = _int(layer[2], f"layers[{index}] dilation", 1) if len(layer) == 3 else 1
        parsed.append((k, s, d))
    if not parsed:
        raise ValueError("layers must hold at least one layer")
    return parsed


def receptive_field_size(layers) -> int:
    """Receptive field of stacked 1D layers, input side first.

    ``r_l = r_{l-1} + d_l (k_l - 1) * s_1 ... s_{l-1}``, ``r_0 = 1``.

    Parameters
    ----------
    layers : sequence of tuple
        ``(kernel_size, stride)`` or ``(kernel_size, stride, dilation)`` per layer.

    Returns
    -------
    int
        Number of input units one output unit of the last layer sees.
    """
    size, jump = 1, 1
    for k, s, d in _layers(layers):
        size += d * (k - 1) * jump
        jump *= s
    return size


def receptive_field_units(layers) -> list[np.ndarray]:
    """Which units of every level feed the first unit of the last layer.

    The input is taken exactly as long as the receptive field, with no
    padding, so the last layer has one unit.

    Parameters
    ----------
    layers : sequence of tuple
        ``(kernel_size, stride)`` or ``(kernel_size, stride, dilation)`` per
        layer, input side first.

    Returns
    -------
    list of numpy.ndarray of bool
        ``masks[0]`` is the input (length = receptive field), ``masks[l]``
        layer ``l``'s output; ``masks[-1]`` has one True unit.
    """
    parsed = _layers(layers)
    lengths = [receptive_field_size(parsed)]
    for k, s, d in parsed:
        lengths.append((lengths[-1] - d * (k - 1) - 1) // s + 1)
    masks = [np.zeros(n, dtype=bool) for n in lengths]
    masks[-1][0] = True
    for level in range(len(parsed), 0, -1):
        k, s, d = parsed[level - 1]
        for unit in np.flatnonzero(masks[level]):
            masks[level - 1][unit * s + d * np.arange(k)] = True
    return masks


def channel_shuffle_permutation(channels: int, groups: int) -> np.ndarray:
    """ShuffleNet's channel shuffle as a permutation (chapter 12).

    The ``g * n`` channels are viewed as ``(g, n)``, transposed to ``(n, g)``
    and flattened.

    Parameters
    ----------
    channels : int
        ``C``, divisible by ``groups``.
    groups : int
        ``g``.

    Returns
    -------
    numpy.ndarray of int
        ``perm`` of shape ``(C,)`` with ``shuffled[:, c] = x[:, perm[c]]``.
    """
    c = _int(channels, "channels", 1)
    g = _int(groups, "groups", 1)
    if c % g:
        raise ValueError(f"channels must be divisible by groups, got {c} and {g}")
    return np.arange(c).reshape(g, c // g).T.reshape(c)  # (g, n) -> (n, g) -> (C,)


def group_connections(in_channels: int, out_channels: int, groups: int) -> np.ndarray:
    """Which input channels each output channel reads in a grouped convolution (chapter 11).

    Block diagonal: filter ``o`` belongs to group ``o // (C_out/g)`` and sees
    the input channels of that group only.

    Parameters
    ----------
    in_channels, out_channels : int
        ``C_in`` and ``C_out``, both divisible by ``groups``.
    groups : int
        ``g``.

    Returns
    -------
    numpy.ndarray of bool
        ``(C_out, C_in)``, True where output channel ``o`` reads input channel ``c``.
    """
    c_in = _int(in_channels, "in_channels", 1)
    c_out = _int(out_channels, "out_channels", 1)
    g = _int(groups, "groups", 1)
    if c_in % g:
        raise ValueError(f"in_channels must be divisible by groups, got {c_in} and {g}")
    if c_out % g:
        raise ValueError(f"out_channels must be divisible by groups, got {c_out} and {g}")
    out_group = np.arange(c_out) // (c_out // g)  # (C_out,)
    in_group = np.arange(c_in) // (c_in // g)  # (C_in,)
    return out_group[:, None] == in_group[None, :]  # (C_out, C_in)
