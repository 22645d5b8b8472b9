"""Matrix pictures: the convolution matrix, grouped weights, channel shuffle (chapters 6, 11, 12)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from convkit._validation import as_nd_array
from convkit.grouped import shuffle_permutation
from convkit.plotting import colors
from convkit.plotting._grid import format_value, plain_axes
from convkit.plotting.geometry import group_connections
from convkit.transposed import conv_matrix

__all__ = ["matrix_figure", "conv_matrix_figure", "grouped_weight_figure", "channel_shuffle_figure"]

MAX_VALUE_CELLS = 24


def matrix_figure(matrix, title: str = "", row_label: str = "row", col_label: str = "column",
                  diverging: bool | None = None, show_values: bool | None = None) -> Figure:
    """Heatmap of a 2D array, values printed when it is small.

    Sequential data use ``cividis``; data with both signs use ``RdBu``
    centred on 0. Zeros are printed as ``·`` so the sparsity pattern reads
    without colour.

    Parameters
    ----------
    matrix : array_like
        2D array.
    title, row_label, col_label : str
        Axis title and labels.
    diverging : bool, optional
        Force (or refuse) the diverging colour map; default: when the matrix
        has both signs.
    show_values : bool, optional
        Default: when both sides are at most 24.

    Returns
    -------
    matplotlib.figure.Figure
    """
    m = np.asarray(matrix)
    if m.ndim != 2:
        raise ValueError(f"matrix must be 2D, got shape {m.shape}")
    if diverging is None:
        diverging = bool((m < 0).any() and (m > 0).any())
    if show_values is None:
        show_values = max(m.shape) <= MAX_VALUE_CELLS
    rows, cols = m.shape
    cell = 0.3 if max(m.shape) <= 16 else 0.18
    fig = Figure(figsize=(max(3.0, cols * cell + 1.8), max(2.2, rows * cell + 1.3)), facecolor=colors.FIGURE_FACE)
    ax = fig.add_subplot()
    if diverging:
        limit = float(np.abs(m).max()) or 1.0
        image = ax.imshow(m, cmap=colors.DIVERGING_CMAP, vmin=-limit, vmax=limit)
    else:
        image = ax.imshow(m, cmap=colors.SEQUENTIAL_CMAP)
    if show_values:
        norm = image.norm
        for r in range(rows):
            for c in range(cols):
                value = m[r, c]
                level = norm(value)
                # Dark text on light cells and light text on dark ones.
                light_cell = (0.25 < level < 0.75) if diverging else level > 0.55
                ax.text(c, r, "·" if value == 0 else format_value(value), ha="center", va="center",
                        fontsize=6 if max(m.shape) > 12 else 8, color="black" if light_cell else "white")
    ax.set_xlabel(col_label, fontsize=8)
    ax.set_ylabel(row_label, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8).ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def conv_matrix_figure(input_size, weight, stride=1, padding=0, transpose=False) -> Figure:
    """The matrix ``C`` of a single-channel 2D convolution (``y = C x``), or ``C^T``.

    Parameters
    ----------
    input_size : int or pair of int
        ``H`` (square) or ``(H, W)`` of the input.
    weight : array_like
        ``(kH, kW)`` kernel.
    stride, padding : int or pair of int
        As in :func:`convkit.conv2d`.
    transpose : bool, default False
        Draw ``C^T``, the matrix of the transposed convolution (chapter 6).

    Returns
    -------
    matplotlib.figure.Figure
        Rows are output pixels (row-major), columns input pixels; computed by
        :func:`convkit.conv_matrix`.
    """
    w = as_nd_array(weight, "weight", "kH, kW")
    h, wd = (input_size, input_size) if np.isscalar(input_size) else tuple(input_size)
    c = conv_matrix((1, h, wd), w[None, None], stride=stride, padding=padding)  # (H_out*W_out, H*W)
    if transpose:
        title = rf"$\mathbf{{C}}^\top$ ({c.shape[1]}×{c.shape[0]}): transposed convolution"
        c = c.T
    else:
        title = rf"$\mathbf{{C}}$ ({c.shape[0]}×{c.shape[1]}): $y = \mathbf{{C}}x$"
    return matrix_figure(c, title=title, row_label="output pixel (row-major)",
                         col_label="input pixel (row-major)")


def grouped_weight_figure(in_channels: int, out_channels: int, groups: int, weight=None) -> Figure:
    """The ``(C_out, C_in)`` channel weight of a grouped convolution: block diagonal.

    Cells outside the diagonal blocks (weights that do not exist) are grey
    and hatched; each block is outlined and labelled with its group.

    Parameters
    ----------
    in_channels, out_channels : int
        ``C_in`` and ``C_out``, both divisible by ``groups``.
    groups : int
        Number of groups.
    weight : array_like, optional
        ``(C_out, C_in/groups)`` values (e.g. a 1x1 grouped conv's weight
        squeezed) printed in the existing cells.

    Returns
    -------
    matplotlib.figure.Figure
    """
    mask = group_connections(in_channels, out_channels, groups)  # (C_out, C_in)
    per_in, per_out = in_channels // groups, out_channels // groups
    values = None
    if weight is not None:
        values = np.asarray(weight)
        if values.shape != (out_channels, per_in):
            raise ValueError(f"weight must have shape {(out_channels, per_in)}, got {values.shape}")
    fig = Figure(figsize=(max(3.0, 0.34 * in_channels + 1.4), max(2.4, 0.34 * out_channels + 1.4)),
                 facecolor=colors.FIGURE_FACE)
    ax = fig.add_axes((0.14, 0.13, 0.82, 0.71))
    ax.set_xlim(-0.1, in_channels + 0.1)
    ax.set_ylim(out_channels + 0.1, -0.1)
    ax.set_aspect("equal")
    for o in range(out_channels):
        for c in range(in_channels):
            if mask[o, c]:
                g = o // per_out
                patch = Rectangle((c, o), 1, 1, gid="weight", facecolor=colors.GROUP_COLORS[g % 8],
                                  edgecolor=colors.EDGE, linewidth=0.6)
                if values is not None and max(in_channels, out_channels) <= 16:
                    ax.text(c + 0.5, o + 0.5, format_value(values[o, c - g * per_in]),
                            ha="center", va="center", fontsize=7)
            else:
                patch = Rectangle((c, o), 1, 1, gid="absent", **{**colors.cell_style("padding"), "linewidth": 0.4})
            ax.add_patch(patch)
    for g in range(groups):
        ax.add_patch(Rectangle((g * per_in, g * per_out), per_in, per_out, fill=False,
                               edgecolor=colors.EDGE, linewidth=2.2, gid="block"))
        ax.text(g * per_in + per_in / 2, g * per_out + per_out / 2, f"g{g}" if values is None else "",
                ha="center", va="center", fontsize=8, fontweight="bold")
    ax.set_xlabel("input channel", fontsize=8)
    ax.set_ylabel("output channel", fontsize=8)
    ax.tick_params(labelsize=7)
    params = out_channels * per_in
    ax.set_title(f"groups = {groups}: {params} of {out_channels * in_channels} weights exist\n"
                 "(hatched grey: no weight)", fontsize=9)
    return fig


def channel_shuffle_figure(channels: int, groups: int) -> Figure:
    """The channel-shuffle permutation: which input channel lands where.

    Top row: channels before the shuffle, coloured, hatched and labelled by
    group; bottom row: after it; an arrow from each channel to its new place.

    Parameters
    ----------
    channels : int
        ``C``, divisible by ``groups``.
    groups : int
        Number of groups ``g``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    perm = shuffle_permutation(channels, groups)  # shuffled[k] = x[perm[k]]
    per_group = channels // groups
    fig = Figure(figsize=(max(4.0, 0.55 * channels + 1.0), 2.6), facecolor=colors.FIGURE_FACE)
    ax = plain_axes(fig.add_axes((0.02, 0.05, 0.96, 0.68)), (-0.2, channels + 0.2), (4.4, -0.6),
                    equal=False)
    for row, order in ((0, np.arange(channels)), (3, perm)):
        for k, channel in enumerate(order):
            g = int(channel) // per_group
            ax.add_patch(Rectangle((k + 0.1, row), 0.8, 1, gid="channel",
                                   facecolor=colors.GROUP_COLORS[g % 8], hatch=colors.GROUP_HATCHES[g % 8],
                                   edgecolor=colors.EDGE))
            ax.text(k + 0.5, row + 0.5, f"{channel}", ha="center", va="center", fontsize=8,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.4})
    for k, channel in enumerate(perm):
        ax.annotate("", xy=(k + 0.5, 3), xytext=(channel + 0.5, 1),
                    arrowprops={"arrowstyle": "->", "color": "#555555", "linewidth": 0.8})
    ax.text(-0.1, -0.35, "before (grouped)", fontsize=8, ha="left")
    ax.text(-0.1, 4.35, "after channel shuffle", fontsize=8, ha="left", va="top")
    fig.suptitle(f"channel shuffle, {channels} channels in {groups} groups: (g, C/g) → (C/g, g)", fontsize=9)
    ax.legend(handles=[Patch(facecolor=colors.GROUP_COLORS[g % 8], hatch=colors.GROUP_HATCHES[g % 8],
                             edgecolor=colors.EDGE, label=f"group {g}") for g in range(min(groups, 8))],
              loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=min(groups, 4), fontsize=7, frameon=False)
    return fig
