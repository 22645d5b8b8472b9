"""The geometry behind the course's drawings, as plain numpy (no matplotlib).

Sizes follow PyTorch (``padding`` zeros on *each* side, ``dilation=1`` a
contiguous kernel) and come from :mod:`convkit.sizes` and
:mod:`convkit.grouped`, so a figure shows the numbers the library computes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convkit._validation import check_groups, check_int, check_layers, to_tuple
from convkit.grouped import block_diagonal_weight
from convkit.sizes import (
    conv_output_size, conv_transpose_output_size, receptive_field,
)

__all__ = [
    "padding_mask",
    "kernel_taps",
    "input_cells_read",
    "output_position",
    "TransposedGrid",
    "transposed_grid",
    "receptive_field_units",
    "group_connections",
]

# Codes of the cells of a transposed convolution's equivalent input grid.
INPUT_CELL, INSERTED_CELL, PADDING_CELL = 0, 1, 2

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

    Raises
    ------
    TypeError
        If an argument is not an int or a pair of ints.
    ValueError
        If a size is not positive or a padding is negative.
    """
    h, w = to_tuple(input_size, 2, "input_size", 1)
    ph, pw = to_tuple(padding, 2, "padding", 0)
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

    Raises
    ------
    TypeError
        If ``step`` is not an int or ``output_shape`` not an int or a pair of ints.
    ValueError
        If ``step`` is negative or not below ``H_out * W_out``.
    """
    rows, cols = to_tuple(output_shape, 2, "output_shape", 1)
    step = check_int(step, "step", 0)
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

    Raises
    ------
    TypeError
        If an argument is not an int or a pair of ints.
    ValueError
        If an index is negative or a size, stride or dilation not positive.
    """
    i, j = to_tuple(output_index, 2, "output_index", 0)
    kh, kw = to_tuple(kernel_size, 2, "kernel_size", 1)
    sh, sw = to_tuple(stride, 2, "stride", 1)
    dh, dw = to_tuple(dilation, 2, "dilation", 1)
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
    TypeError
        If an argument is not an int or a pair of ints.
    ValueError
        If ``output_index`` lies outside the output, or for the arguments
        :func:`convkit.conv_output_size` refuses.
    """
    h, w = to_tuple(input_size, 2, "input_size", 1)
    ph, pw = to_tuple(padding, 2, "padding", 0)
    oh, ow = conv_output_size((h, w), kernel_size, stride, (ph, pw), dilation)
    i, j = to_tuple(output_index, 2, "output_index", 0)
    if i >= oh or j >= ow:
        raise ValueError(f"output_index must lie in the {oh}x{ow} output, got {(i, j)}")
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
    stride : tuple of int
        Spacing of the input cells in the grid (the transposed conv's stride).
    implied_padding : tuple of int
        Zeros added before the first input cell, ``d (k - 1) - p`` per axis,
        so also where input cell ``(0, 0)`` sits in the grid.
    output_shape : tuple of int
        ``(H_out, W_out)``, PyTorch's transposed-convolution output size.
    """

    roles: np.ndarray
    stride: tuple[int, int]
    implied_padding: tuple[int, int]
    output_shape: tuple[int, int]


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
    TypeError
        If an argument is not an int or a pair of ints.
    ValueError
        For the arguments :func:`convkit.conv_transpose_output_size` refuses
        (``output_padding`` not smaller than ``max(stride, dilation)``,
        PyTorch's rule, among them), or if ``padding > d (k - 1)``: the
        equivalent grid would need cropping, which this picture does not draw.
    """
    h, w = to_tuple(input_size, 2, "input_size", 1)
    k = to_tuple(kernel_size, 2, "kernel_size", 1)
    s = to_tuple(stride, 2, "stride", 1)
    p = to_tuple(padding, 2, "padding", 0)
    op = to_tuple(output_padding, 2, "output_padding", 0)
    d = to_tuple(dilation, 2, "dilation", 1)
    output_shape = conv_transpose_output_size((h, w), k, s, p, op, d)
    implied = []
    for axis in range(2):
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
    return TransposedGrid(
        roles=roles,
        stride=s,
        implied_padding=(implied[0], implied[1]),
        output_shape=output_shape,
    )


def receptive_field_units(layers) -> list[np.ndarray]:
    """Which units of every level feed the first unit of the last layer.

    The input is taken exactly as long as the receptive field
    (:func:`convkit.receptive_field`), with no padding, so the last layer has
    one unit; each level's length is :func:`convkit.conv_output_size` of the
    level below.

    Parameters
    ----------
    layers : sequence of tuple
        As in :func:`convkit.receptive_field`.

    Returns
    -------
    list of numpy.ndarray of bool
        ``masks[0]`` is the input (length = receptive field), ``masks[l]``
        layer ``l``'s output; ``masks[-1]`` has one True unit. An empty stack
        gives ``[array([True])]``: the output is the input unit itself.

    Raises
    ------
    TypeError
        If ``layers`` is not a sequence of 2- or 3-tuples of ints.
    ValueError
        If a kernel size, stride or dilation is not positive.
    """
    parsed = check_layers(layers)
    lengths = [receptive_field(parsed)]
    for k, s, d in parsed:
        lengths.append(conv_output_size(lengths[-1], k, s, 0, d))
    masks = [np.zeros(n, dtype=bool) for n in lengths]
    masks[-1][0] = True
    # Walk down from the output: a unit is active if a tap of an active unit above lands on it.
    for level in range(len(parsed), 0, -1):
        k, s, d = parsed[level - 1]
        for unit in np.flatnonzero(masks[level]):
            masks[level - 1][unit * s + d * np.arange(k)] = True
    return masks


def group_connections(in_channels: int, out_channels: int, groups: int) -> np.ndarray:
    """Which input channels each output channel reads in a grouped convolution (chapter 11).

    The non-zero pattern of :func:`convkit.block_diagonal_weight`: filter
    ``o`` belongs to group ``o // (C_out/g)`` and sees the input channels of
    that group only.

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

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If an argument is not positive or ``groups`` does not divide both
        channel counts.
    """
    c_in = check_int(in_channels, "in_channels", 1)
    c_out = check_int(out_channels, "out_channels", 1)
    g = check_groups(groups, c_in, c_out)
    ones = np.ones((c_out, c_in // g), dtype=np.int8)  # (C_out, C_in/g): one weight per connection
    return block_diagonal_weight(ones, g) != 0  # (C_out, C_in)
