"""Multi-channel pictures: one filter over a multi-channel input; groups (chapters 2, 9, 11)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from convkit._validation import as_array, as_nd_array
from convkit.channels import per_channel_maps
from convkit.plotting import colors
from convkit.plotting._grid import draw_grid, grid_axes, plain_axes
from convkit.plotting.geometry import group_connections

__all__ = ["multichannel_figure", "groups_figure"]

MAX_VALUE_SIDE = 7


def multichannel_figure(input, weight, bias=0, show_values=None) -> Figure:
    """One filter over a ``(C, H, W)`` input: per-channel maps and their sum.

    Parameters
    ----------
    input : array_like
        ``(C_in, H, W)`` input.
    weight : array_like
        ``(C_in, kH, kW)``: one filter, a stack of ``C_in`` kernels.
    bias : number, default 0
        Added to the sum.
    show_values : bool, optional
        Print values; default when every grid side is at most 7.

    Returns
    -------
    matplotlib.figure.Figure
        One row per channel (input channel ⋆ kernel = map), and the output
        channel (sum of the maps + bias) on the right.
    """
    x, w = as_nd_array(input, "input", "C_in, H, W"), as_array(weight, "weight")
    if w.ndim != 3 or w.shape[0] != x.shape[0]:
        raise ValueError(f"weight must be (C_in, kH, kW) with C_in = {x.shape[0]}, got shape {w.shape}")
    if w.shape[1] > x.shape[1] or w.shape[2] > x.shape[2]:
        raise ValueError("weight: the kernel must fit in the input")
    c_in, h, wd = x.shape
    maps = per_channel_maps(x, w[None])[0]  # one filter (1, C_in, kH, kW) -> maps (C_in, H_out, W_out)
    total = maps.sum(axis=0) + bias  # (H_out, W_out)
    oh, ow = total.shape
    if show_values is None:
        show_values = max(h, wd) <= MAX_VALUE_SIDE
    gap = 1.6
    width = wd + gap + w.shape[2] + gap + ow + gap + ow
    row_height = max(h, w.shape[1]) + 1.2
    height = c_in * row_height
    fig = Figure(figsize=(0.36 * width + 0.4, 0.36 * height + 1.0), facecolor=colors.FIGURE_FACE)
    ax = grid_axes(fig, width, height)
    for c in range(c_in):
        y = c * row_height
        x0 = 0.0
        draw_grid(ax, x[c], "input", (x0, y), show_values, label=f"input channel {c}")
        x0 += wd + gap
        ax.text(x0 - gap / 2, y + h / 2, "⋆", ha="center", va="center", fontsize=20)
        draw_grid(ax, w[c], "kernel", (x0, y), show_values, label=f"kernel {c}")
        x0 += w.shape[2] + gap
        ax.text(x0 - gap / 2, y + h / 2, "=", ha="center", va="center", fontsize=14)
        draw_grid(ax, maps[c], "output", (x0, y), show_values, gid="channel-map", label=f"map {c}")
        if c < c_in - 1:
            ax.text(x0 + ow / 2, y + oh + (row_height - oh) / 2 - 0.2, "+", ha="center", va="center", fontsize=14)
    x_sum = wd + gap + w.shape[2] + gap + ow + gap
    y_sum = (height - row_height) / 2
    bias_text = f" + bias {bias:g}" if bias else ""
    draw_grid(ax, total, "output", (x_sum, y_sum), show_values, gid="output-sum",
              label=f"sum{bias_text}")
    # The summed output cells get a thicker outline: one output channel per filter.
    for r in range(oh):
        for col in range(ow):
            ax.add_patch(Rectangle((x_sum + col, y_sum + r), 1, 1, fill=False,
                                   edgecolor=colors.EDGE, linewidth=2.0))
    fig.suptitle(f"One filter ({c_in} kernels of {w.shape[1]}×{w.shape[2]}) gives one output channel",
                 fontsize=10)
    return fig


def groups_figure(in_channels: int, out_channels: int, groups: int) -> Figure:
    """Which input channels each filter sees in a grouped convolution.

    Input channels on the left, filters (output channels) on the right, a
    line for every input channel a filter reads. Each group has its own
    colour *and* hatch pattern, and every box is labelled with its group.
    ``groups = in_channels`` is a depthwise convolution.

    Parameters
    ----------
    in_channels, out_channels : int
        ``C_in`` and ``C_out``, both divisible by ``groups``.
    groups : int
        Number of groups ``g``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    mask = group_connections(in_channels, out_channels, groups)  # (C_out, C_in)
    rows = max(in_channels, out_channels)
    fig = Figure(figsize=(5.2, 0.42 * rows + 1.4), facecolor=colors.FIGURE_FACE)
    ax = plain_axes(fig.add_axes((0.02, 0.04, 0.96, 0.84)), (-0.2, 10.2), (rows + 0.2, -0.6),
                    equal=False)

    def y_of(index: int, count: int) -> float:
        return (rows - count) / 2 + index + 0.5

    in_group = np.arange(in_channels) // (in_channels // groups)
    out_group = np.arange(out_channels) // (out_channels // groups)
    for c in range(in_channels):
        g = int(in_group[c]) % len(colors.GROUP_COLORS)
        ax.add_patch(Rectangle((0, y_of(c, in_channels) - 0.4), 2.2, 0.8, gid="input-channel",
                               facecolor=colors.GROUP_COLORS[g], hatch=colors.GROUP_HATCHES[g],
                               edgecolor=colors.EDGE))
        ax.text(1.1, y_of(c, in_channels), f"in {c} · g{in_group[c]}", ha="center", va="center", fontsize=7,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    for o in range(out_channels):
        g = int(out_group[o]) % len(colors.GROUP_COLORS)
        ax.add_patch(Rectangle((7.8, y_of(o, out_channels) - 0.4), 2.2, 0.8, gid="filter",
                               facecolor=colors.GROUP_COLORS[g], hatch=colors.GROUP_HATCHES[g],
                               edgecolor=colors.EDGE, linewidth=2.0))
        ax.text(8.9, y_of(o, out_channels), f"filter {o} · g{out_group[o]}", ha="center", va="center",
                fontsize=7, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        for c in np.flatnonzero(mask[o]):
            ax.plot([2.2, 7.8], [y_of(c, in_channels), y_of(o, out_channels)], color="#555555",
                    linewidth=0.8, gid="connection")
    kind = "depthwise" if groups == in_channels else ("standard" if groups == 1 else "grouped")
    fig.suptitle(f"{kind} convolution: {in_channels} → {out_channels} channels, groups = {groups}\n"
                 f"each filter reads {in_channels // groups} input channel(s)", fontsize=9)
    ax.legend(handles=[Patch(facecolor=colors.GROUP_COLORS[g % 8], hatch=colors.GROUP_HATCHES[g % 8],
                             edgecolor=colors.EDGE, label=f"group {g}") for g in range(min(groups, 8))],
              loc="lower center", bbox_to_anchor=(0.5, -0.12), ncol=min(groups, 4), fontsize=7, frameon=False)
    return fig
